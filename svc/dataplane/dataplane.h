/*
 * ipsecgw-dataplane: the DPDK primary process. dataplane_start() runs the
 * EAL (multi-process, --file-prefix ipsecgw-INSTANCE so secondaries such
 * as dpdk-proc-info attach), waits for the instance's shared region,
 * claims its procs[] entry, builds the forwarding snapshot from the
 * region, launches the workers and serves its sockets; then it follows
 * configuration changes until dataplane_stop().
 *
 * Error convention: constructors return a pointer or NULL with a reason in
 * the caller's buffer; dataplane_opts_parse returns 0, 1 (help printed) or
 * -EINVAL (usage printed).
 */
#ifndef IPSECGW_DATAPLANE_DATAPLANE_H
#define IPSECGW_DATAPLANE_DATAPLANE_H

#include <stddef.h>
#include <uv.h>

#define DATAPLANE_ATTACH_RETRY_MS 500
#define DATAPLANE_ATTACH_TIMEOUT_S 60
#define DATAPLANE_EAL_DEFAULT "-l 0-1"
#define DATAPLANE_NEIGH_AGE_S 300
#define DATAPLANE_ICMP_RATE 1000
#define DATAPLANE_IDLE_US 100
#define DATAPLANE_MBUFS 16383

struct dataplane_opts {
	const char *instance;           /* borrowed from argv */
	unsigned attach_timeout_s;      /* 0: wait for the region forever */
	int log_level;
	const char *eal;                /* EAL arguments, borrowed */
	unsigned neigh_age_s;
	unsigned icmp_rate;
	unsigned idle_us;
	unsigned mbufs;
};

int dataplane_opts_parse(struct dataplane_opts *o, int argc, char **argv);

/* Called once if the dataplane cannot run (no region in time, or another
 * dataplane owns the instance). The caller then stops it and exits non-zero. */
typedef void dataplane_failed_fn(void *arg);

struct dataplane;

/* Runs rte_eal_init(): call once per process. */
struct dataplane *dataplane_start(uv_loop_t *loop, const struct dataplane_opts *o,
				  dataplane_failed_fn *failed, void *arg, char *err, size_t errlen);
/* Stops the workers and ports, clears ready and the pid in the region,
 * detaches, cleans the EAL up; memory is released once the loop has
 * closed the handles. NULL ok. */
void dataplane_stop(struct dataplane *dp);

#endif

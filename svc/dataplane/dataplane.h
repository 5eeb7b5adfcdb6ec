/*
 * ipsecgw-dataplane, for now a skeleton: attaches the instance's shared
 * region writable (waiting for the config service to create it), claims its
 * procs[] entry, reports ready to the region and to systemd, and idles until
 * stopped. The DPDK primary grows here.
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

struct dataplane_opts {
	const char *instance;           /* borrowed from argv */
	unsigned attach_timeout_s;      /* 0: wait for the region forever */
	int log_level;
};

int dataplane_opts_parse(struct dataplane_opts *o, int argc, char **argv);

/* Called once if the dataplane cannot run (no region in time, or another
 * dataplane owns the instance). The caller then stops it and exits non-zero. */
typedef void dataplane_failed_fn(void *arg);

struct dataplane;

struct dataplane *dataplane_start(uv_loop_t *loop, const struct dataplane_opts *o,
				  dataplane_failed_fn *failed, void *arg, char *err, size_t errlen);
/* Clears ready and the pid in the region, detaches; memory is released once
 * the loop has closed the handles. NULL ok. */
void dataplane_stop(struct dataplane *dp);

#endif

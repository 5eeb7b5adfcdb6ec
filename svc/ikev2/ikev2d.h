/*
 * ipsecgw-ikev2 (the daemon's service module, ikev2d_*), for now a skeleton:
 * attaches the instance's shared region writable (waiting for the config
 * service to create it), claims its procs[] entry, reports ready to the
 * region and to systemd, and idles until stopped. The region is written only
 * in procs[SHM_PROC_IKEV2]: SAs are installed through the config API. The
 * IKE tasks, task manager and transports grow next to this module.
 *
 * Error convention: constructors return a pointer or NULL with a reason in
 * the caller's buffer; ikev2d_opts_parse returns 0, 1 (help printed) or
 * -EINVAL (usage printed).
 */
#ifndef IPSECGW_IKEV2D_IKEV2D_H
#define IPSECGW_IKEV2D_IKEV2D_H

#include <stddef.h>
#include <uv.h>

#define IKEV2D_ATTACH_RETRY_MS 500
#define IKEV2D_ATTACH_TIMEOUT_S 60

struct ikev2d_opts {
	const char *instance;           /* borrowed from argv */
	unsigned attach_timeout_s;      /* 0: wait for the region forever */
	int log_level;
};

int ikev2d_opts_parse(struct ikev2d_opts *o, int argc, char **argv);

/* Called once if the daemon cannot run (no region in time, or another
 * ipsecgw-ikev2 owns the instance). The caller then stops it and exits non-zero. */
typedef void ikev2d_failed_fn(void *arg);

struct ikev2d;

struct ikev2d *ikev2d_start(uv_loop_t *loop, const struct ikev2d_opts *o,
			    ikev2d_failed_fn *failed, void *arg, char *err, size_t errlen);
/* Clears ready and the pid in the region, detaches; memory is released once
 * the loop has closed the handles. NULL ok. */
void ikev2d_stop(struct ikev2d *ike);

#endif

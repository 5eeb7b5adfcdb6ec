/*
 * ipsecgw-ikev2, the daemon (ikev2d_*): attaches the instance's shared
 * region (waiting for the config service to create it), claims its
 * procs[] entry, restores the IKE SAs persisted there, opens its transport
 * (the dataplane's punt/inject channel, or UDP sockets with --udp) and its
 * ZeroMQ peers (ikev2_ctl.h), and runs the IKEv2 engine (ikev2_engine.h)
 * on the libuv loop. Ready (region and systemd) once all of that is up.
 * Configuration is written only through the config API; the region is
 * written only in procs[SHM_PROC_IKEV2], the IKE SA table and the IKE
 * counters.
 *
 * Error convention: constructors return a pointer or NULL with a reason in
 * the caller's buffer; ikev2d_opts_parse returns 0, 1 (help printed) or
 * -EINVAL (usage printed).
 */
#ifndef IPSECGW_IKEV2D_IKEV2D_H
#define IPSECGW_IKEV2D_IKEV2D_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ikev2_engine.h"

#define IKEV2D_ATTACH_RETRY_MS 500
#define IKEV2D_ATTACH_TIMEOUT_S 60
#define IKEV2D_API_TIMEOUT_MS 3000
#define IKEV2D_SUB_SETTLE_MS 200        /* let the event subscription reach the publisher */

struct ikev2d_opts {
	const char *instance;           /* borrowed from argv */
	unsigned attach_timeout_s;      /* 0: wait for the region forever */
	int log_level;
	bool udp;                       /* plain UDP sockets instead of the punt channel */
	const char *listen4, *listen6;  /* UDP: addresses to bind (NULL: that family off) */
	uint16_t port;                  /* IKE port, default 500 */
	unsigned api_timeout_ms;
	unsigned dh_workers;            /* Diffie-Hellman threads (ikev2_workers.h); 0: on the loop */
	struct ikev2_cfg cfg;           /* engine settings (ikev2_engine.h) */
};

int ikev2d_opts_parse(struct ikev2d_opts *o, int argc, char **argv);

/* Called once if the daemon cannot run (no region in time, another
 * ipsecgw-ikev2 owns the instance, a socket cannot be bound). The caller
 * then stops it and exits non-zero. */
typedef void ikev2d_failed_fn(void *arg);

struct ikev2d;

struct ikev2d *ikev2d_start(uv_loop_t *loop, const struct ikev2d_opts *o, ikev2d_failed_fn *failed,
			    void *arg, char *err, size_t errlen);
/* Clears ready and the pid in the region, closes sockets, detaches; the IKE
 * SAs stay in the region and installed (a restart continues them). Memory
 * is released once the loop has closed the handles. NULL ok. */
void ikev2d_stop(struct ikev2d *d);

#endif

/*
 * The dataplane's request socket: a ZeroMQ ROUTER at
 * ipc://RUNDIR/dataplane.sock speaking the same Envelope as the config
 * service. Requests served: Ping (answered by PingResult messages and a
 * final Reply, see dp_ping.h). Anything else gets a Reply with
 * INVALID_ARGUMENT. Control thread only.
 */
#ifndef IPSECGW_DATAPLANE_DP_API_H
#define IPSECGW_DATAPLANE_DP_API_H

#include <stddef.h>
#include <uv.h>

#include "dp_ctl.h"
#include "msg.h"

#define DP_API_SOCK "dataplane"
#define DP_API_ID_MAX 256

struct dp_api *dp_api_open(struct dp_ctl *c, uv_loop_t *loop, char *err, size_t errlen);
void dp_api_close(struct dp_api *a);
/* Send env to the peer with this ROUTER identity. 0 or -errno. */
int dp_api_send(struct dp_api *a, const void *id, size_t idlen, const gw_env *env);
/* A Reply with code and message. */
int dp_api_reply(struct dp_api *a, const void *id, size_t idlen, uint64_t request_id, int code,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif

/*
 * Ping origination (`ipsecctl ping ADDR [source IF] [repeat N] [size S]`):
 * a session per Ping request on dataplane.sock sends ICMP/ICMPv6 echo
 * requests from the control thread through worker 0 (routed like any
 * locally originated packet), matches the replies the workers punt (by
 * ICMP identifier and sequence number), answers each echo with a
 * PingResult (rtt from the worker's receive timestamp) and ends with a
 * Reply. Control thread only.
 */
#ifndef IPSECGW_DATAPLANE_DP_PING_H
#define IPSECGW_DATAPLANE_DP_PING_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "dp_ctl.h"
#include "ipsecgw.pb-c.h"

struct rte_mbuf;

#define DP_PING_SESSIONS 64
#define DP_PING_MAX_REPEAT 10000u
#define DP_PING_MAX_SIZE 1400u  /* data bytes: one mbuf, under any sane MTU */

struct dp_ping *dp_ping_new(struct dp_ctl *c, uv_loop_t *loop);
void dp_ping_free(struct dp_ping *p);
/* A Ping request from ROUTER identity id. */
void dp_ping_start(struct dp_ctl *c, const void *id, size_t idlen, uint64_t request_id,
		   const Ipsecgw__V1__Ping *req);
/* A punted echo reply (adopts m). */
void dp_ping_input(struct dp_ctl *c, uint8_t af, struct rte_mbuf *m, uint64_t tsc);

#endif

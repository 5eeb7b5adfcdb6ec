/*
 * The control thread's side of the punt rings, and the IKE punt/inject
 * channel: unix datagram sockets in the instance's runtime directory, one
 * Envelope with one PuntPacket per datagram (proto/ipsecgw.proto).
 *   RUNDIR/punt.sock      bound by the dataplane: injected packets arrive
 *   RUNDIR/ike-punt.sock  bound by the IKE daemon: punted packets go there
 * If the IKE daemon's socket is missing or refuses, the packet is dropped
 * as PUNT_NO_LISTENER; if it is full, PUNT_QUEUE_FULL.
 *
 * Error convention: 0 or -errno; constructors a pointer or NULL.
 */
#ifndef IPSECGW_DATAPLANE_DP_PUNT_H
#define IPSECGW_DATAPLANE_DP_PUNT_H

#include <uv.h>

#include "dp_ctl.h"
#include "ipsecgw.pb-c.h"

#define DP_PUNT_SOCK "punt"
#define DP_PUNT_IKE_SOCK "ike-punt"
#define DP_PUNT_MAX_DGRAM (72u * 1024u)

struct dp_punt *dp_punt_open(struct dp_ctl *c, uv_loop_t *loop, char *err, size_t errlen);
void dp_punt_close(struct dp_punt *p);

/* Drain every worker's punt ring and dispatch. */
void dp_punt_drain(struct dp_ctl *c);

/* Build and send a UDP datagram from us (fragmented to the egress MTU if
 * need be). Used for injected IKE packets. */
int dp_punt_inject(struct dp_ctl *c, const Ipsecgw__V1__PuntPacket *p);

#endif

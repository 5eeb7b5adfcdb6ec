/*
 * Talking to a running dataplane, for ipsecctl and the IKE daemon; no DPDK
 * needed. Two channels (proto/ipsecgw.proto):
 *  - ping: a DEALER to ipc://RUNDIR/dataplane.sock; one Ping request,
 *    PingResult messages as echoes complete, a final Reply;
 *  - IKE punt/inject: unix datagram sockets RUNDIR/ike-punt.sock (ours,
 *    the dataplane sends punted IKE packets there) and RUNDIR/punt.sock
 *    (the dataplane's, where we inject).
 *
 * Error convention: 0 or -errno (-ENOENT: the dataplane is not running).
 * Ownership: messages returned are the caller's, freed with msg_free /
 * ipsecgw__v1__punt_packet__free_unpacked as noted.
 */
#ifndef IPSECGW_DATAPLANE_DP_CLIENT_H
#define IPSECGW_DATAPLANE_DP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

#include "ipsecgw.pb-c.h"

/* Called for each echo request as it completes (received or timed out). */
typedef void dp_client_ping_fn(void *arg, const Ipsecgw__V1__PingResult *r);

struct dp_client_ping_stats {
	uint32_t sent, received;
};

/* Run one ping to completion. The wait for each message is the ping's own
 * interval and timeout plus slack_ms. On a Reply with an error, returns
 * -EREMOTEIO with its code name and message in err. */
int dp_client_ping(const char *instance, const Ipsecgw__V1__Ping *req, int slack_ms, dp_client_ping_fn *fn,
		   void *arg, struct dp_client_ping_stats *st, char *err, size_t errlen);

/* What ipsecctl prints, as VPP does:
 *   64 bytes from 192.0.2.1: icmp_seq=1 ttl=64 time=.1456 ms
 *   Statistics: 5 sent, 5 received, 0% packet loss
 * The line for an echo that got no answer is empty (nothing printed). */
void dp_client_ping_print(FILE *out, const Ipsecgw__V1__PingResult *r);
void dp_client_ping_print_stats(FILE *out, const struct dp_client_ping_stats *st);

/* `ping ADDR [source IF] [repeat N] [size S]` end to end: prints each reply
 * and the statistics to out. addr is 4 or 16 bytes; source may be NULL or
 * empty; repeat 0 = 5; size as given (56 in VPP). Returns 0 if any reply
 * came back, 1 if none did, or -errno with err set. */
int dp_client_ping_run(FILE *out, const char *instance, const uint8_t *addr, size_t addr_len,
		       const char *source, uint32_t repeat, uint32_t size, char *err, size_t errlen);

/* The IKE daemon's end of the punt channel. */
struct dp_client_punt {
	int fd;
	struct sockaddr_un self, dp;
};
/* Binds RUNDIR/ike-punt.sock (replacing a stale one). */
int dp_client_punt_open(struct dp_client_punt *p, const char *instance);
void dp_client_punt_close(struct dp_client_punt *p);
/* Wait up to timeout_ms (-1 forever) for one punted packet. 0 with *out
 * set (free with ipsecgw__v1__punt_packet__free_unpacked(*out, NULL)),
 * -ETIMEDOUT, -EBADMSG (a datagram that is not a PuntPacket), -errno. */
int dp_client_punt_recv(struct dp_client_punt *p, int timeout_ms, Ipsecgw__V1__PuntPacket **out);
/* Hand a packet to the dataplane to send. */
int dp_client_punt_send(struct dp_client_punt *p, const Ipsecgw__V1__PuntPacket *pkt);

#endif

/*
 * ICMP and ICMPv6 built by workers, in place in the mbuf that caused them
 * (no allocation): echo replies, and errors — time exceeded, destination
 * unreachable, fragmentation needed (RFC 1191), packet too big (RFC 8201).
 * Errors are rate-limited per worker (token bucket) and never sent about an
 * ICMP error, a non-first fragment or a non-unicast source (RFC 1812
 * §4.3.2.7, RFC 4443 §2.4).
 */
#ifndef IPSECGW_DATAPLANE_DP_ICMP_H
#define IPSECGW_DATAPLANE_DP_ICMP_H

#include <stdint.h>

#include "dp_worker.h"

void dp_icmp_init(struct dp_worker *w, uint64_t tsc_hz, unsigned rate);

/* Turn m (a received IP packet, data at the Ethernet header) into an error
 * to its source from in_ifc's address. 0: m is now a locally originated
 * packet to route; -1: not allowed or rate-limited, m untouched. `extra`:
 * the MTU for frag-needed / packet-too-big, else 0. */
int dp_icmp4_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		   uint8_t type, uint8_t code, uint32_t extra);
int dp_icmp6_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		   uint8_t type, uint8_t code, uint32_t extra);

/* Turn an echo request (checked by dp_classify_local*) into its reply. */
void dp_icmp4_echo_reply(struct rte_mbuf *m);
void dp_icmp6_echo_reply(struct rte_mbuf *m);

/* Send the error if allowed, else free; the drop is counted by the caller. */
void dp_icmp4_send_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			 uint8_t type, uint8_t code, uint32_t extra);
void dp_icmp6_send_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			 uint8_t type, uint8_t code, uint32_t extra);

#endif

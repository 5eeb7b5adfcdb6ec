/*
 * IPv4 and IPv6 forwarding stages (dp_ip4.c, dp_ip6.c). Input functions
 * take one burst of frames from one interface, all classified DP_CLS_IP4
 * (resp. IP6) and trimmed to the IP length (dst, l3_len: IPv4
 * destinations, host order, and lengths as classify read them); every
 * packet ends transmitted,
 * punted, handed to a hook or dropped with a counted reason.
 *
 * Locally originated packets (echo replies, ICMP errors, injected IKE,
 * pings) have their IP header after a 14-byte gap for the Ethernet header.
 */
#ifndef IPSECGW_DATAPLANE_DP_IP_H
#define IPSECGW_DATAPLANE_DP_IP_H

#include <stdint.h>

#include "dp_worker.h"

void dp_ip4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		  uint32_t *dst, const uint16_t *l3_len, uint16_t n);
void dp_ip6_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		  uint16_t n);
/*
 * The IPv4 forwarding fast path (dp_fast4.c) over one rx burst of an
 * interface without an SPD: one bulk FIB lookup for every frame, then one
 * pass that classifies (dp_classify_ip4_fast_w, own_mac from dp_mac_word)
 * and forwards what takes a resolved next hop with TTL and MTU in order;
 * what routes into a tunnel interface or out of an interface with an SPD,
 * with TTL and MTU in order, goes to the ESP outbound hook (dp_esphook_out)
 * or the outbound SPD (dp_esp_spd_out), and unfragmented ESP to one of our
 * addresses to the inbound hook (dp_esphook_in), in_ifc the receiving
 * interface, each group together, after the forwarded packets. Frames it does not classify are
 * moved to the front of pkts (the return value counts them) for
 * dp_classify_frame; IPv4 it classified but does not handle (local,
 * unresolved, TTL, MTU, no route) is appended to v4/dst4/len4 (n4) for
 * dp_ip4_input. Adds the frame bytes of the packets it kept (as received)
 * to rx_bytes. Nothing is dropped here.
 */
uint16_t dp_fast4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
			uint16_t n, uint64_t own_mac, struct rte_mbuf **v4, uint32_t *dst4, uint16_t *len4, uint16_t *n4,
			uint64_t *rx_bytes);
void dp_ip4_output_local(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m);
void dp_ip6_output_local(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m);

/* Inner packets out of an inbound SA: no inbound SPD check (dp_esphook_in
 * did the SA's), and ESP inside them is not decrypted again. */
void dp_ip4_input_decrypted(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			    uint32_t *dst, const uint16_t *l3_len, uint16_t n);
void dp_ip6_input_decrypted(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			    uint16_t n);

/* Route a packet the gateway built (IP header after a 14-byte gap).
 * DP_OUT_ESP: an ESP packet of ours: no SPD, no tunnel interface. */
#define DP_OUT_ESP 1u
void dp_ip4_output(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m, unsigned flags);
void dp_ip6_output(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m, unsigned flags);

/* RFC 4301 §8.1 pre-fragmentation: an IPv4 packet without DF too big for
 * the ESP it is going into (mtu: the largest inner packet that fits)
 * becomes fragments, each routed again as a locally built packet (so each
 * gets its own ESP packet). Adopts m; counted drops if it cannot. */
void dp_ip4_prefrag(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m, uint32_t mtu);

/* The neighbor stage: write the Ethernet header for nh (resolved VIA or
 * ATTACHED with a known neighbor) and queue for tx, or punt the packet to
 * the control thread to wait for resolution. nh_ip: the neighbor (VIA) or
 * the destination (ATTACHED), network order. */
void dp_ip4_neigh_out(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m,
		      const struct dp_nh *nh, const uint8_t *nh_ip, uint16_t count_ifc);
void dp_ip6_neigh_out(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m,
		      const struct dp_nh *nh, const uint8_t *nh_ip, uint16_t count_ifc);

/* TTL - 1 on a forwarded IPv4 header, given tw, its bytes 8..11 (TTL,
 * protocol, checksum) as loaded: the checksum word (TTL, protocol) drops by
 * 0x0100, so the checksum rises by 0x0100 (RFC 1624), which is 1 in that
 * little-endian word with the end-around carry. TTL > 1: the TTL byte does
 * not borrow. */
static inline void dp_ip4_ttl_dec(uint8_t *ip, uint32_t tw)
{
	uint64_t t = (uint64_t)tw + 0x10000u - 1u;

	tw = (uint32_t)t + (uint32_t)(t >> 32 << 16);
	__builtin_memcpy(ip + 8, &tw, 4);
}

#endif

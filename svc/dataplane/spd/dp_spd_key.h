/*
 * Private to the SPD module: the lookup key rte_acl walks, and the packet
 * parser that fills it (inline: it runs on the packet path).
 *
 * A key is the selectors of one packet, already turned around for the
 * direction (local/remote), every multi-byte field in network order as
 * rte_acl expects. Addresses are not in it: their interval numbers are
 * (dp_spd_idx.h), the same 2 bytes for IPv4 and IPv6. rte_acl reads the
 * first field as one byte and every other input as 4 consecutive bytes:
 *
 *    0 zero (1 byte, input 0; then 3 unused)
 *    4 local interval, remote interval (u16 ranges)
 *    8 protocol, ports flag, remote port (u16 range)
 *   12 local port (u16 range), zero
 *
 * The ports flag is what lets one rte_acl trie both compare ports (packets
 * that carry them) and ignore them (every other packet): a policy with port
 * ranges becomes a rule "flag 1, ports in range" plus a rule "flag 0, any
 * ports".
 */
#ifndef IPSECGW_DP_SPD_KEY_H
#define IPSECGW_DP_SPD_KEY_H

#include <stdint.h>
#include <string.h>

#include "dp_spd_idx.h"
#include "region.h"

struct dp_spd_key {
	uint8_t zero[4];
	uint8_t lidx[2];
	uint8_t ridx[2];
	uint8_t proto;
	uint8_t flag;
	uint8_t rport[2];
	uint8_t lport[2];
	uint8_t zero2[2];
};

_Static_assert(sizeof(struct dp_spd_key) == 16, "dp_spd_key");

/* A packet's selectors before the addresses become interval numbers. */
struct dp_spd_sel {
	dp_spd_u128 laddr, raddr;
	struct dp_spd_key k;
};

/* The IPv6 extension headers skipped to find the upper-layer protocol. */
#define DP_SPD_IP6_HOPOPTS 0
#define DP_SPD_IP6_ROUTING 43
#define DP_SPD_IP6_FRAGMENT 44
#define DP_SPD_IP6_DSTOPTS 60
#define DP_SPD_IP6_EXT_MAX 8    /* extension headers walked at most */

static inline int dp_spd_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;  /* TCP, UDP, SCTP */
}

/* Ports of the L4 header at ip + off when it is there; the flag says so. */
static inline void dp_spd_sel_ports(const uint8_t *ip, uint32_t len, uint32_t off, int first_frag,
				    int out, struct dp_spd_key *k)
{
	if (first_frag && dp_spd_has_ports(k->proto) && off + 4 <= len) {
		/* outbound: local = source port; inbound: local = destination port */
		memcpy(k->lport, ip + off + (out ? 0 : 2), 2);
		memcpy(k->rport, ip + off + (out ? 2 : 0), 2);
		k->flag = 1;
	}
}

/* Fills s from an IPv4 header. 0, or -1 if it is not one (s is then still
 * a valid selector, whose result the caller discards). */
static inline int dp_spd_sel4(const uint8_t *ip, uint32_t len, int out, struct dp_spd_sel *s)
{
	uint32_t ihl;

	memset(s, 0, sizeof(*s));
	if (len < 20 || (ip[0] >> 4) != 4)
		return -1;
	ihl = (ip[0] & 0x0fu) * 4u;
	s->k.proto = ip[9];
	s->laddr = dp_spd_idx_addr(ip + (out ? 12 : 16), 4);
	s->raddr = dp_spd_idx_addr(ip + (out ? 16 : 12), 4);
	if (ihl >= 20)
		dp_spd_sel_ports(ip, len, ihl, ((ip[6] & 0x1fu) | ip[7]) == 0, out, &s->k);
	return 0;
}

/* Fills s from an IPv6 header; as dp_spd_sel4. */
static inline int dp_spd_sel6(const uint8_t *ip, uint32_t len, int out, struct dp_spd_sel *s)
{
	uint32_t off = 40;
	uint8_t nh;
	int first = 1, i;

	memset(s, 0, sizeof(*s));
	if (len < 40 || (ip[0] >> 4) != 6)
		return -1;
	s->laddr = dp_spd_idx_addr(ip + (out ? 8 : 24), 16);
	s->raddr = dp_spd_idx_addr(ip + (out ? 24 : 8), 16);
	nh = ip[6];
	for (i = 0; i < DP_SPD_IP6_EXT_MAX; i++) {
		if (nh == DP_SPD_IP6_FRAGMENT) {
			if (off + 8 > len)
				break;
			if (((ip[off + 2] << 8 | ip[off + 3]) & 0xfff8) != 0)
				first = 0;
			nh = ip[off];
			off += 8;
		} else if (nh == DP_SPD_IP6_HOPOPTS || nh == DP_SPD_IP6_ROUTING ||
			   nh == DP_SPD_IP6_DSTOPTS) {
			if (off + 2 > len)
				break;
			nh = ip[off];
			off += (ip[off + 1] + 1u) * 8u;
		} else {
			break;
		}
	}
	s->k.proto = nh;
	dp_spd_sel_ports(ip, len, off, first, out, &s->k);
	return 0;
}

#endif

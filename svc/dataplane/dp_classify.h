/*
 * The classify/parse stage: pure functions over a frame's bytes. No mbuf,
 * no state, no I/O, so the unit tests and the libFuzzer target call them
 * directly. The worker calls dp_classify_frame() for every received frame
 * and dp_classify_local*() for IP packets the FIB says are addressed to the
 * gateway.
 *
 * Every rejection names a drop reason (enum shm_drop in shm/region.h).
 */
#ifndef IPSECGW_DATAPLANE_DP_CLASSIFY_H
#define IPSECGW_DATAPLANE_DP_CLASSIFY_H

#include <stdint.h>
#include <string.h>

#include "dp_csum.h"
#include "dp_wire.h"
#include "region.h"

enum dp_class {
	DP_CLS_DROP = 0,        /* meta.drop says why */
	DP_CLS_IP4,             /* unicast IPv4: forward or local, the FIB decides */
	DP_CLS_IP6,             /* unicast IPv6 */
	DP_CLS_ARP,             /* to the control thread */
	DP_CLS_ND,              /* ICMPv6 NS/NA with hop limit 255: to the control thread */
};

struct dp_meta {
	uint16_t l3_len;        /* IPv4 total length / IPv6 40 + payload length */
	uint8_t drop;           /* enum shm_drop, for DP_CLS_DROP */
	uint8_t pad;
};

/* What an IP packet addressed to the gateway is. */
enum dp_local {
	DP_LOC_DROP = 0,        /* lmeta.drop says why */
	DP_LOC_ECHO,            /* ICMP/ICMPv6 echo request: answer */
	DP_LOC_ECHO_REPLY,      /* answer to our ping: to the control thread */
	DP_LOC_IKE,             /* UDP 500, UDP 4500 with the non-ESP marker: punt */
	DP_LOC_ESP,             /* IP protocol 50: the ESP inbound hook */
	DP_LOC_ESP_UDP,         /* UDP 4500 without marker: the ESP inbound hook */
	DP_LOC_FRAG,            /* a fragment: reassemble (dp_frag.h), then classify again */
};

struct dp_lmeta {
	uint16_t l4_off;        /* from the IP header */
	uint16_t l4_len;        /* bytes from l4_off to the end of the IP packet */
	uint8_t drop;           /* enum shm_drop, for DP_LOC_DROP */
	uint8_t proto;
	uint16_t pad;
	/* IPv6: the fragment header's offset (DP_LOC_FRAG) and the offset of
	 * the next-header byte naming it; for IP6_ROUTING drops, the offset of
	 * the routing header's type (the parameter-problem pointer). */
	uint16_t frag_hdr;
	uint16_t nh_byte;
};

/* An IPv6 packet's extension header chain (RFC 8200 §4), walked from the
 * fixed header: hop-by-hop (first only), routing, destination options and
 * fragment headers, at most DP_IP6_EXT_MAX of them and DP_IP6_EXT_BYTES
 * bytes, stopping at the first other header (ESP, upper layer, no next
 * header, anything unknown) or after a fragment header. */
#define DP_IP6_EXT_MAX 8
#define DP_IP6_EXT_BYTES 512
struct dp_ip6_ext {
	uint16_t l4_off;        /* where the header `proto` starts */
	uint16_t nh_byte;       /* offset of the next-header byte that names `proto` */
	uint16_t frag_hdr;      /* fragment header's offset, 0 none */
	uint16_t frag_off;      /* its fragment offset in bytes */
	uint32_t frag_id;
	uint16_t frag_prev;     /* offset of the next-header byte naming the fragment header */
	uint16_t rh_type;       /* routing header with segments left != 0: offset of
				 * its type byte (RFC 8200 §4.4 pointer), else 0 */
	uint8_t proto;          /* after a fragment header: the one it names */
	uint8_t frag_more;      /* M flag */
	uint8_t first;          /* no fragment header, or fragment offset 0 */
	uint8_t pad;
};

/* Walk ip's chain (len: IPv6 length as classify checked it). 0, or the
 * drop reason of a malformed chain (IP6_BAD_EXT). */
int dp_ip6_ext_walk(const uint8_t *ip, uint32_t len, struct dp_ip6_ext *x);

static inline uint16_t dp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dp_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline enum dp_class dp_cls_drop(struct dp_meta *m, enum shm_drop d)
{
	m->drop = (uint8_t)d;
	return DP_CLS_DROP;
}

/* IPv4 after the Ethernet header: version, IHL, checksum, lengths, addresses. */
static inline enum dp_class dp_classify_ip4(const uint8_t *ip, uint32_t len, int l2_group,
					    struct dp_meta *m)
{
	unsigned ihl;
	uint32_t tot;

	if (__builtin_expect(len < DP_IP4_HLEN, 0))
		return dp_cls_drop(m, SHM_DROP_IP4_BAD_HEADER);
	ihl = (ip[0] & 0x0fu) * 4u;
	if (__builtin_expect((ip[0] >> 4) != 4 || ihl < DP_IP4_HLEN || ihl > len, 0))
		return dp_cls_drop(m, SHM_DROP_IP4_BAD_HEADER);
	if (__builtin_expect(!dp_ip4_hdr_csum_ok(ip, ihl), 0))
		return dp_cls_drop(m, SHM_DROP_IP4_BAD_CHECKSUM);
	tot = dp_rd16(ip + 2);
	if (__builtin_expect(tot < ihl, 0))
		return dp_cls_drop(m, SHM_DROP_IP4_BAD_HEADER);
	if (__builtin_expect(tot > len, 0))
		return dp_cls_drop(m, SHM_DROP_IP4_BAD_LENGTH);
	/* 224/4 multicast, 240/4 reserved and 255.255.255.255: not forwarded
	 * and not ours; likewise a unicast packet sent to a link-layer group
	 * address (RFC 1812 §5.3.4). */
	if (__builtin_expect(ip[16] >= 224 || l2_group, 0))
		return dp_cls_drop(m, SHM_DROP_MCAST);
	/* Martian sources: 0/8, 127/8, 224/3 (RFC 1812 §5.3.7). */
	if (__builtin_expect(ip[12] == 0 || ip[12] == 127 || ip[12] >= 224, 0))
		return dp_cls_drop(m, SHM_DROP_MARTIAN);
	m->l3_len = (uint16_t)tot;
	return DP_CLS_IP4;
}

static inline int dp_ip6_is_nd(const uint8_t *ip, uint32_t len)
{
	return ip[6] == DP_PROTO_ICMP6 && ip[7] == 255 && len >= DP_IP6_HLEN + sizeof(struct dp_nd_msg) &&
	       (ip[DP_IP6_HLEN] == DP_ICMP6_NS || ip[DP_IP6_HLEN] == DP_ICMP6_NA);
}

static inline enum dp_class dp_classify_ip6(const uint8_t *ip, uint32_t len, int l2_group,
					    struct dp_meta *m)
{
	uint32_t tot;

	if (__builtin_expect(len < DP_IP6_HLEN || (ip[0] >> 4) != 6, 0))
		return dp_cls_drop(m, SHM_DROP_IP6_BAD_HEADER);
	tot = DP_IP6_HLEN + (uint32_t)dp_rd16(ip + 4);
	if (__builtin_expect(tot > len, 0))
		return dp_cls_drop(m, SHM_DROP_IP6_BAD_LENGTH);
	m->l3_len = (uint16_t)tot;
	/* Source multicast or loopback (RFC 4291 §2.7, §2.5.3). */
	if (__builtin_expect(ip[8] == 0xff, 0))
		return dp_cls_drop(m, SHM_DROP_MARTIAN);
	if (__builtin_expect(dp_ip6_is_nd(ip, tot), 0))
		return DP_CLS_ND;
	if (__builtin_expect(ip[24] == 0xff || l2_group, 0))
		return dp_cls_drop(m, SHM_DROP_MCAST);
	{
		static const uint8_t loop6[16] = { [15] = 1 };
		if (__builtin_expect(memcmp(ip + 8, loop6, 16) == 0, 0))
			return dp_cls_drop(m, SHM_DROP_MARTIAN);
	}
	return DP_CLS_IP6;
}

/* ARP for IPv4 over Ethernet only (RFC 826). */
static inline enum dp_class dp_classify_arp(const uint8_t *a, uint32_t len, struct dp_meta *m)
{
	if (len < DP_ARP_LEN || dp_rd16(a) != 1 || dp_rd16(a + 2) != DP_ETHERTYPE_IP4 || a[4] != 6 ||
	    a[5] != 4 || (dp_rd16(a + 6) != DP_ARP_OP_REQUEST && dp_rd16(a + 6) != DP_ARP_OP_REPLY))
		return dp_cls_drop(m, SHM_DROP_ARP_BAD);
	m->l3_len = DP_ARP_LEN;
	return DP_CLS_ARP;
}

/*
 * Classify one frame of `len` bytes received on an interface whose MAC is
 * `own_mac`: Ethernet, then ARP / IPv4 / IPv6 sanity. The frame may carry
 * trailing padding beyond meta.l3_len.
 */
static inline enum dp_class dp_classify_frame(const uint8_t *f, uint32_t len, const uint8_t own_mac[6],
					      struct dp_meta *m)
{
	uint16_t et;
	int group;

	if (__builtin_expect(len < DP_ETH_HLEN, 0))
		return dp_cls_drop(m, SHM_DROP_RUNT);
	group = f[0] & 1;
	if (__builtin_expect(!group && memcmp(f, own_mac, 6) != 0, 0))
		return dp_cls_drop(m, SHM_DROP_L2_NOT_FOR_US);
	et = dp_rd16(f + 12);
	if (__builtin_expect(et == DP_ETHERTYPE_IP4, 1))
		return dp_classify_ip4(f + DP_ETH_HLEN, len - DP_ETH_HLEN, group, m);
	if (et == DP_ETHERTYPE_IP6)
		return dp_classify_ip6(f + DP_ETH_HLEN, len - DP_ETH_HLEN, group, m);
	if (et == DP_ETHERTYPE_ARP)
		return dp_classify_arp(f + DP_ETH_HLEN, len - DP_ETH_HLEN, m);
	return dp_cls_drop(m, SHM_DROP_UNKNOWN_ETHERTYPE);
}

/*
 * The common case, inline and branch-light: a single frame to own_mac
 * carrying IPv4 with a 20-byte header, a good checksum, a total length
 * that fits, a unicast destination and a non-martian source. Returns 1,
 * the IP length and the destination (host order); 0 means "not this
 * case": dp_classify_frame decides (and names the drop reason). Same
 * verdicts as dp_classify_frame. The worker builds own_mac's word once
 * per burst (dp_mac_word) and calls dp_classify_ip4_fast_w.
 */
static inline uint64_t dp_mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;

	memcpy(&w, mac, 6);
	return w;
}

/* The IPv4 header part of it, for a packet without a frame (decrypted:
 * its first byte already checked to be 0x45, at least 20 of len bytes). */
static inline int dp_classify_ip4_hdr_fast(const uint8_t *ip, uint32_t len, uint32_t *l3_len, uint32_t *dst)
{
	uint64_t h0, h1, sum;
	uint32_t h2, tot;
	unsigned c;

	/* The header as two 64-bit words and one 32-bit word (scalar loads:
	 * copying it to a local array first makes the compiler store it as a
	 * vector and reload words, which stalls). */
	memcpy(&h0, ip, 8);
	memcpy(&h1, ip + 8, 8);
	memcpy(&h2, ip + 16, 4);
	/* A good header's ones' complement sum is 0xffff: the plain sum of
	 * its 16-bit words is a non-zero multiple of 0xffff (non-zero: ip[0]
	 * is 0x45). 2^16 = 1 mod 0xffff, so the 64-bit sum of h0, h1, h2 with
	 * end-around carries keeps that residue (and is never 0). It is a
	 * multiple of the odd 0xffff exactly when multiplying by 0xffff^-1
	 * mod 2^64 leaves at most (2^64 - 1) / 0xffff (Granlund and
	 * Montgomery, 1994): two add-with-carry and one multiply, no folding. */
	c = __builtin_add_overflow(h0, h1, &sum);
	sum += c;
	c = __builtin_add_overflow(sum, (uint64_t)h2, &sum);
	sum += c;
	if (sum * 0xfffefffefffeffffull > 0x0001000100010001ull)
		return 0;
	tot = __builtin_bswap32((uint32_t)h0) & 0xffffu;
	/* A total length that is the packet's (the usual case: one compare,
	 * and at least 20 since len is), or between 20 and the packet's. */
	if (__builtin_expect(tot != len, 0) && (tot < DP_IP4_HLEN || tot > len))
		return 0;
	/* Unicast destination; source (ip[12], byte 4 of h1) not 0/8, 127/8
	 * or 224/3. */
	if ((uint8_t)h2 >= 224 || (uint8_t)((h1 >> 32) - 1) >= 223 || (uint8_t)(h1 >> 32) == 127)
		return 0;
	*l3_len = tot;
	*dst = __builtin_bswap32(h2);
	return 1;
}

static inline int dp_classify_ip4_fast_w(const uint8_t *f, uint32_t len, uint64_t mac, uint32_t *l3_len,
					 uint32_t *dst)
{
	uint64_t a;
	uint32_t et;

	if (__builtin_expect(len < DP_ETH_HLEN + DP_IP4_HLEN, 0))
		return 0;
	/* Destination MAC (the low 6 bytes of 8), then EtherType 0x0800 and
	 * version 4 / IHL 5 in one word. */
	memcpy(&a, f, 8);
	memcpy(&et, f + 12, 4);
	if (((a ^ mac) << 16) != 0 || (et & 0xffffffu) != 0x450008u)
		return 0;
	return dp_classify_ip4_hdr_fast(f + DP_ETH_HLEN, len - DP_ETH_HLEN, l3_len, dst);
}

static inline int dp_classify_ip4_fast(const uint8_t *f, uint32_t len, const uint8_t own_mac[6],
				       uint32_t *l3_len, uint32_t *dst)
{
	return dp_classify_ip4_fast_w(f, len, dp_mac_word(own_mac), l3_len, dst);
}

/* A set of UDP ports (ESP in UDP on ports other than 4500). */
struct dp_udp_ports {
	uint64_t bits[65536 / 64];
};
static inline void dp_udp_ports_add(struct dp_udp_ports *s, uint16_t port)
{
	s->bits[port >> 6] |= 1ull << (port & 63);
}
static inline int dp_udp_ports_has(const struct dp_udp_ports *s, uint16_t port)
{
	return s && (s->bits[port >> 6] >> (port & 63)) & 1;
}

/* An IPv4 packet (l3_len bytes, already checked by dp_classify_ip4)
 * addressed to one of the gateway's addresses. natt: further ports that
 * take ESP in UDP (and NAT-T keepalives) as 4500 does; NULL: 4500 only. */
enum dp_local dp_classify_local4_natt(const uint8_t *ip, uint32_t l3_len, const struct dp_udp_ports *natt,
				      struct dp_lmeta *lm);
static inline enum dp_local dp_classify_local4(const uint8_t *ip, uint32_t l3_len, struct dp_lmeta *lm)
{
	return dp_classify_local4_natt(ip, l3_len, NULL, lm);
}
/* The same for IPv6 (checked by dp_classify_ip6). */
enum dp_local dp_classify_local6_natt(const uint8_t *ip, uint32_t l3_len, const struct dp_udp_ports *natt,
				      struct dp_lmeta *lm);
static inline enum dp_local dp_classify_local6(const uint8_t *ip, uint32_t l3_len, struct dp_lmeta *lm)
{
	return dp_classify_local6_natt(ip, l3_len, NULL, lm);
}

/* ND message checks (RFC 4861 §7.1.1, §7.1.2) for a DP_CLS_ND packet:
 * checksum, code 0, target not multicast, options well-formed. On success
 * returns 0 and the source/target link-layer address option's MAC (if
 * present) in lla (has_lla set). Else the drop reason. */
int dp_classify_nd(const uint8_t *ip, uint32_t l3_len, uint8_t lla[6], int *has_lla);

#endif

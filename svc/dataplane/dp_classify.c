/* The classify stage's colder half: packets addressed to the gateway and
 * neighbor discovery. Pure: see dp_classify.h. */
#include "dp_classify.h"

static enum dp_local loc_drop(struct dp_lmeta *lm, enum shm_drop d)
{
	lm->drop = (uint8_t)d;
	return DP_LOC_DROP;
}

/* UDP to the gateway: IKE on 500, on 4500 (and the natt_ports of inbound
 * SAs) IKE (non-ESP marker), NAT-T keepalive or ESP. `sum` is the pseudo-header sum, `csum_required` for
 * IPv6 (RFC 8200 §8.1). */
static enum dp_local loc_udp(const uint8_t *u, uint32_t l4_len, uint64_t sum, int csum_required,
			     const struct dp_udp_ports *natt_ports, struct dp_lmeta *lm)
{
	uint32_t ulen, plen;
	uint16_t dport;
	int natt;

	if (l4_len < DP_UDP_HLEN)
		return loc_drop(lm, SHM_DROP_UDP_BAD);
	ulen = dp_rd16(u + 4);
	if (ulen < DP_UDP_HLEN || ulen > l4_len)
		return loc_drop(lm, SHM_DROP_UDP_BAD);
	lm->l4_len = (uint16_t)ulen;
	plen = ulen - DP_UDP_HLEN;
	dport = dp_rd16(u + 2);
	natt = dport == DP_UDP_NATT || (dport != DP_UDP_IKE && dp_udp_ports_has(natt_ports, dport));
	if (dport != DP_UDP_IKE && !natt)
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	if (natt && plen == 1 && u[DP_UDP_HLEN] == 0xff)
		return loc_drop(lm, SHM_DROP_NATT_KEEPALIVE);
	if (natt && !(plen >= DP_NON_ESP_MARKER_LEN && dp_rd32(u + DP_UDP_HLEN) == 0)) {
		/* ESP in UDP (RFC 3948): an SPI and a sequence number at least.
		 * Its checksum is not checked (RFC 3948 §3.1.2: SHOULD be 0). */
		if (plen < 8)
			return loc_drop(lm, SHM_DROP_UDP_BAD);
		return DP_LOC_ESP_UDP;
	}
	if ((u[6] | u[7]) || csum_required) {
		if (!dp_csum_ok(dp_csum_add(sum, u, ulen)))
			return loc_drop(lm, SHM_DROP_UDP_BAD);
	}
	return DP_LOC_IKE;
}

enum dp_local dp_classify_local4_natt(const uint8_t *ip, uint32_t l3_len, const struct dp_udp_ports *natt,
				      struct dp_lmeta *lm)
{
	unsigned ihl = (ip[0] & 0x0fu) * 4u;
	const uint8_t *l4 = ip + ihl;
	uint32_t l4_len = l3_len - ihl;

	lm->l4_off = (uint16_t)ihl;
	lm->l4_len = (uint16_t)l4_len;
	lm->proto = ip[9];
	lm->frag_hdr = lm->nh_byte = 0;
	/* More fragments, or a fragment offset: reassembly first. */
	if ((dp_rd16(ip + 6) & 0x3fffu) != 0)
		return DP_LOC_FRAG;
	switch (ip[9]) {
	case DP_PROTO_ICMP:
		if (l4_len < DP_ICMP_HLEN || !dp_csum_ok(dp_csum_add(0, l4, l4_len)))
			return loc_drop(lm, SHM_DROP_ICMP_BAD);
		if (l4[0] == DP_ICMP_ECHO && l4[1] == 0)
			return DP_LOC_ECHO;
		if (l4[0] == DP_ICMP_ECHO_REPLY && l4[1] == 0)
			return DP_LOC_ECHO_REPLY;
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	case DP_PROTO_UDP:
		return loc_udp(l4, l4_len, dp_csum_phdr4(ip + 12, ip + 16, DP_PROTO_UDP, l4_len), 0, natt, lm);
	case DP_PROTO_ESP:
		return DP_LOC_ESP;
	default:
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	}
}

static inline int ip6_is_ext(uint8_t nh)
{
	return nh == DP_PROTO_HOPOPTS || nh == DP_PROTO_ROUTING || nh == DP_PROTO_DSTOPTS || nh == DP_PROTO_FRAG6;
}

int dp_ip6_ext_walk(const uint8_t *ip, uint32_t len, struct dp_ip6_ext *x)
{
	uint32_t off = DP_IP6_HLEN, prev = 6;
	uint8_t nh = ip[6];

	memset(x, 0, sizeof(*x));
	x->first = 1;
	for (unsigned i = 0; ip6_is_ext(nh); i++) {
		uint32_t hl;

		if (i == DP_IP6_EXT_MAX || off + 8 > len)
			return SHM_DROP_IP6_BAD_EXT;
		/* Hop-by-hop options only right after the fixed header (§4.1). */
		if (nh == DP_PROTO_HOPOPTS && i != 0)
			return SHM_DROP_IP6_BAD_EXT;
		if (nh == DP_PROTO_FRAG6) {
			/* The fragmentable part follows: not walked before reassembly. */
			uint16_t fo = dp_rd16(ip + off + 2);
			x->frag_hdr = (uint16_t)off;
			x->frag_prev = (uint16_t)prev;
			x->frag_off = fo & 0xfff8u;
			x->frag_more = fo & 1u;
			x->frag_id = dp_rd32(ip + off + 4);
			x->first = x->frag_off == 0;
			prev = off;
			nh = ip[off];
			off += 8;
			break;
		}
		hl = ((uint32_t)ip[off + 1] + 1u) * 8u;
		if (off + hl > len || off + hl - DP_IP6_HLEN > DP_IP6_EXT_BYTES)
			return SHM_DROP_IP6_BAD_EXT;
		/* Segments left != 0: the packet asks us to route it on (§4.4). */
		if (nh == DP_PROTO_ROUTING && ip[off + 3] != 0 && !x->rh_type)
			x->rh_type = (uint16_t)(off + 2);
		prev = off;
		nh = ip[off];
		off += hl;
	}
	x->proto = nh;
	x->l4_off = (uint16_t)off;
	x->nh_byte = (uint16_t)prev;
	return 0;
}

enum dp_local dp_classify_local6_natt(const uint8_t *ip, uint32_t l3_len, const struct dp_udp_ports *natt,
				      struct dp_lmeta *lm)
{
	struct dp_ip6_ext x;
	const uint8_t *l4;
	uint32_t l4_len;
	int d = dp_ip6_ext_walk(ip, l3_len, &x);

	lm->l4_off = x.l4_off;
	lm->l4_len = (uint16_t)(l3_len - x.l4_off);
	lm->proto = x.proto;
	lm->frag_hdr = 0;
	lm->nh_byte = x.nh_byte;
	if (d)
		return loc_drop(lm, (enum shm_drop)d);
	if (x.rh_type) {
		/* No routing header type is processed: parameter problem
		 * pointing at the type (RFC 8200 §4.4). */
		lm->nh_byte = x.rh_type;
		return loc_drop(lm, SHM_DROP_IP6_ROUTING);
	}
	if (x.frag_hdr) {
		lm->frag_hdr = x.frag_hdr;
		lm->nh_byte = x.frag_prev;
		return DP_LOC_FRAG;
	}
	l4 = ip + x.l4_off;
	l4_len = l3_len - x.l4_off;
	switch (x.proto) {
	case DP_PROTO_ICMP6:
		if (l4_len < DP_ICMP_HLEN ||
		    !dp_csum_ok(dp_csum_add(dp_csum_phdr6(ip + 8, ip + 24, DP_PROTO_ICMP6, l4_len), l4, l4_len)))
			return loc_drop(lm, SHM_DROP_ICMP_BAD);
		if (l4[0] == DP_ICMP6_ECHO && l4[1] == 0)
			return DP_LOC_ECHO;
		if (l4[0] == DP_ICMP6_ECHO_REPLY && l4[1] == 0)
			return DP_LOC_ECHO_REPLY;
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	case DP_PROTO_UDP:
		return loc_udp(l4, l4_len, dp_csum_phdr6(ip + 8, ip + 24, DP_PROTO_UDP, l4_len), 1, natt, lm);
	case DP_PROTO_ESP:
		return DP_LOC_ESP;
	default:
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	}
}

int dp_classify_nd(const uint8_t *ip, uint32_t l3_len, uint8_t lla[6], int *has_lla)
{
	const struct dp_nd_msg *nd = (const struct dp_nd_msg *)(ip + DP_IP6_HLEN);
	const uint8_t *o = ip + DP_IP6_HLEN + sizeof(*nd);
	uint32_t l4_len = l3_len - DP_IP6_HLEN;
	uint32_t left = l4_len - (uint32_t)sizeof(*nd);
	uint8_t want = ip[DP_IP6_HLEN] == DP_ICMP6_NS ? DP_ND_OPT_SLLA : DP_ND_OPT_TLLA;

	*has_lla = 0;
	if (!dp_csum_ok(dp_csum_add(dp_csum_phdr6(ip + 8, ip + 24, DP_PROTO_ICMP6, l4_len), ip + DP_IP6_HLEN,
				    l4_len)))
		return SHM_DROP_ND_BAD;
	if (nd->code != 0 || nd->target[0] == 0xff)
		return SHM_DROP_ND_BAD;
	while (left) {
		uint32_t olen;
		if (left < 8 || o[1] == 0 || (olen = (uint32_t)o[1] * 8u) > left)
			return SHM_DROP_ND_BAD;
		if (o[0] == want && olen == 8) {
			memcpy(lla, o + 2, 6);
			*has_lla = 1;
		}
		o += olen;
		left -= olen;
	}
	return 0;
}

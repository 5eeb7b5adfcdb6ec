/* The classify stage's colder half: packets addressed to the gateway and
 * neighbor discovery. Pure: see dp_classify.h. */
#include "dp_classify.h"

static enum dp_local loc_drop(struct dp_lmeta *lm, enum shm_drop d)
{
	lm->drop = (uint8_t)d;
	return DP_LOC_DROP;
}

/* UDP to the gateway: IKE on 500, on 4500 IKE (non-ESP marker), NAT-T
 * keepalive or ESP. `sum` is the pseudo-header sum, `csum_required` for
 * IPv6 (RFC 8200 §8.1). */
static enum dp_local loc_udp(const uint8_t *u, uint32_t l4_len, uint64_t sum, int csum_required,
			     struct dp_lmeta *lm)
{
	uint32_t ulen, plen;
	uint16_t dport;

	if (l4_len < DP_UDP_HLEN)
		return loc_drop(lm, SHM_DROP_UDP_BAD);
	ulen = dp_rd16(u + 4);
	if (ulen < DP_UDP_HLEN || ulen > l4_len)
		return loc_drop(lm, SHM_DROP_UDP_BAD);
	lm->l4_len = (uint16_t)ulen;
	plen = ulen - DP_UDP_HLEN;
	dport = dp_rd16(u + 2);
	if (dport != DP_UDP_IKE && dport != DP_UDP_NATT)
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	if (dport == DP_UDP_NATT && plen == 1 && u[DP_UDP_HLEN] == 0xff)
		return loc_drop(lm, SHM_DROP_NATT_KEEPALIVE);
	if (dport == DP_UDP_NATT && !(plen >= DP_NON_ESP_MARKER_LEN && dp_rd32(u + DP_UDP_HLEN) == 0)) {
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

enum dp_local dp_classify_local4(const uint8_t *ip, uint32_t l3_len, struct dp_lmeta *lm)
{
	unsigned ihl = (ip[0] & 0x0fu) * 4u;
	const uint8_t *l4 = ip + ihl;
	uint32_t l4_len = l3_len - ihl;

	lm->l4_off = (uint16_t)ihl;
	lm->l4_len = (uint16_t)l4_len;
	lm->proto = ip[9];
	/* More fragments, or a fragment offset: no reassembly here. */
	if ((dp_rd16(ip + 6) & 0x3fffu) != 0)
		return loc_drop(lm, SHM_DROP_LOCAL_FRAGMENT);
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
		return loc_udp(l4, l4_len, dp_csum_phdr4(ip + 12, ip + 16, DP_PROTO_UDP, l4_len), 0, lm);
	case DP_PROTO_ESP:
		return DP_LOC_ESP;
	default:
		return loc_drop(lm, SHM_DROP_LOCAL_UNHANDLED);
	}
}

enum dp_local dp_classify_local6(const uint8_t *ip, uint32_t l3_len, struct dp_lmeta *lm)
{
	const uint8_t *l4 = ip + DP_IP6_HLEN;
	uint32_t l4_len = l3_len - DP_IP6_HLEN;

	lm->l4_off = DP_IP6_HLEN;
	lm->l4_len = (uint16_t)l4_len;
	lm->proto = ip[6];
	/* Extension headers other than none are not followed for local
	 * delivery; a fragment header means a fragment. */
	switch (ip[6]) {
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
		return loc_udp(l4, l4_len, dp_csum_phdr6(ip + 8, ip + 24, DP_PROTO_UDP, l4_len), 1, lm);
	case DP_PROTO_ESP:
		return DP_LOC_ESP;
	case DP_PROTO_FRAG6:
		return loc_drop(lm, SHM_DROP_LOCAL_FRAGMENT);
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

/* ICMP/ICMPv6 echo replies and errors, in place; see dp_icmp.h. */
#include "dp_icmp.h"

#include <rte_cycles.h>

#include "dp_classify.h"
#include "dp_ip.h"

#define ICMP_BURST_MIN 10u
#define ICMP6_ERR_MAX 1280u     /* an ICMPv6 error fits the minimum MTU */

void dp_icmp_init(struct dp_worker *w, uint64_t tsc_hz, unsigned rate)
{
	unsigned burst = rate / 10 > ICMP_BURST_MIN ? rate / 10 : ICMP_BURST_MIN;

	w->icmp_cost = rate ? tsc_hz / rate : UINT64_MAX;
	w->icmp_burst = rate ? w->icmp_cost * burst : 0;
	w->icmp_tokens = w->icmp_burst;
	w->icmp_last = rte_rdtsc();
}

/* Token bucket in tsc units: refill by elapsed time, capped at the burst. */
static int icmp_allow(struct dp_worker *w)
{
	uint64_t now = rte_rdtsc();

	if (!w->icmp_burst)
		return 0;
	w->icmp_tokens += now - w->icmp_last;
	w->icmp_last = now;
	if (w->icmp_tokens > w->icmp_burst)
		w->icmp_tokens = w->icmp_burst;
	if (w->icmp_tokens < w->icmp_cost)
		return 0;
	w->icmp_tokens -= w->icmp_cost;
	return 1;
}

int dp_icmp4_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		   uint8_t type, uint8_t code, uint32_t extra)
{
	const uint32_t add = DP_IP4_HLEN + DP_ICMP_HLEN;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	uint32_t l3_len = m->pkt_len - DP_ETH_HLEN, ihl = (ip[0] & 0x0fu) * 4u, quote;
	uint8_t *n, *icmp;
	uint64_t s;

	if (in_ifc >= SHM_MAX_IFC || !f->ifc[in_ifc].has4 || m->nb_segs != 1)
		return -1;
	/* Not about an ICMP error (only echo and the other queries), not
	 * about a non-first fragment. */
	if (ip[9] == DP_PROTO_ICMP && (l3_len < ihl + 1 || (ip[ihl] != DP_ICMP_ECHO && ip[ihl] != 13 &&
							     ip[ihl] != 15 && ip[ihl] != 17)))
		return -1;
	if ((dp_rd16(ip + 6) & 0x1fffu) != 0)
		return -1;
	if (rte_pktmbuf_headroom(m) < add || !icmp_allow(w))
		return -1;
	quote = l3_len < ihl + 8 ? l3_len : ihl + 8;
	/* [eth][ip][icmp] go in front of the offending IP header, which stays. */
	n = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)add) + DP_ETH_HLEN;
	m->data_len = (uint16_t)(DP_ETH_HLEN + add + quote);
	m->pkt_len = m->data_len;
	icmp = n + DP_IP4_HLEN;
	n[0] = 0x45;
	n[1] = 0xc0;            /* internetwork control */
	n[2] = (uint8_t)((add + quote) >> 8);
	n[3] = (uint8_t)(add + quote);
	memset(n + 4, 0, 4);    /* id, flags, fragment offset */
	n[8] = 64;
	n[9] = DP_PROTO_ICMP;
	n[10] = n[11] = 0;
	memcpy(n + 12, f->ifc[in_ifc].a4, 4);
	memcpy(n + 16, icmp + DP_ICMP_HLEN + 12, 4); /* the offending packet's source */
	s = dp_csum_add(0, n, DP_IP4_HLEN);
	{
		uint16_t c = dp_csum_final(s);
		memcpy(n + 10, &c, 2);
	}
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = icmp[5] = 0;
	icmp[6] = (uint8_t)(extra >> 8);    /* next-hop MTU (RFC 1191) */
	icmp[7] = (uint8_t)extra;
	{
		uint16_t c = dp_csum_final(dp_csum_add(0, icmp, DP_ICMP_HLEN + quote));
		memcpy(icmp + 2, &c, 2);
	}
	return 0;
}

int dp_icmp6_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		   uint8_t type, uint8_t code, uint32_t extra)
{
	const uint32_t add = DP_IP6_HLEN + DP_ICMP_HLEN;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	uint32_t l3_len = m->pkt_len - DP_ETH_HLEN, quote, plen;
	static const uint8_t any[16];
	uint8_t *n, *icmp;
	uint16_t c;

	if (in_ifc >= SHM_MAX_IFC || !f->ifc[in_ifc].has6 || m->nb_segs != 1)
		return -1;
	if (ip[6] == DP_PROTO_ICMP6 && (l3_len <= DP_IP6_HLEN || ip[DP_IP6_HLEN] < 128))
		return -1;
	if (memcmp(ip + 8, any, 16) == 0 || ip[8] == 0xff)
		return -1;
	if (rte_pktmbuf_headroom(m) < add || !icmp_allow(w))
		return -1;
	quote = l3_len < ICMP6_ERR_MAX - add ? l3_len : ICMP6_ERR_MAX - add;
	n = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)add) + DP_ETH_HLEN;
	m->data_len = (uint16_t)(DP_ETH_HLEN + add + quote);
	m->pkt_len = m->data_len;
	icmp = n + DP_IP6_HLEN;
	plen = DP_ICMP_HLEN + quote;
	n[0] = 0x60;
	n[1] = n[2] = n[3] = 0;
	n[4] = (uint8_t)(plen >> 8);
	n[5] = (uint8_t)plen;
	n[6] = DP_PROTO_ICMP6;
	n[7] = 64;
	memcpy(n + 8, f->ifc[in_ifc].a6, 16);
	memcpy(n + 24, icmp + DP_ICMP_HLEN + 8, 16); /* the offending packet's source */
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(extra >> 24);
	icmp[5] = (uint8_t)(extra >> 16);
	icmp[6] = (uint8_t)(extra >> 8);
	icmp[7] = (uint8_t)extra;
	c = dp_csum_final(dp_csum_add(dp_csum_phdr6(n + 8, n + 24, DP_PROTO_ICMP6, plen), icmp, plen));
	memcpy(icmp + 2, &c, 2);
	return 0;
}

void dp_icmp4_send_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			 uint8_t type, uint8_t code, uint32_t extra)
{
	if (dp_icmp4_error(w, f, in_ifc, m, type, code, extra) == 0)
		dp_ip4_output_local(w, f, m);
	else
		dp_free(w, m);
}

void dp_icmp6_send_error(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			 uint8_t type, uint8_t code, uint32_t extra)
{
	if (dp_icmp6_error(w, f, in_ifc, m, type, code, extra) == 0)
		dp_ip6_output_local(w, f, m);
	else
		dp_free(w, m);
}

void dp_icmp4_echo_reply(struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	uint32_t ihl = (ip[0] & 0x0fu) * 4u;
	uint8_t *icmp = ip + ihl, a[4];
	uint16_t from, to, c;

	memcpy(a, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, a, 4);
	ip[8] = 64;
	ip[10] = ip[11] = 0;
	c = dp_csum_final(dp_csum_add(0, ip, ihl));
	memcpy(ip + 10, &c, 2);
	memcpy(&from, icmp, 2);
	icmp[0] = DP_ICMP_ECHO_REPLY;
	memcpy(&to, icmp, 2);
	memcpy(&c, icmp + 2, 2);
	c = dp_csum_update16(c, from, to);
	memcpy(icmp + 2, &c, 2);
}

void dp_icmp6_echo_reply(struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	uint8_t *icmp = ip + DP_IP6_HLEN, a[16];
	uint16_t from, to, c;

	/* Swapping source and destination leaves the pseudo-header sum alone. */
	memcpy(a, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, a, 16);
	ip[7] = 64;
	memcpy(&from, icmp, 2);
	icmp[0] = DP_ICMP6_ECHO_REPLY;
	memcpy(&to, icmp, 2);
	memcpy(&c, icmp + 2, 2);
	c = dp_csum_update16(c, from, to);
	memcpy(icmp + 2, &c, 2);
}

/* IPv4: FIB, TTL, MTU, neighbor, local delivery. See dp_ip.h. */
#include "dp_ip.h"

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_ip.h>

#include "dp_classify.h"
#include "dp_esphook.h"
#include "dp_fib.h"
#include "dp_icmp.h"

static inline uint8_t *ip4_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
}

void dp_ip4_neigh_out(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m,
		      const struct dp_nh *nh, const uint8_t *nh_ip, uint16_t count_ifc)
{
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);

	if (__builtin_expect(nh->type == DP_NH_VIA && nh->resolved, 1)) {
		memcpy(eth, nh->eth, 12);
	} else {
		uint32_t d;
		const struct dp_nbr4 *e;
		memcpy(&d, nh_ip, 4);
		e = dp_nbr4_find(f, nh->ifc, rte_be_to_cpu_32(d));
		if (!e) {
			dp_punt(w, m, nh->ifc, DP_PUNT_RESOLVE, SHM_AF_INET, nh_ip, count_ifc);
			return;
		}
		memcpy(eth, e->mac, 6);
		memcpy(eth + 6, f->ifc[nh->ifc].mac, 6);
	}
	eth[12] = DP_ETHERTYPE_IP4 >> 8;
	eth[13] = DP_ETHERTYPE_IP4 & 0xff;
	dp_tx(w, f, nh->port, m);
}

/* Packets for one of our addresses. esp/n_esp: where ESP packets are
 * collected for the inbound hook (NULL: drop them). */
static void ip4_local(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		      struct rte_mbuf **esp, uint16_t *n_esp)
{
	uint8_t *ip = ip4_hdr(m);
	struct dp_lmeta lm;

	switch (dp_classify_local4(ip, m->pkt_len - DP_ETH_HLEN, &lm)) {
	case DP_LOC_ECHO:
		dp_icmp4_echo_reply(m);
		dp_ip4_output_local(w, f, m);
		return;
	case DP_LOC_ECHO_REPLY:
		dp_punt(w, m, in_ifc, DP_PUNT_ECHO_REPLY, SHM_AF_INET, NULL, in_ifc);
		return;
	case DP_LOC_IKE:
		dp_punt(w, m, in_ifc, DP_PUNT_IKE, SHM_AF_INET, NULL, in_ifc);
		return;
	case DP_LOC_ESP:
	case DP_LOC_ESP_UDP:
		if (esp) {
			esp[(*n_esp)++] = m;
			return;
		}
		dp_drop(w, m, in_ifc, SHM_DROP_LOCAL_UNHANDLED);
		return;
	case DP_LOC_DROP:
	default:
		dp_drop(w, m, in_ifc, (enum shm_drop)lm.drop);
		return;
	}
}

/* TTL and MTU for a forwarded packet; 0 if it may go on (TTL decremented). */
static inline int ip4_hop(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			  const struct dp_nh *nh)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)ip4_hdr(m);
	uint32_t csum;

	if (__builtin_expect(ip->time_to_live <= 1, 0)) {
		dp_count_drop(w, in_ifc, SHM_DROP_TTL_EXPIRED);
		dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_TIME_EXCEEDED, 0, 0);
		return -1;
	}
	if (__builtin_expect(m->pkt_len - DP_ETH_HLEN > nh->mtu, 0)) {
		dp_count_drop(w, in_ifc, SHM_DROP_MTU_EXCEEDED);
		if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))
			dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_UNREACH, 4, nh->mtu);
		else
			dp_free(w, m);
		return -1;
	}
	/* TTL - 1: the checksum word (TTL, protocol) drops by 0x0100 (RFC 1624). */
	ip->time_to_live--;
	csum = ip->hdr_checksum + (uint32_t)rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(csum + (csum >> 16));
	return 0;
}

/* Everything but a resolved next hop with TTL and MTU in order. */
static void ip4_slow(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		     uint32_t nhid, struct rte_mbuf **esp, uint16_t *n_esp, struct rte_mbuf **tun,
		     uint32_t *tun_nh, uint16_t *n_tun)
{
	const struct dp_nh *nh = &f->nh[nhid];

	switch (nh->type) {
	case DP_NH_VIA:
		if (ip4_hop(w, f, in_ifc, m, nh) == 0)
			dp_ip4_neigh_out(w, f, m, nh, f->nh_ip[nhid], in_ifc);
		return;
	case DP_NH_ATTACHED:
		if (ip4_hop(w, f, in_ifc, m, nh) == 0)
			dp_ip4_neigh_out(w, f, m, nh, ip4_hdr(m) + 16, in_ifc);
		return;
	case DP_NH_LOCAL:
		ip4_local(w, f, in_ifc, m, esp, n_esp);
		return;
	case DP_NH_TUNNEL:
		if (ip4_hop(w, f, in_ifc, m, nh) == 0) {
			tun_nh[*n_tun] = nhid;
			tun[(*n_tun)++] = m;
		}
		return;
	case DP_NH_IFC_DOWN:
		dp_drop(w, m, in_ifc, SHM_DROP_IFC_DOWN);
		return;
	default:
		dp_count_drop(w, in_ifc, SHM_DROP_NO_ROUTE);
		dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_UNREACH, 0, 0);
		return;
	}
}

void dp_ip4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
		  uint32_t *dst, const uint16_t *l3_len, uint16_t n)
{
	uint32_t tun_nh[DP_BURST];
	uint64_t nhid[DP_BURST];
	struct rte_mbuf *esp[DP_BURST], *tun[DP_BURST], *out[DP_BURST];
	uint16_t n_esp = 0, n_tun = 0, n_out = 0, run_port = DP_NO_PORT, run_start = 0;
	uint64_t run_bytes = 0;
	const struct dp_nh *nht = f->nh;

	rte_fib_lookup_bulk(f->fib4->fib4, dst, nhid, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_nh *nh = &nht[nhid[i]];
		uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *), *ip = eth + DP_ETH_HLEN;

		/* The common case: a resolved next hop, TTL > 1, within the MTU. */
		if (__builtin_expect(nh->resolved && ip[8] > 1 && l3_len[i] <= nh->mtu, 1)) {
			uint16_t c;
			uint32_t cs;
			/* TTL - 1: the checksum word (TTL, protocol) drops by 0x0100 (RFC 1624). */
			ip[8]--;
			memcpy(&c, ip + 10, 2);
			cs = c + (uint32_t)rte_cpu_to_be_16(0x0100);
			c = (uint16_t)(cs + (cs >> 16));
			memcpy(ip + 10, &c, 2);
			memcpy(eth, nh->eth, 12);
			/* Runs of packets for one port go to its tx buffer
			 * together: no per-packet update of the buffer. */
			if (__builtin_expect(nh->port != run_port, 0)) {
				if (n_out > run_start)
					dp_tx_bulk(w, f, run_port, &out[run_start], (uint16_t)(n_out - run_start),
						   run_bytes);
				run_port = nh->port;
				run_start = n_out;
				run_bytes = 0;
			}
			out[n_out++] = m;
			run_bytes += l3_len[i] + DP_ETH_HLEN;
			continue;
		}
		ip4_slow(w, f, in_ifc, m, (uint32_t)nhid[i], esp, &n_esp, tun, tun_nh, &n_tun);
	}
	if (n_out > run_start)
		dp_tx_bulk(w, f, run_port, &out[run_start], (uint16_t)(n_out - run_start), run_bytes);
	if (n_esp)
		dp_esphook_in(w, f, in_ifc, esp, n_esp);
	if (n_tun)
		dp_esphook_out(w, f, in_ifc, tun, tun_nh, n_tun);
}

void dp_ip4_output_local(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m)
{
	uint8_t *ip = ip4_hdr(m);
	uint32_t d, id;
	const struct dp_nh *nh;

	memcpy(&d, ip + 16, 4);
	id = dp_fib_lookup4(f->fib4, rte_be_to_cpu_32(d));
	nh = &f->nh[id];
	switch (nh->type) {
	case DP_NH_VIA:
	case DP_NH_ATTACHED:
		if (m->pkt_len - DP_ETH_HLEN > nh->mtu) {
			dp_drop(w, m, nh->ifc, SHM_DROP_MTU_EXCEEDED);
			return;
		}
		dp_ip4_neigh_out(w, f, m, nh, nh->type == DP_NH_VIA ? f->nh_ip[id] : ip + 16, nh->ifc);
		return;
	case DP_NH_LOCAL:
		/* To ourselves: delivered as if received on that interface. */
		ip4_local(w, f, nh->ifc, m, NULL, NULL);
		return;
	case DP_NH_TUNNEL:
		dp_esphook_out(w, f, DP_NO_IFC, &m, &id, 1);
		return;
	case DP_NH_IFC_DOWN:
		dp_drop(w, m, nh->ifc, SHM_DROP_IFC_DOWN);
		return;
	default:
		dp_drop(w, m, DP_NO_IFC, SHM_DROP_NO_ROUTE);
		return;
	}
}

/* IPv4: FIB, TTL, MTU, neighbor, local delivery. See dp_ip.h. */
#include "dp_ip.h"

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_ip.h>

#include "dp_classify.h"
#include "dp_esp.h"
#include "dp_esphook.h"
#include "dp_fib.h"
#include "dp_frag.h"
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

	switch (dp_classify_local4_natt(ip, m->pkt_len - DP_ETH_HLEN, f->esp ? f->esp->udp_ports : NULL, &lm)) {
	case DP_LOC_FRAG:
		/* The whole datagram, when this was its last missing piece,
		 * is classified again (it is no fragment: no deeper recursion). */
		m = dp_frag_reass4(w, in_ifc, m);
		if (m)
			ip4_local(w, f, in_ifc, m, esp, n_esp);
		return;
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

/* TTL and MTU for a forwarded packet; 0 if it may go on (TTL decremented),
 * 1 if it may go on in fragments (larger than the MTU, DF clear; TTL
 * decremented), -1 if it was consumed. */
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
	if (__builtin_expect(m->pkt_len - DP_ETH_HLEN > nh->mtu, 0) &&
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))) {
		dp_count_drop(w, in_ifc, SHM_DROP_MTU_EXCEEDED);
		dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_UNREACH, 4, nh->mtu);
		return -1;
	}
	/* TTL - 1: the checksum word (TTL, protocol) drops by 0x0100 (RFC 1624). */
	ip->time_to_live--;
	csum = ip->hdr_checksum + (uint32_t)rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(csum + (csum >> 16));
	return m->pkt_len - DP_ETH_HLEN > nh->mtu;
}

/* The neighbor stage, or the outbound SPD for an interface with one, for
 * n packets to next hop nhid (VIA, ATTACHED, or a loopback with an SPD). */
static void ip4_nh_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		       uint32_t nhid, uint16_t n, unsigned flags)
{
	const struct dp_nh *nh = &f->nh[nhid];
	uint32_t ids[DP_FRAG_MAX];

	if (nh->spd && !(flags & DP_OUT_ESP)) {
		for (uint16_t i = 0; i < n; i++)
			ids[i] = nhid;
		dp_esp_spd_out(w, f, in_ifc, SHM_AF_INET, m, ids, n);
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		if (nh->type == DP_NH_BLACKHOLE) {
			dp_drop(w, m[i], in_ifc, SHM_DROP_NO_ROUTE);
			continue;
		}
		dp_ip4_neigh_out(w, f, m[i], nh, nh->type == DP_NH_VIA ? f->nh_ip[nhid] : ip4_hdr(m[i]) + 16,
				 in_ifc == DP_NO_IFC ? nh->ifc : in_ifc);
	}
}

/* A forwarded packet past the MTU of next hop nhid, DF clear: in fragments
 * (RFC 791), each going where the packet would have gone. */
static void ip4_frag_fwd(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			 uint32_t nhid)
{
	const struct dp_nh *nh = &f->nh[nhid];
	struct rte_mbuf *fr[DP_FRAG_MAX];
	uint32_t ids[DP_FRAG_MAX];
	uint16_t n = dp_frag_ip4(w, m, nh->mtu, in_ifc, fr);

	if (!n)
		return;
	if (nh->type == DP_NH_TUNNEL) {
		for (uint16_t i = 0; i < n; i++)
			ids[i] = nhid;
		dp_esphook_out(w, f, in_ifc, fr, ids, n);
		return;
	}
	ip4_nh_out(w, f, in_ifc, fr, nhid, n, 0);
}

/* ip4_hop for next hop nhid, sending a packet past its MTU (DF clear) on
 * in fragments: 0 if the caller goes on with m, else m is taken. */
static inline int ip4_hop_or_frag(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
				  uint32_t nhid)
{
	int r = ip4_hop(w, f, in_ifc, m, &f->nh[nhid]);

	if (r == 1)
		ip4_frag_fwd(w, f, in_ifc, m, nhid);
	return r;
}

void dp_ip4_prefrag(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m, uint32_t mtu)
{
	struct rte_mbuf *fr[DP_FRAG_MAX];
	uint16_t n = dp_frag_ip4(w, m, mtu, in_ifc, fr);

	for (uint16_t i = 0; i < n; i++)
		dp_ip4_output(w, f, fr[i], 0);
}

/* Packets the slow path sets aside for the IPsec stages. */
struct ip4_aside {
	uint16_t n_esp, n_tun, n_spd;
	struct rte_mbuf *esp[DP_BURST], *tun[DP_BURST], *spd[DP_BURST];
	uint32_t tun_nh[DP_BURST], spd_nh[DP_BURST];
};

/* Everything but a resolved next hop with TTL and MTU in order. esp:
 * where ESP for the gateway goes (NULL: dropped). */
static void ip4_slow(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		     uint32_t nhid, struct ip4_aside *a, int esp)
{
	const struct dp_nh *nh = &f->nh[nhid];

	switch (nh->type) {
	case DP_NH_VIA:
	case DP_NH_ATTACHED:
		if (ip4_hop_or_frag(w, f, in_ifc, m, nhid))
			return;
		if (nh->spd) {
			a->spd_nh[a->n_spd] = nhid;
			a->spd[a->n_spd++] = m;
			return;
		}
		dp_ip4_neigh_out(w, f, m, nh, nh->type == DP_NH_VIA ? f->nh_ip[nhid] : ip4_hdr(m) + 16, in_ifc);
		return;
	case DP_NH_LOCAL:
		if (esp)
			ip4_local(w, f, in_ifc, m, a->esp, &a->n_esp);
		else
			ip4_local(w, f, in_ifc, m, NULL, NULL);
		return;
	case DP_NH_TUNNEL:
		if (ip4_hop_or_frag(w, f, in_ifc, m, nhid))
			return;
		a->tun_nh[a->n_tun] = nhid;
		a->tun[a->n_tun++] = m;
		return;
	case DP_NH_IFC_DOWN:
		dp_drop(w, m, in_ifc, SHM_DROP_IFC_DOWN);
		return;
	case DP_NH_BLACKHOLE:
		/* A route into a loopback with an SPD: its policies may protect
		 * the packet (the seed page's IPv4-over-IPv6 example). */
		if (nh->spd) {
			if (ip4_hop_or_frag(w, f, in_ifc, m, nhid))
				return;
			a->spd_nh[a->n_spd] = nhid;
			a->spd[a->n_spd++] = m;
			return;
		}
		/* fall through */
	default:
		dp_count_drop(w, in_ifc, SHM_DROP_NO_ROUTE);
		dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_UNREACH, 0, 0);
		return;
	}
}

static inline __attribute__((always_inline)) void
ip4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts, uint32_t *dst,
	  const uint16_t *l3_len, uint16_t n, int decrypted)
{
	uint64_t nhid[DP_BURST];
	struct rte_mbuf *out[DP_BURST];
	struct ip4_aside a;
	uint16_t n_out = 0, run_port = DP_NO_PORT, run_start = 0;
	uint64_t run_bytes = 0;
	const struct dp_nh *nht = f->nh;

	a.n_esp = a.n_tun = a.n_spd = 0;
	rte_fib_lookup_bulk(f->fib4->fib4, dst, nhid, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_nh *nh = &nht[nhid[i]];
		uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *), *ip = eth + DP_ETH_HLEN;
		uint32_t tw;

		/* The common case: a resolved next hop (fast_mtu is 0 otherwise),
		 * TTL > 1, within the MTU. */
		memcpy(&tw, ip + 8, 4);
		if (__builtin_expect((uint8_t)tw > 1 && l3_len[i] <= nh->fast_mtu, 1)) {
			dp_ip4_ttl_dec(ip, tw);
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
		ip4_slow(w, f, in_ifc, m, (uint32_t)nhid[i], &a, !decrypted);
	}
	if (n_out > run_start)
		dp_tx_bulk(w, f, run_port, &out[run_start], (uint16_t)(n_out - run_start), run_bytes);
	if (a.n_esp)
		dp_esphook_in(w, f, in_ifc, a.esp, a.n_esp);
	if (a.n_tun)
		dp_esphook_out(w, f, in_ifc, a.tun, a.tun_nh, a.n_tun);
	if (a.n_spd)
		dp_esp_spd_out(w, f, in_ifc, SHM_AF_INET, a.spd, a.spd_nh, a.n_spd);
}

void dp_ip4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
		  uint32_t *dst, const uint16_t *l3_len, uint16_t n)
{
	if (__builtin_expect(in_ifc < SHM_MAX_IFC && f->ifc[in_ifc].spd >= 0, 0)) {
		/* Inbound policy for cleartext on an SPD interface. */
		uint32_t d[DP_BURST];
		uint16_t l[DP_BURST];

		n = dp_esp_spd_in(w, f, in_ifc, SHM_AF_INET, pkts, n);
		for (uint16_t i = 0; i < n; i++) {
			const uint8_t *ip = ip4_hdr(pkts[i]);
			d[i] = dp_rd32(ip + 16);
			l[i] = dp_rd16(ip + 2);
		}
		if (n)
			ip4_input(w, f, in_ifc, pkts, d, l, n, 0);
		return;
	}
	ip4_input(w, f, in_ifc, pkts, dst, l3_len, n, 0);
}

void dp_ip4_input_decrypted(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
			    uint32_t *dst, const uint16_t *l3_len, uint16_t n)
{
	ip4_input(w, f, in_ifc, pkts, dst, l3_len, n, 1);
}

void dp_ip4_output_local(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m)
{
	dp_ip4_output(w, f, m, 0);
}

void dp_ip4_output(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m, unsigned flags)
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
			struct rte_mbuf *fr[DP_FRAG_MAX];
			uint16_t n;

			/* Ours, DF clear (echo replies to reassembled requests,
			 * ESP of a transport-mode SA): sent in fragments. */
			if (dp_rd16(ip + 6) & 0x4000u) {
				dp_drop(w, m, nh->ifc, SHM_DROP_MTU_EXCEEDED);
				return;
			}
			n = dp_frag_ip4(w, m, nh->mtu, nh->ifc, fr);
			if (n)
				ip4_nh_out(w, f, DP_NO_IFC, fr, id, n, flags);
			return;
		}
		if (nh->spd && !(flags & DP_OUT_ESP)) {
			dp_esp_spd_out(w, f, DP_NO_IFC, SHM_AF_INET, &m, &id, 1);
			return;
		}
		dp_ip4_neigh_out(w, f, m, nh, nh->type == DP_NH_VIA ? f->nh_ip[id] : ip + 16, nh->ifc);
		return;
	case DP_NH_LOCAL:
		/* To ourselves: delivered as if received on that interface. */
		ip4_local(w, f, nh->ifc, m, NULL, NULL);
		return;
	case DP_NH_TUNNEL:
		if (flags & DP_OUT_ESP) {       /* ESP we built is not encrypted again */
			dp_drop(w, m, nh->ifc, SHM_DROP_NO_ROUTE);
			return;
		}
		dp_esphook_out(w, f, DP_NO_IFC, &m, &id, 1);
		return;
	case DP_NH_IFC_DOWN:
		dp_drop(w, m, nh->ifc, SHM_DROP_IFC_DOWN);
		return;
	case DP_NH_BLACKHOLE:
		if (nh->spd && !(flags & DP_OUT_ESP)) {
			dp_esp_spd_out(w, f, DP_NO_IFC, SHM_AF_INET, &m, &id, 1);
			return;
		}
		/* fall through */
	default:
		dp_drop(w, m, DP_NO_IFC, SHM_DROP_NO_ROUTE);
		return;
	}
}

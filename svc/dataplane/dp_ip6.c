/* IPv6: FIB, hop limit, MTU, neighbor, local delivery. See dp_ip.h. */
#include "dp_ip.h"

#include <rte_fib6.h>
#include <rte_ip.h>

#include "dp_classify.h"
#include "dp_esp.h"
#include "dp_esphook.h"
#include "dp_fib.h"
#include "dp_frag.h"
#include "dp_icmp.h"

static inline uint8_t *ip6_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
}

void dp_ip6_neigh_out(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m,
		      const struct dp_nh *nh, const uint8_t *nh_ip, uint16_t count_ifc)
{
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);

	if (__builtin_expect(nh->type == DP_NH_VIA && nh->resolved, 1)) {
		memcpy(eth, nh->eth, 12);
	} else {
		const struct dp_nbr6 *e = dp_nbr6_find(f, nh->ifc, nh_ip);
		if (!e) {
			dp_punt(w, m, nh->ifc, DP_PUNT_RESOLVE, SHM_AF_INET6, nh_ip, count_ifc);
			return;
		}
		memcpy(eth, e->mac, 6);
		memcpy(eth + 6, f->ifc[nh->ifc].mac, 6);
	}
	eth[12] = DP_ETHERTYPE_IP6 >> 8;
	eth[13] = DP_ETHERTYPE_IP6 & 0xff;
	dp_tx(w, f, nh->port, m);
}

/* Drop the extension headers between the fixed header and the upper-layer
 * header at l4_off (hop-by-hop and destination options already walked):
 * the fixed header (and the Ethernet gap) move up to it. Checksums do not
 * change (the pseudo-header has the upper-layer length). */
static void ip6_strip_ext(struct rte_mbuf *m, const struct dp_lmeta *lm)
{
	uint16_t d = (uint16_t)(lm->l4_off - DP_IP6_HLEN);
	uint8_t *ip;
	uint16_t plen;

	if (!d)
		return;
	memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, d), rte_pktmbuf_mtod(m, uint8_t *), DP_ETH_HLEN + DP_IP6_HLEN);
	rte_pktmbuf_adj(m, d);
	ip = ip6_hdr(m);
	plen = (uint16_t)(dp_rd16(ip + 4) - d);
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = lm->proto;
}

static void ip6_local(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
		      struct rte_mbuf **esp, uint16_t *n_esp)
{
	struct dp_lmeta lm;
	enum dp_local k = dp_classify_local6_natt(ip6_hdr(m), m->pkt_len - DP_ETH_HLEN,
						  f->esp ? f->esp->udp_ports : NULL, &lm);

	/* Echo and IKE are handled past the fixed header only. */
	if (k == DP_LOC_ECHO || k == DP_LOC_ECHO_REPLY || k == DP_LOC_IKE)
		ip6_strip_ext(m, &lm);
	switch (k) {
	case DP_LOC_FRAG:
		/* The whole datagram is classified again (no fragment header
		 * left: no deeper recursion). */
		m = dp_frag_reass6(w, in_ifc, m, &lm);
		if (m)
			ip6_local(w, f, in_ifc, m, esp, n_esp);
		return;
	case DP_LOC_ECHO:
		dp_icmp6_echo_reply(m);
		dp_ip6_output_local(w, f, m);
		return;
	case DP_LOC_ECHO_REPLY:
		dp_punt(w, m, in_ifc, DP_PUNT_ECHO_REPLY, SHM_AF_INET6, NULL, in_ifc);
		return;
	case DP_LOC_IKE:
		dp_punt(w, m, in_ifc, DP_PUNT_IKE, SHM_AF_INET6, NULL, in_ifc);
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
		if (lm.drop == SHM_DROP_IP6_ROUTING) {
			dp_count_drop(w, in_ifc, SHM_DROP_IP6_ROUTING);
			dp_icmp6_send_error(w, f, in_ifc, m, DP_ICMP6_PARAM_PROB, 0, lm.nh_byte);
			return;
		}
		dp_drop(w, m, in_ifc, (enum shm_drop)lm.drop);
		return;
	}
}

static inline int ip6_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Hop limit and MTU for a forwarded packet; 0 if it may go on. */
static inline int ip6_hop(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m,
			  const struct dp_nh *nh)
{
	uint8_t *ip = ip6_hdr(m);

	/* Link-local scope never leaves its link (RFC 4291 §2.5.6). */
	if (__builtin_expect(ip6_link_local(ip + 8) || ip6_link_local(ip + 24), 0)) {
		dp_drop(w, m, in_ifc, SHM_DROP_MARTIAN);
		return -1;
	}
	if (__builtin_expect(ip[7] <= 1, 0)) {
		dp_count_drop(w, in_ifc, SHM_DROP_TTL_EXPIRED);
		dp_icmp6_send_error(w, f, in_ifc, m, DP_ICMP6_TIME_EXCEEDED, 0, 0);
		return -1;
	}
	if (__builtin_expect(m->pkt_len - DP_ETH_HLEN > nh->mtu, 0)) {
		dp_count_drop(w, in_ifc, SHM_DROP_MTU_EXCEEDED);
		dp_icmp6_send_error(w, f, in_ifc, m, DP_ICMP6_PKT_TOO_BIG, 0, nh->mtu);
		return -1;
	}
	ip[7]--;
	return 0;
}

static void ip6_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
		      uint16_t n, int decrypted)
{
	uint8_t dst[DP_BURST][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nhid[DP_BURST];
	uint32_t tun_nh[DP_BURST], spd_nh[DP_BURST];
	struct rte_mbuf *esp[DP_BURST], *tun[DP_BURST], *spd[DP_BURST];
	uint16_t n_esp = 0, n_tun = 0, n_spd = 0;

	for (uint16_t i = 0; i < n; i++)
		memcpy(dst[i], ip6_hdr(pkts[i]) + 24, 16);
	rte_fib6_lookup_bulk(f->fib6->fib6, dst, nhid, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_nh *nh = &f->nh[nhid[i]];

		switch (nh->type) {
		case DP_NH_VIA:
		case DP_NH_ATTACHED:
			if (ip6_hop(w, f, in_ifc, m, nh) != 0)
				continue;
			if (nh->spd) {
				spd_nh[n_spd] = (uint32_t)nhid[i];
				spd[n_spd++] = m;
				continue;
			}
			dp_ip6_neigh_out(w, f, m, nh, nh->type == DP_NH_VIA ? f->nh_ip[nhid[i]] : ip6_hdr(m) + 24,
					 in_ifc);
			continue;
		case DP_NH_LOCAL:
			if (decrypted)
				ip6_local(w, f, in_ifc, m, NULL, NULL);
			else
				ip6_local(w, f, in_ifc, m, esp, &n_esp);
			continue;
		case DP_NH_TUNNEL:
			if (ip6_hop(w, f, in_ifc, m, nh) == 0) {
				tun_nh[n_tun] = (uint32_t)nhid[i];
				tun[n_tun++] = m;
			}
			continue;
		case DP_NH_IFC_DOWN:
			dp_drop(w, m, in_ifc, SHM_DROP_IFC_DOWN);
			continue;
		case DP_NH_BLACKHOLE:
			if (nh->spd) {  /* a loopback with an SPD (see dp_ip4.c) */
				if (ip6_hop(w, f, in_ifc, m, nh) == 0) {
					spd_nh[n_spd] = (uint32_t)nhid[i];
					spd[n_spd++] = m;
				}
				continue;
			}
			/* fall through */
		default:
			dp_count_drop(w, in_ifc, SHM_DROP_NO_ROUTE);
			dp_icmp6_send_error(w, f, in_ifc, m, DP_ICMP6_UNREACH, 0, 0);
			continue;
		}
	}
	if (n_esp)
		dp_esphook_in(w, f, in_ifc, esp, n_esp);
	if (n_tun)
		dp_esphook_out(w, f, in_ifc, tun, tun_nh, n_tun);
	if (n_spd)
		dp_esp_spd_out(w, f, in_ifc, SHM_AF_INET6, spd, spd_nh, n_spd);
}

void dp_ip6_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
		  uint16_t n)
{
	/* Inbound policy for cleartext on an SPD interface. */
	if (__builtin_expect(in_ifc < SHM_MAX_IFC && f->ifc[in_ifc].spd >= 0, 0))
		n = dp_esp_spd_in(w, f, in_ifc, SHM_AF_INET6, pkts, n);
	if (n)
		ip6_input(w, f, in_ifc, pkts, n, 0);
}

void dp_ip6_input_decrypted(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
			    uint16_t n)
{
	ip6_input(w, f, in_ifc, pkts, n, 1);
}

void dp_ip6_output_local(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m)
{
	dp_ip6_output(w, f, m, 0);
}

void dp_ip6_output(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m, unsigned flags)
{
	uint8_t *ip = ip6_hdr(m);
	uint32_t id = dp_fib_lookup6(f->fib6, ip + 24);
	const struct dp_nh *nh = &f->nh[id];

	switch (nh->type) {
	case DP_NH_VIA:
	case DP_NH_ATTACHED:
		if (m->pkt_len - DP_ETH_HLEN > nh->mtu) {
			/* Ours (echo replies to reassembled requests, ESP): the
			 * source host fragments (RFC 8200 §4.5). */
			struct rte_mbuf *fr[DP_FRAG_MAX];
			uint16_t n = dp_frag_ip6(w, m, nh->mtu, nh->ifc, fr);

			for (uint16_t i = 0; i < n; i++) {
				if (nh->spd && !(flags & DP_OUT_ESP))
					dp_esp_spd_out(w, f, DP_NO_IFC, SHM_AF_INET6, &fr[i], &id, 1);
				else
					dp_ip6_neigh_out(w, f, fr[i], nh, nh->type == DP_NH_VIA ? f->nh_ip[id] : ip6_hdr(fr[i]) + 24,
							 nh->ifc);
			}
			return;
		}
		if (nh->spd && !(flags & DP_OUT_ESP)) {
			dp_esp_spd_out(w, f, DP_NO_IFC, SHM_AF_INET6, &m, &id, 1);
			return;
		}
		dp_ip6_neigh_out(w, f, m, nh, nh->type == DP_NH_VIA ? f->nh_ip[id] : ip + 24, nh->ifc);
		return;
	case DP_NH_LOCAL:
		ip6_local(w, f, nh->ifc, m, NULL, NULL);
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
			dp_esp_spd_out(w, f, DP_NO_IFC, SHM_AF_INET6, &m, &id, 1);
			return;
		}
		/* fall through */
	default:
		dp_drop(w, m, DP_NO_IFC, SHM_DROP_NO_ROUTE);
		return;
	}
}

/* The IPsec stages of the packet path (dp_esphook.h, dp_esp.h). */
#include "dp_esphook.h"

#include <string.h>

#include <rte_mbuf.h>

#include "dp_classify.h"
#include "dp_esp.h"
#include "dp_fib.h"
#include "dp_icmp.h"
#include "dp_ip.h"
#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "spd/dp_spd.h"

/* ---- helpers ------------------------------------------------------------ */

static inline uint8_t *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
}

/* The IP length of a packet classify already checked. */
static inline uint32_t ip_len(const uint8_t *ip)
{
	return (ip[0] >> 4) == 4 ? dp_rd16(ip + 2) : DP_IP6_HLEN + (uint32_t)dp_rd16(ip + 4);
}

/* The ESP view of a frame: IP header on, room before it for the outer
 * headers while the Ethernet header still fits in front. */
static inline void pkt_from_mbuf(struct esp_pkt *p, struct rte_mbuf *m)
{
	p->data = ip_of(m);
	p->len = (uint32_t)m->data_len - DP_ETH_HLEN;
	p->headroom = rte_pktmbuf_headroom(m);
	p->tailroom = rte_pktmbuf_tailroom(m);
	p->drop = ESP_PKT_OK;
	p->next_proto = 0;
	p->user = m;
}

/* Back to a frame: an Ethernet header's gap, then the packet. */
static inline struct rte_mbuf *pkt_to_mbuf(const struct esp_pkt *p)
{
	struct rte_mbuf *m = p->user;
	uint8_t *eth = p->data - DP_ETH_HLEN;

	m->data_off = (uint16_t)(eth - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(p->len + DP_ETH_HLEN);
	m->pkt_len = m->data_len;
	return m;
}

/* A decrypted packet's frame: its EtherType too, which the forwarding fast
 * path keeps (it rewrites the two addresses only); the gap holds what was
 * in front of the inner packet (the IV). */
static inline struct rte_mbuf *pkt_to_frame(const struct esp_pkt *p)
{
	uint16_t t = (p->data[0] >> 4) == 4 ? DP_ETHERTYPE_IP4 : DP_ETHERTYPE_IP6;

	p->data[-2] = (uint8_t)(t >> 8);
	p->data[-1] = (uint8_t)t;
	return pkt_to_mbuf(p);
}

static inline void sa_count_err(struct dp_worker *w, uint32_t sa, enum shm_drop d)
{
	int e;

	switch (d) {
	case SHM_DROP_REPLAY: e = SHM_SA_ERR_REPLAY; break;
	case SHM_DROP_INTEGRITY: e = SHM_SA_ERR_INTEGRITY; break;
	case SHM_DROP_DECRYPT: e = SHM_SA_ERR_DECRYPT; break;
	case SHM_DROP_BAD_PADDING: e = SHM_SA_ERR_BAD_PADDING; break;
	case SHM_DROP_SEQ_CYCLED: e = SHM_SA_ERR_SEQ_CYCLED; break;
	case SHM_DROP_POLICY_MISMATCH: e = SHM_SA_ERR_POLICY_MISMATCH; break;
	case SHM_DROP_MTU_EXCEEDED: e = SHM_SA_ERR_TOO_BIG; break;
	case SHM_DROP_RUNT:
	case SHM_DROP_IP4_BAD_HEADER:
	case SHM_DROP_IP4_BAD_CHECKSUM:
	case SHM_DROP_IP4_BAD_LENGTH:
	case SHM_DROP_IP6_BAD_HEADER:
	case SHM_DROP_IP6_BAD_LENGTH:
	case SHM_DROP_MARTIAN:
	case SHM_DROP_MCAST:
		e = SHM_SA_ERR_MALFORMED;
		break;
	default:
		return;
	}
	w->k->sa_err[sa][e]++;
}

static inline void sa_drop(struct dp_worker *w, struct rte_mbuf *m, uint16_t ifc, uint32_t sa, enum shm_drop d)
{
	sa_count_err(w, sa, d);
	dp_drop(w, m, ifc, d);
}

static inline void pol_count(struct dp_worker *w, uint32_t policy, uint32_t bytes)
{
	w->k->policy[policy].packets++;
	w->k->policy[policy].bytes += bytes;
}

/* addr in [lo, hi], n bytes in network order */
static inline int in_range(const uint8_t *a, const uint8_t *lo, const uint8_t *hi, size_t n)
{
	return memcmp(a, lo, n) >= 0 && memcmp(a, hi, n) <= 0;
}

/* The inbound protect policy of SPD spd_id that names SA s and matches
 * the outer header of an ESP packet (VPP's inbound protect lookup: local
 * = destination, remote = source, protocol not looked at). Policies come
 * sorted by priority. Returns its region index or DP_ESP_NONE. */
static uint32_t pol_match(const struct dp_esp *e, const struct dp_esp_sa *s, uint32_t spd_id, const uint8_t *ip)
{
	int v6 = (ip[0] >> 4) == 6;
	const uint8_t *src = v6 ? ip + 8 : ip + 12, *dst = v6 ? ip + 24 : ip + 16;
	size_t n = v6 ? 16 : 4;

	for (uint32_t k = 0; k < s->n_pol; k++) {
		const struct dp_esp_pol *p = &e->pol[s->pol + k];
		if (p->spd_id != spd_id || p->af != (v6 ? SHM_AF_INET6 : SHM_AF_INET))
			continue;
		if (in_range(dst, p->laddr_start, p->laddr_end, n) && in_range(src, p->raddr_start, p->raddr_end, n))
			return p->policy;
	}
	return DP_ESP_NONE;
}

/* ESP (or ESP in UDP, or IKE) for one of our addresses: not cleartext for
 * the inbound SPD; the SA's policies (or the IKE daemon) judge it. */
static int esp_or_ike_for_us(const struct dp_fwd *f, uint8_t af, const uint8_t *ip, uint32_t len)
{
	uint32_t l4, id;
	uint8_t proto;

	if (af == SHM_AF_INET) {
		l4 = (ip[0] & 0x0fu) * 4u;
		proto = ip[9];
		/* Non-first fragments: ESP is reassembled, UDP has no ports. */
		if ((dp_rd16(ip + 6) & 0x1fffu) != 0 && proto != DP_PROTO_ESP)
			return 0;
	} else {
		struct dp_ip6_ext x;    /* past extension headers (and a fragment header) */
		if (dp_ip6_ext_walk(ip, len, &x) != 0 || (!x.first && x.proto != DP_PROTO_ESP))
			return 0;
		l4 = x.l4_off;
		proto = x.proto;
	}
	if (proto == DP_PROTO_UDP) {
		uint16_t dport;
		if (len < l4 + DP_UDP_HLEN)
			return 0;
		dport = dp_rd16(ip + l4 + 2);
		if (dport != DP_UDP_IKE && dport != DP_UDP_NATT && !dp_udp_ports_has(f->esp->udp_ports, dport))
			return 0;
	} else if (proto != DP_PROTO_ESP) {
		return 0;
	}
	id = af == SHM_AF_INET ? dp_fib_lookup4(f->fib4, dp_rd32(ip + 16)) : dp_fib_lookup6(f->fib6, ip + 24);
	return f->nh[id].type == DP_NH_LOCAL;
}

/* IKE the gateway itself sends (UDP from port 500 or 4500) bypasses the
 * SPDs, as the IKE daemon's own traffic does in other gateways. */
static int ike_from_us(uint8_t af, const uint8_t *ip, uint32_t len)
{
	uint32_t l4 = af == SHM_AF_INET ? (ip[0] & 0x0fu) * 4u : DP_IP6_HLEN;
	uint8_t proto = af == SHM_AF_INET ? ip[9] : ip[6];
	uint16_t sport;
	struct dp_ip6_ext x;

	if (af != SHM_AF_INET && dp_ip6_ext_walk(ip, len, &x) == 0 && x.first) {
		l4 = x.l4_off;          /* past extension headers */
		proto = x.proto;
	}
	if (proto != DP_PROTO_UDP || len < l4 + DP_UDP_HLEN)
		return 0;
	sport = dp_rd16(ip + l4);
	return sport == DP_UDP_IKE || sport == DP_UDP_NATT;
}

/* ---- inbound -------------------------------------------------------------- */

/* The inbound SPD check of decrypted packets of SA idx: keeps (compacting
 * m, and dst/l3 when given) those that match no protect policy of another SA
 * and no discard policy; returns how many. */
static uint16_t inner_policy(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint32_t idx, uint8_t af,
			     struct rte_mbuf **m, const uint8_t *const *ip, const uint32_t *len, uint32_t *dst,
			     uint16_t *l3, uint16_t n)
{
	const struct dp_esp *e = f->esp;
	struct dp_spd_result res[DP_BURST];
	uint16_t k = 0;

	if (!n)
		return 0;
	dp_spd_classify(e->spd, f->ifc[in_ifc].spd, SHM_DIR_IN, af, ip, len, n, res);
	for (uint16_t t = 0; t < n; t++) {
		if (res[t].policy != DP_SPD_NONE && res[t].action == SHM_POL_PROTECT && e->pol_sa[res[t].policy] != idx) {
			sa_drop(w, m[t], in_ifc, idx, SHM_DROP_POLICY_MISMATCH);
			continue;
		}
		if (res[t].policy != DP_SPD_NONE && res[t].action == SHM_POL_DISCARD) {
			dp_drop(w, m[t], in_ifc, SHM_DROP_POLICY_DISCARD);
			continue;
		}
		if (dst) {
			dst[k] = dst[t];
			l3[k] = l3[t];
		}
		m[k++] = m[t];
	}
	return k;
}

/* Decrypted packets of one SA: validate the inner header, check the
 * inbound SPD, count, and forward them as received on the tunnel
 * interface (or the interface the ESP came in on). */
static void deliver(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint32_t idx, struct esp_pkt **pp,
		    uint16_t n)
{
	const struct dp_esp *e = f->esp;
	const struct dp_esp_sa *s = &e->sa[idx];
	uint16_t rx = s->tun_ifc != DP_NO_IFC ? s->tun_ifc : in_ifc;
	int spd = s->tun_ifc == DP_NO_IFC && in_ifc < SHM_MAX_IFC && f->ifc[in_ifc].spd >= 0;
	struct rte_mbuf *v4[DP_BURST], *v6[DP_BURST];
	const uint8_t *ip4[DP_BURST], *ip6[DP_BURST];
	uint32_t len4[DP_BURST], len6[DP_BURST], dst[DP_BURST];
	uint16_t l3[DP_BURST], n4 = 0, n6 = 0;
	uint64_t bytes = 0, rx_bytes = 0;
	uint32_t rx_pk = 0;

	for (uint16_t t = 0; t < n; t++) {
		struct rte_mbuf *m = pkt_to_frame(pp[t]);
		uint8_t *ip = pp[t]->data;
		uint32_t len = pp[t]->len;
		struct dp_meta meta;

		bytes += len;
		if (s->tun_ifc != DP_NO_IFC && !f->ifc[rx].up) {
			dp_drop(w, m, rx, SHM_DROP_IFC_DOWN);
			continue;
		}
		if ((ip[0] >> 4) == 4) {
			uint32_t l3_len, d;

			/* The inline common case (20-byte header, ...) on the IP
			 * header alone: there is no link layer to check (and
			 * reading the EtherType just written would stall the
			 * load). Otherwise the full classifier decides. */
			if (__builtin_expect(len < DP_IP4_HLEN || ip[0] != 0x45 ||
					     !dp_classify_ip4_hdr_fast(ip, len, &l3_len, &d), 0)) {
				if (dp_classify_ip4(ip, len, 0, &meta) != DP_CLS_IP4) {
					sa_drop(w, m, rx, idx, (enum shm_drop)meta.drop);
					continue;
				}
				l3_len = meta.l3_len;
				d = dp_rd32(ip + 16);
			}
			dst[n4] = d;
			l3[n4] = (uint16_t)l3_len;
			ip4[n4] = ip;
			len4[n4] = l3_len;
			v4[n4++] = m;
		} else {
			enum dp_class k = dp_classify_ip6(ip, len, 0, &meta);
			if (k != DP_CLS_IP6) {
				sa_drop(w, m, rx, idx, k == DP_CLS_ND ? SHM_DROP_LOCAL_UNHANDLED : (enum shm_drop)meta.drop);
				continue;
			}
			ip6[n6] = ip;
			len6[n6] = meta.l3_len;
			v6[n6++] = m;
		}
		rx_pk++;
		rx_bytes += len;
	}
	/* counted once per run */
	w->k->sa[idx].packets += n;
	w->k->sa[idx].bytes += bytes;
	if (rx != in_ifc) {
		w->k->ifc[rx].rx_packets += rx_pk;
		w->k->ifc[rx].rx_bytes += rx_bytes;
	}
	if (spd) {
		/* The inner packet must not match a protect policy naming another
		 * SA, nor a discard policy. */
		n4 = inner_policy(w, f, in_ifc, idx, SHM_AF_INET, v4, ip4, len4, dst, l3, n4);
		n6 = inner_policy(w, f, in_ifc, idx, SHM_AF_INET6, v6, ip6, len6, NULL, NULL, n6);
	}
	if (n4)
		dp_ip4_input_decrypted(w, f, rx, v4, dst, l3, n4);
	if (n6)
		dp_ip6_input_decrypted(w, f, rx, v6, n6);
}

uint16_t dp_esphook_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		       uint16_t n)
{
	const struct dp_esp *e = f->esp;
	int spd_if = in_ifc < SHM_MAX_IFC && f->ifc[in_ifc].spd >= 0;
	struct esp_pkt pk[DP_BURST], *pp[DP_BURST];
	uint32_t sai[DP_BURST];
	uint32_t last_spi = 0, last_idx = DP_ESP_NONE;  /* a burst is mostly one SA: one SPI lookup */
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *mb = m[i];
		const uint8_t *ip = ip_of(mb);
		const struct dp_esp_sa *s;
		uint32_t spi, idx;
		int rc;

		if (__builtin_expect(mb->nb_segs != 1, 0)) {
			dp_drop(w, mb, in_ifc, SHM_DROP_MTU_EXCEEDED);
			continue;
		}
		rc = esp_inb_spi(ip, mb->data_len - DP_ETH_HLEN, &spi);
		if (rc != ESP_PKT_OK) {
			dp_drop(w, mb, in_ifc, (enum shm_drop)rc);
			continue;
		}
		if (spi == last_spi && last_idx != DP_ESP_NONE) {
			idx = last_idx;
		} else {
			idx = dp_esp_spi_find(e, spi);
			if (idx != DP_ESP_NONE && e->sa[idx].in) {
				last_spi = spi;
				last_idx = idx;
			}
		}
		if (idx == DP_ESP_NONE || !e->sa[idx].in) {
			dp_drop(w, mb, in_ifc, SHM_DROP_NO_SA);
			continue;
		}
		s = &e->sa[idx];
		if (s->tun_ifc == DP_NO_IFC) {
			/* An SA of inbound protect policies: one of them, in this
			 * interface's SPD, must match the outer header. */
			uint32_t pol = spd_if ? pol_match(e, s, f->ifc[in_ifc].spd_id, ip) : DP_ESP_NONE;
			if (pol == DP_ESP_NONE) {
				sa_drop(w, mb, in_ifc, idx, SHM_DROP_POLICY_MISMATCH);
				continue;
			}
			pol_count(w, pol, ip_len(ip));
		}
		pkt_from_mbuf(&pk[k], mb);
		pp[k] = &pk[k];
		sai[k++] = idx;
	}
	/* Runs of one SA go through the ESP library together. */
	for (uint16_t i = 0, j; i < k; i = j) {
		uint32_t idx = sai[i];
		uint16_t good;

		for (j = (uint16_t)(i + 1); j < k && sai[j] == idx; j++)
			;
		good = esp_inb_process(w->ew, e->sa[idx].in, &e->rt[idx], &pp[i], (uint16_t)(j - i));
		for (uint16_t t = (uint16_t)(i + good); t < j; t++)
			sa_drop(w, pp[t]->user, in_ifc, idx, (enum shm_drop)pp[t]->drop);
		if (good)
			deliver(w, f, in_ifc, idx, &pp[i], good);
	}
	return k;
}

/* ---- outbound ------------------------------------------------------------- */

/* A packet too big for the SA's path once encapsulated: ICMP
 * fragmentation-needed / packet-too-big to its source with the inner size
 * that fits (RFC 4301 §8.2), so path MTU discovery adapts. 0: it fits. */
static int too_big(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf *m, uint32_t idx,
		   uint16_t max_inner)
{
	const uint8_t *ip = ip_of(m);
	uint32_t len = ip_len(ip);

	if (!max_inner || len <= max_inner)
		return 0;
	if ((ip[0] >> 4) == 4 && !(dp_rd16(ip + 6) & 0x4000u)) {
		/* DF clear: tunnel mode fragments first, each fragment its own
		 * ESP packet (RFC 4301 §8.1); transport mode encrypts, then the
		 * ESP packet is fragmented on output. */
		if (!(f->esp->sa[idx].out->flags & ESP_SA_F_TUNNEL))
			return 0;
		dp_ip4_prefrag(w, f, in_ifc, m, max_inner);
		return 1;
	}
	sa_count_err(w, idx, SHM_DROP_MTU_EXCEEDED);
	dp_count_drop(w, in_ifc, SHM_DROP_MTU_EXCEEDED);
	if (in_ifc == DP_NO_IFC)
		dp_free(w, m);
	else if ((ip[0] >> 4) == 4 && (dp_rd16(ip + 6) & 0x4000u))
		dp_icmp4_send_error(w, f, in_ifc, m, DP_ICMP_UNREACH, 4, max_inner);
	else if ((ip[0] >> 4) == 6 && max_inner >= 1280)
		dp_icmp6_send_error(w, f, in_ifc, m, DP_ICMP6_PKT_TOO_BIG, 0, max_inner);
	else
		dp_free(w, m);
	return 1;
}

/* Route one ESP packet we built, as before the bulk path. */
static inline void output_one(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf *m, int v6)
{
	if (v6)
		dp_ip6_output(w, f, m, DP_OUT_ESP);
	else
		dp_ip4_output(w, f, m, DP_OUT_ESP);
}

/* The run of ESP packets of one tunnel-mode SA: all go to its tunnel
 * destination, so one route and one neighbor lookup serve the run, and the
 * frames go to the tx buffer together. What the common case (a resolved
 * next hop on a port, within its MTU) does not cover goes through
 * dp_ip4_output / dp_ip6_output one by one, in order: no route, a neighbor
 * to resolve, too big for the link, a local or tunnel destination. */
static void route_run(struct dp_worker *w, const struct dp_fwd *f, struct rte_mbuf **m, uint16_t n, int v6)
{
	const uint8_t *ip = ip_of(m[0]);
	uint32_t id = v6 ? dp_fib_lookup6(f->fib6, ip + 24) : dp_fib_lookup4(f->fib4, dp_rd32(ip + 16));
	const struct dp_nh *nh = &f->nh[id];
	const uint8_t *mac = NULL;
	uint8_t rw[12];
	uint8_t t0 = v6 ? DP_ETHERTYPE_IP6 >> 8 : DP_ETHERTYPE_IP4 >> 8;
	uint8_t t1 = v6 ? DP_ETHERTYPE_IP6 & 0xff : DP_ETHERTYPE_IP4 & 0xff;
	uint64_t bytes = 0;
	uint16_t first = 0, k;

	if (nh->type == DP_NH_VIA && nh->resolved) {
		mac = nh->eth;
	} else if (nh->type == DP_NH_VIA || nh->type == DP_NH_ATTACHED) {
		const uint8_t *to = nh->type == DP_NH_VIA ? f->nh_ip[id] : v6 ? ip + 24 : ip + 16;

		if (v6) {
			const struct dp_nbr6 *e6 = dp_nbr6_find(f, nh->ifc, to);
			if (e6) {
				memcpy(rw, e6->mac, 6);
				mac = rw;
			}
		} else {
			const struct dp_nbr4 *e4 = dp_nbr4_find(f, nh->ifc, dp_rd32(to));
			if (e4) {
				memcpy(rw, e4->mac, 6);
				mac = rw;
			}
		}
		if (mac)
			memcpy(rw + 6, f->ifc[nh->ifc].mac, 6);
	}
	if (!mac || nh->port == DP_NO_PORT) {
		for (uint16_t t = 0; t < n; t++)
			output_one(w, f, m[t], v6);
		return;
	}
	for (k = 0; k < n; k++) {
		struct rte_mbuf *x = m[k];
		uint8_t *eth = rte_pktmbuf_mtod(x, uint8_t *);

		if (__builtin_expect(x->pkt_len - DP_ETH_HLEN > nh->mtu, 0)) {
			/* the ones before it first: the run keeps its order */
			if (k > first)
				dp_tx_bulk(w, f, nh->port, &m[first], (uint16_t)(k - first), bytes);
			output_one(w, f, x, v6);
			first = (uint16_t)(k + 1);
			bytes = 0;
			continue;
		}
		memcpy(eth, mac, 12);
		eth[12] = t0;
		eth[13] = t1;
		bytes += x->pkt_len;
	}
	if (k > first)
		dp_tx_bulk(w, f, nh->port, &m[first], (uint16_t)(k - first), bytes);
}

/* Encrypt k packets (pp over pk; sai: SA index; tif: tunnel interface to
 * count tx on, or DP_NO_IFC) and route the results: a tunnel-mode SA's run
 * in bulk, transport mode (each packet to its own destination) one by one.
 * Counters are added once per run. */
static void encrypt_runs(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct esp_pkt *pk,
			 struct esp_pkt **pp, const uint32_t *sai, const uint16_t *tif, uint16_t k)
{
	const struct dp_esp *e = f->esp;
	uint32_t ilen[DP_BURST];
	struct rte_mbuf *mo[DP_BURST];

	for (uint16_t t = 0; t < k; t++)
		ilen[t] = pk[t].len;
	for (uint16_t i = 0, j; i < k; i = j) {
		uint32_t idx = sai[i];
		const struct esp_sa_out *sa = e->sa[idx].out;
		uint16_t good, ti = tif[pp[i] - pk];
		uint64_t bytes = 0, tbytes = 0;
		uint32_t tpk = 0;

		for (j = (uint16_t)(i + 1); j < k && sai[j] == idx; j++)
			;
		good = esp_outb_process(w->ew, sa, &e->rt[idx], &pp[i], (uint16_t)(j - i));
		for (uint16_t t = (uint16_t)(i + good); t < j; t++)
			sa_drop(w, pp[t]->user, in_ifc, idx, (enum shm_drop)pp[t]->drop);
		if (!good)
			continue;
		for (uint16_t t = 0; t < good; t++) {
			size_t o = (size_t)(pp[i + t] - pk);

			mo[t] = pkt_to_mbuf(pp[i + t]);
			bytes += ilen[o];
			if (tif[o] == ti) {
				tpk++;
				tbytes += ilen[o];
			} else if (tif[o] != DP_NO_IFC) {   /* an SA shared by tunnel interfaces */
				w->k->ifc[tif[o]].tx_packets++;
				w->k->ifc[tif[o]].tx_bytes += ilen[o];
			}
		}
		w->k->sa[idx].packets += good;
		w->k->sa[idx].bytes += bytes;
		if (ti != DP_NO_IFC) {
			w->k->ifc[ti].tx_packets += tpk;
			w->k->ifc[ti].tx_bytes += tbytes;
		}
		if (sa->flags & ESP_SA_F_TUNNEL) {
			route_run(w, f, mo, good, (sa->flags & ESP_SA_F_OUTER_V6) != 0);
		} else {
			for (uint16_t t = 0; t < good; t++)
				output_one(w, f, mo[t], (pp[i + t]->data[0] >> 4) == 6);
		}
	}
}

uint16_t dp_esphook_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			const uint32_t *nh_id, uint16_t n)
{
	const struct dp_esp *e = f->esp;
	struct esp_pkt pk[DP_BURST], *pp[DP_BURST];
	uint32_t sai[DP_BURST];
	uint16_t tif[DP_BURST], k = 0;

	uint32_t last = UINT32_MAX, sa = DP_ESP_NONE;
	uint16_t ifc = DP_NO_IFC, max_inner = 0;
	enum shm_drop why = SHM_DROP_N;      /* SHM_DROP_N: the tunnel may send */

	for (uint16_t i = 0; i < n; i++) {
		/* packets of one burst mostly share a tunnel: its state once */
		if (nh_id[i] != last) {
			const struct dp_ifc *d;

			last = nh_id[i];
			ifc = f->nh[last].ifc;
			d = &f->ifc[ifc];
			sa = d->sa_out;
			why = !d->up ? SHM_DROP_IFC_DOWN
			      : sa == DP_ESP_NONE || !e->sa[sa].out ? SHM_DROP_NO_SA : SHM_DROP_N;
			max_inner = why == SHM_DROP_N ? e->sa[sa].max_inner : 0;
		}
		if (__builtin_expect(why != SHM_DROP_N, 0)) {
			dp_drop(w, m[i], ifc, why);
			continue;
		}
		if (__builtin_expect(m[i]->nb_segs != 1, 0)) {
			sa_drop(w, m[i], ifc, sa, SHM_DROP_MTU_EXCEEDED);
			continue;
		}
		if (too_big(w, f, in_ifc, m[i], sa, max_inner))
			continue;
		pkt_from_mbuf(&pk[k], m[i]);
		pp[k] = &pk[k];
		tif[k] = ifc;
		sai[k++] = sa;
	}
	if (k)
		encrypt_runs(w, f, in_ifc, pk, pp, sai, tif, k);
	return k;
}

void dp_esp_spd_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint8_t af, struct rte_mbuf **m,
		    const uint32_t *nh_id, uint16_t n)
{
	const struct dp_esp *e = f->esp;
	struct esp_pkt pk[DP_BURST], *pp[DP_BURST];
	const uint8_t *ips[DP_BURST];
	uint32_t lens[DP_BURST], sai[DP_BURST];
	uint16_t tif[DP_BURST], k = 0;
	struct dp_spd_result res[DP_BURST];

	for (uint16_t i = 0, j; i < n; i = j) {
		int slot = f->ifc[f->nh[nh_id[i]].ifc].spd;

		for (j = i; j < n && f->ifc[f->nh[nh_id[j]].ifc].spd == slot; j++) {
			ips[j] = ip_of(m[j]);
			lens[j] = m[j]->data_len - DP_ETH_HLEN;
		}
		dp_spd_classify(e->spd, slot, SHM_DIR_OUT, af, &ips[i], &lens[i], (uint16_t)(j - i), &res[i]);
	}
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_nh *nh = &f->nh[nh_id[i]];
		const struct dp_spd_result *r = &res[i];
		uint32_t idx;

		if (r->policy == DP_SPD_NONE || r->action == SHM_POL_BYPASS) {
			if (r->policy == DP_SPD_NONE && !(in_ifc == DP_NO_IFC && ike_from_us(af, ips[i], lens[i]))) {
				dp_drop(w, m[i], in_ifc, SHM_DROP_NO_POLICY);
				continue;
			}
			if (r->policy != DP_SPD_NONE)
				pol_count(w, r->policy, ip_len(ips[i]));
			if (nh->type == DP_NH_BLACKHOLE) {      /* bypassed into a loopback */
				dp_drop(w, m[i], in_ifc, SHM_DROP_NO_ROUTE);
				continue;
			}
			if (af == SHM_AF_INET)
				dp_ip4_neigh_out(w, f, m[i], nh, nh->type == DP_NH_VIA ? f->nh_ip[nh_id[i]] : ips[i] + 16,
						 in_ifc);
			else
				dp_ip6_neigh_out(w, f, m[i], nh, nh->type == DP_NH_VIA ? f->nh_ip[nh_id[i]] : ips[i] + 24,
						 in_ifc);
			continue;
		}
		pol_count(w, r->policy, ip_len(ips[i]));
		if (r->action == SHM_POL_DISCARD) {
			dp_drop(w, m[i], in_ifc, SHM_DROP_POLICY_DISCARD);
			continue;
		}
		idx = e->pol_sa[r->policy];
		if (idx == DP_ESP_NONE || !e->sa[idx].out) {
			dp_drop(w, m[i], in_ifc, SHM_DROP_NO_SA);
			continue;
		}
		if (__builtin_expect(m[i]->nb_segs != 1, 0)) {
			sa_drop(w, m[i], in_ifc, idx, SHM_DROP_MTU_EXCEEDED);
			continue;
		}
		if (too_big(w, f, in_ifc, m[i], idx,
			    (e->sa[idx].out->flags & ESP_SA_F_TUNNEL) ? e->sa[idx].max_inner
								      : dp_esp_max_inner(e->sa[idx].out, nh->mtu)))
			continue;
		pkt_from_mbuf(&pk[k], m[i]);
		pp[k] = &pk[k];
		tif[k] = DP_NO_IFC;
		sai[k++] = idx;
	}
	if (k)
		encrypt_runs(w, f, in_ifc, pk, pp, sai, tif, k);
}

uint16_t dp_esp_spd_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint8_t af, struct rte_mbuf **m,
		       uint16_t n)
{
	const struct dp_esp *e = f->esp;
	const uint8_t *ips[DP_BURST], *cips[DP_BURST];
	uint32_t lens[DP_BURST], clens[DP_BURST];
	struct dp_spd_result res[DP_BURST];
	uint8_t ours[DP_BURST];
	uint16_t keep = 0, nc = 0;

	if (!n)
		return 0;
	/* ESP and IKE for us are not looked up: the SA's policies (or the IKE
	 * daemon) judge them. The rest is classified in one call. */
	for (uint16_t i = 0; i < n; i++) {
		ips[i] = ip_of(m[i]);
		lens[i] = m[i]->data_len - DP_ETH_HLEN;
		ours[i] = (uint8_t)esp_or_ike_for_us(f, af, ips[i], lens[i]);
		if (!ours[i]) {
			cips[nc] = ips[i];
			clens[nc++] = lens[i];
		}
	}
	if (nc)
		dp_spd_classify(e->spd, f->ifc[in_ifc].spd, SHM_DIR_IN, af, cips, clens, nc, res);
	for (uint16_t i = 0, c = 0; i < n; i++) {
		const struct dp_spd_result *r;

		if (ours[i]) {
			m[keep++] = m[i];
			continue;
		}
		r = &res[c++];
		if (r->policy == DP_SPD_NONE) {
			dp_drop(w, m[i], in_ifc, SHM_DROP_NO_POLICY);
			continue;
		}
		pol_count(w, r->policy, ip_len(ips[i]));
		switch (r->action) {
		case SHM_POL_BYPASS:
			m[keep++] = m[i];
			break;
		case SHM_POL_DISCARD:
			dp_drop(w, m[i], in_ifc, SHM_DROP_POLICY_DISCARD);
			break;
		default:
			/* cleartext that should have come through an SA */
			dp_drop(w, m[i], in_ifc, SHM_DROP_POLICY_MISMATCH);
			break;
		}
	}
	return keep;
}

/* The IPv4 forwarding fast path over a whole rx burst. See dp_ip.h. */
#include "dp_ip.h"

#include <rte_fib.h>

#include "dp_classify.h"
#include "dp_esphook.h"
#include "dp_fib.h"

uint16_t dp_fast4_input(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **pkts,
			uint16_t n, uint64_t own_mac, struct rte_mbuf **v4, uint32_t *dst4, uint16_t *len4, uint16_t *n4,
			uint64_t *rx_bytes)
{
	uint8_t *hdr[DP_BURST];
	uint32_t dst[DP_BURST];
	uint64_t nhid[DP_BURST];
	struct rte_mbuf *out[DP_BURST], *tun[DP_BURST], *spd[DP_BURST], *esp[DP_BURST];
	uint32_t tun_nh[DP_BURST], spd_nh[DP_BURST];
	const struct dp_nh *nht = f->nh;
	unsigned n_out = 0, run_start = 0, n_tun = 0, n_spd = 0, n_esp = 0;
	uint16_t n_rest = 0, run_port = DP_NO_PORT;
	/* Rx bytes: the forwarded packets' are their tx bytes plus what was
	 * trimmed off, summed per run; the others' are added as they leave. */
	uint64_t bytes = 0, run_bytes = 0;

	/* 1. Every frame's would-be IPv4 destination (0 if too short to
	 * hold a header): what is not IPv4 gets a lookup it does not use. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
		uint32_t d = 0;

		hdr[i] = p;
		if (__builtin_expect(m->data_len >= DP_ETH_HLEN + DP_IP4_HLEN, 1))
			memcpy(&d, p + DP_ETH_HLEN + 16, 4);
		dst[i] = __builtin_bswap32(d);
	}
	/* 2. One bulk FIB lookup. */
	rte_fib_lookup_bulk(f->fib4->fib4, dst, nhid, n);
	/* 3. Classify and forward in one pass over the headers. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *eth = hdr[i], *ip = eth + DP_ETH_HLEN;
		const struct dp_nh *nh = &nht[nhid[i]];
		uint32_t l3, d, tw;

		if (__builtin_expect(m->nb_segs != 1, 0) ||
		    __builtin_expect(!dp_classify_ip4_fast_w(eth, m->data_len, own_mac, &l3, &d), 0)) {
			/* Not the common case: the full classifier decides (and
			 * the caller counts its bytes). */
			pkts[n_rest++] = m;
			continue;
		}
		if (__builtin_expect(m->data_len != DP_ETH_HLEN + l3, 0)) {
			bytes += m->data_len - (DP_ETH_HLEN + l3);
			m->data_len = (uint16_t)(DP_ETH_HLEN + l3);
			m->pkt_len = m->data_len;
		}
		/* A resolved next hop (fast_mtu is 0 otherwise), TTL > 1, within
		 * the MTU; a tunnel interface or an interface with an SPD
		 * (ipsec_mtu) the same way, to the ESP hook or the outbound SPD;
		 * ESP for us to the inbound hook; anything else (other local,
		 * unresolved, TTL, MTU, no route) goes through dp_ip4_input,
		 * already classified. */
		memcpy(&tw, ip + 8, 4);
		if (__builtin_expect((uint8_t)tw <= 1 || l3 > nh->fast_mtu, 0)) {
			bytes += DP_ETH_HLEN + l3;
			if ((uint8_t)tw > 1 && l3 <= nh->ipsec_mtu) {
				dp_ip4_ttl_dec(ip, tw);
				if (nh->type == DP_NH_TUNNEL) {
					tun_nh[n_tun] = (uint32_t)nhid[i];
					tun[n_tun++] = m;
				} else {
					spd_nh[n_spd] = (uint32_t)nhid[i];
					spd[n_spd++] = m;
				}
				continue;
			}
			/* ESP to one of our addresses, not a fragment: the
			 * inbound hook (what dp_classify_local4 would say) */
			if (nh->type == DP_NH_LOCAL && ip[9] == DP_PROTO_ESP && !(dp_rd16(ip + 6) & 0x3fffu)) {
				esp[n_esp++] = m;
				continue;
			}
			dst4[*n4] = d;
			len4[*n4] = (uint16_t)l3;
			v4[(*n4)++] = m;
			continue;
		}
		dp_ip4_ttl_dec(ip, tw);
		memcpy(eth, nh->eth, 12);
		/* Runs of packets for one port go to its tx buffer together. */
		if (__builtin_expect(nh->port != run_port, 0)) {
			if (n_out > run_start)
				dp_tx_bulk(w, f, run_port, &out[run_start], (uint16_t)(n_out - run_start), run_bytes);
			bytes += run_bytes;
			run_port = nh->port;
			run_start = n_out;
			run_bytes = 0;
		}
		out[n_out++] = m;
		run_bytes += DP_ETH_HLEN + l3;
	}
	if (n_out > run_start)
		dp_tx_bulk(w, f, run_port, &out[run_start], (uint16_t)(n_out - run_start), run_bytes);
	*rx_bytes += bytes + run_bytes;
	if (n_tun)
		dp_esphook_out(w, f, in_ifc, tun, tun_nh, (uint16_t)n_tun);
	if (n_spd)
		dp_esp_spd_out(w, f, in_ifc, SHM_AF_INET, spd, spd_nh, (uint16_t)n_spd);
	if (n_esp)
		dp_esphook_in(w, f, in_ifc, esp, (uint16_t)n_esp);
	return n_rest;
}

/* Worker loop: rx bursts, classify, IPv4/IPv6 stages, inject, tx. See
 * dp_worker.h for the rules of the hot path. */
#include "dp_worker.h"

#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "dp_classify.h"
#include "dp_frag.h"
#include "dp_icmp.h"
#include "dp_ip.h"
#include "esp_engine.h"
#include "log.h"

#define DP_IDLE_SPINS 256       /* empty turns before a poller sleeps */

struct dp_worker *dp_worker_new(struct dp_ctl *c, unsigned id, unsigned lcore)
{
	struct dp_worker *w = rte_zmalloc("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	char name[32], errbuf[256];

	if (!w)
		return NULL;
	w->id = id;
	w->lcore = lcore;
	w->ctl = c;
	w->k = shm_counters(c->r, id);
	snprintf(name, sizeof(name), "dp_punt%u", id);
	w->punt = rte_ring_create_elem(name, sizeof(struct dp_punt_desc), DP_RING_SIZE, (int)rte_socket_id(),
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_inject%u", id);
	w->inject = rte_ring_create_elem(name, sizeof(struct dp_inject_desc), DP_RING_SIZE,
					 (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->ew = esp_engine_worker_create(id, errbuf, sizeof(errbuf));
	if (!w->ew)
		gw_err("worker %u: crypto contexts: %s", id, errbuf);
	w->reass = dp_frag_table_new(id, c->tsc_hz);
	if (!w->reass)
		gw_err("worker %u: reassembly table: %s", id, rte_strerror(rte_errno));
	if (!w->punt || !w->inject || !w->ew || !w->reass) {
		dp_worker_free(w);
		return NULL;
	}
	dp_icmp_init(w, c->tsc_hz, c->o.icmp_rate);
	return w;
}

void dp_worker_free(struct dp_worker *w)
{
	struct dp_punt_desc pd;
	struct dp_inject_desc id;

	if (!w)
		return;
	while (w->punt && rte_ring_sc_dequeue_elem(w->punt, &pd, sizeof(pd)) == 0)
		rte_pktmbuf_free(pd.m);
	while (w->inject && rte_ring_sc_dequeue_elem(w->inject, &id, sizeof(id)) == 0)
		rte_pktmbuf_free(id.m);
	rte_ring_free(w->punt);
	rte_ring_free(w->inject);
	esp_engine_worker_free(w->ew);
	dp_frag_table_free(w->reass);
	rte_free(w);
}

void dp_worker_drop_flush(struct dp_worker *w)
{
	if (w->n_drop) {
		rte_pktmbuf_free_bulk(w->drop, w->n_drop);
		w->n_drop = 0;
	}
}

static void count_tx(struct dp_worker *w, uint16_t ifc, uint16_t sent, uint64_t bytes)
{
	if (ifc < SHM_MAX_IFC) {
		w->k->ifc[ifc].tx_packets += sent;
		w->k->ifc[ifc].tx_bytes += bytes;
	}
}

void dp_worker_tx_flush(struct dp_worker *w, const struct dp_fwd *f, uint16_t port)
{
	struct dp_txb *b = &w->txb[port];
	uint16_t n = b->n, sent, ifc = f->port_ifc[port];
	uint64_t bytes = b->bytes;

	b->n = 0;
	b->bytes = 0;
	w->tx_dirty &= ~(1u << port);
	if (!n)
		return;
	if (__builtin_expect(w->id >= f->nb_txq[port], 0)) {
		/* No tx queue of our own on this port: hand off to its queue 0. */
		sent = (uint16_t)rte_ring_mp_enqueue_burst(f->txr[port], (void **)b->m, n, NULL);
	} else {
		/* bytes was summed as packets were queued: once sent, an mbuf
		 * belongs to the PMD; the unsent are still ours. */
		sent = rte_eth_tx_burst(port, (uint16_t)w->id, b->m, n);
		for (uint16_t i = sent; i < n; i++)
			bytes -= b->m[i]->pkt_len;
		count_tx(w, ifc, sent, bytes);
	}
	for (uint16_t i = sent; i < n; i++)
		dp_drop(w, b->m[i], ifc, SHM_DROP_TX_FULL);
}

/* Worker 0 sends what other workers handed off for queue 0. */
static void drain_handoff(struct dp_worker *w, const struct dp_fwd *f)
{
	struct rte_mbuf *m[DP_BURST];

	for (uint32_t mask = f->txr_mask; mask; mask &= mask - 1) {
		uint16_t p = (uint16_t)__builtin_ctz(mask);
		unsigned n = rte_ring_sc_dequeue_burst(f->txr[p], (void **)m, DP_BURST, NULL);
		for (unsigned i = 0; i < n; i++)
			dp_tx(w, f, p, m[i]);
	}
}

static void drain_inject(struct dp_worker *w, const struct dp_fwd *f)
{
	struct dp_inject_desc d[DP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst_elem(w->inject, d, sizeof(d[0]), DP_BURST, NULL);

	for (unsigned i = 0; i < n; i++) {
		switch (d[i].kind) {
		case DP_INJ_FRAME:
			if (d[i].port < RTE_MAX_ETHPORTS && f->port_ifc[d[i].port] != DP_NO_IFC)
				dp_tx(w, f, d[i].port, d[i].m);
			else
				dp_drop(w, d[i].m, DP_NO_IFC, SHM_DROP_IFC_DOWN);
			break;
		case DP_INJ_ROUTE4:
			dp_ip4_output_local(w, f, d[i].m);
			break;
		case DP_INJ_ROUTE6:
			dp_ip6_output_local(w, f, d[i].m);
			break;
		default:
			dp_free(w, d[i].m);
			break;
		}
	}
}

static unsigned worker_rx(struct dp_worker *w, const struct dp_fwd *f, const struct dp_rxq *q)
{
	struct rte_mbuf *pkts[DP_BURST], *v4[DP_BURST], *v6[DP_BURST];
	uint32_t dst4[DP_BURST];
	uint16_t len4[DP_BURST];
	uint16_t n = rte_eth_rx_burst(q->port, q->queue, pkts, DP_BURST), n4 = 0, n6 = 0;
	const struct dp_ifc *ifc = &f->ifc[q->ifc];
	struct shm_ifc_counters *k = &w->k->ifc[q->ifc];
	uint64_t bytes = 0, own;

	if (!n)
		return 0;
	k->rx_packets += n;
	if (__builtin_expect(!ifc->up, 0)) {
		for (uint16_t i = 0; i < n; i++) {
			k->rx_bytes += pkts[i]->pkt_len;
			dp_drop(w, pkts[i], q->ifc, SHM_DROP_IFC_DOWN);
		}
		return n;
	}
	/* Built once per burst: the packet stores below could alias ifc->mac. */
	own = dp_mac_word(ifc->mac);
	/* Cleartext on an SPD interface waits for its inbound policy check
	 * (dp_ip4_input); elsewhere the fast path forwards the common case
	 * and leaves the rest at the front of pkts. */
	if (__builtin_expect(ifc->spd < 0, 1))
		n = dp_fast4_input(w, f, q->ifc, pkts, n, own, v4, dst4, len4, &n4, &bytes);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_meta meta;
		uint32_t l3;

		bytes += m->pkt_len;
		/* The common case first: unicast IPv4, 20-byte header, all good. */
		if (__builtin_expect(m->nb_segs == 1, 1) &&
		    __builtin_expect(dp_classify_ip4_fast_w(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, own,
							  &l3, &dst4[n4]), 1)) {
			if (__builtin_expect(m->data_len != DP_ETH_HLEN + l3, 0)) {
				m->data_len = (uint16_t)(DP_ETH_HLEN + l3);
				m->pkt_len = m->data_len;
			}
			len4[n4] = (uint16_t)l3;
			v4[n4++] = m;
			continue;
		}
		if (__builtin_expect(m->nb_segs > 1, 0) && rte_pktmbuf_linearize(m) < 0) {
			dp_drop(w, m, q->ifc, SHM_DROP_NO_BUFFER);
			continue;
		}
		switch (dp_classify_frame(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, ifc->mac, &meta)) {
		case DP_CLS_IP4:
			m->data_len = (uint16_t)(DP_ETH_HLEN + meta.l3_len);
			m->pkt_len = m->data_len;
			dst4[n4] = dp_rd32(rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN + 16));
			len4[n4] = meta.l3_len;
			v4[n4++] = m;
			break;
		case DP_CLS_IP6:
			m->data_len = (uint16_t)(DP_ETH_HLEN + meta.l3_len);
			m->pkt_len = m->data_len;
			v6[n6++] = m;
			break;
		case DP_CLS_ARP:
			dp_punt(w, m, q->ifc, DP_PUNT_ARP, SHM_AF_INET, NULL, q->ifc);
			break;
		case DP_CLS_ND:
			m->data_len = (uint16_t)(DP_ETH_HLEN + meta.l3_len);
			m->pkt_len = m->data_len;
			dp_punt(w, m, q->ifc, DP_PUNT_ND, SHM_AF_INET6, NULL, q->ifc);
			break;
		case DP_CLS_DROP:
		default:
			dp_drop(w, m, q->ifc, (enum shm_drop)meta.drop);
			break;
		}
	}
	k->rx_bytes += bytes;
	if (n4)
		dp_ip4_input(w, f, q->ifc, v4, dst4, len4, n4);
	if (n6)
		dp_ip6_input(w, f, q->ifc, v6, n6);
	return n;
}

unsigned dp_worker_poll(struct dp_worker *w, const struct dp_fwd *f)
{
	unsigned total = 0;

	if (__builtin_expect(!f, 0))
		return 0;
	for (uint16_t i = 0; i < f->n_rxq[w->id]; i++)
		total += worker_rx(w, f, &f->rxq[w->id][i]);
	if (w->id == 0) {
		if (__builtin_expect(!rte_ring_empty(w->inject), 0))
			drain_inject(w, f);
		if (__builtin_expect(f->txr_mask != 0, 0))
			drain_handoff(w, f);
	}
	if (__builtin_expect(w->reass_held != 0, 0))
		dp_frag_expire(w);
	while (w->tx_dirty)
		dp_worker_tx_flush(w, f, (uint16_t)__builtin_ctz(w->tx_dirty));
	dp_worker_drop_flush(w);
	return total;
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_rcu_qsbr *v = w->ctl->qsbr;
	unsigned idle_us = w->ctl->o.idle_us;

	rte_rcu_qsbr_thread_register(v, w->id);
	rte_rcu_qsbr_thread_online(v, w->id);
	while (!w->stop) {
		unsigned n = dp_worker_poll(w, dp_ctl_fwd(w->ctl));
		rte_rcu_qsbr_quiescent(v, w->id);
		if (n || !idle_us) {
			w->idle = 0;
			continue;
		}
		if (++w->idle > DP_IDLE_SPINS) {
			rte_rcu_qsbr_thread_offline(v, w->id);
			rte_delay_us_sleep(idle_us);
			rte_rcu_qsbr_thread_online(v, w->id);
		}
	}
	rte_rcu_qsbr_thread_offline(v, w->id);
	rte_rcu_qsbr_thread_unregister(v, w->id);
	return 0;
}

int dp_worker_inject(struct dp_ctl *c, struct rte_mbuf *m, enum dp_inject_kind kind, uint16_t port,
		     uint16_t ifc)
{
	struct dp_inject_desc d = { .m = m, .kind = (uint16_t)kind, .port = port };

	if (rte_ring_sp_enqueue_elem(c->w[0]->inject, &d, sizeof(d)) == 0)
		return 0;
	rte_pktmbuf_free(m);
	c->k->drop[SHM_DROP_TX_FULL]++;
	if (ifc < SHM_MAX_IFC)
		c->k->ifc[ifc].drops++;
	return -ENOBUFS;
}

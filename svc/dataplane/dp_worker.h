/*
 * Workers: one per worker lcore (or the main lcore itself when there are
 * none), each polling its (port, queue) pairs in bursts of DP_BURST,
 * run to completion: rx -> classify -> FIB -> neighbor -> tx.
 *
 * Hot-path rules: no lock, no allocation (mbufs come from the mempool's
 * per-lcore cache), no log call. Every packet that does not leave is
 * counted under a drop reason in this worker's counter block and freed in
 * bulk at the end of the burst. Bursts return the number of packets that
 * went on; the rest were moved aside.
 *
 * Channels with the control thread (single producer, single consumer):
 *   punt   worker -> control: ARP, ND, echo replies to our pings, IKE,
 *          packets waiting for neighbor resolution (struct dp_punt_desc)
 *   inject control -> worker 0: frames to send as they are, or IP packets
 *          to route (struct dp_inject_desc)
 */
#ifndef IPSECGW_DATAPLANE_DP_WORKER_H
#define IPSECGW_DATAPLANE_DP_WORKER_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring_elem.h>

#include "dp_ctl.h"
#include "dp_fwd.h"
#include "region.h"

struct esp_engine_worker;
struct dp_frag_table;

#define DP_TXB DP_BURST
#define DP_DROPB (4 * DP_BURST)
#define DP_RING_SIZE 1024

enum dp_punt_kind {
	DP_PUNT_ARP = 1,
	DP_PUNT_ND,
	DP_PUNT_ECHO_REPLY,
	DP_PUNT_IKE,
	DP_PUNT_RESOLVE,        /* ifc = egress, ip = neighbor to resolve */
};

struct dp_punt_desc {
	struct rte_mbuf *m;     /* data at the Ethernet header */
	uint64_t tsc;           /* rte_rdtsc() at receive */
	uint16_t ifc;
	uint8_t kind;           /* enum dp_punt_kind */
	uint8_t af;
	uint8_t ip[16];
	uint32_t pad;
};
_Static_assert(sizeof(struct dp_punt_desc) % 4 == 0, "ring element");

enum dp_inject_kind {
	DP_INJ_FRAME = 1,       /* a complete frame for `port` */
	DP_INJ_ROUTE4,          /* an IPv4 packet after a 14-byte gap: route it */
	DP_INJ_ROUTE6,
};

struct dp_inject_desc {
	struct rte_mbuf *m;
	uint16_t kind;
	uint16_t port;
	uint32_t pad;
};
_Static_assert(sizeof(struct dp_inject_desc) == 16, "ring element");

struct dp_txb {
	uint16_t n;
	uint64_t bytes;         /* of the n packets, for the tx counters */
	struct rte_mbuf *m[DP_TXB];
};

struct dp_worker {
	unsigned id;                    /* counter block, RCU thread id, tx queue */
	unsigned lcore;
	struct dp_ctl *ctl;
	struct shm_counters *k;
	struct esp_engine_worker *ew;   /* this worker's crypto contexts */
	struct rte_ring *punt;
	struct rte_ring *inject;
	uint32_t tx_dirty;              /* ports with frames in txb[] */
	uint16_t n_drop;
	struct rte_mbuf *drop[DP_DROPB];
	struct dp_txb txb[RTE_MAX_ETHPORTS];
	uint64_t icmp_tokens;           /* ICMP error budget, scaled by tsc */
	uint64_t icmp_last;
	uint64_t icmp_cost;             /* tsc per ICMP error */
	uint64_t icmp_burst;
	uint32_t idle;
	volatile int stop;
	struct dp_frag_table *reass;         /* fragments to us being reassembled (dp_frag.h) */
	uint32_t reass_held;            /* datagrams in it */
};
_Static_assert(RTE_MAX_ETHPORTS <= 32, "tx_dirty is a 32-bit mask");

struct dp_worker *dp_worker_new(struct dp_ctl *c, unsigned id, unsigned lcore);
void dp_worker_free(struct dp_worker *w);
/* The lcore entry point (rte_eal_remote_launch). */
int dp_worker_main(void *arg);
/* One turn over every rx queue, the inject ring and the tx buffers.
 * Returns the number of packets received. For the main lcore when there
 * are no worker lcores. */
unsigned dp_worker_poll(struct dp_worker *w, const struct dp_fwd *f);

/* Control thread: hand a packet to worker 0. 0, or -ENOBUFS (the mbuf is
 * freed and counted as TX_FULL on ifc). */
int dp_worker_inject(struct dp_ctl *c, struct rte_mbuf *m, enum dp_inject_kind kind, uint16_t port,
		     uint16_t ifc);

/* ---- hot-path helpers for dp_ip4.c, dp_ip6.c, dp_icmp.c ---------------- */

void dp_worker_drop_flush(struct dp_worker *w);
void dp_worker_tx_flush(struct dp_worker *w, const struct dp_fwd *f, uint16_t port);

static inline void dp_count_drop(struct dp_worker *w, uint16_t ifc, enum shm_drop d)
{
	w->k->drop[d]++;
	if (ifc < SHM_MAX_IFC)
		w->k->ifc[ifc].drops++;
}

static inline void dp_free(struct dp_worker *w, struct rte_mbuf *m)
{
	if (__builtin_expect(w->n_drop == DP_DROPB, 0))
		dp_worker_drop_flush(w);
	w->drop[w->n_drop++] = m;
}

static inline void dp_drop(struct dp_worker *w, struct rte_mbuf *m, uint16_t ifc, enum shm_drop d)
{
	dp_count_drop(w, ifc, d);
	dp_free(w, m);
}

static inline void dp_tx(struct dp_worker *w, const struct dp_fwd *f, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txb *b = &w->txb[port];

	b->m[b->n++] = m;
	b->bytes += m->pkt_len;
	w->tx_dirty |= 1u << port;
	if (__builtin_expect(b->n == DP_TXB, 0))
		dp_worker_tx_flush(w, f, port);
}

/* Queue n packets (bytes in all) for one port: the fast path's deferred tx. */
static inline void dp_tx_bulk(struct dp_worker *w, const struct dp_fwd *f, uint16_t port, struct rte_mbuf **m,
			      uint16_t n, uint64_t bytes)
{
	struct dp_txb *b = &w->txb[port];

	if (b->n + n > DP_TXB)
		dp_worker_tx_flush(w, f, port);
	for (uint16_t i = 0; i < n; i++)
		b->m[b->n + i] = m[i];
	b->n = (uint16_t)(b->n + n);
	b->bytes += bytes;
	w->tx_dirty |= 1u << port;
}

/* Punt to the control thread; counts a punt on ifc unless resolving. */
static inline void dp_punt(struct dp_worker *w, struct rte_mbuf *m, uint16_t ifc, enum dp_punt_kind kind,
			   uint8_t af, const uint8_t *ip, uint16_t count_ifc)
{
	struct dp_punt_desc d = { .m = m, .tsc = rte_rdtsc(), .ifc = ifc, .kind = (uint8_t)kind, .af = af };

	if (ip)
		__builtin_memcpy(d.ip, ip, af == SHM_AF_INET ? 4 : 16);
	if (__builtin_expect(rte_ring_sp_enqueue_elem(w->punt, &d, sizeof(d)) != 0, 0)) {
		dp_drop(w, m, count_ifc, SHM_DROP_PUNT_QUEUE_FULL);
		return;
	}
	if (kind != DP_PUNT_RESOLVE && count_ifc < SHM_MAX_IFC)
		w->k->ifc[count_ifc].punts++;
}

#endif

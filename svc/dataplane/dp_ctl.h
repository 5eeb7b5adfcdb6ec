/*
 * The control thread's state, shared by the dataplane's control-side
 * modules (tables, ports, neighbors, punt, ping, API). Everything here is
 * touched by the control thread only (the main lcore, in the libuv loop),
 * except `cur`, which workers load once per loop turn.
 */
#ifndef IPSECGW_DATAPLANE_DP_CTL_H
#define IPSECGW_DATAPLANE_DP_CTL_H

#include <stdatomic.h>
#include <stdint.h>

#include "dp_fwd.h"
#include "region.h"

struct dp_worker;
struct dp_neigh;
struct dp_ping;
struct dp_punt;
struct dp_api;
struct dp_esp_ctl;
struct rte_mempool;
struct rte_rcu_qsbr;

#define DP_RETIRED_MAX 64

struct dp_port {
	uint8_t in_use;         /* an interface record of kind port names it */
	uint8_t ok;             /* probed, configured and started */
	uint8_t link_up;
	uint8_t failed;         /* last attempt failed (logged once) */
	uint16_t port_id;
	uint16_t nb_rxq, nb_txq;
	uint16_t mtu;
	uint8_t mac[6];
	char devargs[SHM_DEVARGS_MAX];
	struct rte_ring *txr;   /* handoff ring when nb_txq < pollers */
	uint64_t retry_ns;
};

struct dp_retired {
	struct dp_fwd *f;
	uint64_t token;
};

struct dp_ctl_opts {
	unsigned neigh_age_s;   /* learned neighbors expire after this; 0 never */
	unsigned icmp_rate;     /* ICMP errors per second per worker */
	unsigned idle_us;       /* a poller sleeps this long when idle; 0 busy-polls */
	unsigned mbufs;
};

struct dp_ctl {
	char instance[SHM_NAME_MAX];
	struct shm_region *r;
	struct shm_counters *k;         /* the control thread's counter block */
	struct dp_ctl_opts o;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *qsbr;
	unsigned n_workers;             /* worker lcores; 0: the main lcore polls */
	unsigned n_pollers;             /* max(1, n_workers) */
	struct dp_worker *w[DP_MAX_WORKERS];
	_Atomic(struct dp_fwd *) cur;
	struct dp_retired retired[DP_RETIRED_MAX];
	unsigned n_retired;
	uint64_t built_gen;
	int dirty;                      /* neighbors or ports changed: rebuild */
	uint64_t tsc_hz;
	struct dp_port ports[SHM_MAX_IFC];
	struct dp_neigh *nb;
	struct dp_ping *ping;
	struct dp_punt *punt;
	struct dp_api *api;
	struct dp_esp_ctl *esp;         /* prepared SAs (dp_esp_build.c) */
};

static inline const struct dp_fwd *dp_ctl_fwd(const struct dp_ctl *c)
{
	return atomic_load_explicit(&c->cur, memory_order_acquire);
}

/* CLOCK_MONOTONIC in ns (the clock of shm_lneigh.updated_ns). */
uint64_t dp_ctl_now_ns(void);

/* dp_tables.c: build a snapshot from the region and the neighbor table
 * when the generation moved or c->dirty is set; publish it and retire the
 * old one. 0 or -errno (the current snapshot stays). */
int dp_tables_update(struct dp_ctl *c, int force);
/* Free retired snapshots whose grace period has ended (all if `all`,
 * after the workers stopped). */
void dp_tables_reclaim(struct dp_ctl *c, int all);
/* At shutdown, workers stopped: free every snapshot. */
void dp_tables_free(struct dp_ctl *c);

#endif

/* Build, publish and retire forwarding snapshots (dp_fwd.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "dp_ctl.h"
#include "dp_esp.h"
#include "dp_fib.h"
#include "dp_neigh.h"
#include "dp_port.h"
#include "log.h"

#define DP_BUILD_TRIES 5

struct build {
	struct dp_fwd *f;
	struct shm_ifc ifc[SHM_MAX_IFC];
	struct dp_fib_route *rt4, *rt6;
	uint32_t n4, n6;
};

static int alen(uint8_t af)
{
	return af == SHM_AF_INET ? 4 : 16;
}

static void mask_prefix(uint8_t *out, const uint8_t *a, uint8_t af, unsigned plen)
{
	int n = alen(af);

	for (int i = 0; i < 16; i++) {
		unsigned bits = plen > (unsigned)i * 8 ? plen - (unsigned)i * 8 : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		out[i] = i < n ? a[i] & m : 0;
	}
}

static void fwd_free(struct dp_fwd *f)
{
	if (!f)
		return;
	dp_fib_unref(f->fib4);
	dp_fib_unref(f->fib6);
	dp_esp_free(f->esp);
	free(f->nh);
	free(f->nh_ip);
	free(f->addr);
	free(f->nbr4);
	free(f->nbr6);
	free(f);
}

static void add_route(struct build *b, uint8_t af, const uint8_t *prefix, uint8_t plen, uint32_t nh)
{
	struct dp_fib_route *r = af == SHM_AF_INET ? &b->rt4[b->n4++] : &b->rt6[b->n6++];

	mask_prefix(r->prefix, prefix, af, plen);
	r->plen = plen;
	r->nh = nh;
}

/* Interfaces: the region's records, their ports, their addresses. */
static void build_ifcs(struct dp_ctl *c, struct build *b)
{
	struct dp_fwd *f = b->f;

	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct shm_ifc *r = &b->ifc[i];
		struct dp_ifc *d = &f->ifc[i];

		d->port = DP_NO_PORT;
		d->addr_ifc = (uint16_t)i;
		d->spd_id = UINT32_MAX;
		/* A port whose record went away stays open, unused (the API
		 * has no port delete). */
		if (!shm_rec_read(shm_rec(c->r, SHM_T_IFC, i), r, sizeof(*r)))
			continue;
		d->in_use = 1;
		d->kind = r->kind;
		d->up = r->admin_up;
		if (r->has_spd)
			d->spd_id = r->spd_id;
		d->mtu = (uint16_t)(r->mtu ? r->mtu : 1500);
		memcpy(d->name, r->name, SHM_NAME_MAX);
		d->name[SHM_NAME_MAX - 1] = 0;
		if (r->unnumbered >= 0 && r->unnumbered < SHM_MAX_IFC)
			d->addr_ifc = (uint16_t)r->unnumbered;
		if (r->kind == SHM_IFC_PORT) {
			if (dp_port_ensure(c, i, r) == 0) {
				d->port = c->ports[i].port_id;
				memcpy(d->mac, c->ports[i].mac, 6);
			}
		} else {
			dp_port_write_rt(c, i, UINT16_MAX, r->has_mac ? r->mac : NULL, r->admin_up);
		}
	}
	for (uint32_t i = 0; i < SHM_MAX_ADDR; i++) {
		struct shm_addr a;
		struct dp_addr *d;
		if (!shm_rec_read(shm_rec(c->r, SHM_T_ADDR, i), &a, sizeof(a)) || a.ifc < 0 ||
		    a.ifc >= SHM_MAX_IFC || !f->ifc[a.ifc].in_use || (a.af != SHM_AF_INET && a.af != SHM_AF_INET6))
			continue;
		d = &f->addr[f->n_addr++];
		d->ifc = (uint16_t)a.ifc;
		d->af = a.af;
		d->plen = a.plen;
		memcpy(d->a, a.addr, 16);
	}
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct dp_ifc *d = &f->ifc[i];
		if (!d->in_use)
			continue;
		if (!f->ifc[d->addr_ifc].in_use)
			d->addr_ifc = (uint16_t)i;
		d->has4 = dp_ctl_src_addr(f, (uint16_t)i, SHM_AF_INET, NULL, d->a4) == 0;
		d->has6 = dp_ctl_src_addr(f, (uint16_t)i, SHM_AF_INET6, NULL, d->a6) == 0;
	}
}

/* The egress interface of a route through the FIB: the longest connected
 * prefix (or interface route) that covers via. */
static int resolve_via(const struct build *b, uint8_t af, const uint8_t *via)
{
	const struct dp_fwd *f = b->f;
	int best = -1, best_len = -1;
	uint8_t x[16], y[16];

	for (uint32_t i = 0; i < f->n_addr; i++) {
		const struct dp_addr *a = &f->addr[i];
		if (a->af != af || (int)a->plen <= best_len)
			continue;
		mask_prefix(x, a->a, af, a->plen);
		mask_prefix(y, via, af, a->plen);
		if (memcmp(x, y, 16) == 0) {
			best = a->ifc;
			best_len = a->plen;
		}
	}
	return best;
}

static void nh_set(struct dp_ctl *c, struct build *b, uint32_t id, int ifc, uint8_t af, const uint8_t *via)
{
	struct dp_fwd *f = b->f;
	struct dp_nh *nh = &f->nh[id];
	const struct dp_ifc *d;

	nh->af = af;
	if (ifc < 0 || ifc >= SHM_MAX_IFC || !f->ifc[ifc].in_use) {
		nh->type = DP_NH_DROP;
		return;
	}
	d = &f->ifc[ifc];
	nh->ifc = (uint16_t)ifc;
	nh->port = d->port;
	nh->mtu = d->mtu;
	if (d->kind == SHM_IFC_IPSEC) {
		nh->type = DP_NH_TUNNEL;
	} else if (d->kind == SHM_IFC_LOOPBACK) {
		nh->type = DP_NH_BLACKHOLE;
	} else if (!d->up || d->port == DP_NO_PORT) {
		nh->type = DP_NH_IFC_DOWN;
	} else if (via) {
		const uint8_t *mac;
		nh->type = DP_NH_VIA;
		memcpy(f->nh_ip[id], via, alen(af));
		if ((mac = dp_neigh_mac(c, (uint16_t)ifc, af, via))) {
			memcpy(nh->eth, mac, 6);
			memcpy(nh->eth + 6, d->mac, 6);
			nh->resolved = 1;
		}
	} else {
		nh->type = DP_NH_ATTACHED;
	}
	nh->spd = d->spd >= 0 && (nh->type == DP_NH_VIA || nh->type == DP_NH_ATTACHED || nh->type == DP_NH_BLACKHOLE);
	nh->fast = nh->type == DP_NH_VIA && nh->resolved && !nh->spd;
	nh->fast_mtu = nh->fast ? nh->mtu : 0;
	nh->ipsec_mtu = nh->type == DP_NH_TUNNEL || nh->spd ? nh->mtu : 0;
}

static void build_routes(struct dp_ctl *c, struct build *b)
{
	struct dp_fwd *f = b->f;

	for (uint32_t i = 0; i < SHM_MAX_ROUTE; i++) {
		struct shm_route r;
		int ifc;
		if (!shm_rec_read(shm_rec(c->r, SHM_T_ROUTE, i), &r, sizeof(r)) ||
		    (r.af != SHM_AF_INET && r.af != SHM_AF_INET6) || r.plen > (r.af == SHM_AF_INET ? 32 : 128))
			continue;
		ifc = r.ifc >= 0 ? r.ifc : (r.has_via ? resolve_via(b, r.af, r.via) : -1);
		nh_set(c, b, DP_NH_ID_ROUTE(i), ifc, r.af, r.has_via ? r.via : NULL);
		add_route(b, r.af, r.prefix, r.plen, DP_NH_ID_ROUTE(i));
	}
	/* Connected prefixes, then our addresses: for the same prefix the
	 * later entry wins in the FIB. */
	for (uint32_t i = 0; i < f->n_addr; i++) {
		const struct dp_addr *a = &f->addr[i];
		nh_set(c, b, DP_NH_ID_CONNECTED(i), a->ifc, a->af, NULL);
		add_route(b, a->af, a->a, a->plen, DP_NH_ID_CONNECTED(i));
	}
	for (uint32_t i = 0; i < f->n_addr; i++) {
		const struct dp_addr *a = &f->addr[i];
		struct dp_nh *nh = &f->nh[DP_NH_ID_LOCAL(i)];
		nh->type = DP_NH_LOCAL;
		nh->af = a->af;
		nh->ifc = a->ifc;
		nh->port = DP_NO_PORT;
		add_route(b, a->af, a->a, a->af == SHM_AF_INET ? 32 : 128, DP_NH_ID_LOCAL(i));
	}
}

/* Reuse the current FIB if it was built from the same routes. */
static struct dp_fib *fib_get(struct dp_fib *cur, uint8_t af, const struct dp_fib_route *r, uint32_t n)
{
	uint64_t fp = dp_fib_fingerprint(af, r, n);
	char err[128];
	struct dp_fib *f;

	if (cur && cur->fp == fp) {
		dp_fib_ref(cur);
		return cur;
	}
	if (!(f = dp_fib_build(af, r, n, fp, err, sizeof(err))))
		gw_err("fib ipv%u: %s", af, err);
	return f;
}

static void build_rxq(struct dp_ctl *c, struct dp_fwd *f)
{
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		f->port_ifc[p] = DP_NO_IFC;
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		const struct dp_port *p = &c->ports[i];
		if (!f->ifc[i].in_use || f->ifc[i].port == DP_NO_PORT)
			continue;
		f->port_ifc[p->port_id] = (uint16_t)i;
		f->nb_txq[p->port_id] = p->nb_txq;
		f->txr[p->port_id] = p->txr;
		if (p->txr)
			f->txr_mask |= 1u << p->port_id;
		for (uint16_t q = 0; q < p->nb_rxq && q < c->n_pollers; q++) {
			if (f->n_rxq[q] == DP_MAX_RXQ)
				continue;
			f->rxq[q][f->n_rxq[q]++] = (struct dp_rxq){ .port = p->port_id, .queue = q, .ifc = (uint16_t)i };
		}
	}
}

static struct dp_fwd *build(struct dp_ctl *c, uint64_t gen)
{
	const struct dp_fwd *cur = dp_ctl_fwd(c);
	struct build *b = calloc(1, sizeof(*b));
	struct dp_fwd *f = calloc(1, sizeof(*f));
	uint32_t max_rt = SHM_MAX_ROUTE + 2 * SHM_MAX_ADDR;

	if (!b || !f)
		goto fail;
	b->f = f;
	f->gen = gen;
	f->nh = calloc(DP_NH_N, sizeof(*f->nh));
	f->nh_ip = calloc(DP_NH_N, sizeof(*f->nh_ip));
	f->addr = calloc(SHM_MAX_ADDR, sizeof(*f->addr));
	b->rt4 = calloc(max_rt, sizeof(*b->rt4));
	b->rt6 = calloc(max_rt, sizeof(*b->rt6));
	if (!f->nh || !f->nh_ip || !f->addr || !b->rt4 || !b->rt6)
		goto fail;
	build_ifcs(c, b);
	if (dp_esp_build(c, f, cur) < 0)
		goto fail;
	dp_neigh_sync(c, f);
	build_routes(c, b);
	if (!(f->fib4 = fib_get(cur ? cur->fib4 : NULL, SHM_AF_INET, b->rt4, b->n4)) ||
	    !(f->fib6 = fib_get(cur ? cur->fib6 : NULL, SHM_AF_INET6, b->rt6, b->n6)))
		goto fail;
	if (dp_neigh_fill(c, f) < 0)
		goto fail;
	dp_esp_finish(f);
	build_rxq(c, f);
	free(b->rt4);
	free(b->rt6);
	free(b);
	return f;

fail:
	if (b) {
		free(b->rt4);
		free(b->rt6);
	}
	free(b);
	fwd_free(f);
	return NULL;
}

static void retire(struct dp_ctl *c, struct dp_fwd *old)
{
	if (!old)
		return;
	if (c->n_workers == 0) {
		fwd_free(old); /* the only reader is this thread */
		return;
	}
	if (c->n_retired == DP_RETIRED_MAX) {
		rte_rcu_qsbr_synchronize(c->qsbr, RTE_QSBR_THRID_INVALID);
		dp_tables_reclaim(c, 1);
	}
	c->retired[c->n_retired].f = old;
	c->retired[c->n_retired].token = rte_rcu_qsbr_start(c->qsbr);
	c->n_retired++;
}

void dp_tables_reclaim(struct dp_ctl *c, int all)
{
	unsigned k = 0;

	for (unsigned i = 0; i < c->n_retired; i++) {
		if (all || rte_rcu_qsbr_check(c->qsbr, c->retired[i].token, false) == 1)
			fwd_free(c->retired[i].f);
		else
			c->retired[k++] = c->retired[i];
	}
	c->n_retired = k;
}

void dp_tables_free(struct dp_ctl *c)
{
	dp_tables_reclaim(c, 1);
	fwd_free(atomic_exchange(&c->cur, NULL));
}

int dp_tables_update(struct dp_ctl *c, int force)
{
	uint64_t gen = atomic_load(&c->r->hdr->generation);
	struct dp_fwd *f = NULL;

	if (!force && !c->dirty && gen == c->built_gen)
		return 0;
	for (int t = 0;; t++) {
		if (!(f = build(c, gen)))
			return -ENOMEM;
		uint64_t now = atomic_load(&c->r->hdr->generation);
		if (now == gen)
			break;
		/* A change landed while we read: read again, a few times. Under
		 * a stream of changes, publish anyway: every record was read
		 * consistently (seqlock), the snapshot only mixes two
		 * generations, and it claims the older one, so the next tick
		 * builds again. Never publishing would stall forever. */
		if (t + 1 == DP_BUILD_TRIES)
			break;
		fwd_free(f);
		f = NULL;
		gen = now;
	}
	c->dirty = 0;
	retire(c, atomic_exchange_explicit(&c->cur, f, memory_order_acq_rel));
	if (gen != c->built_gen)
		gw_debug("snapshot for generation %llu: %u ipv4 / %u ipv6 routes", (unsigned long long)gen,
			 f->fib4->n_routes, f->fib6->n_routes);
	c->built_gen = gen;
	atomic_store(&c->r->hdr->procs[SHM_PROC_DATAPLANE].applied_gen, gen);
	return 0;
}

/* Dumps and snapshots: the region read back into Reply details.
 *
 * A reply carries at most CFG_DUMP_BUDGET bytes of details so that it
 * always fits GW_MAX_MSG; a longer dump sets Reply.next_cursor and the
 * client repeats the request with that cursor. Secrets (SA keys and salts,
 * IKE shared keys) are included only when the request asks with_keys.
 * Interfaces, routes, neighbors and error counters are here; SAs, SPDs,
 * tunnels and IKEv2 profiles in cfg_dump_ipsec.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_priv.h"
#include "log.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define CUR_SEC(c) ((c) >> 24)
#define CUR_POS(c) ((c) & 0xffffffu)

#define DUMP_ROUTE_CONNECTED SHM_MAX_ROUTE   /* route positions: configured, then connected */
#define DUMP_NEIGH_LEARNED SHM_MAX_NEIGH     /* neighbor positions: static, then learned */

void *cfg_dump_grow(void *arr, size_t n, size_t elem)
{
	if (n == 0 || (n & (n - 1)) == 0) { /* full at 0, 1, 2, 4, 8, ... */
		arr = realloc(arr, (n ? 2 * n : 1) * elem);
		if (!arr) {
			gw_err("out of memory");
			abort();
		}
	}
	return arr;
}

int cfg_dump_fits(struct cfg_dump *d, size_t sz, unsigned sec, uint32_t pos)
{
	sz += 8; /* tag and length of the embedded message */
	if (d->items && d->used + sz > CFG_DUMP_BUDGET) {
		d->more = 1;
		d->rep->has_next_cursor = 1;
		d->rep->next_cursor = CFG_DUMP_CURSOR(sec, pos);
		return 0;
	}
	d->used += sz;
	d->items++;
	return 1;
}

int cfg_dump_rt_read(const _Atomic uint32_t *seq, const void *src, void *dst, size_t n)
{
	for (int tries = 0; tries < 10000; tries++) {
		uint32_t s1 = atomic_load_explicit(seq, memory_order_acquire);
		if (s1 & 1) {
			__builtin_ia32_pause();
			continue;
		}
		memcpy(dst, src, n);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(seq, memory_order_relaxed) == s1)
			return 0;
	}
	memset(dst, 0, n);
	return -1;
}

static Ipsecgw__V1__Prefix *dump_prefix(int af, const uint8_t *a, unsigned plen)
{
	Ipsecgw__V1__Prefix *p = cfg_reply_calloc(1, sizeof(*p));

	ipsecgw__v1__prefix__init(p);
	cfg_reply_bytes(&p->addr, a, (size_t)cfg_valid_addr_len(af));
	p->len = plen;
	return p;
}

static const char *dump_ifc_name(const struct cfg *c, int32_t i)
{
	if (i < 0 || i >= SHM_MAX_IFC || !cfg_in_use(c, SHM_T_IFC, (uint32_t)i))
		return NULL;
	return ((const struct shm_ifc *)cfg_rec(c, SHM_T_IFC, (uint32_t)i))->name;
}

static char *dump_name(const char *s, size_t max)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)(max < sizeof(buf) ? max : sizeof(buf) - 1), s);
	return cfg_reply_strdup(buf);
}

static Ipsecgw__V1__Counter *dump_counter(uint64_t packets, uint64_t bytes)
{
	Ipsecgw__V1__Counter *k = cfg_reply_calloc(1, sizeof(*k));

	ipsecgw__v1__counter__init(k);
	k->packets = packets;
	k->bytes = bytes;
	return k;
}

static Ipsecgw__V1__InterfaceDetails *dump_ifc_one(struct cfg_dump *d, uint32_t i)
{
	static const uint8_t zero[6];
	const struct shm_ifc *f = cfg_rec(d->c, SHM_T_IFC, i);
	Ipsecgw__V1__InterfaceDetails *x = cfg_reply_calloc(1, sizeof(*x));
	struct shm_ifc_counters k;
	struct shm_ifc_rt rt;
	const char *u;

	ipsecgw__v1__interface_details__init(x);
	x->name = dump_name(f->name, SHM_NAME_MAX);
	x->index = i;
	x->kind = (Ipsecgw__V1__InterfaceKind)f->kind;
	x->admin_up = f->admin_up != 0;
	x->has_mtu = 1;
	x->mtu = f->mtu;
	for (uint32_t a = 0; a < SHM_MAX_ADDR; a++) {
		const struct shm_addr *ad = cfg_rec(d->c, SHM_T_ADDR, a);
		if (ad->h.in_use && ad->ifc == (int32_t)i)
			CFG_DUMP_PUSH(x->addresses, x->n_addresses, dump_prefix(ad->af, ad->addr, ad->plen));
	}
	if ((u = dump_ifc_name(d->c, f->unnumbered)))
		x->unnumbered_use = dump_name(u, SHM_NAME_MAX);
	if (f->has_spd) {
		x->has_spd_id = 1;
		x->spd_id = f->spd_id;
	}
	if (f->kind == SHM_IFC_PORT)
		x->devargs = dump_name(f->devargs, SHM_DEVARGS_MAX);
	const struct shm_ifc_rt *src = cfg_rec(d->c, SHM_T_IFC_RT, i);
	cfg_dump_rt_read(&src->seq, src, &rt, sizeof(rt));
	x->has_link_up = 1;
	x->link_up = rt.link_up != 0;
	if (memcmp(rt.mac, zero, 6) != 0) {
		x->has_mac = 1;
		cfg_reply_bytes(&x->mac, rt.mac, 6);
	} else if (f->has_mac) {
		x->has_mac = 1;
		cfg_reply_bytes(&x->mac, f->mac, 6);
	}
	shm_sum_ifc(d->c->r, i, &k);
	x->rx = dump_counter(k.rx_packets, k.rx_bytes);
	x->tx = dump_counter(k.tx_packets, k.tx_bytes);
	x->has_drops = 1;
	x->drops = k.drops;
	x->has_punts = 1;
	x->punts = k.punts;
	return x;
}

static void dump_interfaces(struct cfg_dump *d, uint32_t pos)
{
	cfg_reply *rep = d->rep;

	for (uint32_t i = pos; i < SHM_MAX_IFC; i++) {
		if (!cfg_in_use(d->c, SHM_T_IFC, i))
			continue;
		Ipsecgw__V1__InterfaceDetails *x = dump_ifc_one(d, i);
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_IFC, i)) {
			ipsecgw__v1__interface_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(rep->interfaces, rep->n_interfaces, x);
	}
}

static Ipsecgw__V1__RouteDetails *dump_route_one(struct cfg_dump *d, uint32_t pos)
{
	Ipsecgw__V1__RouteDetails *x = cfg_reply_calloc(1, sizeof(*x));
	uint8_t net[16];
	const char *ifn;

	ipsecgw__v1__route_details__init(x);
	if (pos < DUMP_ROUTE_CONNECTED) {
		const struct shm_route *r = cfg_rec(d->c, SHM_T_ROUTE, pos);
		x->prefix = dump_prefix(r->af, r->prefix, r->plen);
		if (r->has_via) {
			x->has_via = 1;
			cfg_reply_bytes(&x->via, r->via, (size_t)cfg_valid_addr_len(r->af));
		}
		ifn = dump_ifc_name(d->c, r->ifc);
	} else {
		const struct shm_addr *a = cfg_rec(d->c, SHM_T_ADDR, pos - DUMP_ROUTE_CONNECTED);
		cfg_valid_mask(net, a->addr, a->af, a->plen);
		x->prefix = dump_prefix(a->af, net, a->plen);
		x->has_connected = 1;
		x->connected = 1;
		ifn = dump_ifc_name(d->c, a->ifc);
	}
	if (ifn)
		x->interface = dump_name(ifn, SHM_NAME_MAX);
	return x;
}

static void dump_routes(struct cfg_dump *d, uint32_t pos)
{
	cfg_reply *rep = d->rep;

	for (uint32_t p = pos; p < DUMP_ROUTE_CONNECTED + SHM_MAX_ADDR; p++) {
		if (p < DUMP_ROUTE_CONNECTED ? !cfg_in_use(d->c, SHM_T_ROUTE, p)
					     : !cfg_in_use(d->c, SHM_T_ADDR, p - DUMP_ROUTE_CONNECTED))
			continue;
		Ipsecgw__V1__RouteDetails *x = dump_route_one(d, p);
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_ROUTE, p)) {
			ipsecgw__v1__route_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(rep->routes, rep->n_routes, x);
	}
}

static uint64_t dump_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static Ipsecgw__V1__NeighborDetails *dump_neigh_one(struct cfg_dump *d, uint32_t pos)
{
	Ipsecgw__V1__NeighborDetails *x;
	struct shm_lneigh ln;
	const char *ifn;

	if (pos < DUMP_NEIGH_LEARNED) {
		const struct shm_neigh *n = cfg_rec(d->c, SHM_T_NEIGH, pos);
		if (!n->h.in_use)
			return NULL;
		memset(&ln, 0, sizeof(ln));
		ln.ifc = n->ifc;
		ln.af = n->af;
		memcpy(ln.mac, n->mac, 6);
		memcpy(ln.ip, n->ip, 16);
	} else {
		const struct shm_lneigh *src = cfg_rec(d->c, SHM_T_LNEIGH, pos - DUMP_NEIGH_LEARNED);
		if (cfg_dump_rt_read(&src->h.seq, src, &ln, sizeof(ln)) < 0 || !ln.h.in_use ||
		    (ln.af != SHM_AF_INET && ln.af != SHM_AF_INET6))
			return NULL;
	}
	if (!(ifn = dump_ifc_name(d->c, ln.ifc)))
		return NULL;
	x = cfg_reply_calloc(1, sizeof(*x));
	ipsecgw__v1__neighbor_details__init(x);
	x->interface = dump_name(ifn, SHM_NAME_MAX);
	cfg_reply_bytes(&x->ip, ln.ip, (size_t)cfg_valid_addr_len(ln.af));
	cfg_reply_bytes(&x->mac, ln.mac, 6);
	x->is_static = pos < DUMP_NEIGH_LEARNED;
	if (!x->is_static) {
		uint64_t now = dump_mono_ns();
		x->has_age_s = 1;
		x->age_s = now > ln.updated_ns ? (uint32_t)((now - ln.updated_ns) / 1000000000u) : 0;
	}
	return x;
}

static void dump_neighbors(struct cfg_dump *d, uint32_t pos)
{
	cfg_reply *rep = d->rep;

	for (uint32_t p = pos; p < DUMP_NEIGH_LEARNED + SHM_MAX_LNEIGH; p++) {
		Ipsecgw__V1__NeighborDetails *x = dump_neigh_one(d, p);
		if (!x)
			continue;
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_NEIGH, p)) {
			ipsecgw__v1__neighbor_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(rep->neighbors, rep->n_neighbors, x);
	}
}

/* show error: every drop reason, zero or not. */
static void dump_errors(struct cfg_dump *d, uint32_t pos)
{
	cfg_reply *rep = d->rep;

	for (uint32_t k = pos; k < SHM_DROP_N; k++) {
		Ipsecgw__V1__ErrorCounter *x = cfg_reply_calloc(1, sizeof(*x));
		ipsecgw__v1__error_counter__init(x);
		x->node = cfg_reply_strdup("ipsecgw");
		x->reason = cfg_reply_strdup(shm_drop_text((enum shm_drop)k));
		x->count = shm_sum_drop(d->c->r, (enum shm_drop)k);
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_ERRORS, k)) {
			ipsecgw__v1__error_counter__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(rep->errors, rep->n_errors, x);
	}
}

typedef void (*dump_fn)(struct cfg_dump *d, uint32_t pos);

static const dump_fn dump_sections[CFG_DUMP_N] = {
	[CFG_DUMP_IFC] = dump_interfaces,
	[CFG_DUMP_ROUTE] = dump_routes,
	[CFG_DUMP_NEIGH] = dump_neighbors,
	[CFG_DUMP_SA] = cfg_dump_ipsec_sas,
	[CFG_DUMP_SPD] = cfg_dump_ipsec_spds,
	[CFG_DUMP_TUNNEL] = cfg_dump_ipsec_tunnels,
	[CFG_DUMP_PROFILE] = cfg_dump_ipsec_profiles,
	[CFG_DUMP_ERRORS] = dump_errors,
};

/* Sections [first, last] from cursor (or the start of first). */
static void dump_run(struct cfg *c, cfg_reply *rep, unsigned first, unsigned last, int has_cursor,
		     uint32_t cursor, int with_keys, int has_id, uint32_t id)
{
	struct cfg_dump d = { .c = c, .rep = rep, .with_keys = with_keys, .has_id = has_id, .id = id };
	unsigned sec = has_cursor ? CUR_SEC(cursor) : first;
	uint32_t pos = has_cursor ? CUR_POS(cursor) : 0;
	const struct shm_global *g = cfg_rec(c, SHM_T_GLOBAL, 0);

	if (sec < first || sec > last) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "cursor",
			       "%u is not a cursor of this dump; send the next_cursor of its last reply",
			       cursor);
		return;
	}
	if (first <= CFG_DUMP_PROFILE && last >= CFG_DUMP_PROFILE && g->h.in_use && g->ikev2_local_key[0])
		rep->local_key_file = dump_name(g->ikev2_local_key, SHM_PATH_MAX);
	for (; sec <= last && !d.more; sec++, pos = 0)
		dump_sections[sec](&d, pos);
}

void cfg_dump_request(struct cfg *c, const Ipsecgw__V1__Dump *m, cfg_reply *rep)
{
	static const int8_t sec_of[] = {
		[IPSECGW__V1__DUMP__WHAT__INTERFACES] = CFG_DUMP_IFC,
		[IPSECGW__V1__DUMP__WHAT__ROUTES] = CFG_DUMP_ROUTE,
		[IPSECGW__V1__DUMP__WHAT__NEIGHBORS] = CFG_DUMP_NEIGH,
		[IPSECGW__V1__DUMP__WHAT__SAS] = CFG_DUMP_SA,
		[IPSECGW__V1__DUMP__WHAT__SPDS] = CFG_DUMP_SPD,
		[IPSECGW__V1__DUMP__WHAT__TUNNELS] = CFG_DUMP_TUNNEL,
		[IPSECGW__V1__DUMP__WHAT__IKEV2_PROFILES] = CFG_DUMP_PROFILE,
		[IPSECGW__V1__DUMP__WHAT__ERRORS] = CFG_DUMP_ERRORS,
		[IPSECGW__V1__DUMP__WHAT__ALL] = -1,
	};
	unsigned w = (unsigned)m->what;
	int has_id = m->has_id && (w == IPSECGW__V1__DUMP__WHAT__SAS || w == IPSECGW__V1__DUMP__WHAT__SPDS);

	if (w == IPSECGW__V1__DUMP__WHAT__CRYPTO_ENGINES) {
		cfg_engine_dump(c, m, rep);
		return;
	}
	if (w >= sizeof(sec_of) / sizeof(sec_of[0])) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "what", "unknown value %d", (int)m->what);
		return;
	}
	if (has_id && w == IPSECGW__V1__DUMP__WHAT__SAS && cfg_index_sa(c, m->id) == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "id", "no SA %u", m->id);
		return;
	}
	if (has_id && w == IPSECGW__V1__DUMP__WHAT__SPDS && cfg_index_spd(c, m->id) == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "id", "no SPD %u", m->id);
		return;
	}
	if (sec_of[w] < 0)
		dump_run(c, rep, 0, CFG_DUMP_N - 1, m->has_cursor, m->cursor, m->with_keys, 0, 0);
	else
		dump_run(c, rep, (unsigned)sec_of[w], (unsigned)sec_of[w], m->has_cursor, m->cursor,
			 m->with_keys, has_id, m->id);
}

/* A full dump (no secrets) for a late subscriber. The reply's event_seq
 * (set on every reply by cfg_dispatch) is the last event this state
 * reflects: the subscriber drops events with seq <= event_seq. */
void cfg_dump_snapshot(struct cfg *c, const Ipsecgw__V1__SnapshotRequest *m, cfg_reply *rep)
{
	dump_run(c, rep, 0, CFG_DUMP_N - 1, m->has_cursor, m->cursor, 0, 0, 0);
}

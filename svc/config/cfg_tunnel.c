/* IPsec tunnel interfaces (ipsecN): create, delete, protect.
 *
 * A tunnel is two records, committed together: its interface (kind IPSEC,
 * named ipsecN) and its tunnel record (which SAs protect it). */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

void cfg_tunnel_create(struct cfg *c, const Ipsecgw__V1__TunnelCreate *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_tunnel *t;
	char name[SHM_NAME_MAX];
	uint32_t fi, ti, n;

	if (m->has_instance) {
		n = m->instance;
		snprintf(name, sizeof(name), "ipsec%u", n);
		if (cfg_ifc_find(c, name) >= 0) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "instance", "%s already exists", name);
			return;
		}
	} else {
		n = cfg_ifc_free_instance(c, "ipsec");
		snprintf(name, sizeof(name), "ipsec%u", n);
	}
	if ((fi = cfg_index_free(c, SHM_T_IFC)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "instance", "the interface table is full (%d)",
			       SHM_MAX_IFC);
		return;
	}
	if ((ti = cfg_index_free(c, SHM_T_TUNNEL)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "instance", "the tunnel table is full (%d)",
			       SHM_MAX_TUNNEL);
		return;
	}
	cfg_change_begin(c, &ch);
	cfg_ifc_init_rec(cfg_change_new(&ch, SHM_T_IFC, fi), name, SHM_IFC_IPSEC, n);
	t = cfg_change_new(&ch, SHM_T_TUNNEL, ti);
	t->instance = n;
	t->ifc = (int32_t)fi;
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(TUNNEL), "%s", name);
	rep->created_name = cfg_reply_strdup(name);
}

/* The tunnel record of interface fi, or CFG_NONE. */
static uint32_t tunnel_of(const struct cfg *c, int32_t fi)
{
	for (uint32_t k = 0; k < SHM_MAX_TUNNEL; k++) {
		const struct shm_tunnel *t = cfg_rec(c, SHM_T_TUNNEL, k);
		if (t->h.in_use && t->ifc == fi)
			return k;
	}
	return CFG_NONE;
}

/* name -> (interface, tunnel) or -1 with rep failed. */
static int tunnel_lookup(const struct cfg *c, cfg_reply *rep, const char *name, int32_t *fi,
			 uint32_t *ti)
{
	const struct shm_ifc *f;

	if ((*fi = cfg_ifc_lookup(c, rep, "name", name)) < 0)
		return -1;
	f = cfg_rec(c, SHM_T_IFC, (uint32_t)*fi);
	if (f->kind != SHM_IFC_IPSEC)
		return cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name",
				      "%s is not an IPsec tunnel interface", name);
	if ((*ti = tunnel_of(c, *fi)) == CFG_NONE)
		return cfg_reply_fail(rep, E(INTERNAL), "name", "%s has no tunnel record", name);
	return 0;
}

/* One commit deleting record k of table t (event: what). */
static void unlink_rec(struct cfg *c, enum shm_table t, uint32_t k, Ipsecgw__V1__Event__Object obj, const char *what)
{
	cfg_reply *r = cfg_reply_new();
	struct cfg_change ch;

	cfg_change_begin(c, &ch);
	cfg_change_delete(&ch, t, k);
	cfg_change_commit(c, &ch, r, EV(DELETED), obj, "%s", what);
	cfg_reply_free(r);
}

/* Remove what goes through interface fi (TunnelDelete with cascade): every
 * removal its own commit and event, so a crash halfway leaves a consistent
 * region with some of them gone. */
static void tunnel_unlink(struct cfg *c, int32_t fi)
{
	char a[64], what[80];

	for (uint32_t k = 0; k < SHM_MAX_ROUTE; k++) {
		const struct shm_route *x = cfg_rec(c, SHM_T_ROUTE, k);
		if (x->h.in_use && x->ifc == fi) {
			snprintf(what, sizeof(what), "%s/%u", cfg_valid_ntop(a, x->af, x->prefix), x->plen);
			unlink_rec(c, SHM_T_ROUTE, k, OBJ(ROUTE), what);
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_ADDR; k++) {
		const struct shm_addr *x = cfg_rec(c, SHM_T_ADDR, k);
		if (x->h.in_use && x->ifc == fi) {
			snprintf(what, sizeof(what), "%s/%u", cfg_valid_ntop(a, x->af, x->addr), x->plen);
			unlink_rec(c, SHM_T_ADDR, k, OBJ(ADDRESS), what);
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_NEIGH; k++) {
		const struct shm_neigh *x = cfg_rec(c, SHM_T_NEIGH, k);
		if (x->h.in_use && x->ifc == fi)
			unlink_rec(c, SHM_T_NEIGH, k, OBJ(NEIGHBOR), cfg_valid_ntop(a, x->af, x->ip));
	}
	for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
		const struct shm_ifc *x = cfg_rec(c, SHM_T_IFC, k);
		if (x->h.in_use && (int32_t)k != fi && x->unnumbered == fi) {
			cfg_reply *r = cfg_reply_new();
			struct cfg_change ch;
			struct shm_ifc *f;
			cfg_change_begin(c, &ch);
			f = cfg_change_stage(&ch, SHM_T_IFC, k);
			f->unnumbered = -1;
			cfg_change_commit(c, &ch, r, EV(CHANGED), OBJ(INTERFACE), "%.31s", f->name);
			cfg_reply_free(r);
		}
	}
}

void cfg_tunnel_delete(struct cfg *c, const Ipsecgw__V1__TunnelDelete *m, cfg_reply *rep)
{
	struct cfg_change ch;
	char why[160];
	uint32_t ti;
	int32_t fi;

	if (tunnel_lookup(c, rep, m->name, &fi, &ti) < 0)
		return;
	if (m->has_cascade && m->cascade)
		tunnel_unlink(c, fi);
	if (*cfg_ifc_refs(c, (uint32_t)fi, why, sizeof(why))) {
		cfg_reply_fail(rep, E(IN_USE), "name", "%s is in use: %s", m->name, why);
		return;
	}
	/* Its protection goes with it: the SAs stay, unreferenced. */
	cfg_change_begin(c, &ch);
	cfg_change_delete(&ch, SHM_T_TUNNEL, ti);
	cfg_change_delete(&ch, SHM_T_IFC, (uint32_t)fi);
	cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(TUNNEL), "%s", m->name);
}

void cfg_tunnel_protect(struct cfg *c, const Ipsecgw__V1__TunnelProtect *m, cfg_reply *rep)
{
	const struct shm_tunnel *cur;
	struct cfg_change ch;
	struct shm_tunnel *t;
	uint32_t ti;
	int32_t fi;

	if (tunnel_lookup(c, rep, m->name, &fi, &ti) < 0)
		return;
	cur = cfg_rec(c, SHM_T_TUNNEL, ti);
	if (m->is_del) {
		if (!cur->has_sa_out && !cur->n_sa_in) {
			cfg_reply_fail(rep, E(NOT_FOUND), "name", "%s is not protected", m->name);
			return;
		}
		cfg_change_begin(c, &ch);
		t = cfg_change_stage(&ch, SHM_T_TUNNEL, ti);
		t->has_sa_out = 0;
		t->sa_out = 0;
		t->n_sa_in = 0;
		memset(t->sa_in, 0, sizeof(t->sa_in));
		cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(TUNNEL), "%s", m->name);
		return;
	}
	if (!m->has_sa_out && m->n_sa_in == 0) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_out", "give sa_out, sa_in or both");
		return;
	}
	if (m->n_sa_in > SHM_MAX_SA_IN) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_in", "at most %d inbound SAs, got %zu",
			       SHM_MAX_SA_IN, m->n_sa_in);
		return;
	}
	if (m->has_sa_out && cfg_index_sa(c, m->sa_out) == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "sa_out", "no SA %u", m->sa_out);
		return;
	}
	for (size_t k = 0; k < m->n_sa_in; k++) {
		if (cfg_index_sa(c, m->sa_in[k]) == CFG_NONE) {
			cfg_reply_fail(rep, E(NOT_FOUND), "sa_in", "no SA %u", m->sa_in[k]);
			return;
		}
		if (m->has_sa_out && m->sa_in[k] == m->sa_out) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_in", "SA %u is also sa_out", m->sa_out);
			return;
		}
		for (size_t j = 0; j < k; j++)
			if (m->sa_in[j] == m->sa_in[k]) {
				cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_in", "SA %u is listed twice",
					       m->sa_in[k]);
				return;
			}
	}
	/* The new protection replaces the old one as a whole. */
	cfg_change_begin(c, &ch);
	t = cfg_change_stage(&ch, SHM_T_TUNNEL, ti);
	t->has_sa_out = m->has_sa_out ? 1 : 0;
	t->sa_out = m->has_sa_out ? m->sa_out : 0;
	t->n_sa_in = (uint8_t)m->n_sa_in;
	memset(t->sa_in, 0, sizeof(t->sa_in));
	for (size_t k = 0; k < m->n_sa_in; k++)
		t->sa_in[k] = m->sa_in[k];
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(TUNNEL), "%s", m->name);
}

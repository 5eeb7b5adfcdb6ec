/* In-memory indices over the region: id -> record index maps, reference
 * counts and free-record hints. They hold nothing the region does not: they
 * are rebuilt from it at start (cfg_index_build) and kept in step after
 * every commit (cfg_index_update). */
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"
#include "log.h"

static uint32_t cfg_index_mix(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	k *= 0x846ca68bu;
	k ^= k >> 16;
	return k;
}

static int cfg_index_map_init(struct cfg_map *m, uint32_t max)
{
	uint32_t size = 16;

	while (size < 2 * max)
		size <<= 1;
	m->key = calloc(size, sizeof(*m->key));
	m->val = malloc(size * sizeof(*m->val));
	if (!m->key || !m->val)
		return -1;
	memset(m->val, 0xff, size * sizeof(*m->val));
	m->mask = size - 1;
	return 0;
}

static void cfg_index_map_fini(struct cfg_map *m)
{
	free(m->key);
	free(m->val);
	m->key = m->val = NULL;
}

static void cfg_index_map_put(struct cfg_map *m, uint32_t key, uint32_t val)
{
	uint32_t j = cfg_index_mix(key) & m->mask;

	while (m->val[j] != CFG_NONE)
		j = (j + 1) & m->mask;
	m->key[j] = key;
	m->val[j] = val;
}

static void cfg_index_map_del(struct cfg_map *m, uint32_t key, uint32_t val)
{
	uint32_t i = cfg_index_mix(key) & m->mask, j;

	while (m->val[i] != CFG_NONE && !(m->key[i] == key && m->val[i] == val))
		i = (i + 1) & m->mask;
	if (m->val[i] == CFG_NONE)
		return;
	/* Backward-shift: move later entries of the cluster into the hole when
	 * their home slot does not lie cyclically in (hole, j]. */
	for (j = (i + 1) & m->mask; m->val[j] != CFG_NONE; j = (j + 1) & m->mask) {
		uint32_t home = cfg_index_mix(m->key[j]) & m->mask;
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->key[i] = m->key[j];
			m->val[i] = m->val[j];
			i = j;
		}
	}
	m->val[i] = CFG_NONE;
}

/* Visit every value stored under key; stop when fn returns nonzero and
 * return that value's index, else CFG_NONE. */
static uint32_t cfg_index_map_find(const struct cfg_map *m, uint32_t key,
				   int (*fn)(const struct cfg *, uint32_t, const void *),
				   const struct cfg *c, const void *arg)
{
	for (uint32_t j = cfg_index_mix(key) & m->mask; m->val[j] != CFG_NONE; j = (j + 1) & m->mask)
		if (m->key[j] == key && (!fn || fn(c, m->val[j], arg)))
			return m->val[j];
	return CFG_NONE;
}

int cfg_index_init(struct cfg_index *x)
{
	memset(x, 0, sizeof(*x));
	if (cfg_index_map_init(&x->sa, SHM_MAX_SA) < 0 || cfg_index_map_init(&x->spd, SHM_MAX_SPD) < 0 ||
	    cfg_index_map_init(&x->pol, SHM_MAX_POLICY) < 0 || cfg_index_map_init(&x->ifc, SHM_MAX_IFC) < 0)
		goto fail;
	x->sa_refs = calloc(SHM_MAX_SA, sizeof(*x->sa_refs));
	x->sa_tunnel = malloc(SHM_MAX_SA * sizeof(*x->sa_tunnel));
	x->spd_npol = calloc(SHM_MAX_SPD, sizeof(*x->spd_npol));
	if (!x->sa_refs || !x->spd_npol || !x->sa_tunnel)
		goto fail;
	memset(x->sa_tunnel, 0xff, SHM_MAX_SA * sizeof(*x->sa_tunnel));
	return 0;
fail:
	cfg_index_fini(x);
	return -1;
}

void cfg_index_fini(struct cfg_index *x)
{
	cfg_index_map_fini(&x->sa);
	cfg_index_map_fini(&x->spd);
	cfg_index_map_fini(&x->pol);
	cfg_index_map_fini(&x->ifc);
	free(x->sa_refs);
	free(x->spd_npol);
	free(x->sa_tunnel);
	x->sa_refs = x->spd_npol = x->sa_tunnel = NULL;
}

uint32_t cfg_index_sa(const struct cfg *c, uint32_t sa_id)
{
	return cfg_index_map_find(&c->idx.sa, sa_id, NULL, c, NULL);
}

uint32_t cfg_index_spd(const struct cfg *c, uint32_t spd_id)
{
	return cfg_index_map_find(&c->idx.spd, spd_id, NULL, c, NULL);
}

/* A policy's spec is every byte after the record header. */
#define POLICY_SPEC_OFF sizeof(struct shm_rec_hdr)
#define POLICY_SPEC_LEN (sizeof(struct shm_policy) - POLICY_SPEC_OFF)

uint32_t cfg_index_policy_hash(const struct shm_policy *p)
{
	const uint8_t *b = (const uint8_t *)p + POLICY_SPEC_OFF;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < POLICY_SPEC_LEN; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int cfg_index_policy_eq(const struct cfg *c, uint32_t i, const void *arg)
{
	const uint8_t *rec = cfg_rec(c, SHM_T_POLICY, i);

	return cfg_in_use(c, SHM_T_POLICY, i) &&
	       memcmp(rec + POLICY_SPEC_OFF, (const uint8_t *)arg + POLICY_SPEC_OFF, POLICY_SPEC_LEN) == 0;
}

uint32_t cfg_index_policy(const struct cfg *c, const struct shm_policy *p)
{
	return cfg_index_map_find(&c->idx.pol, cfg_index_policy_hash(p), cfg_index_policy_eq, c, p);
}

uint32_t cfg_index_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < SHM_NAME_MAX && name[i]; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static int cfg_index_ifc_eq(const struct cfg *c, uint32_t i, const void *arg)
{
	const struct shm_ifc *f = cfg_rec(c, SHM_T_IFC, i);

	return cfg_in_use(c, SHM_T_IFC, i) && strncmp(f->name, arg, SHM_NAME_MAX) == 0;
}

uint32_t cfg_index_ifc(const struct cfg *c, const char *name)
{
	return cfg_index_map_find(&c->idx.ifc, cfg_index_name_hash(name), cfg_index_ifc_eq, c, name);
}

/* A freed loopN / ipsecN lowers the search start of its prefix. */
static void cfg_index_ifc_freed(struct cfg *c, const struct shm_ifc *f)
{
	int k = f->kind == SHM_IFC_LOOPBACK ? 0 : f->kind == SHM_IFC_IPSEC ? 1 : -1;

	if (k >= 0 && f->instance < c->idx.inst_hint[k])
		c->idx.inst_hint[k] = f->instance;
}

uint32_t cfg_index_free(const struct cfg *c, enum shm_table t)
{
	uint32_t cap = shm_capacity(c->r, t);

	for (uint32_t i = c->idx.hint[t]; i < cap; i++)
		if (!cfg_in_use(c, t, i))
			return i;
	return CFG_NONE;
}

/* tunnel: the tunnel record that references it, or CFG_NONE (a policy) */
static void cfg_index_sa_ref(struct cfg *c, uint32_t sa_id, int delta, uint32_t tunnel)
{
	uint32_t i = cfg_index_sa(c, sa_id);

	if (i == CFG_NONE) {
		gw_warn("region: a reference to SA %u, which does not exist", sa_id);
		return;
	}
	c->idx.sa_refs[i] += (uint32_t)delta;
	if (tunnel != CFG_NONE)
		c->idx.sa_tunnel[i] = delta > 0 ? tunnel : CFG_NONE;
}

static void cfg_index_links(struct cfg *c, enum shm_table t, uint32_t ri, const void *rec, int delta)
{
	if (t == SHM_T_POLICY) {
		const struct shm_policy *p = rec;
		uint32_t s = cfg_index_spd(c, p->spd_id);
		if (s != CFG_NONE)
			c->idx.spd_npol[s] += (uint32_t)delta;
		else
			gw_warn("region: a policy in SPD %u, which does not exist", p->spd_id);
		if (p->action == SHM_POL_PROTECT)
			cfg_index_sa_ref(c, p->sa_id, delta, CFG_NONE);
	} else if (t == SHM_T_TUNNEL) {
		const struct shm_tunnel *tu = rec;
		if (tu->has_sa_out)
			cfg_index_sa_ref(c, tu->sa_out, delta, ri);
		for (uint32_t k = 0; k < tu->n_sa_in && k < SHM_MAX_SA_IN; k++)
			cfg_index_sa_ref(c, tu->sa_in[k], delta, ri);
	}
}

void cfg_index_update(struct cfg *c, enum shm_table t, uint32_t i, const void *old, const void *new)
{
	const struct shm_rec_hdr *o = old, *n = new;

	if (o->in_use) {
		cfg_index_links(c, t, i, old, -1);
		if (t == SHM_T_SA)
			cfg_index_map_del(&c->idx.sa, ((const struct shm_sa *)old)->sa_id, i);
		else if (t == SHM_T_SPD)
			cfg_index_map_del(&c->idx.spd, ((const struct shm_spd *)old)->spd_id, i);
		else if (t == SHM_T_POLICY)
			cfg_index_map_del(&c->idx.pol, cfg_index_policy_hash(old), i);
		else if (t == SHM_T_IFC) {
			cfg_index_map_del(&c->idx.ifc, cfg_index_name_hash(((const struct shm_ifc *)old)->name), i);
			cfg_index_ifc_freed(c, old);
		}
	}
	if (n->in_use) {
		if (t == SHM_T_SA)
			cfg_index_map_put(&c->idx.sa, ((const struct shm_sa *)new)->sa_id, i);
		else if (t == SHM_T_SPD)
			cfg_index_map_put(&c->idx.spd, ((const struct shm_spd *)new)->spd_id, i);
		else if (t == SHM_T_POLICY)
			cfg_index_map_put(&c->idx.pol, cfg_index_policy_hash(new), i);
		else if (t == SHM_T_IFC)
			cfg_index_map_put(&c->idx.ifc, cfg_index_name_hash(((const struct shm_ifc *)new)->name), i);
		cfg_index_links(c, t, i, new, +1);
		if (i == c->idx.hint[t])
			c->idx.hint[t] = i + 1;
	} else if (i < c->idx.hint[t]) {
		c->idx.hint[t] = i;
	}
}

void cfg_index_build(struct cfg *c)
{
	static const uint64_t zero[SHM_JOURNAL_IMAGE_MAX / 8]; /* aligned for any record */

	/* Table order matters: SAs and SPDs are indexed before the policies
	 * and tunnels that reference them. */
	c->idx.inst_hint[0] = c->idx.inst_hint[1] = 0;
	for (int t = 0; t < SHM_T_CONFIG_N; t++) {
		uint32_t cap = shm_capacity(c->r, t);
		c->idx.hint[t] = 0;
		for (uint32_t i = 0; i < cap; i++)
			if (cfg_in_use(c, t, i))
				cfg_index_update(c, t, i, zero, cfg_rec(c, t, i));
		/* hint: the lowest free index */
		c->idx.hint[t] = 0;
		while (c->idx.hint[t] < cap && cfg_in_use(c, t, c->idx.hint[t]))
			c->idx.hint[t]++;
	}
}

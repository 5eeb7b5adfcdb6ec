/* SPD classifier sets: build from the region, share with the previous set,
 * classify bursts (dp_spd.h, docs/spd.md). */
#include "dp_spd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_acl.h>

#include "dp_spd_key.h"
#include "dp_spd_priv.h"

/* A policy's spec: every byte after the record header (what sharing
 * compares). */
#define POL_SPEC_OFF offsetof(struct shm_policy, spd_id)
#define POL_SPEC_LEN (sizeof(struct shm_policy) - POL_SPEC_OFF)

struct dp_spd_slot {
	uint32_t spd_id;
	uint32_t in_use;
	struct dp_spd_cls *cls[2][2];   /* [enum shm_dir][0 IPv4, 1 IPv6] */
};

struct dp_spd_set {
	struct dp_spd_stats st;
	uint32_t nslots;                /* the region's SPD table capacity */
	struct dp_spd_slot slot[];      /* indexed by SPD record index */
};

static const struct dp_spd_result dp_spd_no_match = { .policy = DP_SPD_NONE,
						      .action = SHM_POL_DISCARD };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int af_index(uint8_t af)
{
	return af == SHM_AF_INET6;
}

static struct dp_spd_cls *dp_spd_cls_get(const struct dp_spd_set *s, int slot, unsigned dir,
					 uint8_t af)
{
	if (!s || slot < 0 || (uint32_t)slot >= s->nslots || dir > SHM_DIR_OUT ||
	    (af != SHM_AF_INET && af != SHM_AF_INET6))
		return NULL;
	return s->slot[slot].cls[dir][af_index(af)];
}

static void dp_spd_cls_put(struct dp_spd_cls *c)
{
	if (!c || atomic_fetch_sub(&c->ref, 1) != 1)
		return;
	dp_spd_acl_free(c);
	free(c->pol);
	free(c);
}

/* Does c hold exactly these policies (same records, same contents)? */
static int dp_spd_cls_same(const struct dp_spd_cls *c, const struct shm_policy *all,
			   const uint32_t *idx, uint32_t n)
{
	if (!c || c->n != n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (c->pol[i].idx != idx[i] ||
		    memcmp((const uint8_t *)&c->pol[i].p + POL_SPEC_OFF,
			   (const uint8_t *)&all[idx[i]] + POL_SPEC_OFF, POL_SPEC_LEN) != 0)
			return 0;
	return 1;
}

static struct dp_spd_cls *dp_spd_cls_new(const struct shm_policy *all, const uint32_t *idx,
					 uint32_t n, unsigned dir, uint8_t af, char *err,
					 size_t errlen)
{
	struct dp_spd_cls *c = calloc(1, sizeof(*c));

	if (!c || !(c->pol = malloc(n * sizeof(*c->pol)))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->n = n;
	c->af = af;
	c->dir = (uint8_t)dir;
	atomic_init(&c->ref, 1);
	for (uint32_t i = 0; i < n; i++) {
		c->pol[i].idx = idx[i];
		c->pol[i].p = all[idx[i]];
	}
	if (dp_spd_acl_build(c, err, errlen) < 0) {
		free(c->pol);
		free(c);
		return NULL;
	}
	return c;
}

/* A policy the build cannot represent is refused (the caller keeps its old
 * set) rather than skipped: skipping a discard policy would let traffic
 * through. */
static int dp_spd_pol_check(const struct shm_policy *p, uint32_t i, char *err, size_t errlen)
{
	if (p->af != SHM_AF_INET && p->af != SHM_AF_INET6)
		snprintf(err, errlen, "policy %u: address family %u", i, p->af);
	else if (p->dir > SHM_DIR_OUT)
		snprintf(err, errlen, "policy %u: direction %u", i, p->dir);
	else if (p->action > SHM_POL_PROTECT)
		snprintf(err, errlen, "policy %u: action %u", i, p->action);
	else
		return 0;
	return -EINVAL;
}

static int dp_spd_id_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;     /* { spd_id, slot } pairs */

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* The slot of spd_id in a sorted { spd_id, slot } table (the lowest record
 * if the region has the id twice), or -1. */
static int dp_spd_id_find(const uint32_t (*ids)[2], uint32_t n, uint32_t spd_id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ids[mid][0] < spd_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo][0] == spd_id ? (int)ids[lo][1] : -1;
}

struct dp_spd_set *dp_spd_build(const struct shm_region *r, const struct dp_spd_set *prev,
				char *err, size_t errlen)
{
	uint64_t t0 = now_ns();
	uint32_t nspd = shm_capacity(r, SHM_T_SPD), npol = shm_capacity(r, SHM_T_POLICY);
	uint32_t ngroups = nspd * 4, nids = 0;
	struct shm_policy *all = NULL;
	uint32_t (*ids)[2] = NULL;
	uint32_t *group = NULL, *start = NULL, *order = NULL;
	struct dp_spd_set *s = NULL;
	struct shm_spd spd;

	s = calloc(1, sizeof(*s) + nspd * sizeof(s->slot[0]));
	all = malloc(npol * sizeof(*all));
	ids = malloc(nspd * sizeof(*ids));
	group = malloc(npol * sizeof(*group));
	start = calloc(ngroups + 1, sizeof(*start));
	order = malloc(npol * sizeof(*order));
	if (!s || !all || !ids || !group || !start || !order) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->nslots = nspd;

	for (uint32_t i = 0; i < nspd; i++) {
		if (!shm_rec_read(shm_rec(r, SHM_T_SPD, i), &spd, sizeof(spd)))
			continue;
		s->slot[i].in_use = 1;
		s->slot[i].spd_id = spd.spd_id;
		ids[nids][0] = spd.spd_id;
		ids[nids++][1] = i;
		s->st.spds++;
	}
	qsort(ids, nids, sizeof(*ids), dp_spd_id_cmp);

	/* Group the policies by (slot, dir, af), record order kept within a
	 * group (a counting sort). */
	for (uint32_t i = 0; i < npol; i++) {
		const struct shm_policy *p = &all[i];
		int slot;

		group[i] = UINT32_MAX;
		if (!shm_rec_read(shm_rec(r, SHM_T_POLICY, i), &all[i], sizeof(all[i])))
			continue;
		if ((slot = dp_spd_id_find((const uint32_t (*)[2])ids, nids, p->spd_id)) < 0)
			continue;      /* no such SPD: nothing can classify against it */
		if (dp_spd_pol_check(p, i, err, errlen) < 0)
			goto fail;
		group[i] = (uint32_t)slot * 4 + p->dir * 2u + (uint32_t)af_index(p->af);
		start[group[i] + 1]++;
		s->st.policies++;
	}
	for (uint32_t g = 0; g < ngroups; g++)
		start[g + 1] += start[g];
	for (uint32_t i = 0; i < npol; i++)
		if (group[i] != UINT32_MAX)
			order[start[group[i]]++] = i;
	/* start[g] now is the end of group g; its beginning is start[g - 1]. */

	for (uint32_t g = 0; g < ngroups; g++) {
		uint32_t b = g ? start[g - 1] : 0, n = start[g] - b;
		uint32_t slot = g / 4, dir = (g / 2) % 2;
		uint8_t af = g % 2 ? SHM_AF_INET6 : SHM_AF_INET;
		struct dp_spd_cls *c = NULL;

		if (n == 0)
			continue;
		if (prev)
			c = dp_spd_cls_get(prev, dp_spd_slot(prev, s->slot[slot].spd_id), dir, af);
		if (dp_spd_cls_same(c, all, order + b, n)) {
			atomic_fetch_add(&c->ref, 1);
			s->st.shared++;
		} else {
			char e[200];

			if (!(c = dp_spd_cls_new(all, order + b, n, dir, af, e, sizeof(e)))) {
				snprintf(err, errlen, "SPD %u %s IPv%u: %s", s->slot[slot].spd_id,
					 dir == SHM_DIR_OUT ? "outbound" : "inbound", af, e);
				goto fail;
			}
			s->st.built++;
			s->st.rules += c->nrules;
			s->st.contexts += c->nacl;
		}
		s->slot[slot].cls[dir][af_index(af)] = c;
		s->st.classifiers++;
	}
	s->st.build_ns = now_ns() - t0;
	goto out;
fail:
	dp_spd_free(s);
	s = NULL;
out:
	free(all);
	free(ids);
	free(group);
	free(start);
	free(order);
	return s;
}

void dp_spd_free(struct dp_spd_set *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nslots; i++)
		for (int d = 0; d < 2; d++)
			for (int a = 0; a < 2; a++)
				dp_spd_cls_put(s->slot[i].cls[d][a]);
	free(s);
}

int dp_spd_slot(const struct dp_spd_set *s, uint32_t spd_id)
{
	if (!s)
		return -1;
	for (uint32_t i = 0; i < s->nslots; i++)
		if (s->slot[i].in_use && s->slot[i].spd_id == spd_id)
			return (int)i;
	return -1;
}

uint32_t dp_spd_count(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af)
{
	const struct dp_spd_cls *c = dp_spd_cls_get(s, slot, dir, af);

	return c ? c->n : 0;
}

uint32_t dp_spd_rules(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af)
{
	const struct dp_spd_cls *c = dp_spd_cls_get(s, slot, dir, af);

	return c ? c->nrules : 0;
}

const void *dp_spd_classifier_id(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af)
{
	return dp_spd_cls_get(s, slot, dir, af);
}

void dp_spd_stats(const struct dp_spd_set *s, struct dp_spd_stats *st)
{
	if (s)
		*st = s->st;
	else
		memset(st, 0, sizeof(*st));
}

/* One burst of at most DP_SPD_BURST_MAX packets. */
static void dp_spd_classify_burst(const struct dp_spd_cls *c, int out, const uint8_t *const *ip,
				  const uint32_t *len, uint16_t n, struct dp_spd_result *res)
{
	struct dp_spd_sel sel[DP_SPD_BURST_MAX];
	const uint8_t *data[DP_SPD_BURST_MAX];
	uint32_t hit[DP_SPD_BURST_MAX], lo[2][DP_SPD_BURST_MAX], hi[2][DP_SPD_BURST_MAX];
	uint64_t bad = 0;

	for (uint16_t i = 0; i < n; i++) {
		int rc = c->af == SHM_AF_INET6 ? dp_spd_sel6(ip[i], len[i], out, &sel[i])
					       : dp_spd_sel4(ip[i], len[i], out, &sel[i]);

		bad |= (uint64_t)(rc < 0) << i;
	}
	/* addresses to interval numbers: buckets (and prefetches) for the
	 * whole burst first, then the searches */
	for (uint16_t i = 0; i < n; i++) {
		dp_spd_idx_start(&c->idx[0], sel[i].laddr, &lo[0][i], &hi[0][i]);
		dp_spd_idx_start(&c->idx[1], sel[i].raddr, &lo[1][i], &hi[1][i]);
	}
	for (uint16_t i = 0; i < n; i++) {
		uint32_t l = dp_spd_idx_finish(&c->idx[0], sel[i].laddr, lo[0][i], hi[0][i]);
		uint32_t r = dp_spd_idx_finish(&c->idx[1], sel[i].raddr, lo[1][i], hi[1][i]);

		sel[i].k.lidx[0] = (uint8_t)(l >> 8), sel[i].k.lidx[1] = (uint8_t)l;
		sel[i].k.ridx[0] = (uint8_t)(r >> 8), sel[i].k.ridx[1] = (uint8_t)r;
		data[i] = (const uint8_t *)&sel[i].k;
	}
	rte_acl_classify(c->acl[0], data, hit, n, 1);
	for (uint32_t a = 1; a < c->nacl; a++) {
		uint32_t h2[DP_SPD_BURST_MAX];

		/* userdata is rank + 1: the smaller non-zero one is the better policy */
		rte_acl_classify(c->acl[a], data, h2, n, 1);
		for (uint16_t i = 0; i < n; i++)
			hit[i] = h2[i] && (h2[i] < hit[i] || !hit[i]) ? h2[i] : hit[i];
	}
	for (uint16_t i = 0; i < n; i++)
		res[i] = (bad >> i) & 1 ? dp_spd_no_match : c->res[hit[i]];
}

void dp_spd_classify(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af,
		     const uint8_t *const *ip, const uint32_t *len, uint16_t n,
		     struct dp_spd_result *res)
{
	const struct dp_spd_cls *c = dp_spd_cls_get(s, slot, dir, af);

	if (!c || !c->nacl) {
		for (uint16_t i = 0; i < n; i++)
			res[i] = dp_spd_no_match;
		return;
	}
	for (uint16_t i = 0; i < n; i += DP_SPD_BURST_MAX) {
		uint16_t m = n - i < DP_SPD_BURST_MAX ? n - i : DP_SPD_BURST_MAX;

		dp_spd_classify_burst(c, dir == SHM_DIR_OUT, ip + i, len + i, m, res + i);
	}
}

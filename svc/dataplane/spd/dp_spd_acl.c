/* Policies to rte_acl rules, and the rte_acl contexts and address indexes
 * of one classifier (dp_spd_priv.h; the key is in dp_spd_key.h, the address
 * index in dp_spd_idx.h; docs/spd.md). */
#include "dp_spd_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_acl.h>
#include <rte_errno.h>

#include "dp_spd_key.h"

/* Field indexes of a rule (the zero fields are wild in every rule). */
enum { F_ZERO, F_LIDX, F_RIDX, F_PROTO, F_FLAG, F_RPORT, F_LPORT, F_ZERO2, F_N };

RTE_ACL_RULE_DEF(dp_spd_rule, F_N);

#define K(f) offsetof(struct dp_spd_key, f)

/*
 * The order rte_acl walks the key in, one trie level per byte (input_index
 * groups the fields of one 4-byte load). Building costs about one trie node,
 * some 1.4 KB of rte_acl's build memory, per policy for each level after the
 * one where the policy's path becomes its own, and rte_acl inserts rules
 * widest first by the fields in walk order (the first field excepted). So
 * each classifier has up to two contexts, with two orders:
 *
 *  - narrow policies (each address range covers fewer than WIDE_INTERVALS
 *    intervals, each port range is one port or all): protocol and ports
 *    first, where policies differ little, then the interval numbers, so a
 *    policy's own path is only its last byte or two;
 *  - wide policies (catch-alls, bypasses, short prefixes, port ranges):
 *    interval numbers first, so the widest are in the trie before the
 *    narrower ones that must be copied under them. With ports first, a "UDP
 *    500, any to any" inserted after thousands of protocol-any policies
 *    copies all of them, and a port range is merged into the branch of every
 *    single port it covers.
 *
 * A few wide rules (WIDE_MERGE) stay with the narrow ones: one context, one
 * walk per packet.
 *
 * The local port has an input of its own, which rte_acl drops when no
 * policy restricts it (most SPDs).
 */
enum { ORDER_NARROW, ORDER_WIDE };

static const struct rte_acl_field_def dp_spd_defs[2][F_N] = {
	[ORDER_NARROW] = {
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_ZERO, 0, K(zero) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 1, K(proto) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_FLAG, 1, K(flag) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_RPORT, 1, K(rport) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_LPORT, 2, K(lport) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 2, F_ZERO2, 2, K(zero2) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_LIDX, 3, K(lidx) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_RIDX, 3, K(ridx) },
	},
	[ORDER_WIDE] = {
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_ZERO, 0, K(zero) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_LIDX, 1, K(lidx) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_RIDX, 1, K(ridx) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 2, K(proto) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_FLAG, 2, K(flag) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_RPORT, 2, K(rport) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_LPORT, 3, K(lport) },
		{ RTE_ACL_FIELD_TYPE_BITMASK, 2, F_ZERO2, 3, K(zero2) },
	},
};

/* A policy is wide when one of its address ranges covers this many
 * intervals or more, or one of its port ranges is neither one port nor all. */
#define WIDE_INTERVALS 32

/* Up to this many wide rules stay in the narrow context: each may copy a
 * large part of its trie (measured: 5 wide rules among 10,000 narrow ones
 * add about 20 ms), but a second context costs every packet a second walk. */
#define WIDE_MERGE 8

/* Limit on the runtime tables of one context. Non-zero makes rte_acl start
 * from its larger node limit per trie (fewer tries, so fewer walks per
 * packet) and halve that limit while the tables outgrow this. */
#define DP_SPD_ACL_MAX_SIZE ((size_t)256 << 20)

/* A policy's address range on one side as numbers; 0 if it is empty. */
static int dp_spd_range(const struct shm_policy *p, int remote, dp_spd_u128 *s, dp_spd_u128 *e)
{
	int alen = p->af == SHM_AF_INET6 ? 16 : 4;

	*s = dp_spd_idx_addr(remote ? p->raddr_start : p->laddr_start, alen);
	*e = dp_spd_idx_addr(remote ? p->raddr_end : p->laddr_end, alen);
	return *s <= *e;
}

static int dp_spd_empty(const struct shm_policy *p)
{
	dp_spd_u128 s, e;

	return !dp_spd_range(p, 0, &s, &e) || !dp_spd_range(p, 1, &s, &e);
}

/* How a policy uses the ports flag: one rule that ignores ports (they are
 * whole, or its protocol has none), or a rule comparing them (flag 1; none
 * if a port range is empty) and a rule ignoring them (flag 0). */
enum { V_ANY, V_PORTS, V_NOPORTS };

static int dp_spd_variants(const struct shm_policy *p, int *v)
{
	int n = 0;

	if (dp_spd_empty(p))
		return 0;
	if ((p->lport_start == 0 && p->lport_end == UINT16_MAX && p->rport_start == 0 &&
	     p->rport_end == UINT16_MAX) || (p->has_protocol && !dp_spd_has_ports(p->protocol))) {
		v[0] = V_ANY;
		return 1;
	}
	if (p->lport_start <= p->lport_end && p->rport_start <= p->rport_end)
		v[n++] = V_PORTS;
	v[n++] = V_NOPORTS;
	return n;
}

/* The rte_acl rules one policy becomes (0: it matches nothing). */
static uint32_t dp_spd_acl_nrules(const struct shm_policy *p)
{
	int v[2];

	return (uint32_t)dp_spd_variants(p, v);
}

static void set_range16(struct rte_acl_field *f, uint32_t lo, uint32_t hi)
{
	f->value.u16 = (uint16_t)lo;
	f->mask_range.u16 = (uint16_t)hi;
}

/* One rule (its fields zeroed: a BITMASK field with mask 0 is wild). */
static void dp_spd_fill(struct rte_acl_field *fld, const struct dp_spd_cls *c,
			const struct shm_policy *p, int variant)
{
	dp_spd_u128 s, e;

	set_range16(&fld[F_LIDX], 0, UINT16_MAX);
	set_range16(&fld[F_RIDX], 0, UINT16_MAX);
	for (int side = 0; side < 2; side++) {
		dp_spd_range(p, side, &s, &e);
		set_range16(&fld[side ? F_RIDX : F_LIDX], dp_spd_idx_find(&c->idx[side], s),
			    dp_spd_idx_find(&c->idx[side], e));
	}
	if (p->has_protocol) {
		fld[F_PROTO].value.u8 = p->protocol;
		fld[F_PROTO].mask_range.u8 = UINT8_MAX;
	}
	if (variant == V_PORTS) {
		fld[F_FLAG].value.u8 = 1;
		fld[F_FLAG].mask_range.u8 = UINT8_MAX;
		set_range16(&fld[F_RPORT], p->rport_start, p->rport_end);
		set_range16(&fld[F_LPORT], p->lport_start, p->lport_end);
	} else {
		if (variant == V_NOPORTS)
			fld[F_FLAG].mask_range.u8 = UINT8_MAX;  /* value 0 */
		set_range16(&fld[F_RPORT], 0, UINT16_MAX);
		set_range16(&fld[F_LPORT], 0, UINT16_MAX);
	}
}

static int dp_spd_port_range(uint16_t s, uint16_t e)
{
	return s != e && !(s == 0 && e == UINT16_MAX);
}

static int dp_spd_wide(const struct dp_spd_cls *c, const struct shm_policy *p)
{
	dp_spd_u128 s, e;
	int v[2];

	if (dp_spd_variants(p, v) > 1 && (dp_spd_port_range(p->lport_start, p->lport_end) ||
					  dp_spd_port_range(p->rport_start, p->rport_end)))
		return 1;
	for (int side = 0; side < 2; side++) {
		dp_spd_range(p, side, &s, &e);
		if (dp_spd_idx_find(&c->idx[side], e) - dp_spd_idx_find(&c->idx[side], s) >=
		    WIDE_INTERVALS)
			return 1;
	}
	return 0;
}

/* The address index of one side: the start and end + 1 of every policy
 * range that is not empty. 0 or -ENOMEM. */
static int dp_spd_acl_index(struct dp_spd_cls *c, int side)
{
	uint8_t width = c->af == SHM_AF_INET6 ? 128 : 32;
	dp_spd_u128 max = width == 128 ? ~(dp_spd_u128)0 : ((dp_spd_u128)1 << 32) - 1;
	dp_spd_u128 *b = malloc((2 * (size_t)c->n + 1) * sizeof(*b)), s, e;
	uint32_t m = 0;

	if (!b)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->n; i++) {
		if (dp_spd_empty(&c->pol[i].p))
			continue;
		dp_spd_range(&c->pol[i].p, side, &s, &e);
		b[m++] = s;
		if (e != max)
			b[m++] = e + 1;
	}
	return dp_spd_idx_build(&c->idx[side], b, m, width);
}

/* Rank order: priority high to low, then record index low to high. */
static int dp_spd_rank_cmp(const void *a, const void *b)
{
	const struct dp_spd_pol *x = *(const struct dp_spd_pol *const *)a;
	const struct dp_spd_pol *y = *(const struct dp_spd_pol *const *)b;

	if (x->p.priority != y->p.priority)
		return x->p.priority > y->p.priority ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

uint32_t dp_spd_test_ctx_rules;

/* One rte_acl context of nr rules, built. 0 or -errno. */
static int dp_spd_acl_ctx(int order, const struct dp_spd_rule *rules, uint32_t nr,
			  struct rte_acl_ctx **out, char *err, size_t errlen)
{
	static _Atomic uint32_t seq;
	struct rte_acl_config cfg;
	struct rte_acl_param prm;
	struct rte_acl_ctx *ctx;
	char name[RTE_ACL_NAMESIZE];
	int rc;

	if (dp_spd_test_ctx_rules && nr > dp_spd_test_ctx_rules) {
		snprintf(err, errlen, "more than %u rules (test limit)", dp_spd_test_ctx_rules);
		return -ENOMEM;
	}
	/* Names are unique per process (rte_acl_create refuses a duplicate). */
	snprintf(name, sizeof(name), "spd-%d-%u", (int)getpid(), (unsigned)atomic_fetch_add(&seq, 1));
	prm = (struct rte_acl_param){ .name = name, .socket_id = SOCKET_ID_ANY,
				      .rule_size = RTE_ACL_RULE_SZ(F_N), .max_rule_num = nr };
	if (!(ctx = rte_acl_create(&prm))) {
		snprintf(err, errlen, "rte_acl_create: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	if ((rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)rules, nr)) < 0) {
		snprintf(err, errlen, "rte_acl_add_rules (%u rules): %s", nr, strerror(-rc));
		rte_acl_free(ctx);
		return rc;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	cfg.num_fields = F_N;
	memcpy(cfg.defs, dp_spd_defs[order], sizeof(dp_spd_defs[order]));
	cfg.max_size = DP_SPD_ACL_MAX_SIZE;
	if ((rc = rte_acl_build(ctx, &cfg)) < 0) {
		snprintf(err, errlen, "rte_acl_build (%u rules): %s", nr, strerror(-rc));
		rte_acl_free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

/* Contexts for rules [b, e): one if rte_acl manages, else (it ran out of
 * tries or of its memory limit) the two halves each, while contexts remain. */
static int dp_spd_acl_split(struct dp_spd_cls *c, int order, const struct dp_spd_rule *rules,
			    uint32_t b, uint32_t e, uint32_t spare, char *err, size_t errlen)
{
	int rc;

	if (b == e)
		return 0;
	rc = dp_spd_acl_ctx(order, rules + b, e - b, &c->acl[c->nacl], err, errlen);

	if (rc == 0) {
		c->nacl++;
		return 0;
	}
	if ((rc != -ENOMEM && rc != -ERANGE) || spare == 0 || e - b < 2)
		return rc;
	if ((rc = dp_spd_acl_split(c, order, rules, b, b + (e - b) / 2, (spare - 1) / 2, err,
				   errlen)) < 0)
		return rc;
	return dp_spd_acl_split(c, order, rules, b + (e - b) / 2, e, (spare - 1) / 2, err, errlen);
}

int dp_spd_acl_build(struct dp_spd_cls *c, char *err, size_t errlen)
{
	const struct dp_spd_pol **rank = NULL;
	struct dp_spd_result *res = NULL;
	struct dp_spd_rule *rules = NULL;
	uint32_t at[2] = { 0, 0 }, nwide = 0;
	int rc = -ENOMEM;

	_Static_assert(SHM_MAX_POLICY < RTE_ACL_MAX_PRIORITY, "a rank is an rte_acl priority");
	_Static_assert(2 * SHM_MAX_POLICY + 1 <= UINT16_MAX + 1, "an interval number fits 16 bits");
	if (c->n > SHM_MAX_POLICY) {
		snprintf(err, errlen, "%u policies: more than the region holds", c->n);
		return -E2BIG;
	}
	rank = malloc(c->n * sizeof(*rank));
	res = malloc((c->n + 1) * sizeof(*res));
	if (!rank || !res || dp_spd_acl_index(c, 0) < 0 || dp_spd_acl_index(c, 1) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->nrules = 0;
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t nr = dp_spd_acl_nrules(&c->pol[i].p);

		rank[i] = &c->pol[i];
		c->nrules += nr;
		nwide += nr && dp_spd_wide(c, &c->pol[i].p) ? nr : 0;
	}
	if (nwide <= WIDE_MERGE)
		nwide = 0;
	qsort(rank, c->n, sizeof(*rank), dp_spd_rank_cmp);
	res[0] = (struct dp_spd_result){ .policy = DP_SPD_NONE, .action = SHM_POL_DISCARD };
	for (uint32_t i = 0; i < c->n; i++)
		res[i + 1] = (struct dp_spd_result){ .policy = rank[i]->idx, .sa_id = rank[i]->p.sa_id,
						     .action = rank[i]->p.action };
	if (c->nrules == 0)
		goto done;      /* every policy is empty: no context, nothing matches */

	if (!(rules = calloc(c->nrules, sizeof(*rules)))) {
		snprintf(err, errlen, "out of memory for %u rules", c->nrules);
		goto fail;
	}
	/* The policy of rank i (0 the best) has rte_acl priority n - i, so
	 * rte_acl's highest priority is our winner, and userdata i + 1 (0 is
	 * rte_acl's "no match"), the index into res. Narrow policies' rules
	 * first, then the wide ones'. */
	at[1] = c->nrules - nwide;
	for (uint32_t i = 0; i < c->n; i++) {
		int v[2], nv = dp_spd_variants(&rank[i]->p, v);
		int w = nwide && nv && dp_spd_wide(c, &rank[i]->p);

		for (int m = 0; m < nv; m++) {
			struct dp_spd_rule *ru = &rules[at[w]++];

			ru->data.category_mask = 1;
			ru->data.priority = (int32_t)(c->n - i);
			ru->data.userdata = i + 1;
			dp_spd_fill(ru->field, c, &rank[i]->p, v[m]);
		}
	}
	if ((rc = dp_spd_acl_split(c, ORDER_NARROW, rules, 0, c->nrules - nwide,
				   DP_SPD_ACL_MAX / 2 - 1, err, errlen)) < 0 ||
	    (rc = dp_spd_acl_split(c, ORDER_WIDE, rules, c->nrules - nwide, c->nrules,
				   DP_SPD_ACL_MAX / 2 - 1, err, errlen)) < 0)
		goto fail;
	free(rules);
done:
	free(rank);
	c->res = res;
	return 0;
fail:
	dp_spd_acl_free(c);
	free(rules);
	free(res);
	free(rank);
	return rc < 0 ? rc : -ENOMEM;
}

void dp_spd_acl_free(struct dp_spd_cls *c)
{
	for (uint32_t a = 0; a < c->nacl; a++)
		rte_acl_free(c->acl[a]);
	c->nacl = 0;
	dp_spd_idx_free(&c->idx[0]);
	dp_spd_idx_free(&c->idx[1]);
	free((void *)c->res);
	c->res = NULL;
}

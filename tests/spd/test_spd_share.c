/*
 * Classifier sharing between sets (svc/dataplane/spd): a set built with the
 * previous one as prev shares (does not rebuild) the classifier of every
 * (SPD, dir, af) whose policies did not change, and rebuilds exactly the one
 * that did: adding, rewriting (priority, action, SA, selector) or deleting a
 * policy, moving a policy to another record. A set keeps classifying as it
 * was built while its successor exists and after its predecessor is freed.
 */
#include "spd_test.h"

static struct shm_region *R;

/* (slot, dir, af) of the classifiers the test looks at */
struct key {
	int slot, dir;
	uint8_t af;
};
static const struct key keys[] = {
	{ 1, SHM_DIR_OUT, SHM_AF_INET }, { 1, SHM_DIR_OUT, SHM_AF_INET6 },
	{ 1, SHM_DIR_IN, SHM_AF_INET },  { 1, SHM_DIR_IN, SHM_AF_INET6 },
	{ 2, SHM_DIR_OUT, SHM_AF_INET }, { 2, SHM_DIR_IN, SHM_AF_INET6 },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static struct dp_spd_set *build(const struct dp_spd_set *prev, uint32_t want_built)
{
	char err[256];
	struct dp_spd_stats st;
	struct dp_spd_set *s = dp_spd_build(R, prev, err, sizeof(err));

	CHECK(s, "build: %s", err);
	dp_spd_stats(s, &st);
	CHECK(st.classifiers == NKEYS, "classifiers %u", st.classifiers);
	CHECK(st.built == want_built && st.shared == NKEYS - want_built,
	      "built %u shared %u, want %u built", st.built, st.shared, want_built);
	return s;
}

/* Exactly the classifiers in `changed` (a bit per keys[] entry) differ. */
static void expect_shared(const struct dp_spd_set *a, const struct dp_spd_set *b, unsigned changed)
{
	for (unsigned i = 0; i < NKEYS; i++) {
		const void *x = dp_spd_classifier_id(a, keys[i].slot, (enum shm_dir)keys[i].dir, keys[i].af);
		const void *y = dp_spd_classifier_id(b, keys[i].slot, (enum shm_dir)keys[i].dir, keys[i].af);

		CHECK(x && y, "classifier %u exists", i);
		CHECK((x != y) == !!(changed & (1u << i)), "classifier %u: %s, expected %s", i,
		      x == y ? "shared" : "rebuilt", changed & (1u << i) ? "rebuilt" : "shared");
	}
}

static uint32_t probe(const struct dp_spd_set *s, int slot, int dir, uint8_t af, const char *src,
		      const char *dst, uint8_t proto)
{
	struct spdt_spec ps = { .af = af, .src = src, .dst = dst, .proto = proto };
	struct spdt_pkt k;

	spdt_build(&k, &ps);
	return spdt_classify1(s, slot, dir, &k, af).policy;
}

int main(void)
{
	struct shm_policy p[16];
	struct dp_spd_set *s0, *s1, *s2, *s3, *s4, *s5, *s6;

	R = spdt_setup();
	spdt_spd(R, 1, 10, 1);
	spdt_spd(R, 2, 20, 1);
	/* one or two policies in each of the six classifiers */
	p[0] = spdt_pol(10, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 5, 1);
	spdt_range(&p[0], 1, "198.51.100.0", "198.51.100.255");
	p[1] = spdt_pol(10, SHM_DIR_OUT, SHM_AF_INET6, SHM_POL_BYPASS, 5, 0);
	p[2] = spdt_pol(10, SHM_DIR_IN, SHM_AF_INET, SHM_POL_BYPASS, 5, 0);
	p[3] = spdt_pol(10, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_DISCARD, 5, 0);
	p[4] = spdt_pol(20, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, 5, 0);
	p[5] = spdt_pol(20, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_BYPASS, 5, 0);
	p[6] = spdt_pol(10, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, 1, 0);
	for (int i = 0; i < 7; i++)
		spdt_put(R, (uint32_t)(100 + i), &p[i]);

	s0 = build(NULL, NKEYS);
	CHECK(probe(s0, 1, SHM_DIR_OUT, SHM_AF_INET, "192.0.2.1", "198.51.100.7", 1) == 100, "s0");

	/* nothing changed: everything shared */
	s1 = build(s0, 0);
	expect_shared(s0, s1, 0);

	/* a policy added to SPD 10 outbound IPv4 (above policy 100): that
	 * classifier only */
	p[7] = spdt_pol(10, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, 9, 0);
	spdt_range(&p[7], 1, "198.51.100.7", "198.51.100.7");
	spdt_put(R, 50, &p[7]);
	s2 = build(s1, 1);
	expect_shared(s1, s2, 1u << 0);
	CHECK(probe(s2, 1, SHM_DIR_OUT, SHM_AF_INET, "192.0.2.1", "198.51.100.7", 1) == 50, "s2 new");
	/* the previous set is immutable: still the old answer */
	CHECK(probe(s1, 1, SHM_DIR_OUT, SHM_AF_INET, "192.0.2.1", "198.51.100.7", 1) == 100, "s1 old");
	dp_spd_free(s0);
	dp_spd_free(s1);        /* shared classifiers live on in s2 */
	CHECK(probe(s2, 2, SHM_DIR_IN, SHM_AF_INET6, "2001:db8::1", "2001:db8::2", 58) == 105,
	      "a classifier s2 shares with freed sets");

	/* a policy rewritten in place: priority (SPD 20 inbound IPv6) */
	p[5].priority = 6;
	spdt_put(R, 105, &p[5]);
	s3 = build(s2, 1);
	expect_shared(s2, s3, 1u << 5);

	/* only the action and SA of a policy (SPD 10 inbound IPv4) */
	p[2].action = SHM_POL_PROTECT;
	p[2].sa_id = 77;
	spdt_put(R, 102, &p[2]);
	s4 = build(s3, 1);
	expect_shared(s3, s4, 1u << 2);
	{
		struct spdt_spec ps = { .af = SHM_AF_INET, .src = "198.51.100.1", .dst = "192.0.2.1",
					.proto = 1 };
		struct spdt_pkt k;
		struct dp_spd_result r;

		spdt_build(&k, &ps);
		r = spdt_classify1(s4, 1, SHM_DIR_IN, &k, SHM_AF_INET);
		CHECK(r.policy == 102 && r.action == SHM_POL_PROTECT && r.sa_id == 77, "new action");
		r = spdt_classify1(s3, 1, SHM_DIR_IN, &k, SHM_AF_INET);
		CHECK(r.policy == 102 && r.action == SHM_POL_BYPASS && r.sa_id == 0, "old action");
	}

	/* a policy moved to another record (same spec, new index: the result
	 * names the record) and one deleted, in two classifiers at once */
	spdt_del(R, 103);
	spdt_put(R, 203, &p[3]);
	spdt_del(R, 106);
	s5 = build(s4, 2);
	expect_shared(s4, s5, 1u << 3 | 1u << 0);
	CHECK(probe(s5, 1, SHM_DIR_IN, SHM_AF_INET6, "2001:db8::1", "2001:db8::2", 58) == 203, "moved");
	CHECK(probe(s5, 1, SHM_DIR_OUT, SHM_AF_INET, "192.0.2.1", "203.0.113.1", 1) == DP_SPD_NONE,
	      "deleted");

	/* an SPD deleted and its id reused at another record with other
	 * policies: no sharing across different policies */
	for (uint32_t i = 0; i < 300; i++)
		spdt_del(R, i);
	spdt_spd(R, 2, 0, 0);
	spdt_spd(R, 9, 20, 1);
	for (int i = 0; i < 6; i++) {
		struct shm_policy q = spdt_pol(i < 4 ? 10 : 20, keys[i].dir, keys[i].af,
					       SHM_POL_DISCARD, 2, 0);
		spdt_put(R, (uint32_t)(10 + i), &q);
	}
	{
		char err[256];
		struct dp_spd_stats st;

		s6 = dp_spd_build(R, s5, err, sizeof(err));
		CHECK(s6, "build: %s", err);
		dp_spd_stats(s6, &st);
		CHECK(st.built == 6 && st.shared == 0, "all rebuilt: built %u shared %u", st.built,
		      st.shared);
		CHECK(dp_spd_slot(s6, 20) == 9 && dp_spd_slot(s5, 20) == 2, "slot follows the record");
	}
	dp_spd_free(s2);
	dp_spd_free(s3);
	dp_spd_free(s4);
	dp_spd_free(s6);
	CHECK(probe(s5, 1, SHM_DIR_IN, SHM_AF_INET6, "2001:db8::1", "2001:db8::2", 58) == 203,
	      "the last of a chain still works");
	dp_spd_free(s5);
	printf("spd sharing test passed\n");
	return 0;
}

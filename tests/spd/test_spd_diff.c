/*
 * Randomized differential test of the SPD classifier against the reference
 * matcher (spd_test.h): thousands of random policies (IPv4 and IPv6, both
 * directions, three SPDs, every selector: address ranges that are and are
 * not prefixes, protocols, port ranges, priorities with many ties, empty
 * ranges) and tens of thousands of random packets (fragments, IPv6
 * extension headers, truncated and malformed ones, addresses on and next to
 * every range end), classified in bursts of random sizes; every result must
 * name the policy the reference names, with its SA and action. Then rounds
 * of random changes, each set built from the previous one, checked again,
 * and a build whose classifiers are split into several rte_acl contexts.
 *
 *   test_spd_diff [seed]      (default: a fixed seed; GW_SPD_SEED too)
 */
#include "spd_test.h"

#define NPOL 3600               /* policies per round, over all SPDs */
#define NPKT 3000               /* packets per (SPD, dir, af) per round */
#define ROUNDS 4

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static const uint32_t spd_ids[3] = { 7, 0, 4000000000u };
static const uint32_t spd_recs[3] = { 5, 0, 200 };

static struct shm_region *R;
static struct shm_policy pols[SHM_MAX_POLICY];
static uint32_t npol;

/* Addresses that share prefixes of random lengths with a few bases, so
 * ranges overlap, nest and cross 32- and 64-bit word boundaries. */
static void rand_addr(uint8_t af, uint8_t *a)
{
	static const uint8_t bases[4][16] = {
		{ 198, 18, 0, 0 }, { 198, 51, 100, 0 }, { 203, 0, 113, 0 }, { 192, 0, 2, 0 },
	};
	static const uint8_t bases6[4][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
		{ 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x20, 0x01, 0x0d, 0xb9 },
	};
	int alen = af == SHM_AF_INET6 ? 16 : 4, keep = (int)below((uint32_t)alen * 8 + 1);

	memcpy(a, af == SHM_AF_INET6 ? bases6[below(4)] : bases[below(4)], 16);
	if (below(8) == 0)
		keep = 0;
	/* bits after `keep` random */
	for (int b = keep; b < alen * 8; b++)
		if (rnd() & 1)
			a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
	if (af == SHM_AF_INET)
		memset(a + 4, 0, 12);
}

static int addr_cmp(const uint8_t *a, const uint8_t *b, int alen)
{
	return memcmp(a, b, alen);
}

static void rand_sel(uint8_t af, uint8_t *s, uint8_t *e)
{
	int alen = af == SHM_AF_INET6 ? 16 : 4;
	uint32_t k = below(100);

	memset(s, 0, 16);
	memset(e, 0, 16);
	if (k < 15) {                                   /* any */
		memset(e, 0xff, alen);
	} else if (k < 45) {                            /* prefix */
		int plen = (int)below((uint32_t)alen * 8 + 1);
		rand_addr(af, s);
		for (int b = plen; b < alen * 8; b++)
			s[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		memcpy(e, s, 16);
		for (int b = plen; b < alen * 8; b++)
			e[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	} else if (k < 88) {                            /* two random points */
		uint8_t t[16];
		rand_addr(af, s);
		rand_addr(af, e);
		if (addr_cmp(s, e, alen) > 0) {
			memcpy(t, s, 16);
			memcpy(s, e, 16);
			memcpy(e, t, 16);
		}
	} else if (k < 98) {                            /* one address */
		rand_addr(af, s);
		memcpy(e, s, 16);
	} else {                                        /* empty: start above end */
		rand_addr(af, s);
		rand_addr(af, e);
		if (addr_cmp(s, e, alen) <= 0) {
			uint8_t t[16];
			memcpy(t, s, 16);
			memcpy(s, e, 16);
			memcpy(e, t, 16);
		}
		if (addr_cmp(s, e, alen) == 0)
			memset(e, 0, 16), memset(s, 0xff, alen);
	}
}

static uint16_t rand_port(void)
{
	static const uint16_t pool[] = { 0, 1, 22, 53, 80, 443, 500, 1023, 1024, 4500, 65534, 65535 };

	return below(3) ? pool[below(sizeof(pool) / sizeof(pool[0]))] : (uint16_t)rnd();
}

static void rand_ports(uint16_t *s, uint16_t *e)
{
	uint32_t k = below(10);

	if (k < 5) {
		*s = 0, *e = UINT16_MAX;
	} else if (k < 7) {
		*s = *e = rand_port();
	} else {
		uint16_t a = rand_port(), b = rand_port();
		*s = a < b ? a : b, *e = a < b ? b : a;
		if (k == 9 && below(5) == 0 && *e < UINT16_MAX)   /* empty, rarely */
			*s = (uint16_t)(*e + 1);
	}
}

static uint8_t rand_proto(void)
{
	static const uint8_t pool[] = { 6, 17, 132, 1, 58, 50, 47, 0, 255 };

	return below(4) ? pool[below(sizeof(pool) / sizeof(pool[0]))] : (uint8_t)rnd();
}

static void rand_policy(struct shm_policy *p)
{
	uint8_t af = below(2) ? SHM_AF_INET6 : SHM_AF_INET;
	uint32_t k = below(20);

	*p = spdt_pol(below(20) ? spd_ids[below(2)] : (below(2) ? spd_ids[2] : 99), (int)below(2), af,
		      (int)below(3), 0, 0);
	p->sa_id = p->action == SHM_POL_PROTECT ? 1 + below(100000) : 0;
	p->priority = k == 0 ? INT32_MIN : k == 1 ? INT32_MAX : k < 4 ? (int32_t)rnd()
									 : (int32_t)below(7) - 3;
	rand_sel(af, p->laddr_start, p->laddr_end);
	rand_sel(af, p->raddr_start, p->raddr_end);
	if (below(2)) {
		p->has_protocol = 1;
		p->protocol = rand_proto();
	}
	/* ports as the config service allows (TCP/UDP/SCTP), and sometimes on
	 * any other protocol, where they must be ignored all the same */
	if ((p->has_protocol && (p->protocol == 6 || p->protocol == 17 || p->protocol == 132)) ||
	    below(4) == 0) {
		rand_ports(&p->lport_start, &p->lport_end);
		rand_ports(&p->rport_start, &p->rport_end);
	}
}

/* An address inside, at or next to an end of [s, e], or random. */
static void pick_addr(uint8_t af, const uint8_t *s, const uint8_t *e, char *out, size_t len)
{
	uint8_t a[16];
	int alen = af == SHM_AF_INET6 ? 16 : 4;
	uint32_t k = below(7);

	memcpy(a, k < 3 ? s : e, 16);
	if (k == 1 || k == 4) {                 /* end - 1 or start - 1 */
		for (int i = alen - 1; i >= 0 && a[i]-- == 0; i--)
			;
	} else if (k == 2 || k == 5) {          /* + 1 */
		for (int i = alen - 1; i >= 0 && ++a[i] == 0; i--)
			;
	} else if (k == 6) {
		rand_addr(af, a);
	}
	inet_ntop(af == SHM_AF_INET6 ? AF_INET6 : AF_INET, a, out, (socklen_t)len);
}

static void rand_packet(struct spdt_pkt *k, uint8_t af, int dir, const struct shm_policy *near)
{
	char src[64], dst[64];
	struct spdt_spec ps = { .af = af, .src = src, .dst = dst };
	uint16_t lp = rand_port(), rp = rand_port();
	uint8_t r0[16], r1[16];

	if (near) {
		/* local and remote near the policy's ranges */
		pick_addr(af, near->laddr_start, near->laddr_end, dir == SHM_DIR_OUT ? src : dst, 64);
		pick_addr(af, near->raddr_start, near->raddr_end, dir == SHM_DIR_OUT ? dst : src, 64);
		ps.proto = near->has_protocol && below(4) ? near->protocol : rand_proto();
		if (below(2))
			lp = below(2) ? near->lport_start : near->lport_end;
		if (below(2))
			rp = below(2) ? near->rport_start : near->rport_end;
	} else {
		rand_addr(af, r0);
		rand_addr(af, r1);
		inet_ntop(af == SHM_AF_INET6 ? AF_INET6 : AF_INET, r0, src, sizeof(src));
		inet_ntop(af == SHM_AF_INET6 ? AF_INET6 : AF_INET, r1, dst, sizeof(dst));
		ps.proto = rand_proto();
	}
	ps.sport = dir == SHM_DIR_OUT ? lp : rp;
	ps.dport = dir == SHM_DIR_OUT ? rp : lp;
	if (below(10) == 0)
		ps.frag = (uint16_t)below(3) * (uint16_t)below(1000);
	if (af == SHM_AF_INET6) {
		ps.ipv6_frag_hdr = below(8) == 0 || (ps.frag && below(2));
		ps.ext = below(6) == 0;
	}
	spdt_build(k, &ps);
	switch (below(30)) {
	case 0: k->len = below(k->len + 1); break;              /* truncated anywhere */
	case 1: k->len -= 1 + below(8); break;                  /* L4 header cut */
	case 2: k->b[0] = (uint8_t)(k->b[0] ^ 0x20); break;     /* wrong version */
	case 3: if (af == SHM_AF_INET) k->b[0] = (uint8_t)(0x40 | below(16)); break; /* IHL */
	case 4: if (af == SHM_AF_INET6) k->b[41] = 200; break;  /* ext header past the end */
	default: break;
	}
}

/* Check every (SPD, dir, af) of set s against the reference. */
static void check(const struct dp_spd_set *s, int round)
{
	static struct spdt_pkt pk[NPKT];
	const uint8_t *ip[64];
	uint32_t len[64];
	struct dp_spd_result res[64];
	uint32_t grp[SHM_MAX_POLICY], ngrp, matched = 0, total = 0;

	for (int d = 0; d < 3; d++)
		for (int dir = 0; dir < 2; dir++)
			for (int a = 0; a < 2; a++) {
				uint8_t af = a ? SHM_AF_INET6 : SHM_AF_INET;
				int slot = dp_spd_slot(s, spd_ids[d]);

				CHECK(slot == (int)spd_recs[d], "slot of SPD %u: %d", spd_ids[d], slot);
				ngrp = 0;
				for (uint32_t i = 0; i < npol; i++)
					if (pols[i].h.in_use && pols[i].spd_id == spd_ids[d] &&
					    pols[i].dir == dir && pols[i].af == af)
						grp[ngrp++] = i;
				CHECK(dp_spd_count(s, slot, (enum shm_dir)dir, af) == ngrp,
				      "round %d SPD %u dir %d af %u: count %u, policies %u", round,
				      spd_ids[d], dir, af, dp_spd_count(s, slot, (enum shm_dir)dir, af), ngrp);
				for (int i = 0; i < NPKT; i++)
					rand_packet(&pk[i], af, dir,
						    ngrp && below(4) ? &pols[grp[below(ngrp)]] : NULL);
				for (int i = 0; i < NPKT;) {
					int n = (int)below(64) + 1;

					n = n > NPKT - i ? NPKT - i : n;
					for (int j = 0; j < n; j++) {
						ip[j] = pk[i + j].b;
						len[j] = pk[i + j].len;
					}
					dp_spd_classify(s, slot, (enum shm_dir)dir, af, ip, len, (uint16_t)n, res);
					for (int j = 0; j < n; j++) {
						uint32_t want = spdt_ref_list(pols, grp, ngrp, spd_ids[d],
									      dir, af, ip[j], len[j]);

						total++;
						matched += want != DP_SPD_NONE;
						if (res[j].policy == want &&
						    (want == DP_SPD_NONE ||
						     (res[j].sa_id == pols[want].sa_id &&
						      res[j].action == pols[want].action)))
							continue;
						fprintf(stderr, "round %d SPD %u %s IPv%u packet %d (len %u):"
							" module policy %d sa %u action %u, reference %d\n",
							round, spd_ids[d], dir ? "out" : "in", af, i + j,
							len[j], (int)res[j].policy, res[j].sa_id,
							res[j].action, (int)want);
						for (uint32_t b = 0; b < len[j] && b < 80; b++)
							fprintf(stderr, "%02x%s", ip[j][b],
								b % 16 == 15 ? "\n" : " ");
						fputc('\n', stderr);
						if (want != DP_SPD_NONE)
							fprintf(stderr, "reference's policy %u: prio %d\n", want,
								pols[want].priority);
						if (res[j].policy != DP_SPD_NONE && res[j].policy < npol)
							fprintf(stderr, "module's policy %u: prio %d\n",
								res[j].policy, pols[res[j].policy].priority);
						exit(1);
					}
					i += n;
				}
			}
	printf("round %d: %u packets, %u matched a policy, all as the reference\n", round, total,
	       matched);
	CHECK(matched > total / 4 && matched < total, "the packets exercise matches and misses");
}

int main(int argc, char **argv)
{
	struct dp_spd_set *s = NULL, *n;
	struct dp_spd_stats st;
	char err[256];
	const char *env = getenv("GW_SPD_SEED");

	rng = argc > 1 ? strtoull(argv[1], NULL, 0) : env ? strtoull(env, NULL, 0) : 20261127;
	printf("seed %llu\n", (unsigned long long)rng);
	rng = rng * 2 + 1;
	R = spdt_setup();
	for (int d = 0; d < 3; d++)
		spdt_spd(R, spd_recs[d], spd_ids[d], 1);

	/* round 0: NPOL policies at random record indexes */
	for (uint32_t k = 0; k < NPOL; k++) {
		uint32_t i = below(SHM_MAX_POLICY / 2);

		rand_policy(&pols[i]);
		spdt_put(R, i, &pols[i]);
		npol = i + 1 > npol ? i + 1 : npol;
	}
	for (int round = 0; round < ROUNDS; round++) {
		if (round > 0) {
			/* change some policies of some groups: add, delete, rewrite */
			for (int c = 0; c < 60; c++) {
				uint32_t i = below(SHM_MAX_POLICY / 2 + 100);

				if (pols[i].h.in_use && below(2)) {
					memset(&pols[i], 0, sizeof(pols[i]));
					spdt_del(R, i);
				} else {
					rand_policy(&pols[i]);
					spdt_put(R, i, &pols[i]);
					npol = i + 1 > npol ? i + 1 : npol;
				}
			}
		}
		n = dp_spd_build(R, s, err, sizeof(err));
		CHECK(n, "round %d: build: %s", round, err);
		dp_spd_stats(n, &st);
		printf("round %d: %u policies, %u classifiers (%u built, %u shared), %u rules, "
		       "%.1f ms\n", round, st.policies, st.classifiers, st.built, st.shared, st.rules,
		       st.build_ns / 1e6);
		dp_spd_free(s);
		s = n;
		check(s, round);
	}

	/* the same policies again from scratch, with contexts limited to 150
	 * rules: classifiers split into several contexts, whose answers combine */
	dp_spd_test_ctx_rules = 150;
	n = dp_spd_build(R, NULL, err, sizeof(err));
	CHECK(n, "split build: %s", err);
	dp_spd_stats(n, &st);
	printf("split: %u classifiers, %u contexts\n", st.classifiers, st.contexts);
	CHECK(st.contexts > 2 * st.classifiers, "contexts were split");
	check(n, ROUNDS);
	dp_spd_free(n);
	/* a classifier that needs more than 8 contexts fails the build */
	dp_spd_test_ctx_rules = 10;
	n = dp_spd_build(R, NULL, err, sizeof(err));
	CHECK(!n && strstr(err, "test limit"), "too many contexts: %s", n ? "built" : err);
	dp_spd_test_ctx_rules = 0;
	dp_spd_free(s);
	printf("spd differential test passed\n");
	return 0;
}

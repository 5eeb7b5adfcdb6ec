/*
 * Anti-replay window tables (esp_replay.c against RFC 4303 §3.4.3 and
 * Appendix A2.2). Each step is one arriving packet, processed the way
 * esp_inb does: pre-check, ICV (good or bad, as the step says), window
 * update. Expected results and inferred 64-bit sequence numbers are written
 * by hand from the RFC rules; the comment on each step gives the reasoning.
 *
 * Notation: W window, T top (highest authenticated), Tl/Th its halves.
 */
#include <inttypes.h>
#include <stdalign.h>

#include "esp_replay.h"
#include "esp_test.h"

enum kind { PKT, BADICV, SETTOP };
enum outcome { ACC, RPL, INT };
static const char *const outcome_name[] = { "accept", "replay", "integrity" };

struct step {
	int n;                  /* step number, for messages */
	enum kind kind;
	uint64_t v;             /* PKT/BADICV: transmitted sequence number (low 32 bits); SETTOP: top */
	enum outcome expect;
	uint64_t seq64;         /* expected inferred sequence number, 0 = not checked */
	uint64_t top;           /* expected top afterwards, 0 = not checked */
};

struct table {
	const char *name;
	uint32_t win;
	bool esn, check;
	const struct step *steps;
	size_t n;
};

#define HI(h, l) ((uint64_t)(h) << 32 | (uint32_t)(l))

/* 1. 32-bit sequence numbers, W = 64. */
static const struct step t1[] = {
	{ 1, PKT, 0, RPL, 0, 0 },               /* 0 is never sent (§3.3.3) */
	{ 2, PKT, 1, ACC, 1, 1 },               /* first packet */
	{ 3, PKT, 1, RPL, 0, 1 },               /* duplicate */
	{ 4, PKT, 2, ACC, 0, 2 },
	{ 5, PKT, 64, ACC, 0, 64 },             /* right of the window: slides by 62 */
	{ 6, PKT, 1, RPL, 0, 64 },              /* T-1 = 63 < W, seen */
	{ 7, PKT, 3, ACC, 0, 64 },              /* T-3 = 61 < W, not seen: late but fine */
	{ 8, PKT, 3, RPL, 0, 64 },              /* now seen */
	{ 9, PKT, 65, ACC, 0, 65 },
	{ 10, PKT, 1, RPL, 0, 65 },             /* T-1 = 64 = W: left of the window */
	{ 11, PKT, 2, RPL, 0, 65 },             /* T-2 = 63: inside, seen at step 4 */
	{ 12, PKT, 4, ACC, 0, 65 },             /* T-4 = 61, not seen */
	{ 13, PKT, 200, ACC, 0, 200 },          /* jump of 135 > W */
	{ 14, PKT, 137, ACC, 0, 200 },          /* T-137 = 63: the oldest slot */
	{ 15, PKT, 136, RPL, 0, 200 },          /* T-136 = 64: left */
	{ 16, PKT, 137, RPL, 0, 200 },          /* duplicate of step 14 */
	{ 17, PKT, 65, RPL, 0, 200 },           /* was accepted long ago, now far left */
	{ 18, BADICV, 201, INT, 0, 200 },       /* passes the pre-check, bad ICV: window stays */
	{ 19, PKT, 201, ACC, 0, 201 },          /* so the genuine 201 still gets in */
	{ 20, BADICV, 150, INT, 0, 201 },       /* in the window, new, bad ICV: no bit set */
	{ 21, PKT, 150, ACC, 0, 201 },
	{ 22, PKT, 150, RPL, 0, 201 },
	{ 23, PKT, 0xffffffff, ACC, 0, 0xffffffff },   /* jump to the last 32-bit number */
	{ 24, PKT, 0xffffffc1, ACC, 0, 0xffffffff },   /* T-s = 62 */
	{ 25, PKT, 0xffffffc0, ACC, 0, 0xffffffff },   /* T-s = 63 */
	{ 26, PKT, 0xffffffbf, RPL, 0, 0xffffffff },   /* T-s = 64: left */
	{ 27, PKT, 1, RPL, 0, 0xffffffff },     /* no ESN: 1 is 2^32-2 behind, never "after" */
	{ 28, PKT, 0, RPL, 0, 0xffffffff },
};

/* 2. W = 128: the edges and a slide by more than the window. */
static const struct step t2[] = {
	{ 1, PKT, 100, ACC, 0, 100 },
	{ 2, PKT, 50, ACC, 0, 100 },            /* T-50 = 50 < 128 */
	{ 3, PKT, 228, ACC, 0, 228 },           /* slide by exactly W */
	{ 4, PKT, 100, RPL, 0, 228 },           /* T-100 = 128: left */
	{ 5, PKT, 101, ACC, 0, 228 },           /* T-101 = 127: oldest slot, never seen */
	{ 6, PKT, 101, RPL, 0, 228 },
	{ 7, PKT, 5000, ACC, 0, 5000 },         /* slide by 4772 > ring size */
	{ 8, PKT, 4873, ACC, 0, 5000 },         /* T-s = 127 */
	{ 9, PKT, 4872, RPL, 0, 5000 },         /* T-s = 128 */
	{ 10, PKT, 4999, ACC, 0, 5000 },
	{ 11, PKT, 4999, RPL, 0, 5000 },
	{ 12, PKT, 5000, RPL, 0, 5000 },        /* the top itself is seen */
	{ 13, PKT, 5001, ACC, 0, 5001 },
};

/* 3. W = 1024. */
static const struct step t3[] = {
	{ 1, PKT, 1, ACC, 0, 1 },
	{ 2, PKT, 1024, ACC, 0, 1024 },
	{ 3, PKT, 1, RPL, 0, 1024 },            /* T-1 = 1023 < W, seen */
	{ 4, PKT, 2, ACC, 0, 1024 },
	{ 5, PKT, 1025, ACC, 0, 1025 },
	{ 6, PKT, 1, RPL, 0, 1025 },            /* T-1 = 1024: left */
	{ 7, PKT, 3, ACC, 0, 1025 },            /* T-3 = 1022 */
	{ 8, PKT, 2, RPL, 0, 1025 },            /* seen at step 4 */
	{ 9, PKT, 3000, ACC, 0, 3000 },         /* slide by 1975 */
	{ 10, PKT, 1977, ACC, 0, 3000 },        /* T-s = 1023 */
	{ 11, PKT, 1976, RPL, 0, 3000 },        /* T-s = 1024 */
	{ 12, BADICV, 2500, INT, 0, 3000 },
	{ 13, PKT, 2500, ACC, 0, 3000 },
	{ 14, PKT, 2500, RPL, 0, 3000 },
};

/* 4. W = 4096, the size of the ring: every number in the window has its own
 * bit, and a slide clears exactly the bits that enter the window. */
static const struct step t4[] = {
	{ 1, PKT, 1, ACC, 0, 1 },
	{ 2, PKT, 2, ACC, 0, 2 },
	{ 3, PKT, 10, ACC, 0, 10 },
	{ 4, PKT, 4097, ACC, 0, 4097 },         /* slide by 4087 < ring */
	{ 5, PKT, 1, RPL, 0, 4097 },            /* T-1 = 4096 = W: left */
	{ 6, PKT, 2, RPL, 0, 4097 },            /* T-2 = 4095: inside, seen at step 2 */
	{ 7, PKT, 3, ACC, 0, 4097 },            /* inside, never seen */
	{ 8, PKT, 11, ACC, 0, 4097 },
	{ 9, PKT, 4098, ACC, 0, 4098 },         /* 2 leaves the window; its bit is reused by 4098 */
	{ 10, PKT, 2, RPL, 0, 4098 },           /* left */
	{ 11, PKT, 4098, RPL, 0, 4098 },
	{ 12, PKT, 12, ACC, 0, 4098 },          /* T-12 = 4086 */
	{ 13, PKT, 20000, ACC, 0, 20000 },      /* slide by 15902 > ring: all cleared */
	{ 14, PKT, 15905, ACC, 0, 20000 },      /* T-s = 4095 */
	{ 15, PKT, 15904, RPL, 0, 20000 },      /* T-s = 4096 */
	{ 16, PKT, 19999, ACC, 0, 20000 },
	{ 17, PKT, 15905, RPL, 0, 20000 },
};

/* 5. ESN, W = 64: Appendix A2.2 inference across 2^32. */
static const struct step t5[] = {
	{ 1, PKT, 1, ACC, HI(0, 1), HI(0, 1) },
	/* Tl = 1 < W-1: case B, Tl-W+1 wraps to 0xffffffc2. 0xfffffff0 >= that
	 * would be subspace Th-1 = -1, which does not exist */
	{ 2, PKT, 0xfffffff0, RPL, 0, HI(0, 1) },
	{ 3, PKT, 0x80000000, ACC, HI(0, 0x80000000), HI(0, 0x80000000) },   /* case B, below: Th */
	/* Tl = 2^31 >= W-1: case A; Tl-W+1 = 0x7fffffc1 */
	{ 4, PKT, 0xfffffff0, ACC, HI(0, 0xfffffff0), HI(0, 0xfffffff0) },   /* >= : Th */
	{ 5, PKT, 0xffffffff, ACC, HI(0, 0xffffffff), HI(0, 0xffffffff) },
	/* Tl = 0xffffffff, Tl-W+1 = 0xffffffc0; 2 < that: Th+1 */
	{ 6, PKT, 2, ACC, HI(1, 2), HI(1, 2) },
	/* Tl = 2 < W-1: case B, Tl-W+1 = 0xffffffc3 */
	{ 7, PKT, 0xfffffffe, ACC, HI(0, 0xfffffffe), HI(1, 2) },     /* >= : Th-1, T-s = 4 */
	{ 8, PKT, 0xffffffff, RPL, HI(0, 0xffffffff), HI(1, 2) },     /* Th-1, seen at step 5 */
	{ 9, PKT, 0, ACC, HI(1, 0), HI(1, 2) },                       /* < : Th; low half 0 is valid */
	{ 10, PKT, 1, ACC, HI(1, 1), HI(1, 2) },
	{ 11, PKT, 0xffffffc3, ACC, HI(0, 0xffffffc3), HI(1, 2) },    /* Th-1, T-s = 63 */
	/* 0xffffffc2 < 0xffffffc3: taken as Th = 1, i.e. 2^32 ahead. A genuine
	 * old packet was sent with seq-hi 0, so its ICV fails: no move */
	{ 12, BADICV, 0xffffffc2, INT, HI(1, 0xffffffc2), HI(1, 2) },
	{ 13, BADICV, 3, INT, HI(1, 3), HI(1, 2) },                   /* a bad ICV never moves it */
	{ 14, PKT, 3, ACC, HI(1, 3), HI(1, 3) },
	{ 15, PKT, 2, RPL, HI(1, 2), HI(1, 3) },
};

/* 6. ESN, W = 4096, and the end of the 64-bit space. */
static const struct step t6[] = {
	{ 1, SETTOP, HI(1, 0x800), ACC, 0, HI(1, 0x800) },
	/* Tl = 0x800 < W-1: case B, Tl-W+1 = 0xfffff801 */
	{ 2, PKT, 0xfffff801, ACC, HI(0, 0xfffff801), HI(1, 0x800) }, /* Th-1, T-s = 4095 */
	{ 3, PKT, 0xfffff801, RPL, HI(0, 0xfffff801), HI(1, 0x800) },
	{ 4, BADICV, 0xfffff800, INT, HI(1, 0xfffff800), HI(1, 0x800) }, /* Th: far ahead, forged */
	{ 5, PKT, 0x801, ACC, HI(1, 0x801), HI(1, 0x801) },
	{ 6, PKT, 0x10000, ACC, HI(1, 0x10000), HI(1, 0x10000) },     /* now case A */
	{ 7, PKT, 0xf001, ACC, HI(1, 0xf001), HI(1, 0x10000) },       /* T-s = 4095 */
	{ 8, PKT, 0xf000, ACC, HI(2, 0xf000), HI(2, 0xf000) },        /* case A, below Tl-W+1: Th+1 */
	{ 9, SETTOP, HI(0xffffffff, 0xfffffff0), ACC, 0, HI(0xffffffff, 0xfffffff0) },
	{ 10, PKT, 0xffffffff, ACC, UINT64_MAX, UINT64_MAX },         /* the last number there is */
	{ 11, PKT, 5, RPL, 0, UINT64_MAX },     /* would be subspace 2^32: does not exist */
	{ 12, PKT, 0xfffffffe, ACC, UINT64_MAX - 1, UINT64_MAX },
};

/* 7. Anti-replay off (ESN on): duplicates pass, inference still works. */
static const struct step t7[] = {
	{ 1, PKT, 5, ACC, HI(0, 5), HI(0, 5) },
	{ 2, PKT, 5, ACC, HI(0, 5), HI(0, 5) },
	{ 3, PKT, 1, ACC, HI(0, 1), HI(0, 5) },
	{ 4, SETTOP, HI(0, 0xfffffffa), ACC, 0, 0 },
	{ 5, PKT, 3, ACC, HI(1, 3), HI(1, 3) },
	{ 6, PKT, 3, ACC, HI(1, 3), HI(1, 3) },
};

#define TABLE(nm, w, e, c, s) { nm, w, e, c, s, sizeof(s) / sizeof(s[0]) }
static const struct table tables[] = {
	TABLE("1: W=64", 64, false, true, t1),
	TABLE("2: W=128", 128, false, true, t2),
	TABLE("3: W=1024", 1024, false, true, t3),
	TABLE("4: W=4096", 4096, false, true, t4),
	TABLE("5: ESN W=64", 64, true, true, t5),
	TABLE("6: ESN W=4096", 4096, true, true, t6),
	TABLE("7: ESN, anti-replay off", 64, true, false, t7),
};

int main(void)
{
	static alignas(64) struct shm_sa_rt rt, before;
	int steps = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const struct table *tb = &tables[t];
		struct esp_replay_cfg cfg = { .win = tb->win, .esn = tb->esn, .check = tb->check };

		memset(&rt, 0, sizeof(rt));
		for (size_t i = 0; i < tb->n; i++) {
			const struct step *s = &tb->steps[i];
			enum outcome got;
			uint64_t seq64 = 0;

			if (s->kind == SETTOP) {
				esp_replay_reset(&rt);
				rt.in_top = s->v;
				steps++;
				continue;
			}
			memcpy(&before, &rt, sizeof(rt));
			if (esp_replay_check(&rt, &cfg, (uint32_t)s->v, &seq64) != 0)
				got = RPL;
			else if (s->kind == BADICV)
				got = INT;
			else
				got = esp_replay_update(&rt, &cfg, seq64) == 0 ? ACC : RPL;
			CHECK(got == s->expect, "table %s step %d: seq 0x%" PRIx64 " gave %s, expected %s",
			      tb->name, s->n, s->v, outcome_name[got], outcome_name[s->expect]);
			if (s->seq64)
				CHECK(seq64 == s->seq64, "table %s step %d: inferred 0x%" PRIx64 ", expected 0x%" PRIx64,
				      tb->name, s->n, seq64, s->seq64);
			if (s->top)
				CHECK(rt.in_top == s->top, "table %s step %d: top 0x%" PRIx64 ", expected 0x%" PRIx64,
				      tb->name, s->n, rt.in_top, s->top);
			if (got != ACC)
				CHECK(memcmp(&rt, &before, sizeof(rt)) == 0,
				      "table %s step %d: a dropped packet changed the window", tb->name, s->n);
			else
				CHECK(esp_replay_seen(&rt, seq64), "table %s step %d: not marked", tb->name, s->n);
			steps++;
		}
	}
	printf("replay tables: %zu tables, %d steps passed\n", sizeof(tables) / sizeof(tables[0]), steps);
	return 0;
}

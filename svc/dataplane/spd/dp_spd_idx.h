/*
 * Private to the SPD module: the address index of one side (local or
 * remote) of one classifier.
 *
 * The start and end + 1 of every policy's address range on that side cut
 * the address space into elementary intervals; an address is replaced by the
 * number of its interval, and a policy's range by the numbers of the first
 * and last interval it covers. rte_acl then compares 2-byte interval numbers
 * instead of 4- or 16-byte addresses: a shallower trie (cheaper to build by
 * the depth it saves, per policy) and no splitting of 128-bit ranges into
 * 32- or 64-bit pieces. Exact for any range, prefix or not.
 *
 * Lookup: the boundaries sorted; a first level of 2^DP_SPD_IDX_BITS buckets
 * by the address bits after the common prefix of the boundaries, then a
 * binary search within the bucket (a few boundaries, usually).
 */
#ifndef IPSECGW_DP_SPD_IDX_H
#define IPSECGW_DP_SPD_IDX_H

#include <stdint.h>

typedef unsigned __int128 dp_spd_u128;

#define DP_SPD_IDX_BITS 12
#define DP_SPD_IDX_MAX 65536    /* intervals at most (2 per policy + 1) */

struct dp_spd_idx {
	const dp_spd_u128 *b;   /* [n] sorted boundaries, b[0] == 0 */
	const uint16_t *bkt;    /* [(1 << bits) + 1]: first boundary of each bucket */
	uint32_t n;             /* boundaries = intervals */
	uint8_t width;          /* address bits: 32 or 128 */
	uint8_t shift;          /* bits of the common prefix of b[1] .. b[n-1] */
	uint8_t bits;           /* bucket bits (<= DP_SPD_IDX_BITS) */
	uint8_t pad;
};

/* An address (big-endian bytes, 4 or 16) as a number. */
static inline dp_spd_u128 dp_spd_idx_addr(const uint8_t *a, int alen)
{
	dp_spd_u128 v = 0;

	for (int i = 0; i < alen; i++)
		v = v << 8 | a[i];
	return v;
}

/* The interval of address a: the largest i with b[i] <= a. */
static inline uint32_t dp_spd_idx_find(const struct dp_spd_idx *x, dp_spd_u128 a)
{
	uint32_t lo, hi;

	if (x->n <= 1 || a < x->b[1])
		return 0;
	if (a >= x->b[x->n - 1])
		return x->n - 1;
	/* b[1] <= a < b[n-1]: a has their common prefix; bucket by the next bits */
	{
		uint32_t k = (uint32_t)((a << (128 - x->width + x->shift)) >> (128 - x->bits));

		lo = x->bkt[k];         /* b[lo - 1] <= a (an earlier bucket, or b[0]) */
		hi = x->bkt[k + 1];     /* b[hi] > a (a later bucket) */
	}
	/* the answer is in [lo - 1, hi - 1] */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (x->b[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* Build the index from m boundaries (any order, duplicates allowed, 0
 * added): takes ownership of b (realloc'd to the unique count). 0 or
 * -ENOMEM. */
int dp_spd_idx_build(struct dp_spd_idx *x, dp_spd_u128 *b, uint32_t m, uint8_t width);
void dp_spd_idx_free(struct dp_spd_idx *x);

#endif

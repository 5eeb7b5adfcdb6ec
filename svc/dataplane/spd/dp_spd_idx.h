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
 * Lookup: the boundaries sorted; a radix tree of buckets over the address
 * bits after the common prefix of the boundaries (a root of 2^12 buckets,
 * then 2^8 per level under any bucket that holds more than DP_SPD_IDX_LEAF
 * boundaries), and a binary search within the leaf bucket.
 */
#ifndef IPSECGW_DP_SPD_IDX_H
#define IPSECGW_DP_SPD_IDX_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 dp_spd_u128;

#define DP_SPD_IDX_ROOT 12      /* bits of the root table */
#define DP_SPD_IDX_CHILD 8      /* bits of a child table */
#define DP_SPD_IDX_LEAF 8       /* boundaries a bucket holds without a child table */

/* A bucket: its first boundary (the next bucket's is its end) and its
 * child table (0: none; t: the t-th child table). */
struct dp_spd_idx_ent {
	uint16_t start;
	uint16_t child;
};

struct dp_spd_idx {
	const dp_spd_u128 *b;   /* [n] sorted boundaries, b[0] == 0 */
	const struct dp_spd_idx_ent *ent; /* root table, then the child tables */
	uint32_t n;             /* boundaries = intervals (<= 65535) */
	uint8_t width;          /* address bits: 32 or 128 */
	uint8_t shift;          /* bits of the common prefix of b[1] .. b[n-1] */
	uint8_t bits;           /* bits of the root table */
	uint8_t pad;
};

/* An address (big-endian bytes, 4 or 16) as a number. */
static inline dp_spd_u128 dp_spd_idx_addr(const uint8_t *a, int alen)
{
	uint64_t hi, lo;
	uint32_t v4;

	if (alen == 4) {
		memcpy(&v4, a, 4);
		return be32toh(v4);
	}
	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return (dp_spd_u128)be64toh(hi) << 64 | be64toh(lo);
}

/* Bits [off, off + bits) of a (counted from the top of width bits). */
static inline uint32_t dp_spd_idx_bits(dp_spd_u128 a, int width, int off, int bits)
{
	return (uint32_t)((a << (128 - width + off)) >> (128 - bits));
}

/* The interval of address a (the largest i with b[i] <= a), in two steps
 * so a burst can overlap the cache misses of many: dp_spd_idx_start narrows
 * it to [*lo - 1, *hi - 1] and prefetches those boundaries,
 * dp_spd_idx_finish searches them. */
static inline void dp_spd_idx_start(const struct dp_spd_idx *x, dp_spd_u128 a, uint32_t *lo,
				    uint32_t *hi)
{
	const struct dp_spd_idx_ent *e = x->ent;
	int off = x->shift, bits = x->bits;
	uint32_t k;

	if (x->n <= 1 || a < x->b[1]) {
		*lo = *hi = 1;
		return;
	}
	if (a >= x->b[x->n - 1]) {
		*lo = *hi = x->n;
		return;
	}
	/* b[1] <= a < b[n-1]: a has their common prefix; buckets by the next
	 * bits. In a's bucket k, b[start - 1] <= a (an earlier bucket, or
	 * b[0]) and b[next start] > a (a later bucket). */
	for (;;) {
		k = dp_spd_idx_bits(a, x->width, off, bits);
		if (!e[k].child)
			break;
		e = x->ent + (1u << x->bits) + 1 + (e[k].child - 1u) * ((1u << DP_SPD_IDX_CHILD) + 1);
		off += bits;
		bits = x->width - off < DP_SPD_IDX_CHILD ? x->width - off : DP_SPD_IDX_CHILD;
	}
	*lo = e[k].start;
	*hi = e[k + 1].start;
	__builtin_prefetch(&x->b[*lo]);
	__builtin_prefetch(&x->b[*hi - 1]);
}

static inline uint32_t dp_spd_idx_finish(const struct dp_spd_idx *x, dp_spd_u128 a, uint32_t lo,
					 uint32_t hi)
{
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (x->b[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static inline uint32_t dp_spd_idx_find(const struct dp_spd_idx *x, dp_spd_u128 a)
{
	uint32_t lo, hi;

	dp_spd_idx_start(x, a, &lo, &hi);
	return dp_spd_idx_finish(x, a, lo, hi);
}

/* Build the index from m boundaries (any order, duplicates allowed; b has
 * room for one more, the 0 this adds): takes ownership of b. 0 or -ENOMEM
 * (b freed). */
int dp_spd_idx_build(struct dp_spd_idx *x, dp_spd_u128 *b, uint32_t m, uint8_t width);
void dp_spd_idx_free(struct dp_spd_idx *x);

#endif

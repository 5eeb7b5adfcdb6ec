/* Address interval index (dp_spd_idx.h). */
#include "dp_spd_idx.h"

#include <errno.h>
#include <stdlib.h>

static int u128_cmp(const void *a, const void *b)
{
	dp_spd_u128 x = *(const dp_spd_u128 *)a, y = *(const dp_spd_u128 *)b;

	return x < y ? -1 : x > y;
}

/* Leading bits a and b (both < 2^width) have in common. */
static int common_prefix(dp_spd_u128 a, dp_spd_u128 b, int width)
{
	dp_spd_u128 x = a ^ b;
	int n = 0;

	if (!x)
		return width;
	while (!(x >> (width - 1 - n) & 1))
		n++;
	return n;
}

struct idx_build {
	const dp_spd_u128 *b;
	struct dp_spd_idx_ent *ent;
	uint32_t nent, cap, ntab;
	int width;
};

/* Fills the table at ent[t..] (2^bits + 1 entries, bits [off, off + bits))
 * with boundaries [lo, hi), which share their first off bits; then a child
 * table under every bucket with more than DP_SPD_IDX_LEAF of them. */
static int idx_table(struct idx_build *bd, uint32_t t, uint32_t lo, uint32_t hi, int off, int bits)
{
	uint32_t nb = 1u << bits, j = lo;

	for (uint32_t k = 0; k < nb; k++) {
		while (j < hi && dp_spd_idx_bits(bd->b[j], bd->width, off, bits) < k)
			j++;
		bd->ent[t + k] = (struct dp_spd_idx_ent){ .start = (uint16_t)j };
	}
	bd->ent[t + nb] = (struct dp_spd_idx_ent){ .start = (uint16_t)hi };
	if (off + bits >= bd->width)
		return 0;       /* one address per bucket: nothing to split */
	for (uint32_t k = 0; k < nb; k++) {
		uint32_t s = bd->ent[t + k].start, e = bd->ent[t + k + 1].start, c;
		int cbits = bd->width - off - bits < DP_SPD_IDX_CHILD ? bd->width - off - bits
								      : DP_SPD_IDX_CHILD;

		if (e - s <= DP_SPD_IDX_LEAF)
			continue;
		if (bd->ntab == UINT16_MAX)
			return 0;       /* no more child numbers: this bucket is searched */
		if (bd->nent + (1u << DP_SPD_IDX_CHILD) + 1 > bd->cap) {
			uint32_t cap = bd->cap * 2;
			struct dp_spd_idx_ent *ne = realloc(bd->ent, cap * sizeof(*ne));

			if (!ne)
				return -ENOMEM;
			bd->ent = ne;
			bd->cap = cap;
		}
		/* every child table takes the full size, so it is found by number */
		c = bd->nent;
		bd->nent += (1u << DP_SPD_IDX_CHILD) + 1;
		bd->ent[t + k].child = (uint16_t)++bd->ntab;
		/* the bucket's end, e, is also the child's last entry */
		if (idx_table(bd, c, s, e, off + bits, cbits) < 0)
			return -ENOMEM;
	}
	return 0;
}

int dp_spd_idx_build(struct dp_spd_idx *x, dp_spd_u128 *b, uint32_t m, uint8_t width)
{
	struct idx_build bd = { .width = width };
	dp_spd_u128 *nb;
	uint32_t n = 1;

	*x = (struct dp_spd_idx){ .width = width };
	b[m++] = 0;     /* the caller leaves room for it */
	qsort(b, m, sizeof(*b), u128_cmp);
	for (uint32_t i = 1; i < m; i++)
		if (b[i] != b[n - 1])
			b[n++] = b[i];
	if ((nb = realloc(b, n * sizeof(*b))))
		b = nb;
	if (n > UINT16_MAX) {
		free(b);
		return -E2BIG;
	}
	if (n > 2) {
		x->shift = (uint8_t)common_prefix(b[1], b[n - 1], width);
		x->bits = (uint8_t)(width - x->shift < DP_SPD_IDX_ROOT ? width - x->shift
								      : DP_SPD_IDX_ROOT);
	}
	/* with two boundaries or fewer, lookups never reach the buckets */
	bd.b = b;
	bd.cap = (1u << x->bits) + 1 + 16 * ((1u << DP_SPD_IDX_CHILD) + 1);
	bd.nent = (1u << x->bits) + 1;
	if (!(bd.ent = calloc(bd.cap, sizeof(*bd.ent))) ||
	    (n > 2 && idx_table(&bd, 0, 1, n, x->shift, x->bits) < 0)) {
		free(bd.ent);
		free(b);
		return -ENOMEM;
	}
	x->b = b;
	x->ent = bd.ent;
	x->n = n;
	return 0;
}

void dp_spd_idx_free(struct dp_spd_idx *x)
{
	free((void *)x->b);
	free((void *)x->ent);
	x->b = NULL;
	x->ent = NULL;
	x->n = 0;
}

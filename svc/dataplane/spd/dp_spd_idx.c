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

int dp_spd_idx_build(struct dp_spd_idx *x, dp_spd_u128 *b, uint32_t m, uint8_t width)
{
	uint16_t *bkt;
	dp_spd_u128 *nb;
	uint32_t n = 1, nbkt, j;

	*x = (struct dp_spd_idx){ .width = width };
	b[m++] = 0;     /* the caller leaves room for it */
	qsort(b, m, sizeof(*b), u128_cmp);
	for (uint32_t i = 1; i < m; i++)
		if (b[i] != b[n - 1])
			b[n++] = b[i];
	if ((nb = realloc(b, n * sizeof(*b))))
		b = nb;
	if (n > 2) {
		x->shift = (uint8_t)common_prefix(b[1], b[n - 1], width);
		x->bits = (uint8_t)(width - x->shift < DP_SPD_IDX_BITS ? width - x->shift
								       : DP_SPD_IDX_BITS);
	}
	nbkt = 1u << x->bits;
	if (!(bkt = malloc((nbkt + 1) * sizeof(*bkt)))) {
		free(b);
		return -ENOMEM;
	}
	/* bkt[k] = the first i >= 1 whose bucket is k or later (buckets of
	 * b[1] .. b[n-1], which share the prefix) */
	j = 1;
	for (uint32_t k = 0; k <= nbkt; k++) {
		while (j < n && k < nbkt &&
		       (uint32_t)((b[j] << (128 - width + x->shift)) >> (128 - x->bits)) < k)
			j++;
		bkt[k] = (uint16_t)(k == nbkt ? n : j);
	}
	x->b = b;
	x->bkt = bkt;
	x->n = n;
	return 0;
}

void dp_spd_idx_free(struct dp_spd_idx *x)
{
	free((void *)x->b);
	free((void *)x->bkt);
	x->b = NULL;
	x->bkt = NULL;
	x->n = 0;
}

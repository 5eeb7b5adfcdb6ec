/* Anti-replay window and ESN inference (esp_replay.h). */
#include <string.h>

#include "esp_replay.h"

#define RING_BITS SHM_REPLAY_MAX
#define RING_WORDS (RING_BITS / 64)
#define RING_MASK (RING_BITS - 1)
_Static_assert((RING_BITS & RING_MASK) == 0, "ring is a power of two");

static inline bool bit_get(const struct shm_sa_rt *rt, uint64_t s)
{
	uint32_t b = (uint32_t)(s & RING_MASK);

	return (rt->in_bitmap[b >> 6] >> (b & 63)) & 1;
}

static inline void bit_set(struct shm_sa_rt *rt, uint64_t s)
{
	uint32_t b = (uint32_t)(s & RING_MASK);

	rt->in_bitmap[b >> 6] |= UINT64_C(1) << (b & 63);
}

/* Clears ring bits for the n sequence numbers starting at s (n < RING_BITS). */
static void bits_clear(struct shm_sa_rt *rt, uint64_t s, uint32_t n)
{
	uint32_t b = (uint32_t)(s & RING_MASK);

	while (n) {
		uint32_t w = b >> 6, off = b & 63;
		uint32_t k = 64 - off < n ? 64 - off : n;
		uint64_t mask = (k == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << k) - 1)) << off;

		rt->in_bitmap[w] &= ~mask;
		n -= k;
		b = (b + k) & RING_MASK;
	}
}

int esp_replay_check(const struct shm_sa_rt *rt, const struct esp_replay_cfg *cfg,
		     uint32_t seq_lo, uint64_t *seq64)
{
	uint64_t top = rt->in_top;
	uint64_t s;

	if (cfg->esn) {
		uint32_t tl = (uint32_t)top, th = (uint32_t)(top >> 32);
		uint32_t w = cfg->win;

		/* RFC 4303 Appendix A2.2 */
		if (tl >= w - 1) {
			/* Case A: the window lies within one 2^32 subspace */
			if (seq_lo >= tl - w + 1) {
				s = (uint64_t)th << 32 | seq_lo;
			} else {
				if (th == UINT32_MAX)
					return -1;              /* no subspace above 2^64 - 1 */
				s = (uint64_t)(th + 1) << 32 | seq_lo;  /* wrapped ahead */
			}
		} else {
			/* Case B: the window spans two subspaces */
			if (seq_lo >= tl - w + 1) {             /* unsigned: upper end of the previous subspace */
				if (th == 0)
					return -1;              /* no subspace below 0 */
				s = (uint64_t)(th - 1) << 32 | seq_lo;
			} else {
				s = (uint64_t)th << 32 | seq_lo;
			}
		}
	} else {
		s = seq_lo;
	}
	*seq64 = s;
	if (!cfg->check)
		return 0;
	if (s == 0)
		return -1;                              /* never sent (RFC 4303 §3.3.3) */
	if (s > top)
		return 0;
	if (top - s >= cfg->win)
		return -1;                              /* left of the window */
	return bit_get(rt, s) ? -1 : 0;
}

int esp_replay_update(struct shm_sa_rt *rt, const struct esp_replay_cfg *cfg, uint64_t seq64)
{
	uint64_t top = rt->in_top;
	uint32_t sl;

	if (cfg->check) {
		if (seq64 == 0)
			return -1;
		if (seq64 <= top && (top - seq64 >= cfg->win || bit_get(rt, seq64)))
			return -1;
	}
	sl = atomic_load_explicit(&rt->in_seqlock, memory_order_relaxed);
	atomic_store_explicit(&rt->in_seqlock, sl + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (seq64 > top) {
		uint64_t d = seq64 - top;

		if (d >= RING_BITS)
			memset(rt->in_bitmap, 0, sizeof(rt->in_bitmap));
		else
			bits_clear(rt, top + 1, (uint32_t)d);
		rt->in_top = seq64;
	}
	bit_set(rt, seq64);
	atomic_store_explicit(&rt->in_seqlock, sl + 2, memory_order_release);
	return 0;
}

bool esp_replay_seen(const struct shm_sa_rt *rt, uint64_t seq64)
{
	return seq64 <= rt->in_top && rt->in_top - seq64 < RING_BITS && bit_get(rt, seq64);
}

void esp_replay_reset(struct shm_sa_rt *rt)
{
	uint32_t sl = atomic_load_explicit(&rt->in_seqlock, memory_order_relaxed);

	atomic_store_explicit(&rt->in_seqlock, sl + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	rt->in_top = 0;
	memset(rt->in_bitmap, 0, sizeof(rt->in_bitmap));
	atomic_store_explicit(&rt->in_seqlock, sl + 2, memory_order_release);
}

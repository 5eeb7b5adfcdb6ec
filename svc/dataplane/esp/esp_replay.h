/*
 * Anti-replay window (RFC 4303 §3.4.3) and ESN high-bit inference (RFC 4303
 * Appendix A2.2) over the runtime record struct shm_sa_rt: in_top is the
 * highest authenticated sequence number, in_bitmap a ring of 4096 bits in
 * which sequence number s is bit (s mod 4096). A window of W bits (64..4096,
 * a multiple of 64) accepts s when top - W < s <= top and its bit is clear,
 * or when s > top. Because the ring is as large as the largest window, every
 * number inside any window has its own bit, and moving top forward by d only
 * clears the d bits that newly enter the window: O(1) per sequence number
 * advanced, a full clear for jumps of 4096 or more.
 *
 * The writer is the dataplane worker that owns the SA; in_seqlock is bumped
 * around every change so that readers in other processes (show commands)
 * copy a consistent top and bitmap.
 */
#ifndef IPSECGW_ESP_REPLAY_H
#define IPSECGW_ESP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "region.h"

#define ESP_REPLAY_WIN_DEFAULT 64u
#define ESP_REPLAY_WIN_MAX SHM_REPLAY_MAX

struct esp_replay_cfg {
	uint32_t win;           /* window, bits */
	bool esn;               /* 64-bit sequence numbers, high half inferred */
	bool check;             /* anti-replay on; off still tracks top for ESN */
};

/* Pre-check before the ICV: infers the 64-bit sequence number into *seq64
 * (ESN) and says whether the packet may be new. 0 accept, -1 replay (seen,
 * left of the window, or not a valid sequence number). Reads rt only. */
int esp_replay_check(const struct shm_sa_rt *rt, const struct esp_replay_cfg *cfg,
		     uint32_t seq_lo, uint64_t *seq64);

/* After the ICV verified: records seq64, moving the window if it is new.
 * Checks again (a duplicate may have been accepted since the pre-check, e.g.
 * earlier in the same burst): 0 recorded, -1 replay. */
int esp_replay_update(struct shm_sa_rt *rt, const struct esp_replay_cfg *cfg, uint64_t seq64);

/* Whether seq64 is marked in the window (tests, show). */
bool esp_replay_seen(const struct shm_sa_rt *rt, uint64_t seq64);

/* Resets the inbound half (top 0, empty window). */
void esp_replay_reset(struct shm_sa_rt *rt);

#endif

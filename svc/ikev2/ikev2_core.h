/*
 * The engine's private state and the helpers its modules share (SA table,
 * counters, clock, profiles, sending). Included by the engine's modules and
 * tasks only; the daemon and tests use ikev2_engine.h.
 */
#ifndef IPSECGW_IKEV2_CORE_H
#define IPSECGW_IKEV2_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2_cookie.h"
#include "ikev2_cred.h"
#include "ikev2_engine.h"
#include "ikev2_profile.h"
#include "ikev2_sa.h"
#include "ikev2_timers.h"
#include "region.h"

#define IKEV2_HASH_SIZE 16384u          /* power of two */
#define IKEV2_SA_ID_BASE 0x40000000u    /* SAD ids the IKE daemon allocates start here */

struct ikev2_engine {
	struct ikev2_env env;
	struct ikev2_cfg cfg;
	struct ikev2_timers timers;
	struct ikev2_sa *hash[IKEV2_HASH_SIZE];
	struct ikev2_sa *half[IKEV2_HASH_SIZE];
	struct ikev2_child *chash[IKEV2_HASH_SIZE]; /* children by spi_in */
	struct ikev2_sa *first, *last;  /* every SA, creation order */
	uint32_t next_sa_id;            /* next SAD id to try */
	struct shm_ike_counters *ctr;   /* the region's block, or own_ctr */
	struct shm_ike_counters own_ctr;
	uint32_t store_hint;            /* no free IKE SA record below this */
	bool running_timers;
	struct ikev2_cred cred;         /* keys and certificates read from files */
	struct ikev2_cookies cookies;   /* responder cookie secrets */
	unsigned dh_pending;            /* IKE_SA_INIT requests with env.dh_offload: half-open
					 * SAs to be, counted as such for cookies and limits */
};

static inline uint64_t ikev2_now(const struct ikev2_engine *e)
{
	return e->env.now_ms(e->env.arg);
}
uint64_t ikev2_realtime_s(void);

static inline void ikev2_count_fail(struct ikev2_engine *e, enum shm_ike_fail f)
{
	e->ctr->fail[f]++;
}
/* Index into ctr->exch[] for an exchange type, or -1. */
static inline int ikev2_exch_idx(uint8_t exchange)
{
	return exchange >= 34 && exchange <= 37 ? exchange - 34 : -1;
}

/* The liveness settings in force: `ikev2 set liveness` (env.liveness) over
 * cfg.liveness_s. max_failures 0: a check is retransmitted like any request. */
void ikev2_liveness_get(const struct ikev2_engine *e, unsigned *period_s, unsigned *max_failures);

/* Send a datagram on a path through the transport. */
int ikev2_engine_send(struct ikev2_engine *e, const struct ikev2_path *p, bool natt, const uint8_t *buf,
		      size_t len);

/* One warning for weak transforms negotiated on an SA (configured ones work). */
void ikev2_engine_warn_weak(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_xf *xf,
			    bool esp);

/* Events to the env (up / down / rekeyed). */
void ikev2_engine_event(struct ikev2_engine *e, enum ikev2_event_kind k, const struct ikev2_sa *sa,
			const struct ikev2_child *c);

/* Tear an IKE SA down here: remove its children (SAs and tunnels), state
 * DEAD, freed soon. No message is sent. */
void ikev2_sa_kill(struct ikev2_engine *e, struct ikev2_sa *sa, const char *why);
/* Queue an INFORMATIONAL Delete for the whole IKE SA (killed when answered
 * or when the peer does not answer). */
void ikev2_sa_start_delete(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Queue the initial exchanges for an initiator SA. */
int ikev2_sa_start_initiate(struct ikev2_engine *e, struct ikev2_sa *sa);

/* Timer handlers (ikev2_timers_run calls them). */
void ikev2_engine_on_half_open(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_engine_on_ike_rekey(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_engine_on_liveness(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_engine_on_keepalive(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_engine_on_reap(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_engine_on_child_rekey(struct ikev2_engine *e, struct ikev2_child *c);
void ikev2_engine_on_child_expire(struct ikev2_engine *e, struct ikev2_child *c);
/* The peer stopped answering (retransmissions exhausted). */
void ikev2_engine_on_peer_dead(struct ikev2_engine *e, struct ikev2_sa *sa);

/* Persistence (ikev2_store.c). */
void ikev2_store_save(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_store_remove(struct ikev2_engine *e, struct ikev2_sa *sa);
int ikev2_store_restore(struct ikev2_engine *e);
int ikev2_store_gc(struct ikev2_engine *e);

/* Nonce comparison for collisions (2.8.1): as unsigned big-endian octet
 * strings, a shorter one first on a common prefix. */
static inline int ikev2_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	for (size_t i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

#endif

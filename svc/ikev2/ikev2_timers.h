/*
 * Every timer of the IKE daemon (ikev2_timers_*). The API is named after the
 * protocol events that arm or cancel timers; nothing else in the daemon
 * touches a deadline. Deadlines live in one binary min-heap over timer
 * records embedded in the IKE and child SAs; time is the engine's clock
 * (milliseconds, CLOCK_MONOTONIC in the daemon, a variable in tests), so
 * two peers in one test process run on virtual time.
 *
 *   event                         arms / cancels
 *   request_sent(try)             retransmit at timeout * 2^try
 *   liveness_sent                 a liveness check under `ikev2 set liveness`:
 *                                 repeated every period
 *   response_received             cancels retransmit
 *   half_open                     responder's half-open expiry
 *   ike_established               cancels half-open; IKE rekey, liveness, NAT keepalive
 *   peer_alive                    pushes the liveness check back one interval
 *   liveness_checked              the next check, one interval on
 *   keepalive_sent                the next NAT-T keepalive
 *   child_installed               child rekey (lifetime - jitter) and hard expiry
 *   child_removed / sa_removed    cancel everything the object owns
 *
 * When a timer fires, ikev2_timers_run() calls the engine's handler for its
 * kind (ikev2_engine_on_*), after removing it from the heap.
 *
 * Errors: 0 or -ENOMEM (heap growth).
 */
#ifndef IPSECGW_IKEV2_TIMERS_H
#define IPSECGW_IKEV2_TIMERS_H

#include <stdint.h>

struct ikev2_engine;
struct ikev2_sa;
struct ikev2_child;

enum ikev2_timer_kind {
	IKEV2_T_RETRANSMIT, IKEV2_T_HALF_OPEN, IKEV2_T_IKE_REKEY, IKEV2_T_LIVENESS,
	IKEV2_T_KEEPALIVE, IKEV2_T_CHILD_REKEY, IKEV2_T_CHILD_EXPIRE, IKEV2_T_REAP,
	IKEV2_T_N
};

struct ikev2_timer {
	uint64_t at;            /* deadline, engine ms */
	uint32_t slot;          /* heap index + 1; 0 = not armed */
	uint8_t kind;           /* enum ikev2_timer_kind */
	void *obj;              /* the ikev2_sa or ikev2_child that embeds it */
};

struct ikev2_timers {
	struct ikev2_timer **heap;
	uint32_t n, cap;
};

void ikev2_timers_init(struct ikev2_timers *t);
void ikev2_timers_fini(struct ikev2_timers *t);
/* Earliest deadline, UINT64_MAX when nothing is armed. */
uint64_t ikev2_timers_next(const struct ikev2_timers *t);
/* Fire every timer due at `now`, earliest first. */
void ikev2_timers_run(struct ikev2_engine *e, uint64_t now);

/* Set up the timer records an object embeds (not armed). */
void ikev2_timers_sa_init(struct ikev2_sa *sa);
void ikev2_timers_child_init(struct ikev2_child *c);

/* Protocol events. */
void ikev2_timers_request_sent(struct ikev2_engine *e, struct ikev2_sa *sa, unsigned try);
void ikev2_timers_liveness_sent(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_response_received(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_half_open(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_ike_established(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_ike_rekey_retry(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_peer_alive(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_liveness_checked(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_keepalive_sent(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_timers_child_installed(struct ikev2_engine *e, struct ikev2_child *c);
void ikev2_timers_child_rekey_retry(struct ikev2_engine *e, struct ikev2_child *c);
void ikev2_timers_child_removed(struct ikev2_engine *e, struct ikev2_child *c);
/* A restarted daemon picked the SA up from the region: rekey at rekey_s
 * (CLOCK_REALTIME seconds; 0 = as new), liveness and keepalives as usual. */
void ikev2_timers_ike_restored(struct ikev2_engine *e, struct ikev2_sa *sa, uint64_t rekey_s);
void ikev2_timers_child_restored(struct ikev2_engine *e, struct ikev2_child *c);
void ikev2_timers_sa_dead(struct ikev2_engine *e, struct ikev2_sa *sa);  /* reap soon */
void ikev2_timers_sa_removed(struct ikev2_engine *e, struct ikev2_sa *sa);

/* Milliseconds until the timer fires, or UINT64_MAX when not armed. */
uint64_t ikev2_timers_left(const struct ikev2_engine *e, const struct ikev2_timer *t);

#endif

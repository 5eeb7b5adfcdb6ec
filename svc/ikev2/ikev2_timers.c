/* Timers: a binary min-heap of embedded records, and the protocol-event API. */
#include "ikev2_timers.h"

#include <stdlib.h>
#include <openssl/rand.h>

#include "ikev2_core.h"

#define RETX_MAX_SHIFT 6

void ikev2_timers_init(struct ikev2_timers *t)
{
	t->heap = NULL;
	t->n = t->cap = 0;
}

void ikev2_timers_fini(struct ikev2_timers *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		t->heap[i]->slot = 0;
	free(t->heap);
	ikev2_timers_init(t);
}

uint64_t ikev2_timers_next(const struct ikev2_timers *t)
{
	return t->n ? t->heap[0]->at : UINT64_MAX;
}

static void place(struct ikev2_timers *t, uint32_t i, struct ikev2_timer *x)
{
	t->heap[i] = x;
	x->slot = i + 1;
}

static void sift_up(struct ikev2_timers *t, uint32_t i)
{
	struct ikev2_timer *x = t->heap[i];

	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (t->heap[p]->at <= x->at)
			break;
		place(t, i, t->heap[p]);
		i = p;
	}
	place(t, i, x);
}

static void sift_down(struct ikev2_timers *t, uint32_t i)
{
	struct ikev2_timer *x = t->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && t->heap[c + 1]->at < t->heap[c]->at)
			c++;
		if (x->at <= t->heap[c]->at)
			break;
		place(t, i, t->heap[c]);
		i = c;
	}
	place(t, i, x);
}

static void cancel(struct ikev2_timers *t, struct ikev2_timer *x)
{
	uint32_t i;

	if (!x->slot)
		return;
	i = x->slot - 1;
	x->slot = 0;
	if (--t->n == i)
		return;
	place(t, i, t->heap[t->n]);
	sift_down(t, i);
	sift_up(t, t->heap[i]->slot - 1);
}

static void arm(struct ikev2_engine *e, struct ikev2_timer *x, uint64_t at)
{
	struct ikev2_timers *t = &e->timers;

	cancel(t, x);
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		struct ikev2_timer **h = realloc(t->heap, cap * sizeof(*h));
		if (!h)
			abort(); /* out of memory: a broken invariant, not peer input */
		t->heap = h;
		t->cap = cap;
	}
	x->at = at;
	place(t, t->n++, x);
	sift_up(t, t->n - 1);
}

static void arm_in(struct ikev2_engine *e, struct ikev2_timer *x, uint64_t ms)
{
	arm(e, x, ikev2_now(e) + ms);
}

void ikev2_timers_run(struct ikev2_engine *e, uint64_t now)
{
	struct ikev2_timers *t = &e->timers;

	while (t->n && t->heap[0]->at <= now) {
		struct ikev2_timer *x = t->heap[0];
		cancel(t, x);
		switch ((enum ikev2_timer_kind)x->kind) {
		case IKEV2_T_RETRANSMIT: ikev2_tm_retransmit(e, x->obj); break;
		case IKEV2_T_HALF_OPEN: ikev2_engine_on_half_open(e, x->obj); break;
		case IKEV2_T_IKE_REKEY: ikev2_engine_on_ike_rekey(e, x->obj); break;
		case IKEV2_T_LIVENESS: ikev2_engine_on_liveness(e, x->obj); break;
		case IKEV2_T_KEEPALIVE: ikev2_engine_on_keepalive(e, x->obj); break;
		case IKEV2_T_CHILD_REKEY: ikev2_engine_on_child_rekey(e, x->obj); break;
		case IKEV2_T_CHILD_EXPIRE: ikev2_engine_on_child_expire(e, x->obj); break;
		case IKEV2_T_REAP: ikev2_engine_on_reap(e, x->obj); break;
		case IKEV2_T_N: break;
		}
	}
}

static void rec(struct ikev2_timer *x, enum ikev2_timer_kind k, void *obj)
{
	x->at = 0;
	x->slot = 0;
	x->kind = (uint8_t)k;
	x->obj = obj;
}

void ikev2_timers_sa_init(struct ikev2_sa *sa)
{
	rec(&sa->t_retx, IKEV2_T_RETRANSMIT, sa);
	rec(&sa->t_half, IKEV2_T_HALF_OPEN, sa);
	rec(&sa->t_rekey, IKEV2_T_IKE_REKEY, sa);
	rec(&sa->t_live, IKEV2_T_LIVENESS, sa);
	rec(&sa->t_keepalive, IKEV2_T_KEEPALIVE, sa);
	rec(&sa->t_reap, IKEV2_T_REAP, sa);
}

void ikev2_timers_child_init(struct ikev2_child *c)
{
	rec(&c->t_rekey, IKEV2_T_CHILD_REKEY, c);
	rec(&c->t_expire, IKEV2_T_CHILD_EXPIRE, c);
}

/* A random number of milliseconds in [0, max_ms]. */
static uint64_t jitter_ms(uint64_t max_ms)
{
	uint32_t r = 0;

	if (!max_ms)
		return 0;
	RAND_bytes((unsigned char *)&r, sizeof(r));
	return (uint64_t)r % (max_ms + 1);
}

/* The liveness interval in force (ms), 0 off. */
static uint64_t live_ms(const struct ikev2_engine *e)
{
	unsigned period, max_failures;

	ikev2_liveness_get(e, &period, &max_failures);
	return (uint64_t)period * 1000u;
}

void ikev2_timers_liveness_sent(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint64_t ms = live_ms(e);

	arm_in(e, &sa->t_retx, ms ? ms : e->cfg.retransmit_ms);
}

void ikev2_timers_request_sent(struct ikev2_engine *e, struct ikev2_sa *sa, unsigned try)
{
	unsigned shift = try > RETX_MAX_SHIFT ? RETX_MAX_SHIFT : try;

	arm_in(e, &sa->t_retx, (uint64_t)e->cfg.retransmit_ms << shift);
}

void ikev2_timers_response_received(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	cancel(&e->timers, &sa->t_retx);
}

void ikev2_timers_half_open(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	arm_in(e, &sa->t_half, e->cfg.half_open_ms);
}

void ikev2_timers_ike_established(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint64_t life = e->cfg.ike_lifetime_s * 1000u;

	cancel(&e->timers, &sa->t_half);
	if (life) {
		uint64_t in = life - jitter_ms(life * e->cfg.jitter_pct / 100u);
		arm_in(e, &sa->t_rekey, in);
		sa->rekey_rt = ikev2_realtime_s() + in / 1000u;
	}
	if (live_ms(e))
		arm_in(e, &sa->t_live, live_ms(e));
	if (sa->nat_local && e->cfg.keepalive_s)
		arm_in(e, &sa->t_keepalive, (uint64_t)e->cfg.keepalive_s * 1000u);
	else
		cancel(&e->timers, &sa->t_keepalive);
}

void ikev2_timers_ike_rekey_retry(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint64_t in = (uint64_t)e->cfg.rekey_retry_s * 1000u;

	arm_in(e, &sa->t_rekey, in + jitter_ms(in / 2));
}

void ikev2_timers_peer_alive(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint64_t ms = live_ms(e);

	sa->last_rx_ms = ikev2_now(e);
	/* Armed once established; also when liveness was turned on since. */
	if (ms && (sa->t_live.slot || sa->state == IKEV2_SA_ESTABLISHED))
		arm_in(e, &sa->t_live, ms);
}

void ikev2_timers_liveness_checked(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (live_ms(e))
		arm_in(e, &sa->t_live, live_ms(e));
}

void ikev2_timers_keepalive_sent(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (e->cfg.keepalive_s)
		arm_in(e, &sa->t_keepalive, (uint64_t)e->cfg.keepalive_s * 1000u);
}

void ikev2_timers_child_installed(struct ikev2_engine *e, struct ikev2_child *c)
{
	const struct ikev2_sa *sa = c->ike;
	uint64_t life_s = e->cfg.child_lifetime_s, jit_ms, hard_ms, soft_ms;

	if (sa->has_prof && sa->prof.lifetime_set) {
		life_s = sa->prof.lifetime;
		jit_ms = jitter_ms((uint64_t)sa->prof.jitter * 1000u);
		hard_ms = (life_s + (sa->prof.handover ? sa->prof.handover : life_s / 10u)) * 1000u;
	} else {
		jit_ms = jitter_ms(life_s * 1000u * e->cfg.jitter_pct / 100u);
		hard_ms = (life_s + life_s / 10u) * 1000u;
	}
	if (!life_s)
		return;
	soft_ms = life_s * 1000u > jit_ms ? life_s * 1000u - jit_ms : 1000u;
	arm_in(e, &c->t_rekey, soft_ms);
	arm_in(e, &c->t_expire, hard_ms);
	c->rekey_rt = ikev2_realtime_s() + soft_ms / 1000u;
	c->expire_rt = ikev2_realtime_s() + hard_ms / 1000u;
}

static uint64_t until_ms(uint64_t rt_s)
{
	uint64_t now = ikev2_realtime_s();

	return rt_s > now ? (rt_s - now) * 1000u : 1000u;
}

void ikev2_timers_ike_restored(struct ikev2_engine *e, struct ikev2_sa *sa, uint64_t rekey_s)
{
	ikev2_timers_ike_established(e, sa);
	if (rekey_s && sa->t_rekey.slot) {
		arm_in(e, &sa->t_rekey, until_ms(rekey_s));
		sa->rekey_rt = rekey_s;
	}
}

void ikev2_timers_child_restored(struct ikev2_engine *e, struct ikev2_child *c)
{
	if (c->rekey_rt)
		arm_in(e, &c->t_rekey, until_ms(c->rekey_rt));
	if (c->expire_rt)
		arm_in(e, &c->t_expire, until_ms(c->expire_rt));
}

void ikev2_timers_child_rekey_retry(struct ikev2_engine *e, struct ikev2_child *c)
{
	uint64_t in = (uint64_t)e->cfg.rekey_retry_s * 1000u;

	in += jitter_ms(in / 2);
	if (c->t_expire.slot && ikev2_now(e) + in >= c->t_expire.at)
		return; /* too late: it expires first */
	arm_in(e, &c->t_rekey, in);
}

void ikev2_timers_child_removed(struct ikev2_engine *e, struct ikev2_child *c)
{
	cancel(&e->timers, &c->t_rekey);
	cancel(&e->timers, &c->t_expire);
}

void ikev2_timers_sa_dead(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_timer *all[] = { &sa->t_retx, &sa->t_half, &sa->t_rekey, &sa->t_live,
				      &sa->t_keepalive };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cancel(&e->timers, all[i]);
	arm(e, &sa->t_reap, ikev2_now(e));
}

void ikev2_timers_sa_removed(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_timer *all[] = { &sa->t_retx, &sa->t_half, &sa->t_rekey, &sa->t_live,
				      &sa->t_keepalive, &sa->t_reap };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cancel(&e->timers, all[i]);
}

uint64_t ikev2_timers_left(const struct ikev2_engine *e, const struct ikev2_timer *t)
{
	uint64_t now = ikev2_now(e);

	if (!t->slot)
		return UINT64_MAX;
	return t->at > now ? t->at - now : 0;
}

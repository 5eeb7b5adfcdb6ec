/* Assertions over the state of two engines (white box: ikev2_sa.h). */
#ifndef IPSECGW_TESTS_IKEV2D_CHECK_H
#define IPSECGW_TESTS_IKEV2D_CHECK_H

#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ikev2_sa.h"
#include "peer.h"

/* The only established IKE SA of a peer (checks there is exactly one). */
static inline struct ikev2_sa *c_the_sa(struct t_peer *p)
{
	struct ikev2_sa *found = NULL;
	unsigned n = 0;

	for (struct ikev2_sa *sa = p->e->first; sa; sa = sa->next)
		if (sa->state != IKEV2_SA_DEAD) {
			n++;
			found = sa;
		}
	CHECK(n == 1, "%s has %u live IKE SAs, expected 1", p->name, n);
	return found;
}

static inline unsigned c_n_sa(struct t_peer *p)
{
	unsigned n = 0;

	for (struct ikev2_sa *sa = p->e->first; sa; sa = sa->next)
		n += sa->state != IKEV2_SA_DEAD;
	return n;
}

static inline unsigned c_n_child(const struct ikev2_sa *sa, enum ikev2_child_state st)
{
	unsigned n = 0;

	for (struct ikev2_child *c = sa->children; c; c = c->next)
		n += c->state == st;
	return n;
}

/* Both ends agree on the IKE SA: SPIs, transforms, keys (SK_d and SK payload keys). */
static inline void c_ike_match(struct ikev2_sa *a, struct ikev2_sa *b)
{
	CHECK(a->state == IKEV2_SA_ESTABLISHED && b->state == IKEV2_SA_ESTABLISHED, "states %s %s",
	      ikev2_sa_state_name(a->state), ikev2_sa_state_name(b->state));
	CHECK(memcmp(a->spi_i, b->spi_i, 8) == 0 && memcmp(a->spi_r, b->spi_r, 8) == 0, "IKE SPIs differ");
	CHECK(a->initiator != b->initiator, "both initiators");
	CHECK(memcmp(&a->xf, &b->xf, sizeof(a->xf)) == 0, "transforms differ");
	CHECK(a->keys.prf_len == b->keys.prf_len && memcmp(a->keys.sk_d, b->keys.sk_d, a->keys.prf_len) == 0,
	      "SK_d differs");
	CHECK(memcmp(a->keys.sk_ei, b->keys.sk_ei, a->keys.e_len) == 0 &&
	      memcmp(a->keys.sk_er, b->keys.sk_er, a->keys.e_len) == 0, "SK_e differs");
}

/* Every installed child of a has its twin on b, with the same keys in the
 * SAD in each direction, and the tunnel protection of both names them. */
static inline void c_children_match(struct t_peer *pa, struct ikev2_sa *a, struct t_peer *pb,
				    struct ikev2_sa *b)
{
	for (struct ikev2_child *c = a->children; c; c = c->next) {
		struct ikev2_child *d;
		struct t_sa *ao, *ai, *bo, *bi;
		if (c->state == IKEV2_CHILD_DELETED || c->state == IKEV2_CHILD_CREATING)
			continue;
		d = ikev2_child_by_in(b, c->spi_out);
		CHECK(d && d->spi_out == c->spi_in, "%s child %08x has no twin", pa->name, c->spi_in);
		ao = t_sa_find(pa, c->sa_out), ai = t_sa_find(pa, c->sa_in);
		bo = t_sa_find(pb, d->sa_out), bi = t_sa_find(pb, d->sa_in);
		CHECK(ao && ai && bo && bi, "SAD entries missing");
		CHECK(ao->s.spi == c->spi_out && bi->s.spi == c->spi_out && ai->s.spi == c->spi_in, "SAD SPIs");
		CHECK(ao->s.ckey_len == bi->s.ckey_len && memcmp(ao->s.ckey, bi->s.ckey, ao->s.ckey_len) == 0 &&
		      ao->s.ikey_len == bi->s.ikey_len && memcmp(ao->s.ikey, bi->s.ikey, ao->s.ikey_len) == 0,
		      "child %08x: a's outbound keys are not b's inbound keys", c->spi_in);
		CHECK(ai->s.ckey_len == bo->s.ckey_len && memcmp(ai->s.ckey, bo->s.ckey, ai->s.ckey_len) == 0 &&
		      memcmp(ai->s.ikey, bo->s.ikey, ai->s.ikey_len) == 0, "inbound/outbound keys");
		CHECK(ao->s.crypto_alg == bi->s.crypto_alg && ao->s.integ_alg == bi->s.integ_alg, "algorithms");
		CHECK(memcmp(&ao->s.dst, &bi->s.dst, sizeof(ao->s.dst)) == 0 || ao->s.udp_encap, "tunnel dst");
		CHECK(c->tunnel != UINT32_MAX && t_tun_find(pa, c->tunnel), "tunnel");
	}
}

/* Each tunnel of a peer: up, and sends on an installed SA. */
static inline void c_tunnels_sane(struct t_peer *p)
{
	for (int i = 0; i < T_MAX_TUN; i++) {
		struct t_tun *t = &p->tun[i];
		if (!t->used)
			continue;
		CHECK(t->up, "%s: ipsec%u is down", p->name, t->n);
		CHECK(t->out && t_sa_find(p, t->out), "%s: ipsec%u has no outbound SA", p->name, t->n);
		CHECK(t->n_in >= 1, "%s: ipsec%u has no inbound SA", p->name, t->n);
	}
}

/* Establish the seed's use case: a initiates "pr1" towards b. */
static inline void c_establish(struct t_world *w)
{
	t_profile(&w->p[0], "pr1", true, &w->p[1].addr);
	t_profile(&w->p[1], "pr1", false, NULL);
	t_world_start(w);
	CHECK(ikev2_engine_initiate(w->p[0].e, "pr1") == 0, "initiate");
	t_run(w);
	c_ike_match(c_the_sa(&w->p[0]), c_the_sa(&w->p[1]));
	c_children_match(&w->p[0], c_the_sa(&w->p[0]), &w->p[1], c_the_sa(&w->p[1]));
	c_children_match(&w->p[1], c_the_sa(&w->p[1]), &w->p[0], c_the_sa(&w->p[0]));
}

static inline uint64_t c_spi64(const struct ikev2_sa *sa)
{
	return ikev2_spi_u64(sa->spi_i);
}

#endif

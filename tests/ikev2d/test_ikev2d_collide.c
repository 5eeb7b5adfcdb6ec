/*
 * Collisions scripted message by message (RFC 7296 2.8.1, 2.8.2, 2.25):
 * simultaneous child rekeys (in both arrival orders), simultaneous IKE SA
 * rekeys, delete during a child rekey and during an IKE rekey, a child
 * rekey during an IKE rekey. After each, both ends agree on one IKE SA (or
 * none) and the same children, and the SAD holds exactly their SAs.
 */
#include "check.h"

static void settle(struct t_world *w)
{
	t_advance(w, 1);
}

static void agree(struct t_world *w, unsigned children)
{
	struct ikev2_sa *a = c_the_sa(&w->p[0]), *b = c_the_sa(&w->p[1]);

	c_ike_match(a, b);
	c_children_match(&w->p[0], a, &w->p[1], b);
	c_children_match(&w->p[1], b, &w->p[0], a);
	c_tunnels_sane(&w->p[0]);
	c_tunnels_sane(&w->p[1]);
	for (int i = 0; i < 2; i++) {
		struct ikev2_sa *s = c_the_sa(&w->p[i]);
		CHECK(c_n_child(s, IKEV2_CHILD_INSTALLED) == children && ikev2_sa_n_children(s) == children,
		      "%s: %u children, expected %u", w->p[i].name, ikev2_sa_n_children(s), children);
		CHECK(t_n_sad(&w->p[i]) == 2 * children, "%s: %u SAD entries", w->p[i].name, t_n_sad(&w->p[i]));
	}
}

/* Swap the first two queued datagrams. */
static void swap12(struct t_world *w)
{
	struct t_pkt *k = w->q[0];

	CHECK(w->qn >= 2, "two datagrams queued");
	w->q[0] = w->q[1];
	w->q[1] = k;
}

static void t_child_rekey_both(bool reorder)
{
	struct t_world w;
	uint32_t a_in, b_in;

	t_world_init(&w);
	c_establish(&w);
	a_in = c_the_sa(&w.p[0])->children->spi_in;
	b_in = c_the_sa(&w.p[1])->children->spi_in;
	CHECK(ikev2_engine_rekey_child(w.p[0].e, a_in) == 0 && ikev2_engine_rekey_child(w.p[1].e, b_in) == 0,
	      "both rekey");
	CHECK(w.qn == 2, "two requests in flight");
	if (reorder) {
		/* a's request reaches b; b's answer overtakes b's own request. */
		t_step(&w);
		swap12(&w);
	}
	t_run(&w);
	settle(&w);
	agree(&w, 1);
	CHECK(c_the_sa(&w.p[0])->children->spi_in != a_in && c_the_sa(&w.p[1])->children->spi_in != b_in,
	      "both sides on a new child");
	t_world_fini(&w);
}

static void t_ike_rekey_both(bool reorder)
{
	struct t_world w;
	uint8_t old[8];
	uint32_t child;

	t_world_init(&w);
	c_establish(&w);
	memcpy(old, c_the_sa(&w.p[0])->spi_i, 8);
	child = c_the_sa(&w.p[0])->children->spi_in;
	CHECK(ikev2_engine_rekey_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0 &&
	      ikev2_engine_rekey_ike(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "both rekey");
	if (reorder) {
		t_step(&w);
		swap12(&w);
	}
	t_run(&w);
	settle(&w);
	agree(&w, 1);
	CHECK(memcmp(c_the_sa(&w.p[0])->spi_i, old, 8) != 0, "a new IKE SA");
	CHECK(c_the_sa(&w.p[0])->children->spi_in == child, "the child moved over");
	/* And it works. */
	CHECK(ikev2_engine_rekey_child(w.p[1].e, c_the_sa(&w.p[1])->children->spi_in) == 0, "rekey child");
	t_run(&w);
	settle(&w);
	agree(&w, 1);
	t_world_fini(&w);
}

static void t_delete_during_child_rekey(void)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_rekey_child(w.p[0].e, c_the_sa(&w.p[0])->children->spi_in) == 0, "a rekeys");
	CHECK(ikev2_engine_delete_child(w.p[1].e, c_the_sa(&w.p[1])->children->spi_in) == 0, "b deletes");
	t_run(&w);
	settle(&w);
	agree(&w, 0);
	CHECK(t_n_tun(&w.p[0]) == 0 && t_n_tun(&w.p[1]) == 0, "tunnels gone");
	CHECK(ikev2_engine_counters(w.p[1].e)->fail[SHM_IKE_FAIL_TEMPORARY] == 1, "b said TEMPORARY_FAILURE");
	t_world_fini(&w);
}

static void t_delete_during_ike_rekey(void)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_rekey_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "a rekeys");
	CHECK(ikev2_engine_delete_ike(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "b deletes");
	t_run(&w);
	settle(&w);
	for (int i = 0; i < 2; i++) {
		CHECK(c_n_sa(&w.p[i]) == 0, "%s: no IKE SA", w.p[i].name);
		CHECK(t_n_sad(&w.p[i]) == 0 && t_n_tun(&w.p[i]) == 0, "%s: nothing installed", w.p[i].name);
	}
	t_world_fini(&w);
}

static void t_child_rekey_during_ike_rekey(void)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_rekey_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "a rekeys the IKE SA");
	CHECK(ikev2_engine_rekey_child(w.p[1].e, c_the_sa(&w.p[1])->children->spi_in) == 0, "b the child");
	t_run(&w);
	settle(&w);
	agree(&w, 1);
	CHECK(ikev2_engine_counters(w.p[0].e)->fail[SHM_IKE_FAIL_TEMPORARY] == 0 &&
	      ikev2_engine_counters(w.p[1].e)->fail[SHM_IKE_FAIL_TEMPORARY] == 1, "b was told to wait");
	/* b tries again on the new IKE SA. */
	t_advance(&w, 30000);
	agree(&w, 1);
	CHECK(ikev2_engine_counters(w.p[1].e)->child_rekeys == 1, "the child was rekeyed after all");
	t_world_fini(&w);
}

static void t_delete_both(void)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_delete_child(w.p[0].e, c_the_sa(&w.p[0])->children->spi_in) == 0 &&
	      ikev2_engine_delete_child(w.p[1].e, c_the_sa(&w.p[1])->children->spi_in) == 0, "both delete");
	t_run(&w);
	settle(&w);
	agree(&w, 0);
	CHECK(ikev2_engine_delete_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0 &&
	      ikev2_engine_delete_ike(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "both delete the IKE SA");
	t_run(&w);
	settle(&w);
	CHECK(c_n_sa(&w.p[0]) == 0 && c_n_sa(&w.p[1]) == 0, "gone");
	t_world_fini(&w);
}

int main(void)
{
	gw_log_init("test_ikev2d_collide", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	for (int i = 0; i < 8; i++) { /* nonces are random: both outcomes of the tie-break */
		t_child_rekey_both(false);
		t_child_rekey_both(true);
		t_ike_rekey_both(false);
		t_ike_rekey_both(true);
	}
	t_delete_during_child_rekey();
	t_delete_during_ike_rekey();
	t_child_rekey_during_ike_rekey();
	t_delete_both();
	printf("test_ikev2d_collide: ok\n");
	return 0;
}

/*
 * The IKE SA table in the region: an engine that dies (kill -9: nothing
 * torn down, nothing said to the peer) and a new one that restores its SAs
 * from the region and goes on — answering the peer, rekeying, deleting —
 * while the installed children were never touched. Also a request that
 * was in flight when the process died.
 */
#include "check.h"
#include "tmpregion.h"

static struct shm_region R;

static void kill9_a(struct t_world *w)
{
	/* The process is gone: its memory too. The region and the SAD stay. */
	ikev2_engine_free(w->p[0].e);
	w->p[0].e = NULL;
}

static unsigned region_sas(void)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < shm_capacity(&R, SHM_T_IKE_SA); i++)
		n += ((struct shm_ike_sa *)shm_rec(&R, SHM_T_IKE_SA, i))->h.in_use != 0;
	return n;
}

static void establish_with_region(struct t_world *w)
{
	t_world_init(w);
	t_profile(&w->p[0], "pr1", true, &w->p[1].addr);
	t_profile(&w->p[1], "pr1", false, NULL);
	t_peer_start(w, 0, &R);
	t_peer_start(w, 1, NULL);
	CHECK(ikev2_engine_initiate(w->p[0].e, "pr1") == 0, "initiate");
	t_run(w);
	c_ike_match(c_the_sa(&w->p[0]), c_the_sa(&w->p[1]));
	CHECK(region_sas() == 1, "persisted");
}

static void agree(struct t_world *w)
{
	struct ikev2_sa *a = c_the_sa(&w->p[0]), *b = c_the_sa(&w->p[1]);

	c_ike_match(a, b);
	c_children_match(&w->p[0], a, &w->p[1], b);
	c_children_match(&w->p[1], b, &w->p[0], a);
	c_tunnels_sane(&w->p[0]);
}

static void t_restart(void)
{
	struct t_world w;
	unsigned sad, tun;
	uint32_t child;

	establish_with_region(&w);
	CHECK(ikev2_engine_create_child(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "second child");
	t_run(&w);
	CHECK(ikev2_engine_rekey_child(w.p[1].e, c_the_sa(&w.p[1])->children->spi_in) == 0, "rekey");
	t_run(&w);
	t_advance(&w, 1);
	sad = t_n_sad(&w.p[0]);
	tun = t_n_tun(&w.p[0]);
	kill9_a(&w);
	CHECK(t_n_sad(&w.p[0]) == sad && t_n_tun(&w.p[0]) == tun && sad == 4, "the children stay installed");
	t_peer_start(&w, 0, &R);
	CHECK(ikev2_engine_restore(w.p[0].e) == 1, "restored");
	agree(&w);
	CHECK(c_n_child(c_the_sa(&w.p[0]), IKEV2_CHILD_INSTALLED) == 2, "both children back");
	/* The peer talks to the new process: a liveness check and a child rekey. */
	CHECK(ikev2_engine_liveness(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "dpd from b");
	t_run(&w);
	child = c_the_sa(&w.p[1])->children->spi_in;
	CHECK(ikev2_engine_rekey_child(w.p[1].e, child) == 0, "rekey from b");
	t_run(&w);
	t_advance(&w, 1);
	agree(&w);
	/* And the new process starts exchanges itself: IKE rekey, child rekey. */
	CHECK(ikev2_engine_rekey_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "IKE rekey from a");
	t_run(&w);
	t_advance(&w, 1);
	agree(&w);
	CHECK(region_sas() == 1, "the old IKE SA left the table");
	CHECK(ikev2_engine_rekey_child(w.p[0].e, c_the_sa(&w.p[0])->children->spi_in) == 0, "rekey from a");
	t_run(&w);
	t_advance(&w, 1);
	agree(&w);
	/* Restart again after the rekeys. */
	kill9_a(&w);
	t_peer_start(&w, 0, &R);
	CHECK(ikev2_engine_restore(w.p[0].e) == 1, "restored twice");
	agree(&w);
	CHECK(ikev2_engine_delete_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "delete");
	t_run(&w);
	t_advance(&w, 1);
	CHECK(region_sas() == 0 && t_n_sad(&w.p[0]) == 0 && t_n_tun(&w.p[0]) == 0 && t_n_sad(&w.p[1]) == 0,
	      "all gone");
	t_world_fini(&w);
}

static void t_in_flight(void)
{
	struct t_world w;
	const struct shm_ike_counters *c;

	establish_with_region(&w);
	/* a sends a request, then dies before the answer comes back. */
	CHECK(ikev2_engine_liveness(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "dpd");
	CHECK(w.qn == 1, "request on the wire");
	kill9_a(&w);
	t_step(&w);             /* b answers a process that is gone */
	CHECK(w.qn == 1, "b answered");
	free(w.q[0]);
	w.qn = 0;
	t_peer_start(&w, 0, &R);
	CHECK(ikev2_engine_restore(w.p[0].e) == 1, "restored");
	t_run(&w);              /* the probe reuses the message ID: b answers from its cache */
	c = ikev2_engine_counters(w.p[1].e);
	CHECK(c->resp_retransmits == 1, "answered from the cache");
	CHECK(ikev2_engine_rekey_child(w.p[0].e, c_the_sa(&w.p[0])->children->spi_in) == 0, "rekey");
	t_run(&w);
	t_advance(&w, 1);
	agree(&w);
	t_world_fini(&w);
}

int main(void)
{
	char err[256];

	gw_log_init("test_ikev2d_store", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	tmpregion_setup();
	CHECK(shm_region_create(&R, "ikstore", 0, err, sizeof(err)) == 0, "region: %s", err);
	t_restart();
	t_in_flight();
	shm_region_detach(&R);
	printf("test_ikev2d_store: ok\n");
	return 0;
}

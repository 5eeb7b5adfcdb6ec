/*
 * Diffie-Hellman off the event loop (ikev2_dh.h, env.dh_offload). First the
 * engine: the responder hands its IKE_SA_INIT requests over, the test
 * computes them on another thread and gives them back, and the exchanges
 * end as on the inline path (keys equal, children installed); a
 * retransmission while the job runs, an invalid public value, a refused
 * hand-over, and the cookie threshold counting requests in the workers.
 * Then the daemon's pool (ikev2_workers.h) on a libuv loop: g^ir right for
 * MODP and ECP, results delivered on the loop thread, the queue bound, and
 * jobs still queued at shutdown freed (the sanitizer build checks leaks
 * and races).
 */
#include <pthread.h>

#include <uv.h>

#include "check.h"
#include "ikev2_dh.h"
#include "ikev2_workers.h"

#define HELD_MAX 16

/* Jobs the responder handed over. */
static struct {
	struct ikev2_dh_job *j[HELD_MAX];
	unsigned n;
	unsigned offered;
	bool refuse;
} held;

static int t_offload(void *arg, struct ikev2_dh_job *j)
{
	(void)arg;
	held.offered++;
	if (held.refuse)
		return -EAGAIN;
	CHECK(held.n < HELD_MAX, "too many jobs");
	held.j[held.n++] = j;
	return 0;
}

static void *run_jobs(void *arg)
{
	struct ikev2_dh_job **j = arg;

	for (; *j; j++)
		ikev2_dh_job_run(*j);
	return NULL;
}

/* Compute the held jobs on another thread, then give them back in order. */
static unsigned complete(struct t_world *w)
{
	struct ikev2_dh_job *j[HELD_MAX + 1] = { NULL };
	unsigned n = held.n;
	pthread_t th;

	memcpy(j, held.j, n * sizeof(j[0]));
	held.n = 0;
	CHECK(pthread_create(&th, NULL, run_jobs, j) == 0, "thread");
	pthread_join(th, NULL);
	for (unsigned i = 0; i < n; i++)
		ikev2_engine_input_dh(w->p[1].e, j[i]);
	return n;
}

/* a initiates, b (responder) offloads. */
static void start(struct t_world *w, const struct shm_ike_transforms *ike)
{
	struct shm_profile *a = t_profile(&w->p[0], "pr1", true, &w->p[1].addr);
	struct shm_profile *b = t_profile(&w->p[1], "pr1", false, NULL);

	if (ike)
		a->ike = b->ike = *ike;
	memset(&held, 0, sizeof(held));
	t_peer_start(w, 0, NULL);
	w->p[1].env = (struct ikev2_env){ .arg = &w->p[1], .now_ms = t_now, .profile_next = t_prof_next,
					  .profile_get = t_prof_get, .event = t_event, .net = &t_net,
					  .net_arg = &w->p[1], .inst = &t_inst, .inst_arg = &w->p[1],
					  .local_key_file = t_local_key, .liveness = t_env_liveness,
					  .dh_offload = t_offload };
	w->p[1].e = ikev2_engine_new(&w->p[1].env, &w->cfg);
	CHECK(w->p[1].e, "engine");
}

static void established(struct t_world *w)
{
	struct ikev2_sa *a = c_the_sa(&w->p[0]), *b = c_the_sa(&w->p[1]);

	c_ike_match(a, b);
	c_children_match(&w->p[0], a, &w->p[1], b);
	c_children_match(&w->p[1], b, &w->p[0], a);
	CHECK(c_n_child(a, IKEV2_CHILD_INSTALLED) == 1 && c_n_child(b, IKEV2_CHILD_INSTALLED) == 1, "children");
}

static void t_deferred(uint8_t group)
{
	struct shm_ike_transforms ike = { 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA2_256_128, group, 256, 0 };
	const struct shm_ike_counters *c;
	struct t_world w;

	t_world_init(&w);
	start(&w, &ike);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	/* Handed over: nothing answered, no SA yet, nothing counted yet. */
	CHECK(held.n == 1 && held.j[0]->group == group, "one job for group %u", group);
	CHECK(w.sent[1] == 0 && c_n_sa(&w.p[1]) == 0, "b waits for the job");
	c = ikev2_engine_counters(w.p[1].e);
	CHECK(c->exch[0].req_rx == 0 && c->half_open == 0, "not counted yet");
	CHECK(complete(&w) == 1, "complete");
	t_run(&w);
	established(&w);
	CHECK(c_the_sa(&w.p[1])->xf.dh == group, "group");
	CHECK(c->exch[0].req_rx == 1 && c->exch[0].resp_tx == 1 && c->exch[1].resp_tx == 1, "counted once");
	CHECK(held.offered == 1, "only IKE_SA_INIT is handed over");
	/* An IKE rekey and a PFS-less child rekey afterwards stay on the loop. */
	CHECK(ikev2_engine_rekey_ike(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "rekey IKE");
	t_run(&w);
	t_advance(&w, 1);
	established(&w);
	CHECK(held.offered == 1 && held.n == 0, "rekey inline");
	t_world_fini(&w);
}

/* The initiator retransmits while the job runs: two jobs for one request;
 * the first makes the SA, the second is answered from the cache. */
static void t_retransmit_pending(void)
{
	struct t_world w;

	t_world_init(&w);
	start(&w, NULL);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	CHECK(held.n == 1, "one job");
	t_advance(&w, w.cfg.retransmit_ms + 1);
	CHECK(held.n == 2, "the retransmission is handed over too (%u)", held.n);
	CHECK(complete(&w) == 2, "complete");
	t_run(&w);
	established(&w);
	CHECK(c_n_sa(&w.p[1]) == 1, "one SA on b");
	CHECK(ikev2_engine_counters(w.p[1].e)->resp_retransmits == 1, "the second from the cache");
	t_world_fini(&w);
}

/* Zero the KE data of IKE_SA_INIT requests to b: not a point on the curve. */
static bool zero_ke(struct t_world *w, struct t_pkt *p, void *arg)
{
	struct ike_msg *m = malloc(sizeof(*m));

	(void)w, (void)arg;
	CHECK(m, "malloc");
	if (p->to == 1 && ike_parse_msg(p->data, p->len, m) == IKE_PARSE_OK &&
	    m->hdr.exchange == IKE_EXCH_SA_INIT && ike_msg_has(m, IKE_PL_KE))
		memset(p->data + (m->ke.data.ptr - p->data), 0, m->ke.data.len);
	free(m);
	return true;
}

static void t_invalid_value(void)
{
	struct t_world w;

	t_world_init(&w);
	start(&w, NULL);
	w.filter = zero_ke;
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	CHECK(held.n == 1, "handed over");
	complete(&w);
	t_run(&w);
	t_advance(&w, 1);
	CHECK(c_n_sa(&w.p[1]) == 0 && c_n_sa(&w.p[0]) == 0, "no SA on either side");
	CHECK(ikev2_engine_counters(w.p[1].e)->fail[SHM_IKE_FAIL_MALFORMED] == 1, "counted as malformed");
	CHECK(ikev2_engine_counters(w.p[1].e)->half_open == 0, "nothing half-open");
	t_world_fini(&w);
}

/* The offload refuses (full queue): computed inline, as without one. */
static void t_refused(void)
{
	struct t_world w;

	t_world_init(&w);
	start(&w, NULL);
	held.refuse = true;
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	established(&w);
	CHECK(held.offered == 1 && held.n == 0, "offered once, computed inline");
	t_world_fini(&w);
}

/* Requests in the workers count as half-open for the cookie threshold. */
static void t_cookie_pending(void)
{
	struct t_world w;

	t_world_init(&w);
	w.cfg.cookie_threshold = 1;
	start(&w, NULL);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate 1");
	t_run(&w);
	CHECK(held.n == 1 && ikev2_engine_counters(w.p[1].e)->cookies_sent == 0, "first: no cookie");
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate 2");
	t_run(&w);
	CHECK(ikev2_engine_counters(w.p[1].e)->cookies_sent == 1, "second: a COOKIE (one pending)");
	CHECK(held.n == 2, "the retry with the cookie is handed over");
	complete(&w);
	t_run(&w);
	CHECK(c_n_sa(&w.p[0]) == 2 && c_n_sa(&w.p[1]) == 2, "two IKE SAs");
	CHECK(ikev2_engine_counters(w.p[1].e)->cookies_invalid == 0, "no invalid cookie");
	t_world_fini(&w);
}

/* ---- the daemon's pool ----------------------------------------------------------- */

struct pool_ctx {
	pthread_t loop_thread;
	struct ike_dh *peer[2];         /* the initiators' key pairs: ecp-256, modp-2048 */
	unsigned delivered, bad;
};

static const uint16_t pool_groups[2] = { IKE_DH_ECP_256, IKE_DH_MODP_2048 };

static void pool_done(void *arg, struct ikev2_dh_job *j)
{
	struct pool_ctx *c = arg;
	uint8_t want[IKE_DH_MAX_PUB];
	const uint8_t *pub;
	size_t len;
	int g = j->group == IKE_DH_MODP_2048;

	CHECK(pthread_equal(pthread_self(), c->loop_thread), "delivered on the loop thread");
	CHECK(j->done && j->rc == 0 && j->dh, "job %u: rc %d", c->delivered, j->rc);
	pub = ike_dh_public(j->dh, &len);
	/* Both ends get the same g^ir. */
	CHECK(ike_dh_shared(c->peer[g], pub, len, want, j->gir_len) == 0, "peer side");
	if (memcmp(want, j->gir, j->gir_len) != 0)
		c->bad++;
	c->delivered++;
	ikev2_dh_job_free(j);
}

static struct ikev2_dh_job *pool_job(struct pool_ctx *c, int g)
{
	static const uint8_t raw[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ikev2_path p = { 0 };
	const uint8_t *pub;
	size_t len;

	pub = ike_dh_public(c->peer[g], &len);
	return ikev2_dh_job_new(pool_groups[g], pub, len, &p, false, raw, sizeof(raw));
}

static void t_pool(void)
{
	struct pool_ctx c = { .loop_thread = pthread_self() };
	struct ikev2_workers *wk;
	unsigned n = 0, max = 2 * IKEV2_WORKERS_QUEUE_PER;
	struct ikev2_dh_job *j;
	uv_loop_t loop;
	char err[128];

	for (int g = 0; g < 2; g++)
		CHECK((c.peer[g] = ike_dh_new(pool_groups[g])), "peer key");
	CHECK(uv_loop_init(&loop) == 0, "loop");
	CHECK(!ikev2_workers_new(&loop, 0, pool_done, &c, err, sizeof(err)), "0 threads refused");
	CHECK(!ikev2_workers_new(&loop, IKEV2_WORKERS_MAX + 1, pool_done, &c, err, sizeof(err)), "too many");
	wk = ikev2_workers_new(&loop, 2, pool_done, &c, err, sizeof(err));
	CHECK(wk, "workers: %s", err);
	/* The bound: jobs count until delivered, and nothing is delivered
	 * while the loop does not run. One MODP job in 8. */
	for (;;) {
		CHECK((j = pool_job(&c, n % 8 == 0)), "job");
		if (ikev2_workers_submit(wk, j) < 0) {
			ikev2_dh_job_free(j);
			break;
		}
		n++;
	}
	CHECK(n == max, "%u accepted, bound %u", n, max);
	while (c.delivered < n)
		uv_run(&loop, UV_RUN_ONCE);
	CHECK(c.bad == 0, "%u wrong g^ir", c.bad);
	/* Room again; then a shutdown with jobs queued and running. */
	for (unsigned i = 0; i < 24; i++) {
		CHECK((j = pool_job(&c, 1)), "job");
		CHECK(ikev2_workers_submit(wk, j) == 0, "submit after delivery");
	}
	ikev2_workers_free(wk);
	uv_run(&loop, UV_RUN_DEFAULT);
	CHECK(c.delivered == n, "nothing delivered after free");
	CHECK(uv_loop_close(&loop) == 0, "loop closed");
	for (int g = 0; g < 2; g++)
		ike_dh_free(c.peer[g]);
}

int main(void)
{
	gw_log_init("test_ikev2d_offload", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	t_deferred(IKE_DH_ECP_256);
	t_deferred(IKE_DH_MODP_2048);
	t_retransmit_pending();
	t_invalid_value();
	t_refused();
	t_cookie_pending();
	t_pool();
	printf("test_ikev2d_offload: ok\n");
	return 0;
}

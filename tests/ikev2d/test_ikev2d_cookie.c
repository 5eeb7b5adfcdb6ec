/*
 * Responder cookies (RFC 7296 2.6) between two engines over the mock
 * transport, on virtual time: with threshold 0 the first IKE_SA_INIT gets
 * only a COOKIE and leaves no state; the initiator's retry carries it as
 * the first payload with everything else unchanged, and succeeds; a forged
 * cookie, a stale one (secret replaced, grace over), one replayed from
 * another address or for another SPIi or nonce are refused with a new
 * COOKIE and counted; the previous secret's cookies are accepted within the
 * grace period; a lost answer to the cookie'd request is answered from the
 * cache; with threshold N cookies start at N half-open SAs. Counters exact.
 */
#include "check.h"

#define MAXREC 6

struct rec {
	unsigned n_req, n_resp;                 /* IKE_SA_INIT requests a->b, responses b->a */
	struct t_pkt *req[MAXREC], *resp[MAXREC];
	unsigned drop_req;                      /* lose request number k (1-based) */
	unsigned forge_req;                     /* flip the COOKIE's last octet in request k */
	unsigned drop_resp;                     /* lose response number k */
	bool drop_auth;                         /* lose IKE_AUTH requests */
};

static bool rec_filter(struct t_world *w, struct t_pkt *k, void *arg)
{
	struct rec *r = arg;
	bool resp = k->data[19] & IKE_HDR_F_RESPONSE;

	(void)w;
	if (k->len < 28)
		return true;
	if (k->data[18] == IKE_EXCH_AUTH)
		return !(r->drop_auth && !resp);
	if (k->data[18] != IKE_EXCH_SA_INIT)
		return true;
	if (!resp && k->to == 1) {
		unsigned n = ++r->n_req;
		if (n == r->forge_req)
			k->data[28 + 8 + IKEV2_COOKIE_LEN - 1] ^= 0x01;
		if (n <= MAXREC) {
			r->req[n - 1] = malloc(sizeof(*k));
			memcpy(r->req[n - 1], k, sizeof(*k));
		}
		return n != r->drop_req;
	}
	if (resp && k->to == 0) {
		unsigned n = ++r->n_resp;
		if (n <= MAXREC) {
			r->resp[n - 1] = malloc(sizeof(*k));
			memcpy(r->resp[n - 1], k, sizeof(*k));
		}
		return n != r->drop_resp;
	}
	return true;
}

static void rec_free(struct rec *r)
{
	for (unsigned i = 0; i < MAXREC; i++) {
		free(r->req[i]);
		free(r->resp[i]);
	}
	memset(r, 0, sizeof(*r));
}

static const struct shm_ike_counters *ctr(struct t_world *w, int i)
{
	return ikev2_engine_counters(w->p[i].e);
}

static void world(struct t_world *w, struct rec *r, unsigned threshold)
{
	t_world_init(w);
	w->cfg.cookie_threshold = threshold;
	w->filter = rec_filter;
	w->filter_arg = r;
	t_profile(&w->p[0], "pr1", true, &w->p[1].addr);
	t_profile(&w->p[1], "pr1", false, NULL);
	t_world_start(w);
}

/* A COOKIE-only response: SPIr zero, one payload, a cookie of ours. */
static void check_cookie_reply(const struct t_pkt *k, uint8_t *cookie)
{
	static struct ike_msg m;
	const struct ike_notify_pl *n;

	CHECK(ike_parse_msg(k->data, k->len, &m) == IKE_PARSE_OK, "COOKIE reply parses");
	CHECK(m.n_pl == 1 && (n = ike_msg_notify(&m, IKE_N_COOKIE)) && n->data.len == IKEV2_COOKIE_LEN,
	      "only N(COOKIE) of %d octets", IKEV2_COOKIE_LEN);
	CHECK(ikev2_spi_u64(m.hdr.spi_r) == 0, "SPIr zero: no SA was made");
	memcpy(cookie, n->data.ptr, IKEV2_COOKIE_LEN);
}

/* The retry carries the cookie as its first payload, everything else as before. */
static void check_retry(const struct t_pkt *first, const struct t_pkt *retry, const uint8_t *cookie)
{
	static struct ike_msg m;
	const size_t nlen = 8 + IKEV2_COOKIE_LEN;

	CHECK(ike_parse_msg(retry->data, retry->len, &m) == IKE_PARSE_OK, "retry parses");
	CHECK(m.pl[0].type == IKE_PL_NOTIFY && m.notify[0].type == IKE_N_COOKIE &&
	      memcmp(m.notify[0].data.ptr, cookie, IKEV2_COOKIE_LEN) == 0, "COOKIE first, as received");
	CHECK(retry->len == first->len + nlen && memcmp(retry->data, first->data, 16) == 0 &&
	      memcmp(retry->data + 28 + nlen, first->data + 28, first->len - 28) == 0,
	      "SPIi, SA, KE, Nonce, notifies unchanged");
}

static void check_no_state(struct t_world *w)
{
	CHECK(!w->p[1].e->first && ctr(w, 1)->half_open == 0 && ctr(w, 1)->ike_sas == 0, "b keeps no state");
}

static void established(struct t_world *w)
{
	t_advance(w, 1);
	c_ike_match(c_the_sa(&w->p[0]), c_the_sa(&w->p[1]));
	c_children_match(&w->p[0], c_the_sa(&w->p[0]), &w->p[1], c_the_sa(&w->p[1]));
	CHECK(ctr(w, 1)->half_open == 0 && ctr(w, 1)->ike_up == 1, "b: up, nothing half-open");
}

/* Threshold 0: COOKIE, then the retry succeeds. lose: b's answer to the
 * retry is lost once (a retransmits; b answers from its cache). */
static void t_always(bool lose)
{
	struct t_world w;
	struct rec r = { .drop_resp = lose ? 2 : 0 };
	uint8_t cookie[IKEV2_COOKIE_LEN];

	world(&w, &r, 0);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	CHECK(t_step(&w) && r.n_req == 1, "first request delivered");
	check_no_state(&w);
	CHECK(ctr(&w, 1)->cookies_sent == 1 && w.qn == 1, "one COOKIE answer");
	CHECK(t_step(&w) && r.n_resp == 1, "COOKIE delivered");
	check_cookie_reply(r.resp[0], cookie);
	t_advance(&w, 10000);
	check_retry(r.req[0], r.req[1], cookie);
	established(&w);
	CHECK(ctr(&w, 1)->cookies_sent == 1 && ctr(&w, 1)->cookies_invalid == 0, "b: 1 cookie, 0 invalid");
	CHECK(ctr(&w, 1)->exch[0].req_rx == 2 && ctr(&w, 1)->exch[0].resp_tx == 2,
	      "b: IKE_SA_INIT %llu in, %llu out", (unsigned long long)ctr(&w, 1)->exch[0].req_rx,
	      (unsigned long long)ctr(&w, 1)->exch[0].resp_tx);
	CHECK(ctr(&w, 1)->resp_retransmits == (unsigned)lose, "b: answers from the cache");
	CHECK(ctr(&w, 0)->exch[0].req_tx == 2 && ctr(&w, 0)->exch[0].resp_rx == 2 &&
	      ctr(&w, 0)->retransmits == (unsigned)lose, "a: IKE_SA_INIT sent twice");
	rec_free(&r);
	t_world_fini(&w);
}

/* A forged cookie is refused (a new COOKIE, counted); a retries with it. */
static void t_forged(void)
{
	struct t_world w;
	struct rec r = { .forge_req = 2 };

	world(&w, &r, 0);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	established(&w);
	CHECK(r.n_req == 3, "a sent %u IKE_SA_INIT requests", r.n_req);
	CHECK(ctr(&w, 1)->cookies_sent == 2 && ctr(&w, 1)->cookies_invalid == 1, "b: 2 cookies, 1 invalid");
	CHECK(ctr(&w, 1)->exch[0].req_rx == 3 && ctr(&w, 1)->exch[0].resp_tx == 3 && ctr(&w, 1)->dropped == 0,
	      "b: counters");
	rec_free(&r);
	t_world_fini(&w);
}

/* a's cookie'd request is held back for `wait_ms`, then delivered. */
static void t_aged(uint64_t wait_ms, bool accepted)
{
	struct t_world w;
	struct rec r = { .drop_req = 2 };

	world(&w, &r, 0);
	w.p[0].e->cfg.retransmit_ms = 600000; /* no retransmission while we wait */
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	CHECK(r.n_req == 2 && !w.p[1].e->first, "the retry is held back");
	t_advance(&w, wait_ms);
	ikev2_engine_input(w.p[1].e, &r.req[1]->path, r.req[1]->natt, r.req[1]->data, r.req[1]->len);
	if (accepted) {
		CHECK(w.p[1].e->first && ctr(&w, 1)->cookies_invalid == 0, "accepted after %llu ms",
		      (unsigned long long)wait_ms);
	} else {
		check_no_state(&w);
		CHECK(ctr(&w, 1)->cookies_invalid == 1 && ctr(&w, 1)->cookies_sent == 2, "refused after %llu ms",
		      (unsigned long long)wait_ms);
	}
	/* Either way a gets an answer it can go on with. */
	t_run(&w);
	established(&w);
	CHECK(ctr(&w, 1)->cookies_sent == (accepted ? 1u : 2u), "b: %llu cookies",
	      (unsigned long long)ctr(&w, 1)->cookies_sent);
	rec_free(&r);
	t_world_fini(&w);
}

/* The cookie binds the address, SPIi and nonce: replays that change one are refused. */
static void t_bound(void)
{
	struct t_world w;
	struct rec r = { .drop_req = 2 };
	static struct ike_msg m;
	struct t_pkt *k = malloc(sizeof(*k));
	size_t nonce_off;

	world(&w, &r, 0);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	CHECK(ike_parse_msg(r.req[1]->data, r.req[1]->len, &m) == IKE_PARSE_OK, "parse");
	nonce_off = (size_t)(m.nonce.ptr - r.req[1]->data);
	for (int v = 0; v < 3; v++) {
		memcpy(k, r.req[1], sizeof(*k));
		if (v == 0)
			t_addr(&k->path.remote, "192.0.2.77");
		else if (v == 1)
			k->data[7] ^= 0x80;     /* SPIi */
		else
			k->data[nonce_off] ^= 0x01;
		ikev2_engine_input(w.p[1].e, &k->path, k->natt, k->data, k->len);
		check_no_state(&w);
		CHECK(ctr(&w, 1)->cookies_invalid == (unsigned)v + 1, "variant %d refused", v);
		while (w.qn)            /* its COOKIE answers are not for a */
			free(w.q[--w.qn]);
	}
	ikev2_engine_input(w.p[1].e, &r.req[1]->path, r.req[1]->natt, r.req[1]->data, r.req[1]->len);
	t_run(&w);
	established(&w);
	CHECK(ctr(&w, 1)->cookies_invalid == 3 && ctr(&w, 1)->cookies_sent == 4, "counters");
	free(k);
	rec_free(&r);
	t_world_fini(&w);
}

/* Threshold 1: the first SA needs no cookie; while it is half-open the next does. */
static void t_threshold(void)
{
	struct t_world w;
	struct rec r = { .drop_auth = true };

	world(&w, &r, 1);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate 1");
	t_run(&w);
	CHECK(ctr(&w, 1)->half_open == 1 && ctr(&w, 1)->cookies_sent == 0, "first: no cookie, half-open");
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate 2");
	t_run(&w);
	CHECK(ctr(&w, 1)->half_open == 2 && ctr(&w, 1)->cookies_sent == 1 && r.n_req == 3,
	      "second: a COOKIE, then accepted (%llu half-open, %u requests)",
	      (unsigned long long)ctr(&w, 1)->half_open, r.n_req);
	r.drop_auth = false;
	t_advance(&w, 5000);    /* a retransmits IKE_AUTH */
	CHECK(c_n_sa(&w.p[0]) == 2 && c_n_sa(&w.p[1]) == 2 && ctr(&w, 1)->half_open == 0, "both up");
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate 3");
	t_run(&w);
	CHECK(c_n_sa(&w.p[1]) == 3 && ctr(&w, 1)->cookies_sent == 1 && ctr(&w, 1)->cookies_invalid == 0,
	      "below the threshold again: no cookie");
	rec_free(&r);
	t_world_fini(&w);
}

int main(void)
{
	gw_log_init("test_ikev2d_cookie", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	t_always(false);
	t_always(true);
	t_forged();
	t_aged(119000, true);           /* the current secret */
	t_aged(121000, true);           /* the previous secret, within its grace */
	t_aged(151000, false);          /* replaced and grace over */
	t_bound();
	t_threshold();
	printf("test_ikev2d_cookie: ok\n");
	return 0;
}

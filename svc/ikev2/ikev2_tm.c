/* The task manager: message IDs, window, retransmission, response cache,
 * exchange order. One request in flight each way (window size 1). */
#include "ikev2_tm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_wire.h"
#include "ikev2_core.h"
#include "log.h"

struct ikev2_exch *ikev2_tm_exch(uint8_t type, struct ikev2_task *a, struct ikev2_task *b)
{
	struct ikev2_exch *x = a ? calloc(1, sizeof(*x)) : NULL;

	if (!x) {
		if (a)
			a->ops->destroy(a);
		if (b)
			b->ops->destroy(b);
		return NULL;
	}
	x->type = type;
	x->t[x->n++] = a;
	if (b)
		x->t[x->n++] = b;
	return x;
}

void ikev2_tm_exch_free(struct ikev2_exch *x)
{
	if (!x)
		return;
	for (unsigned i = 0; i < x->n; i++)
		x->t[i]->ops->destroy(x->t[i]);
	free(x);
}

void ikev2_tm_queue(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_exch *x, bool front)
{
	struct ikev2_exch **pp = &sa->tm.queue;

	if (!x)
		return;
	if (sa->state == IKEV2_SA_DEAD) {
		ikev2_tm_exch_free(x);
		return;
	}
	if (!front)
		while (*pp)
			pp = &(*pp)->next;
	x->next = *pp;
	*pp = x;
	ikev2_tm_kick(e, sa);
}

static bool has_ops(const struct ikev2_exch *x, const struct ikev2_task_ops *ops)
{
	for (unsigned i = 0; x && i < x->n; i++)
		if (x->t[i]->ops == ops)
			return true;
	return false;
}

bool ikev2_tm_has(const struct ikev2_sa *sa, const struct ikev2_task_ops *ops)
{
	if (has_ops(sa->tm.active, ops))
		return true;
	for (const struct ikev2_exch *x = sa->tm.queue; x; x = x->next)
		if (has_ops(x, ops))
			return true;
	return false;
}

struct ikev2_task *ikev2_tm_active(const struct ikev2_sa *sa, const struct ikev2_task_ops *ops)
{
	const struct ikev2_exch *x = sa->tm.active;

	for (unsigned i = 0; x && i < x->n; i++)
		if (x->t[i]->ops == ops)
			return x->t[i];
	return NULL;
}

static void count(struct ikev2_engine *e, uint8_t exch, int what)
{
	int i = ikev2_exch_idx(exch);
	struct shm_ike_exch_counters *c;

	if (i < 0)
		return;
	c = &e->ctr->exch[i];
	switch (what) {
	case 0: c->req_tx++; break;
	case 1: c->req_rx++; break;
	case 2: c->resp_tx++; break;
	default: c->resp_rx++; break;
	}
}

/* Header + SK payload around a plaintext chain. */
static int seal(struct ikev2_sa *sa, uint8_t exch, bool response, uint32_t msgid,
		struct ike_build *inner, uint8_t **out, size_t *out_len)
{
	struct ike_hdr_info h = { 0 };
	struct ike_build ob;
	size_t cap = inner->len + 256, sk_off, len;
	uint8_t *buf = malloc(cap);
	int rc;

	if (!buf)
		return -ENOMEM;
	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.exchange = exch;
	h.flags = (uint8_t)((sa->initiator ? IKE_HDR_F_INITIATOR : 0) | (response ? IKE_HDR_F_RESPONSE : 0));
	h.msg_id = msgid;
	ike_build_init(&ob, buf, cap, &h);
	ike_build_sk(&ob, inner->len ? inner->first : IKE_PL_NONE, ike_sk_body_len(&sa->sk_out, inner->len),
		     &sk_off);
	if ((rc = ike_build_finish(&ob, &len)) == 0)
		rc = ike_sk_encrypt(&sa->sk_out, buf, len, sk_off, inner->buf, inner->len, NULL);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/* A liveness check under `ikev2 set liveness PERIOD MAX-FAILURES`: sent again
 * every PERIOD, the peer dead after MAX-FAILURES unanswered. Returns
 * MAX-FAILURES, or 0 for the usual retransmissions. */
static unsigned live_failures(const struct ikev2_engine *e, const struct ikev2_exch *x)
{
	unsigned period, max_failures;

	if (!x || x->type != IKE_EXCH_INFORMATIONAL || x->n != 1 || x->t[0]->ops != &task_dpd_ops)
		return 0;
	ikev2_liveness_get(e, &period, &max_failures);
	return period ? max_failures : 0;
}

static void arm_retransmit(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_exch *x, unsigned try)
{
	if (live_failures(e, x))
		ikev2_timers_liveness_sent(e, sa);
	else
		ikev2_timers_request_sent(e, sa, try);
}

static bool may_start(const struct ikev2_sa *sa, const struct ikev2_exch *x)
{
	switch (sa->state) {
	case IKEV2_SA_CONNECTING:
		return x->type == IKE_EXCH_SA_INIT || (x->type == IKE_EXCH_AUTH && sa->keyed);
	case IKEV2_SA_ESTABLISHED:
		return x->type == IKE_EXCH_CREATE_CHILD_SA || x->type == IKE_EXCH_INFORMATIONAL;
	case IKEV2_SA_REKEYING:
	case IKEV2_SA_REKEYED:
	case IKEV2_SA_DELETING:
		return x->type == IKE_EXCH_INFORMATIONAL;
	case IKEV2_SA_DEAD:
		break;
	}
	return false;
}

static void drop_task(struct ikev2_exch *x, unsigned i)
{
	x->t[i]->ops->destroy(x->t[i]);
	memmove(&x->t[i], &x->t[i + 1], (x->n - i - 1) * sizeof(x->t[0]));
	x->n--;
}

/* Build and send the request of x; 0, 1 (nothing left to send), -errno. */
static int send_request(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_exch *x)
{
	struct ikev2_tm *tm = &sa->tm;
	uint32_t msgid = x->type == IKE_EXCH_SA_INIT ? 0 : sa->tx_next;
	uint8_t *plain = malloc(IKEV2_MSG_MAX), *req = NULL;
	size_t req_len = 0;
	struct ike_build b;
	int rc = 0;

	if (!plain)
		return -ENOMEM;
	if (x->type == IKE_EXCH_SA_INIT) {
		struct ike_hdr_info h = { 0 };
		memcpy(h.spi_i, sa->spi_i, 8);
		h.exchange = IKE_EXCH_SA_INIT;
		h.flags = IKE_HDR_F_INITIATOR;
		ike_build_init(&b, plain, IKEV2_MSG_MAX, &h);
	} else {
		ike_build_init_chain(&b, plain, IKEV2_MSG_MAX);
	}
	for (unsigned i = 0; i < x->n;) {
		int r = x->t[i]->ops->build_i(e, sa, x->t[i], &b);
		if (r == IKEV2_TASK_SKIP) {
			drop_task(x, i);
			continue;
		}
		if (r != IKEV2_TASK_DONE) {
			rc = -EPROTO;
			goto out;
		}
		i++;
	}
	if (!x->n) {
		rc = 1;
		goto out;
	}
	if (b.err) {
		rc = b.err;
		goto out;
	}
	if (x->type == IKE_EXCH_SA_INIT) {
		if ((rc = ike_build_finish(&b, &req_len)) < 0)
			goto out;
		req = plain;
		plain = NULL;
		free(sa->init_req);
		if (!(sa->init_req = malloc(req_len))) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(sa->init_req, req, req_len);
		sa->init_req_len = req_len;
	} else if ((rc = seal(sa, x->type, false, msgid, &b, &req, &req_len)) < 0) {
		goto out;
	}
	free(tm->req);
	tm->req = req;
	tm->req_len = req_len;
	tm->req_natt = sa->natt;
	tm->tries = 0;
	tm->active = x;
	tm->active_msgid = msgid;
	if (msgid == sa->tx_next)
		sa->tx_next++;
	count(e, x->type, 0);
	ikev2_engine_send(e, &sa->path, sa->natt, req, req_len);
	arm_retransmit(e, sa, x, 0);
	if (sa->state != IKEV2_SA_CONNECTING)
		ikev2_store_save(e, sa);
out:
	if (plain) {
		OPENSSL_cleanse(plain, IKEV2_MSG_MAX);
		free(plain);
	}
	return rc;
}

void ikev2_tm_kick(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_tm *tm = &sa->tm;

	while (!tm->active && !tm->busy && tm->queue && sa->state != IKEV2_SA_DEAD) {
		struct ikev2_exch *x = tm->queue;
		uint8_t type = x->type;
		int rc;
		if (!may_start(sa, x))
			return;
		tm->queue = x->next;
		x->next = NULL;
		rc = send_request(e, sa, x);
		if (rc == 0)
			continue;
		ikev2_tm_exch_free(x);
		if (rc < 0) {
			gw_err("cannot build a %s request: %s", ike_wire_exchange_name(type), strerror(-rc));
			ikev2_sa_kill(e, sa, "internal error");
			return;
		}
	}
}

bool ikev2_tm_window_ok(const struct ikev2_sa *sa, bool response, uint32_t msgid)
{
	const struct ikev2_tm *tm = &sa->tm;

	if (response)
		return tm->active && msgid == tm->active_msgid;
	return msgid == sa->rx_next || (tm->resp && msgid == tm->resp_msgid && msgid + 1 == sa->rx_next);
}

static void handle_response(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx)
{
	struct ikev2_tm *tm = &sa->tm;
	struct ikev2_exch *x = tm->active;
	const struct ike_hdr_info *h = &rx->m->hdr;
	int rc = IKEV2_TASK_DONE;

	if (!x || h->msg_id != tm->active_msgid || (!tm->probe && h->exchange != x->type)) {
		ikev2_count_fail(e, SHM_IKE_FAIL_UNEXPECTED);
		e->ctr->dropped++;
		return;
	}
	tm->probe = false;
	ikev2_timers_response_received(e, sa);
	count(e, x->type, 3);
	if (x->type == IKE_EXCH_SA_INIT) {
		free(sa->init_resp);
		if ((sa->init_resp = malloc(rx->raw_len)))
			memcpy(sa->init_resp, rx->raw, rx->raw_len);
		sa->init_resp_len = sa->init_resp ? rx->raw_len : 0;
	}
	tm->active = NULL;
	free(tm->req);
	tm->req = NULL;
	tm->busy = true;
	for (unsigned i = 0; i < x->n && rc == IKEV2_TASK_DONE; i++)
		rc = x->t[i]->ops->process_i(e, sa, x->t[i], rx);
	tm->busy = false;
	if (x->type == IKE_EXCH_AUTH)
		ikev2_sa_auth_done(sa);
	if (rc == IKEV2_TASK_RESTART && sa->state != IKEV2_SA_DEAD) {
		x->next = tm->queue;
		tm->queue = x;
	} else {
		ikev2_tm_exch_free(x);
	}
	if (rc == IKEV2_TASK_FAILED) {
		ikev2_sa_kill(e, sa, "exchange failed");
		return;
	}
	if (sa->state != IKEV2_SA_DEAD && sa->state != IKEV2_SA_CONNECTING)
		ikev2_store_save(e, sa);
	ikev2_tm_kick(e, sa);
}

/* The tasks answering a request. 0, or an error notify in err. */
static int responder_tasks(struct ikev2_sa *sa, const struct ike_msg *m, struct ikev2_task **t,
			   unsigned *n, struct ikev2_nerr *err)
{
	*n = 0;
	switch (m->hdr.exchange) {
	case IKE_EXCH_SA_INIT:
		if (sa->rx_next != 0)
			return -1;
		t[(*n)++] = task_sa_init_new();
		t[(*n)++] = task_natd_new();
		break;
	case IKE_EXCH_AUTH:
		if (sa->state != IKEV2_SA_CONNECTING || !sa->keyed || sa->rx_next != 1)
			return -1;
		t[(*n)++] = task_auth_new();
		t[(*n)++] = task_child_create_new(true);
		break;
	case IKE_EXCH_CREATE_CHILD_SA:
		if (sa->state == IKEV2_SA_CONNECTING)
			return -1;
		if (sa->state != IKEV2_SA_ESTABLISHED && sa->state != IKEV2_SA_REKEYING) {
			ikev2_nerr_set(err, IKE_N_TEMPORARY_FAILURE, NULL, 0);
			return 0;
		}
		if (m->sa.n_props && m->sa.prop[0].protocol == IKE_PROTO_IKE)
			t[(*n)++] = task_ike_rekey_new();
		else if (sa->state == IKEV2_SA_REKEYING)
			ikev2_nerr_set(err, IKE_N_TEMPORARY_FAILURE, NULL, 0); /* 2.25.2 */
		else if (ike_msg_notify(m, IKE_N_REKEY_SA))
			t[(*n)++] = task_child_rekey_new(0);
		else
			t[(*n)++] = task_child_create_new(false);
		break;
	case IKE_EXCH_INFORMATIONAL:
		if (sa->state == IKEV2_SA_CONNECTING)
			return -1;
		t[(*n)++] = task_delete_new(false, NULL, 0);
		t[(*n)++] = task_dpd_new();
		break;
	default:
		return -1;
	}
	for (unsigned i = 0; i < *n; i++)
		if (!t[i])
			return -ENOMEM;
	return 0;
}

/* Send (and cache) a response. */
static void respond(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx,
		    uint8_t *resp, size_t len)
{
	struct ikev2_tm *tm = &sa->tm;

	free(tm->resp);
	tm->resp = resp;
	tm->resp_len = len;
	tm->resp_msgid = rx->m->hdr.msg_id;
	tm->resp_natt = rx->natt;
	sa->rx_next = rx->m->hdr.msg_id + 1;
	count(e, rx->m->hdr.exchange, 2);
	ikev2_engine_send(e, &rx->path, rx->natt, resp, len);
}

static int build_init_response(struct ikev2_sa *sa, const struct ikev2_rx *rx, struct ike_build *b,
			       uint8_t *buf, bool error)
{
	struct ike_hdr_info h = { 0 };

	memcpy(h.spi_i, rx->m->hdr.spi_i, 8);
	if (!error)
		memcpy(h.spi_r, sa->spi_r, 8);
	h.exchange = IKE_EXCH_SA_INIT;
	h.flags = IKE_HDR_F_RESPONSE;
	ike_build_init(b, buf, IKEV2_MSG_MAX, &h);
	return 0;
}

static void handle_request(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx)
{
	struct ikev2_tm *tm = &sa->tm;
	const struct ike_msg *m = rx->m;
	uint8_t exch = m->hdr.exchange;
	struct ikev2_task *t[IKEV2_EXCH_TASKS] = { NULL };
	struct ikev2_nerr err = { 0 };
	uint8_t *buf = NULL, *resp = NULL;
	size_t len = 0;
	struct ike_build b;
	unsigned n = 0;
	bool fatal;
	int rc;

	if (tm->resp && m->hdr.msg_id == tm->resp_msgid && m->hdr.msg_id + 1 == sa->rx_next) {
		/* A retransmitted request: the cached response, not processed again. */
		e->ctr->resp_retransmits++;
		ikev2_engine_send(e, &rx->path, rx->natt, tm->resp, tm->resp_len);
		return;
	}
	if (m->hdr.msg_id != sa->rx_next) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MSG_ID);
		e->ctr->dropped++;
		return;
	}
	count(e, exch, 1);
	tm->busy = true;
	rc = responder_tasks(sa, m, t, &n, &err);
	if (rc < 0) {
		e->ctr->dropped++;
		goto out;
	}
	for (unsigned i = 0; i < n && !err.type; i++) {
		rc = t[i]->ops->process_r(e, sa, t[i], rx, &err);
		if (rc == IKEV2_TASK_DROP) {
			e->ctr->dropped++;
			goto out;
		}
	}
	if (sa->state == IKEV2_SA_DEAD)
		goto out;
	if (!(buf = malloc(IKEV2_MSG_MAX)))
		goto out;
	if (exch == IKE_EXCH_SA_INIT)
		build_init_response(sa, rx, &b, buf, err.type != 0);
	else
		ike_build_init_chain(&b, buf, IKEV2_MSG_MAX);
	if (err.type) {
		ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, err.type, err.data, err.len);
	} else {
		for (unsigned i = 0; i < n; i++)
			if (t[i]->ops->build_r(e, sa, t[i], &b) < 0 && !b.err)
				b.err = -EPROTO;
	}
	if (b.err) {
		gw_err("cannot build the %s response: %s", ike_wire_exchange_name(exch), strerror(-b.err));
		goto out;
	}
	if (exch == IKE_EXCH_SA_INIT) {
		if (ike_build_finish(&b, &len) < 0)
			goto out;
		resp = buf;
		buf = NULL;
		if (!err.type) {
			free(sa->init_req);
			free(sa->init_resp);
			sa->init_req = malloc(rx->raw_len);
			sa->init_resp = malloc(len);
			if (!sa->init_req || !sa->init_resp)
				goto out;
			memcpy(sa->init_req, rx->raw, rx->raw_len);
			memcpy(sa->init_resp, resp, len);
			sa->init_req_len = rx->raw_len;
			sa->init_resp_len = len;
		}
	} else if (seal(sa, exch, true, m->hdr.msg_id, &b, &resp, &len) < 0) {
		goto out;
	}
	respond(e, sa, rx, resp, len);
	resp = NULL;
	fatal = err.type && (exch == IKE_EXCH_SA_INIT || exch == IKE_EXCH_AUTH);
	if (!err.type)
		for (unsigned i = 0; i < n; i++)
			if (t[i]->ops->post_r)
				t[i]->ops->post_r(e, sa, t[i]);
	tm->busy = false;
	if (exch == IKE_EXCH_AUTH)
		ikev2_sa_auth_done(sa);
	if (fatal) {
		ikev2_sa_kill(e, sa, ike_wire_notify_name(err.type));
	} else if (sa->state != IKEV2_SA_DEAD) {
		if (sa->state != IKEV2_SA_CONNECTING)
			ikev2_store_save(e, sa);
		ikev2_tm_kick(e, sa);
	}
out:
	tm->busy = false;
	for (unsigned i = 0; i < n; i++)
		if (t[i])
			t[i]->ops->destroy(t[i]);
	if (buf) {
		OPENSSL_cleanse(buf, IKEV2_MSG_MAX);
		free(buf);
	}
	free(resp);
}

void ikev2_tm_input(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx)
{
	if (rx->m->hdr.flags & IKE_HDR_F_RESPONSE)
		handle_response(e, sa, rx);
	else
		handle_request(e, sa, rx);
}

void ikev2_tm_retransmit(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_tm *tm = &sa->tm;
	unsigned live;

	if (!tm->active || !tm->req)
		return;
	live = live_failures(e, tm->active);
	if (++tm->tries > (live ? live - 1 : e->cfg.retransmit_tries)) {
		ikev2_engine_on_peer_dead(e, sa);
		return;
	}
	e->ctr->retransmits++;
	ikev2_engine_send(e, &sa->path, tm->req_natt, tm->req, tm->req_len);
	arm_retransmit(e, sa, tm->active, tm->tries);
}

void ikev2_tm_flush(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_tm *tm = &sa->tm;

	ikev2_timers_response_received(e, sa);
	ikev2_tm_exch_free(tm->active);
	tm->active = NULL;
	while (tm->queue) {
		struct ikev2_exch *x = tm->queue;
		tm->queue = x->next;
		ikev2_tm_exch_free(x);
	}
	free(tm->req);
	free(tm->resp);
	tm->req = tm->resp = NULL;
	tm->req_len = tm->resp_len = 0;
}

void ikev2_tm_move_queue(struct ikev2_engine *e, struct ikev2_sa *from, struct ikev2_sa *to)
{
	struct ikev2_exch **pp = &to->tm.queue;

	while (*pp)
		pp = &(*pp)->next;
	*pp = from->tm.queue;
	from->tm.queue = NULL;
	ikev2_tm_kick(e, to);
}

void ikev2_tm_reject(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx,
		     const struct ikev2_nerr *err)
{
	const struct ike_hdr_info *h = &rx->m->hdr;
	uint8_t buf[64], *resp;
	struct ike_build b;
	size_t len;

	if (h->msg_id != sa->rx_next) {
		e->ctr->dropped++;
		return;
	}
	count(e, h->exchange, 1);
	ike_build_init_chain(&b, buf, sizeof(buf));
	ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, err->type, err->data, err->len);
	if (b.err || seal(sa, h->exchange, true, h->msg_id, &b, &resp, &len) < 0)
		return;
	respond(e, sa, rx, resp, len);
	if (sa->state != IKEV2_SA_CONNECTING && sa->state != IKEV2_SA_DEAD)
		ikev2_store_save(e, sa);
}

void ikev2_tm_notify_once(struct ikev2_engine *e, struct ikev2_sa *sa, uint16_t type)
{
	uint8_t buf[64], *req;
	struct ike_build b;
	size_t len;

	if (!sa->keyed)
		return;
	ike_build_init_chain(&b, buf, sizeof(buf));
	ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, type, NULL, 0);
	if (b.err || seal(sa, IKE_EXCH_INFORMATIONAL, false, sa->tx_next, &b, &req, &len) < 0)
		return;
	sa->tx_next++;
	count(e, IKE_EXCH_INFORMATIONAL, 0);
	ikev2_engine_send(e, &sa->path, sa->natt, req, len);
	free(req);
}

void ikev2_tm_answer_init_error(struct ikev2_engine *e, const struct ikev2_rx *rx,
				const struct ikev2_nerr *err)
{
	struct ike_hdr_info h = { 0 };
	uint8_t buf[128];
	struct ike_build b;
	size_t len;

	memcpy(h.spi_i, rx->m->hdr.spi_i, 8);
	h.exchange = IKE_EXCH_SA_INIT;
	h.flags = IKE_HDR_F_RESPONSE;
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, err->type, err->data, err->len);
	if (ike_build_finish(&b, &len) == 0) {
		count(e, IKE_EXCH_SA_INIT, 2);
		ikev2_engine_send(e, &rx->path, rx->natt, buf, len);
	}
}

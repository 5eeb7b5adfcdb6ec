/* The engine: SA table, packet input, operator requests, timer handlers. */
#include "ikev2_engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_dh.h"
#include "ike_wire.h"
#include "ikev2_auth.h"
#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ikev2_dh.h"
#include "ikev2_prop.h"
#include "log.h"

void ikev2_cfg_defaults(struct ikev2_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->natt_port = IKEV2_PORT_NATT;
	c->retransmit_ms = 2000;
	c->retransmit_tries = 5;
	c->half_open_ms = 30000;
	c->liveness_s = 30;
	c->liveness_action = IKEV2_LIVENESS_CLEAR;
	c->keepalive_s = 20;
	c->ike_lifetime_s = 14400;
	c->child_lifetime_s = 3600;
	c->jitter_pct = 10;
	c->rekey_retry_s = 10;
	c->max_half_open = 4096;
	c->cookie_threshold = 128;
	c->cookie_secret_s = 120;
	c->cookie_grace_s = 30;
	c->sig_rfc7427 = true;
	c->sig_pss = false;
}

void ikev2_liveness_get(const struct ikev2_engine *e, unsigned *period_s, unsigned *max_failures)
{
	if (!e->env.liveness || e->env.liveness(e->env.arg, period_s, max_failures) < 0) {
		*period_s = e->cfg.liveness_s;
		*max_failures = 0;
	}
}

uint64_t ikev2_realtime_s(void)
{
	return (uint64_t)time(NULL);
}

struct ikev2_engine *ikev2_engine_new(const struct ikev2_env *env, const struct ikev2_cfg *cfg)
{
	struct ikev2_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->env = *env;
	e->cfg = *cfg;
	ikev2_timers_init(&e->timers);
	e->next_sa_id = IKEV2_SA_ID_BASE;
	e->ctr = &e->own_ctr;
	if (env->region) {
		e->ctr = shm_rec(env->region, SHM_T_IKE_COUNTERS, 0);
		/* Gauges describe this process's SAs: they restart with it. */
		e->ctr->ike_sas = e->ctr->half_open = e->ctr->child_sas = 0;
	}
	return e;
}

void ikev2_engine_free(struct ikev2_engine *e)
{
	if (!e)
		return;
	while (e->first) {
		struct ikev2_sa *sa = e->first;
		sa->store_slot = UINT32_MAX; /* the region keeps it for the next run */
		ikev2_sa_free(e, sa);
	}
	ikev2_timers_fini(&e->timers);
	ikev2_cred_fini(&e->cred);
	ikev2_cookie_fini(&e->cookies);
	free(e);
}

int ikev2_engine_restore(struct ikev2_engine *e)
{
	int n = ikev2_store_restore(e);

	ikev2_store_gc(e);
	return n;
}

int ikev2_engine_send(struct ikev2_engine *e, const struct ikev2_path *p, bool natt, const uint8_t *buf,
		      size_t len)
{
	return e->env.net->send(e->env.net_arg, p, natt, buf, len);
}

void ikev2_engine_event(struct ikev2_engine *e, enum ikev2_event_kind k, const struct ikev2_sa *sa,
			const struct ikev2_child *c)
{
	if (e->env.event)
		e->env.event(e->env.arg, k, sa, c);
}

void ikev2_engine_warn_weak(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_xf *xf,
			    bool esp)
{
	char n[40], en[32];

	(void)e;
	if (!ikev2_prop_is_weak(xf, esp))
		return;
	gw_warn("IKE SA %s: weak %s transforms negotiated as configured: %s %s %s",
		ikev2_sa_name(sa, n, sizeof(n)), esp ? "ESP" : "IKE",
		ikev2_prop_encr_name(xf->encr, xf->key_bits, en, sizeof(en)), ikev2_prop_integ_name(xf->integ),
		ikev2_prop_dh_name(xf->dh));
}

/* ---- input ------------------------------------------------------------------------ */

static void drop(struct ikev2_engine *e, enum shm_ike_fail why)
{
	ikev2_count_fail(e, why);
	e->ctr->dropped++;
}

/* Responder cookies (2.6): true when the request may create state. Else
 * it has been answered with a COOKIE, statelessly. A cookie that does not
 * verify is treated as no cookie (a new one is sent) and counted. */
static bool init_cookie_ok(struct ikev2_engine *e, const struct ikev2_rx *rx)
{
	const struct ike_msg *m = rx->m;
	const struct ike_notify_pl *n = ike_msg_notify(m, IKE_N_COOKIE);
	struct ikev2_nerr err = { 0 };
	uint8_t cookie[IKEV2_COOKIE_LEN];
	char a[64];

	if (!ikev2_cookie_required(e))
		return true;
	if (n && ikev2_cookie_check(e, m->hdr.spi_i, &rx->path.remote, &m->nonce, n->data.ptr, n->data.len) == 0)
		return true;
	e->ctr->exch[ikev2_exch_idx(IKE_EXCH_SA_INIT)].req_rx++;
	if (n) {
		e->ctr->cookies_invalid++;
		gw_debug("IKE_SA_INIT from %s: invalid or stale COOKIE",
			 ikev2_addr_str(&rx->path.remote, a, sizeof(a)));
	}
	if (ikev2_cookie_make(e, m->hdr.spi_i, &rx->path.remote, &m->nonce, cookie) < 0) {
		drop(e, SHM_IKE_FAIL_RESOURCES);
		return false;
	}
	ikev2_nerr_set(&err, IKE_N_COOKIE, cookie, sizeof(cookie));
	ikev2_tm_answer_init_error(e, rx, &err);
	e->ctr->cookies_sent++;
	OPENSSL_cleanse(cookie, sizeof(cookie));
	return false;
}

/* Does some proposal of the request carry its KE's group? */
static bool ke_group_offered(const struct ike_msg *m)
{
	for (unsigned i = 0; i < m->sa.n_props; i++)
		for (unsigned k = 0; k < m->sa.prop[i].n_xforms; k++)
			if (m->sa.prop[i].xf[k].type == IKE_XFORM_DH && m->sa.prop[i].xf[k].id == m->ke.group)
				return true;
	return false;
}

/* A new IKE_SA_INIT request that passed the cookie and limit checks: give
 * its Diffie-Hellman to env.dh_offload (true: taken, the request comes back
 * through ikev2_engine_input_dh). Only a KE that some proposal names, of a
 * group we have, of the right length: other requests are answered as usual
 * without the work (INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN, INVALID_SYNTAX). */
static bool init_offload(struct ikev2_engine *e, const struct ikev2_rx *rx)
{
	const struct ike_msg *m = rx->m;
	struct ikev2_dh_job *j;

	if (!e->env.dh_offload || !ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_KE) ||
	    !ike_msg_has(m, IKE_PL_NONCE) || !ike_dh_supported(m->ke.group) ||
	    m->ke.data.len != ike_wire_ke_len(m->ke.group) || !ke_group_offered(m))
		return false;
	if (!(j = ikev2_dh_job_new(m->ke.group, m->ke.data.ptr, m->ke.data.len, &rx->path, rx->natt, rx->raw,
				   rx->raw_len)))
		return false;
	if (e->env.dh_offload(e->env.arg, j) < 0) {
		ikev2_dh_job_free(j);
		return false;
	}
	e->dh_pending++;
	return true;
}

static void input_init_request(struct ikev2_engine *e, const struct ikev2_rx *rx)
{
	const struct ike_msg *m = rx->m;
	struct ikev2_sa *sa = ikev2_sa_find_half(e, m->hdr.spi_i, &rx->path.remote);

	if (sa) {
		/* Only a retransmission of the request we answered goes on. */
		if (sa->state != IKEV2_SA_CONNECTING || !sa->init_req || sa->init_req_len != rx->raw_len ||
		    memcmp(sa->init_req, rx->raw, rx->raw_len) != 0) {
			drop(e, SHM_IKE_FAIL_MSG_ID);
			return;
		}
		ikev2_tm_input(e, sa, rx);
		return;
	}
	/* A request back from env.dh_offload passed the cookie check when it came. */
	if (!rx->dh && !init_cookie_ok(e, rx))
		return;
	if (e->ctr->half_open + e->dh_pending >= e->cfg.max_half_open) {
		drop(e, SHM_IKE_FAIL_RESOURCES);
		return;
	}
	if (!rx->dh && init_offload(e, rx))
		return;
	if (!(sa = ikev2_sa_new(e, false))) {
		drop(e, SHM_IKE_FAIL_RESOURCES);
		return;
	}
	memcpy(sa->spi_i, m->hdr.spi_i, 8);
	sa->path = rx->path;
	sa->natt = rx->natt;
	ikev2_sa_hash_half(e, sa);
	ikev2_tm_input(e, sa, rx);
	if (sa->state == IKEV2_SA_CONNECTING && !sa->keyed)
		ikev2_sa_kill(e, sa, "IKE_SA_INIT not accepted");
}

/* An authenticated message from a new address or port: the responder
 * follows the initiator's move to the NAT-T port, and a peer behind a NAT
 * whose mapping changed (2.23). */
static void input_update_path(struct ikev2_sa *sa, const struct ikev2_rx *rx)
{
	char a[64];

	if (ikev2_addr_eq(&sa->path.remote, &rx->path.remote) && sa->natt == rx->natt)
		return;
	if (!(rx->natt && !sa->natt) && !sa->nat_remote)
		return;
	sa->path = rx->path;
	sa->natt = rx->natt;
	gw_info("IKE SA: the peer is now at %s", ikev2_addr_str(&sa->path.remote, a, sizeof(a)));
}

static void input_protected(struct ikev2_engine *e, struct ikev2_rx *rx, struct ike_msg *m)
{
	const struct ike_hdr_info *h = &m->hdr;
	bool response = h->flags & IKE_HDR_F_RESPONSE, from_initiator = h->flags & IKE_HDR_F_INITIATOR;
	struct ikev2_sa *sa = ikev2_sa_find(e, from_initiator ? h->spi_r : h->spi_i);
	uint8_t *plain = NULL;
	size_t plen = 0;
	enum ike_parse_err perr;

	if (!sa || sa->state == IKEV2_SA_DEAD || sa->initiator == from_initiator || !sa->keyed ||
	    memcmp(ikev2_sa_remote_spi(sa), from_initiator ? h->spi_i : h->spi_r, 8) != 0) {
		drop(e, SHM_IKE_FAIL_NO_SA);
		return;
	}
	if (!ike_msg_has(m, IKE_PL_SK)) {
		drop(e, SHM_IKE_FAIL_MALFORMED);
		return;
	}
	if (!ikev2_tm_window_ok(sa, response, h->msg_id)) {
		drop(e, response ? SHM_IKE_FAIL_UNEXPECTED : SHM_IKE_FAIL_MSG_ID);
		return;
	}
	if (!(plain = malloc(rx->raw_len)) ||
	    ike_sk_decrypt(&sa->sk_in, rx->raw, rx->raw_len, m->sk.hdr_off, plain, rx->raw_len, &plen) < 0) {
		drop(e, plain ? SHM_IKE_FAIL_INTEGRITY : SHM_IKE_FAIL_RESOURCES);
		goto out;
	}
	perr = ike_parse_inner(m, plain, plen);
	input_update_path(sa, rx);
	ikev2_timers_peer_alive(e, sa);
	if (perr != IKE_PARSE_OK) {
		if (response) {
			drop(e, SHM_IKE_FAIL_MALFORMED);
		} else {
			/* Authenticated but malformed: say so in a protected answer. */
			struct ikev2_nerr err = { 0 };
			uint8_t t = m->err.payload;
			ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
			ikev2_nerr_set(&err, ike_parse_err_notify(perr), &t,
				       perr == IKE_PARSE_CRITICAL ? 1 : 0);
			ikev2_tm_reject(e, sa, rx, &err);
		}
		goto out;
	}
	ikev2_tm_input(e, sa, rx);
out:
	if (plain) {
		OPENSSL_cleanse(plain, rx->raw_len);
		free(plain);
	}
}

static void input(struct ikev2_engine *e, const struct ikev2_path *p, bool natt, const uint8_t *pkt,
		  size_t len, struct ikev2_dh_job *dh)
{
	struct ike_msg *m = malloc(sizeof(*m));
	struct ikev2_rx rx = { .m = m, .raw = pkt, .raw_len = len, .path = *p, .natt = natt, .dh = dh };
	enum ike_parse_err perr;
	struct ikev2_sa *sa;

	if (!m) {
		drop(e, SHM_IKE_FAIL_RESOURCES);
		return;
	}
	perr = ike_parse_msg(pkt, len, m);
	if (perr != IKE_PARSE_OK) {
		drop(e, SHM_IKE_FAIL_MALFORMED);
		/* Unauthenticated junk is dropped (2.21), except what 2.5 wants
		 * answered in an IKE_SA_INIT exchange. */
		if (perr != IKE_PARSE_HDR_TRUNC && m->hdr.exchange == IKE_EXCH_SA_INIT &&
		    !(m->hdr.flags & IKE_HDR_F_RESPONSE) &&
		    (perr == IKE_PARSE_VERSION || perr == IKE_PARSE_CRITICAL)) {
			struct ikev2_nerr err = { 0 };
			uint8_t t = m->err.payload;
			ikev2_nerr_set(&err, ike_parse_err_notify(perr), &t, perr == IKE_PARSE_CRITICAL ? 1 : 0);
			ikev2_tm_answer_init_error(e, &rx, &err);
		}
		goto out;
	}
	if (m->hdr.exchange == IKE_EXCH_SA_INIT) {
		if (!(m->hdr.flags & IKE_HDR_F_RESPONSE)) {
			if (m->hdr.flags & IKE_HDR_F_INITIATOR)
				input_init_request(e, &rx);
			else
				drop(e, SHM_IKE_FAIL_MALFORMED);
			goto out;
		}
		sa = ikev2_sa_find(e, m->hdr.spi_i);
		if (!sa || !sa->initiator || sa->state != IKEV2_SA_CONNECTING || sa->keyed ||
		    (m->hdr.flags & IKE_HDR_F_INITIATOR)) {
			drop(e, SHM_IKE_FAIL_UNEXPECTED);
			goto out;
		}
		ikev2_tm_input(e, sa, &rx);
		goto out;
	}
	input_protected(e, &rx, m);
out:
	free(m);
}

void ikev2_engine_input(struct ikev2_engine *e, const struct ikev2_path *p, bool natt,
			const uint8_t *pkt, size_t len)
{
	input(e, p, natt, pkt, len, NULL);
}

void ikev2_engine_input_dh(struct ikev2_engine *e, struct ikev2_dh_job *j)
{
	if (e->dh_pending)
		e->dh_pending--;
	/* Processed as if it had just come, except for the cookie check (it
	 * passed when it came): a retransmission may have been answered
	 * meanwhile. What the request does not take is wiped with the job. */
	if (j->done)
		input(e, &j->path, j->natt, j->raw, j->raw_len, j);
	ikev2_dh_job_free(j);
}

/* ---- timers --------------------------------------------------------------------------- */

uint64_t ikev2_engine_next_timer(const struct ikev2_engine *e)
{
	return ikev2_timers_next(&e->timers);
}

void ikev2_engine_run_timers(struct ikev2_engine *e)
{
	ikev2_timers_run(e, ikev2_now(e));
}

void ikev2_engine_on_half_open(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (sa->state == IKEV2_SA_CONNECTING) {
		ikev2_count_fail(e, SHM_IKE_FAIL_TIMEOUT);
		ikev2_sa_kill(e, sa, "half-open too long");
	}
}

void ikev2_engine_on_ike_rekey(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (sa->state != IKEV2_SA_ESTABLISHED) {
		if (sa->state == IKEV2_SA_REKEYING)
			ikev2_timers_ike_rekey_retry(e, sa);
		return;
	}
	if (!ikev2_tm_has(sa, &task_ike_rekey_ops))
		ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_CREATE_CHILD_SA, task_ike_rekey_new(), NULL), false);
}

void ikev2_engine_on_liveness(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	unsigned period, max_failures;

	ikev2_liveness_get(e, &period, &max_failures);
	if (sa->state == IKEV2_SA_DEAD || !period) /* turned off since the timer was armed */
		return;
	ikev2_timers_liveness_checked(e, sa);
	if (sa->state == IKEV2_SA_ESTABLISHED && !sa->tm.active && !ikev2_tm_has(sa, &task_dpd_ops))
		ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_dpd_new(), NULL), false);
}

void ikev2_engine_on_keepalive(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (sa->state == IKEV2_SA_DEAD || !sa->nat_local)
		return;
	if (e->env.net->keepalive)
		e->env.net->keepalive(e->env.net_arg, &sa->path);
	e->ctr->keepalives_sent++;
	ikev2_timers_keepalive_sent(e, sa);
}

void ikev2_engine_on_reap(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (sa->state == IKEV2_SA_DEAD)
		ikev2_sa_free(e, sa);
}

void ikev2_engine_on_child_rekey(struct ikev2_engine *e, struct ikev2_child *c)
{
	struct ikev2_sa *sa = c->ike;

	if (c->state != IKEV2_CHILD_INSTALLED)
		return;
	if (sa->state != IKEV2_SA_ESTABLISHED) {
		ikev2_timers_child_rekey_retry(e, c);
		return;
	}
	ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_CREATE_CHILD_SA, task_child_rekey_new(c->spi_in), NULL),
		       false);
}

void ikev2_engine_on_child_expire(struct ikev2_engine *e, struct ikev2_child *c)
{
	uint32_t spi = c->spi_in;

	if (c->state == IKEV2_CHILD_DELETING || c->state == IKEV2_CHILD_DELETED)
		return;
	gw_info("child SA %08x/%08x: hard lifetime reached", c->spi_in, c->spi_out);
	ikev2_tm_queue(e, c->ike, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_delete_new(false, &spi, 1), NULL),
		       false);
}

void ikev2_engine_on_peer_dead(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	char prof[SHM_NAME_MAX * 2];
	bool restart = e->cfg.liveness_action == IKEV2_LIVENESS_RESTART && sa->has_prof &&
		       sa->prof.resp_af && sa->state != IKEV2_SA_DELETING && sa->state != IKEV2_SA_REKEYED;

	ikev2_count_fail(e, SHM_IKE_FAIL_TIMEOUT);
	snprintf(prof, sizeof(prof), "%s", sa->prof.name);
	ikev2_sa_kill(e, sa, "the peer does not answer");
	if (restart) {
		gw_info("liveness action restart: initiating profile %s again", prof);
		ikev2_engine_initiate(e, prof);
	}
}

/* ---- operator requests -------------------------------------------------------------- */

int ikev2_engine_initiate(struct ikev2_engine *e, const char *profile)
{
	struct shm_profile *p = malloc(sizeof(*p));
	struct ikev2_sa *sa = NULL;
	int rc = -ENOENT;

	if (!p)
		return -ENOMEM;
	if (ikev2_profile_get(e, profile, p) < 0) {
		gw_warn("initiate: no profile %s", profile);
		goto out;
	}
	rc = -EINVAL;
	if (!p->resp_af || !ikev2_auth_profile_method(p)) {
		gw_warn("initiate %s: the profile needs a responder address and authentication "
			"(a shared key, or rsa-sig with the peer's certificate)", profile);
		goto out;
	}
	if (ikev2_auth_profile_method(p) == IKE_AUTH_RSA_SIG) {
		/* Both credentials are needed: refuse now rather than after IKE_SA_INIT. */
		EVP_PKEY *ours = ikev2_cred_local_key(e), *peer = ours ? ikev2_cred_peer_key(e, p) : NULL;
		bool ok = ours && peer;
		EVP_PKEY_free(ours);
		EVP_PKEY_free(peer);
		if (!ok) {
			gw_warn("initiate %s: rsa-sig credentials unusable (see above)", profile);
			ikev2_count_fail(e, SHM_IKE_FAIL_AUTH);
			goto out;
		}
	}
	if (!(sa = ikev2_sa_new(e, true))) {
		rc = -ENOMEM;
		goto out;
	}
	sa->prof = *p;
	sa->has_prof = true;
	sa->path.remote.af = p->resp_af;
	memcpy(sa->path.remote.ip, p->resp_addr, 16);
	sa->path.remote.port = IKEV2_PORT;
	if ((rc = e->env.net->source(e->env.net_arg, p->resp_ifc, &sa->path.remote, &sa->path.local)) < 0) {
		gw_warn("initiate %s: no local address to reach the responder: %s", profile, strerror(-rc));
		ikev2_sa_kill(e, sa, "no route");
		goto out;
	}
	if (!sa->path.local.port)
		sa->path.local.port = IKEV2_PORT;
	gw_info("initiating profile %s", profile);
	if ((rc = ikev2_sa_start_initiate(e, sa)) < 0)
		ikev2_sa_kill(e, sa, "out of memory");
out:
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
	return rc;
}

static struct ikev2_sa *find_by_spi64(const struct ikev2_engine *e, uint64_t spi)
{
	for (struct ikev2_sa *sa = e->first; sa; sa = sa->next)
		if (sa->state != IKEV2_SA_DEAD &&
		    (ikev2_spi_u64(sa->spi_i) == spi || ikev2_spi_u64(sa->spi_r) == spi))
			return sa;
	return NULL;
}

int ikev2_engine_delete_ike(struct ikev2_engine *e, uint64_t spi)
{
	struct ikev2_sa *sa = find_by_spi64(e, spi);

	if (!sa)
		return -ENOENT;
	ikev2_sa_start_delete(e, sa);
	return 0;
}

static int queue_for(struct ikev2_engine *e, struct ikev2_sa *sa, uint8_t type, struct ikev2_task *t)
{
	struct ikev2_exch *x = ikev2_tm_exch(type, t, NULL);

	if (!x)
		return -ENOMEM;
	ikev2_tm_queue(e, sa, x, false);
	return 0;
}

int ikev2_engine_delete_child(struct ikev2_engine *e, uint32_t spi)
{
	struct ikev2_child *c = ikev2_child_find(e, spi);
	uint32_t in;

	if (!c)
		return -ENOENT;
	in = c->spi_in;
	return queue_for(e, c->ike, IKE_EXCH_INFORMATIONAL, task_delete_new(false, &in, 1));
}

int ikev2_engine_rekey_child(struct ikev2_engine *e, uint32_t spi)
{
	struct ikev2_child *c = ikev2_child_find(e, spi);

	if (!c)
		return -ENOENT;
	if (c->state != IKEV2_CHILD_INSTALLED)
		return -EBUSY;
	return queue_for(e, c->ike, IKE_EXCH_CREATE_CHILD_SA, task_child_rekey_new(c->spi_in));
}

int ikev2_engine_rekey_ike(struct ikev2_engine *e, uint64_t spi)
{
	struct ikev2_sa *sa = find_by_spi64(e, spi);

	if (!sa)
		return -ENOENT;
	if (sa->state != IKEV2_SA_ESTABLISHED || ikev2_tm_has(sa, &task_ike_rekey_ops))
		return -EBUSY;
	return queue_for(e, sa, IKE_EXCH_CREATE_CHILD_SA, task_ike_rekey_new());
}

int ikev2_engine_create_child(struct ikev2_engine *e, uint64_t spi)
{
	struct ikev2_sa *sa = find_by_spi64(e, spi);

	if (!sa)
		return -ENOENT;
	return queue_for(e, sa, IKE_EXCH_CREATE_CHILD_SA, task_child_create_new(false));
}

int ikev2_engine_liveness(struct ikev2_engine *e, uint64_t spi)
{
	struct ikev2_sa *sa = find_by_spi64(e, spi);

	if (!sa)
		return -ENOENT;
	return queue_for(e, sa, IKE_EXCH_INFORMATIONAL, task_dpd_new());
}

void ikev2_engine_liveness_changed(struct ikev2_engine *e)
{
	for (struct ikev2_sa *sa = e->first; sa; sa = sa->next)
		if (sa->state == IKEV2_SA_ESTABLISHED)
			ikev2_timers_liveness_checked(e, sa);
}

int ikev2_engine_foreach(const struct ikev2_engine *e, int (*fn)(void *arg, const struct ikev2_sa *sa),
			 void *arg)
{
	for (const struct ikev2_sa *sa = e->first; sa; sa = sa->next) {
		int rc = fn(arg, sa);
		if (rc)
			return rc;
	}
	return 0;
}

const struct shm_ike_counters *ikev2_engine_counters(const struct ikev2_engine *e)
{
	return e->ctr;
}

uint64_t ikev2_engine_now(const struct ikev2_engine *e)
{
	return ikev2_now(e);
}

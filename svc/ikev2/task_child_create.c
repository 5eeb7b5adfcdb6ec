/*
 * Task child SA creation (RFC 7296 1.3.1, 2.9, 2.17): the child of
 * IKE_AUTH, or an additional child in CREATE_CHILD_SA (with PFS when the
 * profile has esp-dh). The responder narrows the selectors to its profile
 * and installs the child before it answers; in IKE_AUTH a child that
 * cannot be made is refused with a notify while the IKE SA still comes up.
 */
#include "task_child_create.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_wire.h"
#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ikev2_prop.h"
#include "ikev2_ts.h"
#include "log.h"

#define CHILD_MAX_RESTARTS 3

static struct task_child *tch(struct ikev2_task *t)
{
	return (struct task_child *)t;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

void task_child_create_min_nonce(const struct task_child *tc, const uint8_t **n, size_t *len)
{
	if (ikev2_nonce_cmp(tc->ni, tc->ni_len, tc->nr, tc->nr_len) <= 0)
		*n = tc->ni, *len = tc->ni_len;
	else
		*n = tc->nr, *len = tc->nr_len;
}

/* Our side's selectors from the profile (unset: the whole family). */
static void own_ts(const struct ikev2_sa *sa, struct ike_ts *tsl, struct ike_ts *tsr)
{
	ikev2_ts_from_profile(sa->has_prof ? &sa->prof.local_ts : NULL, sa->path.local.af, tsl);
	ikev2_ts_from_profile(sa->has_prof ? &sa->prof.remote_ts : NULL, sa->path.remote.af, tsr);
}

int task_child_create_add_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			    struct ike_build *b, const struct ike_ts *tsl, const struct ike_ts *tsr)
{
	struct ikev2_child *c = tc->spi_in ? ikev2_child_get(e, tc->spi_in) : NULL, *old;
	struct ike_ts_pl pl;

	tc->e = e;
	tc->sa = sa;
	if (!c) {
		if (!(c = ikev2_child_new(e, sa)))
			return -ENOMEM;
		c->initiator = true;
		ikev2_child_alloc_spi(e, c);
		tc->spi_in = c->spi_in;
		if (!tc->in_auth && !tc->pfs)
			tc->pfs = ikev2_prop_pfs_group(&sa->prof);
		/* A rekey keeps the PFS group the peer used for this child. */
		if (!tc->pfs && tc->old_spi_in && (old = ikev2_child_get(e, tc->old_spi_in)))
			tc->pfs = old->xf.dh;
	}
	ikev2_prop_offer_esp(&sa->prof, c->spi_in, tc->in_auth ? 0 : tc->pfs, &tc->offer);
	if (tc->old_spi_in && (old = ikev2_child_get(e, tc->old_spi_in)) && old->xf.encr) {
		/* A rekey offers the child's transforms first (with our PFS choice). */
		struct ikev2_xf xf = old->xf;
		uint8_t spi[4];
		put32(spi, c->spi_in);
		xf.dh = tc->pfs;
		ikev2_prop_offer_current(&xf, IKE_PROTO_ESP, spi, 4, &tc->offer);
	}
	tc->ts_i = *tsl;
	tc->ts_r = *tsr;
	ike_build_sa(b, &tc->offer);
	if (!tc->in_auth) {
		if (!tc->ni_len) {
			tc->ni_len = IKEV2_NONCE_LEN;
			RAND_bytes(tc->ni, tc->ni_len);
		}
		ike_build_nonce(b, tc->ni, tc->ni_len);
		if (tc->pfs) {
			const uint8_t *pub;
			size_t len;
			if (!tc->dh || ike_dh_group(tc->dh) != tc->pfs) {
				ike_dh_free(tc->dh);
				if (!(tc->dh = ike_dh_new(tc->pfs)))
					return -ENOTSUP;
			}
			pub = ike_dh_public(tc->dh, &len);
			ike_build_ke(b, tc->pfs, pub, len);
		}
	}
	ikev2_ts_to_pl(tsl, &pl);
	ike_build_ts(b, IKE_PL_TSI, &pl);
	ikev2_ts_to_pl(tsr, &pl);
	ike_build_ts(b, IKE_PL_TSR, &pl);
	return b->err;
}

/* g^ir of the PFS exchange into out; its length, 0 without PFS, -1 on error. */
static int pfs_secret(struct task_child *tc, const struct ike_msg *m, uint8_t *out)
{
	size_t sl;

	if (!tc->dh)
		return 0;
	sl = ike_wire_dh_secret_len(ike_dh_group(tc->dh));
	if (!ike_msg_has(m, IKE_PL_KE) || m->ke.group != ike_dh_group(tc->dh) ||
	    ike_dh_shared(tc->dh, m->ke.data.ptr, m->ke.data.len, out, sl) < 0)
		return -1;
	return (int)sl;
}

/* KEYMAT and installation for child c. */
static int derive_install(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			  struct ikev2_child *c, const struct ike_msg *m, struct ikev2_child *pred)
{
	uint8_t g_ir[IKE_DH_MAX_PUB];
	struct ike_bytes ni, nr, gir;
	int sl = pfs_secret(tc, m, g_ir), rc;

	if (sl < 0)
		return -EINVAL;
	if (tc->in_auth) {
		ni = (struct ike_bytes){ sa->ni, sa->ni_len };
		nr = (struct ike_bytes){ sa->nr, sa->nr_len };
	} else {
		ni = (struct ike_bytes){ tc->ni, tc->ni_len };
		nr = (struct ike_bytes){ tc->nr, tc->nr_len };
	}
	gir = (struct ike_bytes){ g_ir, (size_t)sl };
	rc = ikev2_child_derive(e, sa, c, &ni, &nr, sl ? &gir : NULL);
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	if (rc < 0)
		return rc;
	ikev2_engine_warn_weak(e, sa, &c->xf, true);
	return ikev2_child_install(e, c, pred);
}

int task_child_create_done_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			     const struct ike_msg *m, struct ikev2_child *pred, struct ikev2_child **child,
			     uint16_t *refused)
{
	struct ikev2_child *c = ikev2_child_get(e, tc->spi_in);
	const struct ike_notify_pl *n;
	struct ikev2_xf xf;
	uint8_t spi[4];

	*child = NULL;
	*refused = 0;
	if (!c)
		return IKEV2_TASK_DONE;
	if (!tc->in_auth && (n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD))) {
		uint16_t g = (uint16_t)(n->data.ptr[0] << 8 | n->data.ptr[1]);
		if (++tc->restarts <= CHILD_MAX_RESTARTS && g != tc->pfs && ike_dh_supported(g)) {
			tc->pfs = g;
			return IKEV2_TASK_RESTART;
		}
	}
	for (unsigned i = 0; i < m->n_notify && !*refused; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			*refused = m->notify[i].type;
	if (*refused)
		goto refused;
	*refused = IKE_N_NO_PROPOSAL_CHOSEN;
	if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_TSI) || !ike_msg_has(m, IKE_PL_TSR) ||
	    (!tc->in_auth && !ike_msg_has(m, IKE_PL_NONCE)) ||
	    ikev2_prop_check_reply(&tc->offer, &m->sa, IKE_PROTO_ESP, &xf, spi) < 0 ||
	    xf.dh != (tc->in_auth ? 0 : tc->pfs))
		goto refused;
	*refused = IKE_N_TS_UNACCEPTABLE;
	if (!ikev2_ts_within(&m->tsi.ts[0], &tc->ts_i) || !ikev2_ts_within(&m->tsr.ts[0], &tc->ts_r))
		goto refused;
	*refused = 0;
	c->xf = xf;
	c->spi_out = be32(spi);
	c->ts_l = m->tsi.ts[0];
	c->ts_r = m->tsr.ts[0];
	if (!tc->in_auth) {
		memcpy(tc->nr, m->nonce.ptr, m->nonce.len);
		tc->nr_len = (uint16_t)m->nonce.len;
	}
	if (derive_install(e, sa, tc, c, m, pred) < 0) {
		/* The peer has it: ask it to delete it again. */
		uint32_t s = c->spi_in;
		ikev2_child_set_state(e, c, IKEV2_CHILD_DELETING);
		ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_delete_new(false, &s, 1), NULL),
			       false);
		return IKEV2_TASK_DONE;
	}
	c->rekey_of = tc->old_spi_in != 0;
	ikev2_child_set_state(e, c, IKEV2_CHILD_INSTALLED);
	*child = c;
	return IKEV2_TASK_DONE;
refused:
	gw_warn("child SA not created: %s", ike_wire_notify_name(*refused));
	ikev2_count_fail(e, *refused == IKE_N_TS_UNACCEPTABLE ? SHM_IKE_FAIL_TS :
			 *refused == IKE_N_NO_PROPOSAL_CHOSEN ? SHM_IKE_FAIL_NO_PROPOSAL :
			 *refused == IKE_N_TEMPORARY_FAILURE ? SHM_IKE_FAIL_TEMPORARY : SHM_IKE_FAIL_PEER_ERROR);
	ikev2_child_free(e, c);
	tc->spi_in = 0;
	return IKEV2_TASK_DONE;
}

static int fail_r(struct task_child *tc, struct ikev2_nerr *err, uint16_t type, const void *data,
		  uint8_t len)
{
	ikev2_nerr_set(tc->in_auth ? &tc->soft : err, type, data, len);
	return tc->in_auth ? 0 : IKEV2_TASK_NOTIFY;
}

int task_child_create_take_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			     const struct ike_msg *m, struct ikev2_child *pred, struct ikev2_nerr *err)
{
	uint16_t ke = ike_msg_has(m, IKE_PL_KE) ? m->ke.group : 0;
	struct ike_ts tsl, tsr;
	bool found = false, want = false;
	struct ikev2_xf xf, wxf = { 0 };
	struct ikev2_child *c;

	tc->e = e;
	tc->sa = sa;
	if (tc->in_auth && !ike_msg_has(m, IKE_PL_SA) && !ike_msg_has(m, IKE_PL_TSI))
		return 0; /* no child asked for (RFC 6023) */
	if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_TSI) || !ike_msg_has(m, IKE_PL_TSR) ||
	    (!tc->in_auth && !ike_msg_has(m, IKE_PL_NONCE))) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		return fail_r(tc, err, IKE_N_INVALID_SYNTAX, NULL, 0);
	}
	for (unsigned i = 0; i < m->sa.n_props && !found; i++) {
		int r = ikev2_prop_pick_esp(&m->sa.prop[i], &sa->prof, tc->in_auth, ke, &xf);
		if (r == 0) {
			found = true;
			tc->prop_num = m->sa.prop[i].num;
			tc->xf = xf;
		} else if (r == 1 && !want) {
			want = true;
			wxf = xf;
		}
	}
	if (!found && want) {
		uint8_t g[2] = { (uint8_t)(wxf.dh >> 8), (uint8_t)wxf.dh };
		ikev2_count_fail(e, SHM_IKE_FAIL_INVALID_KE);
		return fail_r(tc, err, IKE_N_INVALID_KE_PAYLOAD, g, 2);
	}
	if (!found) {
		ikev2_count_fail(e, SHM_IKE_FAIL_NO_PROPOSAL);
		return fail_r(tc, err, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
	}
	own_ts(sa, &tsl, &tsr);
	if (ikev2_ts_narrow(&m->tsi, sa->prof.remote_ts.set ? &tsr : NULL, &tc->nts_i) < 0 ||
	    ikev2_ts_narrow(&m->tsr, sa->prof.local_ts.set ? &tsl : NULL, &tc->nts_r) < 0) {
		ikev2_count_fail(e, SHM_IKE_FAIL_TS);
		return fail_r(tc, err, IKE_N_TS_UNACCEPTABLE, NULL, 0);
	}
	if (!(c = ikev2_child_new(e, sa)))
		return fail_r(tc, err, IKE_N_TEMPORARY_FAILURE, NULL, 0);
	ikev2_child_alloc_spi(e, c);
	tc->spi_in = c->spi_in;
	c->xf = tc->xf;
	for (unsigned i = 0; i < m->sa.n_props; i++)
		if (m->sa.prop[i].num == tc->prop_num)
			c->spi_out = be32(m->sa.prop[i].spi);
	c->ts_l = tc->nts_r;
	c->ts_r = tc->nts_i;
	if (!tc->in_auth) {
		memcpy(tc->ni, m->nonce.ptr, m->nonce.len);
		tc->ni_len = (uint16_t)m->nonce.len;
		tc->nr_len = IKEV2_NONCE_LEN;
		RAND_bytes(tc->nr, tc->nr_len);
		if (tc->xf.dh && !(tc->dh = ike_dh_new(tc->xf.dh))) {
			ikev2_child_free(e, c);
			tc->spi_in = 0;
			return fail_r(tc, err, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		}
	}
	if (derive_install(e, sa, tc, c, m, pred) < 0) {
		ikev2_child_free(e, c);
		tc->spi_in = 0;
		return fail_r(tc, err, tc->dh ? IKE_N_INVALID_SYNTAX : IKE_N_TEMPORARY_FAILURE, NULL, 0);
	}
	return 0;
}

int task_child_create_add_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			    struct ike_build *b)
{
	struct ikev2_child *c = tc->spi_in ? ikev2_child_get(e, tc->spi_in) : NULL;
	struct ike_sa_pl *reply;
	struct ike_ts_pl pl;
	uint8_t spi[4];

	(void)sa;
	if (tc->soft.type)
		return ike_build_notify(b, IKE_PROTO_NONE, NULL, 0, tc->soft.type, tc->soft.data, tc->soft.len);
	if (!c)
		return 0;
	if (!(reply = malloc(sizeof(*reply))))
		return -ENOMEM;
	put32(spi, c->spi_in);
	ikev2_prop_reply(&tc->xf, tc->prop_num, IKE_PROTO_ESP, spi, 4, reply);
	ike_build_sa(b, reply);
	free(reply);
	if (!tc->in_auth) {
		ike_build_nonce(b, tc->nr, tc->nr_len);
		if (tc->dh) {
			size_t len;
			const uint8_t *pub = ike_dh_public(tc->dh, &len);
			ike_build_ke(b, ike_dh_group(tc->dh), pub, len);
		}
	}
	ikev2_ts_to_pl(&tc->nts_i, &pl);
	ike_build_ts(b, IKE_PL_TSI, &pl);
	ikev2_ts_to_pl(&tc->nts_r, &pl);
	ike_build_ts(b, IKE_PL_TSR, &pl);
	return b->err;
}

void task_child_create_free(struct ikev2_task *t)
{
	struct task_child *tc = tch(t);
	struct ikev2_child *c;

	/* A child this task made but did not finish goes with it. */
	if (tc->e && tc->spi_in && (c = ikev2_child_get(tc->e, tc->spi_in)) &&
	    c->state == IKEV2_CHILD_CREATING) {
		if (c->installed)
			ikev2_child_remove(tc->e, c);
		else
			ikev2_child_free(tc->e, c);
	}
	ike_dh_free(tc->dh);
	OPENSSL_cleanse(tc, sizeof(*tc));
	free(tc);
}

/* ---- the task ------------------------------------------------------------------ */

static int cc_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	struct ike_ts tsl, tsr;

	own_ts(sa, &tsl, &tsr);
	return task_child_create_add_i(e, sa, tch(t), b, &tsl, &tsr) < 0 ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static int cc_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx)
{
	struct ikev2_child *c;
	uint16_t refused;

	if (sa->state != IKEV2_SA_ESTABLISHED) /* IKE_AUTH failed: nothing to do */
		return IKEV2_TASK_DONE;
	return task_child_create_done_i(e, sa, tch(t), rx->m, NULL, &c, &refused);
}

static int cc_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	return task_child_create_take_r(e, sa, tch(t), rx->m, NULL, err);
}

static int cc_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	return task_child_create_add_r(e, sa, tch(t), b);
}

static void cc_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	struct ikev2_child *c = tch(t)->spi_in ? ikev2_child_get(e, tch(t)->spi_in) : NULL;

	(void)sa;
	if (c)
		ikev2_child_set_state(e, c, IKEV2_CHILD_INSTALLED);
}

const struct ikev2_task_ops task_child_create_ops = {
	.name = "child-create",
	.build_i = cc_build_i,
	.process_i = cc_process_i,
	.process_r = cc_process_r,
	.build_r = cc_build_r,
	.post_r = cc_post_r,
	.destroy = task_child_create_free,
};

struct ikev2_task *task_child_create_new(bool in_auth)
{
	struct task_child *tc = calloc(1, sizeof(*tc));

	if (!tc)
		return NULL;
	tc->t.ops = &task_child_create_ops;
	tc->in_auth = in_auth;
	return &tc->t;
}

/*
 * Task IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.14): SA, KE, Nonce in both
 * directions; INVALID_KE_PAYLOAD and COOKIE make the initiator send the
 * exchange again (with the COOKIE first and everything else unchanged:
 * SPIi, nonce and, unless the group changed, KE); both ends derive SKEYSEED
 * and SK_* when it completes. SIGNATURE_HASH_ALGORITHMS (RFC 7427 4): the
 * initiator sends ours, the responder answers with ours when the initiator
 * sent one; the peer's list decides how we sign (ikev2_auth.h). Responder
 * cookies are checked before this task runs (ikev2_cookie.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_sig.h"
#include "ike_wire.h"
#include "ikev2_auth.h"
#include "ikev2_core.h"
#include "ikev2_dh.h"
#include "ikev2_prop.h"
#include "log.h"

#define SA_INIT_MAX_RESTARTS 4

struct task_sa_init {
	struct ikev2_task t;
	struct ike_sa_pl offer;         /* initiator: what we proposed */
	struct ikev2_xf xf;             /* responder: the choice */
	uint8_t prop_num;
	unsigned restarts;
	bool peer_sig_notify;           /* responder: the request had SIGNATURE_HASH_ALGORITHMS */
};

/* N(SIGNATURE_HASH_ALGORITHMS) with the hashes we accept (RFC 7427 4). */
static void sig_hashes_add(struct ikev2_engine *e, struct ike_build *b)
{
	uint8_t list[16];
	size_t n;

	if (!e->cfg.sig_rfc7427)
		return;
	n = ike_sig_hash_list(IKE_SIG_HASHES_OURS, list, sizeof(list));
	ike_build_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, list, n);
}

/* The peer's SIGNATURE_HASH_ALGORITHMS, if any, into the SA. */
static bool sig_hashes_take(struct ikev2_sa *sa, const struct ike_msg *m)
{
	const struct ike_notify_pl *n = ike_msg_notify(m, IKE_N_SIGNATURE_HASH_ALGORITHMS);

	sa->peer_sig_hashes = n ? ike_sig_hash_mask(n->data.ptr, n->data.len) : 0;
	return n != NULL;
}

static struct task_sa_init *ts(struct ikev2_task *t)
{
	return (struct task_sa_init *)t;
}

/* SK_* from g^ir and both nonces; SK payload keys for each direction.
 * g^ir from sa->dh and the peer's value, or from pre (computed off the
 * loop with the key pair that is now sa->dh, ikev2_dh.h). */
static int sa_init_keys(struct ikev2_engine *e, struct ikev2_sa *sa, const uint8_t *peer_ke,
			size_t peer_ke_len, const struct ikev2_dh_job *pre)
{
	size_t sl = ike_wire_dh_secret_len(sa->xf.dh);
	size_t el = ike_crypto_encr_keylen(sa->xf.encr, sa->xf.key_bits);
	size_t al = ike_crypto_integ_keylen(sa->xf.integ);
	struct ike_bytes ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len }, gir;
	uint8_t g_ir[IKE_DH_MAX_PUB];
	int rc;

	(void)e;
	if (!el || !sl)
		return -ENOTSUP;
	if (pre) {
		rc = pre->rc < 0 ? pre->rc : pre->gir_len == sl ? 0 : -EINVAL;
		if (rc == 0)
			memcpy(g_ir, pre->gir, sl);
	} else {
		rc = ike_dh_shared(sa->dh, peer_ke, peer_ke_len, g_ir, sl);
	}
	if (rc < 0)
		goto out;
	gir.ptr = g_ir;
	gir.len = sl;
	rc = ike_keys_derive(&sa->keys, sa->xf.prf, el, al, &ni, &nr, &gir, sa->spi_i, sa->spi_r);
	if (rc < 0)
		goto out;
	/* ei/ai protect what the initiator sends. */
	rc = ike_sk_init(sa->initiator ? &sa->sk_out : &sa->sk_in, sa->xf.encr, sa->xf.key_bits,
			 sa->xf.integ, sa->keys.sk_ei, el, sa->keys.sk_ai, al);
	if (rc == 0)
		rc = ike_sk_init(sa->initiator ? &sa->sk_in : &sa->sk_out, sa->xf.encr, sa->xf.key_bits,
				 sa->xf.integ, sa->keys.sk_er, el, sa->keys.sk_ar, al);
	if (rc == 0)
		sa->keyed = true;
out:
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	return rc;
}

static int sa_init_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			   struct ike_build *b)
{
	struct task_sa_init *s = ts(t);
	uint16_t ke_group;
	const uint8_t *pub;
	size_t pub_len;

	ikev2_prop_offer_ike(sa->has_prof ? &sa->prof : NULL, NULL, &s->offer, &ke_group);
	if (!sa->ke_group)
		sa->ke_group = ke_group;
	if (!sa->ni_len) {
		sa->ni_len = IKEV2_NONCE_LEN;
		RAND_bytes(sa->ni, sa->ni_len);
	}
	if (!sa->dh || ike_dh_group(sa->dh) != sa->ke_group) {
		ike_dh_free(sa->dh);
		if (!(sa->dh = ike_dh_new(sa->ke_group)))
			return IKEV2_TASK_FAILED;
	}
	pub = ike_dh_public(sa->dh, &pub_len);
	if (sa->cookie_len)
		ike_build_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	ike_build_sa(b, &s->offer);
	ike_build_ke(b, sa->ke_group, pub, pub_len);
	ike_build_nonce(b, sa->ni, sa->ni_len);
	sig_hashes_add(e, b);
	return b->err ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static bool offered_group(const struct ike_sa_pl *sa, uint16_t group)
{
	for (unsigned i = 0; i < sa->n_props; i++)
		for (unsigned j = 0; j < sa->prop[i].n_xforms; j++)
			if (sa->prop[i].xf[j].type == IKE_XFORM_DH && sa->prop[i].xf[j].id == group)
				return true;
	return false;
}

static int sa_init_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			     const struct ikev2_rx *rx)
{
	struct task_sa_init *s = ts(t);
	const struct ike_msg *m = rx->m;
	const struct ike_notify_pl *n;
	struct ikev2_xf xf;

	if ((n = ike_msg_notify(m, IKE_N_COOKIE))) {
		if (++s->restarts > SA_INIT_MAX_RESTARTS || !n->data.len || n->data.len > sizeof(sa->cookie))
			return IKEV2_TASK_FAILED;
		memcpy(sa->cookie, n->data.ptr, n->data.len);
		sa->cookie_len = (uint8_t)n->data.len;
		gw_info("IKE_SA_INIT: the responder asks for a COOKIE (%u octets): sending the request again with it",
			sa->cookie_len);
		return IKEV2_TASK_RESTART;
	}
	if ((n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD))) {
		uint16_t g = (uint16_t)(n->data.ptr[0] << 8 | n->data.ptr[1]);
		ikev2_count_fail(e, SHM_IKE_FAIL_INVALID_KE);
		if (++s->restarts > SA_INIT_MAX_RESTARTS || g == sa->ke_group || !offered_group(&s->offer, g))
			return IKEV2_TASK_FAILED;
		gw_info("IKE_SA_INIT: the responder wants DH group %s", ikev2_prop_dh_name(g));
		sa->ke_group = g;
		return IKEV2_TASK_RESTART;
	}
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX) {
			gw_warn("IKE_SA_INIT refused by the peer: %s", ike_wire_notify_name(m->notify[i].type));
			ikev2_count_fail(e, m->notify[i].type == IKE_N_NO_PROPOSAL_CHOSEN ?
					 SHM_IKE_FAIL_NO_PROPOSAL : SHM_IKE_FAIL_PEER_ERROR);
			return IKEV2_TASK_FAILED;
		}
	if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_KE) || !ike_msg_has(m, IKE_PL_NONCE) ||
	    ikev2_spi_u64(m->hdr.spi_r) == 0) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		return IKEV2_TASK_FAILED;
	}
	if (ikev2_prop_check_reply(&s->offer, &m->sa, IKE_PROTO_IKE, &xf, NULL) < 0 ||
	    xf.dh != sa->ke_group || m->ke.group != sa->ke_group) {
		gw_warn("IKE_SA_INIT: the responder chose something we did not offer");
		ikev2_count_fail(e, SHM_IKE_FAIL_NO_PROPOSAL);
		return IKEV2_TASK_FAILED;
	}
	sa->xf = xf;
	sig_hashes_take(sa, m);
	ikev2_sa_set_remote_spi(sa, m->hdr.spi_r);
	memcpy(sa->nr, m->nonce.ptr, m->nonce.len);
	sa->nr_len = (uint16_t)m->nonce.len;
	if (sa_init_keys(e, sa, m->ke.data.ptr, m->ke.data.len, NULL) < 0) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		return IKEV2_TASK_FAILED;
	}
	ikev2_engine_warn_weak(e, sa, &sa->xf, false);
	return IKEV2_TASK_DONE;
}

/* The key pair computed off the loop for this request (rx->dh), when it
 * is for the chosen group and the request's KE: the SA takes the key pair;
 * g^ir stays in the job (wiped with it). NULL: compute here. */
static const struct ikev2_dh_job *dh_pre_take(struct ikev2_sa *sa, const struct ikev2_rx *rx, uint16_t group)
{
	struct ikev2_dh_job *j = rx->dh;
	const struct ike_msg *m = rx->m;

	if (!j || !j->done || j->group != group || j->peer_len != m->ke.data.len ||
	    memcmp(j->peer, m->ke.data.ptr, j->peer_len) != 0 || (j->rc == 0 && !j->dh))
		return NULL;
	ike_dh_free(sa->dh);
	sa->dh = j->dh;
	j->dh = NULL;
	return j;
}

static int sa_init_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			     const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	struct task_sa_init *s = ts(t);
	const struct ike_msg *m = rx->m;
	struct shm_profile *p = malloc(sizeof(*p));
	struct ikev2_xf xf, want = { 0 };
	const struct ikev2_dh_job *pre;
	bool found = false, want_ke = false;
	uint8_t num = 0;
	int rc;

	if (!p)
		return IKEV2_TASK_DROP;
	if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_KE) || !ike_msg_has(m, IKE_PL_NONCE)) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	/* The first proposal (in the peer's order) any usable profile accepts. */
	for (unsigned i = 0; i < m->sa.n_props && !found; i++) {
		uint32_t cur = 0;
		while (!found && e->env.profile_next(e->env.arg, &cur, p) > 0) {
			if (!ikev2_auth_profile_method(p))
				continue;
			int r = ikev2_prop_pick_ike(&m->sa.prop[i], p, m->ke.group, &xf);
			if (r == 0) {
				found = true;
				num = m->sa.prop[i].num;
			} else if (r == 1 && !want_ke) {
				want_ke = true;
				want = xf;
			}
		}
	}
	if (!found && want_ke) {
		uint8_t g[2] = { (uint8_t)(want.dh >> 8), (uint8_t)want.dh };
		ikev2_count_fail(e, SHM_IKE_FAIL_INVALID_KE);
		ikev2_nerr_set(err, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		goto out;
	}
	if (!found) {
		ikev2_count_fail(e, SHM_IKE_FAIL_NO_PROPOSAL);
		ikev2_nerr_set(err, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	s->xf = sa->xf = xf;
	s->prop_num = num;
	s->peer_sig_notify = sig_hashes_take(sa, m);
	memcpy(sa->ni, m->nonce.ptr, m->nonce.len);
	sa->ni_len = (uint16_t)m->nonce.len;
	sa->nr_len = IKEV2_NONCE_LEN;
	RAND_bytes(sa->nr, sa->nr_len);
	if ((pre = dh_pre_take(sa, rx, xf.dh)))
		rc = sa_init_keys(e, sa, NULL, 0, pre);
	else
		rc = (sa->dh = ike_dh_new(xf.dh)) ? sa_init_keys(e, sa, m->ke.data.ptr, m->ke.data.len, NULL)
						   : -ENOMEM;
	if (rc < 0) {
		/* An invalid public value (RFC 6989) or no resources. */
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	ikev2_engine_warn_weak(e, sa, &sa->xf, false);
out:
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
	return err->type ? IKEV2_TASK_NOTIFY : IKEV2_TASK_DONE;
}

static int sa_init_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			   struct ike_build *b)
{
	struct task_sa_init *s = ts(t);
	struct ike_sa_pl *reply = malloc(sizeof(*reply));
	const uint8_t *pub;
	size_t pub_len;

	if (!reply)
		return -ENOMEM;
	ikev2_prop_reply(&s->xf, s->prop_num, IKE_PROTO_IKE, NULL, 0, reply);
	pub = ike_dh_public(sa->dh, &pub_len);
	ike_build_sa(b, reply);
	ike_build_ke(b, s->xf.dh, pub, pub_len);
	ike_build_nonce(b, sa->nr, sa->nr_len);
	if (s->peer_sig_notify)
		sig_hashes_add(e, b);
	free(reply);
	return b->err;
}

static void sa_init_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	(void)t;
	ikev2_timers_half_open(e, sa);
}

static void sa_init_destroy(struct ikev2_task *t)
{
	free(t);
}

const struct ikev2_task_ops task_sa_init_ops = {
	.name = "ike-sa-init",
	.build_i = sa_init_build_i,
	.process_i = sa_init_process_i,
	.process_r = sa_init_process_r,
	.build_r = sa_init_build_r,
	.post_r = sa_init_post_r,
	.destroy = sa_init_destroy,
};

struct ikev2_task *task_sa_init_new(void)
{
	struct task_sa_init *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->t.ops = &task_sa_init_ops;
	return &s->t;
}

/*
 * Task IKE SA rekey (RFC 7296 1.3.2, 2.18): CREATE_CHILD_SA with an IKE
 * proposal carrying the new SPI, Nonce and KE. The new SA's keys are
 *   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
 * (ike_keys_derive_rekey); the children move to it and the old SA is
 * deleted by the rekey's initiator. The rekey's initiator is the new SA's
 * original initiator. Collisions as for children (2.8.2): the new SA made
 * with the lowest of the four nonces is closed by the end that made it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_wire.h"
#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ikev2_prop.h"
#include "log.h"

#define IKE_REKEY_MAX_RESTARTS 3

struct task_ike_rekey {
	struct ikev2_task t;
	struct ikev2_engine *e;
	struct ikev2_sa *nsa;           /* the new SA until it is established */
	struct ike_sa_pl offer;
	struct ikev2_xf xf;
	uint8_t prop_num;
	unsigned restarts;
};

static struct task_ike_rekey *tr(struct ikev2_task *t)
{
	return (struct task_ike_rekey *)t;
}

/* The new SA inherits what is not renegotiated. */
static struct ikev2_sa *new_sa(struct ikev2_engine *e, struct ikev2_sa *old, bool initiator)
{
	struct ikev2_sa *n = ikev2_sa_new(e, initiator);

	if (!n)
		return NULL;
	n->path = old->path;
	n->natt = old->natt;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->prof = old->prof;
	n->has_prof = old->has_prof;
	n->id_i_type = old->id_i_type, n->id_i_len = old->id_i_len;
	n->id_r_type = old->id_r_type, n->id_r_len = old->id_r_len;
	memcpy(n->id_i, old->id_i, sizeof(n->id_i));
	memcpy(n->id_r, old->id_r, sizeof(n->id_r));
	n->rekeyed_from = true;
	if (n->counted_half) {          /* not a half-open SA of a peer */
		n->counted_half = false;
		e->ctr->half_open--;
	}
	return n;
}

/* Keys of the new SA n from the old SA's SK_d (2.18). */
static int rekey_keys(struct ikev2_sa *old, struct ikev2_sa *n, struct ike_dh *dh, const uint8_t *ke,
		      size_t ke_len)
{
	size_t sl = ike_wire_dh_secret_len(n->xf.dh);
	size_t el = ike_crypto_encr_keylen(n->xf.encr, n->xf.key_bits);
	size_t al = ike_crypto_integ_keylen(n->xf.integ);
	struct ike_bytes ni = { n->ni, n->ni_len }, nr = { n->nr, n->nr_len }, gir;
	uint8_t g_ir[IKE_DH_MAX_PUB];
	int rc;

	if ((rc = ike_dh_shared(dh, ke, ke_len, g_ir, sl)) < 0)
		goto out;
	gir = (struct ike_bytes){ g_ir, sl };
	rc = ike_keys_derive_rekey(&n->keys, n->xf.prf, el, al, old->xf.prf, old->keys.sk_d,
				   old->keys.prf_len, &gir, &ni, &nr, n->spi_i, n->spi_r);
	if (rc == 0)
		rc = ike_sk_init(n->initiator ? &n->sk_out : &n->sk_in, n->xf.encr, n->xf.key_bits,
				 n->xf.integ, n->keys.sk_ei, el, n->keys.sk_ai, al);
	if (rc == 0)
		rc = ike_sk_init(n->initiator ? &n->sk_in : &n->sk_out, n->xf.encr, n->xf.key_bits,
				 n->xf.integ, n->keys.sk_er, el, n->keys.sk_ar, al);
	if (rc == 0)
		n->keyed = true;
out:
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	return rc;
}

/* Children and queued work go from old to n; old awaits its deletion. */
static void hand_over(struct ikev2_engine *e, struct ikev2_sa *old, struct ikev2_sa *n)
{
	while (old->children)
		ikev2_child_adopt(n, old->children);
	memcpy(old->successor_spi, ikev2_sa_local_spi(n), 8);
	ikev2_sa_set_state(e, old, IKEV2_SA_REKEYED);
	ikev2_tm_move_queue(e, old, n);
	ikev2_store_save(e, n);
}

static void queue_delete_ike(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	ikev2_sa_set_state(e, sa, IKEV2_SA_DELETING);
	ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_delete_new(true, NULL, 0), NULL),
		       true);
}

static void min_nonce(const struct ikev2_sa *n, const uint8_t **p, size_t *len)
{
	if (ikev2_nonce_cmp(n->ni, n->ni_len, n->nr, n->nr_len) <= 0)
		*p = n->ni, *len = n->ni_len;
	else
		*p = n->nr, *len = n->nr_len;
}

static bool offered(const struct ike_sa_pl *sa, uint16_t group)
{
	for (unsigned i = 0; i < sa->n_props; i++)
		for (unsigned j = 0; j < sa->prop[i].n_xforms; j++)
			if (sa->prop[i].xf[j].type == IKE_XFORM_DH && sa->prop[i].xf[j].id == group)
				return true;
	return false;
}

static int ir_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	struct task_ike_rekey *s = tr(t);
	struct ike_dh *dh;
	uint16_t ke_group;
	const uint8_t *pub;
	size_t len;

	s->e = e;
	if (sa->state != IKEV2_SA_ESTABLISHED && !(sa->state == IKEV2_SA_REKEYING && s->nsa))
		return IKEV2_TASK_SKIP;
	if (!s->nsa) {
		if (!(s->nsa = new_sa(e, sa, true)))
			return IKEV2_TASK_FAILED;
		s->nsa->ke_group = sa->xf.dh;
		s->nsa->ni_len = IKEV2_NONCE_LEN;
		RAND_bytes(s->nsa->ni, s->nsa->ni_len);
	}
	ikev2_prop_offer_ike(&sa->prof, s->nsa->spi_i, &s->offer, &ke_group);
	ikev2_prop_offer_current(&sa->xf, IKE_PROTO_IKE, s->nsa->spi_i, 8, &s->offer);
	if (!s->restarts && !offered(&s->offer, s->nsa->ke_group))
		s->nsa->ke_group = ke_group;
	dh = s->nsa->dh;
	if (!dh || ike_dh_group(dh) != s->nsa->ke_group) {
		ike_dh_free(dh);
		if (!(s->nsa->dh = ike_dh_new(s->nsa->ke_group)))
			return IKEV2_TASK_FAILED;
	}
	sa->peer_rekeyed = false;
	ikev2_sa_set_state(e, sa, IKEV2_SA_REKEYING);
	pub = ike_dh_public(s->nsa->dh, &len);
	ike_build_sa(b, &s->offer);
	ike_build_nonce(b, s->nsa->ni, s->nsa->ni_len);
	ike_build_ke(b, s->nsa->ke_group, pub, len);
	return b->err ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static int ir_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx)
{
	struct task_ike_rekey *s = tr(t);
	const struct ike_msg *m = rx->m;
	const struct ike_notify_pl *no;
	struct ikev2_sa *n = s->nsa, *peer;
	uint8_t spi[8];
	uint16_t refused = 0;

	if (!n || sa->state != IKEV2_SA_REKEYING)
		return IKEV2_TASK_DONE;
	if ((no = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD)) && ++s->restarts <= IKE_REKEY_MAX_RESTARTS) {
		n->ke_group = (uint16_t)(no->data.ptr[0] << 8 | no->data.ptr[1]);
		ikev2_sa_set_state(e, sa, IKEV2_SA_ESTABLISHED);
		return IKEV2_TASK_RESTART;
	}
	for (unsigned i = 0; i < m->n_notify && !refused; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			refused = m->notify[i].type;
	if (!refused && (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_NONCE) ||
			 !ike_msg_has(m, IKE_PL_KE) ||
			 ikev2_prop_check_reply(&s->offer, &m->sa, IKE_PROTO_IKE, &n->xf, spi) < 0 ||
			 n->xf.dh != n->ke_group || m->ke.group != n->ke_group))
		refused = IKE_N_NO_PROPOSAL_CHOSEN;
	if (!refused) {
		memcpy(n->spi_r, spi, 8);
		memcpy(n->nr, m->nonce.ptr, m->nonce.len);
		n->nr_len = (uint16_t)m->nonce.len;
		if (rekey_keys(sa, n, n->dh, m->ke.data.ptr, m->ke.data.len) < 0)
			refused = IKE_N_INVALID_SYNTAX;
	}
	if (refused) {
		gw_warn("IKE SA rekey refused: %s", ike_wire_notify_name(refused));
		ikev2_count_fail(e, refused == IKE_N_TEMPORARY_FAILURE ? SHM_IKE_FAIL_TEMPORARY :
				 SHM_IKE_FAIL_PEER_ERROR);
		ikev2_sa_free(e, n);
		s->nsa = NULL;
		if (sa->peer_rekeyed && (peer = ikev2_sa_find(e, sa->peer_rekey_spi))) {
			hand_over(e, sa, peer);     /* the peer's rekey went through */
			return IKEV2_TASK_DONE;
		}
		ikev2_sa_set_state(e, sa, IKEV2_SA_ESTABLISHED);
		ikev2_timers_ike_rekey_retry(e, sa);
		return IKEV2_TASK_DONE;
	}
	s->nsa = NULL;
	ikev2_sa_set_state(e, n, IKEV2_SA_ESTABLISHED);
	if (sa->peer_rekeyed && (peer = ikev2_sa_find(e, sa->peer_rekey_spi))) {
		const uint8_t *low;
		size_t len;
		min_nonce(n, &low, &len);
		if (ikev2_nonce_cmp(low, len, sa->peer_rekey_nonce, sa->peer_rekey_nonce_len) < 0) {
			/* Ours is redundant: we close it; the peer deletes the old SA. */
			gw_info("simultaneous IKE SA rekey: ours is redundant");
			hand_over(e, sa, peer);
			queue_delete_ike(e, n);
			return IKEV2_TASK_DONE;
		}
		gw_info("simultaneous IKE SA rekey: ours survives");
	}
	hand_over(e, sa, n);
	queue_delete_ike(e, sa);
	return IKEV2_TASK_DONE;
}

static int ir_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	struct task_ike_rekey *s = tr(t);
	const struct ike_msg *m = rx->m;
	bool found = false, want = false;
	struct ikev2_xf xf, wxf = { 0 };
	struct ikev2_sa *n;

	s->e = e;
	if (!ike_msg_has(m, IKE_PL_NONCE) || !ike_msg_has(m, IKE_PL_KE)) {
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	for (unsigned i = 0; i < m->sa.n_props && !found; i++) {
		const struct ike_proposal *pr = &m->sa.prop[i];
		int r = pr->spi_size == 8 ? ikev2_prop_pick_ike(pr, &sa->prof, m->ke.group, &xf) : -1;
		if (r == 0) {
			found = true;
			s->xf = xf;
			s->prop_num = pr->num;
		} else if (r == 1 && !want) {
			want = true;
			wxf = xf;
		}
	}
	if (!found) {
		uint8_t g[2] = { (uint8_t)(wxf.dh >> 8), (uint8_t)wxf.dh };
		ikev2_count_fail(e, want ? SHM_IKE_FAIL_INVALID_KE : SHM_IKE_FAIL_NO_PROPOSAL);
		if (want)
			ikev2_nerr_set(err, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		else
			ikev2_nerr_set(err, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	if (!(n = new_sa(e, sa, false))) {
		ikev2_nerr_set(err, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	s->nsa = n;
	n->xf = s->xf;
	for (unsigned i = 0; i < m->sa.n_props; i++)
		if (m->sa.prop[i].num == s->prop_num)
			memcpy(n->spi_i, m->sa.prop[i].spi, 8);
	memcpy(n->ni, m->nonce.ptr, m->nonce.len);
	n->ni_len = (uint16_t)m->nonce.len;
	n->nr_len = IKEV2_NONCE_LEN;
	RAND_bytes(n->nr, n->nr_len);
	if (!(n->dh = ike_dh_new(n->xf.dh)) || rekey_keys(sa, n, n->dh, m->ke.data.ptr, m->ke.data.len) < 0) {
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	return IKEV2_TASK_DONE;
}

static int ir_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	struct task_ike_rekey *s = tr(t);
	struct ike_sa_pl *reply = malloc(sizeof(*reply));
	const uint8_t *pub;
	size_t len;

	(void)e, (void)sa;
	if (!reply)
		return -ENOMEM;
	ikev2_prop_reply(&s->xf, s->prop_num, IKE_PROTO_IKE, s->nsa->spi_r, 8, reply);
	ike_build_sa(b, reply);
	free(reply);
	ike_build_nonce(b, s->nsa->nr, s->nsa->nr_len);
	pub = ike_dh_public(s->nsa->dh, &len);
	ike_build_ke(b, s->xf.dh, pub, len);
	return b->err;
}

static void ir_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	struct task_ike_rekey *s = tr(t);
	struct ikev2_sa *n = s->nsa;
	struct task_ike_rekey *mine = (struct task_ike_rekey *)ikev2_tm_active(sa, &task_ike_rekey_ops);

	s->nsa = NULL;
	ikev2_sa_set_state(e, n, IKEV2_SA_ESTABLISHED);
	if (sa->state == IKEV2_SA_REKEYING && mine && mine->nsa) {
		/* Our own rekey is in flight: decide when its answer comes. */
		const uint8_t *low;
		size_t len;
		min_nonce(n, &low, &len);
		sa->peer_rekeyed = true;
		memcpy(sa->peer_rekey_spi, ikev2_sa_local_spi(n), 8);
		sa->peer_rekey_nonce_len = (uint16_t)len;
		memcpy(sa->peer_rekey_nonce, low, len);
		return;
	}
	hand_over(e, sa, n);    /* the initiator deletes the old SA */
}

static void ir_destroy(struct ikev2_task *t)
{
	struct task_ike_rekey *s = tr(t);

	if (s->nsa)
		ikev2_sa_free(s->e, s->nsa);
	free(s);
}

const struct ikev2_task_ops task_ike_rekey_ops = {
	.name = "ike-rekey",
	.build_i = ir_build_i,
	.process_i = ir_process_i,
	.process_r = ir_process_r,
	.build_r = ir_build_r,
	.post_r = ir_post_r,
	.destroy = ir_destroy,
};

struct ikev2_task *task_ike_rekey_new(void)
{
	struct task_ike_rekey *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->t.ops = &task_ike_rekey_ops;
	return &s->t;
}

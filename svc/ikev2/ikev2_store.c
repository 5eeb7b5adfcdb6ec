/*
 * Persistence of IKE SAs in the region's IKE SA table (region.h,
 * struct shm_ike_sa; writer: this process only). Saved on every state
 * change and message-ID move of an established SA; removed when it dies or
 * is superseded (REKEYED, DELETING). A restarted daemon restores each record
 * as an ESTABLISHED SA with its keys, message IDs and children, without any
 * exchange; children stay installed all along. A request that was in flight
 * is replaced by a liveness check with the same message ID, whose answer
 * (of any exchange type) is accepted. Exchanges in flight and the response
 * cache are not persisted: docs/ikev2.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ikev2_ts.h"
#include "log.h"

static uint8_t child_state(enum ikev2_child_state s)
{
	switch (s) {
	case IKEV2_CHILD_REKEYING: return SHM_IKE_CHILD_REKEYING;
	case IKEV2_CHILD_REKEYED: return SHM_IKE_CHILD_REKEYED;
	default: return SHM_IKE_CHILD_INSTALLED;
	}
}

static void fill(const struct ikev2_sa *sa, struct shm_ike_sa *r)
{
	unsigned k = 0;

	memset(r, 0, sizeof(*r));
	r->h.in_use = 1;
	memcpy(r->spi_i, sa->spi_i, 8);
	memcpy(r->spi_r, sa->spi_r, 8);
	r->state = sa->state == IKEV2_SA_REKEYING ? SHM_IKE_REKEYING : SHM_IKE_ESTABLISHED;
	r->af = sa->path.local.af;
	r->flags = (uint8_t)((sa->initiator ? SHM_IKE_F_INITIATOR : 0) | (sa->nat_local ? SHM_IKE_F_NAT_LOCAL : 0) |
			     (sa->nat_remote ? SHM_IKE_F_NAT_REMOTE : 0) | (sa->natt ? SHM_IKE_F_NATT : 0) |
			     (sa->tm.active ? SHM_IKE_F_REQ_OUT : 0));
	r->local_port = sa->path.local.port;
	r->remote_port = sa->path.remote.port;
	memcpy(r->local, sa->path.local.ip, 16);
	memcpy(r->remote, sa->path.remote.ip, 16);
	memcpy(r->profile, sa->prof.name, sizeof(r->profile));
	r->profile[sizeof(r->profile) - 1] = 0;
	r->encr = (uint8_t)sa->xf.encr, r->integ = (uint8_t)sa->xf.integ;
	r->prf = (uint8_t)sa->xf.prf, r->dh_group = (uint8_t)sa->xf.dh;
	r->key_bits = sa->xf.key_bits;
	r->id_i_type = sa->id_i_type, r->id_r_type = sa->id_r_type;
	r->id_i_len = sa->id_i_len, r->id_r_len = sa->id_r_len;
	memcpy(r->id_i, sa->id_i, sa->id_i_len < SHM_IKE_ID_MAX ? sa->id_i_len : SHM_IKE_ID_MAX);
	memcpy(r->id_r, sa->id_r, sa->id_r_len < SHM_IKE_ID_MAX ? sa->id_r_len : SHM_IKE_ID_MAX);
	r->ni_len = sa->ni_len, r->nr_len = sa->nr_len;
	memcpy(r->ni, sa->ni, sa->ni_len < SHM_IKE_NONCE_MAX ? sa->ni_len : SHM_IKE_NONCE_MAX);
	memcpy(r->nr, sa->nr, sa->nr_len < SHM_IKE_NONCE_MAX ? sa->nr_len : SHM_IKE_NONCE_MAX);
	r->tx_next = sa->tx_next, r->rx_next = sa->rx_next;
	r->prf_len = (uint16_t)sa->keys.prf_len, r->a_len = (uint16_t)sa->keys.a_len;
	r->e_len = (uint16_t)sa->keys.e_len;
	r->created_s = sa->created_rt, r->rekey_s = sa->rekey_rt;
	memcpy(r->sk_d, sa->keys.sk_d, sizeof(r->sk_d));
	memcpy(r->sk_pi, sa->keys.sk_pi, sizeof(r->sk_pi));
	memcpy(r->sk_pr, sa->keys.sk_pr, sizeof(r->sk_pr));
	memcpy(r->sk_ai, sa->keys.sk_ai, sizeof(r->sk_ai));
	memcpy(r->sk_ar, sa->keys.sk_ar, sizeof(r->sk_ar));
	memcpy(r->sk_ei, sa->keys.sk_ei, IKE_KEYS_MAX_ENCR);
	memcpy(r->sk_er, sa->keys.sk_er, IKE_KEYS_MAX_ENCR);
	for (const struct ikev2_child *c = sa->children; c && k < SHM_IKE_CHILD_MAX; c = c->next) {
		struct shm_ike_child *o = &r->child[k];
		if (c->state == IKEV2_CHILD_CREATING || c->state == IKEV2_CHILD_DELETED || !c->installed)
			continue;
		o->in_use = 1;
		o->state = child_state(c->state);
		o->spi_in = c->spi_in, o->spi_out = c->spi_out;
		o->sa_in = c->sa_in, o->sa_out = c->sa_out;
		o->tunnel = c->tunnel, o->successor = c->successor;
		o->flags = (uint8_t)((c->initiator ? SHM_IKE_CHILD_F_INITIATOR : 0) |
				     (c->xf.esn == 1 ? SHM_IKE_CHILD_F_ESN : 0) |
				     (sa->nat_local || sa->nat_remote ? SHM_IKE_CHILD_F_UDP_ENCAP : 0) |
				     (c->out_active ? SHM_IKE_CHILD_F_OUT_ACTIVE : 0));
		o->encr = (uint8_t)c->xf.encr, o->integ = (uint8_t)c->xf.integ;
		o->dh_group = (uint8_t)c->xf.dh, o->key_bits = c->xf.key_bits;
		ikev2_ts_to_shm(&c->ts_l, &o->ts_local);
		ikev2_ts_to_shm(&c->ts_r, &o->ts_remote);
		o->created_s = c->created_rt, o->rekey_s = c->rekey_rt, o->expire_s = c->expire_rt;
		k++;
	}
}

void ikev2_store_save(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct shm_region *r = e->env.region;
	struct shm_ike_sa *img;

	if (!r || sa->state == IKEV2_SA_CONNECTING || sa->state == IKEV2_SA_DEAD)
		return;
	if (sa->state == IKEV2_SA_REKEYED || sa->state == IKEV2_SA_DELETING) {
		ikev2_store_remove(e, sa);
		return;
	}
	if (sa->store_slot == UINT32_MAX) {
		uint32_t cap = shm_capacity(r, SHM_T_IKE_SA), i;
		for (i = e->store_hint; i < cap; i++)
			if (!((struct shm_ike_sa *)shm_rec(r, SHM_T_IKE_SA, i))->h.in_use)
				break;
		if (i == cap) {
			gw_warn("the region's IKE SA table is full (%u): SA not persisted", cap);
			return;
		}
		sa->store_slot = i;
		e->store_hint = i + 1;
	}
	if (!(img = malloc(sizeof(*img))))
		return;
	fill(sa, img);
	shm_rec_write(shm_rec(r, SHM_T_IKE_SA, sa->store_slot), img, sizeof(*img));
	OPENSSL_cleanse(img, sizeof(*img));
	free(img);
}

void ikev2_store_remove(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct shm_region *r = e->env.region;
	struct shm_ike_sa *img;

	if (!r || sa->store_slot == UINT32_MAX)
		return;
	if ((img = calloc(1, sizeof(*img))))
		shm_rec_write(shm_rec(r, SHM_T_IKE_SA, sa->store_slot), img, sizeof(*img));
	free(img);
	if (sa->store_slot < e->store_hint)
		e->store_hint = sa->store_slot;
	sa->store_slot = UINT32_MAX;
}

static enum ikev2_child_state child_state_back(uint8_t s)
{
	switch (s) {
	case SHM_IKE_CHILD_REKEYED: return IKEV2_CHILD_REKEYED;
	default: return IKEV2_CHILD_INSTALLED; /* a rekey in flight is gone with the process */
	}
}

static int restore_one(struct ikev2_engine *e, const struct shm_ike_sa *r, uint32_t slot)
{
	bool initiator = r->flags & SHM_IKE_F_INITIATOR;
	struct ikev2_sa *sa = ikev2_sa_new(e, initiator);
	size_t el, al;

	if (!sa)
		return -ENOMEM;
	if (sa->counted_half) {
		sa->counted_half = false;
		e->ctr->half_open--;
	}
	ikev2_sa_set_local_spi(e, sa, initiator ? r->spi_i : r->spi_r);
	ikev2_sa_set_remote_spi(sa, initiator ? r->spi_r : r->spi_i);
	sa->store_slot = slot;
	sa->path.local.af = sa->path.remote.af = r->af;
	memcpy(sa->path.local.ip, r->local, 16);
	memcpy(sa->path.remote.ip, r->remote, 16);
	sa->path.local.port = r->local_port;
	sa->path.remote.port = r->remote_port;
	sa->nat_local = r->flags & SHM_IKE_F_NAT_LOCAL;
	sa->nat_remote = r->flags & SHM_IKE_F_NAT_REMOTE;
	sa->natt = r->flags & SHM_IKE_F_NATT;
	if (ikev2_profile_get(e, r->profile, &sa->prof) == 0)
		sa->has_prof = true;
	else
		memcpy(sa->prof.name, r->profile, sizeof(sa->prof.name));
	sa->xf = (struct ikev2_xf){ r->encr, r->key_bits, r->prf, r->integ, r->dh_group, 0 };
	sa->keys.prf = r->prf;
	sa->keys.prf_len = r->prf_len, sa->keys.a_len = r->a_len, sa->keys.e_len = r->e_len;
	memcpy(sa->keys.sk_d, r->sk_d, sizeof(sa->keys.sk_d));
	memcpy(sa->keys.sk_pi, r->sk_pi, sizeof(sa->keys.sk_pi));
	memcpy(sa->keys.sk_pr, r->sk_pr, sizeof(sa->keys.sk_pr));
	memcpy(sa->keys.sk_ai, r->sk_ai, sizeof(sa->keys.sk_ai));
	memcpy(sa->keys.sk_ar, r->sk_ar, sizeof(sa->keys.sk_ar));
	memcpy(sa->keys.sk_ei, r->sk_ei, IKE_KEYS_MAX_ENCR);
	memcpy(sa->keys.sk_er, r->sk_er, IKE_KEYS_MAX_ENCR);
	el = r->e_len, al = r->a_len;
	if (ike_sk_init(initiator ? &sa->sk_out : &sa->sk_in, sa->xf.encr, sa->xf.key_bits, sa->xf.integ,
			sa->keys.sk_ei, el, sa->keys.sk_ai, al) < 0 ||
	    ike_sk_init(initiator ? &sa->sk_in : &sa->sk_out, sa->xf.encr, sa->xf.key_bits, sa->xf.integ,
			sa->keys.sk_er, el, sa->keys.sk_ar, al) < 0) {
		sa->store_slot = UINT32_MAX;
		ikev2_sa_free(e, sa);
		return -EINVAL;
	}
	sa->keyed = true;
	sa->id_i_type = r->id_i_type, sa->id_r_type = r->id_r_type;
	sa->id_i_len = r->id_i_len < SHM_IKE_ID_MAX ? r->id_i_len : SHM_IKE_ID_MAX;
	sa->id_r_len = r->id_r_len < SHM_IKE_ID_MAX ? r->id_r_len : SHM_IKE_ID_MAX;
	memcpy(sa->id_i, r->id_i, sa->id_i_len);
	memcpy(sa->id_r, r->id_r, sa->id_r_len);
	sa->ni_len = r->ni_len < SHM_IKE_NONCE_MAX ? r->ni_len : SHM_IKE_NONCE_MAX;
	sa->nr_len = r->nr_len < SHM_IKE_NONCE_MAX ? r->nr_len : SHM_IKE_NONCE_MAX;
	memcpy(sa->ni, r->ni, sa->ni_len);
	memcpy(sa->nr, r->nr, sa->nr_len);
	sa->tx_next = r->tx_next, sa->rx_next = r->rx_next;
	sa->created_rt = r->created_s;
	for (unsigned k = 0; k < SHM_IKE_CHILD_MAX; k++) {
		const struct shm_ike_child *o = &r->child[k];
		struct ikev2_child *c;
		if (!o->in_use || !(c = ikev2_child_new(e, sa)))
			continue;
		ikev2_child_restore_spi(e, c, o->spi_in);
		c->spi_out = o->spi_out;
		c->sa_in = o->sa_in, c->sa_out = o->sa_out;
		c->tunnel = o->tunnel, c->successor = o->successor;
		c->initiator = o->flags & SHM_IKE_CHILD_F_INITIATOR;
		c->out_active = o->flags & SHM_IKE_CHILD_F_OUT_ACTIVE;
		c->installed = true;
		c->xf = (struct ikev2_xf){ o->encr, o->key_bits, 0, o->integ, o->dh_group,
					   (o->flags & SHM_IKE_CHILD_F_ESN) ? 1 : 0 };
		ikev2_ts_from_shm(&o->ts_local, &c->ts_l);
		ikev2_ts_from_shm(&o->ts_remote, &c->ts_r);
		c->created_rt = o->created_s, c->rekey_rt = o->rekey_s, c->expire_rt = o->expire_s;
		c->created_ms = ikev2_now(e);
		c->state = child_state_back(o->state);
		e->ctr->child_sas++;
		if (e->next_sa_id <= o->sa_in || e->next_sa_id <= o->sa_out)
			e->next_sa_id = (o->sa_in > o->sa_out ? o->sa_in : o->sa_out) + 1;
		if (c->state == IKEV2_CHILD_INSTALLED)
			ikev2_timers_child_restored(e, c);
	}
	/* Established again without an exchange, events or counters of a new SA. */
	sa->state = IKEV2_SA_ESTABLISHED;
	sa->established_ms = ikev2_now(e);
	e->ctr->ike_sas++;
	ikev2_timers_ike_restored(e, sa, r->rekey_s);
	if (r->flags & SHM_IKE_F_REQ_OUT && sa->tx_next) {
		sa->tx_next--;
		sa->tm.probe = true;
		ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_dpd_new(), NULL), true);
	}
	return 0;
}

int ikev2_store_restore(struct ikev2_engine *e)
{
	struct shm_region *r = e->env.region;
	struct shm_ike_sa *img;
	int n = 0;

	if (!r || !(img = malloc(sizeof(*img))))
		return 0;
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_IKE_SA); i++) {
		if (!shm_rec_read(shm_rec(r, SHM_T_IKE_SA, i), img, sizeof(*img)))
			continue;
		if (restore_one(e, img, i) == 0)
			n++;
	}
	OPENSSL_cleanse(img, sizeof(*img));
	free(img);
	if (n)
		gw_info("restored %d IKE SAs from the region", n);
	return n;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool owned(const uint32_t *ids, size_t n, uint32_t id)
{
	return id < IKEV2_SA_ID_BASE || bsearch(&id, ids, n, sizeof(id), cmp_u32) != NULL;
}

/* SAs in the IKE daemon's id range that no restored child owns (the process
 * died between installing and persisting, or while deleting), and tunnels
 * that only they protect: remove them through the config API. */
int ikev2_store_gc(struct ikev2_engine *e)
{
	struct shm_region *r = e->env.region;
	size_t n = 0, cap = 64;
	uint32_t *ids;
	int removed = 0;

	if (!r || !(ids = malloc(cap * sizeof(*ids))))
		return 0;
	for (struct ikev2_sa *sa = e->first; sa; sa = sa->next)
		for (struct ikev2_child *c = sa->children; c; c = c->next) {
			if (n + 2 > cap) {
				uint32_t *p = realloc(ids, 2 * cap * sizeof(*ids));
				if (!p)
					goto out;
				ids = p;
				cap *= 2;
			}
			ids[n++] = c->sa_in;
			ids[n++] = c->sa_out;
		}
	qsort(ids, n, sizeof(*ids), cmp_u32);
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_TUNNEL); i++) {
		struct shm_tunnel t;
		bool orphan = false, kept = false;
		if (!shm_rec_read(shm_rec(r, SHM_T_TUNNEL, i), &t, sizeof(t)))
			continue;
		if (t.has_sa_out)
			(owned(ids, n, t.sa_out) ? (kept = true) : (orphan = true));
		for (unsigned k = 0; k < t.n_sa_in && k < SHM_MAX_SA_IN; k++)
			(owned(ids, n, t.sa_in[k]) ? (kept = true) : (orphan = true));
		if (orphan && !kept && e->env.inst->tunnel_delete(e->env.inst_arg, t.instance) == 0) {
			gw_info("removed ipsec%u: its SAs belong to no IKE SA", t.instance);
			removed++;
		}
	}
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_SA); i++) {
		struct shm_sa s;
		bool used = shm_rec_read(shm_rec(r, SHM_T_SA, i), &s, sizeof(s));
		uint32_t id = s.sa_id;
		OPENSSL_cleanse(&s, sizeof(s));
		if (used && !owned(ids, n, id) && e->env.inst->sa_del(e->env.inst_arg, id) == 0) {
			gw_info("removed SA %u: it belongs to no IKE SA", id);
			removed++;
		}
	}
out:
	free(ids);
	return removed;
}

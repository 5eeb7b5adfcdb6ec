/* Child SAs: object, state, KEYMAT, installation (make-before-break). */
#include "ikev2_child.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ikev2_core.h"
#include "ikev2_prop.h"
#include "log.h"

#define SA_ID_TRIES 64

static const char *const child_state_names[] = {
#define IKEV2_CHILD_STATE_NAME(n, s) s,
	IKEV2_CHILD_STATES(IKEV2_CHILD_STATE_NAME)
#undef IKEV2_CHILD_STATE_NAME
};

const char *ikev2_child_state_name(enum ikev2_child_state s)
{
	return (unsigned)s < sizeof(child_state_names) / sizeof(child_state_names[0]) ?
		       child_state_names[s] : "?";
}

static uint32_t chash(uint32_t spi)
{
	return (spi * 2654435761u) >> 18 & (IKEV2_HASH_SIZE - 1);
}

static void child_unhash(struct ikev2_engine *e, struct ikev2_child *c)
{
	struct ikev2_child **pp;

	if (!c->spi_in)
		return;
	for (pp = &e->chash[chash(c->spi_in)]; *pp; pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
}

struct ikev2_child *ikev2_child_new(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_child *c = calloc(1, sizeof(*c)), **pp;

	(void)e;
	if (!c)
		return NULL;
	c->ike = sa;
	c->state = IKEV2_CHILD_CREATING;
	c->tunnel = UINT32_MAX;
	ikev2_timers_child_init(c);
	for (pp = &sa->children; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	return c;
}

void ikev2_child_free(struct ikev2_engine *e, struct ikev2_child *c)
{
	struct ikev2_child **pp;

	if (!c)
		return;
	for (pp = &c->ike->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	child_unhash(e, c);
	ikev2_timers_child_removed(e, c);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

void ikev2_child_adopt(struct ikev2_sa *to, struct ikev2_child *c)
{
	struct ikev2_child **pp;

	for (pp = &c->ike->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->next = NULL;
	c->ike = to;
	for (pp = &to->children; *pp; pp = &(*pp)->next)
		;
	*pp = c;
}

struct ikev2_child *ikev2_child_by_in(const struct ikev2_sa *sa, uint32_t spi_in)
{
	for (struct ikev2_child *c = sa->children; c; c = c->next)
		if (c->spi_in == spi_in)
			return c;
	return NULL;
}

struct ikev2_child *ikev2_child_by_out(const struct ikev2_sa *sa, uint32_t spi_out)
{
	for (struct ikev2_child *c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

struct ikev2_child *ikev2_child_get(const struct ikev2_engine *e, uint32_t spi_in)
{
	for (struct ikev2_child *c = e->chash[chash(spi_in)]; c; c = c->hnext)
		if (c->spi_in == spi_in)
			return c;
	return NULL;
}

struct ikev2_child *ikev2_child_find(const struct ikev2_engine *e, uint32_t spi)
{
	for (struct ikev2_child *c = e->chash[chash(spi)]; c; c = c->hnext)
		if (c->spi_in == spi && c->ike->state != IKEV2_SA_DEAD)
			return c;
	for (struct ikev2_sa *sa = e->first; sa; sa = sa->next)
		if (sa->state != IKEV2_SA_DEAD)
			for (struct ikev2_child *c = sa->children; c; c = c->next)
				if (c->spi_out == spi)
					return c;
	return NULL;
}

void ikev2_child_alloc_spi(struct ikev2_engine *e, struct ikev2_child *c)
{
	uint32_t spi;
	bool taken;

	child_unhash(e, c);
	do {
		RAND_bytes((unsigned char *)&spi, sizeof(spi));
		taken = spi <= 255;
		for (struct ikev2_child *x = e->chash[chash(spi)]; x && !taken; x = x->hnext)
			taken = x->spi_in == spi;
	} while (taken);
	c->spi_in = spi;
	c->hnext = e->chash[chash(spi)];
	e->chash[chash(spi)] = c;
}

void ikev2_child_restore_spi(struct ikev2_engine *e, struct ikev2_child *c, uint32_t spi_in)
{
	child_unhash(e, c);
	c->spi_in = spi_in;
	c->hnext = e->chash[chash(spi_in)];
	e->chash[chash(spi_in)] = c;
}

/* The single place a child SA changes state. */
void ikev2_child_set_state(struct ikev2_engine *e, struct ikev2_child *c, enum ikev2_child_state s)
{
	enum ikev2_child_state old = c->state;

	if (old == s)
		return;
	gw_info("child SA %08x/%08x (ipsec%d): %s -> %s", c->spi_in, c->spi_out,
		c->tunnel == UINT32_MAX ? -1 : (int)c->tunnel, ikev2_child_state_name(old),
		ikev2_child_state_name(s));
	c->state = s;
	switch (s) {
	case IKEV2_CHILD_INSTALLED:
		if (old != IKEV2_CHILD_CREATING)
			break;
		c->created_ms = ikev2_now(e);
		c->created_rt = ikev2_realtime_s();
		e->ctr->child_sas++;
		if (c->rekey_of)
			e->ctr->child_rekeys++;
		else
			e->ctr->child_up++;
		ikev2_timers_child_installed(e, c);
		ikev2_engine_event(e, c->rekey_of ? IKEV2_EV_REKEYED : IKEV2_EV_UP, c->ike, c);
		break;
	case IKEV2_CHILD_REKEYED:
		ikev2_timers_child_removed(e, c);
		break;
	case IKEV2_CHILD_DELETED:
		ikev2_timers_child_removed(e, c);
		if (old == IKEV2_CHILD_CREATING)
			break;
		e->ctr->child_sas--;
		if (!c->successor) { /* a rekeyed child is replaced, not down */
			e->ctr->child_down++;
			ikev2_engine_event(e, IKEV2_EV_DOWN, c->ike, c);
		}
		break;
	default:
		break;
	}
	if (c->ike->state != IKEV2_SA_CONNECTING && c->ike->state != IKEV2_SA_DEAD)
		ikev2_store_save(e, c->ike);
}

int ikev2_child_derive(struct ikev2_engine *e, const struct ikev2_sa *sa, struct ikev2_child *c,
		       const struct ike_bytes *ni, const struct ike_bytes *nr, const struct ike_bytes *g_ir)
{	size_t el = ikev2_prop_esp_ekey_len(c->xf.encr, c->xf.key_bits);
	size_t al = ikev2_prop_esp_akey_len(c->xf.integ);

	(void)e;
	if (!el || (c->xf.integ && !al))
		return -ENOTSUP;
	return ike_keys_child(&c->keys, sa->xf.prf, sa->keys.sk_d, sa->keys.prf_len, g_ir, ni, nr,
			      el, al);
}

/* One direction's SAD spec. */
static void spec_fill(const struct ikev2_child *c, bool inbound, struct ikev2_sa_spec *s)
{
	const struct ikev2_sa *sa = c->ike;
	/* ei/ai protect initiator-to-responder traffic of the exchange that made c. */
	bool use_i = inbound ? !c->initiator : c->initiator;

	memset(s, 0, sizeof(*s));
	s->spi = inbound ? c->spi_in : c->spi_out;
	s->crypto_alg = ikev2_prop_shm_crypto(c->xf.encr, c->xf.key_bits);
	s->integ_alg = ikev2_prop_shm_integ(c->xf.integ);
	s->ckey_len = (uint8_t)c->keys.e_len;
	s->ikey_len = (uint8_t)c->keys.a_len;
	memcpy(s->ckey, use_i ? c->keys.ei : c->keys.er, c->keys.e_len);
	memcpy(s->ikey, use_i ? c->keys.ai : c->keys.ar, c->keys.a_len);
	s->src = inbound ? sa->path.remote : sa->path.local;
	s->dst = inbound ? sa->path.local : sa->path.remote;
	s->udp_encap = sa->nat_local || sa->nat_remote;
	s->esn = c->xf.esn == 1;
}

static int add_sa(struct ikev2_engine *e, struct ikev2_sa_spec *s, uint32_t *id)
{
	int rc = -EEXIST;

	for (int i = 0; i < SA_ID_TRIES && rc == -EEXIST; i++) {
		s->sa_id = e->next_sa_id++;
		if (e->next_sa_id < IKEV2_SA_ID_BASE)
			e->next_sa_id = IKEV2_SA_ID_BASE;
		rc = e->env.inst->sa_add(e->env.inst_arg, s);
	}
	if (rc == 0)
		*id = s->sa_id;
	return rc;
}

static uint32_t next_sa_id(struct ikev2_engine *e)
{
	uint32_t id = e->next_sa_id++;

	if (e->next_sa_id < IKEV2_SA_ID_BASE)
		e->next_sa_id = IKEV2_SA_ID_BASE;
	return id;
}

/* A child on a new tunnel in one installer call: 0, -EEXIST (an id was
 * taken: go step by step), or a failure (counted). */
static int install_one_call(struct ikev2_engine *e, struct ikev2_child *c)
{
	struct ikev2_sa_spec s[2];
	uint32_t tunnel;
	int rc;

	spec_fill(c, true, &s[0]);
	spec_fill(c, false, &s[1]);
	s[0].sa_id = next_sa_id(e);
	s[1].sa_id = next_sa_id(e);
	rc = e->env.inst->child_add(e->env.inst_arg, &s[0], &s[1], &tunnel);
	if (rc == 0) {
		c->sa_in = s[0].sa_id;
		c->sa_out = s[1].sa_id;
		c->tunnel = tunnel;
		c->installed = true;
		c->out_active = true;
	} else if (rc != -EEXIST) {
		gw_err("child SA %08x/%08x: installation failed: %s", c->spi_in, c->spi_out, strerror(-rc));
		ikev2_count_fail(e, SHM_IKE_FAIL_INSTALL);
	}
	OPENSSL_cleanse(s, sizeof(s));
	return rc;
}

int ikev2_child_install(struct ikev2_engine *e, struct ikev2_child *c, const struct ikev2_child *pred)
{
	const struct ikev2_install_ops *in = e->env.inst;
	struct ikev2_sa_spec s;
	int rc;

	if (!pred && in->child_add && (rc = install_one_call(e, c)) != -EEXIST)
		return rc;
	spec_fill(c, true, &s);
	rc = add_sa(e, &s, &c->sa_in);
	if (rc == 0) {
		spec_fill(c, false, &s);
		rc = add_sa(e, &s, &c->sa_out);
		if (rc < 0) {
			in->sa_del(e->env.inst_arg, c->sa_in);
			c->sa_in = 0;
		}
	}
	OPENSSL_cleanse(&s, sizeof(s));
	if (rc < 0)
		goto fail;
	c->installed = true;
	if (pred) {
		c->tunnel = pred->tunnel;
	} else {
		if ((rc = in->tunnel_create(e->env.inst_arg, &c->tunnel)) < 0) {
			c->tunnel = UINT32_MAX;
			goto fail_sas;
		}
		c->out_active = true;
	}
	if ((rc = ikev2_child_sync(e, c->ike, c->tunnel)) < 0)
		goto fail_tunnel;
	if (!pred && (rc = in->tunnel_up(e->env.inst_arg, c->tunnel)) < 0)
		goto fail_tunnel;
	return 0;
fail_tunnel:
	if (!pred) {
		in->tunnel_delete(e->env.inst_arg, c->tunnel);
		c->tunnel = UINT32_MAX;
	} else {
		c->installed = false;
		ikev2_child_sync(e, c->ike, c->tunnel);
	}
fail_sas:
	in->sa_del(e->env.inst_arg, c->sa_in);
	in->sa_del(e->env.inst_arg, c->sa_out);
	c->sa_in = c->sa_out = 0;
	c->installed = false;
fail:
	gw_err("child SA %08x/%08x: installation failed: %s", c->spi_in, c->spi_out, strerror(-rc));
	ikev2_count_fail(e, SHM_IKE_FAIL_INSTALL);
	return rc;
}

int ikev2_child_sync(struct ikev2_engine *e, struct ikev2_sa *sa, uint32_t tunnel)
{
	uint32_t in[SHM_MAX_SA_IN], out = 0;
	unsigned n = 0;
	int any = 0;

	if (tunnel == UINT32_MAX)
		return 0;
	/* Newest children last in the list: keep the newest SHM_MAX_SA_IN. */
	for (struct ikev2_child *c = sa->children; c; c = c->next) {
		if (c->tunnel != tunnel || !c->installed)
			continue;
		any = 1;
		if (n == SHM_MAX_SA_IN) {
			memmove(in, in + 1, (n - 1) * sizeof(in[0]));
			n--;
		}
		in[n++] = c->sa_in;
		if (c->out_active)
			out = c->sa_out;
	}
	if (!any)
		return 0;
	return e->env.inst->tunnel_protect(e->env.inst_arg, tunnel, out, in, n);
}

void ikev2_child_remove(struct ikev2_engine *e, struct ikev2_child *c)
{
	const struct ikev2_install_ops *in = e->env.inst;
	struct ikev2_sa *sa = c->ike;
	uint32_t tunnel = c->tunnel, sa_in = c->sa_in, sa_out = c->sa_out;
	bool shared = false;

	if (!c->successor && c->peer_rekey_spi && ikev2_child_by_in(sa, c->peer_rekey_spi))
		c->successor = c->peer_rekey_spi; /* the peer's rekey of it replaced it */
	if (c->state != IKEV2_CHILD_DELETED)
		ikev2_child_set_state(e, c, IKEV2_CHILD_DELETED);
	if (c->out_active && c->successor) {
		struct ikev2_child *s = ikev2_child_by_in(sa, c->successor);
		if (s && s->installed)
			s->out_active = true;
	}
	c->out_active = false;
	c->installed = false;
	for (struct ikev2_child *x = sa->children; x; x = x->next)
		if (x != c && x->tunnel == tunnel && x->installed)
			shared = true;
	if (tunnel != UINT32_MAX) {
		int rc = shared ? ikev2_child_sync(e, sa, tunnel) : in->tunnel_delete(e->env.inst_arg, tunnel);
		if (rc < 0 && !shared)
			/* In use (a route names it): leave the interface, unprotected. */
			in->tunnel_protect(e->env.inst_arg, tunnel, 0, NULL, 0);
	}
	if (sa_in)
		in->sa_del(e->env.inst_arg, sa_in);
	if (sa_out)
		in->sa_del(e->env.inst_arg, sa_out);
	ikev2_child_free(e, c);
	if (sa->state != IKEV2_SA_DEAD && sa->state != IKEV2_SA_CONNECTING)
		ikev2_store_save(e, sa);
}

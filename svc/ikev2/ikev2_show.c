/* IKE SAs as the API describes them (IkeSaDetails). */
#include "ikev2_show.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_wire.h"
#include "ikev2_child.h"
#include "ikev2_core.h"

static ProtobufCBinaryData dup(const void *p, size_t n)
{
	ProtobufCBinaryData b = { 0, NULL };

	if (n && (b.data = malloc(n))) {
		memcpy(b.data, p, n);
		b.len = n;
	}
	return b;
}

static void wipe(ProtobufCBinaryData *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->len);
}

static Ipsecgw__V1__Ikev2Transforms *xforms(const struct ikev2_xf *xf)
{
	Ipsecgw__V1__Ikev2Transforms *t = malloc(sizeof(*t));

	if (!t)
		return NULL;
	ipsecgw__v1__ikev2_transforms__init(t);
	t->has_encr = t->has_key_bits = t->has_integ = t->has_dh_group = 1;
	t->encr = (Ipsecgw__V1__IkeEncr)xf->encr;
	t->key_bits = xf->key_bits;
	t->integ = (Ipsecgw__V1__IkeInteg)xf->integ;
	t->dh_group = xf->dh;
	return t;
}

static Ipsecgw__V1__Ikev2TrafficSelector *ts(const struct ike_ts *s)
{
	Ipsecgw__V1__Ikev2TrafficSelector *t = malloc(sizeof(*t));
	size_t n = s->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;

	if (!t)
		return NULL;
	ipsecgw__v1__ikev2_traffic_selector__init(t);
	t->start = dup(s->start, n);
	t->end = dup(s->end, n);
	t->has_port_start = t->has_port_end = t->has_protocol = 1;
	t->port_start = s->start_port;
	t->port_end = s->end_port;
	t->protocol = s->ip_proto;
	return t;
}

static Ipsecgw__V1__Ikev2TrafficSelector **ts1(const struct ike_ts *s, size_t *n)
{
	Ipsecgw__V1__Ikev2TrafficSelector **a = malloc(sizeof(*a));

	*n = 0;
	if (a && (a[0] = ts(s)))
		*n = 1;
	return a;
}

static char *sdup(const char *s)
{
	return strdup(s);
}

static Ipsecgw__V1__IkeChildSaDetails *child(const struct ikev2_engine *e, const struct ikev2_sa *sa,
					      const struct ikev2_child *c, bool keys)
{
	Ipsecgw__V1__IkeChildSaDetails *d = malloc(sizeof(*d));
	bool same = c->initiator == sa->initiator; /* keys named from the IKE initiator's side */
	uint64_t left = ikev2_timers_left(e, &c->t_rekey);
	char name[32];

	if (!d)
		return NULL;
	ipsecgw__v1__ike_child_sa_details__init(d);
	d->spi_i = sa->initiator ? c->spi_in : c->spi_out;
	d->spi_r = sa->initiator ? c->spi_out : c->spi_in;
	d->esp = xforms(&c->xf);
	d->has_esn = 1;
	d->esn = c->xf.esn == 1;
	d->ts_i = ts1(sa->initiator ? &c->ts_l : &c->ts_r, &d->n_ts_i);
	d->ts_r = ts1(sa->initiator ? &c->ts_r : &c->ts_l, &d->n_ts_r);
	d->has_sa_in = d->has_sa_out = 1;
	d->sa_in = c->sa_in;
	d->sa_out = c->sa_out;
	if (c->tunnel != UINT32_MAX) {
		snprintf(name, sizeof(name), "ipsec%u", c->tunnel);
		d->tunnel_interface = sdup(name);
	}
	d->state = sdup(ikev2_child_state_name(c->state));
	d->has_udp_encap = 1;
	d->udp_encap = sa->nat_local || sa->nat_remote;
	d->has_established_s = 1;
	d->established_s = (ikev2_now(e) - c->created_ms) / 1000u;
	if (left != UINT64_MAX) {
		d->has_rekey_in_s = 1;
		d->rekey_in_s = left / 1000u;
	}
	if (keys && c->keys.e_len) {
		d->has_sk_ei = d->has_sk_er = 1;
		d->sk_ei = dup(same ? c->keys.ei : c->keys.er, c->keys.e_len);
		d->sk_er = dup(same ? c->keys.er : c->keys.ei, c->keys.e_len);
		if (c->keys.a_len) {
			d->has_sk_ai = d->has_sk_ar = 1;
			d->sk_ai = dup(same ? c->keys.ai : c->keys.ar, c->keys.a_len);
			d->sk_ar = dup(same ? c->keys.ar : c->keys.ai, c->keys.a_len);
		}
	}
	return d;
}

Ipsecgw__V1__IkeSaDetails *ikev2_show_sa(const struct ikev2_engine *e, const struct ikev2_sa *sa,
					 bool keys, const struct ikev2_child *only)
{
	Ipsecgw__V1__IkeSaDetails *d = malloc(sizeof(*d));
	const struct ikev2_addr *ia = sa->initiator ? &sa->path.local : &sa->path.remote;
	const struct ikev2_addr *ra = sa->initiator ? &sa->path.remote : &sa->path.local;
	uint64_t left = ikev2_timers_left(e, &sa->t_rekey);
	unsigned n = 0;

	if (!d)
		return NULL;
	ipsecgw__v1__ike_sa_details__init(d);
	d->ispi = ikev2_spi_u64(sa->spi_i);
	d->rspi = ikev2_spi_u64(sa->spi_r);
	d->iip = dup(ia->ip, ikev2_addr_len(ia));
	d->rip = dup(ra->ip, ikev2_addr_len(ra));
	d->has_iport = d->has_rport = 1;
	d->iport = ia->port;
	d->rport = ra->port;
	d->has_local_is_initiator = 1;
	d->local_is_initiator = sa->initiator;
	d->state = sdup(ikev2_sa_state_name(sa->state));
	d->profile = sdup(sa->prof.name);
	d->ike = xforms(&sa->xf);
	d->has_prf = 1;
	d->prf = sa->xf.prf;
	if (sa->id_i_type) {
		d->has_id_i_type = d->has_id_i = 1;
		d->id_i_type = (Ipsecgw__V1__IkeIdType)sa->id_i_type;
		d->id_i = dup(sa->id_i, sa->id_i_len);
	}
	if (sa->id_r_type) {
		d->has_id_r_type = d->has_id_r = 1;
		d->id_r_type = (Ipsecgw__V1__IkeIdType)sa->id_r_type;
		d->id_r = dup(sa->id_r, sa->id_r_len);
	}
	d->has_nat_local = d->has_nat_remote = 1;
	d->nat_local = sa->nat_local;
	d->nat_remote = sa->nat_remote;
	if (sa->established_ms) {
		d->has_established_s = 1;
		d->established_s = (ikev2_now(e) - sa->established_ms) / 1000u;
	}
	if (left != UINT64_MAX) {
		d->has_rekey_in_s = 1;
		d->rekey_in_s = left / 1000u;
	}
	d->has_msg_id_tx = d->has_msg_id_rx = 1;
	d->msg_id_tx = sa->tx_next;
	d->msg_id_rx = sa->rx_next;
	for (const struct ikev2_child *c = sa->children; c; c = c->next)
		n++;
	if (n && (d->children = calloc(n, sizeof(*d->children))))
		for (const struct ikev2_child *c = sa->children; c; c = c->next)
			if ((!only || c == only) && (d->children[d->n_children] = child(e, sa, c, keys)))
				d->n_children++;
	if (keys && sa->keyed) {
		const struct ike_sa_keys *k = &sa->keys;
		d->has_nonce_i = d->has_nonce_r = d->has_sk_d = d->has_sk_pi = d->has_sk_pr = 1;
		d->has_sk_ei = d->has_sk_er = 1;
		d->nonce_i = dup(sa->ni, sa->ni_len);
		d->nonce_r = dup(sa->nr, sa->nr_len);
		d->sk_d = dup(k->sk_d, k->prf_len);
		d->sk_ei = dup(k->sk_ei, k->e_len);
		d->sk_er = dup(k->sk_er, k->e_len);
		d->sk_pi = dup(k->sk_pi, k->prf_len);
		d->sk_pr = dup(k->sk_pr, k->prf_len);
		if (k->a_len) {
			d->has_sk_ai = d->has_sk_ar = 1;
			d->sk_ai = dup(k->sk_ai, k->a_len);
			d->sk_ar = dup(k->sk_ar, k->a_len);
		}
	}
	return d;
}

void ikev2_show_free(Ipsecgw__V1__IkeSaDetails *d)
{
	if (!d)
		return;
	wipe(&d->sk_d), wipe(&d->sk_ai), wipe(&d->sk_ar), wipe(&d->sk_ei), wipe(&d->sk_er);
	wipe(&d->sk_pi), wipe(&d->sk_pr), wipe(&d->nonce_i), wipe(&d->nonce_r);
	for (size_t i = 0; i < d->n_children; i++) {
		Ipsecgw__V1__IkeChildSaDetails *c = d->children[i];
		wipe(&c->sk_ei), wipe(&c->sk_ai), wipe(&c->sk_er), wipe(&c->sk_ar);
	}
	/* Everything was allocated with malloc: protobuf-c's default allocator frees it. */
	ipsecgw__v1__ike_sa_details__free_unpacked(d, NULL);
}

/* Dumps of SAs (with their runtime: sequence numbers and replay window),
 * SPDs and their policies, tunnels and IKEv2 profiles. Paging and the
 * other sections: cfg_dump.c. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

static int dump_ipsec_salted(unsigned alg)
{
	return alg >= SHM_CRYPTO_AES_CTR_128 && alg <= SHM_CRYPTO_AES_GCM_256;
}

static Ipsecgw__V1__Counter *dump_ipsec_counter(const struct shm_counter *k)
{
	Ipsecgw__V1__Counter *x = cfg_reply_calloc(1, sizeof(*x));

	ipsecgw__v1__counter__init(x);
	x->packets = k->packets;
	x->bytes = k->bytes;
	return x;
}

/* The API's reasons are the region's X-macro list, number for number. */
#define SA_ERR_ASSERT(n, s)                                                                  \
	_Static_assert((int)IPSECGW__V1__SA_ERROR_COUNTER__REASON__##n == (int)SHM_SA_ERR_##n, \
		       "SaErrorCounter.Reason " #n);
SHM_FOREACH_SA_ERR(SA_ERR_ASSERT)
#undef SA_ERR_ASSERT

/* Every per-SA error reason of SA index i, zeros included. */
static void dump_ipsec_sa_errors(const struct cfg *c, uint32_t i, Ipsecgw__V1__SaDetails *x)
{
	uint64_t v[SHM_SA_ERR_N];

	shm_sum_sa_err(c->r, i, v);
	x->errors = cfg_reply_calloc(SHM_SA_ERR_N, sizeof(*x->errors));
	for (unsigned k = 0; k < SHM_SA_ERR_N; k++) {
		Ipsecgw__V1__SaErrorCounter *e = cfg_reply_calloc(1, sizeof(*e));

		ipsecgw__v1__sa_error_counter__init(e);
		e->reason = (Ipsecgw__V1__SaErrorCounter__Reason)k;
		e->count = v[k];
		x->errors[x->n_errors++] = e;
	}
}

/* The tunnel interface an SA protects, "" if none. */
static void dump_ipsec_sa_tunnel(const struct cfg *c, uint32_t i, char *buf, size_t len)
{
	uint32_t k = c->idx.sa_tunnel[i];
	const struct shm_tunnel *t;

	buf[0] = 0;
	if (k == CFG_NONE)
		return;
	t = cfg_rec(c, SHM_T_TUNNEL, k);
	if (t->h.in_use && t->ifc >= 0 && t->ifc < SHM_MAX_IFC)
		snprintf(buf, len, "%.31s", ((const struct shm_ifc *)cfg_rec(c, SHM_T_IFC, (uint32_t)t->ifc))->name);
}

static Ipsecgw__V1__SaDetails *dump_ipsec_sa_one(struct cfg_dump *d, uint32_t i)
{
	const struct shm_sa *sa = cfg_rec(d->c, SHM_T_SA, i);
	const struct shm_sa_rt *rt = cfg_rec(d->c, SHM_T_SA_RT, i);
	Ipsecgw__V1__SaDetails *x = cfg_reply_calloc(1, sizeof(*x));
	Ipsecgw__V1__SaSpec *s = cfg_reply_calloc(1, sizeof(*s));
	struct shm_counter k;
	char tun[SHM_NAME_MAX];
	int alen = (sa->flags & SHM_SA_TUNNEL_V6) ? 16 : 4;

	ipsecgw__v1__sa_details__init(x);
	ipsecgw__v1__sa_spec__init(s);
	x->spec = s;
	s->sa_id = sa->sa_id;
	s->spi = sa->spi;
	s->has_crypto_alg = 1;
	s->crypto_alg = (Ipsecgw__V1__CryptoAlg)sa->crypto_alg;
	s->has_integ_alg = 1;
	s->integ_alg = (Ipsecgw__V1__IntegAlg)sa->integ_alg;
	if (d->with_keys) {
		if (sa->crypto_key_len) {
			s->has_crypto_key = 1;
			cfg_reply_bytes(&s->crypto_key, sa->crypto_key,
				   sa->crypto_key_len <= SHM_CRYPTO_KEY_MAX ? sa->crypto_key_len : SHM_CRYPTO_KEY_MAX);
		}
		if (sa->integ_key_len) {
			s->has_integ_key = 1;
			cfg_reply_bytes(&s->integ_key, sa->integ_key,
				   sa->integ_key_len <= SHM_INTEG_KEY_MAX ? sa->integ_key_len : SHM_INTEG_KEY_MAX);
		}
		if (dump_ipsec_salted(sa->crypto_alg)) {
			s->has_salt = 1;
			s->salt = ntohl(sa->salt);
		}
	}
	if (sa->flags & SHM_SA_TUNNEL) {
		s->has_tunnel_src = s->has_tunnel_dst = 1;
		cfg_reply_bytes(&s->tunnel_src, sa->tunnel_src, (size_t)alen);
		cfg_reply_bytes(&s->tunnel_dst, sa->tunnel_dst, (size_t)alen);
	}
	s->has_udp_encap = 1;
	s->udp_encap = (sa->flags & SHM_SA_UDP_ENCAP) != 0;
	if (s->udp_encap) {
		s->has_udp_src_port = s->has_udp_dst_port = 1;
		s->udp_src_port = sa->udp_src_port;
		s->udp_dst_port = sa->udp_dst_port;
	}
	s->has_esn = 1;
	s->esn = (sa->flags & SHM_SA_ESN) != 0;
	s->has_anti_replay = 1;
	s->anti_replay = (sa->flags & SHM_SA_ANTI_REPLAY) != 0;
	s->has_replay_window = 1;
	s->replay_window = sa->replay_window;

	shm_sum_sa(d->c->r, i, &k);
	x->counter = dump_ipsec_counter(&k);
	dump_ipsec_sa_errors(d->c, i, x);
	/* Runtime belongs to this SA only if the dataplane adopted it since the
	 * SA was (re)created; otherwise it is a previous SA's and reads as 0. */
	x->has_seq_out = x->has_last_seq_in = 1;
	if (rt->owner_gen == sa->create_gen) {
		struct { uint64_t top; uint64_t bitmap[SHM_REPLAY_MAX / 64]; } in;
		uint32_t w = sa->replay_window && sa->replay_window <= SHM_REPLAY_MAX ? sa->replay_window : 64;

		x->seq_out = atomic_load_explicit(&rt->seq_out, memory_order_relaxed);
		if (cfg_dump_rt_read(&rt->in_seqlock, &rt->in_top, &in, sizeof(in)) == 0) {
			x->last_seq_in = in.top;
			if (sa->flags & SHM_SA_ANTI_REPLAY) {
				/* The window as VPP shows it: bit i is sequence number
				 * top - i (the ring in the region is indexed by seq). */
				uint8_t rel[SHM_REPLAY_MAX / 8] = { 0 };
				for (uint32_t b = 0; b < w && b < in.top; b++) {
					uint64_t seq = in.top - b;
					uint32_t r = (uint32_t)(seq & (SHM_REPLAY_MAX - 1));
					if (in.bitmap[r / 64] >> (r % 64) & 1)
						rel[b / 8] |= (uint8_t)(1u << (b % 8));
				}
				x->has_replay_bitmap = 1;
				cfg_reply_bytes(&x->replay_bitmap, rel, (w + 7) / 8);
			}
		}
	}
	dump_ipsec_sa_tunnel(d->c, i, tun, sizeof(tun));
	if (tun[0])
		x->tunnel_interface = cfg_reply_strdup(tun);
	return x;
}

void cfg_dump_ipsec_sas(struct cfg_dump *d, uint32_t pos)
{
	uint32_t i = pos, end = SHM_MAX_SA;

	if (d->has_id) {
		if ((i = cfg_index_sa(d->c, d->id)) == CFG_NONE || i < pos)
			return;
		end = i + 1;
	}
	for (; i < end; i++) {
		if (!cfg_in_use(d->c, SHM_T_SA, i))
			continue;
		Ipsecgw__V1__SaDetails *x = dump_ipsec_sa_one(d, i);
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_SA, i)) {
			ipsecgw__v1__sa_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(d->rep->sas, d->rep->n_sas, x);
	}
}

static void dump_ipsec_range(ProtobufCBinaryData *s, protobuf_c_boolean *hs, ProtobufCBinaryData *e,
			     protobuf_c_boolean *he, const uint8_t *a, const uint8_t *b, int len)
{
	*hs = *he = 1;
	cfg_reply_bytes(s, a, (size_t)len);
	cfg_reply_bytes(e, b, (size_t)len);
}

static Ipsecgw__V1__PolicyDetails *dump_ipsec_policy(struct cfg_dump *d, uint32_t i)
{
	const struct shm_policy *p = cfg_rec(d->c, SHM_T_POLICY, i);
	Ipsecgw__V1__PolicyDetails *x = cfg_reply_calloc(1, sizeof(*x));
	Ipsecgw__V1__PolicySpec *s = cfg_reply_calloc(1, sizeof(*s));
	int len = cfg_valid_addr_len(p->af);
	struct shm_counter k;

	ipsecgw__v1__policy_details__init(x);
	ipsecgw__v1__policy_spec__init(s);
	x->spec = s;
	x->index = i;
	s->spd_id = p->spd_id;
	s->direction = (Ipsecgw__V1__Direction)p->dir;
	s->has_is_ipv6 = 1;
	s->is_ipv6 = p->af == SHM_AF_INET6;
	s->priority = p->priority;
	s->action = (Ipsecgw__V1__PolicyAction)p->action;
	if (p->action == SHM_POL_PROTECT) {
		s->has_sa_id = 1;
		s->sa_id = p->sa_id;
	}
	dump_ipsec_range(&s->local_start, &s->has_local_start, &s->local_end, &s->has_local_end,
			 p->laddr_start, p->laddr_end, len);
	dump_ipsec_range(&s->remote_start, &s->has_remote_start, &s->remote_end, &s->has_remote_end,
			 p->raddr_start, p->raddr_end, len);
	if (p->has_protocol) {
		s->has_protocol = 1;
		s->protocol = p->protocol;
		if (p->protocol == 6 || p->protocol == 17 || p->protocol == 132) {
			s->has_local_port_start = s->has_local_port_end = 1;
			s->has_remote_port_start = s->has_remote_port_end = 1;
			s->local_port_start = p->lport_start;
			s->local_port_end = p->lport_end;
			s->remote_port_start = p->rport_start;
			s->remote_port_end = p->rport_end;
		}
	}
	shm_sum_policy(d->c->r, i, &k);
	x->counter = dump_ipsec_counter(&k);
	return x;
}

/* Policies in match order: outbound first, then by family, priority high
 * to low, then index. */
static int dump_ipsec_cmp(const void *a, const void *b, void *arg)
{
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct shm_policy *pa = cfg_rec(arg, SHM_T_POLICY, ia);
	const struct shm_policy *pb = cfg_rec(arg, SHM_T_POLICY, ib);

	if (pa->dir != pb->dir)
		return pa->dir == SHM_DIR_OUT ? -1 : 1;
	if (pa->af != pb->af)
		return pa->af < pb->af ? -1 : 1;
	if (pa->priority != pb->priority)
		return pa->priority > pb->priority ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* pos = SPD record index << 16 | position in its sorted policy list. */
void cfg_dump_ipsec_spds(struct cfg_dump *d, uint32_t pos)
{
	uint32_t *pol = cfg_reply_calloc(SHM_MAX_POLICY, sizeof(*pol));
	uint32_t s = pos >> 16, first = pos & 0xffff, end = SHM_MAX_SPD;

	if (d->has_id) {
		uint32_t only = cfg_index_spd(d->c, d->id);
		if (only == CFG_NONE || only < s)
			goto out;
		s = only;
		end = only + 1;
	}
	for (; s < end; s++, first = 0) {
		const struct shm_spd *spd = cfg_rec(d->c, SHM_T_SPD, s);
		Ipsecgw__V1__SpdDetails *x;
		uint32_t n = 0;

		if (!spd->h.in_use)
			continue;
		x = cfg_reply_calloc(1, sizeof(*x));
		ipsecgw__v1__spd_details__init(x);
		x->spd_id = spd->spd_id;
		for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
			const struct shm_ifc *f = cfg_rec(d->c, SHM_T_IFC, k);
			if (f->h.in_use && f->has_spd && f->spd_id == spd->spd_id) {
				char name[SHM_NAME_MAX];
				snprintf(name, sizeof(name), "%.31s", f->name);
				CFG_DUMP_PUSH(x->interfaces, x->n_interfaces, cfg_reply_strdup(name));
			}
		}
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_SPD,
				   s << 16 | first)) {
			ipsecgw__v1__spd_details__free_unpacked(x, NULL);
			goto out;
		}
		for (uint32_t k = 0; k < SHM_MAX_POLICY; k++) {
			const struct shm_policy *p = cfg_rec(d->c, SHM_T_POLICY, k);
			if (p->h.in_use && p->spd_id == spd->spd_id)
				pol[n++] = k;
		}
		qsort_r(pol, n, sizeof(*pol), dump_ipsec_cmp, d->c);
		for (uint32_t k = first; k < n; k++) {
			Ipsecgw__V1__PolicyDetails *pd = dump_ipsec_policy(d, pol[k]);
			if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&pd->base), CFG_DUMP_SPD,
					   s << 16 | k)) {
				ipsecgw__v1__policy_details__free_unpacked(pd, NULL);
				break;
			}
			CFG_DUMP_PUSH(x->policies, x->n_policies, pd);
		}
		CFG_DUMP_PUSH(d->rep->spds, d->rep->n_spds, x);
		if (d->more)
			goto out;
	}
out:
	free(pol);
}

void cfg_dump_ipsec_tunnels(struct cfg_dump *d, uint32_t pos)
{
	for (uint32_t k = pos; k < SHM_MAX_TUNNEL; k++) {
		const struct shm_tunnel *t = cfg_rec(d->c, SHM_T_TUNNEL, k);
		const struct shm_ifc *f;
		Ipsecgw__V1__TunnelDetails *x;
		char name[SHM_NAME_MAX];

		if (!t->h.in_use || t->ifc < 0 || t->ifc >= SHM_MAX_IFC)
			continue;
		f = cfg_rec(d->c, SHM_T_IFC, (uint32_t)t->ifc);
		x = cfg_reply_calloc(1, sizeof(*x));
		ipsecgw__v1__tunnel_details__init(x);
		snprintf(name, sizeof(name), "%.31s", f->name);
		x->name = cfg_reply_strdup(name);
		if (t->has_sa_out) {
			x->has_sa_out = 1;
			x->sa_out = t->sa_out;
		}
		for (uint32_t j = 0; j < t->n_sa_in && j < SHM_MAX_SA_IN; j++)
			CFG_DUMP_PUSH(x->sa_in, x->n_sa_in, t->sa_in[j]);
		x->has_admin_up = 1;
		x->admin_up = f->admin_up != 0;
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_TUNNEL, k)) {
			ipsecgw__v1__tunnel_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(d->rep->tunnels, d->rep->n_tunnels, x);
	}
}

static Ipsecgw__V1__Ikev2TrafficSelector *dump_ipsec_ts(const struct shm_ike_ts *t)
{
	Ipsecgw__V1__Ikev2TrafficSelector *x = cfg_reply_calloc(1, sizeof(*x));
	int len = cfg_valid_addr_len(t->af);

	ipsecgw__v1__ikev2_traffic_selector__init(x);
	cfg_reply_bytes(&x->start, t->start, (size_t)len);
	cfg_reply_bytes(&x->end, t->end, (size_t)len);
	x->has_port_start = x->has_port_end = x->has_protocol = 1;
	x->port_start = t->port_start;
	x->port_end = t->port_end;
	x->protocol = t->protocol;
	return x;
}

static Ipsecgw__V1__Ikev2Transforms *dump_ipsec_transforms(const struct shm_ike_transforms *t)
{
	Ipsecgw__V1__Ikev2Transforms *x = cfg_reply_calloc(1, sizeof(*x));

	ipsecgw__v1__ikev2_transforms__init(x);
	x->has_encr = x->has_integ = x->has_dh_group = 1;
	x->encr = (Ipsecgw__V1__IkeEncr)t->encr;
	x->integ = (Ipsecgw__V1__IkeInteg)t->integ;
	x->dh_group = t->dh_group;
	if (t->key_bits) {
		x->has_key_bits = 1;
		x->key_bits = t->key_bits;
	}
	return x;
}

static void dump_ipsec_id(protobuf_c_boolean *has_type, Ipsecgw__V1__IkeIdType *type,
			  protobuf_c_boolean *has_data, ProtobufCBinaryData *data, uint8_t t,
			  const uint8_t *src, uint16_t len)
{
	if (!t)
		return;
	*has_type = *has_data = 1;
	*type = (Ipsecgw__V1__IkeIdType)t;
	cfg_reply_bytes(data, src, len <= SHM_IKE_DATA_MAX ? len : SHM_IKE_DATA_MAX);
}

static Ipsecgw__V1__Ikev2ProfileDetails *dump_ipsec_profile(struct cfg_dump *d, const struct shm_profile *p)
{
	Ipsecgw__V1__Ikev2ProfileDetails *x = cfg_reply_calloc(1, sizeof(*x));
	char buf[SHM_PATH_MAX];

	ipsecgw__v1__ikev2_profile_details__init(x);
	snprintf(buf, sizeof(buf), "%.*s", SHM_NAME_MAX * 2 - 1, p->name);
	x->name = cfg_reply_strdup(buf);
	x->has_auth_method = 1;
	x->auth_method = (Ipsecgw__V1__IkeAuthMethod)p->auth_method;
	if (p->auth_len && d->with_keys) {
		x->has_auth_data = 1;
		cfg_reply_bytes(&x->auth_data, p->auth_data,
			   p->auth_len <= SHM_IKE_DATA_MAX ? p->auth_len : SHM_IKE_DATA_MAX);
	}
	if (p->auth_method == IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC) {
		x->has_auth_data_is_hex = 1;
		x->auth_data_is_hex = p->auth_hex != 0;
	}
	if (p->cert_file[0]) {
		snprintf(buf, sizeof(buf), "%.*s", SHM_PATH_MAX - 1, p->cert_file);
		x->cert_file = cfg_reply_strdup(buf);
	}
	dump_ipsec_id(&x->has_local_id_type, &x->local_id_type, &x->has_local_id, &x->local_id,
		      p->local_id_type, p->local_id, p->local_id_len);
	dump_ipsec_id(&x->has_remote_id_type, &x->remote_id_type, &x->has_remote_id, &x->remote_id,
		      p->remote_id_type, p->remote_id, p->remote_id_len);
	if (p->local_ts.set)
		x->local_ts = dump_ipsec_ts(&p->local_ts);
	if (p->remote_ts.set)
		x->remote_ts = dump_ipsec_ts(&p->remote_ts);
	if (p->resp_ifc[0]) {
		snprintf(buf, sizeof(buf), "%.*s", SHM_NAME_MAX - 1, p->resp_ifc);
		x->responder_interface = cfg_reply_strdup(buf);
		x->has_responder_addr = 1;
		cfg_reply_bytes(&x->responder_addr, p->resp_addr, (size_t)cfg_valid_addr_len(p->resp_af));
	}
	if (p->ike.set)
		x->ike = dump_ipsec_transforms(&p->ike);
	if (p->esp.set)
		x->esp = dump_ipsec_transforms(&p->esp);
	if (p->lifetime_set) {
		x->has_lifetime = x->has_jitter = x->has_handover = x->has_max_data = 1;
		x->lifetime = p->lifetime;
		x->jitter = p->jitter;
		x->handover = p->handover;
		x->max_data = p->max_data;
	}
	return x;
}

void cfg_dump_ipsec_profiles(struct cfg_dump *d, uint32_t pos)
{
	for (uint32_t k = pos; k < SHM_MAX_PROFILE; k++) {
		const struct shm_profile *p = cfg_rec(d->c, SHM_T_PROFILE, k);
		Ipsecgw__V1__Ikev2ProfileDetails *x;

		if (!p->h.in_use)
			continue;
		x = dump_ipsec_profile(d, p);
		if (!cfg_dump_fits(d, protobuf_c_message_get_packed_size(&x->base), CFG_DUMP_PROFILE, k)) {
			ipsecgw__v1__ikev2_profile_details__free_unpacked(x, NULL);
			return;
		}
		CFG_DUMP_PUSH(d->rep->profiles, d->rep->n_profiles, x);
	}
}

/*
 * Child SA installation over the config API: the same requests an operator
 * sends (SaAdd, SaDel, TunnelCreate, TunnelProtect, InterfaceSetState,
 * TunnelDelete), through a DEALER connection to the config service that is
 * opened on first use and again after a failure. Calls are synchronous
 * (the config service answers after its journal commit, well under the
 * timeout); key material in requests is wiped after packing.
 */
#include "ikev2_install.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "instance.h"
#include "region.h"
#include "log.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x

void ikev2_install_api_init(struct ikev2_install_api *a, const char *instance, int timeout_ms)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->instance, sizeof(a->instance), "%s", instance);
	a->timeout_ms = timeout_ms;
}

void ikev2_install_api_close(struct ikev2_install_api *a)
{
	if (a->open)
		gw_client_close(&a->cl);
	a->open = 0;
}

static int from_code(int code)
{
	switch (code) {
	case E(OK): return 0;
	case E(ALREADY_EXISTS): return -EEXIST;
	case E(NOT_FOUND): return -ENOENT;
	case E(IN_USE): return -EBUSY;
	case E(RESOURCE_EXHAUSTED): return -ENOSPC;
	case E(UNAVAILABLE): return -EAGAIN;
	default: return -EINVAL;
	}
}

/* Make-before-break needs the dataplane to run on a change before the peer
 * hears of it: after every accepted change, wait (at most 500 ms) until the
 * dataplane's packet path runs on that generation. No dataplane, no wait. */
static void dataplane_barrier(struct ikev2_install_api *a, uint64_t gen)
{
	const struct shm_proc *p;
	struct timespec ts = { 0, 100 * 1000 };

	if (!a->r || !a->r->hdr)
		return;
	p = &a->r->hdr->procs[SHM_PROC_DATAPLANE];
	for (int i = 0; i < 5000; i++) {
		if (!atomic_load(&p->ready) || atomic_load(&p->applied_gen) >= gen)
			return;
		nanosleep(&ts, NULL);
	}
	if (a->barrier_timeouts++ == 0)
		gw_warn("the dataplane did not apply generation %llu within 500 ms; going on",
			(unsigned long long)gen);
}

/* One request and its reply (the caller frees it), or NULL (-EAGAIN). */
static gw_env *call_reply(struct ikev2_install_api *a, gw_env *req, const char *what)
{
	gw_env *rep;
	int rc;

	if (!a->open) {
		if ((rc = gw_client_open(&a->cl, a->instance, a->timeout_ms)) < 0) {
			gw_warn("%s: config service unreachable: %s", what, strerror(-rc));
			return NULL;
		}
		a->open = 1;
	}
	if (!(rep = gw_client_call(&a->cl, req, &rc))) {
		gw_warn("%s: no answer from the config service: %s", what, strerror(-rc));
		ikev2_install_api_close(a);
		return NULL;
	}
	if (rep->reply && rep->reply->code == E(OK) && rep->reply->has_generation)
		dataplane_barrier(a, rep->reply->generation);
	return rep;
}

/* One request; the reply's created_name into name when asked. */
static int call(struct ikev2_install_api *a, gw_env *req, const char *what, char *name, size_t namelen)
{
	gw_env *rep;
	int rc;

	if (!(rep = call_reply(a, req, what)))
		return -EAGAIN;
	rc = from_code(rep->reply->code);
	if (rc < 0 && rc != -EEXIST)
		gw_warn("%s refused: %s", what, rep->reply->message ? rep->reply->message : "?");
	if (rc == 0 && name && rep->reply->created_name)
		snprintf(name, namelen, "%s", rep->reply->created_name);
	msg_free(rep);
	return rc;
}

static ProtobufCBinaryData bin(const void *p, size_t n)
{
	return (ProtobufCBinaryData){ n, (uint8_t *)p };
}

/* ipsecN known to exist (ours, or found taken) or free again. */
static void inst_mark(struct ikev2_install_api *a, uint32_t n, bool used)
{
	if (n >= IKEV2_INSTALL_MAX_INST)
		return;
	if (used)
		a->inst_used[n / 64] |= 1ull << (n % 64);
	else
		a->inst_used[n / 64] &= ~(1ull << (n % 64));
}

/* The lowest N not known to exist; UINT32_MAX when none is left. */
static uint32_t inst_pick(const struct ikev2_install_api *a)
{
	for (uint32_t w = 0; w < IKEV2_INSTALL_MAX_INST / 64; w++)
		if (~a->inst_used[w])
			return w * 64 + (uint32_t)__builtin_ctzll(~a->inst_used[w]);
	return UINT32_MAX;
}

/* An SaAdd request for s into the caller's structs. */
static void sa_add_env(const struct ikev2_sa_spec *s, Ipsecgw__V1__SaSpec *sp, Ipsecgw__V1__SaAdd *m,
		       gw_env *env)
{
	Ipsecgw__V1__SaSpec spec = IPSECGW__V1__SA_SPEC__INIT;
	size_t alen = s->src.af == 6 ? 16 : 4;

	spec.sa_id = s->sa_id;
	spec.spi = s->spi;
	spec.has_crypto_alg = 1;
	spec.crypto_alg = (Ipsecgw__V1__CryptoAlg)s->crypto_alg;
	spec.has_crypto_key = s->ckey_len > 0;
	spec.crypto_key = bin(s->ckey, s->ckey_len);
	spec.has_integ_alg = 1;
	spec.integ_alg = (Ipsecgw__V1__IntegAlg)s->integ_alg;
	spec.has_integ_key = s->ikey_len > 0;
	spec.integ_key = bin(s->ikey, s->ikey_len);
	spec.has_tunnel_src = spec.has_tunnel_dst = 1;
	spec.tunnel_src = bin(s->src.ip, alen);
	spec.tunnel_dst = bin(s->dst.ip, alen);
	if (s->udp_encap) {
		spec.has_udp_encap = spec.udp_encap = 1;
		spec.has_udp_src_port = spec.has_udp_dst_port = 1;
		spec.udp_src_port = s->src.port;
		spec.udp_dst_port = s->dst.port;
	}
	spec.has_esn = 1;
	spec.esn = s->esn;
	*sp = spec;
	ipsecgw__v1__sa_add__init(m);
	m->spec = sp;
	ipsecgw__v1__envelope__init(env);
	env->body_case = IPSECGW__V1__ENVELOPE__BODY_SA_ADD;
	env->sa_add = m;
}

static int api_sa_add(void *arg, const struct ikev2_sa_spec *s)
{
	Ipsecgw__V1__SaSpec spec;
	Ipsecgw__V1__SaAdd m;
	gw_env env;

	sa_add_env(s, &spec, &m, &env);
	return call(arg, &env, "SaAdd", NULL, 0);
}

static int api_sa_del(void *arg, uint32_t id)
{
	Ipsecgw__V1__SaDel m = IPSECGW__V1__SA_DEL__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;

	m.sa_id = id;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_SA_DEL;
	env.sa_del = &m;
	return call(arg, &env, "SaDel", NULL, 0);
}

static int api_tunnel_create(void *arg, uint32_t *instance)
{
	Ipsecgw__V1__TunnelCreate m = IPSECGW__V1__TUNNEL_CREATE__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	char name[32] = "";
	int rc;

	env.body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_CREATE;
	env.tunnel_create = &m;
	if ((rc = call(arg, &env, "TunnelCreate", name, sizeof(name))) < 0)
		return rc;
	if (sscanf(name, "ipsec%u", instance) != 1)
		return -EPROTO;
	inst_mark(arg, *instance, true);
	return 0;
}

static int api_tunnel_protect(void *arg, uint32_t n, uint32_t sa_out, const uint32_t *sa_in, unsigned n_in)
{
	Ipsecgw__V1__TunnelProtect m = IPSECGW__V1__TUNNEL_PROTECT__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	char name[32];

	snprintf(name, sizeof(name), "ipsec%u", n);
	m.name = name;
	if (!sa_out && !n_in) {
		m.has_is_del = m.is_del = 1;
	} else {
		m.has_sa_out = sa_out != 0;
		m.sa_out = sa_out;
		m.n_sa_in = n_in;
		m.sa_in = (uint32_t *)sa_in;
	}
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_PROTECT;
	env.tunnel_protect = &m;
	return call(arg, &env, "TunnelProtect", NULL, 0);
}

static int api_tunnel_up(void *arg, uint32_t n)
{
	Ipsecgw__V1__InterfaceSetState m = IPSECGW__V1__INTERFACE_SET_STATE__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	char name[32];

	snprintf(name, sizeof(name), "ipsec%u", n);
	m.name = name;
	m.up = 1;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_INTERFACE_SET_STATE;
	env.interface_set_state = &m;
	return call(arg, &env, "InterfaceSetState", NULL, 0);
}

static int api_tunnel_delete(void *arg, uint32_t n)
{
	Ipsecgw__V1__TunnelDelete m = IPSECGW__V1__TUNNEL_DELETE__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "ipsec%u", n);
	m.name = name;
	m.has_cascade = 1;
	m.cascade = 1;          /* routes the operator put through it go with it */
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_DELETE;
	env.tunnel_delete = &m;
	rc = call(arg, &env, "TunnelDelete", NULL, 0);
	if (rc == 0 || rc == -ENOENT)
		inst_mark(arg, n, false);
	return rc;
}

/*
 * A child on a tunnel of its own in one Batch (one round trip instead of
 * five): SaAdd in, SaAdd out, TunnelCreate ipsecN, TunnelProtect, up. The
 * config service runs them in order and stops at the first refused; what
 * was done before it is undone here.
 */
static int api_child_add(void *arg, const struct ikev2_sa_spec *in, const struct ikev2_sa_spec *out,
			 uint32_t *instance)
{
	struct ikev2_install_api *a = arg;
	Ipsecgw__V1__SaSpec spec[2];
	Ipsecgw__V1__SaAdd add[2];
	Ipsecgw__V1__TunnelCreate tc = IPSECGW__V1__TUNNEL_CREATE__INIT;
	Ipsecgw__V1__TunnelProtect tp = IPSECGW__V1__TUNNEL_PROTECT__INIT;
	Ipsecgw__V1__InterfaceSetState up = IPSECGW__V1__INTERFACE_SET_STATE__INIT;
	Ipsecgw__V1__Batch b = IPSECGW__V1__BATCH__INIT;
	gw_env q[5], *qp[5], env = IPSECGW__V1__ENVELOPE__INIT, *rep;
	uint32_t n = inst_pick(a), sa_in = in->sa_id;
	size_t done = 0;
	char name[32];
	int rc = -EAGAIN;

	if (n == UINT32_MAX)
		return -EEXIST;
	snprintf(name, sizeof(name), "ipsec%u", n);
	sa_add_env(in, &spec[0], &add[0], &q[0]);
	sa_add_env(out, &spec[1], &add[1], &q[1]);
	tc.has_instance = 1;
	tc.instance = n;
	tp.name = name;
	tp.has_sa_out = 1;
	tp.sa_out = out->sa_id;
	tp.n_sa_in = 1;
	tp.sa_in = &sa_in;
	up.name = name;
	up.up = 1;
	for (int i = 2; i < 5; i++)
		ipsecgw__v1__envelope__init(&q[i]);
	q[2].body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_CREATE;
	q[2].tunnel_create = &tc;
	q[3].body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_PROTECT;
	q[3].tunnel_protect = &tp;
	q[4].body_case = IPSECGW__V1__ENVELOPE__BODY_INTERFACE_SET_STATE;
	q[4].interface_set_state = &up;
	for (int i = 0; i < 5; i++) {
		q[i].api_version = GW_API_VERSION;
		q[i].request_id = (uint64_t)i + 1;
		qp[i] = &q[i];
	}
	b.n_requests = 5;
	b.requests = qp;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_BATCH;
	env.batch = &b;
	rep = call_reply(a, &env, "Batch (child SA)");
	if (!rep)
		return -EAGAIN;
	if (!rep->reply->n_results) {
		/* The Batch itself was refused, nothing ran: let the caller go step by step. */
		msg_free(rep);
		return -EEXIST;
	}
	for (done = 0; done < rep->reply->n_results && rep->reply->results[done]->code == E(OK); done++)
		;
	if (done == 5) {
		rc = 0;
	} else {
		const Ipsecgw__V1__Reply *r = done < rep->reply->n_results ? rep->reply->results[done] : rep->reply;
		rc = from_code(r->code);
		if (rc == 0)
			rc = -EPROTO;
		if (rc != -EEXIST)
			gw_warn("child SA installation refused (step %zu): %s", done + 1,
				r->message ? r->message : "?");
	}
	msg_free(rep);
	if (rc == 0) {
		inst_mark(a, n, true);
		*instance = n;
		return 0;
	}
	if (done == 2 && rc == -EEXIST)
		inst_mark(a, n, true); /* someone else's ipsecN */
	if (done >= 3)
		api_tunnel_delete(a, n); /* its protection goes with it */
	if (done >= 2)
		api_sa_del(a, out->sa_id);
	if (done >= 1)
		api_sa_del(a, in->sa_id);
	return rc;
}

const struct ikev2_install_ops ikev2_install_api_ops = {
	.sa_add = api_sa_add,
	.sa_del = api_sa_del,
	.tunnel_create = api_tunnel_create,
	.tunnel_protect = api_tunnel_protect,
	.tunnel_up = api_tunnel_up,
	.tunnel_delete = api_tunnel_delete,
	.child_add = api_child_add,
};

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

#include <openssl/crypto.h>

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

/* One request; the reply's created_name into name when asked. */
static int call(struct ikev2_install_api *a, gw_env *req, const char *what, char *name, size_t namelen)
{
	gw_env *rep;
	int rc;

	if (!a->open) {
		if ((rc = gw_client_open(&a->cl, a->instance, a->timeout_ms)) < 0) {
			gw_warn("%s: config service unreachable: %s", what, strerror(-rc));
			return -EAGAIN;
		}
		a->open = 1;
	}
	if (!(rep = gw_client_call(&a->cl, req, &rc))) {
		gw_warn("%s: no answer from the config service: %s", what, strerror(-rc));
		ikev2_install_api_close(a);
		return -EAGAIN;
	}
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

static int api_sa_add(void *arg, const struct ikev2_sa_spec *s)
{
	Ipsecgw__V1__SaSpec spec = IPSECGW__V1__SA_SPEC__INIT;
	Ipsecgw__V1__SaAdd m = IPSECGW__V1__SA_ADD__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	size_t alen = s->src.af == 6 ? 16 : 4;
	int rc;

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
	m.spec = &spec;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_SA_ADD;
	env.sa_add = &m;
	rc = call(arg, &env, "SaAdd", NULL, 0);
	return rc;
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

	snprintf(name, sizeof(name), "ipsec%u", n);
	m.name = name;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_TUNNEL_DELETE;
	env.tunnel_delete = &m;
	return call(arg, &env, "TunnelDelete", NULL, 0);
}

const struct ikev2_install_ops ikev2_install_api_ops = {
	.sa_add = api_sa_add,
	.sa_del = api_sa_del,
	.tunnel_create = api_tunnel_create,
	.tunnel_protect = api_tunnel_protect,
	.tunnel_up = api_tunnel_up,
	.tunnel_delete = api_tunnel_delete,
};

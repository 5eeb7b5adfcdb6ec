/* Helpers for the config service's tests: request builders (every message
 * on the heap, freed with msg_free), an in-process service over a tmpfs
 * region, and a real ipsecgw-config process. */
#ifndef IPSECGW_TESTS_CONFIG_CFG_TEST_H
#define IPSECGW_TESTS_CONFIG_CFG_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "cfg.h"
#include "instance.h"
#include "msg.h"
#include "region.h"
#include "tmpregion.h"

#define B(x) IPSECGW__V1__ENVELOPE__BODY_##x
#define EC(x) IPSECGW__V1__ERROR_CODE__##x
#define NEWMSG(T, init)                          \
	({                                       \
		T *m_ = calloc(1, sizeof(T));    \
		CHECK(m_, "calloc");             \
		init(m_);                        \
		m_;                              \
	})

static inline char *t_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline ProtobufCBinaryData t_bytes(const void *p, size_t n)
{
	ProtobufCBinaryData b = { n, n ? malloc(n) : NULL };

	if (n)
		memcpy(b.data, p, n);
	return b;
}

/* Key material with a recognisable pattern: byte k = seed + k. */
static inline ProtobufCBinaryData t_key(unsigned seed, size_t n)
{
	uint8_t k[128];

	for (size_t i = 0; i < n && i < sizeof(k); i++)
		k[i] = (uint8_t)(seed + i);
	return t_bytes(k, n);
}

/* "192.0.2.1" -> 4 bytes, "2001:db8::1" -> 16 bytes. */
static inline ProtobufCBinaryData t_ip(const char *s)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return t_bytes(a, 4);
	CHECK(inet_pton(AF_INET6, s, a) == 1, "bad test address %s", s);
	return t_bytes(a, 16);
}

static inline gw_env *t_env(int body_case, void *body)
{
	gw_env *e = NEWMSG(gw_env, ipsecgw__v1__envelope__init);

	e->api_version = GW_API_VERSION;
	e->request_id = 1;
	e->body_case = body_case;
	e->port_create = body; /* one union of pointers */
	return e;
}

/* ---- builders, one per request ------------------------------------------- */

static inline gw_env *r_port(const char *name, const char *devargs)
{
	Ipsecgw__V1__PortCreate *m = NEWMSG(Ipsecgw__V1__PortCreate, ipsecgw__v1__port_create__init);
	m->name = t_str(name);
	m->devargs = t_str(devargs);
	return t_env(B(PORT_CREATE), m);
}

static inline gw_env *r_loop(int has_instance, uint32_t instance)
{
	Ipsecgw__V1__LoopbackCreate *m = NEWMSG(Ipsecgw__V1__LoopbackCreate, ipsecgw__v1__loopback_create__init);
	m->has_instance = has_instance;
	m->instance = instance;
	return t_env(B(LOOPBACK_CREATE), m);
}

static inline gw_env *r_loop_del(const char *name)
{
	Ipsecgw__V1__LoopbackDelete *m = NEWMSG(Ipsecgw__V1__LoopbackDelete, ipsecgw__v1__loopback_delete__init);
	m->name = t_str(name);
	return t_env(B(LOOPBACK_DELETE), m);
}

static inline gw_env *r_state(const char *name, int up)
{
	Ipsecgw__V1__InterfaceSetState *m = NEWMSG(Ipsecgw__V1__InterfaceSetState, ipsecgw__v1__interface_set_state__init);
	m->name = t_str(name);
	m->up = up;
	return t_env(B(INTERFACE_SET_STATE), m);
}

static inline gw_env *r_mtu(const char *name, uint32_t mtu)
{
	Ipsecgw__V1__InterfaceSetMtu *m = NEWMSG(Ipsecgw__V1__InterfaceSetMtu, ipsecgw__v1__interface_set_mtu__init);
	m->name = t_str(name);
	m->mtu = mtu;
	return t_env(B(INTERFACE_SET_MTU), m);
}

static inline Ipsecgw__V1__Prefix *t_prefix(const char *addr, uint32_t len)
{
	Ipsecgw__V1__Prefix *p = NEWMSG(Ipsecgw__V1__Prefix, ipsecgw__v1__prefix__init);
	p->addr = t_ip(addr);
	p->len = len;
	return p;
}

static inline gw_env *r_addr(const char *name, const char *addr, uint32_t len, int del)
{
	Ipsecgw__V1__InterfaceAddress *m = NEWMSG(Ipsecgw__V1__InterfaceAddress, ipsecgw__v1__interface_address__init);
	m->name = t_str(name);
	m->prefix = t_prefix(addr, len);
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(INTERFACE_ADDRESS), m);
}

static inline gw_env *r_unnum(const char *name, const char *use, int del)
{
	Ipsecgw__V1__InterfaceUnnumbered *m = NEWMSG(Ipsecgw__V1__InterfaceUnnumbered, ipsecgw__v1__interface_unnumbered__init);
	m->name = t_str(name);
	m->use = t_str(use);
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(INTERFACE_UNNUMBERED), m);
}

static inline gw_env *r_neigh(const char *name, const char *ip, const uint8_t *mac, size_t maclen, int del)
{
	Ipsecgw__V1__NeighborAddDel *m = NEWMSG(Ipsecgw__V1__NeighborAddDel, ipsecgw__v1__neighbor_add_del__init);
	m->name = t_str(name);
	m->ip = t_ip(ip);
	if (mac) {
		m->has_mac = 1;
		m->mac = t_bytes(mac, maclen);
	}
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(NEIGHBOR), m);
}

static inline gw_env *r_route(const char *prefix, uint32_t len, const char *via, const char *ifc, int del)
{
	Ipsecgw__V1__RouteAddDel *m = NEWMSG(Ipsecgw__V1__RouteAddDel, ipsecgw__v1__route_add_del__init);
	m->prefix = t_prefix(prefix, len);
	if (via) {
		m->has_via = 1;
		m->via = t_ip(via);
	}
	m->interface = t_str(ifc);
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(ROUTE), m);
}

static inline gw_env *r_spd(uint32_t id, int del)
{
	Ipsecgw__V1__SpdAddDel *m = NEWMSG(Ipsecgw__V1__SpdAddDel, ipsecgw__v1__spd_add_del__init);
	m->spd_id = id;
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(SPD), m);
}

static inline gw_env *r_ifspd(const char *name, uint32_t id, int del)
{
	Ipsecgw__V1__InterfaceSpd *m = NEWMSG(Ipsecgw__V1__InterfaceSpd, ipsecgw__v1__interface_spd__init);
	m->name = t_str(name);
	m->spd_id = id;
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(INTERFACE_SPD), m);
}

/* A policy spec; callers set selectors on the returned spec. */
static inline gw_env *r_policy(uint32_t spd, int dir, int32_t prio, int action, int del,
			       Ipsecgw__V1__PolicySpec **spec)
{
	Ipsecgw__V1__PolicyAddDel *m = NEWMSG(Ipsecgw__V1__PolicyAddDel, ipsecgw__v1__policy_add_del__init);
	Ipsecgw__V1__PolicySpec *s = NEWMSG(Ipsecgw__V1__PolicySpec, ipsecgw__v1__policy_spec__init);
	s->spd_id = spd;
	s->direction = dir;
	s->priority = prio;
	s->action = action;
	m->spec = s;
	m->has_is_del = del;
	m->is_del = del;
	if (spec)
		*spec = s;
	return t_env(B(POLICY), m);
}

static inline void t_local(Ipsecgw__V1__PolicySpec *s, const char *a, const char *b)
{
	s->has_local_start = s->has_local_end = 1;
	s->local_start = t_ip(a);
	s->local_end = t_ip(b);
}

static inline void t_remote(Ipsecgw__V1__PolicySpec *s, const char *a, const char *b)
{
	s->has_remote_start = s->has_remote_end = 1;
	s->remote_start = t_ip(a);
	s->remote_end = t_ip(b);
}

/* An SA spec with keys of the given lengths (pattern from the SA id). */
static inline gw_env *r_sa(uint32_t id, uint32_t spi, int calg, size_t cklen, int ialg, size_t iklen,
			   Ipsecgw__V1__SaSpec **spec)
{
	Ipsecgw__V1__SaAdd *m = NEWMSG(Ipsecgw__V1__SaAdd, ipsecgw__v1__sa_add__init);
	Ipsecgw__V1__SaSpec *s = NEWMSG(Ipsecgw__V1__SaSpec, ipsecgw__v1__sa_spec__init);
	s->sa_id = id;
	s->spi = spi;
	s->has_crypto_alg = 1;
	s->crypto_alg = calg;
	if (cklen) {
		s->has_crypto_key = 1;
		s->crypto_key = t_key(id, cklen);
	}
	s->has_integ_alg = 1;
	s->integ_alg = ialg;
	if (iklen) {
		s->has_integ_key = 1;
		s->integ_key = t_key(id + 100, iklen);
	}
	m->spec = s;
	if (spec)
		*spec = s;
	return t_env(B(SA_ADD), m);
}

/* The usual SA: aes-cbc-128 + sha1-96. */
static inline gw_env *r_sa_cbc(uint32_t id, uint32_t spi)
{
	return r_sa(id, spi, IPSECGW__V1__CRYPTO_ALG__AES_CBC_128, 16, IPSECGW__V1__INTEG_ALG__SHA1_96, 20, NULL);
}

static inline gw_env *r_sa_del(uint32_t id)
{
	Ipsecgw__V1__SaDel *m = NEWMSG(Ipsecgw__V1__SaDel, ipsecgw__v1__sa_del__init);
	m->sa_id = id;
	return t_env(B(SA_DEL), m);
}

static inline gw_env *r_sa_key(uint32_t id, size_t cklen, size_t iklen, unsigned seed)
{
	Ipsecgw__V1__SaSetKey *m = NEWMSG(Ipsecgw__V1__SaSetKey, ipsecgw__v1__sa_set_key__init);
	m->sa_id = id;
	if (cklen) {
		m->has_crypto_key = 1;
		m->crypto_key = t_key(seed, cklen);
	}
	if (iklen) {
		m->has_integ_key = 1;
		m->integ_key = t_key(seed + 1, iklen);
	}
	return t_env(B(SA_SET_KEY), m);
}

static inline gw_env *r_tun(int has_instance, uint32_t instance)
{
	Ipsecgw__V1__TunnelCreate *m = NEWMSG(Ipsecgw__V1__TunnelCreate, ipsecgw__v1__tunnel_create__init);
	m->has_instance = has_instance;
	m->instance = instance;
	return t_env(B(TUNNEL_CREATE), m);
}

static inline gw_env *r_tun_del(const char *name)
{
	Ipsecgw__V1__TunnelDelete *m = NEWMSG(Ipsecgw__V1__TunnelDelete, ipsecgw__v1__tunnel_delete__init);
	m->name = t_str(name);
	return t_env(B(TUNNEL_DELETE), m);
}

static inline gw_env *r_protect(const char *name, int has_out, uint32_t out, const uint32_t *in, size_t n_in, int del)
{
	Ipsecgw__V1__TunnelProtect *m = NEWMSG(Ipsecgw__V1__TunnelProtect, ipsecgw__v1__tunnel_protect__init);
	m->name = t_str(name);
	m->has_sa_out = has_out;
	m->sa_out = out;
	if (n_in) {
		m->sa_in = malloc(n_in * sizeof(uint32_t));
		memcpy(m->sa_in, in, n_in * sizeof(uint32_t));
		m->n_sa_in = n_in;
	}
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(TUNNEL_PROTECT), m);
}

static inline gw_env *r_prof(const char *name, int del)
{
	Ipsecgw__V1__Ikev2ProfileAddDel *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileAddDel, ipsecgw__v1__ikev2_profile_add_del__init);
	m->name = t_str(name);
	m->has_is_del = del;
	m->is_del = del;
	return t_env(B(IKEV2_PROFILE), m);
}

static inline gw_env *r_auth(const char *name, int method, const char *data, const char *cert)
{
	Ipsecgw__V1__Ikev2ProfileSetAuth *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetAuth, ipsecgw__v1__ikev2_profile_set_auth__init);
	m->name = t_str(name);
	m->method = method;
	if (data) {
		m->has_data = 1;
		m->data = t_bytes(data, strlen(data));
	}
	m->cert_file = t_str(cert);
	return t_env(B(IKEV2_SET_AUTH), m);
}

static inline gw_env *r_id(const char *name, int local, int type, const void *data, size_t n)
{
	Ipsecgw__V1__Ikev2ProfileSetId *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetId, ipsecgw__v1__ikev2_profile_set_id__init);
	m->name = t_str(name);
	m->is_local = local;
	m->type = type;
	m->data = t_bytes(data, n);
	return t_env(B(IKEV2_SET_ID), m);
}

static inline gw_env *r_ts(const char *name, int local, const char *a, const char *b, int has_ports,
			   uint32_t ps, uint32_t pe, int has_proto, uint32_t proto)
{
	Ipsecgw__V1__Ikev2ProfileSetTs *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetTs, ipsecgw__v1__ikev2_profile_set_ts__init);
	Ipsecgw__V1__Ikev2TrafficSelector *t = NEWMSG(Ipsecgw__V1__Ikev2TrafficSelector, ipsecgw__v1__ikev2_traffic_selector__init);
	m->name = t_str(name);
	m->is_local = local;
	t->start = t_ip(a);
	t->end = t_ip(b);
	t->has_port_start = t->has_port_end = has_ports;
	t->port_start = ps;
	t->port_end = pe;
	t->has_protocol = has_proto;
	t->protocol = proto;
	m->ts = t;
	return t_env(B(IKEV2_SET_TS), m);
}

static inline gw_env *r_resp(const char *name, const char *ifc, const char *addr)
{
	Ipsecgw__V1__Ikev2ProfileSetResponder *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetResponder, ipsecgw__v1__ikev2_profile_set_responder__init);
	m->name = t_str(name);
	m->interface = t_str(ifc);
	m->addr = t_ip(addr);
	return t_env(B(IKEV2_SET_RESPONDER), m);
}

/* Transforms: negative values mean "absent". */
static inline gw_env *r_xforms(const char *name, int esp, int encr, int bits, int integ, int dh)
{
	Ipsecgw__V1__Ikev2Transforms *t = NEWMSG(Ipsecgw__V1__Ikev2Transforms, ipsecgw__v1__ikev2_transforms__init);
	t->has_encr = encr >= 0;
	t->encr = encr >= 0 ? encr : 0;
	t->has_key_bits = bits >= 0;
	t->key_bits = bits >= 0 ? (uint32_t)bits : 0;
	t->has_integ = integ >= 0;
	t->integ = integ >= 0 ? integ : 0;
	t->has_dh_group = dh >= 0;
	t->dh_group = dh >= 0 ? (uint32_t)dh : 0;
	if (esp) {
		Ipsecgw__V1__Ikev2ProfileSetEspTransforms *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetEspTransforms, ipsecgw__v1__ikev2_profile_set_esp_transforms__init);
		m->name = t_str(name);
		m->t = t;
		return t_env(B(IKEV2_SET_ESP), m);
	}
	Ipsecgw__V1__Ikev2ProfileSetIkeTransforms *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetIkeTransforms, ipsecgw__v1__ikev2_profile_set_ike_transforms__init);
	m->name = t_str(name);
	m->t = t;
	return t_env(B(IKEV2_SET_IKE), m);
}

static inline gw_env *r_life(const char *name, uint64_t life, uint32_t jitter, uint32_t handover, uint64_t max)
{
	Ipsecgw__V1__Ikev2ProfileSetSaLifetime *m = NEWMSG(Ipsecgw__V1__Ikev2ProfileSetSaLifetime, ipsecgw__v1__ikev2_profile_set_sa_lifetime__init);
	m->name = t_str(name);
	m->lifetime = life;
	m->jitter = jitter;
	m->handover = handover;
	m->max_data = max;
	return t_env(B(IKEV2_SET_LIFETIME), m);
}

static inline gw_env *r_lkey(const char *file)
{
	Ipsecgw__V1__Ikev2SetLocalKey *m = NEWMSG(Ipsecgw__V1__Ikev2SetLocalKey, ipsecgw__v1__ikev2_set_local_key__init);
	m->file = t_str(file);
	return t_env(B(IKEV2_LOCAL_KEY), m);
}

static inline gw_env *r_init(int kind, const char *profile, int has_spi, uint64_t spi)
{
	Ipsecgw__V1__Ikev2Initiate *m = NEWMSG(Ipsecgw__V1__Ikev2Initiate, ipsecgw__v1__ikev2_initiate__init);
	m->kind = kind;
	m->profile = t_str(profile);
	m->has_spi = has_spi;
	m->spi = spi;
	return t_env(B(IKEV2_INITIATE), m);
}

/* set crypto handler: crypto >= 0 a CryptoAlg, integ >= 0 an IntegAlg, all;
 * arch < 0 absent. */
static inline gw_env *r_handler(int crypto, int integ, int all, int engine, int arch)
{
	Ipsecgw__V1__CryptoHandlerSet *m = NEWMSG(Ipsecgw__V1__CryptoHandlerSet, ipsecgw__v1__crypto_handler_set__init);
	m->has_crypto_alg = crypto >= 0;
	m->crypto_alg = crypto >= 0 ? crypto : 0;
	m->has_integ_alg = integ >= 0;
	m->integ_alg = integ >= 0 ? integ : 0;
	m->has_all = m->all = all != 0;
	m->engine = engine;
	m->has_arch = arch >= 0;
	m->arch = arch >= 0 ? arch : 0;
	return t_env(B(CRYPTO_HANDLER), m);
}

static inline gw_env *r_clear(int what)
{
	Ipsecgw__V1__ClearCounters *m = NEWMSG(Ipsecgw__V1__ClearCounters, ipsecgw__v1__clear_counters__init);
	m->what = what;
	return t_env(B(CLEAR), m);
}

static inline gw_env *r_dump(int what, int has_id, uint32_t id, int keys, int has_cursor, uint32_t cursor)
{
	Ipsecgw__V1__Dump *m = NEWMSG(Ipsecgw__V1__Dump, ipsecgw__v1__dump__init);
	m->what = what;
	m->has_id = has_id;
	m->id = id;
	m->has_with_keys = 1;
	m->with_keys = keys;
	m->has_cursor = has_cursor;
	m->cursor = cursor;
	return t_env(B(DUMP), m);
}

static inline gw_env *r_snap(int has_cursor, uint32_t cursor)
{
	Ipsecgw__V1__SnapshotRequest *m = NEWMSG(Ipsecgw__V1__SnapshotRequest, ipsecgw__v1__snapshot_request__init);
	m->has_cursor = has_cursor;
	m->cursor = cursor;
	return t_env(B(SNAPSHOT), m);
}

/* ---- in-process: one request, its reply; the envelope is freed ---------- */

static inline cfg_reply *t_call(struct cfg *c, gw_env *e)
{
	cfg_reply *rep = cfg_dispatch(c, e);

	msg_free(e);
	return rep;
}

/* A request that must succeed. */
#define T_OK(c, e)                                                                      \
	do {                                                                            \
		cfg_reply *r_ = t_call((c), (e));                                       \
		CHECK(r_->code == EC(OK), "expected OK, got %d: %s", r_->code,          \
		      r_->message ? r_->message : "");                                  \
		cfg_reply_free(r_);                                                     \
	} while (0)

/* A request that must fail with code, naming field, message containing sub. */
#define T_FAIL(c, e, want, fld, sub)                                                    \
	do {                                                                            \
		cfg_reply *r_ = t_call((c), (e));                                       \
		CHECK(r_->code == (want), "expected code %d, got %d: %s", (int)(want),  \
		      r_->code, r_->message ? r_->message : "");                        \
		CHECK(r_->field && strcmp(r_->field, (fld)) == 0, "field '%s', want '%s' (%s)", \
		      r_->field ? r_->field : "", (fld), r_->message);                  \
		CHECK(r_->message && strstr(r_->message, (sub)), "message '%s' lacks '%s'", \
		      r_->message ? r_->message : "", (sub));                           \
		cfg_reply_free(r_);                                                     \
	} while (0)

/* ---- a real ipsecgw-config ------------------------------------------------ */

static char t_rundir[64];

static inline void t_rundir_cleanup(void)
{
	char cmd[128];

	if (!t_rundir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_rundir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", t_rundir);
}

/* IPSECGW_RUNDIR under /tmp, IPSECGW_SHM_DIR under /dev/shm (tmpfs); both
 * removed at exit. Returns the run directory. */
static inline const char *t_dirs(void)
{
	tmpregion_setup();
	snprintf(t_rundir, sizeof(t_rundir), "/tmp/ipsecgw-cfgtest-XXXXXX");
	CHECK(mkdtemp(t_rundir), "mkdtemp: %s", strerror(errno));
	setenv("IPSECGW_RUNDIR", t_rundir, 1);
	atexit(t_rundir_cleanup);
	return t_rundir;
}

static inline double t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Services this test started and has not reaped: a failing CHECK exits,
 * and they must not outlive the test. */
static pid_t t_children[8];

static inline void t_children_kill(void)
{
	for (int k = 0; k < 8; k++)
		if (t_children[k] > 0) {
			kill(t_children[k], SIGKILL);
			waitpid(t_children[k], NULL, 0);
			t_children[k] = 0;
		}
}

static inline void t_child_reaped(pid_t pid)
{
	for (int k = 0; k < 8; k++)
		if (t_children[k] == pid)
			t_children[k] = 0;
}

/* Start $GW_BIN/ipsecgw-config; stdout and stderr appended to logfile.
 * extra: more arguments (NULL-terminated list, may be NULL). Reap it with
 * t_svc_stop or t_svc_reap. */
static inline pid_t t_svc_start(const char *instance, const char *logfile, const char *const *extra)
{
	static int registered;
	const char *bindir = getenv("GW_BIN");
	char bin[512];
	pid_t pid;

	CHECK(bindir, "GW_BIN is not set (run through ctest)");
	if (!registered++)
		atexit(t_children_kill);
	snprintf(bin, sizeof(bin), "%s/ipsecgw-config", bindir);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		const char *argv[16] = { bin, "--instance", instance, "--log-level", "6" };
		int n = 5, fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		for (; extra && *extra && n < 15; extra++)
			argv[n++] = *extra;
		argv[n] = NULL;
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (int k = 0; k < 8; k++)
		if (t_children[k] <= 0) {
			t_children[k] = pid;
			break;
		}
	return pid;
}

/* waitpid for a service this test started. */
static inline pid_t t_svc_reap(pid_t pid, int *status, int flags)
{
	pid_t r = waitpid(pid, status, flags);

	if (r == pid)
		t_child_reaped(pid);
	return r;
}

/* Wait until the service answers a request; -1 if it exited first (its
 * status in *status) or did not answer in time. */
static inline int t_svc_wait(const char *instance, pid_t pid, int *status)
{
	double t0 = t_now();

	while (t_now() - t0 < 20) {
		struct gw_client cl;
		int rc, st;
		if (t_svc_reap(pid, &st, WNOHANG) == pid) {
			if (status)
				*status = st;
			return -1;
		}
		if (gw_client_open(&cl, instance, 200) == 0) {
			gw_env *req = r_dump(IPSECGW__V1__DUMP__WHAT__ERRORS, 0, 0, 0, 0, 0);
			gw_env *rep = gw_client_call(&cl, req, &rc);
			msg_free(req);
			gw_client_close(&cl);
			if (rep) {
				msg_free(rep);
				return 0;
			}
		}
		usleep(20000);
	}
	return -1;
}

/* One call through gw_client_call; the request is freed. */
static inline gw_env *t_rpc(struct gw_client *cl, gw_env *req, int *rc)
{
	gw_env *rep = gw_client_call(cl, req, rc);

	msg_free(req);
	return rep;
}

/* Stop a service this test started: SIGTERM, and its exit status. */
static inline int t_svc_stop(pid_t pid)
{
	int st = -1;

	kill(pid, SIGTERM);
	CHECK(t_svc_reap(pid, &st, 0) == pid, "waitpid");
	return st;
}

/* Does file contain s? */
static inline int t_file_has(const char *path, const char *s)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, s) != NULL;
}

#endif

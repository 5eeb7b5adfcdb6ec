/*
 * Two IKEv2 engines in one process (STYLE 14): a mock transport that queues
 * datagrams between them (with a hook to lose, alter or re-route any of
 * them), a mock installer that keeps the SAD and tunnels like the config
 * service would (and refuses what it would refuse), profiles in memory, and
 * one virtual clock. Nothing touches the network or the real config service.
 */
#ifndef IPSECGW_TESTS_IKEV2D_PEER_H
#define IPSECGW_TESTS_IKEV2D_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_wire.h"
#include "ikev2_engine.h"
#include "log.h"
#include "region.h"

#define CHECK(cond, ...)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                        \
			fputc('\n', stderr);                                                 \
			exit(1);                                                             \
		}                                                                            \
	} while (0)

#define T_MAX_SA 64
#define T_MAX_TUN 16
#define T_MAX_PROF 4
#define T_QUEUE 256

struct t_sa {
	bool used;
	struct ikev2_sa_spec s;
};
struct t_tun {
	bool used, up;
	uint32_t n;
	uint32_t out;
	uint32_t in[SHM_MAX_SA_IN];
	unsigned n_in;
};

struct t_peer {
	const char *name;
	struct ikev2_engine *e;
	struct ikev2_env env;
	struct ikev2_addr addr;         /* its address, port 500 */
	struct shm_profile prof[T_MAX_PROF];
	unsigned n_prof;
	struct t_sa sad[T_MAX_SA];
	struct t_tun tun[T_MAX_TUN];
	uint32_t next_tun;
	unsigned events[3];             /* up, down, rekeyed (IKE and child) */
	unsigned fail_sa_add;           /* fail the next n sa_add calls */
	char local_key[SHM_PATH_MAX];   /* `set ikev2 local key`, "" none */
	bool live_set;                  /* `ikev2 set liveness live_period live_max` given */
	unsigned live_period, live_max;
	struct t_world *w;
};

struct t_pkt {
	int to;                         /* 0: a, 1: b */
	struct ikev2_path path;         /* as the receiver sees it */
	bool natt;
	size_t len;
	uint8_t data[IKEV2_RX_MAX];
};

/* Return false to lose the packet; may edit it. */
typedef bool t_filter_fn(struct t_world *w, struct t_pkt *p, void *arg);

struct t_world {
	uint64_t now;
	struct t_peer p[2];
	struct t_pkt *q[T_QUEUE];
	unsigned qn;
	unsigned sent[2];               /* datagrams sent by a, b */
	t_filter_fn *filter;
	void *filter_arg;
	struct ikev2_cfg cfg;
};

static inline uint64_t t_now(void *arg)
{
	return ((struct t_peer *)arg)->w->now;
}

static inline int t_send(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len)
{
	struct t_peer *me = arg;
	struct t_world *w = me->w;
	int from = me == &w->p[0] ? 0 : 1;
	struct t_pkt *k;

	CHECK(len <= IKEV2_RX_MAX, "datagram of %zu", len);
	w->sent[from]++;
	if (w->qn == T_QUEUE)
		return -ENOBUFS;
	k = calloc(1, sizeof(*k));
	k->to = !from;
	k->path.local = p->remote;
	k->path.remote = p->local;
	k->natt = natt;
	k->len = len;
	memcpy(k->data, buf, len);
	w->q[w->qn++] = k;
	return 0;
}

static inline int t_keepalive(void *arg, const struct ikev2_path *p)
{
	(void)arg, (void)p;
	return 0;
}

static inline int t_source(void *arg, const char *ifname, const struct ikev2_addr *remote,
			   struct ikev2_addr *local)
{
	struct t_peer *me = arg;

	(void)ifname, (void)remote;
	*local = me->addr;
	return 0;
}

static const struct ikev2_net_ops t_net = { t_send, t_keepalive, t_source };

static inline struct t_sa *t_sa_find(struct t_peer *p, uint32_t id)
{
	for (int i = 0; i < T_MAX_SA; i++)
		if (p->sad[i].used && p->sad[i].s.sa_id == id)
			return &p->sad[i];
	return NULL;
}

static inline struct t_sa *t_sa_by_spi(struct t_peer *p, uint32_t spi)
{
	for (int i = 0; i < T_MAX_SA; i++)
		if (p->sad[i].used && p->sad[i].s.spi == spi)
			return &p->sad[i];
	return NULL;
}

static inline struct t_tun *t_tun_find(struct t_peer *p, uint32_t n)
{
	for (int i = 0; i < T_MAX_TUN; i++)
		if (p->tun[i].used && p->tun[i].n == n)
			return &p->tun[i];
	return NULL;
}

static inline bool t_sa_referenced(struct t_peer *p, uint32_t id)
{
	for (int i = 0; i < T_MAX_TUN; i++) {
		struct t_tun *t = &p->tun[i];
		if (!t->used)
			continue;
		if (t->out == id)
			return true;
		for (unsigned k = 0; k < t->n_in; k++)
			if (t->in[k] == id)
				return true;
	}
	return false;
}

static inline int t_sa_add(void *arg, const struct ikev2_sa_spec *s)
{
	struct t_peer *p = arg;

	if (p->fail_sa_add) {
		p->fail_sa_add--;
		return -EAGAIN;
	}
	if (t_sa_find(p, s->sa_id))
		return -EEXIST;
	CHECK(s->crypto_alg || s->integ_alg, "SA %u without algorithms", s->sa_id);
	for (int i = 0; i < T_MAX_SA; i++)
		if (!p->sad[i].used) {
			p->sad[i].used = true;
			p->sad[i].s = *s;
			return 0;
		}
	return -ENOSPC;
}

static inline int t_sa_del(void *arg, uint32_t id)
{
	struct t_peer *p = arg;
	struct t_sa *s = t_sa_find(p, id);

	if (!s)
		return -ENOENT;
	CHECK(!t_sa_referenced(p, id), "%s: SaDel %u while a tunnel uses it (config would refuse)", p->name, id);
	memset(s, 0, sizeof(*s));
	return 0;
}

static inline int t_tun_create(void *arg, uint32_t *n)
{
	struct t_peer *p = arg;

	for (int i = 0; i < T_MAX_TUN; i++)
		if (!p->tun[i].used) {
			memset(&p->tun[i], 0, sizeof(p->tun[i]));
			p->tun[i].used = true;
			p->tun[i].n = *n = p->next_tun++;
			return 0;
		}
	return -ENOSPC;
}

static inline int t_tun_protect(void *arg, uint32_t n, uint32_t out, const uint32_t *in, unsigned n_in)
{
	struct t_peer *p = arg;
	struct t_tun *t = t_tun_find(p, n);

	CHECK(t, "%s: protect of a tunnel ipsec%u that does not exist", p->name, n);
	CHECK(n_in <= SHM_MAX_SA_IN, "too many inbound SAs");
	CHECK(!out || t_sa_find(p, out), "%s: protect with SA %u that does not exist", p->name, out);
	for (unsigned k = 0; k < n_in; k++)
		CHECK(t_sa_find(p, in[k]), "%s: protect with SA %u that does not exist", p->name, in[k]);
	t->out = out;
	t->n_in = n_in;
	memcpy(t->in, in, n_in * sizeof(in[0]));
	return 0;
}

static inline int t_tun_up(void *arg, uint32_t n)
{
	struct t_tun *t = t_tun_find(arg, n);

	CHECK(t, "up of a missing tunnel");
	t->up = true;
	return 0;
}

static inline int t_tun_delete(void *arg, uint32_t n)
{
	struct t_tun *t = t_tun_find(arg, n);

	if (!t)
		return -ENOENT;
	memset(t, 0, sizeof(*t));
	return 0;
}

static const struct ikev2_install_ops t_inst = { t_sa_add, t_sa_del, t_tun_create, t_tun_protect, t_tun_up,
						 t_tun_delete };

static inline int t_prof_next(void *arg, uint32_t *cur, struct shm_profile *out)
{
	struct t_peer *p = arg;

	if (*cur >= p->n_prof)
		return 0;
	*out = p->prof[(*cur)++];
	return 1;
}

static inline int t_prof_get(void *arg, const char *name, struct shm_profile *out)
{
	struct t_peer *p = arg;

	for (unsigned i = 0; i < p->n_prof; i++)
		if (strcmp(p->prof[i].name, name) == 0) {
			*out = p->prof[i];
			return 0;
		}
	return -ENOENT;
}

static inline void t_event(void *arg, enum ikev2_event_kind k, const struct ikev2_sa *sa,
			   const struct ikev2_child *c)
{
	(void)sa, (void)c;
	((struct t_peer *)arg)->events[k]++;
}

static inline void t_addr(struct ikev2_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1) {
		a->af = SHM_AF_INET;
	} else {
		CHECK(inet_pton(AF_INET6, s, a->ip) == 1, "bad address %s", s);
		a->af = SHM_AF_INET6;
	}
	a->port = IKEV2_PORT;
}

static inline void t_ts(struct shm_ike_ts *t, const char *start, const char *end)
{
	struct ikev2_addr a, b;

	t_addr(&a, start);
	t_addr(&b, end);
	memset(t, 0, sizeof(*t));
	t->set = 1;
	t->af = a.af;
	t->port_end = 65535;
	memcpy(t->start, a.ip, 16);
	memcpy(t->end, b.ip, 16);
}

/* The seed's profile, from one side: PSK "Vpp123", FQDN identities. The
 * initiator also gets the responder's address. */
static inline struct shm_profile *t_profile(struct t_peer *p, const char *name, bool initiator,
					    const struct ikev2_addr *peer)
{
	struct shm_profile *pr = &p->prof[p->n_prof++];
	const char *li = initiator ? "roadwarrior.vpn.example.com" : "vpp.home";
	const char *ri = initiator ? "vpp.home" : "roadwarrior.vpn.example.com";

	memset(pr, 0, sizeof(*pr));
	pr->h.in_use = 1;
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	pr->auth_method = 2;
	pr->auth_len = 6;
	memcpy(pr->auth_data, "Vpp123", 6);
	pr->local_id_type = pr->remote_id_type = IKE_ID_FQDN;
	pr->local_id_len = (uint16_t)strlen(li);
	memcpy(pr->local_id, li, pr->local_id_len);
	pr->remote_id_len = (uint16_t)strlen(ri);
	memcpy(pr->remote_id, ri, pr->remote_id_len);
	t_ts(initiator ? &pr->local_ts : &pr->remote_ts, "198.51.100.0", "198.51.100.255");
	t_ts(initiator ? &pr->remote_ts : &pr->local_ts, "203.0.113.0", "203.0.113.255");
	if (initiator && peer) {
		pr->resp_af = peer->af;
		memcpy(pr->resp_addr, peer->ip, 16);
		snprintf(pr->resp_ifc, sizeof(pr->resp_ifc), "wan0");
	}
	return pr;
}

static inline int t_local_key(void *arg, char *buf, size_t len)
{
	struct t_peer *p = arg;

	if (!p->local_key[0])
		return -ENOENT;
	snprintf(buf, len, "%s", p->local_key);
	return 0;
}

static inline int t_env_liveness(void *arg, unsigned *period_s, unsigned *max_failures)
{
	struct t_peer *p = arg;

	if (!p->live_set)
		return -ENOENT;
	*period_s = p->live_period;
	*max_failures = p->live_max;
	return 0;
}

static inline void t_peer_start(struct t_world *w, int i, struct shm_region *region)
{
	struct t_peer *p = &w->p[i];

	p->env = (struct ikev2_env){ .arg = p, .now_ms = t_now, .profile_next = t_prof_next,
				     .profile_get = t_prof_get, .event = t_event, .net = &t_net,
				     .net_arg = p, .inst = &t_inst, .inst_arg = p, .region = region,
				     .local_key_file = t_local_key, .liveness = t_env_liveness };
	p->e = ikev2_engine_new(&p->env, &w->cfg);
	CHECK(p->e, "engine");
}

/* A world: a = 192.0.2.1 (initiator side), b = 192.0.2.2, empty profiles. */
static inline void t_world_init(struct t_world *w)
{
	memset(w, 0, sizeof(*w));
	w->now = 1000000;
	ikev2_cfg_defaults(&w->cfg);
	w->cfg.liveness_s = 0;
	w->p[0].name = "a";
	w->p[1].name = "b";
	for (int i = 0; i < 2; i++) {
		w->p[i].w = w;
		w->p[i].next_tun = 0;
	}
	t_addr(&w->p[0].addr, "192.0.2.1");
	t_addr(&w->p[1].addr, "192.0.2.2");
}

static inline void t_world_start(struct t_world *w)
{
	t_peer_start(w, 0, NULL);
	t_peer_start(w, 1, NULL);
}

static inline void t_world_fini(struct t_world *w)
{
	for (unsigned i = 0; i < w->qn; i++)
		free(w->q[i]);
	w->qn = 0;
	for (int i = 0; i < 2; i++) {
		ikev2_engine_free(w->p[i].e);
		w->p[i].e = NULL;
	}
}

/* Deliver one queued datagram (the oldest). Returns false when none. */
static inline bool t_step(struct t_world *w)
{
	struct t_pkt *k;

	if (!w->qn)
		return false;
	k = w->q[0];
	memmove(w->q, w->q + 1, (w->qn - 1) * sizeof(w->q[0]));
	w->qn--;
	if ((!w->filter || w->filter(w, k, w->filter_arg)) && w->p[k->to].e)
		ikev2_engine_input(w->p[k->to].e, &k->path, k->natt, k->data, k->len);
	free(k);
	return true;
}

/* Deliver until the network is quiet. */
static inline void t_run(struct t_world *w)
{
	for (int n = 0; t_step(w); n++)
		CHECK(n < 10000, "the peers do not stop talking");
}

/* Advance the clock by ms in steps of `step`, running timers and the network. */
static inline void t_advance(struct t_world *w, uint64_t ms)
{
	uint64_t end = w->now + ms;

	for (;;) {
		uint64_t next = UINT64_MAX;
		for (int i = 0; i < 2; i++)
			if (w->p[i].e) {
				uint64_t t = ikev2_engine_next_timer(w->p[i].e);
				if (t < next)
					next = t;
			}
		t_run(w);
		if (next > end)
			break;
		if (next > w->now)
			w->now = next;
		for (int i = 0; i < 2; i++)
			if (w->p[i].e)
				ikev2_engine_run_timers(w->p[i].e);
		t_run(w);
	}
	w->now = end;
}

static inline unsigned t_n_sad(const struct t_peer *p)
{
	unsigned n = 0;

	for (int i = 0; i < T_MAX_SA; i++)
		n += p->sad[i].used;
	return n;
}

static inline unsigned t_n_tun(const struct t_peer *p)
{
	unsigned n = 0;

	for (int i = 0; i < T_MAX_TUN; i++)
		n += p->tun[i].used;
	return n;
}

#endif

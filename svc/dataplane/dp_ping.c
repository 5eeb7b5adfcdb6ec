/* Ping sessions; see dp_ping.h. */
#include "dp_ping.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp_api.h"
#include "dp_classify.h"
#include "dp_fib.h"
#include "dp_neigh.h"
#include "dp_worker.h"

#define PING_TICK_MS 5
#define E(x) IPSECGW__V1__ERROR_CODE__##x

enum { PS_UNSENT = 0, PS_SENT, PS_DONE };

struct ping_echo {
	uint64_t tsc;           /* sent */
	uint8_t state;
};

struct ping_sess {
	uint8_t in_use;
	uint8_t af;
	uint16_t ident;
	uint8_t id[DP_API_ID_MAX];
	size_t idlen;
	uint64_t request_id;
	uint8_t dst[16], src[16];
	uint32_t repeat, size, next, done;
	uint64_t interval_tsc, timeout_tsc, next_tsc;
	struct ping_echo *e;
};

struct dp_ping {
	struct dp_ctl *c;
	uv_timer_t timer;
	uint16_t next_ident;
	unsigned active;
	struct ping_sess s[DP_PING_SESSIONS];
};

static void ping_tick(uv_timer_t *t);

struct dp_ping *dp_ping_new(struct dp_ctl *c, uv_loop_t *loop)
{
	struct dp_ping *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->c = c;
	p->next_ident = (uint16_t)(getpid() * 7919u);
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	return p;
}

static void sess_end(struct dp_ping *p, struct ping_sess *s, int reply)
{
	if (reply && p->c->api)
		dp_api_reply(p->c->api, s->id, s->idlen, s->request_id, E(OK), "%s", "");
	free(s->e);
	memset(s, 0, sizeof(*s));
	if (--p->active == 0)
		uv_timer_stop(&p->timer);
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

void dp_ping_free(struct dp_ping *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < DP_PING_SESSIONS; i++)
		free(p->s[i].e);
	uv_timer_stop(&p->timer);
	uv_close((uv_handle_t *)&p->timer, on_closed);
}

static void send_result(struct dp_ping *p, struct ping_sess *s, uint32_t seq, const uint8_t *from, uint32_t bytes,
			uint32_t ttl, uint64_t rtt_ns, int received)
{
	Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
	Ipsecgw__V1__PingResult r = IPSECGW__V1__PING_RESULT__INIT;

	r.seq = seq;
	r.has_received = 1;
	r.received = received != 0;
	if (received) {
		r.has_from = r.has_bytes = r.has_ttl = r.has_rtt_ns = 1;
		r.from.data = (uint8_t *)from;
		r.from.len = s->af == SHM_AF_INET ? 4 : 16;
		r.bytes = bytes;
		r.ttl = ttl;
		r.rtt_ns = rtt_ns;
	}
	env.api_version = 1;
	env.request_id = s->request_id;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PING_RESULT;
	env.ping_result = &r;
	dp_api_send(p->c->api, s->id, s->idlen, &env);
}

/* One echo request: [14-byte gap][IP][ICMP echo: ident, seq][size bytes]. */
static void send_echo(struct dp_ping *p, struct ping_sess *s)
{
	struct dp_ctl *c = p->c;
	uint32_t seq = ++s->next, ihl = s->af == SHM_AF_INET ? DP_IP4_HLEN : DP_IP6_HLEN;
	uint32_t l4 = DP_ICMP_HLEN + s->size;
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
	uint8_t *ip, *icmp;
	uint16_t cs;

	s->e[seq - 1].state = PS_SENT;
	s->e[seq - 1].tsc = rte_rdtsc();
	if (!m || !rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + ihl + l4))) {
		rte_pktmbuf_free(m);
		dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NO_BUFFER);
		return;
	}
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	icmp = ip + ihl;
	icmp[0] = s->af == SHM_AF_INET ? DP_ICMP_ECHO : DP_ICMP6_ECHO;
	icmp[1] = icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(s->ident >> 8);
	icmp[5] = (uint8_t)s->ident;
	icmp[6] = (uint8_t)(seq >> 8);
	icmp[7] = (uint8_t)seq;
	for (uint32_t i = 0; i < s->size; i++)
		icmp[DP_ICMP_HLEN + i] = (uint8_t)i;
	if (s->af == SHM_AF_INET) {
		memset(ip, 0, DP_IP4_HLEN);
		ip[0] = 0x45;
		ip[2] = (uint8_t)((ihl + l4) >> 8);
		ip[3] = (uint8_t)(ihl + l4);
		ip[4] = (uint8_t)(seq >> 8);
		ip[5] = (uint8_t)seq;
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = DP_PROTO_ICMP;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		cs = dp_csum_final(dp_csum_add(0, ip, DP_IP4_HLEN));
		memcpy(ip + 10, &cs, 2);
		cs = dp_csum_final(dp_csum_add(0, icmp, l4));
	} else {
		memset(ip, 0, 8);
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4 >> 8);
		ip[5] = (uint8_t)l4;
		ip[6] = DP_PROTO_ICMP6;
		ip[7] = 64;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		cs = dp_csum_final(dp_csum_add(dp_csum_phdr6(s->src, s->dst, DP_PROTO_ICMP6, l4), icmp, l4));
	}
	memcpy(icmp + 2, &cs, 2);
	s->e[seq - 1].tsc = rte_rdtsc();
	dp_worker_inject(c, m, s->af == SHM_AF_INET ? DP_INJ_ROUTE4 : DP_INJ_ROUTE6, 0, DP_NO_IFC);
}

static void sess_check(struct dp_ping *p, struct ping_sess *s, uint64_t now)
{
	for (uint32_t i = 0; i < s->next; i++) {
		if (s->e[i].state == PS_SENT && now - s->e[i].tsc > s->timeout_tsc) {
			s->e[i].state = PS_DONE;
			s->done++;
			send_result(p, s, i + 1, NULL, 0, 0, 0, 0);
		}
	}
	if (s->next < s->repeat && now >= s->next_tsc) {
		send_echo(p, s);
		s->next_tsc = now + s->interval_tsc;
	}
	if (s->done == s->repeat)
		sess_end(p, s, 1);
}

static void ping_tick(uv_timer_t *t)
{
	struct dp_ping *p = t->data;
	uint64_t now = rte_rdtsc();

	for (unsigned i = 0; i < DP_PING_SESSIONS; i++)
		if (p->s[i].in_use)
			sess_check(p, &p->s[i], now);
}

static int find_ifc(const struct dp_fwd *f, const char *name)
{
	for (int i = 0; i < SHM_MAX_IFC; i++)
		if (f->ifc[i].in_use && strncmp(f->ifc[i].name, name, SHM_NAME_MAX) == 0)
			return i;
	return -1;
}

void dp_ping_start(struct dp_ctl *c, const void *id, size_t idlen, uint64_t request_id,
		   const Ipsecgw__V1__Ping *req)
{
	struct dp_ping *p = c->ping;
	const struct dp_fwd *f = dp_ctl_fwd(c);
	struct ping_sess *s = NULL;
	uint8_t af;
	int ifc = -1;

#define FAIL(code, ...) do { dp_api_reply(c->api, id, idlen, request_id, E(code), __VA_ARGS__); return; } while (0)
	if (req->addr.len != 4 && req->addr.len != 16)
		FAIL(INVALID_ARGUMENT, "addr: 4 or 16 bytes");
	af = req->addr.len == 4 ? SHM_AF_INET : SHM_AF_INET6;
	if (req->has_repeat && (req->repeat < 1 || req->repeat > DP_PING_MAX_REPEAT))
		FAIL(INVALID_ARGUMENT, "repeat: 1..%u", DP_PING_MAX_REPEAT);
	if (req->has_size && req->size > DP_PING_MAX_SIZE)
		FAIL(INVALID_ARGUMENT, "size: 0..%u", DP_PING_MAX_SIZE);
	if (!f)
		FAIL(UNAVAILABLE, "the dataplane has no configuration yet");
	for (unsigned i = 0; i < DP_PING_SESSIONS && !s; i++)
		if (!p->s[i].in_use)
			s = &p->s[i];
	if (!s)
		FAIL(RESOURCE_EXHAUSTED, "%u pings running", DP_PING_SESSIONS);
	memcpy(s->dst, req->addr.data, req->addr.len);
	if (req->source && *req->source) {
		if ((ifc = find_ifc(f, req->source)) < 0)
			FAIL(NOT_FOUND, "source: no interface named %.31s", req->source);
		if (dp_ctl_src_addr(f, (uint16_t)ifc, af, s->dst, s->src) < 0)
			FAIL(FAILED_PRECONDITION, "source: %.31s has no IPv%c address", req->source,
			     af == SHM_AF_INET ? '4' : '6');
	} else {
		uint32_t d, nid;
		const struct dp_nh *nh;
		memcpy(&d, s->dst, 4);
		nid = af == SHM_AF_INET ? dp_fib_lookup4(f->fib4, __builtin_bswap32(d)) : dp_fib_lookup6(f->fib6, s->dst);
		nh = &f->nh[nid];
		if (nh->type == DP_NH_LOCAL)
			memcpy(s->src, s->dst, 16);
		else if (nh->type == DP_NH_DROP || dp_ctl_src_addr(f, nh->ifc, af, s->dst, s->src) < 0)
			FAIL(FAILED_PRECONDITION, "no route to the address, or no source address toward it");
	}
#undef FAIL
	s->repeat = req->has_repeat ? req->repeat : 5;
	if (!(s->e = calloc(s->repeat, sizeof(*s->e)))) {
		dp_api_reply(c->api, id, idlen, request_id, E(RESOURCE_EXHAUSTED), "out of memory");
		return;
	}
	s->in_use = 1;
	s->af = af;
	s->ident = p->next_ident++;
	memcpy(s->id, id, idlen);
	s->idlen = idlen;
	s->request_id = request_id;
	s->size = req->has_size ? req->size : 56;
	s->interval_tsc = (req->has_interval_ms ? req->interval_ms : 1000) * (c->tsc_hz / 1000);
	s->timeout_tsc = (req->has_timeout_ms ? req->timeout_ms : 1000) * (c->tsc_hz / 1000);
	s->next_tsc = 0;
	if (p->active++ == 0)
		uv_timer_start(&p->timer, ping_tick, PING_TICK_MS, PING_TICK_MS);
	sess_check(p, s, rte_rdtsc());
}

void dp_ping_input(struct dp_ctl *c, uint8_t af, struct rte_mbuf *m, uint64_t tsc)
{
	struct dp_ping *p = c->ping;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
	uint32_t ihl = af == SHM_AF_INET ? (ip[0] & 0x0fu) * 4u : DP_IP6_HLEN;
	uint32_t l3 = m->pkt_len - DP_ETH_HLEN;
	const uint8_t *icmp = ip + ihl;
	uint16_t ident = dp_rd16(icmp + 4), seq = dp_rd16(icmp + 6);

	for (unsigned i = 0; p && i < DP_PING_SESSIONS; i++) {
		struct ping_sess *s = &p->s[i];
		if (!s->in_use || s->ident != ident || s->af != af || seq == 0 || seq > s->next ||
		    s->e[seq - 1].state != PS_SENT)
			continue;
		s->e[seq - 1].state = PS_DONE;
		s->done++;
		send_result(p, s, seq, af == SHM_AF_INET ? ip + 12 : ip + 8, l3 - ihl,
			    af == SHM_AF_INET ? ip[8] : ip[7],
			    (uint64_t)((double)(tsc - s->e[seq - 1].tsc) * 1e9 / (double)c->tsc_hz), 1);
		if (s->done == s->repeat)
			sess_end(p, s, 1);
		break;
	}
	rte_pktmbuf_free(m);
}

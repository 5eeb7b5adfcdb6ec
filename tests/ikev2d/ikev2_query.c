/*
 * ikev2_query: what the interop tests (and an operator, until ipsecctl's
 * `show ikev2 sa` is wired) ask ipsecgw-ikev2.
 *   ikev2_query INSTANCE ready TIMEOUT_MS     wait for procs[ikev2].ready
 *   ikev2_query INSTANCE dump [-k]            IKE SAs, one "ike ..." line and
 *                                             one "child ..." line per child
 *   ikev2_query INSTANCE counters             the IKE counters in the region
 *   ikev2_query INSTANCE events N TIMEOUT_MS  print N events of the IKE bus
 * Exit 0, or 1 with a message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "ikev2_prop.h"
#include "instance.h"
#include "log.h"
#include "msg.h"
#include "region.h"

static int die(const char *m)
{
	fprintf(stderr, "ikev2_query: %s\n", m);
	return 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *ip(const ProtobufCBinaryData *b, char *buf)
{
	if (b->len == 4 || b->len == 16)
		inet_ntop(b->len == 4 ? AF_INET : AF_INET6, b->data, buf, INET6_ADDRSTRLEN);
	else
		strcpy(buf, "?");
	return buf;
}

static void hex(const char *name, const ProtobufCBinaryData *b, int has)
{
	if (!has)
		return;
	printf(" %s=", name);
	for (size_t i = 0; i < b->len; i++)
		printf("%02x", b->data[i]);
}

static const char *idstr(int type, const ProtobufCBinaryData *b, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (type) {
	case 1: case 5: snprintf(buf, len, "ip:%s", ip(b, a)); break;
	case 2: snprintf(buf, len, "fqdn:%.*s", (int)b->len, b->data); break;
	case 3: snprintf(buf, len, "email:%.*s", (int)b->len, b->data); break;
	default: snprintf(buf, len, "type%d", type); break;
	}
	return buf;
}

static void print_ts(const char *name, Ipsecgw__V1__Ikev2TrafficSelector **t, size_t n)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++)
		printf(" %s=%s-%s/%u/%u-%u", name, ip(&t[i]->start, a), ip(&t[i]->end, b), t[i]->protocol,
		       t[i]->port_start, t[i]->port_end);
}

static void print_sa(const Ipsecgw__V1__IkeSaDetails *d)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], e[32], i1[300], i2[300];
	const Ipsecgw__V1__Ikev2Transforms *x = d->ike;

	printf("ike ispi=%016llx rspi=%016llx state=%s initiator=%d profile=%s iip=%s rip=%s encr=%s prf=%s "
	       "integ=%s dh=%s idi=%s idr=%s nat_local=%d nat_remote=%d children=%zu msgid_tx=%u msgid_rx=%u",
	       (unsigned long long)d->ispi, (unsigned long long)d->rspi, d->state, d->local_is_initiator,
	       d->profile, ip(&d->iip, a), ip(&d->rip, b), ikev2_prop_encr_name((uint16_t)x->encr, (uint16_t)x->key_bits, e, sizeof(e)),
	       ikev2_prop_prf_name((uint16_t)d->prf), ikev2_prop_integ_name((uint16_t)x->integ),
	       ikev2_prop_dh_name((uint16_t)x->dh_group), idstr(d->id_i_type, &d->id_i, i1, sizeof(i1)),
	       idstr(d->id_r_type, &d->id_r, i2, sizeof(i2)), d->nat_local, d->nat_remote, d->n_children,
	       d->msg_id_tx, d->msg_id_rx);
	hex("nonce_i", &d->nonce_i, d->has_nonce_i);
	hex("nonce_r", &d->nonce_r, d->has_nonce_r);
	hex("sk_d", &d->sk_d, d->has_sk_d);
	hex("sk_ei", &d->sk_ei, d->has_sk_ei);
	hex("sk_er", &d->sk_er, d->has_sk_er);
	hex("sk_ai", &d->sk_ai, d->has_sk_ai);
	hex("sk_ar", &d->sk_ar, d->has_sk_ar);
	printf("\n");
	for (size_t k = 0; k < d->n_children; k++) {
		const Ipsecgw__V1__IkeChildSaDetails *c = d->children[k];
		printf("child spi_i=%08x spi_r=%08x state=%s encr=%s integ=%s esn=%d pfs=%s tunnel=%s sa_in=%u sa_out=%u "
		       "udp_encap=%d",
		       c->spi_i, c->spi_r, c->state,
		       ikev2_prop_encr_name((uint16_t)c->esp->encr, (uint16_t)c->esp->key_bits, e, sizeof(e)),
		       ikev2_prop_integ_name((uint16_t)c->esp->integ), c->esn, ikev2_prop_dh_name((uint16_t)c->esp->dh_group),
		       c->tunnel_interface ? c->tunnel_interface : "-", c->sa_in, c->sa_out, c->udp_encap);
		print_ts("ts_i", c->ts_i, c->n_ts_i);
		print_ts("ts_r", c->ts_r, c->n_ts_r);
		hex("sk_ei", &c->sk_ei, c->has_sk_ei);
		hex("sk_ai", &c->sk_ai, c->has_sk_ai);
		hex("sk_er", &c->sk_er, c->has_sk_er);
		hex("sk_ar", &c->sk_ar, c->has_sk_ar);
		printf("\n");
	}
}

static int dump(const char *instance, int keys)
{
	char ep[300];
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0, rc, timeout = 5000;
	uint32_t cursor = 0;

	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
	if (gw_endpoint(instance, "ikev2", ep, sizeof(ep)) < 0 || zmq_connect(s, ep) < 0)
		return die("connect");
	for (;;) {
		Ipsecgw__V1__Dump d = IPSECGW__V1__DUMP__INIT;
		gw_env req = IPSECGW__V1__ENVELOPE__INIT, *rep;
		d.what = IPSECGW__V1__DUMP__WHAT__IKEV2_SAS;
		d.has_with_keys = 1;
		d.with_keys = keys;
		d.has_cursor = cursor != 0;
		d.cursor = cursor;
		req.api_version = GW_API_VERSION;
		req.request_id = 1;
		req.body_case = IPSECGW__V1__ENVELOPE__BODY_DUMP;
		req.dump = &d;
		if (msg_send(s, &req, 0) < 0 || !(rep = msg_recv(s, 0, &rc)))
			return die("no answer from ipsecgw-ikev2");
		if (rep->body_case != IPSECGW__V1__ENVELOPE__BODY_REPLY || rep->reply->code != 0)
			return die("dump refused");
		for (size_t i = 0; i < rep->reply->n_ike_sas; i++)
			print_sa(rep->reply->ike_sas[i]);
		cursor = rep->reply->has_next_cursor ? rep->reply->next_cursor : 0;
		msg_free(rep);
		if (!cursor)
			break;
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return 0;
}

static int events(const char *instance, int n, int timeout_ms)
{
	char ep[300];
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_SUB);
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	int linger = 0, got = 0, rc, t = 200;

	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &t, sizeof(t));
	zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
	if (gw_endpoint(instance, "ikev2-events", ep, sizeof(ep)) < 0 || zmq_connect(s, ep) < 0)
		return die("connect");
	printf("subscribed\n");
	fflush(stdout);
	while (got < n && now_ms() < end) {
		gw_env *m = msg_recv(s, 0, &rc);
		static const char *kinds[] = { "added", "deleted", "changed", "cleared" };
		if (!m)
			continue;
		if (m->body_case == IPSECGW__V1__ENVELOPE__BODY_EVENT) {
			const Ipsecgw__V1__Event *e = m->event;
			printf("event seq=%llu kind=%s object=%s name=%s\n", (unsigned long long)e->seq,
			       kinds[e->kind & 3], e->object == IPSECGW__V1__EVENT__OBJECT__IKE_SA ? "ike-sa" : "child-sa",
			       e->name ? e->name : "");
			fflush(stdout);
			got++;
		}
		msg_free(m);
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return got == n ? 0 : die("not enough events");
}

static int attach(const char *instance, struct shm_region *r)
{
	char err[256];

	return shm_region_attach(r, instance, 0, err, sizeof(err));
}

static int ready(const char *instance, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	struct shm_region r;

	while (now_ms() < end) {
		if (attach(instance, &r) == 0) {
			int ok = atomic_load(&r.hdr->procs[SHM_PROC_IKEV2].ready) != 0;
			shm_region_detach(&r);
			if (ok)
				return 0;
		}
		usleep(50000);
	}
	return die("ipsecgw-ikev2 not ready in time");
}

static int counters(const char *instance)
{
	static const char *fails[] = {
#define F(n, s) #n,
		SHM_FOREACH_IKE_FAIL(F)
#undef F
	};
	static const char *exch[] = { "ike_sa_init", "ike_auth", "create_child_sa", "informational" };
	struct shm_region r;
	const struct shm_ike_counters *c;

	if (attach(instance, &r) < 0)
		return die("no region");
	c = shm_rec(&r, SHM_T_IKE_COUNTERS, 0);
	for (int i = 0; i < SHM_IKE_EXCH_N; i++)
		printf("%s req_tx=%llu req_rx=%llu resp_tx=%llu resp_rx=%llu\n", exch[i],
		       (unsigned long long)c->exch[i].req_tx, (unsigned long long)c->exch[i].req_rx,
		       (unsigned long long)c->exch[i].resp_tx, (unsigned long long)c->exch[i].resp_rx);
	printf("retransmits=%llu resp_retransmits=%llu dropped=%llu\n", (unsigned long long)c->retransmits,
	       (unsigned long long)c->resp_retransmits, (unsigned long long)c->dropped);
	for (int i = 0; i < SHM_IKE_FAIL_N; i++)
		printf("fail_%s=%llu\n", fails[i], (unsigned long long)c->fail[i]);
	printf("ike_up=%llu ike_down=%llu ike_rekeys=%llu child_up=%llu child_down=%llu child_rekeys=%llu\n",
	       (unsigned long long)c->ike_up, (unsigned long long)c->ike_down, (unsigned long long)c->ike_rekeys,
	       (unsigned long long)c->child_up, (unsigned long long)c->child_down,
	       (unsigned long long)c->child_rekeys);
	printf("ike_sas=%llu half_open=%llu child_sas=%llu\n", (unsigned long long)c->ike_sas,
	       (unsigned long long)c->half_open, (unsigned long long)c->child_sas);
	printf("dpd_sent=%llu keepalives_sent=%llu\n", (unsigned long long)c->dpd_sent,
	       (unsigned long long)c->keepalives_sent);
	printf("cookies_sent=%llu cookies_invalid=%llu cred_errors=%llu\n", (unsigned long long)c->cookies_sent,
	       (unsigned long long)c->cookies_invalid, (unsigned long long)c->cred_errors);
	shm_region_detach(&r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return die("usage: ikev2_query INSTANCE ready MS | dump [-k] | counters | events N MS");
	if (!strcmp(argv[2], "ready") && argc == 4)
		return ready(argv[1], atoi(argv[3]));
	if (!strcmp(argv[2], "dump"))
		return dump(argv[1], argc > 3 && !strcmp(argv[3], "-k"));
	if (!strcmp(argv[2], "counters"))
		return counters(argv[1]);
	if (!strcmp(argv[2], "events") && argc == 5)
		return events(argv[1], atoi(argv[3]), atoi(argv[4]));
	return die("unknown command");
}

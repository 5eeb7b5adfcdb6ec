/*
 * API benchmark: SA adds and policy adds per second end to end through the
 * path ipsecctl uses (DEALER -> config service ROUTER -> validate -> journal
 * -> region -> reply), and the time to load an SPD of N policies.
 *
 *   api_bench --instance NAME [--sas N] [--policies N] [--window W]
 *
 * window 1 is ipsecctl's behaviour (one request in flight); a larger window
 * pipelines requests to show the service's own ceiling. Prints one line per
 * measurement: name, count, seconds, rate.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "instance.h"
#include "msg.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef void (*build_fn)(gw_env *env, uint32_t i, void *scratch);

struct sa_scratch {
	Ipsecgw__V1__SaAdd add;
	Ipsecgw__V1__SaSpec spec;
	uint8_t ck[16], ik[20];
};

static void build_sa(gw_env *env, uint32_t i, void *p)
{
	struct sa_scratch *s = p;

	ipsecgw__v1__sa_add__init(&s->add);
	ipsecgw__v1__sa_spec__init(&s->spec);
	memset(s->ck, 0x4a, sizeof(s->ck));
	memset(s->ik, 0x43, sizeof(s->ik));
	s->spec.sa_id = 100000 + i;
	s->spec.spi = 1000 + i;
	s->spec.has_crypto_alg = 1;
	s->spec.crypto_alg = IPSECGW__V1__CRYPTO_ALG__AES_CBC_128;
	s->spec.has_crypto_key = 1;
	s->spec.crypto_key.data = s->ck;
	s->spec.crypto_key.len = sizeof(s->ck);
	s->spec.has_integ_alg = 1;
	s->spec.integ_alg = IPSECGW__V1__INTEG_ALG__SHA1_96;
	s->spec.has_integ_key = 1;
	s->spec.integ_key.data = s->ik;
	s->spec.integ_key.len = sizeof(s->ik);
	s->add.spec = &s->spec;
	env->body_case = IPSECGW__V1__ENVELOPE__BODY_SA_ADD;
	env->sa_add = &s->add;
}

struct pol_scratch {
	Ipsecgw__V1__PolicyAddDel pol;
	Ipsecgw__V1__PolicySpec spec;
	uint8_t ls[4], le[4], rs[4], re[4];
};

static void build_policy(gw_env *env, uint32_t i, void *p)
{
	struct pol_scratch *s = p;

	ipsecgw__v1__policy_add_del__init(&s->pol);
	ipsecgw__v1__policy_spec__init(&s->spec);
	/* Distinct /32 selectors in 198.18.0.0/15 (benchmark range). */
	uint32_t a = (198u << 24) | (18u << 16) | (i & 0x1ffff);
	uint8_t b[4] = { a >> 24, a >> 16, a >> 8, a };
	memcpy(s->ls, b, 4);
	memcpy(s->le, b, 4);
	uint8_t c[4] = { 203, 0, 113, (uint8_t)(i & 0xff) };
	memcpy(s->rs, c, 4);
	memcpy(s->re, c, 4);
	s->spec.spd_id = 1;
	s->spec.direction = IPSECGW__V1__DIRECTION__OUTBOUND;
	s->spec.priority = (int32_t)(i % 1000);
	s->spec.action = IPSECGW__V1__POLICY_ACTION__BYPASS;
	s->spec.has_local_start = s->spec.has_local_end = 1;
	s->spec.has_remote_start = s->spec.has_remote_end = 1;
	s->spec.local_start = (ProtobufCBinaryData){ 4, s->ls };
	s->spec.local_end = (ProtobufCBinaryData){ 4, s->le };
	s->spec.remote_start = (ProtobufCBinaryData){ 4, s->rs };
	s->spec.remote_end = (ProtobufCBinaryData){ 4, s->re };
	s->pol.spec = &s->spec;
	env->body_case = IPSECGW__V1__ENVELOPE__BODY_POLICY;
	env->policy = &s->pol;
}

/* Sends n requests keeping up to `window` in flight; returns seconds, or -1. */
static double run(struct gw_client *c, uint32_t n, uint32_t window, build_fn build)
{
	union { struct sa_scratch sa; struct pol_scratch pol; } scratch;
	zmq_pollitem_t pi = { .socket = c->sock, .events = ZMQ_POLLIN };
	uint32_t sent = 0, done = 0;
	double t0 = now();

	while (done < n) {
		while (sent < n && sent - done < window) {
			gw_env env = IPSECGW__V1__ENVELOPE__INIT;
			build(&env, sent, &scratch);
			env.api_version = GW_API_VERSION;
			env.request_id = ++sent;
			if (msg_send(c->sock, &env, 0) < 0)
				return -1;
		}
		if (zmq_poll(&pi, 1, 5000) <= 0) {
			fprintf(stderr, "timeout after %u replies\n", done);
			return -1;
		}
		int rc;
		gw_env *rep;
		while ((rep = msg_recv(c->sock, ZMQ_DONTWAIT, &rc))) {
			if (rep->body_case != IPSECGW__V1__ENVELOPE__BODY_REPLY || rep->reply->code != 0) {
				fprintf(stderr, "request %llu rejected: %s\n",
					(unsigned long long)rep->request_id,
					rep->body_case == IPSECGW__V1__ENVELOPE__BODY_REPLY && rep->reply->message
						? rep->reply->message : "?");
				msg_free(rep);
				return -1;
			}
			msg_free(rep);
			done++;
		}
	}
	return now() - t0;
}

static int simple(struct gw_client *c, gw_env *env)
{
	int rc;
	gw_env *rep = gw_client_call(c, env, &rc);

	if (!rep)
		return rc;
	rc = rep->reply->code == 0 ? 0 : -EINVAL;
	msg_free(rep);
	return rc;
}

int main(int argc, char **argv)
{
	const char *instance = GW_DEFAULT_INSTANCE;
	uint32_t n_sa = 10000, n_pol = 10000, window = 1;
	static const struct option opts[] = {
		{ "instance", required_argument, 0, 'i' }, { "sas", required_argument, 0, 's' },
		{ "policies", required_argument, 0, 'p' }, { "window", required_argument, 0, 'w' },
		{ 0, 0, 0, 0 } };
	struct gw_client c;
	int o, rc;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'i': instance = optarg; break;
		case 's': n_sa = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'p': n_pol = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'w': window = (uint32_t)strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (window < 1)
		window = 1;
	if ((rc = gw_client_open(&c, instance, 5000)) < 0) {
		fprintf(stderr, "cannot reach ipsecgw-config for instance %s: %s\n", instance, strerror(-rc));
		return 3;
	}
	double t = run(&c, n_sa, window, build_sa);
	if (t < 0)
		return 1;
	printf("sa_add       count %6u window %3u  %.3f s  %8.0f /s\n", n_sa, window, t, n_sa / t);

	Ipsecgw__V1__SpdAddDel spd = IPSECGW__V1__SPD_ADD_DEL__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	spd.spd_id = 1;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_SPD;
	env.spd = &spd;
	if (simple(&c, &env) < 0) {
		fprintf(stderr, "spd add failed\n");
		return 1;
	}
	t = run(&c, n_pol, window, build_policy);
	if (t < 0)
		return 1;
	printf("policy_add   count %6u window %3u  %.3f s  %8.0f /s  (SPD of %u policies loaded in %.3f s)\n",
	       n_pol, window, t, n_pol / t, n_pol, t);
	gw_client_close(&c);
	return 0;
}

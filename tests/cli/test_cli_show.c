/*
 * Output formatting against golden files, from replies built here (the
 * state of the seed page's examples): every view as text and as JSON,
 * with and without keys. GW_UPDATE_GOLDEN=1 rewrites the files.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "region.h"
#include "show.h"

static int passed, failed;
static const char *golden_dir;
static bool update;
static bool engines_published = true;   /* the dataplane has reported its engines */

#define K1 "4a506a794f574265564551694d653768"
#define K2 "4339314b55523947594d6d3547666b45764e6a58"

static void *zalloc(const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = calloc(1, d->sizeof_message);
	d->message_init(m);
	return m;
}

static ProtobufCBinaryData ip(const char *s)
{
	ProtobufCBinaryData b = { 0, malloc(16) };
	if (inet_pton(AF_INET, s, b.data) == 1)
		b.len = 4;
	else if (inet_pton(AF_INET6, s, b.data) == 1)
		b.len = 16;
	return b;
}

static ProtobufCBinaryData hex(const char *s)
{
	ProtobufCBinaryData b = { strlen(s) / 2, malloc(strlen(s) / 2 + 1) };
	for (size_t i = 0; i < b.len; i++)
		sscanf(s + 2 * i, "%2hhx", &b.data[i]);
	return b;
}

static Ipsecgw__V1__Counter *counter(uint64_t p, uint64_t b)
{
	Ipsecgw__V1__Counter *c = zalloc(&ipsecgw__v1__counter__descriptor);
	c->packets = p;
	c->bytes = b;
	return c;
}

static Ipsecgw__V1__SaDetails *sa(uint32_t id, uint32_t spi, int crypto, const char *ck, int integ, const char *ik,
				  const char *src, const char *dst, bool keys)
{
	Ipsecgw__V1__SaDetails *d = zalloc(&ipsecgw__v1__sa_details__descriptor);
	Ipsecgw__V1__SaSpec *s = d->spec = zalloc(&ipsecgw__v1__sa_spec__descriptor);
	s->sa_id = id;
	s->spi = spi;
	s->has_crypto_alg = s->has_integ_alg = 1;
	s->crypto_alg = crypto;
	s->integ_alg = integ;
	if (keys) {
		s->has_crypto_key = s->has_integ_key = 1;
		s->crypto_key = hex(ck);
		s->integ_key = hex(ik);
	}
	if (src) {
		s->has_tunnel_src = s->has_tunnel_dst = 1;
		s->tunnel_src = ip(src);
		s->tunnel_dst = ip(dst);
	}
	d->counter = counter(0, 0);
	return d;
}

static Ipsecgw__V1__PolicyDetails *policy(int dir, int prio, int action, int proto, int sa_id, const char *ls,
					  const char *le, const char *rs, const char *re, uint64_t pk, uint64_t by)
{
	Ipsecgw__V1__PolicyDetails *d = zalloc(&ipsecgw__v1__policy_details__descriptor);
	Ipsecgw__V1__PolicySpec *s = d->spec = zalloc(&ipsecgw__v1__policy_spec__descriptor);
	s->spd_id = 1;
	s->direction = dir;
	s->priority = prio;
	s->action = action;
	if (proto >= 0)
		s->has_protocol = 1, s->protocol = (uint32_t)proto;
	if (sa_id >= 0)
		s->has_sa_id = 1, s->sa_id = (uint32_t)sa_id;
	s->has_local_start = s->has_local_end = s->has_remote_start = s->has_remote_end = 1;
	s->local_start = ip(ls);
	s->local_end = ip(le);
	s->remote_start = ip(rs);
	s->remote_end = ip(re);
	if (s->local_start.len == 16)
		s->has_is_ipv6 = s->is_ipv6 = 1;
	d->counter = counter(pk, by);
	return d;
}

#define PUSH(arr, n, item)                                                  \
	do {                                                                \
		arr = realloc(arr, (n + 1) * sizeof(*arr));                 \
		arr[n++] = item;                                            \
	} while (0)

/* Every per-SA error reason, as the service sends them, two of them non-zero. */
static void sa_errors(Ipsecgw__V1__SaDetails *d, uint64_t replay, uint64_t integrity)
{
	for (int k = 0; k <= IPSECGW__V1__SA_ERROR_COUNTER__REASON__TOO_BIG; k++) {
		Ipsecgw__V1__SaErrorCounter *e = zalloc(&ipsecgw__v1__sa_error_counter__descriptor);
		e->reason = (Ipsecgw__V1__SaErrorCounter__Reason)k;
		e->count = k == IPSECGW__V1__SA_ERROR_COUNTER__REASON__REPLAY ? replay :
			   k == IPSECGW__V1__SA_ERROR_COUNTER__REASON__INTEGRITY ? integrity : 0;
		PUSH(d->errors, d->n_errors, e);
	}
}

#define ENG(x) IPSECGW__V1__CRYPTO_ENGINE__ENGINE_##x
#define ARCH(x) IPSECGW__V1__CRYPTO_ARCH__ARCH_##x

/* One row of Dump{CRYPTO_ENGINES}: alg < 0 is integrity algorithm -alg;
 * want/want_arch the operator's selection; engine/arch/pinned and the costs
 * (0 = unavailable) the dataplane's, left out when not published. */
static Ipsecgw__V1__CryptoEngineDetails *engine_row(int alg, int want, int want_arch, int engine, int arch,
						    bool pinned, uint32_t sse, uint32_t avx2, uint32_t avx512,
						    uint32_t ossl, uint32_t native)
{
	Ipsecgw__V1__CryptoEngineDetails *x = zalloc(&ipsecgw__v1__crypto_engine_details__descriptor);

	if (alg < 0)
		x->has_integ_alg = 1, x->integ_alg = -alg;
	else
		x->has_crypto_alg = 1, x->crypto_alg = alg;
	x->requested_engine = want;
	if (want_arch)
		x->has_requested_arch = 1, x->requested_arch = want_arch;
	if (!engines_published)
		return x;
	x->published = 1;
	x->has_engine = 1;
	x->engine = engine;
	if (arch)
		x->has_arch = 1, x->arch = arch;
	x->has_pinned = 1;
	x->pinned = pinned;
	x->has_ns_sse = sse != 0, x->ns_sse = sse;
	x->has_ns_avx2 = avx2 != 0, x->ns_avx2 = avx2;
	x->has_ns_avx512 = avx512 != 0, x->ns_avx512 = avx512;
	x->has_ns_openssl = ossl != 0, x->ns_openssl = ossl;
	x->has_ns_native = native != 0, x->ns_native = native;
	return x;
}

static Ipsecgw__V1__Reply *reply(void)
{
	return zalloc(&ipsecgw__v1__reply__descriptor);
}

static void build(struct show_data *d, bool keys)
{
	Ipsecgw__V1__Reply *r;
	const char *any4 = "0.0.0.0", *all4 = "255.255.255.255";

	memset(d, 0, sizeof(*d));
	/* SAs */
	r = reply();
	PUSH(r->sas, r->n_sas, sa(20, 1000, 1, K1, 2, K2, NULL, NULL, keys));
	Ipsecgw__V1__SaDetails *sa10 = sa(10, 1001, 1, K1, 2, K2, NULL, NULL, keys);
	sa10->counter->packets = 9;
	sa10->counter->bytes = 756;
	sa_errors(sa10, 3, 1);
	PUSH(r->sas, r->n_sas, sa10);
	Ipsecgw__V1__SaDetails *out = sa(40, 2474133911u, 3, K1 K1, 2, K2, "192.0.2.3", "192.0.2.2", keys);
	out->spec->has_esn = out->spec->esn = 1;
	out->has_seq_out = 1;
	out->seq_out = 5;
	out->tunnel_interface = strdup("ipsec0");
	out->counter->packets = 5;
	out->counter->bytes = 420;
	PUSH(r->sas, r->n_sas, out);
	Ipsecgw__V1__SaDetails *in = sa(41, 296784021u, 3, K2 K1 "000000", 2, K1 "00000000", "192.0.2.2", "192.0.2.3", keys);
	in->spec->has_esn = in->spec->esn = 1;
	in->has_last_seq_in = 1;
	in->last_seq_in = 5;
	in->has_replay_bitmap = 1;
	in->replay_bitmap = hex("1f00000000000000");
	in->tunnel_interface = strdup("ipsec0");
	PUSH(r->sas, r->n_sas, in);
	Ipsecgw__V1__SaDetails *v6 = sa(30, 1002, 1, K1, 2, K1, "2001:db8::1", "2001:db8::2", keys);
	v6->spec->has_udp_encap = v6->spec->udp_encap = 1;
	PUSH(r->sas, r->n_sas, v6);
	d->r[IPSECGW__V1__DUMP__WHAT__SAS] = r;

	/* SPD 1 as on the seed page */
	r = reply();
	Ipsecgw__V1__SpdDetails *spd = zalloc(&ipsecgw__v1__spd_details__descriptor);
	spd->spd_id = 1;
	PUSH(spd->interfaces, spd->n_interfaces, strdup("lan0"));
	PUSH(spd->policies, spd->n_policies, policy(1, 100, 0, 50, -1, any4, all4, any4, all4, 0, 0));
	PUSH(spd->policies, spd->n_policies, policy(1, 10, 2, -1, 10, "192.0.2.3", "192.0.2.3", "192.0.2.2", "192.0.2.2", 9, 756));
	PUSH(spd->policies, spd->n_policies,
	     policy(1, 100, 0, 50, -1, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::",
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0));
	PUSH(spd->policies, spd->n_policies, policy(0, 100, 0, 50, -1, any4, all4, any4, all4, 0, 0));
	PUSH(spd->policies, spd->n_policies, policy(0, 10, 2, -1, 20, "192.0.2.3", "192.0.2.3", "192.0.2.2", "192.0.2.2", 9, 1224));
	Ipsecgw__V1__PolicyDetails *tcp = policy(0, 5, 1, 6, -1, any4, all4, "198.51.100.0", "198.51.100.255", 0, 0);
	tcp->spec->has_local_port_start = tcp->spec->has_local_port_end = 1;
	tcp->spec->local_port_start = 22;
	tcp->spec->local_port_end = 22;
	PUSH(spd->policies, spd->n_policies, tcp);
	PUSH(r->spds, r->n_spds, spd);
	d->r[IPSECGW__V1__DUMP__WHAT__SPDS] = r;

	/* tunnels */
	r = reply();
	Ipsecgw__V1__TunnelDetails *t = zalloc(&ipsecgw__v1__tunnel_details__descriptor);
	t->name = strdup("ipsec0");
	t->has_sa_out = 1;
	t->sa_out = 40;
	PUSH(t->sa_in, t->n_sa_in, 41);
	PUSH(r->tunnels, r->n_tunnels, t);
	t = zalloc(&ipsecgw__v1__tunnel_details__descriptor);
	t->name = strdup("ipsec1");
	PUSH(r->tunnels, r->n_tunnels, t);
	d->r[IPSECGW__V1__DUMP__WHAT__TUNNELS] = r;

	/* interfaces */
	r = reply();
	const char *names[] = { "wan0", "lan0", "ipsec0", "loop0" };
	for (unsigned i = 0; i < 4; i++) {
		Ipsecgw__V1__InterfaceDetails *it = zalloc(&ipsecgw__v1__interface_details__descriptor);
		it->name = strdup(names[i]);
		it->index = i + 1;
		it->admin_up = i != 2;
		it->rx = counter(i == 1 ? 8 : 0, i == 1 ? 1318 : 0);
		it->tx = counter(i == 1 ? 7 : 0, i == 1 ? 1098 : 0);
		if (i == 1) {
			it->has_drops = 1;
			it->drops = 1;
			it->has_punts = 1;
			it->punts = 2;
			Ipsecgw__V1__Prefix *p = zalloc(&ipsecgw__v1__prefix__descriptor);
			p->addr = ip("192.0.2.3");
			p->len = 24;
			PUSH(it->addresses, it->n_addresses, p);
			it->has_spd_id = 1;
			it->spd_id = 1;
		}
		if (i == 2)
			it->unnumbered_use = strdup("lan0");
		PUSH(r->interfaces, r->n_interfaces, it);
	}
	d->r[IPSECGW__V1__DUMP__WHAT__INTERFACES] = r;

	/* routes */
	r = reply();
	Ipsecgw__V1__RouteDetails *rt = zalloc(&ipsecgw__v1__route_details__descriptor);
	rt->prefix = zalloc(&ipsecgw__v1__prefix__descriptor);
	rt->prefix->addr = ip("203.0.113.0");
	rt->prefix->len = 24;
	rt->has_via = 1;
	rt->via = ip("198.18.0.10");
	rt->interface = strdup("loop0");
	PUSH(r->routes, r->n_routes, rt);
	rt = zalloc(&ipsecgw__v1__route_details__descriptor);
	rt->prefix = zalloc(&ipsecgw__v1__prefix__descriptor);
	rt->prefix->addr = ip("192.0.2.0");
	rt->prefix->len = 24;
	rt->interface = strdup("lan0");
	rt->has_connected = rt->connected = 1;
	PUSH(r->routes, r->n_routes, rt);
	rt = zalloc(&ipsecgw__v1__route_details__descriptor);
	rt->prefix = zalloc(&ipsecgw__v1__prefix__descriptor);
	rt->prefix->addr = ip("2001:db8::");
	rt->prefix->len = 48;
	rt->interface = strdup("wan0");
	rt->has_connected = rt->connected = 1;
	PUSH(r->routes, r->n_routes, rt);
	d->r[IPSECGW__V1__DUMP__WHAT__ROUTES] = r;

	/* neighbors */
	r = reply();
	Ipsecgw__V1__NeighborDetails *nb = zalloc(&ipsecgw__v1__neighbor_details__descriptor);
	nb->interface = strdup("lan0");
	nb->ip = ip("192.0.2.2");
	nb->mac = hex("080027123ccc");
	nb->is_static = 1;
	PUSH(r->neighbors, r->n_neighbors, nb);
	nb = zalloc(&ipsecgw__v1__neighbor_details__descriptor);
	nb->interface = strdup("wan0");
	nb->ip = ip("2001:db8::2");
	nb->mac = hex("020000000002");
	PUSH(r->neighbors, r->n_neighbors, nb);
	d->r[IPSECGW__V1__DUMP__WHAT__NEIGHBORS] = r;

	/* IKEv2 profile of the seed's responder */
	r = reply();
	Ipsecgw__V1__Ikev2ProfileDetails *p = zalloc(&ipsecgw__v1__ikev2_profile_details__descriptor);
	p->name = strdup("pr1");
	p->has_auth_method = 1;
	p->auth_method = IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC;
	if (keys) {
		p->has_auth_data = 1;
		p->auth_data = (ProtobufCBinaryData){ 6, (uint8_t *)strdup("Vpp123") };
	}
	p->has_local_id_type = p->has_local_id = p->has_remote_id_type = p->has_remote_id = 1;
	p->local_id_type = IPSECGW__V1__IKE_ID_TYPE__ID_FQDN;
	p->local_id = (ProtobufCBinaryData){ 8, (uint8_t *)strdup("vpp.home") };
	p->remote_id_type = IPSECGW__V1__IKE_ID_TYPE__ID_FQDN;
	p->remote_id = (ProtobufCBinaryData){ 27, (uint8_t *)strdup("roadwarrior.vpn.example.com") };
	p->local_ts = zalloc(&ipsecgw__v1__ikev2_traffic_selector__descriptor);
	p->local_ts->start = ip("198.51.100.0");
	p->local_ts->end = ip("198.51.100.255");
	p->remote_ts = zalloc(&ipsecgw__v1__ikev2_traffic_selector__descriptor);
	p->remote_ts->start = ip("203.0.113.0");
	p->remote_ts->end = ip("203.0.113.255");
	p->remote_ts->has_port_start = p->remote_ts->has_port_end = p->remote_ts->has_protocol = 1;
	p->remote_ts->port_end = 65535;
	p->responder_interface = strdup("lan0");
	p->has_responder_addr = 1;
	p->responder_addr = ip("192.0.2.2");
	p->ike = zalloc(&ipsecgw__v1__ikev2_transforms__descriptor);
	p->ike->has_encr = p->ike->has_key_bits = p->ike->has_integ = p->ike->has_dh_group = 1;
	p->ike->encr = IPSECGW__V1__IKE_ENCR__ENCR_AES_CBC;
	p->ike->key_bits = 256;
	p->ike->integ = IPSECGW__V1__IKE_INTEG__AUTH_HMAC_SHA1_96;
	p->ike->dh_group = 14;
	p->has_lifetime = p->has_jitter = p->has_handover = p->has_max_data = 1;
	p->lifetime = 3600;
	p->jitter = 10;
	p->handover = 5;
	PUSH(r->profiles, r->n_profiles, p);
	p = zalloc(&ipsecgw__v1__ikev2_profile_details__descriptor);
	p->name = strdup("pr2");
	p->has_auth_method = 1;
	p->auth_method = IPSECGW__V1__IKE_AUTH_METHOD__RSA_SIG;
	p->cert_file = strdup("/etc/ipsecgw/peer-cert.pem");
	p->has_local_id_type = p->has_local_id = 1;
	p->local_id_type = IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR;
	p->local_id = ip("192.0.2.3");
	PUSH(r->profiles, r->n_profiles, p);
	r->local_key_file = strdup("/etc/ipsecgw/local-key.pem");
	d->r[IPSECGW__V1__DUMP__WHAT__IKEV2_PROFILES] = r;

	/* errors */
	r = reply();
	const char *er[][2] = { { "esp-decrypt", "ESP pkts received" }, { "ipsec-output", "IPSec policy protect" } };
	for (int i = 0; i < 2; i++) {
		Ipsecgw__V1__ErrorCounter *e = zalloc(&ipsecgw__v1__error_counter__descriptor);
		e->node = strdup(er[i][0]);
		e->reason = strdup(er[i][1]);
		e->count = 2;
		PUSH(r->errors, r->n_errors, e);
	}
	d->r[IPSECGW__V1__DUMP__WHAT__ERRORS] = r;

	/* crypto engines: listed out of order (the view sorts them); auto,
	 * pinned, a pin the dataplane refused, an unpin it has not applied;
	 * the native engine measured for AES-GCM only, one algorithm pinned to
	 * it and one pin to it refused */
	r = reply();
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(-4, ENG(IPSEC_MB), ARCH(AVX2), ENG(IPSEC_MB), ARCH(AVX2), true, 61, 58, 0, 240, 0));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(1, ENG(AUTO), 0, ENG(IPSEC_MB), ARCH(SSE), false, 140, 152, 0, 301, 0));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(7, ENG(OPENSSL), 0, ENG(OPENSSL), 0, true, 90, 45, 0, 120, 41));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(9, ENG(NATIVE), 0, ENG(NATIVE), 0, true, 101, 80, 0, 260, 47));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(3, ENG(NATIVE), 0, ENG(IPSEC_MB), ARCH(AVX2), false, 120, 118, 0, 439, 0));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(10, ENG(AUTO), 0, ENG(OPENSSL), 0, false, 251000, 250400, 0, 4300, 0));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(-2, ENG(IPSEC_MB), ARCH(AVX512), ENG(IPSEC_MB), ARCH(SSE), false, 40, 44, 0, 160, 0));
	PUSH(r->crypto_engines, r->n_crypto_engines,
	     engine_row(-6, ENG(AUTO), 0, ENG(OPENSSL), 0, true, 70, 66, 0, 95, 0));
	d->r[IPSECGW__V1__DUMP__WHAT__CRYPTO_ENGINES] = r;
}

static void release(struct show_data *d)
{
	for (int i = 0; i < SHOW_NDUMP; i++)
		if (d->r[i])
			protobuf_c_message_free_unpacked((ProtobufCMessage *)d->r[i], NULL);
}

static void compare(const char *name, const char *got)
{
	char path[512];
	FILE *f;
	char *want = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", golden_dir, name);
	if (update) {
		f = fopen(path, "w");
		fputs(got, f);
		fclose(f);
		passed++;
		return;
	}
	f = fopen(path, "r");
	if (f) {
		want = malloc(1 << 16);
		len = fread(want, 1, (1 << 16) - 1, f);
		want[len] = '\0';
		fclose(f);
	}
	if (want && strcmp(want, got) == 0) {
		passed++;
	} else {
		failed++;
		fprintf(stderr, "FAIL %s differs from golden (GW_UPDATE_GOLDEN=1 rewrites it):\n--- got\n%s--- want\n%s",
			name, got, want ? want : "(missing)\n");
	}
	free(want);
}

static void view(const char *name, struct cli_show s, bool keys)
{
	struct show_data d;
	char *buf;
	size_t len;
	FILE *f;
	char fn[128];
	json_t *j;

	build(&d, keys);
	f = open_memstream(&buf, &len);
	show_text(f, &s, &d, keys);
	fclose(f);
	snprintf(fn, sizeof(fn), "unit_%s%s.txt", name, keys ? "_k" : "");
	compare(fn, buf);
	if (!keys && (strstr(buf, K1) || strstr(buf, K2) || strstr(buf, "Vpp123"))) {
		failed++;
		fprintf(stderr, "FAIL %s shows a secret without -k\n", fn);
	}
	free(buf);

	j = show_json(&s, &d, keys);
	buf = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	snprintf(fn, sizeof(fn), "unit_%s%s.json", name, keys ? "_k" : "");
	strcat(buf = realloc(buf, strlen(buf) + 2), "\n");
	compare(fn, buf);
	free(buf);
	release(&d);
}

int main(void)
{
	static char dir[512];
	const char *src = getenv("GW_SRC");

	snprintf(dir, sizeof(dir), "%s/tests/cli/golden", src ? src : ".");
	golden_dir = dir;
	update = getenv("GW_UPDATE_GOLDEN") && strcmp(getenv("GW_UPDATE_GOLDEN"), "1") == 0;

	view("show_ipsec", (struct cli_show){ .view = CLI_VIEW_IPSEC }, false);
	view("show_ipsec_sa_10", (struct cli_show){ .view = CLI_VIEW_SA, .has_id = true, .id = 10 }, false);
	view("show_ipsec_sa_10", (struct cli_show){ .view = CLI_VIEW_SA, .has_id = true, .id = 10 }, true);
	view("show_ipsec_sa", (struct cli_show){ .view = CLI_VIEW_SA }, false);
	view("show_ipsec_spd_1", (struct cli_show){ .view = CLI_VIEW_SPD, .has_id = true, .id = 1 }, false);
	view("show_ipsec_tunnel", (struct cli_show){ .view = CLI_VIEW_TUNNELS }, false);
	view("show_ipsec_tunnel", (struct cli_show){ .view = CLI_VIEW_TUNNELS }, true);
	view("show_ikev2_profile", (struct cli_show){ .view = CLI_VIEW_IKEV2 }, false);
	view("show_ikev2_profile", (struct cli_show){ .view = CLI_VIEW_IKEV2 }, true);
	view("show_interface", (struct cli_show){ .view = CLI_VIEW_INTERFACES }, false);
	view("show_interface_lan0", (struct cli_show){ .view = CLI_VIEW_INTERFACES, .name = "lan0" }, false);
	view("show_interface_address", (struct cli_show){ .view = CLI_VIEW_ADDRESSES }, false);
	view("show_ip_fib", (struct cli_show){ .view = CLI_VIEW_FIB4 }, false);
	view("show_ip6_fib", (struct cli_show){ .view = CLI_VIEW_FIB6 }, false);
	view("show_ip_neighbors", (struct cli_show){ .view = CLI_VIEW_NEIGH4 }, false);
	view("show_ip6_neighbors", (struct cli_show){ .view = CLI_VIEW_NEIGH6 }, false);
	view("show_errors", (struct cli_show){ .view = CLI_VIEW_ERRORS }, false);
	view("show_crypto_engines", (struct cli_show){ .view = CLI_VIEW_CRYPTO_ENGINES }, false);
	engines_published = false;
	view("show_crypto_engines_unpublished", (struct cli_show){ .view = CLI_VIEW_CRYPTO_ENGINES }, false);
	engines_published = true;

	/* the CLI's texts of the per-SA error reasons are the region's */
	for (int k = 0; k < SHM_SA_ERR_N; k++) {
		const char *t = names_str(names_sa_err, k);
		if (t && strcmp(t, shm_sa_err_text((enum shm_sa_err)k)) == 0)
			passed++;
		else
			failed++, fprintf(stderr, "FAIL SA error %d: CLI says '%s', region.h '%s'\n", k, t ? t : "",
					  shm_sa_err_text((enum shm_sa_err)k));
	}
	if (!names_str(names_sa_err, SHM_SA_ERR_N))
		passed++;
	else
		failed++, fprintf(stderr, "FAIL names_sa_err has more reasons than region.h\n");

	/* filters that match nothing */
	struct show_data d;
	char err[128];
	build(&d, false);
	struct cli_show s = { .view = CLI_VIEW_SA, .has_id = true, .id = 99 };
	if (show_check(&s, &d, err, sizeof(err)) == -1 && strcmp(err, "sa 99 not found") == 0)
		passed++;
	else
		failed++, fprintf(stderr, "FAIL show_check sa 99: %s\n", err);
	s = (struct cli_show){ .view = CLI_VIEW_INTERFACES, .name = "nosuch0" };
	if (show_check(&s, &d, err, sizeof(err)) == -1 && strcmp(err, "interface 'nosuch0' not found") == 0)
		passed++;
	else
		failed++, fprintf(stderr, "FAIL show_check nosuch0: %s\n", err);
	release(&d);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

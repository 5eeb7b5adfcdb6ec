/*
 * ike_load: an IKEv2 load initiator for responder benchmarks (docs/benchmarks.md,
 * "IKE establishment rate"). Over UDP it keeps W exchanges of IKE_SA_INIT +
 * IKE_AUTH (shared key, one child SA with traffic selectors) in flight, each
 * from its own initiator SPI, until N IKE SAs are up, and checks every
 * answer: the chosen transforms, the responder's AUTH, the child's SA and
 * selectors. Lost messages are retransmitted. It prints the establishment
 * rate (median of the per-interval rates in the steady part of the run),
 * latency percentiles, failures by reason, and its own CPU time per SA, so
 * that a run can show the initiator was not the bottleneck.
 *
 * It is built on gw_ike (the protocol core without I/O) and nothing else of
 * ipsecgw: wire formats, parser and builder, key derivation, DH, SK payload.
 *
 * NAT-T (default): the initiator pretends to be behind a NAT (its
 * NAT_DETECTION_SOURCE_IP does not match) and moves to the responder's NAT-T
 * port for IKE_AUTH, so every child SA is UDP-encapsulated. strongSwan's
 * kernel-libipsec installs only such SAs; the same load goes to every
 * responder.
 *
 * Modes: hold (keep the SAs; answer the responder's liveness checks and
 * deletes while running), delete (delete each IKE SA as soon as it is up).
 * Our Diffie-Hellman key pairs come from a pool reused round-robin (RFC 7296
 * 2.12 allows reusing exponents); a responder computes its own per SA.
 *
 * One thread, one epoll loop; SPIi carries the SA's index in its low 32
 * bits, so an answer finds its SA without a table search.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_keys.h"
#include "ike_parse.h"
#include "ike_prf.h"
#include "ike_wire.h"

#define LD_NONCE_LEN 32
#define LD_MSG_MAX 2048        /* largest message we build or keep */
#define LD_RX_BATCH 32
#define LD_RX_BUF 4096
#define LD_MAX_PAIRS 64
#define LD_MAX_RESTARTS 3      /* COOKIE answers per SA */
#define LD_SCAN_NS 20000000ull /* retransmission scan period */

/* ---- proposals ------------------------------------------------------------ */

struct ld_prop {
	const char *name, *ike_name, *esp_name;
	uint16_t encr, key_bits, prf, integ, dh;
	uint16_t esp_encr, esp_key_bits, esp_integ;
};

static const struct ld_prop ld_props[] = {
	{ "gcm", "aes128gcm16-prfsha256-ecp256", "aes128gcm16", IKE_ENCR_AES_GCM_16, 128,
	  IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE, IKE_DH_ECP_256, IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE },
	{ "cbc", "aes256-sha256-modp2048", "aes256-sha256", IKE_ENCR_AES_CBC, 256, IKE_PRF_HMAC_SHA2_256,
	  IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_MODP_2048, IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128 },
};

/* ---- failure reasons: one X-macro list ------------------------------------- */

#define LD_FOREACH_FAIL(_) \
	_(TIMEOUT, "no answer after the retransmissions") \
	_(MALFORMED, "answer does not parse or lacks payloads") \
	_(PROPOSAL, "NO_PROPOSAL_CHOSEN or a choice we did not offer") \
	_(INVALID_KE, "INVALID_KE_PAYLOAD") \
	_(COOKIE, "too many COOKIE answers") \
	_(DH, "invalid responder KE") \
	_(INTEGRITY, "IKE_AUTH answer fails its integrity check") \
	_(AUTH_REFUSED, "responder refused our AUTH") \
	_(AUTH_VERIFY, "responder's identity or AUTH does not verify") \
	_(CHILD, "child SA refused or its SA/TS do not fit") \
	_(PEER_ERROR, "other error notify") \
	_(LOCAL, "local error (crypto, build)")

enum ld_fail {
#define LD_FAIL_ENUM(n, s) LD_FAIL_##n,
	LD_FOREACH_FAIL(LD_FAIL_ENUM)
#undef LD_FAIL_ENUM
	LD_FAIL_N
};

static const char *const ld_fail_name[] = {
#define LD_FAIL_NAME(n, s) #n,
	LD_FOREACH_FAIL(LD_FAIL_NAME)
#undef LD_FAIL_NAME
};

/* ---- state ------------------------------------------------------------------ */

enum ld_state { LD_IDLE, LD_INIT, LD_AUTH, LD_UP, LD_DEL, LD_DONE, LD_FAILED };

/* One IKE SA, for the whole run (small: 10,000s of them are held). */
struct ld_sa {
	uint8_t spi_i[8], spi_r[8];
	uint8_t state;          /* enum ld_state */
	uint8_t pair;           /* socket pair */
	uint32_t child_spi;     /* our inbound ESP SPI */
	uint32_t tx_msgid;      /* next request we send */
	uint32_t rx_msgid;      /* next request we accept from the responder */
	int32_t slot;           /* exchange in flight, -1 none */
	struct ike_sk sk_out, sk_in;
};

/* One exchange in flight (W of them). */
struct ld_slot {
	uint32_t sa;                       /* UINT32_MAX: free */
	int32_t next_free;
	struct ike_dh *dh;                 /* pool (borrowed) or owned */
	bool dh_owned;
	uint8_t ni[LD_NONCE_LEN], nr[IKE_NONCE_MAX];
	uint16_t nr_len;
	uint8_t cookie[IKE_COOKIE_MAX];
	uint8_t cookie_len, restarts;
	uint8_t init_req[LD_MSG_MAX];      /* RealMessage1 */
	size_t init_req_len;
	uint8_t init_resp[LD_MSG_MAX];     /* RealMessage2 */
	size_t init_resp_len;
	uint8_t req[LD_MSG_MAX];           /* the request in flight */
	size_t req_len;
	bool req_natt;
	struct ike_sa_keys keys;
	uint64_t t_start, t_sent;
	unsigned tries;
	uint64_t rto_ns;
};

struct ld_opts {
	const char *target, *bind;
	uint16_t port, natt_port;
	bool natt;
	const struct ld_prop *prop;
	const char *psk;
	uint8_t idi_type, idr_type;
	const char *idi, *idr;
	bool send_idr;
	uint32_t ts_base;                  /* host order: SA k proposes TSi = base + k */
	uint32_t tsr_start, tsr_end;
	uint32_t total, window;
	bool delete_each, delete_at_end;
	double hold_s;                     /* hold: after the last SA, stay this long (<0: until signal) */
	unsigned rto_ms, tries;
	unsigned pairs;
	unsigned interval_ms;
	unsigned dh_pool;
	bool verbose;
};

struct ld {
	struct ld_opts o;
	struct sockaddr_storage dst, dst_natt;
	socklen_t dst_len;
	uint8_t dst_ip[16];
	size_t dst_ip_len;
	int fd[LD_MAX_PAIRS][2];           /* [pair][0: IKE port, 1: NAT-T port] */
	int ep;

	struct ike_sa_pl ike_offer, esp_offer;
	size_t e_len, a_len, prf_len;
	struct ike_dh **pool;

	struct ld_sa *sas;
	struct ld_slot *slots;
	int32_t free_slot;
	uint32_t busy;
	uint32_t next_sa;                  /* next SA to start */
	uint32_t del_cursor;               /* delete-at-end: next SA to delete */

	uint64_t t0;                       /* first IKE_SA_INIT */
	uint64_t t_end;                    /* last establishment answered */
	double cpu0, cpu_end;
	double *done_t;                    /* per established SA: seconds since t0 */
	float *lat_ms;
	uint32_t established, failed, deleted, peer_deleted;
	uint64_t fail[LD_FAIL_N];
	uint64_t retransmits, cookies, stale, junk, liveness, send_errors;

	struct ike_msg msg;                /* parse scratch */
	uint8_t plain[LD_RX_BUF];
};

static volatile sig_atomic_t ld_stop;

static void ld_on_signal(int sig)
{
	(void)sig;
	ld_stop = 1;
}

static uint64_t ld_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double ld_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- proposals ---------------------------------------------------------------- */

static void ld_xf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t key_bits)
{
	p->xf[p->n_xforms++] = (struct ike_xform){ .type = type, .id = id, .key_bits = key_bits };
}

static void ld_offers(struct ld *L)
{
	const struct ld_prop *pr = L->o.prop;
	struct ike_proposal *p;

	memset(&L->ike_offer, 0, sizeof(L->ike_offer));
	L->ike_offer.n_props = 1;
	p = &L->ike_offer.prop[0];
	p->num = 1;
	p->protocol = IKE_PROTO_IKE;
	ld_xf(p, IKE_XFORM_ENCR, pr->encr, pr->key_bits);
	ld_xf(p, IKE_XFORM_PRF, pr->prf, 0);
	if (pr->integ)
		ld_xf(p, IKE_XFORM_INTEG, pr->integ, 0);
	ld_xf(p, IKE_XFORM_DH, pr->dh, 0);

	memset(&L->esp_offer, 0, sizeof(L->esp_offer));
	L->esp_offer.n_props = 1;
	p = &L->esp_offer.prop[0];
	p->num = 1;
	p->protocol = IKE_PROTO_ESP;
	p->spi_size = 4;
	ld_xf(p, IKE_XFORM_ENCR, pr->esp_encr, pr->esp_key_bits);
	if (pr->esp_integ)
		ld_xf(p, IKE_XFORM_INTEG, pr->esp_integ, 0);
	ld_xf(p, IKE_XFORM_ESN, IKE_ESN_NO, 0);

	L->e_len = ike_crypto_encr_keylen(pr->encr, pr->key_bits);
	L->a_len = ike_crypto_integ_keylen(pr->integ);
	L->prf_len = ike_prf_len(pr->prf);
}

/* The answer's one proposal names exactly one transform of each type we offered. */
static bool ld_reply_ok(const struct ike_sa_pl *offer, const struct ike_sa_pl *reply, uint8_t protocol)
{
	const struct ike_proposal *o = &offer->prop[0], *r;
	unsigned seen = 0, want = 0;

	if (reply->n_props != 1)
		return false;
	r = &reply->prop[0];
	if (r->protocol != protocol || (protocol == IKE_PROTO_ESP && r->spi_size != 4))
		return false;
	for (unsigned i = 0; i < o->n_xforms; i++)
		want |= 1u << o->xf[i].type;
	for (unsigned j = 0; j < r->n_xforms; j++) {
		bool found = false;
		for (unsigned i = 0; i < o->n_xforms && !found; i++)
			found = o->xf[i].type == r->xf[j].type && o->xf[i].id == r->xf[j].id &&
				o->xf[i].key_bits == r->xf[j].key_bits;
		if (!found || (seen & (1u << r->xf[j].type)))
			return false;
		seen |= 1u << r->xf[j].type;
	}
	return seen == want;
}

/* ---- sockets ------------------------------------------------------------------- */

static void ld_send(struct ld *L, unsigned pair, bool natt, const uint8_t *msg, size_t len)
{
	static const uint8_t marker[4];
	struct iovec iov[2] = { { (void *)marker, sizeof(marker) }, { (void *)msg, len } };
	struct msghdr mh = {
		.msg_name = natt ? &L->dst_natt : &L->dst,
		.msg_namelen = L->dst_len,
		.msg_iov = natt ? iov : iov + 1,
		.msg_iovlen = natt ? 2 : 1,
	};

	if (sendmsg(L->fd[pair][natt], &mh, 0) < 0)
		L->send_errors++;
}

static int ld_sockaddr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

static int ld_open(struct ld *L)
{
	struct sockaddr_storage src;
	socklen_t slen;
	int buf = 8 << 20;

	if (ld_sockaddr(L->o.target, L->o.port, &L->dst, &L->dst_len) < 0 ||
	    ld_sockaddr(L->o.target, L->o.natt_port, &L->dst_natt, &L->dst_len) < 0) {
		fprintf(stderr, "ike_load: bad target address %s\n", L->o.target);
		return -1;
	}
	if (L->dst.ss_family == AF_INET) {
		memcpy(L->dst_ip, &((struct sockaddr_in *)&L->dst)->sin_addr, 4);
		L->dst_ip_len = 4;
	} else {
		memcpy(L->dst_ip, &((struct sockaddr_in6 *)&L->dst)->sin6_addr, 16);
		L->dst_ip_len = 16;
	}
	if (L->o.bind && (ld_sockaddr(L->o.bind, 0, &src, &slen) < 0 || src.ss_family != L->dst.ss_family)) {
		fprintf(stderr, "ike_load: bad bind address %s\n", L->o.bind);
		return -1;
	}
	if ((L->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	for (unsigned k = 0; k < L->o.pairs; k++)
		for (int n = 0; n < 2; n++) {
			int fd = socket(L->dst.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			struct epoll_event ev = { .events = EPOLLIN, .data.u32 = k << 1 | (uint32_t)n };
			if (fd < 0)
				return -1;
			L->fd[k][n] = fd;
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
			if (L->o.bind && bind(fd, (struct sockaddr *)&src, slen) < 0) {
				perror("ike_load: bind");
				return -1;
			}
			if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
				return -1;
		}
	return 0;
}

/* ---- slots ----------------------------------------------------------------------- */

static struct ld_slot *ld_slot_get(struct ld *L)
{
	struct ld_slot *s;

	if (L->free_slot < 0)
		return NULL;
	s = &L->slots[L->free_slot];
	L->free_slot = s->next_free;
	L->busy++;
	return s;
}

static void ld_slot_put(struct ld *L, struct ld_slot *s)
{
	if (s->dh_owned)
		ike_dh_free(s->dh);
	s->dh = NULL;
	s->dh_owned = false;
	ike_keys_wipe(&s->keys);
	OPENSSL_cleanse(s->req, s->req_len);
	if (s->sa != UINT32_MAX)
		L->sas[s->sa].slot = -1;
	s->sa = UINT32_MAX;
	s->next_free = L->free_slot;
	L->free_slot = (int32_t)(s - L->slots);
	L->busy--;
}

static void ld_slot_send(struct ld *L, struct ld_slot *s)
{
	ld_send(L, L->sas[s->sa].pair, s->req_natt, s->req, s->req_len);
	s->t_sent = ld_now();
}

static void ld_fail(struct ld *L, struct ld_slot *s, enum ld_fail why)
{
	struct ld_sa *sa = &L->sas[s->sa];

	if (sa->state == LD_INIT || sa->state == LD_AUTH) {
		L->failed++;
		L->fail[why]++;
		if (L->o.verbose)
			fprintf(stderr, "SA %u failed: %s\n", s->sa, ld_fail_name[why]);
	}
	sa->state = LD_FAILED;
	ike_sk_wipe(&sa->sk_out);
	ike_sk_wipe(&sa->sk_in);
	ld_slot_put(L, s);
}

/* ---- building -------------------------------------------------------------------- */

/* Header + SK payload around the inner chain, into out. */
static int ld_seal(struct ld_sa *sa, uint8_t exch, uint32_t msgid, bool response, const struct ike_build *in,
		   uint8_t *out, size_t cap, size_t *len)
{
	struct ike_hdr_info h = { 0 };
	struct ike_build b;
	size_t sk_off;

	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.exchange = exch;
	h.flags = IKE_HDR_F_INITIATOR | (response ? IKE_HDR_F_RESPONSE : 0);
	h.msg_id = msgid;
	ike_build_init(&b, out, cap, &h);
	ike_build_sk(&b, in->len ? in->first : IKE_PL_NONE, ike_sk_body_len(&sa->sk_out, in->len), &sk_off);
	if (ike_build_finish(&b, len) < 0)
		return -1;
	return ike_sk_encrypt(&sa->sk_out, out, *len, sk_off, in->buf, in->len, NULL) < 0 ? -1 : 0;
}

/* NAT_DETECTION_DESTINATION_IP = SHA-1(SPIi | SPIr | IP | Port) (2.23). */
static void ld_natd(const uint8_t spi_i[8], const uint8_t *ip, size_t ip_len, uint16_t port, uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2] = { 0 };
	unsigned int olen = 20;

	memcpy(in, spi_i, 8);
	memcpy(in + 16, ip, ip_len);
	in[16 + ip_len] = (uint8_t)(port >> 8);
	in[16 + ip_len + 1] = (uint8_t)port;
	EVP_Digest(in, 16 + ip_len + 2, out, &olen, EVP_sha1(), NULL);
}

/* IKE_SA_INIT request: [N(COOKIE)], SA, KE, Ni, [N(NAT_DETECTION_*)]. */
static int ld_build_init(struct ld *L, struct ld_slot *s)
{
	struct ld_sa *sa = &L->sas[s->sa];
	struct ike_hdr_info h = { 0 };
	struct ike_build b;
	const uint8_t *pub;
	size_t pub_len;

	memcpy(h.spi_i, sa->spi_i, 8);
	h.exchange = IKE_EXCH_SA_INIT;
	h.flags = IKE_HDR_F_INITIATOR;
	ike_build_init(&b, s->init_req, sizeof(s->init_req), &h);
	if (s->cookie_len)
		ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, IKE_N_COOKIE, s->cookie, s->cookie_len);
	ike_build_sa(&b, &L->ike_offer);
	pub = ike_dh_public(s->dh, &pub_len);
	ike_build_ke(&b, L->o.prop->dh, pub, pub_len);
	ike_build_nonce(&b, s->ni, sizeof(s->ni));
	if (L->o.natt) {
		static const uint8_t nowhere[16];
		uint8_t src[IKE_NAT_DETECTION_LEN], dst[IKE_NAT_DETECTION_LEN];
		/* The hash of an address we do not have (::, port 0): we look NATed, so
		 * children are encapsulated. The same for every build of this request. */
		ld_natd(sa->spi_i, nowhere, 16, 0, src);
		ld_natd(sa->spi_i, L->dst_ip, L->dst_ip_len, L->o.port, dst);
		ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, src, sizeof(src));
		ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, dst, sizeof(dst));
	}
	if (ike_build_finish(&b, &s->init_req_len) < 0)
		return -1;
	memcpy(s->req, s->init_req, s->init_req_len);
	s->req_len = s->init_req_len;
	s->req_natt = false;
	return 0;
}

static size_t ld_id_body(uint8_t type, const char *data, uint8_t *out, size_t cap)
{
	size_t n = strlen(data);

	if (n + 4 > cap)
		n = cap - 4;
	out[0] = type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, data, n);
	return n + 4;
}

/* IKE_AUTH request: SK{IDi, [IDr], AUTH, SA, TSi, TSr}. */
static int ld_build_auth(struct ld *L, struct ld_slot *s)
{
	struct ld_sa *sa = &L->sas[s->sa];
	uint8_t plain[1024], idb[260], auth[IKE_PRF_MAX_LEN];
	struct ike_bytes rm = { s->init_req, s->init_req_len }, nr = { s->nr, s->nr_len }, id;
	struct ike_ts_pl tsi = { .n_ts = 1 }, tsr = { .n_ts = 1 };
	uint32_t inner_ip = L->o.ts_base + s->sa;
	struct ike_build b;
	int rc;

	id = (struct ike_bytes){ idb, ld_id_body(L->o.idi_type, L->o.idi, idb, sizeof(idb)) };
	/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), RealMessage1 | Nr | prf(SK_pi, IDi')) */
	if (ike_keys_psk_auth(L->o.prop->prf, (const uint8_t *)L->o.psk, strlen(L->o.psk), &rm, &nr,
			      s->keys.sk_pi, L->prf_len, &id, auth) < 0)
		return -1;
	ike_build_init_chain(&b, plain, sizeof(plain));
	ike_build_id(&b, IKE_PL_IDI, L->o.idi_type, idb + 4, id.len - 4);
	if (L->o.send_idr)
		ike_build_id(&b, IKE_PL_IDR, L->o.idr_type, (const uint8_t *)L->o.idr, strlen(L->o.idr));
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, L->prf_len);
	put32(L->esp_offer.prop[0].spi, sa->child_spi);
	ike_build_sa(&b, &L->esp_offer);
	tsi.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535 };
	put32(tsi.ts[0].start, inner_ip);
	put32(tsi.ts[0].end, inner_ip);
	tsr.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535 };
	put32(tsr.ts[0].start, L->o.tsr_start);
	put32(tsr.ts[0].end, L->o.tsr_end);
	ike_build_ts(&b, IKE_PL_TSI, &tsi);
	ike_build_ts(&b, IKE_PL_TSR, &tsr);
	OPENSSL_cleanse(auth, sizeof(auth));
	rc = b.err ? -1 : ld_seal(sa, IKE_EXCH_AUTH, 1, false, &b, s->req, sizeof(s->req), &s->req_len);
	OPENSSL_cleanse(plain, sizeof(plain));
	s->req_natt = L->o.natt;
	return rc;
}

/* INFORMATIONAL request: SK{D(IKE)}. */
static int ld_build_delete(struct ld *L, struct ld_slot *s)
{
	struct ld_sa *sa = &L->sas[s->sa];
	uint8_t plain[64];
	struct ike_build b;

	ike_build_init_chain(&b, plain, sizeof(plain));
	ike_build_delete(&b, IKE_PROTO_IKE, 0, 0, NULL);
	if (b.err || ld_seal(sa, IKE_EXCH_INFORMATIONAL, sa->tx_msgid, false, &b, s->req, sizeof(s->req),
			     &s->req_len) < 0)
		return -1;
	sa->tx_msgid++;
	s->req_natt = L->o.natt;
	return 0;
}

/* ---- starting ---------------------------------------------------------------------- */

static bool ld_start_sa(struct ld *L)
{
	uint32_t idx = L->next_sa, r;
	struct ld_sa *sa = &L->sas[idx];
	struct ld_slot *s = ld_slot_get(L);

	if (!s)
		return false;
	L->next_sa++;
	s->sa = idx;
	sa->slot = (int32_t)(s - L->slots);
	sa->pair = (uint8_t)(idx % L->o.pairs);
	RAND_bytes((uint8_t *)&r, sizeof(r));
	put32(sa->spi_i, r | 1);
	put32(sa->spi_i + 4, idx);
	do
		RAND_bytes((uint8_t *)&sa->child_spi, sizeof(sa->child_spi));
	while (sa->child_spi < 256);
	sa->tx_msgid = 0;
	sa->rx_msgid = 0;
	if (L->pool) {
		s->dh = L->pool[idx % L->o.dh_pool];
		s->dh_owned = false;
	} else {
		s->dh = ike_dh_new(L->o.prop->dh);
		s->dh_owned = true;
	}
	RAND_bytes(s->ni, sizeof(s->ni));
	s->cookie_len = 0;
	s->restarts = 0;
	s->tries = 0;
	s->rto_ns = (uint64_t)L->o.rto_ms * 1000000ull;
	s->t_start = ld_now();
	if (!L->t0)
		L->t0 = s->t_start;
	sa->state = LD_INIT;
	if (!s->dh || ld_build_init(L, s) < 0) {
		ld_fail(L, s, LD_FAIL_LOCAL);
		return true;
	}
	ld_slot_send(L, s);
	return true;
}

/* Delete-at-end: one more established SA gets its delete. */
static bool ld_start_delete(struct ld *L)
{
	struct ld_slot *s;

	while (L->del_cursor < L->next_sa && L->sas[L->del_cursor].state != LD_UP)
		L->del_cursor++;
	if (L->del_cursor >= L->next_sa || !(s = ld_slot_get(L)))
		return false;
	s->sa = L->del_cursor++;
	L->sas[s->sa].slot = (int32_t)(s - L->slots);
	s->tries = 0;
	s->rto_ns = (uint64_t)L->o.rto_ms * 1000000ull;
	if (ld_build_delete(L, s) < 0) {
		ld_fail(L, s, LD_FAIL_LOCAL);
		return true;
	}
	L->sas[s->sa].state = LD_DEL;
	ld_slot_send(L, s);
	return true;
}

/* ---- answers ------------------------------------------------------------------------ */

static enum ld_fail ld_notify_fail(uint16_t type)
{
	switch (type) {
	case IKE_N_NO_PROPOSAL_CHOSEN: return LD_FAIL_PROPOSAL;
	case IKE_N_INVALID_KE_PAYLOAD: return LD_FAIL_INVALID_KE;
	case IKE_N_AUTHENTICATION_FAILED: return LD_FAIL_AUTH_REFUSED;
	default: return LD_FAIL_PEER_ERROR;
	}
}

static const struct ike_notify_pl *ld_error_notify(const struct ike_msg *m)
{
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			return &m->notify[i];
	return NULL;
}

static void ld_on_init_resp(struct ld *L, struct ld_slot *s, const uint8_t *buf, size_t len)
{
	struct ld_sa *sa = &L->sas[s->sa];
	struct ike_msg *m = &L->msg;
	const struct ike_notify_pl *n;
	uint8_t gir[IKE_DH_MAX_PUB];
	size_t gl = ike_wire_dh_secret_len(L->o.prop->dh);
	struct ike_bytes ni = { s->ni, sizeof(s->ni) }, nr, g;
	const struct ld_prop *pr = L->o.prop;
	int rc;

	if (ike_parse_msg(buf, len, m) != IKE_PARSE_OK) {
		L->junk++; /* not an answer we can use: wait for a better one */
		return;
	}
	if ((n = ike_msg_notify(m, IKE_N_COOKIE))) {
		if (n->data.len == s->cookie_len && !memcmp(n->data.ptr, s->cookie, s->cookie_len)) {
			L->stale++; /* answers a retransmission of the request before this cookie */
			return;
		}
		if (++s->restarts > LD_MAX_RESTARTS || !n->data.len || n->data.len > IKE_COOKIE_MAX) {
			ld_fail(L, s, LD_FAIL_COOKIE);
			return;
		}
		L->cookies++;
		memcpy(s->cookie, n->data.ptr, n->data.len);
		s->cookie_len = (uint8_t)n->data.len;
		if (ld_build_init(L, s) < 0) {
			ld_fail(L, s, LD_FAIL_LOCAL);
			return;
		}
		s->tries = 0;
		ld_slot_send(L, s);
		return;
	}
	if ((n = ld_error_notify(m))) {
		ld_fail(L, s, ld_notify_fail(n->type));
		return;
	}
	if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_KE) || !ike_msg_has(m, IKE_PL_NONCE) ||
	    len > sizeof(s->init_resp) || !get32(m->hdr.spi_r) || m->hdr.exchange != IKE_EXCH_SA_INIT) {
		ld_fail(L, s, LD_FAIL_MALFORMED);
		return;
	}
	if (!ld_reply_ok(&L->ike_offer, &m->sa, IKE_PROTO_IKE) || m->ke.group != pr->dh) {
		ld_fail(L, s, LD_FAIL_PROPOSAL);
		return;
	}
	memcpy(sa->spi_r, m->hdr.spi_r, 8);
	memcpy(s->nr, m->nonce.ptr, m->nonce.len);
	s->nr_len = (uint16_t)m->nonce.len;
	memcpy(s->init_resp, buf, len);
	s->init_resp_len = len;
	if (ike_dh_shared(s->dh, m->ke.data.ptr, m->ke.data.len, gir, gl) < 0) {
		ld_fail(L, s, LD_FAIL_DH);
		return;
	}
	nr = (struct ike_bytes){ s->nr, s->nr_len };
	g = (struct ike_bytes){ gir, gl };
	/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
	rc = ike_keys_derive(&s->keys, pr->prf, L->e_len, L->a_len, &ni, &nr, &g, sa->spi_i, sa->spi_r);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (rc == 0)
		rc = ike_sk_init(&sa->sk_out, pr->encr, pr->key_bits, pr->integ, s->keys.sk_ei, L->e_len,
				 s->keys.sk_ai, L->a_len);
	if (rc == 0)
		rc = ike_sk_init(&sa->sk_in, pr->encr, pr->key_bits, pr->integ, s->keys.sk_er, L->e_len,
				 s->keys.sk_ar, L->a_len);
	if (rc < 0 || ld_build_auth(L, s) < 0) {
		ld_fail(L, s, LD_FAIL_LOCAL);
		return;
	}
	sa->state = LD_AUTH;
	sa->tx_msgid = 2;
	s->tries = 0;
	s->rto_ns = (uint64_t)L->o.rto_ms * 1000000ull;
	ld_slot_send(L, s);
}

/* Decrypt and parse the inner chain of a protected message into L->msg. */
static int ld_open_sk(struct ld *L, struct ld_sa *sa, const uint8_t *buf, size_t len)
{
	struct ike_msg *m = &L->msg;
	size_t plen;

	if (ike_parse_msg(buf, len, m) != IKE_PARSE_OK || !ike_msg_has(m, IKE_PL_SK))
		return -EINVAL;
	if (ike_sk_decrypt(&sa->sk_in, buf, len, m->sk.hdr_off, L->plain, sizeof(L->plain), &plen) < 0)
		return -EBADMSG;
	if (ike_parse_inner(m, L->plain, plen) != IKE_PARSE_OK)
		return -EINVAL;
	return 0;
}

static bool ld_id_eq(const struct ike_id_pl *id, uint8_t type, const char *data)
{
	size_t n = strlen(data);

	return id->type == type && id->data.len == n && memcmp(id->data.ptr, data, n) == 0;
}

static void ld_established(struct ld *L, struct ld_slot *s)
{
	struct ld_sa *sa = &L->sas[s->sa];
	uint64_t now = ld_now();

	L->done_t[L->established] = (double)(now - L->t0) / 1e9;
	L->lat_ms[L->established] = (float)((double)(now - s->t_start) / 1e6);
	L->established++;
	L->t_end = now;
	sa->state = LD_UP;
	if (L->o.delete_each) {
		ike_keys_wipe(&s->keys);
		s->tries = 0;
		s->rto_ns = (uint64_t)L->o.rto_ms * 1000000ull;
		if (ld_build_delete(L, s) < 0) {
			ld_slot_put(L, s);
			return;
		}
		sa->state = LD_DEL;
		ld_slot_send(L, s);
		return;
	}
	ld_slot_put(L, s);
}

static void ld_on_auth_resp(struct ld *L, struct ld_slot *s, const uint8_t *buf, size_t len)
{
	struct ld_sa *sa = &L->sas[s->sa];
	struct ike_msg *m = &L->msg;
	const struct ike_notify_pl *n;
	struct ike_bytes rm = { s->init_resp, s->init_resp_len }, ni = { s->ni, sizeof(s->ni) };
	int rc = ld_open_sk(L, sa, buf, len);

	if (rc == -EBADMSG) {
		ld_fail(L, s, LD_FAIL_INTEGRITY);
		return;
	}
	if (rc < 0) {
		ld_fail(L, s, LD_FAIL_MALFORMED);
		return;
	}
	if (!ike_msg_has(m, IKE_PL_AUTH)) {
		n = ld_error_notify(m);
		ld_fail(L, s, n ? ld_notify_fail(n->type) : LD_FAIL_MALFORMED);
		return;
	}
	if (!ike_msg_has(m, IKE_PL_IDR) || (L->o.idr && !ld_id_eq(&m->idr, L->o.idr_type, L->o.idr)) ||
	    m->auth.method != IKE_AUTH_SHARED_KEY_MIC ||
	    /* the responder's AUTH: RealMessage2 | Ni | prf(SK_pr, IDr') */
	    ike_keys_psk_verify(L->o.prop->prf, (const uint8_t *)L->o.psk, strlen(L->o.psk), &rm, &ni,
				s->keys.sk_pr, L->prf_len, &m->idr.body, m->auth.data.ptr, m->auth.data.len) != 0) {
		ld_fail(L, s, LD_FAIL_AUTH_VERIFY);
		return;
	}
	if (ld_error_notify(m) || !ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_TSI) ||
	    !ike_msg_has(m, IKE_PL_TSR) || !ld_reply_ok(&L->esp_offer, &m->sa, IKE_PROTO_ESP) ||
	    m->tsi.n_ts < 1 || m->tsr.n_ts < 1) {
		ld_fail(L, s, LD_FAIL_CHILD);
		return;
	}
	ld_established(L, s);
}

static void ld_on_del_resp(struct ld *L, struct ld_slot *s, const uint8_t *buf, size_t len)
{
	struct ld_sa *sa = &L->sas[s->sa];

	if (ld_open_sk(L, sa, buf, len) < 0) {
		L->junk++;
		return;
	}
	sa->state = LD_DONE;
	L->deleted++;
	ike_sk_wipe(&sa->sk_out);
	ike_sk_wipe(&sa->sk_in);
	ld_slot_put(L, s);
}

/* A request from the responder (liveness check, delete): answered at once. */
static void ld_on_peer_request(struct ld *L, struct ld_sa *sa, const struct ike_hdr_info *h, const uint8_t *buf,
			       size_t len, bool natt)
{
	struct ike_msg *m = &L->msg;
	uint8_t plain[64], out[256], spi[4];
	struct ike_build b;
	bool ike_gone = false;
	size_t olen;

	if (h->exchange != IKE_EXCH_INFORMATIONAL || (h->msg_id != sa->rx_msgid && !(sa->rx_msgid && h->msg_id + 1 == sa->rx_msgid)) ||
	    ld_open_sk(L, sa, buf, len) < 0) {
		L->junk++;
		return;
	}
	ike_build_init_chain(&b, plain, sizeof(plain));
	for (unsigned i = 0; i < m->n_delete; i++) {
		if (m->del[i].protocol == IKE_PROTO_IKE) {
			ike_gone = true;
		} else if (m->del[i].protocol == IKE_PROTO_ESP) {
			put32(spi, sa->child_spi);
			ike_build_delete(&b, IKE_PROTO_ESP, 4, 1, spi);
		}
	}
	if (ike_gone)
		ike_build_init_chain(&b, plain, sizeof(plain)); /* the answer to an IKE SA delete is empty */
	if (b.err || ld_seal(sa, IKE_EXCH_INFORMATIONAL, h->msg_id, true, &b, out, sizeof(out), &olen) < 0)
		return;
	ld_send(L, sa->pair, natt, out, olen);
	if (h->msg_id == sa->rx_msgid)
		sa->rx_msgid++;
	L->liveness++;
	if (ike_gone && sa->state == LD_UP) {
		sa->state = LD_DONE;
		L->peer_deleted++;
	}
}

static void ld_input(struct ld *L, bool natt, const uint8_t *buf, size_t len)
{
	struct ike_hdr_info h;
	struct ld_sa *sa;
	struct ld_slot *s;
	uint32_t idx;

	if (natt) {
		if (len < 4 || get32(buf) != 0)
			return; /* keepalive or ESP */
		buf += 4, len -= 4;
	}
	if (ike_parse_hdr(buf, len, &h) != IKE_PARSE_OK || (h.flags & IKE_HDR_F_INITIATOR) ||
	    (idx = get32(h.spi_i + 4)) >= L->o.total || memcmp(L->sas[idx].spi_i, h.spi_i, 8) != 0) {
		L->junk++;
		return;
	}
	sa = &L->sas[idx];
	s = sa->slot >= 0 ? &L->slots[sa->slot] : NULL;
	if (!(h.flags & IKE_HDR_F_RESPONSE)) {
		if ((sa->state == LD_UP || sa->state == LD_DEL) && memcmp(sa->spi_r, h.spi_r, 8) == 0)
			ld_on_peer_request(L, sa, &h, buf, len, natt);
		else
			L->stale++;
		return;
	}
	if (s && sa->state == LD_INIT && h.exchange == IKE_EXCH_SA_INIT && h.msg_id == 0)
		ld_on_init_resp(L, s, buf, len);
	else if (s && sa->state == LD_AUTH && h.exchange == IKE_EXCH_AUTH && h.msg_id == 1 &&
		 memcmp(sa->spi_r, h.spi_r, 8) == 0)
		ld_on_auth_resp(L, s, buf, len);
	else if (s && sa->state == LD_DEL && h.exchange == IKE_EXCH_INFORMATIONAL && h.msg_id + 1 == sa->tx_msgid)
		ld_on_del_resp(L, s, buf, len);
	else
		L->stale++; /* a late duplicate after a retransmission */
}

static void ld_drain(struct ld *L, unsigned pair, bool natt)
{
	static uint8_t bufs[LD_RX_BATCH][LD_RX_BUF];
	struct mmsghdr mm[LD_RX_BATCH];
	struct iovec iov[LD_RX_BATCH];

	for (int round = 0; round < 8; round++) {
		int n;
		for (int i = 0; i < LD_RX_BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], LD_RX_BUF };
			mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
		}
		n = recvmmsg(L->fd[pair][natt], mm, LD_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++)
			ld_input(L, natt, bufs[i], mm[i].msg_len);
		if (n < LD_RX_BATCH)
			return;
	}
}

/* Retransmit what is overdue; give up after the configured tries. */
static void ld_scan(struct ld *L, uint64_t now)
{
	for (uint32_t i = 0; i < L->o.window; i++) {
		struct ld_slot *s = &L->slots[i];
		if (s->sa == UINT32_MAX || now - s->t_sent < s->rto_ns)
			continue;
		if (s->tries >= L->o.tries) {
			if (L->sas[s->sa].state == LD_DEL) {
				L->sas[s->sa].state = LD_DONE; /* the delete went unanswered */
				ld_slot_put(L, s);
			} else {
				ld_fail(L, s, LD_FAIL_TIMEOUT);
			}
			continue;
		}
		s->tries++;
		s->rto_ns *= 2;
		L->retransmits++;
		ld_slot_send(L, s);
	}
}

/* ---- report -------------------------------------------------------------------------- */

static int ld_cmp_f(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static int ld_cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static float ld_pct(const float *v, uint32_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)ceil(p / 100.0 * n);
	return v[i ? i - 1 : 0];
}

/* Median of the per-interval rates between the 10th and 90th percentile of
 * completion times (the steady part of the run); *nwin: intervals used. */
static double ld_median_rate(const struct ld *L, unsigned *nwin)
{
	double iv = L->o.interval_ms / 1000.0, lo, hi, *rates, med;
	uint32_t n = L->established;
	unsigned k = 0, nw;

	*nwin = 0;
	if (n < 20)
		return 0;
	/* done_t is increasing: completions are recorded in order */
	lo = L->done_t[n / 10];
	hi = L->done_t[n - 1 - n / 10];
	nw = (unsigned)((hi - lo) / iv);
	if (nw < 3) {
		lo = 0;
		hi = L->done_t[n - 1];
		nw = (unsigned)(hi / iv);
	}
	if (!nw)
		return 0;
	if (!(rates = calloc(nw, sizeof(*rates))))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		double t = L->done_t[i];
		if (t >= lo && t < lo + nw * iv)
			rates[(unsigned)((t - lo) / iv)] += 1.0 / iv;
	}
	k = nw;
	qsort(rates, k, sizeof(*rates), ld_cmp_d);
	med = k % 2 ? rates[k / 2] : (rates[k / 2 - 1] + rates[k / 2]) / 2;
	free(rates);
	*nwin = k;
	return med;
}

static void ld_report(struct ld *L)
{
	double el = L->t_end > L->t0 ? (double)(L->t_end - L->t0) / 1e9 : 0;
	double overall = el > 0 ? L->established / el : 0, cpu = L->cpu_end - L->cpu0;
	unsigned nwin;
	double med = ld_median_rate(L, &nwin);
	uint32_t n = L->established;

	if (!nwin)
		med = overall; /* too short for intervals */
	float p50, p90, p99, mx;

	qsort(L->lat_ms, n, sizeof(float), ld_cmp_f);
	p50 = ld_pct(L->lat_ms, n, 50), p90 = ld_pct(L->lat_ms, n, 90), p99 = ld_pct(L->lat_ms, n, 99);
	mx = n ? L->lat_ms[n - 1] : 0;
	printf("ike_load: %s:%u%s, %s / esp %s, %u SAs, window %u, %s\n", L->o.target, L->o.port,
	       L->o.natt ? " (NAT-T)" : "", L->o.prop->ike_name, L->o.prop->esp_name, L->o.total, L->o.window,
	       L->o.delete_each ? "delete each" : "hold");
	if (nwin)
		printf("established %u/%u in %.3f s: %.1f SA/s overall, %.1f SA/s median of %u intervals of %u ms\n",
		       n, L->o.total, el, overall, med, nwin, L->o.interval_ms);
	else
		printf("established %u/%u in %.3f s: %.1f SA/s overall (too short for %u ms intervals)\n", n,
		       L->o.total, el, overall, L->o.interval_ms);
	printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", p50, p90, p99, mx);
	printf("failures %u:", L->failed);
	for (int i = 0; i < LD_FAIL_N; i++)
		if (L->fail[i])
			printf(" %s %llu", ld_fail_name[i], (unsigned long long)L->fail[i]);
	printf("; retransmits %llu, cookies %llu, late duplicates %llu, junk %llu, send errors %llu\n",
	       (unsigned long long)L->retransmits, (unsigned long long)L->cookies, (unsigned long long)L->stale,
	       (unsigned long long)L->junk, (unsigned long long)L->send_errors);
	if (L->liveness || L->peer_deleted)
		printf("responder requests answered %llu (IKE SAs it deleted: %u)\n", (unsigned long long)L->liveness,
		       L->peer_deleted);
	printf("initiator CPU %.3f s: %.0f us/SA, %.0f%% of one core\n", cpu, n ? cpu * 1e6 / n : 0,
	       el > 0 ? 100 * cpu / el : 0);
	printf("RESULT established=%u failed=%u timeouts=%llu rate_median=%.1f rate_overall=%.1f elapsed_s=%.3f "
	       "p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f init_cpu_s=%.3f init_cpu_us_per_sa=%.0f "
	       "retransmits=%llu\n",
	       n, L->failed, (unsigned long long)L->fail[LD_FAIL_TIMEOUT], med, overall, el, p50, p90, p99, mx, cpu,
	       n ? cpu * 1e6 / n : 0, (unsigned long long)L->retransmits);
	fflush(stdout);
}

/* ---- options ------------------------------------------------------------------------- */

static void ld_usage(FILE *f)
{
	fprintf(f,
		"usage: ike_load --target ADDR [options]\n"
		"  -t, --target ADDR        responder address (IPv4 or IPv6)\n"
		"  --port N                 responder IKE port (500)\n"
		"  --natt-port N            responder NAT-T port (4500)\n"
		"  --no-natt                do not pretend to be NATed; IKE_AUTH to --port\n"
		"  --bind ADDR              local address of our sockets\n"
		"  --pairs K                source socket pairs (IKE + NAT-T), SAs spread over them (1)\n"
		"  -p, --proposal SET       gcm = aes128gcm16-prfsha256-ecp256 / esp aes128gcm16 (default),\n"
		"                           cbc = aes256-sha256-modp2048 / esp aes256-sha256\n"
		"  --psk STRING             shared key (\"ikeload\")\n"
		"  --id TYPE:VALUE          our IDi, TYPE fqdn, keyid or email (fqdn:load.example.com)\n"
		"  --peer-id TYPE:VALUE     the IDr the responder must answer with (unchecked when unset)\n"
		"  --send-peer-id           also send that IDr in IKE_AUTH\n"
		"  --ts-base ADDR           SA k proposes TSi = ADDR + k/32 (198.18.0.0)\n"
		"  --ts-remote ADDR-ADDR    TSr (203.0.113.0-203.0.113.255)\n"
		"  -n, --total N            IKE SAs to establish (1000)\n"
		"  -w, --window W           exchanges in flight (64)\n"
		"  --delete                 delete each IKE SA as soon as it is up (default: hold)\n"
		"  --hold-time S            hold: stay S s after the last SA, answering the responder\n"
		"                           (-1: until SIGINT/SIGTERM; default 0: exit at once)\n"
		"  --delete-at-end          hold: delete every SA before exiting\n"
		"  --rto MS                 first retransmission timeout (2000), doubled each time\n"
		"  --tries N                retransmissions before giving up (4)\n"
		"  --interval MS            rate sampling interval (500)\n"
		"  --dh-pool N              our DH key pairs, reused round-robin (64); 0: one per SA\n"
		"  -v, --verbose            one line per failure, progress every second\n");
}

static int ld_parse_id(const char *s, uint8_t *type, const char **val)
{
	if (!strncmp(s, "fqdn:", 5))
		*type = IKE_ID_FQDN, *val = s + 5;
	else if (!strncmp(s, "keyid:", 6))
		*type = IKE_ID_KEY_ID, *val = s + 6;
	else if (!strncmp(s, "email:", 6))
		*type = IKE_ID_RFC822_ADDR, *val = s + 6;
	else
		return -1;
	return **val && strlen(*val) <= 255 ? 0 : -1;
}

static int ld_ip4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int ld_opts_parse(struct ld_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "target", required_argument, NULL, 't' }, { "port", required_argument, NULL, 'P' },
		{ "natt-port", required_argument, NULL, 'N' }, { "no-natt", no_argument, NULL, 'X' },
		{ "bind", required_argument, NULL, 'b' }, { "pairs", required_argument, NULL, 'k' },
		{ "proposal", required_argument, NULL, 'p' }, { "psk", required_argument, NULL, 'K' },
		{ "id", required_argument, NULL, 'i' }, { "peer-id", required_argument, NULL, 'r' },
		{ "send-peer-id", no_argument, NULL, 'R' }, { "ts-base", required_argument, NULL, 'B' },
		{ "ts-remote", required_argument, NULL, 'T' }, { "total", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' }, { "delete", no_argument, NULL, 'd' },
		{ "hold-time", required_argument, NULL, 'H' }, { "delete-at-end", no_argument, NULL, 'E' },
		{ "rto", required_argument, NULL, 'o' }, { "tries", required_argument, NULL, 'y' },
		{ "interval", required_argument, NULL, 'I' }, { "dh-pool", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, *dash;
	int c;

	memset(o, 0, sizeof(*o));
	o->port = 500, o->natt_port = 4500, o->natt = true;
	o->prop = &ld_props[0];
	o->psk = "ikeload";
	o->idi_type = IKE_ID_FQDN, o->idi = "load.example.com";
	o->ts_base = 0xc6120000u;                          /* 198.18.0.0 */
	o->tsr_start = 0xcb007100u, o->tsr_end = 0xcb0071ffu; /* 203.0.113.0/24 */
	o->total = 1000, o->window = 64, o->rto_ms = 2000, o->tries = 4, o->pairs = 1;
	o->interval_ms = 500, o->dh_pool = 64;
	while ((c = getopt_long(argc, argv, "t:p:n:w:vh", lo, NULL)) != -1) {
		unsigned long v = 0;
		if (strchr("PNknwoyID", c)) {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "ike_load: bad number %s\n", optarg);
				return -1;
			}
		}
		switch (c) {
		case 't': o->target = optarg; break;
		case 'P': o->port = (uint16_t)v; break;
		case 'N': o->natt_port = (uint16_t)v; break;
		case 'X': o->natt = false; break;
		case 'b': o->bind = optarg; break;
		case 'k': o->pairs = (unsigned)v; break;
		case 'p':
			o->prop = NULL;
			for (size_t i = 0; i < sizeof(ld_props) / sizeof(ld_props[0]); i++)
				if (!strcmp(optarg, ld_props[i].name) || !strcmp(optarg, ld_props[i].ike_name))
					o->prop = &ld_props[i];
			if (!o->prop) {
				fprintf(stderr, "ike_load: unknown proposal set %s\n", optarg);
				return -1;
			}
			break;
		case 'K': o->psk = optarg; break;
		case 'i':
			if (ld_parse_id(optarg, &o->idi_type, &o->idi) < 0)
				goto bad_id;
			break;
		case 'r':
			if (ld_parse_id(optarg, &o->idr_type, &o->idr) < 0)
				goto bad_id;
			break;
		case 'R': o->send_idr = true; break;
		case 'B':
			if (ld_ip4(optarg, &o->ts_base) < 0)
				goto bad_addr;
			break;
		case 'T':
			if (!(dash = strchr(optarg, '-')))
				goto bad_addr;
			*dash = 0;
			if (ld_ip4(optarg, &o->tsr_start) < 0 || ld_ip4(dash + 1, &o->tsr_end) < 0)
				goto bad_addr;
			break;
		case 'n': o->total = (uint32_t)v; break;
		case 'w': o->window = (uint32_t)v; break;
		case 'd': o->delete_each = true; break;
		case 'H': o->hold_s = strtod(optarg, NULL); break;
		case 'E': o->delete_at_end = true; break;
		case 'o': o->rto_ms = (unsigned)v; break;
		case 'y': o->tries = (unsigned)v; break;
		case 'I': o->interval_ms = (unsigned)v; break;
		case 'D': o->dh_pool = (unsigned)v; break;
		case 'v': o->verbose = true; break;
		case 'h': ld_usage(stdout); return 1;
		default: ld_usage(stderr); return -1;
		}
	}
	if (!o->target || !o->total || !o->window || !o->pairs || o->pairs > LD_MAX_PAIRS || !o->rto_ms ||
	    !o->interval_ms || o->total > 0x7fffffffu || (uint64_t)o->ts_base + o->total > 0x100000000ull ||
	    (o->send_idr && !o->idr) || optind != argc) {
		ld_usage(stderr);
		return -1;
	}
	if (o->window > o->total)
		o->window = o->total;
	return 0;
bad_id:
	fprintf(stderr, "ike_load: bad identity %s (fqdn:, keyid: or email:)\n", optarg);
	return -1;
bad_addr:
	fprintf(stderr, "ike_load: bad address %s\n", optarg);
	return -1;
}

/* ---- main ------------------------------------------------------------------------------- */

static int ld_setup(struct ld *L)
{
	ld_offers(L);
	if (!ike_dh_supported(L->o.prop->dh) || !L->e_len || !L->prf_len)
		return -1;
	if (!(L->sas = calloc(L->o.total, sizeof(*L->sas))) ||
	    !(L->slots = calloc(L->o.window, sizeof(*L->slots))) ||
	    !(L->done_t = calloc(L->o.total, sizeof(*L->done_t))) ||
	    !(L->lat_ms = calloc(L->o.total, sizeof(*L->lat_ms))))
		return -1;
	for (uint32_t i = 0; i < L->o.total; i++)
		L->sas[i].slot = -1;
	L->free_slot = -1;
	for (uint32_t i = L->o.window; i-- > 0;) {
		L->slots[i].sa = UINT32_MAX;
		L->slots[i].next_free = L->free_slot;
		L->free_slot = (int32_t)i;
	}
	if (L->o.dh_pool) {
		if (!(L->pool = calloc(L->o.dh_pool, sizeof(*L->pool))))
			return -1;
		for (unsigned i = 0; i < L->o.dh_pool; i++)
			if (!(L->pool[i] = ike_dh_new(L->o.prop->dh)))
				return -1;
	}
	return ld_open(L);
}

int main(int argc, char **argv)
{
	static struct ld L;
	struct sigaction sa = { .sa_handler = ld_on_signal };
	uint64_t last_scan = 0, last_progress = 0, hold_until = 0, del_deadline = 0;
	bool finished = false, deleting = false;
	int rc;

	if ((rc = ld_opts_parse(&L.o, argc, argv)) != 0)
		return rc > 0 ? 0 : 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (ld_setup(&L) < 0) {
		fprintf(stderr, "ike_load: setup failed: %s\n", strerror(errno));
		return 1;
	}
	L.cpu0 = ld_cpu_s();
	for (;;) {
		struct epoll_event ev[8];
		uint64_t now;
		int n;

		if (!finished && !ld_stop)
			while (L.next_sa < L.o.total && ld_start_sa(&L))
				;
		if (deleting)
			while (ld_start_delete(&L))
				;
		n = epoll_wait(L.ep, ev, 8, 5);
		for (int i = 0; i < n; i++)
			ld_drain(&L, ev[i].data.u32 >> 1, ev[i].data.u32 & 1);
		now = ld_now();
		if (now - last_scan >= LD_SCAN_NS) {
			ld_scan(&L, now);
			last_scan = now;
		}
		if (L.o.verbose && now - last_progress >= 1000000000ull) {
			fprintf(stderr, "progress: %u up, %u failed, %u in flight, %llu retransmits\n", L.established,
				L.failed, L.busy, (unsigned long long)L.retransmits);
			last_progress = now;
		}
		if (!finished && ((L.next_sa == L.o.total && !L.busy) || ld_stop)) {
			finished = true;
			L.cpu_end = ld_cpu_s();
			if (!L.t_end)
				L.t_end = now;
			ld_report(&L);
			hold_until = now + (uint64_t)(L.o.hold_s > 0 ? L.o.hold_s * 1e9 : 0);
		}
		if (finished && !deleting) {
			bool leave = ld_stop || (L.o.hold_s >= 0 && now >= hold_until);
			if (leave && L.o.delete_at_end && !L.o.delete_each) {
				deleting = true;
				ld_stop = 0;
				del_deadline = now + 30000000000ull;
				continue;
			}
			if (leave)
				break;
		}
		if (finished && L.o.verbose && (L.liveness || L.peer_deleted) && now - last_progress >= 1000000000ull) {
			fprintf(stderr, "holding: %u up, %llu responder requests answered, %u deleted by it\n",
				L.established - L.peer_deleted, (unsigned long long)L.liveness, L.peer_deleted);
			last_progress = now;
		}
		if (deleting && ((L.del_cursor >= L.next_sa && !L.busy) || ld_stop || now >= del_deadline)) {
			printf("deleted %u IKE SAs (%u deleted by the responder)\n", L.deleted, L.peer_deleted);
			break;
		}
	}
	if (L.liveness || L.peer_deleted)
		printf("while holding: %llu responder requests answered, %u IKE SAs deleted by the responder\n",
		       (unsigned long long)L.liveness, L.peer_deleted);
	fflush(stdout);
	return L.established == L.o.total ? 0 : 1;
}

/*
 * The malformed-message table at the daemon level: each datagram goes into
 * a responder engine (b) exactly as a transport delivers it — from an
 * attacker's address, or protected with the keys of an IKE SA that a (a
 * legitimate peer) has with b. Each is dropped or answered as RFC 7296
 * says (2.5, 2.21, 2.25, 3.x), and afterwards: no half-open or IKE SA is
 * left behind (half-open ones expire), the SAD is as before, the existing
 * IKE SA still works (a liveness check and a child rekey) and a still
 * connects anew.
 */
#include "check.h"

#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_dh.h"
#include "ikev2_prop.h"

enum expect { DROP, ANSWER, HALF_OPEN };

struct ctx {
	struct t_world w;
	struct ikev2_sa *a;             /* a's established SA with b */
	struct ikev2_addr attacker;
	uint8_t *buf;
	size_t len;
	bool protected;                 /* sealed with a's keys on a's SA */
	bool natt;
};

struct mcase {
	const char *name;
	void (*build)(struct ctx *c);
	enum expect expect;
	uint16_t notify;                /* ANSWER: the notify type */
};

/* ---- building blocks --------------------------------------------------------------- */

static const uint8_t SPI_X[8] = { 0xa1, 2, 3, 4, 5, 6, 7, 8 };

static void hdr(struct ike_build *b, uint8_t *buf, size_t cap, const uint8_t *spi_i, const uint8_t *spi_r,
		uint8_t exch, uint8_t flags, uint32_t msgid)
{
	struct ike_hdr_info h = { 0 };

	memcpy(h.spi_i, spi_i, 8);
	if (spi_r)
		memcpy(h.spi_r, spi_r, 8);
	h.exchange = exch;
	h.flags = flags;
	h.msg_id = msgid;
	ike_build_init(b, buf, cap, &h);
}

/* A valid IKE_SA_INIT request body: SA (our default offer), KE ecp-256, Ni. */
static void init_body(struct ike_build *b, uint16_t ke_group, size_t nonce_len)
{
	struct ike_sa_pl sa;
	struct ike_dh *dh = ike_dh_new(ke_group);
	uint8_t nonce[300];
	const uint8_t *pub;
	size_t plen;
	uint16_t g;

	ikev2_prop_offer_ike(NULL, NULL, &sa, &g);
	pub = ike_dh_public(dh, &plen);
	memset(nonce, 0x5a, sizeof(nonce));
	ike_build_sa(b, &sa);
	ike_build_ke(b, ke_group, pub, plen);
	ike_build_raw(b, IKE_PL_NONCE, false, nonce, nonce_len);
	ike_dh_free(dh);
}

static void finish(struct ctx *c, struct ike_build *b)
{
	CHECK(ike_build_finish(b, &c->len) == 0, "build: %d", b->err);
}

static void init_ok(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	finish(c, &b);
}

/* Offset of the generic header of the n-th payload of type t (outer chain). */
static size_t pl_off(struct ctx *c, uint8_t t, int n)
{
	static struct ike_msg m;

	CHECK(ike_parse_msg(c->buf, c->len, &m) == IKE_PARSE_OK, "base message parses");
	for (unsigned i = 0; i < m.n_pl; i++)
		if (m.pl[i].type == t && n-- == 0)
			return (size_t)(m.pl[i].body.ptr - c->buf) - 4;
	CHECK(0, "payload %u not found", t);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- unprotected: the header ----------------------------------------------------- */

static void m_trunc_hdr(struct ctx *c) { init_ok(c); c->len = 20; }
static void m_len_long(struct ctx *c) { init_ok(c); c->buf[27] += 4; }
static void m_len_short(struct ctx *c) { init_ok(c); c->buf[27] -= 1; }
static void m_version(struct ctx *c) { init_ok(c); c->buf[17] = 0x30; }
static void m_spi_i_zero(struct ctx *c) { init_ok(c); memset(c->buf, 0, 8); }
static void m_exchange(struct ctx *c) { init_ok(c); c->buf[18] = 33; }
static void m_init_msgid(struct ctx *c) { init_ok(c); c->buf[23] = 1; }
static void m_init_spi_r(struct ctx *c) { init_ok(c); c->buf[8] = 1; }
static void m_response(struct ctx *c) { init_ok(c); c->buf[19] = IKE_HDR_F_RESPONSE; }
static void m_no_i_flag(struct ctx *c) { init_ok(c); c->buf[19] = 0; }
static void m_empty(struct ctx *c) { init_ok(c); c->len = 0; }

/* ---- unprotected: the payload chain ------------------------------------------------ */

static void m_pl_len_short(struct ctx *c) { init_ok(c); put16(c->buf + pl_off(c, IKE_PL_NONCE, 0) + 2, 3); }
static void m_pl_len_overrun(struct ctx *c)
{
	size_t o;
	init_ok(c);
	o = pl_off(c, IKE_PL_NONCE, 0);
	put16(c->buf + o + 2, (uint16_t)(get16(c->buf + o + 2) + 8));
}
static void m_pl_trunc(struct ctx *c) { init_ok(c); c->len -= 34; put16(c->buf + 26, (uint16_t)c->len); }
static void m_trailing(struct ctx *c) { init_ok(c); c->buf[c->len++] = 0; put16(c->buf + 26, (uint16_t)c->len); }

static void m_critical(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[8] = { 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ike_build_raw(&b, 200, true, body, sizeof(body));
	init_body(&b, 19, 32);
	finish(c, &b);
}

static void m_noncritical(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[8] = { 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ike_build_raw(&b, 200, false, body, sizeof(body));
	init_body(&b, 19, 32);
	finish(c, &b);
}

static void m_dup_sa(struct ctx *c)
{
	struct ike_build b;
	struct ike_sa_pl sa;
	uint16_t g;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ikev2_prop_offer_ike(NULL, NULL, &sa, &g);
	ike_build_sa(&b, &sa);
	init_body(&b, 19, 32);
	finish(c, &b);
}

static void m_sk_in_init(struct ctx *c)
{
	struct ike_build b;
	size_t off;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_sk(&b, IKE_PL_NONE, 32, &off);
	finish(c, &b);
}

static void m_payload_order(struct ctx *c)
{
	/* Nonce, KE, SA: order is not significant (3.2); answered normally. */
	struct ike_build b;
	struct ike_sa_pl sa;
	struct ike_dh *dh = ike_dh_new(19);
	uint8_t nonce[32] = { 1 };
	const uint8_t *pub;
	size_t plen;
	uint16_t g;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ikev2_prop_offer_ike(NULL, NULL, &sa, &g);
	pub = ike_dh_public(dh, &plen);
	ike_build_nonce(&b, nonce, sizeof(nonce));
	ike_build_ke(&b, 19, pub, plen);
	ike_build_sa(&b, &sa);
	ike_dh_free(dh);
	finish(c, &b);
}

/* ---- unprotected: SA payload structure -------------------------------------------- */

static size_t sa_off(struct ctx *c) { return pl_off(c, IKE_PL_SA, 0); }
static void m_sa_empty(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ike_build_raw(&b, IKE_PL_SA, false, NULL, 0);
	finish(c, &b);
}
static void m_prop_last(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 4] = 0; }  /* first of two says "last" */
static void m_prop_len(struct ctx *c) { size_t o; init_ok(c); o = sa_off(c) + 4; put16(c->buf + o + 2, (uint16_t)(get16(c->buf + o + 2) + 4)); }
static void m_prop_num(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 8] = 2; }
static void m_prop_spi_size(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 10] = 4; }
static void m_prop_xf_count(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 11] += 1; }
static void m_xf_last(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 12] = 0; }
static void m_xf_len(struct ctx *c) { init_ok(c); put16(c->buf + sa_off(c) + 14, 7); }
static void m_attr_trunc(struct ctx *c)
{
	/* first transform: 12 octets with one TV attribute; claim 10 */
	size_t o;
	init_ok(c);
	o = sa_off(c) + 12;
	put16(c->buf + o + 2, 10);
}
static void m_prop_trunc(struct ctx *c)
{
	size_t o;
	init_ok(c);
	o = sa_off(c);
	put16(c->buf + o + 2, 8); /* SA payload of 4 octets of proposal */
}

static void m_no_proposal(struct ctx *c)
{
	struct ike_build b;
	struct ike_sa_pl sa = { 0 };
	struct ike_dh *dh = ike_dh_new(19);
	uint8_t nonce[32] = { 1 };
	const uint8_t *pub;
	size_t plen;

	sa.n_props = 1;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .n_xforms = 4 };
	sa.prop[0].xf[0] = (struct ike_xform){ .type = IKE_XFORM_ENCR, .id = IKE_ENCR_DES };
	sa.prop[0].xf[1] = (struct ike_xform){ .type = IKE_XFORM_PRF, .id = IKE_PRF_HMAC_SHA1 };
	sa.prop[0].xf[2] = (struct ike_xform){ .type = IKE_XFORM_INTEG, .id = IKE_INTEG_HMAC_SHA1_96 };
	sa.prop[0].xf[3] = (struct ike_xform){ .type = IKE_XFORM_DH, .id = 19 };
	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	pub = ike_dh_public(dh, &plen);
	ike_build_sa(&b, &sa);
	ike_build_ke(&b, 19, pub, plen);
	ike_build_nonce(&b, nonce, 32);
	ike_dh_free(dh);
	finish(c, &b);
}

static void m_unknown_xf_type(struct ctx *c) { init_ok(c); c->buf[sa_off(c) + 12 + 4] = 77; }

/* ---- unprotected: KE, Nonce, notifies, others -------------------------------------- */

static void m_ke_len(struct ctx *c) { size_t o; init_ok(c); o = pl_off(c, IKE_PL_KE, 0); put16(c->buf + o + 4, 14); }
static void m_ke_group(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 2, 32); /* modp-1024: offered by nobody here */
	finish(c, &b);
}
static void m_ke_invalid(struct ctx *c)
{
	size_t o;
	init_ok(c);
	o = pl_off(c, IKE_PL_KE, 0);
	memset(c->buf + o + 8, 0xff, 64); /* x = y = 2^256 - 1: not on P-256 */
}
static void m_nonce_short(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 15);
	finish(c, &b);
}
static void m_nonce_long(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 257);
	finish(c, &b);
}
static void m_no_ke(struct ctx *c)
{
	struct ike_build b;
	struct ike_sa_pl sa;
	uint8_t nonce[32] = { 1 };
	uint16_t g;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ikev2_prop_offer_ike(NULL, NULL, &sa, &g);
	ike_build_sa(&b, &sa);
	ike_build_nonce(&b, nonce, 32);
	finish(c, &b);
}
static void m_no_nonce(struct ctx *c)
{
	struct ike_build b;
	struct ike_sa_pl sa;
	struct ike_dh *dh = ike_dh_new(19);
	const uint8_t *pub;
	size_t plen;
	uint16_t g;

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	ikev2_prop_offer_ike(NULL, NULL, &sa, &g);
	pub = ike_dh_public(dh, &plen);
	ike_build_sa(&b, &sa);
	ike_build_ke(&b, 19, pub, plen);
	ike_dh_free(dh);
	finish(c, &b);
}
static void m_natd_len(struct ctx *c)
{
	struct ike_build b;
	uint8_t h[19] = { 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_notify(&b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, sizeof(h));
	finish(c, &b);
}
static void m_notify_spi_size(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4 + 3] = { 0, 3, 0x40, 0x04 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_NOTIFY, false, body, sizeof(body)); /* SPI size 3 */
	finish(c, &b);
}
static void m_ts_type(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4 + 16] = { 1, 0, 0, 0, 9, 0, 0, 16 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_TSI, false, body, sizeof(body));
	finish(c, &b);
}
static void m_ts_count(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4] = { 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_TSR, false, body, sizeof(body));
	finish(c, &b);
}
static void m_delete_proto(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4] = { 9, 0, 0, 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_DELETE, false, body, sizeof(body));
	finish(c, &b);
}
static void m_id_len(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4 + 3] = { IKE_ID_IPV4_ADDR, 0, 0, 0, 1, 2, 3 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_IDI, false, body, sizeof(body));
	finish(c, &b);
}
static void m_auth_len(struct ctx *c)
{
	struct ike_build b;
	uint8_t body[4] = { 2, 0, 0, 0 };

	hdr(&b, c->buf, 4096, SPI_X, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	ike_build_raw(&b, IKE_PL_AUTH, false, body, sizeof(body));
	finish(c, &b);
}
static void m_unsolicited_response(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, SPI_X, SPI_X, IKE_EXCH_SA_INIT, IKE_HDR_F_RESPONSE, 0);
	init_body(&b, 19, 32);
	finish(c, &b);
}
static void m_auth_unknown_spi(struct ctx *c)
{
	struct ike_build b;
	size_t off;

	hdr(&b, c->buf, 4096, SPI_X, SPI_X, IKE_EXCH_AUTH, IKE_HDR_F_INITIATOR, 1);
	ike_build_sk(&b, IKE_PL_NONE, 48, &off);
	finish(c, &b);
}
static void m_no_sk_after_init(struct ctx *c)
{
	/* Correct SPIs of a's SA, but INFORMATIONAL in the clear. */
	struct ike_build b;

	hdr(&b, c->buf, 4096, c->a->spi_i, c->a->spi_r, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR,
	    c->w.p[1].e->first->rx_next);
	ike_build_raw(&b, IKE_PL_DELETE, false, (const uint8_t[]){ 1, 0, 0, 0 }, 4);
	finish(c, &b);
}

/* ---- protected with a's keys --------------------------------------------------------- */

/* Seal inner (a chain built by fill) into a request on a's SA. */
static void sealed(struct ctx *c, uint8_t exch, uint8_t flags, int32_t msgid_delta,
		   void (*fill)(struct ctx *c, struct ike_build *in))
{
	struct ikev2_sa *b_sa = c_the_sa(&c->w.p[1]);
	uint8_t plain[2048];
	struct ike_build in, out;
	size_t off;

	ike_build_init_chain(&in, plain, sizeof(plain));
	if (fill)
		fill(c, &in);
	CHECK(!in.err, "inner chain");
	hdr(&out, c->buf, 4096, c->a->spi_i, c->a->spi_r, exch, flags, (uint32_t)((int32_t)b_sa->rx_next + msgid_delta));
	ike_build_sk(&out, in.len ? in.first : IKE_PL_NONE, ike_sk_body_len(&c->a->sk_out, in.len), &off);
	finish(c, &out);
	CHECK(ike_sk_encrypt(&c->a->sk_out, c->buf, c->len, off, plain, in.len, NULL) == 0, "seal");
	c->protected = true;
}

static void f_critical(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_raw(in, 201, true, (const uint8_t[]){ 0, 0, 0, 0 }, 4);
}
static void f_overrun(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_raw(in, IKE_PL_VENDOR, false, (const uint8_t[]){ 1, 2, 3, 4 }, 4);
	in->buf[in->len - 6] = 0x40; /* its length: 0x4008 */
}
static void f_child_no_sa(struct ctx *c, struct ike_build *in)
{
	uint8_t n[32] = { 3 };
	struct ike_ts_pl ts = { .n_ts = 1 };

	(void)c;
	ts.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535 };
	memset(ts.ts[0].end, 0xff, 4);
	ike_build_nonce(in, n, sizeof(n));
	ike_build_ts(in, IKE_PL_TSI, &ts);
	ike_build_ts(in, IKE_PL_TSR, &ts);
}
static void child_payloads(struct ctx *c, struct ike_build *in, uint16_t encr, uint16_t bits, const char *ts_i,
			   const char *ts_i_end, bool nonce_short)
{
	struct ike_sa_pl sa = { 0 };
	struct ike_ts_pl tsi = { .n_ts = 1 }, tsr = { .n_ts = 1 };
	struct ikev2_addr a1, a2;
	uint8_t n[32] = { 4 };

	(void)c;
	sa.n_props = 1;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4,
					   .spi = { 0x11, 0x22, 0x33, 0x44 }, .n_xforms = 2 };
	sa.prop[0].xf[0] = (struct ike_xform){ .type = IKE_XFORM_ENCR, .id = encr, .key_bits = bits };
	sa.prop[0].xf[1] = (struct ike_xform){ .type = IKE_XFORM_ESN, .id = 0 };
	t_addr(&a1, ts_i);
	t_addr(&a2, ts_i_end);
	tsi.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535 };
	memcpy(tsi.ts[0].start, a1.ip, 4);
	memcpy(tsi.ts[0].end, a2.ip, 4);
	tsr.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535 };
	memcpy(tsr.ts[0].start, (const uint8_t[]){ 203, 0, 113, 0 }, 4);
	memcpy(tsr.ts[0].end, (const uint8_t[]){ 203, 0, 113, 255 }, 4);
	ike_build_sa(in, &sa);
	ike_build_raw(in, IKE_PL_NONCE, false, n, nonce_short ? 15 : 32);
	ike_build_ts(in, IKE_PL_TSI, &tsi);
	ike_build_ts(in, IKE_PL_TSR, &tsr);
}
static void f_child_ts(struct ctx *c, struct ike_build *in)
{
	child_payloads(c, in, IKE_ENCR_AES_GCM_16, 128, "198.18.0.0", "198.18.0.255", false);
}
static void f_child_noprop(struct ctx *c, struct ike_build *in)
{
	child_payloads(c, in, IKE_ENCR_DES, 0, "198.51.100.0", "198.51.100.255", false);
}
static void f_child_nonce(struct ctx *c, struct ike_build *in)
{
	child_payloads(c, in, IKE_ENCR_AES_GCM_16, 128, "198.51.100.0", "198.51.100.255", true);
}
static void f_child_ke_len(struct ctx *c, struct ike_build *in)
{
	child_payloads(c, in, IKE_ENCR_AES_GCM_16, 128, "198.51.100.0", "198.51.100.255", false);
	ike_build_raw(in, IKE_PL_KE, false, (const uint8_t[]){ 0, 19, 0, 0, 1, 2, 3, 4 }, 8);
}
static void f_rekey_unknown(struct ctx *c, struct ike_build *in)
{
	ike_build_notify(in, IKE_PROTO_ESP, (const uint8_t[]){ 9, 9, 9, 9 }, 4, IKE_N_REKEY_SA, NULL, 0);
	child_payloads(c, in, IKE_ENCR_AES_GCM_16, 128, "198.51.100.0", "198.51.100.255", false);
}
static void f_ike_spi4(struct ctx *c, struct ike_build *in)
{
	uint8_t body[8 + 8] = { 0, 0, 0, 16, 1, IKE_PROTO_IKE, 4, 1, 0, 0, 0, 1 };

	(void)c;
	body[8] = 0; /* transform... truncated on purpose: SPI size 4 for IKE first */
	ike_build_raw(in, IKE_PL_SA, false, body, sizeof(body));
}
static void f_delete_spi8(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_raw(in, IKE_PL_DELETE, false, (const uint8_t[]){ IKE_PROTO_ESP, 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 }, 12);
}
static void f_delete_unknown(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_delete(in, IKE_PROTO_ESP, 4, 1, (const uint8_t[]){ 7, 7, 7, 7 });
}
static void f_auth_again(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_id(in, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"x", 1);
	ike_build_auth(in, IKE_AUTH_SHARED_KEY_MIC, (const uint8_t *)"0123456789abcdef0123", 20);
}
static void f_notify_only(struct ctx *c, struct ike_build *in)
{
	(void)c;
	ike_build_notify(in, IKE_PROTO_NONE, NULL, 0, IKE_N_INVALID_SYNTAX, NULL, 0);
}

static void m_p_critical(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, f_critical); }
static void m_p_overrun(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, f_overrun); }
static void m_p_msgid_ahead(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 5, NULL); }
static void m_p_msgid_far(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 1000000, NULL); }
static void m_p_msgid_old(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, -2, NULL); }
static void m_p_icv(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, NULL); c->buf[c->len - 1] ^= 1; }
static void m_p_ciphertext(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, f_notify_only); c->buf[40] ^= 0x80; }
static void m_p_sk_short(struct ctx *c)
{
	sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, NULL);
	c->len = 28 + 4 + 8;
	put16(c->buf + 26, (uint16_t)c->len);
	put16(c->buf + 30, 12);
}
static void m_p_wrong_role(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, 0, 0, NULL); }
static void m_p_response(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR | IKE_HDR_F_RESPONSE, 0, NULL); }
static void m_p_auth_again(struct ctx *c) { sealed(c, IKE_EXCH_AUTH, IKE_HDR_F_INITIATOR, 0, f_auth_again); }
static void m_p_sa_init_again(struct ctx *c)
{
	struct ike_build b;

	hdr(&b, c->buf, 4096, c->a->spi_i, NULL, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR, 0);
	init_body(&b, 19, 32);
	finish(c, &b);
	/* From a's own address: a second IKE_SA_INIT with the SPIi of the established SA. */
}
static void m_p_child_no_sa(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_child_no_sa); }
static void m_p_child_ts(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_child_ts); }
static void m_p_child_noprop(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_child_noprop); }
static void m_p_child_nonce(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_child_nonce); }
static void m_p_child_ke_len(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_child_ke_len); }
static void m_p_rekey_unknown(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_rekey_unknown); }
static void m_p_ike_spi4(struct ctx *c) { sealed(c, IKE_EXCH_CREATE_CHILD_SA, IKE_HDR_F_INITIATOR, 0, f_ike_spi4); }
static void m_p_delete_spi8(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, f_delete_spi8); }
static void m_p_delete_unknown(struct ctx *c) { sealed(c, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_INITIATOR, 0, f_delete_unknown); }
static void m_p_exchange_99(struct ctx *c) { sealed(c, 39, IKE_HDR_F_INITIATOR, 0, NULL); }

#define ANS(n) ANSWER, IKE_N_##n
static const struct mcase cases[] = {
	/* header */
	{ "empty datagram", m_empty, DROP, 0 },
	{ "truncated header", m_trunc_hdr, DROP, 0 },
	{ "length field beyond the datagram", m_len_long, DROP, 0 },
	{ "length field short of the datagram", m_len_short, DROP, 0 },
	{ "major version 3", m_version, ANS(INVALID_MAJOR_VERSION) },
	{ "initiator SPI zero", m_spi_i_zero, DROP, 0 },
	{ "unknown exchange type", m_exchange, DROP, 0 },
	{ "IKE_SA_INIT with message ID 1", m_init_msgid, DROP, 0 },
	{ "IKE_SA_INIT request with a responder SPI", m_init_spi_r, DROP, 0 },
	{ "IKE_SA_INIT response nobody asked for", m_response, DROP, 0 },
	{ "IKE_SA_INIT request without the I flag", m_no_i_flag, DROP, 0 },
	{ "IKE_SA_INIT response to a request never sent", m_unsolicited_response, DROP, 0 },
	/* chain */
	{ "payload length below 4", m_pl_len_short, DROP, 0 },
	{ "payload length past the end", m_pl_len_overrun, DROP, 0 },
	{ "payload header cut off", m_pl_trunc, DROP, 0 },
	{ "octets after the last payload", m_trailing, DROP, 0 },
	{ "unknown critical payload", m_critical, ANS(UNSUPPORTED_CRITICAL_PAYLOAD) },
	{ "unknown non-critical payload (skipped)", m_noncritical, HALF_OPEN, 0 },
	{ "payloads in another order (accepted)", m_payload_order, HALF_OPEN, 0 },
	{ "SA payload twice", m_dup_sa, DROP, 0 },
	{ "SK payload in IKE_SA_INIT", m_sk_in_init, DROP, 0 },
	/* SA payload */
	{ "SA payload without proposals", m_sa_empty, DROP, 0 },
	{ "proposal header cut off", m_prop_trunc, DROP, 0 },
	{ "proposal Last Substruc says last, more follow", m_prop_last, DROP, 0 },
	{ "proposal length inconsistent", m_prop_len, DROP, 0 },
	{ "proposal numbers not 1, 2", m_prop_num, DROP, 0 },
	{ "IKE proposal with a 4-octet SPI", m_prop_spi_size, DROP, 0 },
	{ "transform count one too many", m_prop_xf_count, DROP, 0 },
	{ "transform Last Substruc inconsistent", m_xf_last, DROP, 0 },
	{ "transform length below 8", m_xf_len, DROP, 0 },
	{ "transform attribute cut off", m_attr_trunc, DROP, 0 },
	{ "unknown transform type in the first proposal (second used)", m_unknown_xf_type, HALF_OPEN, 0 },
	{ "only DES offered (weak, not configured)", m_no_proposal, ANS(NO_PROPOSAL_CHOSEN) },
	/* KE, Nonce, others */
	{ "KE length not the group's", m_ke_len, DROP, 0 },
	{ "KE group not among the proposals", m_ke_group, ANS(INVALID_KE_PAYLOAD) },
	{ "KE point not on the curve", m_ke_invalid, ANS(INVALID_SYNTAX) },
	{ "nonce of 15 octets", m_nonce_short, DROP, 0 },
	{ "nonce of 257 octets", m_nonce_long, DROP, 0 },
	{ "no KE payload", m_no_ke, ANS(INVALID_SYNTAX) },
	{ "no Nonce payload", m_no_nonce, ANS(INVALID_SYNTAX) },
	{ "NAT detection hash of 19 octets", m_natd_len, DROP, 0 },
	{ "notify with a 3-octet SPI", m_notify_spi_size, DROP, 0 },
	{ "traffic selector of type 9", m_ts_type, DROP, 0 },
	{ "TS payload with no selectors", m_ts_count, DROP, 0 },
	{ "delete payload for protocol 9", m_delete_proto, DROP, 0 },
	{ "IPv4 identity of 3 octets", m_id_len, DROP, 0 },
	{ "empty AUTH payload", m_auth_len, DROP, 0 },
	{ "IKE_AUTH for SPIs nobody has", m_auth_unknown_spi, DROP, 0 },
	{ "INFORMATIONAL without SK on an IKE SA", m_no_sk_after_init, DROP, 0 },
	{ "IKE_SA_INIT again for an established SA's SPIi", m_p_sa_init_again, HALF_OPEN, 0 },
	/* protected */
	{ "protected: unknown critical payload", m_p_critical, ANS(UNSUPPORTED_CRITICAL_PAYLOAD) },
	{ "protected: payload length past the end", m_p_overrun, ANS(INVALID_SYNTAX) },
	{ "protected: message ID ahead of the window", m_p_msgid_ahead, DROP, 0 },
	{ "protected: message ID far ahead", m_p_msgid_far, DROP, 0 },
	{ "protected: message ID behind the window", m_p_msgid_old, DROP, 0 },
	{ "protected: ICV flipped", m_p_icv, DROP, 0 },
	{ "protected: ciphertext flipped", m_p_ciphertext, DROP, 0 },
	{ "protected: SK shorter than IV and ICV", m_p_sk_short, DROP, 0 },
	{ "protected: the responder's role claimed", m_p_wrong_role, DROP, 0 },
	{ "protected: response to a request never sent", m_p_response, DROP, 0 },
	{ "protected: unknown exchange type", m_p_exchange_99, DROP, 0 },
	{ "protected: IKE_AUTH on an established SA", m_p_auth_again, DROP, 0 },
	{ "protected: CREATE_CHILD_SA without SA payload", m_p_child_no_sa, ANS(INVALID_SYNTAX) },
	{ "protected: CREATE_CHILD_SA selectors outside the profile", m_p_child_ts, ANS(TS_UNACCEPTABLE) },
	{ "protected: CREATE_CHILD_SA with only DES", m_p_child_noprop, ANS(NO_PROPOSAL_CHOSEN) },
	{ "protected: CREATE_CHILD_SA nonce of 15 octets", m_p_child_nonce, ANS(INVALID_SYNTAX) },
	{ "protected: CREATE_CHILD_SA KE length not the group's", m_p_child_ke_len, ANS(INVALID_SYNTAX) },
	{ "protected: REKEY_SA for a child nobody has", m_p_rekey_unknown, ANS(CHILD_SA_NOT_FOUND) },
	{ "protected: IKE proposal with a 4-octet SPI", m_p_ike_spi4, ANS(INVALID_SYNTAX) },
	{ "protected: Delete with 8-octet ESP SPIs", m_p_delete_spi8, ANS(INVALID_SYNTAX) },
	{ "protected: Delete of an unknown child (answered, nothing removed)", m_p_delete_unknown, ANSWER, 0 },
};

/* ---- the run ----------------------------------------------------------------------------- */

/* Decode an answer b sent; its error notify (0: none). */
static uint16_t answer_notify(struct ctx *c, const struct t_pkt *k)
{
	static struct ike_msg m;
	uint8_t plain[4096];
	size_t plen;

	CHECK(ike_parse_msg(k->data, k->len, &m) == IKE_PARSE_OK, "b's answer parses");
	CHECK(m.hdr.flags & IKE_HDR_F_RESPONSE, "b's answer is a response");
	if (ike_msg_has(&m, IKE_PL_SK)) {
		CHECK(c->protected, "a protected answer to an unprotected request");
		CHECK(ike_sk_decrypt(&c->a->sk_in, k->data, k->len, m.sk.hdr_off, plain, sizeof(plain), &plen) == 0,
		      "b's answer decrypts with the SA's keys");
		CHECK(ike_parse_inner(&m, plain, plen) == IKE_PARSE_OK, "inner");
	}
	for (unsigned i = 0; i < m.n_notify; i++)
		if (m.notify[i].type <= IKE_N_ERROR_MAX)
			return m.notify[i].type;
	return 0;
}

static void run(const struct mcase *mc, unsigned idx)
{
	struct ctx c;
	uint8_t buf[4096];
	struct ikev2_path p;
	unsigned sad, answers = 0;
	uint16_t got = 0;
	bool half;

	memset(&c, 0, sizeof(c));
	memset(buf, 0, sizeof(buf));
	c.buf = buf;
	t_world_init(&c.w);
	c_establish(&c.w);
	c.a = c_the_sa(&c.w.p[0]);
	sad = t_n_sad(&c.w.p[1]);
	t_addr(&c.attacker, "198.18.0.66");
	mc->build(&c);
	p.local = c.w.p[1].addr;
	p.remote = c.protected || mc->build == m_p_sa_init_again ? c.w.p[0].addr : c.attacker;
	ikev2_engine_input(c.w.p[1].e, &p, c.natt, c.buf, c.len);
	/* What b sent back, intercepted before it reaches a. */
	while (c.w.qn) {
		struct t_pkt *k = c.w.q[0];
		memmove(c.w.q, c.w.q + 1, (c.w.qn - 1) * sizeof(c.w.q[0]));
		c.w.qn--;
		CHECK(k->to == 0, "only b talks");
		got = answer_notify(&c, k);
		answers++;
		free(k);
	}
	half = c.w.p[1].e->ctr->half_open > 0;
	switch (mc->expect) {
	case DROP:
		CHECK(answers == 0, "#%u %s: answered (notify %u), should be dropped", idx, mc->name, got);
		CHECK(!half, "#%u %s: left a half-open SA", idx, mc->name);
		break;
	case ANSWER:
		CHECK(answers == 1 && got == mc->notify, "#%u %s: %u answers, notify %s, want %s", idx, mc->name,
		      answers, ike_wire_notify_name(got), ike_wire_notify_name(mc->notify));
		CHECK(!half, "#%u %s: left a half-open SA", idx, mc->name);
		if (c.protected) { /* a answered message moved b's window: move a's along */
			c.a->tx_next++;
		}
		break;
	case HALF_OPEN:
		CHECK(answers == 1 && got == 0 && half, "#%u %s: want a normal IKE_SA_INIT answer (%u, %s)", idx,
		      mc->name, answers, ike_wire_notify_name(got));
		break;
	}
	CHECK(ikev2_engine_counters(c.w.p[1].e)->dropped + answers >= 1 || mc->expect == HALF_OPEN,
	      "#%u %s: neither counted nor answered", idx, mc->name);
	/* No state leaked: half-open SAs expire, the SAD is untouched. */
	t_advance(&c.w, c.w.cfg.half_open_ms + 1000);
	CHECK(c.w.p[1].e->ctr->half_open == 0 && c_n_sa(&c.w.p[1]) == 1, "#%u %s: %u SAs, %llu half-open left",
	      idx, mc->name, c_n_sa(&c.w.p[1]), (unsigned long long)c.w.p[1].e->ctr->half_open);
	CHECK(t_n_sad(&c.w.p[1]) == sad, "#%u %s: the SAD changed", idx, mc->name);
	/* The legitimate peer's SA still works, and it connects anew. */
	CHECK(ikev2_engine_liveness(c.w.p[0].e, c_spi64(c.a)) == 0, "dpd");
	CHECK(ikev2_engine_rekey_child(c.w.p[0].e, c.a->children->spi_in) == 0, "rekey");
	t_run(&c.w);
	t_advance(&c.w, 1);
	CHECK(c_n_sa(&c.w.p[0]) == 1 && c.a->state == IKEV2_SA_ESTABLISHED && c.a->children &&
	      c.a->children->state == IKEV2_CHILD_INSTALLED, "#%u %s: a's SA broke", idx, mc->name);
	CHECK(ikev2_engine_initiate(c.w.p[0].e, "pr1") == 0, "initiate");
	t_run(&c.w);
	CHECK(c_n_sa(&c.w.p[0]) == 2 && c_n_sa(&c.w.p[1]) == 2, "#%u %s: a could not connect anew", idx, mc->name);
	t_world_fini(&c.w);
}

int main(void)
{
	unsigned n = sizeof(cases) / sizeof(cases[0]);

	gw_log_init("test_ikev2d_malformed", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_ERR);
	CHECK(n >= 50, "the table has %u entries", n);
	for (unsigned i = 0; i < n; i++)
		run(&cases[i], i + 1);
	printf("test_ikev2d_malformed: %u malformed messages ok\n", n);
	return 0;
}

/*
 * Parser and builder: build -> parse -> rebuild round trips over every
 * payload type, then a numbered table of malformed messages, each asserting
 * the exact error code (and payload) the parser reports. The malformed
 * messages are written with a raw writer in this file, not with ike_build,
 * so a builder bug cannot hide a parser bug.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "ike_build.h"
#include "ike_parse.h"
#include "test_util.h"

static struct ike_msg msg; /* ~20 KiB: keep it off the stack */

/* ---- Round trip ----------------------------------------------------------- */

static void fill_sa(struct ike_sa_pl *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->n_props = 2;
	struct ike_proposal *p = &sa->prop[0];
	p->num = 1, p->protocol = IKE_PROTO_ESP, p->spi_size = 4, p->n_xforms = 4;
	memcpy(p->spi, "\xc0\xb2\x40\x47", 4);
	p->xf[0] = (struct ike_xform){ IKE_XFORM_ENCR, false, IKE_ENCR_AES_CBC, 192 };
	p->xf[1] = (struct ike_xform){ IKE_XFORM_INTEG, false, IKE_INTEG_HMAC_SHA1_96, 0 };
	p->xf[2] = (struct ike_xform){ IKE_XFORM_ESN, false, IKE_ESN_YES, 0 };
	p->xf[3] = (struct ike_xform){ IKE_XFORM_ESN, false, IKE_ESN_NO, 0 };
	p = &sa->prop[1];
	p->num = 2, p->protocol = IKE_PROTO_ESP, p->spi_size = 4, p->n_xforms = 2;
	memcpy(p->spi, "\x63\x19\x95\x35", 4);
	p->xf[0] = (struct ike_xform){ IKE_XFORM_ENCR, false, IKE_ENCR_AES_GCM_16, 256 };
	p->xf[1] = (struct ike_xform){ IKE_XFORM_ESN, false, IKE_ESN_NO, 0 };
}

static void fill_ts(struct ike_ts_pl *ts, uint8_t base)
{
	memset(ts, 0, sizeof(*ts));
	ts->n_ts = 2;
	ts->ts[0] = (struct ike_ts){ IKE_TS_IPV4_ADDR_RANGE, 0, 0, 65535, { 192, 168, base, 0 },
				     { 192, 168, base, 255 } };
	ts->ts[1] = (struct ike_ts){ IKE_TS_IPV6_ADDR_RANGE, 6, 443, 443, { 0x20, 0x01, 0x0d, 0xb8 },
				     { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xff } };
}

static bool sa_equal(const struct ike_sa_pl *a, const struct ike_sa_pl *b)
{
	if (a->n_props != b->n_props)
		return false;
	for (unsigned i = 0; i < a->n_props; i++) {
		const struct ike_proposal *x = &a->prop[i], *y = &b->prop[i];
		if (x->num != y->num || x->protocol != y->protocol || x->spi_size != y->spi_size ||
		    x->n_xforms != y->n_xforms || memcmp(x->spi, y->spi, x->spi_size))
			return false;
		for (unsigned j = 0; j < x->n_xforms; j++)
			if (memcmp(&x->xf[j], &y->xf[j], sizeof(x->xf[j])))
				return false;
	}
	return true;
}

static bool bytes_eq(struct ike_bytes b, const void *p, size_t n)
{
	return b.len == n && (n == 0 || memcmp(b.ptr, p, n) == 0);
}

static void test_round_trip(void)
{
	static uint8_t pkt[4096], again[4096];
	static struct ike_sa_pl sa;
	struct ike_ts_pl tsi, tsr;
	uint8_t ke[64], nonce[32], auth[20], cert[100], spis[8], cookie[16], cp[8] = { 1 };
	uint8_t eap[5] = { 1, 7, 0, 5, 1 }, unknown[3] = { 'x', 'y', 'z' };
	memset(ke, 0x11, sizeof(ke));
	memset(nonce, 0x22, sizeof(nonce));
	memset(auth, 0x33, sizeof(auth));
	memset(cert, 0x44, sizeof(cert));
	memcpy(spis, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	memset(cookie, 0x55, sizeof(cookie));
	fill_sa(&sa);
	fill_ts(&tsi, 3);
	fill_ts(&tsr, 5);
	const struct ike_hdr_info h = { .spi_i = { 0xf4, 3, 0x29, 0x99 }, .spi_r = { 0x98, 0x4e },
					.exchange = IKE_EXCH_AUTH, .flags = IKE_HDR_F_INITIATOR,
					.msg_id = 7 };
	struct ike_build b;
	ike_build_init(&b, pkt, sizeof(pkt), &h);
	ike_build_sa(&b, &sa);
	ike_build_ke(&b, IKE_DH_ECP_256, ke, sizeof(ke));
	ike_build_id(&b, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"vpp.home", 8);
	ike_build_id(&b, IKE_PL_IDR, IKE_ID_IPV4_ADDR, (const uint8_t *)"\xc0\xa8\x04\x02", 4);
	ike_build_cert(&b, IKE_PL_CERT, IKE_CERT_X509_SIG, cert, sizeof(cert));
	ike_build_cert(&b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, cert, 20);
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_build_nonce(&b, nonce, sizeof(nonce));
	ike_build_notify(&b, IKE_PROTO_ESP, spis, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_build_notify(&b, 0, NULL, 0, IKE_N_COOKIE, cookie, sizeof(cookie));
	ike_build_delete(&b, IKE_PROTO_ESP, 4, 2, spis);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, 0, NULL);
	ike_build_vendor(&b, (const uint8_t *)"ipsecgw", 7);
	ike_build_ts(&b, IKE_PL_TSI, &tsi);
	ike_build_ts(&b, IKE_PL_TSR, &tsr);
	ike_build_raw(&b, IKE_PL_CP, false, cp, sizeof(cp));
	ike_build_raw(&b, IKE_PL_EAP, false, eap, sizeof(eap));
	ike_build_raw(&b, 200, false, unknown, sizeof(unknown)); /* unknown, not critical */
	size_t len = 0;
	CHECK_EQ_INT(ike_build_finish(&b, &len), 0);

	CHECK_EQ_INT(ike_parse_msg(pkt, len, &msg), IKE_PARSE_OK);
	const struct ike_msg *m = &msg;
	CHECK_EQ_INT(m->hdr.exchange, IKE_EXCH_AUTH);
	CHECK_EQ_INT(m->hdr.msg_id, 7);
	CHECK_EQ_INT(m->hdr.length, len);
	CHECK(m->hdr.major == 2 && m->hdr.minor == 0);
	CHECK_MEM(m->hdr.spi_i, h.spi_i, 8);
	CHECK_EQ_INT(m->n_pl, 18);
	CHECK(sa_equal(&m->sa, &sa));
	CHECK(m->ke.group == IKE_DH_ECP_256 && bytes_eq(m->ke.data, ke, sizeof(ke)));
	CHECK(m->idi.type == IKE_ID_FQDN && bytes_eq(m->idi.data, "vpp.home", 8));
	CHECK(m->idi.body.len == 12 && m->idi.body.ptr[0] == IKE_ID_FQDN);
	CHECK(m->idr.type == IKE_ID_IPV4_ADDR && bytes_eq(m->idr.data, "\xc0\xa8\x04\x02", 4));
	CHECK(m->n_cert == 1 && m->cert[0].encoding == IKE_CERT_X509_SIG &&
	      bytes_eq(m->cert[0].data, cert, sizeof(cert)));
	CHECK(m->n_certreq == 1 && bytes_eq(m->certreq[0].data, cert, 20));
	CHECK(m->auth.method == IKE_AUTH_SHARED_KEY_MIC && bytes_eq(m->auth.data, auth, 20));
	CHECK(bytes_eq(m->nonce, nonce, sizeof(nonce)));
	CHECK_EQ_INT(m->n_notify, 2);
	CHECK(m->notify[0].type == IKE_N_REKEY_SA && m->notify[0].spi_size == 4 &&
	      memcmp(m->notify[0].spi, spis, 4) == 0 && m->notify[0].data.len == 0);
	const struct ike_notify_pl *ck = ike_msg_notify(m, IKE_N_COOKIE);
	CHECK(ck && bytes_eq(ck->data, cookie, sizeof(cookie)) && !ck->encrypted);
	CHECK(ike_msg_notify(m, IKE_N_INITIAL_CONTACT) == NULL);
	CHECK(m->n_delete == 2 && m->del[0].n_spis == 2 && bytes_eq(m->del[0].spis, spis, 8));
	CHECK(m->del[1].protocol == IKE_PROTO_IKE && m->del[1].n_spis == 0);
	CHECK(m->n_vendor == 1 && bytes_eq(m->vendor[0], "ipsecgw", 7));
	CHECK(memcmp(&m->tsi, &tsi, sizeof(tsi)) == 0);
	CHECK(memcmp(&m->tsr, &tsr, sizeof(tsr)) == 0);
	CHECK(bytes_eq(m->cp, cp, sizeof(cp)) && bytes_eq(m->eap, eap, sizeof(eap)));
	CHECK(m->pl[17].type == 200 && !m->pl[17].critical && bytes_eq(m->pl[17].body, "xyz", 3));
	CHECK(ike_msg_has(m, IKE_PL_EAP) && !ike_msg_has(m, IKE_PL_SK) && !ike_msg_has(m, 200));

	/* Rebuild from the decoded message: identical octets. */
	ike_build_init(&b, again, sizeof(again), &m->hdr);
	ike_build_sa(&b, &m->sa);
	ike_build_ke(&b, m->ke.group, m->ke.data.ptr, m->ke.data.len);
	ike_build_id(&b, IKE_PL_IDI, m->idi.type, m->idi.data.ptr, m->idi.data.len);
	ike_build_id(&b, IKE_PL_IDR, m->idr.type, m->idr.data.ptr, m->idr.data.len);
	ike_build_cert(&b, IKE_PL_CERT, m->cert[0].encoding, m->cert[0].data.ptr, m->cert[0].data.len);
	ike_build_cert(&b, IKE_PL_CERTREQ, m->certreq[0].encoding, m->certreq[0].data.ptr,
		       m->certreq[0].data.len);
	ike_build_auth(&b, m->auth.method, m->auth.data.ptr, m->auth.data.len);
	ike_build_nonce(&b, m->nonce.ptr, m->nonce.len);
	for (unsigned i = 0; i < m->n_notify; i++)
		ike_build_notify(&b, m->notify[i].protocol, m->notify[i].spi, m->notify[i].spi_size,
				 m->notify[i].type, m->notify[i].data.ptr, m->notify[i].data.len);
	for (unsigned i = 0; i < m->n_delete; i++)
		ike_build_delete(&b, m->del[i].protocol, m->del[i].spi_size, m->del[i].n_spis,
				 m->del[i].spis.ptr);
	ike_build_vendor(&b, m->vendor[0].ptr, m->vendor[0].len);
	ike_build_ts(&b, IKE_PL_TSI, &m->tsi);
	ike_build_ts(&b, IKE_PL_TSR, &m->tsr);
	ike_build_raw(&b, IKE_PL_CP, false, m->cp.ptr, m->cp.len);
	ike_build_raw(&b, IKE_PL_EAP, false, m->eap.ptr, m->eap.len);
	ike_build_raw(&b, m->pl[17].type, false, m->pl[17].body.ptr, m->pl[17].body.len);
	size_t len2 = 0;
	CHECK_EQ_INT(ike_build_finish(&b, &len2), 0);
	CHECK_EQ_INT(len2, len);
	CHECK_MEM(again, pkt, len);

	/* Builder bounds: every buffer shorter than the message fails with -ENOSPC
	 * and never writes past its end; a big enough one succeeds. */
	size_t full = 0;
	int bad = 0;
	for (size_t cap = 0; cap <= 400; cap++) {
		memset(again, 0xee, sizeof(again));
		ike_build_init(&b, again, cap, &m->hdr);
		ike_build_sa(&b, &m->sa);
		ike_build_nonce(&b, m->nonce.ptr, m->nonce.len);
		ike_build_ts(&b, IKE_PL_TSI, &m->tsi);
		int rc = ike_build_finish(&b, &len2);
		if (rc == 0 && !full)
			full = len2;
		if ((rc == 0) != (full && cap >= full) || (rc && rc != -ENOSPC) || again[cap] != 0xee)
			bad++;
	}
	CHECK(full > 0);
	CHECK_EQ_INT(bad, 0);
	/* nothing may follow SK */
	ike_build_init(&b, again, sizeof(again), &m->hdr);
	ike_build_sk(&b, IKE_PL_IDI, 10, NULL);
	CHECK(ike_build_nonce(&b, nonce, 16) != 0);
}

/* ---- Malformed messages ------------------------------------------------------ */

struct mb {
	uint8_t b[8192];
	size_t len, np;      /* np: Next Payload octet to patch */
	uint8_t in[2048];    /* inner plaintext for inner-chain cases */
	size_t in_len, in_np;
	bool inner;          /* case targets ike_parse_inner */
	bool keep_len;       /* the case wrote the header length itself */
};

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, size_t v)
{
	put16(p, v >> 16), put16(p + 2, v & 0xffff);
}

/* IKE header; SPIr is zero only for an IKE_SA_INIT request. */
static void hdr(struct mb *m, uint8_t exch, uint8_t flags)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 8; i++)
		m->b[i] = (uint8_t)(i + 1);
	if (exch != IKE_EXCH_SA_INIT || (flags & IKE_HDR_F_RESPONSE))
		m->b[8] = 0x77;
	m->b[17] = 0x20, m->b[18] = exch, m->b[19] = flags;
	put32(m->b + 20, exch == IKE_EXCH_SA_INIT ? 0 : 1);
	m->len = IKE_HDR_LEN;
	m->np = IKE_HDR_NEXT_OFF;
}

static void init_req(struct mb *m)
{
	hdr(m, IKE_EXCH_SA_INIT, IKE_HDR_F_INITIATOR);
}

/* Append a payload with an explicit length field (plen == 0: the true length). */
static void pl_len(struct mb *m, uint8_t type, uint8_t gflags, const void *body, size_t n,
		   size_t plen)
{
	m->b[m->np] = type;
	m->np = m->len;
	m->b[m->len] = 0, m->b[m->len + 1] = gflags;
	put16(m->b + m->len + 2, plen ? plen : n + 4);
	if (n)
		memcpy(m->b + m->len + 4, body, n);
	m->len += 4 + n;
}

static void pl(struct mb *m, uint8_t type, const void *body, size_t n)
{
	pl_len(m, type, 0, body, n, 0);
}

/* Append a payload whose body is given in hex. */
static void plx(struct mb *m, uint8_t type, const char *hex)
{
	size_t n;
	unsigned char *body = t_unhex(hex, &n);
	pl(m, type, body, n);
	free(body);
}

/* Inner-chain payload. */
static void ipl(struct mb *m, uint8_t type, const void *body, size_t n, size_t plen)
{
	if (!m->inner) {
		m->inner = true;
		m->b[m->np] = IKE_PL_SK;
		m->np = m->len;
		memcpy(m->b + m->len, "\x00\x00\x00\x14", 4); /* SK: 16 octets of "ciphertext" */
		m->len += 20;
		m->in_np = (size_t)-1;
	}
	if (m->in_np == (size_t)-1)
		m->b[m->np] = type; /* SK's Next Payload names the first inner payload */
	else
		m->in[m->in_np] = type;
	m->in_np = m->in_len;
	m->in[m->in_len] = 0, m->in[m->in_len + 1] = 0;
	put16(m->in + m->in_len + 2, plen ? plen : n + 4);
	if (n)
		memcpy(m->in + m->in_len + 4, body, n);
	m->in_len += 4 + n;
}

static const uint8_t zeros[2048];

/* A valid IKE proposal: AES-CBC-256, HMAC-SHA1 PRF and INTEG, MODP-2048. */
#define PROP_IKE "0000002c 01010004 0300000c 0100000c 800e0100 03000008 02000002" \
		 "03000008 03000002 00000008 0400000e"
#define XF_LAST "00000008 0400000e"

static void ke(struct mb *m, uint16_t group, size_t n)
{
	uint8_t body[1100] = { (uint8_t)(group >> 8), (uint8_t)group };
	pl(m, IKE_PL_KE, body, 4 + n);
}

static void nonce(struct mb *m, size_t n)
{
	pl(m, IKE_PL_NONCE, zeros, n);
}

static void notify(struct mb *m, uint8_t spi_size, uint16_t type, size_t data_len)
{
	uint8_t body[300] = { IKE_PROTO_ESP, spi_size, (uint8_t)(type >> 8), (uint8_t)type };
	pl(m, IKE_PL_NOTIFY, body, 4 + spi_size + data_len);
}

static void ts_v4(uint8_t *p, size_t sel_len)
{
	const uint8_t sel[16] = { IKE_TS_IPV4_ADDR_RANGE, 0, 0, 16, 0, 0, 0xff, 0xff,
				  10, 0, 0, 0, 10, 0, 0, 255 };
	memcpy(p, sel, 16);
	put16(p + 2, sel_len);
}

/* Each case builds one datagram; the expected error and payload follow in the table. */
#define CASE(name) static void name(struct mb *m)
CASE(c_empty) { m->len = 0; m->keep_len = true; }
CASE(c_hdr_27) { init_req(m); m->len = 27; m->keep_len = true; }
CASE(c_ver1) { init_req(m); m->b[17] = 0x10; }
CASE(c_ver3) { init_req(m); m->b[17] = 0x30; }
CASE(c_ver21_ok) { init_req(m); m->b[17] = 0x21; nonce(m, 32); }
CASE(c_len_big) { init_req(m); nonce(m, 32); put32(m->b + 24, m->len + 1); m->keep_len = true; }
CASE(c_len_small) { init_req(m); nonce(m, 32); put32(m->b + 24, m->len - 1); m->keep_len = true; }
CASE(c_len_zero) { init_req(m); put32(m->b + 24, 0); m->keep_len = true; }
CASE(c_spi_i_zero) { init_req(m); memset(m->b, 0, 8); }
CASE(c_exch_33) { hdr(m, 33, IKE_HDR_F_INITIATOR); }
CASE(c_exch_38) { hdr(m, 38, IKE_HDR_F_INITIATOR); }
CASE(c_init_msgid) { init_req(m); put32(m->b + 20, 1); }
CASE(c_init_spir) { init_req(m); m->b[15] = 1; }
CASE(c_init_resp_spir_ok) { hdr(m, IKE_EXCH_SA_INIT, IKE_HDR_F_RESPONSE); nonce(m, 32); }
CASE(c_pl_trunc) { init_req(m); m->b[16] = IKE_PL_NONCE; m->len += 3; }
CASE(c_pl_len_3) { init_req(m); pl_len(m, IKE_PL_NONCE, 0, zeros, 32, 3); }
CASE(c_pl_len_0) { init_req(m); pl(m, IKE_PL_VENDOR, zeros, 8); put16(m->b + 30, 0); }
CASE(c_pl_overrun) { init_req(m); pl_len(m, IKE_PL_NONCE, 0, zeros, 32, 37); }
CASE(c_pl_overrun_2nd) { init_req(m); nonce(m, 32); pl_len(m, IKE_PL_VENDOR, 0, zeros, 4, 9); }
CASE(c_trailing) { init_req(m); nonce(m, 32); m->len += 2; }
CASE(c_trailing_no_pl) { init_req(m); m->len += 4; }
CASE(c_critical) { init_req(m); nonce(m, 32); pl_len(m, 100, IKE_GEN_F_CRITICAL, zeros, 4, 0); }
CASE(c_critical_49) { init_req(m); pl_len(m, 49, IKE_GEN_F_CRITICAL, zeros, 0, 0); nonce(m, 32); }
CASE(c_unknown_ok) { init_req(m); pl(m, 100, zeros, 7); nonce(m, 32); pl(m, 255, zeros, 0); }
CASE(c_known_critical_ok) { init_req(m); pl_len(m, IKE_PL_NONCE, IKE_GEN_F_CRITICAL, zeros, 32, 0); }
CASE(c_dup_sa) { init_req(m); plx(m, IKE_PL_SA, PROP_IKE); plx(m, IKE_PL_SA, PROP_IKE); }
CASE(c_dup_nonce) { init_req(m); nonce(m, 32); nonce(m, 16); }
CASE(c_sk_not_last) { hdr(m, IKE_EXCH_AUTH, 8); pl(m, IKE_PL_SK, zeros, 20); m->len += 4; }
CASE(c_sk_in_init) { init_req(m); pl(m, IKE_PL_SK, zeros, 20); }
CASE(c_too_many_pl) { init_req(m); for (int i = 0; i < 65; i++) pl(m, 150, zeros, 0); }
CASE(c_too_many_vid) { init_req(m); for (int i = 0; i < 17; i++) pl(m, IKE_PL_VENDOR, zeros, 4); }
CASE(c_sa_empty) { init_req(m); pl(m, IKE_PL_SA, zeros, 0); }
CASE(c_prop_trunc) { init_req(m); plx(m, IKE_PL_SA, "0000002c 010100"); }
CASE(c_prop_len_7) { init_req(m); plx(m, IKE_PL_SA, "00000007 01010000"); }
CASE(c_prop_len_past) { init_req(m); plx(m, IKE_PL_SA, "0000002d 01010004 0300000c 0100000c 800e0100 03000008 02000002 03000008 03000002 00000008 0400000e"); }
CASE(c_prop_len_spi) { init_req(m); plx(m, IKE_PL_SA, "0000000b 01030400 000000"); }
CASE(c_prop_last_2) { init_req(m); plx(m, IKE_PL_SA, "0200002c 01010004 0300000c 0100000c 800e0100 03000008 02000002 03000008 03000002 " XF_LAST); }
CASE(c_prop_last_0_mid) { init_req(m); plx(m, IKE_PL_SA, "00000010 01010001 " XF_LAST "00000010 02010001 " XF_LAST); }
CASE(c_prop_last_1) { init_req(m); plx(m, IKE_PL_SA, "01000010 01010001 " XF_LAST); }
CASE(c_prop_num_2) { init_req(m); plx(m, IKE_PL_SA, "00000010 02010001 " XF_LAST); }
CASE(c_prop_num_11) { init_req(m); plx(m, IKE_PL_SA, "02000010 01010001 " XF_LAST "00000010 01010001 " XF_LAST); }
CASE(c_prop_num_resp_ok) { hdr(m, IKE_EXCH_SA_INIT, IKE_HDR_F_RESPONSE); plx(m, IKE_PL_SA, "00000010 03010001 " XF_LAST); }
CASE(c_esp_spi_8) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_SA, "00000018 01030801 0102030405060708" XF_LAST); }
CASE(c_ike_spi_4) { init_req(m); plx(m, IKE_PL_SA, "00000014 01010401 01020304" XF_LAST); }
CASE(c_nxf_3) { init_req(m); plx(m, IKE_PL_SA, "0000002c 01010003 0300000c 0100000c 800e0100 03000008 02000002 03000008 03000002 " XF_LAST); }
CASE(c_nxf_5) { init_req(m); plx(m, IKE_PL_SA, "0000002c 01010005 0300000c 0100000c 800e0100 03000008 02000002 03000008 03000002 " XF_LAST); }
CASE(c_xf_trunc) { init_req(m); plx(m, IKE_PL_SA, "0000000d 01010001 0000000804"); }
CASE(c_xf_len_7) { init_req(m); plx(m, IKE_PL_SA, "00000010 01010001 00000007 0400000e"); }
CASE(c_xf_len_past) { init_req(m); plx(m, IKE_PL_SA, "00000010 01010001 0000000c 0400000e"); }
CASE(c_xf_last_3) { init_req(m); plx(m, IKE_PL_SA, "00000010 01010001 03000008 0400000e"); }
CASE(c_xf_last_0_mid) { init_req(m); plx(m, IKE_PL_SA, "00000018 01010002 00000008 02000002 " XF_LAST); }
CASE(c_attr_trunc) { init_req(m); plx(m, IKE_PL_SA, "00000012 01010001 0000000a 0100000c 800e"); }
CASE(c_attr_tlv_past) { init_req(m); plx(m, IKE_PL_SA, "00000014 01010001 0000000c 0100000c 000e0004"); }
CASE(c_attr_unknown_ok) { init_req(m); plx(m, IKE_PL_SA, "00000014 01010001 0000000c 0100000c 80070001"); }
CASE(c_too_many_props)
{
	init_req(m);
	char hex[33 * 40 + 1] = "";
	for (int i = 1; i <= 33; i++) {
		char one[41];
		snprintf(one, sizeof(one), "%02x000010 %02x010001 00000008 0400000e", i == 33 ? 0 : 2, i);
		strcat(hex, one);
	}
	plx(m, IKE_PL_SA, hex);
}
CASE(c_too_many_xf)
{
	init_req(m);
	uint8_t sa[8 + 65 * 8] = { 0, 0, 0, 0, 1, 1, 0, 65 };
	put16(sa + 2, sizeof(sa));
	for (int i = 0; i < 65; i++) {
		uint8_t xf[8] = { i == 64 ? 0 : 3, 0, 0, 8, IKE_XFORM_DH, 0, 0, 14 };
		memcpy(sa + 8 + 8 * i, xf, 8);
	}
	pl(m, IKE_PL_SA, sa, sizeof(sa));
}
CASE(c_ke_short) { init_req(m); pl(m, IKE_PL_KE, zeros, 3); }
CASE(c_ke_14_255) { init_req(m); ke(m, 14, 255); }
CASE(c_ke_19_65) { init_req(m); ke(m, 19, 65); }
CASE(c_ke_14_0) { init_req(m); ke(m, 14, 0); }
CASE(c_ke_21_131) { init_req(m); ke(m, 21, 131); }
CASE(c_ke_unknown_ok) { init_req(m); ke(m, 99, 10); }
CASE(c_ke_unknown_0) { init_req(m); ke(m, 99, 0); }
CASE(c_nonce_15) { init_req(m); nonce(m, 15); }
CASE(c_nonce_257) { init_req(m); nonce(m, 257); }
CASE(c_nonce_16_ok) { init_req(m); nonce(m, 16); }
CASE(c_nonce_256_ok) { init_req(m); nonce(m, 256); }
CASE(c_id_empty) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_IDI, "02000000"); }
CASE(c_id_v4_5) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_IDI, "01000000 0a000001 00"); }
CASE(c_id_v6_4) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_IDR, "05000000 0a000001"); }
CASE(c_id_short) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_IDI, "020000"); }
CASE(c_auth_empty) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_AUTH, "02000000"); }
CASE(c_n_short) { init_req(m); plx(m, IKE_PL_NOTIFY, "000040"); }
CASE(c_n_spi_3) { init_req(m); notify(m, 3, IKE_N_INITIAL_CONTACT, 0); }
CASE(c_n_spi_past) { init_req(m); plx(m, IKE_PL_NOTIFY, "01084006 01020304"); }
CASE(c_n_rekey_spi_0) { hdr(m, IKE_EXCH_CREATE_CHILD_SA, 8); notify(m, 0, IKE_N_REKEY_SA, 0); }
CASE(c_n_natd_19) { init_req(m); notify(m, 0, IKE_N_NAT_DETECTION_SOURCE_IP, 19); }
CASE(c_n_cookie_0) { init_req(m); notify(m, 0, IKE_N_COOKIE, 0); }
CASE(c_n_cookie_65) { init_req(m); notify(m, 0, IKE_N_COOKIE, 65); }
CASE(c_n_invalid_ke_1) { hdr(m, IKE_EXCH_SA_INIT, IKE_HDR_F_RESPONSE); notify(m, 0, IKE_N_INVALID_KE_PAYLOAD, 1); }
CASE(c_n_too_many) { init_req(m); for (int i = 0; i < 33; i++) notify(m, 0, IKE_N_INITIAL_CONTACT, 0); }
CASE(c_d_proto_5) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); plx(m, IKE_PL_DELETE, "05040001 01020304"); }
CASE(c_d_ike_spi_4) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); plx(m, IKE_PL_DELETE, "01040001 01020304"); }
CASE(c_d_esp_spi_8) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); plx(m, IKE_PL_DELETE, "03080001 0102030405060708"); }
CASE(c_d_esp_count) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); plx(m, IKE_PL_DELETE, "03040003 01020304 05060708"); }
CASE(c_d_esp_zero) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); plx(m, IKE_PL_DELETE, "03040000"); }
CASE(c_ts_short) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_TSI, "010000"); }
CASE(c_ts_count_2) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[20] = { 2 }; ts_v4(b + 4, 16); pl(m, IKE_PL_TSI, b, 20); }
CASE(c_ts_count_0) { hdr(m, IKE_EXCH_AUTH, 8); pl(m, IKE_PL_TSR, zeros, 4); }
CASE(c_ts_trunc) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[9] = { 1, 0, 0, 0, 7, 0, 0, 16, 0 }; pl(m, IKE_PL_TSI, b, 9); }
CASE(c_ts_type_9) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[20] = { 1 }; ts_v4(b + 4, 16); b[4] = 9; pl(m, IKE_PL_TSI, b, 20); }
CASE(c_ts_v4_40) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[44] = { 1 }; ts_v4(b + 4, 40); pl(m, IKE_PL_TSI, b, 44); }
CASE(c_ts_v6_16) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[20] = { 1 }; ts_v4(b + 4, 16); b[4] = 8; pl(m, IKE_PL_TSI, b, 20); }
CASE(c_ts_past) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[20] = { 1 }; ts_v4(b + 4, 16); pl(m, IKE_PL_TSI, b, 18); }
CASE(c_ts_too_many) { hdr(m, IKE_EXCH_AUTH, 8); uint8_t b[4 + 17 * 16] = { 17 }; for (int i = 0; i < 17; i++) ts_v4(b + 4 + 16 * i, 16); pl(m, IKE_PL_TSI, b, sizeof(b)); }
CASE(c_cert_empty) { hdr(m, IKE_EXCH_AUTH, 8); pl(m, IKE_PL_CERT, zeros, 0); }
CASE(c_certreq_ok) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_CERTREQ, "04"); }
CASE(c_eap_short) { hdr(m, IKE_EXCH_AUTH, 8); plx(m, IKE_PL_EAP, "010100"); }
CASE(c_in_trunc) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); m->in_len = 3; }
CASE(c_in_overrun) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); ipl(m, IKE_PL_AUTH, "\x02\0\0\0a", 5, 10); }
CASE(c_in_dup) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); ipl(m, IKE_PL_IDI, "\x02\0\0\0b", 5, 0); }
CASE(c_in_nested) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); ipl(m, IKE_PL_SK, zeros, 16, 0); }
CASE(c_in_trailing) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); m->in_len += 3; }
CASE(c_in_critical) { hdr(m, IKE_EXCH_AUTH, 8); ipl(m, IKE_PL_IDI, "\x02\0\0\0a", 5, 0); ipl(m, 77, zeros, 2, 0); m->in[m->in_np + 1] = IKE_GEN_F_CRITICAL; }
CASE(c_in_empty_ok) { hdr(m, IKE_EXCH_INFORMATIONAL, 8); ipl(m, IKE_PL_NONE, zeros, 0, 0); m->in_len = 0; }

struct mcase {
	const char *name;
	void (*make)(struct mb *);
	enum ike_parse_err want;
	int payload; /* expected err.payload, -1: not checked */
};

#define C(fn, err, pl) { #fn, fn, IKE_PARSE_##err, pl }
static const struct mcase cases[] = {
	C(c_empty, HDR_TRUNC, -1),
	C(c_hdr_27, HDR_TRUNC, -1),
	C(c_ver1, VERSION, -1),
	C(c_ver3, VERSION, -1),
	C(c_ver21_ok, OK, -1),
	C(c_len_big, MSG_LEN, -1),
	C(c_len_small, MSG_LEN, -1),
	C(c_len_zero, MSG_LEN, -1),
	C(c_spi_i_zero, SPI_I_ZERO, -1),
	C(c_exch_33, EXCHANGE, -1),
	C(c_exch_38, EXCHANGE, -1),
	C(c_init_msgid, INIT_MSG_ID, -1),
	C(c_init_spir, INIT_SPI_R, -1),
	C(c_init_resp_spir_ok, OK, -1),
	C(c_pl_trunc, PL_TRUNC, IKE_PL_NONCE),
	C(c_pl_len_3, PL_LEN_SHORT, IKE_PL_NONCE),
	C(c_pl_len_0, PL_LEN_SHORT, IKE_PL_VENDOR),
	C(c_pl_overrun, PL_LEN_OVERRUN, IKE_PL_NONCE),
	C(c_pl_overrun_2nd, PL_LEN_OVERRUN, IKE_PL_VENDOR),
	C(c_trailing, TRAILING, -1),
	C(c_trailing_no_pl, TRAILING, -1),
	C(c_critical, CRITICAL, 100),
	C(c_critical_49, CRITICAL, 49),
	C(c_unknown_ok, OK, -1),
	C(c_known_critical_ok, OK, -1),
	C(c_dup_sa, DUPLICATE, IKE_PL_SA),
	C(c_dup_nonce, DUPLICATE, IKE_PL_NONCE),
	C(c_sk_not_last, SK_NOT_LAST, IKE_PL_SK),
	C(c_sk_in_init, SK_IN_SA_INIT, IKE_PL_SK),
	C(c_too_many_pl, TOO_MANY, 150),
	C(c_too_many_vid, TOO_MANY, IKE_PL_VENDOR),
	C(c_sa_empty, SA_EMPTY, IKE_PL_SA),
	C(c_prop_trunc, PROP_TRUNC, IKE_PL_SA),
	C(c_prop_len_7, PROP_LEN, IKE_PL_SA),
	C(c_prop_len_past, PROP_LEN, IKE_PL_SA),
	C(c_prop_len_spi, PROP_LEN, IKE_PL_SA),
	C(c_prop_last_2, PROP_LAST, IKE_PL_SA),
	C(c_prop_last_0_mid, PROP_LAST, IKE_PL_SA),
	C(c_prop_last_1, PROP_LAST, IKE_PL_SA),
	C(c_prop_num_2, PROP_NUM, IKE_PL_SA),
	C(c_prop_num_11, PROP_NUM, IKE_PL_SA),
	C(c_prop_num_resp_ok, OK, -1),
	C(c_esp_spi_8, PROP_SPI_SIZE, IKE_PL_SA),
	C(c_ike_spi_4, PROP_SPI_SIZE, IKE_PL_SA),
	C(c_nxf_3, PROP_XFORM_COUNT, IKE_PL_SA),
	C(c_nxf_5, PROP_XFORM_COUNT, IKE_PL_SA),
	C(c_xf_trunc, XFORM_TRUNC, IKE_PL_SA),
	C(c_xf_len_7, XFORM_LEN, IKE_PL_SA),
	C(c_xf_len_past, XFORM_LEN, IKE_PL_SA),
	C(c_xf_last_3, XFORM_LAST, IKE_PL_SA),
	C(c_xf_last_0_mid, XFORM_LAST, IKE_PL_SA),
	C(c_attr_trunc, ATTR_TRUNC, IKE_PL_SA),
	C(c_attr_tlv_past, ATTR_LEN, IKE_PL_SA),
	C(c_attr_unknown_ok, OK, -1),
	C(c_too_many_props, TOO_MANY, IKE_PL_SA),
	C(c_too_many_xf, TOO_MANY, IKE_PL_SA),
	C(c_ke_short, PL_LEN_SHORT, IKE_PL_KE),
	C(c_ke_14_255, KE_LEN, IKE_PL_KE),
	C(c_ke_19_65, KE_LEN, IKE_PL_KE),
	C(c_ke_14_0, KE_LEN, IKE_PL_KE),
	C(c_ke_21_131, KE_LEN, IKE_PL_KE),
	C(c_ke_unknown_ok, OK, -1),
	C(c_ke_unknown_0, KE_LEN, IKE_PL_KE),
	C(c_nonce_15, NONCE_LEN, IKE_PL_NONCE),
	C(c_nonce_257, NONCE_LEN, IKE_PL_NONCE),
	C(c_nonce_16_ok, OK, -1),
	C(c_nonce_256_ok, OK, -1),
	C(c_id_empty, ID_LEN, IKE_PL_IDI),
	C(c_id_v4_5, ID_LEN, IKE_PL_IDI),
	C(c_id_v6_4, ID_LEN, IKE_PL_IDR),
	C(c_id_short, PL_LEN_SHORT, IKE_PL_IDI),
	C(c_auth_empty, AUTH_LEN, IKE_PL_AUTH),
	C(c_n_short, PL_LEN_SHORT, IKE_PL_NOTIFY),
	C(c_n_spi_3, NOTIFY_SPI_SIZE, IKE_PL_NOTIFY),
	C(c_n_spi_past, NOTIFY_SPI_SIZE, IKE_PL_NOTIFY),
	C(c_n_rekey_spi_0, NOTIFY_SPI_SIZE, IKE_PL_NOTIFY),
	C(c_n_natd_19, NOTIFY_DATA, IKE_PL_NOTIFY),
	C(c_n_cookie_0, NOTIFY_DATA, IKE_PL_NOTIFY),
	C(c_n_cookie_65, NOTIFY_DATA, IKE_PL_NOTIFY),
	C(c_n_invalid_ke_1, NOTIFY_DATA, IKE_PL_NOTIFY),
	C(c_n_too_many, TOO_MANY, IKE_PL_NOTIFY),
	C(c_d_proto_5, DELETE_PROTO, IKE_PL_DELETE),
	C(c_d_ike_spi_4, DELETE_SPI_SIZE, IKE_PL_DELETE),
	C(c_d_esp_spi_8, DELETE_SPI_SIZE, IKE_PL_DELETE),
	C(c_d_esp_count, DELETE_LEN, IKE_PL_DELETE),
	C(c_d_esp_zero, DELETE_LEN, IKE_PL_DELETE),
	C(c_ts_short, PL_LEN_SHORT, IKE_PL_TSI),
	C(c_ts_count_2, TS_COUNT, IKE_PL_TSI),
	C(c_ts_count_0, TS_COUNT, IKE_PL_TSR),
	C(c_ts_trunc, TS_TRUNC, IKE_PL_TSI),
	C(c_ts_type_9, TS_TYPE, IKE_PL_TSI),
	C(c_ts_v4_40, TS_LEN, IKE_PL_TSI),
	C(c_ts_v6_16, TS_LEN, IKE_PL_TSI),
	C(c_ts_past, TS_LEN, IKE_PL_TSI),
	C(c_ts_too_many, TOO_MANY, IKE_PL_TSI),
	C(c_cert_empty, PL_LEN_SHORT, IKE_PL_CERT),
	C(c_certreq_ok, OK, -1),
	C(c_eap_short, PL_LEN_SHORT, IKE_PL_EAP),
	C(c_in_trunc, PL_TRUNC, IKE_PL_IDI),
	C(c_in_overrun, PL_LEN_OVERRUN, IKE_PL_AUTH),
	C(c_in_dup, DUPLICATE, IKE_PL_IDI),
	C(c_in_nested, SK_NESTED, IKE_PL_SK),
	C(c_in_trailing, TRAILING, -1),
	C(c_in_critical, CRITICAL, 77),
	C(c_in_empty_ok, OK, -1),
};

static void test_malformed(void)
{
	static struct mb m;
	unsigned n = sizeof(cases) / sizeof(cases[0]), bad_cases = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct mcase *c = &cases[i];
		c->make(&m);
		if (!m.keep_len)
			put32(m.b + 24, m.len);
		enum ike_parse_err got = ike_parse_msg(m.b, m.len, &msg);
		if (m.inner && got == IKE_PARSE_OK)
			got = ike_parse_inner(&msg, m.in, m.in_len);
		bool ok = got == c->want;
		if (ok && got != IKE_PARSE_OK && c->payload >= 0 && msg.err.payload != c->payload)
			ok = false;
		if (ok && got != IKE_PARSE_OK && msg.err.code != got)
			ok = false;
		if (ok && got != IKE_PARSE_OK && msg.err.inner != m.inner)
			ok = false;
		t_checks++;
		if (!ok) {
			t_failures++;
			bad_cases++;
			fprintf(stderr, "case %u %s: got %s (payload %u), want %s (payload %d)\n",
				i + 1, c->name, ike_parse_err_name(got), msg.err.payload,
				ike_parse_err_name(c->want), c->payload);
		}
	}
	printf("malformed table: %u cases, %u failed\n", n, bad_cases);
	CHECK(n >= 50);

	/* details of a few accepted cases */
	c_unknown_ok(&m);
	put32(m.b + 24, m.len);
	CHECK_EQ_INT(ike_parse_msg(m.b, m.len, &msg), IKE_PARSE_OK);
	CHECK(msg.n_pl == 3 && msg.pl[0].type == 100 && msg.pl[2].type == 255);
	c_attr_unknown_ok(&m);
	put32(m.b + 24, m.len);
	CHECK_EQ_INT(ike_parse_msg(m.b, m.len, &msg), IKE_PARSE_OK);
	CHECK(msg.sa.prop[0].xf[0].unknown_attr && msg.sa.prop[0].xf[0].key_bits == 0);
	c_critical(&m);
	put32(m.b + 24, m.len);
	CHECK_EQ_INT(ike_parse_msg(m.b, m.len, &msg), IKE_PARSE_CRITICAL);
	CHECK_EQ_INT(ike_parse_err_notify(msg.err.code), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	CHECK_EQ_INT(msg.err.offset, IKE_HDR_LEN + 36);
	CHECK_EQ_INT(ike_parse_err_notify(IKE_PARSE_VERSION), IKE_N_INVALID_MAJOR_VERSION);
	CHECK_EQ_INT(ike_parse_err_notify(IKE_PARSE_KE_LEN), IKE_N_INVALID_SYNTAX);
	CHECK_EQ_INT(ike_parse_err_notify(IKE_PARSE_OK), 0);
}

/* Every prefix of a valid message fails cleanly (truncated at every field). */
static void test_truncation(void)
{
	static struct mb m;
	init_req(&m);
	plx(&m, IKE_PL_SA, PROP_IKE);
	ke(&m, 14, 256);
	nonce(&m, 32);
	notify(&m, 0, IKE_N_NAT_DETECTION_SOURCE_IP, 20);
	put32(m.b + 24, m.len);
	CHECK_EQ_INT(ike_parse_msg(m.b, m.len, &msg), IKE_PARSE_OK);
	int accepted = 0;
	for (size_t n = 0; n < m.len; n++) {
		put32(m.b + 24, n); /* header agrees with the shorter datagram */
		if (ike_parse_msg(m.b, n, &msg) == IKE_PARSE_OK)
			accepted++;
	}
	CHECK_EQ_INT(accepted, 0);
}

int main(void)
{
	for (int i = 0; i < IKE_PARSE_N_ERRORS; i++)
		CHECK(strcmp(ike_parse_err_name(i), "?") != 0 && ike_parse_strerror(i)[0]);
	test_round_trip();
	test_malformed();
	test_truncation();
	return t_done("test_ike_parse");
}

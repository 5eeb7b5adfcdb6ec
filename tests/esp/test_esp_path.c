/*
 * The ESP bursts end to end, in C: every algorithm in every mode, with and
 * without ESN and UDP encapsulation, encrypted by one engine and decrypted by
 * the other; the outer headers checked field by field; sequence number
 * exhaustion; IV uniqueness; the window at packet level; padding, dummy
 * packets, TFC padding, malformed input and the helpers. (Conformance with
 * an independent implementation is test_scapy.py; tampering test_tamper.c.)
 */
#include <stdalign.h>

#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "esp_test.h"

static struct esp_engine_worker *W;
static int runs;

enum mode { TUN44, TUN66, TUN46, TUN64, TRA4, TRA6, MODE_N };
static const char *const mode_name[] = { "tunnel 4in4", "tunnel 6in6", "tunnel 4in6", "tunnel 6in4",
					 "transport 4", "transport 6" };
static const int mode_inner_v6[] = { 0, 1, 0, 1, 0, 1 };
static const uint32_t mode_flags[] = {
	SHM_SA_TUNNEL, SHM_SA_TUNNEL | SHM_SA_TUNNEL_V6, SHM_SA_TUNNEL | SHM_SA_TUNNEL_V6, SHM_SA_TUNNEL, 0, 0,
};

/* Every cipher at least once, every integrity algorithm at least twice. */
static const uint8_t pairs[][2] = {
	{ SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96 },   { SHM_CRYPTO_AES_CBC_192, SHM_INTEG_SHA_256_128 },
	{ SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_512_256 }, { SHM_CRYPTO_AES_CTR_128, SHM_INTEG_SHA_256_96 },
	{ SHM_CRYPTO_AES_CTR_192, SHM_INTEG_MD5_96 },    { SHM_CRYPTO_AES_CTR_256, SHM_INTEG_SHA_384_192 },
	{ SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE },      { SHM_CRYPTO_AES_GCM_192, SHM_INTEG_NONE },
	{ SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE },      { SHM_CRYPTO_DES_CBC, SHM_INTEG_SHA1_96 },
	{ SHM_CRYPTO_3DES_CBC, SHM_INTEG_SHA_256_96 },   { SHM_CRYPTO_NONE, SHM_INTEG_MD5_96 },
	{ SHM_CRYPTO_NONE, SHM_INTEG_SHA1_96 },          { SHM_CRYPTO_NONE, SHM_INTEG_SHA_256_96 },
	{ SHM_CRYPTO_NONE, SHM_INTEG_SHA_256_128 },      { SHM_CRYPTO_NONE, SHM_INTEG_SHA_384_192 },
	{ SHM_CRYPTO_NONE, SHM_INTEG_SHA_512_256 },      { SHM_CRYPTO_AES_CBC_128, SHM_INTEG_MD5_96 },
	{ SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_384_192 },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Plain RFC 1071 sum over big-endian 16-bit words, written independently of esp_ip.h. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Checks the outer headers of an encapsulated packet; returns the ESP
 * header offset. */
static uint32_t check_outer(const char *what, const struct shm_sa *cfg, const struct esp_sa_out *sa,
			    const struct esp_pkt *p, int inner_v6, uint64_t seq)
{
	const uint8_t *d = p->data;
	int tunnel = cfg->flags & SHM_SA_TUNNEL;
	int outer_v6 = tunnel ? !!(cfg->flags & SHM_SA_TUNNEL_V6) : inner_v6;
	uint32_t hl = outer_v6 ? 40 : 20, off, esp_len;
	uint8_t proto = cfg->flags & SHM_SA_UDP_ENCAP ? 17 : 50;

	CHECK((d[0] >> 4) == (outer_v6 ? 6 : 4), "%s: outer version", what);
	if (outer_v6) {
		CHECK(be16(d + 4) == p->len - 40, "%s: IPv6 payload length", what);
		CHECK(d[6] == proto, "%s: next header %u", what, d[6]);
		if (tunnel) {
			CHECK(d[7] == 64, "%s: hop limit", what);
			CHECK(memcmp(d + 8, cfg->tunnel_src, 16) == 0 && memcmp(d + 24, cfg->tunnel_dst, 16) == 0,
			      "%s: tunnel addresses", what);
		}
	} else {
		CHECK(be16(d + 2) == p->len, "%s: IPv4 total length", what);
		CHECK(d[9] == proto, "%s: protocol %u", what, d[9]);
		CHECK(fold(sum16(d, 20, 0)) == 0xffff, "%s: IPv4 header checksum", what);
		if (tunnel) {
			CHECK(d[8] == 64, "%s: TTL", what);
			CHECK(be16(d + 4) == (uint16_t)seq, "%s: id", what);
			CHECK(memcmp(d + 12, cfg->tunnel_src, 4) == 0 && memcmp(d + 16, cfg->tunnel_dst, 4) == 0,
			      "%s: tunnel addresses", what);
			if (!inner_v6)
				CHECK(d[1] == 0x08 && (d[6] & 0x40), "%s: TOS/DF from the inner header", what);
		}
	}
	off = hl;
	if (cfg->flags & SHM_SA_UDP_ENCAP) {
		CHECK(be16(d + off) == 4500 && be16(d + off + 2) == 4500, "%s: UDP ports", what);
		CHECK(be16(d + off + 4) == p->len - off, "%s: UDP length", what);
		if (outer_v6) {
			uint8_t ph[8] = { 0, 0, (uint8_t)((p->len - off) >> 8), (uint8_t)(p->len - off), 0, 0, 0, 17 };
			uint32_t s = sum16(d + 8, 32, 0);

			s = sum16(ph, 8, s);
			s = sum16(d + off, p->len - off, s);
			CHECK(be16(d + off + 6) != 0 && fold(s) == 0xffff, "%s: IPv6 UDP checksum", what);
		} else {
			CHECK(be16(d + off + 6) == 0, "%s: IPv4 UDP checksum must be 0", what);
		}
		off += 8;
	}
	CHECK(be32(d + off) == cfg->spi, "%s: SPI", what);
	CHECK(be32(d + off + 4) == (uint32_t)seq, "%s: sequence number", what);
	if (sa->flags & ESP_SA_F_IV_SEQ) {
		uint8_t iv[8];

		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(seq >> (56 - 8 * i));
		CHECK(memcmp(d + off + 8, iv, 8) == 0, "%s: IV must be the sequence number", what);
	}
	esp_len = p->len - off - 8 - sa->iv_len - sa->icv_len;
	CHECK(esp_len % sa->align == 0, "%s: ciphertext %u not aligned to %u", what, esp_len, sa->align);
	return off;
}

static void roundtrip(unsigned crypto, unsigned integ, enum mode m, int esn, int udp, int eng_out,
		      int eng_in)
{
	static struct tbuf tb[3], orig[3], enc[3];
	static const uint32_t sizes[3] = { 0, 37, 1400 };
	static alignas(64) struct shm_sa_rt rt_out, rt_in;
	struct esp_pkt *pk[3];
	struct shm_sa cfg;
	struct esp_sa_out *so;
	struct esp_sa_in *si;
	char err[256], what[160];
	int v6 = mode_inner_v6[m];
	uint16_t good;

	esp_test_sa(&cfg, crypto, integ, mode_flags[m] | (esn ? SHM_SA_ESN : 0) |
		    (udp ? SHM_SA_UDP_ENCAP : 0) | SHM_SA_ANTI_REPLAY);
	snprintf(what, sizeof(what), "%s/%s %s esn=%d udp=%d %s->%s", esp_alg_crypto(crypto)->name,
		 esp_alg_integ(integ)->name, mode_name[m], esn, udp, esp_engine_name(eng_out),
		 esp_engine_name(eng_in));
	so = esp_sa_out_create(&cfg, eng_out, err, sizeof(err));
	CHECK(so, "%s: %s", what, err);
	si = esp_sa_in_create(&cfg, eng_in, err, sizeof(err));
	CHECK(si, "%s: %s", what, err);
	memset(&rt_out, 0, sizeof(rt_out));
	memset(&rt_in, 0, sizeof(rt_in));
	/* with ESN, start just below 2^32 so the burst crosses into seq-hi 1 */
	rt_out.seq_out = esn ? 0xfffffffeu : 41;
	rt_in.in_top = esn ? 0xfffffff0u : 0;
	for (int i = 0; i < 3; i++) {
		tb_udp(&tb[i], v6, sizes[i], (uint8_t)(i * 31 + m));
		orig[i] = tb[i];
		pk[i] = &tb[i].p;
	}
	good = esp_outb_process(W, so, &rt_out, pk, 3);
	CHECK(good == 3, "%s: outbound %u good, first drop %u", what, good, pk[good]->drop);
	for (int i = 0; i < 3; i++) {
		uint64_t seq = (esn ? 0xfffffffeu : 41) + 1 + (uint64_t)i;

		CHECK(pk[i] == &tb[i].p, "%s: order", what);
		check_outer(what, &cfg, so, pk[i], v6, seq);
		CHECK(pk[i]->data - tb[i].mem + pk[i]->len + pk[i]->tailroom == TB_SIZE &&
		      pk[i]->data - tb[i].mem == pk[i]->headroom, "%s: room bookkeeping", what);
	}
	CHECK(rt_out.seq_out == (esn ? 0x100000001ull : 44), "%s: seq_out", what);
	for (int i = 0; i < 3; i++) {
		enc[i] = tb[i];
		enc[i].p.data = enc[i].mem + (tb[i].p.data - tb[i].mem);
	}
	good = esp_inb_process(W, si, &rt_in, pk, 3);
	CHECK(good == 3, "%s: inbound %u good, first drop %s", what, good, shm_drop_name(pk[good]->drop));
	for (int i = 0; i < 3; i++) {
		CHECK(pk[i]->len == orig[i].p.len && memcmp(pk[i]->data, orig[i].p.data, pk[i]->len) == 0,
		      "%s: packet %d differs after the round trip", what, i);
		CHECK(pk[i]->next_proto == ((cfg.flags & SHM_SA_TUNNEL) ? (v6 ? 41 : 4) : 17), "%s: next_proto",
		      what);
		CHECK(pk[i]->data - tb[i].mem + pk[i]->len + pk[i]->tailroom == TB_SIZE &&
		      pk[i]->data - tb[i].mem == pk[i]->headroom, "%s: room bookkeeping in", what);
	}
	CHECK(rt_in.in_top == (esn ? 0x100000001ull : 44), "%s: in_top", what);
	/* the same packets again: all replays */
	for (int i = 0; i < 3; i++)
		pk[i] = &enc[i].p;
	CHECK(esp_inb_process(W, si, &rt_in, pk, 3) == 0 && enc[0].p.drop == SHM_DROP_REPLAY &&
	      enc[2].p.drop == SHM_DROP_REPLAY, "%s: replays accepted", what);
	esp_sa_out_free(so);
	esp_sa_in_free(si);
	runs++;
}

static void test_roundtrips(void)
{
	for (size_t p = 0; p < NPAIRS; p++)
		for (int m = 0; m < MODE_N; m++)
			for (int f = 0; f < 4; f++) {
				roundtrip(pairs[p][0], pairs[p][1], m, f & 1, f >> 1, ESP_ENGINE_IMB, ESP_ENGINE_OSSL);
				roundtrip(pairs[p][0], pairs[p][1], m, f & 1, f >> 1, ESP_ENGINE_OSSL, ESP_ENGINE_IMB);
			}
}

/* ---- targeted cases ----------------------------------------------------------- */

struct pair_sa {
	struct shm_sa cfg;
	struct esp_sa_out *out;
	struct esp_sa_in *in;
	alignas(64) struct shm_sa_rt rt_out, rt_in;
};

static void pair_make(struct pair_sa *s, unsigned crypto, unsigned integ, uint32_t flags, int engine)
{
	char err[256];

	esp_test_sa(&s->cfg, crypto, integ, flags | SHM_SA_ANTI_REPLAY);
	s->out = esp_sa_out_create(&s->cfg, engine, err, sizeof(err));
	CHECK(s->out, "%s", err);
	s->in = esp_sa_in_create(&s->cfg, engine, err, sizeof(err));
	CHECK(s->in, "%s", err);
	memset(&s->rt_out, 0, sizeof(s->rt_out));
	memset(&s->rt_in, 0, sizeof(s->rt_in));
}

static void pair_free(struct pair_sa *s)
{
	esp_sa_out_free(s->out);
	esp_sa_in_free(s->in);
}

static uint16_t out1(struct pair_sa *s, struct tbuf *t)
{
	struct esp_pkt *p = &t->p;

	return esp_outb_process(W, s->out, &s->rt_out, &p, 1);
}

static uint16_t in1(struct pair_sa *s, struct tbuf *t)
{
	struct esp_pkt *p = &t->p;

	return esp_inb_process(W, s->in, &s->rt_in, &p, 1);
}

static void test_seq_exhaustion(void)
{
	static struct tbuf tb[3];
	struct esp_pkt *pk[3];
	struct pair_sa s;

	/* 32-bit: 2^32 - 1 is the last number; nothing wraps to 0 */
	pair_make(&s, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL, ESP_ENGINE_AUTO);
	s.rt_out.seq_out = 0xfffffffeu;
	for (int i = 0; i < 3; i++) {
		tb_udp(&tb[i], 0, 10, (uint8_t)i);
		pk[i] = &tb[i].p;
	}
	CHECK(esp_outb_process(W, s.out, &s.rt_out, pk, 3) == 1, "one number left");
	CHECK(pk[0] == &tb[0].p && be32(tb[0].p.data + 24) == 0xffffffffu, "the last one is 2^32-1");
	CHECK(pk[1]->drop == SHM_DROP_SEQ_CYCLED && pk[2]->drop == SHM_DROP_SEQ_CYCLED, "rest cycled");
	CHECK(s.rt_out.seq_out == 0xffffffffu, "seq_out stays at the last number sent");
	CHECK(s.rt_out.flags & SHM_SA_RT_CYCLED, "SA marked cycled");
	tb_udp(&tb[0], 0, 10, 0);
	CHECK(out1(&s, &tb[0]) == 0 && tb[0].p.drop == SHM_DROP_SEQ_CYCLED, "stays stopped");
	pair_free(&s);

	/* ESN: 2^32 is just the next number; 2^64 - 1 is the last */
	pair_make(&s, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL | SHM_SA_ESN, ESP_ENGINE_AUTO);
	s.rt_out.seq_out = 0xffffffffu;
	s.rt_in.in_top = 0xffffffffu;
	tb_udp(&tb[0], 0, 10, 0);
	CHECK(out1(&s, &tb[0]) == 1 && be32(tb[0].p.data + 24) == 0, "ESN: low half 0 after 2^32-1");
	CHECK(in1(&s, &tb[0]) == 1 && s.rt_in.in_top == 0x100000000ull, "ESN: receiver infers seq-hi 1");
	s.rt_out.seq_out = UINT64_MAX - 1;
	for (int i = 0; i < 3; i++) {
		tb_udp(&tb[i], 0, 10, (uint8_t)i);
		pk[i] = &tb[i].p;
	}
	CHECK(esp_outb_process(W, s.out, &s.rt_out, pk, 3) == 1, "ESN: one number left");
	CHECK(pk[1]->drop == SHM_DROP_SEQ_CYCLED && (s.rt_out.flags & SHM_SA_RT_CYCLED), "ESN: cycled");
	CHECK(s.rt_out.seq_out == UINT64_MAX, "ESN: seq_out at 2^64-1");
	pair_free(&s);
	runs++;
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void test_iv(void)
{
	enum { N = 2000 };
	static uint8_t ivs[N][16];
	static struct tbuf t;
	struct pair_sa s;

	pair_make(&s, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL, ESP_ENGINE_AUTO);
	for (int i = 0; i < N; i++) {
		tb_udp(&t, 0, 20, 1);
		CHECK(out1(&s, &t) == 1, "cbc out");
		memcpy(ivs[i], t.p.data + 28, 16);
	}
	qsort(ivs, N, 16, cmp16);
	for (int i = 1; i < N; i++)
		CHECK(memcmp(ivs[i - 1], ivs[i], 16) != 0, "CBC IV repeated");
	pair_free(&s);
	runs++;
}

/* A packet whose ICV fails moves nothing; the genuine one still passes;
 * the same packet twice in one burst passes once. */
static void test_window_packets(void)
{
	static struct tbuf a, b, c;
	static alignas(64) struct shm_sa_rt snap;
	struct esp_pkt *pk[2];
	struct pair_sa s;

	pair_make(&s, SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_256_128, SHM_SA_TUNNEL | SHM_SA_ESN, ESP_ENGINE_AUTO);
	tb_udp(&a, 0, 100, 1);
	tb_udp(&b, 0, 100, 2);
	CHECK(out1(&s, &a) == 1 && out1(&s, &b) == 1, "out");
	c = a;
	c.p.data = c.mem + (a.p.data - a.mem);
	c.p.data[c.p.len - 1] ^= 1;             /* last ICV byte */
	memcpy(&snap, &s.rt_in, sizeof(snap));
	CHECK(in1(&s, &c) == 0 && c.p.drop == SHM_DROP_INTEGRITY, "bad ICV: INTEGRITY");
	CHECK(memcmp(&snap, &s.rt_in, sizeof(snap)) == 0, "bad ICV moved the window");
	CHECK(in1(&s, &a) == 1 && s.rt_in.in_top == 1, "genuine packet accepted");
	c = b;
	c.p.data = c.mem + (b.p.data - b.mem);
	pk[0] = &b.p;
	pk[1] = &c.p;
	CHECK(esp_inb_process(W, s.in, &s.rt_in, pk, 2) == 1 && pk[1]->drop == SHM_DROP_REPLAY,
	      "duplicate in one burst");
	pair_free(&s);
	runs++;
}

/* Builds a NULL-encryption ESP packet by hand (tunnel, IPv4 outer) with an
 * arbitrary trailer and a valid ICV, to reach the checks after the ICV. */
static void craft(struct pair_sa *s, struct tbuf *t, const uint8_t *inner, uint32_t in_len,
		  const uint8_t *trailer, uint32_t tr_len, uint32_t seq)
{
	uint8_t *d = t->mem + TB_HEAD, *esp = d + 20;
	uint32_t esp_len = 8 + in_len + tr_len + s->out->icv_len;
	struct esp_crypto_op op = { .buf = esp, .auth_len = (uint16_t)(8 + in_len + tr_len),
				    .icv = esp + 8 + in_len + tr_len };
	uint64_t sum = 0;

	memset(t->mem, 0, sizeof(t->mem));
	d[0] = 0x45;
	d[2] = (uint8_t)((20 + esp_len) >> 8);
	d[3] = (uint8_t)(20 + esp_len);
	d[8] = 64;
	d[9] = 50;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	d[10] = (uint8_t)(~sum >> 8);
	d[11] = (uint8_t)~sum;
	memcpy(esp, &s->out->spi_be, 4);
	esp[4] = (uint8_t)(seq >> 24);
	esp[5] = (uint8_t)(seq >> 16);
	esp[6] = (uint8_t)(seq >> 8);
	esp[7] = (uint8_t)seq;
	memcpy(esp + 8, inner, in_len);
	memcpy(esp + 8 + in_len, trailer, tr_len);
	CHECK(esp_engine_encrypt(W, &s->out->crypto, &op, 1) == 1, "craft ICV");
	t->p = (struct esp_pkt){ .data = d, .len = 20 + esp_len, .headroom = TB_HEAD,
				 .tailroom = (uint16_t)(TB_SIZE - TB_HEAD - 20 - esp_len) };
}

static void test_after_icv(void)
{
	static struct tbuf inner, t;
	struct pair_sa s;
	uint32_t il;

	pair_make(&s, SHM_CRYPTO_NONE, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL, ESP_ENGINE_AUTO);
	il = tb_udp(&inner, 0, 20, 9);  /* 48 bytes: with 2 bytes of padding, 52 = 4n */
	{
		const uint8_t good[] = { 1, 2, 2, 4 };
		CHECK(il == 48, "inner size");
		craft(&s, &t, inner.p.data, il, good, 4, 1);
		CHECK(in1(&s, &t) == 1 && t.p.len == il && memcmp(t.p.data, inner.p.data, il) == 0,
		      "hand-made packet accepted");
	}
	{
		const uint8_t bad[] = { 1, 3, 2, 4 };   /* padding must be 1, 2 */
		craft(&s, &t, inner.p.data, il, bad, 4, 2);
		CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_BAD_PADDING, "padding 1,3: %u", t.p.drop);
		CHECK(s.rt_in.in_top == 1, "bad padding moved the window");
	}
	{
		const uint8_t bad[] = { 1, 2, 200, 4 }; /* pad length past the start */
		craft(&s, &t, inner.p.data, il, bad, 4, 3);
		CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_BAD_PADDING, "pad length 200");
	}
	{
		const uint8_t dummy[] = { 1, 2, 2, 59 };
		craft(&s, &t, inner.p.data, il, dummy, 4, 4);
		CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_POLICY_DISCARD, "dummy packet");
	}
	{
		const uint8_t udp[] = { 1, 2, 2, 17 };  /* tunnel SA carrying not-IP */
		craft(&s, &t, inner.p.data, il, udp, 4, 5);
		CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_POLICY_MISMATCH, "tunnel nh 17");
	}
	{
		/* TFC padding (RFC 4303 §2.7): 6 bytes after the inner packet */
		uint8_t tfc[64];
		const uint8_t tr[] = { 0, 4 };

		memcpy(tfc, inner.p.data, il);
		memset(tfc + il, 0xab, 6);
		craft(&s, &t, tfc, il + 6, tr, 2, 6);
		CHECK(in1(&s, &t) == 1 && t.p.len == il && memcmp(t.p.data, inner.p.data, il) == 0,
		      "TFC padding removed");
	}
	{
		/* inner IPv4 claims more bytes than decrypted */
		uint8_t big[64];
		const uint8_t tr[] = { 1, 2, 2, 4 };

		memcpy(big, inner.p.data, il);
		big[3] = 60;
		craft(&s, &t, big, il, tr, 4, 7);
		CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_IP4_BAD_LENGTH, "inner length");
	}
	pair_free(&s);
	runs++;
}

static void test_malformed(void)
{
	static struct tbuf t, u;
	struct pair_sa s;
	uint32_t spi;

	pair_make(&s, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL | SHM_SA_UDP_ENCAP,
		  ESP_ENGINE_AUTO);
	tb_udp(&t, 0, 64, 3);
	CHECK(out1(&s, &t) == 1, "out");
	CHECK(esp_inb_spi(t.p.data, t.p.len, &spi) == (int)ESP_PKT_OK && spi == 0x1001, "esp_inb_spi");
	CHECK(esp_inb_udp_kind(t.p.data + 28, t.p.len - 28) == ESP_UDP_ESP, "udp kind esp");
	CHECK(esp_inb_udp_kind((const uint8_t *)"\xff", 1) == ESP_UDP_KEEPALIVE, "keepalive");
	CHECK(esp_inb_udp_kind((const uint8_t *)"\0\0\0\0\x11\x22", 6) == ESP_UDP_IKE, "non-ESP marker");
	CHECK(esp_inb_udp_kind((const uint8_t *)"\x12\x34", 2) == ESP_UDP_INVALID, "too short");
	/* wrong SPI */
	u = t;
	u.p.data = u.mem + (t.p.data - t.mem);
	u.p.data[28 + 3] ^= 0x40;
	CHECK(in1(&s, &u) == 0 && u.p.drop == SHM_DROP_NO_SA, "other SPI");
	/* cut to less than ESP + IV + trailer + ICV: the UDP and IP lengths agree */
	u = t;
	u.p.data = u.mem + (t.p.data - t.mem);
	u.p.len = 20 + 8 + 8 + 16 + 12;
	u.p.data[2] = 0;
	u.p.data[3] = (uint8_t)u.p.len;
	u.p.data[24] = 0;
	u.p.data[25] = (uint8_t)(u.p.len - 20);
	CHECK(in1(&s, &u) == 0 && u.p.drop == SHM_DROP_RUNT, "runt: %u", u.p.drop);
	/* ciphertext not a multiple of 16 */
	u = t;
	u.p.data = u.mem + (t.p.data - t.mem);
	u.p.len -= 4;
	u.p.data[3] = (uint8_t)(u.p.data[3] - 4);
	u.p.data[25] = (uint8_t)(u.p.data[25] - 4);
	CHECK(in1(&s, &u) == 0 && u.p.drop == SHM_DROP_DECRYPT, "misaligned: %u", u.p.drop);
	/* IP length beyond the buffer */
	u = t;
	u.p.data = u.mem + (t.p.data - t.mem);
	u.p.len -= 1;
	CHECK(in1(&s, &u) == 0 && u.p.drop == SHM_DROP_IP4_BAD_LENGTH, "short buffer");
	/* not enough headroom / tailroom outbound */
	tb_udp(&u, 0, 64, 3);
	u.p.headroom = 20;
	CHECK(out1(&s, &u) == 0 && u.p.drop == SHM_DROP_MTU_EXCEEDED, "headroom");
	tb_udp(&u, 0, 64, 3);
	u.p.tailroom = 10;
	CHECK(out1(&s, &u) == 0 && u.p.drop == SHM_DROP_MTU_EXCEEDED, "tailroom");
	pair_free(&s);

	/* transport mode does not take fragments */
	pair_make(&s, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, 0, ESP_ENGINE_AUTO);
	tb_udp(&u, 0, 64, 3);
	u.p.data[6] |= 0x20;                    /* MF */
	CHECK(out1(&s, &u) == 0 && u.p.drop == SHM_DROP_IP4_BAD_HEADER, "fragment");
	tb_udp(&u, 0, 64, 3);
	u.p.data[0] = 0x55;
	CHECK(out1(&s, &u) == 0 && u.p.drop == SHM_DROP_IP4_BAD_HEADER, "bad version");
	pair_free(&s);
	runs++;
}

/* IPv6 transport with Hop-by-Hop and Destination Options: ESP goes after
 * Hop-by-Hop, the Destination Options (no Routing header follows) after ESP. */
static void test_ip6_ext(void)
{
	static struct tbuf t, orig;
	struct pair_sa s;
	uint8_t *d;
	uint32_t len;

	pair_make(&s, SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE, 0, ESP_ENGINE_AUTO);
	len = tb_udp(&t, 1, 30, 5);
	d = t.p.data;
	/* insert HBH (8 bytes) and DSTOPTS (8 bytes) between IPv6 and UDP */
	memmove(d + 56, d + 40, len - 40);
	d[40] = 60;                             /* HBH: next DSTOPTS */
	d[41] = 0;
	memset(d + 42, 0, 6);
	d[42] = 1;                              /* PadN */
	d[43] = 4;
	d[48] = 17;                             /* DSTOPTS: next UDP */
	d[49] = 0;
	memset(d + 50, 0, 6);
	d[50] = 1;
	d[51] = 4;
	d[6] = 0;                               /* IPv6: next HBH */
	len += 16;
	d[4] = (uint8_t)((len - 40) >> 8);
	d[5] = (uint8_t)(len - 40);
	t.p.len = len;
	t.p.tailroom = (uint16_t)(t.p.tailroom - 16);
	orig = t;
	CHECK(out1(&s, &t) == 1, "ext out");
	CHECK(t.p.data[6] == 0 && t.p.data[40] == 50, "ESP after Hop-by-Hop");
	CHECK(in1(&s, &t) == 1 && t.p.len == len && memcmp(t.p.data, orig.p.data, len) == 0, "ext round trip");
	pair_free(&s);
	runs++;
}

static void test_big_burst(void)
{
	enum { N = 200 };
	static struct tbuf tb[N];
	struct esp_pkt *pk[N];
	struct pair_sa s;

	pair_make(&s, SHM_CRYPTO_AES_CTR_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL, ESP_ENGINE_AUTO);
	for (int i = 0; i < N; i++) {
		tb_udp(&tb[i], i & 1, (uint32_t)(i * 5), (uint8_t)i);
		pk[i] = &tb[i].p;
	}
	tb[77].p.headroom = 0;                  /* one bad packet in the middle */
	CHECK(esp_outb_process(W, s.out, &s.rt_out, pk, N) == N - 1, "big burst out");
	for (int i = 0; i < N - 1; i++)
		CHECK(pk[i] == &tb[i < 77 ? i : i + 1].p, "good packets keep their order");
	CHECK(pk[N - 1] == &tb[77].p && tb[77].p.drop == SHM_DROP_MTU_EXCEEDED, "bad one last");
	CHECK(esp_inb_process(W, s.in, &s.rt_in, pk, N - 1) == N - 1, "big burst in");
	CHECK(s.rt_in.in_top == N - 1, "top");
	pair_free(&s);
	runs++;
}

/* The builder for the common shape (tunnel, IPv4 outer, no UDP, AES-GCM)
 * against the general one: the same bursts, with bad packets and link
 * padding among them, must come out byte for byte the same, with the same
 * drops, order and sequence numbers. */
static void test_builders_agree(void)
{
	enum { N = 48 };
	static struct tbuf tb[2][N];
	static const uint8_t gcm[] = { SHM_CRYPTO_AES_GCM_128, SHM_CRYPTO_AES_GCM_192, SHM_CRYPTO_AES_GCM_256 };
	int compared = 0;

	for (unsigned c = 0; c < sizeof(gcm); c++) {
		for (int esn = 0; esn < 2; esn++) {
			struct esp_pkt *pk[2][N];
			uint16_t good[2];
			uint64_t seq_out[2];

			for (int g = 0; g < 2; g++) {
				struct pair_sa s;

				pair_make(&s, gcm[c], SHM_INTEG_NONE, SHM_SA_TUNNEL | (esn ? SHM_SA_ESN : 0),
					  ESP_ENGINE_AUTO);
				s.rt_out.seq_out = esn ? 0xfffffff0u : 5;   /* ESN: across 2^32 */
				for (int i = 0; i < N; i++) {
					struct tbuf *t = &tb[g][i];

					tb_udp(t, i % 3 == 1, i == 40 ? 1400 : (uint32_t)(i * 3), (uint8_t)i);
					if (i % 5 == 2)
						t->p.data[6] = 0;                  /* DF clear */
					if (i % 7 == 3)
						t->p.len += 3;                     /* link padding past the IP length */
					pk[g][i] = &t->p;
				}
				tb[g][9].p.headroom = 30;                      /* too little for 36 bytes */
				tb[g][17].p.tailroom = 4;                      /* too little for the trailer */
				tb[g][23].p.data[0] = 0x35;                    /* bad version */
				tb[g][29].p.len = 10;                          /* shorter than a header */
				tb[g][30].p.data[3] ^= 0x80;                   /* IPv4 length past the buffer */
				esp_outb_generic_only = g;
				good[g] = esp_outb_process(W, s.out, &s.rt_out, pk[g], N);
				esp_outb_generic_only = 0;
				seq_out[g] = s.rt_out.seq_out;   /* numbers bad packets did not use are not lost */
				pair_free(&s);
			}
			CHECK(good[0] == good[1] && good[0] == N - 5, "good: %u vs %u", good[0], good[1]);
			CHECK(seq_out[0] == seq_out[1] && seq_out[0] == (esn ? 0xfffffff0ull : 5ull) + N - 5,
			      "seq_out %llu vs %llu", (unsigned long long)seq_out[0], (unsigned long long)seq_out[1]);
			for (int i = 0; i < N; i++) {
				const struct esp_pkt *a = pk[0][i], *b = pk[1][i];

				CHECK((const uint8_t *)a - (const uint8_t *)tb[0] ==
				      (const uint8_t *)b - (const uint8_t *)tb[1], "same order at %d", i);
				CHECK(a->drop == b->drop && a->len == b->len && a->headroom == b->headroom &&
				      a->tailroom == b->tailroom, "same result at %d (drop %u/%u)", i, a->drop, b->drop);
			}
			for (int i = 0; i < N; i++)
				CHECK(memcmp(tb[0][i].mem, tb[1][i].mem, TB_SIZE) == 0, "same bytes, packet %d", i);
			CHECK(tb[0][9].p.drop == SHM_DROP_MTU_EXCEEDED && tb[0][17].p.drop == SHM_DROP_MTU_EXCEEDED &&
			      tb[0][23].p.drop == SHM_DROP_IP4_BAD_HEADER && tb[0][29].p.drop == SHM_DROP_IP4_BAD_HEADER &&
			      tb[0][30].p.drop == SHM_DROP_IP4_BAD_LENGTH, "the drops");
			compared++;
		}
	}
	CHECK(compared == 6, "compared");
	runs++;
}

static void test_sa_checks(void)
{
	struct shm_sa cfg;
	char err[256];

	esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_NONE, SHM_SA_TUNNEL);
	CHECK(!esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)) && strstr(err, "RFC 8221"),
	      "CBC without integrity refused");
	esp_test_sa(&cfg, SHM_CRYPTO_NONE, SHM_INTEG_NONE, SHM_SA_TUNNEL);
	CHECK(!esp_sa_in_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)), "null/null refused");
	esp_test_sa(&cfg, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
	CHECK(!esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)), "GCM with integrity refused");
	esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
	cfg.crypto_key_len = 24;
	CHECK(!esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)), "key length refused");
	esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
	cfg.spi = 0;
	CHECK(!esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)), "SPI 0 refused");
	esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
	cfg.replay_window = 8192;
	CHECK(!esp_sa_in_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err)), "window 8192 refused");
	{
		static alignas(64) struct shm_sa_rt rt;

		esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
		rt.seq_out = 99;
		rt.in_top = 5;
		rt.owner_gen = cfg.create_gen;
		CHECK(esp_sa_rt_adopt(&rt, &cfg) == 0 && rt.seq_out == 99, "same generation kept");
		cfg.create_gen++;
		CHECK(esp_sa_rt_adopt(&rt, &cfg) == 1 && rt.seq_out == 0 && rt.in_top == 0 &&
		      rt.owner_gen == cfg.create_gen, "new generation reset");
	}
	runs++;
}

/* A key update is a new prepared SA; the runtime record carries on. */
static void test_rekey(void)
{
	static struct tbuf t;
	struct pair_sa s;
	struct esp_sa_out *o2;
	struct esp_sa_in *i2;
	char err[256];

	pair_make(&s, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL, ESP_ENGINE_AUTO);
	tb_udp(&t, 0, 10, 1);
	CHECK(out1(&s, &t) == 1 && in1(&s, &t) == 1, "before");
	s.cfg.crypto_key[0] ^= 0xff;
	s.cfg.key_gen++;
	o2 = esp_sa_out_create(&s.cfg, ESP_ENGINE_AUTO, err, sizeof(err));
	i2 = esp_sa_in_create(&s.cfg, ESP_ENGINE_AUTO, err, sizeof(err));
	CHECK(o2 && i2, "%s", err);
	tb_udp(&t, 0, 10, 1);
	CHECK(esp_outb_process(W, o2, &s.rt_out, &(struct esp_pkt *){ &t.p }, 1) == 1, "new key out");
	CHECK(be32(t.p.data + 24) == 2, "sequence continues");
	CHECK(in1(&s, &t) == 0 && t.p.drop == SHM_DROP_INTEGRITY, "old key refuses");
	tb_udp(&t, 0, 10, 1);
	CHECK(esp_outb_process(W, o2, &s.rt_out, &(struct esp_pkt *){ &t.p }, 1) == 1, "new key out");
	CHECK(esp_inb_process(W, i2, &s.rt_in, &(struct esp_pkt *){ &t.p }, 1) == 1, "new key in");
	esp_sa_out_free(o2);
	esp_sa_in_free(i2);
	pair_free(&s);
	runs++;
}

/* The selection table: pins move new SAs, the listing shows them. */
static void test_engine_select(void)
{
	struct esp_engine_choice rows[SHM_CRYPTO_N + SHM_INTEG_N];
	struct shm_sa cfg;
	struct esp_sa_out *so;
	char err[256];
	unsigned n;
	int e, a;

	n = esp_engine_list(rows, sizeof(rows) / sizeof(rows[0]));
	CHECK(n == SHM_CRYPTO_N - 1 + SHM_INTEG_N - 1, "one row per algorithm but none: %u", n);
	for (unsigned i = 0; i < n; i++)
		CHECK(rows[i].ns_per_pkt[ESP_ARCH_SSE] > 0 && rows[i].ns_ossl > 0 && !rows[i].pinned,
		      "%s: not measured", rows[i].alg);
	/* GCM defaults to the native engine where it measured cheaper than
	 * intel-ipsec-mb's best path, else to intel-ipsec-mb */
	for (unsigned i = 0; i < n; i++) {
		float best = 0;

		if (strcmp(rows[i].alg, "aes-gcm-128") != 0)
			continue;
		for (int p = 0; p < ESP_ARCH_N; p++)
			if (rows[i].ns_per_pkt[p] > 0 && (best == 0 || rows[i].ns_per_pkt[p] < best))
				best = rows[i].ns_per_pkt[p];
		esp_engine_resolve(SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, &e, &a);
		CHECK(e == (rows[i].ns_native > 0 && rows[i].ns_native < best ? ESP_ENGINE_NATIVE : ESP_ENGINE_IMB),
		      "gcm default engine %d (native %.1f ns, ipsec-mb %.1f ns)", e, rows[i].ns_native, best);
		CHECK(rows[i].engine == e, "listing shows the default");
		if (rows[i].ns_native > 0) {
			/* pinned either way, new SAs follow */
			esp_test_sa(&cfg, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL);
			for (int pin = 0; pin < 2; pin++) {
				int want = pin ? ESP_ENGINE_NATIVE : ESP_ENGINE_IMB;

				CHECK(esp_engine_select(0, SHM_CRYPTO_AES_GCM_128, want, ESP_ARCH_AUTO) == 0, "pin gcm");
				so = esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err));
				CHECK(so && so->crypto.engine == want, "gcm pinned to %s", esp_engine_name(want));
				esp_sa_out_free(so);
			}
			CHECK(esp_engine_select(0, SHM_CRYPTO_AES_GCM_128, ESP_ENGINE_AUTO, ESP_ARCH_AUTO) == 0, "unpin");
		}
	}
	/* the native engine is AES-GCM only, and has no code paths */
	CHECK(esp_engine_select(0, SHM_CRYPTO_AES_CBC_128, ESP_ENGINE_NATIVE, ESP_ARCH_AUTO) == -ENOTSUP, "native cbc");
	CHECK(esp_engine_select(1, SHM_INTEG_SHA1_96, ESP_ENGINE_NATIVE, ESP_ARCH_AUTO) == -ENOTSUP, "native sha1");
	CHECK(esp_engine_select(0, SHM_CRYPTO_AES_GCM_128, ESP_ENGINE_NATIVE, ESP_ARCH_SSE) == -EINVAL, "native path");
	/* pin the integrity algorithm to OpenSSL: the whole SA follows */
	CHECK(esp_engine_select(1, SHM_INTEG_SHA1_96, ESP_ENGINE_OSSL, ESP_ARCH_AUTO) == 0, "pin");
	esp_test_sa(&cfg, SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL);
	so = esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err));
	CHECK(so && so->crypto.engine == ESP_ENGINE_OSSL, "pinned to openssl");
	esp_sa_out_free(so);
	n = esp_engine_list(rows, sizeof(rows) / sizeof(rows[0]));
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(rows[i].alg, "sha1-96"))
			CHECK(rows[i].pinned && rows[i].engine == ESP_ENGINE_OSSL, "listing shows the pin");
	/* pin a code path */
	CHECK(esp_engine_select(1, SHM_INTEG_SHA1_96, ESP_ENGINE_IMB, ESP_ARCH_SSE) == 0, "pin sse");
	so = esp_sa_out_create(&cfg, ESP_ENGINE_AUTO, err, sizeof(err));
	CHECK(so && so->crypto.engine == ESP_ENGINE_IMB && so->crypto.arch == ESP_ARCH_SSE, "pinned to sse");
	esp_sa_out_free(so);
	CHECK(esp_engine_select(1, SHM_INTEG_SHA1_96, ESP_ENGINE_AUTO, ESP_ARCH_AUTO) == 0, "unpin");
	CHECK(esp_engine_select(0, SHM_CRYPTO_NONE, ESP_ENGINE_OSSL, ESP_ARCH_AUTO) == -EINVAL, "none");
	CHECK(esp_engine_select(0, SHM_CRYPTO_N, ESP_ENGINE_OSSL, ESP_ARCH_AUTO) == -EINVAL, "range");
	CHECK(esp_engine_select(0, SHM_CRYPTO_AES_CBC_128, 7, ESP_ARCH_AUTO) == -EINVAL, "engine");
	runs++;
}

int main(void)
{
	char err[256];

	esp_test_init();
	W = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(W, "%s", err);
	test_roundtrips();
	test_seq_exhaustion();
	test_iv();
	test_window_packets();
	test_after_icv();
	test_malformed();
	test_ip6_ext();
	test_big_burst();
	test_builders_agree();
	test_sa_checks();
	test_rekey();
	test_engine_select();
	esp_engine_worker_free(W);
	esp_engine_fini();
	printf("esp path: %d cases passed\n", runs);
	return 0;
}

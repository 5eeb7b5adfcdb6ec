/*
 * SK payload protection: a round trip through build -> encrypt -> parse ->
 * decrypt -> parse for every ENCR x INTEG combination, with a single-bit
 * flip anywhere in the message detected; AES-GCM against the published
 * GCM test cases 4, 10 and 16 (McGrew & Viega, the NIST GCM spec);
 * receiver-side padding rules; argument checks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/rand.h>

#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_parse.h"
#include "test_util.h"

struct combo {
	uint16_t encr, key_bits, integ;
};

static const struct combo combos[] = {
	{ IKE_ENCR_DES, 0, IKE_INTEG_HMAC_SHA1_96 },
	{ IKE_ENCR_DES, 0, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_DES, 0, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_DES, 0, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_SHA1_96 },
	{ IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96 },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA1_96 },
	{ IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA1_96 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE },
	{ IKE_ENCR_AES_GCM_16, 192, IKE_INTEG_NONE },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE },
};

static const struct ike_hdr_info auth_hdr = {
	.spi_i = { 1, 2, 3, 4, 5, 6, 7, 8 },
	.spi_r = { 9, 10, 11, 12, 13, 14, 15, 16 },
	.exchange = IKE_EXCH_AUTH,
	.flags = IKE_HDR_F_INITIATOR,
	.msg_id = 1,
};

/* Inner payloads of an IKE_AUTH request, with n extra octets of vendor data. */
static size_t build_inner(uint8_t *buf, size_t cap, size_t extra, uint8_t *first)
{
	struct ike_build b;
	static const uint8_t id[] = "roadwarrior.vpn.example.com", auth[20] = { 0xaa };
	uint8_t vid[64] = { 0 };
	ike_build_init_chain(&b, buf, cap);
	ike_build_id(&b, IKE_PL_IDI, IKE_ID_FQDN, id, sizeof(id) - 1);
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	if (extra)
		ike_build_vendor(&b, vid, extra - IKE_GEN_LEN);
	size_t len = 0;
	if (ike_build_finish(&b, &len))
		return 0;
	*first = b.first;
	return len;
}

/* Build, seal, parse, open, parse again; then flip every bit in turn. */
static void round_trip(const struct combo *c, size_t extra, bool with_outer_payload)
{
	uint8_t ek[36], ak[64], inner[256], pkt[512], plain[512];
	size_t elen = ike_crypto_encr_keylen(c->encr, c->key_bits);
	size_t alen = ike_crypto_integ_keylen(c->integ);
	struct ike_sk tx, rx;
	RAND_bytes(ek, sizeof(ek));
	RAND_bytes(ak, sizeof(ak));
	CHECK(elen > 0);
	CHECK_EQ_INT(ike_sk_init(&tx, c->encr, c->key_bits, c->integ, ek, elen, ak, alen), 0);
	CHECK_EQ_INT(ike_sk_init(&rx, c->encr, c->key_bits, c->integ, ek, elen, ak, alen), 0);

	uint8_t first = 0;
	size_t ilen = build_inner(inner, sizeof(inner), extra, &first);
	CHECK(ilen > 0);

	struct ike_build b;
	size_t sk_off = 0, len = 0;
	ike_build_init(&b, pkt, sizeof(pkt), &auth_hdr);
	if (with_outer_payload) /* an unencrypted payload before SK: inside the AAD / ICV */
		ike_build_vendor(&b, (const uint8_t *)"outer", 5);
	ike_build_sk(&b, first, ike_sk_body_len(&tx, ilen), &sk_off);
	CHECK_EQ_INT(ike_build_finish(&b, &len), 0);
	CHECK_EQ_INT(ike_sk_encrypt(&tx, pkt, len, sk_off, inner, ilen, NULL), 0);
	/* the plaintext is not visible in the packet */
	CHECK(memmem(pkt, len, "roadwarrior", 11) == NULL);

	static struct ike_msg m;
	CHECK_EQ_INT(ike_parse_msg(pkt, len, &m), IKE_PARSE_OK);
	CHECK(ike_msg_has(&m, IKE_PL_SK));
	CHECK_EQ_INT(m.sk.hdr_off, sk_off);
	CHECK_EQ_INT(m.sk.first_inner, IKE_PL_IDI);
	size_t plen = 0;
	CHECK_EQ_INT(ike_sk_decrypt(&rx, pkt, len, m.sk.hdr_off, plain, sizeof(plain), &plen), 0);
	CHECK_EQ_INT(plen, ilen);
	CHECK_MEM(plain, inner, ilen);
	CHECK_EQ_INT(ike_parse_inner(&m, plain, plen), IKE_PARSE_OK);
	CHECK(ike_msg_has(&m, IKE_PL_IDI) && ike_msg_has(&m, IKE_PL_AUTH));
	CHECK(m.notify[0].encrypted && m.notify[0].type == IKE_N_INITIAL_CONTACT);

	/* every single-bit change anywhere is detected */
	int undetected = 0;
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			pkt[i] ^= (uint8_t)(1u << bit);
			int rc = ike_sk_decrypt(&rx, pkt, len, sk_off, plain, sizeof(plain), &plen);
			if (rc != -EBADMSG)
				undetected++;
			pkt[i] ^= (uint8_t)(1u << bit);
		}
	}
	CHECK_EQ_INT(undetected, 0);
	/* truncated by one octet, or by the whole ICV */
	CHECK(ike_sk_decrypt(&rx, pkt, len - 1, sk_off, plain, sizeof(plain), &plen) != 0);
	CHECK(ike_sk_decrypt(&rx, pkt, len - tx.icv_len, sk_off, plain, sizeof(plain), &plen) != 0);
	/* a different key */
	ek[0] ^= 1;
	ak[0] ^= 1;
	struct ike_sk other;
	CHECK_EQ_INT(ike_sk_init(&other, c->encr, c->key_bits, c->integ, ek, elen, ak, alen), 0);
	CHECK_EQ_INT(ike_sk_decrypt(&other, pkt, len, sk_off, plain, sizeof(plain), &plen), -EBADMSG);
	ike_sk_wipe(&other);
	ike_sk_wipe(&tx);
	ike_sk_wipe(&rx);
}

static void test_round_trips(void)
{
	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++)
		for (size_t extra = 0; extra <= 24; extra += 5)
			round_trip(&combos[i], extra ? extra : 0, extra == 10);
}

/* GCM test cases 4 (AES-128), 10 (AES-192), 16 (AES-256), 96-bit IV. */
static void test_gcm_kat(void)
{
	static const char *K = "feffe9928665731c6d6a8f9467308308";
	static const char *P = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
			       "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
	static const char *A = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
	static const char *IV = "cafebabefacedbaddecaf888";
	static const struct {
		const char *key, *c, *t;
	} tc[] = {
		{ "feffe9928665731c6d6a8f9467308308",
		  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		  "5bc94fbc3221a5db94fae95ae7121a47" },
		{ "feffe9928665731c6d6a8f9467308308feffe9928665731c",
		  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
		  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
		  "2519498e80f1478f37ba55bd6d27618c" },
		{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		  "76fc6ece0f4e1768cddf8853bb2d551b" },
	};
	(void)K;
	size_t pl, al, nl;
	unsigned char *p = t_unhex(P, &pl), *a = t_unhex(A, &al), *n = t_unhex(IV, &nl);
	for (size_t i = 0; i < 3; i++) {
		size_t kl, cl, tl;
		unsigned char *k = t_unhex(tc[i].key, &kl), *c = t_unhex(tc[i].c, &cl);
		unsigned char *t = t_unhex(tc[i].t, &tl), out[64], tag[16];
		CHECK_EQ_INT(ike_crypto_gcm(true, k, kl, n, a, al, p, pl, out, tag), 0);
		CHECK_MEM(out, c, cl);
		CHECK_MEM(tag, t, 16);
		CHECK_EQ_INT(ike_crypto_gcm(false, k, kl, n, a, al, c, cl, out, t), 0);
		CHECK_MEM(out, p, pl);
		t[15] ^= 0x80;
		CHECK_EQ_INT(ike_crypto_gcm(false, k, kl, n, a, al, c, cl, out, t), -EBADMSG);
		free(k), free(c), free(t);
	}
	free(p), free(a), free(n);
}

/*
 * The receiver accepts any padding that fits (3.14): seal by hand with the
 * GCM primitive, padding 0, 17 and 200 octets, then one claiming too much.
 */
static void test_padding(void)
{
	uint8_t key[20] = { 7 }, inner[40], pkt[512], plain[512], nonce[12];
	struct ike_sk sk;
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, key, 20, NULL, 0), 0);
	uint8_t first = 0;
	size_t ilen = build_inner(inner, sizeof(inner), 0, &first);
	static const size_t pads[] = { 0, 17, 200, 255 };
	for (size_t i = 0; i < 5; i++) {
		bool bad = i == 4;
		size_t pad = bad ? 0 : pads[i];
		size_t ct_len = bad ? 4 : ilen + pad + 1;
		struct ike_build b;
		size_t sk_off = 0, len = 0;
		ike_build_init(&b, pkt, sizeof(pkt), &auth_hdr);
		ike_build_sk(&b, first, 8 + ct_len + 16, &sk_off);
		CHECK_EQ_INT(ike_build_finish(&b, &len), 0);
		uint8_t *iv = pkt + sk_off + 4, *ct = iv + 8;
		memset(iv, 0x42, 8);
		if (bad) {
			memset(ct, 0, ct_len);
			ct[ct_len - 1] = 4; /* 4 octets of padding + Pad Length > 4 */
		} else {
			memcpy(ct, inner, ilen);
			memset(ct + ilen, 0xee, pad); /* padding may hold any value */
			ct[ct_len - 1] = (uint8_t)pad;
		}
		memcpy(nonce, key + 16, 4);
		memcpy(nonce + 4, iv, 8);
		CHECK_EQ_INT(ike_crypto_gcm(true, key, 16, nonce, pkt, sk_off + 4, ct, ct_len, ct,
					    ct + ct_len), 0);
		size_t plen = 0;
		int rc = ike_sk_decrypt(&sk, pkt, len, sk_off, plain, sizeof(plain), &plen);
		if (bad) {
			CHECK_EQ_INT(rc, -EBADMSG);
		} else {
			CHECK_EQ_INT(rc, 0);
			CHECK_EQ_INT(plen, ilen);
			CHECK_MEM(plain, inner, ilen);
		}
	}
	ike_sk_wipe(&sk);
}

static void test_gcm_iv_sequence(void)
{
	uint8_t key[36] = { 1 }, pkt[2][128];
	struct ike_sk sk;
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, key, 36, NULL, 0), 0);
	for (int i = 0; i < 2; i++) {
		struct ike_build b;
		size_t sk_off = 0, len = 0;
		ike_build_init(&b, pkt[i], sizeof(pkt[i]), &auth_hdr);
		ike_build_sk(&b, 0, ike_sk_body_len(&sk, 0), &sk_off);
		ike_build_finish(&b, &len);
		CHECK_EQ_INT(ike_sk_encrypt(&sk, pkt[i], len, sk_off, NULL, 0, NULL), 0);
		/* an empty SK (liveness check): IV | Pad Length | ICV */
		CHECK_EQ_INT(len, IKE_HDR_LEN + 4 + 8 + 1 + 16);
	}
	CHECK(memcmp(pkt[0] + 32, pkt[1] + 32, 8) != 0);
	ike_sk_wipe(&sk);
}

static void test_setup_errors(void)
{
	uint8_t k[64] = { 0 };
	struct ike_sk sk;
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_CBC, 128), 16);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_CBC, 256), 32);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_GCM_16, 128), 20);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_GCM_16, 256), 36);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_3DES, 0), 24);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_DES, 0), 8);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_CBC, 0), 0);
	CHECK_EQ_INT(ike_crypto_encr_keylen(IKE_ENCR_AES_CBC, 100), 0);
	CHECK_EQ_INT(ike_crypto_integ_keylen(IKE_INTEG_HMAC_SHA1_96), 20);
	CHECK_EQ_INT(ike_crypto_integ_icvlen(IKE_INTEG_HMAC_SHA2_384_192), 24);
	CHECK_EQ_INT(ike_crypto_integ_icvlen(IKE_INTEG_HMAC_SHA2_512_256), 32);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_HMAC_SHA1_96, k, 20, k, 20),
		     -ENOTSUP);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CBC, 128, IKE_INTEG_NONE, k, 16, NULL, 0), -ENOTSUP);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_MD5_96, k, 16, k, 16),
		     -ENOTSUP);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CTR, 128, IKE_INTEG_HMAC_SHA1_96, k, 20, k, 20),
		     -ENOTSUP);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, k, 15, k, 20),
		     -EINVAL);
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, k, 16, k, 19),
		     -EINVAL);
	CHECK(ike_crypto_encr_is_weak(IKE_ENCR_DES) && !ike_crypto_encr_is_weak(IKE_ENCR_3DES));
	/* encrypt refuses a body that does not match the reservation */
	uint8_t pkt[128];
	struct ike_build b;
	size_t sk_off = 0, len = 0;
	CHECK_EQ_INT(ike_sk_init(&sk, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, k, 16, k, 20), 0);
	ike_build_init(&b, pkt, sizeof(pkt), &auth_hdr);
	ike_build_sk(&b, 0, ike_sk_body_len(&sk, 10), &sk_off);
	ike_build_finish(&b, &len);
	CHECK_EQ_INT(ike_sk_encrypt(&sk, pkt, len, sk_off, k, 40, NULL), -EINVAL);
	CHECK_EQ_INT(ike_sk_encrypt(&sk, pkt, len - 1, sk_off, k, 10, NULL), -EINVAL);
	CHECK_EQ_INT(ike_sk_encrypt(&sk, pkt, len, sk_off, k, 10, NULL), 0);
	uint8_t small[8];
	size_t plen;
	CHECK_EQ_INT(ike_sk_decrypt(&sk, pkt, len, sk_off, small, sizeof(small), &plen), -EINVAL);
	CHECK_EQ_INT(ike_sk_decrypt(&sk, pkt, 20, sk_off, small, sizeof(small), &plen), -EINVAL);
	ike_sk_wipe(&sk);
	ike_sk_wipe(NULL);
}

int main(void)
{
	test_round_trips();
	test_gcm_kat();
	test_padding();
	test_gcm_iv_sequence();
	test_setup_errors();
	return t_done("test_ike_crypto");
}

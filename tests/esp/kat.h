/*
 * Known-answer test runners: each vector runs through esp_engine_encrypt and
 * esp_engine_decrypt on every engine and code path (esp_test_engines), laid
 * out as an ESP operation would be (8 bytes where the ESP header goes, then
 * the IV, then the data). Vectors were checked independently with
 * tests/esp/kat_verify.py before they were written here.
 */
#ifndef IPSECGW_TESTS_ESP_KAT_H
#define IPSECGW_TESTS_ESP_KAT_H

#include "esp_test.h"

#define KAT_MAX 512

struct kat_env {
	struct esp_engine_worker *w;
	struct esp_test_engine eng[ESP_ARCH_N + 1];
	int neng;
	struct esp_test_engine native;  /* AES-GCM only: the native engine */
	int has_native;
	int ran;
};

static inline void kat_setup(struct kat_env *k)
{
	char err[256];

	esp_test_init();
	k->w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(k->w, "%s", err);
	k->neng = esp_test_engines(k->eng);
	k->ran = 0;
	k->native = (struct esp_test_engine){ .engine = ESP_ENGINE_NATIVE, .arch = ESP_ARCH_AUTO, .name = "native" };
	k->has_native = esp_test_native(SHM_CRYPTO_AES_GCM_128);
}

static inline void kat_done(struct kat_env *k, const char *what)
{
	esp_engine_worker_free(k->w);
	esp_engine_fini();
	printf("%s: %d vector runs passed on %d engines/paths%s\n", what, k->ran, k->neng,
	       k->has_native ? " (GCM also on the native engine)" : "");
}

static inline struct esp_crypto_ctx *kat_ctx(const struct esp_test_engine *e,
					     const struct esp_crypto_key *key, enum shm_dir dir)
{
	struct esp_crypto_ctx *ctx = aligned_alloc(64, sizeof(*ctx));
	char err[256];

	CHECK(ctx, "oom");
	CHECK(esp_engine_ctx_init(ctx, key, dir, e->engine, e->arch, err, sizeof(err)) == 0,
	      "%s: %s", e->name, err);
	return ctx;
}

static inline void kat_ctx_free(struct esp_crypto_ctx *ctx)
{
	esp_engine_ctx_fini(ctx);
	free(ctx);
}

/* A cipher vector: key, salt (CTR/GCM, 8 hex or ""), explicit IV, plaintext,
 * expected ciphertext. */
static inline void kat_cipher(struct kat_env *k, const char *name, unsigned alg, const char *key_hex,
			      const char *salt_hex, const char *iv_hex, const char *pt_hex,
			      const char *ct_hex)
{
	uint8_t key[32], salt[4] = { 0 }, iv[16], pt[KAT_MAX], ct[KAT_MAX], buf[8 + 16 + KAT_MAX];
	size_t kl = hex2bin(key_hex, key, sizeof(key)), ivl = hex2bin(iv_hex, iv, sizeof(iv));
	size_t pl = hex2bin(pt_hex, pt, sizeof(pt)), cl = hex2bin(ct_hex, ct, sizeof(ct));
	struct esp_crypto_key ck = { .crypto = (uint8_t)alg, .ckey = key, .ckey_len = (uint8_t)kl };

	CHECK(pl == cl, "%s: vector lengths", name);
	if (*salt_hex)
		hex2bin(salt_hex, salt, sizeof(salt));
	memcpy(ck.salt, salt, 4);
	for (int e = 0; e < k->neng; e++) {
		struct esp_crypto_ctx *out = kat_ctx(&k->eng[e], &ck, SHM_DIR_OUT);
		struct esp_crypto_ctx *in = kat_ctx(&k->eng[e], &ck, SHM_DIR_IN);
		struct esp_crypto_op op = {
			.buf = buf, .iv_off = 8, .cipher_off = (uint16_t)(8 + ivl),
			.cipher_len = (uint16_t)pl,
		};

		CHECK(out->iv_len == ivl, "%s: IV length %zu, algorithm wants %u", name, ivl, out->iv_len);
		memset(buf, 0, 8);
		memcpy(buf + 8, iv, ivl);
		memcpy(buf + 8 + ivl, pt, pl);
		CHECK(esp_engine_encrypt(k->w, out, &op, 1) == 1, "%s on %s: encrypt status %u", name,
		      k->eng[e].name, op.status);
		CHECK(memcmp(buf + 8 + ivl, ct, cl) == 0, "%s on %s: ciphertext differs", name,
		      k->eng[e].name);
		CHECK(esp_engine_decrypt(k->w, in, &op, 1) == 1, "%s on %s: decrypt status %u", name,
		      k->eng[e].name, op.status);
		CHECK(memcmp(buf + 8 + ivl, pt, pl) == 0, "%s on %s: plaintext differs", name,
		      k->eng[e].name);
		kat_ctx_free(out);
		kat_ctx_free(in);
		k->ran++;
	}
}

/* A GCM vector with a 96-bit IV (also on the native engine where the CPU has it): salt = IV[0..3], explicit IV = IV[4..11]
 * (RFC 4106 §4), arbitrary AAD, expected ciphertext and 16-byte tag. */
static inline void kat_gcm(struct kat_env *k, const char *name, unsigned alg, const char *key_hex,
			   const char *iv12_hex, const char *aad_hex, const char *pt_hex,
			   const char *ct_hex, const char *tag_hex)
{
	uint8_t key[32], iv12[12], aad[64], pt[KAT_MAX], ct[KAT_MAX], tag[16], buf[8 + 8 + KAT_MAX + 16];
	size_t kl = hex2bin(key_hex, key, sizeof(key)), al = hex2bin(aad_hex, aad, sizeof(aad));
	size_t pl = hex2bin(pt_hex, pt, sizeof(pt)), cl = hex2bin(ct_hex, ct, sizeof(ct));
	struct esp_crypto_key ck = { .crypto = (uint8_t)alg, .ckey = key, .ckey_len = (uint8_t)kl };

	CHECK(hex2bin(iv12_hex, iv12, sizeof(iv12)) == 12 && hex2bin(tag_hex, tag, sizeof(tag)) == 16,
	      "%s: vector", name);
	CHECK(pl == cl, "%s: vector lengths", name);
	memcpy(ck.salt, iv12, 4);
	for (int e = 0; e < k->neng + k->has_native; e++) {
		const struct esp_test_engine *te = e < k->neng ? &k->eng[e] : &k->native;
		struct esp_crypto_ctx *out = kat_ctx(te, &ck, SHM_DIR_OUT);
		struct esp_crypto_ctx *in = kat_ctx(te, &ck, SHM_DIR_IN);
		struct esp_crypto_op op = {
			.buf = buf, .iv_off = 8, .cipher_off = 16, .cipher_len = (uint16_t)pl,
			.icv = buf + 16 + pl, .aad = aad, .aad_len = (uint8_t)al,
		};

		memset(buf, 0, 8);
		memcpy(buf + 8, iv12 + 4, 8);
		memcpy(buf + 16, pt, pl);
		CHECK(esp_engine_encrypt(k->w, out, &op, 1) == 1, "%s on %s: encrypt status %u", name,
		      te->name, op.status);
		CHECK(memcmp(buf + 16, ct, cl) == 0, "%s on %s: ciphertext differs", name, te->name);
		CHECK(memcmp(buf + 16 + pl, tag, 16) == 0, "%s on %s: tag differs", name, te->name);
		CHECK(esp_engine_decrypt(k->w, in, &op, 1) == 1, "%s on %s: decrypt status %u", name,
		      te->name, op.status);
		CHECK(memcmp(buf + 16, pt, pl) == 0, "%s on %s: plaintext differs", name, te->name);
		/* a flipped tag bit must fail */
		memcpy(buf + 16, ct, cl);
		buf[16 + pl + 15] ^= 0x01;
		CHECK(esp_engine_decrypt(k->w, in, &op, 1) == 0 && op.status == ESP_CRYPTO_AUTH_FAILED,
		      "%s on %s: forged tag accepted", name, te->name);
		kat_ctx_free(out);
		kat_ctx_free(in);
		k->ran++;
	}
}

/* An HMAC vector for integrity algorithm `alg`: the ICV must equal the first
 * icv_len bytes of the full HMAC `mac_hex`. */
static inline void kat_hmac(struct kat_env *k, const char *name, unsigned alg, const uint8_t *key,
			    size_t kl, const uint8_t *data, size_t dl, const char *mac_hex)
{
	uint8_t mac[64], buf[KAT_MAX], icv[ESP_ICV_MAX];
	size_t ml = hex2bin(mac_hex, mac, sizeof(mac));
	struct esp_crypto_key ck = { .integ = (uint8_t)alg, .ikey = key, .ikey_len = (uint16_t)kl };

	CHECK(dl <= sizeof(buf), "%s: data too long", name);
	for (int e = 0; e < k->neng; e++) {
		struct esp_crypto_ctx *out = kat_ctx(&k->eng[e], &ck, SHM_DIR_OUT);
		struct esp_crypto_ctx *in = kat_ctx(&k->eng[e], &ck, SHM_DIR_IN);
		struct esp_crypto_op op = { .buf = buf, .auth_len = (uint16_t)dl, .icv = icv };

		CHECK(out->icv_len <= ml, "%s: vector shorter than the ICV", name);
		memcpy(buf, data, dl);
		CHECK(esp_engine_encrypt(k->w, out, &op, 1) == 1, "%s on %s: status %u", name,
		      k->eng[e].name, op.status);
		CHECK(memcmp(icv, mac, out->icv_len) == 0, "%s on %s: ICV differs", name, k->eng[e].name);
		CHECK(esp_engine_decrypt(k->w, in, &op, 1) == 1, "%s on %s: good ICV refused", name,
		      k->eng[e].name);
		icv[out->icv_len - 1] ^= 0x80;
		CHECK(esp_engine_decrypt(k->w, in, &op, 1) == 0 && op.status == ESP_CRYPTO_AUTH_FAILED,
		      "%s on %s: forged ICV accepted", name, k->eng[e].name);
		kat_ctx_free(out);
		kat_ctx_free(in);
		k->ran++;
	}
}

#endif

/* The native AES-GCM engine against OpenSSL's: the same keys, nonces, AAD
 * and plaintexts must give the same ciphertext and tag, byte for byte, for
 * every length from 0 to past the native engine's limit (where it hands
 * packets to intel-ipsec-mb), AAD of 0 to 20 bytes, all three key sizes,
 * single operations and mixed bursts. Inbound: every single-bit change of
 * AAD, IV, ciphertext or tag is refused, and a refused packet's buffer is
 * left exactly as it came (the tag is checked before plaintext is written).
 * Skips (77) on a CPU without VAES and VPCLMULQDQ. */
#include "esp_test.h"

#define MAXLEN 320
#define BURST 64
#define STRIDE (16 + MAXLEN + 16 + 16)

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(r->s >> 33);
}

static void fill(struct rng *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(r);
}

static struct esp_crypto_ctx *mk(const struct esp_crypto_key *k, enum shm_dir dir, int engine)
{
	struct esp_crypto_ctx *ctx = aligned_alloc(64, sizeof(*ctx));
	char err[256];

	CHECK(ctx, "oom");
	CHECK(esp_engine_ctx_init(ctx, k, dir, engine, ESP_ARCH_AUTO, err, sizeof(err)) == 0, "%s", err);
	CHECK(ctx->engine == engine, "engine %u", ctx->engine);
	return ctx;
}

static void op_at(struct esp_crypto_op *op, uint8_t *buf, uint16_t len, const uint8_t *aad, uint8_t aad_len)
{
	*op = (struct esp_crypto_op){
		.buf = buf, .iv_off = 8, .cipher_off = 16, .cipher_len = len,
		.icv = buf + 16 + len, .aad = aad, .aad_len = aad_len,
	};
}

static const uint8_t aad_lens[] = { 8, 12, 0, 16, 1, 20 };

int main(void)
{
	static const unsigned algs[] = { SHM_CRYPTO_AES_GCM_128, SHM_CRYPTO_AES_GCM_192, SHM_CRYPTO_AES_GCM_256 };
	static uint8_t a[BURST][STRIDE], b[BURST][STRIDE], pt[BURST][STRIDE], aad[BURST][32], saved[STRIDE];
	struct esp_crypto_op oa[BURST], ob[BURST];
	struct esp_engine_worker *w;
	struct rng r = { 0x9e3779b97f4a7c15ull };
	unsigned singles = 0, bursts = 0, forgeries = 0;
	uint16_t lens[BURST];
	uint8_t alen[BURST];
	char err[256];

	esp_test_init();
	if (!esp_test_native(SHM_CRYPTO_AES_GCM_128)) {
		printf("native engine unavailable on this CPU: skipped\n");
		esp_engine_fini();
		return 77;
	}
	w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(w, "%s", err);

	for (unsigned ai = 0; ai < 3; ai++) {
		uint8_t key[32];
		struct esp_crypto_key k = { .crypto = (uint8_t)algs[ai], .ckey = key,
					    .ckey_len = esp_alg_crypto(algs[ai])->key_len };
		struct esp_crypto_ctx *no, *ni, *oo, *oi;

		fill(&r, key, sizeof(key));
		fill(&r, k.salt, 4);
		no = mk(&k, SHM_DIR_OUT, ESP_ENGINE_NATIVE);
		ni = mk(&k, SHM_DIR_IN, ESP_ENGINE_NATIVE);
		oo = mk(&k, SHM_DIR_OUT, ESP_ENGINE_OSSL);
		oi = mk(&k, SHM_DIR_IN, ESP_ENGINE_OSSL);

		/* single operations: every length 0..MAXLEN with each AAD length */
		for (unsigned len = 0; len <= MAXLEN; len++) {
			for (unsigned x = 0; x < sizeof(aad_lens); x++) {
				uint8_t al = aad_lens[x];

				fill(&r, a[0], 16 + len);
				fill(&r, aad[0], al);
				memcpy(b[0], a[0], 16 + len);
				memcpy(pt[0], a[0], 16 + len);
				op_at(&oa[0], a[0], (uint16_t)len, aad[0], al);
				op_at(&ob[0], b[0], (uint16_t)len, aad[0], al);
				CHECK(esp_engine_encrypt(w, no, &oa[0], 1) == 1, "native encrypt");
				CHECK(esp_engine_encrypt(w, oo, &ob[0], 1) == 1, "openssl encrypt");
				CHECK(memcmp(a[0], b[0], 16 + len + 16) == 0,
				      "aes-gcm-%u len %u aad %u: native ciphertext or tag differs from openssl",
				      k.ckey_len * 8, len, al);
				CHECK(esp_engine_decrypt(w, ni, &oa[0], 1) == 1 && oa[0].status == ESP_CRYPTO_OK,
				      "native decrypt len %u aad %u", len, al);
				CHECK(memcmp(a[0], pt[0], 16 + len) == 0, "native plaintext len %u aad %u", len, al);
				singles++;
			}
		}

		/* forgeries: one flipped bit anywhere the tag covers, on packets
		 * encrypted by OpenSSL; a refused buffer is left untouched */
		for (unsigned t = 0; t < 3000; t++) {
			unsigned len = rnd(&r) % (MAXLEN + 1), al = aad_lens[rnd(&r) % 2];
			unsigned span = al + 8 + len + 16, bit = rnd(&r) % (8 * span);
			unsigned byte = bit / 8;

			fill(&r, b[0], 16 + len);
			fill(&r, aad[0], al);
			op_at(&ob[0], b[0], (uint16_t)len, aad[0], (uint8_t)al);
			CHECK(esp_engine_encrypt(w, oo, &ob[0], 1) == 1, "openssl encrypt");
			if (byte < al)
				aad[0][byte] ^= (uint8_t)(1u << (bit % 8));
			else    /* IV, ciphertext and tag are contiguous from offset 8 */
				b[0][8 + byte - al] ^= (uint8_t)(1u << (bit % 8));
			memcpy(saved, b[0], 16 + len + 16);
			CHECK(esp_engine_decrypt(w, ni, &ob[0], 1) == 0 && ob[0].status == ESP_CRYPTO_AUTH_FAILED,
			      "forgery accepted: len %u aad %u bit %u", len, al, bit);
			if (len <= 224)
				CHECK(memcmp(saved, b[0], 16 + len + 16) == 0,
				      "refused packet written: len %u bit %u", len, bit);
			forgeries++;
		}

		/* bursts of mixed lengths, every fifth packet forged */
		for (unsigned t = 0; t < 200; t++) {
			uint16_t want = 0, n = (uint16_t)(1 + rnd(&r) % BURST);

			for (uint16_t i = 0; i < n; i++) {
				lens[i] = (uint16_t)(rnd(&r) % 4 ? rnd(&r) % 100 : rnd(&r) % (MAXLEN + 1));
				alen[i] = aad_lens[rnd(&r) % 2];
				fill(&r, a[i], 16 + lens[i]);
				fill(&r, aad[i], alen[i]);
				memcpy(b[i], a[i], 16 + lens[i]);
				memcpy(pt[i], a[i], 16 + lens[i]);
				op_at(&oa[i], a[i], lens[i], aad[i], alen[i]);
				op_at(&ob[i], b[i], lens[i], aad[i], alen[i]);
			}
			CHECK(esp_engine_encrypt(w, no, oa, n) == n, "native burst encrypt");
			CHECK(esp_engine_encrypt(w, oo, ob, n) == n, "openssl burst encrypt");
			for (uint16_t i = 0; i < n; i++) {
				CHECK(memcmp(a[i], b[i], 16 + lens[i] + 16) == 0, "burst %u op %u len %u differs", t, i,
				      lens[i]);
				if (i % 5 == 4)
					a[i][16 + lens[i] + rnd(&r) % 16] ^= 0x80;
				else
					want++;
			}
			CHECK(esp_engine_decrypt(w, ni, oa, n) == want, "burst %u: good count", t);
			for (uint16_t i = 0; i < n; i++) {
				CHECK(oa[i].status == (i % 5 == 4 ? ESP_CRYPTO_AUTH_FAILED : ESP_CRYPTO_OK),
				      "burst %u op %u status %u", t, i, oa[i].status);
				if (i % 5 != 4)
					CHECK(memcmp(a[i], pt[i], 16 + lens[i]) == 0, "burst %u op %u plaintext", t, i);
			}
			/* and OpenSSL opens what the native engine sealed */
			CHECK(esp_engine_decrypt(w, oi, ob, n) == n, "openssl opens burst %u", t);
			bursts++;
		}
		esp_engine_ctx_fini(no);
		esp_engine_ctx_fini(ni);
		esp_engine_ctx_fini(oo);
		esp_engine_ctx_fini(oi);
		free(no);
		free(ni);
		free(oo);
		free(oi);
	}
	esp_engine_worker_free(w);
	esp_engine_fini();
	printf("native aes-gcm: %u single operations, %u forgeries refused, %u bursts equal to openssl\n", singles,
	       forgeries, bursts);
	return 0;
}

/*
 * The native engine: AES-GCM of ipsecgw's own for the small packets that
 * dominate packet rates, on CPUs with VAES and VPCLMULQDQ (AVX-512).
 *
 * Why not only intel-ipsec-mb: the library's GCM is a per-message call whose
 * fixed cost (about 100 cycles for a 64-byte packet on this project's test
 * machine) is mostly set-up that does not depend on the length: loading the
 * round keys and hash-key powers, the length checks and partial-block logic,
 * the dependency chains of one short message. A burst of ESP packets of one
 * SA shares all of that, so here the round keys are broadcast into vector
 * registers once per burst and each packet costs only its own AES rounds (one
 * 512-bit operation per round covers four blocks) and one aggregated GHASH:
 * every block multiplied by its power of H at once, a single reduction. The
 * out-of-order core overlaps consecutive packets, which are independent.
 *
 * Scope: packets of up to NATIVE_MAX_LEN bytes of ciphertext and up to 16
 * bytes of AAD (ESP uses 8 or 12). Anything longer goes to intel-ipsec-mb's
 * AVX-512 GCM, whose keys the context also holds; on long packets the
 * library's cost per byte is what matters and it is already excellent.
 *
 * Inbound, the tag is checked before any plaintext is written: a forged
 * packet leaves the buffer as it came.
 *
 * GHASH arithmetic: blocks are byte-reflected, so that the coefficient of
 * x^0 is the most significant bit and carry-less products come out in the
 * same order. The hash key is stored as H * x^-1 (H shifted left by one bit,
 * with the reduction constant folded in on a carry), which cancels the
 * one-bit offset of a reflected product; the 256-bit product is then
 * reduced with two carry-less multiplications by x^121 + x^126 + x^127 read
 * in reflected order (0xc2 << 56): each folds 64 bits of the lower half into
 * the upper one. docs/esp.md derives it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <immintrin.h>
#include <openssl/crypto.h>

#include "esp_alg.h"
#include "esp_engine_be.h"

#define NATIVE_TARGET "avx2,avx512f,avx512bw,avx512vl,vaes,vpclmulqdq,pclmul,aes"
#define NT __attribute__((target(NATIVE_TARGET)))
#define NT_INLINE NT __attribute__((always_inline)) static inline

#define NATIVE_MAX_BLOCKS 14                            /* + AAD + lengths = 16 powers of H */
#define NATIVE_MAX_LEN (16 * NATIVE_MAX_BLOCKS)
#define NATIVE_POWERS 16

struct native_keys {
	struct gcm_key_data imb;                        /* intel-ipsec-mb AVX-512, longer packets */
	alignas(64) uint8_t rk[15][16];                 /* AES encryption round keys */
	/* hp[i] = H^(16 - i) * x^-1, byte-reflected, i < 16; then four zero
	 * blocks, read (times zero) by the last vector of a short packet */
	alignas(64) uint8_t hp[NATIVE_POWERS + 4][16];
};
_Static_assert(sizeof(struct native_keys) <= ESP_ENGINE_KEYS_SIZE, "native keys fit the context");

/* Counter blocks for four 128-bit lanes at a time: vector j, lane l holds
 * counter 2 + 4j + l (1 is J0, for the tag) in the last byte, big-endian. */
#define CTR4(j) 0, (uint64_t)(4 * (j) + 2) << 56, 0, (uint64_t)(4 * (j) + 3) << 56, \
		0, (uint64_t)(4 * (j) + 4) << 56, 0, (uint64_t)(4 * (j) + 5) << 56
static const alignas(64) uint64_t ctr_lanes[4][8] = { { CTR4(0) }, { CTR4(1) }, { CTR4(2) }, { CTR4(3) } };
#define BSWAP16 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
static const alignas(64) uint8_t bswap_lanes[64] = { BSWAP16, BSWAP16, BSWAP16, BSWAP16 };

static int native_ok = -1;      /* CPU check, once */

int esp_native_available(void)
{
	const uint64_t need = IMB_FEATURE_VAES | IMB_FEATURE_VPCLMULQDQ | IMB_FEATURE_AVX512_SKX;

	if (native_ok < 0)
		native_ok = (imb_get_feature_flags() & need) == need;
	return native_ok && esp_imb_arch_available(ESP_ARCH_AVX512);
}

int esp_native_supports(int integ, unsigned alg)
{
	if (!esp_native_available())
		return 0;
	if (integ)
		return alg == SHM_INTEG_NONE;
	return alg == SHM_CRYPTO_AES_GCM_128 || alg == SHM_CRYPTO_AES_GCM_192 || alg == SHM_CRYPTO_AES_GCM_256;
}

/* ---- GF(2^128) in reflected order --------------------------------------- */

NT_INLINE __m128i gf_reduce(__m128i t0, __m128i t1)
{
	const __m128i k = _mm_set_epi64x(0, (long long)0xc200000000000000ull);
	__m128i a = _mm_clmulepi64_si128(t0, k, 0x00);
	__m128i v = _mm_xor_si128(_mm_shuffle_epi32(t0, 0x4e), a);
	__m128i b = _mm_clmulepi64_si128(v, k, 0x00);

	v = _mm_xor_si128(_mm_shuffle_epi32(v, 0x4e), b);
	return _mm_xor_si128(t1, v);
}

/* (lo, hi, mid) of a 256-bit product to the reduced 128-bit value. */
NT_INLINE __m128i gf_finish(__m128i lo, __m128i hi, __m128i mid)
{
	return gf_reduce(_mm_xor_si128(lo, _mm_slli_si128(mid, 8)), _mm_xor_si128(hi, _mm_srli_si128(mid, 8)));
}

NT_INLINE __m128i gf_mul(__m128i a, __m128i b)
{
	__m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10));

	return gf_finish(_mm_clmulepi64_si128(a, b, 0x00), _mm_clmulepi64_si128(a, b, 0x11), mid);
}

NT_INLINE __m128i fold512(__m512i z, __m256i extra)
{
	__m256i y = _mm256_xor_si256(_mm512_extracti64x4_epi64(z, 1), _mm512_castsi512_si256(z));

	y = _mm256_xor_si256(y, extra);
	return _mm_xor_si128(_mm256_extracti128_si256(y, 1), _mm256_castsi256_si128(y));
}

/* ---- key set-up (control thread) -------------------------------------------- */

NT static void native_hash_powers(struct native_keys *k, int nr)
{
	__m128i x = _mm_xor_si128(_mm_setzero_si128(), _mm_load_si128((const __m128i *)k->rk[0]));
	__m128i h, p;
	uint64_t lo, hi, carry;

	for (int r = 1; r < nr; r++)
		x = _mm_aesenc_si128(x, _mm_load_si128((const __m128i *)k->rk[r]));
	x = _mm_aesenclast_si128(x, _mm_load_si128((const __m128i *)k->rk[nr]));   /* H = E(K, 0) */
	x = _mm_shuffle_epi8(x, _mm_loadu_si128((const __m128i *)bswap_lanes));
	lo = (uint64_t)_mm_cvtsi128_si64(x);
	hi = (uint64_t)_mm_extract_epi64(x, 1);
	carry = 0 - (hi >> 63);                  /* the x^0 coefficient shifts out: add x^-1 */
	hi = (hi << 1 | lo >> 63) ^ (carry & 0xc200000000000000ull);
	lo = (lo << 1) ^ (carry & 1);
	h = _mm_set_epi64x((long long)hi, (long long)lo);
	p = h;
	for (int e = 1; e <= NATIVE_POWERS; e++) {
		_mm_store_si128((__m128i *)k->hp[NATIVE_POWERS - e], p);
		p = gf_mul(p, h);       /* H^e x^-1 * H x^-1 * x (the product's offset) = H^(e+1) x^-1 */
	}
	memset(k->hp[NATIVE_POWERS], 0, 4 * 16);
}

int esp_native_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err,
			size_t errlen)
{
	struct native_keys *k = (struct native_keys *)ctx->keys;
	IMB_MGR *m = esp_imb_mgr(ESP_ARCH_AVX512);
	alignas(16) uint8_t dec[15 * 16];
	int nr;

	if (!m || !esp_native_supports(0, key->crypto) || !esp_native_supports(1, key->integ) ||
	    ctx->icv_len != 16) {
		snprintf(err, errlen, "native engine: %s", esp_native_available()
				      ? "only AES-GCM with a 16-byte ICV"
				      : "needs a CPU with AVX-512, VAES and VPCLMULQDQ");
		return -ENOTSUP;
	}
	switch (ctx->key_len) {
	case 16:
		IMB_AES128_GCM_PRE(m, key->ckey, &k->imb);
		IMB_AES_KEYEXP_128(m, key->ckey, k->rk, dec);
		nr = 10;
		break;
	case 24:
		IMB_AES192_GCM_PRE(m, key->ckey, &k->imb);
		IMB_AES_KEYEXP_192(m, key->ckey, k->rk, dec);
		nr = 12;
		break;
	default:
		IMB_AES256_GCM_PRE(m, key->ckey, &k->imb);
		IMB_AES_KEYEXP_256(m, key->ckey, k->rk, dec);
		nr = 14;
		break;
	}
	OPENSSL_cleanse(dec, sizeof(dec));
	native_hash_powers(k, nr);
	ctx->arch = ESP_ARCH_AVX512;    /* the library path for longer packets */
	return 0;
}

void esp_native_ctx_fini(struct esp_crypto_ctx *ctx)
{
	OPENSSL_cleanse(ctx->keys, sizeof(ctx->keys));
}

/* ---- bursts -------------------------------------------------------------------- */

/* One packet: CTR over the ciphertext, GHASH over AAD | ciphertext |
 * lengths with every block multiplied by its power of H, one reduction.
 * Returns 1 if good. `rk` are the broadcast round keys. */
NT_INLINE int gcm_small(const struct native_keys *k, const __m512i *rk, const int nr, uint32_t salt,
			struct esp_crypto_op *op, const int enc)
{
	const __m512i bswap = _mm512_load_si512(bswap_lanes);
	const uint32_t len = op->cipher_len, nb = (len + 15) / 16;
	uint8_t *p = op->buf + op->cipher_off;
	__m512i lo = _mm512_setzero_si512(), hi = lo, mid = lo, ks[4], base;
	__m256i x2, h2, lo2, hi2, mid2;
	__m128i j0, s, a, tag;
	uint64_t iv;
	uint32_t j;

	memcpy(&iv, op->buf + op->iv_off, 8);
	/* salt | IV | counter (RFC 4106 §3.1); the counter is added per lane */
	j0 = _mm_set_epi64x((long long)(iv >> 32), (long long)((iv << 32) | salt));
	base = _mm512_broadcast_i32x4(j0);
	j0 = _mm_or_si128(j0, _mm_set_epi64x((long long)(1ull << 56), 0));

	/* the tag's key block E(K, J0), on its own chain */
	s = _mm_xor_si128(j0, _mm512_castsi512_si128(rk[0]));
	for (int r = 1; r < nr; r++)
		s = _mm_aesenc_si128(s, _mm512_castsi512_si128(rk[r]));
	s = _mm_aesenclast_si128(s, _mm512_castsi512_si128(rk[nr]));

	for (j = 0; 64 * j < len; j++) {
		uint32_t rem = len - 64 * j;
		__mmask64 m = rem >= 64 ? ~0ull : (1ull << rem) - 1;
		__m512i d, c, hp;

		ks[j] = _mm512_xor_si512(_mm512_or_si512(base, _mm512_load_si512(ctr_lanes[j])), rk[0]);
		for (int r = 1; r < nr; r++)
			ks[j] = _mm512_aesenc_epi128(ks[j], rk[r]);
		ks[j] = _mm512_aesenclast_epi128(ks[j], rk[nr]);
		d = _mm512_maskz_loadu_epi8(m, p + 64 * j);
		if (enc) {
			c = _mm512_maskz_mov_epi8(m, _mm512_xor_si512(d, ks[j]));
			_mm512_mask_storeu_epi8(p + 64 * j, m, c);
		} else {
			c = d;
		}
		/* block 4j + l has power nb + 1 - 4j - l: hp[15 - nb + 4j + l] */
		c = _mm512_shuffle_epi8(c, bswap);
		hp = _mm512_loadu_si512(k->hp[15 - nb + 4 * j]);
		lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(c, hp, 0x00));
		hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(c, hp, 0x11));
		mid = _mm512_ternarylogic_epi64(mid, _mm512_clmulepi64_epi128(c, hp, 0x01),
						_mm512_clmulepi64_epi128(c, hp, 0x10), 0x96);
	}

	/* AAD (power nb + 2) and the lengths block (power 1) in one 256-bit product */
	a = _mm_maskz_loadu_epi8((__mmask16)((1u << op->aad_len) - 1), op->aad);
	a = _mm_shuffle_epi8(a, _mm512_castsi512_si128(bswap));
	x2 = _mm256_inserti128_si256(_mm256_castsi128_si256(a),
				     _mm_set_epi64x((long long)op->aad_len * 8, (long long)len * 8), 1);
	h2 = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_load_si128((const __m128i *)k->hp[14 - nb])),
				     _mm_load_si128((const __m128i *)k->hp[15]), 1);
	lo2 = _mm256_clmulepi64_epi128(x2, h2, 0x00);
	hi2 = _mm256_clmulepi64_epi128(x2, h2, 0x11);
	mid2 = _mm256_xor_si256(_mm256_clmulepi64_epi128(x2, h2, 0x01), _mm256_clmulepi64_epi128(x2, h2, 0x10));

	tag = gf_finish(fold512(lo, lo2), fold512(hi, hi2), fold512(mid, mid2));
	tag = _mm_xor_si128(_mm_shuffle_epi8(tag, _mm512_castsi512_si128(bswap)), s);
	if (enc) {
		_mm_storeu_si128((__m128i *)op->icv, tag);
		return 1;
	}
	if (_mm_cmpeq_epi8_mask(tag, _mm_loadu_si128((const __m128i *)op->icv)) != 0xffff)
		return 0;
	for (j = 0; 64 * j < len; j++) {
		uint32_t rem = len - 64 * j;
		__mmask64 m = rem >= 64 ? ~0ull : (1ull << rem) - 1;
		__m512i d = _mm512_maskz_loadu_epi8(m, p + 64 * j);

		_mm512_mask_storeu_epi8(p + 64 * j, m, _mm512_xor_si512(d, ks[j]));
	}
	return 1;
}

NT_INLINE uint16_t burst_nr(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n, const int nr, const int enc)
{
	const struct native_keys *k = (const struct native_keys *)ctx->keys;
	IMB_MGR *m = w->mgr[ESP_ARCH_AVX512];
	__m512i rk[15];
	uint32_t salt;
	uint16_t good = 0;

	for (int r = 0; r <= nr; r++)
		rk[r] = _mm512_broadcast_i32x4(_mm_load_si128((const __m128i *)k->rk[r]));
	memcpy(&salt, ctx->salt, 4);
	for (uint16_t i = 0; i < n;) {
		struct esp_crypto_op *op = &ops[i];
		uint16_t run = 0;

		if (op->cipher_len <= NATIVE_MAX_LEN && op->aad_len <= 16) {
			int ok = gcm_small(k, rk, nr, salt, op, enc);

			op->status = ok ? ESP_CRYPTO_OK : ESP_CRYPTO_AUTH_FAILED;
			good += (uint16_t)ok;
			i++;
			continue;
		}
		/* a run of longer packets: one library call sequence */
		while (i + run < n && (ops[i + run].cipher_len > NATIVE_MAX_LEN || ops[i + run].aad_len > 16))
			run++;
		if (m) {
			good += esp_imb_gcm_burst(m, ctx, &k->imb, op, run, &w->slot[0], enc);
		} else {
			for (uint16_t j = 0; j < run; j++)
				op[j].status = ESP_CRYPTO_ERROR;
		}
		i += run;
	}
	return good;
}

NT static uint16_t burst(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			 struct esp_crypto_op *ops, uint16_t n, int enc)
{
	switch (ctx->key_len * 2 + enc) {
	case 32: return burst_nr(w, ctx, ops, n, 10, 0);
	case 33: return burst_nr(w, ctx, ops, n, 10, 1);
	case 48: return burst_nr(w, ctx, ops, n, 12, 0);
	case 49: return burst_nr(w, ctx, ops, n, 12, 1);
	case 64: return burst_nr(w, ctx, ops, n, 14, 0);
	default: return burst_nr(w, ctx, ops, n, 14, 1);
	}
}

uint16_t esp_native_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n)
{
	return burst(w, ctx, ops, n, 1);
}

uint16_t esp_native_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n)
{
	return burst(w, ctx, ops, n, 0);
}

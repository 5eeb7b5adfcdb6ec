/*
 * The intel-ipsec-mb engine: the library's job API, one manager per code
 * path per worker, keys expanded once per SA into the context.
 *
 * A burst submits one job per operation (cipher and HMAC chained in one job),
 * collects completed jobs as the manager returns them and flushes at the
 * end, so no job outlives the call; AES-GCM calls the library's direct GCM
 * functions instead, one per operation. Tags are written to the
 * worker's per-op scratch and then copied (outbound) or compared in constant
 * time (inbound); that also covers sha-256-96, whose 12-byte truncation the
 * library does not offer (it produces 16 and we keep 12).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "esp_alg.h"
#include "esp_engine_be.h"
#include "esp_wire.h"

/* Key material in esp_crypto_ctx.keys. GCM keeps its own expanded keys and
 * hash-key powers (whose layout depends on the code path that computed
 * them); every other cipher uses the plain AES or DES key schedules. */
union imb_keys {
	struct gcm_key_data gcm;
	struct {
		union {
			struct {
				alignas(16) uint8_t enc[15 * 16];
				alignas(16) uint8_t dec[15 * 16];
			} aes;
			alignas(16) uint64_t des[3][16];
		} c;
		alignas(16) uint8_t ipad[64];   /* hash state after (K ^ ipad) */
		alignas(16) uint8_t opad[64];   /* hash state after (K ^ opad) */
	} h;
};
_Static_assert(sizeof(union imb_keys) <= ESP_ENGINE_KEYS_SIZE, "imb keys fit the context");

static const uint64_t arch_cpuflags[ESP_ARCH_N] = {
	[ESP_ARCH_SSE] = IMB_CPUFLAGS_SSE,
	[ESP_ARCH_AVX2] = IMB_CPUFLAGS_AVX2,
	[ESP_ARCH_AVX512] = IMB_CPUFLAGS_AVX512,
};

/* Control-thread state: a manager per path for key set-up. */
static struct {
	int ready;
	IMB_MGR *mgr[ESP_ARCH_N];
} imb;

static IMB_MGR *mgr_new(int arch)
{
	IMB_MGR *m;

	if ((imb_get_feature_flags() & arch_cpuflags[arch]) != arch_cpuflags[arch])
		return NULL;
	m = alloc_mb_mgr(0);
	if (!m)
		return NULL;
	switch (arch) {
	case ESP_ARCH_SSE: init_mb_mgr_sse(m); break;
	case ESP_ARCH_AVX2: init_mb_mgr_avx2(m); break;
	case ESP_ARCH_AVX512: init_mb_mgr_avx512(m); break;
	}
	if (imb_get_errno(m) != 0) {
		free_mb_mgr(m);
		return NULL;
	}
	return m;
}

int esp_imb_arch_available(int arch)
{
	return arch >= 0 && arch < ESP_ARCH_N && imb.mgr[arch] != NULL;
}

IMB_MGR *esp_imb_mgr(int arch)
{
	return esp_imb_arch_available(arch) ? imb.mgr[arch] : NULL;
}

int esp_imb_worker_init(struct esp_engine_worker *w, char *err, size_t errlen)
{
	int first = -1;

	for (int a = 0; a < ESP_ARCH_N; a++) {
		w->mgr[a] = imb.mgr[a] ? mgr_new(a) : NULL;
		if (imb.mgr[a] && !w->mgr[a]) {
			snprintf(err, errlen, "intel-ipsec-mb: cannot create a %s manager",
				 esp_arch_name(a));
			esp_imb_worker_fini(w);
			return -ENOMEM;
		}
		if (w->mgr[a] && first < 0)
			first = a;
	}
	if (first < 0) {
		snprintf(err, errlen, "intel-ipsec-mb: no usable code path on this CPU");
		return -ENOTSUP;
	}
	if (esp_rng_init(&w->rng, w->mgr[first]) != 0) {
		snprintf(err, errlen, "getrandom failed: %s", strerror(errno));
		esp_imb_worker_fini(w);
		return -EIO;
	}
	return 0;
}

void esp_imb_worker_fini(struct esp_engine_worker *w)
{
	esp_rng_wipe(&w->rng);
	for (int a = 0; a < ESP_ARCH_N; a++) {
		if (w->mgr[a])
			free_mb_mgr(w->mgr[a]);
		w->mgr[a] = NULL;
	}
}

/* ---- key set-up --------------------------------------------------------- */

static void one_block(IMB_MGR *m, int hk, const uint8_t *blk, uint8_t *state)
{
	switch (hk) {
	case ESP_HK_MD5: IMB_MD5_ONE_BLOCK(m, blk, state); break;
	case ESP_HK_SHA1: IMB_SHA1_ONE_BLOCK(m, blk, state); break;
	case ESP_HK_SHA256: IMB_SHA256_ONE_BLOCK(m, blk, state); break;
	case ESP_HK_SHA384: IMB_SHA384_ONE_BLOCK(m, blk, state); break;
	case ESP_HK_SHA512: IMB_SHA512_ONE_BLOCK(m, blk, state); break;
	}
}

static const EVP_MD *long_key_md(int hk)
{
	switch (hk) {
	case ESP_HK_MD5: return EVP_md5();
	case ESP_HK_SHA1: return EVP_sha1();
	case ESP_HK_SHA256: return EVP_sha256();
	case ESP_HK_SHA384: return EVP_sha384();
	default: return EVP_sha512();
	}
}

/* RFC 2104: K0 = K padded with zeros to the block size B (or H(K) when K is
 * longer than B); the job API wants the hash states after absorbing
 * K0 ^ ipad and K0 ^ opad. */
static int hmac_prepare(IMB_MGR *m, const struct esp_alg_integ *ia, const uint8_t *key,
			size_t klen, uint8_t *ipad, uint8_t *opad)
{
	uint8_t k0[128], blk[128];
	unsigned int dlen;
	int rc = 0;

	memset(k0, 0, sizeof(k0));
	if (klen > ia->block) {
		/* K0 = H(K) | zeros (RFC 2104 §2); control path, so OpenSSL may hash it */
		if (!EVP_Digest(key, klen, k0, &dlen, long_key_md(ia->kind), NULL))
			rc = -EINVAL;
	} else {
		memcpy(k0, key, klen);
	}
	for (unsigned i = 0; i < ia->block; i++)
		blk[i] = k0[i] ^ 0x36;          /* K0 ^ ipad */
	one_block(m, ia->kind, blk, ipad);
	for (unsigned i = 0; i < ia->block; i++)
		blk[i] = k0[i] ^ 0x5c;          /* K0 ^ opad */
	one_block(m, ia->kind, blk, opad);
	OPENSSL_cleanse(k0, sizeof(k0));
	OPENSSL_cleanse(blk, sizeof(blk));
	return rc;
}

int esp_imb_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err,
		     size_t errlen)
{
	union imb_keys *k = (union imb_keys *)ctx->keys;
	IMB_MGR *m = esp_imb_arch_available(ctx->arch) ? imb.mgr[ctx->arch] : NULL;
	const struct esp_alg_integ *ia = esp_alg_integ(key->integ);

	if (!m) {
		snprintf(err, errlen, "intel-ipsec-mb: code path %s unavailable", esp_arch_name(ctx->arch));
		return -ENOTSUP;
	}
	switch (ctx->cipher_kind) {
	case ESP_CK_AES_CBC:
	case ESP_CK_AES_CTR:
		if (ctx->key_len == 16)
			IMB_AES_KEYEXP_128(m, key->ckey, k->h.c.aes.enc, k->h.c.aes.dec);
		else if (ctx->key_len == 24)
			IMB_AES_KEYEXP_192(m, key->ckey, k->h.c.aes.enc, k->h.c.aes.dec);
		else
			IMB_AES_KEYEXP_256(m, key->ckey, k->h.c.aes.enc, k->h.c.aes.dec);
		break;
	case ESP_CK_AES_GCM:
		if (ctx->key_len == 16)
			IMB_AES128_GCM_PRE(m, key->ckey, &k->gcm);
		else if (ctx->key_len == 24)
			IMB_AES192_GCM_PRE(m, key->ckey, &k->gcm);
		else
			IMB_AES256_GCM_PRE(m, key->ckey, &k->gcm);
		break;
	case ESP_CK_DES_CBC:
		IMB_DES_KEYSCHED(m, k->h.c.des[0], key->ckey);
		break;
	case ESP_CK_3DES_CBC:
		for (int i = 0; i < 3; i++)
			IMB_DES_KEYSCHED(m, k->h.c.des[i], key->ckey + 8 * i);
		break;
	case ESP_CK_NULL:
		break;
	}
	if (ctx->hash_kind != ESP_HK_NONE &&
	    hmac_prepare(m, ia, key->ikey, key->ikey_len, k->h.ipad, k->h.opad) != 0) {
		snprintf(err, errlen, "intel-ipsec-mb: HMAC key set-up failed");
		return -EINVAL;
	}
	return 0;
}

void esp_imb_ctx_fini(struct esp_crypto_ctx *ctx)
{
	OPENSSL_cleanse(ctx->keys, sizeof(ctx->keys));
}

/* ---- bursts --------------------------------------------------------------- */

static const IMB_HASH_ALG hash_alg[] = {
	[ESP_HK_MD5] = IMB_AUTH_MD5,
	[ESP_HK_SHA1] = IMB_AUTH_HMAC_SHA_1,
	[ESP_HK_SHA256] = IMB_AUTH_HMAC_SHA_256,
	[ESP_HK_SHA384] = IMB_AUTH_HMAC_SHA_384,
	[ESP_HK_SHA512] = IMB_AUTH_HMAC_SHA_512,
};
/* Tag lengths the library accepts for IPsec use: sha-256 yields 16, of
 * which sha-256-96 keeps 12. */
static const uint8_t hash_tag_len[] = {
	[ESP_HK_MD5] = 12, [ESP_HK_SHA1] = 12, [ESP_HK_SHA256] = 16,
	[ESP_HK_SHA384] = 24, [ESP_HK_SHA512] = 32,
};

static inline void job_fill(IMB_JOB *job, const struct esp_crypto_ctx *ctx, const union imb_keys *k,
			    const void *const *des3, struct esp_crypto_op *op,
			    struct esp_engine_slot *s, int enc)
{
	job->src = op->buf;
	job->dst = op->buf + op->cipher_off;
	job->cipher_start_src_offset_in_bytes = op->cipher_off;
	job->msg_len_to_cipher_in_bytes = op->cipher_len;
	job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->key_len_in_bytes = ctx->key_len;
	job->user_data = op;
	job->user_data2 = s;

	switch (ctx->cipher_kind) {
	case ESP_CK_AES_CBC:
		job->cipher_mode = IMB_CIPHER_CBC;
		job->enc_keys = k->h.c.aes.enc;
		job->dec_keys = k->h.c.aes.dec;
		job->iv = op->buf + op->iv_off;
		job->iv_len_in_bytes = 16;
		break;
	case ESP_CK_AES_CTR: {
		/* RFC 3686 §4: nonce | IV | block counter 1 */
		struct esp_ctr_block *cb = (struct esp_ctr_block *)s->ivb;

		memcpy(cb->nonce, ctx->salt, 4);
		memcpy(cb->iv, op->buf + op->iv_off, 8);
		cb->counter = __builtin_bswap32(1);
		job->cipher_mode = IMB_CIPHER_CNTR;
		job->enc_keys = k->h.c.aes.enc;
		job->dec_keys = k->h.c.aes.enc;
		job->iv = s->ivb;
		job->iv_len_in_bytes = 16;
		break;
	}
	case ESP_CK_AES_GCM: {
		/* RFC 4106 §4: salt | IV; the library appends the counter */
		struct esp_gcm_nonce *gn = (struct esp_gcm_nonce *)s->ivb;

		memcpy(gn->salt, ctx->salt, 4);
		memcpy(gn->iv, op->buf + op->iv_off, 8);
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = &k->gcm;
		job->dec_keys = &k->gcm;
		job->iv = s->ivb;
		job->iv_len_in_bytes = 12;
		job->hash_start_src_offset_in_bytes = op->cipher_off;
		job->msg_len_to_hash_in_bytes = op->cipher_len;
		job->u.GCM.aad = op->aad;
		job->u.GCM.aad_len_in_bytes = op->aad_len;
		job->auth_tag_output = enc ? op->icv : s->tag;
		job->auth_tag_output_len_in_bytes = 16;
		return;
	}
	case ESP_CK_DES_CBC:
		job->cipher_mode = IMB_CIPHER_DES;
		job->enc_keys = k->h.c.des[0];
		job->dec_keys = k->h.c.des[0];
		job->iv = op->buf + op->iv_off;
		job->iv_len_in_bytes = 8;
		break;
	case ESP_CK_3DES_CBC:
		job->cipher_mode = IMB_CIPHER_DES3;
		job->enc_keys = des3;
		job->dec_keys = des3;
		job->iv = op->buf + op->iv_off;
		job->iv_len_in_bytes = 8;
		break;
	default:
		job->cipher_mode = IMB_CIPHER_NULL;
		job->key_len_in_bytes = 0;
		job->iv = NULL;
		job->iv_len_in_bytes = 0;
		break;
	}
	if (ctx->hash_kind == ESP_HK_NONE) {
		job->hash_alg = IMB_AUTH_NULL;
		return;
	}
	job->hash_alg = hash_alg[ctx->hash_kind];
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = op->auth_len;
	job->u.HMAC._hashed_auth_key_xor_ipad = k->h.ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = k->h.opad;
	job->auth_tag_output_len_in_bytes = hash_tag_len[ctx->hash_kind];
	/* Outbound, the tag goes straight into the packet when the library's
	 * length is the ICV's (all but sha-256-96); the digest is written after
	 * the last input byte is read, so an ESN seq-hi there is safe. */
	job->auth_tag_output = enc && hash_tag_len[ctx->hash_kind] == ctx->icv_len ? op->icv : s->tag;
}

static inline uint16_t job_done(const IMB_JOB *job, const struct esp_crypto_ctx *ctx, int enc)
{
	struct esp_crypto_op *op = job->user_data;
	const struct esp_engine_slot *s = job->user_data2;

	if (job->status != IMB_STATUS_COMPLETED) {
		op->status = ESP_CRYPTO_ERROR;
		return 0;
	}
	if (ctx->icv_len) {
		if (enc) {
			if (job->auth_tag_output != op->icv)
				memcpy(op->icv, s->tag, ctx->icv_len);
		} else if (!esp_engine_ct_equal(s->tag, op->icv, ctx->icv_len)) {
			op->status = ESP_CRYPTO_AUTH_FAILED;
			return 0;
		}
	}
	op->status = ESP_CRYPTO_OK;
	return 1;
}

/* AES-GCM through the library's direct API, one call per operation (same
 * nonce, AAD and in-place layout as the GCM job): on small packets the job
 * manager's submit and flush cost about as much as the cipher. */
uint16_t esp_imb_gcm_burst(IMB_MGR *m, const struct esp_crypto_ctx *ctx, const struct gcm_key_data *k,
			   struct esp_crypto_op *ops, uint16_t n, struct esp_engine_slot *s, int enc)
{
	aes_gcm_enc_dec_t fn;
	struct gcm_context_data g;
	struct esp_gcm_nonce *gn = (struct esp_gcm_nonce *)s->ivb;
	uint16_t good = 0;

	switch (ctx->key_len) {
	case 16: fn = enc ? m->gcm128_enc : m->gcm128_dec; break;
	case 24: fn = enc ? m->gcm192_enc : m->gcm192_dec; break;
	default: fn = enc ? m->gcm256_enc : m->gcm256_dec; break;
	}
	memcpy(gn->salt, ctx->salt, 4);
	for (uint16_t i = 0; i < n; i++) {
		struct esp_crypto_op *op = &ops[i];
		uint8_t *p = op->buf + op->cipher_off;
		uint8_t *tag = enc && ctx->icv_len == 16 ? op->icv : s->tag;

		memcpy(gn->iv, op->buf + op->iv_off, 8);
		fn(k, &g, p, p, op->cipher_len, s->ivb, op->aad, op->aad_len, tag, 16);
		if (enc) {
			if (tag != op->icv)
				memcpy(op->icv, tag, ctx->icv_len);
		} else if (!esp_engine_ct_equal(tag, op->icv, ctx->icv_len)) {
			op->status = ESP_CRYPTO_AUTH_FAILED;
			continue;
		}
		op->status = ESP_CRYPTO_OK;
		good++;
	}
	return good;
}

static inline uint16_t burst(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			     struct esp_crypto_op *ops, uint16_t n, int enc)
{
	IMB_MGR *m = w->mgr[ctx->arch];
	const union imb_keys *k = (const union imb_keys *)ctx->keys;
	const void *des3[3] = { k->h.c.des[0], k->h.c.des[1], k->h.c.des[2] };
	uint16_t good = 0;
	IMB_JOB *job;

	if (!m) {
		for (uint16_t i = 0; i < n; i++)
			ops[i].status = ESP_CRYPTO_ERROR;
		return 0;
	}
	if (ctx->cipher_kind == ESP_CK_AES_GCM)
		return esp_imb_gcm_burst(m, ctx, &k->gcm, ops, n, &w->slot[0], enc);
	for (uint16_t i = 0; i < n; i++) {
		job = IMB_GET_NEXT_JOB(m);
		job_fill(job, ctx, k, des3, &ops[i], &w->slot[i], enc);
		job = IMB_SUBMIT_JOB(m);
		while (job) {
			good += job_done(job, ctx, enc);
			job = IMB_GET_COMPLETED_JOB(m);
		}
	}
	while ((job = IMB_FLUSH_JOB(m)) != NULL)
		good += job_done(job, ctx, enc);
	return good;
}

uint16_t esp_imb_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			 struct esp_crypto_op *ops, uint16_t n)
{
	return burst(w, ctx, ops, n, 1);
}

uint16_t esp_imb_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			 struct esp_crypto_op *ops, uint16_t n)
{
	return burst(w, ctx, ops, n, 0);
}

int esp_imb_init(char *err, size_t errlen)
{
	int any = 0;

	if (imb.ready)
		return 0;
	for (int a = 0; a < ESP_ARCH_N; a++) {
		imb.mgr[a] = mgr_new(a);
		any |= imb.mgr[a] != NULL;
	}
	if (!any) {
		snprintf(err, errlen, "intel-ipsec-mb: no usable code path on this CPU");
		return -ENOTSUP;
	}
	imb.ready = 1;
	return 0;
}

void esp_imb_fini(void)
{
	for (int a = 0; a < ESP_ARCH_N; a++) {
		if (imb.mgr[a])
			free_mb_mgr(imb.mgr[a]);
	}
	memset(&imb, 0, sizeof(imb));
}

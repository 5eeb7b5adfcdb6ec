/*
 * The OpenSSL engine: EVP ciphers and EVP_MAC HMAC in a library context of
 * our own, with the default and legacy providers loaded (single DES lives in
 * legacy in OpenSSL 3). Each prepared context holds one keyed cipher context
 * and one keyed HMAC context per worker, so a burst only sets the IV.
 *
 * Inbound, the ICV is verified before anything is decrypted; GCM leaves the
 * tag check to OpenSSL (EVP_CipherFinal_ex, constant time).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "esp_alg.h"
#include "esp_engine_be.h"
#include "esp_wire.h"

struct ossl_keys {
	EVP_CIPHER_CTX *c[ESP_MAX_WORKERS];
	EVP_MAC_CTX *mac[ESP_MAX_WORKERS];
};
_Static_assert(sizeof(struct ossl_keys) <= ESP_ENGINE_KEYS_SIZE, "ossl keys fit the context");

static const char *const cipher_names[SHM_CRYPTO_N] = {
	[SHM_CRYPTO_AES_CBC_128] = "AES-128-CBC", [SHM_CRYPTO_AES_CBC_192] = "AES-192-CBC",
	[SHM_CRYPTO_AES_CBC_256] = "AES-256-CBC", [SHM_CRYPTO_AES_CTR_128] = "AES-128-CTR",
	[SHM_CRYPTO_AES_CTR_192] = "AES-192-CTR", [SHM_CRYPTO_AES_CTR_256] = "AES-256-CTR",
	[SHM_CRYPTO_AES_GCM_128] = "AES-128-GCM", [SHM_CRYPTO_AES_GCM_192] = "AES-192-GCM",
	[SHM_CRYPTO_AES_GCM_256] = "AES-256-GCM", [SHM_CRYPTO_DES_CBC] = "DES-CBC",
	[SHM_CRYPTO_3DES_CBC] = "DES-EDE3-CBC",
};
static const char *const digest_names[] = {
	[ESP_HK_MD5] = "MD5", [ESP_HK_SHA1] = "SHA1", [ESP_HK_SHA256] = "SHA256",
	[ESP_HK_SHA384] = "SHA384", [ESP_HK_SHA512] = "SHA512",
};

static struct {
	int ready;
	OSSL_LIB_CTX *lib;
	OSSL_PROVIDER *prov_default, *prov_legacy;
	EVP_CIPHER *cipher[SHM_CRYPTO_N];
	EVP_MAC *hmac;
} ossl;

int esp_ossl_init(char *err, size_t errlen)
{
	if (ossl.ready)
		return 0;
	ossl.lib = OSSL_LIB_CTX_new();
	if (!ossl.lib)
		goto fail;
	ossl.prov_default = OSSL_PROVIDER_load(ossl.lib, "default");
	if (!ossl.prov_default)
		goto fail;
	/* Optional: without it single DES is left to intel-ipsec-mb. */
	ossl.prov_legacy = OSSL_PROVIDER_load(ossl.lib, "legacy");
	for (int a = 0; a < SHM_CRYPTO_N; a++)
		if (cipher_names[a])
			ossl.cipher[a] = EVP_CIPHER_fetch(ossl.lib, cipher_names[a], NULL);
	ossl.hmac = EVP_MAC_fetch(ossl.lib, "HMAC", NULL);
	if (!ossl.hmac)
		goto fail;
	ossl.ready = 1;
	return 0;
fail:
	snprintf(err, errlen, "OpenSSL: cannot load the default provider or HMAC");
	esp_ossl_fini();
	return -ENOTSUP;
}

void esp_ossl_fini(void)
{
	for (int a = 0; a < SHM_CRYPTO_N; a++)
		EVP_CIPHER_free(ossl.cipher[a]);
	EVP_MAC_free(ossl.hmac);
	if (ossl.prov_legacy)
		OSSL_PROVIDER_unload(ossl.prov_legacy);
	if (ossl.prov_default)
		OSSL_PROVIDER_unload(ossl.prov_default);
	OSSL_LIB_CTX_free(ossl.lib);
	memset(&ossl, 0, sizeof(ossl));
}

int esp_ossl_supports(int integ, unsigned alg)
{
	if (!ossl.ready)
		return 0;
	if (integ)
		return alg < SHM_INTEG_N && ossl.hmac != NULL;
	return alg == SHM_CRYPTO_NONE || (alg < SHM_CRYPTO_N && ossl.cipher[alg] != NULL);
}

int esp_ossl_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err,
		      size_t errlen)
{
	struct ossl_keys *k = (struct ossl_keys *)ctx->keys;
	int enc = ctx->dir == SHM_DIR_OUT;

	memset(k, 0, sizeof(*k));
	if (!esp_ossl_supports(0, ctx->crypto)) {
		snprintf(err, errlen, "OpenSSL: %s unavailable", esp_alg_crypto(ctx->crypto)->name);
		return -ENOTSUP;
	}
	for (int w = 0; w < ESP_MAX_WORKERS; w++) {
		if (ctx->cipher_kind != ESP_CK_NULL) {
			k->c[w] = EVP_CIPHER_CTX_new();
			if (!k->c[w] ||
			    !EVP_CipherInit_ex2(k->c[w], ossl.cipher[ctx->crypto], key->ckey, NULL, enc, NULL))
				goto fail;
			if (ctx->cipher_kind != ESP_CK_AES_GCM && ctx->cipher_kind != ESP_CK_AES_CTR)
				EVP_CIPHER_CTX_set_padding(k->c[w], 0);
		}
		if (ctx->hash_kind != ESP_HK_NONE) {
			OSSL_PARAM params[2] = {
				OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
								 (char *)digest_names[ctx->hash_kind], 0),
				OSSL_PARAM_construct_end(),
			};

			k->mac[w] = EVP_MAC_CTX_new(ossl.hmac);
			if (!k->mac[w] || !EVP_MAC_init(k->mac[w], key->ikey, key->ikey_len, params))
				goto fail;
		}
	}
	return 0;
fail:
	snprintf(err, errlen, "OpenSSL: key set-up failed for %s/%s", esp_alg_crypto(ctx->crypto)->name,
		 esp_alg_integ(ctx->integ)->name);
	esp_ossl_ctx_fini(ctx);
	return -EINVAL;
}

void esp_ossl_ctx_fini(struct esp_crypto_ctx *ctx)
{
	struct ossl_keys *k = (struct ossl_keys *)ctx->keys;

	for (int w = 0; w < ESP_MAX_WORKERS; w++) {
		EVP_CIPHER_CTX_free(k->c[w]);   /* cleanses the key schedule */
		EVP_MAC_CTX_free(k->mac[w]);
	}
	OPENSSL_cleanse(ctx->keys, sizeof(ctx->keys));
}

/* HMAC over [buf, buf + auth_len) into tag; 0 on failure. */
static int op_hmac(EVP_MAC_CTX *mac, const struct esp_crypto_op *op, uint8_t *tag)
{
	size_t outl;

	return EVP_MAC_init(mac, NULL, 0, NULL) && EVP_MAC_update(mac, op->buf, op->auth_len) &&
	       EVP_MAC_final(mac, tag, &outl, 64);
}

/* The cipher part of an op; for GCM the tag is produced (enc) or checked
 * (dec) too. Returns an enum esp_crypto_status. */
static int op_cipher(const struct esp_crypto_ctx *ctx, EVP_CIPHER_CTX *c, struct esp_crypto_op *op,
		     int enc)
{
	uint8_t *p = op->buf + op->cipher_off;
	uint8_t ivb[16];
	int l;

	switch (ctx->cipher_kind) {
	case ESP_CK_NULL:
		return ESP_CRYPTO_OK;
	case ESP_CK_AES_CTR: {
		/* RFC 3686 §4: nonce | IV | block counter 1 */
		struct esp_ctr_block *cb = (struct esp_ctr_block *)ivb;

		memcpy(cb->nonce, ctx->salt, 4);
		memcpy(cb->iv, op->buf + op->iv_off, 8);
		cb->counter = __builtin_bswap32(1);
		if (!EVP_CipherInit_ex2(c, NULL, NULL, ivb, -1, NULL))
			return ESP_CRYPTO_ERROR;
		break;
	}
	case ESP_CK_AES_GCM: {
		/* RFC 4106 §4: salt | IV */
		struct esp_gcm_nonce *gn = (struct esp_gcm_nonce *)ivb;

		memcpy(gn->salt, ctx->salt, 4);
		memcpy(gn->iv, op->buf + op->iv_off, 8);
		if (!EVP_CipherInit_ex2(c, NULL, NULL, ivb, -1, NULL) ||
		    !EVP_CipherUpdate(c, NULL, &l, op->aad, op->aad_len))
			return ESP_CRYPTO_ERROR;
		if (op->cipher_len && (!EVP_CipherUpdate(c, p, &l, p, op->cipher_len) || l != op->cipher_len))
			return ESP_CRYPTO_ERROR;
		if (enc) {
			if (EVP_CipherFinal_ex(c, ivb, &l) <= 0 ||
			    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, ctx->icv_len, op->icv) <= 0)
				return ESP_CRYPTO_ERROR;
			return ESP_CRYPTO_OK;
		}
		if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, ctx->icv_len, op->icv) <= 0)
			return ESP_CRYPTO_ERROR;
		return EVP_CipherFinal_ex(c, ivb, &l) > 0 ? ESP_CRYPTO_OK : ESP_CRYPTO_AUTH_FAILED;
	}
	default:        /* CBC: the IV is in the packet */
		if (!EVP_CipherInit_ex2(c, NULL, NULL, op->buf + op->iv_off, -1, NULL))
			return ESP_CRYPTO_ERROR;
		break;
	}
	if (op->cipher_len && (!EVP_CipherUpdate(c, p, &l, p, op->cipher_len) || l != op->cipher_len))
		return ESP_CRYPTO_ERROR;
	return ESP_CRYPTO_OK;
}

uint16_t esp_ossl_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			  struct esp_crypto_op *ops, uint16_t n)
{
	const struct ossl_keys *k = (const struct ossl_keys *)ctx->keys;
	EVP_CIPHER_CTX *c = k->c[w->id];
	EVP_MAC_CTX *mac = k->mac[w->id];
	uint8_t *tag = w->slot[0].tag;
	uint16_t good = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct esp_crypto_op *op = &ops[i];

		op->status = (uint8_t)op_cipher(ctx, c, op, 1);
		if (op->status == ESP_CRYPTO_OK && mac) {
			if (op_hmac(mac, op, tag))
				memcpy(op->icv, tag, ctx->icv_len);
			else
				op->status = ESP_CRYPTO_ERROR;
		}
		good += op->status == ESP_CRYPTO_OK;
	}
	return good;
}

uint16_t esp_ossl_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			  struct esp_crypto_op *ops, uint16_t n)
{
	const struct ossl_keys *k = (const struct ossl_keys *)ctx->keys;
	EVP_CIPHER_CTX *c = k->c[w->id];
	EVP_MAC_CTX *mac = k->mac[w->id];
	uint8_t *tag = w->slot[0].tag;
	uint16_t good = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct esp_crypto_op *op = &ops[i];

		if (mac) {
			if (!op_hmac(mac, op, tag)) {
				op->status = ESP_CRYPTO_ERROR;
				continue;
			}
			if (!esp_engine_ct_equal(tag, op->icv, ctx->icv_len)) {
				op->status = ESP_CRYPTO_AUTH_FAILED;
				continue;
			}
		}
		op->status = (uint8_t)op_cipher(ctx, c, op, 0);
		good += op->status == ESP_CRYPTO_OK;
	}
	return good;
}

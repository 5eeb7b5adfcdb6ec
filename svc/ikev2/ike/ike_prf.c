/*
 * HMAC PRFs and prf+ (RFC 7296 section 2.13) on OpenSSL 3 EVP_MAC.
 */
#include "ike_prf.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

struct prf_alg {
	uint16_t id;
	const char *digest; /* OpenSSL digest name */
	size_t len;
};

static const struct prf_alg prf_algs[] = {
	{ IKE_PRF_HMAC_SHA1, "SHA1", 20 },
	{ IKE_PRF_HMAC_SHA2_256, "SHA2-256", 32 },
	{ IKE_PRF_HMAC_SHA2_384, "SHA2-384", 48 },
	{ IKE_PRF_HMAC_SHA2_512, "SHA2-512", 64 },
};

static const struct prf_alg *prf_find(uint16_t prf)
{
	for (size_t i = 0; i < sizeof(prf_algs) / sizeof(prf_algs[0]); i++)
		if (prf_algs[i].id == prf)
			return &prf_algs[i];
	return NULL;
}

size_t ike_prf_len(uint16_t prf)
{
	const struct prf_alg *a = prf_find(prf);
	return a ? a->len : 0;
}

/* The HMAC implementation is fetched once and kept for the process's life. */
static EVP_MAC *hmac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* A MAC context keyed for prf; NULL on failure. */
static EVP_MAC_CTX *prf_ctx(const struct prf_alg *a, const uint8_t *key, size_t key_len)
{
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac)
		return NULL;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		return NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)a->digest, 0),
		OSSL_PARAM_construct_end(),
	};
	/* HMAC accepts an empty key; OpenSSL wants a non-NULL pointer for it */
	static const uint8_t empty[1];
	if (!EVP_MAC_init(ctx, key_len ? key : empty, key_len, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int update_all(EVP_MAC_CTX *ctx, const struct ike_bytes *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in[i].len && !EVP_MAC_update(ctx, in[i].ptr, in[i].len))
			return -EIO;
	return 0;
}

static bool args_ok(const uint8_t *key, size_t key_len, const struct ike_bytes *in, size_t n)
{
	if (key_len && !key)
		return false;
	if (n && !in)
		return false;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && !in[i].ptr)
			return false;
	return true;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len, const struct ike_bytes *in,
	    size_t n, uint8_t *out)
{
	const struct prf_alg *a = prf_find(prf);
	if (!a)
		return -ENOTSUP;
	if (!out || !args_ok(key, key_len, in, n))
		return -EINVAL;
	EVP_MAC_CTX *ctx = prf_ctx(a, key, key_len);
	if (!ctx)
		return -ENOMEM;
	size_t got = 0;
	int rc = update_all(ctx, in, n);
	if (!rc && (!EVP_MAC_final(ctx, out, &got, a->len) || got != a->len))
		rc = -EIO;
	EVP_MAC_CTX_free(ctx); /* clears the keyed state */
	return rc;
}

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len, const struct ike_bytes *seed,
		 size_t n, uint8_t *out, size_t out_len)
{
	const struct prf_alg *a = prf_find(prf);
	if (!a)
		return -ENOTSUP;
	if ((out_len && !out) || !args_ok(key, key_len, seed, n) || out_len > 255 * a->len)
		return -EINVAL;
	EVP_MAC_CTX *ctx = prf_ctx(a, key, key_len);
	if (!ctx)
		return -ENOMEM;
	uint8_t t[IKE_PRF_MAX_LEN]; /* T(k-1), a secret */
	size_t t_len = 0, done = 0;
	int rc = 0;
	for (unsigned k = 1; done < out_len; k++) {
		/* Tk = prf (K, Tk-1 | S | k), with T0 empty */
		const uint8_t counter = (uint8_t)k;
		size_t got = 0;
		if ((k > 1 && !EVP_MAC_init(ctx, NULL, 0, NULL)) || /* same key again */
		    (t_len && !EVP_MAC_update(ctx, t, t_len)) || (rc = update_all(ctx, seed, n)) ||
		    !EVP_MAC_update(ctx, &counter, 1) || !EVP_MAC_final(ctx, t, &got, sizeof(t)) ||
		    got != a->len) {
			rc = rc ? rc : -EIO;
			goto out;
		}
		t_len = got;
		size_t take = out_len - done < t_len ? out_len - done : t_len;
		memcpy(out + done, t, take);
		done += take;
	}
out:
	OPENSSL_cleanse(t, sizeof(t));
	EVP_MAC_CTX_free(ctx);
	if (rc && out_len)
		OPENSSL_cleanse(out, out_len);
	return rc;
}

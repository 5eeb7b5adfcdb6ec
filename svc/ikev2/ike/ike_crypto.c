/*
 * SK payload protection on OpenSSL 3 (RFC 7296 section 3.14, RFC 5282).
 * Ciphers are fetched once per process; DES comes from the legacy
 * provider, loaded the first time a DES key is set up.
 */
#include "ike_crypto.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "ike_prf.h"

#define GCM_SALT_LEN 4
#define GCM_IV_LEN 8
#define GCM_ICV_LEN 16

/* ---- Transform tables ------------------------------------------------------ */

enum cipher_slot {
	C_DES, C_3DES, C_AES128_CBC, C_AES192_CBC, C_AES256_CBC,
	C_AES128_GCM, C_AES192_GCM, C_AES256_GCM, C_N
};

static const char *const cipher_names[C_N] = {
	[C_DES] = "DES-CBC",
	[C_3DES] = "DES-EDE3-CBC",
	[C_AES128_CBC] = "AES-128-CBC",
	[C_AES192_CBC] = "AES-192-CBC",
	[C_AES256_CBC] = "AES-256-CBC",
	[C_AES128_GCM] = "AES-128-GCM",
	[C_AES192_GCM] = "AES-192-GCM",
	[C_AES256_GCM] = "AES-256-GCM",
};

static EVP_CIPHER *ciphers[C_N]; /* fetched once, kept for the process's life */
static pthread_once_t ciphers_once = PTHREAD_ONCE_INIT;
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

static void ciphers_fetch(void)
{
	for (int i = 0; i < C_N; i++)
		if (i != C_DES)
			ciphers[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
}

static void legacy_fetch(void)
{
	/* Keep "default" loaded explicitly next to "legacy". */
	if (OSSL_PROVIDER_load(NULL, "default") && OSSL_PROVIDER_load(NULL, "legacy"))
		ciphers[C_DES] = EVP_CIPHER_fetch(NULL, cipher_names[C_DES], NULL);
}

static const EVP_CIPHER *cipher_get(int slot)
{
	pthread_once(&ciphers_once, ciphers_fetch);
	if (slot == C_DES)
		pthread_once(&legacy_once, legacy_fetch);
	return ciphers[slot];
}

/* The cipher slot for a transform, or -1. */
static int cipher_slot(uint16_t encr, uint16_t key_bits)
{
	switch (encr) {
	case IKE_ENCR_DES:
		return key_bits == 0 ? C_DES : -1;
	case IKE_ENCR_3DES:
		return key_bits == 0 ? C_3DES : -1;
	case IKE_ENCR_AES_CBC:
	case IKE_ENCR_AES_GCM_16: {
		int base = encr == IKE_ENCR_AES_CBC ? C_AES128_CBC : C_AES128_GCM;
		switch (key_bits) {
		case 128: return base;
		case 192: return base + 1;
		case 256: return base + 2;
		}
		return -1;
	}
	}
	return -1;
}

static size_t cipher_keylen(int slot)
{
	static const size_t len[C_N] = { 8, 24, 16, 24, 32, 16, 24, 32 };
	return len[slot];
}

bool ike_crypto_encr_is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_16;
}

bool ike_crypto_encr_is_weak(uint16_t encr)
{
	return encr == IKE_ENCR_DES;
}

size_t ike_crypto_encr_keylen(uint16_t encr, uint16_t key_bits)
{
	int slot = cipher_slot(encr, key_bits);
	if (slot < 0)
		return 0;
	return cipher_keylen(slot) + (ike_crypto_encr_is_aead(encr) ? GCM_SALT_LEN : 0);
}

struct integ_alg {
	uint16_t id;
	uint16_t prf;  /* the HMAC with the same digest */
	size_t key_len;
	size_t icv_len;
};

static const struct integ_alg integ_algs[] = {
	{ IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, 20, 12 },
	{ IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256, 32, 16 },
	{ IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384, 48, 24 },
	{ IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512, 64, 32 },
};

static const struct integ_alg *integ_find(uint16_t integ)
{
	for (size_t i = 0; i < sizeof(integ_algs) / sizeof(integ_algs[0]); i++)
		if (integ_algs[i].id == integ)
			return &integ_algs[i];
	return NULL;
}

size_t ike_crypto_integ_keylen(uint16_t integ)
{
	const struct integ_alg *a = integ_find(integ);
	return a ? a->key_len : 0;
}

size_t ike_crypto_integ_icvlen(uint16_t integ)
{
	const struct integ_alg *a = integ_find(integ);
	return a ? a->icv_len : 0;
}

/* ---- Setup ----------------------------------------------------------------- */

int ike_sk_init(struct ike_sk *sk, uint16_t encr, uint16_t key_bits, uint16_t integ,
		const uint8_t *ekey, size_t ekey_len, const uint8_t *akey, size_t akey_len)
{
	if (!sk)
		return -EINVAL;
	memset(sk, 0, sizeof(*sk));
	int slot = cipher_slot(encr, key_bits);
	if (slot < 0)
		return -ENOTSUP;
	bool aead = ike_crypto_encr_is_aead(encr);
	const struct integ_alg *ia = integ_find(integ);
	if (aead ? integ != IKE_INTEG_NONE : !ia)
		return -ENOTSUP;
	if (!cipher_get(slot))
		return -ENOTSUP; /* e.g. no legacy provider for DES */
	if (!ekey || ekey_len != ike_crypto_encr_keylen(encr, key_bits) ||
	    (ia && (!akey || akey_len != ia->key_len)))
		return -EINVAL;
	sk->encr = encr;
	sk->key_bits = key_bits;
	sk->integ = integ;
	sk->aead = aead;
	sk->ekey_len = cipher_keylen(slot);
	memcpy(sk->ekey, ekey, sk->ekey_len);
	if (aead) {
		/* RFC 5282 section 7.1: SK_e is the key followed by the salt */
		memcpy(sk->salt, ekey + sk->ekey_len, GCM_SALT_LEN);
		sk->block = 1;
		sk->iv_len = GCM_IV_LEN;
		sk->icv_len = GCM_ICV_LEN;
	} else {
		sk->block = (size_t)EVP_CIPHER_get_block_size(cipher_get(slot));
		sk->iv_len = (size_t)EVP_CIPHER_get_iv_length(cipher_get(slot));
		sk->icv_len = ia->icv_len;
		sk->akey_len = ia->key_len;
		sk->mac_prf = ia->prf;
		memcpy(sk->akey, akey, ia->key_len);
	}
	return 0;
}

void ike_sk_wipe(struct ike_sk *sk)
{
	if (sk)
		OPENSSL_cleanse(sk, sizeof(*sk));
}

size_t ike_sk_body_len(const struct ike_sk *sk, size_t inner_len)
{
	/* inner payloads | padding | Pad Length, aligned to the block */
	size_t plain = inner_len + 1;
	size_t padded = (plain + sk->block - 1) / sk->block * sk->block;
	return sk->iv_len + padded + sk->icv_len;
}

/* ---- Primitives ------------------------------------------------------------ */

int ike_crypto_gcm(bool enc, const uint8_t *key, size_t key_len, const uint8_t nonce[12],
		   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
		   uint8_t tag[16])
{
	int slot = key_len == 16 ? C_AES128_GCM : key_len == 24 ? C_AES192_GCM
		 : key_len == 32 ? C_AES256_GCM : -1;
	const EVP_CIPHER *c = slot < 0 ? NULL : cipher_get(slot);
	if (!c || !nonce || !tag || (aad_len && !aad) || (len && (!in || !out)))
		return -EINVAL;
	if (len > INT32_MAX || aad_len > INT32_MAX)
		return -EINVAL;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	int rc = -EIO, n = 0;
	/* the GCM default IV length is 12 octets: the RFC 5282 nonce */
	if (!EVP_CipherInit_ex2(ctx, c, key, nonce, enc ? 1 : 0, NULL))
		goto out;
	if (aad_len && !EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	uint8_t fin[16]; /* GCM emits nothing at the end; never out + len on a NULL out */
	if (enc) {
		if (!EVP_CipherFinal_ex(ctx, fin, &n) ||
		    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, GCM_ICV_LEN, tag))
			goto out;
	} else {
		rc = -EBADMSG;
		if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, GCM_ICV_LEN, tag) ||
		    EVP_CipherFinal_ex(ctx, fin, &n) <= 0)
			goto out; /* tag mismatch */
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx); /* clears the key schedule */
	if (rc && !enc && len)
		OPENSSL_cleanse(out, len);
	return rc;
}

/* CBC without padding (IKE pads itself), in place allowed. */
static int cbc(bool enc, const struct ike_sk *sk, const uint8_t *iv, const uint8_t *in,
	       size_t len, uint8_t *out)
{
	const EVP_CIPHER *c = cipher_get(cipher_slot(sk->encr, sk->key_bits));
	if (!c || len > INT32_MAX)
		return -EINVAL;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	int rc = -EIO, n = 0, fin = 0;
	if (EVP_CipherInit_ex2(ctx, c, sk->ekey, iv, enc ? 1 : 0, NULL) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) && EVP_CipherUpdate(ctx, out, &n, in, (int)len) &&
	    EVP_CipherFinal_ex(ctx, out + n, &fin) && (size_t)(n + fin) == len)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ICV = first icv_len octets of HMAC(SK_a, data) */
static int icv(const struct ike_sk *sk, const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t full[IKE_PRF_MAX_LEN];
	const struct ike_bytes in = { data, len };
	int rc = ike_prf(sk->mac_prf, sk->akey, sk->akey_len, &in, 1, full);
	if (!rc)
		memcpy(out, full, sk->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

/* ---- SK payload -------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void gcm_nonce(const struct ike_sk *sk, const uint8_t *iv, uint8_t nonce[12])
{
	/* RFC 5282 section 4: nonce = salt | IV */
	memcpy(nonce, sk->salt, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
}

int ike_sk_encrypt(struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t sk_off,
		   const uint8_t *inner, size_t inner_len, const uint8_t *iv)
{
	if (!sk || !msg || (inner_len && !inner) || !sk->iv_len || msg_len < IKE_HDR_LEN ||
	    sk_off < IKE_HDR_LEN || sk_off > msg_len - IKE_GEN_LEN ||
	    get32(msg + IKE_HDR_LEN_OFF) != msg_len)
		return -EINVAL;
	size_t body_len = msg_len - sk_off - IKE_GEN_LEN;
	if (body_len != ike_sk_body_len(sk, inner_len) ||
	    (size_t)((msg[sk_off + 2] << 8) | msg[sk_off + 3]) != body_len + IKE_GEN_LEN)
		return -EINVAL; /* not a payload reserved by ike_build_sk for this length */
	uint8_t *p_iv = msg + sk_off + IKE_GEN_LEN;
	uint8_t *p_ct = p_iv + sk->iv_len;
	size_t ct_len = body_len - sk->iv_len - sk->icv_len;
	uint8_t *p_icv = p_ct + ct_len;

	/* choose the IV before writing anything */
	if (iv) {
		memcpy(p_iv, iv, sk->iv_len);
	} else if (sk->aead) {
		if (sk->iv_seq == UINT64_MAX)
			return -EOVERFLOW; /* never reuse a GCM IV under one key */
		uint64_t v = sk->iv_seq++;
		for (int i = GCM_IV_LEN - 1; i >= 0; i--, v >>= 8)
			p_iv[i] = (uint8_t)v;
	} else if (RAND_bytes(p_iv, (int)sk->iv_len) != 1) {
		return -EIO;
	}

	/* plaintext: inner payloads | Padding (zeros) | Pad Length */
	size_t pad = ct_len - inner_len - 1;
	if (inner_len)
		memmove(p_ct, inner, inner_len);
	memset(p_ct + inner_len, 0, pad);
	p_ct[ct_len - 1] = (uint8_t)pad;

	int rc;
	if (sk->aead) {
		uint8_t nonce[12];
		gcm_nonce(sk, p_iv, nonce);
		/* AAD: IKE header through the SK generic header (RFC 5282 section 5.1) */
		rc = ike_crypto_gcm(true, sk->ekey, sk->ekey_len, nonce, msg, sk_off + IKE_GEN_LEN,
				    p_ct, ct_len, p_ct, p_icv);
		OPENSSL_cleanse(nonce, sizeof(nonce));
	} else {
		/* encrypt, then MAC everything from the IKE header to the ICV */
		rc = cbc(true, sk, p_iv, p_ct, ct_len, p_ct);
		if (!rc)
			rc = icv(sk, msg, msg_len - sk->icv_len, p_icv);
	}
	if (rc)
		OPENSSL_cleanse(p_ct, ct_len); /* never leave plaintext in the packet */
	return rc;
}

int ike_sk_decrypt(const struct ike_sk *sk, const uint8_t *msg, size_t msg_len, size_t sk_off,
		   uint8_t *out, size_t out_cap, size_t *out_len)
{
	if (!sk || !msg || !out || !out_len || !sk->iv_len || sk_off < IKE_HDR_LEN ||
	    msg_len < sk_off || msg_len - sk_off < IKE_GEN_LEN)
		return -EINVAL;
	size_t body_len = msg_len - sk_off - IKE_GEN_LEN;
	/* at least the IV, one block holding the Pad Length, and the ICV */
	if (body_len < sk->iv_len + sk->block + sk->icv_len)
		return -EBADMSG;
	const uint8_t *p_iv = msg + sk_off + IKE_GEN_LEN;
	const uint8_t *p_ct = p_iv + sk->iv_len;
	size_t ct_len = body_len - sk->iv_len - sk->icv_len;
	const uint8_t *p_icv = p_ct + ct_len;
	if (ct_len % sk->block)
		return -EBADMSG;
	if (out_cap < ct_len)
		return -EINVAL;

	int rc;
	if (sk->aead) {
		uint8_t nonce[12], tag[GCM_ICV_LEN];
		gcm_nonce(sk, p_iv, nonce);
		memcpy(tag, p_icv, GCM_ICV_LEN);
		rc = ike_crypto_gcm(false, sk->ekey, sk->ekey_len, nonce, msg, sk_off + IKE_GEN_LEN,
				    p_ct, ct_len, out, tag);
		OPENSSL_cleanse(nonce, sizeof(nonce));
	} else {
		uint8_t want[IKE_SK_MAX_ICV];
		/* check the ICV before decrypting anything; compare in constant time */
		rc = icv(sk, msg, msg_len - sk->icv_len, want);
		if (!rc && CRYPTO_memcmp(want, p_icv, sk->icv_len) != 0)
			rc = -EBADMSG;
		OPENSSL_cleanse(want, sizeof(want));
		if (!rc)
			rc = cbc(false, sk, p_iv, p_ct, ct_len, out);
	}
	if (rc)
		goto fail;
	/* the recipient accepts any padding that fits (section 3.14) */
	size_t pad = out[ct_len - 1];
	if (pad + 1 > ct_len) {
		rc = -EBADMSG;
		goto fail;
	}
	*out_len = ct_len - pad - 1;
	return 0;
fail:
	OPENSSL_cleanse(out, ct_len);
	return rc;
}

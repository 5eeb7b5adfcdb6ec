/*
 * IKEv2 key derivation, written to mirror RFC 7296 line by line: each
 * formula is quoted above the code computing it. Intermediate secrets live
 * in stack buffers wiped at the single exit label of each function.
 */
#include "ike_keys.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>

#define NONCES_MAX (2 * IKE_NONCE_MAX)
#define SA_KEYMAT_MAX (3 * IKE_PRF_MAX_LEN + 2 * IKE_KEYS_MAX_INTEG + 2 * IKE_KEYS_MAX_ENCR)

static struct ike_bytes bytes(const void *p, size_t n)
{
	return (struct ike_bytes){ p, n };
}

static bool nonce_ok(const struct ike_bytes *n)
{
	return n && n->ptr && n->len >= 1 && n->len <= IKE_NONCE_MAX;
}

int ike_keys_skeyseed(uint16_t prf, const struct ike_bytes *ni, const struct ike_bytes *nr,
		      const struct ike_bytes *g_ir, uint8_t *out)
{
	if (!nonce_ok(ni) || !nonce_ok(nr) || !g_ir || !g_ir->ptr || !g_ir->len || !out)
		return -EINVAL;
	/* The PRF key is Ni | Nr: one contiguous buffer. Nonces are public. */
	uint8_t key[NONCES_MAX];
	memcpy(key, ni->ptr, ni->len);
	memcpy(key + ni->len, nr->ptr, nr->len);

	/* SKEYSEED = prf(Ni | Nr, g^ir) */
	return ike_prf(prf, key, ni->len + nr->len, g_ir, 1, out);
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr) */
static int expand_sa_keys(struct ike_sa_keys *k, uint16_t prf, size_t e_len, size_t a_len,
			  const uint8_t *skeyseed, size_t skeyseed_len, const struct ike_bytes *ni,
			  const struct ike_bytes *nr, const uint8_t spi_i[8],
			  const uint8_t spi_r[8])
{
	uint8_t keymat[SA_KEYMAT_MAX];
	size_t p_len = ike_prf_len(prf);
	size_t total = 3 * p_len + 2 * a_len + 2 * e_len;
	const struct ike_bytes seed[] = { *ni, *nr, bytes(spi_i, 8), bytes(spi_r, 8) };

	int rc = ike_prf_plus(prf, skeyseed, skeyseed_len, seed, 4, keymat, total);
	if (rc)
		goto out;
	k->prf = prf;
	k->prf_len = p_len;
	k->a_len = a_len;
	k->e_len = e_len;
	const uint8_t *p = keymat;
	memcpy(k->sk_d, p, p_len), p += p_len;
	memcpy(k->sk_ai, p, a_len), p += a_len;
	memcpy(k->sk_ar, p, a_len), p += a_len;
	memcpy(k->sk_ei, p, e_len), p += e_len;
	memcpy(k->sk_er, p, e_len), p += e_len;
	memcpy(k->sk_pi, p, p_len), p += p_len;
	memcpy(k->sk_pr, p, p_len);
out:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	return rc;
}

static int sa_args_ok(uint16_t prf, size_t e_len, size_t a_len, const struct ike_bytes *ni,
		      const struct ike_bytes *nr, const uint8_t *spi_i, const uint8_t *spi_r)
{
	if (!ike_prf_len(prf))
		return -ENOTSUP;
	if (e_len > IKE_KEYS_MAX_ENCR || a_len > IKE_KEYS_MAX_INTEG || !nonce_ok(ni) ||
	    !nonce_ok(nr) || !spi_i || !spi_r)
		return -EINVAL;
	return 0;
}

int ike_keys_derive(struct ike_sa_keys *k, uint16_t prf, size_t e_len, size_t a_len,
		    const struct ike_bytes *ni, const struct ike_bytes *nr,
		    const struct ike_bytes *g_ir, const uint8_t spi_i[8], const uint8_t spi_r[8])
{
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	int rc = sa_args_ok(prf, e_len, a_len, ni, nr, spi_i, spi_r);
	if (rc || !k)
		return rc ? rc : -EINVAL;

	/* SKEYSEED = prf(Ni | Nr, g^ir) */
	rc = ike_keys_skeyseed(prf, ni, nr, g_ir, skeyseed);
	if (rc)
		goto out;
	/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
	 *                = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr) */
	rc = expand_sa_keys(k, prf, e_len, a_len, skeyseed, ike_prf_len(prf), ni, nr, spi_i, spi_r);
out:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	if (rc)
		OPENSSL_cleanse(k, sizeof(*k));
	return rc;
}

int ike_keys_rekey_skeyseed(uint16_t prf_old, const uint8_t *sk_d_old, size_t sk_d_len,
			    const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
			    const struct ike_bytes *nr, uint8_t *out)
{
	if (!sk_d_old || !sk_d_len || !g_ir_new || !g_ir_new->ptr || !g_ir_new->len ||
	    !nonce_ok(ni) || !nonce_ok(nr) || !out)
		return -EINVAL;
	const struct ike_bytes data[] = { *g_ir_new, *ni, *nr };

	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
	return ike_prf(prf_old, sk_d_old, sk_d_len, data, 3, out);
}

int ike_keys_derive_rekey(struct ike_sa_keys *k, uint16_t prf_new, size_t e_len, size_t a_len,
			  uint16_t prf_old, const uint8_t *sk_d_old, size_t sk_d_len,
			  const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
			  const struct ike_bytes *nr, const uint8_t spi_i[8],
			  const uint8_t spi_r[8])
{
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	int rc = sa_args_ok(prf_new, e_len, a_len, ni, nr, spi_i, spi_r);
	if (rc || !k)
		return rc ? rc : -EINVAL;
	if (!ike_prf_len(prf_old))
		return -ENOTSUP;

	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)   -- the old SA's PRF */
	rc = ike_keys_rekey_skeyseed(prf_old, sk_d_old, sk_d_len, g_ir_new, ni, nr, skeyseed);
	if (rc)
		goto out;
	/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
	 *                = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)   -- the new SA's PRF */
	rc = expand_sa_keys(k, prf_new, e_len, a_len, skeyseed, ike_prf_len(prf_old), ni, nr,
			    spi_i, spi_r);
out:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	if (rc)
		OPENSSL_cleanse(k, sizeof(*k));
	return rc;
}

int ike_keys_keymat(uint16_t prf, const uint8_t *sk_d, size_t sk_d_len,
		    const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
		    const struct ike_bytes *nr, uint8_t *out, size_t out_len)
{
	if (!sk_d || !sk_d_len || !nonce_ok(ni) || !nonce_ok(nr) ||
	    (g_ir_new && g_ir_new->len && !g_ir_new->ptr))
		return -EINVAL;
	if (g_ir_new && g_ir_new->len) {
		const struct ike_bytes seed[] = { *g_ir_new, *ni, *nr };
		/* KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) */
		return ike_prf_plus(prf, sk_d, sk_d_len, seed, 3, out, out_len);
	}
	const struct ike_bytes seed[] = { *ni, *nr };
	/* KEYMAT = prf+(SK_d, Ni | Nr) */
	return ike_prf_plus(prf, sk_d, sk_d_len, seed, 2, out, out_len);
}

int ike_keys_child(struct ike_child_keys *ck, uint16_t prf, const uint8_t *sk_d,
		   size_t sk_d_len, const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
		   const struct ike_bytes *nr, size_t e_len, size_t a_len)
{
	uint8_t keymat[2 * (IKE_KEYS_MAX_ENCR + IKE_KEYS_MAX_INTEG)];
	if (!ck || e_len > IKE_KEYS_MAX_ENCR || a_len > IKE_KEYS_MAX_INTEG)
		return -EINVAL;
	int rc = ike_keys_keymat(prf, sk_d, sk_d_len, g_ir_new, ni, nr, keymat,
				 2 * (e_len + a_len));
	if (rc)
		goto out;
	/* 2.17: initiator-to-responder keys first; encryption before integrity */
	ck->e_len = e_len;
	ck->a_len = a_len;
	const uint8_t *p = keymat;
	memcpy(ck->ei, p, e_len), p += e_len;
	memcpy(ck->ai, p, a_len), p += a_len;
	memcpy(ck->er, p, e_len), p += e_len;
	memcpy(ck->ar, p, a_len);
out:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	return rc;
}

int ike_keys_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
		      const struct ike_bytes *real_message, const struct ike_bytes *nonce_data,
		      const uint8_t *sk_p, size_t sk_p_len, const struct ike_bytes *id_body,
		      uint8_t *out)
{
	static const char key_pad[] = "Key Pad for IKEv2"; /* 17 ASCII octets, no NUL */
	uint8_t pad_key[IKE_PRF_MAX_LEN], maced_id[IKE_PRF_MAX_LEN];
	size_t p_len = ike_prf_len(prf);
	int rc;
	if (!p_len)
		return -ENOTSUP;
	if ((psk_len && !psk) || !real_message || !nonce_data || !sk_p || !id_body || !out)
		return -EINVAL;

	/* MACedIDForX = prf(SK_px, RestOfXIDPayload) */
	rc = ike_prf(prf, sk_p, sk_p_len, id_body, 1, maced_id);
	if (rc)
		goto out;
	/* prf(Shared Secret, "Key Pad for IKEv2") */
	const struct ike_bytes pad = bytes(key_pad, sizeof(key_pad) - 1);
	rc = ike_prf(prf, psk, psk_len, &pad, 1, pad_key);
	if (rc)
		goto out;
	/* AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <XSignedOctets>)
	 * XSignedOctets = RealMessageX | NonceYData | MACedIDForX */
	const struct ike_bytes signed_octets[] = { *real_message, *nonce_data,
						   bytes(maced_id, p_len) };
	rc = ike_prf(prf, pad_key, p_len, signed_octets, 3, out);
out:
	OPENSSL_cleanse(pad_key, sizeof(pad_key));
	OPENSSL_cleanse(maced_id, sizeof(maced_id));
	return rc;
}

int ike_keys_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
			const struct ike_bytes *real_message, const struct ike_bytes *nonce_data,
			const uint8_t *sk_p, size_t sk_p_len, const struct ike_bytes *id_body,
			const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKE_PRF_MAX_LEN];
	size_t p_len = ike_prf_len(prf);
	int rc = ike_keys_psk_auth(prf, psk, psk_len, real_message, nonce_data, sk_p, sk_p_len,
				   id_body, want);
	if (rc)
		goto out;
	/* the length is public; the contents are compared in constant time */
	if (!auth || auth_len != p_len || CRYPTO_memcmp(want, auth, p_len) != 0)
		rc = -EBADMSG;
out:
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

int ike_keys_maced_id(uint16_t prf, const uint8_t *sk_p, size_t sk_p_len,
		      const struct ike_bytes *id_body, uint8_t *out)
{
	if (!ike_prf_len(prf))
		return -ENOTSUP;
	if (!sk_p || !id_body || !out)
		return -EINVAL;
	/* MACedIDForX = prf(SK_px, RestOfXIDPayload) */
	return ike_prf(prf, sk_p, sk_p_len, id_body, 1, out);
}

void ike_keys_wipe(struct ike_sa_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

void ike_keys_child_wipe(struct ike_child_keys *ck)
{
	if (ck)
		OPENSSL_cleanse(ck, sizeof(*ck));
}

/*
 * IKEv2 key derivation (RFC 7296 sections 2.14, 2.17, 2.18) and the
 * shared-key AUTH value (section 2.15). Every function wipes its
 * intermediate secrets before returning; nothing here logs.
 *
 * Ownership: all inputs are BORROWED for the call; outputs are written to
 * caller memory, which the caller wipes (ike_keys_wipe / OPENSSL_cleanse).
 * Errors: 0, -ENOTSUP (PRF), -EINVAL (argument sizes), -ENOMEM/-EIO
 * (OpenSSL), -EBADMSG (AUTH mismatch in ike_keys_psk_verify).
 */
#ifndef IPSECGW_IKE_KEYS_H
#define IPSECGW_IKE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ike_prf.h"
#include "ike_wire.h"

#define IKE_KEYS_MAX_ENCR 36  /* AES-256 key + 4-octet GCM salt */
#define IKE_KEYS_MAX_INTEG 64 /* HMAC-SHA2-512-256 key */

/* The seven keys of an IKE SA. */
struct ike_sa_keys {
	uint16_t prf;    /* the PRF these keys go with */
	size_t prf_len;  /* length of SK_d, SK_pi, SK_pr */
	size_t a_len;    /* length of SK_ai, SK_ar (0 with an AEAD cipher) */
	size_t e_len;    /* length of SK_ei, SK_er (AEAD: key then salt) */
	uint8_t sk_d[IKE_PRF_MAX_LEN];
	uint8_t sk_ai[IKE_KEYS_MAX_INTEG], sk_ar[IKE_KEYS_MAX_INTEG];
	uint8_t sk_ei[IKE_KEYS_MAX_ENCR], sk_er[IKE_KEYS_MAX_ENCR];
	uint8_t sk_pi[IKE_PRF_MAX_LEN], sk_pr[IKE_PRF_MAX_LEN];
};

/* The keys of one Child SA pair, initiator-to-responder (i) and back (r). */
struct ike_child_keys {
	size_t e_len, a_len;
	uint8_t ei[IKE_KEYS_MAX_ENCR], ai[IKE_KEYS_MAX_INTEG];
	uint8_t er[IKE_KEYS_MAX_ENCR], ar[IKE_KEYS_MAX_INTEG];
};

/* SKEYSEED = prf(Ni | Nr, g^ir); out: ike_prf_len(prf) octets. */
int ike_keys_skeyseed(uint16_t prf, const struct ike_bytes *ni, const struct ike_bytes *nr,
		      const struct ike_bytes *g_ir, uint8_t *out);

/*
 * A new IKE SA from IKE_SA_INIT (2.14): SKEYSEED from the nonces and g^ir,
 * then {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr). e_len/a_len from ike_crypto.h.
 */
int ike_keys_derive(struct ike_sa_keys *k, uint16_t prf, size_t e_len, size_t a_len,
		    const struct ike_bytes *ni, const struct ike_bytes *nr,
		    const struct ike_bytes *g_ir, const uint8_t spi_i[8], const uint8_t spi_r[8]);

/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the OLD SA's PRF (2.18). */
int ike_keys_rekey_skeyseed(uint16_t prf_old, const uint8_t *sk_d_old, size_t sk_d_len,
			    const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
			    const struct ike_bytes *nr, uint8_t *out);

/*
 * A rekeyed IKE SA (2.18): SKEYSEED as above, then the seven keys by the
 * NEW PRF with the new SA's nonces and SPIs exactly as in 2.14.
 */
int ike_keys_derive_rekey(struct ike_sa_keys *k, uint16_t prf_new, size_t e_len, size_t a_len,
			  uint16_t prf_old, const uint8_t *sk_d_old, size_t sk_d_len,
			  const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
			  const struct ike_bytes *nr, const uint8_t spi_i[8],
			  const uint8_t spi_r[8]);

/*
 * Child SA keying material (2.17):
 *   KEYMAT = prf+(SK_d, Ni | Nr)                  g_ir_new NULL or empty
 *   KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)     with PFS
 */
int ike_keys_keymat(uint16_t prf, const uint8_t *sk_d, size_t sk_d_len,
		    const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
		    const struct ike_bytes *nr, uint8_t *out, size_t out_len);

/* KEYMAT split as 2.17 orders it: ei | ai (initiator to responder) | er | ar. */
int ike_keys_child(struct ike_child_keys *ck, uint16_t prf, const uint8_t *sk_d,
		   size_t sk_d_len, const struct ike_bytes *g_ir_new, const struct ike_bytes *ni,
		   const struct ike_bytes *nr, size_t e_len, size_t a_len);

/*
 * Shared-key AUTH (2.15), from the signer's point of view:
 *   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *   SignedOctets = RealMessage | NonceData | prf(SK_p, RestOfIDPayload)
 * Initiator: RealMessage1 (its IKE_SA_INIT request), Nr, SK_pi, IDi body.
 * Responder: RealMessage2 (its IKE_SA_INIT reply), Ni, SK_pr, IDr body.
 * id_body is ID Type | RESERVED | data (struct ike_id_pl.body).
 * out: ike_prf_len(prf) octets.
 */
int ike_keys_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
		      const struct ike_bytes *real_message, const struct ike_bytes *nonce_data,
		      const uint8_t *sk_p, size_t sk_p_len, const struct ike_bytes *id_body,
		      uint8_t *out);

/* Recompute and compare in constant time: 0 when auth matches, -EBADMSG when not. */
int ike_keys_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
			const struct ike_bytes *real_message, const struct ike_bytes *nonce_data,
			const uint8_t *sk_p, size_t sk_p_len, const struct ike_bytes *id_body,
			const uint8_t *auth, size_t auth_len);

/*
 * The last part of the octets a signature covers (2.15), from the signer's
 * point of view: MACedIDForX = prf(SK_px, RestOfXIDPayload). The signed
 * octets are then RealMessageX | NonceYData | MACedIDForX, as for the
 * shared key, signed with the private key instead of a PRF (ike_sig.h).
 * out: ike_prf_len(prf) octets.
 */
int ike_keys_maced_id(uint16_t prf, const uint8_t *sk_p, size_t sk_p_len,
		      const struct ike_bytes *id_body, uint8_t *out);

/* Wipe key structs (accept NULL). */
void ike_keys_wipe(struct ike_sa_keys *k);
void ike_keys_child_wipe(struct ike_child_keys *ck);

#endif

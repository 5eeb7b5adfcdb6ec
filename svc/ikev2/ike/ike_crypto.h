/*
 * Protection of the IKEv2 Encrypted payload SK (RFC 7296 section 3.14):
 *   ENCR AES-CBC 128/192/256, 3DES, DES (OpenSSL legacy provider) with
 *   INTEG HMAC-SHA1-96, HMAC-SHA2-256-128, -384-192, -512-256
 *   (encrypt-then-MAC over the whole message up to the ICV);
 *   ENCR AES-GCM-16 128/192/256 (RFC 5282): 8-octet IV, nonce salt | IV,
 *   AAD = IKE header through the SK generic header, 16-octet ICV.
 *
 * One struct ike_sk holds one direction's keys (SK_ei/SK_ai to send as
 * initiator, SK_er/SK_ar to receive, and so on). It owns copies of the keys;
 * ike_sk_wipe() erases them. Nothing here logs.
 *
 * Errors: 0; -ENOTSUP (transform not supported); -EINVAL (arguments,
 * including lengths that do not fit the transforms); -EBADMSG (integrity
 * check failed or padding impossible: drop the message); -ENOMEM/-EIO
 * (OpenSSL).
 */
#ifndef IPSECGW_IKE_CRYPTO_H
#define IPSECGW_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

#define IKE_SK_MAX_IV 16
#define IKE_SK_MAX_ICV 32

/* Keying material octets a transform takes from prf+ (AEAD: key + 4-octet
 * salt); 0 when unsupported. Serves IKE SK keys and ESP KEYMAT alike. */
size_t ike_crypto_encr_keylen(uint16_t encr, uint16_t key_bits);
size_t ike_crypto_integ_keylen(uint16_t integ); /* 0: none or unsupported */
size_t ike_crypto_integ_icvlen(uint16_t integ);
bool ike_crypto_encr_is_aead(uint16_t encr);
/* Weak transforms (DES): usable when configured, never proposed by default. */
bool ike_crypto_encr_is_weak(uint16_t encr);

struct ike_sk {
	uint16_t encr, key_bits, integ;
	bool aead;
	size_t block;     /* padding alignment: cipher block, 1 for GCM */
	size_t iv_len;
	size_t icv_len;
	size_t ekey_len;  /* cipher key without salt */
	size_t akey_len;
	uint16_t mac_prf; /* HMAC digest, as the matching PRF id */
	uint8_t ekey[32];
	uint8_t salt[4];  /* GCM */
	uint8_t akey[64];
	uint64_t iv_seq;  /* GCM: next IV; a counter never repeats under one key */
};

/*
 * Set up one direction. ekey/akey are COPIED; lengths must equal
 * ike_crypto_encr_keylen / ike_crypto_integ_keylen. An AEAD cipher takes
 * integ IKE_INTEG_NONE (RFC 5282 section 8); other ciphers need an integ.
 */
int ike_sk_init(struct ike_sk *sk, uint16_t encr, uint16_t key_bits, uint16_t integ,
		const uint8_t *ekey, size_t ekey_len, const uint8_t *akey, size_t akey_len);
void ike_sk_wipe(struct ike_sk *sk);

/* Octets an SK payload body (IV | ciphertext | ICV) takes for inner_len
 * octets of inner payloads, with the minimal padding this module sends. */
size_t ike_sk_body_len(const struct ike_sk *sk, size_t inner_len);

/*
 * Fill a reserved SK payload (ike_build_sk) and seal it. msg is the whole
 * message (msg_len octets, header Length already final), sk_off the offset
 * of the SK generic header, and its body must be ike_sk_body_len(inner_len)
 * octets. iv: ike_sk.iv_len octets to use (tests), or NULL to choose one
 * (random for CBC, the sequence counter for GCM).
 */
int ike_sk_encrypt(struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t sk_off,
		   const uint8_t *inner, size_t inner_len, const uint8_t *iv);

/*
 * Check and open the SK payload at sk_off (struct ike_sk_pl.hdr_off) of the
 * received message. The inner payload chain (padding removed) goes to out;
 * *out_len receives its length. The caller wipes out when done.
 */
int ike_sk_decrypt(const struct ike_sk *sk, const uint8_t *msg, size_t msg_len, size_t sk_off,
		   uint8_t *out, size_t out_cap, size_t *out_len);

/*
 * The AES-GCM primitive under the SK payload, exposed for known-answer
 * tests: key 16/24/32 octets, 12-octet nonce, 16-octet tag. enc: encrypt
 * in -> out and write tag; else decrypt and verify tag (-EBADMSG).
 */
int ike_crypto_gcm(bool enc, const uint8_t *key, size_t key_len, const uint8_t nonce[12],
		   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
		   uint8_t tag[16]);

#endif

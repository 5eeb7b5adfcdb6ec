/*
 * Signature AUTH values (RFC 7296 sections 2.15 and 3.8, RFC 7427): RSA
 * Digital Signature (method 1: RSASSA-PKCS1-v1_5 with SHA-1) and Digital
 * Signature (method 14: an AlgorithmIdentifier naming the scheme and hash,
 * then the signature), with RSA keys: PKCS#1 v1.5 or RSASSA-PSS, SHA-1 and
 * SHA2-256/384/512. Through OpenSSL 3. No I/O: keys are loaded by the
 * caller (the IKE daemon's ikev2_cred.c); nothing here logs.
 *
 * The octets signed are given as a list of byte ranges (RealMessage |
 * NonceData | MACedID, ike_keys_maced_id), so nothing is concatenated.
 *
 * Ownership: keys and inputs are BORROWED for the call; output goes to
 * caller memory. Errors: 0, -EINVAL (arguments, a key that is not RSA),
 * -ENOSPC (output too small), -EBADMSG (the AUTH data is malformed or does
 * not verify), -ENOTSUP (a scheme, hash or parameter we do not accept),
 * -ENOMEM/-EIO (OpenSSL).
 */
#ifndef IPSECGW_IKE_SIG_H
#define IPSECGW_IKE_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "ike_wire.h"

/* Hash algorithm sets as bit masks: bit (1 << enum ike_hash_alg). */
#define IKE_SIG_HASH_BIT(h) (1u << (h))
/* What we announce in SIGNATURE_HASH_ALGORITHMS and accept in method 14. */
#define IKE_SIG_HASHES_OURS \
	(IKE_SIG_HASH_BIT(IKE_HASH_SHA2_256) | IKE_SIG_HASH_BIT(IKE_HASH_SHA2_384) | \
	 IKE_SIG_HASH_BIT(IKE_HASH_SHA2_512))

/* A signature scheme: how to sign, or what a verified signature used. */
struct ike_sig_scheme {
	uint8_t method;         /* IKE_AUTH_RSA_SIG (1) or IKE_AUTH_DIGITAL_SIG (14) */
	uint8_t hash;           /* enum ike_hash_alg (method 1: always SHA-1) */
	bool pss;               /* RSASSA-PSS (method 14 only), else PKCS#1 v1.5 */
	uint16_t salt_len;      /* PSS salt octets (verified: as received; signing: the hash length) */
};

/*
 * What to sign with (RFC 7427 section 4): when the peer sent
 * SIGNATURE_HASH_ALGORITHMS (peer_hashes != 0) and a hash of ours is among
 * them, method 14 with the hash that matches the key size (SHA2-256 up to
 * 3071-bit keys, SHA2-384 up to 7679, else SHA2-512; the next one the peer
 * takes otherwise) and PKCS#1 v1.5, or PSS when pss; else method 1.
 */
void ike_sig_choose(const EVP_PKEY *key, uint32_t peer_hashes, bool pss, struct ike_sig_scheme *out);

/* The hash mask of a SIGNATURE_HASH_ALGORITHMS notify's data (unknown
 * identifiers and a trailing odd octet are ignored). */
uint32_t ike_sig_hash_mask(const uint8_t *data, size_t len);
/* The notify data announcing `mask` (2 octets per hash): its length. */
size_t ike_sig_hash_list(uint32_t mask, uint8_t *out, size_t cap);

/* Upper bound of the AUTH data ike_sig_sign produces with key. */
size_t ike_sig_max_len(const EVP_PKEY *key);

/*
 * The AUTH data for scheme s over in[0] | ... | in[n-1] with the private
 * key: method 1 the signature alone; method 14 ASN.1 length (1 octet) |
 * AlgorithmIdentifier (DER) | signature. *out_len receives its length.
 */
int ike_sig_sign(EVP_PKEY *key, const struct ike_sig_scheme *s, const struct ike_bytes *in, size_t n,
		 uint8_t *out, size_t cap, size_t *out_len);

/*
 * Verify AUTH data of `method` (1 or 14) over in[0..n-1] with the public
 * key. Method 14 takes the schemes sha{1,256,384,512}WithRSAEncryption and
 * RSASSA-PSS (hash and MGF1 hash SHA-1 or SHA-2, trailer field 1) whose
 * hash is in `hashes` (the set we announced). 0 when it verifies, the
 * scheme in *used (may be NULL).
 */
int ike_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t auth_len,
		   const struct ike_bytes *in, size_t n, uint32_t hashes, struct ike_sig_scheme *used);

/* "RSA PKCS#1 v1.5 SHA2-256 (RFC 7427)" style; returns buf. */
const char *ike_sig_name(const struct ike_sig_scheme *s, char *buf, size_t len);
/* "sha2-256" style, "?" for an unknown value. */
const char *ike_sig_hash_name(uint8_t hash);

#endif

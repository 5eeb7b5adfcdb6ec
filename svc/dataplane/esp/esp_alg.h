/*
 * ESP algorithm descriptors: what the ESP layer and the engines need to know
 * about each cipher and integrity algorithm of shm/region.h, looked up once
 * when an SA is prepared. Names are the CLI's (VPP) spellings.
 */
#ifndef IPSECGW_ESP_ALG_H
#define IPSECGW_ESP_ALG_H

#include <stdint.h>

#include "region.h"

/* Cipher families. */
enum esp_cipher_kind {
	ESP_CK_NULL = 0,        /* RFC 2410 */
	ESP_CK_AES_CBC,         /* RFC 3602 */
	ESP_CK_AES_CTR,         /* RFC 3686 */
	ESP_CK_AES_GCM,         /* RFC 4106, 16-byte ICV */
	ESP_CK_DES_CBC,         /* RFC 2405 */
	ESP_CK_3DES_CBC,        /* RFC 2451 */
};

/* Hash functions behind the HMAC integrity algorithms. */
enum esp_hash_kind {
	ESP_HK_NONE = 0,
	ESP_HK_MD5,             /* RFC 2403 */
	ESP_HK_SHA1,            /* RFC 2404 */
	ESP_HK_SHA256,          /* RFC 4868 (and draft-ietf-ipsec-ciph-sha-256 for -96) */
	ESP_HK_SHA384,          /* RFC 4868 */
	ESP_HK_SHA512,          /* RFC 4868 */
};

struct esp_alg_crypto {
	const char *name;       /* "aes-cbc-128" */
	uint8_t kind;           /* enum esp_cipher_kind */
	uint8_t key_len;        /* bytes, without salt */
	uint8_t salt_len;       /* bytes of nonce salt (CTR, GCM): 4, else 0 */
	uint8_t iv_len;         /* explicit IV in every packet */
	uint8_t block;          /* cipher block size for padding; 1 for stream modes */
	uint8_t icv_len;        /* AEAD tag length; 0 for non-AEAD */
};

struct esp_alg_integ {
	const char *name;       /* "sha-256-128" */
	uint8_t kind;           /* enum esp_hash_kind */
	uint8_t icv_len;        /* truncated HMAC output carried as the ICV */
	uint8_t digest_len;     /* full hash output */
	uint8_t block;          /* hash block size: the HMAC key pad length */
};

/* Descriptor of an algorithm, NULL if the value is out of range. */
const struct esp_alg_crypto *esp_alg_crypto(unsigned alg);
const struct esp_alg_integ *esp_alg_integ(unsigned alg);

/* enum value for a name, or -1. */
int esp_alg_crypto_by_name(const char *name);
int esp_alg_integ_by_name(const char *name);

#endif

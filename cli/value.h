/*
 * Value types of the CLI grammar: syntax checks and conversions of one
 * word. Pure functions; a word that passed value_check converts without
 * error.
 */
#ifndef IPSECGW_CLI_VALUE_H
#define IPSECGW_CLI_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum value_type {
	VT_U8, VT_U16, VT_U32, VT_I32, VT_U64,
	VT_HEX,     /* key bytes, 0x optional */
	VT_HEX32,   /* up to 8 hex digits, 0x optional (salt, child SPI) */
	VT_HEX64,   /* up to 16 hex digits, 0x optional (IKE SPI) */
	VT_IP4, VT_IP6, VT_IP, VT_PREFIX, VT_MAC,
	VT_IF,      /* interface name */
	VT_NAME,    /* profile name */
	VT_PATH, VT_STR,
	VT_CRYPTO, VT_INTEG, VT_IKE_ENCR, VT_IKE_INTEG, VT_DH, VT_KEYBITS,
	VT_PCI, VT_VDEV,
	VT_WORDS,   /* the rest of the line */
	VT_KEY,     /* VT_HEX that is a secret: never echoed in messages */
	VT_SECRET,  /* VT_STR that is a secret */
	VT_ENG_ALG, /* an ESP algorithm or "all" (set crypto handler) */
	VT_COUNT
};

#define VALUE_MAX_HEX 128 /* bytes */
#define VALUE_MAX_NAME 63 /* interface and profile names */

/* Type by its name in a pattern ("u32", "ip", ...); -1 if unknown. */
int value_type_lookup(const char *name, size_t len);
/* 0 if WORD is a valid TYPE, else -1 and a short reason in why. */
int value_check(int type, const char *word, char *why, size_t whylen);
/* Whether words of TYPE are secrets (left out of error messages). */
bool value_secret(int type);
/* One-line description of TYPE for help ("number 0-65535"). */
void value_describe(int type, char *buf, size_t len);

/* Conversions (0 or -1 for words that would fail value_check). */
int value_uint(const char *s, uint64_t max, uint64_t *out); /* decimal or 0x hex */
int value_i32(const char *s, int32_t *out);
int value_hexnum(const char *s, unsigned maxdigits, uint64_t *out); /* hex, 0x optional */
int value_hex(const char *s, uint8_t *buf, size_t cap, size_t *len);
int value_ip(const char *s, uint8_t out[16], size_t *len); /* 4 or 16 */
int value_prefix(const char *s, uint8_t out[16], size_t *alen, uint32_t *plen);
int value_mac(const char *s, uint8_t out[6]);
/* Enum-valued types (VT_CRYPTO ... VT_KEYBITS, VT_ENG_ALG). */
int value_enum(int type, const char *s, int *out);

#endif

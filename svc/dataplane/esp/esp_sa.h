/*
 * Prepared SAs: a control record (struct shm_sa, keys and ids, owned by the
 * config service) resolved once into one hot record per direction: flags,
 * lengths and the engine context with expanded keys. Cache-line aligned and
 * pointer-free with the intel-ipsec-mb engine (the OpenSSL engine's context
 * holds pointers to its EVP objects). Built off the packet path; a key update
 * builds a new one, which the dataplane swaps in atomically and frees after
 * every worker has moved on (RCU). Sequence numbers and the replay window are
 * not here but in struct shm_sa_rt, so they survive both a swap and a restart.
 */
#ifndef IPSECGW_ESP_SA_H
#define IPSECGW_ESP_SA_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_engine.h"
#include "esp_replay.h"
#include "region.h"

#define ESP_SA_F_TUNNEL 0x01u   /* tunnel mode (else transport) */
#define ESP_SA_F_OUTER_V6 0x02u /* tunnel endpoints are IPv6 */
#define ESP_SA_F_UDP 0x04u      /* RFC 3948 UDP encapsulation */
#define ESP_SA_F_ESN 0x08u      /* 64-bit sequence numbers */
#define ESP_SA_F_AEAD 0x10u     /* combined mode (GCM): AAD instead of HMAC */
#define ESP_SA_F_IV_SEQ 0x20u   /* explicit IV = 64-bit sequence number (CTR, GCM) */
#define ESP_SA_F_IV_RAND 0x40u  /* explicit IV from the worker's CSPRNG (CBC) */
#define ESP_SA_F_HMAC 0x80u     /* separate integrity algorithm */

struct esp_sa_out {
	/* cache line 0: everything per-packet code reads besides the keys */
	uint32_t spi_be;                /* SPI, network order */
	uint32_t sa_id;
	uint8_t flags;                  /* ESP_SA_F_* */
	uint8_t iv_len;                 /* explicit IV bytes */
	uint8_t icv_len;                /* ICV bytes */
	uint8_t align;                  /* ESP payload alignment: max(cipher block, 4), a power of 2 */
	uint8_t outer_len;              /* tunnel: 20 or 40; transport: 0 */
	uint8_t udp_len;                /* 8 with UDP encapsulation, else 0 */
	uint16_t sport_be;              /* UDP source port, network order */
	uint16_t dport_be;              /* UDP destination port, network order */
	uint32_t ip4_sum;               /* IPv4 outer: checksum sum of the fields fixed per SA */
	uint64_t seq_max;               /* last sequence number that may be sent */
	uint8_t src[16];                /* tunnel source (IPv4 in the first 4 bytes) */
	uint8_t dst[16];                /* tunnel destination */
	/* cache lines 1..: the engine context */
	struct esp_crypto_ctx crypto;
};

struct esp_sa_in {
	uint32_t spi_be;                /* SPI, network order */
	uint32_t sa_id;
	uint8_t flags;                  /* ESP_SA_F_* */
	uint8_t iv_len;                 /* explicit IV bytes */
	uint8_t icv_len;                /* ICV bytes */
	uint8_t block;                  /* ciphertext must be a multiple of this (1, 8 or 16) */
	struct esp_replay_cfg replay;   /* window, ESN, anti-replay on/off */
	struct esp_crypto_ctx crypto;
};

_Static_assert(offsetof(struct esp_sa_out, crypto) == 64, "esp_sa_out hot line");
_Static_assert(sizeof(struct esp_sa_out) == 64 + sizeof(struct esp_crypto_ctx), "esp_sa_out size");
_Static_assert(offsetof(struct esp_sa_in, crypto) == 64, "esp_sa_in hot line");
_Static_assert(sizeof(struct esp_sa_in) == 64 + sizeof(struct esp_crypto_ctx), "esp_sa_in size");

/* Prepare from a consistent copy of a control record (read under its
 * seqlock). engine: ESP_ENGINE_AUTO follows the engine selection table.
 * Returns a new record (64-byte aligned, caller frees with the matching free)
 * or NULL with the reason in err. Validates: algorithms and key lengths, no
 * non-AEAD cipher without integrity (RFC 8221 §5), SPI not 0, window <= 4096. */
struct esp_sa_out *esp_sa_out_create(const struct shm_sa *cfg, int engine, char *err, size_t errlen);
struct esp_sa_in *esp_sa_in_create(const struct shm_sa *cfg, int engine, char *err, size_t errlen);
/* Wipe the keys and free; NULL is fine. */
void esp_sa_out_free(struct esp_sa_out *sa);
void esp_sa_in_free(struct esp_sa_in *sa);

/* Adopt a runtime record for this control record: reset it (sequence number
 * 0, empty window, flags clear) when it belonged to an earlier SA with the
 * same index, i.e. when owner_gen != cfg->create_gen. Returns 1 if reset. */
int esp_sa_rt_adopt(struct shm_sa_rt *rt, const struct shm_sa *cfg);

#endif

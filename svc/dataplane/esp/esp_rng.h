/*
 * Per-worker CSPRNG for CBC IVs: AES-256-CTR keystream with fast key erasure.
 * Seeded from getrandom(2); each refill encrypts a zero block run under the
 * current key, takes the first 32 bytes of keystream as the next key and
 * hands out the rest once (wiping what it hands out), so a later compromise
 * of the state reveals no earlier output. No syscall, allocation or lock on
 * esp_rng_bytes(); esp_rng_reseed() mixes fresh getrandom(2) bytes into the
 * key and is meant for the control thread's housekeeping timer.
 */
#ifndef IPSECGW_ESP_RNG_H
#define IPSECGW_ESP_RNG_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>

#define ESP_RNG_POOL 1024

struct esp_rng {
	IMB_MGR *mgr;                   /* borrowed: the worker's manager */
	uint32_t pos;                   /* next unused byte of pool */
	alignas(16) uint8_t key[32];    /* current AES-256 key */
	alignas(16) uint8_t ekeys[15 * 16];
	alignas(16) uint8_t dkeys[15 * 16];
	alignas(16) uint8_t zero[ESP_RNG_POOL];
	alignas(16) uint8_t pool[ESP_RNG_POOL];
};

/* 0 or -errno (getrandom failed). */
int esp_rng_init(struct esp_rng *r, IMB_MGR *mgr);
int esp_rng_reseed(struct esp_rng *r);
void esp_rng_bytes(struct esp_rng *r, uint8_t *out, size_t n);
void esp_rng_wipe(struct esp_rng *r);

#endif

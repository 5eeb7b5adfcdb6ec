/*
 * Private to the engine: the worker state and the two backends' entry
 * points. esp_engine.c dispatches to them with a switch on ctx->engine, so a
 * prepared context holds no function pointer.
 */
#ifndef IPSECGW_ESP_ENGINE_BE_H
#define IPSECGW_ESP_ENGINE_BE_H

#include <intel-ipsec-mb.h>

#include "esp_engine.h"
#include "esp_rng.h"

/* Per-op scratch slot: the computed tag and the full IV/counter block. */
struct esp_engine_slot {
	alignas(64) uint8_t tag[64];
	alignas(16) uint8_t ivb[16];
};

struct esp_engine_worker {
	unsigned id;
	IMB_MGR *mgr[ESP_ARCH_N];       /* NULL where the CPU lacks the path */
	struct esp_rng rng;
	struct esp_engine_slot slot[ESP_BURST_MAX];
};

/* Constant-time equality of two ICVs: 1 equal, 0 not. */
int esp_engine_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* intel-ipsec-mb (esp_imb.c) */
int esp_imb_init(char *err, size_t errlen);
void esp_imb_fini(void);
int esp_imb_arch_available(int arch);
IMB_MGR *esp_imb_mgr(int arch);         /* the control thread's manager for a path, or NULL */
int esp_imb_worker_init(struct esp_engine_worker *w, char *err, size_t errlen);
void esp_imb_worker_fini(struct esp_engine_worker *w);
int esp_imb_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err, size_t errlen);
void esp_imb_ctx_fini(struct esp_crypto_ctx *ctx);
uint16_t esp_imb_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			 struct esp_crypto_op *ops, uint16_t n);
uint16_t esp_imb_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			 struct esp_crypto_op *ops, uint16_t n);
/* AES-GCM through the library's direct functions on manager m (the native
 * engine's path for longer packets). */
uint16_t esp_imb_gcm_burst(IMB_MGR *m, const struct esp_crypto_ctx *ctx, const struct gcm_key_data *k,
			   struct esp_crypto_op *ops, uint16_t n, struct esp_engine_slot *s, int enc);

/* native AES-GCM (esp_native.c) */
int esp_native_available(void);
int esp_native_supports(int integ, unsigned alg);
int esp_native_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err, size_t errlen);
void esp_native_ctx_fini(struct esp_crypto_ctx *ctx);
uint16_t esp_native_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n);
uint16_t esp_native_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n);

/* OpenSSL (esp_ossl.c) */
int esp_ossl_init(char *err, size_t errlen);
void esp_ossl_fini(void);
int esp_ossl_supports(int integ, unsigned alg);
int esp_ossl_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key, char *err, size_t errlen);
void esp_ossl_ctx_fini(struct esp_crypto_ctx *ctx);
uint16_t esp_ossl_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			  struct esp_crypto_op *ops, uint16_t n);
uint16_t esp_ossl_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			  struct esp_crypto_op *ops, uint16_t n);

#endif

/*
 * The ESP crypto engine interface: one prepared context per SA and
 * direction, and one burst call per direction that runs an array of
 * operations over packet buffers in place.
 *
 * Engines:
 *  - ESP_ENGINE_IMB: intel-ipsec-mb called directly (the default). At
 *    esp_engine_init() every algorithm is timed on a short IMIX burst on each
 *    code path the CPU offers (SSE, AVX2, AVX-512) and on OpenSSL; an SA uses
 *    the path where its cipher plus its integrity algorithm cost least, and
 *    OpenSSL instead only where it measured more than twice as fast (DES and
 *    3DES on CPUs without AVX-512, where intel-ipsec-mb 1.3 is very slow).
 *  - ESP_ENGINE_OSSL: OpenSSL 3 EVP in a private library context with the
 *    default and legacy providers (DES needs legacy). The reference
 *    implementation and the fallback.
 *
 * An operation covers one ESP packet: `buf` points at the ESP header; the
 * engine encrypts or decrypts [cipher_off, cipher_off + cipher_len) in place
 * and computes the ICV over [0, auth_len) (HMAC) or over `aad` and the
 * ciphertext (GCM). With ESN and HMAC the caller has placed the high 32 bits
 * of the sequence number right after the ciphertext and counted them in
 * auth_len (RFC 4303 §2.2.1). Outbound, the ICV is written to `icv`;
 * inbound, the computed ICV is compared with `icv` in constant time before
 * the operation is reported good.
 *
 * Error convention: control functions return 0 or -errno with a message in
 * the caller's buffer; constructors return a pointer or NULL; bursts return
 * the number of operations whose status is ESP_CRYPTO_OK. Bursts never
 * allocate, log or lock (but see docs/esp.md: OpenSSL 3.0 itself allocates
 * inside HMAC re-initialisation), and never read or write a key outside the
 * prepared context.
 *
 * Threads: esp_engine_init/fini, the selection calls and context setup run
 * on one control thread; each worker thread owns one esp_engine_worker.
 */
#ifndef IPSECGW_ESP_ENGINE_H
#define IPSECGW_ESP_ENGINE_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "region.h"

#define ESP_BURST_MAX 64                /* operations per engine call, larger bursts are split */
#define ESP_MAX_WORKERS SHM_MAX_WORKERS
#define ESP_ICV_MAX 32                  /* largest ICV: sha-512-256 */
#define ESP_ENGINE_KEYS_SIZE 1600       /* engine-private key material per context */

enum esp_engine_id { ESP_ENGINE_IMB = 0, ESP_ENGINE_OSSL = 1, ESP_ENGINE_NATIVE = 2, ESP_ENGINE_N,
		     ESP_ENGINE_AUTO = 0xff };

/* intel-ipsec-mb code paths. */
enum esp_arch { ESP_ARCH_SSE = 0, ESP_ARCH_AVX2 = 1, ESP_ARCH_AVX512 = 2, ESP_ARCH_N, ESP_ARCH_AUTO = 0xff };

enum esp_crypto_status {
	ESP_CRYPTO_OK = 0,
	ESP_CRYPTO_AUTH_FAILED = 1,     /* the ICV did not verify (inbound) */
	ESP_CRYPTO_ERROR = 2,           /* the engine refused the operation */
};

/* Keys of one SA (borrowed for the duration of esp_engine_ctx_init). */
struct esp_crypto_key {
	uint8_t crypto;                 /* enum shm_crypto_alg */
	uint8_t integ;                  /* enum shm_integ_alg */
	uint8_t ckey_len;               /* must equal the cipher's key length */
	uint8_t salt[4];                /* CTR/GCM nonce salt, wire order */
	uint16_t ikey_len;              /* any length; keys longer than the hash block are hashed */
	const uint8_t *ckey;
	const uint8_t *ikey;
};

/* One operation. Pointers are borrowed for the duration of the burst. */
struct esp_crypto_op {
	uint8_t *buf;                   /* the ESP header */
	uint8_t *icv;                   /* outbound: written; inbound: the received ICV */
	const uint8_t *aad;             /* GCM: SPI|seq or SPI|seq-hi|seq (RFC 4106 §5) */
	uint16_t iv_off;                /* explicit IV, from buf */
	uint16_t cipher_off;            /* first byte to encrypt or decrypt, from buf */
	uint16_t cipher_len;            /* bytes to encrypt or decrypt */
	uint16_t auth_len;              /* HMAC input: [buf, buf + auth_len) */
	uint8_t aad_len;                /* GCM AAD bytes */
	uint8_t status;                 /* enum esp_crypto_status, set by the engine */
};

/* A prepared context: the algorithms resolved once, the keys expanded. */
struct esp_crypto_ctx {
	uint8_t engine;                 /* enum esp_engine_id */
	uint8_t arch;                   /* enum esp_arch (ESP_ENGINE_IMB) */
	uint8_t dir;                    /* enum shm_dir: OUT encrypts, IN decrypts */
	uint8_t crypto;                 /* enum shm_crypto_alg */
	uint8_t integ;                  /* enum shm_integ_alg */
	uint8_t cipher_kind;            /* enum esp_cipher_kind */
	uint8_t hash_kind;              /* enum esp_hash_kind */
	uint8_t key_len;                /* cipher key bytes */
	uint8_t iv_len;                 /* explicit IV bytes */
	uint8_t icv_len;                /* ICV bytes (AEAD tag or truncated HMAC) */
	uint8_t salt[4];                /* CTR/GCM nonce salt */
	alignas(64) uint8_t keys[ESP_ENGINE_KEYS_SIZE]; /* engine-private */
};
_Static_assert(sizeof(struct esp_crypto_ctx) == 64 + ESP_ENGINE_KEYS_SIZE, "esp_crypto_ctx");

struct esp_engine_worker;

/* Process set-up: OpenSSL providers, intel-ipsec-mb managers, the per
 * algorithm measurement. Idempotent. 0 or -errno. */
int esp_engine_init(char *err, size_t errlen);
void esp_engine_fini(void);

/* One per worker thread; id < ESP_MAX_WORKERS selects the worker's OpenSSL
 * contexts. NULL on failure with a message. */
struct esp_engine_worker *esp_engine_worker_create(unsigned id, char *err, size_t errlen);
void esp_engine_worker_free(struct esp_engine_worker *w);
unsigned esp_engine_worker_id(const struct esp_engine_worker *w);

/* Prepare `ctx` for one direction. engine ESP_ENGINE_AUTO follows the
 * selection table; arch ESP_ARCH_AUTO the measurement. 0 or -errno
 * (-EINVAL bad key or algorithm, -ENOTSUP engine lacks it, -ENOMEM). */
int esp_engine_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key,
			enum shm_dir dir, int engine, int arch, char *err, size_t errlen);
/* Wipes the keys and frees what the engine holds. Accepts a zeroed ctx. */
void esp_engine_ctx_fini(struct esp_crypto_ctx *ctx);

/* Bursts. ctx->dir must match. Return the number of ops left ESP_CRYPTO_OK. */
uint16_t esp_engine_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n);
uint16_t esp_engine_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n);

/* Fill `out` with `n` bytes from the worker's CSPRNG (see esp_rng.h). */
void esp_engine_random(struct esp_engine_worker *w, uint8_t *out, size_t n);

/* ---- selection: which engine and code path each algorithm uses --------- */

/* Pin an algorithm (integ = 0: enum shm_crypto_alg; 1: enum shm_integ_alg)
 * to an engine and, for IMB, a code path. ESP_ENGINE_AUTO / ESP_ARCH_AUTO
 * return to the default. Affects contexts prepared afterwards. 0, -EINVAL,
 * -ENOTSUP (engine or code path unavailable). */
int esp_engine_select(int integ, unsigned alg, int engine, int arch);

/* One row of `show crypto engines`. */
struct esp_engine_choice {
	const char *alg;                /* algorithm name, as the CLI spells it */
	uint8_t integ;                  /* 1 integrity algorithm, 0 cipher */
	uint8_t engine;                 /* engine new SAs use */
	uint8_t arch;                   /* its code path when engine is IMB */
	uint8_t pinned;                 /* set by esp_engine_select */
	float ns_per_pkt[ESP_ARCH_N];   /* measured on each intel-ipsec-mb path, 0 = unavailable */
	float ns_ossl;                  /* measured with OpenSSL, 0 = unavailable */
	float ns_native;                /* measured with the native engine, 0 = unavailable */
};
/* Rows for every algorithm but "none"; returns the number written. */
unsigned esp_engine_list(struct esp_engine_choice *out, unsigned max);

const char *esp_engine_name(int engine);   /* "ipsec-mb", "openssl", "native" */
const char *esp_arch_name(int arch);       /* "sse", "avx2", "avx512" */
/* Engine and code path an SA with these algorithms would get. */
void esp_engine_resolve(unsigned crypto, unsigned integ, int *engine, int *arch);

#endif

/*
 * Engine registry and selection (esp_engine.h): which engine and which
 * intel-ipsec-mb code path each algorithm uses, context set-up, and the
 * burst dispatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "esp_alg.h"
#include "esp_engine_be.h"

struct sel {
	uint8_t engine;                 /* pinned engine or ESP_ENGINE_AUTO */
	uint8_t arch;                   /* pinned path or ESP_ARCH_AUTO */
	float cost[ESP_ARCH_N];         /* intel-ipsec-mb, ns per IMIX packet; 0 = unavailable */
	float cost_ossl;                /* OpenSSL, ns per IMIX packet; 0 = unavailable */
	float cost_native;              /* the native engine, ns per IMIX packet; 0 = unavailable */
};

static struct {
	int backends;                   /* backends are up: contexts and workers can be made */
	int ready;                      /* and the measurement is done */
	struct sel crypto[SHM_CRYPTO_N];
	struct sel integ[SHM_INTEG_N];
	/* A cipher with an integrity algorithm, measured together (one chained
	 * job) on first use: the costs of the two alone do not add up on every
	 * path (multi-buffer HMAC chained to CBC). ns per IMIX packet; 0 = not
	 * measured yet, < 0 = unavailable. */
	float pair[SHM_CRYPTO_N][SHM_INTEG_N][ESP_ARCH_N];
	struct esp_engine_worker *mw;   /* the measuring worker and its buffers */
	uint8_t *mbuf;
} eng;

/* OpenSSL is only chosen over intel-ipsec-mb without a pin when it is this
 * many times faster (intel-ipsec-mb 1.3 runs DES and 3DES very slowly
 * where it lacks AVX-512). */
#define OSSL_PREFERENCE 2.0f

static const char *const engine_names[ESP_ENGINE_N] = { "ipsec-mb", "openssl", "native" };
static const char *const arch_names[ESP_ARCH_N] = { "sse", "avx2", "avx512" };

const char *esp_engine_name(int engine)
{
	return engine >= 0 && engine < ESP_ENGINE_N ? engine_names[engine] : "?";
}

const char *esp_arch_name(int arch)
{
	return arch >= 0 && arch < ESP_ARCH_N ? arch_names[arch] : "?";
}

int esp_engine_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* ---- start-up measurement --------------------------------------------------- */

/* IMIX 7:4:1 of 64, 576 and 1420-byte payloads, four times: 48 operations, so
 * that multi-buffer paths (up to 16 lanes) run full as in a busy burst. */
#define BENCH_OPS 48
#define BENCH_STRIDE 1536
static const uint16_t bench_sizes[12] = { 64, 576, 64, 64, 576, 64, 1420, 64, 576, 64, 64, 576 };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Cost (ns per IMIX packet) of a cipher and an integrity algorithm (either
 * may be "none") on one engine and path; 0 if it is unavailable. */
static float measure(struct esp_engine_worker *w, uint8_t *buf, int engine, int arch, unsigned crypto,
		     unsigned integ)
{
	static const uint8_t kbytes[64] = { 0x4a, 0x50, 0x6a, 0x79, 0x4f, 0x57, 0x42, 0x65 };
	const struct esp_alg_crypto *ca = esp_alg_crypto(crypto);
	const struct esp_alg_integ *ia = esp_alg_integ(integ);
	struct esp_crypto_key key = {
		.crypto = (uint8_t)crypto, .integ = (uint8_t)integ,
		.ckey = kbytes, .ckey_len = ca->key_len, .ikey = kbytes, .ikey_len = ia->digest_len,
	};
	struct esp_crypto_op ops[BENCH_OPS];
	struct esp_crypto_ctx *ctx;
	double best = -1, spent = 0;
	char err[160];

	ctx = aligned_alloc(64, sizeof(*ctx));
	if (!ctx)
		return 0;
	if (esp_engine_ctx_init(ctx, &key, SHM_DIR_OUT, engine, arch, err, sizeof(err)) != 0) {
		free(ctx);
		return 0;
	}
	for (int i = 0; i < BENCH_OPS; i++) {
		uint16_t blk = ca->block > 4 ? ca->block : 4;
		uint16_t len = (uint16_t)((bench_sizes[i % 12] + blk - 1) / blk * blk);

		ops[i] = (struct esp_crypto_op){
			.buf = buf + (size_t)i * BENCH_STRIDE, .aad = buf, .aad_len = 8, .iv_off = 8,
			.cipher_off = (uint16_t)(8 + ca->iv_len), .cipher_len = len,
			.auth_len = (uint16_t)(8 + ca->iv_len + len),
		};
		ops[i].icv = ops[i].buf + ops[i].auth_len;
	}
	/* two warm-up rounds, then the fastest of up to 64 rounds or 3 ms: the
	 * minimum is what survives interference from other work on the core */
	for (int round = 0; round < 66 && spent < 3e6; round++) {
		double t0 = now_ns(), dt;

		esp_engine_encrypt(w, ctx, ops, BENCH_OPS);
		dt = now_ns() - t0;
		if (round >= 2) {
			spent += dt;
			if (best < 0 || dt < best)
				best = dt;
		}
	}
	esp_engine_ctx_fini(ctx);
	free(ctx);
	return best > 0 ? (float)(best / BENCH_OPS) : 0;
}

static void measure_all(struct esp_engine_worker *w, uint8_t *buf)
{
	for (int integ = 0; integ < 2; integ++) {
		unsigned na = integ ? SHM_INTEG_N : SHM_CRYPTO_N;

		for (unsigned alg = 1; alg < na; alg++) {
			struct sel *s = integ ? &eng.integ[alg] : &eng.crypto[alg];
			unsigned c = integ ? SHM_CRYPTO_NONE : alg, i = integ ? alg : SHM_INTEG_NONE;

			for (int a = 0; a < ESP_ARCH_N; a++)
				s->cost[a] = esp_imb_arch_available(a) ? measure(w, buf, ESP_ENGINE_IMB, a, c, i) : 0;
			s->cost_ossl = esp_ossl_supports(integ, alg)
					       ? measure(w, buf, ESP_ENGINE_OSSL, ESP_ARCH_AUTO, c, i) : 0;
			s->cost_native = !integ && esp_native_supports(0, alg)
						 ? measure(w, buf, ESP_ENGINE_NATIVE, ESP_ARCH_AUTO, c, i) : 0;
		}
	}
}

int esp_engine_init(char *err, size_t errlen)
{
	char e1[160] = "", e2[160] = "";
	struct esp_engine_worker *w;
	uint8_t *buf;
	int rc_imb, rc_ossl;

	if (eng.ready)
		return 0;
	rc_ossl = esp_ossl_init(e1, sizeof(e1));
	rc_imb = esp_imb_init(e2, sizeof(e2));
	if (rc_ossl && rc_imb) {
		snprintf(err, errlen, "no crypto engine: %s; %s", e1, e2);
		return rc_imb;
	}
	for (unsigned a = 0; a < SHM_CRYPTO_N; a++)
		eng.crypto[a].engine = eng.crypto[a].arch = 0xff;
	for (unsigned a = 0; a < SHM_INTEG_N; a++)
		eng.integ[a].engine = eng.integ[a].arch = 0xff;
	eng.backends = 1;
	w = esp_engine_worker_create(0, err, errlen);
	buf = aligned_alloc(64, (size_t)BENCH_OPS * BENCH_STRIDE);
	if (!w || !buf) {
		if (w)  /* else the worker said why */
			snprintf(err, errlen, "out of memory");
		esp_engine_worker_free(w);
		free(buf);
		esp_imb_fini();
		esp_ossl_fini();
		memset(&eng, 0, sizeof(eng));
		return -ENOMEM;
	}
	memset(buf, 0x5a, (size_t)BENCH_OPS * BENCH_STRIDE);
	measure_all(w, buf);
	eng.mw = w;     /* kept for the pairs, measured on first use */
	eng.mbuf = buf;
	eng.ready = 1;
	return 0;
}

void esp_engine_fini(void)
{
	if (!eng.backends)
		return;
	esp_engine_worker_free(eng.mw);
	free(eng.mbuf);
	esp_imb_fini();
	esp_ossl_fini();
	memset(&eng, 0, sizeof(eng));
}

static int imb_usable(void)
{
	for (int a = 0; a < ESP_ARCH_N; a++)
		if (esp_imb_arch_available(a))
			return 1;
	return 0;
}

/* intel-ipsec-mb's cost of a cipher with an integrity algorithm on path a,
 * measured together the first time it is asked for; 0 if unavailable. */
static float pair_cost(unsigned crypto, unsigned integ, int a)
{
	float *p = &eng.pair[crypto][integ][a];

	if (*p == 0) {
		float v;

		*p = -1;        /* while measuring, and if it fails */
		v = eng.mw && esp_imb_arch_available(a) ? measure(eng.mw, eng.mbuf, ESP_ENGINE_IMB, a, crypto, integ)
							: 0;
		if (v > 0)
			*p = v;
	}
	return *p > 0 ? *p : 0;
}

/* Control thread only: a pair not measured yet is measured here. */
void esp_engine_resolve(unsigned crypto, unsigned integ, int *engine, int *arch)
{
	const struct sel *c = &eng.crypto[crypto < SHM_CRYPTO_N ? crypto : 0];
	const struct sel *i = &eng.integ[integ < SHM_INTEG_N ? integ : 0];
	float imb_cost = 0, ossl_cost = c->cost_ossl + i->cost_ossl;
	int best = -1, ossl_ok, native_ok;

	/* The code path: pinned, else where cipher plus integrity cost least. */
	if (c->arch != ESP_ARCH_AUTO) {
		best = c->arch;
	} else if (i->arch != ESP_ARCH_AUTO) {
		best = i->arch;
	} else {
		/* a cipher with integrity (not AEAD, which has none): the pair */
		int together = crypto && integ && crypto < SHM_CRYPTO_N && integ < SHM_INTEG_N && eng.ready;

		for (int a = 0; a < ESP_ARCH_N; a++) {
			float cost = c->cost[a] + i->cost[a];

			if (!esp_imb_arch_available(a) || (crypto && !c->cost[a]) || (integ && !i->cost[a]))
				continue;
			if (together) {
				float pc = pair_cost(crypto, integ, a);
				if (pc > 0)
					cost = pc;
			}
			if (best < 0 || cost < imb_cost) {
				best = a;
				imb_cost = cost;
			}
		}
	}
	*arch = best < 0 ? ESP_ARCH_SSE : best;

	/* One engine per SA: a pin to OpenSSL on either algorithm wins, then
	 * a pin to the native engine (AEAD: the cipher's), then to
	 * intel-ipsec-mb. Without pins: the native engine where it measured
	 * cheaper than intel-ipsec-mb's best path (the AES-GCM it does not take
	 * runs on that library anyway); else intel-ipsec-mb unless it is
	 * unusable or OpenSSL is more than OSSL_PREFERENCE times faster. */
	ossl_ok = esp_ossl_supports(0, crypto) && esp_ossl_supports(1, integ) &&
		  (!crypto || c->cost_ossl > 0) && (!integ || i->cost_ossl > 0);
	native_ok = esp_native_supports(0, crypto) && esp_native_supports(1, integ) && c->cost_native > 0;
	if (c->engine == ESP_ENGINE_OSSL || i->engine == ESP_ENGINE_OSSL)
		*engine = ESP_ENGINE_OSSL;
	else if (c->engine == ESP_ENGINE_NATIVE && native_ok)
		*engine = ESP_ENGINE_NATIVE;
	else if (c->engine == ESP_ENGINE_IMB || i->engine == ESP_ENGINE_IMB)
		*engine = ESP_ENGINE_IMB;
	else if (!imb_usable() || best < 0)
		*engine = ESP_ENGINE_OSSL;
	else if (native_ok && c->arch == ESP_ARCH_AUTO && c->cost_native < imb_cost)
		*engine = ESP_ENGINE_NATIVE;
	else if (ossl_ok && ossl_cost * OSSL_PREFERENCE < imb_cost)
		*engine = ESP_ENGINE_OSSL;
	else
		*engine = ESP_ENGINE_IMB;
}

int esp_engine_select(int integ, unsigned alg, int engine, int arch)
{
	struct sel *s;

	if (!eng.ready || (integ ? alg >= SHM_INTEG_N : alg >= SHM_CRYPTO_N) || alg == 0)
		return -EINVAL;
	if (engine != ESP_ENGINE_AUTO && (engine < 0 || engine >= ESP_ENGINE_N))
		return -EINVAL;
	if (arch != ESP_ARCH_AUTO && (arch < 0 || arch >= ESP_ARCH_N))
		return -EINVAL;
	if (engine == ESP_ENGINE_OSSL && !esp_ossl_supports(integ, alg))
		return -ENOTSUP;
	if (engine == ESP_ENGINE_NATIVE && arch != ESP_ARCH_AUTO)
		return -EINVAL;         /* code paths are intel-ipsec-mb's */
	if (engine == ESP_ENGINE_NATIVE && (integ || !esp_native_supports(0, alg)))
		return -ENOTSUP;
	if ((engine == ESP_ENGINE_IMB && !imb_usable()) ||
	    (arch != ESP_ARCH_AUTO && !esp_imb_arch_available(arch)))
		return -ENOTSUP;
	s = integ ? &eng.integ[alg] : &eng.crypto[alg];
	s->engine = (uint8_t)engine;
	s->arch = (uint8_t)arch;
	return 0;
}

unsigned esp_engine_list(struct esp_engine_choice *out, unsigned max)
{
	unsigned n = 0;

	for (int integ = 0; integ < 2; integ++) {
		unsigned na = integ ? SHM_INTEG_N : SHM_CRYPTO_N;

		for (unsigned a = 1; a < na && n < max; a++) {
			const struct sel *s = integ ? &eng.integ[a] : &eng.crypto[a];
			struct esp_engine_choice *r = &out[n++];
			int e, ar;

			if (integ)
				esp_engine_resolve(SHM_CRYPTO_NONE, a, &e, &ar);
			else
				esp_engine_resolve(a, SHM_INTEG_NONE, &e, &ar);
			r->alg = integ ? esp_alg_integ(a)->name : esp_alg_crypto(a)->name;
			r->integ = (uint8_t)integ;
			r->engine = (uint8_t)e;
			r->arch = (uint8_t)ar;
			r->pinned = s->engine != ESP_ENGINE_AUTO || s->arch != ESP_ARCH_AUTO;
			memcpy(r->ns_per_pkt, s->cost, sizeof(r->ns_per_pkt));
			r->ns_ossl = s->cost_ossl;
			r->ns_native = s->cost_native;
		}
	}
	return n;
}

/* ---- workers --------------------------------------------------------------- */

struct esp_engine_worker *esp_engine_worker_create(unsigned id, char *err, size_t errlen)
{
	struct esp_engine_worker *w;

	if (!eng.backends) {
		snprintf(err, errlen, "esp_engine_init has not run");
		return NULL;
	}
	if (id >= ESP_MAX_WORKERS) {
		snprintf(err, errlen, "worker id %u out of range (max %d)", id, ESP_MAX_WORKERS - 1);
		return NULL;
	}
	w = aligned_alloc(64, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(w, 0, sizeof(*w));
	w->id = id;
	if (esp_imb_worker_init(w, err, errlen) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

void esp_engine_worker_free(struct esp_engine_worker *w)
{
	if (!w)
		return;
	esp_imb_worker_fini(w);
	OPENSSL_cleanse(w, sizeof(*w));
	free(w);
}

unsigned esp_engine_worker_id(const struct esp_engine_worker *w)
{
	return w->id;
}

void esp_engine_random(struct esp_engine_worker *w, uint8_t *out, size_t n)
{
	esp_rng_bytes(&w->rng, out, n);
}

/* ---- contexts --------------------------------------------------------------- */

int esp_engine_ctx_init(struct esp_crypto_ctx *ctx, const struct esp_crypto_key *key,
			enum shm_dir dir, int engine, int arch, char *err, size_t errlen)
{
	const struct esp_alg_crypto *ca = esp_alg_crypto(key->crypto);
	const struct esp_alg_integ *ia = esp_alg_integ(key->integ);
	int e = engine, a = arch;

	memset(ctx, 0, sizeof(*ctx));
	if (!eng.backends) {
		snprintf(err, errlen, "esp_engine_init has not run");
		return -EINVAL;
	}
	if (!ca || !ia) {
		snprintf(err, errlen, "unknown algorithm (crypto %u, integ %u)", key->crypto, key->integ);
		return -EINVAL;
	}
	if (key->ckey_len != ca->key_len || (ca->key_len && !key->ckey)) {
		snprintf(err, errlen, "%s needs a %u-byte key, got %u", ca->name, ca->key_len,
			 key->ckey_len);
		return -EINVAL;
	}
	if (ca->icv_len && ia->kind != ESP_HK_NONE) {
		snprintf(err, errlen, "%s is combined mode: integrity must be none", ca->name);
		return -EINVAL;
	}
	if (ia->kind != ESP_HK_NONE && (key->ikey_len == 0 || !key->ikey)) {
		snprintf(err, errlen, "%s needs a key", ia->name);
		return -EINVAL;
	}
	if (dir != SHM_DIR_IN && dir != SHM_DIR_OUT) {
		snprintf(err, errlen, "bad direction %d", dir);
		return -EINVAL;
	}
	/* (both given: no resolving, which may measure, with contexts of its own) */
	if (engine == ESP_ENGINE_AUTO || arch == ESP_ARCH_AUTO)
		esp_engine_resolve(key->crypto, key->integ, &e, &a);
	if (engine != ESP_ENGINE_AUTO)
		e = engine;
	if (arch != ESP_ARCH_AUTO)
		a = arch;
	if (e == ESP_ENGINE_OSSL && !(esp_ossl_supports(0, key->crypto) && esp_ossl_supports(1, key->integ)))
		e = engine == ESP_ENGINE_OSSL ? -1 : ESP_ENGINE_IMB;
	/* (resolving picks native only where it is supported: a request) */
	if (e == ESP_ENGINE_NATIVE && !(esp_native_supports(0, key->crypto) && esp_native_supports(1, key->integ)))
		e = -1;
	if (e == ESP_ENGINE_IMB && !esp_imb_arch_available(a))
		e = -1;
	if (e < 0) {
		snprintf(err, errlen, "no engine offers %s/%s%s", ca->name, ia->name,
			 engine == ESP_ENGINE_AUTO ? "" : " on the requested engine/path");
		return -ENOTSUP;
	}
	ctx->engine = (uint8_t)e;
	ctx->arch = (uint8_t)a;
	ctx->dir = (uint8_t)dir;
	ctx->crypto = key->crypto;
	ctx->integ = key->integ;
	ctx->cipher_kind = ca->kind;
	ctx->hash_kind = ia->kind;
	ctx->key_len = ca->key_len;
	ctx->iv_len = ca->iv_len;
	ctx->icv_len = ca->icv_len ? ca->icv_len : ia->icv_len;
	memcpy(ctx->salt, key->salt, sizeof(ctx->salt));
	if (e == ESP_ENGINE_IMB)
		return esp_imb_ctx_init(ctx, key, err, errlen);
	if (e == ESP_ENGINE_NATIVE)
		return esp_native_ctx_init(ctx, key, err, errlen);
	return esp_ossl_ctx_init(ctx, key, err, errlen);
}

void esp_engine_ctx_fini(struct esp_crypto_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->engine == ESP_ENGINE_OSSL)
		esp_ossl_ctx_fini(ctx);
	else if (ctx->engine == ESP_ENGINE_NATIVE)
		esp_native_ctx_fini(ctx);
	else
		esp_imb_ctx_fini(ctx);
	OPENSSL_cleanse(ctx, sizeof(*ctx));
}

/* ---- bursts ------------------------------------------------------------------ */

static uint16_t run(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
		    struct esp_crypto_op *ops, uint16_t n, int enc)
{
	uint16_t good = 0;

	if (ctx->dir != (enc ? SHM_DIR_OUT : SHM_DIR_IN)) {
		for (uint16_t i = 0; i < n; i++)
			ops[i].status = ESP_CRYPTO_ERROR;
		return 0;
	}
	while (n) {
		uint16_t k = n < ESP_BURST_MAX ? n : ESP_BURST_MAX;

		if (ctx->engine == ESP_ENGINE_IMB)
			good += enc ? esp_imb_encrypt(w, ctx, ops, k) : esp_imb_decrypt(w, ctx, ops, k);
		else if (ctx->engine == ESP_ENGINE_NATIVE)
			good += enc ? esp_native_encrypt(w, ctx, ops, k) : esp_native_decrypt(w, ctx, ops, k);
		else
			good += enc ? esp_ossl_encrypt(w, ctx, ops, k) : esp_ossl_decrypt(w, ctx, ops, k);
		ops += k;
		n -= k;
	}
	return good;
}

uint16_t esp_engine_encrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n)
{
	return run(w, ctx, ops, n, 1);
}

uint16_t esp_engine_decrypt(struct esp_engine_worker *w, const struct esp_crypto_ctx *ctx,
			    struct esp_crypto_op *ops, uint16_t n)
{
	return run(w, ctx, ops, n, 0);
}

/* Crypto engines: `set crypto handler` (CryptoHandlerSet), the operator's
 * engine and code path per ESP algorithm, stored in shm_global through the
 * journal; and Dump{CRYPTO_ENGINES}, that selection read back next to what
 * the dataplane measured and applied (SHM_T_ENGINE_RT, written by the
 * dataplane's dp_engines). */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x
#define ENG(x) IPSECGW__V1__CRYPTO_ENGINE__ENGINE_##x
#define ARCH(x) IPSECGW__V1__CRYPTO_ARCH__ARCH_##x

/* shm_global stores the API values as they are: 0 automatic, else 1 + the
 * engine library's id (ESP_ENGINE_IMB 0, ESP_ENGINE_OSSL 1, ESP_ENGINE_NATIVE 2;
 * ESP_ARCH_SSE 0, AVX2 1, AVX512 2). */
_Static_assert(ENG(IPSEC_MB) == 1 && ENG(OPENSSL) == 2 && ENG(NATIVE) == 3, "CryptoEngine = 1 + ESP_ENGINE_*");
_Static_assert(ARCH(SSE) == 1 && ARCH(AVX2) == 2 && ARCH(AVX512) == 3, "CryptoArch = 1 + ESP_ARCH_*");
_Static_assert(sizeof(((struct shm_global *)0)->crypto_engine) >= SHM_CRYPTO_N &&
	       sizeof(((struct shm_global *)0)->crypto_arch) >= SHM_CRYPTO_N &&
	       sizeof(((struct shm_global *)0)->integ_engine) >= SHM_INTEG_N &&
	       sizeof(((struct shm_global *)0)->integ_arch) >= SHM_INTEG_N,
	       "one selection per algorithm");
_Static_assert(SHM_ENGINE_ROWS == SHM_CRYPTO_N + SHM_INTEG_N, "engine rows");

static const char *const engine_names[] = { "auto", "ipsec-mb", "openssl", "native" };
static const char *const arch_names[] = { "auto", "sse", "avx2", "avx512" };

static const char *engine_alg_name(int integ, unsigned alg)
{
	return integ ? cfg_sa_integ_name(alg) : cfg_sa_crypto_name(alg);
}

/* The dataplane's row for an algorithm: 1 if it has published one. Reads
 * under the row's seqlock (a dataplane that died mid-write: unpublished). */
static int engine_row(const struct cfg *c, int integ, unsigned alg, struct shm_engine_rt *out)
{
	const struct shm_engine_rt *src =
		cfg_rec(c, SHM_T_ENGINE_RT, (integ ? SHM_CRYPTO_N : 0) + alg);

	if (cfg_dump_rt_read(&src->h.seq, src, out, sizeof(*out)) < 0)
		return 0;
	return out->h.in_use && out->integ == integ && out->alg == alg;
}

/* Whether the dataplane can honour the selection for this algorithm, as far
 * as its published measurements tell: 0, or -1 after failing rep. Nothing
 * published yet (dataplane never started): accepted, the dataplane checks
 * again and logs what it cannot apply. The native engine has AES-GCM only,
 * and only on CPUs with VAES and VPCLMULQDQ: the dataplane publishes
 * ns_native 0 for every other algorithm, and everywhere on other CPUs. */
static int engine_available(const struct cfg *c, cfg_reply *rep, int integ, unsigned alg,
			    int engine, int arch)
{
	struct shm_engine_rt row;
	const char *name = engine_alg_name(integ, alg);

	if (engine == ENG(AUTO) || !engine_row(c, integ, alg, &row))
		return 0;
	if (engine == ENG(OPENSSL) && row.ns_ossl <= 0)
		return cfg_reply_fail(rep, E(FAILED_PRECONDITION), "engine",
				      "the dataplane has no openssl implementation of %s", name);
	if (engine == ENG(NATIVE) && row.ns_native <= 0)
		return cfg_reply_fail(rep, E(FAILED_PRECONDITION), "engine",
				      "the dataplane has no native implementation of %s "
				      "(native: AES-GCM on CPUs with VAES and VPCLMULQDQ)", name);
	if (engine == ENG(IPSEC_MB) && arch != ARCH(AUTO) && row.ns_per_pkt[arch - 1] <= 0)
		return cfg_reply_fail(rep, E(FAILED_PRECONDITION), "arch",
				      "the %s code path of ipsec-mb is not available for %s on this CPU "
				      "(see show crypto engines)", arch_names[arch], name);
	if (engine == ENG(IPSEC_MB) && arch == ARCH(AUTO) && row.ns_per_pkt[0] <= 0 &&
	    row.ns_per_pkt[1] <= 0 && row.ns_per_pkt[2] <= 0)
		return cfg_reply_fail(rep, E(FAILED_PRECONDITION), "engine",
				      "ipsec-mb has no usable code path for %s on this CPU", name);
	return 0;
}

void cfg_engine_set(struct cfg *c, const Ipsecgw__V1__CryptoHandlerSet *m, cfg_reply *rep)
{
	int all = m->has_all && m->all, engine = (int)m->engine;
	int arch = m->has_arch ? (int)m->arch : ARCH(AUTO);
	struct cfg_change ch;
	struct shm_global *g;
	char what[32];

	/* the target: exactly one algorithm, or all */
	if (all + m->has_crypto_alg + m->has_integ_alg != 1) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_alg",
			       "give exactly one of crypto_alg, integ_alg and all");
		return;
	}
	if (m->has_crypto_alg && ((unsigned)m->crypto_alg >= SHM_CRYPTO_N || m->crypto_alg == 0)) {
		if (m->crypto_alg == 0)
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_alg",
				       "'none' uses no crypto engine");
		else
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_alg",
				       "unknown crypto algorithm %d", (int)m->crypto_alg);
		return;
	}
	if (m->has_integ_alg && ((unsigned)m->integ_alg >= SHM_INTEG_N || m->integ_alg == 0)) {
		if (m->integ_alg == 0)
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg",
				       "'none' uses no crypto engine");
		else
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg",
				       "unknown integrity algorithm %d", (int)m->integ_alg);
		return;
	}
	if (engine < ENG(AUTO) || engine > ENG(NATIVE)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "engine",
			       "unknown engine %d (auto, ipsec-mb, openssl or native)", engine);
		return;
	}
	if (arch < ARCH(AUTO) || arch > ARCH(AVX512)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "arch",
			       "unknown code path %d (sse, avx2 or avx512)", arch);
		return;
	}
	if (arch != ARCH(AUTO) && engine != ENG(IPSEC_MB)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "arch",
			       "a code path (%s) goes with engine ipsec-mb, not %s", arch_names[arch],
			       engine_names[engine]);
		return;
	}
	/* what the dataplane reported it can do. With all, every algorithm must
	 * have the engine or nothing is set (all openssl where one lacks
	 * OpenSSL); so all native, AES-GCM only, is refused once the dataplane
	 * has published its rows */
	for (int integ = 0; integ < 2; integ++) {
		unsigned n = integ ? SHM_INTEG_N : SHM_CRYPTO_N;

		for (unsigned a = 1; a < n; a++) {
			if (!all && (integ ? !m->has_integ_alg || a != (unsigned)m->integ_alg
					   : !m->has_crypto_alg || a != (unsigned)m->crypto_alg))
				continue;
			if (engine_available(c, rep, integ, a, engine, arch) < 0)
				return;
		}
	}

	cfg_change_begin(c, &ch);
	g = cfg_change_stage(&ch, SHM_T_GLOBAL, 0);
	g->h.in_use = 1;
	for (unsigned a = 1; a < SHM_CRYPTO_N; a++) {
		if (all || (m->has_crypto_alg && a == (unsigned)m->crypto_alg)) {
			g->crypto_engine[a] = (uint8_t)engine;
			g->crypto_arch[a] = (uint8_t)arch;
		}
	}
	for (unsigned a = 1; a < SHM_INTEG_N; a++) {
		if (all || (m->has_integ_alg && a == (unsigned)m->integ_alg)) {
			g->integ_engine[a] = (uint8_t)engine;
			g->integ_arch[a] = (uint8_t)arch;
		}
	}
	snprintf(what, sizeof(what), "%s", all ? "all" :
		 engine_alg_name(m->has_integ_alg, m->has_integ_alg ? (unsigned)m->integ_alg
								     : (unsigned)m->crypto_alg));
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(GLOBAL), "crypto handler %s %s%s%s", what,
			  engine_names[engine], arch ? " " : "", arch ? arch_names[arch] : "");
}

/* Measured ns per packet for the API: rounded, at least 1; 0 = absent. */
static uint32_t engine_ns(float ns)
{
	if (!(ns > 0))
		return 0;
	return ns < 1.0f ? 1 : ns >= 4e9f ? UINT32_MAX : (uint32_t)(ns + 0.5f);
}

static Ipsecgw__V1__CryptoEngineDetails *engine_details(const struct cfg *c, const struct shm_global *g,
							int integ, unsigned alg)
{
	Ipsecgw__V1__CryptoEngineDetails *x = cfg_reply_calloc(1, sizeof(*x));
	uint8_t want_e = integ ? g->integ_engine[alg] : g->crypto_engine[alg];
	uint8_t want_a = integ ? g->integ_arch[alg] : g->crypto_arch[alg];
	struct shm_engine_rt row;
	uint32_t *ns[3];

	ipsecgw__v1__crypto_engine_details__init(x);
	if (integ) {
		x->has_integ_alg = 1;
		x->integ_alg = (Ipsecgw__V1__IntegAlg)alg;
	} else {
		x->has_crypto_alg = 1;
		x->crypto_alg = (Ipsecgw__V1__CryptoAlg)alg;
	}
	x->requested_engine = want_e <= ENG(NATIVE) ? (Ipsecgw__V1__CryptoEngine)want_e : ENG(AUTO);
	if (want_a > ARCH(AUTO) && want_a <= ARCH(AVX512)) {
		x->has_requested_arch = 1;
		x->requested_arch = (Ipsecgw__V1__CryptoArch)want_a;
	}
	if (!engine_row(c, integ, alg, &row))
		return x;
	x->published = 1;
	if (row.engine + 1 <= ENG(NATIVE)) { /* a known engine: its API value is 1 + ESP_ENGINE_* */
		x->has_engine = 1;
		x->engine = (Ipsecgw__V1__CryptoEngine)(row.engine + 1);
		if (row.engine == 0 && row.arch < 3) {
			x->has_arch = 1;
			x->arch = (Ipsecgw__V1__CryptoArch)(row.arch + 1);
		}
	}
	x->has_pinned = 1;
	x->pinned = row.pinned != 0;
	ns[0] = &x->ns_sse;
	ns[1] = &x->ns_avx2;
	ns[2] = &x->ns_avx512;
	x->has_ns_sse = (*ns[0] = engine_ns(row.ns_per_pkt[0])) != 0;
	x->has_ns_avx2 = (*ns[1] = engine_ns(row.ns_per_pkt[1])) != 0;
	x->has_ns_avx512 = (*ns[2] = engine_ns(row.ns_per_pkt[2])) != 0;
	x->has_ns_openssl = (x->ns_openssl = engine_ns(row.ns_ossl)) != 0;
	x->has_ns_native = (x->ns_native = engine_ns(row.ns_native)) != 0;
	return x;
}

void cfg_engine_dump(struct cfg *c, const Ipsecgw__V1__Dump *m, cfg_reply *rep)
{
	const struct shm_global *g = cfg_rec(c, SHM_T_GLOBAL, 0);
	struct shm_global gc;

	if (m->has_cursor && m->cursor) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "cursor",
			       "%u is not a cursor of this dump: it fits one reply", m->cursor);
		return;
	}
	/* the config service is the writer of shm_global: a plain copy */
	memcpy(&gc, g, sizeof(gc));
	if (!gc.h.in_use)
		memset(&gc, 0, sizeof(gc));
	rep->crypto_engines = cfg_reply_calloc(SHM_ENGINE_ROWS, sizeof(*rep->crypto_engines));
	for (unsigned a = 1; a < SHM_CRYPTO_N; a++)
		rep->crypto_engines[rep->n_crypto_engines++] = engine_details(c, &gc, 0, a);
	for (unsigned a = 1; a < SHM_INTEG_N; a++)
		rep->crypto_engines[rep->n_crypto_engines++] = engine_details(c, &gc, 1, a);
}

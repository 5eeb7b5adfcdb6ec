/* The ESP operator view through cfg_dispatch, in-process: `set crypto
 * handler` written to shm_global (one journaled change, one event),
 * Dump{CRYPTO_ENGINES} reading it back with the rows a dataplane publishes,
 * and the per-SA error counters in SA dumps (summed over workers, less the
 * cleared baseline, every reason). */
#include "cfg_test.h"

#define CA(x) IPSECGW__V1__CRYPTO_ALG__##x
#define IA(x) IPSECGW__V1__INTEG_ALG__##x
#define DW(x) IPSECGW__V1__DUMP__WHAT__##x
#define ENG(x) IPSECGW__V1__CRYPTO_ENGINE__ENGINE_##x
#define ARCH(x) IPSECGW__V1__CRYPTO_ARCH__ARCH_##x
#define REASON(x) IPSECGW__V1__SA_ERROR_COUNTER__REASON__##x

static struct shm_region R;

static const struct shm_global *global(void)
{
	return shm_rec(&R, SHM_T_GLOBAL, 0);
}

/* An accepted change: OK, the generation and the event sequence one up. */
static void change(struct cfg *c, gw_env *e)
{
	uint64_t gen = atomic_load(&R.hdr->generation), seq = cfg_events_seq(c);
	cfg_reply *r = t_call(c, e);

	CHECK(r->code == EC(OK), "expected OK, got %d: %s", r->code, r->message ? r->message : "");
	CHECK(r->generation == gen + 1 && atomic_load(&R.hdr->generation) == gen + 1, "generation");
	CHECK(cfg_events_seq(c) == seq + 1, "one event");
	cfg_reply_free(r);
}

static cfg_reply *dump(struct cfg *c, int what, int has_id, uint32_t id)
{
	uint64_t gen = atomic_load(&R.hdr->generation);
	cfg_reply *r = t_call(c, r_dump(what, has_id, id, 0, 0, 0));

	CHECK(r->code == EC(OK), "dump %d: %d %s", what, r->code, r->message ? r->message : "");
	CHECK(atomic_load(&R.hdr->generation) == gen, "a dump moved the generation");
	CHECK(!r->has_next_cursor, "dump %d paged", what);
	return r;
}

static const Ipsecgw__V1__CryptoEngineDetails *engine(const cfg_reply *r, int integ, unsigned alg)
{
	for (size_t i = 0; i < r->n_crypto_engines; i++) {
		const Ipsecgw__V1__CryptoEngineDetails *x = r->crypto_engines[i];
		if (integ ? x->has_integ_alg && (unsigned)x->integ_alg == alg : x->has_crypto_alg && (unsigned)x->crypto_alg == alg)
			return x;
	}
	CHECK(0, "no row for %s %u", integ ? "integ" : "crypto", alg);
	return NULL;
}

static void check_selection(unsigned crypto_first, unsigned crypto_last, uint8_t e, uint8_t a)
{
	for (unsigned k = crypto_first; k <= crypto_last; k++)
		CHECK(global()->crypto_engine[k] == e && global()->crypto_arch[k] == a,
		      "crypto %u: engine %u arch %u, want %u %u", k, global()->crypto_engine[k],
		      global()->crypto_arch[k], e, a);
}

static void test_handler(struct cfg *c)
{
	cfg_reply *r;
	const Ipsecgw__V1__CryptoEngineDetails *x;

	/* Nothing chosen, nothing published: every algorithm but none, auto. */
	r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
	CHECK(r->n_crypto_engines == SHM_CRYPTO_N - 1 + SHM_INTEG_N - 1, "%zu rows", r->n_crypto_engines);
	CHECK(r->crypto_engines[0]->has_crypto_alg && r->crypto_engines[0]->crypto_alg == CA(AES_CBC_128) &&
	      r->crypto_engines[SHM_CRYPTO_N - 1]->has_integ_alg &&
	      r->crypto_engines[SHM_CRYPTO_N - 1]->integ_alg == IA(MD5_96), "order: ciphers, then integrity");
	for (size_t i = 0; i < r->n_crypto_engines; i++)
		CHECK(r->crypto_engines[i]->requested_engine == ENG(AUTO) && !r->crypto_engines[i]->has_requested_arch &&
		      !r->crypto_engines[i]->published && !r->crypto_engines[i]->has_engine, "row %zu", i);
	cfg_reply_free(r);

	/* One algorithm; another with a code path (accepted unchecked while
	 * the dataplane has published nothing). */
	change(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(OPENSSL), -1));
	CHECK(global()->h.in_use && global()->crypto_engine[SHM_CRYPTO_AES_GCM_128] == 2 &&
	      global()->crypto_arch[SHM_CRYPTO_AES_GCM_128] == 0, "aes-gcm-128 openssl");
	check_selection(1, SHM_CRYPTO_AES_GCM_128 - 1, 0, 0);
	change(c, r_handler(-1, IA(SHA_256_128), 0, ENG(IPSEC_MB), ARCH(AVX512)));
	CHECK(global()->integ_engine[SHM_INTEG_SHA_256_128] == 1 && global()->integ_arch[SHM_INTEG_SHA_256_128] == 3,
	      "sha-256-128 ipsec-mb avx512");
	CHECK(global()->integ_engine[SHM_INTEG_SHA1_96] == 0, "sha1-96 untouched");
	r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
	x = engine(r, 0, SHM_CRYPTO_AES_GCM_128);
	CHECK(x->requested_engine == ENG(OPENSSL) && !x->has_requested_arch && !x->published, "aes-gcm-128 row");
	x = engine(r, 1, SHM_INTEG_SHA_256_128);
	CHECK(x->requested_engine == ENG(IPSEC_MB) && x->has_requested_arch && x->requested_arch == ARCH(AVX512),
	      "sha-256-128 row");
	cfg_reply_free(r);

	/* all, then all back to auto; "none" (index 0) is never written */
	change(c, r_handler(-1, -1, 1, ENG(IPSEC_MB), ARCH(SSE)));
	check_selection(1, SHM_CRYPTO_N - 1, 1, 1);
	for (unsigned k = 1; k < SHM_INTEG_N; k++)
		CHECK(global()->integ_engine[k] == 1 && global()->integ_arch[k] == 1, "integ %u", k);
	CHECK(global()->crypto_engine[0] == 0 && global()->integ_engine[0] == 0, "none written");
	/* all native, nothing published: stored for every algorithm (the
	 * dataplane refuses and logs where it has no native implementation) */
	change(c, r_handler(-1, -1, 1, ENG(NATIVE), -1));
	check_selection(1, SHM_CRYPTO_N - 1, 3, 0);
	for (unsigned k = 1; k < SHM_INTEG_N; k++)
		CHECK(global()->integ_engine[k] == 3 && global()->integ_arch[k] == 0, "integ %u native", k);
	r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
	CHECK(engine(r, 0, SHM_CRYPTO_AES_GCM_256)->requested_engine == ENG(NATIVE) &&
	      engine(r, 1, SHM_INTEG_SHA1_96)->requested_engine == ENG(NATIVE), "native read back");
	cfg_reply_free(r);
	change(c, r_handler(-1, -1, 1, ENG(AUTO), -1));
	check_selection(0, sizeof(global()->crypto_engine) - 1, 0, 0);
	for (unsigned k = 0; k < sizeof(global()->integ_engine); k++)
		CHECK(global()->integ_engine[k] == 0 && global()->integ_arch[k] == 0, "integ %u", k);
	CHECK(global()->ikev2_local_key[0] == 0 && global()->startup_gen == 0, "other globals kept");

	/* The dataplane publishes: aes-cbc-128 on ipsec-mb sse (auto), aes-gcm-128
	 * pinned to openssl; costs rounded, at least 1, absent when 0. */
	{
		struct shm_engine_rt cbc = { .h.in_use = 1, .alg = SHM_CRYPTO_AES_CBC_128, .engine = 0, .arch = 0,
					     .ns_per_pkt = { 140.4f, 152.6f, 0 }, .ns_ossl = 0.2f };
		struct shm_engine_rt gcm = { .h.in_use = 1, .alg = SHM_CRYPTO_AES_GCM_128, .engine = 1, .arch = 2,
					     .pinned = 1, .ns_per_pkt = { 90, 45, 31 }, .ns_ossl = 120 };
		struct shm_engine_rt wrong = { .h.in_use = 1, .integ = 1, .alg = SHM_INTEG_SHA1_96 };

		shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_AES_CBC_128), &cbc, sizeof(cbc));
		shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_AES_GCM_128), &gcm, sizeof(gcm));
		/* a row in the wrong place is not taken for aes-ctr-128's */
		shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_AES_CTR_128), &wrong, sizeof(wrong));
	}
	change(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(OPENSSL), -1));
	r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
	x = engine(r, 0, SHM_CRYPTO_AES_CBC_128);
	CHECK(x->published && x->has_engine && x->engine == ENG(IPSEC_MB) && x->has_arch && x->arch == ARCH(SSE) &&
	      x->has_pinned && !x->pinned && x->requested_engine == ENG(AUTO), "aes-cbc-128 runtime");
	CHECK(x->has_ns_sse && x->ns_sse == 140 && x->has_ns_avx2 && x->ns_avx2 == 153 && !x->has_ns_avx512 &&
	      x->has_ns_openssl && x->ns_openssl == 1, "aes-cbc-128 costs %u %u %u", x->ns_sse, x->ns_avx2,
	      x->ns_openssl);
	x = engine(r, 0, SHM_CRYPTO_AES_GCM_128);
	CHECK(x->published && x->engine == ENG(OPENSSL) && !x->has_arch && x->pinned &&
	      x->requested_engine == ENG(OPENSSL) && x->ns_avx512 == 31 && x->ns_openssl == 120, "aes-gcm-128 runtime");
	CHECK(!engine(r, 0, SHM_CRYPTO_AES_CTR_128)->published, "misplaced row taken");
	CHECK(!engine(r, 1, SHM_INTEG_SHA1_96)->published, "unpublished row");
	cfg_reply_free(r);

	/* Published: a path it measured is accepted, one it did not is refused. */
	change(c, r_handler(CA(AES_CBC_128), -1, 0, ENG(IPSEC_MB), ARCH(AVX2)));
	T_FAIL(c, r_handler(CA(AES_CBC_128), -1, 0, ENG(IPSEC_MB), ARCH(AVX512)), EC(FAILED_PRECONDITION), "arch",
	       "avx512");
	CHECK(global()->crypto_arch[SHM_CRYPTO_AES_CBC_128] == ARCH(AVX2), "refusal kept the selection");

	/* The native engine: aes-gcm-128's row has no native cost (a CPU
	 * without VAES): refused. Measured: accepted; once the dataplane has
	 * applied it, the row reads native, without a code path. */
	T_FAIL(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(NATIVE), -1), EC(FAILED_PRECONDITION), "engine",
	       "the dataplane has no native implementation of aes-gcm-128");
	CHECK(global()->crypto_engine[SHM_CRYPTO_AES_GCM_128] == ENG(OPENSSL), "refusal kept the selection");
	{
		struct shm_engine_rt gcm = { .h.in_use = 1, .alg = SHM_CRYPTO_AES_GCM_128, .engine = 1, .arch = 2,
					     .pinned = 1, .ns_per_pkt = { 90, 45, 31 }, .ns_ossl = 120,
					     .ns_native = 38.6f };

		shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_AES_GCM_128), &gcm, sizeof(gcm));
		change(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(NATIVE), -1));
		CHECK(global()->crypto_engine[SHM_CRYPTO_AES_GCM_128] == 3 &&
		      global()->crypto_arch[SHM_CRYPTO_AES_GCM_128] == 0, "aes-gcm-128 native");
		r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
		x = engine(r, 0, SHM_CRYPTO_AES_GCM_128);
		CHECK(x->requested_engine == ENG(NATIVE) && !x->has_requested_arch && x->engine == ENG(OPENSSL) &&
		      x->has_ns_native && x->ns_native == 39, "aes-gcm-128 requested native: engine %d ns_native %u",
		      x->engine, x->ns_native);
		CHECK(!engine(r, 0, SHM_CRYPTO_AES_CBC_128)->has_ns_native, "aes-cbc-128 has a native cost");
		cfg_reply_free(r);
		gcm.engine = 2; /* ESP_ENGINE_NATIVE: the dataplane applied it */
		shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_AES_GCM_128), &gcm, sizeof(gcm));
		r = dump(c, DW(CRYPTO_ENGINES), 0, 0);
		x = engine(r, 0, SHM_CRYPTO_AES_GCM_128);
		CHECK(x->published && x->has_engine && x->engine == ENG(NATIVE) && !x->has_arch && x->pinned &&
		      x->has_ns_openssl && x->ns_openssl == 120 && x->ns_native == 39, "aes-gcm-128 on native");
		cfg_reply_free(r);
	}
	T_FAIL(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(NATIVE), ARCH(AVX512)), EC(INVALID_ARGUMENT), "arch",
	       "a code path (avx512) goes with engine ipsec-mb, not native");
}

/* SA error counters: workers summed, baseline subtracted, every reason. */
static void test_sa_errors(struct cfg *c)
{
	struct shm_counters *w0 = shm_counters(&R, 0), *w1 = shm_counters(&R, 1);
	uint32_t i10 = UINT32_MAX;
	cfg_reply *r;

	T_OK(c, r_sa_cbc(10, 1001));
	T_OK(c, r_sa_cbc(11, 1002));
	for (uint32_t i = 0; i < SHM_MAX_SA; i++) {
		const struct shm_sa *s = shm_rec(&R, SHM_T_SA, i);
		if (s->h.in_use && s->sa_id == 10)
			i10 = i;
	}
	CHECK(i10 != UINT32_MAX, "SA 10 not in the region");
	w0->sa_err[i10][SHM_SA_ERR_REPLAY] = 2;
	w1->sa_err[i10][SHM_SA_ERR_REPLAY] = 1;
	w1->sa_err[i10][SHM_SA_ERR_INTEGRITY] = 1;
	w0->sa_err[i10][SHM_SA_ERR_TOO_BIG] = 7;
	w0->sa[i10] = (struct shm_counter){ 9, 756 };

	r = dump(c, DW(SAS), 1, 10);
	CHECK(r->n_sas == 1 && r->sas[0]->n_errors == SHM_SA_ERR_N, "SA 10: %zu reasons",
	      r->n_sas ? r->sas[0]->n_errors : 0);
	for (size_t k = 0; k < r->sas[0]->n_errors; k++)
		CHECK((size_t)r->sas[0]->errors[k]->reason == k, "reason %zu out of order", k);
	CHECK(r->sas[0]->errors[REASON(REPLAY)]->count == 3 && r->sas[0]->errors[REASON(INTEGRITY)]->count == 1 &&
	      r->sas[0]->errors[REASON(TOO_BIG)]->count == 7 && r->sas[0]->errors[REASON(DECRYPT)]->count == 0,
	      "SA 10 counts");
	CHECK(r->sas[0]->counter->packets == 9 && r->sas[0]->counter->bytes == 756, "SA 10 packets");
	cfg_reply_free(r);

	r = dump(c, DW(SAS), 0, 0);
	CHECK(r->n_sas == 2, "%zu SAs", r->n_sas);
	for (size_t s = 0; s < r->n_sas; s++) {
		uint64_t sum = 0;
		for (size_t k = 0; k < r->sas[s]->n_errors; k++)
			sum += r->sas[s]->errors[k]->count;
		CHECK(r->sas[s]->n_errors == SHM_SA_ERR_N && sum == (r->sas[s]->spec->sa_id == 10 ? 11u : 0u),
		      "SA %u: %zu reasons, sum %llu", r->sas[s]->spec->sa_id, r->sas[s]->n_errors,
		      (unsigned long long)sum);
	}
	cfg_reply_free(r);

	/* clear ipsec counters: zero for the reader, the workers untouched */
	T_OK(c, r_clear(IPSECGW__V1__CLEAR_COUNTERS__WHAT__IPSEC));
	w0->sa_err[i10][SHM_SA_ERR_REPLAY] += 5;
	r = dump(c, DW(SAS), 1, 10);
	CHECK(r->sas[0]->errors[REASON(REPLAY)]->count == 5 && r->sas[0]->errors[REASON(TOO_BIG)]->count == 0,
	      "after clear: replay %llu", (unsigned long long)r->sas[0]->errors[REASON(REPLAY)]->count);
	cfg_reply_free(r);
	CHECK(w0->sa_err[i10][SHM_SA_ERR_REPLAY] == 7, "clear wrote a worker block");
}

int main(void)
{
	char err[256];
	struct cfg *c;

	tmpregion_setup();
	CHECK(shm_region_create(&R, "esp", 0, err, sizeof(err)) == 0, "%s", err);
	c = cfg_open(&R, NULL);
	CHECK(c, "cfg_open");
	test_handler(c);
	test_sa_errors(c);
	cfg_close(c);
	shm_region_detach(&R);
	printf("ok\n");
	return 0;
}

/*
 * dp_engines without DPDK: the ESP engine library for real (esp_engine_init
 * measures this CPU), a region on tmpfs, and shm_global written the way the
 * config service writes it. Checks that the published rows are the
 * library's list, that a selection reaches esp_engine_select exactly when it
 * changes (1, then 0), that a refused one (a code path this CPU lacks) is
 * logged once and changes nothing, and that "changed" wins over "refused".
 * The AVX-512 path is hidden from the library (link-time wrap of
 * esp_imb_arch_available) so that every machine is one that lacks it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_engines.h"
#include "esp_alg.h"
#include "esp_engine.h"
#include "region.h"
#include "tmpregion.h"

/* The test's CPU has no AVX-512 as far as the engine library can tell. */
int __real_esp_imb_arch_available(int arch);
int __wrap_esp_imb_arch_available(int arch);
int __wrap_esp_imb_arch_available(int arch)
{
	return arch != ESP_ARCH_AVX512 && __real_esp_imb_arch_available(arch);
}

static struct shm_region R;
static char log_path[128];
static int saved_stderr = -1;

/* Log lines go to stderr: send them to a file while dp_engines runs. */
static void capture_start(void)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0, "open %s", log_path);
	fflush(stderr);
	saved_stderr = dup(2);
	CHECK(saved_stderr >= 0 && dup2(fd, 2) == 2, "dup2");
	close(fd);
}

/* Stops capturing; returns the number of lines logged and their text. */
static int capture_stop(char *buf, size_t len)
{
	FILE *f;
	size_t n;
	int lines = 0;

	fflush(stderr);
	CHECK(dup2(saved_stderr, 2) == 2, "dup2 back");
	close(saved_stderr);
	f = fopen(log_path, "r");
	CHECK(f, "reopen %s", log_path);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	if (lines)
		fprintf(stderr, "logged: %s", buf);
	return lines;
}

/* The config service's side: one selection in shm_global. */
static void want(int integ, unsigned alg, uint8_t engine, uint8_t arch)
{
	struct shm_global g;

	shm_rec_read(shm_rec(&R, SHM_T_GLOBAL, 0), &g, sizeof(g));
	g.h.in_use = 1;
	if (integ) {
		g.integ_engine[alg] = engine;
		g.integ_arch[alg] = arch;
	} else {
		g.crypto_engine[alg] = engine;
		g.crypto_arch[alg] = arch;
	}
	shm_rec_write(shm_rec(&R, SHM_T_GLOBAL, 0), &g, sizeof(g));
}

static struct shm_engine_rt row(int integ, unsigned alg)
{
	struct shm_engine_rt x;

	CHECK(shm_rec_read(shm_rec(&R, SHM_T_ENGINE_RT, (integ ? SHM_CRYPTO_N : 0) + alg), &x, sizeof(x)),
	      "row %d/%u not published", integ, alg);
	return x;
}

static int apply(int *logged)
{
	char buf[4096];
	int rc;

	capture_start();
	rc = dp_engines_apply(&R);
	*logged = capture_stop(buf, sizeof(buf));
	return rc;
}

/* Every row equals the library's list; the rows of "none" stay unused. */
static void check_rows_match_library(void)
{
	struct esp_engine_choice ch[SHM_ENGINE_ROWS];
	unsigned n;
	struct shm_engine_rt none;

	memset(ch, 0, sizeof(ch)); /* as dp_engines_publish: a cost the library leaves is 0 */
	n = esp_engine_list(ch, SHM_ENGINE_ROWS);
	CHECK(n == SHM_CRYPTO_N - 1 + SHM_INTEG_N - 1, "%u rows listed", n);
	for (unsigned i = 0; i < n; i++) {
		int alg = ch[i].integ ? esp_alg_integ_by_name(ch[i].alg) : esp_alg_crypto_by_name(ch[i].alg);
		struct shm_engine_rt x = row(ch[i].integ, (unsigned)alg);

		CHECK(x.integ == ch[i].integ && x.alg == alg, "%s: row integ %u alg %u", ch[i].alg, x.integ, x.alg);
		CHECK(x.engine == ch[i].engine && x.arch == ch[i].arch && x.pinned == ch[i].pinned,
		      "%s: engine %u/%u arch %u/%u pinned %u/%u", ch[i].alg, x.engine, ch[i].engine, x.arch,
		      ch[i].arch, x.pinned, ch[i].pinned);
		CHECK(memcmp(x.ns_per_pkt, ch[i].ns_per_pkt, sizeof(x.ns_per_pkt)) == 0 && x.ns_ossl == ch[i].ns_ossl &&
		      x.ns_native == ch[i].ns_native, "%s: measurements differ", ch[i].alg);
	}
	CHECK(!shm_rec_read(shm_rec(&R, SHM_T_ENGINE_RT, 0), &none, sizeof(none)), "crypto none published");
	CHECK(!shm_rec_read(shm_rec(&R, SHM_T_ENGINE_RT, SHM_CRYPTO_N), &none, sizeof(none)),
	      "integ none published");
}

int main(void)
{
	char err[256];
	struct shm_engine_rt x;
	int logged, rc, e, a, path = -1, missing = -1;

	tmpregion_setup();
	snprintf(log_path, sizeof(log_path), "%s/log", tmpregion_dir);
	CHECK(shm_region_create(&R, "engines", 1, err, sizeof(err)) == 0, "%s", err);
	CHECK(esp_engine_init(err, sizeof(err)) == 0, "%s", err);

	/* First call: nothing configured, nothing changes, rows published. */
	rc = apply(&logged);
	CHECK(rc == 0 && logged == 0, "first apply: rc %d, %d lines logged", rc, logged);
	check_rows_match_library();
	x = row(0, SHM_CRYPTO_AES_GCM_128);
	CHECK(x.ns_per_pkt[ESP_ARCH_SSE] > 0 || x.ns_per_pkt[ESP_ARCH_AVX2] > 0 || x.ns_ossl > 0,
	      "aes-gcm-128 measured nowhere");
	for (int k = 0; k < ESP_ARCH_N; k++) {
		if (x.ns_per_pkt[k] > 0 && path < 0)
			path = k;
		if (x.ns_per_pkt[k] <= 0 && missing < 0)
			missing = k;
	}
	printf("aes-gcm-128 on %s/%s; first available path %s, first missing %s\n", esp_engine_name(x.engine),
	       esp_arch_name(x.arch), path >= 0 ? esp_arch_name(path) : "-",
	       missing >= 0 ? esp_arch_name(missing) : "-");

	/* Pin aes-gcm-128 to OpenSSL: applied once, then nothing to do. */
	want(0, SHM_CRYPTO_AES_GCM_128, 1 + ESP_ENGINE_OSSL, 0);
	rc = apply(&logged);
	CHECK(rc == 1 && logged == 0, "pin openssl: rc %d, %d lines", rc, logged);
	x = row(0, SHM_CRYPTO_AES_GCM_128);
	CHECK(x.engine == ESP_ENGINE_OSSL && x.pinned, "row: engine %u pinned %u", x.engine, x.pinned);
	esp_engine_resolve(SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, &e, &a);
	CHECK(e == ESP_ENGINE_OSSL, "library resolves aes-gcm-128 to %s", esp_engine_name(e));
	rc = apply(&logged);
	CHECK(rc == 0 && logged == 0, "same selection again: rc %d, %d lines", rc, logged);
	check_rows_match_library();

	/* Pin sha-256-128 to an intel-ipsec-mb path this CPU has. */
	x = row(1, SHM_INTEG_SHA_256_128);
	for (int k = 0; k < ESP_ARCH_N; k++) {
		if (x.ns_per_pkt[k] <= 0)
			continue;
		want(1, SHM_INTEG_SHA_256_128, 1 + ESP_ENGINE_IMB, (uint8_t)(1 + k));
		rc = apply(&logged);
		CHECK(rc == 1 && logged == 0, "pin ipsec-mb %s: rc %d, %d lines", esp_arch_name(k), rc, logged);
		x = row(1, SHM_INTEG_SHA_256_128);
		CHECK(x.engine == ESP_ENGINE_IMB && x.arch == k && x.pinned, "row: engine %u arch %u pinned %u",
		      x.engine, x.arch, x.pinned);
		break;
	}

	/* A code path this CPU lacks (AVX-512 on the CI machine): refused,
	 * logged once naming it, the algorithm left as it was. */
	CHECK(missing == ESP_ARCH_AVX512, "avx512 measured although hidden");
	{
		struct shm_engine_rt before = row(0, SHM_CRYPTO_AES_CBC_128);
		char buf[4096];

		want(0, SHM_CRYPTO_AES_CBC_128, 1 + ESP_ENGINE_IMB, (uint8_t)(1 + missing));
		capture_start();
		rc = dp_engines_apply(&R);
		logged = capture_stop(buf, sizeof(buf));
		CHECK(rc == -ENOTSUP, "missing path: rc %d", rc);
		CHECK(logged == 1 && strstr(buf, "aes-cbc-128") && strstr(buf, esp_arch_name(missing)) &&
		      strstr(buf, "not applied"), "log: '%s'", buf);
		x = row(0, SHM_CRYPTO_AES_CBC_128);
		CHECK(x.engine == before.engine && x.arch == before.arch && !x.pinned, "row changed");
		rc = apply(&logged);
		CHECK(rc == 0 && logged == 0, "refused selection again: rc %d, %d lines (log once)", rc, logged);

		/* A change and a refusal in one pass: changed wins, the refusal
		 * is still logged. */
		want(1, SHM_INTEG_SHA1_96, 1 + ESP_ENGINE_OSSL, 0);
		want(0, SHM_CRYPTO_AES_CTR_128, 1 + ESP_ENGINE_IMB, (uint8_t)(1 + missing));
		rc = apply(&logged);
		CHECK(rc == 1 && logged == 1, "change + refusal: rc %d, %d lines", rc, logged);
		CHECK(row(1, SHM_INTEG_SHA1_96).pinned && !row(0, SHM_CRYPTO_AES_CTR_128).pinned, "rows");
	}

	/* A value outside the encoding: -EINVAL, logged once. */
	want(0, SHM_CRYPTO_DES_CBC, 9, 0);
	rc = apply(&logged);
	CHECK(rc == -EINVAL && logged == 1, "bad value: rc %d, %d lines", rc, logged);

	/* Everything back to automatic: every pin undone. */
	{
		struct shm_global g;

		shm_rec_read(shm_rec(&R, SHM_T_GLOBAL, 0), &g, sizeof(g));
		memset(g.crypto_engine, 0, sizeof(g.crypto_engine));
		memset(g.crypto_arch, 0, sizeof(g.crypto_arch));
		memset(g.integ_engine, 0, sizeof(g.integ_engine));
		memset(g.integ_arch, 0, sizeof(g.integ_arch));
		shm_rec_write(shm_rec(&R, SHM_T_GLOBAL, 0), &g, sizeof(g));
	}
	rc = apply(&logged);
	CHECK(rc == 1 && logged == 0, "back to auto: rc %d, %d lines", rc, logged);
	check_rows_match_library();
	for (unsigned k = 1; k < SHM_CRYPTO_N; k++)
		CHECK(!row(0, k).pinned, "crypto %u still pinned", k);
	for (unsigned k = 1; k < SHM_INTEG_N; k++)
		CHECK(!row(1, k).pinned, "integ %u still pinned", k);

	esp_engine_fini();
	shm_region_detach(&R);
	printf("ok\n");
	return 0;
}

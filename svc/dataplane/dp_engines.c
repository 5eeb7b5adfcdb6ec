/* Crypto engine selection: shm_global -> esp_engine_select, and the
 * library's choice -> SHM_T_ENGINE_RT (dp_engines.h). */
#include "dp_engines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "esp_alg.h"
#include "esp_engine.h"
#include "log.h"
#include "region.h"

_Static_assert(ESP_ARCH_N == 3, "shm_engine_rt.ns_per_pkt has one slot per code path");
_Static_assert(sizeof(((struct shm_global *)0)->crypto_engine) >= SHM_CRYPTO_N &&
	       sizeof(((struct shm_global *)0)->integ_engine) >= SHM_INTEG_N,
	       "one selection per algorithm");

/* The region's encoding (0 automatic, else 1 + id) of what each row's
 * algorithm was last set to, or refused; rows as SHM_T_ENGINE_RT. All
 * automatic at start, as esp_engine_init leaves the library. */
static struct {
	uint8_t engine, arch;
} dp_engines_seen[SHM_ENGINE_ROWS];
static int dp_engines_published;

static unsigned dp_engines_row(int integ, unsigned alg)
{
	return (integ ? SHM_CRYPTO_N : 0) + alg;
}

void dp_engines_publish(struct shm_region *r)
{
	struct esp_engine_choice ch[SHM_ENGINE_ROWS];
	unsigned n;

	memset(ch, 0, sizeof(ch)); /* rows are copied whole into the region: nothing uninitialised */
	n = esp_engine_list(ch, SHM_ENGINE_ROWS);

	for (unsigned i = 0; i < n; i++) {
		int alg = ch[i].integ ? esp_alg_integ_by_name(ch[i].alg) : esp_alg_crypto_by_name(ch[i].alg);
		struct shm_engine_rt row;

		if (alg <= 0)
			continue; /* a name the library does not map back: cannot happen */
		memset(&row, 0, sizeof(row));
		row.h.in_use = 1;
		row.integ = ch[i].integ;
		row.alg = (uint8_t)alg;
		row.engine = ch[i].engine;
		row.arch = ch[i].arch;
		row.pinned = ch[i].pinned;
		memcpy(row.ns_per_pkt, ch[i].ns_per_pkt, sizeof(row.ns_per_pkt));
		row.ns_ossl = ch[i].ns_ossl;
		row.ns_native = ch[i].ns_native;
		shm_rec_write(shm_rec(r, SHM_T_ENGINE_RT, dp_engines_row(ch[i].integ, (unsigned)alg)), &row,
			      sizeof(row));
	}
	dp_engines_published = 1;
}

/* Why the library refused a selection, for the log. */
static void dp_engines_why(int rc, int engine, int arch, char *buf, size_t len)
{
	if (rc == -ENOTSUP && engine == ESP_ENGINE_OSSL)
		snprintf(buf, len, "OpenSSL does not implement them here");
	else if (rc == -ENOTSUP && engine == ESP_ENGINE_NATIVE)
		snprintf(buf, len, "the native engine has AES-GCM only, on CPUs with VAES and VPCLMULQDQ");
	else if (rc == -ENOTSUP && arch != ESP_ARCH_AUTO)
		snprintf(buf, len, "this CPU has no %s code path for intel-ipsec-mb", esp_arch_name(arch));
	else if (rc == -ENOTSUP)
		snprintf(buf, len, "intel-ipsec-mb is not usable on this CPU");
	else if (engine < 0 || arch < 0)
		snprintf(buf, len, "not a valid selection in the region");
	else
		snprintf(buf, len, "refused by the engine library (error %d; esp_engine_init not run?)", rc);
}

/* Refused selections of one apply, grouped by (request, error) so that
 * `set crypto handler all ...` gives one line. */
struct dp_engines_refusal {
	uint8_t want_e, want_a;
	int rc;
	char algs[256];
};

static void dp_engines_refuse(struct dp_engines_refusal *rf, unsigned *nrf, uint8_t want_e, uint8_t want_a,
			      int rc, const char *alg)
{
	struct dp_engines_refusal *g = NULL;
	size_t off;

	for (unsigned i = 0; i < *nrf && !g; i++)
		if (rf[i].want_e == want_e && rf[i].want_a == want_a && rf[i].rc == rc)
			g = &rf[i];
	if (!g) {
		g = &rf[(*nrf)++];
		g->want_e = want_e;
		g->want_a = want_a;
		g->rc = rc;
		g->algs[0] = '\0';
	}
	off = strlen(g->algs);
	snprintf(g->algs + off, sizeof(g->algs) - off, "%s%s", off ? " " : "", alg);
}

/* Region value (0 automatic, 1 + id) to the library's, or -1 if invalid. */
static int dp_engines_decode(uint8_t v, int n, int automatic)
{
	return v == 0 ? automatic : v <= n ? v - 1 : -1;
}

int dp_engines_apply(struct shm_region *r)
{
	struct dp_engines_refusal rf[SHM_ENGINE_ROWS];
	struct shm_global g;
	unsigned nrf = 0;
	int changed = 0, err = 0;

	if (!shm_rec_read(shm_rec(r, SHM_T_GLOBAL, 0), &g, sizeof(g)))
		memset(&g, 0, sizeof(g)); /* nothing configured yet: all automatic */
	for (int integ = 0; integ < 2; integ++) {
		unsigned na = integ ? SHM_INTEG_N : SHM_CRYPTO_N;

		for (unsigned a = 1; a < na; a++) {
			unsigned row = dp_engines_row(integ, a);
			uint8_t we = integ ? g.integ_engine[a] : g.crypto_engine[a];
			uint8_t wa = integ ? g.integ_arch[a] : g.crypto_arch[a];
			int engine = dp_engines_decode(we, ESP_ENGINE_N, ESP_ENGINE_AUTO);
			int arch = dp_engines_decode(wa, ESP_ARCH_N, ESP_ARCH_AUTO);
			int rc;

			if (we == dp_engines_seen[row].engine && wa == dp_engines_seen[row].arch)
				continue;
			dp_engines_seen[row].engine = we;
			dp_engines_seen[row].arch = wa;
			rc = engine < 0 || arch < 0 ? -EINVAL : esp_engine_select(integ, a, engine, arch);
			if (rc == 0) {
				changed = 1;
				continue;
			}
			err = rc;
			dp_engines_refuse(rf, &nrf, we, wa, rc,
					  integ ? esp_alg_integ(a)->name : esp_alg_crypto(a)->name);
		}
	}
	for (unsigned i = 0; i < nrf; i++) {
		int engine = dp_engines_decode(rf[i].want_e, ESP_ENGINE_N, ESP_ENGINE_AUTO);
		int arch = dp_engines_decode(rf[i].want_a, ESP_ARCH_N, ESP_ARCH_AUTO);
		char what[64], why[96];

		if (engine < 0 || arch < 0)
			snprintf(what, sizeof(what), "engine %u path %u", rf[i].want_e, rf[i].want_a);
		else
			snprintf(what, sizeof(what), "%s%s%s",
				 engine == ESP_ENGINE_AUTO ? "auto" : esp_engine_name(engine),
				 arch == ESP_ARCH_AUTO ? "" : " ", arch == ESP_ARCH_AUTO ? "" : esp_arch_name(arch));
		dp_engines_why(rf[i].rc, engine, arch, why, sizeof(why));
		gw_err("set crypto handler: %s not applied to %s: %s; left as before", what, rf[i].algs, why);
	}
	if (changed || !dp_engines_published)
		dp_engines_publish(r);
	return changed ? 1 : err;
}

/* show crypto engines: per ESP algorithm, the engine and code path new SAs
 * get, whether the operator pinned it, and what the dataplane measured. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "show.h"

#define W(x) IPSECGW__V1__DUMP__WHAT__##x
#define ENG(x) IPSECGW__V1__CRYPTO_ENGINE__ENGINE_##x

static const char *show_crypto_alg(const Ipsecgw__V1__CryptoEngineDetails *x)
{
	const char *n = x->has_integ_alg ? names_str(names_integ, (int)x->integ_alg)
					 : names_str(names_crypto, (int)x->crypto_alg);
	return n ? n : "?";
}

static const char *show_crypto_name(const struct name_map *t, int v)
{
	const char *n = names_str(t, v);
	return n ? n : "?";
}

/* "ipsec-mb avx512", "openssl", "native", "auto": what the operator asked for. */
static const char *show_crypto_requested(const Ipsecgw__V1__CryptoEngineDetails *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", show_crypto_name(names_engine, (int)x->requested_engine),
		 x->has_requested_arch ? " " : "",
		 x->has_requested_arch ? show_crypto_name(names_arch, (int)x->requested_arch) : "");
	return buf;
}

/* The selection column: auto or pinned, and a request the dataplane has
 * not (or not yet) applied. */
static const char *show_crypto_selection(const Ipsecgw__V1__CryptoEngineDetails *x, char *buf, size_t len)
{
	bool want = x->requested_engine != ENG(AUTO), pinned = x->has_pinned && x->pinned;
	char req[40];

	if (!want && !pinned)
		snprintf(buf, len, "auto");
	else if (want && pinned && x->has_engine && x->engine == x->requested_engine &&
		 (!x->has_requested_arch || (x->has_arch && x->arch == x->requested_arch)))
		snprintf(buf, len, "pinned");
	else if (want)
		snprintf(buf, len, "%s requested, not applied (see the dataplane's log)",
			 show_crypto_requested(x, req, sizeof(req)));
	else
		snprintf(buf, len, "auto requested, not applied yet");
	return buf;
}

static const char *show_crypto_ns(protobuf_c_boolean has, uint32_t ns, char *buf, size_t len)
{
	if (has)
		snprintf(buf, len, "%u", ns);
	else
		snprintf(buf, len, "-");
	return buf;
}

void show_crypto_engines(FILE *f, const struct show_data *d)
{
	struct cli_show all = { .view = CLI_VIEW_CRYPTO_ENGINES };
	size_t n, published = 0, pins = 0;
	void **rows = show_items(&all, d, W(CRYPTO_ENGINES), &n);
	char sel[96], req[40], a[16], b[16], c[16], o[16], nat[16];

	for (size_t i = 0; i < n; i++)
		published += ((const Ipsecgw__V1__CryptoEngineDetails *)rows[i])->published;
	if (published == 0) {
		fprintf(f, "ipsecgw-dataplane has not reported its crypto engines yet (is it running?).\n");
		for (size_t i = 0; i < n; i++) {
			const Ipsecgw__V1__CryptoEngineDetails *x = rows[i];
			if (x->requested_engine == ENG(AUTO))
				continue;
			if (pins++ == 0)
				fprintf(f, "Selected with 'set crypto handler':\n");
			fprintf(f, "  %-12s %s\n", show_crypto_alg(x), show_crypto_requested(x, req, sizeof(req)));
		}
		fprintf(f, pins ? "Every other algorithm: auto.\n" : "Every algorithm: auto.\n");
		free(rows);
		return;
	}
	fprintf(f, "%-12s %-9s %-6s %7s %7s %7s %7s %7s  %s\n", "algorithm", "engine", "path", "sse", "avx2",
		"avx512", "openssl", "native", "selection");
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__CryptoEngineDetails *x = rows[i];
		bool imb = x->has_engine && x->engine == ENG(IPSEC_MB);

		if (!x->published) {
			fprintf(f, "%-12s %-9s %-6s %7s %7s %7s %7s %7s  %s\n", show_crypto_alg(x), "?", "?", "?", "?",
				"?", "?", "?", show_crypto_selection(x, sel, sizeof(sel)));
			continue;
		}
		fprintf(f, "%-12s %-9s %-6s %7s %7s %7s %7s %7s  %s\n", show_crypto_alg(x),
			x->has_engine ? show_crypto_name(names_engine, (int)x->engine) : "?",
			imb && x->has_arch ? show_crypto_name(names_arch, (int)x->arch) : "-",
			show_crypto_ns(x->has_ns_sse, x->ns_sse, a, sizeof(a)),
			show_crypto_ns(x->has_ns_avx2, x->ns_avx2, b, sizeof(b)),
			show_crypto_ns(x->has_ns_avx512, x->ns_avx512, c, sizeof(c)),
			show_crypto_ns(x->has_ns_openssl, x->ns_openssl, o, sizeof(o)),
			show_crypto_ns(x->has_ns_native, x->ns_native, nat, sizeof(nat)),
			show_crypto_selection(x, sel, sizeof(sel)));
	}
	fprintf(f, "(ns per IMIX packet, each algorithm alone, as the dataplane measured them at its start;\n"
		   " - = not available on this CPU or for this algorithm)\n");
	free(rows);
}

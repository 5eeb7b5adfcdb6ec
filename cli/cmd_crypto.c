/* set crypto handler: the crypto engine (and intel-ipsec-mb code path) per
 * ESP algorithm, as VPP's command of that name. */
#include <string.h>

#include "cmd.h"
#include "names.h"
#include "req.h"
#include "value.h"

int cmd_crypto_handler(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	static const char *const archs[] = { "sse", "avx2", "avx512" };
	static const char *const engines[] = { "ipsec-mb", "openssl", "native" };
	const char *engine = "auto";
	Ipsecgw__V1__CryptoHandlerSet *b;
	int alg, e, arch = 0;

	for (int i = 0; i < 3; i++)
		if (cmd_has(m, engines[i]))
			engine = engines[i];
	for (int i = 0; i < 3; i++)
		if (cmd_has(m, archs[i]))
			arch = i + 1;
	if (arch && strcmp(engine, "ipsec-mb") != 0)
		return cmd_error(m, err, errlen, "code path '%s' is for engine ipsec-mb, not %s", archs[arch - 1],
				 engine);
	b = req_body(out, IPSECGW__V1__ENVELOPE__BODY_CRYPTO_HANDLER, &ipsecgw__v1__crypto_handler_set__descriptor);
	if (!b)
		return -1;
	value_enum(VT_ENG_ALG, cmd_get(m, "alg"), &alg);
	if (alg == NAMES_ALG_ALL) {
		b->has_all = b->all = 1;
	} else if (alg & NAMES_ALG_INTEG) {
		b->has_integ_alg = 1;
		b->integ_alg = (Ipsecgw__V1__IntegAlg)(alg & ~NAMES_ALG_INTEG);
	} else {
		b->has_crypto_alg = 1;
		b->crypto_alg = (Ipsecgw__V1__CryptoAlg)alg;
	}
	names_lookup(names_engine, engine, &e);
	b->engine = (Ipsecgw__V1__CryptoEngine)e;
	if (arch) {
		b->has_arch = 1;
		b->arch = (Ipsecgw__V1__CryptoArch)arch;
	}
	return 0;
}

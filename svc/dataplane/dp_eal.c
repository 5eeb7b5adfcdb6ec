/* EAL arguments and start-up; see dp_eal.h. */
#include "dp_eal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

static int has_opt(char **argv, int argc, const char *opt)
{
	size_t n = strlen(opt);

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], opt, n) == 0 && (argv[i][n] == 0 || argv[i][n] == '='))
			return 1;
	return 0;
}

int dp_eal_args(const char *prog, const char *eal, const char *instance, char *buf, size_t buflen,
		char **argv, int max)
{
	size_t used = 0;
	int argc = 0;
	char *tok, *save = NULL;

#define PUT(s) do { \
		size_t l_ = strlen(s) + 1; \
		if (argc >= max - 1 || used + l_ > buflen) return -E2BIG; \
		memcpy(buf + used, s, l_); argv[argc++] = buf + used; used += l_; \
	} while (0)
	PUT(prog);
	{
		char *copy = strdup(eal ? eal : "");
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			size_t l = strlen(tok) + 1;
			if (argc >= max - 1 || used + l > buflen) {
				free(copy);
				return -E2BIG;
			}
			memcpy(buf + used, tok, l);
			argv[argc++] = buf + used;
			used += l;
		}
		free(copy);
	}
	if (!has_opt(argv, argc, "--file-prefix")) {
		char p[64];
		snprintf(p, sizeof(p), "--file-prefix=ipsecgw-%s", instance);
		PUT(p);
	}
	if (!has_opt(argv, argc, "--proc-type"))
		PUT("--proc-type=primary");
	/* DPDK's default hint (4 GiB) lies in AddressSanitizer's shadow gap, so
	 * a sanitized primary let mmap place its memory among the shared
	 * libraries, where a secondary's own libraries may already sit
	 * ("Cannot reserve ... at requested address"). A fixed address above
	 * the shadow (32 TiB) is free in every process. */
	if (!has_opt(argv, argc, "--base-virtaddr"))
		PUT("--base-virtaddr=" DP_EAL_BASE_VIRTADDR);
#undef PUT
	argv[argc] = NULL;
	return argc;
}

int dp_eal_init(const char *eal, const char *instance, char *err, size_t errlen)
{
	static char buf[4096];
	static char *argv[DP_EAL_MAX_ARGS];
	int argc = dp_eal_args("ipsecgw-dataplane", eal, instance, buf, sizeof(buf), argv, DP_EAL_MAX_ARGS);

	if (argc < 0) {
		snprintf(err, errlen, "--eal: too many arguments");
		return argc;
	}
	/* rte_eal_init may permute argv; the strings stay in buf. */
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(err, errlen, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

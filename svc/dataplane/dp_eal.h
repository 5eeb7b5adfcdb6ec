/*
 * EAL start-up from the dataplane's --eal string. The dataplane is always
 * a primary process with multi-process enabled and the file prefix
 * ipsecgw-INSTANCE (what the systemd unit and secondaries such as
 * `dpdk-proc-info --file-prefix ipsecgw-INSTANCE` expect) and its memory
 * at DP_EAL_BASE_VIRTADDR, unless the string names its own. Error convention: 0 or -errno with a reason.
 */
#ifndef IPSECGW_DATAPLANE_DP_EAL_H
#define IPSECGW_DATAPLANE_DP_EAL_H

#include <stddef.h>

#define DP_EAL_MAX_ARGS 64
#define DP_EAL_BASE_VIRTADDR "0x200000000000"

/* Split `eal` on blanks into argv (argv[0] = prog), adding the defaults.
 * The strings live in buf (at least strlen(eal) + 256 bytes). Returns argc
 * or -E2BIG. */
int dp_eal_args(const char *prog, const char *eal, const char *instance, char *buf, size_t buflen,
		char **argv, int max);
/* rte_eal_init with those arguments. */
int dp_eal_init(const char *eal, const char *instance, char *err, size_t errlen);

#endif

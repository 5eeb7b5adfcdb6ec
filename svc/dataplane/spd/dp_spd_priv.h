/* Private to the SPD module: one classifier and its rte_acl side. */
#ifndef IPSECGW_DP_SPD_PRIV_H
#define IPSECGW_DP_SPD_PRIV_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_spd.h"
#include "dp_spd_idx.h"

struct rte_acl_ctx;

/* A policy a classifier was built from: its record index and a copy of the
 * record, compared by the next build to decide whether it can be shared. */
struct dp_spd_pol {
	uint32_t idx;
	struct shm_policy p;
};

#define DP_SPD_ACL_MAX 8         /* rte_acl contexts of one classifier at most */

/* The classifier of one (SPD, direction, family). Immutable once built but
 * for the reference count (sets that share it). */
struct dp_spd_cls {
	struct rte_acl_ctx *acl[DP_SPD_ACL_MAX]; /* [nacl]; none: no policy can match */
	uint32_t nacl;
	struct dp_spd_idx idx[2];       /* address intervals: [0] local, [1] remote */
	const struct dp_spd_result *res; /* [n + 1]: [0] no match, [r + 1] the policy of rank r */
	uint32_t n;                     /* policies */
	uint32_t nrules;                /* rte_acl rules */
	uint8_t af;                     /* SHM_AF_* */
	uint8_t dir;                    /* enum shm_dir */
	uint8_t pad[2];
	_Atomic uint32_t ref;
	struct dp_spd_pol *pol;         /* [n] in record order */
};

/* Build the address indexes, rte_acl contexts and result table of c from
 * c->pol (n policies of one family and direction). 0 or -errno with a
 * message in err (and nothing left allocated). */
int dp_spd_acl_build(struct dp_spd_cls *c, char *err, size_t errlen);
/* Free what dp_spd_acl_build made. */
void dp_spd_acl_free(struct dp_spd_cls *c);

#endif

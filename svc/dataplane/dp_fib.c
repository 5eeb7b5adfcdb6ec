/* FIB construction and reference counting; see dp_fib.h. */
#include "dp_fib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include "dp_fwd.h"
#include "log.h"

#define DP_FIB4_TBL8 (1u << 14)
#define DP_FIB6_TBL8 ((1u << 15) - 1) /* the 2-byte next hop bounds it */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 1099511628211ull;
	return h;
}

uint64_t dp_fib_fingerprint(uint8_t af, const struct dp_fib_route *r, uint32_t n)
{
	uint64_t h = fnv(1469598103934665603ull, &af, 1);

	for (uint32_t i = 0; i < n; i++) {
		h = fnv(h, r[i].prefix, sizeof(r[i].prefix));
		h = fnv(h, &r[i].plen, 1);
		h = fnv(h, &r[i].nh, sizeof(r[i].nh));
	}
	return fnv(h, &n, sizeof(n));
}

static uint32_t fib_seq;

struct dp_fib *dp_fib_build(uint8_t af, const struct dp_fib_route *r, uint32_t n, uint64_t fp,
			    char *err, size_t errlen)
{
	struct dp_fib *f = calloc(1, sizeof(*f));
	char name[32];

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->af = af;
	f->fp = fp;
	f->refs = 1;
	snprintf(name, sizeof(name), "dp_fib%u_%u", af, fib_seq++);
	if (af == SHM_AF_INET) {
		struct rte_fib_conf c = {
			.type = RTE_FIB_DIR24_8,
			.default_nh = DP_NH_ID_NONE,
			.max_routes = (int)(n + 16),
			.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_2B, .num_tbl8 = DP_FIB4_TBL8 },
		};
		if (!(f->fib4 = rte_fib_create(name, (int)rte_socket_id(), &c))) {
			snprintf(err, errlen, "rte_fib_create: %s", rte_strerror(rte_errno));
			free(f);
			return NULL;
		}
	} else {
		struct rte_fib6_conf c = {
			.type = RTE_FIB6_TRIE,
			.default_nh = DP_NH_ID_NONE,
			.max_routes = (int)(n + 16),
			.trie = { .nh_sz = RTE_FIB6_TRIE_2B, .num_tbl8 = DP_FIB6_TBL8 },
		};
		if (!(f->fib6 = rte_fib6_create(name, (int)rte_socket_id(), &c))) {
			snprintf(err, errlen, "rte_fib6_create: %s", rte_strerror(rte_errno));
			free(f);
			return NULL;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		int rc;
		if (af == SHM_AF_INET) {
			uint32_t p;
			memcpy(&p, r[i].prefix, 4);
			rc = rte_fib_add(f->fib4, __builtin_bswap32(p), r[i].plen, r[i].nh);
		} else {
			rc = rte_fib6_add(f->fib6, r[i].prefix, r[i].plen, r[i].nh);
		}
		if (rc < 0)
			f->n_failed++;
		else
			f->n_routes++;
	}
	if (f->n_failed)
		gw_warn("fib ipv%u: %u of %u routes did not fit", af, f->n_failed, n);
	return f;
}

void dp_fib_ref(struct dp_fib *f)
{
	if (f)
		f->refs++;
}

void dp_fib_unref(struct dp_fib *f)
{
	if (!f || --f->refs)
		return;
	if (f->fib4)
		rte_fib_free(f->fib4);
	if (f->fib6)
		rte_fib6_free(f->fib6);
	free(f);
}

uint32_t dp_fib_lookup4(const struct dp_fib *f, uint32_t dst4)
{
	uint64_t nh = DP_NH_ID_NONE;

	rte_fib_lookup_bulk(f->fib4, &dst4, &nh, 1);
	return (uint32_t)nh;
}

uint32_t dp_fib_lookup6(const struct dp_fib *f, const uint8_t dst6[16])
{
	uint8_t ip[1][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh = DP_NH_ID_NONE;

	memcpy(ip[0], dst6, 16);
	rte_fib6_lookup_bulk(f->fib6, ip, &nh, 1);
	return (uint32_t)nh;
}

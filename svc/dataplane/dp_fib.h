/*
 * FIBs: rte_fib (DIR-24-8) for IPv4 and rte_fib6 (trie) for IPv6, built
 * whole from a route list and never modified after, so workers read them
 * without any synchronisation beyond the snapshot's RCU. A fingerprint of
 * the route list lets the snapshot builder reuse an unchanged FIB.
 *
 * Ownership: dp_fib_build returns a FIB with one reference; each snapshot
 * that points at it holds one (dp_fib_ref / dp_fib_unref; unref NULL ok).
 */
#ifndef IPSECGW_DATAPLANE_DP_FIB_H
#define IPSECGW_DATAPLANE_DP_FIB_H

#include <stddef.h>
#include <stdint.h>

#include <rte_fib.h>
#include <rte_fib6.h>

struct dp_fib {
	struct rte_fib *fib4;
	struct rte_fib6 *fib6;
	uint64_t fp;
	uint32_t refs;
	uint8_t af;
	uint32_t n_routes;
	uint32_t n_failed;      /* routes the table had no room for */
};

struct dp_fib_route {
	uint8_t prefix[16];     /* network order, masked */
	uint8_t plen;
	uint32_t nh;            /* next-hop id (dp_fwd.h) */
};

/* Routes are added in order: for an identical prefix the later one wins. */
uint64_t dp_fib_fingerprint(uint8_t af, const struct dp_fib_route *r, uint32_t n);
struct dp_fib *dp_fib_build(uint8_t af, const struct dp_fib_route *r, uint32_t n, uint64_t fp,
			    char *err, size_t errlen);
void dp_fib_ref(struct dp_fib *f);
void dp_fib_unref(struct dp_fib *f);

/* One lookup, for the control thread and locally originated packets.
 * dst4 host order. */
uint32_t dp_fib_lookup4(const struct dp_fib *f, uint32_t dst4);
uint32_t dp_fib_lookup6(const struct dp_fib *f, const uint8_t dst6[16]);

#endif

/*
 * The forwarding snapshot: everything a worker reads to forward a packet,
 * built by the control thread from the shared region (and the neighbor
 * table), published with one atomic pointer store and reclaimed after an
 * RCU grace period (rte_rcu_qsbr). Workers never see it change: a
 * configuration change builds a new snapshot while the old one keeps
 * forwarding.
 *
 * Next-hop ids are a pure function of region record indices, so a FIB
 * (rte_fib / rte_fib6, which map a prefix to a next-hop id) built for one
 * snapshot stays valid for the next one as long as the prefixes it was
 * built from did not change; the builder then reuses it (refcounted) and
 * only rebuilds the small next-hop array.
 *
 * Ownership: a snapshot owns its arrays and one reference on each FIB.
 */
#ifndef IPSECGW_DATAPLANE_DP_FWD_H
#define IPSECGW_DATAPLANE_DP_FWD_H

#include <stdint.h>

#include <rte_build_config.h>

#include "region.h"

#define DP_NO_PORT UINT16_MAX
#define DP_NO_IFC UINT16_MAX
#define DP_BURST 64
/* Counter block SHM_MAX_WORKERS - 1 belongs to the control thread. */
#define DP_MAX_WORKERS (SHM_MAX_WORKERS - 1)
#define DP_MAX_RXQ 64           /* (port, queue) pairs one worker polls */

/* Next-hop ids (the FIB's values). */
#define DP_NH_ID_NONE 0u
#define DP_NH_ID_ROUTE(r) (1u + (r))
#define DP_NH_ID_CONNECTED(a) (1u + SHM_MAX_ROUTE + (a))
#define DP_NH_ID_LOCAL(a) (1u + SHM_MAX_ROUTE + SHM_MAX_ADDR + (a))
#define DP_NH_N (1u + SHM_MAX_ROUTE + 2u * SHM_MAX_ADDR)

enum dp_nh_type {
	DP_NH_DROP = 0,         /* no route */
	DP_NH_LOCAL,            /* one of our addresses */
	DP_NH_VIA,              /* via a neighbor: resolved => eth[] is the rewrite */
	DP_NH_ATTACHED,         /* the destination itself is the neighbor on ifc */
	DP_NH_TUNNEL,           /* an IPsec tunnel interface: the ESP outbound hook */
	DP_NH_IFC_DOWN,         /* egress interface administratively down */
	DP_NH_BLACKHOLE,        /* a loopback's connected prefix: nothing behind it */
};

struct dp_nh {
	uint8_t eth[12];        /* VIA, resolved: destination MAC, source MAC */
	uint8_t type;           /* enum dp_nh_type */
	uint8_t resolved;
	uint16_t ifc;           /* egress interface; LOCAL: the address's interface */
	uint16_t port;          /* DPDK port of ifc, DP_NO_PORT none */
	uint16_t mtu;
	uint8_t af;
	uint8_t fast;           /* resolved VIA, no SPD on ifc: the forwarding fast path */
	uint8_t spd;            /* ifc has an SPD: outbound policy processing */
	uint8_t pad0;
	uint16_t fast_mtu;      /* fast ? mtu : 0, one compare for both on the fast path */
	uint16_t ipsec_mtu;     /* TUNNEL or spd ? mtu : 0: the fast path hands it to the ESP
				 * outbound hook (TUNNEL) or the outbound SPD */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct dp_nh) == 32, "dp_nh is half a cache line");

struct dp_ifc {
	uint8_t in_use;
	uint8_t kind;           /* enum shm_ifc_kind */
	uint8_t up;             /* admin state */
	uint8_t has4, has6;     /* a4 / a6 valid */
	uint8_t pad;
	uint16_t port;          /* DP_NO_PORT: none (loopback, tunnel, port not probed) */
	uint16_t mtu;
	uint16_t addr_ifc;      /* interface whose addresses it uses (itself or the unnumbered lender) */
	uint8_t mac[6];
	uint8_t a4[4];          /* primary IPv4 address of addr_ifc */
	uint8_t a6[16];         /* primary IPv6 address of addr_ifc */
	char name[SHM_NAME_MAX];
	int16_t spd;            /* SPD slot in esp->spd, -1 none */
	uint16_t pad2;
	uint32_t spd_id;
	uint32_t sa_out;        /* ipsecN: region index of its outbound SA, DP_ESP_NONE none */
};

struct dp_addr {
	uint16_t ifc;
	uint8_t af;
	uint8_t plen;
	uint8_t a[16];
};

struct dp_rxq {
	uint16_t port, queue, ifc;
};

/* Learned and static neighbors, as workers see them: open addressing,
 * linear probing, immutable once published. */
struct dp_nbr4 {
	uint32_t ip;            /* host order; 0 = empty slot */
	uint16_t ifc;
	uint8_t mac[6];
	uint32_t pad;
};
struct dp_nbr6 {
	uint8_t ip[16];
	uint16_t ifc;
	uint8_t mac[6];
	uint8_t used;
	uint8_t pad[7];
};
_Static_assert(sizeof(struct dp_nbr4) == 16 && sizeof(struct dp_nbr6) == 32, "dp_nbr");

struct dp_fib;                  /* dp_fib.h */
struct dp_esp;                  /* dp_esp.h */

struct dp_fwd {
	uint64_t gen;                   /* region generation it reflects */
	uint32_t nbr_mask4, nbr_mask6;
	struct dp_nbr4 *nbr4;
	struct dp_nbr6 *nbr6;
	struct dp_fib *fib4, *fib6;
	struct dp_esp *esp;             /* SAs, tunnels, SPDs (never NULL once published) */
	struct dp_nh *nh;               /* DP_NH_N entries */
	uint8_t (*nh_ip)[16];           /* VIA: the neighbor to resolve (cold) */
	struct dp_addr *addr;
	uint32_t n_addr;
	uint16_t port_ifc[RTE_MAX_ETHPORTS];    /* DP_NO_IFC: not ours */
	uint16_t nb_txq[RTE_MAX_ETHPORTS];
	struct rte_ring *txr[RTE_MAX_ETHPORTS]; /* handoff for workers >= nb_txq */
	uint32_t txr_mask;                      /* ports with a handoff ring */
	uint16_t n_rxq[DP_MAX_WORKERS];
	struct dp_rxq rxq[DP_MAX_WORKERS][DP_MAX_RXQ];
	struct dp_ifc ifc[SHM_MAX_IFC];
};

static inline uint32_t dp_nbr_hash4(uint32_t ip, uint16_t ifc)
{
	uint64_t h = ((uint64_t)ip << 16 | ifc) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static inline uint32_t dp_nbr_hash6(const uint8_t ip[16], uint16_t ifc)
{
	uint64_t a, b;

	__builtin_memcpy(&a, ip, 8);
	__builtin_memcpy(&b, ip + 8, 8);
	a = (a ^ (b * 0xc2b2ae3d27d4eb4full) ^ ifc) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(a >> 32);
}

static inline const struct dp_nbr4 *dp_nbr4_find(const struct dp_fwd *f, uint16_t ifc, uint32_t ip)
{
	for (uint32_t i = dp_nbr_hash4(ip, ifc) & f->nbr_mask4;; i = (i + 1) & f->nbr_mask4) {
		const struct dp_nbr4 *e = &f->nbr4[i];
		if (e->ip == ip && e->ifc == ifc)
			return e;
		if (e->ip == 0)
			return NULL;
	}
}

static inline const struct dp_nbr6 *dp_nbr6_find(const struct dp_fwd *f, uint16_t ifc, const uint8_t ip[16])
{
	for (uint32_t i = dp_nbr_hash6(ip, ifc) & f->nbr_mask6;; i = (i + 1) & f->nbr_mask6) {
		const struct dp_nbr6 *e = &f->nbr6[i];
		if (!e->used)
			return NULL;
		if (e->ifc == ifc && __builtin_memcmp(e->ip, ip, 16) == 0)
			return e;
	}
}

#endif

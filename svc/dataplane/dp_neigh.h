/*
 * The neighbor table (ARP and IPv6 ND), owned by the control thread:
 *  - static entries come from the region's neighbor table (config) and
 *    are never aged;
 *  - learned entries come from ARP/ND, are written through to the region's
 *    learned-neighbor table (SHM_T_LNEIGH, so `show ip neighbors` sees them
 *    and a restarted dataplane finds them), and expire neigh_age_s after
 *    their last confirmation;
 *  - incomplete entries hold up to DP_NBR_QLEN packets waiting for the
 *    answer to a request, retried DP_NBR_TRIES times a second apart, then
 *    dropped (NEIGH_UNRESOLVED).
 * Workers see resolved entries in the snapshot (dp_neigh_fill); a change
 * sets ctl->dirty so the next tick publishes a new snapshot, and packets
 * that raced with it come back as RESOLVE punts and are sent from here.
 *
 * Error convention: constructors return a pointer or NULL; others 0 or
 * -errno. Ownership: dp_neigh_resolve adopts the mbuf.
 */
#ifndef IPSECGW_DATAPLANE_DP_NEIGH_H
#define IPSECGW_DATAPLANE_DP_NEIGH_H

#include <stdint.h>

#include "dp_ctl.h"

struct rte_mbuf;

#define DP_NBR_QLEN 16
#define DP_NBR_TRIES 3

struct dp_neigh *dp_neigh_new(void);
void dp_neigh_free(struct dp_neigh *nb);

/* At start: learned entries a previous run left in the region. */
void dp_neigh_load(struct dp_ctl *c);
/* With a snapshot being built (f->ifc valid): static entries from the
 * region, entries of interfaces that no longer exist removed. */
void dp_neigh_sync(struct dp_ctl *c, const struct dp_fwd *f);
/* The workers' view: allocates and fills f->nbr4 / f->nbr6. */
int dp_neigh_fill(struct dp_ctl *c, struct dp_fwd *f);
/* The MAC of a resolved neighbor, or NULL. */
const uint8_t *dp_neigh_mac(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip);
/* A neighbor told us its MAC (ARP, NS source / NA target option). Without
 * `create` only an existing entry is updated. Static entries win. */
void dp_neigh_learn(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip, const uint8_t mac[6],
		    int create);
/* A packet (TTL already decremented, Ethernet header to write) for a
 * neighbor not resolved in the worker's snapshot. */
void dp_neigh_resolve(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip, struct rte_mbuf *m);
/* Once a second or so: retries, give-ups, aging. */
void dp_neigh_tick(struct dp_ctl *c);

/* dp_arp.c / dp_nd.c: send a request for ip on ifc. */
void dp_arp_request(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, const uint8_t ip[4]);
void dp_nd_solicit(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, const uint8_t ip[16]);
/* Punted ARP / ND frames (data at the Ethernet header). Adopt m. */
void dp_arp_input(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, struct rte_mbuf *m);
void dp_nd_input(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, struct rte_mbuf *m);

/* Shared by the control modules: 1 if ip is one of the addresses of
 * interface addr_ifc (a dp_ifc.addr_ifc). */
int dp_ctl_is_local(const struct dp_fwd *f, uint16_t addr_ifc, uint8_t af, const uint8_t *ip);
/* A source address on ifc for talking to ip (same prefix preferred);
 * 0 found, -ENOENT none. */
int dp_ctl_src_addr(const struct dp_fwd *f, uint16_t ifc, uint8_t af, const uint8_t *ip, uint8_t *out);
/* Count a drop decided by the control thread (ifc DP_NO_IFC: reason only). */
void dp_ctl_count_drop(struct dp_ctl *c, uint16_t ifc, enum shm_drop d);

#endif

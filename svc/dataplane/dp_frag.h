/*
 * IP fragmentation and reassembly on the packet path (dp_frag.c).
 *
 * Fragmentation (RFC 791 §2.3/§3.2, RFC 8200 §4.5): a packet larger than
 * the egress MTU becomes fragments, each a new single-segment mbuf from
 * the dataplane's mbuf pool (per-lcore cache, no other allocation); the
 * original is freed. IPv4: forwarded and locally built packets without DF,
 * and inner packets before ESP (RFC 4301 §8.1 pre-fragmentation); IPv6:
 * only packets the gateway itself sends (a router never fragments IPv6).
 *
 * Reassembly: only of fragments addressed to the gateway (IKE messages
 * larger than the path MTU, ESP fragmented in transit — RFC 4303 §3.4.1 —
 * and echo requests). Each worker owns a bounded table (DP_REASS_FLOWS
 * datagrams of at most DP_REASS_FRAGS fragments and DP_REASS_MAX bytes)
 * and a preallocated pool of DP_REASS_BUFS buffers the whole packets are
 * copied into; a datagram not complete after DP_REASS_TIMEOUT_MS is
 * dropped. Fragments held by the table are neither transmitted nor dropped
 * yet; every way a datagram can fail is a counted drop of each of its
 * fragments (REASS_TIMEOUT, REASS_OVERLAP — overlaps and inconsistent ends
 * drop the whole datagram as RFC 5722 asks for IPv6 —, REASS_TOO_MANY,
 * REASS_TOO_BIG, REASS_TABLE_FULL, LOCAL_FRAGMENT for a malformed one,
 * NO_BUFFER when no reassembly buffer is free).
 *
 * Ownership: every function adopts the mbuf it is given.
 */
#ifndef IPSECGW_DATAPLANE_DP_FRAG_H
#define IPSECGW_DATAPLANE_DP_FRAG_H

#include <stdint.h>

#include "dp_classify.h"
#include "dp_worker.h"

#define DP_FRAG_MAX 48          /* fragments one packet may become */
#define DP_REASS_FLOWS 32       /* datagrams being reassembled per worker */
#define DP_REASS_FRAGS 16       /* fragments per datagram */
#define DP_REASS_MAX 16384      /* bytes of a reassembled IP packet */
#define DP_REASS_BUFS 63        /* reassembly buffers per worker */
#define DP_REASS_TIMEOUT_MS 3000

struct dp_frag_table;

/* Control thread: a worker's table and buffer pool; NULL on failure. */
struct dp_frag_table *dp_frag_table_new(unsigned worker, uint64_t tsc_hz);
/* Frees held fragments too; accepts NULL. Workers stopped. */
void dp_frag_table_free(struct dp_frag_table *r);

/* Fragment m (IPv4 after the Ethernet gap, DF clear) into pieces of at
 * most mtu bytes, in out[] (DP_FRAG_MAX). Returns their number; 0: m was
 * dropped and counted on ifc (FRAG_NO_BUFFER, or MTU_EXCEEDED for an MTU
 * too small to carry 8 data bytes). */
uint16_t dp_frag_ip4(struct dp_worker *w, struct rte_mbuf *m, uint32_t mtu, uint16_t ifc, struct rte_mbuf **out);
/* The same for an IPv6 packet the gateway originates: a fragment header
 * after the fixed header, everything after it fragmentable (MTU_EXCEEDED
 * below the IPv6 minimum MTU of 1280). */
uint16_t dp_frag_ip6(struct dp_worker *w, struct rte_mbuf *m, uint32_t mtu, uint16_t ifc, struct rte_mbuf **out);

/* A fragment addressed to us (classified DP_LOC_FRAG, lm filled). Returns
 * the whole datagram once its last missing fragment arrived (a new mbuf,
 * the fragments freed), else NULL (held, or dropped and counted). */
struct rte_mbuf *dp_frag_reass4(struct dp_worker *w, uint16_t in_ifc, struct rte_mbuf *m);
struct rte_mbuf *dp_frag_reass6(struct dp_worker *w, uint16_t in_ifc, struct rte_mbuf *m, const struct dp_lmeta *lm);

/* Drop datagrams past their time (the worker loop calls it while any is
 * held: w->reass_held). */
void dp_frag_expire(struct dp_worker *w);

#endif

/*
 * The Security Policy Database classifier of the dataplane (docs/spd.md).
 *
 * A set (struct dp_spd_set) holds one classifier (DPDK rte_acl contexts over
 * address interval numbers, protocol and ports) per (SPD, direction, address
 * family) that has policies. It is built on the control
 * thread from the region's SPD and policy tables and is immutable afterwards,
 * so workers read it without locks; the dataplane publishes a new set with an
 * atomic pointer swap and frees the old one after an RCU grace period (a set
 * must not be freed while a worker may still classify against it).
 *
 * Semantics (those of VPP's SPD, RFC 4301 selectors):
 *  - Outbound: local = source address/port, remote = destination.
 *    Inbound: local = destination, remote = source.
 *  - Addresses are ranges (start..end inclusive, any range, not only
 *    prefixes). Ports are ranges; they are compared only for packets that
 *    carry them: protocol TCP, UDP or SCTP, the first fragment (IPv4 fragment
 *    offset 0, IPv6 no fragment header or offset 0) and the port bytes
 *    present. For every other packet the port ranges of a policy are ignored.
 *  - The protocol of an IPv6 packet is the header after the hop-by-hop,
 *    routing, fragment and destination-options extension headers.
 *  - Highest `priority` wins (int32, may be negative); equal priorities: the
 *    lower policy record index wins.
 *  - A policy whose address range is empty (start above end) matches
 *    nothing; one whose port range is empty matches no packet that carries
 *    ports.
 *  - No match: policy DP_SPD_NONE, action SHM_POL_DISCARD, sa_id 0.
 *
 * Error convention: constructors return a pointer or NULL with a message in
 * the caller's buffer; the burst function returns nothing and never fails.
 * Ownership: a set is owned by the caller of dp_spd_build (free it with
 * dp_spd_free); `prev` is borrowed; packets and result arrays are borrowed.
 * DPDK's EAL must be initialised (rte_acl allocates from its heap).
 */
#ifndef IPSECGW_DP_SPD_H
#define IPSECGW_DP_SPD_H

#include <stddef.h>
#include <stdint.h>

#include "region.h"

#define DP_SPD_NONE UINT32_MAX
#define DP_SPD_BURST_MAX 64     /* most packets one dp_spd_classify call takes */

struct dp_spd_result {
	uint32_t policy;        /* region SHM_T_POLICY record index, DP_SPD_NONE if no match */
	uint32_t sa_id;         /* the policy's sa_id (protect) */
	uint8_t action;         /* enum shm_policy_action */
	uint8_t pad[3];
};

struct dp_spd_set;              /* immutable once built: every SPD's classifiers */

/* Build from the region's SPD and policy tables (every record read with
 * shm_rec_read). prev (may be NULL, borrowed) is the set currently in use:
 * classifiers of an (spd, dir, af) whose policies did not change are shared
 * with it (refcounted), so adding one policy to one SPD rebuilds only that
 * SPD's classifier for that direction and family. Returns NULL with a message
 * in err on failure (the caller keeps the old set). Control thread only. */
struct dp_spd_set *dp_spd_build(const struct shm_region *r, const struct dp_spd_set *prev,
				char *err, size_t errlen);
/* Drops the set's references (a classifier is freed with its last set).
 * NULL ok. Never while a worker may still use the set. */
void dp_spd_free(struct dp_spd_set *s);

/* The slot of an SPD id in this set (what the dataplane stores per
 * interface), or -1. A slot is the SPD's region record index, so it stays
 * the same across sets for as long as the SPD exists. */
int dp_spd_slot(const struct dp_spd_set *s, uint32_t spd_id);

/* Classify n (<= DP_SPD_BURST_MAX) packets of one address family (af:
 * SHM_AF_INET or SHM_AF_INET6) against one SPD slot and direction. ip[i]
 * points at the IPv4 or IPv6 header, len[i] the bytes available from there
 * (a packet shorter than its fixed IP header gets DP_SPD_NONE). res[i] names
 * the matching policy or DP_SPD_NONE (also for an unknown slot). No
 * allocation, lock or log; worker threads. */
void dp_spd_classify(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af,
		     const uint8_t *const *ip, const uint32_t *len, uint16_t n,
		     struct dp_spd_result *res);

/* Number of policies of a slot/dir/af in this set (for tests and show). */
uint32_t dp_spd_count(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af);

/* ---- for tests, benchmarks and show ----------------------------------- */

/* What one dp_spd_build did. */
struct dp_spd_stats {
	uint32_t spds;          /* SPD records in use */
	uint32_t policies;      /* policy records in use, attached to an SPD */
	uint32_t classifiers;   /* (spd, dir, af) classifiers in the set */
	uint32_t built;         /* of which built by this dp_spd_build */
	uint32_t shared;        /* of which taken over from prev */
	uint32_t rules;         /* rte_acl rules in the classifiers built now */
	uint32_t contexts;      /* rte_acl contexts in the classifiers built now */
	uint64_t build_ns;      /* wall time of dp_spd_build */
};
void dp_spd_stats(const struct dp_spd_set *s, struct dp_spd_stats *st);

/* An identity of the classifier of slot/dir/af (NULL if it has no
 * policies): equal between two sets exactly when they share it. */
const void *dp_spd_classifier_id(const struct dp_spd_set *s, int slot, enum shm_dir dir,
				 uint8_t af);

/* rte_acl rules of the classifier of slot/dir/af (0 if none). */
uint32_t dp_spd_rules(const struct dp_spd_set *s, int slot, enum shm_dir dir, uint8_t af);

/* Tests only: an rte_acl context of more rules than this (0: no limit)
 * fails as when rte_acl runs out of tries, so the build splits it. */
extern uint32_t dp_spd_test_ctx_rules;

#endif

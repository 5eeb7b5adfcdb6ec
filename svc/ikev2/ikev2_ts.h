/*
 * Traffic selectors (ikev2_ts_*): from profiles, narrowing (RFC 7296 2.9),
 * and conversions. A selector here is one struct ike_ts: an address range of
 * one family, a port range and an IP protocol (0 = any).
 *
 * Responder rule: for each pair the peer proposes, the answer is the
 * intersection with the profile's selector (equal or narrower is accepted
 * as is; wider is narrowed to the profile); empty everywhere is
 * TS_UNACCEPTABLE. A profile without a selector accepts what is proposed.
 */
#ifndef IPSECGW_IKEV2_TS_H
#define IPSECGW_IKEV2_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_parse.h"
#include "region.h"

/* A profile selector; unset: everything of family af (4 or 6). */
void ikev2_ts_from_profile(const struct shm_ike_ts *p, uint8_t af, struct ike_ts *out);
/* A single-address selector (all ports, any protocol). */
void ikev2_ts_host(uint8_t af, const uint8_t *ip, struct ike_ts *out);
/* Intersection of a and b into out: 0, or -1 when empty. */
int ikev2_ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out);
/* Responder: narrow the peer's list against ours (profile selector, or
 * NULL = accept): the first non-empty intersection. 0 or -1. */
int ikev2_ts_narrow(const struct ike_ts_pl *offer, const struct ike_ts *mine, struct ike_ts *out);
/* Is a within b? */
bool ikev2_ts_within(const struct ike_ts *a, const struct ike_ts *b);
void ikev2_ts_to_pl(const struct ike_ts *t, struct ike_ts_pl *pl);
void ikev2_ts_to_shm(const struct ike_ts *t, struct shm_ike_ts *o);
void ikev2_ts_from_shm(const struct shm_ike_ts *o, struct ike_ts *t);
/* "192.0.2.0 - 192.0.2.255 port 0 - 65535 protocol 0" into buf; returns buf. */
const char *ikev2_ts_str(const struct ike_ts *t, char *buf, size_t len);

#endif

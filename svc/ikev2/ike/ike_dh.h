/*
 * Diffie-Hellman for IKEv2 KE payloads, through OpenSSL 3 (BN for MODP,
 * EC_POINT for ECP):
 *   MODP  1, 2 (RFC 2409), 5, 14-18 (RFC 3526): safe primes, g = 2
 *   MODP  22, 23, 24 (RFC 5114): prime-order subgroups of size q
 *   ECP   19, 20, 21 (RFC 5903), 25 (RFC 5114): NIST P-256/384/521/192
 * Public values and g^ir use the IKE encodings: MODP values big-endian,
 * left-padded to the prime's length; ECP public values x | y, g^ir the x
 * coordinate only (RFC 5903 section 7).
 *
 * Peer values are always validated (RFC 6989): MODP 1 < y < p-1 and, for
 * groups 22-24, y^q = 1 mod p; ECP coordinates below the field prime, point
 * on the curve and not at infinity.
 *
 * Ownership: struct ike_dh is opaque, owned by the caller of ike_dh_new*
 * and released by ike_dh_free (which wipes the private value). Errors:
 * constructors return NULL; other calls 0 / -EINVAL (bad or invalid peer
 * value) / -ENOTSUP (group) / -ENOMEM / -EIO.
 */
#ifndef IPSECGW_IKE_DH_H
#define IPSECGW_IKE_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

struct ike_dh;

#define IKE_DH_MAX_PUB 1024 /* MODP-8192 */

bool ike_dh_supported(uint16_t group);
/* Weak groups (1, 2, 5, 22, 25): usable when configured, never proposed by default. */
bool ike_dh_is_weak(uint16_t group);

/* A fresh key pair for group; NULL when unsupported or on failure. */
struct ike_dh *ike_dh_new(uint16_t group);

/*
 * A key pair from a known private value (big-endian): for known-answer
 * tests and cross-checks. MODP: 1 < x < p-1 (groups 22-24: 0 < x < q);
 * ECP: 0 < d < n. NULL when out of range.
 */
struct ike_dh *ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len);

void ike_dh_free(struct ike_dh *dh);

uint16_t ike_dh_group(const struct ike_dh *dh);

/* Our public value, BORROWED from dh: ike_wire_ke_len(group) octets. */
const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len);

/* Validate a peer public value for group (KE data as received). */
int ike_dh_check_peer(uint16_t group, const uint8_t *pub, size_t len);

/*
 * g^ir from our private value and the peer's public value (validated
 * first). out_len must be ike_wire_dh_secret_len(group). The caller wipes out.
 */
int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_len);

#endif

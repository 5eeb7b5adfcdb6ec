/*
 * IKEv2 pseudorandom functions: prf (HMAC-SHA1, HMAC-SHA2-256/384/512,
 * RFC 2104/4868) and prf+ (RFC 7296 section 2.13), through OpenSSL 3.
 * Inputs are given as lists of byte ranges that are concatenated, so key
 * material is never copied into scratch buffers by callers.
 *
 * Errors: 0, -ENOTSUP (PRF not supported), -EINVAL (bad arguments or an
 * output longer than prf+ can produce), -ENOMEM/-EIO (OpenSSL failure).
 * Nothing here logs.
 */
#ifndef IPSECGW_IKE_PRF_H
#define IPSECGW_IKE_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

#define IKE_PRF_MAX_LEN 64 /* HMAC-SHA2-512 */

/* Output length of the PRF (= its preferred key length for HMAC), 0 if unsupported. */
size_t ike_prf_len(uint16_t prf);

/* out (ike_prf_len octets) = prf(key, in[0] | in[1] | ... | in[n-1]) */
int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len, const struct ike_bytes *in,
	    size_t n, uint8_t *out);

/*
 * out (out_len octets) = first out_len octets of prf+(key, seed), where
 * seed = seed[0] | ... | seed[n-1] and
 *   prf+ (K,S) = T1 | T2 | T3 | ...
 *   T1 = prf (K, S | 0x01), Tk = prf (K, Tk-1 | S | k)
 * At most 255 * ike_prf_len(prf) octets.
 */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len, const struct ike_bytes *seed,
		 size_t n, uint8_t *out, size_t out_len);

#endif

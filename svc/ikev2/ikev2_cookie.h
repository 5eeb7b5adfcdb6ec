/*
 * Responder cookies (RFC 7296 section 2.6), ikev2_cookie_*: while the
 * half-open IKE SAs number cfg.cookie_threshold or more (0: always), an
 * IKE_SA_INIT request without a valid COOKIE notify is answered with one,
 * statelessly, and nothing is kept; only a request that echoes a valid
 * cookie creates an SA.
 *
 *   Cookie = <VersionIDofSecret> | prf(<secret>, Ni | IPi | SPIi)
 *
 * with prf HMAC-SHA2-256 and IPi the initiator's address (family octet and
 * address, no port). The secret is random, replaced once it is
 * cfg.cookie_secret_s old (checked whenever a cookie is made or checked);
 * cookies of the previous secret stay valid until cfg.cookie_grace_s after
 * that secret's replacement was due. Cookies are compared in constant time.
 *
 * Ownership: the secrets live in the engine and are wiped by fini.
 */
#ifndef IPSECGW_IKEV2_COOKIE_H
#define IPSECGW_IKEV2_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"
#include "ikev2_net.h"

struct ikev2_engine;

#define IKEV2_COOKIE_SECRET_LEN 32
#define IKEV2_COOKIE_LEN (1 + 32)       /* version octet | HMAC-SHA2-256 */

struct ikev2_cookie_secret {
	bool set;
	uint8_t ver;                    /* <VersionIDofSecret> */
	uint64_t born_ms;               /* engine clock */
	uint8_t key[IKEV2_COOKIE_SECRET_LEN];
};

struct ikev2_cookies {
	struct ikev2_cookie_secret cur, prev;
	uint64_t prev_until_ms;         /* cookies of prev are accepted before this */
	uint8_t next_ver;
};

/* Must an IKE_SA_INIT request carry a valid cookie now (half-open SAs,
 * counting requests whose Diffie-Hellman runs off the loop, at or above
 * the threshold)? */
bool ikev2_cookie_required(const struct ikev2_engine *e);
/* The cookie for a request with SPIi spi_i and nonce ni from address ip;
 * out: IKEV2_COOKIE_LEN octets. 0 or -errno. */
int ikev2_cookie_make(struct ikev2_engine *e, const uint8_t spi_i[8], const struct ikev2_addr *ip,
		      const struct ike_bytes *ni, uint8_t *out);
/* 0 if cookie is the one made for these values with the current secret
 * (or the previous one within its grace period), else -EBADMSG. */
int ikev2_cookie_check(struct ikev2_engine *e, const uint8_t spi_i[8], const struct ikev2_addr *ip,
		       const struct ike_bytes *ni, const uint8_t *cookie, size_t len);
/* Wipe the secrets. */
void ikev2_cookie_fini(struct ikev2_cookies *c);

#endif

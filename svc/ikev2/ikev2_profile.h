/*
 * IKEv2 profiles as the IKE daemon uses them (ikev2_profile_*): the
 * config service's records (struct shm_profile, region.h) read with the
 * seqlock, the shared key, identity matching. A profile copy holds the
 * shared key: whoever holds one wipes it (OPENSSL_cleanse) when done.
 */
#ifndef IPSECGW_IKEV2_PROFILE_H
#define IPSECGW_IKEV2_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "region.h"

struct ikev2_engine;

/* Copy of the profile called name: 0 or -ENOENT. */
int ikev2_profile_get(struct ikev2_engine *e, const char *name, struct shm_profile *out);
/* The shared key (auth_data) of a shared-key-mic profile, else NULL. len may be NULL. */
const uint8_t *ikev2_profile_psk(const struct shm_profile *p, size_t *len);
/* Does an identity match a profile's configured one (type 0: any)? FQDN and
 * RFC 822 names compare without regard to case. */
bool ikev2_profile_id_match(uint8_t cfg_type, const uint8_t *cfg, size_t cfg_len, uint8_t type,
			    const uint8_t *data, size_t len);

/* The region as a profile source (env.profile_next / env.profile_get; arg
 * is the struct shm_region). */
int ikev2_profile_region_next(void *region, uint32_t *cursor, struct shm_profile *out);
int ikev2_profile_region_get(void *region, const char *name, struct shm_profile *out);

#endif

/* Profiles: region access, shared keys, identities. */
#include "ikev2_profile.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "ike_wire.h"
#include "ikev2_core.h"

int ikev2_profile_get(struct ikev2_engine *e, const char *name, struct shm_profile *out)
{
	return e->env.profile_get(e->env.arg, name, out);
}

const uint8_t *ikev2_profile_psk(const struct shm_profile *p, size_t *len)
{
	if (p->auth_method != 2 /* SHARED_KEY_MIC */ || !p->auth_len || p->auth_len > SHM_IKE_DATA_MAX)
		return NULL;
	if (len)
		*len = p->auth_len;
	return p->auth_data;
}

bool ikev2_profile_id_match(uint8_t cfg_type, const uint8_t *cfg, size_t cfg_len, uint8_t type,
			    const uint8_t *data, size_t len)
{
	if (!cfg_type)
		return true;
	if (cfg_type != type || cfg_len != len)
		return false;
	if (type == IKE_ID_FQDN || type == IKE_ID_RFC822_ADDR)
		return strncasecmp((const char *)cfg, (const char *)data, len) == 0 &&
		       !memchr(data, 0, len);
	return memcmp(cfg, data, len) == 0;
}

int ikev2_profile_region_next(void *region, uint32_t *cursor, struct shm_profile *out)
{
	struct shm_region *r = region;

	while (*cursor < shm_capacity(r, SHM_T_PROFILE)) {
		const void *rec = shm_rec(r, SHM_T_PROFILE, (*cursor)++);
		if (shm_rec_read(rec, out, sizeof(*out)))
			return 1;
	}
	OPENSSL_cleanse(out, sizeof(*out));
	return 0;
}

int ikev2_profile_region_get(void *region, const char *name, struct shm_profile *out)
{
	uint32_t cur = 0;

	while (ikev2_profile_region_next(region, &cur, out) > 0)
		if (strncmp(out->name, name, sizeof(out->name)) == 0)
			return 0;
	return -ENOENT;
}

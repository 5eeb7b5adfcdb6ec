/* Diffie-Hellman jobs for a worker thread (see ikev2_dh.h). */
#include "ikev2_dh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_wire.h"

struct ikev2_dh_job *ikev2_dh_job_new(uint16_t group, const uint8_t *peer, size_t peer_len,
				      const struct ikev2_path *p, bool natt, const uint8_t *raw,
				      size_t raw_len)
{
	struct ikev2_dh_job *j;

	if (peer_len > IKE_DH_MAX_PUB || !raw_len)
		return NULL;
	if (!(j = calloc(1, sizeof(*j))))
		return NULL;
	if (!(j->raw = malloc(raw_len))) {
		free(j);
		return NULL;
	}
	j->group = group;
	j->peer_len = peer_len;
	memcpy(j->peer, peer, peer_len);
	j->path = *p;
	j->natt = natt;
	j->raw_len = raw_len;
	memcpy(j->raw, raw, raw_len);
	return j;
}

void ikev2_dh_job_run(struct ikev2_dh_job *j)
{
	size_t sl = ike_wire_dh_secret_len(j->group);

	j->done = true;
	if (!sl || sl > sizeof(j->gir)) {
		j->rc = -ENOTSUP;
		return;
	}
	if (!(j->dh = ike_dh_new(j->group))) {
		j->rc = -ENOMEM;
		return;
	}
	/* g^ir = (g^i)^r mod p (ECP: the x coordinate of r * g^i) */
	j->rc = ike_dh_shared(j->dh, j->peer, j->peer_len, j->gir, sl);
	j->gir_len = j->rc == 0 ? sl : 0;
}

void ikev2_dh_job_free(struct ikev2_dh_job *j)
{
	if (!j)
		return;
	ike_dh_free(j->dh);
	if (j->raw) {
		OPENSSL_cleanse(j->raw, j->raw_len);
		free(j->raw);
	}
	OPENSSL_cleanse(j, sizeof(*j));
	free(j);
}

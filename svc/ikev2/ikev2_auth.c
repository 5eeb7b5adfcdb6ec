/* AUTH values: shared key (method 2) and RSA signatures (methods 1 and 14). */
#include "ikev2_auth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_keys.h"
#include "ike_sig.h"
#include "ikev2_core.h"
#include "ikev2_cred.h"
#include "log.h"

uint8_t ikev2_auth_profile_method(const struct shm_profile *p)
{
	if (ikev2_profile_psk(p, NULL))
		return IKE_AUTH_SHARED_KEY_MIC;
	if (p->auth_method == 1 /* RSA_SIG */ && p->cert_file[0])
		return IKE_AUTH_RSA_SIG;
	return 0;
}

/* RealMessage and NonceData of one side: the signer's IKE_SA_INIT message
 * and the other side's nonce. */
static void signed_parts(const struct ikev2_sa *sa, bool ours, struct ike_bytes *real, struct ike_bytes *nonce)
{
	bool initiator_side = ours ? sa->initiator : !sa->initiator;

	if (initiator_side) {
		*real = (struct ike_bytes){ sa->init_req, sa->init_req_len };
		*nonce = (struct ike_bytes){ sa->nr, sa->nr_len };
	} else {
		*real = (struct ike_bytes){ sa->init_resp, sa->init_resp_len };
		*nonce = (struct ike_bytes){ sa->ni, sa->ni_len };
	}
}

/* SK_p of one side: SK_pi signs for the initiator, SK_pr for the responder. */
static const uint8_t *sk_p(const struct ikev2_sa *sa, bool ours)
{
	return (ours ? sa->initiator : !sa->initiator) ? sa->keys.sk_pi : sa->keys.sk_pr;
}

int ikev2_auth_make(struct ikev2_engine *e, const struct ikev2_sa *sa, const struct ike_bytes *id_body,
		    uint8_t *method, uint8_t **out, size_t *len)
{
	struct ike_bytes real, nonce;
	uint8_t maced[IKE_PRF_MAX_LEN];
	struct ike_sig_scheme s;
	EVP_PKEY *key = NULL;
	size_t cap;
	int rc;

	*out = NULL;
	*len = 0;
	signed_parts(sa, true, &real, &nonce);
	switch (ikev2_auth_profile_method(&sa->prof)) {
	case IKE_AUTH_SHARED_KEY_MIC: {
		size_t psk_len;
		const uint8_t *psk = ikev2_profile_psk(&sa->prof, &psk_len);
		if (!(*out = malloc(IKE_PRF_MAX_LEN)))
			return -ENOMEM;
		rc = ike_keys_psk_auth(sa->xf.prf, psk, psk_len, &real, &nonce, sk_p(sa, true), sa->keys.prf_len,
				       id_body, *out);
		*method = IKE_AUTH_SHARED_KEY_MIC;
		*len = sa->keys.prf_len;
		break;
	}
	case IKE_AUTH_RSA_SIG: {
		char n[64];
		if (!(key = ikev2_cred_local_key(e)))
			return -ENOKEY;
		ike_sig_choose(key, e->cfg.sig_rfc7427 ? sa->peer_sig_hashes : 0, e->cfg.sig_pss, &s);
		rc = -ENOMEM;
		cap = ike_sig_max_len(key);
		if (!(*out = malloc(cap)))
			break;
		/* signed octets = RealMessage | NonceData | prf(SK_p, IDx body) */
		if ((rc = ike_keys_maced_id(sa->xf.prf, sk_p(sa, true), sa->keys.prf_len, id_body, maced)) < 0)
			break;
		const struct ike_bytes octets[] = { real, nonce, { maced, sa->keys.prf_len } };
		if ((rc = ike_sig_sign(key, &s, octets, 3, *out, cap, len)) < 0) {
			gw_err("signing our AUTH with the local key failed: %s", strerror(-rc));
			break;
		}
		*method = s.method;
		gw_debug("our AUTH: %s", ike_sig_name(&s, n, sizeof(n)));
		break;
	}
	default:
		return -EINVAL;
	}
	OPENSSL_cleanse(maced, sizeof(maced));
	EVP_PKEY_free(key);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}

int ikev2_auth_verify(struct ikev2_engine *e, const struct ikev2_sa *sa, const struct shm_profile *p,
		      const struct ike_msg *m, const struct ike_id_pl *peer_id)
{
	struct ike_bytes real, nonce;
	uint8_t maced[IKE_PRF_MAX_LEN];
	struct ike_sig_scheme used;
	EVP_PKEY *pub;
	char n[64], sa_n[40];
	int rc;

	signed_parts(sa, false, &real, &nonce);
	switch (ikev2_auth_profile_method(p)) {
	case IKE_AUTH_SHARED_KEY_MIC: {
		size_t psk_len;
		const uint8_t *psk = ikev2_profile_psk(p, &psk_len);
		if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC)
			return -EBADMSG;
		return ike_keys_psk_verify(sa->xf.prf, psk, psk_len, &real, &nonce, sk_p(sa, false),
					   sa->keys.prf_len, &peer_id->body, m->auth.data.ptr, m->auth.data.len);
	}
	case IKE_AUTH_RSA_SIG:
		if (m->auth.method != IKE_AUTH_RSA_SIG && m->auth.method != IKE_AUTH_DIGITAL_SIG)
			return -EBADMSG;
		if (!(pub = ikev2_cred_peer_key(e, p)))
			return -ENOKEY;
		rc = ike_keys_maced_id(sa->xf.prf, sk_p(sa, false), sa->keys.prf_len, &peer_id->body, maced);
		if (rc == 0) {
			const struct ike_bytes octets[] = { real, nonce, { maced, sa->keys.prf_len } };
			rc = ike_sig_verify(pub, m->auth.method, m->auth.data.ptr, m->auth.data.len, octets, 3,
					    IKE_SIG_HASHES_OURS, &used);
		}
		if (rc == 0)
			gw_info("IKE SA %s: profile %s: the peer's AUTH verified: %s",
				ikev2_sa_name(sa, sa_n, sizeof(sa_n)), p->name, ike_sig_name(&used, n, sizeof(n)));
		else
			gw_debug("profile %s: the peer's signature (method %u) does not verify: %s", p->name,
				 m->auth.method, strerror(-rc));
		OPENSSL_cleanse(maced, sizeof(maced));
		EVP_PKEY_free(pub);
		return rc == 0 ? 0 : -EBADMSG;
	}
	return -EBADMSG;
}

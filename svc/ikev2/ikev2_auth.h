/*
 * AUTH payload values (RFC 7296 2.15, RFC 7427), ikev2_auth_*: ours and the
 * check of the peer's, by the profile's method.
 *
 *  - shared-key-mic: method 2, prf(prf(key, "Key Pad for IKEv2"), signed
 *    octets), compared in constant time (ike_keys.h).
 *  - rsa-sig: we sign the signed octets with the local key (ikev2_cred.h):
 *    method 14 (RFC 7427) when the peer announced SIGNATURE_HASH_ALGORITHMS
 *    with a hash of ours and cfg.sig_rfc7427, PKCS#1 v1.5 or, with
 *    cfg.sig_pss, RSASSA-PSS; method 1 (PKCS#1 v1.5, SHA-1) otherwise. The
 *    peer's method 1 or 14 signature is verified with the public key of the
 *    profile's certificate; method 14 only with a hash we announce.
 *
 * Signed octets (from the signer's side): RealMessage | NonceData |
 * prf(SK_p, ID payload body), i.e. the initiator's IKE_SA_INIT request, Nr,
 * SK_pi, IDi; the responder's IKE_SA_INIT response, Ni, SK_pr, IDr.
 *
 * Errors: 0; -EBADMSG (the peer's AUTH does not verify or its method does
 * not fit the profile); -ENOKEY (a credential is unusable: logged and
 * counted by ikev2_cred); -EINVAL/-ENOMEM.
 */
#ifndef IPSECGW_IKEV2_AUTH_H
#define IPSECGW_IKEV2_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ike_parse.h"
#include "region.h"

struct ikev2_engine;
struct ikev2_sa;

/* The profile's method as an IKE AUTH method family: IKE_AUTH_SHARED_KEY_MIC,
 * IKE_AUTH_RSA_SIG (signatures: methods 1 and 14), or 0 (unusable). */
uint8_t ikev2_auth_profile_method(const struct shm_profile *p);

/* Our AUTH for sa (its profile) over our ID payload body (ID Type |
 * RESERVED | data): the method into *method, the data into a new buffer
 * *out (ADOPTED by the caller, who wipes and frees it) of *len octets. */
int ikev2_auth_make(struct ikev2_engine *e, const struct ikev2_sa *sa, const struct ike_bytes *id_body,
		    uint8_t *method, uint8_t **out, size_t *len);

/* Check the peer's AUTH (m->auth) over its ID payload (peer_id) under
 * profile p: 0 when it verifies. */
int ikev2_auth_verify(struct ikev2_engine *e, const struct ikev2_sa *sa, const struct shm_profile *p,
		      const struct ike_msg *m, const struct ike_id_pl *peer_id);

#endif

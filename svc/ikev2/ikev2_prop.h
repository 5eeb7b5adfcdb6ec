/*
 * Proposals (ikev2_prop_*): what we offer as initiator, what we accept as
 * responder, and the names of transforms.
 *
 *   IKE  ENCR aes-cbc 128/192/256, aes-gcm-16 128/192/256, 3des, des
 *        PRF hmac-sha1, hmac-sha2-256/384/512
 *        INTEG sha1-96, sha2-256-128, sha2-384-192, sha2-512-256
 *        DH 1, 2, 5, 14-18, 19-21, 22-24, 25
 *   ESP  the same ENCR (and aes-ctr) and INTEG (and md5-96), ESN yes/no,
 *        DH (PFS in CREATE_CHILD_SA) as above
 *
 * A profile that sets transforms (ike-crypto-alg ..., esp-crypto-alg ...)
 * offers and accepts exactly those (any PRF); one that does not offers the
 * defaults below and accepts every supported transform that is not weak.
 * Weak ones (DES, MD5, DH groups 1, 2, 5, 22, 25) work only when
 * configured, and the engine logs one warning for them.
 *
 * Pure functions over caller-owned structs; no errors beyond return codes.
 */
#ifndef IPSECGW_IKEV2_PROP_H
#define IPSECGW_IKEV2_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_parse.h"
#include "ikev2_sa.h"
#include "region.h"

/* Initiator offers. spi: 8 octets for an IKE rekey, NULL in IKE_SA_INIT.
 * *ke_group: the group to send a KE for (the first offered). */
void ikev2_prop_offer_ike(const struct shm_profile *p, const uint8_t *spi, struct ike_sa_pl *sa,
			  uint16_t *ke_group);
/* pfs_group 0: no DH transform (IKE_AUTH, or no PFS). */
void ikev2_prop_offer_esp(const struct shm_profile *p, uint32_t spi, uint16_t pfs_group,
			  struct ike_sa_pl *sa);
/* A rekey offers what the SA has first: proposal 1 is exactly xf (with
 * the SPI given), the usual offer follows, renumbered. */
void ikev2_prop_offer_current(const struct ikev2_xf *xf, uint8_t protocol, const uint8_t *spi,
			      uint8_t spi_size, struct ike_sa_pl *sa);

/* The PFS group a profile asks for in CREATE_CHILD_SA (0 none). */
uint16_t ikev2_prop_pfs_group(const struct shm_profile *p);

/* Responder choice from one proposal. ke_group: the group of the KE payload
 * (0: none). Returns 0 (acceptable, *xf chosen), 1 (acceptable but with
 * another DH group than the KE's: *xf->dh is the one to ask for with
 * INVALID_KE_PAYLOAD), -1 (not acceptable). */
int ikev2_prop_pick_ike(const struct ike_proposal *pr, const struct shm_profile *p,
			uint16_t ke_group, struct ikev2_xf *xf);
int ikev2_prop_pick_esp(const struct ike_proposal *pr, const struct shm_profile *p, bool in_auth,
			uint16_t ke_group, struct ikev2_xf *xf);
/* Does the profile accept an IKE transform set already chosen? */
bool ikev2_prop_ike_allowed(const struct shm_profile *p, const struct ikev2_xf *xf);

/* The one-proposal SA payload of a reply. */
void ikev2_prop_reply(const struct ikev2_xf *xf, uint8_t num, uint8_t protocol, const uint8_t *spi,
		      uint8_t spi_size, struct ike_sa_pl *sa);
/* Initiator: check the responder's choice against what we offered. 0 and
 * *xf, *spi (the responder's SPI, spi_size octets) or -1. */
int ikev2_prop_check_reply(const struct ike_sa_pl *offered, const struct ike_sa_pl *reply,
			   uint8_t protocol, struct ikev2_xf *xf, uint8_t *spi);

/* Does a transform set use something weak? */
bool ikev2_prop_is_weak(const struct ikev2_xf *xf, bool esp);

/* Key lengths for ESP KEYMAT (2.17): cipher key (+4 salt for CTR/GCM), HMAC key. */
size_t ikev2_prop_esp_ekey_len(uint16_t encr, uint16_t key_bits);
size_t ikev2_prop_esp_akey_len(uint16_t integ);
/* The SAD's algorithm enums (region.h) for a chosen ESP set; 0 unsupported. */
uint8_t ikev2_prop_shm_crypto(uint16_t encr, uint16_t key_bits);
uint8_t ikev2_prop_shm_integ(uint16_t integ);

/* Names as VPP prints them: "aes-cbc-256", "hmac-sha1", "sha1-96", "modp-2048". */
const char *ikev2_prop_encr_name(uint16_t encr, uint16_t key_bits, char *buf, size_t len);
const char *ikev2_prop_prf_name(uint16_t prf);
const char *ikev2_prop_integ_name(uint16_t integ);
const char *ikev2_prop_dh_name(uint16_t group);

#endif

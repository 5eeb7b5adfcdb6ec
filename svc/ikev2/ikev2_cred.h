/*
 * Credentials for signature authentication (ikev2_cred_*): our private key
 * (the PEM file of `set ikev2 local key FILE`, struct shm_global) and the
 * peer's public key (the PEM certificate of a profile's `auth rsa-sig
 * cert-file FILE`; a PEM public key is taken too). As in VPP, the
 * configured certificate is the peer's key, pinned: it is not checked
 * against a CA, validity dates or the peer's identity.
 *
 * Files are read with OpenSSL 3 and kept per path; a file is read again
 * when it changes (device, inode, size or modification time), so an
 * operator replaces a key by replacing the file. An unusable file (missing,
 * not PEM, encrypted, not RSA) is logged once per version of the file with
 * the reason, and counted (shm_ike_counters.cred_errors) at every use that
 * needs it; nothing secret is logged. This is the engine's only file access.
 *
 * Ownership: keys returned are NEW references the caller frees with
 * EVP_PKEY_free. The cache owns its keys and frees them in fini (OpenSSL
 * clears private key components when freeing); file contents are wiped
 * after parsing.
 */
#ifndef IPSECGW_IKEV2_CRED_H
#define IPSECGW_IKEV2_CRED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/types.h>

#include "region.h"

struct ikev2_engine;

#define IKEV2_CRED_MAX (SHM_MAX_PROFILE + 4)
#define IKEV2_CRED_FILE_MAX (1u << 20)  /* larger files are refused */

struct ikev2_cred_entry {
	char path[SHM_PATH_MAX];        /* "" = free slot */
	bool priv;                      /* a private key, else a certificate or public key */
	dev_t dev;
	ino_t ino;                      /* 0: the file could not be opened */
	off_t size;
	struct timespec mtime;
	EVP_PKEY *key;                  /* NULL: unusable, err says why */
	int err;                        /* errno of the failure when the file is missing */
	uint64_t used;                  /* for eviction */
};

struct ikev2_cred {
	struct ikev2_cred_entry ent[IKEV2_CRED_MAX];
	uint64_t tick;
	bool warned_no_key;             /* "no local key" logged until one is set */
};

/* Our private key, or NULL (none configured, unusable: logged and counted). */
EVP_PKEY *ikev2_cred_local_key(struct ikev2_engine *e);
/* The public key of profile p's peer certificate, or NULL (logged and counted). */
EVP_PKEY *ikev2_cred_peer_key(struct ikev2_engine *e, const struct shm_profile *p);
/* Frees every cached key. */
void ikev2_cred_fini(struct ikev2_cred *c);

#endif

/* Credentials: PEM private key and peer certificate files, cached per file version. */
#include "ikev2_cred.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ikev2_core.h"
#include "log.h"

#define CRED_MIN_RSA_BITS 2048

static const char *what(bool priv)
{
	return priv ? "local key" : "peer certificate";
}

/* Never asked for a passphrase: encrypted keys are refused, not prompted for. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* OpenSSL's reason for the last failure (no key material in it), queue cleared. */
static const char *ossl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, len, "%s", r ? r : "no PEM data");
	ERR_clear_error();
	return buf;
}

/* Parse the file's contents: a private key, or a certificate's public key
 * (a bare PEM public key is taken as well). NULL with why[] set. */
static EVP_PKEY *parse(bool priv, const uint8_t *data, size_t len, char *why, size_t wlen)
{
	BIO *bio;
	EVP_PKEY *key = NULL;
	char r[128];

	if (!memmem(data, len, "-----BEGIN ", 11)) {
		snprintf(why, wlen,
			 "no PEM data (a DER file? `openssl %s -inform DER -in FILE -out FILE.pem` converts it)",
			 priv ? "pkey" : "x509");
		return NULL;
	}
	if (!(bio = BIO_new_mem_buf(data, (int)len))) {
		snprintf(why, wlen, "out of memory");
		return NULL;
	}
	if (priv) {
		if (!(key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)))
			snprintf(why, wlen, "not a PEM private key, or an encrypted one (%s)",
				 ossl_reason(r, sizeof(r)));
	} else {
		X509 *x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
		if (x) {
			if (!(key = X509_get_pubkey(x)))
				snprintf(why, wlen, "the certificate's public key is not usable (%s)",
					 ossl_reason(r, sizeof(r)));
			X509_free(x);
		} else {
			ERR_clear_error();
			(void)BIO_reset(bio);
			if (!(key = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)))
				snprintf(why, wlen, "not a PEM certificate or public key (%s)",
					 ossl_reason(r, sizeof(r)));
		}
	}
	BIO_free(bio);
	if (key && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		snprintf(why, wlen, "key type %s: rsa-sig needs an RSA key", EVP_PKEY_get0_type_name(key));
		EVP_PKEY_free(key);
		key = NULL;
	}
	ERR_clear_error();
	return key;
}

/* Read and parse the file into ent; logs a failure. */
static void load(struct ikev2_cred_entry *ent)
{
	char why[256] = "";
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(ent->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	EVP_PKEY_free(ent->key);
	ent->key = NULL;
	ent->ino = 0;
	ent->err = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		ent->err = errno;
		snprintf(why, sizeof(why), "%s", strerror(errno));
		goto out;
	}
	ent->dev = st.st_dev;
	ent->ino = st.st_ino ? st.st_ino : 1;
	ent->size = st.st_size;
	ent->mtime = st.st_mtim;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > IKEV2_CRED_FILE_MAX) {
		snprintf(why, sizeof(why), "not a regular file of 1..%u octets", IKEV2_CRED_FILE_MAX);
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size))) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, sizeof(why), "read: %s", n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		got += (size_t)n;
	}
	if (!(ent->key = parse(ent->priv, buf, got, why, sizeof(why))))
		goto out;
	if (EVP_PKEY_get_bits(ent->key) < CRED_MIN_RSA_BITS)
		gw_warn("%s %s: a %d-bit RSA key is weak (use %d bits or more)", what(ent->priv), ent->path,
			EVP_PKEY_get_bits(ent->key), CRED_MIN_RSA_BITS);
	if (ent->priv && (st.st_mode & 0044))
		gw_warn("%s %s: readable by group or others (mode %04o); it should be 0600", what(ent->priv),
			ent->path, (unsigned)(st.st_mode & 07777));
	gw_info("%s %s: RSA %d bits loaded", what(ent->priv), ent->path, EVP_PKEY_get_bits(ent->key));
out:
	if (buf) {
		OPENSSL_cleanse(buf, (size_t)st.st_size);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	if (!ent->key)
		gw_err("%s %s: %s", what(ent->priv), ent->path, why);
}

/* The entry for (priv, path), read again when the file changed. */
static EVP_PKEY *get(struct ikev2_engine *e, bool priv, const char *path)
{
	struct ikev2_cred *c = &e->cred;
	struct ikev2_cred_entry *ent = NULL;
	struct stat st;
	int st_rc = stat(path, &st), st_err = errno;

	for (unsigned i = 0; i < IKEV2_CRED_MAX && !ent; i++)
		if (c->ent[i].path[0] && c->ent[i].priv == priv && strcmp(c->ent[i].path, path) == 0)
			ent = &c->ent[i];
	if (!ent) {
		/* A free slot, else the one used least recently. */
		for (unsigned i = 0; i < IKEV2_CRED_MAX; i++) {
			struct ikev2_cred_entry *x = &c->ent[i];
			if (!x->path[0]) {
				ent = x;
				break;
			}
			if (!ent || x->used < ent->used)
				ent = x;
		}
		EVP_PKEY_free(ent->key);
		memset(ent, 0, sizeof(*ent));
		snprintf(ent->path, sizeof(ent->path), "%s", path);
		ent->priv = priv;
		load(ent);
	} else if (st_rc < 0 ? !(ent->ino == 0 && ent->err == st_err) :
		   (ent->ino == 0 || ent->dev != st.st_dev || ent->ino != (st.st_ino ? st.st_ino : 1) ||
		    ent->size != st.st_size || ent->mtime.tv_sec != st.st_mtim.tv_sec ||
		    ent->mtime.tv_nsec != st.st_mtim.tv_nsec)) {
		load(ent);
	}
	ent->used = ++c->tick;
	if (!ent->key) {
		e->ctr->cred_errors++;
		return NULL;
	}
	EVP_PKEY_up_ref(ent->key);
	return ent->key;
}

EVP_PKEY *ikev2_cred_local_key(struct ikev2_engine *e)
{
	char path[SHM_PATH_MAX] = "";

	if (!e->env.local_key_file || e->env.local_key_file(e->env.arg, path, sizeof(path)) < 0 || !path[0]) {
		if (!e->cred.warned_no_key)
			gw_err("no local key: rsa-sig profiles need `set ikev2 local key FILE`");
		e->cred.warned_no_key = true;
		e->ctr->cred_errors++;
		return NULL;
	}
	e->cred.warned_no_key = false;
	return get(e, true, path);
}

EVP_PKEY *ikev2_cred_peer_key(struct ikev2_engine *e, const struct shm_profile *p)
{
	char path[SHM_PATH_MAX];

	snprintf(path, sizeof(path), "%.*s", (int)sizeof(p->cert_file), p->cert_file);
	if (!path[0]) {
		gw_err("profile %s: rsa-sig without a certificate file", p->name);
		e->ctr->cred_errors++;
		return NULL;
	}
	return get(e, false, path);
}

void ikev2_cred_fini(struct ikev2_cred *c)
{
	for (unsigned i = 0; i < IKEV2_CRED_MAX; i++) {
		EVP_PKEY_free(c->ent[i].key);
		c->ent[i].key = NULL;
	}
	memset(c, 0, sizeof(*c));
}

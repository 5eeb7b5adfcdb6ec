/*
 * Throwaway credentials for the signature tests, made at test time with
 * OpenSSL: RSA (or EC) keys and self-signed certificates written as PEM
 * files in a temporary directory; and a capture of the engine's log lines
 * (stderr) so a test can assert on the error an operator would read.
 */
#ifndef IPSECGW_TESTS_IKEV2D_CRED_H
#define IPSECGW_TESTS_IKEV2D_CRED_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "peer.h"

struct t_cred {
	char key[SHM_PATH_MAX], cert[SHM_PATH_MAX]; /* PEM files */
	EVP_PKEY *pkey;
};

static char t_cred_dir[128];

static inline void t_cred_dir_init(void)
{
	snprintf(t_cred_dir, sizeof(t_cred_dir), "/tmp/ikev2d-cred-XXXXXX");
	CHECK(mkdtemp(t_cred_dir), "mkdtemp");
}

static inline void t_cred_dir_fini(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_cred_dir);
	CHECK(system(cmd) == 0, "rm");
}

static inline void t_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[300];
	int fd;

	/* A new inode each time (rename), as an operator replacing a file would. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len && close(fd) == 0, "write %s", tmp);
	CHECK(rename(tmp, path) == 0, "rename %s", path);
}

/* A key (RSA of `bits`, or EC P-256 with bits 0) and a self-signed
 * certificate with CN=cn, in DIR/name.key and DIR/name.crt. */
static inline void t_cred_make(struct t_cred *c, const char *name, const char *cn, int bits)
{
	X509 *x = X509_new();
	X509_NAME *n;
	FILE *f;

	c->pkey = bits ? EVP_RSA_gen((unsigned)bits) : EVP_EC_gen("P-256");
	CHECK(c->pkey && x, "key generation");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, c->pkey);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	CHECK(X509_sign(x, c->pkey, EVP_sha256()) > 0, "sign certificate");
	snprintf(c->key, sizeof(c->key), "%s/%s.key", t_cred_dir, name);
	snprintf(c->cert, sizeof(c->cert), "%s/%s.crt", t_cred_dir, name);
	umask(077);
	CHECK((f = fopen(c->key, "w")) && PEM_write_PrivateKey(f, c->pkey, NULL, NULL, 0, NULL, NULL) && !fclose(f),
	      "write key");
	CHECK((f = fopen(c->cert, "w")) && PEM_write_X509(f, x) && !fclose(f), "write cert");
	X509_free(x);
}

static inline void t_cred_free(struct t_cred *c)
{
	EVP_PKEY_free(c->pkey);
	c->pkey = NULL;
}

/* The profile authenticates with signatures: the peer's certificate. */
static inline void t_profile_rsa(struct shm_profile *p, const char *peer_cert)
{
	p->auth_method = 1;
	p->auth_len = 0;
	memset(p->auth_data, 0, sizeof(p->auth_data));
	snprintf(p->cert_file, sizeof(p->cert_file), "%s", peer_cert);
}

/* ---- log capture ---------------------------------------------------------------- */

static int t_log_saved = -1;
static char t_log_path[300];

static inline void t_log_begin(void)
{
	int fd;

	fflush(stderr);
	snprintf(t_log_path, sizeof(t_log_path), "%s/log.txt", t_cred_dir);
	fd = open(t_log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "log file");
	t_log_saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Stop capturing; the lines (also echoed to the real stderr) into buf. */
static inline void t_log_end(char *buf, size_t len)
{
	FILE *f;
	size_t n = 0;

	fflush(stderr);
	dup2(t_log_saved, 2);
	close(t_log_saved);
	f = fopen(t_log_path, "r");
	CHECK(f, "log file");
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	fputs(buf, stderr);
}

#endif

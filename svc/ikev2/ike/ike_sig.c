/*
 * Signature AUTH values: RSA Digital Signature (RFC 7296 3.8) and Digital
 * Signature with an AlgorithmIdentifier (RFC 7427 section 3), RSA keys.
 * AlgorithmIdentifiers are built and decoded with OpenSSL's ASN.1 types.
 */
#include "ike_sig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define ALGID_MAX 255   /* the ASN.1 Length field is one octet */

static const EVP_MD *hash_md(uint8_t hash)
{
	switch (hash) {
	case IKE_HASH_SHA1: return EVP_sha1();
	case IKE_HASH_SHA2_256: return EVP_sha256();
	case IKE_HASH_SHA2_384: return EVP_sha384();
	case IKE_HASH_SHA2_512: return EVP_sha512();
	}
	return NULL;
}

static int hash_nid(uint8_t hash)
{
	switch (hash) {
	case IKE_HASH_SHA1: return NID_sha1;
	case IKE_HASH_SHA2_256: return NID_sha256;
	case IKE_HASH_SHA2_384: return NID_sha384;
	case IKE_HASH_SHA2_512: return NID_sha512;
	}
	return NID_undef;
}

static uint8_t hash_of_nid(int nid)
{
	switch (nid) {
	case NID_sha1: return IKE_HASH_SHA1;
	case NID_sha256: return IKE_HASH_SHA2_256;
	case NID_sha384: return IKE_HASH_SHA2_384;
	case NID_sha512: return IKE_HASH_SHA2_512;
	}
	return 0;
}

/* sha*WithRSAEncryption for a hash, and back. */
static int pkcs1_nid(uint8_t hash)
{
	switch (hash) {
	case IKE_HASH_SHA1: return NID_sha1WithRSAEncryption;
	case IKE_HASH_SHA2_256: return NID_sha256WithRSAEncryption;
	case IKE_HASH_SHA2_384: return NID_sha384WithRSAEncryption;
	case IKE_HASH_SHA2_512: return NID_sha512WithRSAEncryption;
	}
	return NID_undef;
}

static uint8_t hash_of_pkcs1_nid(int nid)
{
	for (uint8_t h = IKE_HASH_SHA1; h <= IKE_HASH_SHA2_512; h++)
		if (pkcs1_nid(h) == nid)
			return h;
	return 0;
}

const char *ike_sig_hash_name(uint8_t hash)
{
	switch (hash) {
	case IKE_HASH_SHA1: return "sha1";
	case IKE_HASH_SHA2_256: return "sha2-256";
	case IKE_HASH_SHA2_384: return "sha2-384";
	case IKE_HASH_SHA2_512: return "sha2-512";
	}
	return "?";
}

const char *ike_sig_name(const struct ike_sig_scheme *s, char *buf, size_t len)
{
	if (s->method == IKE_AUTH_RSA_SIG)
		snprintf(buf, len, "RSA PKCS#1 v1.5 SHA-1 (method 1)");
	else
		snprintf(buf, len, "RSA %s %s (RFC 7427)", s->pss ? "PSS" : "PKCS#1 v1.5",
			 ike_sig_hash_name(s->hash));
	return buf;
}

static bool is_rsa(const EVP_PKEY *key)
{
	return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
}

void ike_sig_choose(const EVP_PKEY *key, uint32_t peer_hashes, bool pss, struct ike_sig_scheme *out)
{
	/* Hash strength to match the key (NIST SP 800-57 comparable strengths). */
	int bits = key ? EVP_PKEY_get_bits(key) : 0;
	uint8_t want = bits >= 7680 ? IKE_HASH_SHA2_512 : bits >= 3072 ? IKE_HASH_SHA2_384 : IKE_HASH_SHA2_256;
	uint32_t common = peer_hashes & IKE_SIG_HASHES_OURS;

	memset(out, 0, sizeof(*out));
	if (!common) {
		out->method = IKE_AUTH_RSA_SIG;
		out->hash = IKE_HASH_SHA1;
		return;
	}
	out->method = IKE_AUTH_DIGITAL_SIG;
	out->pss = pss;
	for (uint8_t h = want; h <= IKE_HASH_SHA2_512 && !out->hash; h++)
		if (common & IKE_SIG_HASH_BIT(h))
			out->hash = h;
	for (uint8_t h = want; h >= IKE_HASH_SHA2_256 && !out->hash; h--)
		if (common & IKE_SIG_HASH_BIT(h))
			out->hash = h;
	out->salt_len = pss ? (uint16_t)EVP_MD_get_size(hash_md(out->hash)) : 0;
}

uint32_t ike_sig_hash_mask(const uint8_t *data, size_t len)
{
	uint32_t mask = 0;

	for (size_t i = 0; data && i + 1 < len; i += 2) {
		unsigned h = (unsigned)data[i] << 8 | data[i + 1];
		if (h >= IKE_HASH_SHA1 && h <= IKE_HASH_SHA2_512)
			mask |= IKE_SIG_HASH_BIT(h);
	}
	return mask;
}

size_t ike_sig_hash_list(uint32_t mask, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (unsigned h = IKE_HASH_SHA1; h <= IKE_HASH_SHA2_512; h++)
		if ((mask & IKE_SIG_HASH_BIT(h)) && n + 2 <= cap) {
			out[n++] = 0;
			out[n++] = (uint8_t)h;
		}
	return n;
}

size_t ike_sig_max_len(const EVP_PKEY *key)
{
	int sz = key ? EVP_PKEY_get_size(key) : 0;

	return sz > 0 ? (size_t)sz + 1 + ALGID_MAX : 0;
}

/* ---- AlgorithmIdentifiers ------------------------------------------------------- */

/* AlgorithmIdentifier { OID of hash, NULL } */
static X509_ALGOR *algor_hash(uint8_t hash)
{
	X509_ALGOR *a = X509_ALGOR_new();

	if (a && !X509_ALGOR_set0(a, OBJ_nid2obj(hash_nid(hash)), V_ASN1_NULL, NULL)) {
		X509_ALGOR_free(a);
		a = NULL;
	}
	return a;
}

/*
 * The DER AlgorithmIdentifier of a method-14 scheme: sha*WithRSAEncryption
 * with NULL parameters, or id-RSASSA-PSS with RSASSA-PSS-params
 * { hashAlgorithm, maskGenAlgorithm mgf1(same hash), saltLength }
 * (trailerField left at its default, 1). Its length, or -errno.
 */
static int algid_encode(const struct ike_sig_scheme *s, uint8_t *out, size_t cap)
{
	X509_ALGOR *alg = X509_ALGOR_new(), *mgf_hash = NULL;
	RSA_PSS_PARAMS *pp = NULL;
	ASN1_STRING *mgf_der = NULL, *pss_der = NULL;
	unsigned char *der = NULL;
	int len, rc = -ENOMEM;

	if (!alg)
		goto out;
	if (!s->pss) {
		if (!X509_ALGOR_set0(alg, OBJ_nid2obj(pkcs1_nid(s->hash)), V_ASN1_NULL, NULL))
			goto out;
	} else {
		if (!(pp = RSA_PSS_PARAMS_new()) || !(pp->hashAlgorithm = algor_hash(s->hash)) ||
		    !(mgf_hash = algor_hash(s->hash)) || !(pp->maskGenAlgorithm = X509_ALGOR_new()) ||
		    !(pp->saltLength = ASN1_INTEGER_new()) || !ASN1_INTEGER_set(pp->saltLength, s->salt_len))
			goto out;
		if (!(mgf_der = ASN1_item_pack(mgf_hash, ASN1_ITEM_rptr(X509_ALGOR), NULL)))
			goto out;
		if (!X509_ALGOR_set0(pp->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE, mgf_der))
			goto out;
		mgf_der = NULL;
		if (!(pss_der = ASN1_item_pack(pp, ASN1_ITEM_rptr(RSA_PSS_PARAMS), NULL)))
			goto out;
		if (!X509_ALGOR_set0(alg, OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, pss_der))
			goto out;
		pss_der = NULL;
	}
	if ((len = i2d_X509_ALGOR(alg, &der)) <= 0) {
		rc = -EIO;
		goto out;
	}
	if ((size_t)len > cap || len > ALGID_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	memcpy(out, der, (size_t)len);
	rc = len;
out:
	OPENSSL_free(der);
	ASN1_STRING_free(mgf_der);
	ASN1_STRING_free(pss_der);
	X509_ALGOR_free(mgf_hash);
	RSA_PSS_PARAMS_free(pp);
	X509_ALGOR_free(alg);
	return rc;
}

/* The hash of a hash AlgorithmIdentifier (parameters absent or NULL), 0 if none. */
static uint8_t algor_hash_of(const X509_ALGOR *a)
{
	const ASN1_OBJECT *obj;
	int ptype;

	X509_ALGOR_get0(&obj, &ptype, NULL, a);
	if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL)
		return 0;
	return hash_of_nid(OBJ_obj2nid(obj));
}

/* RSASSA-PSS-params into s (defaults of RFC 8017 A.2.3 for absent fields:
 * SHA-1, MGF1 with SHA-1, salt 20, trailer 1). The MGF1 hash in *mgf_hash. */
static int pss_decode(const X509_ALGOR *alg, struct ike_sig_scheme *s, uint8_t *mgf_hash)
{
	int ptype, rc = -ENOTSUP;
	RSA_PSS_PARAMS *pp;
	X509_ALGOR *mh = NULL;
	long v;

	X509_ALGOR_get0(NULL, &ptype, NULL, alg);
	if (ptype != V_ASN1_SEQUENCE)
		return -EBADMSG;
	if (!(pp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), alg->parameter))) {
		ERR_clear_error();
		return -EBADMSG;
	}
	s->hash = pp->hashAlgorithm ? algor_hash_of(pp->hashAlgorithm) : IKE_HASH_SHA1;
	*mgf_hash = IKE_HASH_SHA1;
	if (pp->maskGenAlgorithm) {
		const ASN1_OBJECT *mo;
		int mt;
		X509_ALGOR_get0(&mo, &mt, NULL, pp->maskGenAlgorithm);
		if (OBJ_obj2nid(mo) != NID_mgf1 || mt != V_ASN1_SEQUENCE ||
		    !(mh = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), pp->maskGenAlgorithm->parameter)))
			goto out;
		*mgf_hash = algor_hash_of(mh);
	}
	v = 20;
	if (pp->saltLength && (v = ASN1_INTEGER_get(pp->saltLength)) < 0)
		goto out;
	if (v > 1024 || (pp->trailerField && ASN1_INTEGER_get(pp->trailerField) != 1))
		goto out;
	s->salt_len = (uint16_t)v;
	rc = s->hash && *mgf_hash ? 0 : -ENOTSUP;
out:
	X509_ALGOR_free(mh);
	RSA_PSS_PARAMS_free(pp);
	return rc;
}

/* The method-14 AUTH data: ASN.1 length | AlgorithmIdentifier | signature.
 * The scheme into s, the signature's offset into *sig_off. */
static int algid_decode(const uint8_t *auth, size_t auth_len, struct ike_sig_scheme *s, uint8_t *mgf_hash,
			size_t *sig_off)
{
	const unsigned char *p;
	X509_ALGOR *alg;
	size_t n;
	int nid, rc = 0;

	if (auth_len < 1 || (n = auth[0]) == 0 || 1 + n >= auth_len)
		return -EBADMSG;
	p = auth + 1;
	if (!(alg = d2i_X509_ALGOR(NULL, &p, (long)n))) {
		ERR_clear_error();
		return -EBADMSG;
	}
	if (p != auth + 1 + n) {
		rc = -EBADMSG; /* the DER length disagrees with the ASN.1 Length octet */
		goto out;
	}
	nid = OBJ_obj2nid(alg->algorithm);
	if (nid == NID_rsassaPss) {
		s->pss = true;
		rc = pss_decode(alg, s, mgf_hash);
	} else if ((s->hash = hash_of_pkcs1_nid(nid))) {
		int ptype;
		X509_ALGOR_get0(NULL, &ptype, NULL, alg);
		if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL)
			rc = -EBADMSG;
		*mgf_hash = 0;
	} else {
		rc = -ENOTSUP;
	}
	*sig_off = 1 + n;
out:
	X509_ALGOR_free(alg);
	return rc;
}

/* ---- sign and verify -------------------------------------------------------------- */

/* A digest-sign/verify context for scheme s (PSS: MGF1 with mgf hash). */
static int ctx_setup(EVP_MD_CTX *ctx, EVP_PKEY *key, const struct ike_sig_scheme *s, uint8_t mgf, bool sign)
{
	const EVP_MD *md = hash_md(s->hash);
	EVP_PKEY_CTX *pctx = NULL;

	if (!md)
		return -ENOTSUP;
	if ((sign ? EVP_DigestSignInit(ctx, &pctx, md, NULL, key) :
		    EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key)) != 1)
		return -EIO;
	if (!s->pss)
		return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 ? 0 : -EIO;
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, hash_md(mgf)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, s->salt_len) != 1)
		return -ENOTSUP;
	return 0;
}

int ike_sig_sign(EVP_PKEY *key, const struct ike_sig_scheme *s, const struct ike_bytes *in, size_t n,
		 uint8_t *out, size_t cap, size_t *out_len)
{
	EVP_MD_CTX *ctx = NULL;
	size_t off = 0, sig_len;
	int rc;

	if (!is_rsa(key) || !s || (!in && n) || !out || !out_len)
		return -EINVAL;
	if (s->method == IKE_AUTH_RSA_SIG) {
		if (s->hash != IKE_HASH_SHA1 || s->pss)
			return -EINVAL;
	} else if (s->method == IKE_AUTH_DIGITAL_SIG) {
		int len;
		if (cap < 1)
			return -ENOSPC;
		if ((len = algid_encode(s, out + 1, cap - 1)) < 0)
			return len;
		out[0] = (uint8_t)len;
		off = 1 + (size_t)len;
	} else {
		return -EINVAL;
	}
	if (!(ctx = EVP_MD_CTX_new()))
		return -ENOMEM;
	if ((rc = ctx_setup(ctx, key, s, s->hash, true)) < 0)
		goto out;
	rc = -EIO;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && EVP_DigestSignUpdate(ctx, in[i].ptr, in[i].len) != 1)
			goto out;
	if (EVP_DigestSignFinal(ctx, NULL, &sig_len) != 1)
		goto out;
	if (sig_len > cap - off) {
		rc = -ENOSPC;
		goto out;
	}
	if (EVP_DigestSignFinal(ctx, out + off, &sig_len) != 1)
		goto out;
	*out_len = off + sig_len;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (rc)
		ERR_clear_error();
	return rc;
}

int ike_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t auth_len,
		   const struct ike_bytes *in, size_t n, uint32_t hashes, struct ike_sig_scheme *used)
{
	struct ike_sig_scheme s = { .method = method };
	EVP_MD_CTX *ctx = NULL;
	size_t off = 0;
	uint8_t mgf = 0;
	int rc;

	if (!is_rsa(pub) || (!in && n) || !auth)
		return -EINVAL;
	if (method == IKE_AUTH_RSA_SIG) {
		s.hash = IKE_HASH_SHA1;
	} else if (method == IKE_AUTH_DIGITAL_SIG) {
		if ((rc = algid_decode(auth, auth_len, &s, &mgf, &off)) < 0)
			return rc;
		if (!(hashes & IKE_SIG_HASH_BIT(s.hash)) || (s.pss && !(hashes & IKE_SIG_HASH_BIT(mgf))))
			return -ENOTSUP;
	} else {
		return -ENOTSUP;
	}
	if (auth_len <= off)
		return -EBADMSG;
	if (!(ctx = EVP_MD_CTX_new()))
		return -ENOMEM;
	if ((rc = ctx_setup(ctx, pub, &s, mgf, false)) < 0)
		goto out;
	rc = -EIO;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && EVP_DigestVerifyUpdate(ctx, in[i].ptr, in[i].len) != 1)
			goto out;
	rc = EVP_DigestVerifyFinal(ctx, auth + off, auth_len - off) == 1 ? 0 : -EBADMSG;
	if (rc == 0 && used)
		*used = s;
out:
	EVP_MD_CTX_free(ctx);
	if (rc)
		ERR_clear_error(); /* a failed check leaves nothing in OpenSSL's error queue */
	return rc;
}

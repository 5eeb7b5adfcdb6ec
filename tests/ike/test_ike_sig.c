/*
 * Signature AUTH values (ike_sig.h): method 1 and method 14 (PKCS#1 v1.5
 * and RSASSA-PSS, SHA-1 and SHA2-256/384/512) signed and verified over
 * split inputs; every tampering refused (signature, input, AlgorithmIdentifier,
 * truncation, another key); hashes outside the announced set refused; a
 * numbered table of malformed method-14 AUTH data; RSASSA-PSS with default
 * parameters made directly with OpenSSL; the DER we send for
 * sha256WithRSAEncryption; the scheme choice by peer hashes and key size;
 * the SIGNATURE_HASH_ALGORITHMS list both ways; nothing left in OpenSSL's
 * error queue after a failure.
 */
#include <errno.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ike_sig.h"
#include "test_util.h"

static EVP_PKEY *k1, *k2, *k3072, *kec;

static const uint8_t real_msg[] = "an IKE_SA_INIT message, as sent, octet for octet";
static const uint8_t nonce[] = "0123456789abcdef0123456789abcdef";
static const uint8_t maced[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static void parts(struct ike_bytes in[3])
{
	in[0] = (struct ike_bytes){ real_msg, sizeof(real_msg) };
	in[1] = (struct ike_bytes){ nonce, sizeof(nonce) };
	in[2] = (struct ike_bytes){ maced, sizeof(maced) };
}

static uint32_t all_hashes(void)
{
	return IKE_SIG_HASHES_OURS | IKE_SIG_HASH_BIT(IKE_HASH_SHA1);
}

static void round_trip(uint8_t method, uint8_t hash, bool pss)
{
	struct ike_sig_scheme s = { .method = method, .hash = hash, .pss = pss }, used;
	struct ike_bytes in[3], one;
	uint8_t auth[1024], joined[256], bad[1024];
	size_t len, jl = 0, sig_off;
	int md_size = EVP_MD_get_size(hash == IKE_HASH_SHA1 ? EVP_sha1() : hash == IKE_HASH_SHA2_256 ? EVP_sha256() :
				      hash == IKE_HASH_SHA2_384 ? EVP_sha384() : EVP_sha512());

	if (pss)
		s.salt_len = (uint16_t)md_size;
	parts(in);
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, auth, sizeof(auth), &len), 0);
	CHECK(len <= ike_sig_max_len(k1));
	sig_off = method == IKE_AUTH_DIGITAL_SIG ? 1u + auth[0] : 0;
	CHECK_EQ_INT(len - sig_off, EVP_PKEY_get_size(k1));
	memset(&used, 0xee, sizeof(used));
	CHECK_EQ_INT(ike_sig_verify(k1, method, auth, len, in, 3, all_hashes(), &used), 0);
	CHECK(used.method == method && used.hash == hash && used.pss == pss && used.salt_len == s.salt_len);
	/* The split of the input does not matter. */
	for (int i = 0; i < 3; i++) {
		memcpy(joined + jl, in[i].ptr, in[i].len);
		jl += in[i].len;
	}
	one = (struct ike_bytes){ joined, jl };
	CHECK_EQ_INT(ike_sig_verify(k1, method, auth, len, &one, 1, all_hashes(), NULL), 0);
	/* Another key, another input, any flipped octet, truncation: refused. */
	CHECK_EQ_INT(ike_sig_verify(k2, method, auth, len, in, 3, all_hashes(), NULL), -EBADMSG);
	joined[jl - 1] ^= 1;
	CHECK_EQ_INT(ike_sig_verify(k1, method, auth, len, &one, 1, all_hashes(), NULL), -EBADMSG);
	for (size_t i = 0; i < len; i += (i < sig_off ? 1 : 37)) {
		memcpy(bad, auth, len);
		bad[i] ^= 0x40;
		CHECK(ike_sig_verify(k1, method, bad, len, in, 3, all_hashes(), NULL) != 0);
	}
	CHECK(ike_sig_verify(k1, method, auth, len - 1, in, 3, all_hashes(), NULL) != 0);
	/* Method 14 with a hash we did not announce. */
	if (method == IKE_AUTH_DIGITAL_SIG)
		CHECK_EQ_INT(ike_sig_verify(k1, method, auth, len, in, 3, all_hashes() & ~IKE_SIG_HASH_BIT(hash), NULL),
			     -ENOTSUP);
	/* The other method number with the same data. */
	CHECK(ike_sig_verify(k1, method == IKE_AUTH_RSA_SIG ? IKE_AUTH_DIGITAL_SIG : IKE_AUTH_RSA_SIG, auth, len, in, 3,
			     all_hashes(), NULL) != 0);
	CHECK_EQ_INT(ERR_peek_error(), 0);
}

/* Method 14 AUTH data: hex of ASN.1 length | AlgorithmIdentifier, then a
 * real signature of 256 octets is appended unless bare. */
static const struct {
	const char *name;
	const char *hex;
	bool bare;
	int want;
} malformed[] = {
	/* 1 */ { "empty", "", true, -EBADMSG },
	/* 2 */ { "length 0", "00", false, -EBADMSG },
	/* 3 */ { "AlgorithmIdentifier only", "0f 300d06092a864886f70d01010b0500", true, -EBADMSG },
	/* 4 */ { "length past the end", "ff 300d06092a864886f70d01010b0500", true, -EBADMSG },
	/* 5 */ { "length shorter than the DER", "0e 300d06092a864886f70d01010b0500", false, -EBADMSG },
	/* 6 */ { "length longer than the DER", "10 300d06092a864886f70d01010b050000", false, -EBADMSG },
	/* 7 */ { "not DER", "04 01020304", false, -EBADMSG },
	/* 8 */ { "ecdsa-with-SHA256", "0c 300a06082a8648ce3d040302", false, -ENOTSUP },
	/* 9 */ { "md5WithRSAEncryption", "0f 300d06092a864886f70d0101040500", false, -ENOTSUP },
	/* 10 */ { "sha256WithRSAEncryption, INTEGER parameters", "10 300e06092a864886f70d01010b020100", false,
		   -EBADMSG },
	/* 11 */ { "RSASSA-PSS without parameters", "0d 300b06092a864886f70d01010a", false, -EBADMSG },
	/* 12 */ { "RSASSA-PSS, trailer field 2", "14 301206092a864886f70d01010a3005a303020102", false, -ENOTSUP },
	/* 13 */ { "RSASSA-PSS, MGF unknown", "1e 301c06092a864886f70d01010a300fa10d300b06092a864886f70d010109",
		   false, -ENOTSUP },
	/* 14 */ { "RSASSA-PSS, parameters not a SEQUENCE", "10 300e06092a864886f70d01010a020101", false, -EBADMSG },
};

static void t_malformed(void)
{
	struct ike_bytes in[3];
	uint8_t sig[512];
	size_t sig_len;
	struct ike_sig_scheme s = { .method = IKE_AUTH_RSA_SIG, .hash = IKE_HASH_SHA1 };

	parts(in);
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, sig, sizeof(sig), &sig_len), 0);
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		size_t n;
		uint8_t *h = t_unhex(malformed[i].hex, &n), auth[1024];
		int rc;
		memcpy(auth, h, n);
		if (!malformed[i].bare) {
			memcpy(auth + n, sig, sig_len);
			n += sig_len;
		}
		rc = ike_sig_verify(k1, IKE_AUTH_DIGITAL_SIG, auth, n, in, 3, all_hashes(), NULL);
		if (rc != malformed[i].want)
			fprintf(stderr, "malformed #%zu %s: %d, expected %d\n", i + 1, malformed[i].name, rc,
				malformed[i].want);
		CHECK_EQ_INT(rc, malformed[i].want);
		free(h);
	}
	CHECK_EQ_INT(ERR_peek_error(), 0);
}

/* RSASSA-PSS with every parameter at its default (SHA-1, MGF1-SHA-1,
 * salt 20), signed directly with OpenSSL. */
static void t_pss_defaults(void)
{
	struct ike_bytes in[3];
	size_t n, sig_len = 512;
	uint8_t *algid = t_unhex("0f 300d06092a864886f70d01010a3000", &n), auth[1024];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	struct ike_sig_scheme used;

	parts(in);
	CHECK(EVP_DigestSignInit(ctx, &pctx, EVP_sha1(), NULL, k1) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 20) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha1()) == 1);
	for (int i = 0; i < 3; i++)
		CHECK(EVP_DigestSignUpdate(ctx, in[i].ptr, in[i].len) == 1);
	memcpy(auth, algid, n);
	CHECK(EVP_DigestSignFinal(ctx, auth + n, &sig_len) == 1);
	CHECK_EQ_INT(ike_sig_verify(k1, IKE_AUTH_DIGITAL_SIG, auth, n + sig_len, in, 3, all_hashes(), &used), 0);
	CHECK(used.pss && used.hash == IKE_HASH_SHA1 && used.salt_len == 20);
	CHECK_EQ_INT(ike_sig_verify(k1, IKE_AUTH_DIGITAL_SIG, auth, n + sig_len, in, 3, IKE_SIG_HASHES_OURS, NULL),
		     -ENOTSUP);
	EVP_MD_CTX_free(ctx);
	free(algid);
}

/* What we put on the wire for PKCS#1 v1.5 SHA2-256: AlgorithmIdentifier
 * { 1.2.840.113549.1.1.11, NULL }. */
static void t_wire_algid(void)
{
	struct ike_sig_scheme s = { .method = IKE_AUTH_DIGITAL_SIG, .hash = IKE_HASH_SHA2_256 };
	struct ike_bytes in[3];
	uint8_t auth[1024];
	size_t len, n;
	uint8_t *want = t_unhex("0f 300d06092a864886f70d01010b0500", &n);

	parts(in);
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, auth, sizeof(auth), &len), 0);
	CHECK_MEM(auth, want, n);
	/* Too small an output buffer. */
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, auth, 100, &len), -ENOSPC);
	free(want);
}

static void t_choose(void)
{
	struct ike_sig_scheme s;
	const uint32_t ours = IKE_SIG_HASHES_OURS;

	ike_sig_choose(k1, 0, false, &s);
	CHECK(s.method == IKE_AUTH_RSA_SIG && s.hash == IKE_HASH_SHA1 && !s.pss);
	ike_sig_choose(k1, IKE_SIG_HASH_BIT(IKE_HASH_SHA1), true, &s);
	CHECK(s.method == IKE_AUTH_RSA_SIG && !s.pss);
	ike_sig_choose(k1, ours, false, &s);
	CHECK(s.method == IKE_AUTH_DIGITAL_SIG && s.hash == IKE_HASH_SHA2_256 && !s.pss);
	ike_sig_choose(k1, IKE_SIG_HASH_BIT(IKE_HASH_SHA2_512), false, &s);
	CHECK(s.hash == IKE_HASH_SHA2_512);
	ike_sig_choose(k3072, ours, true, &s);
	CHECK(s.method == IKE_AUTH_DIGITAL_SIG && s.hash == IKE_HASH_SHA2_384 && s.pss && s.salt_len == 48);
	ike_sig_choose(k3072, IKE_SIG_HASH_BIT(IKE_HASH_SHA2_256) | IKE_SIG_HASH_BIT(IKE_HASH_SHA1), false, &s);
	CHECK(s.hash == IKE_HASH_SHA2_256);
}

static void t_hash_list(void)
{
	static const uint8_t w[] = { 0, 2, 0, 3, 0, 4 }, odd[] = { 0, 5, 0, 2, 0 }, sha1[] = { 0, 1 };
	uint8_t out[16];

	CHECK_EQ_INT(ike_sig_hash_mask(w, sizeof(w)), IKE_SIG_HASHES_OURS);
	CHECK_EQ_INT(ike_sig_hash_mask(odd, sizeof(odd)), IKE_SIG_HASH_BIT(IKE_HASH_SHA2_256));
	CHECK_EQ_INT(ike_sig_hash_mask(sha1, sizeof(sha1)), IKE_SIG_HASH_BIT(IKE_HASH_SHA1));
	CHECK_EQ_INT(ike_sig_hash_mask(NULL, 0), 0);
	CHECK_EQ_INT(ike_sig_hash_list(IKE_SIG_HASHES_OURS, out, sizeof(out)), 6);
	CHECK_MEM(out, w, 6);
	CHECK_EQ_INT(ike_sig_hash_list(IKE_SIG_HASHES_OURS, out, 4), 4);
}

static void t_not_rsa(void)
{
	struct ike_sig_scheme s = { .method = IKE_AUTH_DIGITAL_SIG, .hash = IKE_HASH_SHA2_256 };
	struct ike_bytes in[3];
	uint8_t auth[1024];
	size_t len;

	parts(in);
	CHECK_EQ_INT(ike_sig_sign(kec, &s, in, 3, auth, sizeof(auth), &len), -EINVAL);
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, auth, sizeof(auth), &len), 0);
	CHECK_EQ_INT(ike_sig_verify(kec, IKE_AUTH_DIGITAL_SIG, auth, len, in, 3, all_hashes(), NULL), -EINVAL);
	s.method = IKE_AUTH_RSA_SIG; /* method 1 is SHA-1 only */
	CHECK_EQ_INT(ike_sig_sign(k1, &s, in, 3, auth, sizeof(auth), &len), -EINVAL);
	CHECK_EQ_INT(ike_sig_verify(k1, IKE_AUTH_DSS_SIG, auth, len, in, 3, all_hashes(), NULL), -ENOTSUP);
}

int main(void)
{
	k1 = EVP_RSA_gen(2048);
	k2 = EVP_RSA_gen(2048);
	k3072 = EVP_RSA_gen(3072);
	kec = EVP_EC_gen("P-256");
	if (!k1 || !k2 || !k3072 || !kec)
		return 2;
	round_trip(IKE_AUTH_RSA_SIG, IKE_HASH_SHA1, false);
	for (uint8_t h = IKE_HASH_SHA1; h <= IKE_HASH_SHA2_512; h++) {
		round_trip(IKE_AUTH_DIGITAL_SIG, h, false);
		round_trip(IKE_AUTH_DIGITAL_SIG, h, true);
	}
	t_malformed();
	t_pss_defaults();
	t_wire_algid();
	t_choose();
	t_hash_list();
	t_not_rsa();
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(k3072);
	EVP_PKEY_free(kec);
	printf("test_ike_sig: %d checks, %d failures\n", t_checks, t_failures);
	return t_failures ? 1 : 0;
}

/*
 * PRF known answers: HMAC-SHA1 (RFC 2202) and HMAC-SHA2-256/384/512
 * (RFC 4231) through ike_prf, including the truncation cases the INTEG
 * transforms use; prf+ structure and limits (RFC 7296 section 2.13).
 */
#include <errno.h>
#include <stdint.h>

#include "ike_prf.h"
#include "test_util.h"

struct hmac_kat {
	const char *name;
	uint16_t prf;
	const char *key_hex;  /* or NULL: key_byte repeated key_len times */
	unsigned char key_byte;
	size_t key_len;
	const char *data;
	const char *mac_hex;  /* possibly truncated (test case 5) */
};

static const struct hmac_kat kats[] = {
	{ "RFC 2202 1", IKE_PRF_HMAC_SHA1, NULL, 0x0b, 20, "Hi There",
	  "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ "RFC 2202 2", IKE_PRF_HMAC_SHA1, "4a656665", 0, 0, "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ "RFC 2202 5 (SHA1-96)", IKE_PRF_HMAC_SHA1, NULL, 0x0c, 20, "Test With Truncation",
	  "4c1a03424b55e07fe7f27be1" },
	{ "RFC 2202 6", IKE_PRF_HMAC_SHA1, NULL, 0xaa, 80,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ "RFC 4231 1 SHA-256", IKE_PRF_HMAC_SHA2_256, NULL, 0x0b, 20, "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 1 SHA-384", IKE_PRF_HMAC_SHA2_384, NULL, 0x0b, 20, "Hi There",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ "RFC 4231 1 SHA-512", IKE_PRF_HMAC_SHA2_512, NULL, 0x0b, 20, "Hi There",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ "RFC 4231 2 SHA-256", IKE_PRF_HMAC_SHA2_256, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 2 SHA-384", IKE_PRF_HMAC_SHA2_384, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ "RFC 4231 2 SHA-512", IKE_PRF_HMAC_SHA2_512, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ "RFC 4231 5 SHA-256-128", IKE_PRF_HMAC_SHA2_256, NULL, 0x0c, 20, "Test With Truncation",
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 5 SHA-384-128", IKE_PRF_HMAC_SHA2_384, NULL, 0x0c, 20, "Test With Truncation",
	  "3abf34c3503b2a23a46efc619baef897" },
	{ "RFC 4231 5 SHA-512-128", IKE_PRF_HMAC_SHA2_512, NULL, 0x0c, 20, "Test With Truncation",
	  "415fad6271580a531d4179bc891d87a6" },
	{ "RFC 4231 6 SHA-256", IKE_PRF_HMAC_SHA2_256, NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 6 SHA-384", IKE_PRF_HMAC_SHA2_384, NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952" },
	{ "RFC 4231 6 SHA-512", IKE_PRF_HMAC_SHA2_512, NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
};

static void test_hmac_kats(void)
{
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct hmac_kat *k = &kats[i];
		unsigned char key[256], out[IKE_PRF_MAX_LEN];
		size_t key_len, mac_len;
		if (k->key_hex) {
			unsigned char *kb = t_unhex(k->key_hex, &key_len);
			memcpy(key, kb, key_len);
			free(kb);
		} else {
			memset(key, k->key_byte, k->key_len);
			key_len = k->key_len;
		}
		unsigned char *mac = t_unhex(k->mac_hex, &mac_len);
		/* split the data in two ranges to exercise concatenation */
		size_t dl = strlen(k->data), half = dl / 2;
		const struct ike_bytes in[] = { { (const uint8_t *)k->data, half },
						{ (const uint8_t *)k->data + half, dl - half } };
		CHECK_EQ_INT(ike_prf(k->prf, key, key_len, in, 2, out), 0);
		if (memcmp(out, mac, mac_len) != 0) {
			t_failures++;
			fprintf(stderr, "HMAC KAT %s failed\n", k->name);
		}
		t_checks++;
		free(mac);
	}
}

/* prf+ (K,S) = T1 | T2 | ..., T1 = prf (K, S | 0x01), Tk = prf (K, Tk-1 | S | k) */
static void test_prf_plus_structure(void)
{
	static const uint16_t prfs[] = { IKE_PRF_HMAC_SHA1, IKE_PRF_HMAC_SHA2_256,
					 IKE_PRF_HMAC_SHA2_384, IKE_PRF_HMAC_SHA2_512 };
	const uint8_t key[] = "prf+ key", seed[] = "seed octets";
	for (size_t i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++) {
		uint16_t prf = prfs[i];
		size_t h = ike_prf_len(prf);
		uint8_t out[3 * IKE_PRF_MAX_LEN], t[3][IKE_PRF_MAX_LEN];
		const struct ike_bytes s = { seed, sizeof(seed) };
		CHECK_EQ_INT(ike_prf_plus(prf, key, sizeof(key), &s, 1, out, 3 * h), 0);
		uint8_t c = 1;
		const struct ike_bytes in1[] = { s, { &c, 1 } };
		CHECK_EQ_INT(ike_prf(prf, key, sizeof(key), in1, 2, t[0]), 0);
		for (int k = 1; k < 3; k++) {
			c = (uint8_t)(k + 1);
			const struct ike_bytes ink[] = { { t[k - 1], h }, s, { &c, 1 } };
			CHECK_EQ_INT(ike_prf(prf, key, sizeof(key), ink, 3, t[k]), 0);
		}
		CHECK_MEM(out, t[0], h);
		CHECK_MEM(out + h, t[1], h);
		CHECK_MEM(out + 2 * h, t[2], h);
		/* a shorter output is a prefix of a longer one */
		uint8_t part[IKE_PRF_MAX_LEN + 7];
		CHECK_EQ_INT(ike_prf_plus(prf, key, sizeof(key), &s, 1, part, h + 7), 0);
		CHECK_MEM(part, out, h + 7);
	}
}

static void test_limits(void)
{
	static uint8_t big[255 * 64 + 1];
	const uint8_t key[4] = { 1, 2, 3, 4 };
	const struct ike_bytes s = { key, 4 };
	uint8_t out[64];
	/* 255 blocks is the most prf+ can produce; one octet more is refused */
	CHECK_EQ_INT(ike_prf_plus(IKE_PRF_HMAC_SHA2_512, key, 4, &s, 1, big, 255 * 64), 0);
	CHECK_EQ_INT(ike_prf_plus(IKE_PRF_HMAC_SHA2_512, key, 4, &s, 1, big, 255 * 64 + 1), -EINVAL);
	CHECK_EQ_INT(ike_prf_plus(IKE_PRF_HMAC_SHA1, key, 4, &s, 1, big, 255 * 20 + 1), -EINVAL);
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_MD5, key, 4, &s, 1, out), -ENOTSUP);
	CHECK_EQ_INT(ike_prf(IKE_PRF_AES128_XCBC, key, 4, &s, 1, out), -ENOTSUP);
	CHECK_EQ_INT(ike_prf(99, key, 4, &s, 1, out), -ENOTSUP);
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_SHA1, key, 4, &s, 1, NULL), -EINVAL);
	CHECK_EQ_INT(ike_prf_len(IKE_PRF_HMAC_SHA1), 20);
	CHECK_EQ_INT(ike_prf_len(IKE_PRF_HMAC_SHA2_256), 32);
	CHECK_EQ_INT(ike_prf_len(IKE_PRF_HMAC_SHA2_384), 48);
	CHECK_EQ_INT(ike_prf_len(IKE_PRF_HMAC_SHA2_512), 64);
	CHECK_EQ_INT(ike_prf_len(IKE_PRF_HMAC_MD5), 0);
	/* an empty key is a valid HMAC key */
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_SHA2_256, NULL, 0, &s, 1, out), 0);
}

int main(void)
{
	test_hmac_kats();
	test_prf_plus_structure();
	test_limits();
	return t_done("test_ike_prf");
}

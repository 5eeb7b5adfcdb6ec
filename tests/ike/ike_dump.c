/*
 * Prints values computed by gw_ike for verify_ike_dump.py to recompute
 * independently (Python pow(), hmac, and the "cryptography" package):
 *   DH  <group> <private> <our public> <peer public> <g^ir>
 *   AUTH <prf> <psk> <message> <nonce> <SK_p> <id body> <AUTH>
 *   SK  <encr> <key bits> <integ> <SK_e> <SK_a> <sk offset> <inner> <message>
 * All values hex. Private values are chosen here, at random, in range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_keys.h"

static void hex(const uint8_t *p, size_t n)
{
	putchar(' ');
	if (!n)
		putchar('-');
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* A private value below the group order: one octet shorter than the order
 * (or a 256-bit exponent for safe-prime groups), top bit set. */
static size_t private_len(uint16_t g)
{
	switch (g) {
	case 19: return 31;
	case 20: return 47;
	case 21: return 64;
	case 25: return 23;
	case 22: return 19;
	case 23: return 27;
	case 24: return 31;
	default: return 32;
	}
}

static int dump_dh(uint16_t g)
{
	uint8_t x[64], z[1024];
	size_t n = private_len(g), zl = ike_wire_dh_secret_len(g), pl;
	RAND_bytes(x, (int)n);
	x[0] |= 0x80;
	struct ike_dh *a = ike_dh_new_private(g, x, n), *b = ike_dh_new(g);
	if (!a || !b)
		return 1;
	const uint8_t *pb = ike_dh_public(b, &pl);
	if (ike_dh_shared(a, pb, pl, z, zl))
		return 1;
	printf("DH %u", g);
	hex(x, n);
	hex(ike_dh_public(a, NULL), pl);
	hex(pb, pl);
	hex(z, zl);
	putchar('\n');
	ike_dh_free(a);
	ike_dh_free(b);
	return 0;
}

static int dump_auth(uint16_t prf)
{
	uint8_t psk[13], msg[300], nonce[32], skp[64], id[20], auth[64];
	RAND_bytes(psk, sizeof(psk));
	RAND_bytes(msg, sizeof(msg));
	RAND_bytes(nonce, sizeof(nonce));
	RAND_bytes(skp, sizeof(skp));
	RAND_bytes(id, sizeof(id));
	size_t pl = ike_prf_len(prf);
	const struct ike_bytes rm = { msg, sizeof(msg) }, nd = { nonce, sizeof(nonce) };
	const struct ike_bytes ib = { id, sizeof(id) };
	if (ike_keys_psk_auth(prf, psk, sizeof(psk), &rm, &nd, skp, pl, &ib, auth))
		return 1;
	printf("AUTH %u", prf);
	hex(psk, sizeof(psk));
	hex(msg, sizeof(msg));
	hex(nonce, sizeof(nonce));
	hex(skp, pl);
	hex(id, sizeof(id));
	hex(auth, pl);
	putchar('\n');
	return 0;
}

static int dump_sk(uint16_t encr, uint16_t bits, uint16_t integ, size_t inner_len)
{
	uint8_t ek[36], ak[64], inner[100], pkt[512];
	size_t el = ike_crypto_encr_keylen(encr, bits), al = ike_crypto_integ_keylen(integ);
	struct ike_sk sk;
	RAND_bytes(ek, sizeof(ek));
	RAND_bytes(ak, sizeof(ak));
	RAND_bytes(inner, sizeof(inner));
	if (ike_sk_init(&sk, encr, bits, integ, ek, el, ak, al))
		return 1;
	const struct ike_hdr_info h = { .spi_i = { 1, 2, 3, 4, 5, 6, 7, 8 }, .spi_r = { 8, 7 },
					.exchange = IKE_EXCH_INFORMATIONAL, .msg_id = 5 };
	struct ike_build b;
	size_t off = 0, len = 0;
	ike_build_init(&b, pkt, sizeof(pkt), &h);
	ike_build_vendor(&b, (const uint8_t *)"clear", 5); /* an unencrypted payload in the AAD */
	ike_build_sk(&b, IKE_PL_DELETE, ike_sk_body_len(&sk, inner_len), &off);
	if (ike_build_finish(&b, &len) || ike_sk_encrypt(&sk, pkt, len, off, inner, inner_len, NULL))
		return 1;
	printf("SK %u %u %u", encr, bits, integ);
	hex(ek, el);
	hex(ak, al);
	printf(" %zu", off);
	hex(inner, inner_len);
	hex(pkt, len);
	putchar('\n');
	ike_sk_wipe(&sk);
	return 0;
}

int main(void)
{
	static const uint16_t groups[] = { 1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25 };
	int rc = 0;
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			rc |= dump_dh(groups[i]);
	rc |= dump_auth(IKE_PRF_HMAC_SHA1) | dump_auth(IKE_PRF_HMAC_SHA2_256) |
	      dump_auth(IKE_PRF_HMAC_SHA2_384) | dump_auth(IKE_PRF_HMAC_SHA2_512);
	for (size_t n = 0; n < 40; n += 13) {
		rc |= dump_sk(IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, n);
		rc |= dump_sk(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, n);
		rc |= dump_sk(IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_384_192, n);
		rc |= dump_sk(IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, n);
		rc |= dump_sk(IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, n);
	}
	if (rc)
		fprintf(stderr, "ike_dump: a computation failed\n");
	return rc;
}

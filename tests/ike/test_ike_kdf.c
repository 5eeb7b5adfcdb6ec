/*
 * IKEv2 key derivation against published SP 800-135 IKEv2 KDF vectors
 * (kat_kdf_vectors.h): SKEYSEED, the SA keys, child SA KEYMAT with and
 * without PFS, rekeyed SKEYSEED. Then the KEYMAT split and the shared-key
 * AUTH computation and its constant-time verification.
 */
#include <errno.h>
#include <stdint.h>

#include "ike_keys.h"
#include "kat_kdf_vectors.h"
#include "test_util.h"

struct vec {
	unsigned char *ni, *nr, *gir, *gir_new, *spi_i, *spi_r;
	unsigned char *skeyseed, *dkm, *dkm_child, *dkm_child_dh, *rekey;
	size_t ni_len, nr_len, gir_len, gir_new_len, spi_i_len, spi_r_len;
	size_t skeyseed_len, dkm_len, dkm_child_len, dkm_child_dh_len, rekey_len;
};

static void load(const struct kdf_vec *k, struct vec *v)
{
	v->ni = t_unhex(k->ni, &v->ni_len);
	v->nr = t_unhex(k->nr, &v->nr_len);
	v->gir = t_unhex(k->gir, &v->gir_len);
	v->gir_new = t_unhex(k->gir_new, &v->gir_new_len);
	v->spi_i = t_unhex(k->spi_i, &v->spi_i_len);
	v->spi_r = t_unhex(k->spi_r, &v->spi_r_len);
	v->skeyseed = t_unhex(k->skeyseed, &v->skeyseed_len);
	v->dkm = t_unhex(k->dkm, &v->dkm_len);
	v->dkm_child = t_unhex(k->dkm_child, &v->dkm_child_len);
	v->dkm_child_dh = t_unhex(k->dkm_child_dh, &v->dkm_child_dh_len);
	v->rekey = t_unhex(k->skeyseed_rekey, &v->rekey_len);
}

static void unload(struct vec *v)
{
	unsigned char *all[] = { v->ni, v->nr, v->gir, v->gir_new, v->spi_i, v->spi_r,
				 v->skeyseed, v->dkm, v->dkm_child, v->dkm_child_dh, v->rekey };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]);
}

/* Compare a key against DKM[off .. off+len) when the vector publishes that range. */
static void check_slice(const char *name, const char *key, const uint8_t *got, size_t len,
			const struct vec *v, size_t off)
{
	if (off + len > v->dkm_len)
		return;
	t_checks++;
	if (memcmp(got, v->dkm + off, len) != 0) {
		t_failures++;
		fprintf(stderr, "%s: %s differs from DKM[%zu..%zu)\n", name, key, off, off + len);
	}
}

static void test_vector(const struct kdf_vec *k)
{
	struct vec v;
	load(k, &v);
	const struct ike_bytes ni = { v.ni, v.ni_len }, nr = { v.nr, v.nr_len };
	const struct ike_bytes gir = { v.gir, v.gir_len }, gir_new = { v.gir_new, v.gir_new_len };
	size_t h = ike_prf_len((uint16_t)k->prf);
	uint8_t out[512];
	CHECK_EQ_INT(h, v.skeyseed_len);
	CHECK(v.spi_i_len == 8 && v.spi_r_len == 8);

	/* SKEYSEED = prf(Ni | Nr, g^ir) */
	CHECK_EQ_INT(ike_keys_skeyseed((uint16_t)k->prf, &ni, &nr, &gir, out), 0);
	CHECK_MEM(out, v.skeyseed, h);

	/* DKM = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), the whole published length */
	const struct ike_bytes seed[] = { ni, nr, { v.spi_i, 8 }, { v.spi_r, 8 } };
	CHECK(v.dkm_len <= sizeof(out));
	CHECK_EQ_INT(ike_prf_plus((uint16_t)k->prf, v.skeyseed, h, seed, 4, out, v.dkm_len), 0);
	CHECK_MEM(out, v.dkm, v.dkm_len);

	/* The seven SA keys are consecutive slices of DKM. */
	static const size_t shapes[][2] = { { 16, 20 }, { 36, 0 }, { 32, 64 }, { 24, 48 } };
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		size_t e = shapes[s][0], a = shapes[s][1];
		struct ike_sa_keys sk;
		CHECK_EQ_INT(ike_keys_derive(&sk, (uint16_t)k->prf, e, a, &ni, &nr, &gir, v.spi_i,
					     v.spi_r), 0);
		CHECK_EQ_INT(sk.prf_len, h);
		size_t off = 0;
		check_slice(k->name, "SK_d", sk.sk_d, h, &v, off), off += h;
		check_slice(k->name, "SK_ai", sk.sk_ai, a, &v, off), off += a;
		check_slice(k->name, "SK_ar", sk.sk_ar, a, &v, off), off += a;
		check_slice(k->name, "SK_ei", sk.sk_ei, e, &v, off), off += e;
		check_slice(k->name, "SK_er", sk.sk_er, e, &v, off), off += e;
		check_slice(k->name, "SK_pi", sk.sk_pi, h, &v, off), off += h;
		check_slice(k->name, "SK_pr", sk.sk_pr, h, &v, off);
		ike_keys_wipe(&sk);
	}

	const uint8_t *sk_d = v.dkm; /* SK_d = first prf_len octets of DKM */
	/* KEYMAT = prf+(SK_d, Ni | Nr) */
	if (v.dkm_child_len) {
		CHECK_EQ_INT(ike_keys_keymat((uint16_t)k->prf, sk_d, h, NULL, &ni, &nr, out,
					     v.dkm_child_len), 0);
		CHECK_MEM(out, v.dkm_child, v.dkm_child_len);
		const struct ike_bytes none = { NULL, 0 };
		CHECK_EQ_INT(ike_keys_keymat((uint16_t)k->prf, sk_d, h, &none, &ni, &nr, out,
					     v.dkm_child_len), 0);
		CHECK_MEM(out, v.dkm_child, v.dkm_child_len);
	}
	/* KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) */
	if (v.dkm_child_dh_len) {
		CHECK_EQ_INT(ike_keys_keymat((uint16_t)k->prf, sk_d, h, &gir_new, &ni, &nr, out,
					     v.dkm_child_dh_len), 0);
		CHECK_MEM(out, v.dkm_child_dh, v.dkm_child_dh_len);
	}
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
	CHECK_EQ_INT(ike_keys_rekey_skeyseed((uint16_t)k->prf, sk_d, h, &gir_new, &ni, &nr, out), 0);
	CHECK_MEM(out, v.rekey, v.rekey_len);

	/* The rekeyed SA's keys: prf+ of that SKEYSEED with the new SA's values. */
	struct ike_sa_keys rk;
	uint8_t expect[3 * 64 + 2 * 20 + 2 * 16];
	CHECK_EQ_INT(ike_keys_derive_rekey(&rk, (uint16_t)k->prf, 16, 20, (uint16_t)k->prf, sk_d,
					   h, &gir_new, &ni, &nr, v.spi_i, v.spi_r), 0);
	CHECK_EQ_INT(ike_prf_plus((uint16_t)k->prf, v.rekey, h, seed, 4, expect,
				  3 * h + 2 * 20 + 2 * 16), 0);
	CHECK_MEM(rk.sk_d, expect, h);
	CHECK_MEM(rk.sk_ai, expect + h, 20);
	CHECK_MEM(rk.sk_er, expect + h + 40 + 16, 16);
	CHECK_MEM(rk.sk_pr, expect + 2 * h + 72, h);
	ike_keys_wipe(&rk);

	/* Child key split (2.17): ei | ai | er | ar */
	if (v.dkm_child_dh_len >= 2 * (32 + 32)) {
		struct ike_child_keys ck;
		CHECK_EQ_INT(ike_keys_child(&ck, (uint16_t)k->prf, sk_d, h, &gir_new, &ni, &nr, 32,
					    32), 0);
		CHECK_MEM(ck.ei, v.dkm_child_dh, 32);
		CHECK_MEM(ck.ai, v.dkm_child_dh + 32, 32);
		CHECK_MEM(ck.er, v.dkm_child_dh + 64, 32);
		CHECK_MEM(ck.ar, v.dkm_child_dh + 96, 32);
		ike_keys_child_wipe(&ck);
	}
	unload(&v);
}

static void test_psk_auth(void)
{
	const uint8_t msg1[] = "the whole IKE_SA_INIT request as sent";
	const uint8_t nonce_r[32] = { 1, 2, 3, 4, 5 };
	const uint8_t sk_pi[32] = { 9, 8, 7 };
	const uint8_t id_body[] = { IKE_ID_FQDN, 0, 0, 0, 'v', 'p', 'p', '.', 'h', 'o', 'm', 'e' };
	const uint8_t psk[] = "Vpp123";
	const struct ike_bytes rm = { msg1, sizeof(msg1) }, nd = { nonce_r, sizeof(nonce_r) };
	const struct ike_bytes id = { id_body, sizeof(id_body) };
	uint8_t auth[64], maced[64], pad_key[64], want[64];

	CHECK_EQ_INT(ike_keys_psk_auth(IKE_PRF_HMAC_SHA2_256, psk, 6, &rm, &nd, sk_pi, 32, &id, auth), 0);
	/* the formula spelled out with the PRF alone */
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_SHA2_256, sk_pi, 32, &id, 1, maced), 0);
	const struct ike_bytes kp = { (const uint8_t *)"Key Pad for IKEv2", 17 };
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_SHA2_256, psk, 6, &kp, 1, pad_key), 0);
	const struct ike_bytes so[] = { rm, nd, { maced, 32 } };
	CHECK_EQ_INT(ike_prf(IKE_PRF_HMAC_SHA2_256, pad_key, 32, so, 3, want), 0);
	CHECK_MEM(auth, want, 32);

	CHECK_EQ_INT(ike_keys_psk_verify(IKE_PRF_HMAC_SHA2_256, psk, 6, &rm, &nd, sk_pi, 32, &id,
					 auth, 32), 0);
	auth[31] ^= 1;
	CHECK_EQ_INT(ike_keys_psk_verify(IKE_PRF_HMAC_SHA2_256, psk, 6, &rm, &nd, sk_pi, 32, &id,
					 auth, 32), -EBADMSG);
	auth[31] ^= 1;
	CHECK_EQ_INT(ike_keys_psk_verify(IKE_PRF_HMAC_SHA2_256, psk, 6, &rm, &nd, sk_pi, 32, &id,
					 auth, 31), -EBADMSG);
	CHECK_EQ_INT(ike_keys_psk_verify(IKE_PRF_HMAC_SHA2_256, psk, 5, &rm, &nd, sk_pi, 32, &id,
					 auth, 32), -EBADMSG);
	CHECK_EQ_INT(ike_keys_psk_verify(IKE_PRF_HMAC_SHA2_256, psk, 6, &rm, &nd, sk_pi, 32, &id,
					 NULL, 32), -EBADMSG);
	CHECK_EQ_INT(ike_keys_psk_auth(IKE_PRF_HMAC_MD5, psk, 6, &rm, &nd, sk_pi, 32, &id, auth),
		     -ENOTSUP);
}

static void test_bad_args(void)
{
	struct ike_sa_keys k;
	uint8_t n[16] = { 0 }, spi[8] = { 1 }, out[64];
	const struct ike_bytes ni = { n, 16 }, empty = { n, 0 }, big = { n, 257 };
	CHECK_EQ_INT(ike_keys_derive(&k, IKE_PRF_HMAC_SHA1, 16, 20, &ni, &ni, &empty, spi, spi), -EINVAL);
	CHECK_EQ_INT(ike_keys_derive(&k, IKE_PRF_HMAC_SHA1, 37, 20, &ni, &ni, &ni, spi, spi), -EINVAL);
	CHECK_EQ_INT(ike_keys_derive(&k, IKE_PRF_HMAC_SHA1, 16, 65, &ni, &ni, &ni, spi, spi), -EINVAL);
	CHECK_EQ_INT(ike_keys_derive(&k, 99, 16, 20, &ni, &ni, &ni, spi, spi), -ENOTSUP);
	CHECK_EQ_INT(ike_keys_skeyseed(IKE_PRF_HMAC_SHA1, &big, &ni, &ni, out), -EINVAL);
	CHECK_EQ_INT(ike_keys_keymat(IKE_PRF_HMAC_SHA1, NULL, 20, NULL, &ni, &ni, out, 20), -EINVAL);
	ike_keys_wipe(NULL);
	ike_keys_child_wipe(NULL);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(kdf_vecs) / sizeof(kdf_vecs[0]); i++)
		test_vector(&kdf_vecs[i]);
	test_psk_auth();
	test_bad_args();
	return t_done("test_ike_kdf");
}

/*
 * Every transform and DH group of the seed negotiates between two engines,
 * configured on both ends (weak ones included: they work when configured),
 * for the IKE SA and for ESP (with and without ESN, with PFS in
 * CREATE_CHILD_SA). Both ends must derive the same keys, and the SAD gets
 * the algorithms the config API names.
 */
#include "check.h"
#include "ikev2_prop.h"

static void run(const struct shm_ike_transforms *ike, const struct shm_ike_transforms *esp, int esn,
		uint8_t want_crypto, uint8_t want_integ)
{
	struct t_world w;
	struct shm_profile *a, *b;
	struct ikev2_sa *sa;
	struct t_sa *s;

	t_world_init(&w);
	a = t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	b = t_profile(&w.p[1], "pr1", false, NULL);
	if (ike)
		a->ike = b->ike = *ike;
	if (esp)
		a->esp = b->esp = *esp;
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	sa = c_the_sa(&w.p[0]);
	c_ike_match(sa, c_the_sa(&w.p[1]));
	CHECK(sa->children, "child");
	c_children_match(&w.p[0], sa, &w.p[1], c_the_sa(&w.p[1]));
	if (ike)
		CHECK(sa->xf.encr == ike->encr && sa->xf.dh == ike->dh_group &&
		      (ike->encr == IKE_ENCR_AES_GCM_16 || sa->xf.integ == ike->integ), "IKE transforms");
	s = t_sa_find(&w.p[0], sa->children->sa_out);
	CHECK(s->s.crypto_alg == want_crypto && s->s.integ_alg == want_integ, "SAD algorithms %u/%u, want %u/%u",
	      s->s.crypto_alg, s->s.integ_alg, want_crypto, want_integ);
	if (esn >= 0)
		CHECK(s->s.esn == (esn == 1), "ESN");
	if (esp && esp->dh_group) {
		/* PFS: an additional child over CREATE_CHILD_SA with a KE. */
		CHECK(ikev2_engine_create_child(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "create");
		t_run(&w);
		CHECK(c_n_child(sa, IKEV2_CHILD_INSTALLED) == 2, "PFS child");
		CHECK(sa->children->next->xf.dh == esp->dh_group, "PFS group %u", sa->children->next->xf.dh);
		c_children_match(&w.p[0], sa, &w.p[1], c_the_sa(&w.p[1]));
		/* and a rekey of it with PFS */
		CHECK(ikev2_engine_rekey_child(w.p[0].e, sa->children->next->spi_in) == 0, "rekey");
		t_run(&w);
		t_advance(&w, 1);
		c_children_match(&w.p[0], c_the_sa(&w.p[0]), &w.p[1], c_the_sa(&w.p[1]));
	}
	t_world_fini(&w);
}

static const struct { uint16_t encr, bits; } encrs[] = {
	{ IKE_ENCR_DES, 0 }, { IKE_ENCR_3DES, 0 }, { IKE_ENCR_AES_CBC, 128 }, { IKE_ENCR_AES_CBC, 192 },
	{ IKE_ENCR_AES_CBC, 256 }, { IKE_ENCR_AES_GCM_16, 128 }, { IKE_ENCR_AES_GCM_16, 192 },
	{ IKE_ENCR_AES_GCM_16, 256 },
};
static const uint16_t integs[] = { IKE_INTEG_HMAC_SHA1_96, IKE_INTEG_HMAC_SHA2_256_128,
				   IKE_INTEG_HMAC_SHA2_384_192, IKE_INTEG_HMAC_SHA2_512_256 };
static const uint16_t groups[] = { 1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25 };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t shm_crypto(uint16_t encr, uint16_t bits)
{
	int k = bits == 128 ? 0 : bits == 192 ? 1 : 2;

	switch (encr) {
	case IKE_ENCR_DES: return SHM_CRYPTO_DES_CBC;
	case IKE_ENCR_3DES: return SHM_CRYPTO_3DES_CBC;
	case IKE_ENCR_AES_CBC: return (uint8_t)(SHM_CRYPTO_AES_CBC_128 + k);
	case IKE_ENCR_AES_CTR: return (uint8_t)(SHM_CRYPTO_AES_CTR_128 + k);
	default: return (uint8_t)(SHM_CRYPTO_AES_GCM_128 + k);
	}
}

static uint8_t shm_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_MD5_96: return SHM_INTEG_MD5_96;
	case IKE_INTEG_HMAC_SHA1_96: return SHM_INTEG_SHA1_96;
	case IKE_INTEG_HMAC_SHA2_256_128: return SHM_INTEG_SHA_256_128;
	case IKE_INTEG_HMAC_SHA2_384_192: return SHM_INTEG_SHA_384_192;
	case IKE_INTEG_HMAC_SHA2_512_256: return SHM_INTEG_SHA_512_256;
	}
	return SHM_INTEG_NONE;
}

/* Responder choices the peer's order decides: ESN yes, unknown transform
 * types and attributes, AEAD with a NONE integrity transform, KE mismatch. */
static void t_pick(void)
{
	struct ike_proposal pr = { .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4, .n_xforms = 3 };
	struct ikev2_xf xf;

	pr.xf[0] = (struct ike_xform){ .type = IKE_XFORM_ENCR, .id = IKE_ENCR_AES_GCM_16, .key_bits = 256 };
	pr.xf[1] = (struct ike_xform){ .type = IKE_XFORM_ESN, .id = IKE_ESN_YES };
	pr.xf[2] = (struct ike_xform){ .type = IKE_XFORM_ESN, .id = IKE_ESN_NO };
	CHECK(ikev2_prop_pick_esp(&pr, NULL, true, 0, &xf) == 0 && xf.esn == IKE_ESN_YES, "ESN yes first");
	pr.xf[0].unknown_attr = true;
	CHECK(ikev2_prop_pick_esp(&pr, NULL, true, 0, &xf) < 0, "unknown attribute: transform refused");
	pr.xf[0].unknown_attr = false;
	pr.xf[3] = (struct ike_xform){ .type = 9, .id = 1 };
	pr.n_xforms = 4;
	CHECK(ikev2_prop_pick_esp(&pr, NULL, true, 0, &xf) < 0, "unknown transform type: proposal refused");
	pr.xf[3] = (struct ike_xform){ .type = IKE_XFORM_INTEG, .id = IKE_INTEG_NONE };
	CHECK(ikev2_prop_pick_esp(&pr, NULL, true, 0, &xf) == 0 && xf.integ == 0, "AEAD with INTEG NONE");
	pr.xf[3] = (struct ike_xform){ .type = IKE_XFORM_DH, .id = 20 };
	CHECK(ikev2_prop_pick_esp(&pr, NULL, false, 19, &xf) == 1 && xf.dh == 20, "KE 19, proposal 20: INVALID_KE");
	CHECK(ikev2_prop_pick_esp(&pr, NULL, false, 20, &xf) == 0 && xf.dh == 20, "PFS 20");
	CHECK(ikev2_prop_pick_esp(&pr, NULL, true, 0, &xf) == 0 && xf.dh == 0, "no DH in IKE_AUTH");
}

int main(void)
{
	unsigned n = 0;

	gw_log_init("test_ikev2d_transforms", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_ERR);
	t_pick();
	/* IKE: every ENCR x INTEG (GCM: none) with ecp-256, every group with aes-cbc-128/sha2-256. */
	for (size_t i = 0; i < N(encrs); i++)
		for (size_t j = 0; j < N(integs); j++) {
			bool gcm = encrs[i].encr == IKE_ENCR_AES_GCM_16;
			struct shm_ike_transforms t = { 1, (uint8_t)encrs[i].encr, gcm ? 0 : (uint8_t)integs[j], 19,
							encrs[i].bits, 0 };
			if (gcm && j)
				continue;
			run(&t, NULL, -1, SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE);
			n++;
		}
	for (size_t g = 0; g < N(groups); g++) {
		struct shm_ike_transforms t = { 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA2_256_128, (uint8_t)groups[g],
						128, 0 };
		run(&t, NULL, -1, SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE);
		n++;
	}
	/* ESP: every ENCR (and aes-ctr) x INTEG (and md5-96). */
	for (size_t i = 0; i < N(encrs) + 3; i++) {
		uint16_t encr = i < N(encrs) ? encrs[i].encr : IKE_ENCR_AES_CTR;
		uint16_t bits = i < N(encrs) ? encrs[i].bits : (uint16_t)(128 + 64 * (i - N(encrs)));
		for (size_t j = 0; j <= N(integs); j++) {
			bool gcm = encr == IKE_ENCR_AES_GCM_16;
			uint16_t integ = j < N(integs) ? integs[j] : IKE_INTEG_HMAC_MD5_96;
			struct shm_ike_transforms t = { 1, (uint8_t)encr, gcm ? 0 : (uint8_t)integ, 0, bits, 0 };
			if (gcm && j)
				continue;
			run(NULL, &t, 0, shm_crypto(encr, bits), gcm ? SHM_INTEG_NONE : shm_integ(integ));
			n++;
		}
	}
	/* PFS in CREATE_CHILD_SA with every group. */
	for (size_t g = 0; g < N(groups); g++) {
		struct shm_ike_transforms t = { 1, IKE_ENCR_AES_GCM_16, 0, (uint8_t)groups[g], 128, 0 };
		run(NULL, &t, -1, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE);
		n++;
	}
	printf("test_ikev2d_transforms: %u negotiations ok\n", n);
	return 0;
}

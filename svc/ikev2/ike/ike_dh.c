/*
 * Diffie-Hellman groups for IKEv2 on OpenSSL 3. MODP arithmetic is BN
 * (constant-time exponentiation with the private value); ECP is EC_POINT
 * arithmetic (d*G, and d*Q by OpenSSL's constant-time ladder, as its own
 * ECDH does) without building EVP keys per exchange. Group parameters are
 * built once per process.
 */
#include "ike_dh.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

/* RFC 5114 sections 2.1-2.3: prime p, generator g of the order-q subgroup. */
static const char g22_p[] =
	"B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61"
	"6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF"
	"ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0"
	"A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371";
static const char g22_g[] =
	"A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31"
	"266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4"
	"D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A"
	"D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5";
static const char g22_q[] =
	"F518AA8781A8DF278ABA4E7D64B7CB9D49462353";
static const char g23_p[] =
	"AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75"
	"E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A6"
	"6D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207"
	"C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A3170918836"
	"81286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A074"
	"15987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8"
	"BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29"
	"E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F";
static const char g23_g[] =
	"AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3"
	"A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652"
	"BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98A"
	"E247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D1"
	"19529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8AC"
	"B70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381"
	"B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD"
	"7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA";
static const char g23_q[] =
	"801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB";
static const char g24_p[] =
	"87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00"
	"E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C"
	"209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B"
	"6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76"
	"B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8E"
	"F6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026"
	"C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103"
	"A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597";
static const char g24_g[] =
	"3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA125"
	"10DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62"
	"901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B"
	"777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193"
	"B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0A"
	"DB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915"
	"B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C3"
	"2F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659";
static const char g24_q[] =
	"8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3";

enum dh_kind { DH_MODP, DH_ECP };

struct dh_group {
	uint16_t id;
	enum dh_kind kind;
	/* MODP: the prime from OpenSSL's RFC 2409/3526 tables, or hex (RFC 5114) */
	BIGNUM *(*rfc_prime)(BIGNUM *);
	const char *p_hex, *g_hex, *q_hex;
	int exp_bits; /* private exponent bits for safe-prime groups (RFC 3526 section 8) */
	/* ECP */
	int nid;
	const char *curve; /* OpenSSL group name */
	bool weak;
};

static const struct dh_group groups[] = {
	{ IKE_DH_MODP_768, DH_MODP, BN_get_rfc2409_prime_768, NULL, NULL, NULL, 256, 0, NULL, true },
	{ IKE_DH_MODP_1024, DH_MODP, BN_get_rfc2409_prime_1024, NULL, NULL, NULL, 256, 0, NULL, true },
	{ IKE_DH_MODP_1536, DH_MODP, BN_get_rfc3526_prime_1536, NULL, NULL, NULL, 256, 0, NULL, true },
	{ IKE_DH_MODP_2048, DH_MODP, BN_get_rfc3526_prime_2048, NULL, NULL, NULL, 320, 0, NULL, false },
	{ IKE_DH_MODP_3072, DH_MODP, BN_get_rfc3526_prime_3072, NULL, NULL, NULL, 420, 0, NULL, false },
	{ IKE_DH_MODP_4096, DH_MODP, BN_get_rfc3526_prime_4096, NULL, NULL, NULL, 480, 0, NULL, false },
	{ IKE_DH_MODP_6144, DH_MODP, BN_get_rfc3526_prime_6144, NULL, NULL, NULL, 540, 0, NULL, false },
	{ IKE_DH_MODP_8192, DH_MODP, BN_get_rfc3526_prime_8192, NULL, NULL, NULL, 620, 0, NULL, false },
	{ IKE_DH_ECP_256, DH_ECP, NULL, NULL, NULL, NULL, 0, NID_X9_62_prime256v1, "P-256", false },
	{ IKE_DH_ECP_384, DH_ECP, NULL, NULL, NULL, NULL, 0, NID_secp384r1, "P-384", false },
	{ IKE_DH_ECP_521, DH_ECP, NULL, NULL, NULL, NULL, 0, NID_secp521r1, "P-521", false },
	{ IKE_DH_MODP_1024_160, DH_MODP, NULL, g22_p, g22_g, g22_q, 0, 0, NULL, true },
	{ IKE_DH_MODP_2048_224, DH_MODP, NULL, g23_p, g23_g, g23_q, 0, 0, NULL, false },
	{ IKE_DH_MODP_2048_256, DH_MODP, NULL, g24_p, g24_g, g24_q, 0, 0, NULL, false },
	{ IKE_DH_ECP_192, DH_ECP, NULL, NULL, NULL, NULL, 0, NID_X9_62_prime192v1, "P-192", true },
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* Per-group parameters built once, then read-only (safe to share between threads). */
struct dh_params {
	BIGNUM *p, *g, *q;   /* q NULL for safe-prime groups */
	BIGNUM *p_minus_1;
	BN_MONT_CTX *mont;
	EC_GROUP *ec;
	BIGNUM *field;       /* ECP field prime */
	bool ok;
};

static struct dh_params params[N_GROUPS];
static pthread_once_t params_once = PTHREAD_ONCE_INIT;

static bool modp_init(const struct dh_group *g, struct dh_params *pp, BN_CTX *ctx)
{
	if (g->rfc_prime) {
		pp->p = g->rfc_prime(NULL);
		pp->g = BN_new();
		if (!pp->p || !pp->g || !BN_set_word(pp->g, 2))
			return false;
	} else if (!BN_hex2bn(&pp->p, g->p_hex) || !BN_hex2bn(&pp->g, g->g_hex) ||
		   !BN_hex2bn(&pp->q, g->q_hex)) {
		return false;
	}
	pp->p_minus_1 = BN_dup(pp->p);
	pp->mont = BN_MONT_CTX_new();
	return pp->p_minus_1 && BN_sub_word(pp->p_minus_1, 1) && pp->mont &&
	       BN_MONT_CTX_set(pp->mont, pp->p, ctx);
}

static bool ecp_init(const struct dh_group *g, struct dh_params *pp, BN_CTX *ctx)
{
	pp->ec = EC_GROUP_new_by_curve_name(g->nid);
	pp->field = BN_new();
	return pp->ec && pp->field && EC_GROUP_get_curve(pp->ec, pp->field, NULL, NULL, ctx);
}

static void params_init(void)
{
	BN_CTX *ctx = BN_CTX_new();
	for (size_t i = 0; ctx && i < N_GROUPS; i++) {
		bool ok = groups[i].kind == DH_MODP ? modp_init(&groups[i], &params[i], ctx)
						    : ecp_init(&groups[i], &params[i], ctx);
		params[i].ok = ok; /* a group that failed stays unsupported */
	}
	BN_CTX_free(ctx);
}

static const struct dh_group *group_find(uint16_t id, const struct dh_params **pp)
{
	pthread_once(&params_once, params_init);
	for (size_t i = 0; i < N_GROUPS; i++)
		if (groups[i].id == id) {
			if (!params[i].ok)
				return NULL;
			if (pp)
				*pp = &params[i];
			return &groups[i];
		}
	return NULL;
}

struct ike_dh {
	const struct dh_group *g;
	const struct dh_params *pp;
	BIGNUM *x;      /* private value: MODP exponent, ECP scalar */
	size_t pub_len;
	uint8_t pub[IKE_DH_MAX_PUB];
};

bool ike_dh_supported(uint16_t group)
{
	return group_find(group, NULL) != NULL;
}

bool ike_dh_is_weak(uint16_t group)
{
	const struct dh_group *g = group_find(group, NULL);
	return g && g->weak;
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh ? dh->g->id : 0;
}

const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len)
{
	if (!dh)
		return NULL;
	if (len)
		*len = dh->pub_len;
	return dh->pub;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	BN_clear_free(dh->x);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

/* ---- MODP ---------------------------------------------------------------- */

/* y = g^x mod p into dh->pub, left-padded to the prime's length. */
static int modp_set_private(struct ike_dh *dh, BN_CTX *ctx)
{
	const struct dh_params *pp = dh->pp;
	BIGNUM *y = BN_CTX_get(ctx);
	if (!y)
		return -ENOMEM;
	BN_set_flags(dh->x, BN_FLG_CONSTTIME);
	if (!BN_mod_exp_mont_consttime(y, pp->g, dh->x, pp->p, ctx, pp->mont) ||
	    BN_bn2binpad(y, dh->pub, (int)dh->pub_len) < 0)
		return -EIO;
	return 0;
}

/* 1 < y < p-1, and y^q = 1 mod p for prime-order subgroups (RFC 6989 section 2.2). */
static int modp_check(const struct dh_params *pp, const BIGNUM *y, BN_CTX *ctx)
{
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pp->p_minus_1) >= 0)
		return -EINVAL;
	if (pp->q) {
		BIGNUM *t = BN_CTX_get(ctx);
		if (!t || !BN_mod_exp_mont(t, y, pp->q, pp->p, ctx, pp->mont))
			return -EIO;
		if (!BN_is_one(t))
			return -EINVAL;
	}
	return 0;
}

static int modp_shared(const struct ike_dh *dh, const uint8_t *peer, size_t len, uint8_t *out,
		       size_t out_len)
{
	const struct dh_params *pp = dh->pp;
	int rc = -ENOMEM;
	BN_CTX *ctx = BN_CTX_secure_new();
	if (!ctx)
		return -ENOMEM;
	BN_CTX_start(ctx);
	BIGNUM *y = BN_CTX_get(ctx), *z = BN_CTX_get(ctx);
	if (!z || !BN_bin2bn(peer, (int)len, y))
		goto out;
	rc = modp_check(pp, y, ctx);
	if (rc)
		goto out;
	/* g^ir = (g^r)^i mod p */
	rc = -EIO;
	if (!BN_mod_exp_mont_consttime(z, y, dh->x, pp->p, ctx, pp->mont) ||
	    BN_bn2binpad(z, out, (int)out_len) < 0)
		goto out;
	rc = 0;
out:
	BN_CTX_end(ctx); /* secure context: z is cleared when freed */
	BN_CTX_free(ctx);
	return rc;
}

/* ---- ECP ----------------------------------------------------------------- */

/* Q = d*G into dh->pub as x | y (d is dh->x, kept for g^ir). */
static int ecp_set_private(struct ike_dh *dh, BN_CTX *ctx)
{
	const struct dh_params *pp = dh->pp;
	size_t flen = dh->pub_len / 2;
	int rc = -EIO;
	EC_POINT *q = EC_POINT_new(pp->ec);
	BIGNUM *x = BN_CTX_get(ctx), *y = BN_CTX_get(ctx);
	if (!q || !y)
		goto out;
	BN_set_flags(dh->x, BN_FLG_CONSTTIME);
	if (!EC_POINT_mul(pp->ec, q, dh->x, NULL, NULL, ctx) ||
	    !EC_POINT_get_affine_coordinates(pp->ec, q, x, y, ctx) ||
	    BN_bn2binpad(x, dh->pub, (int)flen) < 0 || BN_bn2binpad(y, dh->pub + flen, (int)flen) < 0)
		goto out;
	rc = 0;
out:
	EC_POINT_free(q);
	return rc;
}

/* The peer's point from x | y into pt, checked (RFC 6989 section 2.3):
 * coordinates below the field prime, on the curve, not infinity. The
 * curves here have prime order (cofactor 1): nothing else to check. */
static int ecp_point(const struct dh_params *pp, const uint8_t *pub, size_t len, EC_POINT *pt, BN_CTX *ctx)
{
	int rc = -ENOMEM;
	BN_CTX_start(ctx);
	BIGNUM *x = BN_CTX_get(ctx), *y = BN_CTX_get(ctx);
	if (!y || !BN_bin2bn(pub, (int)(len / 2), x) || !BN_bin2bn(pub + len / 2, (int)(len / 2), y))
		goto end;
	rc = -EINVAL;
	if (BN_cmp(x, pp->field) >= 0 || BN_cmp(y, pp->field) >= 0 ||
	    !EC_POINT_set_affine_coordinates(pp->ec, pt, x, y, ctx) ||
	    EC_POINT_is_on_curve(pp->ec, pt, ctx) != 1 || EC_POINT_is_at_infinity(pp->ec, pt))
		goto end;
	rc = 0;
end:
	BN_CTX_end(ctx);
	return rc;
}

static int ecp_check(const struct dh_params *pp, const uint8_t *pub, size_t len)
{
	BN_CTX *ctx = BN_CTX_new();
	EC_POINT *pt = EC_POINT_new(pp->ec);
	int rc = ctx && pt ? ecp_point(pp, pub, len, pt, ctx) : -ENOMEM;
	EC_POINT_free(pt);
	BN_CTX_free(ctx);
	return rc;
}

static int ecp_shared(const struct ike_dh *dh, const uint8_t *peer, size_t len, uint8_t *out,
		      size_t out_len)
{
	const struct dh_params *pp = dh->pp;
	BN_CTX *ctx = BN_CTX_secure_new();
	EC_POINT *q = EC_POINT_new(pp->ec), *z = EC_POINT_new(pp->ec);
	int rc = -ENOMEM;
	if (!ctx || !q || !z)
		goto out;
	if ((rc = ecp_point(pp, peer, len, q, ctx)) < 0)
		goto out;
	BN_CTX_start(ctx);
	BIGNUM *x = BN_CTX_get(ctx), *y = BN_CTX_get(ctx);
	/* g^ir = x coordinate of d_i * Q_r (RFC 5903 section 7) */
	rc = -EIO;
	if (y && EC_POINT_mul(pp->ec, z, NULL, q, dh->x, ctx) && !EC_POINT_is_at_infinity(pp->ec, z) &&
	    EC_POINT_get_affine_coordinates(pp->ec, z, x, y, ctx) && BN_bn2binpad(x, out, (int)out_len) >= 0)
		rc = 0;
	BN_CTX_end(ctx); /* secure context: x and y are cleared when freed */
out:
	EC_POINT_clear_free(z);
	EC_POINT_free(q);
	BN_CTX_free(ctx);
	return rc;
}

/* ---- Common -------------------------------------------------------------- */

static struct ike_dh *dh_alloc(uint16_t group)
{
	const struct dh_params *pp;
	const struct dh_group *g = group_find(group, &pp);
	if (!g)
		return NULL;
	struct ike_dh *dh = calloc(1, sizeof(*dh));
	if (!dh)
		return NULL;
	dh->g = g;
	dh->pp = pp;
	dh->pub_len = ike_wire_ke_len(group);
	return dh;
}

/* Take ownership of the private value v (cleared and freed on failure). */
static struct ike_dh *dh_finish(struct ike_dh *dh, BIGNUM *v, BN_CTX *ctx)
{
	dh->x = v;
	int rc = dh->g->kind == DH_MODP ? modp_set_private(dh, ctx) : ecp_set_private(dh, ctx);
	if (rc) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

/* Is v a valid private value for the group? */
static bool private_ok(const struct ike_dh *dh, const BIGNUM *v)
{
	const struct dh_params *pp = dh->pp;
	if (BN_is_zero(v) || BN_is_negative(v))
		return false;
	if (dh->g->kind == DH_ECP)
		return BN_cmp(v, EC_GROUP_get0_order(pp->ec)) < 0;
	if (pp->q)
		return BN_cmp(v, pp->q) < 0;
	return !BN_is_one(v) && BN_cmp(v, pp->p_minus_1) < 0;
}

struct ike_dh *ike_dh_new(uint16_t group)
{
	struct ike_dh *dh = dh_alloc(group);
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *v = BN_secure_new();
	if (!dh || !ctx || !v)
		goto fail;
	const struct dh_params *pp = dh->pp;
	const BIGNUM *range = dh->g->kind == DH_ECP ? EC_GROUP_get0_order(pp->ec) : pp->q;
	do {
		/* ECP and RFC 5114 groups: 0 < v < order; safe primes: an exp_bits-bit exponent */
		int ok = range ? BN_priv_rand_range_ex(v, range, 0, ctx)
			       : BN_priv_rand_ex(v, dh->g->exp_bits, BN_RAND_TOP_ONE,
						 BN_RAND_BOTTOM_ANY, 0, ctx);
		if (!ok)
			goto fail;
	} while (!private_ok(dh, v));
	BN_CTX_start(ctx);
	dh = dh_finish(dh, v, ctx);
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return dh;
fail:
	BN_clear_free(v);
	BN_CTX_free(ctx);
	ike_dh_free(dh);
	return NULL;
}

struct ike_dh *ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len)
{
	struct ike_dh *dh = dh_alloc(group);
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *v = BN_secure_new();
	if (!dh || !ctx || !v || !priv || len == 0 || len > IKE_DH_MAX_PUB ||
	    !BN_bin2bn(priv, (int)len, v) || !private_ok(dh, v))
		goto fail;
	BN_CTX_start(ctx);
	dh = dh_finish(dh, v, ctx);
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return dh;
fail:
	BN_clear_free(v);
	BN_CTX_free(ctx);
	ike_dh_free(dh);
	return NULL;
}

int ike_dh_check_peer(uint16_t group, const uint8_t *pub, size_t len)
{
	const struct dh_params *pp;
	const struct dh_group *g = group_find(group, &pp);
	if (!g)
		return -ENOTSUP;
	if (!pub || len != ike_wire_ke_len(group))
		return -EINVAL;
	if (g->kind == DH_ECP)
		return ecp_check(pp, pub, len);
	int rc = -ENOMEM;
	BN_CTX *ctx = BN_CTX_new();
	if (!ctx)
		return rc;
	BN_CTX_start(ctx);
	BIGNUM *y = BN_CTX_get(ctx);
	if (y && BN_bin2bn(pub, (int)len, y))
		rc = modp_check(pp, y, ctx);
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return rc;
}

int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_len)
{
	if (!dh || !peer || !out || peer_len != dh->pub_len ||
	    out_len != ike_wire_dh_secret_len(dh->g->id))
		return -EINVAL;
	int rc = dh->g->kind == DH_MODP ? modp_shared(dh, peer, peer_len, out, out_len)
					 : ecp_shared(dh, peer, peer_len, out, out_len);
	if (rc)
		OPENSSL_cleanse(out, out_len);
	return rc;
}

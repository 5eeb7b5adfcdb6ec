/*
 * Diffie-Hellman: for every group, two key pairs agree on g^ir, and the
 * value agrees with a second computation driven separately through
 * OpenSSL's low-level BN_mod_exp / EC_POINT_mul with parameters taken from
 * OpenSSL's own tables (verify_ike_dump.py adds a third, in Python).
 * RFC 5114 appendix A known answers for groups 19-25. Peer validation
 * rejects 0, 1, p-1, p, out-of-subgroup and off-curve values.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "ike_dh.h"
#include "test_util.h"

/* RFC 5114 appendix A: private A, public A, private B, public B, g^ir.
 * ECP publics are x | y as IKE carries them; g^ir is x_Z. */
struct dh_kat {
	uint16_t group;
	const char *priv_a, *pub_a, *priv_b, *pub_b, *z;
};

static const struct dh_kat kats[] = {
	{ 22,
	  "B9A3B3AE8FEFC1A2930496507086F8455D48943E",
	  "2A853B3D92197501B9015B2DEB3ED84F5E021DCC3E52F109D3273D2B7521281C"
	  "BABE0E76FF5727FA8ACCE26956BA9A1FCA26F20228D8693FEB10841D84A73600"
	  "54ECE5A7F5B7A61AD3DFB3C60D2E43106D8727DA37DF9CCE95B478755D06BCEA"
	  "8F9D45965F75A5F3D1DF3701165FC9E50C4279CEB07F989540AE96D5D88ED776",
	  "9392C9F9EB6A7A6A9022F7D83E7223C6835BBDDA",
	  "717A6CB053371FF4A3B932941C1E5663F861A1D6AD34AE66576DFB98F6C6CBF9"
	  "DDD5A56C7833F6BCFDFF095582AD868E440E8D09FD769E3CECCDC3D3B1E4CFA0"
	  "57776CAAF9739B6A9FEE8E7411F8D6DAC09D6A4EDB46CC2B5D5203090EAE6126"
	  "311E53FD2C14B574E6A3109A3DA1BE41BDCEAA186F5CE06716A2B6A07B3C33FE",
	  "5C804F454D30D9C4DF85271F93528C91DF6B48AB5F80B3B59CAAC1B28F8ACBA9"
	  "CD3E39F3CB614525D9521D2E644C53B807B810F340062F257D7D6FBFE8D5E8F0"
	  "72E9B6E9AFDA9413EAFB2E8B0699B1FB5A0CACEDDEAEAD7E9CFBB36AE2B42083"
	  "5BD83A19FB0B5E96BF8FA4D09E345525167ECD9155416F46F408ED31B63C6E6D" },
	{ 23,
	  "22E62601DBFFD06708A680F747F361F76D8F4F721A0548E483294B0C",
	  "1B3A63451BD886E699E67B494E288BD7F8E0D370BADDA7A0EFD2FDE7D8F66145"
	  "CC9F280419975EB808877C8A4C0C8E0BD48D4A5401EB1E8776BFEEE134C03831"
	  "AC273CD9D635AB0CE006A42A887E3F52FB8766B650F38078BC8EE8580CEFE243"
	  "968CFC4F8DC3DB084554171D41BF2E861B7BB4D69DD0E01EA387CBAA5CA672AF"
	  "CBE8BDB9D62D4CE15F17DD36F91ED1EEDD65CA4A06455CB94CD40A52EC360E84"
	  "B3C926E22C4380A3BF309D56849768B7F52CFDF655FD053A7EF706979E7E5806"
	  "B17DFAE53AD2A5BC568EBB529A7A61D68D256F8FC97C074A861D827E2EBC8C61"
	  "34553115B70E7103920AA16D85E52BCBAB8D786A68178FA8FF7C2F5C71648D6F",
	  "4FF3BC96C7FC6A6D71D3B363800A7CDFEF6FC41B4417EA15353B7590",
	  "4DCEE992A9762A13F2F83844AD3D77EE0E31C9718B3DB6C2035D3961182C3E0B"
	  "A247EC4182D760CD48D99599970622A1881BBA2DC822939C78C3912C6661FA54"
	  "38B20766222B75E24C2E3AD0C7287236129525EE15B5DD7998AA04C4A9696CAC"
	  "D7172083A97A81664EAD2C479E444E4C0654CC19E28D7703CEE8DACD6126F5D6"
	  "65EC52C67255DB92014B037EB621A2AC8E365DE071FFC1400ACF077A12913DD8"
	  "DE89473437AB7BA346743C1B215DD9C12164A7E4053118D199BEC8EF6FC56117"
	  "0C84C87D10EE9A674A1FA8FFE13BDFBA1D44DE48946D68DC0CDD777635A7AB5B"
	  "FB1E4BB7B856F96827734C184138E915D9C3002EBCE53120546A7E2002142B6C",
	  "34D9BDDC1B42176C313FEA034C21034D074A6313BB4ECDB3703FFF424567A46B"
	  "DF75530EDE0A9DA5229DE7D76732286CBC0F91DA4C3C852FC099C679531D94C7"
	  "8AB03D9DECB0A4E4CA8B2BB4591C4021CF8CE3A20A541D33994017D0200AE2C9"
	  "516E2FF5145779269E862B0FB474A2D56DC31ED569A7700B4C4AB16B22A45513"
	  "531EF523D71212077B5A169BDEFFAD7AD9608284C7795B6D5A5183B87066DE17"
	  "D8D671C9EBD8EC89544D45EC061593D442C62AB9CE3B1CB9943A1D23A5EA3BCF"
	  "21A01471E67E003E7F8A69C728BE490B2FC88CFEB92DB6A215E5D03C17C464C9"
	  "AC1A46E203E13F952995FB03C69D3CC47FCB510B6998FFD3AA6DE73CF9F63869" },
	{ 24,
	  "0881382CDB87660C6DC13E614938D5B9C8B2F248581CC5E31B35454397FCE50E",
	  "2E9380C8323AF97545BC4941DEB0EC3742C62FE0ECE824A6ABDBE66C59BEE024"
	  "2911BFB967235CEBA35AE13E4EC752BE630B92DC4BDE2847A9C62CB815274542"
	  "1FB7EB60A63C0FE9159FCCE726CE7CD8523D7450667EF840E4919121EB5F01C8"
	  "C9B0D3D648A93BFB75689E8244AC134AF544711CE79A02DCC34226684780DDDC"
	  "B498594106C37F5BC79856487AF5AB022A2E5E42F09897C1A85A11EA0212AF04"
	  "D9B4CEBC937C3C1A3E15A8A0342E337615C84E7FE3B8B9B87FB1E73A15AF12A3"
	  "0D746E06DFC34F290D797CE51AA13AA785BF6658AFF5E4B093003CBEAF665B3C"
	  "2E113A3A4E905269341DC0711426685F4EF37E868A8126FF3F2279B57CA67E29",
	  "7D62A7E3EF36DE617B13D1AFB82C780D83A23BD4EE6705645121F371F546A53D",
	  "575F0351BD2B1B817448BDF87A6C362C1E289D3903A30B9832C5741FA250363E"
	  "7ACBC7F77F3DACBC1F131ADD8E03367EFF8FBBB3E1C5784424809B25AFE4D226"
	  "2A1A6FD2FAB64105CA30A674E07F7809852088632FC049233791AD4EDD083A97"
	  "8B883EE618BC5E0DD047415F2D95E683CF14826B5FBE10D3CE41C6C120C78AB2"
	  "0008C698BF7F0BCAB9D7F407BED0F43AFB2970F57F8D12043963E66DDD320D59"
	  "9AD9936C8F44137C08B180EC5E985CEBE186F3D549677E80607331EE17AF3380"
	  "A725B0782317D7DD43F59D7AF9568A9BB63A84D365F92244ED120988219302F4"
	  "2924C7CA90B89D24F71B0AB697823D7DEB1AFF5B0E8E4A45D49F7F53757E1913",
	  "86C70BF8D0BB81BB01078A17219CB7D27203DB2A19C877F1D1F19FD7D77EF225"
	  "46A68F005AD52DC84553B78FC60330BE51EA7C0672CAC1515E4B35C047B9A551"
	  "B88F39DC26DA14A09EF74774D47C762DD177F9ED5BC2F11E52C879BD95098504"
	  "CD9EECD8A8F9B3EFBD1F008AC5853097D9D1837F2B18F77CD7BE01AF80A7C7B5"
	  "EA3CA54CC02D0C116FEE3F95BB87399385875D7E86747E676E728938ACBFF709"
	  "8E05BE4DCFB24052B83AEFFB14783F029ADBDE7F53FAE92084224090E007CEE9"
	  "4D4BF2BACE9FFD4B57D2AF7C724D0CAA19BF0501F6F17B4AA10F425E3EA76080"
	  "B4B9D6B3CEFEA115B2CEB8789BB8A3B0EA87FEBE63B6C8F846EC6DB0C26C5D7C" },
	{ 25,
	  "323FA3169D8E9C6593F59476BC142000AB5BE0E249C43426",
	  "CD46489ECFD6C105E7B3D32566E2B122E249ABAADD87061268887B4877DF51DD"
	  "4DC3D6FD11F0A26F8FD3844317916E9A",
	  "631F95BB4A67632C9C476EEE9AB695AB240A0499307FCF62",
	  "519A121680E0045466BA21DF2EEE47F5973B500577EF13D5FF613AB4D64CEE3A"
	  "20875BDB10F953F6B30CA072C60AA57F",
	  "AD420182633F8526BFE954ACDA376F05E5FF4F837F54FEBE" },
	{ 19,
	  "814264145F2F56F2E96A8E337A1284993FAF432A5ABCE59E867B7291D507A3AF",
	  "2AF502F3BE8952F2C9B5A8D4160D09E97165BE50BC42AE4A5E8D3B4BA83AEB15"
	  "EB0FAF4CA986C4D38681A0F9872D79D56795BD4BFF6E6DE3C0F5015ECE5EFD85",
	  "2CE1788EC197E096DB95A200CC0AB26A19CE6BCCAD562B8EEE1B593761CF7F41",
	  "B120DE4AA36492795346E8DE6C2C8646AE06AAEA279FA775B3AB0715F6CE51B0"
	  "9F1B7EECE20D7B5ED8EC685FA3F071D83727027092A8411385C34DDE5708B2B6",
	  "DD0F5396219D1EA393310412D19A08F1F5811E9DC8EC8EEA7F80D21C820C2788" },
	{ 20,
	  "D27335EA71664AF244DD14E9FD1260715DFD8A7965571C48D709EE7A7962A156"
	  "D706A90CBCB5DF2986F05FEADB9376F1",
	  "793148F1787634D5DA4C6D9074417D05E057AB62F82054D10EE6B0403D627954"
	  "7E6A8EA9D1FD77427D016FE27A8B8C66C6C41294331D23E6F480F4FB4CD40504"
	  "C947392E94F4C3F06B8F398BB29E42368F7A685923DE3B67BACED214A1A1D128",
	  "52D1791FDB4B70F89C0F00D456C2F7023B6125262C36A7DF1F80231121CCE3D3"
	  "9BE52E00C194A4132C4A6C768BCD94D2",
	  "5CD42AB9C41B5347F74B8D4EFB708B3D5B36DB65915359B44ABC17647B6B9999"
	  "789D72A84865AE2F223F12B5A1ABC120E171458FEAA939AAA3A8BFAC46B404BD"
	  "8F6D5B348C0FA4D80CECA16356CA933240BDE8723415A8ECE035B0EDF36755DE",
	  "5EA1FC4AF7256D2055981B110575E0A8CAE53160137D904C59D926EB1B8456E4"
	  "27AA8A4540884C37DE159A58028ABC0E" },
	{ 21,
	  "0113F82DA825735E3D97276683B2B74277BAD27335EA71664AF2430CC4F33459"
	  "B9669EE78B3FFB9B8683015D344DCBFEF6FB9AF4C6C470BE254516CD3C1A1FB4"
	  "7362",
	  "01EBB34DD75721ABF8ADC9DBED17889CBB9765D90A7C60F2CEF007BB0F2B26E1"
	  "4881FD4442E689D61CB2DD046EE30E3FFD20F9A45BBDF6413D583A2DBF59924F"
	  "D35C00F6B632D194C0388E22D8437E558C552AE195ADFD153F92D74908351B2F"
	  "8C4EDA94EDB0916D1B53C020B5EECAED1A5FC38A233E4830587BB2EE3489B3B4"
	  "2A5A86A4",
	  "00CEE3480D8645A17D249F2776D28BAE616952D1791FDB4B70F7C3378732AA1B"
	  "22928448BCD1DC2496D435B01048066EBE4F72903C361B1A9DC1193DC2C9D089"
	  "1B96",
	  "010EBFAFC6E85E08D24BFFFCC1A4511DB0E634BEEB1B6DEC8C5939AE44766201"
	  "AF6200430BA97C8AC6A0E9F08B33CE7E9FEEB5BA4EE5E0D81510C24295B8A08D"
	  "023500A4A6EC300DF9E257B0372B5E7ABFEF093436719A77887EBB0B18CF8099"
	  "B9F4212B6E30A1419C18E029D36863CC9D448F4DBA4D2A0E60711BE572915FBD"
	  "4FEF2695",
	  "00CDEA89621CFA46B132F9E4CFE2261CDE2D4368EB5656634C7CC98C7A00CDE5"
	  "4ED1866A0DD3E6126C9D2F845DAFF82CEB1DA08F5D87521BB0EBECA77911169C"
	  "20CC" },
};

static const uint16_t all_groups[] = { 1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25 };

static bool is_ecp(uint16_t g)
{
	return g == 19 || g == 20 || g == 21 || g == 25;
}

static int curve_nid(uint16_t g)
{
	switch (g) {
	case 19: return NID_X9_62_prime256v1;
	case 20: return NID_secp384r1;
	case 21: return NID_secp521r1;
	default: return NID_X9_62_prime192v1;
	}
}

/* Group parameters from OpenSSL's own tables, independent of ike_dh.c. */
static void modp_params(uint16_t g, BIGNUM **p, BIGNUM **q, BIGNUM **gen)
{
	*q = NULL;
	*gen = BN_new();
	BN_set_word(*gen, 2);
	switch (g) {
	case 1: *p = BN_get_rfc2409_prime_768(NULL); return;
	case 2: *p = BN_get_rfc2409_prime_1024(NULL); return;
	case 5: *p = BN_get_rfc3526_prime_1536(NULL); return;
	case 14: *p = BN_get_rfc3526_prime_2048(NULL); return;
	case 15: *p = BN_get_rfc3526_prime_3072(NULL); return;
	case 16: *p = BN_get_rfc3526_prime_4096(NULL); return;
	case 17: *p = BN_get_rfc3526_prime_6144(NULL); return;
	case 18: *p = BN_get_rfc3526_prime_8192(NULL); return;
	}
	/* RFC 5114 groups: OpenSSL's named groups dh_1024_160 / dh_2048_224 / dh_2048_256 */
	const char *name = g == 22 ? "dh_1024_160" : g == 23 ? "dh_2048_224" : "dh_2048_256";
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *pk = NULL;
	*p = NULL;
	if (ctx && EVP_PKEY_paramgen_init(ctx) > 0 && EVP_PKEY_CTX_set_group_name(ctx, name) > 0 &&
	    EVP_PKEY_paramgen(ctx, &pk) > 0) {
		BN_free(*gen);
		*gen = NULL;
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, p);
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_Q, q);
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_G, gen);
	}
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
}

/* A random private value valid for the group, big-endian in buf; its length. */
static size_t random_private(uint16_t g, const BIGNUM *range_or_null, unsigned char *buf)
{
	BIGNUM *v = BN_new();
	if (range_or_null) {
		do
			BN_rand_range(v, range_or_null);
		while (BN_is_zero(v) || BN_is_one(v));
	} else {
		BN_rand(v, 256, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
	}
	(void)g;
	size_t n = (size_t)BN_bn2bin(v, buf);
	BN_free(v);
	return n;
}

static void hex_one(const char *what, uint16_t g, const unsigned char *a, const unsigned char *b,
		    size_t n)
{
	t_checks++;
	if (memcmp(a, b, n) != 0) {
		t_failures++;
		fprintf(stderr, "group %u: %s mismatch\n", g, what);
	}
}

static void test_group(uint16_t g)
{
	size_t plen = ike_wire_ke_len(g), slen = ike_wire_dh_secret_len(g);
	unsigned char priv[80], s_ab[1024], s_ba[1024], s2[1024];
	CHECK(ike_dh_supported(g));

	/* two independent key pairs agree */
	struct ike_dh *a = ike_dh_new(g), *b = ike_dh_new(g);
	CHECK(a && b);
	if (!a || !b)
		goto out;
	size_t la, lb;
	const uint8_t *pa = ike_dh_public(a, &la), *pb = ike_dh_public(b, &lb);
	CHECK_EQ_INT(la, plen);
	CHECK_EQ_INT(lb, plen);
	CHECK(memcmp(pa, pb, plen) != 0);
	CHECK_EQ_INT(ike_dh_check_peer(g, pa, la), 0);
	CHECK_EQ_INT(ike_dh_shared(a, pb, lb, s_ab, slen), 0);
	CHECK_EQ_INT(ike_dh_shared(b, pa, la, s_ba, slen), 0);
	hex_one("shared A/B", g, s_ab, s_ba, slen);
	ike_dh_free(a);
	a = NULL;

	/* a known private value: recompute public and shared values the other way */
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *x = BN_new(), *z = BN_new();
	if (is_ecp(g)) {
		EC_GROUP *eg = EC_GROUP_new_by_curve_name(curve_nid(g));
		size_t n = random_private(g, EC_GROUP_get0_order(eg), priv);
		a = ike_dh_new_private(g, priv, n);
		CHECK(a != NULL);
		BN_bin2bn(priv, (int)n, x);
		EC_POINT *q = EC_POINT_new(eg), *peer = EC_POINT_new(eg), *r = EC_POINT_new(eg);
		BIGNUM *px = BN_new(), *py = BN_new(), *rx = BN_new();
		unsigned char pub2[132];
		/* Q = d*G */
		EC_POINT_mul(eg, q, x, NULL, NULL, ctx);
		EC_POINT_get_affine_coordinates(eg, q, px, py, ctx);
		BN_bn2binpad(px, pub2, (int)plen / 2);
		BN_bn2binpad(py, pub2 + plen / 2, (int)plen / 2);
		if (a)
			hex_one("public d*G", g, ike_dh_public(a, NULL), pub2, plen);
		/* x(d_a * Q_b) */
		BN_bin2bn(pb, (int)plen / 2, px);
		BN_bin2bn(pb + plen / 2, (int)plen / 2, py);
		EC_POINT_set_affine_coordinates(eg, peer, px, py, ctx);
		EC_POINT_mul(eg, r, NULL, peer, x, ctx);
		EC_POINT_get_affine_coordinates(eg, r, rx, NULL, ctx);
		BN_bn2binpad(rx, s2, (int)slen);
		BN_free(px), BN_free(py), BN_free(rx);
		EC_POINT_free(q), EC_POINT_free(peer), EC_POINT_free(r);
		EC_GROUP_free(eg);
	} else {
		BIGNUM *p, *q, *gen, *y = BN_new();
		unsigned char pub2[1024];
		modp_params(g, &p, &q, &gen);
		CHECK(p && gen);
		size_t n = random_private(g, q, priv);
		a = ike_dh_new_private(g, priv, n);
		CHECK(a != NULL);
		BN_bin2bn(priv, (int)n, x);
		/* g^x mod p */
		BN_mod_exp(y, gen, x, p, ctx);
		BN_bn2binpad(y, pub2, (int)plen);
		if (a)
			hex_one("public g^x", g, ike_dh_public(a, NULL), pub2, plen);
		/* (g^r)^x mod p */
		BN_bin2bn(pb, (int)plen, y);
		BN_mod_exp(z, y, x, p, ctx);
		BN_bn2binpad(z, s2, (int)slen);
		BN_free(p), BN_free(q), BN_free(gen), BN_free(y);
	}
	if (a) {
		CHECK_EQ_INT(ike_dh_shared(a, pb, lb, s_ab, slen), 0);
		hex_one("shared vs low-level OpenSSL", g, s_ab, s2, slen);
	}
	BN_free(x), BN_free(z);
	BN_CTX_free(ctx);
out:
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_kats(void)
{
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct dh_kat *k = &kats[i];
		size_t na, nb, npa, npb, nz;
		unsigned char *xa = t_unhex(k->priv_a, &na), *xb = t_unhex(k->priv_b, &nb);
		unsigned char *ya = t_unhex(k->pub_a, &npa), *yb = t_unhex(k->pub_b, &npb);
		unsigned char *z = t_unhex(k->z, &nz), out[1024];
		struct ike_dh *a = ike_dh_new_private(k->group, xa, na);
		struct ike_dh *b = ike_dh_new_private(k->group, xb, nb);
		CHECK(a && b);
		CHECK_EQ_INT(npa, ike_wire_ke_len(k->group));
		CHECK_EQ_INT(nz, ike_wire_dh_secret_len(k->group));
		if (a && b) {
			hex_one("RFC 5114 public A", k->group, ike_dh_public(a, NULL), ya, npa);
			hex_one("RFC 5114 public B", k->group, ike_dh_public(b, NULL), yb, npb);
			CHECK_EQ_INT(ike_dh_shared(a, yb, npb, out, nz), 0);
			hex_one("RFC 5114 Z (A)", k->group, out, z, nz);
			CHECK_EQ_INT(ike_dh_shared(b, ya, npa, out, nz), 0);
			hex_one("RFC 5114 Z (B)", k->group, out, z, nz);
		}
		ike_dh_free(a);
		ike_dh_free(b);
		free(xa), free(xb), free(ya), free(yb), free(z);
	}
}

static void expect_reject(uint16_t g, const struct ike_dh *dh, const unsigned char *v, size_t n,
			  const char *what)
{
	unsigned char out[1024];
	int rc = ike_dh_check_peer(g, v, n);
	t_checks++;
	if (rc != -EINVAL) {
		t_failures++;
		fprintf(stderr, "group %u: peer value %s not rejected (%d)\n", g, what, rc);
	}
	size_t sl = ike_wire_dh_secret_len(g);
	memset(out, 0xa5, sl);
	rc = ike_dh_shared(dh, v, n, out, sl);
	t_checks++;
	if (rc != -EINVAL) {
		t_failures++;
		fprintf(stderr, "group %u: shared with %s not refused (%d)\n", g, what, rc);
	}
}

static void test_validation(uint16_t g)
{
	size_t plen = ike_wire_ke_len(g);
	unsigned char v[1024];
	struct ike_dh *dh = ike_dh_new(g);
	CHECK(dh != NULL);
	if (!dh)
		return;
	memset(v, 0, plen);
	expect_reject(g, dh, v, plen, "0");
	expect_reject(g, dh, v, plen - 1, "short");
	if (is_ecp(g)) {
		EC_GROUP *eg = EC_GROUP_new_by_curve_name(curve_nid(g));
		BIGNUM *fp = BN_new(), *t = BN_new();
		EC_GROUP_get_curve(eg, fp, NULL, NULL, NULL);
		/* a valid point, then y + 1 (off the curve) */
		memcpy(v, ike_dh_public(dh, NULL), plen);
		v[plen - 1] ^= 1;
		expect_reject(g, dh, v, plen, "off-curve point");
		/* x = p (not reduced) with a valid y */
		memcpy(v, ike_dh_public(dh, NULL), plen);
		BN_bn2binpad(fp, v, (int)plen / 2);
		expect_reject(g, dh, v, plen, "x = p");
		/* 0 | y and x | 0 */
		memcpy(v, ike_dh_public(dh, NULL), plen);
		memset(v, 0, plen / 2);
		expect_reject(g, dh, v, plen, "x = 0");
		memset(v, 0xff, plen);
		expect_reject(g, dh, v, plen, "all ones");
		BN_free(fp), BN_free(t);
		EC_GROUP_free(eg);
	} else {
		BIGNUM *p, *q, *gen, *t = BN_new();
		BN_CTX *ctx = BN_CTX_new();
		modp_params(g, &p, &q, &gen);
		BN_one(t);
		BN_bn2binpad(t, v, (int)plen);
		expect_reject(g, dh, v, plen, "1");
		BN_sub(t, p, BN_value_one());
		BN_bn2binpad(t, v, (int)plen);
		expect_reject(g, dh, v, plen, "p-1");
		BN_bn2binpad(p, v, (int)plen);
		expect_reject(g, dh, v, plen, "p");
		BN_add(t, p, BN_value_one());
		BN_bn2binpad(t, v, (int)plen);
		expect_reject(g, dh, v, plen, "p+1");
		memset(v, 0xff, plen);
		expect_reject(g, dh, v, plen, "2^n-1");
		if (q) {
			/* 2 generates far more than the order-q subgroup here */
			BN_set_word(t, 2);
			BIGNUM *r = BN_new();
			BN_mod_exp(r, t, q, p, ctx);
			CHECK(!BN_is_one(r));
			BN_bn2binpad(t, v, (int)plen);
			expect_reject(g, dh, v, plen, "2 (outside the subgroup)");
			BN_free(r);
		}
		BN_free(p), BN_free(q), BN_free(gen), BN_free(t);
		BN_CTX_free(ctx);
	}
	ike_dh_free(dh);
}

static void test_private_ranges(void)
{
	unsigned char zero[1] = { 0 }, one[1] = { 1 }, big[132];
	CHECK(ike_dh_new_private(14, zero, 1) == NULL);
	CHECK(ike_dh_new_private(14, one, 1) == NULL);
	CHECK(ike_dh_new_private(19, zero, 1) == NULL);
	memset(big, 0xff, sizeof(big));
	CHECK(ike_dh_new_private(19, big, 32) == NULL);  /* >= n */
	CHECK(ike_dh_new_private(24, big, 32) == NULL);  /* >= q */
	CHECK(ike_dh_new_private(14, big, 256) == NULL); /* >= p-1 */
	CHECK(ike_dh_new(0) == NULL);
	CHECK(ike_dh_new(26) == NULL);
	CHECK(ike_dh_new(31) == NULL);
	CHECK(!ike_dh_supported(3));
	CHECK_EQ_INT(ike_dh_check_peer(26, big, 56), -ENOTSUP);
	CHECK(ike_dh_is_weak(1) && ike_dh_is_weak(2) && ike_dh_is_weak(22) && !ike_dh_is_weak(14));
	ike_dh_free(NULL);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++) {
		test_group(all_groups[i]);
		test_validation(all_groups[i]);
	}
	test_kats();
	test_private_ranges();
	return t_done("test_ike_dh");
}

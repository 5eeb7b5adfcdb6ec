/* HMAC-SHA-256/384/512 known answers: RFC 4231 §4, test cases 1-4, 6, 7
 * (case 5 gives only a 128-bit truncation), as sha-256-96, sha-256-128,
 * sha-384-192 and sha-512-256 (leading bytes, RFC 4868 §2.3). */
#include "kat.h"

struct tc {
	const char *key, *data;
	int data_hex;
	const char *s256, *s384, *s512;
};

#define REP16(x) x x x x x x x x x x x x x x x x
#define REP20(x) REP16(x) x x x x
#define REP50(x) REP16(x) REP16(x) REP16(x) x x
#define REP131(x) REP16(x) REP16(x) REP16(x) REP16(x) REP16(x) REP16(x) REP16(x) REP16(x) x x x
#define K25 "0102030405060708090a0b0c0d0e0f10111213141516171819"

static const struct tc tcs[] = {
	{ REP20("0b"), "Hi There", 0,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ "4a656665", "what do ya want for nothing?", 0,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ REP20("aa"), REP50("dd"), 1,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ K25, REP50("cd"), 1,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ REP131("aa"), "Test Using Larger Than Block-Size Key - Hash Key First", 0,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ REP131("aa"),
	  "This is a test using a larger than block-size key and a larger than block-size data. "
	  "The key needs to be hashed before being used by the HMAC algorithm.", 0,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};
static const int tc_no[] = { 1, 2, 3, 4, 6, 7 };

int main(void)
{
	struct kat_env k;

	kat_setup(&k);
	for (size_t i = 0; i < sizeof(tcs) / sizeof(tcs[0]); i++) {
		uint8_t key[160], data[200];
		size_t kl = hex2bin(tcs[i].key, key, sizeof(key)), dl;
		char name[48];

		if (tcs[i].data_hex) {
			dl = hex2bin(tcs[i].data, data, sizeof(data));
		} else {
			dl = strlen(tcs[i].data);
			memcpy(data, tcs[i].data, dl);
		}
		snprintf(name, sizeof(name), "rfc4231 %d sha-256-96", tc_no[i]);
		kat_hmac(&k, name, SHM_INTEG_SHA_256_96, key, kl, data, dl, tcs[i].s256);
		snprintf(name, sizeof(name), "rfc4231 %d sha-256-128", tc_no[i]);
		kat_hmac(&k, name, SHM_INTEG_SHA_256_128, key, kl, data, dl, tcs[i].s256);
		snprintf(name, sizeof(name), "rfc4231 %d sha-384-192", tc_no[i]);
		kat_hmac(&k, name, SHM_INTEG_SHA_384_192, key, kl, data, dl, tcs[i].s384);
		snprintf(name, sizeof(name), "rfc4231 %d sha-512-256", tc_no[i]);
		kat_hmac(&k, name, SHM_INTEG_SHA_512_256, key, kl, data, dl, tcs[i].s512);
	}
	kat_done(&k, "RFC 4231 HMAC-SHA-256/384/512");
	return 0;
}

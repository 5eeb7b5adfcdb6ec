/* HMAC-MD5 and HMAC-SHA-1 known answers: RFC 2202 §2 and §3, test cases 1
 * to 7, as md5-96 and sha1-96 (the first 12 bytes, RFC 2403 / RFC 2404). */
#include "kat.h"

struct tc {
	const char *key;        /* hex */
	const char *data;       /* text, or hex when data_hex */
	int data_hex;
	const char *md5, *sha1_key, *sha1;
};

#define REP16(x) x x x x x x x x x x x x x x x x
#define REP20(x) REP16(x) x x x x
#define REP50(x) REP16(x) REP16(x) REP16(x) x x
#define REP80(x) REP16(x) REP16(x) REP16(x) REP16(x) REP16(x)
#define K25 "0102030405060708090a0b0c0d0e0f10111213141516171819"

static const struct tc tcs[] = {
	{ REP16("0b"), "Hi There", 0, "9294727a3638bb1c13f48ef8158bfc9d", REP20("0b"),
	  "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ "4a656665" /* "Jefe" */, "what do ya want for nothing?", 0, "750c783e6ab0b503eaa86e310a5db738",
	  "4a656665", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ REP16("aa"), REP50("dd"), 1, "56be34521d144c88dbb8c733f0e8b3f6", REP20("aa"),
	  "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ K25, REP50("cd"), 1, "697eaf0aca3a3aea3a75164746ffaa79", K25,
	  "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
	{ REP16("0c"), "Test With Truncation", 0, "56461ef2342edc00f9bab995690efd4c", REP20("0c"),
	  "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
	{ REP80("aa"), "Test Using Larger Than Block-Size Key - Hash Key First", 0,
	  "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd", REP80("aa"), "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ REP80("aa"), "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", 0,
	  "6f630fad67cda0ee1fb1f562db3aa53e", REP80("aa"), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
};

int main(void)
{
	struct kat_env k;

	kat_setup(&k);
	for (size_t i = 0; i < sizeof(tcs) / sizeof(tcs[0]); i++) {
		uint8_t key[128], data[128];
		size_t kl, dl;
		char name[40];

		if (tcs[i].data_hex) {
			dl = hex2bin(tcs[i].data, data, sizeof(data));
		} else {
			dl = strlen(tcs[i].data);
			memcpy(data, tcs[i].data, dl);
		}
		snprintf(name, sizeof(name), "rfc2202 md5 %zu", i + 1);
		kl = hex2bin(tcs[i].key, key, sizeof(key));
		kat_hmac(&k, name, SHM_INTEG_MD5_96, key, kl, data, dl, tcs[i].md5);
		snprintf(name, sizeof(name), "rfc2202 sha1 %zu", i + 1);
		kl = hex2bin(tcs[i].sha1_key, key, sizeof(key));
		kat_hmac(&k, name, SHM_INTEG_SHA1_96, key, kl, data, dl, tcs[i].sha1);
	}
	kat_done(&k, "RFC 2202 HMAC-MD5-96 / HMAC-SHA1-96");
	return 0;
}

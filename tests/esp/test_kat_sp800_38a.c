/* AES-CBC known answers for all three key sizes: NIST SP 800-38A Appendix
 * F.2.1 (CBC-AES128.Encrypt), F.2.3 (CBC-AES192.Encrypt), F.2.5
 * (CBC-AES256.Encrypt). RFC 3602 has AES-128 vectors only. */
#include "kat.h"

#define PT "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" \
	   "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
#define IV "000102030405060708090a0b0c0d0e0f"

int main(void)
{
	struct kat_env k;

	kat_setup(&k);
	kat_cipher(&k, "sp800-38a F.2.1", SHM_CRYPTO_AES_CBC_128, "2b7e151628aed2a6abf7158809cf4f3c", "", IV, PT,
		   "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
		   "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
	kat_cipher(&k, "sp800-38a F.2.3", SHM_CRYPTO_AES_CBC_192,
		   "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", "", IV, PT,
		   "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
		   "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd");
	kat_cipher(&k, "sp800-38a F.2.5", SHM_CRYPTO_AES_CBC_256,
		   "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "", IV, PT,
		   "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
		   "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
	kat_done(&k, "SP 800-38A AES-CBC-128/192/256");
	return 0;
}

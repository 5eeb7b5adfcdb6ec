/* DES-CBC and 3DES-CBC known answers.
 *  - FIPS 81 (DES Modes of Operation), Appendix C, Table C1: the CBC example
 *    "Now is the time for all " under key 0123456789abcdef, IV 1234567890abcdef.
 *  - NIST SP 800-67 Rev. 1 (TDEA), Appendix B: the three-key example
 *    "The qufck brown fox jump" (ECB); each block is run as a one-block
 *    CBC operation with a zero IV, which is the same computation. */
#include "kat.h"

int main(void)
{
	static const char *const pt[3] = { "5468652071756663", "6b2062726f776e20", "666f78206a756d70" };
	static const char *const ct[3] = { "a826fd8ce53b855f", "cce21c8112256fe6", "68d5c05dd9b6b900" };
	struct kat_env k;

	kat_setup(&k);
	kat_cipher(&k, "fips81 cbc", SHM_CRYPTO_DES_CBC, "0123456789abcdef", "", "1234567890abcdef",
		   "4e6f77206973207468652074696d6520666f7220616c6c20" /* "Now is the time for all " */,
		   "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
	for (int i = 0; i < 3; i++)
		kat_cipher(&k, "sp800-67 block", SHM_CRYPTO_3DES_CBC,
			   "0123456789abcdef23456789abcdef01456789abcdef0123", "", "0000000000000000",
			   pt[i], ct[i]);
	kat_done(&k, "FIPS 81 DES-CBC / SP 800-67 3DES");
	return 0;
}

/* AES-GCM known answers: McGrew & Viega, "The Galois/Counter Mode of
 * Operation (GCM)", Appendix B, the test cases with a 96-bit IV: 1-4
 * (AES-128), 7-10 (AES-192), 13-16 (AES-256). RFC 4106 has no vectors; its
 * nonce is salt | explicit IV, which is how the 96-bit IV is split here. */
#include "kat.h"

#define K3 "feffe9928665731c6d6a8f9467308308"
#define IV0 "000000000000000000000000"
#define IV3 "cafebabefacedbaddecaf888"
#define P3 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define P4 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define Z16 "00000000000000000000000000000000"

int main(void)
{
	struct kat_env k;

	kat_setup(&k);
	kat_gcm(&k, "gcm tc1", SHM_CRYPTO_AES_GCM_128, Z16, IV0, "", "", "",
		"58e2fccefa7e3061367f1d57a4e7455a");
	kat_gcm(&k, "gcm tc2", SHM_CRYPTO_AES_GCM_128, Z16, IV0, "", Z16, "0388dace60b6a392f328c2b971b2fe78",
		"ab6e47d42cec13bdf53a67b21257bddf");
	kat_gcm(&k, "gcm tc3", SHM_CRYPTO_AES_GCM_128, K3, IV3, "", P3,
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
		"4d5c2af327cd64a62cf35abd2ba6fab4");
	kat_gcm(&k, "gcm tc4", SHM_CRYPTO_AES_GCM_128, K3, IV3, A4, P4,
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		"5bc94fbc3221a5db94fae95ae7121a47");
	kat_gcm(&k, "gcm tc7", SHM_CRYPTO_AES_GCM_192, Z16 "0000000000000000", IV0, "", "", "",
		"cd33b28ac773f74ba00ed1f312572435");
	kat_gcm(&k, "gcm tc8", SHM_CRYPTO_AES_GCM_192, Z16 "0000000000000000", IV0, "", Z16,
		"98e7247c07f0fe411c267e4384b0f600", "2ff58d80033927ab8ef4d4587514f0fb");
	kat_gcm(&k, "gcm tc9", SHM_CRYPTO_AES_GCM_192, K3 "feffe9928665731c", IV3, "", P3,
		"3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
		"7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
		"9924a7c8587336bfb118024db8674a14");
	kat_gcm(&k, "gcm tc10", SHM_CRYPTO_AES_GCM_192, K3 "feffe9928665731c", IV3, A4, P4,
		"3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
		"7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
		"2519498e80f1478f37ba55bd6d27618c");
	kat_gcm(&k, "gcm tc13", SHM_CRYPTO_AES_GCM_256, Z16 Z16, IV0, "", "", "",
		"530f8afbc74536b9a963b4f1c4cb738b");
	kat_gcm(&k, "gcm tc14", SHM_CRYPTO_AES_GCM_256, Z16 Z16, IV0, "", Z16, "cea7403d4d606b6e074ec5d3baf39d18",
		"d0d1c8a799996bf0265b98b5d48ab919");
	kat_gcm(&k, "gcm tc15", SHM_CRYPTO_AES_GCM_256, K3 K3, IV3, "", P3,
		"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
		"b094dac5d93471bdec1a502270e3cc6c");
	kat_gcm(&k, "gcm tc16", SHM_CRYPTO_AES_GCM_256, K3 K3, IV3, A4, P4,
		"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		"76fc6ece0f4e1768cddf8853bb2d551b");
	kat_done(&k, "GCM spec AES-GCM-128/192/256");
	return 0;
}

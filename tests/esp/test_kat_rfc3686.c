/* AES-CTR known answers: RFC 3686 §6, test vectors #1 to #9 (the nonce is
 * the SA's salt, the IV the packet's explicit IV, counter block 1). */
#include "kat.h"

#define SINGLE "53696e676c6520626c6f636b206d7367" /* "Single block msg" */
#define P32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define P36 P32 "20212223"

int main(void)
{
	struct kat_env k;

	kat_setup(&k);
	kat_cipher(&k, "rfc3686 #1", SHM_CRYPTO_AES_CTR_128, "ae6852f8121067cc4bf7a5765577f39e", "00000030",
		   "0000000000000000", SINGLE, "e4095d4fb7a7b3792d6175a3261311b8");
	kat_cipher(&k, "rfc3686 #2", SHM_CRYPTO_AES_CTR_128, "7e24067817fae0d743d6ce1f32539163", "006cb6db",
		   "c0543b59da48d90b", P32,
		   "5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28");
	kat_cipher(&k, "rfc3686 #3", SHM_CRYPTO_AES_CTR_128, "7691be035e5020a8ac6e618529f9a0dc", "00e0017b",
		   "27777f3f4a1786f0", P36,
		   "c1cf48a89f2ffdd9cf4652e9efdb72d74540a42bde6d7836d59a5ceaaef3105325b2072f");
	kat_cipher(&k, "rfc3686 #4", SHM_CRYPTO_AES_CTR_192, "16af5b145fc9f579c175f93e3bfb0eed863d06ccfdb78515",
		   "00000048", "36733c147d6d93cb", SINGLE, "4b55384fe259c9c84e7935a003cbe928");
	kat_cipher(&k, "rfc3686 #5", SHM_CRYPTO_AES_CTR_192, "7c5cb2401b3dc33c19e7340819e0f69c678c3db8e6f6a91a",
		   "0096b03b", "020c6eadc2cb500d", P32,
		   "453243fc609b23327edfaafa7131cd9f8490701c5ad4a79cfc1fe0ff42f4fb00");
	kat_cipher(&k, "rfc3686 #6", SHM_CRYPTO_AES_CTR_192, "02bf391ee8ecb159b959617b0965279bf59b60a786d3e0fe",
		   "0007bdfd", "5cbd60278dcc0912", P36,
		   "96893fc55e5c722f540b7dd1ddf7e758d288bc95c69165884536c811662f2188abee0935");
	kat_cipher(&k, "rfc3686 #7", SHM_CRYPTO_AES_CTR_256,
		   "776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104", "00000060",
		   "db5672c97aa8f0b2", SINGLE, "145ad01dbf824ec7560863dc71e3e0c0");
	kat_cipher(&k, "rfc3686 #8", SHM_CRYPTO_AES_CTR_256,
		   "f6d66d6bd52d59bb0796365879eff886c66dd51a5b6a99744b50590c87a23884", "00faac24",
		   "c1585ef15a43d875", P32,
		   "f05e231b3894612c49ee000b804eb2a9b8306b508f839d6a5530831d9344af1c");
	kat_cipher(&k, "rfc3686 #9", SHM_CRYPTO_AES_CTR_256,
		   "ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d", "001cc5b7",
		   "51a51d70a1c11148", P36,
		   "eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f1ec0e6b8");
	kat_done(&k, "RFC 3686 AES-CTR");
	return 0;
}

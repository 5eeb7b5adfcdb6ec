/* ESP algorithm descriptors (esp_alg.h). */
#include <string.h>

#include "esp_alg.h"

static const struct esp_alg_crypto crypto_algs[SHM_CRYPTO_N] = {
	[SHM_CRYPTO_NONE] = { "none", ESP_CK_NULL, 0, 0, 0, 1, 0 },
	[SHM_CRYPTO_AES_CBC_128] = { "aes-cbc-128", ESP_CK_AES_CBC, 16, 0, 16, 16, 0 },
	[SHM_CRYPTO_AES_CBC_192] = { "aes-cbc-192", ESP_CK_AES_CBC, 24, 0, 16, 16, 0 },
	[SHM_CRYPTO_AES_CBC_256] = { "aes-cbc-256", ESP_CK_AES_CBC, 32, 0, 16, 16, 0 },
	[SHM_CRYPTO_AES_CTR_128] = { "aes-ctr-128", ESP_CK_AES_CTR, 16, 4, 8, 1, 0 },
	[SHM_CRYPTO_AES_CTR_192] = { "aes-ctr-192", ESP_CK_AES_CTR, 24, 4, 8, 1, 0 },
	[SHM_CRYPTO_AES_CTR_256] = { "aes-ctr-256", ESP_CK_AES_CTR, 32, 4, 8, 1, 0 },
	[SHM_CRYPTO_AES_GCM_128] = { "aes-gcm-128", ESP_CK_AES_GCM, 16, 4, 8, 1, 16 },
	[SHM_CRYPTO_AES_GCM_192] = { "aes-gcm-192", ESP_CK_AES_GCM, 24, 4, 8, 1, 16 },
	[SHM_CRYPTO_AES_GCM_256] = { "aes-gcm-256", ESP_CK_AES_GCM, 32, 4, 8, 1, 16 },
	[SHM_CRYPTO_DES_CBC] = { "des-cbc", ESP_CK_DES_CBC, 8, 0, 8, 8, 0 },
	[SHM_CRYPTO_3DES_CBC] = { "3des-cbc", ESP_CK_3DES_CBC, 24, 0, 8, 8, 0 },
};

static const struct esp_alg_integ integ_algs[SHM_INTEG_N] = {
	[SHM_INTEG_NONE] = { "none", ESP_HK_NONE, 0, 0, 0 },
	[SHM_INTEG_MD5_96] = { "md5-96", ESP_HK_MD5, 12, 16, 64 },
	[SHM_INTEG_SHA1_96] = { "sha1-96", ESP_HK_SHA1, 12, 20, 64 },
	[SHM_INTEG_SHA_256_96] = { "sha-256-96", ESP_HK_SHA256, 12, 32, 64 },
	[SHM_INTEG_SHA_256_128] = { "sha-256-128", ESP_HK_SHA256, 16, 32, 64 },
	[SHM_INTEG_SHA_384_192] = { "sha-384-192", ESP_HK_SHA384, 24, 48, 128 },
	[SHM_INTEG_SHA_512_256] = { "sha-512-256", ESP_HK_SHA512, 32, 64, 128 },
};

const struct esp_alg_crypto *esp_alg_crypto(unsigned alg)
{
	return alg < SHM_CRYPTO_N ? &crypto_algs[alg] : NULL;
}

const struct esp_alg_integ *esp_alg_integ(unsigned alg)
{
	return alg < SHM_INTEG_N ? &integ_algs[alg] : NULL;
}

int esp_alg_crypto_by_name(const char *name)
{
	for (int i = 0; i < SHM_CRYPTO_N; i++)
		if (strcmp(crypto_algs[i].name, name) == 0)
			return i;
	return -1;
}

int esp_alg_integ_by_name(const char *name)
{
	for (int i = 0; i < SHM_INTEG_N; i++)
		if (strcmp(integ_algs[i].name, name) == 0)
			return i;
	return -1;
}

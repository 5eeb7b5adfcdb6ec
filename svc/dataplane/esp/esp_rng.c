/* Per-worker CSPRNG: AES-256-CTR with fast key erasure (esp_rng.h). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "esp_rng.h"

static int get_seed(uint8_t *out, size_t n)
{
	while (n) {
		ssize_t r = getrandom(out, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		out += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Keystream of the current key into pool (counter block 0 upwards: a key is
 * never used for more than one refill), then the first 32 bytes of the
 * keystream become the next key and are wiped from the pool. */
static void refill(struct esp_rng *r)
{
	static const uint8_t iv0[16];
	IMB_JOB *job;

	IMB_AES_KEYEXP_256(r->mgr, r->key, r->ekeys, r->dkeys);
	job = IMB_GET_NEXT_JOB(r->mgr);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->enc_keys = r->ekeys;
	job->dec_keys = r->ekeys;
	job->key_len_in_bytes = 32;
	job->iv = iv0;
	job->iv_len_in_bytes = 16;
	job->src = r->zero;
	job->dst = r->pool;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = ESP_RNG_POOL;
	job->user_data = NULL;
	IMB_SUBMIT_JOB(r->mgr);
	while ((job = IMB_FLUSH_JOB(r->mgr)) != NULL)
		;
	memcpy(r->key, r->pool, sizeof(r->key));
	OPENSSL_cleanse(r->pool, sizeof(r->key));
	OPENSSL_cleanse(r->ekeys, sizeof(r->ekeys));
	r->pos = sizeof(r->key);
}

int esp_rng_init(struct esp_rng *r, IMB_MGR *mgr)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->mgr = mgr;
	rc = get_seed(r->key, sizeof(r->key));
	if (rc)
		return rc;
	refill(r);
	return 0;
}

int esp_rng_reseed(struct esp_rng *r)
{
	uint8_t fresh[32];
	int rc = get_seed(fresh, sizeof(fresh));

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(fresh); i++)
		r->key[i] ^= fresh[i];
	OPENSSL_cleanse(fresh, sizeof(fresh));
	refill(r);
	return 0;
}

void esp_rng_bytes(struct esp_rng *r, uint8_t *out, size_t n)
{
	while (n) {
		size_t k;

		if (r->pos == ESP_RNG_POOL)
			refill(r);
		k = ESP_RNG_POOL - r->pos;
		if (k > n)
			k = n;
		memcpy(out, r->pool + r->pos, k);
		memset(r->pool + r->pos, 0, k);
		r->pos += (uint32_t)k;
		out += k;
		n -= k;
	}
}

void esp_rng_wipe(struct esp_rng *r)
{
	OPENSSL_cleanse(r, sizeof(*r));
}

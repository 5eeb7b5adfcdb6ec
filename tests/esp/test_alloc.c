/*
 * The burst path allocates nothing: malloc/calloc/realloc of this program and
 * of the gw_esp library are wrapped at link time (-Wl,--wrap), and OpenSSL's
 * allocator is replaced (CRYPTO_set_mem_functions), so every allocation made
 * while esp_outb_process / esp_inb_process run is counted.
 *
 * Expected: none with intel-ipsec-mb for any algorithm, none with OpenSSL for
 * ciphers and GCM. OpenSSL 3.0 does allocate when an HMAC context is reused
 * (EVP_MAC_init with the stored key copies an EVP_MD_CTX, and so does
 * EVP_MAC_final); the test reports that count (docs/esp.md).
 */
#include <stdalign.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "esp_test.h"

static long n_alloc;
static int counting;

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	n_alloc += counting;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t a, size_t b)
{
	n_alloc += counting;
	return __real_calloc(a, b);
}

void *__wrap_realloc(void *p, size_t n)
{
	n_alloc += counting;
	return __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
	n_alloc += counting;
	return __real_aligned_alloc(a, n);
}

static void *o_malloc(size_t n, const char *f, int l)
{
	(void)f;
	(void)l;
	n_alloc += counting;
	return __real_malloc(n);
}

static void *o_realloc(void *p, size_t n, const char *f, int l)
{
	(void)f;
	(void)l;
	n_alloc += counting;
	return __real_realloc(p, n);
}

static void o_free(void *p, const char *f, int l)
{
	(void)f;
	(void)l;
	free(p);
}

int main(void)
{
	static struct tbuf tb[8];
	static alignas(64) struct shm_sa_rt rt_out, rt_in;
	struct esp_engine_worker *w;
	char err[256];
	long hmac_ossl = -1;

	CHECK(CRYPTO_set_mem_functions(o_malloc, o_realloc, o_free), "CRYPTO_set_mem_functions");
	esp_test_init();
	w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(w, "%s", err);
	{
		/* the counter sees the library's own allocations */
		struct shm_sa cfg;

		esp_test_sa(&cfg, SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL);
		counting = 1;
		esp_sa_out_free(esp_sa_out_create(&cfg, ESP_ENGINE_IMB, err, sizeof(err)));
		counting = 0;
		CHECK(n_alloc > 0, "allocation counter does not work");
	}
	for (unsigned c = 0; c < SHM_CRYPTO_N; c++) {
		for (unsigned i = 0; i < SHM_INTEG_N; i++) {
			const struct esp_alg_crypto *ca = esp_alg_crypto(c);

			if ((ca->icv_len && i) || (!ca->icv_len && !i))
				continue;
			for (int e = 0; e < 2; e++) {
				struct shm_sa cfg;
				struct esp_sa_out *so;
				struct esp_sa_in *si;
				struct esp_pkt *pk[8];
				long got;

				esp_test_sa(&cfg, c, i, SHM_SA_TUNNEL | SHM_SA_ESN | SHM_SA_ANTI_REPLAY);
				so = esp_sa_out_create(&cfg, e ? ESP_ENGINE_OSSL : ESP_ENGINE_IMB, err, sizeof(err));
				si = esp_sa_in_create(&cfg, e ? ESP_ENGINE_OSSL : ESP_ENGINE_IMB, err, sizeof(err));
				CHECK(so && si, "%s", err);
				memset(&rt_out, 0, sizeof(rt_out));
				memset(&rt_in, 0, sizeof(rt_in));
				for (int round = 0; round < 3; round++) {
					for (int k = 0; k < 8; k++) {
						tb_udp(&tb[k], k & 1, (uint32_t)(k * 100), (uint8_t)k);
						pk[k] = &tb[k].p;
					}
					n_alloc = 0;
					counting = 1;
					CHECK(esp_outb_process(w, so, &rt_out, pk, 8) == 8, "out");
					CHECK(esp_inb_process(w, si, &rt_in, pk, 8) == 8, "in");
					counting = 0;
					got = n_alloc;
					if (e == 1 && i != SHM_INTEG_NONE) {
						if (round == 2)
							hmac_ossl = got;
						continue;
					}
					CHECK(got == 0, "%s/%s on %s: %ld allocations in a burst", ca->name,
					      esp_alg_integ(i)->name, e ? "openssl" : "ipsec-mb", got);
				}
				esp_sa_out_free(so);
				esp_sa_in_free(si);
			}
		}
	}
	printf("no allocation on the burst path with intel-ipsec-mb (all algorithms) or with OpenSSL "
	       "ciphers/GCM; OpenSSL HMAC: %ld allocations per 16 packets (inside EVP_MAC)\n", hmac_ossl);
	CHECK(hmac_ossl >= 0, "OpenSSL HMAC not measured");
	esp_engine_worker_free(w);
	esp_engine_fini();
	return 0;
}

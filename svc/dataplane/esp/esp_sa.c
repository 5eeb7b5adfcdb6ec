/* Prepared SAs (esp_sa.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "esp_alg.h"
#include "esp_sa.h"
#include "esp_wire.h"

/* Checks shared by both directions; fills the engine key. */
static int sa_check(const struct shm_sa *cfg, struct esp_crypto_key *key, char *err, size_t errlen)
{
	const struct esp_alg_crypto *ca = esp_alg_crypto(cfg->crypto_alg);
	const struct esp_alg_integ *ia = esp_alg_integ(cfg->integ_alg);

	if (!ca || !ia) {
		snprintf(err, errlen, "sa %u: unknown algorithm (crypto %u, integ %u)", cfg->sa_id,
			 cfg->crypto_alg, cfg->integ_alg);
		return -EINVAL;
	}
	if (cfg->spi == 0) {
		snprintf(err, errlen, "sa %u: SPI 0 is reserved (RFC 4303 §2.1)", cfg->sa_id);
		return -EINVAL;
	}
	if (ia->kind == ESP_HK_NONE && !ca->icv_len) {
		/* ESP without integrity only with a combined-mode cipher (RFC 8221 §5) */
		snprintf(err, errlen, "sa %u: %s needs an integrity algorithm (RFC 8221 §5)", cfg->sa_id,
			 ca->name);
		return -EINVAL;
	}
	if (cfg->crypto_key_len != ca->key_len || cfg->integ_key_len > SHM_INTEG_KEY_MAX ||
	    (ia->kind != ESP_HK_NONE && cfg->integ_key_len == 0)) {
		snprintf(err, errlen, "sa %u: key length %u/%u does not fit %s/%s", cfg->sa_id,
			 cfg->crypto_key_len, cfg->integ_key_len, ca->name, ia->name);
		return -EINVAL;
	}
	if (cfg->replay_window > ESP_REPLAY_WIN_MAX) {
		snprintf(err, errlen, "sa %u: replay window %u above %u", cfg->sa_id, cfg->replay_window,
			 ESP_REPLAY_WIN_MAX);
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	key->crypto = cfg->crypto_alg;
	key->integ = cfg->integ_alg;
	key->ckey = cfg->crypto_key;
	key->ckey_len = cfg->crypto_key_len;
	key->ikey = cfg->integ_key;
	key->ikey_len = cfg->integ_key_len;
	memcpy(key->salt, &cfg->salt, 4);       /* stored in wire order */
	return 0;
}

static uint8_t sa_flags(const struct shm_sa *cfg)
{
	const struct esp_alg_crypto *ca = esp_alg_crypto(cfg->crypto_alg);
	uint8_t f = 0;

	if (cfg->flags & SHM_SA_TUNNEL)
		f |= ESP_SA_F_TUNNEL;
	if ((cfg->flags & SHM_SA_TUNNEL) && (cfg->flags & SHM_SA_TUNNEL_V6))
		f |= ESP_SA_F_OUTER_V6;
	if (cfg->flags & SHM_SA_UDP_ENCAP)
		f |= ESP_SA_F_UDP;
	if (cfg->flags & SHM_SA_ESN)
		f |= ESP_SA_F_ESN;
	if (ca->icv_len)
		f |= ESP_SA_F_AEAD;
	else if (cfg->integ_alg != SHM_INTEG_NONE)
		f |= ESP_SA_F_HMAC;
	if (ca->kind == ESP_CK_AES_CTR || ca->kind == ESP_CK_AES_GCM)
		f |= ESP_SA_F_IV_SEQ;
	else if (ca->iv_len)
		f |= ESP_SA_F_IV_RAND;
	return f;
}

static void *zalloc64(size_t n)
{
	void *p = aligned_alloc(64, n);

	if (p)
		memset(p, 0, n);
	return p;
}

struct esp_sa_out *esp_sa_out_create(const struct shm_sa *cfg, int engine, char *err, size_t errlen)
{
	const struct esp_alg_crypto *ca;
	struct esp_crypto_key key;
	struct esp_sa_out *sa;
	int rc;

	if (sa_check(cfg, &key, err, errlen) != 0)
		return NULL;
	ca = esp_alg_crypto(cfg->crypto_alg);
	sa = zalloc64(sizeof(*sa));
	if (!sa) {
		snprintf(err, errlen, "sa %u: out of memory", cfg->sa_id);
		return NULL;
	}
	sa->spi_be = __builtin_bswap32(cfg->spi);
	sa->sa_id = cfg->sa_id;
	sa->flags = sa_flags(cfg);
	sa->iv_len = ca->iv_len;
	sa->icv_len = ca->icv_len ? ca->icv_len : esp_alg_integ(cfg->integ_alg)->icv_len;
	/* RFC 4303 §2.4: the ciphertext is a multiple of the block size and
	 * Pad Length / Next Header end on a 4-byte boundary */
	sa->align = ca->block > 4 ? ca->block : 4;
	if (sa->flags & ESP_SA_F_TUNNEL)
		sa->outer_len = (sa->flags & ESP_SA_F_OUTER_V6) ? sizeof(struct esp_ip6_hdr)
								 : sizeof(struct esp_ip4_hdr);
	if (sa->flags & ESP_SA_F_UDP) {
		sa->udp_len = sizeof(struct esp_udp_hdr);
		sa->sport_be = __builtin_bswap16(cfg->udp_src_port ? cfg->udp_src_port : ESP_NATT_PORT);
		sa->dport_be = __builtin_bswap16(cfg->udp_dst_port ? cfg->udp_dst_port : ESP_NATT_PORT);
	}
	/* RFC 4303 §3.3.3: the counter never cycles; the last usable value */
	sa->seq_max = (sa->flags & ESP_SA_F_ESN) ? UINT64_MAX : UINT32_MAX;
	memcpy(sa->src, cfg->tunnel_src, 16);
	memcpy(sa->dst, cfg->tunnel_dst, 16);
	if ((sa->flags & ESP_SA_F_TUNNEL) && !(sa->flags & ESP_SA_F_OUTER_V6)) {
		/* version/IHL, TTL 64/protocol, addresses: summed once (RFC 1071) */
		sa->ip4_sum = 0x4500u + (64u << 8 | (sa->udp_len ? ESP_PROTO_UDP : ESP_PROTO_ESP));
		for (int i = 0; i < 4; i += 2)
			sa->ip4_sum += (uint32_t)(sa->src[i] << 8 | sa->src[i + 1]) +
				       (uint32_t)(sa->dst[i] << 8 | sa->dst[i + 1]);
	}
	rc = esp_engine_ctx_init(&sa->crypto, &key, SHM_DIR_OUT, engine, ESP_ARCH_AUTO, err, errlen);
	if (rc != 0) {
		esp_sa_out_free(sa);
		return NULL;
	}
	return sa;
}

struct esp_sa_in *esp_sa_in_create(const struct shm_sa *cfg, int engine, char *err, size_t errlen)
{
	const struct esp_alg_crypto *ca;
	struct esp_crypto_key key;
	struct esp_sa_in *sa;
	uint32_t win;
	int rc;

	if (sa_check(cfg, &key, err, errlen) != 0)
		return NULL;
	ca = esp_alg_crypto(cfg->crypto_alg);
	sa = zalloc64(sizeof(*sa));
	if (!sa) {
		snprintf(err, errlen, "sa %u: out of memory", cfg->sa_id);
		return NULL;
	}
	sa->spi_be = __builtin_bswap32(cfg->spi);
	sa->sa_id = cfg->sa_id;
	sa->flags = sa_flags(cfg);
	sa->iv_len = ca->iv_len;
	sa->icv_len = ca->icv_len ? ca->icv_len : esp_alg_integ(cfg->integ_alg)->icv_len;
	sa->block = ca->block;
	/* The window rounds up to whole 64-bit words; ESN inference needs a
	 * window even with anti-replay off, so 0 means the default there. */
	win = cfg->replay_window ? cfg->replay_window : ESP_REPLAY_WIN_DEFAULT;
	sa->replay.win = (win + 63) / 64 * 64;
	sa->replay.esn = (sa->flags & ESP_SA_F_ESN) != 0;
	sa->replay.check = (cfg->flags & SHM_SA_ANTI_REPLAY) != 0;
	rc = esp_engine_ctx_init(&sa->crypto, &key, SHM_DIR_IN, engine, ESP_ARCH_AUTO, err, errlen);
	if (rc != 0) {
		esp_sa_in_free(sa);
		return NULL;
	}
	return sa;
}

void esp_sa_out_free(struct esp_sa_out *sa)
{
	if (!sa)
		return;
	esp_engine_ctx_fini(&sa->crypto);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void esp_sa_in_free(struct esp_sa_in *sa)
{
	if (!sa)
		return;
	esp_engine_ctx_fini(&sa->crypto);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

int esp_sa_rt_adopt(struct shm_sa_rt *rt, const struct shm_sa *cfg)
{
	if (rt->owner_gen == cfg->create_gen)
		return 0;
	atomic_store_explicit(&rt->seq_out, 0, memory_order_relaxed);
	rt->flags = 0;
	esp_replay_reset(rt);
	atomic_thread_fence(memory_order_release);
	rt->owner_gen = cfg->create_gen;
	return 1;
}

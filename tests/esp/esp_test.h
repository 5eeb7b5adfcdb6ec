/* Helpers shared by the ESP tests: checks, hex, engine set-up, SA records. */
#ifndef IPSECGW_TESTS_ESP_TEST_H
#define IPSECGW_TESTS_ESP_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_alg.h"
#include "esp_engine.h"
#include "esp_pkt.h"
#include "region.h"

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			exit(1);                                                \
		}                                                               \
	} while (0)

/* Hex (case-insensitive, no separators) to bytes; returns the length. */
static inline size_t hex2bin(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex) / 2;

	CHECK(strlen(hex) % 2 == 0 && n <= max, "bad hex length %zu", strlen(hex));
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1, "bad hex at %zu", 2 * i);
		out[i] = (uint8_t)v;
	}
	return n;
}

static inline void esp_test_init(void)
{
	char err[256];

	CHECK(esp_engine_init(err, sizeof(err)) == 0, "%s", err);
}

/* Engines and code paths a test runs on: every intel-ipsec-mb path the CPU
 * offers, then OpenSSL. */
struct esp_test_engine {
	int engine;
	int arch;
	char name[24];
};

static inline int esp_test_engines(struct esp_test_engine *out)
{
	static const uint8_t key[32];
	int n = 0;

	for (int a = 0; a < ESP_ARCH_N; a++) {
		struct esp_crypto_key k = { .crypto = SHM_CRYPTO_AES_CBC_128, .ckey = key, .ckey_len = 16 };
		struct esp_crypto_ctx *ctx = aligned_alloc(64, sizeof(*ctx));
		char err[128];

		CHECK(ctx, "oom");
		if (esp_engine_ctx_init(ctx, &k, SHM_DIR_OUT, ESP_ENGINE_IMB, a, err, sizeof(err)) == 0) {
			out[n].engine = ESP_ENGINE_IMB;
			out[n].arch = a;
			snprintf(out[n].name, sizeof(out[n].name), "ipsec-mb/%s", esp_arch_name(a));
			n++;
		}
		esp_engine_ctx_fini(ctx);
		free(ctx);
	}
	out[n].engine = ESP_ENGINE_OSSL;
	out[n].arch = ESP_ARCH_AUTO;
	snprintf(out[n].name, sizeof(out[n].name), "openssl");
	return n + 1;
}

/* Whether the native engine offers this cipher on this CPU: a measured
 * native cost in the engine listing (no pin is touched). */
static inline int esp_test_native(unsigned crypto)
{
	struct esp_engine_choice rows[SHM_CRYPTO_N + SHM_INTEG_N];
	unsigned n = esp_engine_list(rows, SHM_CRYPTO_N + SHM_INTEG_N);
	const struct esp_alg_crypto *ca = esp_alg_crypto(crypto);

	for (unsigned i = 0; ca && i < n; i++)
		if (!rows[i].integ && strcmp(rows[i].alg, ca->name) == 0)
			return rows[i].ns_native > 0;
	return 0;
}

/* A control record as the config service would write it. */
static inline void esp_test_sa(struct shm_sa *sa, unsigned crypto, unsigned integ, uint32_t flags)
{
	const struct esp_alg_crypto *ca = esp_alg_crypto(crypto);
	const struct esp_alg_integ *ia = esp_alg_integ(integ);

	memset(sa, 0, sizeof(*sa));
	sa->sa_id = 10;
	sa->spi = 0x1001;
	sa->crypto_alg = (uint8_t)crypto;
	sa->integ_alg = (uint8_t)integ;
	sa->crypto_key_len = ca->key_len;
	sa->integ_key_len = ia->digest_len;
	for (int i = 0; i < ca->key_len; i++)
		sa->crypto_key[i] = (uint8_t)(0x40 + i);
	for (int i = 0; i < ia->digest_len; i++)
		sa->integ_key[i] = (uint8_t)(0x80 + i);
	memcpy(&sa->salt, "\x01\x02\x03\x04", 4);
	sa->flags = flags;
	sa->replay_window = 64;
	sa->create_gen = 1;
	/* 192.0.2.1 -> 198.51.100.1, or 2001:db8::1 -> 2001:db8::2 */
	if (flags & SHM_SA_TUNNEL_V6) {
		memcpy(sa->tunnel_src, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		memcpy(sa->tunnel_dst, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	} else {
		memcpy(sa->tunnel_src, "\xc0\x00\x02\x01", 4);
		memcpy(sa->tunnel_dst, "\xc6\x33\x64\x01", 4);
	}
	if (flags & SHM_SA_UDP_ENCAP)
		sa->udp_src_port = sa->udp_dst_port = 4500;
}


/* A packet buffer with room on both sides, as an mbuf would give. */
#define TB_SIZE 4096
#define TB_HEAD 256
struct tbuf {
	uint8_t mem[TB_SIZE];
	struct esp_pkt p;
};

/* Writes an IPv4 (v6 = 0) or IPv6 UDP packet with `plen` payload bytes
 * (pattern seeded by `seed`) into t and returns its length. Addresses are
 * from the documentation ranges. */
static inline uint32_t tb_udp(struct tbuf *t, int v6, uint32_t plen, uint8_t seed)
{
	uint8_t *d = t->mem + TB_HEAD;
	uint32_t hl = v6 ? 40 : 20, len = hl + 8 + plen;

	memset(t->mem, 0xee, sizeof(t->mem));
	memset(d, 0, hl + 8);
	if (v6) {
		d[0] = 0x60;
		d[1] = 0x20;                    /* traffic class 2 */
		d[4] = (uint8_t)((8 + plen) >> 8);
		d[5] = (uint8_t)(8 + plen);
		d[6] = 17;
		d[7] = 63;
		memcpy(d + 8, "\x20\x01\x0d\xb8\0\x01\0\0\0\0\0\0\0\0\0\x0a", 16);
		memcpy(d + 24, "\x20\x01\x0d\xb8\0\x02\0\0\0\0\0\0\0\0\0\x0b", 16);
	} else {
		uint64_t sum = 0;

		d[0] = 0x45;
		d[1] = 0x08;
		d[2] = (uint8_t)(len >> 8);
		d[3] = (uint8_t)len;
		d[4] = 0x12;
		d[6] = 0x40;                    /* DF */
		d[8] = 63;
		d[9] = 17;
		memcpy(d + 12, "\xcb\x00\x71\x0a", 4);  /* 203.0.113.10 */
		memcpy(d + 16, "\xc6\x12\x00\x0b", 4);  /* 198.18.0.11 */
		for (int i = 0; i < 20; i += 2)
			sum += (uint32_t)(d[i] << 8 | d[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		d[10] = (uint8_t)(~sum >> 8);
		d[11] = (uint8_t)~sum;
	}
	d[hl + 0] = 0x30;
	d[hl + 1] = 0x39;                       /* 12345 */
	d[hl + 2] = 0x00;
	d[hl + 3] = 0x35;                       /* 53 */
	d[hl + 4] = (uint8_t)((8 + plen) >> 8);
	d[hl + 5] = (uint8_t)(8 + plen);
	for (uint32_t i = 0; i < plen; i++)
		d[hl + 8 + i] = (uint8_t)(seed + i * 7);
	t->p = (struct esp_pkt){ .data = d, .len = len, .headroom = TB_HEAD,
				 .tailroom = (uint16_t)(TB_SIZE - TB_HEAD - len) };
	return len;
}

#endif

/*
 * libFuzzer target on the inbound ESP path with fixed keys.
 *
 * Input byte 0 picks the SA (low 3 bits), the engine (bit 3: OpenSSL, else
 * intel-ipsec-mb; bit 6 overrides: the native engine for the AES-GCM SAs where
 * the CPU has it, intel-ipsec-mb for the others) and what the rest is
 * (bits 4-5):
 *   0  a whole packet from its IP header;
 *   1  the packet after valid outer headers and the SA's SPI, which the
 *      harness supplies (so the input reaches the replay check and the
 *      engine);
 *   2  as 1, with the first 8 input bytes as the receiver's top (ESN
 *      inference at arbitrary window positions);
 *   3  sealed: the input is the plaintext of the ESP payload (inner packet,
 *      padding, Pad Length, Next Header: anything), which the harness
 *      encrypts and authenticates with the SA's keys, so the checks after the
 *      ICV (padding, Next Header, inner headers, decapsulation) see
 *      arbitrary content.
 * Every SA has integrity (HMAC or GCM), so in modes 0-2 the fuzzer cannot
 * produce a valid ICV: accepting any such input is a bug and aborts. In
 * mode 3 an accepted packet must decapsulate to something consistent.
 *
 * Built with -DIPSECGW_FUZZ=ON (clang); without it, esp_fuzz_smoke runs the
 * same function on pseudo-random inputs.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "esp_test.h"

#define NSA 8
static const struct {
	uint8_t crypto, integ;
	uint32_t flags;
} sas[NSA] = {
	{ SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL },
	{ SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL | SHM_SA_ESN },
	{ SHM_CRYPTO_AES_CTR_256, SHM_INTEG_SHA_256_128, SHM_SA_TUNNEL | SHM_SA_TUNNEL_V6 | SHM_SA_UDP_ENCAP },
	{ SHM_CRYPTO_NONE, SHM_INTEG_SHA_512_256, SHM_SA_ESN },
	{ SHM_CRYPTO_3DES_CBC, SHM_INTEG_MD5_96, SHM_SA_UDP_ENCAP },
	{ SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE, SHM_SA_TUNNEL_V6 | SHM_SA_ESN | SHM_SA_UDP_ENCAP },
	{ SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_384_192, SHM_SA_TUNNEL | SHM_SA_ESN },
	{ SHM_CRYPTO_DES_CBC, SHM_INTEG_SHA_256_96, 0 },
};

static long sealed_accepted;

static struct {
	struct esp_engine_worker *w;
	struct shm_sa cfg[NSA];
	struct esp_sa_in *in[3][NSA];
	struct esp_sa_out *out[3][NSA];         /* keys for sealing */
} F;

static void fuzz_init(void)
{
	char err[256];

	esp_test_init();
	F.w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(F.w, "%s", err);
	for (int i = 0; i < NSA; i++) {
		esp_test_sa(&F.cfg[i], sas[i].crypto, sas[i].integ, sas[i].flags | SHM_SA_ANTI_REPLAY);
		for (int e = 0; e < 3; e++) {
			int eng = e == 1 ? ESP_ENGINE_OSSL
				  : e == 2 && esp_test_native(sas[i].crypto) ? ESP_ENGINE_NATIVE : ESP_ENGINE_IMB;

			F.in[e][i] = esp_sa_in_create(&F.cfg[i], eng, err, sizeof(err));
			F.out[e][i] = esp_sa_out_create(&F.cfg[i], eng, err, sizeof(err));
			CHECK(F.in[e][i] && F.out[e][i], "%s", err);
		}
	}
}

/* Outer headers for an SA: IPv4/IPv6 (transport uses the family of the
 * tunnel flag too), UDP if encapsulated. Returns the ESP offset. */
static uint32_t put_outer(const struct shm_sa *cfg, uint8_t *d, uint32_t esp_len)
{
	int v6 = (cfg->flags & SHM_SA_TUNNEL_V6) != 0;
	uint32_t hl = v6 ? 40 : 20, udp = (cfg->flags & SHM_SA_UDP_ENCAP) ? 8 : 0;
	uint32_t tot = hl + udp + esp_len;

	memset(d, 0, hl + udp);
	if (v6) {
		d[0] = 0x60;
		d[4] = (uint8_t)((tot - 40) >> 8);
		d[5] = (uint8_t)(tot - 40);
		d[6] = udp ? 17 : 50;
		d[7] = 64;
		memcpy(d + 8, cfg->tunnel_src, 16);
		memcpy(d + 24, cfg->tunnel_dst, 16);
	} else {
		d[0] = 0x45;
		d[2] = (uint8_t)(tot >> 8);
		d[3] = (uint8_t)tot;
		d[8] = 64;
		d[9] = udp ? 17 : 50;
		memcpy(d + 12, cfg->tunnel_src, 4);
		memcpy(d + 16, cfg->tunnel_dst, 4);
	}
	if (udp) {
		d[hl] = d[hl + 2] = 0x11;
		d[hl + 1] = d[hl + 3] = 0x94;   /* 4500 */
		d[hl + 4] = (uint8_t)((udp + esp_len) >> 8);
		d[hl + 5] = (uint8_t)(udp + esp_len);
	}
	return hl + udp;
}

/* Mode 3: ESP with the input as plaintext, encrypted and authenticated
 * under the SA's keys; returns the packet length or 0. */
static uint32_t seal(int e, int s, const uint8_t *pt, size_t n, uint8_t *d, uint64_t seq)
{
	const struct esp_sa_out *o = F.out[e][s];
	uint32_t ct = (uint32_t)n, blk = esp_alg_crypto(F.cfg[s].crypto_alg)->block;
	uint32_t esp_off, esp_len;
	uint8_t *esp, aad[12];
	struct esp_crypto_op op;

	if (n < 2 || n > 2000)
		return 0;
	ct = (ct + blk - 1) / blk * blk;        /* whole blocks; zeros fill */
	esp_len = 8 + o->iv_len + ct + o->icv_len;
	esp_off = put_outer(&F.cfg[s], d, esp_len);
	esp = d + esp_off;
	memcpy(esp, &o->spi_be, 4);
	for (int i = 0; i < 4; i++)
		esp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
	memset(esp + 8, 0x5a, o->iv_len);
	if (o->flags & ESP_SA_F_IV_SEQ)
		for (int i = 0; i < 8; i++)
			esp[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memset(esp + 8 + o->iv_len, 0, ct);
	memcpy(esp + 8 + o->iv_len + ct - n, pt, n);    /* the trailer ends the ciphertext */
	memset(&op, 0, sizeof(op));
	op.buf = esp;
	op.iv_off = 8;
	op.cipher_off = (uint16_t)(8 + o->iv_len);
	op.cipher_len = (uint16_t)ct;
	op.icv = esp + 8 + o->iv_len + ct;
	op.auth_len = (uint16_t)(8 + o->iv_len + ct);
	if (o->flags & ESP_SA_F_AEAD) {
		memcpy(aad, esp, 4);
		if (o->flags & ESP_SA_F_ESN) {
			memset(aad + 4, 0, 4);          /* seq-hi 0 */
			memcpy(aad + 8, esp + 4, 4);
			op.aad_len = 12;
		} else {
			memcpy(aad + 4, esp + 4, 4);
			op.aad_len = 8;
		}
		op.aad = aad;
	} else if (o->flags & ESP_SA_F_ESN) {
		memset(op.icv, 0, 4);                   /* seq-hi 0 */
		op.auth_len += 4;
	}
	if (esp_engine_encrypt(F.w, &o->crypto, &op, 1) != 1)
		abort();
	return esp_off + esp_len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static alignas(64) uint8_t mem[256 + 4096 + 256];
	static alignas(64) struct shm_sa_rt rt;
	uint8_t *d = mem + 256;
	uint32_t len;
	int s, e, mode;
	struct esp_pkt p, *pp = &p;
	uint16_t good;

	if (!F.w)
		fuzz_init();
	if (size < 1 || size > 4000)
		return 0;
	s = data[0] & 7;
	e = data[0] & 0x40 ? 2 : (data[0] >> 3) & 1;
	mode = (data[0] >> 4) & 3;
	data++;
	size--;
	memset(&rt, 0, sizeof(rt));
	memset(mem, 0xcc, sizeof(mem));
	if (mode == 0) {
		memcpy(d, data, size);
		len = (uint32_t)size;
	} else if (mode == 1 || mode == 2) {
		uint32_t off;

		if (mode == 2) {
			if (size < 8)
				return 0;
			for (int i = 0; i < 8; i++)
				rt.in_top = rt.in_top << 8 | data[i];
			if (!(F.cfg[s].flags & SHM_SA_ESN))
				rt.in_top &= 0xffffffffu;
			data += 8;
			size -= 8;
		}
		off = put_outer(&F.cfg[s], d, (uint32_t)(4 + size));
		memcpy(d + off, &F.in[e][s]->spi_be, 4);
		memcpy(d + off + 4, data, size);
		len = off + 4 + (uint32_t)size;
	} else {
		len = seal(e, s, data, size, d, 7);
		if (!len)
			return 0;
	}
	p = (struct esp_pkt){ .data = d, .len = len, .headroom = 256, .tailroom = (uint16_t)(4096 + 256 - len) };
	good = esp_inb_process(F.w, F.in[e][s], &rt, &pp, 1);
	if (good && mode != 3) {
		fprintf(stderr, "accepted a packet without a valid ICV (sa %d, engine %d, mode %d)\n", s, e, mode);
		abort();
	}
	if (good) {
		sealed_accepted++;
		/* consistent result: inside the buffer, shorter than what came in */
		if (p.data < mem || p.data + p.len > mem + sizeof(mem) || p.len >= len ||
		    p.data - mem != p.headroom || p.data + p.len + p.tailroom != mem + sizeof(mem))
			abort();
		if ((F.cfg[s].flags & SHM_SA_TUNNEL) && p.next_proto != 4 && p.next_proto != 41)
			abort();
		if (rt.in_top != 7)
			abort();
	} else if (p.drop == ESP_PKT_OK || p.drop >= SHM_DROP_N) {
		abort();
	}
	return 0;
}

#ifndef ESP_FUZZ_LIBFUZZER
/* Smoke driver for builds without libFuzzer: pseudo-random inputs in every
 * mode, plus mutations of sealed packets. */
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	static uint8_t buf[1600];

	for (long i = 0; i < n; i++) {
		size_t len;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = 1 + (size_t)(x % 300);
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[k] = (uint8_t)x;
		}
		if (i % 4 == 3 && len > 2) {
			/* sealed, with a mostly well-formed trailer */
			buf[len - 2] = (uint8_t)(buf[len - 2] % 8);
			buf[len - 1] = (uint8_t)(i % 3 == 0 ? 4 : i % 3 == 1 ? 41 : buf[len - 1]);
			buf[0] = (uint8_t)(0x30 | (buf[0] & 0x0f));
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("fuzz smoke: %ld inputs, none accepted without a valid ICV; %ld sealed ones accepted\n", n,
	       sealed_accepted);
	return 0;
}
#endif

/*
 * Tamper test: every single-bit flip over the ESP part of valid packets
 * (SPI, sequence number, IV, payload, padding, Pad Length / Next Header,
 * ICV), for several algorithms, on both engines. No flipped packet may be
 * accepted or move the window; a flipped SPI is NO_SA, every other flip
 * INTEGRITY (the ICV covers all of it, RFC 4303 §2; with GCM the SPI and
 * sequence number through the AAD, RFC 4106 §5).
 */
#include <stdalign.h>

#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "esp_test.h"

static const struct {
	uint8_t crypto, integ;
	uint32_t flags;
} cases[] = {
	{ SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96, SHM_SA_TUNNEL },
	{ SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE, SHM_SA_TUNNEL },
	{ SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE, SHM_SA_TUNNEL | SHM_SA_ESN | SHM_SA_UDP_ENCAP },
	{ SHM_CRYPTO_AES_CTR_256, SHM_INTEG_SHA_256_128, SHM_SA_TUNNEL | SHM_SA_TUNNEL_V6 },
	{ SHM_CRYPTO_3DES_CBC, SHM_INTEG_MD5_96, SHM_SA_TUNNEL },
	{ SHM_CRYPTO_NONE, SHM_INTEG_SHA_512_256, SHM_SA_TUNNEL | SHM_SA_ESN },
	{ SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_384_192, SHM_SA_ESN },  /* transport */
	{ SHM_CRYPTO_DES_CBC, SHM_INTEG_SHA_256_96, SHM_SA_TUNNEL | SHM_SA_UDP_ENCAP },
};

enum region { R_SPI, R_SEQ, R_IV, R_PAYLOAD, R_PADDING, R_TRAILER, R_ICV, R_N };
static const char *const region_name[] = { "spi", "seq", "iv", "payload", "padding", "padlen/nh", "icv" };

int main(void)
{
	static struct tbuf clean, t, plain;
	static alignas(64) struct shm_sa_rt rt_out, rt_in, snap;
	struct esp_test_engine eng[ESP_ARCH_N + 1];
	struct esp_engine_worker *w;
	long flips[R_N] = { 0 };
	char err[256];
	int neng;

	esp_test_init();
	w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(w, "%s", err);
	neng = esp_test_engines(eng);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (int e = 0; e < neng; e += neng - 1) {      /* first intel-ipsec-mb path, OpenSSL */
			struct shm_sa cfg;
			struct esp_sa_out *so;
			struct esp_sa_in *si;
			struct esp_pkt *pk;
			uint32_t esp_off, inner_len, padlen, len;
			int v6 = !!(cases[c].flags & SHM_SA_TUNNEL_V6);

			esp_test_sa(&cfg, cases[c].crypto, cases[c].integ, cases[c].flags | SHM_SA_ANTI_REPLAY);
			so = esp_sa_out_create(&cfg, eng[e].engine, err, sizeof(err));
			si = esp_sa_in_create(&cfg, eng[e].engine, err, sizeof(err));
			CHECK(so && si, "%s", err);
			memset(&rt_out, 0, sizeof(rt_out));
			rt_out.seq_out = 0x10000;       /* the packet carries 0x10001: no flip makes it 0 */
			inner_len = tb_udp(&plain, v6, 45, (uint8_t)c);
			clean = plain;
			clean.p.data = clean.mem + TB_HEAD;
			pk = &clean.p;
			CHECK(esp_outb_process(w, so, &rt_out, &pk, 1) == 1, "encrypt");
			len = clean.p.len;
			esp_off = (cases[c].flags & SHM_SA_TUNNEL) ? so->outer_len : (v6 ? 40u : 20u);
			esp_off += so->udp_len;
			if (!(cases[c].flags & SHM_SA_TUNNEL))
				inner_len -= v6 ? 40 : 20;
			padlen = (so->align - (inner_len + 2) % so->align) % so->align;
			/* the untouched packet passes */
			t = clean;
			t.p.data = t.mem + (clean.p.data - clean.mem);
			memset(&rt_in, 0, sizeof(rt_in));
			pk = &t.p;
			CHECK(esp_inb_process(w, si, &rt_in, &pk, 1) == 1, "%s/%s: clean packet refused: %u",
			      esp_alg_crypto(cfg.crypto_alg)->name, esp_alg_integ(cfg.integ_alg)->name, t.p.drop);
			for (uint32_t byte = esp_off; byte < len; byte++) {
				uint32_t o = byte - esp_off;
				enum region r;

				if (o < 4)
					r = R_SPI;
				else if (o < 8)
					r = R_SEQ;
				else if (o < 8u + so->iv_len)
					r = R_IV;
				else if (o < 8u + so->iv_len + inner_len)
					r = R_PAYLOAD;
				else if (o < 8u + so->iv_len + inner_len + padlen)
					r = R_PADDING;
				else if (o < 8u + so->iv_len + inner_len + padlen + 2)
					r = R_TRAILER;
				else
					r = R_ICV;
				for (int bit = 0; bit < 8; bit++) {
					uint8_t want = r == R_SPI ? SHM_DROP_NO_SA : SHM_DROP_INTEGRITY;

					t = clean;
					t.p.data = t.mem + (clean.p.data - clean.mem);
					t.p.data[byte] ^= (uint8_t)(1u << bit);
					memset(&rt_in, 0, sizeof(rt_in));
					memcpy(&snap, &rt_in, sizeof(snap));
					pk = &t.p;
					CHECK(esp_inb_process(w, si, &rt_in, &pk, 1) == 0,
					      "%s/%s on %s: flip of %s byte %u bit %d ACCEPTED",
					      esp_alg_crypto(cfg.crypto_alg)->name, esp_alg_integ(cfg.integ_alg)->name,
					      eng[e].name, region_name[r], o, bit);
					CHECK(t.p.drop == want, "%s/%s on %s: flip of %s byte %u bit %d: %s, expected %s",
					      esp_alg_crypto(cfg.crypto_alg)->name, esp_alg_integ(cfg.integ_alg)->name,
					      eng[e].name, region_name[r], o, bit, shm_drop_name(t.p.drop),
					      shm_drop_name(want));
					CHECK(memcmp(&snap, &rt_in, sizeof(snap)) == 0, "window moved");
					flips[r]++;
				}
			}
			esp_sa_out_free(so);
			esp_sa_in_free(si);
			if (neng == 1)
				break;
		}
	}
	printf("tamper: no flip accepted;");
	for (int r = 0; r < R_N; r++)
		printf(" %s %ld", region_name[r], flips[r]);
	printf(" (bits)\n");
	esp_engine_worker_free(w);
	esp_engine_fini();
	return 0;
}

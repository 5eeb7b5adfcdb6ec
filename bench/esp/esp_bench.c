/*
 * ESP core benchmark: cycles per packet and Mpps on one core for encrypt
 * (esp_outb_process) and decrypt (esp_inb_process) per algorithm, at 64-byte,
 * IMIX (7:4:1 of 64, 576, 1420) and 1420-byte inner IP packets, next to the
 * crypto-only cost of the same engine and code path (esp_engine_encrypt /
 * esp_engine_decrypt over the same byte ranges) measured right after it.
 *
 *   esp_bench [--runs N] [--ms M] [--engine imb|ossl|both|auto] [--alg CRYPTO/INTEG]...
 *             [--size 64|imix|1420] [--dir enc|dec] [--cpu C]
 *
 * --alg takes any pair of algorithm names (e.g. aes-ctr-192/sha1-96,
 * none/sha1-96) instead of the default list; --engine auto prepares the SAs
 * the way the dataplane does (ESP_ENGINE_AUTO: the start-up measurement
 * picks engine and code path) and prints what it picked. --burst-median
 * takes, per run, the median burst instead of the mean of all bursts: a burst
 * during which the thread was preempted (a loaded shared machine) then does
 * not count, as the dataplane benchmarks do not count time the worker
 * thread was off the CPU (bench/ipsec/run.sh uses it). --pin ENGINE[/PATH]
 * (ipsec-mb/sse|avx2|avx512, openssl, native) pins both algorithms of every pair,
 * as `set crypto handler` does in the dataplane.
 *
 * Tunnel mode IPv4-in-IPv4, no ESN, no UDP encapsulation, anti-replay on,
 * bursts of 32. Cycles are TSC ticks; each figure is the median (and, in
 * brackets, the minimum) of N runs (default 5) of about M ms (default 40)
 * each, taken in N passes over all figures so that load from elsewhere
 * spreads over figures instead of skewing one. Packets are in cache (they were just written), as after a
 * NIC's DMA into the LLC.
 */
#include <getopt.h>
#include <sched.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "esp_alg.h"
#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"

#define NB 32
#define HEAD 128
#define BUFSZ 2048
#define MAXRUNS 15

static struct {
	uint8_t crypto, integ;
} algs[16] = {
	{ SHM_CRYPTO_AES_GCM_128, SHM_INTEG_NONE },      { SHM_CRYPTO_AES_GCM_256, SHM_INTEG_NONE },
	{ SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA1_96 },   { SHM_CRYPTO_AES_CBC_256, SHM_INTEG_SHA_256_128 },
	{ SHM_CRYPTO_AES_CTR_128, SHM_INTEG_SHA1_96 },   { SHM_CRYPTO_AES_CTR_256, SHM_INTEG_SHA_256_128 },
	{ SHM_CRYPTO_AES_CBC_128, SHM_INTEG_SHA_512_256 }, { SHM_CRYPTO_3DES_CBC, SHM_INTEG_SHA1_96 },
	{ SHM_CRYPTO_DES_CBC, SHM_INTEG_MD5_96 },        { SHM_CRYPTO_NONE, SHM_INTEG_SHA_256_128 },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))
static size_t nalgs = 10;  /* entries of algs[] in use */

static const uint16_t imix[12] = { 64, 576, 64, 64, 576, 64, 1420, 64, 576, 64, 64, 576 };

static double tsc_hz;
static struct esp_engine_worker *W;
static int nruns = 5;
static double run_ms = 40;

static int burst_median;
static uint32_t *bursts;                /* cycles of each burst of the current phase */
static size_t nbursts;
#define MAXBURSTS (1u << 21)

static uint8_t *bufs[NB];
static struct esp_pkt pk[NB];
static struct esp_pkt *pp[NB];
static uint8_t ip_hdr[NB][20];
static uint16_t sizes[NB];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void calibrate(void)
{
	double t0 = now();
	uint64_t c0 = __rdtsc();

	while (now() - t0 < 0.2)
		;
	tsc_hz = (__rdtsc() - c0) / (now() - t0);
}

static void set_sizes(int size)
{
	for (int i = 0; i < NB; i++) {
		uint16_t n = size ? (uint16_t)size : imix[i % 12];
		uint8_t *h = ip_hdr[i];

		sizes[i] = n;
		memset(h, 0, 20);
		h[0] = 0x45;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		h[8] = 64;
		h[9] = 17;
		memcpy(h + 12, "\xc6\x33\x64\x0a\xcb\x00\x71\x14", 8);
		memset(bufs[i] + HEAD + 20, 0xa5, n - 20);
	}
}

/* Fresh plaintext packets: the IP header is all the ESP code parses. */
static void restore(void)
{
	for (int i = 0; i < NB; i++) {
		memcpy(bufs[i] + HEAD, ip_hdr[i], 20);
		pk[i] = (struct esp_pkt){ .data = bufs[i] + HEAD, .len = sizes[i], .headroom = HEAD,
					  .tailroom = (uint16_t)(BUFSZ - HEAD - sizes[i]) };
		pp[i] = &pk[i];
	}
}

/* Crypto-only operations over the same bytes the ESP path hands the engine. */
static void crypto_ops(const struct esp_sa_out *so, struct esp_crypto_op *ops, uint8_t aad[NB][12])
{
	for (int i = 0; i < NB; i++) {
		uint32_t pad = (so->align - (sizes[i] + 2u) % so->align) % so->align;
		uint32_t ct = sizes[i] + pad + 2;
		uint8_t *esp = bufs[i] + HEAD;

		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].buf = esp;
		ops[i].iv_off = 8;
		ops[i].cipher_off = (uint16_t)(8 + so->iv_len);
		ops[i].cipher_len = (uint16_t)ct;
		ops[i].auth_len = (uint16_t)(8 + so->iv_len + ct);
		ops[i].icv = esp + ops[i].auth_len;
		memcpy(aad[i], esp, 8);
		ops[i].aad = aad[i];
		ops[i].aad_len = (so->flags & ESP_SA_F_AEAD) ? 8 : 0;
	}
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *in, int n)
{
	double v[MAXRUNS];

	memcpy(v, in, sizeof(*v) * (size_t)n);
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One SA pair and its runtime records, kept across passes. */
struct bsa {
	struct esp_sa_out *so;
	struct esp_sa_in *si;
	alignas(64) struct shm_sa_rt rt_out;
	alignas(64) struct shm_sa_rt rt_in;
	char name[48], path[24];
};

/* One figure: an SA pair, a size, a direction; cycles per packet per pass. */
struct fig {
	struct bsa *b;
	int size;               /* 0 = IMIX */
	int dec;
	double esp[MAXRUNS], crypto[MAXRUNS];
};

static int cmpu(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void burst_add(uint64_t c)
{
	if (burst_median && nbursts < MAXBURSTS)
		bursts[nbursts++] = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

/* Cycles per packet of one phase: the mean, or the median burst. */
static double phase_result(uint64_t cyc, uint64_t pkts)
{
	double r = (double)cyc / pkts;

	if (burst_median && nbursts) {
		qsort(bursts, nbursts, sizeof(*bursts), cmpu);
		r = (double)bursts[nbursts / 2] / NB;
	}
	nbursts = 0;
	return r;
}

/* One run of about run_ms of the ESP path, then as long of the engine alone. */
static void measure(struct fig *f, int run)
{
	static struct esp_crypto_op ops[NB];
	static uint8_t aad[NB][12];
	struct bsa *b = f->b;
	uint64_t cyc = 0, pkts = 0;
	double t_end = now() + run_ms / 1e3;

	set_sizes(f->size);
	while (now() < t_end) {
		for (int k = 0; k < 64; k++) {
			uint64_t c0, c1;
			uint16_t good;

			restore();
			if (f->dec) {
				if (esp_outb_process(W, b->so, &b->rt_out, pp, NB) != NB)
					abort();
				c0 = __rdtsc();
				good = esp_inb_process(W, b->si, &b->rt_in, pp, NB);
				c1 = __rdtsc();
			} else {
				c0 = __rdtsc();
				good = esp_outb_process(W, b->so, &b->rt_out, pp, NB);
				c1 = __rdtsc();
			}
			if (good != NB) {
				fprintf(stderr, "bench: %u of %d good (drop %s)\n", good, NB,
					shm_drop_name(pp[good]->drop));
				exit(1);
			}
			cyc += c1 - c0;
			pkts += NB;
			burst_add(c1 - c0);
		}
	}
	f->esp[run] = phase_result(cyc, pkts);

	/* crypto only, same engine and path, same byte ranges */
	cyc = pkts = 0;
	crypto_ops(b->so, ops, aad);
	t_end = now() + run_ms / 1e3;
	while (now() < t_end) {
		for (int k = 0; k < 64; k++) {
			uint64_t c0, c1;
			uint16_t good;

			if (f->dec) {
				esp_engine_encrypt(W, &b->so->crypto, ops, NB);
				c0 = __rdtsc();
				good = esp_engine_decrypt(W, &b->si->crypto, ops, NB);
				c1 = __rdtsc();
			} else {
				c0 = __rdtsc();
				good = esp_engine_encrypt(W, &b->so->crypto, ops, NB);
				c1 = __rdtsc();
			}
			if (good != NB)
				abort();
			cyc += c1 - c0;
			pkts += NB;
			burst_add(c1 - c0);
		}
	}
	f->crypto[run] = phase_result(cyc, pkts);
}

static void make_sa(struct shm_sa *cfg, unsigned crypto, unsigned integ)
{
	const struct esp_alg_crypto *ca = esp_alg_crypto(crypto);
	const struct esp_alg_integ *ia = esp_alg_integ(integ);

	memset(cfg, 0, sizeof(*cfg));
	cfg->sa_id = 1;
	cfg->spi = 0x1000;
	cfg->crypto_alg = (uint8_t)crypto;
	cfg->integ_alg = (uint8_t)integ;
	cfg->crypto_key_len = ca->key_len;
	cfg->integ_key_len = ia->digest_len;
	memset(cfg->crypto_key, 0x4a, ca->key_len);
	memset(cfg->integ_key, 0x43, ia->digest_len);
	cfg->flags = SHM_SA_TUNNEL | SHM_SA_ANTI_REPLAY;
	cfg->replay_window = 64;
	memcpy(cfg->tunnel_src, "\xc0\x00\x02\x01", 4);
	memcpy(cfg->tunnel_dst, "\xc0\x00\x02\x02", 4);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "runs", 1, 0, 'r' }, { "ms", 1, 0, 'm' }, { "engine", 1, 0, 'e' },
		{ "alg", 1, 0, 'a' },  { "cpu", 1, 0, 'c' }, { "size", 1, 0, 's' },
		{ "dir", 1, 0, 'd' },  { "burst-median", 0, 0, 'b' }, { "pin", 1, 0, 'p' }, { 0, 0, 0, 0 },
	};
	static const int size_of[3] = { 64, 0, 1420 };
	static struct fig figs[NALGS * 3 * 3 * 2];
	static struct bsa *bsas[NALGS * 3];
	int nfig = 0, nbsa = 0;
	int nonly = 0, eng_mask = 3, cpu = -1, size_mask = 7, dir_mask = 3, c;
	const char *pin = NULL;
	char err[256];

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': nruns = atoi(optarg); break;
		case 'm': run_ms = atof(optarg); break;
		case 'e':
			eng_mask = !strcmp(optarg, "imb") ? 1 : !strcmp(optarg, "ossl") ? 2 : !strcmp(optarg, "auto") ? 4 : 3;
			break;
		case 'a': {
			char cn[32];
			const char *sl = strchr(optarg, '/');
			int ci, ii;

			if (!sl || (size_t)(sl - optarg) >= sizeof(cn)) {
				fprintf(stderr, "esp_bench: --alg CRYPTO/INTEG, got '%s'\n", optarg);
				return 2;
			}
			memcpy(cn, optarg, (size_t)(sl - optarg));
			cn[sl - optarg] = 0;
			ci = esp_alg_crypto_by_name(cn);
			ii = esp_alg_integ_by_name(sl + 1);
			if (ci < 0 || ii < 0 || nonly >= (int)NALGS) {
				fprintf(stderr, "esp_bench: unknown algorithm pair '%s'\n", optarg);
				return 2;
			}
			algs[nonly].crypto = (uint8_t)ci;
			algs[nonly++].integ = (uint8_t)ii;
			nalgs = (size_t)nonly;
			break;
		}
		case 'c': cpu = atoi(optarg); break;
		case 's': size_mask = !strcmp(optarg, "64") ? 1 : !strcmp(optarg, "imix") ? 2 : 4; break;
		case 'd': dir_mask = !strcmp(optarg, "enc") ? 1 : 2; break;
		case 'b': burst_median = 1; break;
		case 'p': pin = optarg; break;
		default:
			fprintf(stderr, "usage: esp_bench [--runs N] [--ms M] [--engine imb|ossl|both|auto] "
					"[--alg CRYPTO/INTEG]... [--size 64|imix|1420] [--dir enc|dec] [--cpu C] "
					"[--burst-median] [--pin ENGINE[/PATH]]\n");
			return 2;
		}
	}
	if (nruns < 1 || nruns > MAXRUNS)
		nruns = 5;
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			perror("sched_setaffinity");
	}
	if (esp_engine_init(err, sizeof(err)) != 0 || !(W = esp_engine_worker_create(0, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (int i = 0; i < NB; i++) {
		bufs[i] = aligned_alloc(64, BUFSZ);
		memset(bufs[i], 0, BUFSZ);
	}
	if (burst_median && !(bursts = malloc(MAXBURSTS * sizeof(*bursts)))) {
		perror("malloc");
		return 1;
	}
	calibrate();
	if (pin) {
		int pe = !strncmp(pin, "openssl", 7) ? ESP_ENGINE_OSSL
			 : !strcmp(pin, "native")     ? ESP_ENGINE_NATIVE : ESP_ENGINE_IMB;
		int pa = ESP_ARCH_AUTO;
		const char *sl = strchr(pin, '/');

		for (int a = 0; sl && a < ESP_ARCH_N; a++)
			if (!strcmp(sl + 1, esp_arch_name(a)))
				pa = a;
		for (size_t a = 0; a < nalgs; a++) {
			if ((algs[a].crypto && esp_engine_select(0, algs[a].crypto, pe, pa) != 0) ||
			    (algs[a].integ && esp_engine_select(1, algs[a].integ, pe, pa) != 0)) {
				fprintf(stderr, "esp_bench: cannot pin %s\n", pin);
				return 1;
			}
		}
	}
	for (size_t a = 0; a < nalgs; a++) {
		char name[48];

		snprintf(name, sizeof(name), "%s/%s", esp_alg_crypto(algs[a].crypto)->name,
			 esp_alg_integ(algs[a].integ)->name);
		for (int e = 0; e < 3; e++) {
			int eng = e == 2 ? ESP_ENGINE_AUTO : e ? ESP_ENGINE_OSSL : ESP_ENGINE_IMB;

			struct shm_sa cfg;
			struct bsa *b;

			if (!(eng_mask & (1 << e)))
				continue;
			b = aligned_alloc(64, sizeof(*b));
			memset(b, 0, sizeof(*b));
			make_sa(&cfg, algs[a].crypto, algs[a].integ);
			b->so = esp_sa_out_create(&cfg, eng, err, sizeof(err));
			b->si = esp_sa_in_create(&cfg, eng, err, sizeof(err));
			if (!b->so || !b->si) {
				fprintf(stderr, "%s: %s\n", name, err);
				return 1;
			}
			snprintf(b->name, sizeof(b->name), "%s", name);
			if (b->so->crypto.engine == ESP_ENGINE_OSSL)
				snprintf(b->path, sizeof(b->path), "openssl");
			else if (b->so->crypto.engine == ESP_ENGINE_NATIVE)
				snprintf(b->path, sizeof(b->path), "native");
			else
				snprintf(b->path, sizeof(b->path), "ipsec-mb/%s", esp_arch_name(b->so->crypto.arch));
			bsas[nbsa++] = b;
			for (int sz = 0; sz < 3; sz++) {
				if (!(size_mask & (1 << sz)))
					continue;
				for (int dec = 0; dec < 2; dec++) {
					if (!(dir_mask & (1 << dec)))
						continue;
					figs[nfig++] = (struct fig){ .b = b, .size = size_of[sz], .dec = dec };
				}
			}
		}
	}
	/* Passes over every figure, so that a burst of load from elsewhere on
	 * the machine lands in one run of many figures, not all runs of one. */
	for (int run = 0; run < nruns; run++) {
		for (int i = 0; i < nfig; i++)
			measure(&figs[i], run);
		fprintf(stderr, "pass %d/%d done\n", run + 1, nruns);
	}
	printf("# esp_bench: tunnel IPv4-in-IPv4, bursts of %d, median of %d passes x %.0f ms, TSC %.3f GHz\n",
	       NB, nruns, run_ms, tsc_hz / 1e9);
	printf("# cycles per packet: median (min) of the passes%s; ratio and Mpps from the medians\n",
	       burst_median ? " (each pass: its median burst)" : "");
	printf("# %-26s %-15s %-5s %-3s %14s %14s %6s %8s %9s\n", "algorithm", "engine/path", "size", "dir",
	       "esp_cyc", "cryp_cyc", "ratio", "esp_Mpps", "cryp_Mpps");
	for (int i = 0; i < nfig; i++) {
		const struct fig *f = &figs[i];
		double ec = median(f->esp, nruns), cc = median(f->crypto, nruns);
		double em = f->esp[0], cm = f->crypto[0];

		for (int r = 1; r < nruns; r++) {
			em = f->esp[r] < em ? f->esp[r] : em;
			cm = f->crypto[r] < cm ? f->crypto[r] : cm;
		}
		printf("  %-26s %-15s %-5s %-3s %7.0f (%5.0f) %7.0f (%5.0f) %6.2f %8.2f %9.2f\n", f->b->name,
		       f->b->path, f->size == 64 ? "64" : f->size ? "1420" : "imix", f->dec ? "dec" : "enc", ec,
		       em, cc, cm, ec / cc, tsc_hz / ec / 1e6, tsc_hz / cc / 1e6);
	}
	for (int i = 0; i < nbsa; i++) {
		esp_sa_out_free(bsas[i]->so);
		esp_sa_in_free(bsas[i]->si);
		free(bsas[i]);
	}
	esp_engine_worker_free(W);
	esp_engine_fini();
	free(bursts);
	return 0;
}

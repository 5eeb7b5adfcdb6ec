/*
 * SPD lookup benchmark: cycles per packet of dp_spd_classify in bursts of 32
 * for one SPD (outbound) of N random policies, IPv4 and IPv6, and the time
 * dp_spd_build takes to build it from the region (docs/spd.md).
 *
 *   spd_bench [--runs R] [--ms M] [--sizes 10,1000,10000] [--af 4|6|both]
 *             [--mix uniform|site|nested] [--cpu C] [--huge] [--seed S] [--verbose]
 *
 * Policy sets (--mix):
 *  - uniform (the default): each address selector any (5%), a prefix (70%,
 *    IPv4 /8../32 anywhere, IPv6 /16../128 in 2000::/3, longer ones more
 *    likely), a range that is not a prefix (15%, up to 2^24 / 2^80
 *    addresses) or one host (10%); protocol any (40%), TCP (25%), UDP (20%),
 *    ICMP/ICMPv6 (5%) or another (10%); TCP/UDP policies have any ports
 *    (50%), one remote port (30%) or port ranges on both sides (20%); action
 *    and SA at random; priorities uniform in -1000..1000.
 *  - site: what a VPN concentrator holds: four local prefixes, one remote
 *    site (IPv4 /24 or /32, IPv6 /56 or /128) per policy, protocol any (80%),
 *    TCP or UDP, protect with its own SA, priority 100; plus an IKE bypass
 *    (UDP 500 and 4500, priority 1000) and a discard of everything else
 *    (priority -100).
 *  - nested: as uniform, but every address in one block (IPv4
 *    198.18.0.0/15 with /16../32, IPv6 2001:db8::/32 with /32../128), so
 *    ranges nest and overlap far more than in real SPDs.
 * Packets: half made to fall inside a random policy's selectors, half
 * random; a pool of 4096 classified in bursts of 32 in turn (in cache, as
 * after the NIC's DMA).
 *
 * Cycles are TSC ticks. Each figure is the median (minimum in brackets) of R
 * runs (default 5) of about M ms (default 40), taken in R passes over all
 * figures so that load from elsewhere spreads over them. Build time: median
 * (minimum) wall time of the R builds from scratch (prev = NULL), and the
 * median CPU time of the process meanwhile. EAL runs without hugepages
 * unless --huge (rte_acl tables then sit on hugepages, as in the dataplane).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <rte_eal.h>

#include "dp_spd.h"
#include "region.h"

#define BURST 32
#define NPKT 4096
#define MAXRUNS 15
#define MAXSIZES 8

static int nruns = 5;
static double run_ms = 40;
enum { MIX_UNIFORM, MIX_SITE, MIX_NESTED };
static int mix;                 /* MIX_* */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *in, int n)
{
	double v[MAXRUNS];

	memcpy(v, in, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* ---- policies ----------------------------------------------------------- */

/* A random address of the family: IPv4 anywhere, IPv6 in 2000::/3. */
static void rand_addr(uint8_t af, uint8_t *a)
{
	memset(a, 0, 16);
	for (int i = 0; i < (af == SHM_AF_INET6 ? 16 : 4); i++)
		a[i] = (uint8_t)rnd();
	if (af == SHM_AF_INET6)
		a[0] = (uint8_t)(0x20 | (a[0] & 0x1f));
}

/* The nested mix: IPv4 in 198.18.0.0/15, IPv6 in 2001:db8::/32. */
static void rand_in_block(uint8_t af, uint8_t *a)
{
	static const uint8_t b6[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	rand_addr(af, a);
	if (af == SHM_AF_INET6) {
		memcpy(a, b6, 4);
	} else {
		a[0] = 198;
		a[1] = (uint8_t)(18 | (a[1] & 1));
	}
}

static void set_prefix(uint8_t af, uint8_t *start, uint8_t *end, int plen)
{
	int bits = af == SHM_AF_INET6 ? 128 : 32;

	for (int b = plen; b < bits; b++)
		start[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	memcpy(end, start, 16);
	for (int b = plen; b < bits; b++)
		end[b / 8] |= (uint8_t)(0x80 >> (b % 8));
}

/* end = start + a random number below 2^span_bits (all-ones if it wraps) */
static void set_span(uint8_t af, const uint8_t *start, uint8_t *end, int span_bits)
{
	int alen = af == SHM_AF_INET6 ? 16 : 4, carry = 0;
	uint8_t add[16] = { 0 };

	for (int b = 0; b < span_bits; b++)
		if (rnd() & 1)
			add[alen - 1 - b / 8] |= (uint8_t)(1u << (b % 8));
	memset(end, 0, 16);
	for (int i = alen - 1; i >= 0; i--) {
		int sum = start[i] + add[i] + carry;
		end[i] = (uint8_t)sum;
		carry = sum >> 8;
	}
	if (carry)
		memset(end, 0xff, alen);
}

/* One address selector of the uniform or the nested mix. */
static void rand_addr_sel(uint8_t af, uint8_t *start, uint8_t *end)
{
	int six = af == SHM_AF_INET6, alen = six ? 16 : 4;
	uint32_t k = below(100);

	memset(start, 0, 16);
	memset(end, 0, 16);
	if (k < 5) {                            /* any */
		memset(end, 0xff, alen);
		return;
	}
	if (mix == MIX_NESTED)
		rand_in_block(af, start);
	else
		rand_addr(af, start);
	if (k < 75) {                           /* prefix, long ones more likely */
		double u = (double)below(1000) / 1000;
		int plen = mix == MIX_NESTED ? (six ? 32 + (int)(96 * (1 - u * u)) : 16 + (int)(16 * (1 - u * u)))
					     : (six ? 16 + (int)(112 * (1 - u * u)) : 8 + (int)(24 * (1 - u * u)));
		set_prefix(af, start, end, plen);
	} else if (k < 90) {                    /* a range that is not a prefix */
		set_span(af, start, end, six ? (int)below(81) : (int)below(25));
	} else {                                /* one host */
		memcpy(end, start, 16);
	}
}

static void rand_proto_ports(struct shm_policy *p, uint8_t af)
{
	uint32_t k = below(100);

	p->lport_end = p->rport_end = UINT16_MAX;
	if (k < 40)
		return;
	p->has_protocol = 1;
	p->protocol = k < 65 ? 6 : k < 85 ? 17 : k < 90 ? (af == SHM_AF_INET6 ? 58 : 1)
						    : (uint8_t)(100 + below(100));
	if (p->protocol != 6 && p->protocol != 17)
		return;
	k = below(100);
	if (k < 50)
		return;
	if (k < 80) {
		p->rport_start = p->rport_end = (uint16_t)(1 + below(2000));
	} else {
		p->lport_start = (uint16_t)below(40000);
		p->lport_end = (uint16_t)(p->lport_start + below(20000));
		p->rport_start = (uint16_t)below(1024);
		p->rport_end = (uint16_t)(p->rport_start + below(1024));
	}
}

/* The site mix: policy i of n. Four local prefixes (two /16, two /24;
 * IPv6 /48 and /64), remote sites at random (IPv4 /24 or /32, IPv6 /56 or
 * /128), protocol any (80%), TCP or UDP; protect, priority 100. The first
 * three are an IKE bypass (UDP 500 and 4500, priority 1000) and a discard of
 * everything else (any/any, priority -100). */
static void site_policy(struct shm_policy *p, uint8_t af, uint32_t i)
{
	static uint8_t local[2][4][16];
	static int init;
	int six = af == SHM_AF_INET6;

	if (!init) {
		for (int f = 0; f < 2; f++)
			for (int l = 0; l < 4; l++)
				rand_addr(f ? SHM_AF_INET6 : SHM_AF_INET, local[f][l]);
		init = 1;
	}
	p->lport_end = p->rport_end = UINT16_MAX;
	memset(p->laddr_end, 0xff, six ? 16 : 4);
	memset(p->raddr_end, 0xff, six ? 16 : 4);
	if (i < 2) {
		p->action = SHM_POL_BYPASS;
		p->priority = 1000;
		p->has_protocol = 1;
		p->protocol = 17;
		p->rport_start = p->rport_end = i ? 4500 : 500;
		return;
	}
	if (i == 2) {
		p->action = SHM_POL_DISCARD;
		p->priority = -100;
		return;
	}
	{
		int l = (int)below(4);
		memcpy(p->laddr_start, local[six][l], 16);
		set_prefix(af, p->laddr_start, p->laddr_end, six ? (l < 2 ? 48 : 64) : (l < 2 ? 16 : 24));
	}
	rand_addr(af, p->raddr_start);
	set_prefix(af, p->raddr_start, p->raddr_end, six ? (below(2) ? 56 : 128) : (below(2) ? 24 : 32));
	p->action = SHM_POL_PROTECT;
	p->sa_id = 1 + i;
	p->priority = 100;
	if (below(100) >= 80) {
		p->has_protocol = 1;
		p->protocol = below(2) ? 6 : 17;
	}
}

static void rand_policy(struct shm_policy *p, uint32_t spd_id, uint8_t af, uint32_t i)
{
	memset(p, 0, sizeof(*p));
	p->h.in_use = 1;
	p->spd_id = spd_id;
	p->dir = SHM_DIR_OUT;
	p->af = af;
	if (mix == MIX_SITE) {
		site_policy(p, af, i);
		return;
	}
	p->action = (uint8_t)below(3);
	p->sa_id = p->action == SHM_POL_PROTECT ? 1 + below(1000) : 0;
	p->priority = (int32_t)below(2001) - 1000;
	rand_addr_sel(af, p->laddr_start, p->laddr_end);
	rand_addr_sel(af, p->raddr_start, p->raddr_end);
	rand_proto_ports(p, af);
}

/* ---- packets ----------------------------------------------------------- */

struct pkt {
	uint8_t b[64];
	uint32_t len;
};

static void in_range(const uint8_t *s, const uint8_t *e, int alen, uint8_t *out)
{
	/* a point between s and e: s, then bytes copied while they may still move */
	int i = 0;

	memcpy(out, s, 16);
	while (i < alen && s[i] == e[i])
		i++;
	if (i < alen && e[i] > s[i] + 1)
		out[i] = (uint8_t)(s[i] + 1 + below(e[i] - s[i] - 1));
	for (int j = i + 1; j < alen && i < alen && out[i] != s[i]; j++)
		out[j] = (uint8_t)rnd();
}

static void make_pkt(struct pkt *k, uint8_t af, const struct shm_policy *p)
{
	uint8_t src[16], dst[16], proto;
	uint16_t sp = (uint16_t)rnd(), dp = (uint16_t)rnd();
	int alen = af == SHM_AF_INET6 ? 16 : 4;
	uint32_t hl = af == SHM_AF_INET6 ? 40 : 20;

	if (p) {
		in_range(p->laddr_start, p->laddr_end, alen, src);
		in_range(p->raddr_start, p->raddr_end, alen, dst);
		proto = p->has_protocol ? p->protocol : (below(2) ? 6 : 17);
		sp = (uint16_t)(p->lport_start + below(p->lport_end - p->lport_start + 1u));
		dp = (uint16_t)(p->rport_start + below(p->rport_end - p->rport_start + 1u));
	} else {
		if (mix == MIX_NESTED) {
			rand_in_block(af, src);
			rand_in_block(af, dst);
		} else {
			rand_addr(af, src);
			rand_addr(af, dst);
		}
		proto = below(2) ? 6 : 17;
	}
	memset(k, 0, sizeof(*k));
	if (af == SHM_AF_INET6) {
		k->b[0] = 0x60;
		k->b[6] = proto;
		memcpy(k->b + 8, src, 16);
		memcpy(k->b + 24, dst, 16);
	} else {
		k->b[0] = 0x45;
		k->b[9] = proto;
		memcpy(k->b + 12, src, 4);
		memcpy(k->b + 16, dst, 4);
	}
	k->b[hl] = (uint8_t)(sp >> 8), k->b[hl + 1] = (uint8_t)sp;
	k->b[hl + 2] = (uint8_t)(dp >> 8), k->b[hl + 3] = (uint8_t)dp;
	k->len = hl + 8;
}

/* ---- the benchmark ----------------------------------------------------- */

struct figure {
	uint8_t af;
	uint32_t size;
	struct shm_policy *pol;
	struct pkt *pk;
	double cyc[MAXRUNS], build_ms[MAXRUNS], build_cpu_ms[MAXRUNS];
	uint32_t rules, contexts, hits;
};

static struct shm_region region;

static void region_load(const struct figure *f)
{
	struct shm_policy none;

	memset(&none, 0, sizeof(none));
	for (uint32_t i = 0; i < shm_capacity(&region, SHM_T_POLICY); i++)
		shm_rec_write(shm_rec(&region, SHM_T_POLICY, i), i < f->size ? &f->pol[i] : &none,
			      sizeof(none));
}

static void run_one(struct figure *f, int run)
{
	const uint8_t *ip[NPKT];
	uint32_t len[NPKT];
	struct dp_spd_result res[BURST];
	struct dp_spd_stats st;
	struct dp_spd_set *s;
	char err[256];
	uint64_t c0, cycles = 0, pkts = 0;
	double t0;
	int slot;
	struct timespec c0ts, c1ts;

	region_load(f);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0ts);
	s = dp_spd_build(&region, NULL, err, sizeof(err));
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1ts);
	f->build_cpu_ms[run] = (c1ts.tv_sec - c0ts.tv_sec) * 1e3 + (c1ts.tv_nsec - c0ts.tv_nsec) / 1e6;
	if (!s) {
		fprintf(stderr, "build: %s\n", err);
		exit(1);
	}
	dp_spd_stats(s, &st);
	f->build_ms[run] = st.build_ns / 1e6;
	slot = dp_spd_slot(s, 1);
	f->rules = dp_spd_rules(s, slot, SHM_DIR_OUT, f->af);
	f->contexts = st.contexts;
	for (int i = 0; i < NPKT; i++) {
		ip[i] = f->pk[i].b;
		len[i] = f->pk[i].len;
	}
	f->hits = 0;
	for (int i = 0; i < NPKT; i += BURST) {     /* warm-up, and the hit rate */
		dp_spd_classify(s, slot, SHM_DIR_OUT, f->af, ip + i, len + i, BURST, res);
		for (int j = 0; j < BURST; j++)
			f->hits += res[j].policy != DP_SPD_NONE;
	}
	t0 = now();
	do {
		c0 = __rdtsc();
		for (int i = 0; i < NPKT; i += BURST)
			dp_spd_classify(s, slot, SHM_DIR_OUT, f->af, ip + i, len + i, BURST, res);
		cycles += __rdtsc() - c0;
		pkts += NPKT;
	} while ((now() - t0) * 1e3 < run_ms);
	f->cyc[run] = (double)cycles / (double)pkts;
	dp_spd_free(s);
}

static char shm_dir[] = "/dev/shm/spd-bench-XXXXXX", eal_dir[256];

static void cleanup(void)
{
	char cmd[400];

	if (region.base)
		shm_region_detach(&region);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", shm_dir);
	if (!strstr(shm_dir, "XXXXXX") && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", shm_dir);
	if (eal_dir[0]) {
		rte_eal_cleanup();
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", eal_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", eal_dir);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: spd_bench [--runs R] [--ms M] [--sizes N,N,...] [--af 4|6|both]\n"
			"                 [--mix uniform|site|nested] [--cpu C] [--huge] [--seed S]"
			" [--verbose]\n");
	exit(2);
}

static const char *mix_name(void)
{
	return mix == MIX_SITE ? "site" : mix == MIX_NESTED ? "nested" : "uniform";
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", 1, 0, 'r' }, { "ms", 1, 0, 'm' }, { "sizes", 1, 0, 's' }, { "af", 1, 0, 'a' },
		{ "mix", 1, 0, 'x' }, { "cpu", 1, 0, 'c' }, { "huge", 0, 0, 'h' }, { "seed", 1, 0, 'S' },
		{ "verbose", 0, 0, 'v' }, { 0, 0, 0, 0 }
	};
	uint32_t sizes[MAXSIZES] = { 10, 1000, 10000 };
	int nsizes = 3, huge = 0, cpu = -1, afs = 3, verbose = 0, nfig = 0, o;
	struct figure fig[2 * MAXSIZES];
	char pfx[64], err[256];

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': nruns = atoi(optarg); break;
		case 'm': run_ms = atof(optarg); break;
		case 's':
			nsizes = 0;
			for (char *t = strtok(optarg, ","); t && nsizes < MAXSIZES; t = strtok(NULL, ","))
				sizes[nsizes++] = (uint32_t)atoi(t);
			break;
		case 'a': afs = !strcmp(optarg, "4") ? 1 : !strcmp(optarg, "6") ? 2 : 3; break;
		case 'x':
			mix = !strcmp(optarg, "site") ? MIX_SITE
			    : !strcmp(optarg, "nested") ? MIX_NESTED : MIX_UNIFORM;
			break;
		case 'c': cpu = atoi(optarg); break;
		case 'h': huge = 1; break;
		case 'S': rng = strtoull(optarg, NULL, 0) | 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (nruns < 1 || nruns > MAXRUNS || nsizes < 1)
		usage();
	for (int z = 0; z < nsizes; z++)
		if (sizes[z] < 1 || sizes[z] > SHM_MAX_POLICY)
			usage();
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			perror("sched_setaffinity");
	}
	snprintf(pfx, sizeof(pfx), "--file-prefix=spdbench-%d", (int)getpid());
	{
		/* hugepages: taken as needed (no -m), so the pool stays with others */
		char *eal[] = { "spd_bench", pfx, "--no-pci", "--no-shconf", "--no-telemetry",
				verbose ? "--log-level=lib.acl:debug" : "--log-level=lib.eal:error",
				huge ? "--in-memory" : "--no-huge", "-m", "512", NULL };

		if (rte_eal_init(huge ? 7 : 9, eal) < 0) {
			fprintf(stderr, "EAL initialisation failed\n");
			return 1;
		}
		snprintf(eal_dir, sizeof(eal_dir), "%s", rte_eal_get_runtime_dir());
	}
	atexit(cleanup);
	if (!mkdtemp(shm_dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("IPSECGW_SHM_DIR", shm_dir, 1);
	if (shm_region_create(&region, "spdbench", 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "region: %s\n", err);
		return 1;
	}
	{
		struct shm_spd spd = { .h.in_use = 1, .spd_id = 1 };

		shm_rec_write(shm_rec(&region, SHM_T_SPD, 0), &spd, sizeof(spd));
	}

	for (int a = 0; a < 2; a++) {
		if (!(afs & (1 << a)))
			continue;
		for (int z = 0; z < nsizes; z++) {
			struct figure *f = &fig[nfig++];

			memset(f, 0, sizeof(*f));
			f->af = a ? SHM_AF_INET6 : SHM_AF_INET;
			f->size = sizes[z];
			f->pol = malloc(f->size * sizeof(*f->pol));
			f->pk = malloc(NPKT * sizeof(*f->pk));
			if (!f->pol || !f->pk)
				return 1;
			for (uint32_t i = 0; i < f->size; i++)
				rand_policy(&f->pol[i], 1, f->af, i);
			for (int i = 0; i < NPKT; i++)
				make_pkt(&f->pk[i], f->af, below(2) ? &f->pol[below(f->size)] : NULL);
		}
	}
	for (int run = 0; run < nruns; run++)
		for (int i = 0; i < nfig; i++)
			run_one(&fig[i], run);

	printf("SPD lookup: dp_spd_classify, bursts of %d, one outbound SPD, mix %s, %s; "
	       "median (min) of %d runs x %.0f ms\n", BURST, mix_name(),
	       huge ? "hugepages" : "no hugepages", nruns, run_ms);
	printf("| family | policies | rte_acl rules / contexts | matched | cycles/packet | vs %u "
	       "| build ms | build CPU ms |\n", sizes[0]);
	printf("|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < nfig; i++) {
		const struct figure *f = &fig[i], *base = &fig[i - (i % nsizes)];
		double m = median(f->cyc, nruns);

		printf("| IPv%u | %u | %u / %u | %.0f%% | %.1f (%.1f) | %.2f | %.1f (%.1f) | %.1f |\n",
		       f->af, f->size, f->rules, f->contexts, 100.0 * f->hits / NPKT, m,
		       minimum(f->cyc, nruns), m / median(base->cyc, nruns), median(f->build_ms, nruns),
		       minimum(f->build_ms, nruns), median(f->build_cpu_ms, nruns));
	}
	for (int i = 0; i < nfig; i++) {
		free(fig[i].pol);
		free(fig[i].pk);
	}
	return 0;
}

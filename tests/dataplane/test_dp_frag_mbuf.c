/* Fragmentation and reassembly (svc/dataplane/dp_frag.h) on mbufs, without
 * ports: EAL without hugepages, a worker with its counter block and
 * reassembly table, a pool. Checks RFC 791 fragments (offsets in 8-byte
 * units, MF, only copied options after the first, header checksums, the
 * original's offset and MF carried over), IPv6 fragments (RFC 8200 §4.5),
 * reassembly in any order (IPv4, IPv6 with a hop-by-hop header in the
 * unfragmentable part), and every counted way a datagram fails: overlap,
 * duplicate, inconsistent end, too many fragments, too big, table full,
 * timeout, malformed. (The namespace test cannot show IPv4 reassembly:
 * net_af_packet's fanout reassembles IPv4 before the dataplane sees it.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dp_classify.h"
#include "dp_ctl.h"
#include "dp_frag.h"
#include "dp_worker.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #c); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static char rundir[256];
static struct dp_ctl *ctl;
static struct dp_worker *W;
static struct rte_mempool *big;         /* for packets past 2 KB */

static void fini(void)
{
	char cmd[300];

	dp_worker_drop_flush(W);
	dp_frag_table_free(W->reass);
	rte_mempool_free(ctl->pool);
	rte_mempool_free(big);
	rte_eal_cleanup();
	if (rundir[0] && strstr(rundir, "dpfragtest-")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rundir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", rundir);
	}
}

static void setup(void)
{
	char pfx[64];
	char *argv[] = { "dpfragtest", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			 "--no-telemetry", pfx, "--log-level=lib.eal:error", NULL };

	snprintf(pfx, sizeof(pfx), "--file-prefix=dpfragtest-%d", (int)getpid());
	if (rte_eal_init(9, argv) < 0) {
		fprintf(stderr, "EAL initialisation failed\n");
		exit(1);
	}
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	ctl = calloc(1, sizeof(*ctl));
	W = calloc(1, sizeof(*W));
	W->k = calloc(1, sizeof(*W->k));
	ctl->pool = rte_pktmbuf_pool_create("t_mbuf", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	big = rte_pktmbuf_pool_create("t_big", 15, 0, 0, RTE_PKTMBUF_HEADROOM + 4096, 0);
	W->ctl = ctl;
	W->reass = dp_frag_table_new(0, rte_get_tsc_hz());
	if (!ctl->pool || !big || !W->reass) {
		fprintf(stderr, "pools\n");
		exit(1);
	}
	atexit(fini);
}

static uint64_t drops(enum shm_drop d)
{
	dp_worker_drop_flush(W);
	return W->k->drop[d];
}

static uint16_t csum(const uint8_t *p, uint32_t n)
{
	return dp_csum_final(dp_csum_add(0, p, n));
}

/* An IPv4 packet: ihl bytes of header (options from opt), len data bytes
 * (byte i = i * 7 + seed), fragment field fw. */
static struct rte_mbuf *mk4(uint32_t ihl, const uint8_t *opt, uint32_t len, uint16_t fw, uint8_t seed, uint16_t id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctl->pool);
	uint8_t *ip;
	uint16_t c;

	ip = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + ihl + len)) + DP_ETH_HLEN;
	memset(ip - DP_ETH_HLEN, 0, DP_ETH_HLEN + ihl);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[2] = (uint8_t)((ihl + len) >> 8), ip[3] = (uint8_t)(ihl + len);
	ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
	ip[6] = (uint8_t)(fw >> 8), ip[7] = (uint8_t)fw;
	ip[8] = 64, ip[9] = 17;
	ip[12] = 192, ip[13] = 0, ip[14] = 2, ip[15] = 2;
	ip[16] = 192, ip[17] = 0, ip[18] = 2, ip[19] = 1;
	if (ihl > 20)
		memcpy(ip + 20, opt, ihl - 20);
	for (uint32_t i = 0; i < len; i++)
		ip[ihl + i] = (uint8_t)(i * 7u + seed);
	c = csum(ip, ihl);
	memcpy(ip + 10, &c, 2);
	return m;
}

static const uint8_t *ipof(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
}

/* A fragment (by hand): data bytes [off, off + len) of the datagram mk4
 * would build with `seed`, MF as given. */
static struct rte_mbuf *frag4(uint32_t off, uint32_t len, int more, uint16_t id)
{
	struct rte_mbuf *m = mk4(20, NULL, len, (uint16_t)(off / 8 | (more ? 0x2000 : 0)), 0, id);
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);

	for (uint32_t i = 0; i < len; i++)
		ip[20 + i] = (uint8_t)((off + i) * 7u);
	return m;
}

static void test_frag4(void)
{
	/* Options: record route (not copied), NOP, router alert (copied), EOL. */
	static const uint8_t opt[12] = { 0x07, 7, 4, 0, 0, 0, 0, 0x01, 0x94, 4, 0, 0 };
	struct rte_mbuf *m = mk4(32, opt, 1400, 0, 3, 0x1234), *fr[DP_FRAG_MAX], *r = NULL;
	uint8_t orig[1432];
	uint16_t n;
	uint32_t expect_off = 0;

	memcpy(orig, ipof(m), 1432);
	n = dp_frag_ip4(W, m, 576, 0, fr);
	CHECK(n == 3, "1400 data bytes at MTU 576: %u fragments", n);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *ip = ipof(fr[i]);
		uint32_t ihl = (ip[0] & 15u) * 4u, tot = dp_rd16(ip + 2), fw = dp_rd16(ip + 6);

		CHECK(fr[i]->pkt_len == DP_ETH_HLEN + tot && tot <= 576, "fragment %u: length %u", i, tot);
		CHECK(csum(ip, ihl) == 0 || csum(ip, ihl) == 0xffff, "fragment %u: header checksum", i);
		CHECK((fw & 0x1fffu) * 8u == expect_off, "fragment %u: offset %u", i, (fw & 0x1fffu) * 8u);
		CHECK(((fw & 0x2000u) != 0) == (i + 1 < n), "fragment %u: MF", i);
		CHECK(i + 1 == n || (tot - ihl) % 8 == 0, "fragment %u: data a multiple of 8", i);
		if (i == 0)
			CHECK(ihl == 32 && memcmp(ip + 20, opt, 12) == 0, "first fragment: every option");
		else
			CHECK(ihl == 24 && ip[20] == 0x94 && ip[21] == 4, "fragment %u: only router alert (ihl %u)", i, ihl);
		CHECK(memcmp(ip + ihl, orig + 32 + expect_off, tot - ihl) == 0, "fragment %u: data", i);
		CHECK(ip[4] == 0x12 && ip[5] == 0x34 && ip[9] == 17 && ip[8] == 64, "fragment %u: id, protocol, ttl", i);
		expect_off += tot - ihl;
	}
	CHECK(expect_off == 1400, "all data: %u", expect_off);
	/* Reassembled in the order 2, 0, 1. */
	CHECK(dp_frag_reass4(W, 0, fr[2]) == NULL && dp_frag_reass4(W, 0, fr[0]) == NULL && W->reass_held == 1, "held");
	r = dp_frag_reass4(W, 0, fr[1]);
	CHECK(r != NULL && W->reass_held == 0, "complete");
	if (r) {
		const uint8_t *ip = ipof(r);
		CHECK(r->nb_segs == 1 && r->pkt_len == DP_ETH_HLEN + 1432 && dp_rd16(ip + 2) == 1432, "whole: %u",
		      r->pkt_len);
		CHECK(dp_rd16(ip + 6) == 0 && csum(ip, 32) == 0, "no fragment field, checksum");
		CHECK(memcmp(ip + 20, orig + 20, 1412) == 0 && memcmp(ip + 12, orig + 12, 8) == 0, "same packet");
		rte_pktmbuf_free(r);
	}

	/* A fragment fragmented again: offsets continue, its MF stays. */
	m = mk4(20, NULL, 1000, 0x2000 | 100, 1, 7);
	n = dp_frag_ip4(W, m, 500, 0, fr);
	CHECK(n == 3, "1000 at 500: %u", n);
	for (uint16_t i = 0; i < n; i++) {
		uint32_t fw = dp_rd16(ipof(fr[i]) + 6);
		CHECK((fw & 0x1fffu) == 100u + i * 60u && (fw & 0x2000u), "refragment %u: offset %u, MF", i, fw & 0x1fffu);
		rte_pktmbuf_free(fr[i]);
	}
	/* An MTU that cannot carry 8 data bytes. */
	m = mk4(20, NULL, 100, 0, 0, 8);
	CHECK(dp_frag_ip4(W, m, 27, 0, fr) == 0 && drops(SHM_DROP_MTU_EXCEEDED) == 1, "MTU 27");
}

static void test_reass4_errors(void)
{
	struct rte_mbuf *r;
	uint64_t held;

	/* Overlap: both fragments go. */
	CHECK(dp_frag_reass4(W, 0, frag4(0, 16, 1, 100)) == NULL, "first");
	CHECK(dp_frag_reass4(W, 0, frag4(8, 16, 1, 100)) == NULL, "overlap");
	CHECK(drops(SHM_DROP_REASS_OVERLAP) == 2 && W->reass_held == 0, "overlap: 2 drops");
	/* A duplicate is an overlap too. */
	dp_frag_reass4(W, 0, frag4(0, 16, 1, 101));
	dp_frag_reass4(W, 0, frag4(0, 16, 1, 101));
	CHECK(drops(SHM_DROP_REASS_OVERLAP) == 4, "duplicate");
	/* Two different ends. */
	dp_frag_reass4(W, 0, frag4(16, 16, 0, 102));
	dp_frag_reass4(W, 0, frag4(40, 8, 0, 102));
	CHECK(drops(SHM_DROP_REASS_OVERLAP) == 6, "two ends");
	/* Data past the end already known. */
	dp_frag_reass4(W, 0, frag4(16, 16, 0, 103));
	dp_frag_reass4(W, 0, frag4(32, 8, 1, 103));
	CHECK(drops(SHM_DROP_REASS_OVERLAP) == 8 && W->reass_held == 0, "past the end");
	/* 17 fragments. */
	for (unsigned i = 0; i < 17; i++)
		CHECK(dp_frag_reass4(W, 0, frag4(8 * i, 8, 1, 104)) == NULL, "fragment %u", i);
	CHECK(drops(SHM_DROP_REASS_TOO_MANY) == 17 && W->reass_held == 0, "too many: %lu",
	      (unsigned long)drops(SHM_DROP_REASS_TOO_MANY));
	/* Past DP_REASS_MAX. */
	dp_frag_reass4(W, 0, frag4(0, 8, 1, 105));
	dp_frag_reass4(W, 0, frag4(DP_REASS_MAX, 8, 0, 105));
	CHECK(drops(SHM_DROP_REASS_TOO_BIG) == 2 && W->reass_held == 0, "too big");
	/* Malformed: a non-last fragment not a multiple of 8; empty. */
	dp_frag_reass4(W, 0, frag4(0, 12, 1, 106));
	dp_frag_reass4(W, 0, frag4(8, 0, 1, 106));
	CHECK(drops(SHM_DROP_LOCAL_FRAGMENT) == 2 && W->reass_held == 0, "malformed");
	/* A full table: the 33rd datagram's fragment is refused. */
	for (unsigned i = 0; i < DP_REASS_FLOWS; i++)
		dp_frag_reass4(W, 0, frag4(0, 8, 1, (uint16_t)(200 + i)));
	CHECK(W->reass_held == DP_REASS_FLOWS, "table filled");
	dp_frag_reass4(W, 0, frag4(0, 8, 1, 999));
	CHECK(drops(SHM_DROP_REASS_TABLE_FULL) == 1, "table full");
	/* Still room for fragments of datagrams it holds: complete one. */
	r = dp_frag_reass4(W, 0, frag4(8, 8, 0, 200));
	CHECK(r != NULL && W->reass_held == DP_REASS_FLOWS - 1, "completes in a full table");
	rte_pktmbuf_free(r);
	/* Time out: the held ones go as REASS_TIMEOUT (a table whose timeout
	 * is DP_REASS_TIMEOUT_MS of a 1 kHz clock: 3000 TSC ticks). */
	held = W->reass_held;
	{
		struct dp_frag_table *keep = W->reass, *fast = dp_frag_table_new(1, 1000);
		CHECK(fast != NULL, "second table");
		W->reass = fast;
		W->reass_held = 0;
		for (unsigned i = 0; i < 5; i++)
			dp_frag_reass4(W, 0, frag4(0, 8, 1, (uint16_t)(300 + i)));
		rte_delay_us_block(100);
		dp_frag_expire(W);
		CHECK(drops(SHM_DROP_REASS_TIMEOUT) == 5 && W->reass_held == 0, "timeout: %lu",
		      (unsigned long)drops(SHM_DROP_REASS_TIMEOUT));
		/* An expired datagram's slot is taken by a new one. */
		dp_frag_reass4(W, 0, frag4(0, 8, 1, 400));
		rte_delay_us_block(100);
		CHECK(dp_frag_reass4(W, 0, frag4(8, 8, 0, 400)) == NULL && drops(SHM_DROP_REASS_TIMEOUT) == 6,
		      "late last fragment: the first timed out");
		dp_frag_table_free(fast);
		W->reass = keep;
		W->reass_held = (uint32_t)held;
	}
	/* Freeing a table frees what it holds (no leak under ASan). */
	dp_frag_table_free(W->reass);
	W->reass = dp_frag_table_new(2, rte_get_tsc_hz());
	W->reass_held = 0;
	CHECK(W->reass != NULL, "a new table");
}

static struct rte_mbuf *mk6(uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(big);
	uint8_t *ip = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + 40 + len)) + DP_ETH_HLEN;

	memset(ip - DP_ETH_HLEN, 0, DP_ETH_HLEN + 40);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(len >> 8), ip[5] = (uint8_t)len;
	ip[6] = 17, ip[7] = 64;
	ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = 2;
	ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 1;
	for (uint32_t i = 0; i < len; i++)
		ip[40 + i] = (uint8_t)(i * 13u + 5u);
	return m;
}

/* Insert an 8-byte hop-by-hop header before the fragment header. */
static struct rte_mbuf *with_hbh(struct rte_mbuf *m)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, 8), *ip;
	uint16_t plen;

	if (!p)
		abort();
	memmove(p, p + 8, DP_ETH_HLEN + 40);
	ip = p + DP_ETH_HLEN;
	plen = (uint16_t)(dp_rd16(ip + 4) + 8);
	ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
	ip[40] = ip[6];                 /* 44 */
	ip[41] = 0;
	ip[42] = 1, ip[43] = 4, ip[44] = ip[45] = ip[46] = ip[47] = 0;  /* PadN */
	ip[6] = 0;
	return m;
}

static struct rte_mbuf *reass6(struct rte_mbuf *m)
{
	struct dp_lmeta lm;
	const uint8_t *ip = ipof(m);
	enum dp_local k = dp_classify_local6(ip, 40u + dp_rd16(ip + 4), &lm);

	CHECK(k == DP_LOC_FRAG, "classified a fragment: %d", k);
	return dp_frag_reass6(W, 0, m, &lm);
}

static void test_ip6(int hbh)
{
	struct rte_mbuf *m = mk6(3000), *fr[DP_FRAG_MAX], *r = NULL;
	uint8_t orig[3040], id[4];
	uint16_t n;

	memcpy(orig, ipof(m), 3040);
	n = dp_frag_ip6(W, m, 1280, 0, fr);
	memcpy(id, ipof(fr[0]) + 44, 4);
	CHECK(n == 3, "3000 bytes at 1280: %u fragments", n);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *ip = ipof(fr[i]);
		uint16_t fo = dp_rd16(ip + 42);
		CHECK(ip[6] == 44 && ip[40] == 17 && fr[i]->pkt_len <= DP_ETH_HLEN + 1280u, "fragment %u: header", i);
		CHECK((fo & 0xfff8u) == i * 1232u && ((fo & 1u) != 0) == (i + 1 < n), "fragment %u: offset, M", i);
		CHECK(memcmp(ip + 44, id, 4) == 0, "fragment %u: same id", i);
		if (hbh)
			fr[i] = with_hbh(fr[i]);
	}
	CHECK(reass6(fr[2]) == NULL && reass6(fr[1]) == NULL, "held");
	r = reass6(fr[0]);
	CHECK(r != NULL && W->reass_held == 0, "complete");
	if (r) {
		const uint8_t *ip = ipof(r);
		if (hbh) {
			CHECK(r->pkt_len == DP_ETH_HLEN + 3048u && dp_rd16(ip + 4) == 3008 && ip[6] == 0 && ip[40] == 17,
			      "hop-by-hop kept, names UDP (len %u)", r->pkt_len);
			CHECK(memcmp(ip + 48, orig + 40, 3000) == 0 && memcmp(ip + 8, orig + 8, 32) == 0, "same data");
		} else {
			CHECK(r->pkt_len == DP_ETH_HLEN + 3040u && memcmp(ip, orig, 3040) == 0, "same packet");
		}
		rte_pktmbuf_free(r);
	}
}

int main(void)
{
	setup();
	test_frag4();
	test_reass4_errors();
	test_ip6(0);
	test_ip6(1);
	CHECK(drops(SHM_DROP_NO_BUFFER) == 0 && drops(SHM_DROP_FRAG_NO_BUFFER) == 0, "buffers");
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}

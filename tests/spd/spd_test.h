/*
 * Helpers of the SPD classifier tests (svc/dataplane/spd): EAL in-process
 * without hugepages, a temporary region, policy and packet builders, and the
 * reference matcher: the same semantics written plainly, as a linear scan,
 * sharing no code with the module (docs/spd.md).
 */
#ifndef IPSECGW_TESTS_SPD_TEST_H
#define IPSECGW_TESTS_SPD_TEST_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "dp_spd.h"
#include "region.h"
#include "tmpregion.h"

/* ---- EAL ------------------------------------------------------------- */

static char spdt_rundir[256];

static void spdt_eal_fini(void)
{
	char cmd[300];

	rte_eal_cleanup();
	if (spdt_rundir[0] && strstr(spdt_rundir, "spdtest-")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", spdt_rundir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", spdt_rundir);
	}
}

/* EAL in this process: no hugepages (legacy memory, which --in-memory
 * refuses), no PCI, no shared config, no telemetry socket, a file prefix
 * of our own; its runtime directory is removed at exit. */
static inline void spdt_eal_init(void)
{
	char pfx[64];
	char *argv[] = { "spdtest", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			 "--no-telemetry", pfx, "--log-level=lib.eal:error", NULL };

	snprintf(pfx, sizeof(pfx), "--file-prefix=spdtest-%d", (int)getpid());
	CHECK(rte_eal_init(9, argv) >= 0, "EAL initialisation failed");
	snprintf(spdt_rundir, sizeof(spdt_rundir), "%s", rte_eal_get_runtime_dir());
	atexit(spdt_eal_fini);
}

/* ---- region ------------------------------------------------------------ */

static struct shm_region spdt_r;

static void spdt_region_fini(void)
{
	shm_region_detach(&spdt_r);
}

/* EAL and a fresh region; atexit removes both. */
static inline struct shm_region *spdt_setup(void)
{
	char err[256];

	spdt_eal_init();
	tmpregion_setup();
	CHECK(shm_region_create(&spdt_r, "spdtest", 1, err, sizeof(err)) == 0, "region: %s", err);
	atexit(spdt_region_fini);
	return &spdt_r;
}

static inline void spdt_spd(struct shm_region *r, uint32_t i, uint32_t spd_id, int in_use)
{
	struct shm_spd s = { .h.in_use = (uint32_t)in_use, .spd_id = spd_id };

	shm_rec_write(shm_rec(r, SHM_T_SPD, i), &s, sizeof(s));
}

static inline void spdt_put(struct shm_region *r, uint32_t i, const struct shm_policy *p)
{
	shm_rec_write(shm_rec(r, SHM_T_POLICY, i), p, sizeof(*p));
}

static inline void spdt_del(struct shm_region *r, uint32_t i)
{
	struct shm_policy none;

	memset(&none, 0, sizeof(none));
	shm_rec_write(shm_rec(r, SHM_T_POLICY, i), &none, sizeof(none));
}

/* Every policy and SPD record unused. */
static inline void spdt_clear(struct shm_region *r)
{
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_POLICY); i++)
		spdt_del(r, i);
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_SPD); i++)
		spdt_spd(r, i, 0, 0);
}

/* A policy matching everything of its family (as the config service
 * stores one with no selectors). */
static inline struct shm_policy spdt_pol(uint32_t spd_id, int dir, uint8_t af, int action,
					 int32_t priority, uint32_t sa_id)
{
	struct shm_policy p;

	memset(&p, 0, sizeof(p));
	p.h.in_use = 1;
	p.spd_id = spd_id;
	p.dir = (uint8_t)dir;
	p.af = af;
	p.action = (uint8_t)action;
	p.priority = priority;
	p.sa_id = sa_id;
	p.lport_end = p.rport_end = UINT16_MAX;
	memset(p.laddr_end, 0xff, af == SHM_AF_INET6 ? 16 : 4);
	memset(p.raddr_end, 0xff, af == SHM_AF_INET6 ? 16 : 4);
	return p;
}

static inline void spdt_addr(uint8_t af, const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	CHECK(inet_pton(af == SHM_AF_INET6 ? AF_INET6 : AF_INET, s, out) == 1, "address %s", s);
}

/* Local (remote = 0) or remote address range from text. */
static inline void spdt_range(struct shm_policy *p, int remote, const char *start, const char *end)
{
	spdt_addr(p->af, start, remote ? p->raddr_start : p->laddr_start);
	spdt_addr(p->af, end, remote ? p->raddr_end : p->laddr_end);
}

/* ---- packets ----------------------------------------------------------- */

struct spdt_pkt {
	uint8_t b[128];
	uint32_t len;
};

/* A packet from src to dst. proto 6/17/132 get ports (an L4 header of 8
 * bytes), others 8 bytes of zeros. frag: IPv4 fragment offset in 8-byte
 * units (IPv6: a fragment header with that offset). ext (IPv6): hop-by-hop
 * and destination options headers before it. */
struct spdt_spec {
	uint8_t af;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t frag;
	int ipv6_frag_hdr;      /* IPv6: add a fragment header (offset frag) */
	int ext;                /* IPv6: add hop-by-hop + destination options */
};

static inline void spdt_build(struct spdt_pkt *k, const struct spdt_spec *s)
{
	uint8_t *p = k->b;
	uint32_t l4;

	memset(k, 0, sizeof(*k));
	if (s->af == SHM_AF_INET6) {
		uint8_t *nh = &p[6];

		p[0] = 0x60;
		spdt_addr(SHM_AF_INET6, s->src, p + 8);
		spdt_addr(SHM_AF_INET6, s->dst, p + 24);
		l4 = 40;
		if (s->ext) {
			*nh = 0;                /* hop-by-hop, 8 bytes */
			nh = &p[l4];
			p[l4 + 1] = 0;
			l4 += 8;
			*nh = 60;               /* destination options, 16 bytes */
			nh = &p[l4];
			p[l4 + 1] = 1;
			l4 += 16;
		}
		if (s->ipv6_frag_hdr) {
			*nh = 44;
			nh = &p[l4];
			p[l4 + 2] = (uint8_t)(s->frag >> 5);
			p[l4 + 3] = (uint8_t)(s->frag << 3 | 1);  /* M flag */
			l4 += 8;
		}
		*nh = s->proto;
	} else {
		p[0] = 0x45;
		p[6] = (uint8_t)(s->frag >> 8 & 0x1f);
		p[7] = (uint8_t)s->frag;
		p[9] = s->proto;
		spdt_addr(SHM_AF_INET, s->src, p + 12);
		spdt_addr(SHM_AF_INET, s->dst, p + 16);
		l4 = 20;
	}
	p[l4] = (uint8_t)(s->sport >> 8), p[l4 + 1] = (uint8_t)s->sport;
	p[l4 + 2] = (uint8_t)(s->dport >> 8), p[l4 + 3] = (uint8_t)s->dport;
	k->len = l4 + 8;
}

/* One classification through the module. */
static inline struct dp_spd_result spdt_classify1(const struct dp_spd_set *s, int slot, int dir,
						  const struct spdt_pkt *k, uint8_t af)
{
	const uint8_t *ip = k->b;
	struct dp_spd_result res;

	dp_spd_classify(s, slot, (enum shm_dir)dir, af, &ip, &k->len, 1, &res);
	return res;
}

/* ---- the reference matcher ------------------------------------------- */

/* What the reference reads from a packet, found by its own plain parser. */
struct spdt_fields {
	int ok;
	uint8_t src[16], dst[16];
	uint8_t proto;
	int has_ports;
	uint16_t sport, dport;
};

static inline struct spdt_fields spdt_parse(const uint8_t *p, uint32_t len, uint8_t af)
{
	struct spdt_fields f;
	uint32_t off;
	int first = 1;

	memset(&f, 0, sizeof(f));
	if (af == SHM_AF_INET) {
		if (len < 20 || p[0] >> 4 != 4)
			return f;
		memcpy(f.src, p + 12, 4);
		memcpy(f.dst, p + 16, 4);
		f.proto = p[9];
		off = (p[0] & 15u) * 4;
		first = (((p[6] << 8) | p[7]) & 0x1fff) == 0;
		if (off < 20)
			first = 0;
	} else {
		int hops = 0;

		if (len < 40 || p[0] >> 4 != 6)
			return f;
		memcpy(f.src, p + 8, 16);
		memcpy(f.dst, p + 24, 16);
		f.proto = p[6];
		off = 40;
		/* RFC 8200 extension headers the SPD looks through */
		while (hops++ < 8 && (f.proto == 0 || f.proto == 43 || f.proto == 44 || f.proto == 60)) {
			if (f.proto == 44) {
				if (len < off + 8)
					break;
				if ((p[off + 2] << 5 | p[off + 3] >> 3) != 0)
					first = 0;
				f.proto = p[off];
				off += 8;
			} else {
				if (len < off + 2)
					break;
				f.proto = p[off];
				off += 8u * (p[off + 1] + 1u);
			}
		}
	}
	f.ok = 1;
	if ((f.proto == 6 || f.proto == 17 || f.proto == 132) && first && len >= off + 4) {
		f.has_ports = 1;
		f.sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		f.dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	}
	return f;
}

static inline int spdt_in(const uint8_t *a, const uint8_t *lo, const uint8_t *hi, int alen)
{
	return memcmp(lo, a, alen) <= 0 && memcmp(a, hi, alen) <= 0;
}

/* The record index of the policy that wins for this packet among the
 * records idx[0..n) (ascending; all records 0..n if idx is NULL) of pols
 * (record i at pols[i]) that belong to SPD spd_id, or DP_SPD_NONE. */
static inline uint32_t spdt_ref_list(const struct shm_policy *pols, const uint32_t *idx, uint32_t n,
				     uint32_t spd_id, int dir, uint8_t af, const uint8_t *pkt,
				     uint32_t len)
{
	struct spdt_fields f = spdt_parse(pkt, len, af);
	int alen = af == SHM_AF_INET6 ? 16 : 4;
	uint32_t best = DP_SPD_NONE;

	if (!f.ok)
		return DP_SPD_NONE;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = idx ? idx[k] : k;
		const struct shm_policy *p = &pols[i];
		const uint8_t *local = dir == SHM_DIR_OUT ? f.src : f.dst;
		const uint8_t *remote = dir == SHM_DIR_OUT ? f.dst : f.src;
		uint16_t lport = dir == SHM_DIR_OUT ? f.sport : f.dport;
		uint16_t rport = dir == SHM_DIR_OUT ? f.dport : f.sport;

		if (!p->h.in_use || p->spd_id != spd_id || p->dir != dir || p->af != af)
			continue;
		if (!spdt_in(local, p->laddr_start, p->laddr_end, alen) ||
		    !spdt_in(remote, p->raddr_start, p->raddr_end, alen))
			continue;
		if (p->has_protocol && p->protocol != f.proto)
			continue;
		if (f.has_ports && (lport < p->lport_start || lport > p->lport_end ||
				    rport < p->rport_start || rport > p->rport_end))
			continue;
		if (best == DP_SPD_NONE || p->priority > pols[best].priority)
			best = i;
	}
	return best;
}

static inline uint32_t spdt_ref(const struct shm_policy *pols, uint32_t npol, uint32_t spd_id,
				int dir, uint8_t af, const uint8_t *pkt, uint32_t len)
{
	return spdt_ref_list(pols, NULL, npol, spd_id, dir, af, pkt, len);
}

#endif

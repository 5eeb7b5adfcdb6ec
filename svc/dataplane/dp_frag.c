/* IPv4/IPv6 fragmentation and reassembly (dp_frag.h). */
#include "dp_frag.h"

#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_csum.h"

struct reass_frag {
	struct rte_mbuf *m;
	uint16_t off;           /* fragment offset, bytes */
	uint16_t len;           /* data bytes */
	uint16_t data;          /* where its data starts, from the IP header */
};

struct reass_flow {
	uint64_t tsc;           /* first fragment's arrival; 0: free slot */
	uint32_t id;
	uint8_t af, proto;      /* IPv4: the protocol (part of the key) */
	uint16_t ifc;           /* drops are counted on it */
	uint8_t src[16], dst[16];
	uint32_t total;         /* data bytes, known with the last fragment; 0 unknown */
	uint32_t have;          /* data bytes held */
	uint16_t hlen;          /* first fragment: IPv4 header / IPv6 unfragmentable part */
	uint16_t nh_byte;       /* IPv6: byte naming the fragment header in it */
	uint8_t nh;             /* IPv6: the fragment header's next header */
	uint8_t n;
	uint8_t first;          /* index of the offset-0 fragment + 1; 0 none yet */
	uint8_t pad;
	struct reass_frag f[DP_REASS_FRAGS];
};

struct dp_frag_table {
	struct rte_mempool *pool;       /* whole packets, DP_REASS_MAX each */
	uint64_t timeout;               /* tsc */
	uint64_t next_scan;
	uint32_t ip6_id;                /* fragment identification of our IPv6 packets */
	struct reass_flow flow[DP_REASS_FLOWS];
};

struct dp_frag_table *dp_frag_table_new(unsigned worker, uint64_t tsc_hz)
{
	struct dp_frag_table *r = rte_zmalloc("dp_reass", sizeof(*r), RTE_CACHE_LINE_SIZE);
	char name[32];

	if (!r)
		return NULL;
	snprintf(name, sizeof(name), "dp_reass%u", worker);
	r->pool = rte_pktmbuf_pool_create(name, DP_REASS_BUFS, 0, 0,
					  RTE_PKTMBUF_HEADROOM + DP_ETH_HLEN + DP_REASS_MAX, (int)rte_socket_id());
	if (!r->pool) {
		rte_free(r);
		return NULL;
	}
	r->timeout = tsc_hz * DP_REASS_TIMEOUT_MS / 1000u;
	r->ip6_id = (uint32_t)(rte_rdtsc() ^ (worker << 28));
	return r;
}

void dp_frag_table_free(struct dp_frag_table *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < DP_REASS_FLOWS; i++)
		for (unsigned k = 0; k < r->flow[i].n; k++)
			rte_pktmbuf_free(r->flow[i].f[k].m);
	rte_mempool_free(r->pool);
	rte_free(r);
}

/* ---- fragmentation -------------------------------------------------------- */

static inline uint32_t frag_room(const struct dp_worker *w)
{
	return rte_pktmbuf_data_room_size(w->ctl->pool) - RTE_PKTMBUF_HEADROOM - DP_ETH_HLEN;
}

/* A fresh mbuf's data, len bytes (within the data room: the MTU was
 * clamped to it), past the Ethernet gap. */
static inline uint8_t *frag_data(struct rte_mbuf *m, uint32_t len)
{
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
}

/* The options of an IPv4 header that every fragment repeats: those with
 * the copied flag (RFC 791 §3.1); EOL-padded to 4 bytes. Returns the
 * length of the resulting header. */
static uint32_t ip4_copied_hdr(const uint8_t *ip, uint32_t ihl, uint8_t *out)
{
	uint32_t n = DP_IP4_HLEN;

	memcpy(out, ip, DP_IP4_HLEN);
	for (uint32_t j = DP_IP4_HLEN; j < ihl;) {
		uint8_t t = ip[j];
		uint32_t l;

		if (t == 0)
			break;          /* end of option list */
		if (t == 1) {
			j++;            /* no-operation: not copied */
			continue;
		}
		if (j + 1 >= ihl || (l = ip[j + 1]) < 2 || j + l > ihl)
			break;          /* malformed: the rest is not copied */
		if (t & 0x80) {
			memcpy(out + n, ip + j, l);
			n += l;
		}
		j += l;
	}
	while (n & 3)
		out[n++] = 0;
	out[0] = (uint8_t)(0x40 | n / 4);
	return n;
}

/* n fragment buffers for m, or m dropped (too many fragments, or no
 * buffer): 0 or -1. */
static int frag_alloc(struct dp_worker *w, struct rte_mbuf *m, uint16_t ifc, uint32_t n, struct rte_mbuf **out)
{
	if (n > DP_FRAG_MAX) {
		dp_drop(w, m, ifc, SHM_DROP_MTU_EXCEEDED);
		return -1;
	}
	if (rte_pktmbuf_alloc_bulk(w->ctl->pool, out, n) != 0) {
		dp_drop(w, m, ifc, SHM_DROP_FRAG_NO_BUFFER);
		return -1;
	}
	return 0;
}

uint16_t dp_frag_ip4(struct dp_worker *w, struct rte_mbuf *m, uint32_t mtu, uint16_t ifc, struct rte_mbuf **out)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, tot = dp_rd16(ip + 2), fw = dp_rd16(ip + 6);
	uint32_t off0 = (fw & 0x1fffu) * 8u, chunk0, chunk, ohl, pos, n;
	uint8_t oh[60];

	if (mtu > frag_room(w))
		mtu = frag_room(w);
	ohl = ip4_copied_hdr(ip, ihl, oh);
	chunk0 = mtu > ihl ? (mtu - ihl) & ~7u : 0;
	chunk = mtu > ohl ? (mtu - ohl) & ~7u : 0;
	if (tot > (uint32_t)m->data_len - DP_ETH_HLEN || tot <= ihl || chunk0 == 0 || chunk == 0) {
		dp_drop(w, m, ifc, SHM_DROP_MTU_EXCEEDED);
		return 0;
	}
	n = 1 + (tot - ihl > chunk0 ? (tot - ihl - chunk0 + chunk - 1) / chunk : 0);
	if (frag_alloc(w, m, ifc, n, out) != 0)
		return 0;
	pos = 0;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *h = i == 0 ? ip : oh;
		uint32_t hl = i == 0 ? ihl : ohl, dl = i == 0 ? chunk0 : chunk, last, flen;
		uint16_t v, c;
		uint8_t *d;

		if (dl > tot - ihl - pos)
			dl = tot - ihl - pos;
		last = pos + dl == tot - ihl;
		flen = hl + dl;
		d = frag_data(out[i], DP_ETH_HLEN + flen);
		memcpy(d, h, hl);
		memcpy(d + hl, ip + ihl + pos, dl);
		d[2] = (uint8_t)(flen >> 8);
		d[3] = (uint8_t)flen;
		/* DF stays as it was (clear); MF on all but the original's last. */
		v = (uint16_t)((fw & 0x4000u) | ((off0 + pos) / 8u) | (last ? (fw & 0x2000u) : 0x2000u));
		d[6] = (uint8_t)(v >> 8);
		d[7] = (uint8_t)v;
		d[10] = d[11] = 0;
		c = dp_csum_final(dp_csum_add(0, d, hl));
		memcpy(d + 10, &c, 2);
		out[i]->port = m->port;
		pos += dl;
	}
	dp_free(w, m);
	return (uint16_t)n;
}

uint16_t dp_frag_ip6(struct dp_worker *w, struct rte_mbuf *m, uint32_t mtu, uint16_t ifc, struct rte_mbuf **out)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
	const uint32_t fh = 8, hl = DP_IP6_HLEN;
	uint32_t tot = DP_IP6_HLEN + (uint32_t)dp_rd16(ip + 4), chunk, pos, n, id;

	if (mtu > frag_room(w))
		mtu = frag_room(w);
	chunk = mtu > hl + fh ? (mtu - hl - fh) & ~7u : 0;
	if (tot > (uint32_t)m->data_len - DP_ETH_HLEN || tot <= hl || chunk == 0 || mtu < 1280) {
		dp_drop(w, m, ifc, SHM_DROP_MTU_EXCEEDED);
		return 0;
	}
	n = (tot - hl + chunk - 1) / chunk;
	if (frag_alloc(w, m, ifc, n, out) != 0)
		return 0;
	id = w->reass->ip6_id++;
	pos = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t dl = chunk < tot - hl - pos ? chunk : tot - hl - pos, plen = fh + dl;
		uint16_t fo = (uint16_t)(pos | (pos + dl < tot - hl ? 1u : 0u));
		uint8_t *d = frag_data(out[i], DP_ETH_HLEN + hl + plen);

		memcpy(d, ip, hl);
		d[4] = (uint8_t)(plen >> 8);
		d[5] = (uint8_t)plen;
		d[6] = DP_PROTO_FRAG6;
		d[hl] = ip[6];          /* fragment header (RFC 8200 §4.5) */
		d[hl + 1] = 0;
		d[hl + 2] = (uint8_t)(fo >> 8);
		d[hl + 3] = (uint8_t)fo;
		d[hl + 4] = (uint8_t)(id >> 24);
		d[hl + 5] = (uint8_t)(id >> 16);
		d[hl + 6] = (uint8_t)(id >> 8);
		d[hl + 7] = (uint8_t)id;
		memcpy(d + hl + fh, ip + hl + pos, dl);
		out[i]->port = m->port;
		pos += dl;
	}
	dp_free(w, m);
	return (uint16_t)n;
}

/* ---- reassembly ----------------------------------------------------------- */

static void flow_drop(struct dp_worker *w, struct reass_flow *fl, enum shm_drop d)
{
	for (unsigned k = 0; k < fl->n; k++)
		dp_drop(w, fl->f[k].m, fl->ifc, d);
	fl->n = 0;
	fl->tsc = 0;
	w->reass_held--;
}

void dp_frag_expire(struct dp_worker *w)
{
	struct dp_frag_table *r = w->reass;
	uint64_t now = rte_rdtsc();

	if (now < r->next_scan)
		return;
	r->next_scan = now + r->timeout / 8u;
	for (unsigned i = 0; i < DP_REASS_FLOWS && w->reass_held; i++)
		if (r->flow[i].tsc && now - r->flow[i].tsc > r->timeout)
			flow_drop(w, &r->flow[i], SHM_DROP_REASS_TIMEOUT);
}

/* The datagram's slot, or a new one (NULL: table full). */
static struct reass_flow *flow_get(struct dp_worker *w, uint8_t af, uint8_t proto, uint32_t id, const uint8_t *src,
				   const uint8_t *dst, uint16_t in_ifc)
{
	struct dp_frag_table *r = w->reass;
	size_t alen = af == SHM_AF_INET ? 4 : 16;
	uint64_t now = rte_rdtsc();
	struct reass_flow *free_slot = NULL;

	for (unsigned i = 0; i < DP_REASS_FLOWS; i++) {
		struct reass_flow *fl = &r->flow[i];

		if (fl->tsc && now - fl->tsc > r->timeout)
			flow_drop(w, fl, SHM_DROP_REASS_TIMEOUT);
		if (!fl->tsc) {
			if (!free_slot)
				free_slot = fl;
			continue;
		}
		if (fl->id == id && fl->af == af && fl->proto == proto && memcmp(fl->src, src, alen) == 0 &&
		    memcmp(fl->dst, dst, alen) == 0)
			return fl;
	}
	if (!free_slot)
		return NULL;
	memset(free_slot, 0, offsetof(struct reass_flow, f));
	free_slot->tsc = now ? now : 1;
	free_slot->id = id;
	free_slot->af = af;
	free_slot->proto = proto;
	free_slot->ifc = in_ifc;
	memcpy(free_slot->src, src, alen);
	memcpy(free_slot->dst, dst, alen);
	w->reass_held++;
	return free_slot;
}

/* Copy a complete datagram into one buffer. */
static struct rte_mbuf *flow_build(struct dp_worker *w, struct reass_flow *fl)
{
	const struct reass_frag *f0 = &fl->f[fl->first - 1];
	uint32_t len = fl->hlen + fl->total;
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->reass->pool);
	uint8_t *eth, *ip;

	if (!m) {
		flow_drop(w, fl, SHM_DROP_NO_BUFFER);
		return NULL;
	}
	eth = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + len));
	ip = eth + DP_ETH_HLEN;
	memcpy(eth, rte_pktmbuf_mtod(f0->m, const uint8_t *), DP_ETH_HLEN + fl->hlen);
	for (unsigned k = 0; k < fl->n; k++)
		memcpy(ip + fl->hlen + fl->f[k].off,
		       rte_pktmbuf_mtod_offset(fl->f[k].m, const uint8_t *, DP_ETH_HLEN + fl->f[k].data), fl->f[k].len);
	if (fl->af == SHM_AF_INET) {
		uint16_t c;
		ip[2] = (uint8_t)(len >> 8);
		ip[3] = (uint8_t)len;
		ip[6] &= 0x40;          /* DF as received; MF and offset cleared */
		ip[7] = 0;
		ip[10] = ip[11] = 0;
		c = dp_csum_final(dp_csum_add(0, ip, fl->hlen));
		memcpy(ip + 10, &c, 2);
	} else {
		ip[4] = (uint8_t)((len - DP_IP6_HLEN) >> 8);
		ip[5] = (uint8_t)(len - DP_IP6_HLEN);
		ip[fl->nh_byte] = fl->nh;
	}
	m->port = f0->m->port;
	for (unsigned k = 0; k < fl->n; k++)
		dp_free(w, fl->f[k].m);
	fl->n = 0;
	fl->tsc = 0;
	w->reass_held--;
	return m;
}

/* Add one fragment (data bytes [off, off+len), `more` its MF/M flag) to
 * its datagram; the datagram when complete. */
static struct rte_mbuf *reass_add(struct dp_worker *w, uint16_t in_ifc, struct rte_mbuf *m, uint8_t af,
				  uint8_t proto, uint32_t id, const uint8_t *src, const uint8_t *dst, uint32_t off,
				  uint32_t len, int more, uint32_t data, uint32_t hlen, uint32_t nh_byte, uint8_t nh)
{
	struct reass_flow *fl;

	/* Malformed: empty, not a multiple of 8 but the last, past 64 KiB. */
	if (len == 0 || (more && (len & 7u)) || off + len > 65535u - (af == SHM_AF_INET ? hlen : 0)) {
		dp_drop(w, m, in_ifc, SHM_DROP_LOCAL_FRAGMENT);
		return NULL;
	}
	fl = flow_get(w, af, proto, id, src, dst, in_ifc);
	if (!fl) {
		dp_drop(w, m, in_ifc, SHM_DROP_REASS_TABLE_FULL);
		return NULL;
	}
	/* Overlaps, a second end, data past the end: the datagram goes. */
	if ((!more && fl->total && fl->total != off + len) || (fl->total && off + len > fl->total))
		goto overlap;
	for (unsigned k = 0; k < fl->n; k++) {
		const struct reass_frag *g = &fl->f[k];
		if (off < (uint32_t)g->off + g->len && g->off < off + len)
			goto overlap;
		if (!more && (uint32_t)g->off + g->len > off + len)
			goto overlap;
	}
	if (fl->n == DP_REASS_FRAGS) {
		dp_drop(w, m, in_ifc, SHM_DROP_REASS_TOO_MANY);
		flow_drop(w, fl, SHM_DROP_REASS_TOO_MANY);
		return NULL;
	}
	if (off + len + (off == 0 ? hlen : fl->hlen) > DP_REASS_MAX) {
		dp_drop(w, m, in_ifc, SHM_DROP_REASS_TOO_BIG);
		flow_drop(w, fl, SHM_DROP_REASS_TOO_BIG);
		return NULL;
	}
	fl->f[fl->n] = (struct reass_frag){ .m = m, .off = (uint16_t)off, .len = (uint16_t)len,
					    .data = (uint16_t)data };
	fl->n++;
	fl->have += len;
	if (!more)
		fl->total = off + len;
	if (off == 0) {
		fl->first = fl->n;
		fl->hlen = (uint16_t)hlen;
		fl->nh_byte = (uint16_t)nh_byte;
		fl->nh = nh;
	}
	if (fl->total && fl->have == fl->total && fl->first)
		return flow_build(w, fl);
	return NULL;

overlap:
	dp_drop(w, m, in_ifc, SHM_DROP_REASS_OVERLAP);
	flow_drop(w, fl, SHM_DROP_REASS_OVERLAP);
	return NULL;
}

struct rte_mbuf *dp_frag_reass4(struct dp_worker *w, uint16_t in_ifc, struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, fw = dp_rd16(ip + 6);

	return reass_add(w, in_ifc, m, SHM_AF_INET, ip[9], dp_rd16(ip + 4), ip + 12, ip + 16, (fw & 0x1fffu) * 8u,
			 dp_rd16(ip + 2) - ihl, (fw & 0x2000u) != 0, ihl, ihl, 0, 0);
}

struct rte_mbuf *dp_frag_reass6(struct dp_worker *w, uint16_t in_ifc, struct rte_mbuf *m, const struct dp_lmeta *lm)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN);
	const uint8_t *fh = ip + lm->frag_hdr;
	uint32_t tot = DP_IP6_HLEN + (uint32_t)dp_rd16(ip + 4), fo = dp_rd16(fh + 2);

	return reass_add(w, in_ifc, m, SHM_AF_INET6, 0, dp_rd32(fh + 4), ip + 8, ip + 24, fo & 0xfff8u,
			 tot - lm->frag_hdr - 8u, fo & 1u, lm->frag_hdr + 8u, lm->frag_hdr, lm->nh_byte, fh[0]);
}

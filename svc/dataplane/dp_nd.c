/* IPv6 neighbor discovery (RFC 4861) on the control thread: answer
 * solicitations for our addresses, learn from NS/NA, solicit. */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_classify.h"
#include "dp_neigh.h"
#include "dp_worker.h"


/* An NS or NA with one link-layer address option, hop limit 255. */
static struct rte_mbuf *nd_build(struct dp_ctl *c, const uint8_t *dmac, const uint8_t *smac,
				 const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t flags,
				 const uint8_t *target, int with_opt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
	uint32_t plen = (uint32_t)sizeof(struct dp_nd_msg) + (with_opt ? (uint32_t)sizeof(struct dp_nd_opt_lla) : 0);
	uint8_t *eth, *ip;
	struct dp_nd_msg *nd;
	uint16_t cs;

	if (!m) {
		dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NO_BUFFER);
		return NULL;
	}
	eth = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + DP_IP6_HLEN + plen));
	if (!eth) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(eth, dmac, 6);
	memcpy(eth + 6, smac, 6);
	eth[12] = DP_ETHERTYPE_IP6 >> 8;
	eth[13] = DP_ETHERTYPE_IP6 & 0xff;
	ip = eth + DP_ETH_HLEN;
	memset(ip, 0, DP_IP6_HLEN);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = DP_PROTO_ICMP6;
	ip[7] = 255;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	nd = (struct dp_nd_msg *)(ip + DP_IP6_HLEN);
	memset(nd, 0, sizeof(*nd));
	nd->type = type;
	nd->flags = __builtin_bswap32(flags);
	memcpy(nd->target, target, 16);
	if (with_opt) {
		struct dp_nd_opt_lla *o = (struct dp_nd_opt_lla *)(nd + 1);
		o->type = type == DP_ICMP6_NS ? DP_ND_OPT_SLLA : DP_ND_OPT_TLLA;
		o->len = 1;
		memcpy(o->mac, smac, 6);
	}
	cs = dp_csum_final(dp_csum_add(dp_csum_phdr6(ip + 8, ip + 24, DP_PROTO_ICMP6, plen), nd, plen));
	memcpy(&nd->cksum, &cs, 2);
	return m;
}

void dp_nd_solicit(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, const uint8_t ip[16])
{
	const struct dp_ifc *fi = &f->ifc[ifc];
	uint8_t src[16] = { 0 }, dst[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	uint8_t dmac[6] = { 0x33, 0x33, 0xff };
	struct rte_mbuf *m;
	int have_src;

	if (fi->port == DP_NO_PORT || !fi->up)
		return;
	have_src = dp_ctl_src_addr(f, ifc, SHM_AF_INET6, ip, src) == 0;
	/* Solicited-node multicast group of the target (RFC 4291 §2.7.1). */
	memcpy(dst + 13, ip + 13, 3);
	memcpy(dmac + 3, ip + 13, 3);
	/* Without a source address (unspecified) no SLLA option is allowed. */
	if ((m = nd_build(c, dmac, fi->mac, src, dst, DP_ICMP6_NS, 0, ip, have_src)))
		dp_worker_inject(c, m, DP_INJ_FRAME, fi->port, ifc);
}

void dp_nd_input(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, struct rte_mbuf *m)
{
	static const uint8_t any[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	const struct dp_ifc *fi = &f->ifc[ifc];
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *), *ip = eth + DP_ETH_HLEN;
	const struct dp_nd_msg *nd = (const struct dp_nd_msg *)(ip + DP_IP6_HLEN);
	uint8_t lla[6], peer_mac[6];
	int has_lla, rc, ours, from_any;
	struct rte_mbuf *r;

	if ((rc = dp_classify_nd(ip, m->pkt_len - DP_ETH_HLEN, lla, &has_lla)) != 0) {
		dp_ctl_count_drop(c, DP_NO_IFC, (enum shm_drop)rc);
		rte_pktmbuf_free(m);
		return;
	}
	ours = dp_ctl_is_local(f, fi->addr_ifc, SHM_AF_INET6, nd->target);
	from_any = memcmp(ip + 8, any, 16) == 0;
	if (nd->type == DP_ICMP6_NA) {
		/* The target's link-layer address; update what we know of it,
		 * create nothing (an answer to our NS finds its entry). */
		if (has_lla && !ours)
			dp_neigh_learn(c, ifc, SHM_AF_INET6, nd->target, lla, 0);
		rte_pktmbuf_free(m);
		return;
	}
	if (!ours) {
		dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NEIGH_NOT_FOR_US);
		rte_pktmbuf_free(m);
		return;
	}
	if (has_lla && from_any) { /* RFC 4861 §7.1.1 */
		dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_ND_BAD);
		rte_pktmbuf_free(m);
		return;
	}
	if (has_lla)
		dp_neigh_learn(c, ifc, SHM_AF_INET6, ip + 8, lla, 1);
	memcpy(peer_mac, has_lla ? lla : eth + 6, 6);
	/* NA: router, solicited (unless answering DAD), override. */
	if (fi->port != DP_NO_PORT &&
	    (r = nd_build(c, from_any ? all_nodes_mac : peer_mac, fi->mac, nd->target, from_any ? all_nodes : ip + 8,
			  DP_ICMP6_NA, DP_NA_ROUTER | (from_any ? 0 : DP_NA_SOLICITED) | DP_NA_OVERRIDE,
			  nd->target, 1)))
		dp_worker_inject(c, r, DP_INJ_FRAME, fi->port, ifc);
	rte_pktmbuf_free(m);
}

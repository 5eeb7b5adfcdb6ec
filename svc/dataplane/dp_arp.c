/* ARP (RFC 826) on the control thread: answer requests for our addresses,
 * learn senders, send requests for the neighbor table. */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_classify.h"
#include "dp_neigh.h"
#include "dp_worker.h"

/* Offsets in the ARP body (RFC 826, Ethernet/IPv4). */
#define ARP_OP 6
#define ARP_SHA 8
#define ARP_SPA 14
#define ARP_THA 18
#define ARP_TPA 24

static void arp_fill(uint8_t *eth, const uint8_t *dmac, const uint8_t *smac, uint16_t op, const uint8_t *sha,
		     const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa)
{
	uint8_t *a = eth + DP_ETH_HLEN, s[4], t[4], th[6];

	/* The sources may overlap the destination (a reply built in place). */
	memcpy(s, spa, 4);
	memcpy(t, tpa, 4);
	memcpy(th, tha, 6);
	memcpy(eth, dmac, 6);
	memcpy(eth + 6, smac, 6);
	eth[12] = DP_ETHERTYPE_ARP >> 8;
	eth[13] = DP_ETHERTYPE_ARP & 0xff;
	a[0] = 0, a[1] = 1;                     /* Ethernet */
	a[2] = 0x08, a[3] = 0x00;               /* IPv4 */
	a[4] = 6, a[5] = 4;
	a[6] = (uint8_t)(op >> 8), a[7] = (uint8_t)op;
	memmove(a + ARP_SHA, sha, 6);
	memcpy(a + ARP_SPA, s, 4);
	memcpy(a + ARP_THA, th, 6);
	memcpy(a + ARP_TPA, t, 4);
}

void dp_arp_request(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, const uint8_t ip[4])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6];
	const struct dp_ifc *fi = &f->ifc[ifc];
	uint8_t spa[4] = { 0 };
	struct rte_mbuf *m;
	uint8_t *eth;

	if (fi->port == DP_NO_PORT || !fi->up)
		return;
	if (!(m = rte_pktmbuf_alloc(c->pool))) {
		dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NO_BUFFER);
		return;
	}
	dp_ctl_src_addr(f, ifc, SHM_AF_INET, ip, spa);
	if (!(eth = (uint8_t *)rte_pktmbuf_append(m, DP_ETH_HLEN + DP_ARP_LEN))) {
		rte_pktmbuf_free(m);
		return;
	}
	arp_fill(eth, bcast, fi->mac, DP_ARP_OP_REQUEST, fi->mac, spa, zero, ip);
	dp_worker_inject(c, m, DP_INJ_FRAME, fi->port, ifc);
}

void dp_arp_input(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, struct rte_mbuf *m)
{
	const struct dp_ifc *fi = &f->ifc[ifc];
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *), *a = eth + DP_ETH_HLEN;
	uint16_t op = dp_rd16(a + ARP_OP);
	static const uint8_t zero4[4];
	int ours = dp_ctl_is_local(f, fi->addr_ifc, SHM_AF_INET, a + ARP_TPA);
	int has_sender = memcmp(a + ARP_SPA, zero4, 4) != 0 && !(a[ARP_SHA] & 1);
	uint8_t sha[6], spa[4];

	if (has_sender && dp_ctl_is_local(f, fi->addr_ifc, SHM_AF_INET, a + ARP_SPA))
		has_sender = 0; /* someone claims our address: do not learn it */
	if (has_sender)
		dp_neigh_learn(c, ifc, SHM_AF_INET, a + ARP_SPA, a + ARP_SHA, ours);
	if (op != DP_ARP_OP_REQUEST || !ours) {
		if (!ours)
			dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NEIGH_NOT_FOR_US);
		rte_pktmbuf_free(m);
		return;
	}
	if (fi->port == DP_NO_PORT) {
		rte_pktmbuf_free(m);
		return;
	}
	/* The reply, in place: to the asker, from us, for the asked address. */
	memcpy(sha, a + ARP_SHA, 6);
	memcpy(spa, a + ARP_SPA, 4);
	arp_fill(eth, sha, fi->mac, DP_ARP_OP_REPLY, fi->mac, a + ARP_TPA, sha, spa);
	m->data_len = DP_ETH_HLEN + DP_ARP_LEN;
	m->pkt_len = m->data_len;
	dp_worker_inject(c, m, DP_INJ_FRAME, fi->port, ifc);
}

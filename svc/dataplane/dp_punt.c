/* Punt ring dispatch and the IKE punt/inject channel; see dp_punt.h. */
#include "dp_punt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "dp_classify.h"
#include "dp_fib.h"
#include "dp_neigh.h"
#include "dp_ping.h"
#include "dp_worker.h"
#include "instance.h"
#include "log.h"
#include "msg.h"

struct dp_punt {
	struct dp_ctl *c;
	uv_poll_t poll;
	int fd;
	struct sockaddr_un self, ike;
	uint8_t *buf;
	uint16_t ip_id;
	uint32_t frag_id;
};

/* ---- punt: worker -> control -> IKE daemon -------------------------------- */

static void punt_ike(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, uint8_t af, struct rte_mbuf *m)
{
	struct dp_punt *p = c->punt;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_ETH_HLEN), *u;
	Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
	Ipsecgw__V1__PuntPacket pp = IPSECGW__V1__PUNT_PACKET__INIT;
	size_t n, alen = af == SHM_AF_INET ? 4 : 16;
	char name[SHM_NAME_MAX];

	u = ip + (af == SHM_AF_INET ? (ip[0] & 0x0fu) * 4u : DP_IP6_HLEN);
	snprintf(name, sizeof(name), "%s", f->ifc[ifc].name);
	pp.interface = name;
	pp.src.data = (uint8_t *)(af == SHM_AF_INET ? ip + 12 : ip + 8);
	pp.dst.data = (uint8_t *)(af == SHM_AF_INET ? ip + 16 : ip + 24);
	pp.src.len = pp.dst.len = alen;
	pp.src_port = dp_rd16(u);
	pp.dst_port = dp_rd16(u + 2);
	pp.payload.data = (uint8_t *)u + DP_UDP_HLEN;
	pp.payload.len = dp_rd16(u + 4) - DP_UDP_HLEN; /* checked by dp_classify_local* */
	env.api_version = GW_API_VERSION;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PUNT;
	env.punt = &pp;
	n = ipsecgw__v1__envelope__get_packed_size(&env);
	if (!p || n > DP_PUNT_MAX_DGRAM) {
		dp_ctl_count_drop(c, DP_NO_IFC, p ? SHM_DROP_UDP_BAD : SHM_DROP_PUNT_NO_LISTENER);
		rte_pktmbuf_free(m);
		return;
	}
	ipsecgw__v1__envelope__pack(&env, p->buf);
	rte_pktmbuf_free(m);
	if (sendto(p->fd, p->buf, n, MSG_DONTWAIT, (struct sockaddr *)&p->ike, sizeof(p->ike)) < 0)
		dp_ctl_count_drop(c, DP_NO_IFC,
				  errno == EAGAIN || errno == ENOBUFS ? SHM_DROP_PUNT_QUEUE_FULL
								      : SHM_DROP_PUNT_NO_LISTENER);
}

static void punt_one(struct dp_ctl *c, const struct dp_fwd *f, struct dp_punt_desc *d)
{
	switch (d->kind) {
	case DP_PUNT_ARP: dp_arp_input(c, f, d->ifc, d->m); break;
	case DP_PUNT_ND: dp_nd_input(c, f, d->ifc, d->m); break;
	case DP_PUNT_ECHO_REPLY: dp_ping_input(c, d->af, d->m, d->tsc); break;
	case DP_PUNT_IKE: punt_ike(c, f, d->ifc, d->af, d->m); break;
	case DP_PUNT_RESOLVE: dp_neigh_resolve(c, d->ifc, d->af, d->ip, d->m); break;
	default: rte_pktmbuf_free(d->m); break;
	}
}

void dp_punt_drain(struct dp_ctl *c)
{
	const struct dp_fwd *f = dp_ctl_fwd(c);
	struct dp_punt_desc d[DP_BURST];

	for (unsigned w = 0; w < c->n_pollers; w++) {
		unsigned n;
		do {
			n = rte_ring_sc_dequeue_burst_elem(c->w[w]->punt, d, sizeof(d[0]), DP_BURST, NULL);
			for (unsigned i = 0; i < n; i++) {
				if (f && d[i].ifc < SHM_MAX_IFC)
					punt_one(c, f, &d[i]);
				else
					rte_pktmbuf_free(d[i].m);
			}
		} while (n == DP_BURST);
	}
}

/* ---- inject: IKE daemon -> control -> worker 0 ------------------------------- */

static struct rte_mbuf *frag_alloc(struct dp_ctl *c, uint32_t l3_len, uint8_t **ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);

	if (!m)
		return NULL;
	if (!rte_pktmbuf_append(m, (uint16_t)(DP_ETH_HLEN + l3_len))) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_ETH_HLEN);
	return m;
}

/* dgram = UDP header + payload (len bytes), sent in fragments of at most
 * mtu bytes of IP packet. */
static int inject4(struct dp_ctl *c, const uint8_t *src, const uint8_t *dst, const uint8_t *dgram, uint32_t len,
		   uint32_t mtu)
{
	uint32_t chunk = (mtu - DP_IP4_HLEN) & ~7u, off = 0;
	uint16_t id = c->punt->ip_id++;

	while (off < len) {
		uint32_t n = len - off <= mtu - DP_IP4_HLEN ? len - off : chunk;
		uint16_t frag = (uint16_t)((off / 8) | (off + n < len ? 0x2000 : 0)), cs;
		uint8_t *ip;
		struct rte_mbuf *m = frag_alloc(c, DP_IP4_HLEN + n, &ip);

		if (!m) {
			dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NO_BUFFER);
			return -ENOBUFS;
		}
		ip[0] = 0x45;
		ip[1] = 0;
		ip[2] = (uint8_t)((DP_IP4_HLEN + n) >> 8);
		ip[3] = (uint8_t)(DP_IP4_HLEN + n);
		ip[4] = (uint8_t)(id >> 8);
		ip[5] = (uint8_t)id;
		ip[6] = (uint8_t)(frag >> 8);
		ip[7] = (uint8_t)frag;
		ip[8] = 64;
		ip[9] = DP_PROTO_UDP;
		ip[10] = ip[11] = 0;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		cs = dp_csum_final(dp_csum_add(0, ip, DP_IP4_HLEN));
		memcpy(ip + 10, &cs, 2);
		memcpy(ip + DP_IP4_HLEN, dgram + off, n);
		dp_worker_inject(c, m, DP_INJ_ROUTE4, 0, DP_NO_IFC);
		off += n;
	}
	return 0;
}

static int inject6(struct dp_ctl *c, const uint8_t *src, const uint8_t *dst, const uint8_t *dgram, uint32_t len,
		   uint32_t mtu)
{
	const uint32_t fh = 8; /* fragment header (RFC 8200 §4.5) */
	int frag = DP_IP6_HLEN + len > mtu;
	uint32_t chunk = (mtu - DP_IP6_HLEN - fh) & ~7u, off = 0, id = c->punt->frag_id++;

	do {
		uint32_t n = frag ? (len - off < chunk ? len - off : chunk) : len;
		uint32_t plen = n + (frag ? fh : 0);
		uint8_t *ip, *p;
		struct rte_mbuf *m = frag_alloc(c, DP_IP6_HLEN + plen, &ip);

		if (!m) {
			dp_ctl_count_drop(c, DP_NO_IFC, SHM_DROP_NO_BUFFER);
			return -ENOBUFS;
		}
		memset(ip, 0, 4);
		ip[0] = 0x60;
		ip[4] = (uint8_t)(plen >> 8);
		ip[5] = (uint8_t)plen;
		ip[6] = frag ? DP_PROTO_FRAG6 : DP_PROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		p = ip + DP_IP6_HLEN;
		if (frag) {
			uint16_t fo = (uint16_t)(off | (off + n < len ? 1 : 0));
			p[0] = DP_PROTO_UDP;
			p[1] = 0;
			p[2] = (uint8_t)(fo >> 8);
			p[3] = (uint8_t)fo;
			p[4] = (uint8_t)(id >> 24);
			p[5] = (uint8_t)(id >> 16);
			p[6] = (uint8_t)(id >> 8);
			p[7] = (uint8_t)id;
			p += fh;
		}
		memcpy(p, dgram + off, n);
		dp_worker_inject(c, m, DP_INJ_ROUTE6, 0, DP_NO_IFC);
		off += n;
	} while (off < len);
	return 0;
}

int dp_punt_inject(struct dp_ctl *c, const Ipsecgw__V1__PuntPacket *pp)
{
	const struct dp_fwd *f = dp_ctl_fwd(c);
	uint8_t af, src[16], *dgram;
	uint32_t len, id, mtu;
	const struct dp_nh *nh;
	uint16_t cs;
	int rc;

	if (!f || (pp->dst.len != 4 && pp->dst.len != 16) || (pp->src.len && pp->src.len != pp->dst.len) ||
	    pp->src_port > 65535 || pp->dst_port > 65535 || pp->payload.len > 65535 - 48)
		return -EINVAL;
	af = pp->dst.len == 4 ? SHM_AF_INET : SHM_AF_INET6;
	if (af == SHM_AF_INET) {
		uint32_t d;
		memcpy(&d, pp->dst.data, 4);
		id = dp_fib_lookup4(f->fib4, __builtin_bswap32(d));
	} else {
		id = dp_fib_lookup6(f->fib6, pp->dst.data);
	}
	nh = &f->nh[id];
	if (pp->src.len)
		memcpy(src, pp->src.data, pp->src.len);
	else if (nh->type == DP_NH_LOCAL)
		memcpy(src, pp->dst.data, pp->dst.len);
	else if (nh->type == DP_NH_DROP || dp_ctl_src_addr(f, nh->ifc, af, pp->dst.data, src) < 0)
		return -ENETUNREACH;
	mtu = nh->type == DP_NH_VIA || nh->type == DP_NH_ATTACHED ? nh->mtu : 1500;
	if (mtu < (af == SHM_AF_INET ? 576u : 1280u))
		mtu = af == SHM_AF_INET ? 576u : 1280u;
	if (mtu > RTE_MBUF_DEFAULT_DATAROOM - DP_ETH_HLEN)
		mtu = RTE_MBUF_DEFAULT_DATAROOM - DP_ETH_HLEN;
	len = DP_UDP_HLEN + (uint32_t)pp->payload.len;
	if (!(dgram = malloc(len)))
		return -ENOMEM;
	dgram[0] = (uint8_t)(pp->src_port >> 8);
	dgram[1] = (uint8_t)pp->src_port;
	dgram[2] = (uint8_t)(pp->dst_port >> 8);
	dgram[3] = (uint8_t)pp->dst_port;
	dgram[4] = (uint8_t)(len >> 8);
	dgram[5] = (uint8_t)len;
	dgram[6] = dgram[7] = 0;
	memcpy(dgram + DP_UDP_HLEN, pp->payload.data, pp->payload.len);
	cs = dp_csum_final(dp_csum_add(af == SHM_AF_INET ? dp_csum_phdr4(src, pp->dst.data, DP_PROTO_UDP, len)
							 : dp_csum_phdr6(src, pp->dst.data, DP_PROTO_UDP, len),
				       dgram, len));
	if (cs == 0)
		cs = 0xffff;
	memcpy(dgram + 6, &cs, 2);
	rc = af == SHM_AF_INET ? inject4(c, src, pp->dst.data, dgram, len, mtu)
			       : inject6(c, src, pp->dst.data, dgram, len, mtu);
	free(dgram);
	return rc;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct dp_punt *p = h->data;

	(void)events;
	if (status < 0)
		return;
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(p->fd, p->buf, DP_PUNT_MAX_DGRAM, MSG_DONTWAIT);
		gw_env *env;
		int rc;
		if (n < 0)
			return;
		if (!(env = msg_decode(p->buf, (size_t)n)) || env->body_case != IPSECGW__V1__ENVELOPE__BODY_PUNT) {
			gw_debug("punt socket: a datagram that is not a PuntPacket envelope");
			msg_free(env);
			continue;
		}
		if ((rc = dp_punt_inject(p->c, env->punt)) < 0)
			gw_debug("inject: %s", strerror(-rc));
		msg_free(env);
	}
}

static int sock_addr(struct sockaddr_un *a, const char *instance, const char *which)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	return gw_socket_path(instance, which, a->sun_path, sizeof(a->sun_path));
}

struct dp_punt *dp_punt_open(struct dp_ctl *c, uv_loop_t *loop, char *err, size_t errlen)
{
	struct dp_punt *p = calloc(1, sizeof(*p));
	int sz = 4 << 20, rc;

	if (!p || !(p->buf = malloc(DP_PUNT_MAX_DGRAM))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	p->c = c;
	p->fd = -1;
	if (sock_addr(&p->self, c->instance, DP_PUNT_SOCK) < 0 || sock_addr(&p->ike, c->instance, DP_PUNT_IKE_SOCK) < 0) {
		snprintf(err, errlen, "punt socket path too long");
		goto fail;
	}
	if ((p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if ((rc = gw_rundir_ensure(c->instance)) < 0) {
		snprintf(err, errlen, "runtime directory of instance '%s': %s", c->instance, strerror(-rc));
		goto fail;
	}
	unlink(p->self.sun_path); /* a previous run's */
	if (bind(p->fd, (struct sockaddr *)&p->self, sizeof(p->self)) < 0) {
		snprintf(err, errlen, "bind %s: %s", p->self.sun_path, strerror(errno));
		goto fail;
	}
	chmod(p->self.sun_path, 0660);
	uv_poll_init(loop, &p->poll, p->fd);
	p->poll.data = p;
	uv_poll_start(&p->poll, UV_READABLE, on_readable);
	return p;

fail:
	if (p && p->fd >= 0)
		close(p->fd);
	if (p)
		free(p->buf);
	free(p);
	return NULL;
}

static void on_closed(uv_handle_t *h)
{
	struct dp_punt *p = h->data;

	close(p->fd);
	free(p->buf);
	free(p);
}

void dp_punt_close(struct dp_punt *p)
{
	if (!p)
		return;
	unlink(p->self.sun_path);
	uv_poll_stop(&p->poll);
	uv_close((uv_handle_t *)&p->poll, on_closed);
}

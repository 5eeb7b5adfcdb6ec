/*
 * Plain UDP transport: the IKE port and the NAT-T port on an IPv4 and/or an
 * IPv6 address. IP_PKTINFO / IPV6_RECVPKTINFO tell which local address a
 * request came to, and answers leave from that address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikev2_transport.h"
#include "log.h"

#define UDP_BATCH 64

static void udp_on_readable(uv_poll_t *h, int status, int events);

static int udp_sock(struct ikev2_udp *u, uv_loop_t *loop, int family, const char *addr, uint16_t port,
		    bool natt, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd, one = 1, k = (int)u->n;

	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &s->sin_addr) != 1)
			goto bad;
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &s->sin6_addr) != 1)
			goto bad;
		sl = sizeof(*s);
	}
	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int rc = -errno;
		snprintf(err, errlen, "bind %s port %u: %s", addr, port, strerror(errno));
		close(fd);
		return rc;
	}
	u->fd[k] = fd;
	u->af[k] = family == AF_INET ? 4 : 6;
	u->natt[k] = natt;
	uv_poll_init(loop, &u->poll[k], fd);
	u->poll[k].data = u;
	uv_poll_start(&u->poll[k], UV_READABLE, udp_on_readable);
	u->n++;
	return 0;
bad:
	snprintf(err, errlen, "bad listen address %s", addr);
	return -EINVAL;
}

int ikev2_udp_open(struct ikev2_udp *u, uv_loop_t *loop, const char *addr4, const char *addr6,
		   uint16_t port, uint16_t natt_port, ikev2_rx_fn *rx, void *arg, char *err, size_t errlen)
{
	int rc = 0;

	memset(u, 0, sizeof(*u));
	u->port = port;
	u->natt_port = natt_port;
	u->rx = rx;
	u->arg = arg;
	if (addr4 && ((rc = udp_sock(u, loop, AF_INET, addr4, port, false, err, errlen)) < 0 ||
		      (rc = udp_sock(u, loop, AF_INET, addr4, natt_port, true, err, errlen)) < 0))
		goto fail;
	if (addr6 && ((rc = udp_sock(u, loop, AF_INET6, addr6, port, false, err, errlen)) < 0 ||
		      (rc = udp_sock(u, loop, AF_INET6, addr6, natt_port, true, err, errlen)) < 0))
		goto fail;
	return 0;
fail:
	ikev2_udp_close(u);
	return rc;
}

void ikev2_udp_close(struct ikev2_udp *u)
{
	for (unsigned k = 0; k < u->n; k++) {
		uv_poll_stop(&u->poll[k]);
		uv_close((uv_handle_t *)&u->poll[k], NULL);
		close(u->fd[k]);
	}
	u->n = 0;
}

static void udp_read(struct ikev2_udp *u, unsigned k)
{
	static uint8_t buf[IKEV2_RX_MAX];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;

	for (int n = 0; n < UDP_BATCH; n++) {
		struct sockaddr_storage from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
		struct ikev2_path p = { 0 };
		size_t skip = 0;
		ssize_t len = recvmsg(u->fd[k], &mh, 0);

		if (len < 0)
			return;
		p.local.af = p.remote.af = u->af[k];
		p.local.port = u->natt[k] ? u->natt_port : u->port;
		if (u->af[k] == 4) {
			struct sockaddr_in *s = (struct sockaddr_in *)&from;
			memcpy(p.remote.ip, &s->sin_addr, 4);
			p.remote.port = ntohs(s->sin_port);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&from;
			memcpy(p.remote.ip, &s->sin6_addr, 16);
			p.remote.port = ntohs(s->sin6_port);
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				memcpy(p.local.ip, &((struct in_pktinfo *)CMSG_DATA(c))->ipi_addr, 4);
			else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
				memcpy(p.local.ip, &((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr, 16);
		}
		if (u->natt[k] && !ikev2_net_natt_strip(buf, (size_t)len, &skip)) {
			u->rx_dropped++; /* a keepalive, or ESP: not for the IKE daemon */
			continue;
		}
		u->rx(u->arg, &p, u->natt[k], buf + skip, (size_t)len - skip);
	}
}

static void udp_on_readable(uv_poll_t *h, int status, int events)
{
	struct ikev2_udp *u = h->data;

	(void)events;
	if (status < 0)
		return;
	udp_read(u, (unsigned)(h - u->poll));
}

static int udp_find(const struct ikev2_udp *u, uint8_t af, bool natt)
{
	for (unsigned k = 0; k < u->n; k++)
		if (u->af[k] == af && u->natt[k] == natt)
			return u->fd[k];
	return -1;
}

static int udp_sendv(struct ikev2_udp *u, const struct ikev2_path *p, bool natt, struct iovec *iov, int n)
{
	struct sockaddr_storage to = { 0 };
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_name = &to, .msg_iov = iov, .msg_iovlen = (size_t)n };
	struct cmsghdr *c;
	int fd = udp_find(u, p->remote.af, natt);

	if (fd < 0)
		return -EAFNOSUPPORT;
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.b;
	c = (struct cmsghdr *)ctl.b;
	if (p->remote.af == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&to;
		struct in_pktinfo pi = { 0 };
		s->sin_family = AF_INET;
		s->sin_port = htons(p->remote.port);
		memcpy(&s->sin_addr, p->remote.ip, 4);
		mh.msg_namelen = sizeof(*s);
		memcpy(&pi.ipi_spec_dst, p->local.ip, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&to;
		struct in6_pktinfo pi = { 0 };
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(p->remote.port);
		memcpy(&s->sin6_addr, p->remote.ip, 16);
		mh.msg_namelen = sizeof(*s);
		memcpy(&pi.ipi6_addr, p->local.ip, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	if (sendmsg(fd, &mh, 0) < 0) {
		u->tx_errors++;
		return -errno;
	}
	return 0;
}

static int udp_send(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len)
{
	static const uint8_t marker[IKEV2_NON_ESP_MARKER_LEN];
	struct iovec iov[2] = { { (void *)marker, sizeof(marker) }, { (void *)buf, len } };

	return natt ? udp_sendv(arg, p, true, iov, 2) : udp_sendv(arg, p, false, iov + 1, 1);
}

static int udp_keepalive(void *arg, const struct ikev2_path *p)
{
	uint8_t ff = 0xff;
	struct iovec iov = { &ff, 1 };

	return udp_sendv(arg, p, true, &iov, 1);
}

/* The kernel's choice of source for remote (a connected UDP socket). */
static int udp_source(void *arg, const char *ifname, const struct ikev2_addr *remote, struct ikev2_addr *local)
{
	struct ikev2_udp *u = arg;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd, rc = 0;

	(void)ifname;
	if (remote->af == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(remote->port ? remote->port : IKEV2_PORT);
		memcpy(&s->sin_addr, remote->ip, 4);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(remote->port ? remote->port : IKEV2_PORT);
		memcpy(&s->sin6_addr, remote->ip, 16);
		sl = sizeof(*s);
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		rc = -errno;
	close(fd);
	if (rc < 0)
		return rc;
	memset(local, 0, sizeof(*local));
	local->af = remote->af;
	local->port = u->port;
	if (remote->af == 4)
		memcpy(local->ip, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(local->ip, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	return udp_find(u, remote->af, false) < 0 ? -EAFNOSUPPORT : 0;
}

const struct ikev2_net_ops ikev2_udp_ops = { udp_send, udp_keepalive, udp_source };

/*
 * The dataplane's punt/inject channel: unix datagram sockets in the run
 * directory, one Envelope{PuntPacket} per datagram (proto/ipsecgw.proto).
 * The dataplane punts UDP 500 and UDP 4500 carrying the non-ESP marker,
 * addressed to the gateway, to RUNDIR/ike-punt.sock (bound here); what the
 * IKE daemon sends goes to RUNDIR/punt.sock (bound by the dataplane), which
 * routes it. When the dataplane is not running, sends fail with -ENOENT or
 * -ECONNREFUSED and the retransmission timers try again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ikev2_transport.h"
#include "instance.h"
#include "log.h"
#include "msg.h"

#define PUNT_BATCH 64

static void punt_on_readable(uv_poll_t *h, int status, int events);

int ikev2_punt_open(struct ikev2_punt *p, uv_loop_t *loop, const char *instance, const struct shm_region *r,
		    uint16_t port, uint16_t natt_port, ikev2_rx_fn *rx, void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->r = r;
	p->port = port;
	p->natt_port = natt_port;
	p->rx = rx;
	p->arg = arg;
	if (gw_socket_path(instance, "ike-punt", p->self, sizeof(p->self)) < 0 ||
	    gw_socket_path(instance, "punt", p->peer, sizeof(p->peer)) < 0) {
		snprintf(err, errlen, "run directory path too long");
		return -ENAMETOOLONG;
	}
	if ((p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p->self);
	unlink(p->self);
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		snprintf(err, errlen, "bind %s: %s", p->self, strerror(errno));
		close(p->fd);
		p->fd = -1;
		return rc;
	}
	chmod(p->self, 0660);
	uv_poll_init(loop, &p->poll, p->fd);
	p->poll.data = p;
	uv_poll_start(&p->poll, UV_READABLE, punt_on_readable);
	return 0;
}

void ikev2_punt_close(struct ikev2_punt *p)
{
	if (p->fd < 0)
		return;
	uv_poll_stop(&p->poll);
	uv_close((uv_handle_t *)&p->poll, NULL);
	close(p->fd);
	unlink(p->self);
	p->fd = -1;
}

static int punt_addr(const ProtobufCBinaryData *b, uint32_t port, struct ikev2_addr *a)
{
	if ((b->len != 4 && b->len != 16) || port > 65535)
		return -1;
	memset(a, 0, sizeof(*a));
	a->af = b->len == 4 ? 4 : 6;
	memcpy(a->ip, b->data, b->len);
	a->port = (uint16_t)port;
	return 0;
}

static void punt_one(struct ikev2_punt *p, const uint8_t *buf, size_t len)
{
	gw_env *env = msg_decode(buf, len);
	const Ipsecgw__V1__PuntPacket *k;
	struct ikev2_path path;
	size_t skip = 0;
	bool natt;

	if (!env || env->body_case != IPSECGW__V1__ENVELOPE__BODY_PUNT || !(k = env->punt) ||
	    punt_addr(&k->dst, k->dst_port, &path.local) < 0 || punt_addr(&k->src, k->src_port, &path.remote) < 0 ||
	    path.local.af != path.remote.af) {
		p->rx_dropped++;
		goto out;
	}
	natt = k->dst_port == p->natt_port;
	if (natt && !ikev2_net_natt_strip(k->payload.data, k->payload.len, &skip)) {
		p->rx_dropped++;
		goto out;
	}
	p->rx(p->arg, &path, natt, k->payload.data + skip, k->payload.len - skip);
out:
	msg_free(env);
}

static void punt_on_readable(uv_poll_t *h, int status, int events)
{
	static uint8_t buf[IKEV2_RX_MAX + 512];
	struct ikev2_punt *p = h->data;

	(void)events;
	if (status < 0)
		return;
	for (int n = 0; n < PUNT_BATCH; n++) {
		ssize_t len = recv(p->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return;
		punt_one(p, buf, (size_t)len);
	}
}

static int punt_inject(struct ikev2_punt *p, const struct ikev2_path *path, bool natt, const uint8_t *payload,
		       size_t len)
{
	Ipsecgw__V1__PuntPacket k = IPSECGW__V1__PUNT_PACKET__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t al = ikev2_addr_len(&path->remote), n;
	uint8_t *buf;
	int rc = 0;

	k.src = (ProtobufCBinaryData){ al, (uint8_t *)path->local.ip };
	k.dst = (ProtobufCBinaryData){ al, (uint8_t *)path->remote.ip };
	k.src_port = natt ? p->natt_port : p->port;
	k.dst_port = path->remote.port;
	k.payload = (ProtobufCBinaryData){ len, (uint8_t *)payload };
	env.api_version = GW_API_VERSION;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PUNT;
	env.punt = &k;
	n = ipsecgw__v1__envelope__get_packed_size(&env);
	if (!(buf = malloc(n)))
		return -ENOMEM;
	ipsecgw__v1__envelope__pack(&env, buf);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p->peer);
	if (sendto(p->fd, buf, n, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		p->tx_errors++;
	}
	free(buf);
	return rc;
}

static int punt_send(void *arg, const struct ikev2_path *path, bool natt, const uint8_t *buf, size_t len)
{
	uint8_t *m;
	int rc;

	if (!natt)
		return punt_inject(arg, path, false, buf, len);
	if (!(m = malloc(len + IKEV2_NON_ESP_MARKER_LEN)))
		return -ENOMEM;
	memset(m, 0, IKEV2_NON_ESP_MARKER_LEN);
	memcpy(m + IKEV2_NON_ESP_MARKER_LEN, buf, len);
	rc = punt_inject(arg, path, true, m, len + IKEV2_NON_ESP_MARKER_LEN);
	free(m);
	return rc;
}

static int punt_keepalive(void *arg, const struct ikev2_path *path)
{
	static const uint8_t ff = 0xff;

	return punt_inject(arg, path, true, &ff, 1);
}

/* The first address of the profile's responder interface (of remote's
 * family) in the region; without an interface name, any address. */
static int punt_source(void *arg, const char *ifname, const struct ikev2_addr *remote, struct ikev2_addr *local)
{
	struct ikev2_punt *p = arg;
	int32_t want = -1;

	for (uint32_t i = 0; ifname && *ifname && i < shm_capacity(p->r, SHM_T_IFC); i++) {
		struct shm_ifc f;
		if (shm_rec_read(shm_rec(p->r, SHM_T_IFC, i), &f, sizeof(f)) &&
		    strncmp(f.name, ifname, sizeof(f.name)) == 0) {
			want = f.unnumbered >= 0 ? f.unnumbered : (int32_t)i;
			break;
		}
	}
	for (uint32_t i = 0; i < shm_capacity(p->r, SHM_T_ADDR); i++) {
		struct shm_addr a;
		if (!shm_rec_read(shm_rec(p->r, SHM_T_ADDR, i), &a, sizeof(a)) || a.af != remote->af ||
		    (want >= 0 && a.ifc != want))
			continue;
		memset(local, 0, sizeof(*local));
		local->af = a.af;
		memcpy(local->ip, a.addr, 16);
		local->port = p->port;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

const struct ikev2_net_ops ikev2_punt_ops = { punt_send, punt_keepalive, punt_source };

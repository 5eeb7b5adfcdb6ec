/* Clients of the dataplane: ping and the IKE punt channel. See dp_client.h. */
#include "dp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "instance.h"
#include "msg.h"

#define DP_CLIENT_DGRAM_MAX (72u * 1024u)

int dp_client_ping(const char *instance, const Ipsecgw__V1__Ping *req, int slack_ms, dp_client_ping_fn *fn,
		   void *arg, struct dp_client_ping_stats *st, char *err, size_t errlen)
{
	Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
	char ep[300], path[256];
	void *ctx = NULL, *sock = NULL;
	int linger = 0, rc;
	struct stat sb;
	uint32_t interval = req->has_interval_ms ? req->interval_ms : 1000;
	uint32_t timeout = req->has_timeout_ms ? req->timeout_ms : 1000;
	int wait_ms = (int)(interval > timeout ? interval : timeout) + slack_ms;

	memset(st, 0, sizeof(*st));
	if (gw_socket_path(instance, "dataplane", path, sizeof(path)) < 0 ||
	    gw_endpoint(instance, "dataplane", ep, sizeof(ep)) < 0) {
		snprintf(err, errlen, "instance name too long for a socket path");
		return -ENAMETOOLONG;
	}
	if (stat(path, &sb) < 0) {
		rc = -errno;
		snprintf(err, errlen, "dataplane not running (%s: %s)", path, strerror(errno));
		return rc;
	}
	if (!(ctx = zmq_ctx_new()) || !(sock = zmq_socket(ctx, ZMQ_DEALER))) {
		rc = -ENOMEM;
		snprintf(err, errlen, "zmq: %s", zmq_strerror(zmq_errno()));
		goto out;
	}
	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger));
	if (zmq_connect(sock, ep) < 0) {
		rc = -zmq_errno();
		snprintf(err, errlen, "connect %s: %s", ep, zmq_strerror(zmq_errno()));
		goto out;
	}
	env.api_version = GW_API_VERSION;
	env.request_id = 1;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PING;
	env.ping = (Ipsecgw__V1__Ping *)req;
	if ((rc = msg_send(sock, &env, 0)) < 0) {
		snprintf(err, errlen, "send: %s", strerror(-rc));
		goto out;
	}
	for (;;) {
		zmq_pollitem_t pi = { .socket = sock, .events = ZMQ_POLLIN };
		gw_env *r;
		int n = zmq_poll(&pi, 1, wait_ms);
		if (n <= 0) {
			rc = n < 0 ? -zmq_errno() : -ETIMEDOUT;
			snprintf(err, errlen, "no answer from the dataplane");
			goto out;
		}
		if (!(r = msg_recv(sock, ZMQ_DONTWAIT, &rc)))
			continue;
		if (r->request_id != 1) {
			msg_free(r);
			continue;
		}
		if (r->body_case == IPSECGW__V1__ENVELOPE__BODY_PING_RESULT) {
			st->sent++;
			st->received += r->ping_result->received;
			if (fn)
				fn(arg, r->ping_result);
			msg_free(r);
			continue;
		}
		if (r->body_case == IPSECGW__V1__ENVELOPE__BODY_REPLY) {
			rc = 0;
			if (r->reply->code != IPSECGW__V1__ERROR_CODE__OK) {
				const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
					&ipsecgw__v1__error_code__descriptor, r->reply->code);
				snprintf(err, errlen, "%s: %s", v ? v->name : "ERROR",
					 r->reply->message ? r->reply->message : "");
				rc = -EREMOTEIO;
			}
			msg_free(r);
			goto out;
		}
		msg_free(r);
	}
out:
	if (sock)
		zmq_close(sock);
	if (ctx)
		zmq_ctx_term(ctx);
	return rc;
}

void dp_client_ping_print(FILE *out, const Ipsecgw__V1__PingResult *r)
{
	char a[INET6_ADDRSTRLEN] = "?";
	uint64_t us;

	if (!r->received || !r->has_from)
		return;
	inet_ntop(r->from.len == 4 ? AF_INET : AF_INET6, r->from.data, a, sizeof(a));
	/* VPP's format prints time=.1456 for 0.1456 (no leading zero). */
	us = (r->rtt_ns + 50) / 100; /* tenths of a microsecond = 1e-4 ms */
	if (us < 10000)
		fprintf(out, "%u bytes from %s: icmp_seq=%u ttl=%u time=.%04u ms\n", r->bytes, a, r->seq, r->ttl,
			(unsigned)us);
	else
		fprintf(out, "%u bytes from %s: icmp_seq=%u ttl=%u time=%llu.%04u ms\n", r->bytes, a, r->seq, r->ttl,
			(unsigned long long)(us / 10000), (unsigned)(us % 10000));
}

void dp_client_ping_print_stats(FILE *out, const struct dp_client_ping_stats *st)
{
	unsigned loss = st->sent ? (unsigned)((st->sent - st->received) * 100u / st->sent) : 0;

	fprintf(out, "\nStatistics: %u sent, %u received, %u%% packet loss\n", st->sent, st->received, loss);
}

static void print_cb(void *arg, const Ipsecgw__V1__PingResult *r)
{
	dp_client_ping_print(arg, r);
	fflush(arg);
}

int dp_client_ping_run(FILE *out, const char *instance, const uint8_t *addr, size_t addr_len,
		       const char *source, uint32_t repeat, uint32_t size, char *err, size_t errlen)
{
	Ipsecgw__V1__Ping req = IPSECGW__V1__PING__INIT;
	struct dp_client_ping_stats st;
	int rc;

	req.addr.data = (uint8_t *)addr;
	req.addr.len = addr_len;
	req.source = source && *source ? (char *)source : NULL;
	req.has_repeat = 1;
	req.repeat = repeat ? repeat : 5;
	req.has_size = 1;
	req.size = size;
	if ((rc = dp_client_ping(instance, &req, 2000, print_cb, out, &st, err, errlen)) < 0)
		return rc;
	dp_client_ping_print_stats(out, &st);
	return st.received ? 0 : 1;
}

/* ---- the IKE punt channel ------------------------------------------------ */

static int sock_addr(struct sockaddr_un *a, const char *instance, const char *which)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	return gw_socket_path(instance, which, a->sun_path, sizeof(a->sun_path));
}

int dp_client_punt_open(struct dp_client_punt *p, const char *instance)
{
	int sz = 4 << 20, rc;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (sock_addr(&p->self, instance, "ike-punt") < 0 || sock_addr(&p->dp, instance, "punt") < 0)
		return -ENAMETOOLONG;
	if ((p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	unlink(p->self.sun_path);
	if (bind(p->fd, (struct sockaddr *)&p->self, sizeof(p->self)) < 0) {
		rc = -errno;
		close(p->fd);
		p->fd = -1;
		return rc;
	}
	chmod(p->self.sun_path, 0660);
	return 0;
}

void dp_client_punt_close(struct dp_client_punt *p)
{
	if (p->fd >= 0) {
		close(p->fd);
		unlink(p->self.sun_path);
	}
	p->fd = -1;
}

int dp_client_punt_recv(struct dp_client_punt *p, int timeout_ms, Ipsecgw__V1__PuntPacket **out)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	uint8_t *buf;
	ssize_t n;
	gw_env *env;
	int rc;

	*out = NULL;
	if ((rc = poll(&pfd, 1, timeout_ms)) <= 0)
		return rc < 0 ? -errno : -ETIMEDOUT;
	if (!(buf = malloc(DP_CLIENT_DGRAM_MAX)))
		return -ENOMEM;
	n = recv(p->fd, buf, DP_CLIENT_DGRAM_MAX, 0);
	if (n < 0) {
		rc = -errno;
		free(buf);
		return rc;
	}
	env = msg_decode(buf, (size_t)n);
	free(buf);
	if (!env || env->body_case != IPSECGW__V1__ENVELOPE__BODY_PUNT) {
		msg_free(env);
		return -EBADMSG;
	}
	*out = env->punt;
	env->punt = NULL;
	env->body_case = IPSECGW__V1__ENVELOPE__BODY__NOT_SET;
	msg_free(env);
	return 0;
}

int dp_client_punt_send(struct dp_client_punt *p, const Ipsecgw__V1__PuntPacket *pkt)
{
	Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
	size_t n;
	uint8_t *buf;
	int rc = 0;

	env.api_version = GW_API_VERSION;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PUNT;
	env.punt = (Ipsecgw__V1__PuntPacket *)pkt;
	n = ipsecgw__v1__envelope__get_packed_size(&env);
	if (!(buf = malloc(n)))
		return -ENOMEM;
	ipsecgw__v1__envelope__pack(&env, buf);
	if (sendto(p->fd, buf, n, 0, (struct sockaddr *)&p->dp, sizeof(p->dp)) < 0)
		rc = -errno;
	free(buf);
	return rc;
}

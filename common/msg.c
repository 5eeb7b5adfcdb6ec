#include "msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include "instance.h"

int msg_send(void *sock, const gw_env *env, int flags)
{
	size_t len = ipsecgw__v1__envelope__get_packed_size(env);
	uint8_t stackbuf[4096];
	uint8_t *buf = len <= sizeof(stackbuf) ? stackbuf : malloc(len);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	ipsecgw__v1__envelope__pack(env, buf);
	if (zmq_send(sock, buf, len, flags) < 0)
		rc = -zmq_errno();
	/* Requests carry keys (SaAdd, SaSetKey, IKE auth data): wipe the copy. */
	explicit_bzero(buf, len);
	if (buf != stackbuf)
		free(buf);
	return rc;
}

gw_env *msg_decode(const uint8_t *buf, size_t len)
{
	return ipsecgw__v1__envelope__unpack(NULL, len, buf);
}

gw_env *msg_recv(void *sock, int flags, int *rc)
{
	zmq_msg_t m;
	gw_env *env;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, sock, flags) < 0) {
		*rc = -zmq_errno();
		zmq_msg_close(&m);
		return NULL;
	}
	if (zmq_msg_size(&m) > GW_MAX_MSG) {
		*rc = -EMSGSIZE;
		zmq_msg_close(&m);
		return NULL;
	}
	env = msg_decode(zmq_msg_data(&m), zmq_msg_size(&m));
	zmq_msg_close(&m);
	*rc = env ? 0 : -EBADMSG;
	return env;
}

void msg_free(gw_env *env)
{
	if (env)
		ipsecgw__v1__envelope__free_unpacked(env, NULL);
}

int gw_client_open(struct gw_client *c, const char *instance, int timeout_ms)
{
	return gw_client_open_sock(c, instance, "config", timeout_ms);
}

int gw_client_open_sock(struct gw_client *c, const char *instance, const char *which, int timeout_ms)
{
	char ep[300], path[256];
	struct stat st;
	int linger = 0;

	memset(c, 0, sizeof(*c));
	if (gw_socket_path(instance, which, path, sizeof(path)) < 0 ||
	    gw_endpoint(instance, which, ep, sizeof(ep)) < 0)
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return -errno;
	c->ctx = zmq_ctx_new();
	if (!c->ctx)
		return -ENOMEM;
	c->sock = zmq_socket(c->ctx, ZMQ_DEALER);
	if (!c->sock) {
		zmq_ctx_term(c->ctx);
		return -ENOMEM;
	}
	zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger));
	if (zmq_connect(c->sock, ep) < 0) {
		int rc = -zmq_errno();
		gw_client_close(c);
		return rc;
	}
	c->timeout_ms = timeout_ms;
	c->next_id = 1;
	return 0;
}

void gw_client_close(struct gw_client *c)
{
	if (c->sock)
		zmq_close(c->sock);
	if (c->ctx)
		zmq_ctx_term(c->ctx);
	c->sock = c->ctx = NULL;
}

gw_env *gw_client_call(struct gw_client *c, gw_env *req, int *rc)
{
	uint64_t id = c->next_id++;
	zmq_pollitem_t pi = { .socket = c->sock, .events = ZMQ_POLLIN };

	req->api_version = GW_API_VERSION;
	req->request_id = id;
	if ((*rc = msg_send(c->sock, req, 0)) < 0)
		return NULL;
	for (;;) {
		int n = zmq_poll(&pi, 1, c->timeout_ms);
		if (n < 0) {
			*rc = -zmq_errno();
			return NULL;
		}
		if (n == 0) {
			*rc = -ETIMEDOUT;
			return NULL;
		}
		gw_env *rep = msg_recv(c->sock, ZMQ_DONTWAIT, rc);
		if (!rep)
			return NULL;
		if (rep->request_id == id && rep->body_case == IPSECGW__V1__ENVELOPE__BODY_REPLY)
			return rep;
		msg_free(rep); /* a late reply to an earlier, timed-out request */
	}
}

/* The dataplane's ROUTER socket; see dp_api.h. ZMQ_FD is edge-triggered:
 * after every wake-up and every send, drain while ZMQ_EVENTS says POLLIN. */
#include "dp_api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "dp_ping.h"
#include "instance.h"
#include "log.h"

#define API_BATCH 64

struct dp_api {
	struct dp_ctl *c;
	void *zctx, *router;
	uv_poll_t poll;
	char path[256];
	int draining;
};

static void api_drain(struct dp_api *a);

int dp_api_send(struct dp_api *a, const void *id, size_t idlen, const gw_env *env)
{
	size_t n = ipsecgw__v1__envelope__get_packed_size(env);
	uint8_t *buf = malloc(n ? n : 1);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	ipsecgw__v1__envelope__pack(env, buf);
	if (zmq_send(a->router, id, idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(a->router, buf, n, ZMQ_DONTWAIT) < 0)
		rc = -zmq_errno();
	free(buf);
	api_drain(a); /* a send may have consumed the edge */
	return rc;
}

int dp_api_reply(struct dp_api *a, const void *id, size_t idlen, uint64_t request_id, int code, const char *fmt,
		 ...)
{
	Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
	Ipsecgw__V1__Reply rep = IPSECGW__V1__REPLY__INIT;
	char msg[256] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep.code = (Ipsecgw__V1__ErrorCode)code;
	if (msg[0])
		rep.message = msg;
	env.api_version = GW_API_VERSION;
	env.request_id = request_id;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_REPLY;
	env.reply = &rep;
	return dp_api_send(a, id, idlen, &env);
}

static void api_one(struct dp_api *a, const uint8_t *id, size_t idlen, const uint8_t *p, size_t n)
{
	gw_env *env = msg_decode(p, n);

	if (!env) {
		dp_api_reply(a, id, idlen, 0, IPSECGW__V1__ERROR_CODE__MALFORMED, "not an Envelope");
		return;
	}
	if (env->api_version != GW_API_VERSION) {
		dp_api_reply(a, id, idlen, env->request_id, IPSECGW__V1__ERROR_CODE__UNSUPPORTED_VERSION,
			     "api_version %u, this dataplane speaks %u", env->api_version, GW_API_VERSION);
		msg_free(env);
		return;
	}
	switch (env->body_case) {
	case IPSECGW__V1__ENVELOPE__BODY_PING: dp_ping_start(a->c, id, idlen, env->request_id, env->ping); break;
	default:
		dp_api_reply(a, id, idlen, env->request_id, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT,
			     "the dataplane serves ping only; configuration goes to the config service");
		break;
	}
	msg_free(env);
}

/* One multipart message: [identity][optional empty][payload]. */
static int api_recv(struct dp_api *a)
{
	zmq_msg_t f[3];
	int n = 0, more;

	do {
		zmq_msg_t junk, *m = n < 3 ? &f[n] : &junk;
		zmq_msg_init(m);
		if (zmq_msg_recv(m, a->router, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(m);
			for (int k = 0; k < n && k < 3; k++)
				zmq_msg_close(&f[k]);
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &junk)
			zmq_msg_close(m);
		else
			n++;
	} while (more);
	if (n >= 2 && zmq_msg_size(&f[0]) <= DP_API_ID_MAX) {
		zmq_msg_t *pl = &f[n - 1];
		api_one(a, zmq_msg_data(&f[0]), zmq_msg_size(&f[0]), zmq_msg_data(pl), zmq_msg_size(pl));
	}
	for (int k = 0; k < n; k++)
		zmq_msg_close(&f[k]);
	return 0;
}

static void api_drain(struct dp_api *a)
{
	int ev;
	size_t len = sizeof(ev);

	if (a->draining)
		return; /* a reply sent from inside the loop below */
	a->draining = 1;
	for (int k = 0; k < API_BATCH * 16; k++) {
		if (zmq_getsockopt(a->router, ZMQ_EVENTS, &ev, &len) < 0 || !(ev & ZMQ_POLLIN))
			break;
		if (api_recv(a) < 0)
			break;
	}
	a->draining = 0;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	api_drain(h->data);
}

struct dp_api *dp_api_open(struct dp_ctl *c, uv_loop_t *loop, char *err, size_t errlen)
{
	struct dp_api *a = calloc(1, sizeof(*a));
	char ep[300];
	int fd, linger = 0;
	size_t len = sizeof(fd);

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->c = c;
	if (gw_endpoint(c->instance, DP_API_SOCK, ep, sizeof(ep)) < 0 ||
	    gw_socket_path(c->instance, DP_API_SOCK, a->path, sizeof(a->path)) < 0) {
		snprintf(err, errlen, "dataplane socket path too long");
		free(a);
		return NULL;
	}
	a->zctx = zmq_ctx_new();
	a->router = a->zctx ? zmq_socket(a->zctx, ZMQ_ROUTER) : NULL;
	if (!a->router) {
		snprintf(err, errlen, "zmq: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	zmq_setsockopt(a->router, ZMQ_LINGER, &linger, sizeof(linger));
	if ((fd = gw_rundir_ensure(c->instance)) < 0) {
		snprintf(err, errlen, "runtime directory of instance '%s': %s", c->instance, strerror(-fd));
		goto fail;
	}
	unlink(a->path);
	if (zmq_bind(a->router, ep) < 0) {
		snprintf(err, errlen, "bind %s: %s", ep, zmq_strerror(zmq_errno()));
		goto fail;
	}
	chmod(a->path, 0660);
	zmq_getsockopt(a->router, ZMQ_FD, &fd, &len);
	uv_poll_init(loop, &a->poll, fd);
	a->poll.data = a;
	uv_poll_start(&a->poll, UV_READABLE, on_poll);
	return a;

fail:
	if (a->router)
		zmq_close(a->router);
	if (a->zctx)
		zmq_ctx_term(a->zctx);
	free(a);
	return NULL;
}

static void on_closed(uv_handle_t *h)
{
	struct dp_api *a = h->data;

	zmq_close(a->router);
	zmq_ctx_term(a->zctx);
	free(a);
}

void dp_api_close(struct dp_api *a)
{
	if (!a)
		return;
	unlink(a->path);
	uv_poll_stop(&a->poll);
	uv_close((uv_handle_t *)&a->poll, on_closed);
}

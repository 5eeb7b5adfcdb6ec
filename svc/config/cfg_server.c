/* The API server: one libuv loop, the ROUTER socket watched through ZMQ_FD,
 * SIGTERM/SIGINT for a clean stop.
 *
 * ZMQ_FD is edge-triggered: it signals that the socket's state may have
 * changed, not that a message waits. So every wake-up (and every send,
 * which can consume the edge) is followed by draining while ZMQ_EVENTS
 * reports ZMQ_POLLIN; a long queue is drained in batches from an idle
 * handle so that signals are still seen. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

#include "cfg_priv.h"
#include "log.h"

#define SERVER_BATCH 256
#define SERVER_MAX_FRAMES 3     /* identity, [empty delimiter], payload */

struct cfg_server {
	uv_loop_t loop;
	uv_poll_t poll;
	uv_idle_t idle;
	uv_signal_t sigterm, sigint;
	void *router;
	struct cfg *cfg;
};

static void cfg_server_on_idle(uv_idle_t *h);

static void cfg_server_send(void *sock, const void *id, size_t idlen, int delim, const void *p, size_t n)
{
	if (zmq_send(sock, id, idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    (delim && zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) ||
	    zmq_send(sock, p, n, ZMQ_DONTWAIT) < 0)
		gw_debug("reply dropped: %s", zmq_strerror(zmq_errno()));
}

/* Receive one multipart message and answer it. 0, or -1 if nothing could
 * be received. */
static int cfg_server_one(struct cfg_server *s)
{
	zmq_msg_t f[SERVER_MAX_FRAMES];
	int n = 0, extra = 0, more;
	uint8_t *out = NULL;
	size_t len;

	do {
		zmq_msg_t *m, junk;
		m = n < SERVER_MAX_FRAMES ? &f[n] : &junk;
		zmq_msg_init(m);
		if (zmq_msg_recv(m, s->router, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(m);
			for (int k = 0; k < n; k++)
				zmq_msg_close(&f[k]);
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &junk) {
			zmq_msg_close(m);
			extra = 1;
		} else {
			n++;
		}
	} while (more);

	int delim = n == 3 && zmq_msg_size(&f[1]) == 0;
	if (n < 2 || extra || (n == 3 && !delim)) {
		/* Not [identity][payload] nor [identity][][payload]. */
		cfg_reply *rep = cfg_reply_new();
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "envelope",
			       "a request is one frame (after an optional empty delimiter), got %d",
			       n - 1 + extra);
		len = cfg_pack(0, rep, &out);
		cfg_reply_free(rep);
	} else {
		zmq_msg_t *p = &f[n - 1];
		len = cfg_handle(s->cfg, zmq_msg_data(p), zmq_msg_size(p), &out);
	}
	cfg_server_send(s->router, zmq_msg_data(&f[0]), zmq_msg_size(&f[0]), delim, out, len);
	explicit_bzero(out, len); /* a dump with_keys */
	free(out);
	for (int k = 0; k < n; k++)
		zmq_msg_close(&f[k]);
	return 0;
}

static void cfg_server_drain(struct cfg_server *s)
{
	for (int k = 0; k < SERVER_BATCH; k++) {
		uint32_t ev = 0;
		size_t sz = sizeof(ev);
		if (zmq_getsockopt(s->router, ZMQ_EVENTS, &ev, &sz) < 0 || !(ev & ZMQ_POLLIN)) {
			uv_idle_stop(&s->idle);
			return;
		}
		if (cfg_server_one(s) < 0 && zmq_errno() != EAGAIN)
			gw_warn("receive: %s", zmq_strerror(zmq_errno()));
	}
	uv_idle_start(&s->idle, cfg_server_on_idle); /* more queued: continue next turn */
}

static void cfg_server_on_idle(uv_idle_t *h)
{
	cfg_server_drain(h->data);
}

static void cfg_server_on_poll(uv_poll_t *h, int status, int events)
{
	(void)events;
	if (status < 0)
		gw_warn("poll: %s", uv_strerror(status));
	cfg_server_drain(h->data);
}

static void cfg_server_on_signal(uv_signal_t *h, int signum)
{
	struct cfg_server *s = h->data;

	gw_info("signal %d: stopping", signum);
	uv_stop(&s->loop);
}

static void cfg_server_close_cb(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int cfg_server_run(struct cfg *c, void *router, void (*ready)(void *), void *arg)
{
	struct cfg_server *s = calloc(1, sizeof(*s));
	int fd, rc;
	size_t sz = sizeof(fd);

	if (!s)
		return -ENOMEM;
	s->router = router;
	s->cfg = c;
	if ((rc = uv_loop_init(&s->loop)) < 0)
		goto out_free;
	if (zmq_getsockopt(router, ZMQ_FD, &fd, &sz) < 0) {
		rc = -zmq_errno();
		goto out_loop;
	}
	uv_poll_init(&s->loop, &s->poll, fd);
	uv_idle_init(&s->loop, &s->idle);
	uv_signal_init(&s->loop, &s->sigterm);
	uv_signal_init(&s->loop, &s->sigint);
	s->poll.data = s->idle.data = s->sigterm.data = s->sigint.data = s;
	uv_poll_start(&s->poll, UV_READABLE, cfg_server_on_poll);
	uv_signal_start(&s->sigterm, cfg_server_on_signal, SIGTERM);
	uv_signal_start(&s->sigint, cfg_server_on_signal, SIGINT);
	if (ready)
		ready(arg);
	cfg_server_drain(s); /* requests that arrived before the poll started */
	rc = uv_run(&s->loop, UV_RUN_DEFAULT);
	rc = 0;
	uv_walk(&s->loop, cfg_server_close_cb, NULL);
	uv_run(&s->loop, UV_RUN_DEFAULT);
out_loop:
	uv_loop_close(&s->loop);
out_free:
	free(s);
	return rc;
}

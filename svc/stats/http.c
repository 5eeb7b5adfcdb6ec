/* HTTP over libmicrohttpd, polled from a libuv loop. */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "log.h"

#define HTTP_CONN_LIMIT 32u
#define HTTP_PER_IP_LIMIT 8u
#define HTTP_CONN_TIMEOUT_S 10u

struct http {
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t timer;
	http_handler_fn *fn;
	void *ctx;
	int handles;                    /* libuv handles not yet closed */
	char last_log[256];
};

static void http_pump(struct http *h);

static void on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	http_pump(p->data);
}

static void on_timer(uv_timer_t *t)
{
	http_pump(t->data);
}

/* Lets MHD do whatever is due, then arms the timer for its next deadline. */
static void http_pump(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG to;

	MHD_run(h->d);
	if (MHD_get_timeout(h->d, &to) == MHD_YES)
		uv_timer_start(&h->timer, on_timer, (uint64_t)to, 0);
	else
		uv_timer_stop(&h->timer);
}

__attribute__((format(printf, 2, 0)))
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	size_t n;

	vsnprintf(h->last_log, sizeof(h->last_log), fmt, ap);
	n = strlen(h->last_log);
	while (n && (h->last_log[n - 1] == '\n' || h->last_log[n - 1] == '\r'))
		h->last_log[--n] = '\0';
	gw_warn("http: %s", h->last_log);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **req_cls)
{
	struct http *h = cls;
	struct http_reply rep = { .status = 500, .content_type = "text/plain; charset=utf-8" };
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (!*req_cls) {
		/* First call: headers only. Replying later lets MHD keep the
		 * connection alive. */
		*req_cls = h;
		return MHD_YES;
	}
	if (*upload_size) {
		/* No route takes a request body: discard it. */
		*upload_size = 0;
		return MHD_YES;
	}
	h->fn(h->ctx, method, url, &rep);
	if (rep.body)
		resp = MHD_create_response_from_buffer(rep.len, rep.body, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(rep.body);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep.content_type) != MHD_YES ||
	    (rep.allow && MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep.allow) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, rep.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_close(uv_handle_t *handle)
{
	struct http *h = handle->data;

	if (--h->handles == 0)
		free(h);
}

struct http *http_open(uv_loop_t *loop, const struct sockaddr *sa, http_handler_fn *fn,
		       void *ctx, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct http *h;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) != MHD_YES) {
		snprintf(err, errlen, "libmicrohttpd was built without epoll support");
		return NULL;
	}
	if (!(h = calloc(1, sizeof(*h)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->fn = fn;
	h->ctx = ctx;
	if (sa->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
				MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_CONNECTION_LIMIT, HTTP_CONN_LIMIT,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_PER_IP_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, HTTP_CONN_TIMEOUT_S,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errlen, "cannot listen for HTTP: %s",
			 h->last_log[0] ? h->last_log : "unknown error");
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || uv_poll_init(loop, &h->poll, info->epoll_fd) != 0) {
		snprintf(err, errlen, "cannot watch the HTTP server's epoll descriptor");
		MHD_stop_daemon(h->d);
		free(h);
		return NULL;
	}
	uv_timer_init(loop, &h->timer);
	h->poll.data = h;
	h->timer.data = h;
	h->handles = 2;
	uv_poll_start(&h->poll, UV_READABLE, on_poll);
	http_pump(h);
	return h;
}

uint16_t http_port(const struct http *h)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

void http_close(struct http *h)
{
	if (!h)
		return;
	/* uv_close stops watching the epoll descriptor at once, before MHD closes it. */
	uv_close((uv_handle_t *)&h->poll, on_close);
	uv_close((uv_handle_t *)&h->timer, on_close);
	MHD_stop_daemon(h->d);
	h->d = NULL;
}

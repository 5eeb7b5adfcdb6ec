/*
 * A small HTTP server (libmicrohttpd) driven by a libuv loop: MHD runs in
 * "external polling" epoll mode, its epoll descriptor is watched by a
 * uv_poll handle and its timeouts by a uv_timer, so request handlers run on
 * the loop's thread, with no locking against the rest of the process.
 *
 * Constructors return a pointer or NULL (reason in err); ownership of a
 * reply body passes to this module (adopted, freed with free()).
 */
#ifndef IPSECGW_STATS_HTTP_H
#define IPSECGW_STATS_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

struct http_reply {
	unsigned status;
	const char *content_type;       /* borrowed; must be a static string */
	char *body;                     /* adopted; NULL for an empty body */
	size_t len;
	const char *allow;              /* "Allow:" header value, or NULL */
};

/* Called on the loop thread for every request; fills in rep. */
typedef void http_handler_fn(void *ctx, const char *method, const char *path,
			     struct http_reply *rep);

struct http;

/* Listens on sa (IPv4 or IPv6). */
struct http *http_open(uv_loop_t *loop, const struct sockaddr *sa, http_handler_fn *fn,
		       void *ctx, char *err, size_t errlen);
/* The port actually bound (useful when asked for port 0). */
uint16_t http_port(const struct http *h);
/* Stops listening and drops open connections. Memory is released once the
 * loop has closed the handles; h must not be used after the call. NULL ok. */
void http_close(struct http *h);

#endif

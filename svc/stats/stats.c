/* ipsecgw-stats: options, region lifecycle, HTTP routes. */
#include "stats.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <systemd/sd-daemon.h>

#include "http.h"
#include "instance.h"
#include "log.h"
#include "metrics.h"
#include "region.h"

struct stats {
	uv_timer_t tick;                /* attach retry, then region checks */
	struct http *http;
	char instance[SHM_NAME_MAX];
	char path[512];                 /* the region file */
	struct shm_region r;
	int attached;
	char why[256];                  /* why the region is not attached */
};

/* ---- options ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecgw-stats [--instance NAME] [--listen ADDR:PORT] [--log-level N]\n"
		"  --instance NAME     gateway instance (default \"%s\")\n"
		"  --listen ADDR:PORT  HTTP address, numeric: A.B.C.D:PORT or [IPV6]:PORT\n"
		"                      (default %s)\n"
		"  --log-level N       syslog level 3 (errors) .. 7 (debug), default 6\n"
		"Serves Prometheus metrics on /metrics.\n",
		GW_DEFAULT_INSTANCE, STATS_DEFAULT_LISTEN);
}

int stats_parse_listen(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port;
	char *end;
	unsigned long p;
	size_t hl;
	int v6 = s[0] == '[';

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':') {
			snprintf(err, errlen, "listen address '%s': expected [IPV6]:PORT", s);
			return -EINVAL;
		}
		hl = (size_t)(rb - s - 1);
		port = rb + 2;
		s++;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon) {
			snprintf(err, errlen, "listen address '%s': expected ADDR:PORT", s);
			return -EINVAL;
		}
		hl = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(err, errlen, "listen address: bad host part");
		return -EINVAL;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535 || port[0] == '-' || port[0] == '+') {
		snprintf(err, errlen, "listen address: bad port '%s'", port);
		return -EINVAL;
	}
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
			snprintf(err, errlen, "listen address: '%s' is not a numeric IPv6 address", host);
			return -EINVAL;
		}
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
			snprintf(err, errlen,
				 "listen address: '%s' is not a numeric IPv4 address "
				 "(write IPv6 as [ADDR]:PORT)", host);
			return -EINVAL;
		}
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
	}
	return 0;
}

int stats_opts_parse(struct stats_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = STATS_DEFAULT_LISTEN;
	char err[256];
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->instance = GW_DEFAULT_INSTANCE;
	o->log_level = GW_LOG_INFO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:l:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 'l': listen = optarg; break;
		case 'v':
			o->log_level = (int)strtol(optarg, &end, 10);
			if (*end || o->log_level < GW_LOG_ERR || o->log_level > GW_LOG_DEBUG) {
				fprintf(stderr, "ipsecgw-stats: --log-level wants 3..7\n");
				return -EINVAL;
			}
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (gw_instance_valid(o->instance) < 0) {
		fprintf(stderr, "ipsecgw-stats: bad instance name (1..31 of [A-Za-z0-9_-])\n");
		return -EINVAL;
	}
	if (stats_parse_listen(listen, &o->listen, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipsecgw-stats: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

/* ---- the region ---------------------------------------------------------------- */

static void set_waiting(struct stats *s, const char *why)
{
	if (strcmp(s->why, why) == 0)
		return; /* said already */
	snprintf(s->why, sizeof(s->why), "%s", why);
	gw_info("waiting for the region of instance '%s': %s", s->instance, why);
	sd_notifyf(0, "STATUS=waiting for the region of instance %s", s->instance);
}

static void try_attach(struct stats *s)
{
	char err[256] = "";

	if (shm_region_attach(&s->r, s->instance, 0, err, sizeof(err)) < 0) {
		set_waiting(s, err);
		return;
	}
	s->attached = 1;
	s->why[0] = '\0';
	gw_info("attached %s read-only (generation %llu)", s->path,
		(unsigned long long)atomic_load(&s->r.hdr->generation));
	sd_notifyf(0, "STATUS=serving metrics of instance %s", s->instance);
}

/* Still the region the config service maintains? Checked before every
 * scrape and on every tick: a file that changed size would fault on access,
 * one that was removed or replaced (created again with --reset) is stale. */
static int region_current(struct stats *s, char *err, size_t errlen)
{
	struct stat mapped, named;

	if (fstat(s->r.fd, &mapped) < 0 || (size_t)mapped.st_size != s->r.size) {
		snprintf(err, errlen, "%.200s changed size", s->path);
		return 0;
	}
	if (stat(s->path, &named) < 0 || named.st_ino != mapped.st_ino ||
	    named.st_dev != mapped.st_dev) {
		snprintf(err, errlen, "%.200s was removed or replaced", s->path);
		return 0;
	}
	return shm_header_check(s->r.hdr, s->r.size, err, errlen) == 0;
}

static void region_refresh(struct stats *s)
{
	char err[256];

	if (s->attached && !region_current(s, err, sizeof(err))) {
		gw_warn("detaching: %s", err);
		shm_region_detach(&s->r);
		s->attached = 0;
		set_waiting(s, err);
	}
	if (!s->attached)
		try_attach(s);
}

static void on_tick(uv_timer_t *t)
{
	region_refresh(t->data);
}

/* ---- HTTP routes ---------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void reply_text(struct http_reply *rep, unsigned status, const char *type,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	rep->status = status;
	rep->content_type = type;
	va_start(ap, fmt);
	n = vasprintf(&rep->body, fmt, ap);
	va_end(ap);
	if (n < 0) {
		rep->body = NULL;
		rep->len = 0;
		rep->status = 500;
		return;
	}
	rep->len = (size_t)n;
}

static void serve_metrics(struct stats *s, struct http_reply *rep)
{
	struct metrics_buf b;

	region_refresh(s);
	if (!s->attached) {
		reply_text(rep, 503, "text/plain; charset=utf-8",
			   "the shared region of instance '%s' is not available: %s\n", s->instance,
			   s->why);
		return;
	}
	metrics_buf_init(&b);
	if (metrics_render(&s->r, &b) < 0) {
		metrics_buf_free(&b);
		reply_text(rep, 500, "text/plain; charset=utf-8", "out of memory\n");
		return;
	}
	rep->status = 200;
	rep->content_type = METRICS_CONTENT_TYPE;
	rep->len = b.len;
	rep->body = metrics_buf_take(&b);
	if (!rep->body)
		reply_text(rep, 500, "text/plain; charset=utf-8", "out of memory\n");
}

static void on_request(void *ctx, const char *method, const char *path, struct http_reply *rep)
{
	struct stats *s = ctx;
	int is_metrics = strcmp(path, "/metrics") == 0;

	if (!is_metrics && strcmp(path, "/") != 0) {
		reply_text(rep, 404, "text/plain; charset=utf-8", "not found; metrics are at /metrics\n");
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		reply_text(rep, 405, "text/plain; charset=utf-8", "method not allowed\n");
		rep->allow = "GET, HEAD";
	} else if (is_metrics) {
		serve_metrics(s, rep);
	} else {
		/* The instance name is [A-Za-z0-9_-]: nothing to escape. */
		reply_text(rep, 200, "text/html; charset=utf-8",
			   "<!DOCTYPE html>\n<html><head><title>ipsecgw-stats</title></head>\n"
			   "<body><h1>ipsecgw-stats</h1><p>Instance %s. "
			   "Prometheus metrics: <a href=\"/metrics\">/metrics</a></p></body></html>\n",
			   s->instance);
	}
	gw_debug("%s %s: %u (%zu bytes)", method, path, rep->status, rep->len);
}

/* ---- lifecycle ---------------------------------------------------------------- */

/* "A.B.C.D:PORT" or "[IPV6]:PORT" */
static void format_addr(const struct sockaddr_storage *ss, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, port);
	}
}

struct stats *stats_start(uv_loop_t *loop, const struct stats_opts *o, char *err, size_t errlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&o->listen;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&o->listen;
	char addr[INET6_ADDRSTRLEN + 8], why[256];
	struct stats *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->r.fd = -1;
	snprintf(s->instance, sizeof(s->instance), "%s", o->instance);
	if (shm_region_path(s->instance, s->path, sizeof(s->path)) < 0) {
		snprintf(err, errlen, "region path too long");
		free(s);
		return NULL;
	}
	format_addr(&o->listen, ntohs(o->listen.ss_family == AF_INET6 ? sin6->sin6_port : sin->sin_port),
		    addr, sizeof(addr));
	s->http = http_open(loop, (const struct sockaddr *)&o->listen, on_request, s, why, sizeof(why));
	if (!s->http) {
		snprintf(err, errlen, "%s: %s", addr, why);
		free(s);
		return NULL;
	}
	format_addr(&o->listen, http_port(s->http), addr, sizeof(addr));
	gw_info("listening on %s, instance '%s'", addr, s->instance);
	uv_timer_init(loop, &s->tick);
	s->tick.data = s;
	try_attach(s);
	uv_timer_start(&s->tick, on_tick, STATS_ATTACH_RETRY_MS, STATS_ATTACH_RETRY_MS);
	sd_notify(0, "READY=1");
	return s;
}

static void on_tick_closed(uv_handle_t *h)
{
	struct stats *s = h->data;

	if (s->attached)
		shm_region_detach(&s->r);
	free(s);
}

void stats_stop(struct stats *s)
{
	if (!s)
		return;
	sd_notify(0, "STOPPING=1");
	http_close(s->http);
	s->http = NULL;
	uv_close((uv_handle_t *)&s->tick, on_tick_closed);
}

/* ipsecgw-ikev2 skeleton: region attach, process entry, readiness. */
#include "ikev2d.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "instance.h"
#include "log.h"
#include "proc.h"
#include "region.h"

struct ikev2d {
	uv_timer_t retry;
	uv_loop_t *loop;
	char instance[SHM_NAME_MAX];
	struct shm_region r;
	int attached;
	int registered;
	uint64_t deadline_ms;           /* loop time; 0 = none */
	char why[256];                  /* last reason the region was not attached */
	ikev2d_failed_fn *failed;
	void *arg;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecgw-ikev2 [--instance NAME] [--attach-timeout SECONDS] "
		"[--log-level N]\n"
		"  --instance NAME           gateway instance (default \"%s\")\n"
		"  --attach-timeout SECONDS  wait this long for the shared region, 0 = forever\n"
		"                            (default %u)\n"
		"  --log-level N             syslog level 3 (errors) .. 7 (debug), default 6\n",
		GW_DEFAULT_INSTANCE, IKEV2D_ATTACH_TIMEOUT_S);
}

int ikev2d_opts_parse(struct ikev2d_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "attach-timeout", required_argument, NULL, 't' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->instance = GW_DEFAULT_INSTANCE;
	o->attach_timeout_s = IKEV2D_ATTACH_TIMEOUT_S;
	o->log_level = GW_LOG_INFO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || errno || v > 86400 || optarg[0] == '-') {
				fprintf(stderr, "ipsecgw-ikev2: --attach-timeout wants 0..86400\n");
				return -EINVAL;
			}
			o->attach_timeout_s = (unsigned)v;
			break;
		case 'v':
			o->log_level = (int)strtol(optarg, &end, 10);
			if (*end || o->log_level < GW_LOG_ERR || o->log_level > GW_LOG_DEBUG) {
				fprintf(stderr, "ipsecgw-ikev2: --log-level wants 3..7\n");
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
		fprintf(stderr, "ipsecgw-ikev2: bad instance name (1..31 of [A-Za-z0-9_-])\n");
		return -EINVAL;
	}
	return 0;
}

static void fail(struct ikev2d *ike)
{
	uv_timer_stop(&ike->retry);
	ike->failed(ike->arg);
}

/* Attached: claim our process entry and report ready. */
static void ikev2d_ready(struct ikev2d *ike)
{
	struct shm_proc *p = &ike->r.hdr->procs[SHM_PROC_IKEV2];
	int rc = shm_proc_begin(&ike->r, SHM_PROC_IKEV2);

	if (rc == -EBUSY) {
		gw_err("another ipsecgw-ikev2 (pid %d) runs instance '%s'",
		       (int)atomic_load(&p->pid), ike->instance);
		fail(ike);
		return;
	}
	ike->registered = 1;
	shm_proc_set_ready(&ike->r, SHM_PROC_IKEV2, 1);
	gw_info("ready: instance '%s', pid %d, restarts %llu", ike->instance, (int)getpid(),
		(unsigned long long)atomic_load(&p->restarts));
	sd_notifyf(0, "READY=1\nSTATUS=running instance %s", ike->instance);
}

static void try_attach(struct ikev2d *ike)
{
	char err[256] = "";

	if (shm_region_attach(&ike->r, ike->instance, 1, err, sizeof(err)) == 0) {
		ike->attached = 1;
		uv_timer_stop(&ike->retry);
		ikev2d_ready(ike);
		return;
	}
	if (strcmp(err, ike->why) != 0) {
		snprintf(ike->why, sizeof(ike->why), "%s", err);
		gw_info("waiting for the region: %s", err);
		sd_notifyf(0, "STATUS=waiting for the region of instance %s", ike->instance);
	}
	if (ike->deadline_ms && uv_now(ike->loop) >= ike->deadline_ms) {
		gw_err("no usable region for instance '%s' in time: %s", ike->instance, ike->why);
		fail(ike);
	}
}

static void on_retry(uv_timer_t *t)
{
	try_attach(t->data);
}

struct ikev2d *ikev2d_start(uv_loop_t *loop, const struct ikev2d_opts *o,
			    ikev2d_failed_fn *failed, void *arg, char *err, size_t errlen)
{
	struct ikev2d *ike = calloc(1, sizeof(*ike));

	if (!ike) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ike->loop = loop;
	ike->failed = failed;
	ike->arg = arg;
	ike->r.fd = -1;
	snprintf(ike->instance, sizeof(ike->instance), "%s", o->instance);
	if (o->attach_timeout_s)
		ike->deadline_ms = uv_now(loop) + (uint64_t)o->attach_timeout_s * 1000u;
	uv_timer_init(loop, &ike->retry);
	ike->retry.data = ike;
	/* First try on the loop's first turn: `failed` is never called from here. */
	uv_timer_start(&ike->retry, on_retry, 0, IKEV2D_ATTACH_RETRY_MS);
	return ike;
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

void ikev2d_stop(struct ikev2d *ike)
{
	if (!ike)
		return;
	sd_notify(0, "STOPPING=1");
	if (ike->registered)
		shm_proc_end(&ike->r, SHM_PROC_IKEV2);
	if (ike->attached)
		shm_region_detach(&ike->r);
	ike->attached = ike->registered = 0;
	uv_close((uv_handle_t *)&ike->retry, on_closed);
}

/* ipsecgw-dataplane skeleton: region attach, process entry, readiness. */
#include "dataplane.h"

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

struct dataplane {
	uv_timer_t retry;
	uv_loop_t *loop;
	char instance[SHM_NAME_MAX];
	struct shm_region r;
	int attached;
	int registered;
	uint64_t deadline_ms;           /* loop time; 0 = none */
	char why[256];                  /* last reason the region was not attached */
	dataplane_failed_fn *failed;
	void *arg;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecgw-dataplane [--instance NAME] [--attach-timeout SECONDS] "
		"[--log-level N]\n"
		"  --instance NAME           gateway instance (default \"%s\")\n"
		"  --attach-timeout SECONDS  wait this long for the shared region, 0 = forever\n"
		"                            (default %u)\n"
		"  --log-level N             syslog level 3 (errors) .. 7 (debug), default 6\n",
		GW_DEFAULT_INSTANCE, DATAPLANE_ATTACH_TIMEOUT_S);
}

int dataplane_opts_parse(struct dataplane_opts *o, int argc, char **argv)
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
	o->attach_timeout_s = DATAPLANE_ATTACH_TIMEOUT_S;
	o->log_level = GW_LOG_INFO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || errno || v > 86400 || optarg[0] == '-') {
				fprintf(stderr, "ipsecgw-dataplane: --attach-timeout wants 0..86400\n");
				return -EINVAL;
			}
			o->attach_timeout_s = (unsigned)v;
			break;
		case 'v':
			o->log_level = (int)strtol(optarg, &end, 10);
			if (*end || o->log_level < GW_LOG_ERR || o->log_level > GW_LOG_DEBUG) {
				fprintf(stderr, "ipsecgw-dataplane: --log-level wants 3..7\n");
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
		fprintf(stderr, "ipsecgw-dataplane: bad instance name (1..31 of [A-Za-z0-9_-])\n");
		return -EINVAL;
	}
	return 0;
}

static void fail(struct dataplane *dp)
{
	uv_timer_stop(&dp->retry);
	dp->failed(dp->arg);
}

/* Attached: claim our process entry and report ready. */
static void dataplane_ready(struct dataplane *dp)
{
	struct shm_proc *p = &dp->r.hdr->procs[SHM_PROC_DATAPLANE];
	int rc = shm_proc_begin(&dp->r, SHM_PROC_DATAPLANE);

	if (rc == -EBUSY) {
		gw_err("another ipsecgw-dataplane (pid %d) runs instance '%s'",
		       (int)atomic_load(&p->pid), dp->instance);
		fail(dp);
		return;
	}
	dp->registered = 1;
	shm_proc_set_ready(&dp->r, SHM_PROC_DATAPLANE, 1);
	gw_info("ready: instance '%s', pid %d, restarts %llu", dp->instance, (int)getpid(),
		(unsigned long long)atomic_load(&p->restarts));
	sd_notifyf(0, "READY=1\nSTATUS=running instance %s", dp->instance);
}

static void try_attach(struct dataplane *dp)
{
	char err[256] = "";

	if (shm_region_attach(&dp->r, dp->instance, 1, err, sizeof(err)) == 0) {
		dp->attached = 1;
		uv_timer_stop(&dp->retry);
		dataplane_ready(dp);
		return;
	}
	if (strcmp(err, dp->why) != 0) {
		snprintf(dp->why, sizeof(dp->why), "%s", err);
		gw_info("waiting for the region: %s", err);
		sd_notifyf(0, "STATUS=waiting for the region of instance %s", dp->instance);
	}
	if (dp->deadline_ms && uv_now(dp->loop) >= dp->deadline_ms) {
		gw_err("no usable region for instance '%s' in time: %s", dp->instance, dp->why);
		fail(dp);
	}
}

static void on_retry(uv_timer_t *t)
{
	try_attach(t->data);
}

struct dataplane *dataplane_start(uv_loop_t *loop, const struct dataplane_opts *o,
				  dataplane_failed_fn *failed, void *arg, char *err, size_t errlen)
{
	struct dataplane *dp = calloc(1, sizeof(*dp));

	if (!dp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dp->loop = loop;
	dp->failed = failed;
	dp->arg = arg;
	dp->r.fd = -1;
	snprintf(dp->instance, sizeof(dp->instance), "%s", o->instance);
	if (o->attach_timeout_s)
		dp->deadline_ms = uv_now(loop) + (uint64_t)o->attach_timeout_s * 1000u;
	uv_timer_init(loop, &dp->retry);
	dp->retry.data = dp;
	/* First try on the loop's first turn: `failed` is never called from here. */
	uv_timer_start(&dp->retry, on_retry, 0, DATAPLANE_ATTACH_RETRY_MS);
	return dp;
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

void dataplane_stop(struct dataplane *dp)
{
	if (!dp)
		return;
	sd_notify(0, "STOPPING=1");
	if (dp->registered)
		shm_proc_end(&dp->r, SHM_PROC_DATAPLANE);
	if (dp->attached)
		shm_region_detach(&dp->r);
	dp->attached = dp->registered = 0;
	uv_close((uv_handle_t *)&dp->retry, on_closed);
}

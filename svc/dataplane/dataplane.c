/* ipsecgw-dataplane: options, EAL, region attach, the control thread's
 * timers, worker launch and shutdown. See dataplane.h. */
#include "dataplane.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <systemd/sd-daemon.h>

#include "dp_api.h"
#include "dp_ctl.h"
#include "dp_esp.h"
#include "dp_eal.h"
#include "dp_neigh.h"
#include "dp_ping.h"
#include "dp_port.h"
#include "dp_punt.h"
#include "dp_worker.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "region.h"

#define DP_FAST_MS 1            /* punt rings, snapshot rebuilds, reclaim */
#define DP_SLOW_MS 1000         /* neighbor aging and retries, link state */
#define DP_MBUF_CACHE 256
#define DP_MAIN_TURNS 64        /* polls per libuv turn when the main lcore polls */

struct dataplane {
	uv_loop_t *loop;
	uv_timer_t retry, fast, slow, wake;
	uv_idle_t poll;                 /* the main lcore polls when there are no workers */
	struct dp_ctl c;
	struct shm_region r;
	int attached, registered, launched, eal;
	int last_rc;                    /* of the last snapshot update */
	uint64_t deadline_ms;
	char why[256];
	dataplane_failed_fn *failed;
	void *arg;
	int closing;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecgw-dataplane [--instance NAME] [--eal \"EAL ARGS\"] [--attach-timeout S]\n"
		"                         [--neigh-age S] [--icmp-rate N] [--idle-us N] [--mbufs N]\n"
		"                         [--log-level N]\n"
		"  --instance NAME       gateway instance (default \"%s\")\n"
		"  --eal ARGS            DPDK EAL arguments (default \"%s\": the main lcore runs the\n"
		"                        control thread, every other lcore a worker; \"-l 0\" makes\n"
		"                        the main lcore poll too). --file-prefix ipsecgw-NAME,\n"
		"                        --proc-type=primary and --base-virtaddr=0x200000000000\n"
		"                        are added unless given.\n"
		"  --attach-timeout S    wait this long for the shared region, 0 = forever (default %u)\n"
		"  --neigh-age S         learned neighbors expire after S seconds without\n"
		"                        confirmation, 0 = never (default %u)\n"
		"  --icmp-rate N         ICMP errors per second per worker (default %u)\n"
		"  --idle-us N           an idle poller sleeps N microseconds, 0 = busy-poll (default %u)\n"
		"  --mbufs N             packet buffers (default %u)\n"
		"  --log-level N         syslog level 3 (errors) .. 7 (debug), default 6\n",
		GW_DEFAULT_INSTANCE, DATAPLANE_EAL_DEFAULT, DATAPLANE_ATTACH_TIMEOUT_S, DATAPLANE_NEIGH_AGE_S,
		DATAPLANE_ICMP_RATE, DATAPLANE_IDLE_US, DATAPLANE_MBUFS);
}

static int parse_uint(const char *opt, const char *s, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || !*s || errno || v > max || s[0] == '-') {
		fprintf(stderr, "ipsecgw-dataplane: --%s wants 0..%lu\n", opt, max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

int dataplane_opts_parse(struct dataplane_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "attach-timeout", required_argument, NULL, 't' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "eal", required_argument, NULL, 'e' },
		{ "neigh-age", required_argument, NULL, 'a' },
		{ "icmp-rate", required_argument, NULL, 'r' },
		{ "idle-us", required_argument, NULL, 'u' },
		{ "mbufs", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned v;
	int c;

	memset(o, 0, sizeof(*o));
	o->instance = GW_DEFAULT_INSTANCE;
	o->attach_timeout_s = DATAPLANE_ATTACH_TIMEOUT_S;
	o->log_level = GW_LOG_INFO;
	o->eal = DATAPLANE_EAL_DEFAULT;
	o->neigh_age_s = DATAPLANE_NEIGH_AGE_S;
	o->icmp_rate = DATAPLANE_ICMP_RATE;
	o->idle_us = DATAPLANE_IDLE_US;
	o->mbufs = DATAPLANE_MBUFS;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:v:e:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 't': if (parse_uint("attach-timeout", optarg, 86400, &o->attach_timeout_s)) return -EINVAL; break;
		case 'a': if (parse_uint("neigh-age", optarg, 86400 * 7, &o->neigh_age_s)) return -EINVAL; break;
		case 'r': if (parse_uint("icmp-rate", optarg, 1000000, &o->icmp_rate)) return -EINVAL; break;
		case 'u': if (parse_uint("idle-us", optarg, 1000000, &o->idle_us)) return -EINVAL; break;
		case 'm':
			if (parse_uint("mbufs", optarg, 1u << 22, &o->mbufs) || o->mbufs < 1024) {
				fprintf(stderr, "ipsecgw-dataplane: --mbufs wants 1024..%u\n", 1u << 22);
				return -EINVAL;
			}
			break;
		case 'e': o->eal = optarg; break;
		case 'v':
			if (parse_uint("log-level", optarg, GW_LOG_DEBUG, &v) || v < GW_LOG_ERR) {
				fprintf(stderr, "ipsecgw-dataplane: --log-level wants 3..7\n");
				return -EINVAL;
			}
			o->log_level = (int)v;
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

/* ---- the control thread's timers ----------------------------------------- */

static void on_fast(uv_timer_t *t)
{
	struct dataplane *dp = t->data;
	int rc;

	dp_punt_drain(&dp->c);
	rc = dp_tables_update(&dp->c, 0);
	if (rc < 0 && rc != dp->last_rc)    /* once per failure, not every millisecond */
		gw_err("configuration not applied: %s (the previous one keeps forwarding)", strerror(-rc));
	dp->last_rc = rc;
	dp_tables_reclaim(&dp->c, 0);
}

static void on_slow(uv_timer_t *t)
{
	struct dataplane *dp = t->data;

	dp_neigh_tick(&dp->c);
	if (dp_port_poll(&dp->c))
		dp->c.dirty = 1;
	for (unsigned i = 0; i < SHM_MAX_IFC; i++)
		if (dp->c.ports[i].in_use && dp->c.ports[i].failed)
			dp->c.dirty = 1; /* retry the port */
}

/* No worker lcores: the main lcore polls between libuv events, and backs
 * off to a timer when idle. */
static void on_wake(uv_timer_t *t);

static void on_poll(uv_idle_t *h)
{
	struct dataplane *dp = h->data;
	struct dp_worker *w = dp->c.w[0];
	unsigned got = 0;

	/* Several turns per loop iteration: a libuv turn costs a syscall. */
	for (int k = 0; k < DP_MAIN_TURNS; k++) {
		unsigned n = dp_worker_poll(w, dp_ctl_fwd(&dp->c));
		got += n;
		if (!n)
			break;
	}
	if (got) {
		w->idle = 0;
		return;
	}
	if (dp->c.o.idle_us && ++w->idle > 256) {
		uv_idle_stop(&dp->poll);
		uv_timer_start(&dp->wake, on_wake, 1, 0);
	}
}

static void on_wake(uv_timer_t *t)
{
	struct dataplane *dp = t->data;

	dp->c.w[0]->idle = 0;
	uv_idle_start(&dp->poll, on_poll);
}

/* ---- start-up ---------------------------------------------------------------- */

static int launch(struct dataplane *dp, char *err, size_t errlen)
{
	struct dp_ctl *c = &dp->c;
	unsigned lcore, w = 0;
	int rc;

	if ((rc = dp_esp_init(c)) < 0) {
		snprintf(err, errlen, "crypto engines: %s", strerror(-rc));
		return rc;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (!(c->w[w] = dp_worker_new(c, w, lcore))) {
			snprintf(err, errlen, "worker %u: %s", w, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		w++;
	}
	if (!c->n_workers && !(c->w[0] = dp_worker_new(c, 0, rte_lcore_id()))) {
		snprintf(err, errlen, "poller: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (!(c->nb = dp_neigh_new()) || !(c->ping = dp_ping_new(c, dp->loop))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dp_neigh_load(c);
	if ((rc = dp_tables_update(c, 1)) < 0) {
		snprintf(err, errlen, "first snapshot: %s", strerror(-rc));
		return rc;
	}
	if (!(c->api = dp_api_open(c, dp->loop, err, errlen)) || !(c->punt = dp_punt_open(c, dp->loop, err, errlen)))
		return -EIO;
	for (unsigned i = 0; i < c->n_workers; i++)
		if ((rc = rte_eal_remote_launch(dp_worker_main, c->w[i], c->w[i]->lcore)) < 0) {
			snprintf(err, errlen, "launch worker %u: %s", i, strerror(-rc));
			return rc;
		}
	dp->launched = 1;
	if (!c->n_workers)
		uv_idle_start(&dp->poll, on_poll);
	uv_timer_start(&dp->fast, on_fast, DP_FAST_MS, DP_FAST_MS);
	uv_timer_start(&dp->slow, on_slow, DP_SLOW_MS, DP_SLOW_MS);
	return 0;
}

/* Attached: claim our process entry, start forwarding, report ready. */
static void dataplane_ready(struct dataplane *dp)
{
	struct shm_proc *p = &dp->r.hdr->procs[SHM_PROC_DATAPLANE];
	struct dp_ctl *c = &dp->c;
	char err[256] = "", dir[256];
	int rc = shm_proc_begin(&dp->r, SHM_PROC_DATAPLANE);

	if (rc == -EBUSY) {
		gw_err("another ipsecgw-dataplane (pid %d) runs instance '%s'", (int)atomic_load(&p->pid),
		       c->instance);
		fail(dp);
		return;
	}
	dp->registered = 1;
	c->r = &dp->r;
	c->k = shm_counters(&dp->r, c->n_workers ? SHM_MAX_WORKERS - 1 : 0);
	if (gw_rundir(c->instance, dir, sizeof(dir)) == 0)
		mkdir(dir, 0750); /* normally the config service made it */
	if (launch(dp, err, sizeof(err)) < 0) {
		gw_err("%s", err);
		fail(dp);
		return;
	}
	shm_proc_set_ready(&dp->r, SHM_PROC_DATAPLANE, 1);
	gw_info("ready: instance '%s', pid %d, %u worker%s, restarts %llu, tsc %llu Hz", c->instance,
		(int)getpid(), c->n_workers, c->n_workers == 1 ? "" : "s",
		(unsigned long long)atomic_load(&p->restarts), (unsigned long long)c->tsc_hz);
	sd_notifyf(0, "READY=1\nSTATUS=running instance %s", c->instance);
}

static void try_attach(struct dataplane *dp)
{
	char err[256] = "";

	if (shm_region_attach(&dp->r, dp->c.instance, 1, err, sizeof(err)) == 0) {
		dp->attached = 1;
		uv_timer_stop(&dp->retry);
		dataplane_ready(dp);
		return;
	}
	if (strcmp(err, dp->why) != 0) {
		snprintf(dp->why, sizeof(dp->why), "%s", err);
		gw_info("waiting for the region: %s", err);
		sd_notifyf(0, "STATUS=waiting for the region of instance %s", dp->c.instance);
	}
	if (dp->deadline_ms && uv_now(dp->loop) >= dp->deadline_ms) {
		gw_err("no usable region for instance '%s' in time: %s", dp->c.instance, dp->why);
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
	struct dp_ctl *c;
	unsigned lcore;
	size_t qs;

	if (!dp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c = &dp->c;
	dp->loop = loop;
	dp->failed = failed;
	dp->arg = arg;
	dp->r.fd = -1;
	snprintf(c->instance, sizeof(c->instance), "%s", o->instance);
	c->o = (struct dp_ctl_opts){ .neigh_age_s = o->neigh_age_s, .icmp_rate = o->icmp_rate,
				     .idle_us = o->idle_us, .mbufs = o->mbufs };
	if (dp_eal_init(o->eal, o->instance, err, errlen) < 0) {
		free(dp);
		return NULL;
	}
	dp->eal = 1;
	RTE_LCORE_FOREACH_WORKER(lcore)
		c->n_workers++;
	if (c->n_workers > DP_MAX_WORKERS) {
		snprintf(err, errlen, "%u worker lcores; at most %u (one counter block is the control thread's)",
			 c->n_workers, DP_MAX_WORKERS);
		goto fail;
	}
	c->n_pollers = c->n_workers ? c->n_workers : 1;
	c->tsc_hz = rte_get_tsc_hz();
	c->pool = rte_pktmbuf_pool_create("dp_mbuf", o->mbufs, DP_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	qs = rte_rcu_qsbr_get_memsize(c->n_pollers);
	c->qsbr = rte_zmalloc("dp_qsbr", qs, RTE_CACHE_LINE_SIZE);
	if (!c->pool || !c->qsbr || rte_rcu_qsbr_init(c->qsbr, c->n_pollers) < 0) {
		snprintf(err, errlen, "mbuf pool / RCU: %s", rte_strerror(rte_errno));
		goto fail;
	}
	if (o->attach_timeout_s)
		dp->deadline_ms = uv_now(loop) + (uint64_t)o->attach_timeout_s * 1000u;
	uv_timer_init(loop, &dp->retry);
	uv_timer_init(loop, &dp->fast);
	uv_timer_init(loop, &dp->slow);
	uv_timer_init(loop, &dp->wake);
	uv_idle_init(loop, &dp->poll);
	dp->retry.data = dp->fast.data = dp->slow.data = dp->wake.data = dp->poll.data = dp;
	/* First try on the loop's first turn: `failed` is never called from here. */
	uv_timer_start(&dp->retry, on_retry, 0, DATAPLANE_ATTACH_RETRY_MS);
	return dp;

fail:
	rte_mempool_free(c->pool);
	rte_free(c->qsbr);
	rte_eal_cleanup();
	free(dp);
	return NULL;
}

static void on_closed(uv_handle_t *h)
{
	struct dataplane *dp = h->data;

	if (--dp->closing == 0)
		free(dp);
}

void dataplane_stop(struct dataplane *dp)
{
	struct dp_ctl *c;
	uv_handle_t *hs[5];

	if (!dp)
		return;
	c = &dp->c;
	sd_notify(0, "STOPPING=1");
	if (dp->registered)
		shm_proc_set_ready(&dp->r, SHM_PROC_DATAPLANE, 0);
	if (dp->launched) {
		for (unsigned i = 0; i < c->n_workers; i++)
			c->w[i]->stop = 1;
		rte_eal_mp_wait_lcore();
	}
	dp_api_close(c->api);
	dp_punt_close(c->punt);
	dp_ping_free(c->ping);
	c->api = NULL;
	c->punt = NULL;
	c->ping = NULL;
	if (c->r)
		dp_port_close_all(c);
	dp_tables_free(c);
	dp_esp_fini(c);
	dp_neigh_free(c->nb);
	c->nb = NULL;
	for (unsigned i = 0; i < DP_MAX_WORKERS; i++) {
		dp_worker_free(c->w[i]);
		c->w[i] = NULL;
	}
	rte_mempool_free(c->pool);
	rte_free(c->qsbr);
	if (dp->eal)
		rte_eal_cleanup();
	if (dp->registered)
		shm_proc_end(&dp->r, SHM_PROC_DATAPLANE);
	if (dp->attached)
		shm_region_detach(&dp->r);
	dp->attached = dp->registered = 0;
	hs[0] = (uv_handle_t *)&dp->retry;
	hs[1] = (uv_handle_t *)&dp->fast;
	hs[2] = (uv_handle_t *)&dp->slow;
	hs[3] = (uv_handle_t *)&dp->wake;
	hs[4] = (uv_handle_t *)&dp->poll;
	dp->closing = 5;
	for (int i = 0; i < 5; i++)
		uv_close(hs[i], on_closed);
}

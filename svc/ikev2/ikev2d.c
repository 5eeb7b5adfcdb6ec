/* ipsecgw-ikev2: options, region, engine, transports, control sockets, timers. */
#include "ikev2d.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "ikev2_ctl.h"
#include "ikev2_install.h"
#include "ikev2_profile.h"
#include "ikev2_transport.h"
#include "ikev2_workers.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "region.h"

struct ikev2d {
	uv_loop_t *loop;
	uv_timer_t retry;               /* region attach */
	uv_timer_t tick;                /* the engine's next deadline */
	uv_timer_t settle;              /* ready after the event subscription settled */
	int closing;
	struct ikev2d_opts o;
	char instance[SHM_NAME_MAX];
	struct shm_region r;
	int attached, registered, transport_open;
	uint64_t deadline_ms;           /* attach deadline, loop time; 0 = none */
	char why[256];
	struct ikev2_engine *e;
	struct ikev2_env env;
	struct ikev2_install_api inst;
	struct ikev2_udp udp;
	struct ikev2_punt punt;
	struct ikev2_ctl *ctl;
	struct ikev2_workers *workers;  /* Diffie-Hellman threads, NULL: on the loop */
	ikev2d_failed_fn *failed;
	void *arg;
};

static void usage(FILE *f)
{
	struct ikev2_cfg d;

	ikev2_cfg_defaults(&d);
	fprintf(f,
		"usage: ipsecgw-ikev2 [--instance NAME] [--attach-timeout SECONDS] [--log-level N]\n"
		"                     [--udp [--listen ADDR]... [--port N]] [--natt-port N]\n"
		"                     [--liveness SECONDS] [--liveness-action clear|restart]\n"
		"                     [--retransmit MS] [--retransmit-tries N]\n"
		"                     [--ike-lifetime SECONDS] [--child-lifetime SECONDS] [--jitter PERCENT]\n"
		"                     [--cookie-threshold N] [--rsa-pss] [--dh-workers N]\n"
		"  --instance NAME           gateway instance (default \"%s\")\n"
		"  --attach-timeout SECONDS  wait this long for the shared region, 0 = forever (default %u)\n"
		"  --log-level N             syslog level 3 (errors) .. 7 (debug), default 6\n"
		"  --udp                     IKE over UDP sockets of this host instead of the dataplane's\n"
		"                            punt/inject channel (standalone use, tests)\n"
		"  --listen ADDR             with --udp: an address to bind (one IPv4, one IPv6;\n"
		"                            default 0.0.0.0 and ::)\n"
		"  --port N, --natt-port N   IKE and NAT-T ports (default 500, 4500)\n"
		"  --liveness SECONDS        idle time before a liveness check, 0 off (default 30);\n"
		"                            `ikev2 set liveness` overrides it\n"
		"  --liveness-action A       when the peer is dead: clear (default) or restart\n"
		"  --retransmit MS           first retransmission timeout, doubled each time (default 2000)\n"
		"  --retransmit-tries N      retransmissions before the peer is dead (default 5)\n"
		"  --ike-lifetime SECONDS    IKE SA rekey time (default 14400)\n"
		"  --child-lifetime SECONDS  child SA lifetime without a profile sa-lifetime (default 3600)\n"
		"  --jitter PERCENT          rekey jitter without a profile jitter (default 10)\n"
		"  --cookie-threshold N      answer IKE_SA_INIT with a COOKIE (RFC 7296 2.6) while N or more\n"
		"                            IKE SAs are half-open; 0 = always (default %u; %u or more = never)\n"
		"  --rsa-pss                 rsa-sig: sign with RSASSA-PSS instead of PKCS#1 v1.5 when the\n"
		"                            peer supports RFC 7427 signatures\n"
		"  --dh-workers N            threads for the Diffie-Hellman of IKE_SA_INIT requests, so the\n"
		"                            event loop goes on meanwhile; 0 = on the loop (default: one per\n"
		"                            CPU online, here %u; at most %u)\n",
		GW_DEFAULT_INSTANCE, IKEV2D_ATTACH_TIMEOUT_S, d.cookie_threshold, d.max_half_open,
		ikev2_workers_default(), IKEV2_WORKERS_MAX);
}

static int num(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end || !*s || errno || *out > max || s[0] == '-') {
		fprintf(stderr, "ipsecgw-ikev2: %s wants 0..%lu\n", opt, max);
		return -EINVAL;
	}
	return 0;
}

int ikev2d_opts_parse(struct ikev2d_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "attach-timeout", required_argument, NULL, 't' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "udp", no_argument, NULL, 'u' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "natt-port", required_argument, NULL, 'n' },
		{ "liveness", required_argument, NULL, 'L' },
		{ "liveness-action", required_argument, NULL, 'A' },
		{ "retransmit", required_argument, NULL, 'r' },
		{ "retransmit-tries", required_argument, NULL, 'R' },
		{ "ike-lifetime", required_argument, NULL, 'I' },
		{ "child-lifetime", required_argument, NULL, 'C' },
		{ "jitter", required_argument, NULL, 'J' },
		{ "cookie-threshold", required_argument, NULL, 'K' },
		{ "rsa-pss", no_argument, NULL, 'P' },
		{ "dh-workers", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c, n_listen = 0;

	memset(o, 0, sizeof(*o));
	o->instance = GW_DEFAULT_INSTANCE;
	o->attach_timeout_s = IKEV2D_ATTACH_TIMEOUT_S;
	o->log_level = GW_LOG_INFO;
	o->port = IKEV2_PORT;
	o->api_timeout_ms = IKEV2D_API_TIMEOUT_MS;
	o->dh_workers = ikev2_workers_default();
	ikev2_cfg_defaults(&o->cfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 't':
			if (num("--attach-timeout", optarg, 86400, &v) < 0)
				return -EINVAL;
			o->attach_timeout_s = (unsigned)v;
			break;
		case 'v':
			o->log_level = (int)strtol(optarg, &end, 10);
			if (*end || o->log_level < GW_LOG_ERR || o->log_level > GW_LOG_DEBUG) {
				fprintf(stderr, "ipsecgw-ikev2: --log-level wants 3..7\n");
				return -EINVAL;
			}
			break;
		case 'u': o->udp = true; break;
		case 'l':
			if (!n_listen++)
				o->listen4 = o->listen6 = NULL;
			if (strchr(optarg, ':'))
				o->listen6 = optarg;
			else
				o->listen4 = optarg;
			break;
		case 'p':
			if (num("--port", optarg, 65535, &v) < 0 || !v)
				return -EINVAL;
			o->port = (uint16_t)v;
			break;
		case 'n':
			if (num("--natt-port", optarg, 65535, &v) < 0 || !v)
				return -EINVAL;
			o->cfg.natt_port = (uint16_t)v;
			break;
		case 'L':
			if (num("--liveness", optarg, 86400, &v) < 0)
				return -EINVAL;
			o->cfg.liveness_s = (unsigned)v;
			break;
		case 'A':
			if (strcmp(optarg, "clear") == 0) {
				o->cfg.liveness_action = IKEV2_LIVENESS_CLEAR;
			} else if (strcmp(optarg, "restart") == 0) {
				o->cfg.liveness_action = IKEV2_LIVENESS_RESTART;
			} else {
				fprintf(stderr, "ipsecgw-ikev2: --liveness-action wants clear or restart\n");
				return -EINVAL;
			}
			break;
		case 'r':
			if (num("--retransmit", optarg, 600000, &v) < 0 || !v)
				return -EINVAL;
			o->cfg.retransmit_ms = (unsigned)v;
			break;
		case 'R':
			if (num("--retransmit-tries", optarg, 100, &v) < 0)
				return -EINVAL;
			o->cfg.retransmit_tries = (unsigned)v;
			break;
		case 'I':
			if (num("--ike-lifetime", optarg, 31536000, &v) < 0)
				return -EINVAL;
			o->cfg.ike_lifetime_s = v;
			break;
		case 'C':
			if (num("--child-lifetime", optarg, 31536000, &v) < 0)
				return -EINVAL;
			o->cfg.child_lifetime_s = v;
			break;
		case 'J':
			if (num("--jitter", optarg, 50, &v) < 0)
				return -EINVAL;
			o->cfg.jitter_pct = (unsigned)v;
			break;
		case 'K':
			if (num("--cookie-threshold", optarg, 1000000, &v) < 0)
				return -EINVAL;
			o->cfg.cookie_threshold = (unsigned)v;
			break;
		case 'P': o->cfg.sig_pss = true; break;
		case 'W':
			if (num("--dh-workers", optarg, IKEV2_WORKERS_MAX, &v) < 0)
				return -EINVAL;
			o->dh_workers = (unsigned)v;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (!n_listen) {
		o->listen4 = "0.0.0.0";
		o->listen6 = "::";
	}
	if (gw_instance_valid(o->instance) < 0) {
		fprintf(stderr, "ipsecgw-ikev2: bad instance name (1..31 of [A-Za-z0-9_-])\n");
		return -EINVAL;
	}
	return 0;
}

static void fail(struct ikev2d *d)
{
	uv_timer_stop(&d->retry);
	d->failed(d->arg);
}

/* ---- the engine's environment ------------------------------------------------------ */

static uint64_t ikev2d_now(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void ikev2d_event(void *arg, enum ikev2_event_kind k, const struct ikev2_sa *sa,
			 const struct ikev2_child *c)
{
	struct ikev2d *d = arg;

	ikev2_ctl_event(d->ctl, k, sa, c);
}

static int ikev2d_profile_next(void *arg, uint32_t *cur, struct shm_profile *out)
{
	return ikev2_profile_region_next(&((struct ikev2d *)arg)->r, cur, out);
}

static int ikev2d_profile_get(void *arg, const char *name, struct shm_profile *out)
{
	return ikev2_profile_region_get(&((struct ikev2d *)arg)->r, name, out);
}

/* `set ikev2 local key FILE`: the region's global record. */
static int ikev2d_local_key_file(void *arg, char *buf, size_t len)
{
	struct ikev2d *d = arg;
	struct shm_global *g = malloc(sizeof(*g));
	int rc = -ENOENT;

	if (!g)
		return -ENOMEM;
	if (shm_rec_read(shm_rec(&d->r, SHM_T_GLOBAL, 0), g, sizeof(*g)) && g->ikev2_local_key[0]) {
		snprintf(buf, len, "%.*s", (int)sizeof(g->ikev2_local_key), g->ikev2_local_key);
		rc = 0;
	}
	free(g);
	return rc;
}

/* `ikev2 set liveness PERIOD MAX-FAILURES`: the region's global record. */
static int ikev2d_liveness(void *arg, unsigned *period_s, unsigned *max_failures)
{
	struct ikev2d *d = arg;
	struct shm_global g;

	if (!shm_rec_read(shm_rec(&d->r, SHM_T_GLOBAL, 0), &g, sizeof(g)) || !g.ikev2_liveness_set)
		return -ENOENT;
	*period_s = g.ikev2_liveness_period;
	*max_failures = g.ikev2_liveness_max_failures;
	return 0;
}

static void on_tick(uv_timer_t *t);
static void ikev2d_rearm(struct ikev2d *d);

/* Diffie-Hellman on the worker threads: the job goes to them (0), or the
 * queue is full and the engine computes it here. */
static int ikev2d_dh_offload(void *arg, struct ikev2_dh_job *j)
{
	struct ikev2d *d = arg;

	return d->workers ? ikev2_workers_submit(d->workers, j) : -ENOTSUP;
}

/* A job is back (loop thread): the engine goes on with its request. */
static void ikev2d_dh_done(void *arg, struct ikev2_dh_job *j)
{
	struct ikev2d *d = arg;

	if (!d->e) {
		ikev2_dh_job_free(j);
		return;
	}
	ikev2_engine_input_dh(d->e, j);
	ikev2d_rearm(d);
}

/* After anything the engine did: wake up at its next deadline. */
static void ikev2d_rearm(struct ikev2d *d)
{
	uint64_t next = ikev2_engine_next_timer(d->e), now = ikev2d_now(d);

	if (d->closing)
		return;
	if (next == UINT64_MAX) {
		uv_timer_stop(&d->tick);
		return;
	}
	uv_timer_start(&d->tick, on_tick, next > now ? next - now : 0, 0);
}

static void on_tick(uv_timer_t *t)
{
	struct ikev2d *d = t->data;

	ikev2_engine_run_timers(d->e);
	ikev2d_rearm(d);
}

static void ikev2d_rx(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len)
{
	struct ikev2d *d = arg;

	ikev2_engine_input(d->e, p, natt, buf, len);
	ikev2d_rearm(d);
}

/* An accepted `ikev2 initiate ...` from the config service's event bus. */
static void ikev2d_initiate(void *arg, const Ipsecgw__V1__Ikev2Initiate *m)
{
	struct ikev2d *d = arg;
	int rc = -EINVAL;

	switch (m->kind) {
	case IPSECGW__V1__IKEV2_INITIATE__KIND__SA_INIT:
		rc = m->profile ? ikev2_engine_initiate(d->e, m->profile) : -EINVAL;
		break;
	case IPSECGW__V1__IKEV2_INITIATE__KIND__DEL_CHILD_SA:
		rc = ikev2_engine_delete_child(d->e, (uint32_t)m->spi);
		break;
	case IPSECGW__V1__IKEV2_INITIATE__KIND__DEL_SA:
		rc = ikev2_engine_delete_ike(d->e, m->spi);
		break;
	case IPSECGW__V1__IKEV2_INITIATE__KIND__REKEY_CHILD_SA:
		rc = ikev2_engine_rekey_child(d->e, (uint32_t)m->spi);
		break;
	default:
		break;
	}
	if (rc < 0)
		gw_warn("ikev2 initiate (kind %d, profile %s, spi %llx): %s", (int)m->kind,
			m->profile ? m->profile : "-", (unsigned long long)m->spi, strerror(-rc));
	ikev2d_rearm(d);
}

/* The global record changed: liveness settings apply from now on. */
static void ikev2d_global(void *arg)
{
	struct ikev2d *d = arg;

	ikev2_engine_liveness_changed(d->e);
	ikev2d_rearm(d);
}

/* ---- start-up ------------------------------------------------------------------------- */

static void on_settled(uv_timer_t *t)
{
	struct ikev2d *d = t->data;
	struct shm_proc *p = &d->r.hdr->procs[SHM_PROC_IKEV2];

	shm_proc_set_ready(&d->r, SHM_PROC_IKEV2, 1);
	gw_info("ready: instance '%s', pid %d, restarts %llu, %s transport", d->instance, (int)getpid(),
		(unsigned long long)atomic_load(&p->restarts), d->o.udp ? "UDP" : "punt/inject");
	sd_notifyf(0, "READY=1\nSTATUS=running instance %s", d->instance);
}

static int ikev2d_open(struct ikev2d *d)
{
	char err[256] = "";
	int rc, n;

	if ((rc = gw_rundir_ensure(d->instance)) < 0) {
		gw_err("runtime directory of instance '%s': %s", d->instance, strerror(-rc));
		return rc;
	}
	ikev2_install_api_init(&d->inst, d->instance, (int)d->o.api_timeout_ms);
	d->inst.r = &d->r;
	d->env = (struct ikev2_env){
		.arg = d, .now_ms = ikev2d_now, .profile_next = ikev2d_profile_next,
		.profile_get = ikev2d_profile_get, .event = ikev2d_event,
		.net = d->o.udp ? &ikev2_udp_ops : &ikev2_punt_ops,
		.net_arg = d->o.udp ? (void *)&d->udp : (void *)&d->punt,
		.inst = &ikev2_install_api_ops, .inst_arg = &d->inst, .region = &d->r,
		.local_key_file = ikev2d_local_key_file, .liveness = ikev2d_liveness,
		.dh_offload = d->o.dh_workers ? ikev2d_dh_offload : NULL,
	};
	if (d->o.dh_workers) {
		if (!(d->workers = ikev2_workers_new(d->loop, d->o.dh_workers, ikev2d_dh_done, d, err, sizeof(err)))) {
			gw_err("%s", err);
			return -ENOMEM;
		}
		gw_info("Diffie-Hellman of IKE_SA_INIT requests on %u threads", d->o.dh_workers);
	}
	if (!(d->e = ikev2_engine_new(&d->env, &d->o.cfg))) {
		gw_err("out of memory");
		return -ENOMEM;
	}
	if (d->o.udp)
		rc = ikev2_udp_open(&d->udp, d->loop, d->o.listen4, d->o.listen6, d->o.port, d->o.cfg.natt_port,
				    ikev2d_rx, d, err, sizeof(err));
	else
		rc = ikev2_punt_open(&d->punt, d->loop, d->instance, &d->r, d->o.port, d->o.cfg.natt_port,
				     ikev2d_rx, d, err, sizeof(err));
	if (rc < 0) {
		gw_err("transport: %s", err);
		return rc;
	}
	d->transport_open = 1;
	if (!(d->ctl = ikev2_ctl_open(d->loop, d->instance, d->e, ikev2d_initiate, ikev2d_global, d, err,
				      sizeof(err)))) {
		gw_err("control sockets: %s", err);
		return -EIO;
	}
	if ((n = ikev2_engine_restore(d->e)) > 0)
		gw_info("continuing %d IKE SAs of the previous run", n);
	ikev2d_rearm(d);
	uv_timer_start(&d->settle, on_settled, IKEV2D_SUB_SETTLE_MS, 0);
	return 0;
}

/* Attached: claim our process entry, then open everything. */
static void ikev2d_attached(struct ikev2d *d)
{
	struct shm_proc *p = &d->r.hdr->procs[SHM_PROC_IKEV2];
	int rc = shm_proc_begin(&d->r, SHM_PROC_IKEV2);

	if (rc == -EBUSY) {
		gw_err("another ipsecgw-ikev2 (pid %d) runs instance '%s'", (int)atomic_load(&p->pid), d->instance);
		fail(d);
		return;
	}
	d->registered = 1;
	if (ikev2d_open(d) < 0)
		fail(d);
}

static void try_attach(struct ikev2d *d)
{
	char err[256] = "";

	if (shm_region_attach(&d->r, d->instance, 1, err, sizeof(err)) == 0) {
		d->attached = 1;
		uv_timer_stop(&d->retry);
		ikev2d_attached(d);
		return;
	}
	if (strcmp(err, d->why) != 0) {
		snprintf(d->why, sizeof(d->why), "%s", err);
		gw_info("waiting for the region: %s", err);
		sd_notifyf(0, "STATUS=waiting for the region of instance %s", d->instance);
	}
	if (d->deadline_ms && uv_now(d->loop) >= d->deadline_ms) {
		gw_err("no usable region for instance '%s' in time: %s", d->instance, d->why);
		fail(d);
	}
}

static void on_retry(uv_timer_t *t)
{
	try_attach(t->data);
}

struct ikev2d *ikev2d_start(uv_loop_t *loop, const struct ikev2d_opts *o, ikev2d_failed_fn *failed,
			    void *arg, char *err, size_t errlen)
{
	struct ikev2d *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->loop = loop;
	d->o = *o;
	d->failed = failed;
	d->arg = arg;
	d->r.fd = -1;
	snprintf(d->instance, sizeof(d->instance), "%s", o->instance);
	if (o->attach_timeout_s)
		d->deadline_ms = uv_now(loop) + (uint64_t)o->attach_timeout_s * 1000u;
	uv_timer_init(loop, &d->retry);
	uv_timer_init(loop, &d->tick);
	uv_timer_init(loop, &d->settle);
	d->retry.data = d->tick.data = d->settle.data = d;
	/* First try on the loop's first turn: `failed` is never called from here. */
	uv_timer_start(&d->retry, on_retry, 0, IKEV2D_ATTACH_RETRY_MS);
	return d;
}

static void on_closed(uv_handle_t *h)
{
	struct ikev2d *d = h->data;

	if (--d->closing == 0)
		free(d);
}

void ikev2d_stop(struct ikev2d *d)
{
	if (!d)
		return;
	sd_notify(0, "STOPPING=1");
	if (d->registered)
		shm_proc_set_ready(&d->r, SHM_PROC_IKEV2, 0);
	ikev2_ctl_close(d->ctl);
	d->ctl = NULL;
	/* Before the engine: no job comes back after this. */
	ikev2_workers_free(d->workers);
	d->workers = NULL;
	if (d->transport_open) {
		if (d->o.udp)
			ikev2_udp_close(&d->udp);
		else
			ikev2_punt_close(&d->punt);
	}
	/* The SAs stay in the region and installed: the next run continues them. */
	ikev2_engine_free(d->e);
	d->e = NULL;
	ikev2_install_api_close(&d->inst);
	if (d->registered)
		shm_proc_end(&d->r, SHM_PROC_IKEV2);
	if (d->attached)
		shm_region_detach(&d->r);
	d->attached = d->registered = 0;
	d->closing = 3;
	uv_close((uv_handle_t *)&d->retry, on_closed);
	uv_close((uv_handle_t *)&d->tick, on_closed);
	uv_close((uv_handle_t *)&d->settle, on_closed);
}

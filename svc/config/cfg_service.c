/* The service's life: runtime directory and lock, region (create, recover,
 * the startup-file decision), sockets, the loop, and a teardown that
 * mirrors the setup.
 *
 * The startup file is applied only to a region this service has not run
 * it on (shm_global.startup_gen == 0: first start, or --reset). After a
 * restart the region is the truth: the file is not applied again (it would
 * duplicate or undo what operators changed since). A start that died while
 * applying it (startup_gen == CFG_STARTUP_RUNNING) served nothing, so the
 * region is discarded and the file applied again from the beginning. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>
#include <zmq.h>

#include "cfg_priv.h"
#include "instance.h"
#include "log.h"
#include "proc.h"

#define CFG_STARTUP_RUNNING UINT64_MAX
#define CFG_DIR_MODE 0750
#define CFG_SOCK_MODE 0660
#define CFG_GROUP "ipsecgw"

/* The ipsecgw group's id, or -1 if the group does not exist. */
static gid_t cfg_service_gid(void)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (getgrnam_r(CFG_GROUP, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return (gid_t)-1;
	return res->gr_gid;
}

/* root:ipsecgw with mode, when the group exists; mode alone otherwise. */
static void cfg_service_own(const char *path, mode_t mode, gid_t gid)
{
	struct stat st;

	if (chmod(path, mode) < 0)
		gw_warn("chmod %s: %s", path, strerror(errno));
	if (gid == (gid_t)-1 || stat(path, &st) < 0 || (st.st_uid == 0 && st.st_gid == gid))
		return;
	if (chown(path, 0, gid) < 0)
		gw_warn("chown %s root:%s: %s", path, CFG_GROUP, strerror(errno));
}

/* mkdir -p; components this creates get mode 0750 and root:ipsecgw. */
static int cfg_service_mkdirs(const char *dir, gid_t gid)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(p, CFG_DIR_MODE) == 0)
			cfg_service_own(p, CFG_DIR_MODE, gid);
		else if (errno != EEXIST) {
			gw_err("mkdir %s: %s", p, strerror(errno));
			return -errno;
		}
		if (!(*s = c))
			break;
	}
	cfg_service_own(dir, CFG_DIR_MODE, gid);
	return 0;
}

/* One config service per instance: an exclusive lock held for life. */
static int cfg_service_lock(const char *rundir, const char *instance)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/config.lock", rundir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0) {
		gw_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		gw_err("another ipsecgw-config serves instance %s (%s is locked)", instance, path);
		close(fd);
		return -1;
	}
	return fd;
}

static int cfg_service_region(const struct cfg_options *o, struct shm_region *r, int discard)
{
	char path[512], err[256];
	int rc;

	if (discard) {
		shm_region_path(o->instance, path, sizeof(path));
		if (unlink(path) == 0)
			gw_log(GW_LOG_NOTICE, "region %s discarded", path);
		else if (errno != ENOENT)
			gw_warn("unlink %s: %s", path, strerror(errno));
	}
	if ((rc = shm_region_create(r, o->instance, 0, err, sizeof(err))) < 0) {
		gw_err("region: %s", err);
		return rc;
	}
	if ((rc = shm_proc_begin(r, SHM_PROC_CONFIG)) < 0) {
		gw_err("region: another ipsecgw-config (pid %d) is running for instance %s",
		       (int)atomic_load(&r->hdr->procs[SHM_PROC_CONFIG].pid), o->instance);
		shm_region_detach(r);
		return rc;
	}
	if ((rc = shm_journal_recover(r)) > 0)
		gw_log(GW_LOG_NOTICE, "journal: finished an interrupted change (%d records)", rc);
	return 0;
}

/* Record the startup file's progress in the region, through the journal:
 * being applied, or done (at the generation of this very commit). */
static void cfg_service_mark(struct shm_region *r, int done)
{
	struct shm_txn tx;
	struct shm_global *g;

	shm_txn_begin(&tx, r);
	g = shm_txn_stage(&tx, SHM_T_GLOBAL, 0);
	g->h.in_use = 1;
	g->startup_gen = done ? atomic_load(&r->hdr->generation) + 1 : CFG_STARTUP_RUNNING;
	shm_txn_commit(&tx);
}

static void *cfg_service_socket(void *zctx, int type, const char *instance, const char *which,
				gid_t gid)
{
	char ep[300], path[256];
	int linger = 0, hwm = type == ZMQ_PUB ? 100000 : 10000;
	int64_t maxmsg = 16 << 20; /* larger frames cost a disconnect, not a reply */
	void *s;

	if (gw_endpoint(instance, which, ep, sizeof(ep)) < 0 ||
	    gw_socket_path(instance, which, path, sizeof(path)) < 0) {
		gw_err("socket path for instance %s is too long", instance);
		return NULL;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		gw_warn("removing stale %s: %s", path, strerror(errno));
	if (!(s = zmq_socket(zctx, type))) {
		gw_err("zmq_socket: %s", zmq_strerror(zmq_errno()));
		return NULL;
	}
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm));
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
	if (type == ZMQ_ROUTER)
		zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
	if (zmq_bind(s, ep) < 0) {
		gw_err("bind %s: %s", ep, zmq_strerror(zmq_errno()));
		zmq_close(s);
		return NULL;
	}
	cfg_service_own(path, CFG_SOCK_MODE, gid);
	return s;
}

static void cfg_service_unlink(const char *instance, const char *which)
{
	char path[256];

	if (gw_socket_path(instance, which, path, sizeof(path)) == 0)
		unlink(path);
}

struct cfg_service_ready {
	struct shm_region *r;
	const char *instance;
};

static void cfg_service_on_ready(void *arg)
{
	struct cfg_service_ready *rd = arg;

	shm_proc_set_ready(rd->r, SHM_PROC_CONFIG, 1);
	sd_notify(0, "READY=1");
	gw_info("serving instance %s (generation %llu)", rd->instance,
		(unsigned long long)atomic_load(&rd->r->hdr->generation));
}

/* Region ready for serving: recovered, startup file applied if it is due.
 * 0, or -1 (logged). */
static int cfg_service_prepare(const struct cfg_options *o, struct shm_region *r, void *pub,
			       struct cfg **cp)
{
	const struct shm_global *g;
	struct cfg *c;

	if (cfg_service_region(o, r, o->reset) < 0)
		return -1;
	g = shm_rec(r, SHM_T_GLOBAL, 0);
	if (g->startup_gen == CFG_STARTUP_RUNNING) {
		gw_warn("a previous start died while applying the startup file: "
			"discarding its region and starting over");
		shm_proc_end(r, SHM_PROC_CONFIG);
		shm_region_detach(r);
		if (cfg_service_region(o, r, 1) < 0)
			return -1;
		g = shm_rec(r, SHM_T_GLOBAL, 0);
	}
	if (!(c = cfg_open(r, pub))) {
		gw_err("out of memory");
		return -1;
	}
	*cp = c;
	if (g->startup_gen != 0) {
		gw_info("region exists (generation %llu): it is the configuration; %s",
			(unsigned long long)atomic_load(&r->hdr->generation),
			o->startup ? "the startup file is not applied again" : "no startup file");
		return 0;
	}
	cfg_service_mark(r, 0);
	if (o->startup && cfg_startup_apply(c, o->startup) < 0)
		return -1;
	cfg_service_mark(r, 1);
	return 0;
}

int cfg_service_run(const struct cfg_options *o)
{
	struct cfg_service_ready rd;
	struct shm_region r = { .fd = -1 };
	char rundir[256];
	struct cfg *c = NULL;
	void *zctx = NULL, *pub = NULL, *router = NULL;
	gid_t gid = cfg_service_gid();
	int lock = -1, status = 1;

	if (gw_instance_valid(o->instance) < 0) {
		gw_err("invalid instance name '%s' ([A-Za-z0-9_-], 1..31 characters)", o->instance);
		return 2;
	}
	if (gw_rundir(o->instance, rundir, sizeof(rundir)) < 0) {
		gw_err("runtime directory for instance %s is too long", o->instance);
		return 2;
	}
	if (cfg_service_mkdirs(rundir, gid) < 0 || (lock = cfg_service_lock(rundir, o->instance)) < 0)
		goto out;
	if (!(zctx = zmq_ctx_new())) {
		gw_err("zmq_ctx_new failed");
		goto out;
	}
	/* Events first: the startup file's changes are events 1..N. */
	if (!(pub = cfg_service_socket(zctx, ZMQ_PUB, o->instance, "events", gid)))
		goto out;
	if (cfg_service_prepare(o, &r, pub, &c) < 0)
		goto out_region;
	if (!(router = cfg_service_socket(zctx, ZMQ_ROUTER, o->instance, "config", gid)))
		goto out_region;
	rd.r = &r;
	rd.instance = o->instance;
	if (cfg_server_run(c, router, cfg_service_on_ready, &rd) == 0)
		status = 0;
	sd_notify(0, "STOPPING=1");
	zmq_close(router);
	cfg_service_unlink(o->instance, "config");
out_region:
	cfg_close(c);
	if (r.base) {
		shm_proc_end(&r, SHM_PROC_CONFIG);
		shm_region_detach(&r);
	}
out:
	if (pub) {
		zmq_close(pub);
		cfg_service_unlink(o->instance, "events");
	}
	if (zctx)
		zmq_ctx_term(zctx);
	if (lock >= 0)
		close(lock);
	gw_info("stopped");
	return status;
}

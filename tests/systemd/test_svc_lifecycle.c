/*
 * ipsecgw-dataplane and ipsecgw-ikev2 as systemd runs them (Type=notify):
 * they wait for the region, claim their procs[] entry (pid, start time,
 * ready), send READY=1, refuse to run twice, count a restart after a crash,
 * give up after --attach-timeout, and exit 0 on SIGTERM/SIGINT with ready
 * and pid cleared.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"
#include "region.h"

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void expect_exit(pid_t pid, int sig, int code, const char *what)
{
	int status = harness_stop(pid, sig, 5000);

	CHECK(status != -1, "%s: still running", what);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == code, "%s: status %#x, expected exit %d",
	      what, status, code);
}

/* Waits until procs[id] names pid with the given ready flag. */
static int wait_entry(struct shm_region *r, enum shm_proc_id id, pid_t pid, unsigned ready,
		      int timeout_ms)
{
	int64_t end = harness_now_ms() + timeout_ms;

	do {
		if (atomic_load(&r->hdr->procs[id].pid) == pid &&
		    atomic_load(&r->hdr->procs[id].ready) == ready)
			return 1;
		harness_sleep_ms(10);
	} while (harness_now_ms() < end);
	return 0;
}

static void run_service(const char *name, enum shm_proc_id id, int notify)
{
	char bin[512], instance[32], path[512], err[256];
	struct shm_region r;
	struct shm_proc *p;
	uint64_t t0;
	pid_t a, b;

	harness_bin(name, bin, sizeof(bin));
	snprintf(instance, sizeof(instance), "lc-%s", shm_proc_name(id));
	CHECK(shm_region_path(instance, path, sizeof(path)) == 0, "path");
	{
		char *argv_short[] = { bin, "--instance", instance, "--attach-timeout", "1", NULL };
		int64_t t = harness_now_ms();

		/* No region, short timeout: gives up with a failure. */
		a = harness_spawn(argv_short);
		expect_exit(a, 0, 1, "attach timeout");
		CHECK(harness_now_ms() - t >= 900, "%s gave up after %lld ms", name,
		      (long long)(harness_now_ms() - t));
	}

	char *argv[] = { bin, "--instance", instance, "--attach-timeout", "20", NULL };

	/* Started before the region: waits, then claims its entry. */
	harness_notify_drain(notify);
	a = harness_spawn(argv);
	harness_sleep_ms(700);
	CHECK(!harness_exited(a, NULL), "%s exited while waiting for the region", name);
	CHECK(shm_region_create(&r, instance, 1, err, sizeof(err)) == 0, "create: %s", err);
	p = &r.hdr->procs[id];
	t0 = realtime_ns();
	CHECK(wait_entry(&r, id, a, 1, 3000), "%s: procs entry pid %d ready %u", name,
	      (int)atomic_load(&p->pid), (unsigned)atomic_load(&p->ready));
	CHECK(harness_notify_wait(notify, "READY=1", 3000), "%s sent no READY=1", name);
	CHECK(atomic_load(&p->restarts) == 0, "restarts %llu",
	      (unsigned long long)atomic_load(&p->restarts));
	CHECK(atomic_load(&p->started_ns) >= t0 - 2000000000ull &&
	      atomic_load(&p->started_ns) <= realtime_ns(), "started_ns");
	CHECK(shm_proc_alive(&r, id), "not alive");

	/* A second copy for the same instance refuses to run. */
	b = harness_spawn(argv);
	expect_exit(b, 0, 1, "second copy");
	CHECK(atomic_load(&p->pid) == a && atomic_load(&p->ready) == 1, "second copy took the entry");

	/* SIGTERM: exit 0, entry released. */
	expect_exit(a, SIGTERM, 0, "SIGTERM");
	CHECK(atomic_load(&p->ready) == 0 && atomic_load(&p->pid) == 0,
	      "%s left ready %u pid %d", name, (unsigned)atomic_load(&p->ready),
	      (int)atomic_load(&p->pid));
	CHECK(!shm_proc_alive(&r, id), "alive after exit");

	/* A clean stop is not a restart; a crash is. */
	a = harness_spawn(argv);
	CHECK(wait_entry(&r, id, a, 1, 3000), "%s did not start again", name);
	CHECK(atomic_load(&p->restarts) == 0, "clean stop counted as a restart");
	harness_stop(a, SIGKILL, 5000);
	CHECK(atomic_load(&p->pid) == a, "a killed process cannot clear its entry");
	b = harness_spawn(argv);
	CHECK(wait_entry(&r, id, b, 1, 3000), "%s did not start after a crash", name);
	CHECK(atomic_load(&p->restarts) == 1, "restarts %llu after a crash",
	      (unsigned long long)atomic_load(&p->restarts));
	expect_exit(b, SIGINT, 0, "SIGINT");
	CHECK(atomic_load(&p->ready) == 0 && atomic_load(&p->pid) == 0, "SIGINT left the entry");

	/* Only procs[id] was written by the service. */
	for (int i = 0; i < SHM_PROC_N; i++)
		CHECK(i == (int)id || atomic_load(&r.hdr->procs[i].pid) == 0, "procs[%d] touched", i);

	shm_region_detach(&r);
	CHECK(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
	printf("%s: ok\n", name);
}

int main(void)
{
	int notify;

	harness_setup();
	notify = harness_notify_open();
	run_service("ipsecgw-dataplane", SHM_PROC_DATAPLANE, notify);
	run_service("ipsecgw-ikev2", SHM_PROC_IKEV2, notify);
	close(notify);
	return 0;
}

/* The region's process table: claim, readiness, release, liveness. */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static const char *const proc_names[SHM_PROC_N] = {
	[SHM_PROC_CONFIG] = "config",
	[SHM_PROC_DATAPLANE] = "dataplane",
	[SHM_PROC_IKEV2] = "ikev2",
	[SHM_PROC_STATS] = "stats",
};

const char *shm_proc_name(enum shm_proc_id id)
{
	return (unsigned)id < SHM_PROC_N ? proc_names[id] : "?";
}

/* EPERM means the process exists but belongs to another user. */
static int pid_alive(int32_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int shm_proc_begin(struct shm_region *r, enum shm_proc_id id)
{
	struct shm_proc *p = &r->hdr->procs[id];
	int32_t self = (int32_t)getpid();
	int32_t prev = atomic_load(&p->pid);
	struct timespec ts;

	/* Compare-and-swap: of two copies starting at once, one wins. */
	do {
		if (prev != 0 && prev != self && pid_alive(prev))
			return -EBUSY;
	} while (!atomic_compare_exchange_weak(&p->pid, &prev, self));
	atomic_store(&p->ready, 0);
	if (prev != 0 && prev != self)
		atomic_fetch_add(&p->restarts, 1);
	clock_gettime(CLOCK_REALTIME, &ts);
	atomic_store(&p->started_ns, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	return 0;
}

void shm_proc_set_ready(struct shm_region *r, enum shm_proc_id id, int ready)
{
	atomic_store(&r->hdr->procs[id].ready, ready ? 1u : 0u);
}

void shm_proc_end(struct shm_region *r, enum shm_proc_id id)
{
	struct shm_proc *p = &r->hdr->procs[id];
	int32_t self = (int32_t)getpid();

	if (atomic_load(&p->pid) != self)
		return; /* not ours (any more): leave it to its owner */
	atomic_store(&p->ready, 0);
	atomic_compare_exchange_strong(&p->pid, &self, 0);
}

int shm_proc_alive(const struct shm_region *r, enum shm_proc_id id)
{
	return pid_alive(atomic_load(&r->hdr->procs[id].pid));
}

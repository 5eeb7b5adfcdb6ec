/*
 * The region's process table (shm_header.procs[]): who is running for an
 * instance. Each entry is written only by the process it names (begin/ready/
 * end below); anyone may read it. Readers judge liveness with kill(pid, 0),
 * so a process that died without shm_proc_end() shows as not running.
 *
 * Error convention: 0 or -errno.
 */
#ifndef IPSECGW_SHM_PROC_H
#define IPSECGW_SHM_PROC_H

#include "region.h"

/* "config", "dataplane", "ikev2", "stats"; "?" out of range. */
const char *shm_proc_name(enum shm_proc_id id);

/* Writer: process `id`. Claims the entry for the calling process: pid,
 * started_ns (CLOCK_REALTIME), ready = 0. If a previous run left its pid
 * (it did not reach shm_proc_end: crashed or was killed), restarts is
 * incremented. Returns -EBUSY, changing nothing, if that previous pid is
 * still a live process (a second copy of the same service). */
int shm_proc_begin(struct shm_region *r, enum shm_proc_id id);
/* Writer: process `id`. Sets or clears the ready flag. */
void shm_proc_set_ready(struct shm_region *r, enum shm_proc_id id, int ready);
/* Writer: process `id`, on a clean exit: ready = 0, pid = 0, if the entry
 * still names the calling process. */
void shm_proc_end(struct shm_region *r, enum shm_proc_id id);

/* Reader: 1 if the entry names a pid and that process exists. */
int shm_proc_alive(const struct shm_region *r, enum shm_proc_id id);

#endif

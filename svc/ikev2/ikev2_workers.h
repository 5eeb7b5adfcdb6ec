/*
 * The daemon's Diffie-Hellman workers (ikev2_workers_*): a few threads that
 * run ikev2_dh_job_run on jobs the engine hands over (env.dh_offload), so the
 * libuv loop keeps handling messages while modular exponentiations run on
 * the other cores. Results come back on the loop thread (a uv_async_t) in
 * the order they finish; the engine and its state machine are only ever
 * touched there. The queue is bounded: submit refuses a job (-EAGAIN) when
 * `max_queued` jobs are submitted and not yet delivered, and the engine then
 * computes it on the loop itself (back-pressure, nothing dropped).
 *
 * Ownership: submitted jobs are ADOPTED; done() gets each one back (ADOPTED
 * by done). ikev2_workers_free joins the threads and frees (wipes) the jobs
 * not delivered; done() is never called after it. The struct itself is
 * released when the loop has closed its async handle.
 * Errors: constructor NULL (reason in err); submit 0 / -EAGAIN.
 */
#ifndef IPSECGW_IKEV2_WORKERS_H
#define IPSECGW_IKEV2_WORKERS_H

#include <stddef.h>

#include <uv.h>

#include "ikev2_dh.h"

#define IKEV2_WORKERS_MAX 64            /* threads */
#define IKEV2_WORKERS_QUEUE_PER 64      /* jobs in the queue per thread */

struct ikev2_workers;

typedef void ikev2_workers_done_fn(void *arg, struct ikev2_dh_job *j);

struct ikev2_workers *ikev2_workers_new(uv_loop_t *loop, unsigned threads, ikev2_workers_done_fn *done,
					void *arg, char *err, size_t errlen);
int ikev2_workers_submit(struct ikev2_workers *w, struct ikev2_dh_job *j);
void ikev2_workers_free(struct ikev2_workers *w);

/* The default number of threads: the CPUs online (at least 1). */
unsigned ikev2_workers_default(void);

#endif

/* Diffie-Hellman worker threads for the daemon (see ikev2_workers.h). */
#include "ikev2_workers.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct job_list {
	struct ikev2_dh_job *head, **tail;
};

struct ikev2_workers {
	uv_async_t async;               /* results are waiting (loop thread) */
	pthread_mutex_t mu;             /* guards everything below */
	pthread_cond_t cv;              /* todo is not empty, or stop */
	struct job_list todo, done;
	unsigned queued;                /* submitted, not yet delivered */
	unsigned max_queued;
	bool stop;
	unsigned n;                     /* threads started */
	pthread_t th[IKEV2_WORKERS_MAX];
	ikev2_workers_done_fn *done_fn;
	void *arg;
};

static void list_init(struct job_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

static void list_push(struct job_list *l, struct ikev2_dh_job *j)
{
	j->next = NULL;
	*l->tail = j;
	l->tail = &j->next;
}

static struct ikev2_dh_job *list_take(struct job_list *l)
{
	struct ikev2_dh_job *j = l->head;

	list_init(l);
	return j;
}

static void list_free(struct ikev2_dh_job *j)
{
	while (j) {
		struct ikev2_dh_job *next = j->next;
		ikev2_dh_job_free(j);
		j = next;
	}
}

static void *worker(void *arg)
{
	struct ikev2_workers *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct ikev2_dh_job *j;
		while (!w->stop && !w->todo.head)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		j = w->todo.head;
		if (!(w->todo.head = j->next))
			w->todo.tail = &w->todo.head;
		pthread_mutex_unlock(&w->mu);
		ikev2_dh_job_run(j);
		pthread_mutex_lock(&w->mu);
		list_push(&w->done, j);
		uv_async_send(&w->async);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Loop thread: hand the finished jobs to done(), in the order they finished. */
static void on_async(uv_async_t *a)
{
	struct ikev2_workers *w = a->data;
	struct ikev2_dh_job *j;

	pthread_mutex_lock(&w->mu);
	j = list_take(&w->done);
	for (const struct ikev2_dh_job *k = j; k; k = k->next)
		w->queued--;
	pthread_mutex_unlock(&w->mu);
	while (j) {
		struct ikev2_dh_job *next = j->next;
		j->next = NULL;
		w->done_fn(w->arg, j);
		j = next;
	}
}

unsigned ikev2_workers_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1u : n > IKEV2_WORKERS_MAX ? IKEV2_WORKERS_MAX : (unsigned)n;
}

static void stop_threads(struct ikev2_workers *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (unsigned i = 0; i < w->n; i++)
		pthread_join(w->th[i], NULL);
	w->n = 0;
}

struct ikev2_workers *ikev2_workers_new(uv_loop_t *loop, unsigned threads, ikev2_workers_done_fn *done,
					void *arg, char *err, size_t errlen)
{
	struct ikev2_workers *w;
	sigset_t all, old;
	int rc;

	if (!threads || threads > IKEV2_WORKERS_MAX || !done) {
		snprintf(err, errlen, "workers: 1..%u threads", IKEV2_WORKERS_MAX);
		return NULL;
	}
	if (!(w = calloc(1, sizeof(*w)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	list_init(&w->todo);
	list_init(&w->done);
	w->max_queued = threads * IKEV2_WORKERS_QUEUE_PER;
	w->done_fn = done;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((rc = uv_async_init(loop, &w->async, on_async)) < 0) {
		snprintf(err, errlen, "workers: %s", uv_strerror(rc));
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	w->async.data = w;
	/* Signals stay with the loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < threads; i++) {
		if ((rc = pthread_create(&w->th[i], NULL, worker, w)) != 0)
			break;
		w->n++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (w->n != threads) {
		snprintf(err, errlen, "workers: thread %u: %s", w->n, strerror(rc));
		ikev2_workers_free(w);
		return NULL;
	}
	return w;
}

int ikev2_workers_submit(struct ikev2_workers *w, struct ikev2_dh_job *j)
{
	int rc = 0;

	pthread_mutex_lock(&w->mu);
	if (w->stop || w->queued >= w->max_queued) {
		rc = -EAGAIN;
	} else {
		w->queued++;
		list_push(&w->todo, j);
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

static void on_closed(uv_handle_t *h)
{
	struct ikev2_workers *w = h->data;

	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void ikev2_workers_free(struct ikev2_workers *w)
{
	if (!w)
		return;
	stop_threads(w);
	/* No thread runs now: what was not delivered is wiped. */
	list_free(list_take(&w->todo));
	list_free(list_take(&w->done));
	w->queued = 0;
	uv_close((uv_handle_t *)&w->async, on_closed);
}

/*
 * The main() of a libuv service (dataplane, IKE daemon, stats service):
 * options parsed, logging named, SIGPIPE ignored, one loop whose SIGTERM
 * and SIGINT stop the service, and the exit status (0 after a signal,
 * EXIT_FAILURE when the service could not start or reported a failure, 2 for
 * a usage error, 0 after --help).
 */
#ifndef GW_SVC_MAIN_H
#define GW_SVC_MAIN_H

#include <stddef.h>

#include <uv.h>

/* What the service reports when it can no longer run (the loop then stops). */
typedef void gw_svc_failed_fn(void *arg);

struct gw_svc_ops {
	const char *name; /* the program's name in the log */
	/* 0: go on, 1: help printed (exit 0), -1: usage error printed (exit 2).
	 * *log_level is the level the options ask for. */
	int (*parse)(void *opts, int argc, char **argv, int *log_level);
	/* NULL with err filled when the service cannot start. */
	void *(*start)(uv_loop_t *loop, const void *opts, gw_svc_failed_fn *failed, void *arg, char *err,
		       size_t errlen);
	void (*stop)(void *svc);
};

/* Runs the service until a signal or its failure; returns main()'s status.
 * opts is the service's own options structure, filled by ops->parse. */
int gw_svc_main(const struct gw_svc_ops *ops, void *opts, int argc, char **argv);

#endif

/* See svc_main.h. */
#include "svc_main.h"

#include <signal.h>
#include <stdlib.h>

#include "log.h"

static const int signums[] = { SIGTERM, SIGINT };

struct svc_run {
	const struct gw_svc_ops *ops;
	uv_signal_t sig[sizeof(signums) / sizeof(signums[0])];
	void *svc;
	int status;
};

static void shutdown_all(struct svc_run *r)
{
	if (r->svc) {
		r->ops->stop(r->svc);
		r->svc = NULL;
	}
	for (size_t i = 0; i < sizeof(r->sig) / sizeof(r->sig[0]); i++)
		if (!uv_is_closing((uv_handle_t *)&r->sig[i]))
			uv_close((uv_handle_t *)&r->sig[i], NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	gw_info("signal %d: stopping", signum);
	shutdown_all(h->data);
}

static void on_failed(void *arg)
{
	struct svc_run *r = arg;

	r->status = EXIT_FAILURE;
	shutdown_all(r);
}

int gw_svc_main(const struct gw_svc_ops *ops, void *opts, int argc, char **argv)
{
	struct svc_run r = { .ops = ops, .status = EXIT_SUCCESS };
	uv_loop_t loop;
	char err[256];
	int level = GW_LOG_INFO;
	int rc = ops->parse(opts, argc, argv, &level);

	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : 2;
	gw_log_init(ops->name, level);
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&loop);
	for (size_t i = 0; i < sizeof(r.sig) / sizeof(r.sig[0]); i++) {
		uv_signal_init(&loop, &r.sig[i]);
		r.sig[i].data = &r;
		uv_signal_start(&r.sig[i], on_signal, signums[i]);
	}
	if (!(r.svc = ops->start(&loop, opts, on_failed, &r, err, sizeof(err)))) {
		gw_err("%s", err);
		r.status = EXIT_FAILURE;
		shutdown_all(&r);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	if ((rc = uv_loop_close(&loop)) != 0)
		gw_warn("event loop closed with handles open: %s", uv_strerror(rc));
	gw_info("stopped");
	return r.status;
}

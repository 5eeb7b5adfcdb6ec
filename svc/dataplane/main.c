/*
 * ipsecgw-dataplane: one libuv loop on the main lcore (the control
 * thread), the signals that stop it, and the dataplane module, which
 * serves its peers from that loop: the region (configuration generation),
 * dataplane.sock (Ping, dp_api.c's dispatch switch) and the IKE punt
 * socket (dp_punt.c). See docs/dataplane.md.
 */
#include <signal.h>
#include <stdlib.h>

#include <uv.h>

#include "dataplane.h"
#include "log.h"

static struct {
	uv_loop_t loop;
	uv_signal_t sig[2];
	struct dataplane *dp;
	int status;
} m;

static void shutdown_all(void)
{
	dataplane_stop(m.dp);
	m.dp = NULL;
	for (size_t i = 0; i < sizeof(m.sig) / sizeof(m.sig[0]); i++)
		if (!uv_is_closing((uv_handle_t *)&m.sig[i]))
			uv_close((uv_handle_t *)&m.sig[i], NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	gw_info("signal %d: stopping", signum);
	shutdown_all();
}

static void on_failed(void *arg)
{
	(void)arg;
	m.status = EXIT_FAILURE;
	shutdown_all();
}

int main(int argc, char **argv)
{
	static const int signums[] = { SIGTERM, SIGINT };
	struct dataplane_opts o;
	char err[256];
	int rc = dataplane_opts_parse(&o, argc, argv);

	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : 2;
	gw_log_init("ipsecgw-dataplane", o.log_level);
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&m.loop);
	for (size_t i = 0; i < sizeof(m.sig) / sizeof(m.sig[0]); i++) {
		uv_signal_init(&m.loop, &m.sig[i]);
		uv_signal_start(&m.sig[i], on_signal, signums[i]);
	}
	if (!(m.dp = dataplane_start(&m.loop, &o, on_failed, NULL, err, sizeof(err)))) {
		gw_err("%s", err);
		m.status = EXIT_FAILURE;
		shutdown_all();
	}
	uv_run(&m.loop, UV_RUN_DEFAULT);
	if ((rc = uv_loop_close(&m.loop)) != 0)
		gw_warn("event loop closed with handles open: %s", uv_strerror(rc));
	gw_info("stopped");
	return m.status;
}

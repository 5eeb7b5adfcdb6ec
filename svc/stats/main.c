/*
 * ipsecgw-stats: Prometheus exporter of one instance's shared region.
 *
 * Skeleton: one libuv loop; the HTTP server and the region watch live in
 * stats.c. This process talks to no API peer yet (counter queries over the
 * API come later and get their dispatch switch here).
 */
#include <signal.h>
#include <stdlib.h>

#include <uv.h>

#include "log.h"
#include "stats.h"

static struct {
	uv_loop_t loop;
	uv_signal_t sig[2];
	struct stats *stats;
} m;

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	gw_info("signal %d: stopping", signum);
	stats_stop(m.stats);
	m.stats = NULL;
	for (size_t i = 0; i < sizeof(m.sig) / sizeof(m.sig[0]); i++)
		uv_close((uv_handle_t *)&m.sig[i], NULL);
}

int main(int argc, char **argv)
{
	static const int signums[] = { SIGTERM, SIGINT };
	struct stats_opts o;
	char err[256];
	int rc = stats_opts_parse(&o, argc, argv);

	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : 2;
	gw_log_init("ipsecgw-stats", o.log_level);
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&m.loop);
	if (!(m.stats = stats_start(&m.loop, &o, err, sizeof(err)))) {
		gw_err("%s", err);
		uv_loop_close(&m.loop);
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < sizeof(m.sig) / sizeof(m.sig[0]); i++) {
		uv_signal_init(&m.loop, &m.sig[i]);
		uv_signal_start(&m.sig[i], on_signal, signums[i]);
	}
	uv_run(&m.loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&m.loop);
	if (rc != 0)
		gw_warn("event loop closed with handles open: %s", uv_strerror(rc));
	gw_info("stopped");
	return EXIT_SUCCESS;
}

/*
 * ipsecgw-stats: Prometheus exporter of one instance's shared region.
 *
 * One libuv loop and the signals that stop it (svc_main.c); the HTTP server
 * and the region watch live in stats.c.
 */
#include "stats.h"
#include "svc_main.h"

static int parse(void *o, int argc, char **argv, int *log_level)
{
	int rc = stats_opts_parse(o, argc, argv);

	*log_level = ((struct stats_opts *)o)->log_level;
	return rc > 0 ? 1 : rc < 0 ? -1 : 0;
}

/* The exporter has no failure to report once it serves. */
static void *start(uv_loop_t *loop, const void *o, gw_svc_failed_fn *failed, void *arg, char *err, size_t n)
{
	(void)failed;
	(void)arg;
	return stats_start(loop, o, err, n);
}

static void stop(void *s)
{
	stats_stop(s);
}

int main(int argc, char **argv)
{
	static const struct gw_svc_ops ops = { "ipsecgw-stats", parse, start, stop };
	struct stats_opts o;

	return gw_svc_main(&ops, &o, argc, argv);
}

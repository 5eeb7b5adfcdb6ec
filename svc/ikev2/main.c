/*
 * ipsecgw-ikev2: one libuv loop, the signals that stop it (svc_main.c), and
 * the daemon module (ikev2d.c). Its peers are the config API (a client,
 * ikev2_install.c), the config service's event bus, its own API and event
 * bus (ikev2_ctl.c, one dispatch switch per peer) and the packet transport
 * (ikev2_punt.c or ikev2_udp.c).
 */
#include "ikev2d.h"
#include "svc_main.h"

static int parse(void *o, int argc, char **argv, int *log_level)
{
	int rc = ikev2d_opts_parse(o, argc, argv);

	*log_level = ((struct ikev2d_opts *)o)->log_level;
	return rc > 0 ? 1 : rc < 0 ? -1 : 0;
}

static void *start(uv_loop_t *loop, const void *o, gw_svc_failed_fn *failed, void *arg, char *err, size_t n)
{
	return ikev2d_start(loop, o, failed, arg, err, n);
}

static void stop(void *d)
{
	ikev2d_stop(d);
}

int main(int argc, char **argv)
{
	static const struct gw_svc_ops ops = { "ipsecgw-ikev2", parse, start, stop };
	struct ikev2d_opts o;

	return gw_svc_main(&ops, &o, argc, argv);
}

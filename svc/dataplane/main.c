/*
 * ipsecgw-dataplane: one libuv loop on the main lcore (the control
 * thread), the signals that stop it (svc_main.c), and the dataplane module,
 * which serves its peers from that loop: the region (configuration
 * generation), dataplane.sock (Ping, dp_api.c's dispatch switch) and the IKE
 * punt socket (dp_punt.c). See docs/dataplane.md.
 */
#include "dataplane.h"
#include "svc_main.h"

static int parse(void *o, int argc, char **argv, int *log_level)
{
	int rc = dataplane_opts_parse(o, argc, argv);

	*log_level = ((struct dataplane_opts *)o)->log_level;
	return rc > 0 ? 1 : rc < 0 ? -1 : 0;
}

static void *start(uv_loop_t *loop, const void *o, gw_svc_failed_fn *failed, void *arg, char *err, size_t n)
{
	return dataplane_start(loop, o, failed, arg, err, n);
}

static void stop(void *dp)
{
	dataplane_stop(dp);
}

int main(int argc, char **argv)
{
	static const struct gw_svc_ops ops = { "ipsecgw-dataplane", parse, start, stop };
	struct dataplane_opts o;

	return gw_svc_main(&ops, &o, argc, argv);
}

/* ipsecgw-config [--instance NAME] [--startup FILE] [--reset] [--log-level N] */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cfg.h"
#include "instance.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecgw-config [--instance NAME] [--startup FILE] [--reset] [--log-level N]\n"
		"  -i, --instance NAME   instance (default \"default\"); sockets in $IPSECGW_RUNDIR/NAME\n"
		"                        (default /run/ipsecgw/NAME), region in $IPSECGW_SHM_DIR\n"
		"  -s, --startup FILE    CLI lines applied when the region is new (not after a restart)\n"
		"      --reset           discard the existing region and start from an empty one\n"
		"  -l, --log-level N     3 errors .. 7 debug (default 6)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "instance", required_argument, 0, 'i' }, { "startup", required_argument, 0, 's' },
		{ "reset", no_argument, 0, 'r' },          { "log-level", required_argument, 0, 'l' },
		{ "help", no_argument, 0, 'h' },           { 0, 0, 0, 0 } };
	struct cfg_options o = { .instance = GW_DEFAULT_INSTANCE, .log_level = GW_LOG_INFO };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "i:s:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o.instance = optarg; break;
		case 's': o.startup = optarg; break;
		case 'r': o.reset = 1; break;
		case 'l':
			o.log_level = (int)strtol(optarg, &end, 10);
			if (*end || o.log_level < GW_LOG_ERR || o.log_level > GW_LOG_DEBUG) {
				fprintf(stderr, "ipsecgw-config: --log-level takes 3..7, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	gw_log_init("ipsecgw-config", o.log_level);
	return cfg_service_run(&o);
}

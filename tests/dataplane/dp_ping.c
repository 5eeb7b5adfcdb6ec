/* `ipsecctl ping` until the CLI calls dp_client_ping_run itself:
 *   dp_ping INSTANCE ADDR [source IF] [repeat N] [size S] [interval MS]
 * prints as VPP does; exit 0 if a reply came, 1 if none, 3 on an error. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_client.h"

static void print_one(void *arg, const Ipsecgw__V1__PingResult *r)
{
	dp_client_ping_print(arg, r);
	fflush(arg);
}

int main(int argc, char **argv)
{
	Ipsecgw__V1__Ping req = IPSECGW__V1__PING__INIT;
	struct dp_client_ping_stats st;
	uint8_t addr[16];
	char err[256];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: dp_ping INSTANCE ADDR [source IF] [repeat N] [size S] [interval MS]\n");
		return 2;
	}
	req.addr.data = addr;
	if (inet_pton(AF_INET, argv[2], addr) == 1)
		req.addr.len = 4;
	else if (inet_pton(AF_INET6, argv[2], addr) == 1)
		req.addr.len = 16;
	else {
		fprintf(stderr, "dp_ping: bad address %s\n", argv[2]);
		return 2;
	}
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "source"))
			req.source = argv[i + 1];
		else if (!strcmp(argv[i], "repeat"))
			req.has_repeat = 1, req.repeat = (uint32_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "size"))
			req.has_size = 1, req.size = (uint32_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "interval"))
			req.has_interval_ms = 1, req.interval_ms = (uint32_t)atoi(argv[i + 1]);
	}
	rc = dp_client_ping(argv[1], &req, 2000, print_one, stdout, &st, err,
			    sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "dp_ping: %s\n", err);
		return 3;
	}
	dp_client_ping_print_stats(stdout, &st);
	return st.received ? 0 : 1;
}

/* A stand-in for the IKE daemon on the dataplane's punt channel:
 *   dp_punt_peer INSTANCE COUNT [TIMEOUT_S] [PAD]
 * binds RUNDIR/ike-punt.sock, prints each punted packet as
 *   punt IFACE SRC SPORT DST DPORT LEN HEXPREFIX
 * and answers it through the inject socket: addresses and ports swapped,
 * payload = "re:" + the payload (after the non-ESP marker on port 4500,
 * which the answer keeps) + PAD bytes 'p' when the payload starts with
 * "big" (to make the dataplane fragment). Exits 0 after COUNT packets, 1
 * on timeout. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_client.h"

int main(int argc, char **argv)
{
	struct dp_client_punt p;
	int count, timeout_s, pad, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: dp_punt_peer INSTANCE COUNT [TIMEOUT_S]\n");
		return 2;
	}
	count = atoi(argv[2]);
	timeout_s = argc > 3 ? atoi(argv[3]) : 30;
	pad = argc > 4 ? atoi(argv[4]) : 0;
	if (pad < 0 || pad > 60000)
		pad = 0;
	if ((rc = dp_client_punt_open(&p, argv[1])) < 0) {
		fprintf(stderr, "dp_punt_peer: open: %s\n", strerror(-rc));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		Ipsecgw__V1__PuntPacket *in, out = IPSECGW__V1__PUNT_PACKET__INIT;
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
		uint8_t buf[70000];
		size_t mark;

		if ((rc = dp_client_punt_recv(&p, timeout_s * 1000, &in)) < 0) {
			fprintf(stderr, "dp_punt_peer: recv: %s\n", strerror(-rc));
			dp_client_punt_close(&p);
			return 1;
		}
		inet_ntop(in->src.len == 4 ? AF_INET : AF_INET6, in->src.data, s, sizeof(s));
		inet_ntop(in->dst.len == 4 ? AF_INET : AF_INET6, in->dst.data, d, sizeof(d));
		printf("punt %s %s %u %s %u %zu ", in->interface ? in->interface : "-", s, in->src_port, d,
		       in->dst_port, in->payload.len);
		for (size_t k = 0; k < in->payload.len && k < 8; k++)
			printf("%02x", in->payload.data[k]);
		printf("\n");
		fflush(stdout);
		mark = in->dst_port == 4500 && in->payload.len >= 4 ? 4 : 0;
		memcpy(buf, in->payload.data, mark);
		memcpy(buf + mark, "re:", 3);
		memcpy(buf + mark + 3, in->payload.data + mark, in->payload.len - mark);
		out.src = in->dst;
		out.dst = in->src;
		out.src_port = in->dst_port;
		out.dst_port = in->src_port;
		out.payload.data = buf;
		out.payload.len = in->payload.len + 3;
		if (in->payload.len >= mark + 3 && memcmp(in->payload.data + mark, "big", 3) == 0 &&
		    out.payload.len + (size_t)pad <= sizeof(buf)) {
			memset(buf + out.payload.len, 'p', (size_t)pad);
			out.payload.len += (size_t)pad;
		}
		if ((rc = dp_client_punt_send(&p, &out)) < 0)
			fprintf(stderr, "dp_punt_peer: send: %s\n", strerror(-rc));
		ipsecgw__v1__punt_packet__free_unpacked(in, NULL);
	}
	dp_client_punt_close(&p);
	return 0;
}

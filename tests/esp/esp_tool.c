/*
 * esp_tool: runs the ESP bursts on packets given in hex, for conformance
 * tests against other implementations (test_scapy.py).
 *
 *   esp_tool < requests          one request per line, one answer per line
 *   esp_tool --engines           the engine/code path table (show crypto engines)
 *
 * A request is space-separated key=value tokens:
 *   op=enc|dec engine=imb|ossl|auto crypto=NAME ckey=HEX [salt=HEX8]
 *   integ=NAME [ikey=HEX] spi=N mode=tunnel|transport [tsrc=ADDR tdst=ADDR]
 *   [esn=0|1] [udp=0|1 sport=N dport=N] [window=N] [replay=0|1]
 *   [seq=N]   enc: the 64-bit sequence number the packet gets
 *   [top=N]   dec: the highest sequence number already received
 *   pkt=HEX   enc: the IP packet to protect; dec: the ESP packet (from its IP header)
 * The answer is "ok HEX" or "drop REASON" or "error MESSAGE".
 */
#include <arpa/inet.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_inb.h"
#include "esp_outb.h"
#include "esp_sa.h"
#include "esp_test.h"

#define LINE_MAX_ 200000

static int parse_hex(const char *h, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(h);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static int parse_addr(const char *s, uint8_t *out, int *v6)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*v6 = 1;
		return 0;
	}
	return -1;
}

static void answer(const char *tag, const uint8_t *p, size_t n)
{
	printf("%s ", tag);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static void request(struct esp_engine_worker *w, char *line)
{
	static alignas(64) uint8_t buf[256 + 65536 + 256];
	static alignas(64) struct shm_sa_rt rt;
	struct shm_sa cfg;
	int enc = -1, engine = ESP_ENGINE_AUTO, v6 = 0, have_pkt = 0;
	unsigned long long seq = 1, top = 0;
	size_t pkt_len = 0, n;
	char err[256];
	uint16_t good;
	struct esp_pkt p, *pp = &p;

	memset(&cfg, 0, sizeof(cfg));
	cfg.sa_id = 1;
	cfg.replay_window = 64;
	cfg.flags = SHM_SA_ANTI_REPLAY;
	cfg.create_gen = 1;
	for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		char *v = strchr(tok, '=');
		int rc = 0;

		if (!v) {
			printf("error token %s\n", tok);
			return;
		}
		*v++ = 0;
		if (!strcmp(tok, "op")) {
			enc = !strcmp(v, "enc") ? 1 : !strcmp(v, "dec") ? 0 : -1;
		} else if (!strcmp(tok, "engine")) {
			engine = !strcmp(v, "imb")      ? ESP_ENGINE_IMB
				 : !strcmp(v, "ossl")   ? ESP_ENGINE_OSSL
				 : !strcmp(v, "native") ? ESP_ENGINE_NATIVE
							: ESP_ENGINE_AUTO;
		} else if (!strcmp(tok, "crypto")) {
			rc = esp_alg_crypto_by_name(v);
			cfg.crypto_alg = (uint8_t)rc;
		} else if (!strcmp(tok, "integ")) {
			rc = esp_alg_integ_by_name(v);
			cfg.integ_alg = (uint8_t)rc;
		} else if (!strcmp(tok, "ckey")) {
			rc = parse_hex(v, cfg.crypto_key, sizeof(cfg.crypto_key), &n);
			cfg.crypto_key_len = (uint8_t)n;
		} else if (!strcmp(tok, "ikey")) {
			rc = parse_hex(v, cfg.integ_key, sizeof(cfg.integ_key), &n);
			cfg.integ_key_len = (uint8_t)n;
		} else if (!strcmp(tok, "salt")) {
			uint8_t s[4];

			rc = parse_hex(v, s, 4, &n);
			memcpy(&cfg.salt, s, 4);
		} else if (!strcmp(tok, "spi")) {
			cfg.spi = (uint32_t)strtoul(v, NULL, 0);
		} else if (!strcmp(tok, "mode")) {
			if (!strcmp(v, "tunnel"))
				cfg.flags |= SHM_SA_TUNNEL;
		} else if (!strcmp(tok, "tsrc") || !strcmp(tok, "tdst")) {
			rc = parse_addr(v, tok[1] == 's' ? cfg.tunnel_src : cfg.tunnel_dst, &v6);
			if (v6)
				cfg.flags |= SHM_SA_TUNNEL_V6;
		} else if (!strcmp(tok, "esn")) {
			if (atoi(v))
				cfg.flags |= SHM_SA_ESN;
		} else if (!strcmp(tok, "udp")) {
			if (atoi(v))
				cfg.flags |= SHM_SA_UDP_ENCAP;
		} else if (!strcmp(tok, "replay")) {
			if (!atoi(v))
				cfg.flags &= ~SHM_SA_ANTI_REPLAY;
		} else if (!strcmp(tok, "sport")) {
			cfg.udp_src_port = (uint16_t)atoi(v);
		} else if (!strcmp(tok, "dport")) {
			cfg.udp_dst_port = (uint16_t)atoi(v);
		} else if (!strcmp(tok, "window")) {
			cfg.replay_window = (uint32_t)atoi(v);
		} else if (!strcmp(tok, "seq")) {
			seq = strtoull(v, NULL, 0);
		} else if (!strcmp(tok, "top")) {
			top = strtoull(v, NULL, 0);
		} else if (!strcmp(tok, "pkt")) {
			rc = parse_hex(v, buf + 256, 65536, &pkt_len);
			have_pkt = 1;
		} else {
			rc = -1;
		}
		if (rc < 0) {
			printf("error bad %s\n", tok);
			return;
		}
	}
	if (enc < 0 || !have_pkt || seq == 0) {
		printf("error need op, pkt and seq > 0\n");
		return;
	}
	p = (struct esp_pkt){ .data = buf + 256, .len = (uint32_t)pkt_len, .headroom = 256,
			      .tailroom = (uint16_t)(sizeof(buf) - 256 - pkt_len > 65535 ? 65535
									: sizeof(buf) - 256 - pkt_len) };
	memset(&rt, 0, sizeof(rt));
	if (enc) {
		struct esp_sa_out *sa = esp_sa_out_create(&cfg, engine, err, sizeof(err));

		if (!sa) {
			printf("error %s\n", err);
			return;
		}
		rt.seq_out = seq - 1;
		good = esp_outb_process(w, sa, &rt, &pp, 1);
		esp_sa_out_free(sa);
	} else {
		struct esp_sa_in *sa = esp_sa_in_create(&cfg, engine, err, sizeof(err));

		if (!sa) {
			printf("error %s\n", err);
			return;
		}
		rt.in_top = top;
		good = esp_inb_process(w, sa, &rt, &pp, 1);
		esp_sa_in_free(sa);
	}
	if (good == 1)
		answer("ok", p.data, p.len);
	else
		printf("drop %s\n", shm_drop_name(p.drop));
}

static void list_engines(void)
{
	struct esp_engine_choice rows[SHM_CRYPTO_N + SHM_INTEG_N];
	unsigned n = esp_engine_list(rows, sizeof(rows) / sizeof(rows[0]));

	printf("%-12s %-9s %-7s %-6s", "algorithm", "engine", "path", "pinned");
	for (int a = 0; a < ESP_ARCH_N; a++)
		printf(" %9s", esp_arch_name(a));
	printf(" %9s %9s   (ns per IMIX packet, measured at start-up)\n", "openssl", "native");
	for (unsigned i = 0; i < n; i++) {
		printf("%-12s %-9s %-7s %-6s", rows[i].alg, esp_engine_name(rows[i].engine),
		       rows[i].engine == ESP_ENGINE_IMB ? esp_arch_name(rows[i].arch) : "-",
		       rows[i].pinned ? "yes" : "no");
		for (int a = 0; a < ESP_ARCH_N; a++) {
			if (rows[i].ns_per_pkt[a] > 0)
				printf(" %9.1f", rows[i].ns_per_pkt[a]);
			else
				printf(" %9s", "-");
		}
		if (rows[i].ns_ossl > 0)
			printf(" %9.1f", rows[i].ns_ossl);
		else
			printf(" %9s", "-");
		if (rows[i].ns_native > 0)
			printf(" %9.1f", rows[i].ns_native);
		else
			printf(" %9s", "-");
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	static char line[LINE_MAX_];
	struct esp_engine_worker *w;
	char err[256];

	esp_test_init();
	if (argc > 1 && !strcmp(argv[1], "--engines")) {
		list_engines();
		esp_engine_fini();
		return 0;
	}
	w = esp_engine_worker_create(0, err, sizeof(err));
	CHECK(w, "%s", err);
	while (fgets(line, sizeof(line), stdin)) {
		if (line[0] == '\n' || line[0] == '#')
			continue;
		request(w, line);
		fflush(stdout);
	}
	esp_engine_worker_free(w);
	esp_engine_fini();
	return 0;
}

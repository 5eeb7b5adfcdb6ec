/*
 * The exporter's renderer in-process, on a read-only attachment of a
 * fixture region: exact values, the exposition grammar, no secrets, label
 * escaping, a record whose writer never finished, and --listen parsing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"
#include "metrics.h"
#include "promtext.h"
#include "stats.h"

static void expect(const char *text, const char *series, double want)
{
	double v;

	CHECK(promtext_value(text, series, &v) == 0, "no sample %s", series);
	CHECK(v == want, "%s = %.17g, expected %.17g", series, v, want);
}

static void expect_absent(const char *text, const char *series)
{
	double v;

	CHECK(promtext_value(text, series, &v) != 0, "unexpected sample %s", series);
}

/* Samples of one family (lines starting with "NAME{"). */
static int count_samples(const char *text, const char *name)
{
	size_t n = strlen(name);
	int k = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		k += strncmp(p, name, n) == 0 && p[n] == '{';
	return k;
}

static void check_no_secrets(const char *text)
{
	size_t n = strlen(text);
	char *low = malloc(n + 1);

	CHECK(low, "out of memory");
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)text[i]);
	for (int i = 0; fixture_secrets[i]; i++)
		CHECK(!strstr(low, fixture_secrets[i]), "secret '%s' appears in the output",
		      fixture_secrets[i]);
	free(low);
}

static void test_escape(void)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} cases[] = {
		{ "lan0", 32, "lan0" },
		{ "a\"b", 32, "a\\\"b" },
		{ "a\\b", 32, "a\\\\b" },
		{ "a\nb", 32, "a\\nb" },
		{ "a\tb\x01\x7f", 32, "a?b??" },
		{ "caf\xc3\xa9", 32, "caf\xc3\xa9" },
		{ "\xe2\x82\xac\xf0\x9f\x94\x92", 32, "\xe2\x82\xac\xf0\x9f\x94\x92" },
		{ "bad\xc3", 32, "bad?" },
		{ "\xff\xfe", 32, "??" },
		{ "\xed\xa0\x80", 32, "???" },  /* a surrogate */
		{ "\xc0\xaf", 32, "??" },       /* overlong */
		{ "abcdef", 3, "abc" },         /* bounded, not NUL-terminated */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct metrics_buf b;
		char *s;

		metrics_buf_init(&b);
		metrics_escape_label(&b, cases[i].in, cases[i].max);
		s = metrics_buf_take(&b);
		CHECK(s && strcmp(s, cases[i].out) == 0, "escape case %zu: got '%s'", i, s ? s : "");
		free(s);
	}
}

static void test_listen(void)
{
	static const char *const bad[] = {
		"localhost:9465", "::1:9465", "[::1]9465", "127.0.0.1", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:", "[::1:80", ":80", "[]:80", "127.0.0.1:80x",
		"1.2.3:80", "[127.0.0.1]:80",
	};
	struct sockaddr_storage ss;
	char err[256];

	CHECK(stats_parse_listen("127.0.0.1:9465", &ss, err, sizeof(err)) == 0, "%s", err);
	CHECK(ss.ss_family == AF_INET && ntohs(((struct sockaddr_in *)&ss)->sin_port) == 9465, "v4");
	CHECK(stats_parse_listen("[::1]:9465", &ss, err, sizeof(err)) == 0, "%s", err);
	CHECK(ss.ss_family == AF_INET6 && ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == 9465,
	      "v6");
	CHECK(stats_parse_listen("0.0.0.0:0", &ss, err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(stats_parse_listen(bad[i], &ss, err, sizeof(err)) == -EINVAL,
		      "'%s' accepted", bad[i]);
		CHECK(err[0], "'%s' refused without a reason", bad[i]);
	}
}

static char *render(const struct shm_region *r)
{
	struct metrics_buf b;

	metrics_buf_init(&b);
	CHECK(metrics_render(r, &b) == 0, "metrics_render failed");
	return metrics_buf_take(&b);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

int main(void)
{
	struct shm_region w, ro;
	struct shm_sa *sa5;
	char err[256];
	char *text;
	int fams, samples;

	test_escape();
	test_listen();

	harness_setup();
	CHECK(shm_region_create(&w, "mt", 1, err, sizeof(err)) == 0, "create: %s", err);
	fixture_fill(&w, (int)getpid(), (int)dead_pid());
	{
		/* The IKE daemon's counters, as ipsecgw-ikev2 writes them. */
		struct shm_ike_counters *ic = shm_rec(&w, SHM_T_IKE_COUNTERS, 0);
		ic->exch[0].req_rx = 11;
		ic->exch[3].resp_tx = 12;
		ic->fail[SHM_IKE_FAIL_AUTH] = 5;
		ic->cookies_sent = 7;
		ic->cookies_invalid = 2;
		ic->cred_errors = 3;
		ic->child_rekeys = 9;
		ic->half_open = 4;
	}
	/* Render from a PROT_READ attachment: a stray write would fault. */
	CHECK(shm_region_attach(&ro, "mt", 0, err, sizeof(err)) == 0, "attach: %s", err);

	text = render(&ro);
	CHECK(promtext_check(text, err, sizeof(err), &fams, &samples) == 0, "format: %s\n%s", err,
	      text);
	printf("%d families, %d samples\n", fams, samples);
	CHECK(fams >= 25, "only %d families", fams);
	check_no_secrets(text);

	expect(text, "ipsecgw_region_info{instance=\"mt\",abi_version=\"2\"}", 1);
	expect(text, "ipsecgw_config_generation", FX_GENERATION);
	expect(text, "ipsecgw_interfaces", 2);
	expect(text, "ipsecgw_sas", 2);
	expect(text, "ipsecgw_spds", 1);
	expect(text, "ipsecgw_policies", 2);
	expect(text, "ipsecgw_tunnels", 0);
	expect(text, "ipsecgw_routes", 0);
	expect(text, "ipsecgw_interface_rx_packets_total{interface=\"lan0\"}", FX_LAN0_RX_PACKETS);
	expect(text, "ipsecgw_interface_rx_bytes_total{interface=\"lan0\"}", FX_LAN0_RX_BYTES);
	expect(text, "ipsecgw_interface_tx_packets_total{interface=\"lan0\"}", FX_LAN0_TX_PACKETS);
	expect(text, "ipsecgw_interface_tx_bytes_total{interface=\"lan0\"}", FX_LAN0_TX_BYTES);
	expect(text, "ipsecgw_interface_drops_total{interface=\"lan0\"}", FX_LAN0_DROPS);
	expect(text, "ipsecgw_interface_punts_total{interface=\"lan0\"}", FX_LAN0_PUNTS);
	expect(text, "ipsecgw_interface_admin_up{interface=\"lan0\"}", 1);
	expect(text, "ipsecgw_interface_link_up{interface=\"lan0\"}", 0);
	expect(text, "ipsecgw_interface_rx_packets_total{interface=\"" FX_ODD_LABEL "\"}", 0);
	expect(text, "ipsecgw_sa_packets_total{sa=\"10\"}", FX_SA10_PACKETS);
	expect(text, "ipsecgw_sa_bytes_total{sa=\"10\"}", FX_SA10_BYTES);
	expect(text, "ipsecgw_sa_packets_total{sa=\"11\"}", 0);
	/* per-SA errors: SAs in use, the reasons that counted (a cleared one
	 * reads 0 and is left out), nothing from a slot not in use */
	expect(text, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"replay\"}", FX_SA10_ERR_REPLAY);
	expect(text, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"integrity\"}", FX_SA10_ERR_INTEGRITY);
	expect_absent(text, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"too_big\"}");
	expect_absent(text, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"decrypt\"}");
	expect_absent(text, "ipsecgw_sa_errors_total{sa=\"11\",reason=\"replay\"}");
	CHECK(count_samples(text, "ipsecgw_sa_errors_total") == 2, "%d SA error samples, want 2",
	      count_samples(text, "ipsecgw_sa_errors_total"));
	CHECK(strstr(text, "# TYPE ipsecgw_sa_errors_total counter\n"), "no ipsecgw_sa_errors_total family");
	CHECK(!strstr(text, " 99\n"), "the errors of an SA slot not in use are exported");
	expect(text, "ipsecgw_policy_packets_total{spd=\"1\",policy=\"3\",direction=\"outbound\","
		     "action=\"protect\"}", FX_POL3_PACKETS);
	expect(text, "ipsecgw_policy_bytes_total{spd=\"1\",policy=\"3\",direction=\"outbound\","
		     "action=\"protect\"}", FX_POL3_BYTES);
	expect(text, "ipsecgw_policy_packets_total{spd=\"1\",policy=\"7\",direction=\"inbound\","
		     "action=\"bypass\"}", FX_POL7_PACKETS);
	expect(text, "ipsecgw_policy_bytes_total{spd=\"1\",policy=\"7\",direction=\"inbound\","
		     "action=\"bypass\"}", FX_POL7_BYTES);
	expect(text, "ipsecgw_drops_total{reason=\"no_route\"}", FX_DROP_NO_ROUTE);
	expect(text, "ipsecgw_drops_total{reason=\"replay\"}", FX_DROP_REPLAY);
	expect(text, "ipsecgw_drops_total{reason=\"tx_full\"}", 0);
	expect(text, "ipsecgw_process_up{process=\"config\"}", 1);
	expect(text, "ipsecgw_process_ready{process=\"config\"}", 1);
	expect(text, "ipsecgw_process_up{process=\"dataplane\"}", 0);
	expect(text, "ipsecgw_process_ready{process=\"dataplane\"}", 0);
	expect(text, "ipsecgw_process_restarts_total{process=\"dataplane\"}", 2);
	expect(text, "ipsecgw_process_up{process=\"ikev2\"}", 0);
	expect(text, "ipsecgw_process_start_time_seconds{process=\"config\"}", 1700000000.5);
	expect_absent(text, "ipsecgw_process_start_time_seconds{process=\"dataplane\"}");
	expect_absent(text, "ipsecgw_process_start_time_seconds{process=\"ikev2\"}");
	expect(text, "ipsecgw_scrape_skipped_records", 0);
	expect(text, "ipsecgw_ike_messages_total{exchange=\"ike_sa_init\",message=\"request\",direction=\"received\"}", 11);
	expect(text, "ipsecgw_ike_messages_total{exchange=\"informational\",message=\"response\",direction=\"sent\"}", 12);
	expect(text, "ipsecgw_ike_messages_total{exchange=\"ike_auth\",message=\"request\",direction=\"sent\"}", 0);
	expect(text, "ipsecgw_ike_failures_total{reason=\"auth\"}", 5);
	expect(text, "ipsecgw_ike_failures_total{reason=\"no_profile\"}", 0);
	expect(text, "ipsecgw_ike_cookies_sent_total", 7);
	expect(text, "ipsecgw_ike_cookies_invalid_total", 2);
	expect(text, "ipsecgw_ike_credential_errors_total", 3);
	expect(text, "ipsecgw_ike_sa_rekeys_total{sa=\"child\"}", 9);
	expect(text, "ipsecgw_ike_half_open_sas", 4);
	expect(text, "ipsecgw_ike_sas", 0);
	free(text);

	/* A writer that died inside SA 11's seqlock: the scrape still ends,
	 * without that SA, and says it skipped one record. */
	sa5 = shm_rec(&w, SHM_T_SA, 5);
	atomic_fetch_add(&sa5->h.seq, 1);
	text = render(&ro);
	CHECK(promtext_check(text, err, sizeof(err), NULL, NULL) == 0, "format: %s", err);
	expect_absent(text, "ipsecgw_sa_packets_total{sa=\"11\"}");
	expect(text, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"replay\"}", FX_SA10_ERR_REPLAY);
	expect(text, "ipsecgw_sa_packets_total{sa=\"10\"}", FX_SA10_PACKETS);
	expect(text, "ipsecgw_sas", 1);
	expect(text, "ipsecgw_scrape_skipped_records", 1);
	free(text);

	shm_region_detach(&ro);
	shm_region_detach(&w);
	printf("ok\n");
	return 0;
}

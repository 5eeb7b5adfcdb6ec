/*
 * The real ipsecgw-stats binary against a region this test writes: 503
 * before the region exists, 200 once it does, exact values, the exposition
 * grammar, no secrets, 404/405, HEAD, readiness through NOTIFY_SOCKET, a
 * read-only mapping that leaves the region byte-for-byte unchanged, a
 * region removed and created again, exit 0 on SIGTERM.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"
#include "promtext.h"

#define INSTANCE "scrape1"

static void expect(const char *text, const char *series, double want)
{
	double v;

	CHECK(promtext_value(text, series, &v) == 0, "no sample %s", series);
	CHECK(v == want, "%s = %.17g, expected %.17g", series, v, want);
}

static void check_no_secrets(const char *text)
{
	for (int i = 0; fixture_secrets[i]; i++)
		CHECK(!strcasestr(text, fixture_secrets[i]), "secret '%s' appears in the output",
		      fixture_secrets[i]);
}

/* Starts the exporter on a free port; retries if another process took it. */
static pid_t start_stats(uint16_t *port)
{
	char bin[512], listen[64];

	harness_bin("ipsecgw-stats", bin, sizeof(bin));
	for (int attempt = 0; attempt < 5; attempt++) {
		char *argv[] = { bin, "--instance", INSTANCE, "--listen", listen, NULL };
		int64_t end = harness_now_ms() + 5000;
		pid_t pid;
		int status;

		*port = harness_free_port();
		snprintf(listen, sizeof(listen), "127.0.0.1:%u", *port);
		pid = harness_spawn(argv);
		while (harness_now_ms() < end) {
			struct http_resp r;

			if (harness_exited(pid, &status))
				break;
			harness_http(*port, "GET", "/", &r);
			status = r.status;
			harness_http_free(&r);
			if (status == 200)
				return pid;
			harness_sleep_ms(20);
		}
		harness_stop(pid, SIGKILL, 1000);
	}
	CHECK(0, "ipsecgw-stats did not start");
	return -1;
}

/* The region's mapping in the exporter's address space has no 'w'. */
static void check_mapping_read_only(pid_t pid, const char *dir)
{
	char path[64], line[1024];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	CHECK((f = fopen(path, "r")), "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char perms[8];

		if (!strstr(line, dir) || !strstr(line, "ipsecgw-" INSTANCE))
			continue;
		CHECK(sscanf(line, "%*s %7s", perms) == 1, "maps line: %s", line);
		CHECK(perms[0] == 'r' && perms[1] == '-', "region mapped %s: %s", perms, line);
		found++;
	}
	fclose(f);
	CHECK(found > 0, "region not mapped by pid %d", (int)pid);
}

static void scrape_ok(uint16_t port, struct http_resp *r)
{
	char ct[128], err[256];

	harness_http(port, "GET", "/metrics", r);
	CHECK(r->status == 200, "GET /metrics: %d", r->status);
	CHECK(harness_http_header(r, "Content-Type", ct, sizeof(ct)) &&
	      strcmp(ct, "text/plain; version=0.0.4; charset=utf-8") == 0,
	      "Content-Type: %s", ct);
	CHECK(promtext_check(r->body, err, sizeof(err), NULL, NULL) == 0, "format: %s", err);
	check_no_secrets(r->body);
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
	const char *dir = harness_setup();
	struct shm_region w;
	struct http_resp r;
	char err[256], allow[64];
	uint8_t *before;
	uint16_t port;
	int notify = harness_notify_open(), status;
	pid_t pid;

	/* No region yet: the exporter is up and ready, /metrics says 503. */
	pid = start_stats(&port);
	CHECK(harness_notify_wait(notify, "READY=1", 5000), "no READY=1 from ipsecgw-stats");
	harness_http(port, "GET", "/metrics", &r);
	CHECK(r.status == 503, "GET /metrics without a region: %d", r.status);
	harness_http_free(&r);

	harness_http(port, "GET", "/nope", &r);
	CHECK(r.status == 404, "GET /nope: %d", r.status);
	harness_http_free(&r);
	harness_http(port, "GET", "/metrics/x", &r);
	CHECK(r.status == 404, "GET /metrics/x: %d", r.status);
	harness_http_free(&r);
	harness_http(port, "POST", "/metrics", &r);
	CHECK(r.status == 405, "POST /metrics: %d", r.status);
	CHECK(harness_http_header(&r, "Allow", allow, sizeof(allow)) && strstr(allow, "GET"),
	      "405 without Allow");
	harness_http_free(&r);

	/* The region appears: 200 within a retry period or two. */
	CHECK(shm_region_create(&w, INSTANCE, 1, err, sizeof(err)) == 0, "create: %s", err);
	fixture_fill(&w, (int)getpid(), (int)dead_pid());
	CHECK(harness_http_wait(port, "/metrics", 200, 3000), "no 200 after the region appeared");
	check_mapping_read_only(pid, dir);

	before = malloc(w.size);
	CHECK(before, "out of memory");
	memcpy(before, w.base, w.size);
	for (int i = 0; i < 5; i++) {
		scrape_ok(port, &r);
		harness_http_free(&r);
	}
	scrape_ok(port, &r);
	expect(r.body, "ipsecgw_region_info{instance=\"" INSTANCE "\",abi_version=\"2\"}", 1);
	expect(r.body, "ipsecgw_config_generation", FX_GENERATION);
	expect(r.body, "ipsecgw_interface_rx_packets_total{interface=\"lan0\"}", FX_LAN0_RX_PACKETS);
	expect(r.body, "ipsecgw_interface_rx_bytes_total{interface=\"lan0\"}", FX_LAN0_RX_BYTES);
	expect(r.body, "ipsecgw_interface_tx_packets_total{interface=\"lan0\"}", FX_LAN0_TX_PACKETS);
	expect(r.body, "ipsecgw_interface_tx_bytes_total{interface=\"lan0\"}", FX_LAN0_TX_BYTES);
	expect(r.body, "ipsecgw_interface_drops_total{interface=\"lan0\"}", FX_LAN0_DROPS);
	expect(r.body, "ipsecgw_interface_rx_packets_total{interface=\"" FX_ODD_LABEL "\"}", 0);
	expect(r.body, "ipsecgw_sa_packets_total{sa=\"10\"}", FX_SA10_PACKETS);
	expect(r.body, "ipsecgw_sa_bytes_total{sa=\"10\"}", FX_SA10_BYTES);
	expect(r.body, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"replay\"}", FX_SA10_ERR_REPLAY);
	expect(r.body, "ipsecgw_sa_errors_total{sa=\"10\",reason=\"integrity\"}", FX_SA10_ERR_INTEGRITY);
	expect(r.body, "ipsecgw_policy_packets_total{spd=\"1\",policy=\"3\",direction=\"outbound\","
		       "action=\"protect\"}", FX_POL3_PACKETS);
	expect(r.body, "ipsecgw_policy_bytes_total{spd=\"1\",policy=\"7\",direction=\"inbound\","
		       "action=\"bypass\"}", FX_POL7_BYTES);
	expect(r.body, "ipsecgw_drops_total{reason=\"no_route\"}", FX_DROP_NO_ROUTE);
	expect(r.body, "ipsecgw_sas", 2);
	expect(r.body, "ipsecgw_policies", 2);
	expect(r.body, "ipsecgw_interfaces", 2);
	expect(r.body, "ipsecgw_process_ready{process=\"config\"}", 1);
	expect(r.body, "ipsecgw_process_up{process=\"dataplane\"}", 0);
	harness_http_free(&r);

	harness_http(port, "HEAD", "/metrics", &r);
	CHECK(r.status == 200 && r.body_len == 0, "HEAD /metrics: %d, %zu body bytes", r.status,
	      r.body_len);
	harness_http_free(&r);
	harness_http(port, "GET", "/", &r);
	CHECK(r.status == 200 && strstr(r.body, "/metrics"), "GET /: %d", r.status);
	harness_http_free(&r);

	CHECK(memcmp(before, w.base, w.size) == 0, "the exporter changed the region");
	free(before);

	/* Removed: 503 at once. Created again: served again. */
	{
		char path[512];

		CHECK(shm_region_path(INSTANCE, path, sizeof(path)) == 0, "path");
		shm_region_detach(&w);
		CHECK(unlink(path) == 0, "unlink %s", path);
	}
	harness_http(port, "GET", "/metrics", &r);
	CHECK(r.status == 503, "GET /metrics after the region went: %d", r.status);
	harness_http_free(&r);
	CHECK(shm_region_create(&w, INSTANCE, 1, err, sizeof(err)) == 0, "create: %s", err);
	CHECK(harness_http_wait(port, "/metrics", 200, 3000), "no 200 after the region came back");
	scrape_ok(port, &r);
	expect(r.body, "ipsecgw_config_generation", 1);
	expect(r.body, "ipsecgw_sas", 0);
	harness_http_free(&r);
	check_mapping_read_only(pid, dir);

	status = harness_stop(pid, SIGTERM, 5000);
	CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "ipsecgw-stats on SIGTERM: status %#x", status);
	shm_region_detach(&w);
	close(notify);
	printf("ok\n");
	return 0;
}

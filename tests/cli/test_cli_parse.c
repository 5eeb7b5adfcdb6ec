/*
 * Parser unit tests: every CLI line of the seed page (read apart, addresses
 * moved to documentation ranges) parses into exactly the expected request,
 * and malformed lines fail with a message naming the offending word.
 * Requests are compared as JSON (pbjson, keys shown) with json_equal, so
 * every present field is asserted and no other field may be present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grammar.h"
#include "parse.h"
#include "pbjson.h"

#define K1 "4a506a794f574265564551694d653768"
#define K2 "4339314b55523947594d6d3547666b45764e6a58"

static int passed, failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			passed++;                                              \
		} else {                                                       \
			failed++;                                              \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

/* Expected JSON is written with ' for " to keep the table readable. */
static json_t *load(const char *s)
{
	char *d = strdup(s);
	json_error_t e;
	json_t *j;

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(d, 0, &e);
	if (!j)
		fprintf(stderr, "bad expected JSON (%s): %s\n", e.text, d);
	free(d);
	return j;
}

static void expect_req(const char *line, const char *expected)
{
	gw_env *req = NULL;
	char err[512] = "";
	int rc = cli_parse_request(line, &req, err, sizeof(err));
	json_t *want = load(expected), *got;

	CHECK(rc == 1 && req, "'%s': rc %d, %s", line, rc, err);
	if (rc == 1 && req && want) {
		got = pbjson_request(&req->base, PBJSON_KEYS);
		if (!json_equal(got, want)) {
			char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
			char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
			CHECK(0, "'%s':\n  got  %s\n  want %s", line, g, w);
			free(g);
			free(w);
		} else {
			passed++;
		}
		json_decref(got);
	}
	json_decref(want);
	cli_request_free(req);
}

static void expect_show(const char *line, enum cli_view view, int has_id, unsigned id, const char *name)
{
	struct cli_line l;
	char err[512] = "";
	gw_env *req = (gw_env *)&err; /* must be reset to NULL */
	int rc = grammar_parse(line, &l, err, sizeof(err));

	CHECK(rc == 0 && l.kind == CLI_SHOW, "'%s': rc %d kind %d %s", line, rc, l.kind, err);
	if (rc == 0 && l.kind == CLI_SHOW)
		CHECK(l.show.view == view && l.show.has_id == has_id && l.show.id == id && strcmp(l.show.name, name) == 0,
		      "'%s': view %d has_id %d id %u name '%s'", line, l.show.view, l.show.has_id, l.show.id, l.show.name);
	grammar_line_free(&l);
	rc = cli_parse_request(line, &req, err, sizeof(err));
	CHECK(rc == 0 && req == NULL, "'%s': cli_parse_request rc %d", line, rc);
}

static void expect_error(const char *line, const char *msg)
{
	gw_env *req = (gw_env *)&msg;
	char err[512] = "";
	int rc = cli_parse_request(line, &req, err, sizeof(err));

	CHECK(rc == -1 && req == NULL, "'%s': rc %d (want -1)", line, rc);
	CHECK(strstr(err, msg) != NULL, "'%s':\n  message '%s'\n  lacks   '%s'", line, err, msg);
	cli_request_free(rc == 1 ? req : NULL);
}

/* A malformed secret is named, never echoed. */
static void expect_no_echo(const char *line, const char *secret)
{
	gw_env *req;
	char err[512] = "";
	int rc = cli_parse_request(line, &req, err, sizeof(err));

	CHECK(rc == -1 && !strstr(err, secret), "'%s': the secret is echoed: %s", line, err);
}

static void seed_ipsec(void)
{
	/* Configuration: SPD, binding, SAs (tunnel and transport), a policy, key update */
	expect_req("ipsec spd add 1", "{'spd': {'spd_id': 1}}");
	expect_req("set interface ipsec spd GigabitEthernet0/6/0 1",
		   "{'interface_spd': {'name': 'GigabitEthernet0/6/0', 'spd_id': 1}}");
	expect_req("ipsec sa add 10 spi 1001 esp crypto-key " K1 " crypto-alg aes-cbc-128 integ-key " K2
		   " integ-alg sha1-96 tunnel-src 192.0.2.3 tunnel-dst 192.0.2.2",
		   "{'sa_add': {'spec': {'sa_id': 10, 'spi': 1001, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K2 "', 'tunnel_src': '192.0.2.3', 'tunnel_dst': '192.0.2.2'}}}");
	expect_req("ipsec sa add 10 spi 1001 esp crypto-key " K1 " crypto-alg aes-cbc-128 integ-key " K2
		   " integ-alg sha1-96",
		   "{'sa_add': {'spec': {'sa_id': 10, 'spi': 1001, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K2 "'}}}");
	expect_req("ipsec policy add spd 1 inbound priority 10 action protect sa 20 local-ip-range 198.51.100.4 - "
		   "198.51.100.4 remote-ip-range 203.0.113.3 - 203.0.113.3",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'INBOUND', 'priority': 10, 'action': 'PROTECT', "
		   "'sa_id': 20, 'local_start': '198.51.100.4', 'local_end': '198.51.100.4', 'remote_start': "
		   "'203.0.113.3', 'remote_end': '203.0.113.3'}}}");
	expect_req("set ipsec sa 10 crypto-key " K1 " integ-key " K2,
		   "{'sa_set_key': {'sa_id': 10, 'crypto_key': '" K1 "', 'integ_key': '" K2 "'}}");

	/* Example configuration (transport mode with ipsec-tools) */
	expect_req("set int ip address GigabitEthernet0/8/0 192.0.2.3/24",
		   "{'interface_address': {'name': 'GigabitEthernet0/8/0', 'prefix': '192.0.2.3/24'}}");
	expect_req("set int state GigabitEthernet0/8/0 up",
		   "{'interface_set_state': {'name': 'GigabitEthernet0/8/0', 'up': true}}");
	expect_req("set ip arp GigabitEthernet0/8/0 192.0.2.2 08:00:27:12:3c:cc",
		   "{'neighbor': {'name': 'GigabitEthernet0/8/0', 'ip': '192.0.2.2', 'mac': '08:00:27:12:3c:cc'}}");
	expect_req("ipsec sa add 10 spi 1001 esp crypto-alg aes-cbc-128 crypto-key " K1 " integ-alg sha1-96 integ-key " K2,
		   "{'sa_add': {'spec': {'sa_id': 10, 'spi': 1001, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K2 "'}}}");
	expect_req("ipsec sa add 20 spi 1000 esp crypto-alg aes-cbc-128 crypto-key " K1 " integ-alg sha1-96 integ-key " K2,
		   "{'sa_add': {'spec': {'sa_id': 20, 'spi': 1000, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K2 "'}}}");
	expect_req("set interface ipsec spd GigabitEthernet0/8/0 1",
		   "{'interface_spd': {'name': 'GigabitEthernet0/8/0', 'spd_id': 1}}");
	expect_req("ipsec policy add spd 1 priority 100 inbound action bypass protocol 50",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'INBOUND', 'priority': 100, 'action': 'BYPASS', "
		   "'protocol': 50, 'local_start': '0.0.0.0', 'local_end': '255.255.255.255', "
		   "'remote_start': '0.0.0.0', 'remote_end': '255.255.255.255'}}}");
	expect_req("ipsec policy add spd 1 priority 100 outbound action bypass protocol 50",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'OUTBOUND', 'priority': 100, 'action': 'BYPASS', "
		   "'protocol': 50, 'local_start': '0.0.0.0', 'local_end': '255.255.255.255', "
		   "'remote_start': '0.0.0.0', 'remote_end': '255.255.255.255'}}}");
	expect_req("ipsec policy add spd 1 priority 10 inbound action protect sa 20 local-ip-range 192.0.2.3 - "
		   "192.0.2.3 remote-ip-range 192.0.2.2 - 192.0.2.2",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'INBOUND', 'priority': 10, 'action': 'PROTECT', "
		   "'sa_id': 20, 'local_start': '192.0.2.3', 'local_end': '192.0.2.3', 'remote_start': '192.0.2.2', "
		   "'remote_end': '192.0.2.2'}}}");
	expect_req("ipsec policy add spd 1 priority 10 outbound action protect sa 10 local-ip-range 192.0.2.3 - "
		   "192.0.2.3 remote-ip-range 192.0.2.2 - 192.0.2.2",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'OUTBOUND', 'priority': 10, 'action': 'PROTECT', "
		   "'sa_id': 10, 'local_start': '192.0.2.3', 'local_end': '192.0.2.3', 'remote_start': '192.0.2.2', "
		   "'remote_end': '192.0.2.2'}}}");
	expect_show("show error", CLI_VIEW_ERRORS, 0, 0, "");
	expect_show("show ipsec", CLI_VIEW_IPSEC, 0, 0, "");
}

static void seed_v4_over_v6(void)
{
	/* Use case: IPv4 over IPv6 between VPP peers (both peers' lines) */
	expect_req("loopback create", "{'loopback_create': {}}");
	expect_req("set int state loop0 up", "{'interface_set_state': {'name': 'loop0', 'up': true}}");
	expect_req("set int ip address loop0 198.18.0.11/31",
		   "{'interface_address': {'name': 'loop0', 'prefix': '198.18.0.11/31'}}");
	expect_req("set ip neighbor loop0 198.18.0.10 24:6e:96:9c:e5:df",
		   "{'neighbor': {'name': 'loop0', 'ip': '198.18.0.10', 'mac': '24:6e:96:9c:e5:df'}}");
	expect_req("set interface lan0 up", "{'interface_set_state': {'name': 'lan0', 'up': true}}");
	expect_req("set interface ip address lan0 198.51.100.2/24",
		   "{'interface_address': {'name': 'lan0', 'prefix': '198.51.100.2/24'}}");
	expect_req("set interface wan0 up", "{'interface_set_state': {'name': 'wan0', 'up': true}}");
	expect_req("set interface ip address wan0 2001:db8::1/48",
		   "{'interface_address': {'name': 'wan0', 'prefix': '2001:db8::1/48'}}");
	/* the bare integrity algorithm of the seed */
	expect_req("ipsec sa add 10 spi 1000 esp crypto-key " K1 " crypto-alg aes-cbc-128 integ-key " K1
		   " sha1-96 tunnel-src 2001:db8::1 tunnel-dst 2001:db8::2",
		   "{'sa_add': {'spec': {'sa_id': 10, 'spi': 1000, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K1 "', 'tunnel_src': '2001:db8::1', 'tunnel_dst': '2001:db8::2'}}}");
	expect_req("ipsec sa add 20 spi 1001 esp crypto-key " K1 " crypto-alg aes-cbc-128 integ-key " K1
		   " sha1-96 tunnel-src 2001:db8::1 tunnel-dst 2001:db8::2",
		   "{'sa_add': {'spec': {'sa_id': 20, 'spi': 1001, 'crypto_alg': 'AES_CBC_128', 'crypto_key': '" K1
		   "', 'integ_alg': 'SHA1_96', 'integ_key': '" K1 "', 'tunnel_src': '2001:db8::1', 'tunnel_dst': '2001:db8::2'}}}");
	expect_req("set interface ipsec spd loop0 1", "{'interface_spd': {'name': 'loop0', 'spd_id': 1}}");
	expect_req("ipsec policy add spd 1 priority 10 outbound action protect sa 10 local-ip-range 198.51.100.0 - "
		   "198.51.100.255 remote-ip-range 203.0.113.0 - 203.0.113.255",
		   "{'policy': {'spec': {'spd_id': 1, 'direction': 'OUTBOUND', 'priority': 10, 'action': 'PROTECT', "
		   "'sa_id': 10, 'local_start': '198.51.100.0', 'local_end': '198.51.100.255', 'remote_start': "
		   "'203.0.113.0', 'remote_end': '203.0.113.255'}}}");
	expect_req("ip route add 203.0.113.0/24 via 198.18.0.10 loop0",
		   "{'route': {'prefix': '203.0.113.0/24', 'via': '198.18.0.10', 'interface': 'loop0'}}");
	expect_req("ipsec spd add 2", "{'spd': {'spd_id': 2}}");
	expect_req("ipsec policy add spd 2 ip6 priority 200 outbound action bypass protocol 50",
		   "{'policy': {'spec': {'spd_id': 2, 'direction': 'OUTBOUND', 'is_ipv6': true, 'priority': 200, "
		   "'action': 'BYPASS', 'protocol': 50, 'local_start': '::', 'local_end': "
		   "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'remote_start': '::', 'remote_end': "
		   "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'}}}");
	/* ip6 implied by the IPv6 ranges */
	expect_req("ipsec policy add spd 2 priority 100 inbound action protect sa 30 local-ip-range 2001:db8::1 - "
		   "2001:db8::1 remote-ip-range 2001:db8::2 - 2001:db8::2",
		   "{'policy': {'spec': {'spd_id': 2, 'direction': 'INBOUND', 'is_ipv6': true, 'priority': 100, "
		   "'action': 'PROTECT', 'sa_id': 30, 'local_start': '2001:db8::1', 'local_end': '2001:db8::1', "
		   "'remote_start': '2001:db8::2', 'remote_end': '2001:db8::2'}}}");
	expect_req("set interface ipsec spd wan0 2", "{'interface_spd': {'name': 'wan0', 'spd_id': 2}}");
}

static void seed_ikev2(void)
{
	expect_req("ikev2 profile add profile1", "{'ikev2_profile': {'name': 'profile1'}}");
	expect_req("ikev2 profile set profile1 auth shared-key-mic string Vpp123",
		   "{'ikev2_set_auth': {'name': 'profile1', 'method': 'SHARED_KEY_MIC', 'data': 'Vpp123'}}");
	expect_req("ikev2 profile set profile1 auth shared-key-mic hex abcd1234",
		   "{'ikev2_set_auth': {'name': 'profile1', 'method': 'SHARED_KEY_MIC', 'data': '0xabcd1234', "
		   "'data_is_hex': true}}");
	expect_req("ikev2 profile set profile1 auth rsa-sig cert-file /home/localadmin/certs/server-cert.pem",
		   "{'ikev2_set_auth': {'name': 'profile1', 'method': 'RSA_SIG', "
		   "'cert_file': '/home/localadmin/certs/server-cert.pem'}}");
	expect_req("set ikev2 local key /home/localadmin/certs/client-key.pem",
		   "{'ikev2_local_key': {'file': '/home/localadmin/certs/client-key.pem'}}");
	expect_req("ikev2 set liveness 10 3", "{'ikev2_liveness': {'period': 10, 'max_failures': 3}}");
	expect_req("ikev2 set liveness 0 0", "{'ikev2_liveness': {'period': 0, 'max_failures': 0}}");
	expect_req("ikev2 profile set profile1 id remote ip4-addr 192.0.2.20",
		   "{'ikev2_set_id': {'name': 'profile1', 'is_local': false, 'type': 'ID_IP4_ADDR', 'data': '192.0.2.20'}}");
	expect_req("ikev2 profile set profile1 id local fqdn vpp.home",
		   "{'ikev2_set_id': {'name': 'profile1', 'is_local': true, 'type': 'ID_FQDN', 'data': 'vpp.home'}}");
	expect_req("ikev2 profile set profile1 id local key-id 0xabcd",
		   "{'ikev2_set_id': {'name': 'profile1', 'is_local': true, 'type': 'ID_KEY_ID', 'data': '0xabcd'}}");
	expect_req("ikev2 profile set profile1 id local rfc822 vpp@vvp.home",
		   "{'ikev2_set_id': {'name': 'profile1', 'is_local': true, 'type': 'ID_RFC822', 'data': 'vpp@vvp.home'}}");
	expect_req("ikev2 profile set profile1 traffic-selector local ip-range 198.51.100.0 - 198.51.100.255 "
		   "port-range 0 - 65535 protocol 0",
		   "{'ikev2_set_ts': {'name': 'profile1', 'is_local': true, 'ts': {'start': '198.51.100.0', 'end': "
		   "'198.51.100.255', 'port_start': 0, 'port_end': 65535, 'protocol': 0}}}");
	expect_req("ikev2 profile set profile1 traffic-selector remote ip-range 203.0.113.0 - 203.0.113.255 "
		   "port-range 0 - 65535 protocol 0",
		   "{'ikev2_set_ts': {'name': 'profile1', 'is_local': false, 'ts': {'start': '203.0.113.0', 'end': "
		   "'203.0.113.255', 'port_start': 0, 'port_end': 65535, 'protocol': 0}}}");
	expect_show("show ikev2 profile", CLI_VIEW_IKEV2, 0, 0, "");
	expect_show("show ikev2 sa", CLI_VIEW_IKEV2_SA, 0, 0, "");

	/* Use cases: responder and initiator */
	expect_req("set interface state TenGigabitEthernet5/0/0 up",
		   "{'interface_set_state': {'name': 'TenGigabitEthernet5/0/0', 'up': true}}");
	expect_req("set interface ip address TenGigabitEthernet5/0/0 198.51.100.2/24",
		   "{'interface_address': {'name': 'TenGigabitEthernet5/0/0', 'prefix': '198.51.100.2/24'}}");
	expect_req("ikev2 profile set pr1 responder TenGigabitEthernet4/0/0 192.0.2.1",
		   "{'ikev2_set_responder': {'name': 'pr1', 'interface': 'TenGigabitEthernet4/0/0', 'addr': '192.0.2.1'}}");
	expect_req("ikev2 profile set pr1 ike-crypto-alg aes-cbc 256 ike-integ-alg sha1-96 ike-dh modp-2048",
		   "{'ikev2_set_ike': {'name': 'pr1', 't': {'encr': 'ENCR_AES_CBC', 'key_bits': 256, 'integ': "
		   "'AUTH_HMAC_SHA1_96', 'dh_group': 14}}}");
	expect_req("ikev2 profile set pr1 esp-crypto-alg aes-cbc 256 esp-integ-alg sha1-96 esp-dh ecp-256",
		   "{'ikev2_set_esp': {'name': 'pr1', 't': {'encr': 'ENCR_AES_CBC', 'key_bits': 256, 'integ': "
		   "'AUTH_HMAC_SHA1_96', 'dh_group': 19}}}");
	expect_req("ikev2 profile set pr1 sa-lifetime 3600 10 5 0",
		   "{'ikev2_set_lifetime': {'name': 'pr1', 'lifetime': 3600, 'jitter': 10, 'handover': 5, 'max_data': 0}}");
	expect_req("ikev2 initiate sa-init pr1", "{'ikev2_initiate': {'kind': 'SA_INIT', 'profile': 'pr1'}}");
	expect_show("show interface", CLI_VIEW_INTERFACES, 0, 0, "");
	expect_show("show ipsec tunnel interfaces", CLI_VIEW_TUNNELS, 0, 0, "");
	expect_req("set interface state ipsec0 up", "{'interface_set_state': {'name': 'ipsec0', 'up': true}}");
	expect_req("set interface ip address ipsec0 198.18.1.1/24",
		   "{'interface_address': {'name': 'ipsec0', 'prefix': '198.18.1.1/24'}}");
	expect_req("ip route add 203.0.113.0/24 via 198.18.1.1 ipsec0",
		   "{'route': {'prefix': '203.0.113.0/24', 'via': '198.18.1.1', 'interface': 'ipsec0'}}");
	expect_req("ip route add 203.0.113.0/24 via ipsec0", "{'route': {'prefix': '203.0.113.0/24', 'interface': 'ipsec0'}}");
	expect_req("set interface unnumbered ipsec0 use TenGigabitEthernet5/0/0",
		   "{'interface_unnumbered': {'name': 'ipsec0', 'use': 'TenGigabitEthernet5/0/0'}}");

	struct cli_line l;
	char err[256];
	int rc = grammar_parse("ping 203.0.113.1 source TenGigabitEthernet5/0/1", &l, err, sizeof(err));
	CHECK(rc == 0 && l.kind == CLI_PING && l.ping.addr_len == 4 && l.ping.addr[0] == 203 &&
		      strcmp(l.ping.source, "TenGigabitEthernet5/0/1") == 0 && l.ping.repeat == 5,
	      "ping: rc %d kind %d", rc, l.kind);
	grammar_line_free(&l);
}

static void brief_forms(void)
{
	/* Forms the brief names beyond the seed page */
	expect_req("set interface state lan0 down", "{'interface_set_state': {'name': 'lan0', 'up': false}}");
	expect_req("set int ip address del lan0 2001:db8:1::1/64",
		   "{'interface_address': {'name': 'lan0', 'prefix': '2001:db8:1::1/64', 'is_del': true}}");
	expect_req("set interface unnumbered ipsec0 del", "{'interface_unnumbered': {'name': 'ipsec0', 'is_del': true}}");
	expect_req("set ip neighbor del lan0 2001:db8::2 02:00:00:00:00:02",
		   "{'neighbor': {'name': 'lan0', 'ip': '2001:db8::2', 'mac': '02:00:00:00:00:02', 'is_del': true}}");
	expect_req("create loopback interface instance 7", "{'loopback_create': {'instance': 7}}");
	expect_req("loopback delete-interface intfc loop0", "{'loopback_delete': {'name': 'loop0'}}");
	expect_req("ip route del 198.18.0.0/15 via 192.0.2.1",
		   "{'route': {'prefix': '198.18.0.0/15', 'via': '192.0.2.1', 'is_del': true}}");
	expect_req("ipsec spd del 2", "{'spd': {'spd_id': 2, 'is_del': true}}");
	expect_req("set interface ipsec spd del lan0 1", "{'interface_spd': {'name': 'lan0', 'spd_id': 1, 'is_del': true}}");
	expect_req("ipsec policy del spd 1 outbound priority -5 action discard protocol 17 local-port-range 500 - 500 "
		   "remote-port-range 1024 - 65535",
		   "{'policy': {'is_del': true, 'spec': {'spd_id': 1, 'direction': 'OUTBOUND', 'priority': -5, "
		   "'action': 'DISCARD', 'protocol': 17, 'local_start': '0.0.0.0', 'local_end': '255.255.255.255', "
		   "'remote_start': '0.0.0.0', 'remote_end': '255.255.255.255', 'local_port_start': 500, "
		   "'local_port_end': 500, 'remote_port_start': 1024, 'remote_port_end': 65535}}}");
	expect_req("ipsec sa add 30 spi 0x3e9 crypto-alg aes-gcm-256 crypto-key 0x" K1 K1 " integ-alg none "
		   "tunnel-src 203.0.113.1 tunnel-dst 203.0.113.2 udp-encap udp-src-port 4500 udp-dst-port 4501 esn "
		   "no-anti-replay replay-window 1024 salt 0xdeadbeef",
		   "{'sa_add': {'spec': {'sa_id': 30, 'spi': 1001, 'crypto_alg': 'AES_GCM_256', 'crypto_key': '" K1 K1
		   "', 'integ_alg': 'INTEG_NONE', 'tunnel_src': '203.0.113.1', 'tunnel_dst': '203.0.113.2', "
		   "'udp_encap': true, 'udp_src_port': 4500, 'udp_dst_port': 4501, 'esn': true, 'anti_replay': false, "
		   "'replay_window': 1024, 'salt': 3735928559}}}");
	expect_req("ipsec sa del 30", "{'sa_del': {'sa_id': 30}}");
	expect_req("ipsec sa del 10 spi 1001 esp crypto-alg aes-cbc-128 crypto-key " K1, "{'sa_del': {'sa_id': 10}}");
	expect_req("ipsec itf create", "{'tunnel_create': {}}");
	expect_req("ipsec itf create instance 3", "{'tunnel_create': {'instance': 3}}");
	expect_req("ipsec itf delete ipsec3", "{'tunnel_delete': {'name': 'ipsec3'}}");
	expect_req("ipsec tunnel protect ipsec0 sa-out 10 sa-in 20 sa-in 21",
		   "{'tunnel_protect': {'name': 'ipsec0', 'sa_out': 10, 'sa_in': [20, 21]}}");
	expect_req("ipsec tunnel protect ipsec0 sa-in 20 sa-out 10",
		   "{'tunnel_protect': {'name': 'ipsec0', 'sa_out': 10, 'sa_in': [20]}}");
	expect_req("ipsec tunnel protect ipsec0 del", "{'tunnel_protect': {'name': 'ipsec0', 'is_del': true}}");
	expect_req("ikev2 profile del pr1", "{'ikev2_profile': {'name': 'pr1', 'is_del': true}}");
	expect_req("ikev2 profile set pr1 id remote ip6-addr 2001:db8::20",
		   "{'ikev2_set_id': {'name': 'pr1', 'is_local': false, 'type': 'ID_IP6_ADDR', 'data': '2001:db8::20'}}");
	expect_req("ikev2 profile set pr1 id local key-id keyone",
		   "{'ikev2_set_id': {'name': 'pr1', 'is_local': true, 'type': 'ID_KEY_ID', 'data': 'keyone'}}");
	expect_req("ikev2 profile set pr1 ike-crypto-alg aes-gcm-16 128 ike-dh ecp-384",
		   "{'ikev2_set_ike': {'name': 'pr1', 't': {'encr': 'ENCR_AES_GCM_16', 'key_bits': 128, 'dh_group': 20}}}");
	expect_req("ikev2 profile set pr1 ike-crypto-alg 3des ike-integ-alg sha-256-128 ike-dh modp-2048s256",
		   "{'ikev2_set_ike': {'name': 'pr1', 't': {'encr': 'ENCR_3DES', 'integ': 'AUTH_HMAC_SHA2_256_128', "
		   "'dh_group': 24}}}");
	expect_req("ikev2 initiate del-child-sa 93784997",
		   "{'ikev2_initiate': {'kind': 'DEL_CHILD_SA', 'spi': 2474133911}}");
	expect_req("ikev2 initiate del-sa ec950648b69dec3c",
		   "{'ikev2_initiate': {'kind': 'DEL_SA', 'spi': '17047538873852095548'}}");
	expect_req("ikev2 initiate rekey-child-sa 0x11b09095",
		   "{'ikev2_initiate': {'kind': 'REKEY_CHILD_SA', 'spi': 296784021}}");
	expect_req("dpdk dev 0000:02:00.0 name lan0", "{'port_create': {'name': 'lan0', 'devargs': '0000:02:00.0'}}");
	expect_req("dpdk vdev net_af_packet0,iface=veth0 name wan0",
		   "{'port_create': {'name': 'wan0', 'devargs': 'net_af_packet0,iface=veth0'}}");
	expect_req("clear interfaces", "{'clear': {'what': 'INTERFACES'}}");
	expect_req("clear errors", "{'clear': {'what': 'ERRORS'}}");
	expect_req("clear ipsec sa", "{'clear': {'what': 'IPSEC'}}");
	expect_req("set interface mtu 1400 lan0", "{'interface_set_mtu': {'name': 'lan0', 'mtu': 1400}}");
	expect_req("ikev2 profile set pr1 auth shared-key-mic string \"two words\"",
		   "{'ikev2_set_auth': {'name': 'pr1', 'method': 'SHARED_KEY_MIC', 'data': 'two words'}}");
	expect_req("  ipsec spd add 3   # trailing comment", "{'spd': {'spd_id': 3}}");

	expect_show("show ipsec sa", CLI_VIEW_SA, 0, 0, "");
	expect_show("show ipsec sa 10", CLI_VIEW_SA, 1, 10, "");
	expect_show("show ipsec spd 1", CLI_VIEW_SPD, 1, 1, "");
	expect_show("show ipsec all", CLI_VIEW_IPSEC, 0, 0, "");
	expect_show("show int lan0", CLI_VIEW_INTERFACES, 0, 0, "lan0");
	expect_show("show interface address", CLI_VIEW_ADDRESSES, 0, 0, "");
	expect_show("show ip fib", CLI_VIEW_FIB4, 0, 0, "");
	expect_show("show ip6 fib", CLI_VIEW_FIB6, 0, 0, "");
	expect_show("show ip neighbors", CLI_VIEW_NEIGH4, 0, 0, "");
	expect_show("show ip arp", CLI_VIEW_NEIGH4, 0, 0, "");
	expect_show("show ip6 neighbors", CLI_VIEW_NEIGH6, 0, 0, "");
	expect_show("show errors", CLI_VIEW_ERRORS, 0, 0, "");
	expect_show("show ikev2 profile pr1", CLI_VIEW_IKEV2, 0, 0, "pr1");
}

static void raw_fields(void)
{
	/* A few fields checked on the structs themselves, not through JSON. */
	gw_env *req;
	char err[256];
	static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zeros[16];

	CHECK(cli_parse_request("ipsec policy add spd 2 ip6 priority 200 outbound action bypass protocol 50", &req,
				err, sizeof(err)) == 1, "%s", err);
	const Ipsecgw__V1__PolicySpec *sp = req->policy->spec;
	CHECK(req->body_case == IPSECGW__V1__ENVELOPE__BODY_POLICY && sp->has_is_ipv6 && sp->is_ipv6 &&
		      sp->local_start.len == 16 && memcmp(sp->local_start.data, zeros, 16) == 0 &&
		      sp->remote_end.len == 16 && memcmp(sp->remote_end.data, ones, 16) == 0 && sp->priority == 200 &&
		      sp->has_protocol && sp->protocol == 50 && !sp->has_sa_id && !sp->has_local_port_start,
	      "ip6 policy defaults");
	cli_request_free(req);

	CHECK(cli_parse_request("ipsec sa add 10 spi 1001 crypto-alg aes-cbc-128 crypto-key 0x0102 integ-key 0A0b",
				&req, err, sizeof(err)) == 1, "%s", err);
	const Ipsecgw__V1__SaSpec *sa = req->sa_add->spec;
	CHECK(sa->has_crypto_key && sa->crypto_key.len == 2 && sa->crypto_key.data[0] == 1 &&
		      sa->crypto_key.data[1] == 2 && sa->integ_key.len == 2 && sa->integ_key.data[0] == 0x0a &&
		      sa->integ_key.data[1] == 0x0b && !sa->has_integ_alg && !sa->has_tunnel_src && !sa->has_esn,
	      "sa key bytes");
	cli_request_free(req);

	CHECK(cli_parse_request("", &req, err, sizeof(err)) == 0 && !req, "blank line");
	CHECK(cli_parse_request("# a comment", &req, err, sizeof(err)) == 0 && !req, "comment");
	CHECK(cli_parse_request("help ipsec", &req, err, sizeof(err)) == 0 && !req, "help");
	CHECK(cli_parse_request("exec /nonexistent", &req, err, sizeof(err)) == 0 && !req, "exec");
	CHECK(cli_parse_request("quit", &req, err, sizeof(err)) == 0 && !req, "quit");
	CHECK(cli_parse_request("ping 192.0.2.1", &req, err, sizeof(err)) == 0 && !req, "ping");
	cli_request_free(NULL);
}

static void errors(void)
{
	expect_error("ipsec sa add 10 spi x", "ipsec sa add: expected 'spi' value, got 'x'");
	expect_error("ipsec sa add 10 crypto-alg aes-cbc-128", "ipsec sa add: expected 'spi', got end of line");
	expect_error("ipsec sa add 10 spi 1 crypto-key 4a5", "expected 'crypto-key' value, got <hidden> (odd number of hex digits)");
	expect_error("ipsec sa add 10 spi 1 crypto-key zz", "got <hidden> (not a hex string)");
	expect_error("set ipsec sa 10 integ-key 4a506a794f574265564551694d65376zz", "expected 'integ-key' value, got <hidden>");
	expect_no_echo("ipsec sa add 10 spi 1 crypto-key 4a506a794f574265564551694d65376zz", "4a506a794f");
	expect_error("ipsec sa add 10 spi 1 crypto-alg aes-cbc-512", "expected 'crypto-alg' value, got 'aes-cbc-512'");
	expect_error("ipsec sa add 10 spi 4294967296", "got '4294967296' (not a number 0-4294967295)");
	expect_error("ipsec sa add 10 spi 1 tunnel-src 192.0.2.1", "ipsec sa add: expected 'tunnel-dst' with 'tunnel-src'");
	expect_error("ipsec sa add 10 spi 1 tunnel-src 192.0.2.1 tunnel-dst 2001:db8::1", "are of different families");
	expect_error("ipsec sa add 10 spi 1 integ-alg sha1-96 sha-256-128", "integrity algorithm given twice");
	expect_error("ipsec sa add 10 spi 1 spi 2", "got 'spi'");
	expect_error("ipsec sa add 10 spi 1 anti-replay no-anti-replay", "both 'anti-replay' and 'no-anti-replay'");
	expect_error("ipsec sa", "ipsec sa: expected one of 'add', 'del', got end of line");
	expect_error("set interface ip address lan0 192.0.2.1", "got '192.0.2.1' (not ADDRESS/LENGTH)");
	expect_error("set interface ip address lan0 192.0.2.1/33", "got '192.0.2.1/33' (bad address or prefix length");
	expect_error("set interface ip address lan0 192.0.2.256/24", "got '192.0.2.256/24'");
	expect_error("set ip arp lan0 192.0.2.2 08:00:27:12:3c", "got '08:00:27:12:3c' (not a MAC address");
	expect_error("set ip arp lan0 2001:db8::2 08:00:27:12:3c:cc", "got '2001:db8::2' (not an IPv4 address)");
	expect_error("set ip neighbor lan0 192.0.2.2", "expected 'mac' value after '192.0.2.2'");
	expect_error("set interface state lan0 sideways", "set interface state: expected one of 'up', 'down', got 'sideways'");
	expect_error("set interface state lan0", "expected one of 'up', 'down', got end of line");
	expect_error("ipsec policy add spd 1 inbound action bypass", "ipsec policy add: expected 'priority', got end of line");
	expect_error("ipsec policy add spd 1 priority 10 inbound action protect", "action protect needs 'sa <id>'");
	expect_error("ipsec policy add spd 1 priority 10 inbound action bypass sa 3", "'sa' is only for action protect");
	expect_error("ipsec policy add spd 1 priority 10 inbound action bypass local-ip-range 192.0.2.1 - 2001:db8::1",
		     "local-ip-range '192.0.2.1 - 2001:db8::1' mixes IPv4 and IPv6");
	expect_error("ipsec policy add spd 1 priority 10 inbound action bypass remote-ip-range 192.0.2.9 - 192.0.2.1",
		     "remote-ip-range '192.0.2.9 - 192.0.2.1' starts after it ends");
	expect_error("ipsec policy add spd 1 priority 10 inbound action allow",
		     "expected one of 'bypass', 'discard', 'protect', got 'allow'");
	expect_error("ipsec policy add spd 1 priority 10 inbound action bypass protocol 256", "got '256' (not a number 0-255)");
	expect_error("ipsec policy add spd 1 ip6 priority 10 inbound action bypass local-ip-range 192.0.2.1 - 192.0.2.2",
		     "'ip6' policy with an IPv4 range");
	expect_error("ipsec policy add spd 1 priority 99999999999 inbound action bypass", "(not a signed 32-bit number)");
	expect_error("ipsec policy add spd 1 priority 1 inbound action bypass local-port-range 9 - 1",
		     "local-port-range '9 - 1' starts after it ends");
	expect_error("frobnicate now", "unknown command 'frobnicate'");
	expect_error("ipsec spd add", "ipsec spd add: expected 'spd' value, got end of line");
	expect_error("ipsec spd add 1 2", "ipsec spd add: expected end of line, got '2'");
	expect_error("ikev2 profile set pr1 ike-crypto-alg aes-cbc ike-dh modp-2048", "expected key length 128|192|256 after 'aes-cbc'");
	expect_error("ikev2 profile set pr1 ike-crypto-alg 3des 128 ike-dh modp-2048", "'3des' takes no key length");
	expect_error("ikev2 profile set pr1 ike-crypto-alg aes-cbc 256 ike-dh modp-9999", "expected 'ike-dh' value, got 'modp-9999'");
	expect_error("ikev2 profile set pr1 id local key-id 0xzz", "expected 'key-id' value, got '0xzz' (bad hex)");
	expect_error("ikev2 profile set pr1 traffic-selector local port-range 0 - 65535", "expected 'ip-range'");
	expect_error("ikev2 profile set pr1 auth shared-key-mic hex abc", "got <hidden> (odd number of hex digits)");
	expect_error("ikev2 profile set pr1 auth shared-key-mic string \"unterminated", "unterminated quote");
	expect_error("ikev2 profile set pr1 sa-lifetime 3600 10 5", "expected 'max-data' value, got end of line");
	expect_error("ikev2 initiate del-sa 0x123456789abcdef01", "(not a hex number of up to 16 digits)");
	expect_error("ip route add 203.0.113.0/24 via 2001:db8::1", "next hop '2001:db8::1' is not of the family of '203.0.113.0/24'");
	expect_error("ip route add 203.0.113.0/24", "ip route add: expected 'via', got end of line");
	expect_error("ipsec tunnel protect ipsec0 sa-in 20", "expected 'sa-out', got end of line");
	expect_error("ping 192.0.2", "ping: expected 'address' value, got '192.0.2'");
	expect_error("dpdk dev 0000:02:00.9 name port0", "got '0000:02:00.9' (not a PCI address");
	expect_error("set interface unnumbered ipsec0 use ipsec0", "cannot borrow its own addresses");
	expect_error("set ipsec sa 10", "expected one of 'crypto-key', 'integ-key', got end of line");
	expect_error("loopback create instance -1", "got '-1' (not a number 0-4294967295)");
	expect_error("set interface state 0bad up", "(not an interface name");
	expect_error("show ipsec sa ten", "got 'ten'");
	expect_error("show", "show: expected one of");
}

/* set crypto handler <alg|all> <engine> [<code path>], show crypto engines */
static void crypto_engines(void)
{
	expect_req("set crypto handler aes-gcm-128 openssl",
		   "{'crypto_handler': {'crypto_alg': 'AES_GCM_128', 'engine': 'ENGINE_OPENSSL'}}");
	expect_req("set crypto handler aes-cbc-256 ipsec-mb avx2",
		   "{'crypto_handler': {'crypto_alg': 'AES_CBC_256', 'engine': 'ENGINE_IPSEC_MB', 'arch': 'ARCH_AVX2'}}");
	expect_req("set crypto handler 3des-cbc ipsec-mb",
		   "{'crypto_handler': {'crypto_alg': 'DES3_CBC', 'engine': 'ENGINE_IPSEC_MB'}}");
	expect_req("set crypto handler sha-256-128 ipsec-mb sse",
		   "{'crypto_handler': {'integ_alg': 'SHA_256_128', 'engine': 'ENGINE_IPSEC_MB', 'arch': 'ARCH_SSE'}}");
	expect_req("set crypto handler sha1 auto", "{'crypto_handler': {'integ_alg': 'SHA1_96', 'engine': 'ENGINE_AUTO'}}");
	expect_req("set crypto handler md5-96 openssl",
		   "{'crypto_handler': {'integ_alg': 'MD5_96', 'engine': 'ENGINE_OPENSSL'}}");
	expect_req("set crypto handler all ipsec-mb avx512",
		   "{'crypto_handler': {'all': true, 'engine': 'ENGINE_IPSEC_MB', 'arch': 'ARCH_AVX512'}}");
	expect_req("set crypto handler all auto", "{'crypto_handler': {'all': true, 'engine': 'ENGINE_AUTO'}}");
	expect_req("set crypto handler aes-gcm-256 native",
		   "{'crypto_handler': {'crypto_alg': 'AES_GCM_256', 'engine': 'ENGINE_NATIVE'}}");
	/* the parser does not know which algorithms an engine has: the service does */
	expect_req("set crypto handler sha-512-256 native",
		   "{'crypto_handler': {'integ_alg': 'SHA_512_256', 'engine': 'ENGINE_NATIVE'}}");
	expect_req("set crypto handler all native", "{'crypto_handler': {'all': true, 'engine': 'ENGINE_NATIVE'}}");
	expect_show("show crypto engines", CLI_VIEW_CRYPTO_ENGINES, 0, 0, "");
	expect_show("show crypto engine", CLI_VIEW_CRYPTO_ENGINES, 0, 0, "");

	expect_error("set crypto handler aes-xts-128 openssl",
		     "set crypto handler: expected 'alg' value, got 'aes-xts-128' (not an ESP algorithm or 'all')");
	expect_error("set crypto handler none openssl", "got 'none' (not an ESP algorithm or 'all')");
	expect_error("set crypto handler aes-gcm-128 qat",
		     "set crypto handler: expected one of 'ipsec-mb', 'openssl', 'native', 'auto', got 'qat'");
	expect_error("set crypto handler aes-gcm-128",
		     "expected one of 'ipsec-mb', 'openssl', 'native', 'auto', got end of line");
	expect_error("set crypto handler aes-gcm-128 ipsec-mb avx3", "got 'avx3'");
	expect_error("set crypto handler aes-gcm-128 ipsec-mb avx2 sse", "expected end of line, got 'sse'");
	expect_error("set crypto handler aes-gcm-128 openssl avx2",
		     "set crypto handler: code path 'avx2' is for engine ipsec-mb, not openssl");
	expect_error("set crypto handler all auto sse", "code path 'sse' is for engine ipsec-mb, not auto");
	expect_error("set crypto handler aes-gcm-128 native avx512",
		     "set crypto handler: code path 'avx512' is for engine ipsec-mb, not native");
	expect_error("set crypto handler aes-gcm-128 native openssl",
		     "expected one of 'sse', 'avx2', 'avx512', end of line, got 'openssl'");
	expect_error("set crypto handler", "expected 'alg' value, got end of line");
	expect_error("show crypto engines now", "expected end of line, got 'now'");
}

static void emit_count(void *ctx, const char *text)
{
	(void)text;
	(*(int *)ctx)++;
}

static void emit_cat(void *ctx, const char *text)
{
	strcat(ctx, text);
	strcat(ctx, "\n");
}

static void help_and_completion(void)
{
	static char buf[65536];
	int n = 0;
	char word[64];

	/* every row of the table compiles and shows in the full help (2+ lines each) */
	static struct pattern p;
	for (size_t i = 0; i < cmd_table_len; i++)
		CHECK(pattern_compile(cmd_table[i].pattern, &p) == 0 && cmd_table[i].help[0] && cmd_table[i].fn,
		      "row %zu: '%s'", i, cmd_table[i].pattern);
	int cmds = grammar_help("", emit_count, &n);
	CHECK(cmds == (int)cmd_table_len && n >= 2 * cmds, "help lists %d of %zu commands in %d lines", cmds,
	      cmd_table_len, n);
	buf[0] = '\0';
	CHECK(grammar_help("ipsec sa", emit_cat, buf) == 3, "help ipsec sa");
	CHECK(strstr(buf, "ipsec sa add <id> spi <spi>") && strstr(buf, "ipsec sa del <id>") &&
		      strstr(buf, "<crypto-alg>") && strstr(buf, "aes-gcm-256"),
	      "help ipsec sa text:\n%s", buf);
	buf[0] = '\0';
	grammar_complete("show ip", emit_cat, buf);
	CHECK(strcmp(buf, "  ip\n  ip6\n  ipsec\n") == 0, "complete 'show ip': '%s'", buf);
	buf[0] = '\0';
	grammar_complete("show ipsec ", emit_cat, buf);
	CHECK(strstr(buf, "  sa\n") && strstr(buf, "  spd\n") && strstr(buf, "  tunnel\n") && strstr(buf, "  <cr>\n"),
	      "complete 'show ipsec ': '%s'", buf);
	buf[0] = '\0';
	grammar_complete("ipsec sa add 10 spi ", emit_cat, buf);
	CHECK(strstr(buf, "<spi>") != NULL, "complete spi value: '%s'", buf);
	CHECK(grammar_complete_word("ipsec tun", word, sizeof(word)) == 0 && strcmp(word, "tunnel") == 0,
	      "complete word 'ipsec tun'");
	CHECK(grammar_complete_word("show i", word, sizeof(word)) == -1, "'show i' is ambiguous");

	struct cli_line l;
	char err[128];
	CHECK(grammar_parse("show ipsec ?", &l, err, sizeof(err)) == 0 && l.kind == CLI_HELP && l.complete &&
		      strcmp(l.arg, "show ipsec ") == 0,
	      "trailing ?");
	grammar_line_free(&l);
	CHECK(grammar_parse("help ipsec sa", &l, err, sizeof(err)) == 0 && l.kind == CLI_HELP && !l.complete &&
		      strcmp(l.arg, "ipsec sa") == 0,
	      "help topic");
	grammar_line_free(&l);
}

static void emit_append(void *ctx, const char *text)
{
	char **buf = ctx;
	size_t n = strlen(*buf);

	*buf = realloc(*buf, n + strlen(text) + 2);
	sprintf(*buf + n, "%s\n", text);
}

/* docs/cli.md carries the full 'ipsecctl help' text verbatim. */
static void docs_consistent(void)
{
	const char *src = getenv("GW_SRC");
	char path[512], *doc, *help = calloc(1, 1);
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/docs/cli.md", src ? src : ".");
	f = fopen(path, "r");
	CHECK(f != NULL, "cannot read %s", path);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	doc = calloc(1, (size_t)n + 1);
	CHECK(fread(doc, 1, (size_t)n, f) == (size_t)n, "read %s", path);
	fclose(f);
	grammar_help("", emit_append, &help);
	CHECK(strstr(doc, help) != NULL, "%s does not contain the output of 'ipsecctl help' verbatim", path);
	free(doc);
	free(help);
}

int main(void)
{
	seed_ipsec();
	seed_v4_over_v6();
	seed_ikev2();
	brief_forms();
	raw_fields();
	errors();
	crypto_engines();
	help_and_completion();
	docs_consistent();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

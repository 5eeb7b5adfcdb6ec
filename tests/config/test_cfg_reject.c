/* Bad input at the API: every case must be refused with its stable error
 * code, name the offending field (in Reply.field and in the message), and
 * leave the whole region byte-for-byte as it was (a copy of the mapping
 * taken before the request is compared after it). */
#include "cfg_test.h"

#define CA(x) IPSECGW__V1__CRYPTO_ALG__##x
#define IA(x) IPSECGW__V1__INTEG_ALG__##x
#define PA(x) IPSECGW__V1__POLICY_ACTION__##x
#define DIR(x) IPSECGW__V1__DIRECTION__##x
#define ID(x) IPSECGW__V1__IKE_ID_TYPE__ID_##x
#define AM(x) IPSECGW__V1__IKE_AUTH_METHOD__##x

static struct shm_region R;
static uint8_t *snap;
static int n_cases;

static void reject(struct cfg *c, int line, gw_env *e, int code, const char *field, const char *sub)
{
	uint64_t seq = cfg_events_seq(c), gen = atomic_load(&R.hdr->generation);
	cfg_reply *r;

	memcpy(snap, R.base, R.size);
	r = t_call(c, e);
	CHECK((int)r->code == code, "line %d: code %d, want %d (%s)", line, r->code, code, r->message ? r->message : "");
	CHECK(r->field && strcmp(r->field, field) == 0, "line %d: field '%s', want '%s'", line,
	      r->field ? r->field : "", field);
	CHECK(r->message && strncmp(r->message, field, strlen(field)) == 0 && strstr(r->message, sub),
	      "line %d: message '%s' must start with '%s' and contain '%s'", line, r->message ? r->message : "",
	      field, sub);
	CHECK(r->generation == gen && cfg_events_seq(c) == seq, "line %d: generation or event seq moved", line);
	if (memcmp(snap, R.base, R.size) != 0) {
		size_t off = 0;
		while (snap[off] == R.base[off])
			off++;
		CHECK(0, "line %d: region changed at offset %zu", line, off);
	}
	cfg_reply_free(r);
	n_cases++;
}

#define REJECT(e, code, field, sub) reject(c, __LINE__, (e), EC(code), (field), (sub))

static gw_env *sa_with(uint32_t id, void (*edit)(Ipsecgw__V1__SaSpec *))
{
	Ipsecgw__V1__SaSpec *s;
	gw_env *e = r_sa(id, 5000 + id, CA(AES_CBC_128), 16, IA(SHA1_96), 20, &s);

	edit(s);
	return e;
}

static void tun_src_only(Ipsecgw__V1__SaSpec *s)
{
	s->has_tunnel_src = 1;
	s->tunnel_src = t_ip("198.51.100.1");
}
static void tun_mixed(Ipsecgw__V1__SaSpec *s)
{
	tun_src_only(s);
	s->has_tunnel_dst = 1;
	s->tunnel_dst = t_ip("2001:db8::2");
}
static void window_100(Ipsecgw__V1__SaSpec *s)
{
	s->has_replay_window = 1;
	s->replay_window = 100;
}
static void window_8192(Ipsecgw__V1__SaSpec *s)
{
	s->has_replay_window = 1;
	s->replay_window = 8192;
}
static void window_0(Ipsecgw__V1__SaSpec *s)
{
	s->has_replay_window = 1;
	s->replay_window = 0;
}
static void udp_src_0(Ipsecgw__V1__SaSpec *s)
{
	s->has_udp_encap = s->udp_encap = 1;
	s->has_udp_src_port = 1;
	s->udp_src_port = 0;
}
static void udp_dst_big(Ipsecgw__V1__SaSpec *s)
{
	s->has_udp_encap = s->udp_encap = 1;
	s->has_udp_dst_port = 1;
	s->udp_dst_port = 70000;
}
static void udp_no_encap(Ipsecgw__V1__SaSpec *s)
{
	s->has_udp_src_port = 1;
	s->udp_src_port = 4500;
}
static void salt_cbc(Ipsecgw__V1__SaSpec *s)
{
	s->has_salt = 1;
	s->salt = 1;
}
static void crypto_42(Ipsecgw__V1__SaSpec *s)
{
	s->crypto_alg = 42;
}
static void integ_9(Ipsecgw__V1__SaSpec *s)
{
	s->integ_alg = 9;
}

static gw_env *pol_with(uint32_t spd, int action, void (*edit)(Ipsecgw__V1__PolicySpec *), int del)
{
	Ipsecgw__V1__PolicySpec *s;
	gw_env *e = r_policy(spd, DIR(INBOUND), 10, action, del, &s);

	if (edit)
		edit(s);
	return e;
}

static void p_sa10(Ipsecgw__V1__PolicySpec *s)
{
	s->has_sa_id = 1;
	s->sa_id = 10;
}
static void p_sa77(Ipsecgw__V1__PolicySpec *s)
{
	s->has_sa_id = 1;
	s->sa_id = 77;
}
static void p_protect_base(Ipsecgw__V1__PolicySpec *s)
{
	p_sa10(s);
	t_local(s, "192.0.2.4", "192.0.2.4");
	t_remote(s, "203.0.113.3", "203.0.113.3");
}
static void p_range_reversed(Ipsecgw__V1__PolicySpec *s)
{
	t_local(s, "192.0.2.9", "192.0.2.1");
}
static void p_v6_in_v4(Ipsecgw__V1__PolicySpec *s)
{
	t_local(s, "2001:db8::1", "2001:db8::9");
}
static void p_v4_in_v6(Ipsecgw__V1__PolicySpec *s)
{
	s->has_is_ipv6 = s->is_ipv6 = 1;
	t_remote(s, "192.0.2.1", "192.0.2.9");
}
static void p_local_start_only(Ipsecgw__V1__PolicySpec *s)
{
	s->has_local_start = 1;
	s->local_start = t_ip("192.0.2.1");
}
static void p_ports_any(Ipsecgw__V1__PolicySpec *s)
{
	s->has_local_port_start = s->has_local_port_end = 1;
	s->local_port_start = 80;
	s->local_port_end = 80;
}
static void p_ports_icmp(Ipsecgw__V1__PolicySpec *s)
{
	p_ports_any(s);
	s->has_protocol = 1;
	s->protocol = 1;
}
static void p_proto_256(Ipsecgw__V1__PolicySpec *s)
{
	s->has_protocol = 1;
	s->protocol = 256;
}
static void p_ports_reversed(Ipsecgw__V1__PolicySpec *s)
{
	s->has_protocol = 1;
	s->protocol = 17;
	s->has_remote_port_start = s->has_remote_port_end = 1;
	s->remote_port_start = 600;
	s->remote_port_end = 500;
}
static void p_port_big(Ipsecgw__V1__PolicySpec *s)
{
	s->has_protocol = 1;
	s->protocol = 6;
	s->has_local_port_start = s->has_local_port_end = 1;
	s->local_port_start = 1;
	s->local_port_end = 70000;
}
static void p_dir_5(Ipsecgw__V1__PolicySpec *s)
{
	s->direction = 5;
}

static gw_env *addr_raw(const char *name, const uint8_t *a, size_t n, uint32_t len)
{
	gw_env *e = r_addr(name, "192.0.2.77", len, 0);

	free(e->interface_address->prefix->addr.data);
	e->interface_address->prefix->addr = t_bytes(a, n);
	return e;
}

static gw_env *protect_n(const char *name, size_t n)
{
	uint32_t in[6] = { 11, 12, 13, 14, 15, 16 };

	return r_protect(name, 0, 0, in, n, 0);
}

static void setup(struct cfg *c)
{
	Ipsecgw__V1__PolicySpec *s;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 2 };
	gw_env *e;

	T_OK(c, r_port("wan0", "net_null0"));
	T_OK(c, r_loop(0, 0));
	T_OK(c, r_loop(0, 0));
	T_OK(c, r_addr("loop0", "192.0.2.1", 24, 0));
	T_OK(c, r_addr("loop0", "2001:db8::1", 64, 0));
	T_OK(c, r_neigh("loop0", "192.0.2.2", mac, 6, 0));
	T_OK(c, r_route("198.18.0.0", 15, "192.0.2.2", "loop0", 0));
	T_OK(c, r_sa_cbc(10, 1001));
	T_OK(c, r_sa_cbc(11, 1002));
	T_OK(c, r_sa(12, 1003, CA(AES_GCM_128), 20, IA(INTEG_NONE), 0, NULL));
	T_OK(c, r_spd(1, 0));
	T_OK(c, r_spd(2, 0));
	T_OK(c, r_spd(3, 0));
	T_OK(c, r_ifspd("loop0", 1, 0));
	T_OK(c, r_ifspd("loop1", 3, 0));
	e = r_policy(1, DIR(INBOUND), 10, PA(PROTECT), 0, &s);
	p_protect_base(s);
	T_OK(c, e);
	T_OK(c, r_tun(0, 0));
	T_OK(c, r_prof("pr1", 0));
}

static void cases_sa(struct cfg *c)
{
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 15, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "aes-cbc-128 needs a 16-byte key, got 15");
	REJECT(r_sa(20, 2000, CA(AES_CBC_192), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "aes-cbc-192 needs a 24-byte key, got 16");
	REJECT(r_sa(20, 2000, CA(AES_CBC_256), 31, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "aes-cbc-256 needs a 32-byte key, got 31");
	REJECT(r_sa(20, 2000, CA(AES_GCM_128), 18, IA(INTEG_NONE), 0, NULL), INVALID_ARGUMENT, "crypto_key",
	       "aes-gcm-128 needs a 16-byte key, or 20 bytes with the salt, got 18");
	REJECT(r_sa(20, 2000, CA(AES_CTR_256), 33, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "aes-ctr-256 needs a 32-byte key, or 36 bytes with the salt, got 33");
	REJECT(r_sa(20, 2000, CA(DES_CBC), 7, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "des-cbc needs a 8-byte key, got 7");
	REJECT(r_sa(20, 2000, CA(DES3_CBC), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "3des-cbc needs a 24-byte key, got 16");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 0, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "got 0");
	REJECT(r_sa(20, 2000, CA(CRYPTO_NONE), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "crypto_key",
	       "crypto-alg none takes no key");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(MD5_96), 8, NULL), INVALID_ARGUMENT, "integ_key",
	       "md5-96 needs a key of 16 to 64 bytes (16 recommended), got 8");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(SHA1_96), 15, NULL), INVALID_ARGUMENT, "integ_key",
	       "sha1-96 needs a key of 16 to 64 bytes (20 recommended), got 15");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(SHA_256_96), 65, NULL), INVALID_ARGUMENT, "integ_key",
	       "sha-256-96 needs a key of 16 to 64 bytes (32 recommended), got 65");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(SHA_256_128), 0, NULL), INVALID_ARGUMENT, "integ_key",
	       "sha-256-128 needs a key of 16 to 64 bytes (32 recommended), got 0");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(SHA_384_192), 12, NULL), INVALID_ARGUMENT, "integ_key",
	       "sha-384-192 needs a key of 16 to 64 bytes (48 recommended), got 12");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(SHA_512_256), 100, NULL), INVALID_ARGUMENT, "integ_key",
	       "sha-512-256 needs a key of 16 to 64 bytes (64 recommended), got 100");
	REJECT(r_sa(20, 2000, CA(AES_GCM_128), 16, IA(INTEG_NONE), 4, NULL), INVALID_ARGUMENT, "integ_key",
	       "integ-alg none takes no key");
	REJECT(r_sa(20, 2000, CA(AES_CBC_128), 16, IA(INTEG_NONE), 0, NULL), INVALID_ARGUMENT, "integ_alg",
	       "aes-cbc-128 needs an integrity algorithm: ESP encryption without integrity is not allowed");
	REJECT(r_sa(20, 2000, CA(AES_CTR_256), 36, IA(INTEG_NONE), 0, NULL), INVALID_ARGUMENT, "integ_alg",
	       "aes-ctr-256 needs an integrity algorithm");
	REJECT(r_sa(20, 2000, CA(CRYPTO_NONE), 0, IA(INTEG_NONE), 0, NULL), INVALID_ARGUMENT, "integ_alg",
	       "crypto-alg none needs an integrity algorithm");
	REJECT(r_sa(20, 2000, CA(AES_GCM_256), 32, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "integ_alg",
	       "aes-gcm-256 is an AEAD cipher and needs integ-alg none, got sha1-96");
	REJECT(sa_with(20, crypto_42), INVALID_ARGUMENT, "crypto_alg", "unknown value 42");
	REJECT(sa_with(20, integ_9), INVALID_ARGUMENT, "integ_alg", "unknown value 9");
	REJECT(r_sa(20, 0, CA(AES_CBC_128), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "spi",
	       "0 is not a valid SPI");
	REJECT(r_sa(20, 1, CA(AES_CBC_128), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "spi",
	       "1 is in 1..255, reserved");
	REJECT(r_sa(20, 255, CA(AES_CBC_128), 16, IA(SHA1_96), 20, NULL), INVALID_ARGUMENT, "spi", "255 is in 1..255");
	REJECT(r_sa_cbc(10, 3000), ALREADY_EXISTS, "sa_id", "SA 10 already exists");
	REJECT(sa_with(20, tun_src_only), INVALID_ARGUMENT, "tunnel_dst", "needs both tunnel_src and tunnel_dst");
	REJECT(sa_with(20, tun_mixed), INVALID_ARGUMENT, "tunnel_dst", "address family mismatch");
	REJECT(sa_with(20, window_100), INVALID_ARGUMENT, "replay_window", "multiple of 64 in 0..4096, got 100");
	REJECT(sa_with(20, window_8192), INVALID_ARGUMENT, "replay_window", "got 8192");
	REJECT(sa_with(20, window_0), INVALID_ARGUMENT, "replay_window", "0 needs anti_replay off");
	REJECT(sa_with(20, udp_src_0), INVALID_ARGUMENT, "udp_src_port", "must be 1..65535, got 0");
	REJECT(sa_with(20, udp_dst_big), INVALID_ARGUMENT, "udp_dst_port", "must be 1..65535, got 70000");
	REJECT(sa_with(20, udp_no_encap), INVALID_ARGUMENT, "udp_src_port", "only with udp_encap");
	REJECT(sa_with(20, salt_cbc), INVALID_ARGUMENT, "salt", "only aes-ctr and aes-gcm take a salt");
	REJECT(({
		       Ipsecgw__V1__SaSpec *s;
		       gw_env *e = r_sa(20, 2000, CA(AES_GCM_128), 20, IA(INTEG_NONE), 0, &s);
		       s->has_salt = 1;
		       e;
	       }),
	       INVALID_ARGUMENT, "salt", "given twice");
	REJECT(r_sa_del(10), IN_USE, "sa_id", "policy 0 of SPD 1 protects with it");
	REJECT(r_sa_del(999), NOT_FOUND, "sa_id", "no SA 999");
	REJECT(r_sa_key(10, 17, 0, 1), INVALID_ARGUMENT, "crypto_key", "aes-cbc-128 needs a 16-byte key, got 17");
	REJECT(r_sa_key(10, 0, 65, 1), INVALID_ARGUMENT, "integ_key", "sha1-96 needs a key of 16 to 64 bytes (20 recommended), got 65");
	REJECT(r_sa_key(10, 0, 0, 1), INVALID_ARGUMENT, "crypto_key", "nothing to set");
	REJECT(r_sa_key(12, 24, 0, 1), INVALID_ARGUMENT, "crypto_key", "aes-gcm-128 needs a 16-byte key");
	REJECT(r_sa_key(998, 16, 0, 1), NOT_FOUND, "sa_id", "no SA 998");
}

static void cases_spd(struct cfg *c)
{
	REJECT(r_spd(1, 0), ALREADY_EXISTS, "spd_id", "SPD 1 already exists");
	REJECT(r_spd(1, 1), FAILED_PRECONDITION, "spd_id", "SPD 1 still has 1 policies");
	REJECT(r_spd(3, 1), IN_USE, "spd_id", "SPD 3 is bound to interface loop1");
	REJECT(r_spd(99, 1), NOT_FOUND, "spd_id", "no SPD 99");
	REJECT(pol_with(9, PA(BYPASS), NULL, 0), NOT_FOUND, "spd_id", "no SPD 9");
	REJECT(pol_with(2, PA(PROTECT), p_sa77, 0), NOT_FOUND, "sa_id", "no SA 77");
	REJECT(pol_with(2, PA(PROTECT), NULL, 0), INVALID_ARGUMENT, "sa_id", "action protect needs an SA");
	REJECT(pol_with(2, PA(BYPASS), p_sa10, 0), INVALID_ARGUMENT, "sa_id", "only action protect takes an SA");
	REJECT(pol_with(2, PA(DISCARD), p_sa10, 0), INVALID_ARGUMENT, "sa_id", "not action discard");
	REJECT(pol_with(2, 9, NULL, 0), INVALID_ARGUMENT, "action", "unknown value 9");
	REJECT(pol_with(2, PA(BYPASS), p_dir_5, 0), INVALID_ARGUMENT, "direction", "unknown value 5");
	REJECT(pol_with(2, PA(BYPASS), p_range_reversed, 0), INVALID_ARGUMENT, "local_start",
	       "range start 192.0.2.9 is above its end 192.0.2.1");
	REJECT(pol_with(2, PA(BYPASS), p_v6_in_v4, 0), INVALID_ARGUMENT, "local_start",
	       "an ip6 address in an ip4 policy");
	REJECT(pol_with(2, PA(BYPASS), p_v4_in_v6, 0), INVALID_ARGUMENT, "remote_start",
	       "an ip4 address in an ip6 policy");
	REJECT(pol_with(2, PA(BYPASS), p_local_start_only, 0), INVALID_ARGUMENT, "local_end",
	       "needs both local_start and local_end");
	REJECT(pol_with(2, PA(BYPASS), p_ports_any, 0), INVALID_ARGUMENT, "local_port_start",
	       "protocol any has no ports");
	REJECT(pol_with(2, PA(BYPASS), p_ports_icmp, 0), INVALID_ARGUMENT, "local_port_start",
	       "protocol 1 has no ports");
	REJECT(pol_with(2, PA(BYPASS), p_proto_256, 0), INVALID_ARGUMENT, "protocol", "0..255, got 256");
	REJECT(pol_with(2, PA(BYPASS), p_ports_reversed, 0), INVALID_ARGUMENT, "remote_port_start",
	       "range start 600 is above its end 500");
	REJECT(pol_with(2, PA(BYPASS), p_port_big, 0), INVALID_ARGUMENT, "local_port_end", "0..65535, got 70000");
	REJECT(pol_with(1, PA(PROTECT), p_protect_base, 0), ALREADY_EXISTS, "spec", "identical policy");
	REJECT(pol_with(1, PA(BYPASS), NULL, 1), NOT_FOUND, "spec", "no policy of SPD 1 matches");
	REJECT(r_ifspd("eth9", 1, 0), NOT_FOUND, "name", "no interface named 'eth9'");
	REJECT(r_ifspd("wan0", 42, 0), NOT_FOUND, "spd_id", "no SPD 42");
	REJECT(r_ifspd("loop0", 2, 0), FAILED_PRECONDITION, "name", "loop0 is bound to SPD 1");
	REJECT(r_ifspd("loop0", 1, 0), ALREADY_EXISTS, "spd_id", "already bound to SPD 1");
	REJECT(r_ifspd("wan0", 1, 1), NOT_FOUND, "spd_id", "wan0 is not bound to SPD 1");
}

static void cases_ifc(struct cfg *c)
{
	static const uint8_t five[5] = { 192, 0, 2, 1, 0 };
	uint8_t mac0[6] = { 0 }, mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 }, mac[6] = { 2, 0, 0, 0, 0, 9 };

	REJECT(r_addr("loop0", "192.0.2.5", 33, 0), INVALID_ARGUMENT, "prefix", "prefix length 33 is above 32 for ip4");
	REJECT(r_addr("loop0", "2001:db8::5", 129, 0), INVALID_ARGUMENT, "prefix", "above 128 for ip6");
	REJECT(r_addr("loop0", "192.0.2.1", 24, 0), ALREADY_EXISTS, "prefix", "192.0.2.1 is already an address of loop0");
	REJECT(r_addr("loop1", "192.0.2.7", 28, 0), FAILED_PRECONDITION, "prefix",
	       "192.0.2.7/28 overlaps 192.0.2.1/24 of loop0");
	REJECT(r_addr("loop1", "224.0.0.1", 24, 0), INVALID_ARGUMENT, "prefix", "multicast");
	REJECT(r_addr("loop1", "0.0.0.0", 8, 0), INVALID_ARGUMENT, "prefix", "unspecified");
	REJECT(r_addr("loop1", "198.51.100.1", 0, 0), INVALID_ARGUMENT, "prefix", "prefix length of 1..32");
	REJECT(r_addr("loop0", "192.0.2.1", 25, 1), NOT_FOUND, "prefix", "192.0.2.1/25 is not an address of loop0");
	REJECT(r_addr("eth7", "192.0.2.1", 24, 0), NOT_FOUND, "name", "no interface named 'eth7'");
	REJECT(addr_raw("loop1", five, 5, 24), INVALID_ARGUMENT, "prefix", "4 (ip4) or 16 (ip6) bytes, got 5");
	REJECT(r_route("198.51.100.1", 24, "192.0.2.2", NULL, 0), INVALID_ARGUMENT, "prefix",
	       "198.51.100.1/24 has host bits set; the network is 198.51.100.0/24");
	REJECT(r_route("2001:db8:2::1", 64, NULL, "loop0", 0), INVALID_ARGUMENT, "prefix", "host bits set");
	REJECT(r_route("198.51.100.0", 24, "2001:db8::2", NULL, 0), INVALID_ARGUMENT, "via",
	       "an ip6 next hop for an ip4 prefix");
	REJECT(r_route("198.51.100.0", 24, NULL, NULL, 0), INVALID_ARGUMENT, "via", "needs a next hop (via)");
	REJECT(r_route("198.51.100.0", 24, NULL, "eth3", 0), NOT_FOUND, "interface", "no interface named 'eth3'");
	REJECT(r_route("198.51.100.0", 40, "192.0.2.2", NULL, 0), INVALID_ARGUMENT, "prefix", "40 is above 32");
	REJECT(r_route("198.18.0.0", 15, "192.0.2.2", "loop0", 0), ALREADY_EXISTS, "prefix", "exists");
	REJECT(r_route("198.51.100.0", 24, "192.0.2.2", NULL, 1), NOT_FOUND, "prefix", "no route 198.51.100.0/24");
	REJECT(r_route("198.51.100.0", 24, "224.0.0.5", NULL, 0), INVALID_ARGUMENT, "via", "multicast");
	REJECT(r_neigh("loop0", "192.0.2.3", mac0, 6, 0), INVALID_ARGUMENT, "mac", "00:00:00:00:00:00");
	REJECT(r_neigh("loop0", "192.0.2.3", mcast, 6, 0), INVALID_ARGUMENT, "mac",
	       "01:00:5e:00:00:01 is a multicast/broadcast address");
	REJECT(r_neigh("loop0", "192.0.2.3", mac, 5, 0), INVALID_ARGUMENT, "mac", "6-byte MAC address, got 5");
	REJECT(r_neigh("loop0", "192.0.2.3", NULL, 0, 0), INVALID_ARGUMENT, "mac", "got 0");
	REJECT(r_neigh("loop0", "192.0.2.3", NULL, 0, 1), NOT_FOUND, "ip", "no static neighbor 192.0.2.3 on loop0");
	REJECT(r_neigh("loop0", "255.255.255.255", mac, 6, 0), INVALID_ARGUMENT, "ip", "broadcast");
	REJECT(r_unnum("loop1", "loop1", 0), INVALID_ARGUMENT, "use", "cannot be unnumbered to itself");
	REJECT(r_unnum("loop1", "loop9", 0), NOT_FOUND, "use", "no interface named 'loop9'");
	REJECT(r_unnum("loop1", NULL, 0), INVALID_ARGUMENT, "use", "required");
	REJECT(r_unnum("loop0", "loop1", 0), FAILED_PRECONDITION, "name", "loop0 has addresses of its own");
	REJECT(r_unnum("loop1", NULL, 1), NOT_FOUND, "name", "loop1 is not unnumbered");
	REJECT(r_loop_del("wan0"), FAILED_PRECONDITION, "name", "wan0 is a port, not a loopback");
	REJECT(r_loop_del("ipsec0"), FAILED_PRECONDITION, "name", "not a loopback");
	REJECT(r_loop_del("loop0"), IN_USE, "name", "loop0 is in use: it has address 192.0.2.1/24");
	REJECT(r_loop(1, 1), ALREADY_EXISTS, "instance", "loop1 already exists");
	REJECT(r_port("0bad", "net_null1"), INVALID_ARGUMENT, "name", "must start with a letter");
	REJECT(r_port("bad name", "net_null1"), INVALID_ARGUMENT, "name", "only letters, digits");
	REJECT(r_port("loop5", "net_null1"), INVALID_ARGUMENT, "name", "form of a created interface name");
	REJECT(r_port("ipsec12", "net_null1"), INVALID_ARGUMENT, "name", "form of a created interface name");
	REJECT(r_port("TenGigabitEthernet0/1/0/extra/long", "net_null1"), INVALID_ARGUMENT, "name",
	       "at most 31 characters, got 34");
	REJECT(r_port("", "net_null1"), INVALID_ARGUMENT, "name", "required");
	REJECT(r_port("wan0", "net_null1"), ALREADY_EXISTS, "name", "interface 'wan0' already exists");
	REJECT(r_port("wan1", "net_null0"), ALREADY_EXISTS, "devargs", "'net_null0' is already port wan0");
	REJECT(r_port("wan1", "net null"), INVALID_ARGUMENT, "devargs", "without spaces");
	REJECT(r_mtu("loop0", 20), INVALID_ARGUMENT, "mtu", "must be 68..9216, got 20");
	REJECT(r_mtu("loop0", 65000), INVALID_ARGUMENT, "mtu", "got 65000");
	REJECT(r_state("nope0", 1), NOT_FOUND, "name", "no interface named 'nope0'");
	REJECT(r_protect("ipsec0", 1, 404, NULL, 0, 0), NOT_FOUND, "sa_out", "no SA 404");
	REJECT(r_protect("ipsec0", 1, 10, (const uint32_t[]){ 10 }, 1, 0), INVALID_ARGUMENT, "sa_in", "also sa_out");
	REJECT(r_protect("ipsec0", 0, 0, (const uint32_t[]){ 11, 11 }, 2, 0), INVALID_ARGUMENT, "sa_in", "listed twice");
	REJECT(r_protect("loop0", 1, 10, NULL, 0, 0), FAILED_PRECONDITION, "name", "not an IPsec tunnel interface");
	REJECT(protect_n("ipsec0", 5), INVALID_ARGUMENT, "sa_in", "at most 4 inbound SAs, got 5");
	REJECT(r_protect("ipsec0", 0, 0, NULL, 0, 0), INVALID_ARGUMENT, "sa_out", "give sa_out, sa_in or both");
	REJECT(r_protect("ipsec0", 0, 0, NULL, 0, 1), NOT_FOUND, "name", "ipsec0 is not protected");
	REJECT(r_tun_del("loop1"), FAILED_PRECONDITION, "name", "loop1 is not an IPsec tunnel interface");
	REJECT(r_tun(1, 0), ALREADY_EXISTS, "instance", "ipsec0 already exists");
}

static void cases_ikev2(struct cfg *c)
{
	char big[300];

	memset(big, 'k', sizeof(big));
	REJECT(r_prof("pr1", 0), ALREADY_EXISTS, "name", "IKEv2 profile pr1 already exists");
	REJECT(r_prof("p234567890123456789012345678901234567890123456789012345678901234", 0), INVALID_ARGUMENT,
	       "name", "at most 63 characters, got 64");
	REJECT(r_prof("-pr", 0), INVALID_ARGUMENT, "name", "starting with a letter or digit");
	REJECT(r_prof("pr9", 1), NOT_FOUND, "name", "no IKEv2 profile pr9");
	REJECT(r_auth("pr9", AM(SHARED_KEY_MIC), "x", NULL), NOT_FOUND, "name", "no IKEv2 profile pr9");
	REJECT(r_auth("pr1", AM(SHARED_KEY_MIC), "", NULL), INVALID_ARGUMENT, "data",
	       "shared-key-mic needs a key of 1..256 bytes, got 0");
	REJECT(r_auth("pr1", AM(RSA_SIG), NULL, NULL), INVALID_ARGUMENT, "cert_file", "rsa-sig needs");
	REJECT(r_auth("pr1", AM(RSA_SIG), NULL, "certs/peer.pem"), INVALID_ARGUMENT, "cert_file", "absolute path");
	REJECT(r_auth("pr1", 7, NULL, NULL), INVALID_ARGUMENT, "method", "unknown value 7");
	REJECT(r_id("pr1", 1, ID(IP4_ADDR), "\xc0\x00\x02\x01\x00", 5), INVALID_ARGUMENT, "data",
	       "an ip4-addr id is 4 bytes, got 5");
	REJECT(r_id("pr1", 1, ID(IP6_ADDR), "\xc0\x00\x02\x01", 4), INVALID_ARGUMENT, "data",
	       "an ip6-addr id is 16 bytes, got 4");
	REJECT(r_id("pr1", 1, ID(FQDN), "vpp home", 8), INVALID_ARGUMENT, "data", "printable text without spaces");
	REJECT(r_id("pr1", 1, ID(FQDN), "", 0), INVALID_ARGUMENT, "data", "1..255 characters, got 0");
	REJECT(r_id("pr1", 1, ID(RFC822), "vpp.home", 8), INVALID_ARGUMENT, "data", "no '@' found");
	REJECT(r_id("pr1", 1, ID(KEY_ID), big, 257), INVALID_ARGUMENT, "data", "a key-id is 1..256 bytes, got 257");
	REJECT(r_id("pr1", 1, 4, "x", 1), INVALID_ARGUMENT, "type", "unknown value 4");
	REJECT(r_id("pr1", 1, ID(NONE), "x", 1), INVALID_ARGUMENT, "type", "an id type is required");
	REJECT(r_ts("pr1", 1, "192.0.2.9", "192.0.2.1", 0, 0, 0, 0, 0), INVALID_ARGUMENT, "start",
	       "range start 192.0.2.9 is above its end 192.0.2.1");
	REJECT(r_ts("pr1", 1, "192.0.2.1", "2001:db8::1", 0, 0, 0, 0, 0), INVALID_ARGUMENT, "end",
	       "address family mismatch");
	REJECT(r_ts("pr1", 1, "192.0.2.1", "192.0.2.9", 1, 0, 70000, 0, 0), INVALID_ARGUMENT, "port_end",
	       "0..65535, got 70000");
	REJECT(r_ts("pr1", 1, "192.0.2.1", "192.0.2.9", 1, 9, 8, 0, 0), INVALID_ARGUMENT, "port_start",
	       "range start 9 is above its end 8");
	REJECT(r_ts("pr1", 1, "192.0.2.1", "192.0.2.9", 0, 0, 0, 1, 300), INVALID_ARGUMENT, "protocol", "got 300");
	REJECT(r_life("pr1", 10, 0, 0, 0), INVALID_ARGUMENT, "lifetime", "must be 60..31536000 seconds, got 10");
	REJECT(r_life("pr1", 40000000, 0, 0, 0), INVALID_ARGUMENT, "lifetime", "got 40000000");
	REJECT(r_life("pr1", 3600, 3600, 0, 0), INVALID_ARGUMENT, "jitter", "below the lifetime 3600");
	REJECT(r_life("pr1", 3600, 10, 4000, 0), INVALID_ARGUMENT, "handover", "below the lifetime");
	REJECT(r_xforms("pr1", 0, 7, -1, 2, 14), INVALID_ARGUMENT, "encr", "unknown IKEv2 ENCR id 7");
	REJECT(r_xforms("pr1", 0, -1, -1, 2, 14), INVALID_ARGUMENT, "encr", "IKE needs an encryption algorithm");
	REJECT(r_xforms("pr1", 0, 12, 100, 2, 14), INVALID_ARGUMENT, "key_bits", "128, 192 or 256 bits, got 100");
	REJECT(r_xforms("pr1", 0, 12, -1, 2, 14), INVALID_ARGUMENT, "key_bits", "aes-cbc needs a key size");
	REJECT(r_xforms("pr1", 0, 3, 192, 2, 14), INVALID_ARGUMENT, "key_bits", "3des has a fixed key size");
	REJECT(r_xforms("pr1", 0, 12, 256, 5, 14), INVALID_ARGUMENT, "integ", "unknown IKEv2 INTEG id 5");
	REJECT(r_xforms("pr1", 0, 12, 256, -1, 14), INVALID_ARGUMENT, "integ", "aes-cbc needs an integrity algorithm");
	REJECT(r_xforms("pr1", 0, 12, 256, 2, 3), INVALID_ARGUMENT, "dh_group", "unknown DH group 3");
	REJECT(r_xforms("pr1", 0, 12, 256, 2, 26), INVALID_ARGUMENT, "dh_group", "unknown DH group 26");
	REJECT(r_xforms("pr1", 0, 12, 256, 2, -1), INVALID_ARGUMENT, "dh_group", "IKE needs a DH group");
	REJECT(r_xforms("pr1", 1, 20, 128, 2, -1), INVALID_ARGUMENT, "integ", "aes-gcm-16 is an AEAD cipher");
	REJECT(r_resp("pr1", "eth5", "192.0.2.1"), NOT_FOUND, "interface", "no interface named 'eth5'");
	REJECT(r_resp("pr1", "loop0", "0.0.0.0"), INVALID_ARGUMENT, "addr", "unspecified");
	REJECT(r_lkey("server-key.pem"), INVALID_ARGUMENT, "file", "must be an absolute path");
	REJECT(r_lkey("/etc/\x01key"), INVALID_ARGUMENT, "file", "printable");
	REJECT(r_init(0, "pr1", 0, 0), UNAVAILABLE, "kind", "ipsecgw-ikev2 is not running");
	REJECT(r_init(0, "pr7", 0, 0), NOT_FOUND, "profile", "no IKEv2 profile pr7");
	REJECT(r_init(0, NULL, 0, 0), INVALID_ARGUMENT, "profile", "sa-init needs a profile");
	REJECT(r_init(2, NULL, 0, 0), INVALID_ARGUMENT, "spi", "names an SA by its SPI");
	REJECT(r_init(6, "pr1", 0, 0), INVALID_ARGUMENT, "kind", "unknown value 6");
}

static void cases_other(struct cfg *c)
{
	gw_env *e;

	REJECT(r_clear(9), INVALID_ARGUMENT, "what", "unknown value 9");
	REJECT(r_dump(12, 0, 0, 0, 0, 0), INVALID_ARGUMENT, "what", "unknown value 12");
	REJECT(r_dump(IPSECGW__V1__DUMP__WHAT__SPDS, 1, 404, 0, 0, 0), NOT_FOUND, "id", "no SPD 404");
	REJECT(r_dump(IPSECGW__V1__DUMP__WHAT__SAS, 0, 0, 0, 1, 0), INVALID_ARGUMENT, "cursor", "not a cursor");
	e = r_spd(5, 0);
	e->api_version = 3;
	REJECT(e, UNSUPPORTED_VERSION, "api_version", "got 3");
	REJECT(t_env(B(SPD), NULL), MALFORMED, "body", "missing");
	REJECT(t_env(B(_NOT_SET), NULL), MALFORMED, "body", "not a request");
}

#define ENG(x) IPSECGW__V1__CRYPTO_ENGINE__ENGINE_##x
#define ARCH(x) IPSECGW__V1__CRYPTO_ARCH__ARCH_##x

/* What a dataplane without AVX-512 publishes; des-cbc without OpenSSL and
 * 3des-cbc without intel-ipsec-mb, for the availability checks; the native
 * engine for AES-GCM only (as on a CPU with VAES and VPCLMULQDQ). */
static void engine_rows(void)
{
	for (int integ = 0; integ < 2; integ++)
		for (unsigned a = 1; a < (integ ? SHM_INTEG_N : SHM_CRYPTO_N); a++) {
			struct shm_engine_rt x = { .h.in_use = 1, .integ = (uint8_t)integ, .alg = (uint8_t)a,
						   .ns_per_pkt = { 100, 90, 0 }, .ns_ossl = 200, .arch = 1 };
			if (!integ && a == SHM_CRYPTO_DES_CBC)
				x.ns_ossl = 0;
			if (!integ && a == SHM_CRYPTO_3DES_CBC)
				x.ns_per_pkt[0] = x.ns_per_pkt[1] = 0, x.engine = 1;
			if (!integ && (a == SHM_CRYPTO_AES_GCM_128 || a == SHM_CRYPTO_AES_GCM_192 ||
				       a == SHM_CRYPTO_AES_GCM_256))
				x.ns_native = 60;
			shm_rec_write(shm_rec(&R, SHM_T_ENGINE_RT, (integ ? SHM_CRYPTO_N : 0) + a), &x, sizeof(x));
		}
}

static void cases_engine(struct cfg *c)
{
	/* the target */
	REJECT(r_handler(-1, -1, 0, ENG(OPENSSL), -1), INVALID_ARGUMENT, "crypto_alg",
	       "give exactly one of crypto_alg, integ_alg and all");
	REJECT(r_handler(CA(AES_GCM_128), IA(SHA1_96), 0, ENG(OPENSSL), -1), INVALID_ARGUMENT, "crypto_alg",
	       "exactly one");
	REJECT(r_handler(CA(AES_GCM_128), -1, 1, ENG(OPENSSL), -1), INVALID_ARGUMENT, "crypto_alg", "exactly one");
	REJECT(r_handler(CA(CRYPTO_NONE), -1, 0, ENG(OPENSSL), -1), INVALID_ARGUMENT, "crypto_alg",
	       "'none' uses no crypto engine");
	REJECT(r_handler(12, -1, 0, ENG(OPENSSL), -1), INVALID_ARGUMENT, "crypto_alg", "unknown crypto algorithm 12");
	REJECT(r_handler(-1, IA(INTEG_NONE), 0, ENG(AUTO), -1), INVALID_ARGUMENT, "integ_alg", "'none' uses no");
	REJECT(r_handler(-1, 7, 0, ENG(AUTO), -1), INVALID_ARGUMENT, "integ_alg", "unknown integrity algorithm 7");
	/* engine and code path */
	REJECT(r_handler(CA(AES_GCM_128), -1, 0, 4, -1), INVALID_ARGUMENT, "engine",
	       "unknown engine 4 (auto, ipsec-mb, openssl or native)");
	REJECT(r_handler(CA(AES_GCM_128), -1, 0, ENG(IPSEC_MB), 4), INVALID_ARGUMENT, "arch", "unknown code path 4");
	REJECT(r_handler(CA(AES_GCM_128), -1, 0, ENG(OPENSSL), ARCH(AVX2)), INVALID_ARGUMENT, "arch",
	       "a code path (avx2) goes with engine ipsec-mb, not openssl");
	REJECT(r_handler(-1, -1, 1, ENG(AUTO), ARCH(SSE)), INVALID_ARGUMENT, "arch", "not auto");
	REJECT(r_handler(CA(AES_GCM_256), -1, 0, ENG(NATIVE), ARCH(AVX512)), INVALID_ARGUMENT, "arch",
	       "a code path (avx512) goes with engine ipsec-mb, not native");
	/* nothing published yet: accepted (the dataplane logs what it cannot
	 * do); published: refused up front */
	engine_rows();
	REJECT(r_handler(CA(AES_GCM_128), -1, 0, ENG(IPSEC_MB), ARCH(AVX512)), FAILED_PRECONDITION, "arch",
	       "the avx512 code path of ipsec-mb is not available for aes-gcm-128 on this CPU");
	REJECT(r_handler(-1, -1, 1, ENG(IPSEC_MB), ARCH(AVX512)), FAILED_PRECONDITION, "arch",
	       "not available for aes-cbc-128");
	REJECT(r_handler(-1, IA(SHA_512_256), 0, ENG(IPSEC_MB), ARCH(AVX512)), FAILED_PRECONDITION, "arch",
	       "for sha-512-256");
	REJECT(r_handler(CA(DES_CBC), -1, 0, ENG(OPENSSL), -1), FAILED_PRECONDITION, "engine",
	       "no openssl implementation of des-cbc");
	REJECT(r_handler(-1, -1, 1, ENG(OPENSSL), -1), FAILED_PRECONDITION, "engine", "des-cbc");
	REJECT(r_handler(CA(DES3_CBC), -1, 0, ENG(IPSEC_MB), -1), FAILED_PRECONDITION, "engine",
	       "ipsec-mb has no usable code path for 3des-cbc");
	/* native: where the dataplane published no native cost, refused; all
	 * native as all openssl: the whole request, for the first algorithm
	 * without it */
	REJECT(r_handler(CA(AES_CBC_128), -1, 0, ENG(NATIVE), -1), FAILED_PRECONDITION, "engine",
	       "the dataplane has no native implementation of aes-cbc-128 "
	       "(native: AES-GCM on CPUs with VAES and VPCLMULQDQ)");
	REJECT(r_handler(-1, IA(SHA_256_128), 0, ENG(NATIVE), -1), FAILED_PRECONDITION, "engine",
	       "no native implementation of sha-256-128");
	REJECT(r_handler(-1, -1, 1, ENG(NATIVE), -1), FAILED_PRECONDITION, "engine",
	       "no native implementation of aes-cbc-128");
	/* the dump: one reply, so no cursor */
	REJECT(r_dump(IPSECGW__V1__DUMP__WHAT__CRYPTO_ENGINES, 0, 0, 0, 1, 5), INVALID_ARGUMENT, "cursor",
	       "5 is not a cursor of this dump");
	/* where the dataplane measured the native engine: accepted */
	T_OK(c, r_handler(CA(AES_GCM_128), -1, 0, ENG(NATIVE), -1));
	T_OK(c, r_handler(CA(AES_GCM_256), -1, 0, ENG(NATIVE), -1));
	CHECK(((const struct shm_global *)shm_rec(&R, SHM_T_GLOBAL, 0))->crypto_engine[SHM_CRYPTO_AES_GCM_256] ==
		      ENG(NATIVE), "aes-gcm-256 native not stored");
}

/* Full tables: RESOURCE_EXHAUSTED, and still nothing written. */
static void cases_full(struct cfg *c)
{
	char name[16];

	for (int i = 2; i <= SHM_MAX_PROFILE; i++) {
		snprintf(name, sizeof(name), "pr%d", i);
		T_OK(c, r_prof(name, 0));
	}
	REJECT(r_prof("one-more", 0), RESOURCE_EXHAUSTED, "name", "the IKEv2 profile table is full (64)");
	for (int i = 4; i <= SHM_MAX_SPD; i++)
		T_OK(c, r_spd((uint32_t)i, 0));
	REJECT(r_spd(100000, 0), RESOURCE_EXHAUSTED, "spd_id", "the SPD table is full (256)");
	for (int i = 0; i < SHM_MAX_IFC - 4; i++)
		T_OK(c, r_loop(0, 0));
	REJECT(r_loop(0, 0), RESOURCE_EXHAUSTED, "instance", "the interface table is full (16384)");
	REJECT(r_tun(0, 0), RESOURCE_EXHAUSTED, "instance", "the interface table is full");
	REJECT(r_port("wan9", "net_null9"), RESOURCE_EXHAUSTED, "name", "the interface table is full");
}

int main(void)
{
	char err[256];
	struct cfg *c;

	tmpregion_setup();
	CHECK(shm_region_create(&R, "reject", 0, err, sizeof(err)) == 0, "%s", err);
	snap = malloc(R.size);
	CHECK(snap, "malloc %zu", R.size);
	c = cfg_open(&R, NULL);
	CHECK(c, "cfg_open");
	setup(c);
	cases_sa(c);
	cases_spd(c);
	cases_ifc(c);
	cases_ikev2(c);
	cases_other(c);
	cases_engine(c);
	cases_full(c);
	cfg_close(c);
	free(snap);
	shm_region_detach(&R);
	printf("reject: %d cases ok, region unchanged by each\n", n_cases);
	CHECK(n_cases >= 40, "only %d cases", n_cases);
	return 0;
}

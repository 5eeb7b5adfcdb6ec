/* cfg_dispatch in-process, no sockets: requests in, replies and region
 * records checked field by field. Every accepted change must bump the
 * generation and the event sequence by exactly one. */
#include "cfg_test.h"

#define CA(x) IPSECGW__V1__CRYPTO_ALG__##x
#define IA(x) IPSECGW__V1__INTEG_ALG__##x
#define DW(x) IPSECGW__V1__DUMP__WHAT__##x
#define PA(x) IPSECGW__V1__POLICY_ACTION__##x
#define DIR(x) IPSECGW__V1__DIRECTION__##x

static struct shm_region R;
static uint64_t gen = 1, seq;

/* An accepted change: OK, generation + 1, event seq + 1. Reply returned. */
static cfg_reply *change(struct cfg *c, gw_env *e)
{
	cfg_reply *r = t_call(c, e);

	CHECK(r->code == EC(OK), "expected OK, got %d: %s", r->code, r->message ? r->message : "");
	CHECK(r->has_generation && r->generation == gen + 1, "generation %llu, want %llu",
	      (unsigned long long)r->generation, (unsigned long long)gen + 1);
	CHECK(r->event_seq == seq + 1, "event_seq %llu, want %llu", (unsigned long long)r->event_seq,
	      (unsigned long long)seq + 1);
	CHECK(atomic_load(&R.hdr->generation) == gen + 1, "region generation");
	gen++;
	seq++;
	return r;
}

static void chg(struct cfg *c, gw_env *e)
{
	cfg_reply_free(change(c, e));
}

/* A read-only request: OK, nothing moves. */
static cfg_reply *query(struct cfg *c, gw_env *e)
{
	cfg_reply *r = t_call(c, e);

	CHECK(r->code == EC(OK), "expected OK, got %d: %s", r->code, r->message ? r->message : "");
	CHECK(r->generation == gen && r->event_seq == seq, "a query changed generation/seq");
	return r;
}

static int32_t ifc_index(const char *name)
{
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		const struct shm_ifc *f = shm_rec(&R, SHM_T_IFC, i);
		if (f->h.in_use && strcmp(f->name, name) == 0)
			return (int32_t)i;
	}
	return -1;
}

static const struct shm_ifc *ifc(const char *name)
{
	int32_t i = ifc_index(name);

	CHECK(i >= 0, "no interface %s in the region", name);
	return shm_rec(&R, SHM_T_IFC, (uint32_t)i);
}

static uint32_t sa_index(uint32_t id)
{
	for (uint32_t i = 0; i < SHM_MAX_SA; i++) {
		const struct shm_sa *s = shm_rec(&R, SHM_T_SA, i);
		if (s->h.in_use && s->sa_id == id)
			return i;
	}
	CHECK(0, "no SA %u in the region", id);
	return 0;
}

static const struct shm_sa *sa(uint32_t id)
{
	return shm_rec(&R, SHM_T_SA, sa_index(id));
}

static int zeroed(const void *rec, size_t n)
{
	const uint8_t *b = rec;

	for (size_t i = 4; i < n; i++) /* after the seqlock */
		if (b[i])
			return 0;
	return 1;
}

static int count_in_use(enum shm_table t)
{
	int n = 0;

	for (uint32_t i = 0; i < shm_capacity(&R, t); i++)
		n += ((const struct shm_rec_hdr *)shm_rec(&R, t, i))->in_use != 0;
	return n;
}

static void check_key(const uint8_t *k, unsigned seed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(k[i] == (uint8_t)(seed + i), "key byte %zu: %02x, want %02x", i, k[i], (uint8_t)(seed + i));
}

static void test_interfaces(struct cfg *c)
{
	uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 1 }, mac2[6] = { 0x02, 0, 0, 0, 0, 2 };
	cfg_reply *r;

	r = change(c, r_port("wan0", "net_null0"));
	CHECK(r->created_name && strcmp(r->created_name, "wan0") == 0, "port name");
	cfg_reply_free(r);
	chg(c, r_port("GigabitEthernet0/8/0", "0000:00:08.0"));
	CHECK(ifc("wan0")->kind == SHM_IFC_PORT && ifc("wan0")->instance == 0, "port ordinal 0");
	CHECK(ifc("GigabitEthernet0/8/0")->instance == 1, "port ordinal 1");
	CHECK(strcmp(ifc("wan0")->devargs, "net_null0") == 0 && ifc("wan0")->mtu == 1500 &&
	      ifc("wan0")->unnumbered == -1 && !ifc("wan0")->admin_up, "port record");

	r = change(c, r_loop(0, 0));
	CHECK(strcmp(r->created_name, "loop0") == 0, "first loopback %s", r->created_name);
	cfg_reply_free(r);
	r = change(c, r_loop(0, 0));
	CHECK(strcmp(r->created_name, "loop1") == 0, "second loopback %s", r->created_name);
	cfg_reply_free(r);
	r = change(c, r_loop(1, 7));
	CHECK(strcmp(r->created_name, "loop7") == 0, "requested instance %s", r->created_name);
	cfg_reply_free(r);
	CHECK(ifc("loop7")->kind == SHM_IFC_LOOPBACK && ifc("loop7")->instance == 7, "loop7 record");
	int32_t l1 = ifc_index("loop1");
	chg(c, r_loop_del("loop1"));
	CHECK(zeroed(shm_rec(&R, SHM_T_IFC, (uint32_t)l1), sizeof(struct shm_ifc)), "deleted loopback zeroed");
	r = change(c, r_loop(0, 0));
	CHECK(strcmp(r->created_name, "loop1") == 0, "lowest free instance again: %s", r->created_name);
	cfg_reply_free(r);
	CHECK(count_in_use(SHM_T_IFC) == 5, "5 interfaces, got %d", count_in_use(SHM_T_IFC));

	chg(c, r_state("loop0", 1));
	CHECK(ifc("loop0")->admin_up == 1, "admin up");
	chg(c, r_mtu("loop0", 9000));
	CHECK(ifc("loop0")->mtu == 9000, "mtu");

	chg(c, r_addr("loop0", "192.0.2.1", 24, 0));
	chg(c, r_addr("loop0", "2001:db8::1", 64, 0));
	chg(c, r_addr("loop1", "198.51.100.1", 24, 0));
	chg(c, r_addr("loop1", "198.51.100.1", 24, 1));
	CHECK(count_in_use(SHM_T_ADDR) == 2, "addresses %d", count_in_use(SHM_T_ADDR));
	const struct shm_addr *a = shm_rec(&R, SHM_T_ADDR, 1);
	CHECK(a->h.in_use && a->af == SHM_AF_INET6 && a->plen == 64 && a->ifc == ifc_index("loop0") &&
	      a->addr[0] == 0x20 && a->addr[1] == 0x01 && a->addr[15] == 1, "ip6 address record");

	chg(c, r_unnum("loop7", "loop0", 0));
	CHECK(ifc("loop7")->unnumbered == ifc_index("loop0"), "unnumbered");

	r = change(c, r_neigh("loop0", "192.0.2.2", mac1, 6, 0));
	cfg_reply_free(r);
	chg(c, r_neigh("loop0", "192.0.2.2", mac2, 6, 0)); /* replaces the MAC */
	CHECK(count_in_use(SHM_T_NEIGH) == 1, "one neighbor");
	const struct shm_neigh *n = shm_rec(&R, SHM_T_NEIGH, 0);
	CHECK(n->af == SHM_AF_INET && memcmp(n->mac, mac2, 6) == 0 && n->ip[3] == 2 &&
	      n->ifc == ifc_index("loop0"), "neighbor record");

	chg(c, r_route("198.18.0.0", 15, "192.0.2.2", "loop0", 0));
	chg(c, r_route("203.0.113.0", 24, NULL, "loop0", 0));
	chg(c, r_route("2001:db8:1::", 48, "2001:db8::2", NULL, 0));
	const struct shm_route *rt = shm_rec(&R, SHM_T_ROUTE, 0);
	CHECK(rt->af == SHM_AF_INET && rt->plen == 15 && rt->has_via && rt->via[3] == 2 &&
	      rt->ifc == ifc_index("loop0") && rt->prefix[0] == 198 && rt->prefix[1] == 18, "route record");
	CHECK(((const struct shm_route *)shm_rec(&R, SHM_T_ROUTE, 2))->ifc == -1, "route without interface");
	chg(c, r_route("203.0.113.0", 24, NULL, NULL, 1)); /* delete by prefix */
	CHECK(count_in_use(SHM_T_ROUTE) == 2, "routes %d", count_in_use(SHM_T_ROUTE));
	CHECK(zeroed(shm_rec(&R, SHM_T_ROUTE, 1), sizeof(struct shm_route)), "deleted route zeroed");
}

static void test_sas(struct cfg *c)
{
	Ipsecgw__V1__SaSpec *s;
	const struct shm_sa *x;
	gw_env *e;

	chg(c, r_sa_cbc(10, 1001));
	x = sa(10);
	CHECK(x->spi == 1001 && x->crypto_alg == SHM_CRYPTO_AES_CBC_128 && x->integ_alg == SHM_INTEG_SHA1_96 &&
	      x->crypto_key_len == 16 && x->integ_key_len == 20, "SA 10 algorithms");
	check_key(x->crypto_key, 10, 16);
	check_key(x->integ_key, 110, 20);
	CHECK(x->flags == SHM_SA_ANTI_REPLAY && x->replay_window == 64 && x->udp_src_port == 0,
	      "SA 10 defaults: flags %x window %u", x->flags, x->replay_window);
	CHECK(x->create_gen == gen && x->key_gen == 0, "create_gen %llu want %llu",
	      (unsigned long long)x->create_gen, (unsigned long long)gen);

	/* GCM with the salt appended to the key, tunnel mode over IPv6, NAT-T. */
	e = r_sa(20, 0x2000, CA(AES_GCM_256), 36, IA(INTEG_NONE), 0, &s);
	s->has_tunnel_src = s->has_tunnel_dst = 1;
	s->tunnel_src = t_ip("2001:db8::1");
	s->tunnel_dst = t_ip("2001:db8::2");
	s->has_udp_encap = 1;
	s->udp_encap = 1;
	s->has_esn = 1;
	s->esn = 1;
	s->has_replay_window = 1;
	s->replay_window = 1024;
	chg(c, e);
	x = sa(20);
	CHECK(x->crypto_key_len == 32, "GCM key without salt: %u", x->crypto_key_len);
	check_key(x->crypto_key, 20, 32);
	check_key((const uint8_t *)&x->salt, 20 + 32, 4);
	CHECK(x->flags == (SHM_SA_TUNNEL | SHM_SA_TUNNEL_V6 | SHM_SA_UDP_ENCAP | SHM_SA_ESN | SHM_SA_ANTI_REPLAY),
	      "SA 20 flags %x", x->flags);
	CHECK(x->udp_src_port == 4500 && x->udp_dst_port == 4500 && x->replay_window == 1024, "SA 20 ports/window");
	CHECK(x->tunnel_dst[15] == 2 && x->tunnel_src[0] == 0x20, "tunnel endpoints");

	/* CTR with a separate salt; anti-replay off allows window 0. */
	e = r_sa(21, 0x2100, CA(AES_CTR_128), 16, IA(SHA_256_128), 32, &s);
	s->has_salt = 1;
	s->salt = 0x01020304;
	s->has_anti_replay = 1;
	s->anti_replay = 0;
	s->has_replay_window = 1;
	s->replay_window = 0;
	s->has_tunnel_src = s->has_tunnel_dst = 1;
	s->tunnel_src = t_ip("198.51.100.3");
	s->tunnel_dst = t_ip("198.51.100.2");
	s->has_udp_encap = 1;
	s->udp_encap = 1;
	s->has_udp_src_port = 1;
	s->udp_src_port = 4501;
	chg(c, e);
	x = sa(21);
	CHECK(memcmp(&x->salt, "\x01\x02\x03\x04", 4) == 0, "salt bytes in network order");
	CHECK(x->flags == (SHM_SA_TUNNEL | SHM_SA_UDP_ENCAP) && x->replay_window == 0, "SA 21 flags %x", x->flags);
	CHECK(x->udp_src_port == 4501 && x->udp_dst_port == 4500, "SA 21 ports");

	chg(c, r_sa(22, 0x2200, CA(CRYPTO_NONE), 0, IA(SHA_512_256), 64, NULL));
	CHECK(sa(22)->crypto_key_len == 0 && sa(22)->integ_key_len == 64, "integrity-only SA");
	chg(c, r_sa(23, 0x2300, CA(DES3_CBC), 24, IA(MD5_96), 16, NULL));
	chg(c, r_sa(24, 0x2400, CA(DES_CBC), 8, IA(SHA_384_192), 48, NULL));

	/* Key update: new keys, key_gen bumped, nothing else moves. */
	uint64_t cg = sa(10)->create_gen;
	chg(c, r_sa_key(10, 16, 20, 0x80));
	x = sa(10);
	check_key(x->crypto_key, 0x80, 16);
	check_key(x->integ_key, 0x81, 20);
	CHECK(x->key_gen == 1 && x->create_gen == cg && x->spi == 1001, "key_gen %u", x->key_gen);
	chg(c, r_sa_key(20, 36, 0, 0x40)); /* GCM: new key and salt */
	check_key(sa(20)->crypto_key, 0x40, 32);
	check_key((const uint8_t *)&sa(20)->salt, 0x40 + 32, 4);
	CHECK(sa(20)->key_gen == 1, "SA 20 key_gen");
}

static void test_spds(struct cfg *c)
{
	Ipsecgw__V1__PolicySpec *s;
	const struct shm_policy *p;
	cfg_reply *r;
	gw_env *e;

	chg(c, r_spd(1, 0));
	chg(c, r_spd(0, 0)); /* SPD id 0 is an ordinary id */
	chg(c, r_spd(0, 1));
	chg(c, r_ifspd("loop0", 1, 0));
	CHECK(ifc("loop0")->has_spd && ifc("loop0")->spd_id == 1, "loop0 bound to SPD 1");

	e = r_policy(1, DIR(INBOUND), 10, PA(PROTECT), 0, &s);
	s->has_sa_id = 1;
	s->sa_id = 10;
	t_local(s, "192.0.2.4", "192.0.2.4");
	t_remote(s, "203.0.113.3", "203.0.113.3");
	r = change(c, e);
	CHECK(r->has_created_index && r->created_index == 0, "created_index %u", r->created_index);
	cfg_reply_free(r);
	e = r_policy(1, DIR(OUTBOUND), 100, PA(BYPASS), 0, &s);
	s->has_protocol = 1;
	s->protocol = 50;
	r = change(c, e);
	CHECK(r->created_index == 1, "second policy index %u", r->created_index);
	cfg_reply_free(r);
	p = shm_rec(&R, SHM_T_POLICY, 1);
	CHECK(p->af == SHM_AF_INET && p->dir == SHM_DIR_OUT && p->action == SHM_POL_BYPASS && p->priority == 100 &&
	      p->has_protocol && p->protocol == 50 && p->lport_start == 0 && p->lport_end == 65535 &&
	      p->laddr_end[0] == 255 && p->laddr_end[3] == 255 && p->raddr_start[0] == 0, "defaults of a policy");
	e = r_policy(1, DIR(OUTBOUND), -5, PA(DISCARD), 0, &s);
	s->has_is_ipv6 = 1;
	s->is_ipv6 = 1;
	s->has_protocol = 1;
	s->protocol = 6;
	s->has_remote_port_start = s->has_remote_port_end = 1;
	s->remote_port_start = 443;
	s->remote_port_end = 443;
	r = change(c, e);
	CHECK(r->created_index == 2, "third policy index");
	cfg_reply_free(r);
	p = shm_rec(&R, SHM_T_POLICY, 2);
	CHECK(p->af == SHM_AF_INET6 && p->priority == -5 && p->rport_start == 443 && p->rport_end == 443 &&
	      p->laddr_end[15] == 255, "ip6 policy record");

	/* Delete by the full spec; the same spec again is not found. */
	e = r_policy(1, DIR(OUTBOUND), 100, PA(BYPASS), 1, &s);
	s->has_protocol = 1;
	s->protocol = 50;
	chg(c, e);
	CHECK(zeroed(shm_rec(&R, SHM_T_POLICY, 1), sizeof(struct shm_policy)), "deleted policy zeroed");
	e = r_policy(1, DIR(OUTBOUND), 100, PA(BYPASS), 1, &s);
	s->has_protocol = 1;
	s->protocol = 50;
	T_FAIL(c, e, EC(NOT_FOUND), "spec", "matches");
	/* A re-add takes the free index. */
	e = r_policy(1, DIR(OUTBOUND), 100, PA(BYPASS), 0, &s);
	s->has_protocol = 1;
	s->protocol = 50;
	r = change(c, e);
	CHECK(r->created_index == 1, "freed index reused: %u", r->created_index);
	cfg_reply_free(r);
	T_FAIL(c, r_sa_del(10), EC(IN_USE), "sa_id", "policy 0 of SPD 1");
	T_FAIL(c, r_spd(1, 1), EC(FAILED_PRECONDITION), "spd_id", "3 policies");
}

static void test_tunnels(struct cfg *c)
{
	uint32_t in[2] = { 20, 22 };
	const struct shm_tunnel *t;
	cfg_reply *r;

	r = change(c, r_tun(0, 0));
	CHECK(strcmp(r->created_name, "ipsec0") == 0, "tunnel name %s", r->created_name);
	cfg_reply_free(r);
	r = change(c, r_tun(1, 5));
	CHECK(strcmp(r->created_name, "ipsec5") == 0, "tunnel name %s", r->created_name);
	cfg_reply_free(r);
	CHECK(ifc("ipsec0")->kind == SHM_IFC_IPSEC && ifc("ipsec5")->instance == 5, "tunnel interfaces");
	t = shm_rec(&R, SHM_T_TUNNEL, 0);
	CHECK(t->h.in_use && t->instance == 0 && t->ifc == ifc_index("ipsec0"), "tunnel record");

	chg(c, r_protect("ipsec0", 1, 21, in, 2, 0));
	CHECK(t->has_sa_out && t->sa_out == 21 && t->n_sa_in == 2 && t->sa_in[0] == 20 && t->sa_in[1] == 22,
	      "protection");
	T_FAIL(c, r_sa_del(21), EC(IN_USE), "sa_id", "tunnel ipsec0");
	T_FAIL(c, r_sa_del(22), EC(IN_USE), "sa_id", "tunnel ipsec0");
	chg(c, r_protect("ipsec0", 1, 23, NULL, 0, 0)); /* replaces: 21, 20, 22 released */
	CHECK(t->sa_out == 23 && t->n_sa_in == 0, "replaced protection");
	chg(c, r_sa_del(21));
	chg(c, r_protect("ipsec0", 0, 0, NULL, 0, 1));
	CHECK(!t->has_sa_out, "protection removed");
	chg(c, r_sa_del(23));

	uint32_t fi = (uint32_t)ifc_index("ipsec5");
	chg(c, r_protect("ipsec5", 1, 24, NULL, 0, 0));
	chg(c, r_tun_del("ipsec5"));
	CHECK(zeroed(shm_rec(&R, SHM_T_IFC, fi), sizeof(struct shm_ifc)) &&
	      zeroed(shm_rec(&R, SHM_T_TUNNEL, 1), sizeof(struct shm_tunnel)), "tunnel delete zeroes both records");
	chg(c, r_sa_del(24)); /* its protection went with it */
	CHECK(count_in_use(SHM_T_TUNNEL) == 1, "one tunnel left");
}

static gw_env *r_live(uint32_t period, uint32_t max_failures)
{
	Ipsecgw__V1__Ikev2SetLiveness *m = NEWMSG(Ipsecgw__V1__Ikev2SetLiveness, ipsecgw__v1__ikev2_set_liveness__init);
	m->period = period;
	m->max_failures = max_failures;
	return t_env(B(IKEV2_LIVENESS), m);
}

static void test_ikev2(struct cfg *c)
{
	const struct shm_profile *p;
	const uint8_t ip4[4] = { 192, 0, 2, 1 };
	cfg_reply *r;

	chg(c, r_prof("pr1", 0));
	chg(c, r_auth("pr1", IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC, "Vpp123", NULL));
	chg(c, r_id("pr1", 1, IPSECGW__V1__IKE_ID_TYPE__ID_FQDN, "vpp.home", 8));
	chg(c, r_id("pr1", 0, IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR, ip4, 4));
	chg(c, r_ts("pr1", 1, "192.0.2.0", "192.0.2.255", 1, 0, 65535, 1, 0));
	chg(c, r_ts("pr1", 0, "2001:db8::", "2001:db8::ffff", 0, 0, 0, 0, 0));
	chg(c, r_resp("pr1", "loop0", "192.0.2.9"));
	chg(c, r_xforms("pr1", 0, 12, 256, 2, 14));
	chg(c, r_xforms("pr1", 1, 20, 128, -1, -1));
	chg(c, r_life("pr1", 3600, 10, 5, 0));
	chg(c, r_lkey("/etc/ipsecgw/server-key.pem"));
	p = shm_rec(&R, SHM_T_PROFILE, 0);
	CHECK(strcmp(p->name, "pr1") == 0 && p->auth_method == 2 && p->auth_len == 6 &&
	      memcmp(p->auth_data, "Vpp123", 6) == 0, "auth");
	CHECK(p->local_id_type == 2 && p->local_id_len == 8 && memcmp(p->local_id, "vpp.home", 8) == 0 &&
	      p->remote_id_type == 1 && p->remote_id_len == 4, "ids");
	CHECK(p->local_ts.set && p->local_ts.af == SHM_AF_INET && p->local_ts.end[3] == 255 &&
	      p->local_ts.port_end == 65535 && p->remote_ts.af == SHM_AF_INET6 && p->remote_ts.port_end == 65535,
	      "traffic selectors");
	CHECK(strcmp(p->resp_ifc, "loop0") == 0 && p->resp_addr[3] == 9, "responder");
	CHECK(p->ike.set && p->ike.encr == 12 && p->ike.key_bits == 256 && p->ike.integ == 2 && p->ike.dh_group == 14 &&
	      p->esp.encr == 20 && p->esp.integ == 0 && p->esp.dh_group == 0, "transforms");
	CHECK(p->lifetime_set && p->lifetime == 3600 && p->jitter == 10 && p->handover == 5, "lifetime");
	CHECK(strcmp(((const struct shm_global *)shm_rec(&R, SHM_T_GLOBAL, 0))->ikev2_local_key,
		     "/etc/ipsecgw/server-key.pem") == 0, "local key");
	/* ikev2 set liveness PERIOD MAX-FAILURES */
	{
		const struct shm_global *g = shm_rec(&R, SHM_T_GLOBAL, 0);
		CHECK(!g->ikev2_liveness_set, "liveness not set yet");
		chg(c, r_live(10, 3));
		CHECK(g->ikev2_liveness_set && g->ikev2_liveness_period == 10 && g->ikev2_liveness_max_failures == 3 &&
		      strcmp(g->ikev2_local_key, "/etc/ipsecgw/server-key.pem") == 0, "liveness 10 3");
		T_FAIL(c, r_live(10, 0), EC(INVALID_ARGUMENT), "max_failures", "1..100");
		T_FAIL(c, r_live(0, 2), EC(INVALID_ARGUMENT), "max_failures", "must be 0");
		T_FAIL(c, r_live(86401, 2), EC(INVALID_ARGUMENT), "period", "0..86400");
		CHECK(g->ikev2_liveness_period == 10, "refusals change nothing");
		chg(c, r_live(0, 0));
		CHECK(g->ikev2_liveness_set && g->ikev2_liveness_period == 0, "liveness off");
	}

	/* Keys only when asked for. */
	r = query(c, r_dump(DW(IKEV2_PROFILES), 0, 0, 0, 0, 0));
	CHECK(r->n_profiles == 1 && !r->profiles[0]->has_auth_data && r->profiles[0]->auth_method == 2,
	      "profile without keys");
	CHECK(r->local_key_file && strcmp(r->local_key_file, "/etc/ipsecgw/server-key.pem") == 0, "local key file");
	CHECK(r->profiles[0]->ike && r->profiles[0]->ike->key_bits == 256 && r->profiles[0]->local_ts &&
	      r->profiles[0]->local_ts->port_end == 65535 && r->profiles[0]->has_lifetime, "profile details");
	cfg_reply_free(r);
	r = query(c, r_dump(DW(IKEV2_PROFILES), 0, 0, 1, 0, 0));
	CHECK(r->profiles[0]->has_auth_data && r->profiles[0]->auth_data.len == 6 &&
	      memcmp(r->profiles[0]->auth_data.data, "Vpp123", 6) == 0, "profile with keys");
	cfg_reply_free(r);

	/* Initiate: refused while ipsecgw-ikev2 is not running... */
	T_FAIL(c, r_init(0, "pr1", 0, 0), EC(UNAVAILABLE), "kind", "ipsecgw-ikev2 is not running");
	CHECK(cfg_events_seq(c) == seq, "no event for a refused initiate");
	/* ...accepted (an event, no commit) when it is. */
	atomic_store(&R.hdr->procs[SHM_PROC_IKEV2].pid, (int32_t)getpid());
	atomic_store(&R.hdr->procs[SHM_PROC_IKEV2].ready, 1);
	r = t_call(c, r_init(0, "pr1", 0, 0));
	CHECK(r->code == EC(OK) && r->generation == gen && r->event_seq == seq + 1, "initiate accepted");
	cfg_reply_free(r);
	seq++;
	atomic_store(&R.hdr->procs[SHM_PROC_IKEV2].pid, 0);
	atomic_store(&R.hdr->procs[SHM_PROC_IKEV2].ready, 0);
}

static void test_dumps(struct cfg *c)
{
	struct shm_counters *w0 = shm_counters(&R, 0), *w1 = shm_counters(&R, 1), *w2 = shm_counters(&R, 2);
	uint32_t i10 = sa_index(10);
	const struct shm_sa *x = sa(10);
	struct shm_sa_rt *rt = shm_rec(&R, SHM_T_SA_RT, i10);
	cfg_reply *r;

	/* Counters are per worker, summed. */
	w0->sa[i10].packets = 5;
	w0->sa[i10].bytes = 500;
	w1->sa[i10].packets = 7;
	w1->sa[i10].bytes = 700;
	w2->drop[SHM_DROP_NO_ROUTE] = 3;
	w0->ifc[ifc_index("loop0")].rx_packets = 9;

	r = query(c, r_dump(DW(SAS), 1, 10, 0, 0, 0));
	CHECK(r->n_sas == 1 && r->sas[0]->spec->sa_id == 10, "SA filter");
	CHECK(!r->sas[0]->spec->has_crypto_key && !r->sas[0]->spec->has_integ_key, "no keys without with_keys");
	CHECK(r->sas[0]->counter->packets == 12 && r->sas[0]->counter->bytes == 1200, "summed counters");
	CHECK(r->sas[0]->seq_out == 0 && !r->sas[0]->has_replay_bitmap, "no runtime before the dataplane adopts");
	CHECK(r->sas[0]->spec->replay_window == 64 && r->sas[0]->spec->anti_replay, "spec");
	cfg_reply_free(r);

	/* Runtime of the dataplane that adopted this SA. */
	rt->owner_gen = x->create_gen;
	atomic_store(&rt->seq_out, 42);
	rt->in_top = 40;
	/* The region's ring is indexed by sequence number: 40, 39, 38 and 30
	 * seen; a stale ring bit outside the window (seq 3000) must not show. */
	rt->in_bitmap[0] = UINT64_C(1) << 40 | UINT64_C(1) << 39 | UINT64_C(1) << 38 | UINT64_C(1) << 30;
	rt->in_bitmap[3000 / 64] = UINT64_C(1) << (3000 % 64);
	r = query(c, r_dump(DW(SAS), 1, 10, 1, 0, 0));
	CHECK(r->sas[0]->spec->has_crypto_key && r->sas[0]->spec->crypto_key.len == 16, "keys with with_keys");
	check_key(r->sas[0]->spec->crypto_key.data, 0x80, 16);
	CHECK(r->sas[0]->seq_out == 42 && r->sas[0]->last_seq_in == 40, "runtime");
	/* As VPP shows it: bit i is last-seq - i. */
	CHECK(r->sas[0]->has_replay_bitmap && r->sas[0]->replay_bitmap.len == 8 &&
	      r->sas[0]->replay_bitmap.data[0] == 0x07 && r->sas[0]->replay_bitmap.data[1] == 0x04 &&
	      r->sas[0]->replay_bitmap.data[2] == 0 && r->sas[0]->replay_bitmap.data[7] == 0, "bitmap of the window");
	cfg_reply_free(r);
	r = query(c, r_dump(DW(SAS), 1, 20, 1, 0, 0));
	CHECK(r->sas[0]->spec->has_salt && r->sas[0]->spec->salt == (uint32_t)((0x40 + 32) << 24 | (0x41 + 32) << 16 |
	      (0x42 + 32) << 8 | (0x43 + 32)), "salt with keys");
	CHECK(r->sas[0]->tunnel_interface == NULL, "SA 20 protects nothing now");
	cfg_reply_free(r);
	T_FAIL(c, r_dump(DW(SAS), 1, 99, 0, 0, 0), EC(NOT_FOUND), "id", "no SA 99");

	r = query(c, r_dump(DW(ERRORS), 0, 0, 0, 0, 0));
	CHECK(r->n_errors == SHM_DROP_N, "every drop reason: %zu", r->n_errors);
	for (size_t k = 0; k < r->n_errors; k++) {
		CHECK(strcmp(r->errors[k]->node, "ipsecgw") == 0, "node");
		CHECK(strcmp(r->errors[k]->reason, shm_drop_text((enum shm_drop)k)) == 0, "reason text");
		CHECK(r->errors[k]->count == (k == SHM_DROP_NO_ROUTE ? 3u : 0u), "count of %s", r->errors[k]->reason);
	}
	cfg_reply_free(r);

	/* clear errors: baseline = sums, workers untouched, event, no commit. */
	uint64_t cleared = atomic_load(&R.hdr->counters_cleared_gen);
	r = t_call(c, r_clear(IPSECGW__V1__CLEAR_COUNTERS__WHAT__ERRORS));
	CHECK(r->code == EC(OK) && r->generation == gen && r->event_seq == ++seq, "clear");
	cfg_reply_free(r);
	CHECK(atomic_load(&R.hdr->counters_cleared_gen) == cleared + 1, "counters_cleared_gen");
	CHECK(shm_sum_drop(&R, SHM_DROP_NO_ROUTE) == 0 && w2->drop[SHM_DROP_NO_ROUTE] == 3 &&
	      ((struct shm_counters *)shm_rec(&R, SHM_T_BASELINE, 0))->drop[SHM_DROP_NO_ROUTE] == 3, "baseline");
	w2->drop[SHM_DROP_NO_ROUTE] = 5;
	CHECK(shm_sum_drop(&R, SHM_DROP_NO_ROUTE) == 2, "counts after the clear");
	struct shm_counter k;
	shm_sum_sa(&R, i10, &k);
	CHECK(k.packets == 12, "clear errors leaves SA counters");
	r = t_call(c, r_clear(IPSECGW__V1__CLEAR_COUNTERS__WHAT__IPSEC));
	CHECK(r->code == EC(OK) && r->event_seq == ++seq, "clear ipsec");
	cfg_reply_free(r);
	shm_sum_sa(&R, i10, &k);
	CHECK(k.packets == 0 && k.bytes == 0, "SA counters cleared");
	r = t_call(c, r_clear(IPSECGW__V1__CLEAR_COUNTERS__WHAT__INTERFACES));
	CHECK(r->code == EC(OK) && r->event_seq == ++seq, "clear interfaces");
	cfg_reply_free(r);
	struct shm_ifc_counters ik;
	shm_sum_ifc(&R, (uint32_t)ifc_index("loop0"), &ik);
	CHECK(ik.rx_packets == 0, "interface counters cleared");

	r = query(c, r_dump(DW(INTERFACES), 0, 0, 0, 0, 0));
	CHECK(r->n_interfaces == 6, "interfaces %zu", r->n_interfaces);
	for (size_t j = 0; j < r->n_interfaces; j++) {
		Ipsecgw__V1__InterfaceDetails *d = r->interfaces[j];
		CHECK(d->index == (uint32_t)ifc_index(d->name), "index of %s", d->name);
		if (strcmp(d->name, "loop0") == 0)
			CHECK(d->n_addresses == 2 && d->has_spd_id && d->spd_id == 1 && d->admin_up && d->mtu == 9000 &&
			      d->kind == IPSECGW__V1__INTERFACE_KIND__LOOPBACK && d->addresses[0]->len == 24, "loop0");
		if (strcmp(d->name, "loop7") == 0)
			CHECK(d->unnumbered_use && strcmp(d->unnumbered_use, "loop0") == 0, "loop7 unnumbered");
		if (strcmp(d->name, "wan0") == 0)
			CHECK(d->devargs && strcmp(d->devargs, "net_null0") == 0 && !d->has_spd_id, "wan0");
	}
	cfg_reply_free(r);

	r = query(c, r_dump(DW(ROUTES), 0, 0, 0, 0, 0));
	CHECK(r->n_routes == 4, "2 routes + 2 connected, got %zu", r->n_routes);
	CHECK(r->routes[0]->prefix->len == 15 && r->routes[0]->has_via && !r->routes[0]->connected &&
	      strcmp(r->routes[0]->interface, "loop0") == 0, "static route");
	CHECK(r->routes[2]->connected && r->routes[2]->prefix->len == 24 && r->routes[2]->prefix->addr.data[3] == 0,
	      "connected route is the network");
	cfg_reply_free(r);

	r = query(c, r_dump(DW(NEIGHBORS), 0, 0, 0, 0, 0));
	CHECK(r->n_neighbors == 1 && r->neighbors[0]->is_static && r->neighbors[0]->mac.data[5] == 2, "neighbors");
	cfg_reply_free(r);

	r = query(c, r_dump(DW(SPDS), 1, 1, 0, 0, 0));
	CHECK(r->n_spds == 1 && r->spds[0]->spd_id == 1 && r->spds[0]->n_interfaces == 1 &&
	      strcmp(r->spds[0]->interfaces[0], "loop0") == 0 && r->spds[0]->n_policies == 3, "SPD 1");
	/* match order: outbound (ip4 before ip6, priority high to low), then inbound */
	CHECK(r->spds[0]->policies[0]->spec->priority == 100 && r->spds[0]->policies[1]->spec->priority == -5 &&
	      r->spds[0]->policies[2]->spec->direction == DIR(INBOUND) &&
	      r->spds[0]->policies[2]->spec->sa_id == 10 && r->spds[0]->policies[2]->index == 0, "policy order");
	cfg_reply_free(r);

	r = query(c, r_dump(DW(TUNNELS), 0, 0, 0, 0, 0));
	CHECK(r->n_tunnels == 1 && strcmp(r->tunnels[0]->name, "ipsec0") == 0 && !r->tunnels[0]->has_sa_out, "tunnels");
	cfg_reply_free(r);
}

/* Dumps larger than one message come in pages, each under GW_MAX_MSG. */
static void test_paging(struct cfg *c)
{
	const uint32_t n = 5000;
	uint8_t *seen = calloc(n, 1);
	uint32_t cursor = 0, pages = 0, got = 0;
	int has_cursor = 0;

	for (uint32_t i = 0; i < n; i++)
		chg(c, r_sa_cbc(100000 + i, 0x10000 + i));
	chg(c, r_spd(2, 0));
	for (uint32_t i = 0; i < n; i++) {
		Ipsecgw__V1__PolicySpec *s;
		gw_env *e = r_policy(2, DIR(OUTBOUND), (int32_t)i, PA(BYPASS), 0, &s);
		chg(c, e);
	}
	do {
		cfg_reply *r = query(c, r_dump(DW(SAS), 0, 0, 1, has_cursor, cursor));
		uint8_t *buf;
		size_t len = cfg_pack(1, r, &buf);
		CHECK(len <= GW_MAX_MSG, "page of %zu bytes", len);
		free(buf);
		for (size_t k = 0; k < r->n_sas; k++) {
			uint32_t id = r->sas[k]->spec->sa_id;
			if (id >= 100000) {
				CHECK(!seen[id - 100000], "SA %u twice", id);
				seen[id - 100000] = 1;
				got++;
			}
		}
		CHECK(!r->has_next_cursor || r->next_cursor != 0, "next_cursor 0");
		has_cursor = r->has_next_cursor;
		cursor = r->next_cursor;
		pages++;
		cfg_reply_free(r);
	} while (has_cursor);
	CHECK(got == n && pages >= 2, "%u SAs in %u pages", got, pages);

	/* SPD 2's policies, split across pages, still in priority order. */
	int32_t last = INT32_MAX;
	got = pages = 0;
	has_cursor = 0;
	do {
		cfg_reply *r = query(c, r_dump(DW(SPDS), 1, 2, 0, has_cursor, cursor));
		CHECK(r->n_spds == 1 && r->spds[0]->spd_id == 2, "one SPD per page");
		for (size_t k = 0; k < r->spds[0]->n_policies; k++) {
			CHECK(r->spds[0]->policies[k]->spec->priority < last, "order across pages");
			last = r->spds[0]->policies[k]->spec->priority;
			got++;
		}
		CHECK(!r->has_next_cursor || r->next_cursor != 0, "next_cursor 0");
		has_cursor = r->has_next_cursor;
		cursor = r->next_cursor;
		pages++;
		cfg_reply_free(r);
	} while (has_cursor);
	CHECK(got == n && pages >= 2, "%u policies in %u pages", got, pages);

	/* A snapshot: everything, paged, with the event seq it reflects. */
	got = pages = 0;
	has_cursor = 0;
	do {
		cfg_reply *r = query(c, r_snap(has_cursor, cursor));
		CHECK(r->event_seq == cfg_events_seq(c), "snapshot event_seq");
		for (size_t k = 0; k < r->n_sas; k++)
			CHECK(!r->sas[k]->spec->has_crypto_key, "no keys in a snapshot");
		got += (uint32_t)r->n_sas;
		if (r->n_errors)
			CHECK(!r->has_next_cursor, "errors come last");
		CHECK(!r->has_next_cursor || r->next_cursor != 0, "next_cursor 0");
		has_cursor = r->has_next_cursor;
		cursor = r->next_cursor;
		pages++;
		cfg_reply_free(r);
	} while (has_cursor);
	CHECK(got == n + 3, "snapshot SAs %u", got);
	T_FAIL(c, r_dump(DW(SAS), 0, 0, 0, 1, 5u << 24), EC(INVALID_ARGUMENT), "cursor", "not a cursor");
	free(seen);
}

/* The maps are rebuilt from the region: a new cfg over the same region
 * knows every id, reference and policy. */
static void test_rebuild(struct cfg **cp)
{
	Ipsecgw__V1__PolicySpec *s;
	gw_env *e;

	cfg_close(*cp);
	*cp = cfg_open(&R, NULL);
	CHECK(*cp, "cfg_open");
	seq = 0; /* a new run numbers its events from 1 */
	T_FAIL(*cp, r_sa_cbc(10, 1001), EC(ALREADY_EXISTS), "sa_id", "SA 10 already exists");
	T_FAIL(*cp, r_sa_del(10), EC(IN_USE), "sa_id", "policy 0");
	T_FAIL(*cp, r_spd(2, 1), EC(FAILED_PRECONDITION), "spd_id", "5000 policies");
	e = r_policy(2, DIR(OUTBOUND), 4999, PA(BYPASS), 0, &s);
	T_FAIL(*cp, e, EC(ALREADY_EXISTS), "spec", "identical");
	e = r_policy(2, DIR(OUTBOUND), 4999, PA(BYPASS), 1, &s);
	chg(*cp, e);
	e = r_policy(1, DIR(INBOUND), 10, PA(PROTECT), 1, &s);
	s->has_sa_id = 1;
	s->sa_id = 10;
	t_local(s, "192.0.2.4", "192.0.2.4");
	t_remote(s, "203.0.113.3", "203.0.113.3");
	chg(*cp, e);
	chg(*cp, r_sa_del(10));
	cfg_reply *r = t_call(*cp, r_sa_cbc(10, 1001));
	CHECK(r->code == EC(OK) && r->event_seq == ++seq, "re-add");
	gen++;
	cfg_reply_free(r);
}

static void test_wire(struct cfg *c)
{
	uint8_t junk[64], *out;
	gw_env *rep, *e;
	size_t n;

	memset(junk, 0xff, sizeof(junk));
	n = cfg_handle(c, junk, sizeof(junk), &out);
	rep = msg_decode(out, n);
	CHECK(rep && rep->body_case == B(REPLY) && rep->reply->code == EC(MALFORMED) && rep->request_id == 0 &&
	      strcmp(rep->reply->field, "envelope") == 0, "garbage is MALFORMED");
	msg_free(rep);
	free(out);
	n = cfg_handle(c, junk, GW_MAX_MSG + 1, &out); /* only the length is looked at */
	rep = msg_decode(out, n);
	CHECK(rep && rep->reply->code == EC(MALFORMED) && strstr(rep->reply->message, "over the limit"), "oversize");
	msg_free(rep);
	free(out);

	e = r_dump(DW(ERRORS), 0, 0, 0, 0, 0);
	e->request_id = 77;
	uint8_t buf[256];
	n = ipsecgw__v1__envelope__pack(e, buf);
	msg_free(e);
	n = cfg_handle(c, buf, n, &out);
	rep = msg_decode(out, n);
	CHECK(rep && rep->request_id == 77 && rep->reply->code == EC(OK), "request_id echoed");
	msg_free(rep);
	free(out);

	e = r_loop(0, 0);
	e->api_version = 2;
	T_FAIL(c, e, EC(UNSUPPORTED_VERSION), "api_version", "version 1, got 2");
	T_FAIL(c, t_env(B(_NOT_SET), NULL), EC(MALFORMED), "body", "not a request");
	Ipsecgw__V1__Reply *body = NEWMSG(Ipsecgw__V1__Reply, ipsecgw__v1__reply__init);
	T_FAIL(c, t_env(B(REPLY), body), EC(MALFORMED), "body", "not a request");
}

/* Batch: requests in order, stop at the first failure, no nesting. */
static gw_env *r_batch(gw_env **reqs, size_t n)
{
	Ipsecgw__V1__Batch *b = NEWMSG(Ipsecgw__V1__Batch, ipsecgw__v1__batch__init);

	b->requests = malloc(n * sizeof(*b->requests));
	CHECK(b->requests, "malloc");
	memcpy(b->requests, reqs, n * sizeof(*reqs));
	b->n_requests = n;
	return t_env(IPSECGW__V1__ENVELOPE__BODY_BATCH, b);
}

static void test_batch(struct cfg *c)
{
	/* All good: three changes, generation and event seq move by three. */
	gw_env *ok[] = { r_spd(900, 0), r_spd(901, 0), r_spd(902, 0) };
	cfg_reply *r = t_call(c, r_batch(ok, 3));
	CHECK(r->code == EC(OK) && r->n_results == 3, "batch ok: %d, %zu results", r->code, r->n_results);
	CHECK(r->generation == gen + 3 && r->event_seq == seq + 3, "batch moved generation by %llu",
	      (unsigned long long)(r->generation - gen));
	gen += 3;
	seq += 3;
	cfg_reply_free(r);

	/* The second fails: the first is applied, the third is not looked at. */
	gw_env *bad[] = { r_spd(903, 0), r_spd(900, 0), r_spd(904, 0) };
	r = t_call(c, r_batch(bad, 3));
	CHECK(r->code == EC(ALREADY_EXISTS) && r->n_results == 2, "batch stop: %d, %zu results", r->code,
	      r->n_results);
	CHECK(r->results[0]->code == EC(OK) && r->results[1]->code == EC(ALREADY_EXISTS), "results");
	CHECK(r->field && strcmp(r->field, "requests[1]") == 0, "field %s", r->field ? r->field : "");
	CHECK(r->generation == gen + 1, "only the first applied");
	gen += 1;
	seq += 1;
	cfg_reply_free(r);
	cfg_reply_free(query(c, r_dump(IPSECGW__V1__DUMP__WHAT__SPDS, 1, 903, 0, 0, 0)));
	T_FAIL(c, r_dump(IPSECGW__V1__DUMP__WHAT__SPDS, 1, 904, 0, 0, 0), EC(NOT_FOUND), "id", "no SPD 904");

	/* No nesting, no dumps inside. */
	gw_env *inner[] = { r_spd(905, 0) };
	gw_env *nest[] = { r_batch(inner, 1) };
	T_FAIL(c, r_batch(nest, 1), EC(MALFORMED), "requests[0]", "configuration requests only");
	gw_env *dump[] = { r_dump(IPSECGW__V1__DUMP__WHAT__SPDS, 0, 0, 0, 0, 0) };
	T_FAIL(c, r_batch(dump, 1), EC(MALFORMED), "requests[0]", "configuration requests only");
	CHECK(atomic_load(&R.hdr->generation) == gen, "refused batches change nothing");
}

int main(void)
{
	char err[256];
	struct cfg *c;

	tmpregion_setup();
	CHECK(shm_region_create(&R, "disp", 0, err, sizeof(err)) == 0, "%s", err);
	c = cfg_open(&R, NULL);
	CHECK(c, "cfg_open");
	test_interfaces(c);
	test_sas(c);
	test_spds(c);
	test_tunnels(c);
	test_ikev2(c);
	test_dumps(c);
	test_paging(c);
	test_rebuild(&c);
	test_wire(c);
	test_batch(c);
	cfg_close(c);
	shm_region_detach(&R);
	printf("dispatch: ok (generation %llu)\n", (unsigned long long)gen);
	return 0;
}

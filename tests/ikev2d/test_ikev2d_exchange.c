/*
 * Two engines in one process over the mock transport: every exchange,
 * both roles, retransmissions, lost messages, NAT, refusals.
 */
#include "check.h"

static void settle(struct t_world *w)
{
	t_advance(w, 1); /* run the reap timers of dead SAs */
}

static void both_match(struct t_world *w)
{
	struct ikev2_sa *a = c_the_sa(&w->p[0]), *b = c_the_sa(&w->p[1]);

	c_ike_match(a, b);
	c_children_match(&w->p[0], a, &w->p[1], b);
	c_children_match(&w->p[1], b, &w->p[0], a);
	c_tunnels_sane(&w->p[0]);
	c_tunnels_sane(&w->p[1]);
}

static void t_basic(void)
{
	struct t_world w;
	struct ikev2_sa *a, *b;

	t_world_init(&w);
	c_establish(&w);
	a = c_the_sa(&w.p[0]);
	b = c_the_sa(&w.p[1]);
	CHECK(a->initiator && !b->initiator, "roles");
	CHECK(c_n_child(a, IKEV2_CHILD_INSTALLED) == 1 && c_n_child(b, IKEV2_CHILD_INSTALLED) == 1, "children");
	CHECK(t_n_sad(&w.p[0]) == 2 && t_n_sad(&w.p[1]) == 2 && t_n_tun(&w.p[0]) == 1 && t_n_tun(&w.p[1]) == 1,
	      "SAD %u/%u tunnels %u/%u", t_n_sad(&w.p[0]), t_n_sad(&w.p[1]), t_n_tun(&w.p[0]), t_n_tun(&w.p[1]));
	/* The narrowed selectors: 198.51.100.0/24 <-> 203.0.113.0/24. */
	CHECK(a->children->ts_l.start[2] == 100 && b->children->ts_l.start[2] == 113, "selectors");
	CHECK(w.p[0].events[IKEV2_EV_UP] == 2 && w.p[1].events[IKEV2_EV_UP] == 2, "up events");
	CHECK(a->id_r_type == IKE_ID_FQDN && memcmp(a->id_r, "vpp.home", 8) == 0, "peer id");
	CHECK(!a->nat_local && !a->nat_remote && !a->natt, "no NAT");
	both_match(&w);
	CHECK(ikev2_engine_counters(w.p[0].e)->exch[0].req_tx == 1 &&
	      ikev2_engine_counters(w.p[1].e)->exch[1].resp_tx == 1, "counters");
	t_world_fini(&w);
}

static void t_child_create(void)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_create_child(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "create child");
	t_run(&w);
	CHECK(c_n_child(c_the_sa(&w.p[0]), IKEV2_CHILD_INSTALLED) == 2 &&
	      c_n_child(c_the_sa(&w.p[1]), IKEV2_CHILD_INSTALLED) == 2, "two children");
	CHECK(t_n_tun(&w.p[0]) == 2 && t_n_tun(&w.p[1]) == 2, "two tunnels");
	both_match(&w);
	t_world_fini(&w);
}

static void rekey_child_from(int side)
{
	struct t_world w;
	struct ikev2_sa *s;
	uint32_t old_in, tun;

	t_world_init(&w);
	c_establish(&w);
	s = c_the_sa(&w.p[side]);
	old_in = s->children->spi_in;
	tun = s->children->tunnel;
	CHECK(ikev2_engine_rekey_child(w.p[side].e, old_in) == 0, "rekey");
	t_run(&w);
	settle(&w);
	for (int i = 0; i < 2; i++) {
		s = c_the_sa(&w.p[i]);
		CHECK(c_n_child(s, IKEV2_CHILD_INSTALLED) == 1 && !s->children->next, "%s: one child after rekey",
		      w.p[i].name);
		CHECK(t_n_sad(&w.p[i]) == 2 && t_n_tun(&w.p[i]) == 1, "%s: old SAs gone (%u)", w.p[i].name,
		      t_n_sad(&w.p[i]));
	}
	s = c_the_sa(&w.p[side]);
	CHECK(s->children->spi_in != old_in && s->children->tunnel == tun, "new SPI, same tunnel");
	CHECK(w.p[0].events[IKEV2_EV_REKEYED] == 1 && w.p[1].events[IKEV2_EV_REKEYED] == 1, "rekey events");
	CHECK(w.p[0].events[IKEV2_EV_DOWN] == 0, "no down event");
	both_match(&w);
	t_world_fini(&w);
}

static void rekey_ike_from(int side)
{
	struct t_world w;
	uint8_t old[8];
	uint32_t child;

	t_world_init(&w);
	c_establish(&w);
	memcpy(old, c_the_sa(&w.p[0])->spi_i, 8);
	child = c_the_sa(&w.p[0])->children->spi_in;
	CHECK(ikev2_engine_rekey_ike(w.p[side].e, c_spi64(c_the_sa(&w.p[side]))) == 0, "rekey IKE");
	t_run(&w);
	settle(&w);
	both_match(&w);
	CHECK(memcmp(c_the_sa(&w.p[0])->spi_i, old, 8) != 0, "new IKE SPIs");
	CHECK(c_the_sa(&w.p[side])->initiator, "the rekey's initiator is the new SA's initiator");
	CHECK(c_the_sa(&w.p[0])->children && c_the_sa(&w.p[0])->children->spi_in == child, "children moved");
	CHECK(t_n_sad(&w.p[0]) == 2 && t_n_sad(&w.p[1]) == 2, "SAD untouched");
	/* The new SA works: a child rekey and a liveness check over it. */
	CHECK(ikev2_engine_rekey_child(w.p[!side].e, child == c_the_sa(&w.p[!side])->children->spi_in ? child :
				       c_the_sa(&w.p[!side])->children->spi_in) == 0, "rekey child");
	t_run(&w);
	settle(&w);
	CHECK(ikev2_engine_liveness(w.p[side].e, c_spi64(c_the_sa(&w.p[side]))) == 0, "dpd");
	t_run(&w);
	both_match(&w);
	CHECK(ikev2_engine_counters(w.p[0].e)->ike_rekeys == 1, "counter");
	t_world_fini(&w);
}

static void delete_child_from(int side)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_delete_child(w.p[side].e, c_the_sa(&w.p[side])->children->spi_out) == 0, "delete");
	t_run(&w);
	for (int i = 0; i < 2; i++) {
		CHECK(!c_the_sa(&w.p[i])->children, "%s: child gone", w.p[i].name);
		CHECK(t_n_sad(&w.p[i]) == 0 && t_n_tun(&w.p[i]) == 0, "%s: SAD and tunnels empty", w.p[i].name);
		CHECK(w.p[i].events[IKEV2_EV_DOWN] == 1, "down event");
	}
	t_world_fini(&w);
}

static void delete_ike_from(int side)
{
	struct t_world w;

	t_world_init(&w);
	c_establish(&w);
	CHECK(ikev2_engine_create_child(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "second child");
	t_run(&w);
	CHECK(ikev2_engine_delete_ike(w.p[side].e, c_spi64(c_the_sa(&w.p[side]))) == 0, "delete");
	t_run(&w);
	settle(&w);
	for (int i = 0; i < 2; i++) {
		CHECK(c_n_sa(&w.p[i]) == 0 && !w.p[i].e->first, "%s: IKE SA gone", w.p[i].name);
		CHECK(t_n_sad(&w.p[i]) == 0 && t_n_tun(&w.p[i]) == 0, "%s: SAD and tunnels empty", w.p[i].name);
		CHECK(ikev2_engine_counters(w.p[i].e)->ike_sas == 0 &&
		      ikev2_engine_counters(w.p[i].e)->child_sas == 0, "gauges");
	}
	t_world_fini(&w);
}

static void t_liveness(void)
{
	struct t_world w;

	t_world_init(&w);
	w.cfg.liveness_s = 10;
	c_establish(&w);
	t_advance(&w, 35000);
	CHECK(ikev2_engine_counters(w.p[0].e)->dpd_sent >= 1, "liveness checks sent");
	CHECK(c_n_sa(&w.p[0]) == 1 && c_n_sa(&w.p[1]) == 1, "still up");
	t_world_fini(&w);
}

/* `ikev2 set liveness PERIOD MAX-FAILURES` (env.liveness) over cfg.liveness_s:
 * a check after PERIOD of silence, repeated every PERIOD, dead after
 * MAX-FAILURES unanswered; turned on and off at run time. */
static bool drop_from_b(struct t_world *w, struct t_pkt *k, void *arg)
{
	(void)w, (void)arg;
	return k->to != 0;
}

static void t_liveness_set(void)
{
	struct t_world w;
	const struct shm_ike_counters *c;
	uint64_t t0;

	t_world_init(&w); /* cfg.liveness_s 0: no checks from the daemon options */
	c_establish(&w);
	c = ikev2_engine_counters(w.p[0].e);
	t_advance(&w, 100000);
	CHECK(c->dpd_sent == 0, "no liveness checks while off");
	/* `ikev2 set liveness 3 2`: the daemon tells the engine on the config event. */
	w.p[0].live_set = true;
	w.p[0].live_period = 3;
	w.p[0].live_max = 2;
	ikev2_engine_liveness_changed(w.p[0].e);
	t_advance(&w, 10000);
	CHECK(c->dpd_sent == 3 && c_n_sa(&w.p[0]) == 1, "a checks every 3 s of silence (%llu)",
	      (unsigned long long)c->dpd_sent);
	/* b goes silent: checks at 3 s intervals, dead after the second unanswered one. */
	w.filter = drop_from_b;
	t0 = w.now;
	while (c_n_sa(&w.p[0]) == 1 && w.now - t0 < 60000)
		t_advance(&w, 500);
	CHECK(c_n_sa(&w.p[0]) == 0, "a cleared the SA");
	CHECK(w.now - t0 >= 6000 && w.now - t0 <= 9500, "dead after %llu ms (2 checks, 3 s apart)",
	      (unsigned long long)(w.now - t0));
	CHECK(c->fail[SHM_IKE_FAIL_TIMEOUT] == 1 && c->retransmits == 1, "one repeated check, one timeout (%llu)",
	      (unsigned long long)c->retransmits);
	t_world_fini(&w);

	/* `ikev2 set liveness 0 0` overrides the daemon's --liveness: no checks. */
	t_world_init(&w);
	w.cfg.liveness_s = 5;
	c_establish(&w);
	w.p[0].live_set = w.p[1].live_set = true;
	t_advance(&w, 60000);
	CHECK(ikev2_engine_counters(w.p[0].e)->dpd_sent <= 1 && ikev2_engine_counters(w.p[1].e)->dpd_sent <= 1,
	      "off: at most the check already armed");
	t_world_fini(&w);
}

/* ---- lost messages ------------------------------------------------------------- */

struct lose {
	int to;                 /* the receiver whose datagram to lose */
	uint8_t exchange;
	bool response;
	unsigned count;         /* how many more to lose */
	unsigned lost;
};

static bool lose_filter(struct t_world *w, struct t_pkt *k, void *arg)
{
	struct lose *l = arg;
	size_t off = k->len > 0 && k->data[0] == 0 ? 0 : 0;
	const uint8_t *h = k->data + off;

	(void)w;
	if (l->count && k->to == l->to && k->len >= 28 && h[18] == l->exchange &&
	    !!(h[19] & IKE_HDR_F_RESPONSE) == l->response) {
		l->count--;
		l->lost++;
		return false;
	}
	return true;
}

static void lost(uint8_t exchange, bool response, unsigned count)
{
	struct t_world w;
	struct lose l = { .to = response ? 0 : 1, .exchange = exchange, .response = response, .count = count };
	const struct shm_ike_counters *ca, *cb;

	t_world_init(&w);
	w.filter = lose_filter;
	w.filter_arg = &l;
	t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	t_profile(&w.p[1], "pr1", false, NULL);
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_advance(&w, 60000);
	CHECK(l.lost == count, "lost %u", l.lost);
	both_match(&w);
	ca = ikev2_engine_counters(w.p[0].e);
	cb = ikev2_engine_counters(w.p[1].e);
	CHECK(ca->retransmits == count, "a retransmitted %llu times", (unsigned long long)ca->retransmits);
	if (response)
		CHECK(cb->resp_retransmits == count, "b answered %llu times from its cache",
		      (unsigned long long)cb->resp_retransmits);
	CHECK(c_n_child(c_the_sa(&w.p[1]), IKEV2_CHILD_INSTALLED) == 1 && t_n_sad(&w.p[1]) == 2,
	      "b processed the request once");
	t_world_fini(&w);
}

static bool drop_all_from_b(struct t_world *w, struct t_pkt *k, void *arg)
{
	(void)w, (void)arg;
	return k->to != 0;
}

static void t_peer_dead(void)
{
	struct t_world w;
	const struct shm_ike_counters *c;

	t_world_init(&w);
	w.cfg.liveness_s = 5;
	c_establish(&w);
	w.filter = drop_all_from_b;
	t_advance(&w, 5 * 60000);
	c = ikev2_engine_counters(w.p[0].e);
	CHECK(c_n_sa(&w.p[0]) == 0 && t_n_sad(&w.p[0]) == 0 && t_n_tun(&w.p[0]) == 0, "a cleared the SA");
	CHECK(c->retransmits == w.cfg.retransmit_tries && c->fail[SHM_IKE_FAIL_TIMEOUT] == 1, "%llu retransmits",
	      (unsigned long long)c->retransmits);
	t_world_fini(&w);
}

static void t_restart_action(void)
{
	struct t_world w;

	t_world_init(&w);
	w.cfg.liveness_s = 5;
	w.cfg.liveness_action = IKEV2_LIVENESS_RESTART;
	c_establish(&w);
	/* b forgets everything (a reboot): a finds out and connects again. */
	ikev2_engine_free(w.p[1].e);
	memset(w.p[1].sad, 0, sizeof(w.p[1].sad));
	memset(w.p[1].tun, 0, sizeof(w.p[1].tun));
	t_peer_start(&w, 1, NULL);
	t_advance(&w, 5 * 60000);
	both_match(&w);
	t_world_fini(&w);
}

/* ---- negotiation outcomes ------------------------------------------------------ */

static void t_invalid_ke(void)
{
	struct t_world w;
	struct shm_profile *b;

	t_world_init(&w);
	t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	b = t_profile(&w.p[1], "pr1", false, NULL);
	b->ike = (struct shm_ike_transforms){ 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA2_256_128, 14, 256, 0 };
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	both_match(&w);
	CHECK(c_the_sa(&w.p[0])->xf.dh == 14 && c_the_sa(&w.p[0])->xf.encr == IKE_ENCR_AES_CBC, "group 14");
	CHECK(ikev2_engine_counters(w.p[1].e)->fail[SHM_IKE_FAIL_INVALID_KE] == 1, "INVALID_KE counted");
	t_world_fini(&w);
}

static void refused(void (*mod)(struct shm_profile *a, struct shm_profile *b), enum shm_ike_fail why,
		    bool ike_up)
{
	struct t_world w;

	t_world_init(&w);
	mod(t_profile(&w.p[0], "pr1", true, &w.p[1].addr), t_profile(&w.p[1], "pr1", false, NULL));
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_advance(&w, 1000);
	CHECK(ikev2_engine_counters(w.p[1].e)->fail[why] >= 1, "failure %d counted", why);
	if (ike_up) {
		CHECK(c_n_sa(&w.p[0]) == 1 && c_n_sa(&w.p[1]) == 1, "IKE SA up");
		CHECK(!c_the_sa(&w.p[0])->children && !c_the_sa(&w.p[1])->children, "no child");
	} else {
		CHECK(c_n_sa(&w.p[0]) == 0 && c_n_sa(&w.p[1]) == 0, "no SA left");
	}
	CHECK(t_n_sad(&w.p[0]) + t_n_sad(&w.p[1]) == 0 && t_n_tun(&w.p[0]) + t_n_tun(&w.p[1]) == 0, "nothing installed");
	t_world_fini(&w);
}

static void m_no_proposal(struct shm_profile *a, struct shm_profile *b)
{
	a->ike = (struct shm_ike_transforms){ 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA1_96, 14, 128, 0 };
	b->ike = (struct shm_ike_transforms){ 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA1_96, 14, 256, 0 };
}

static void m_wrong_psk(struct shm_profile *a, struct shm_profile *b)
{
	(void)b;
	a->auth_data[0] = 'X';
}

static void m_wrong_id(struct shm_profile *a, struct shm_profile *b)
{
	(void)b;
	memcpy(a->local_id, "mallory", 7);
}

static void m_ts_disjoint(struct shm_profile *a, struct shm_profile *b)
{
	(void)b;
	t_ts(&a->remote_ts, "198.18.0.0", "198.18.0.255");
}

static void m_esp_mismatch(struct shm_profile *a, struct shm_profile *b)
{
	a->esp = (struct shm_ike_transforms){ 1, IKE_ENCR_AES_CBC, IKE_INTEG_HMAC_SHA1_96, 0, 192, 0 };
	b->esp = (struct shm_ike_transforms){ 1, IKE_ENCR_AES_GCM_16, 0, 0, 256, 0 };
}

static void t_ts_narrowing(void)
{
	struct t_world w;
	struct shm_profile *a;
	struct ikev2_sa *sa;

	t_world_init(&w);
	a = t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	t_profile(&w.p[1], "pr1", false, NULL);
	/* a asks for more than b allows on both sides, with a port range. */
	t_ts(&a->local_ts, "198.51.100.0", "198.51.101.255");
	t_ts(&a->remote_ts, "203.0.113.0", "203.0.113.255");
	a->remote_ts.protocol = 6;
	a->remote_ts.port_start = 80;
	a->remote_ts.port_end = 80;
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	both_match(&w);
	sa = c_the_sa(&w.p[0]);
	CHECK(sa->children->ts_l.end[2] == 100 && sa->children->ts_l.end[3] == 255, "narrowed to b's /24");
	CHECK(sa->children->ts_r.ip_proto == 6 && sa->children->ts_r.start_port == 80 &&
	      sa->children->ts_r.end_port == 80, "narrower than b: kept");
	t_world_fini(&w);
}

/* ---- NAT between a and b --------------------------------------------------------- */

/* a sits behind a NAT that maps 192.0.2.1:p to 203.0.113.9:(p + 1000). */
static bool nat_filter(struct t_world *w, struct t_pkt *k, void *arg)
{
	(void)w, (void)arg;
	if (k->to == 1) {
		t_addr(&k->path.remote, "203.0.113.9");
		k->path.remote.port = (uint16_t)((k->natt ? 4500 : 500) + 1000);
	} else {
		k->path.local = w->p[0].addr;
		k->path.local.port = k->natt ? 4500 : 500;
	}
	return true;
}

static void t_nat(void)
{
	struct t_world w;
	struct ikev2_sa *a, *b;
	struct t_sa *bo;

	t_world_init(&w);
	w.filter = nat_filter;
	c_establish(&w);
	a = c_the_sa(&w.p[0]);
	b = c_the_sa(&w.p[1]);
	CHECK(a->nat_local && !a->nat_remote && a->natt, "a: behind a NAT, moved to 4500");
	CHECK(b->nat_remote && !b->nat_local && b->natt && b->path.remote.port == 5500, "b follows a to 5500");
	bo = t_sa_find(&w.p[1], b->children->sa_out);
	CHECK(bo->s.udp_encap && bo->s.dst.port == 5500 && bo->s.src.port == 4500, "UDP-encapsulated towards the NAT");
	CHECK(t_sa_find(&w.p[0], a->children->sa_out)->s.udp_encap, "a encapsulates too");
	t_advance(&w, 45000);
	CHECK(ikev2_engine_counters(w.p[0].e)->keepalives_sent >= 2, "a sends NAT-T keepalives");
	CHECK(ikev2_engine_rekey_child(w.p[1].e, b->children->spi_in) == 0, "rekey over NAT");
	t_run(&w);
	t_advance(&w, 1);
	both_match(&w);
	t_world_fini(&w);
}

static void t_ipv6(void)
{
	struct t_world w;
	struct shm_profile *a, *b;

	t_world_init(&w);
	t_addr(&w.p[0].addr, "2001:db8::1");
	t_addr(&w.p[1].addr, "2001:db8::2");
	a = t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	b = t_profile(&w.p[1], "pr1", false, NULL);
	t_ts(&a->local_ts, "2001:db8:1::", "2001:db8:1::ffff");
	t_ts(&a->remote_ts, "2001:db8:2::", "2001:db8:2::ffff");
	t_ts(&b->remote_ts, "2001:db8:1::", "2001:db8:1::ffff");
	t_ts(&b->local_ts, "2001:db8:2::", "2001:db8:2::ffff");
	a->local_id_type = b->remote_id_type = IKE_ID_IPV6_ADDR;
	a->local_id_len = b->remote_id_len = 16;
	memcpy(a->local_id, w.p[0].addr.ip, 16);
	memcpy(b->remote_id, w.p[0].addr.ip, 16);
	t_world_start(&w);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	both_match(&w);
	CHECK(c_the_sa(&w.p[1])->children->ts_r.type == IKE_TS_IPV6_ADDR_RANGE, "IPv6 selectors");
	t_world_fini(&w);
}

static void t_install_failure(void)
{
	struct t_world w;

	t_world_init(&w);
	t_profile(&w.p[0], "pr1", true, &w.p[1].addr);
	t_profile(&w.p[1], "pr1", false, NULL);
	t_world_start(&w);
	w.p[1].fail_sa_add = 1;
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	CHECK(c_n_sa(&w.p[0]) == 1 && c_n_sa(&w.p[1]) == 1 && !c_the_sa(&w.p[0])->children, "IKE SA without child");
	CHECK(t_n_sad(&w.p[0]) + t_n_sad(&w.p[1]) == 0, "nothing half-installed");
	CHECK(ikev2_engine_counters(w.p[1].e)->fail[SHM_IKE_FAIL_INSTALL] == 1, "counted");
	/* A later additional child works. */
	CHECK(ikev2_engine_create_child(w.p[0].e, c_spi64(c_the_sa(&w.p[0]))) == 0, "create");
	t_run(&w);
	both_match(&w);
	t_world_fini(&w);
}

int main(void)
{
	gw_log_init("test_ikev2d_exchange", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	t_basic();
	t_child_create();
	rekey_child_from(0);
	rekey_child_from(1);
	rekey_ike_from(0);
	rekey_ike_from(1);
	delete_child_from(0);
	delete_child_from(1);
	delete_ike_from(0);
	delete_ike_from(1);
	t_liveness();
	t_liveness_set();
	lost(IKE_EXCH_SA_INIT, false, 1);
	lost(IKE_EXCH_SA_INIT, true, 2);
	lost(IKE_EXCH_AUTH, false, 2);
	lost(IKE_EXCH_AUTH, true, 1);
	t_peer_dead();
	t_restart_action();
	t_invalid_ke();
	refused(m_no_proposal, SHM_IKE_FAIL_NO_PROPOSAL, false);
	refused(m_wrong_psk, SHM_IKE_FAIL_AUTH, false);
	refused(m_wrong_id, SHM_IKE_FAIL_NO_PROFILE, false);
	refused(m_ts_disjoint, SHM_IKE_FAIL_TS, true);
	refused(m_esp_mismatch, SHM_IKE_FAIL_NO_PROPOSAL, true);
	t_ts_narrowing();
	t_nat();
	t_ipv6();
	t_install_failure();
	printf("test_ikev2d_exchange: ok\n");
	return 0;
}

/*
 * SPD classifier table tests (svc/dataplane/spd): each case a few policies
 * and the packets that must (and must not) match them, with the expected
 * policy, SA and action. Every case also runs through the reference matcher
 * (spd_test.h), so the table checks the reference as much as the module.
 */
#include "spd_test.h"

static struct shm_region *R;
static struct shm_policy pols[SHM_MAX_POLICY];
static uint32_t npol;
static int failures;

#define EXPECT(cond, ...) do { if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* Start a case: empty region, SPDs 7 (record 3) and 9 (record 0). */
static void reset(void)
{
	spdt_clear(R);
	memset(pols, 0, sizeof(pols));
	npol = 0;
	spdt_spd(R, 3, 7, 1);
	spdt_spd(R, 0, 9, 1);
}

static uint32_t add_at(uint32_t i, const struct shm_policy *p)
{
	pols[i] = *p;
	spdt_put(R, i, p);
	if (i + 1 > npol)
		npol = i + 1;
	return i;
}

static struct dp_spd_set *build(void)
{
	char err[256];
	struct dp_spd_set *s = dp_spd_build(R, NULL, err, sizeof(err));

	CHECK(s, "build: %s", err);
	return s;
}

/* Classify one packet in SPD spd_id; check the module's answer is want (a
 * record index or DP_SPD_NONE), that the reference agrees, and that sa_id
 * and action are the record's. */
static void expect(int line, struct dp_spd_set *s, uint32_t spd_id, int dir,
		   const struct spdt_spec *ps, uint32_t want)
{
	struct spdt_pkt k;
	struct dp_spd_result r;
	uint32_t ref;

	spdt_build(&k, ps);
	r = spdt_classify1(s, dp_spd_slot(s, spd_id), dir, &k, ps->af);
	ref = spdt_ref(pols, npol, spd_id, dir, ps->af, k.b, k.len);
	if (r.policy != want || ref != want) {
		failures++;
		fprintf(stderr, "line %d: %s %s -> %s proto %u ports %u/%u frag %u: module %d, "
			"reference %d, expected %d\n", line, dir == SHM_DIR_OUT ? "out" : "in", ps->src,
			ps->dst, ps->proto, ps->sport, ps->dport, ps->frag, (int)r.policy, (int)ref,
			(int)want);
		return;
	}
	if (want == DP_SPD_NONE)
		EXPECT(r.action == SHM_POL_DISCARD && r.sa_id == 0, "line %d: no match: action %u sa %u",
		       line, r.action, r.sa_id);
	else
		EXPECT(r.sa_id == pols[want].sa_id && r.action == pols[want].action,
		       "line %d: policy %u: sa %u action %u, record has sa %u action %u", line, want,
		       r.sa_id, r.action, pols[want].sa_id, pols[want].action);
}

#define EXPECT_PKT(s, spd, dir, want, ...) \
	do { struct spdt_spec ps_ = { __VA_ARGS__ }; expect(__LINE__, s, spd, dir, &ps_, want); } while (0)
#define V4 .af = SHM_AF_INET
#define V6 .af = SHM_AF_INET6
#define NONE DP_SPD_NONE

/* Larger priority first, negative ones too; equal priorities: the lower
 * record index. */
static void test_priorities(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;

	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_BYPASS, -5, 0);
	add_at(10, &p);                                 /* everything, -5 */
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 10, 100);
	spdt_range(&p, 1, "198.51.100.0", "198.51.100.255");
	add_at(20, &p);                                 /* 198.51.100/24, 10 */
	p.sa_id = 101;
	add_at(15, &p);                                 /* same, 10, lower index */
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, -7, 0);
	spdt_range(&p, 1, "203.0.113.0", "203.0.113.255");
	add_at(5, &p);                                  /* 203.0.113/24, -7: below -5 */
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, INT32_MIN, 0);
	spdt_range(&p, 1, "192.0.2.0", "192.0.2.255");
	add_at(1, &p);                                  /* INT32_MIN */
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, INT32_MAX, 102);
	spdt_range(&p, 1, "192.0.2.128", "192.0.2.128");
	add_at(30, &p);                                 /* INT32_MAX */
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 15, V4, .src = "192.0.2.1", .dst = "198.51.100.9", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 10, V4, .src = "192.0.2.1", .dst = "203.0.113.9", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 10, V4, .src = "192.0.2.1", .dst = "192.0.2.7", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 30, V4, .src = "192.0.2.1", .dst = "192.0.2.128", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 10, V4, .src = "192.0.2.1", .dst = "198.18.0.1", .proto = 6,
		   .sport = 1, .dport = 2);
	dp_spd_free(s);

	/* the winner among equal priorities is the lowest index, whatever the
	 * order in which records were written */
	reset();
	for (uint32_t i = 0; i < 40; i++) {
		p = spdt_pol(9, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_PROTECT, i % 3 == 0 ? 3 : -3, 1000 + i);
		add_at(40 - i, &p);
	}
	s = build();
	EXPECT_PKT(s, 9, SHM_DIR_IN, 1, V6, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = 58);
	EXPECT(dp_spd_count(s, dp_spd_slot(s, 9), SHM_DIR_IN, SHM_AF_INET6) == 40, "count");
	dp_spd_free(s);
}

/* The protocol selector, including protocol 0 (IPv6 hop-by-hop number, a
 * valid IPv4 protocol value) against "any". */
static void test_protocol(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;

	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 5, 1);
	p.has_protocol = 1;
	p.protocol = 6;
	add_at(0, &p);
	p.protocol = 0;
	p.sa_id = 2;
	add_at(1, &p);
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, 1, 0);
	add_at(2, &p);                                  /* any protocol, lower */
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 6,
		   .sport = 9, .dport = 9);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 1, V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 0);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 2, V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 17,
		   .sport = 9, .dport = 9);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 2, V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 255);
	dp_spd_free(s);

	/* IPv6: the protocol after extension headers (hop-by-hop, destination
	 * options, fragment) */
	reset();
	p = spdt_pol(7, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_BYPASS, 5, 0);
	p.has_protocol = 1;
	p.protocol = 17;
	p.lport_start = p.lport_end = 500;
	add_at(4, &p);
	p = spdt_pol(7, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_BYPASS, 4, 0);
	p.has_protocol = 1;
	p.protocol = 0;
	add_at(5, &p);                                  /* hop-by-hop itself: never the protocol */
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_IN, 4, V6, .src = "2001:db8::2", .dst = "2001:db8::1", .proto = 17,
		   .sport = 4500, .dport = 500, .ext = 1);
	EXPECT_PKT(s, 7, SHM_DIR_IN, 4, V6, .src = "2001:db8::2", .dst = "2001:db8::1", .proto = 17,
		   .sport = 4500, .dport = 500, .ext = 1, .ipv6_frag_hdr = 1);
	EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, V6, .src = "2001:db8::2", .dst = "2001:db8::1",
		   .proto = 17, .sport = 4500, .dport = 501, .ext = 1);
	EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, V6, .src = "2001:db8::2", .dst = "2001:db8::1",
		   .proto = 6, .sport = 4500, .dport = 500, .ext = 1);
	dp_spd_free(s);
}

/* Port ranges: compared for TCP/UDP/SCTP first fragments, ignored for any
 * other protocol (ICMP), for non-first fragments and for a truncated L4
 * header; local/remote follow the direction. */
static void test_ports(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;
	struct spdt_pkt k;

	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 10, 1);
	p.rport_start = 80, p.rport_end = 80;           /* protocol any, remote port 80 */
	add_at(0, &p);
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 9, 2);
	p.has_protocol = 1;
	p.protocol = 17;
	p.lport_start = 1000, p.lport_end = 1999;       /* UDP from local 1000..1999 */
	p.rport_start = 53, p.rport_end = 54;
	add_at(1, &p);
	p = spdt_pol(7, SHM_DIR_IN, SHM_AF_INET, SHM_POL_BYPASS, 9, 0);
	p.has_protocol = 1;
	p.protocol = 6;
	p.lport_start = 22, p.lport_end = 22;           /* inbound: local = destination port */
	add_at(2, &p);
	s = build();
	/* remote port 80, any protocol with ports */
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 6,
		   .sport = 5555, .dport = 80);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 132,
		   .sport = 5555, .dport = 80);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 6, .sport = 80, .dport = 81);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 6, .sport = 5555, .dport = 79);
	/* ICMP and other protocols: the port range is ignored */
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 1,
		   .sport = 0x0800);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 50,
		   .sport = 1, .dport = 2);
	/* a non-first fragment carries no ports: ignored; the first is compared */
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 6,
		   .sport = 5555, .dport = 81, .frag = 185);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 6, .sport = 5555, .dport = 81, .frag = 0);
	/* both ranges of the UDP policy, at their edges */
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 1, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 17,
		   .sport = 1000, .dport = 53);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 1, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 17,
		   .sport = 1999, .dport = 54);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 17, .sport = 999, .dport = 53);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 17, .sport = 2000, .dport = 53);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 17, .sport = 1500, .dport = 55);
	/* inbound: the local port is the destination port */
	EXPECT_PKT(s, 7, SHM_DIR_IN, 2, V4, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = 6,
		   .sport = 40000, .dport = 22);
	EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, V4, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = 6,
		   .sport = 22, .dport = 40000);

	/* a TCP header cut before its ports: ignored (policy 0 matches with
	 * remote port 81 in the bytes that are not there) */
	{
		struct spdt_spec ps = { V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 6,
					.sport = 5555, .dport = 81 };
		struct dp_spd_result r;

		spdt_build(&k, &ps);
		k.len = 23;
		r = spdt_classify1(s, dp_spd_slot(s, 7), SHM_DIR_OUT, &k, SHM_AF_INET);
		EXPECT(r.policy == 0, "truncated TCP: policy %d", (int)r.policy);
		EXPECT(spdt_ref(pols, npol, 7, SHM_DIR_OUT, SHM_AF_INET, k.b, k.len) == 0, "reference");
		k.len = 24;
		r = spdt_classify1(s, dp_spd_slot(s, 7), SHM_DIR_OUT, &k, SHM_AF_INET);
		EXPECT(r.policy == NONE, "TCP with ports 5555/81: policy %d", (int)r.policy);
	}
	dp_spd_free(s);

	/* IPv6: fragment header with a non-zero offset, and the first fragment */
	reset();
	p = spdt_pol(9, SHM_DIR_OUT, SHM_AF_INET6, SHM_POL_DISCARD, 0, 0);
	p.has_protocol = 1;
	p.protocol = 6;
	p.rport_start = 443, p.rport_end = 443;
	add_at(7, &p);
	s = build();
	EXPECT_PKT(s, 9, SHM_DIR_OUT, 7, V6, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = 6,
		   .sport = 1, .dport = 443, .ipv6_frag_hdr = 1);
	EXPECT_PKT(s, 9, SHM_DIR_OUT, NONE, V6, .src = "2001:db8::1", .dst = "2001:db8::2",
		   .proto = 6, .sport = 1, .dport = 444, .ipv6_frag_hdr = 1);
	EXPECT_PKT(s, 9, SHM_DIR_OUT, 7, V6, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = 6,
		   .sport = 1, .dport = 444, .ipv6_frag_hdr = 1, .frag = 100);
	EXPECT_PKT(s, 9, SHM_DIR_OUT, 7, V6, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = 6,
		   .sport = 1, .dport = 444, .ipv6_frag_hdr = 1, .frag = 100, .ext = 1);
	dp_spd_free(s);
}

/* Address ranges that are not prefixes, at their edges: IPv4, and IPv6
 * ranges whose ends differ across 32-bit and 64-bit word boundaries. */
static void test_ranges(void)
{
	static const struct {
		uint8_t af;
		const char *start, *end;
		const char *in[3], *out[2];     /* inside (ends and a middle); just outside */
	} c[] = {
		{ SHM_AF_INET, "198.18.0.5", "198.18.1.3",
		  { "198.18.0.5", "198.18.1.3", "198.18.0.255" }, { "198.18.0.4", "198.18.1.4" } },
		{ SHM_AF_INET, "0.0.0.1", "255.255.255.254",
		  { "0.0.0.1", "255.255.255.254", "128.0.0.0" }, { "0.0.0.0", "255.255.255.255" } },
		/* across the boundary of the last two 32-bit words */
		{ SHM_AF_INET6, "2001:db8::ffff:fff0", "2001:db8::1:0:10",
		  { "2001:db8::ffff:fff0", "2001:db8::1:0:10", "2001:db8::1:0:0" },
		  { "2001:db8::ffff:ffef", "2001:db8::1:0:11" } },
		/* across the 64-bit boundary */
		{ SHM_AF_INET6, "2001:db8:0:ffff:ffff:ffff:ffff:fff0", "2001:db8:1:0::10",
		  { "2001:db8:0:ffff:ffff:ffff:ffff:fff0", "2001:db8:1::10", "2001:db8:1::" },
		  { "2001:db8:0:ffff:ffff:ffff:ffff:ffef", "2001:db8:1::11" } },
		/* across the boundary of the first two 32-bit words, ends not aligned */
		{ SHM_AF_INET6, "2001:db8:ffff:ff00::7", "2001:db9:0:10::3",
		  { "2001:db8:ffff:ff00::7", "2001:db9:0:10::3", "2001:db9::" },
		  { "2001:db8:ffff:ff00::6", "2001:db9:0:10::4" } },
		/* many 64-bit high words between the ends */
		{ SHM_AF_INET6, "2001:db8::5", "2001:db8:0:100::4",
		  { "2001:db8::5", "2001:db8:0:100::4", "2001:db8:0:ff:ffff:ffff:ffff:ffff" },
		  { "2001:db8::4", "2001:db8:0:100::5" } },
		/* within one 64-bit low word, crossing its 32-bit boundary */
		{ SHM_AF_INET6, "2001:db8::ffff:ffff:ffff", "2001:db8::1:0:0:1",
		  { "2001:db8::ffff:ffff:ffff", "2001:db8::1:0:0:1", "2001:db8::1:0:0:0" },
		  { "2001:db8::ffff:ffff:fffe", "2001:db8::1:0:0:2" } },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct shm_policy p;
		struct dp_spd_set *s;
		const char *other = c[i].af == SHM_AF_INET6 ? "2001:db8:ffff::1" : "203.0.113.1";

		reset();
		/* the range as the local side of one policy and the remote of another */
		p = spdt_pol(7, SHM_DIR_OUT, c[i].af, SHM_POL_PROTECT, 1, 11);
		spdt_range(&p, 0, c[i].start, c[i].end);
		add_at(0, &p);
		p = spdt_pol(7, SHM_DIR_IN, c[i].af, SHM_POL_PROTECT, 1, 12);
		spdt_range(&p, 1, c[i].start, c[i].end);
		add_at(1, &p);
		s = build();
		for (int k = 0; k < 3; k++) {
			EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, .af = c[i].af, .src = c[i].in[k], .dst = other,
				   .proto = 47);
			EXPECT_PKT(s, 7, SHM_DIR_IN, 1, .af = c[i].af, .src = c[i].in[k], .dst = other,
				   .proto = 47);
		}
		for (int k = 0; k < 2; k++) {
			EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, .af = c[i].af, .src = c[i].out[k],
				   .dst = other, .proto = 47);
			EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, .af = c[i].af, .src = c[i].out[k],
				   .dst = other, .proto = 47);
		}
		dp_spd_free(s);
	}
}

/* Directions, families and SPDs are separate; local/remote follow the
 * direction. */
static void test_separation(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;

	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 1, 1);
	spdt_range(&p, 0, "192.0.2.0", "192.0.2.255");      /* local */
	spdt_range(&p, 1, "198.51.100.0", "198.51.100.255"); /* remote */
	add_at(0, &p);
	p = spdt_pol(7, SHM_DIR_IN, SHM_AF_INET6, SHM_POL_BYPASS, 1, 0);
	spdt_range(&p, 0, "2001:db8:1::", "2001:db8:1::ffff");
	add_at(1, &p);
	p = spdt_pol(9, SHM_DIR_IN, SHM_AF_INET, SHM_POL_DISCARD, 1, 0);
	add_at(2, &p);
	p = spdt_pol(1234, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_DISCARD, 100, 0);
	add_at(3, &p);                                  /* an SPD that does not exist */
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 0, V4, .src = "192.0.2.1", .dst = "198.51.100.1", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "198.51.100.1", .dst = "192.0.2.1",
		   .proto = 1);
	/* the same addresses inbound: no inbound IPv4 policy in SPD 7 */
	EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, V4, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = 1);
	/* inbound IPv6, local = destination */
	EXPECT_PKT(s, 7, SHM_DIR_IN, 1, V6, .src = "2001:db8::9", .dst = "2001:db8:1::5", .proto = 58);
	EXPECT_PKT(s, 7, SHM_DIR_IN, NONE, V6, .src = "2001:db8:1::5", .dst = "2001:db8::9",
		   .proto = 58);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V6, .src = "2001:db8:1::5", .dst = "2001:db8::9",
		   .proto = 58);
	/* SPD 9 has only its inbound IPv4 catch-all */
	EXPECT_PKT(s, 9, SHM_DIR_IN, 2, V4, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = 1);
	EXPECT_PKT(s, 9, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.1",
		   .proto = 1);
	EXPECT_PKT(s, 9, SHM_DIR_IN, NONE, V6, .src = "2001:db8::9", .dst = "2001:db8:1::5",
		   .proto = 58);
	EXPECT(dp_spd_slot(s, 1234) == -1, "a policy's SPD id that has no SPD gets no slot");
	EXPECT(dp_spd_slot(s, 7) == 3 && dp_spd_slot(s, 9) == 0, "slots are SPD record indexes");
	EXPECT(dp_spd_count(s, 3, SHM_DIR_OUT, SHM_AF_INET) == 1 &&
	       dp_spd_count(s, 3, SHM_DIR_IN, SHM_AF_INET) == 0 &&
	       dp_spd_count(s, 3, SHM_DIR_IN, SHM_AF_INET6) == 1 &&
	       dp_spd_count(s, 0, SHM_DIR_IN, SHM_AF_INET) == 1, "counts");
	dp_spd_free(s);
}

/* An SPD without policies, an unknown slot, malformed packets. */
static void test_empty_and_malformed(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;
	struct spdt_pkt k;
	struct dp_spd_result r[3];
	const uint8_t *ip[3];
	uint32_t len[3];

	reset();
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 1);
	EXPECT_PKT(s, 9, SHM_DIR_IN, NONE, V6, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = 1);
	EXPECT(dp_spd_count(s, 3, SHM_DIR_OUT, SHM_AF_INET) == 0, "empty count");
	EXPECT(dp_spd_classifier_id(s, 3, SHM_DIR_OUT, SHM_AF_INET) == NULL, "no classifier");
	EXPECT(dp_spd_slot(s, 8) == -1, "unknown SPD id");
	dp_spd_free(s);

	/* a policy whose ranges are empty (start above end) matches nothing; an
	 * empty port range matches no packet that carries ports */
	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 1, 1);
	spdt_range(&p, 1, "198.51.100.9", "198.51.100.1");
	add_at(0, &p);
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 0, 2);
	p.rport_start = 10, p.rport_end = 9;
	add_at(1, &p);
	s = build();
	EXPECT_PKT(s, 7, SHM_DIR_OUT, 1, V4, .src = "192.0.2.1", .dst = "198.51.100.5", .proto = 1);
	EXPECT_PKT(s, 7, SHM_DIR_OUT, NONE, V4, .src = "192.0.2.1", .dst = "198.51.100.5", .proto = 6,
		   .sport = 10, .dport = 10);
	EXPECT(dp_spd_count(s, 3, SHM_DIR_OUT, SHM_AF_INET) == 2, "empty policies are counted");
	dp_spd_free(s);

	/* short, wrong-version and good packets in one burst; unknown slot */
	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_BYPASS, 0, 0);
	add_at(0, &p);
	s = build();
	{
		struct spdt_spec ps = { V4, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = 1 };
		spdt_build(&k, &ps);
	}
	ip[0] = ip[1] = ip[2] = k.b;
	len[0] = 19, len[1] = k.len, len[2] = k.len;
	dp_spd_classify(s, 3, SHM_DIR_OUT, SHM_AF_INET, ip, len, 3, r);
	EXPECT(r[0].policy == NONE && r[1].policy == 0 && r[2].policy == 0, "short packet: %d %d %d",
	       (int)r[0].policy, (int)r[1].policy, (int)r[2].policy);
	k.b[0] = 0x65;
	dp_spd_classify(s, 3, SHM_DIR_OUT, SHM_AF_INET, ip, len, 1, r);
	EXPECT(r[0].policy == NONE, "IPv4 slot given version 6");
	dp_spd_classify(s, 17, SHM_DIR_OUT, SHM_AF_INET, ip, len, 1, r);
	EXPECT(r[0].policy == NONE, "unknown slot");
	dp_spd_classify(s, -1, SHM_DIR_OUT, SHM_AF_INET, ip, len, 1, r);
	EXPECT(r[0].policy == NONE, "slot -1");
	dp_spd_classify(NULL, 3, SHM_DIR_OUT, SHM_AF_INET, ip, len, 1, r);
	EXPECT(r[0].policy == NONE, "no set");
	dp_spd_free(s);
	dp_spd_free(NULL);
}

/* A record the build cannot represent fails the build, with a message. */
static void test_bad_record(void)
{
	struct shm_policy p;
	struct dp_spd_set *s;
	char err[256] = "";

	reset();
	p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, SHM_POL_PROTECT, 1, 1);
	p.af = 5;
	add_at(12, &p);
	s = dp_spd_build(R, NULL, err, sizeof(err));
	EXPECT(!s && strstr(err, "policy 12"), "bad family: %s", err);
	p.af = SHM_AF_INET;
	p.action = 9;
	add_at(12, &p);
	s = dp_spd_build(R, NULL, err, sizeof(err));
	EXPECT(!s && strstr(err, "action"), "bad action: %s", err);
	dp_spd_free(s);
}

int main(void)
{
	R = spdt_setup();
	test_priorities();
	test_protocol();
	test_ports();
	test_ranges();
	test_separation();
	test_empty_and_malformed();
	test_bad_record();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("spd table tests passed\n");
	return 0;
}

/* The classify/parse stage (svc/dataplane/dp_classify.h): every verdict
 * and drop reason for crafted frames, including those a veth cannot carry
 * (runts shorter than an Ethernet header). Pure functions: no DPDK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_classify.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #c); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static const uint8_t own[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 2 };

struct frame {
	uint8_t b[2048];
	uint32_t len;
};

static void eth(struct frame *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, peer, 6);
	f->b[12] = (uint8_t)(type >> 8);
	f->b[13] = (uint8_t)type;
	f->len = 14;
}

static uint8_t *ip4(struct frame *f, const char *src, const char *dst, uint8_t proto, uint32_t payload)
{
	uint8_t *ip = f->b + 14;
	unsigned a, b, c, d;
	uint16_t cs;

	memset(ip, 0, 20 + payload);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + payload) >> 8);
	ip[3] = (uint8_t)(20 + payload);
	ip[8] = 64;
	ip[9] = proto;
	sscanf(src, "%u.%u.%u.%u", &a, &b, &c, &d);
	ip[12] = (uint8_t)a, ip[13] = (uint8_t)b, ip[14] = (uint8_t)c, ip[15] = (uint8_t)d;
	sscanf(dst, "%u.%u.%u.%u", &a, &b, &c, &d);
	ip[16] = (uint8_t)a, ip[17] = (uint8_t)b, ip[18] = (uint8_t)c, ip[19] = (uint8_t)d;
	cs = dp_csum_final(dp_csum_add(0, ip, 20));
	memcpy(ip + 10, &cs, 2);
	f->len = 14 + 20 + payload;
	return ip;
}

static void ip4_fix(uint8_t *ip)
{
	uint16_t cs;

	ip[10] = ip[11] = 0;
	cs = dp_csum_final(dp_csum_add(0, ip, (ip[0] & 15u) * 4u));
	memcpy(ip + 10, &cs, 2);
}

static uint8_t *ip6(struct frame *f, uint8_t last_src, uint8_t dst0, uint8_t nh, uint8_t hlim, uint32_t payload)
{
	uint8_t *ip = f->b + 14;

	memset(ip, 0, 40 + payload);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(payload >> 8);
	ip[5] = (uint8_t)payload;
	ip[6] = nh;
	ip[7] = hlim;
	ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = last_src;
	ip[24] = dst0, ip[25] = dst0 == 0xff ? 0x02 : 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 1;
	f->len = 14 + 40 + payload;
	return ip;
}

static void l4_csum6(uint8_t *ip, uint8_t proto, uint32_t len, uint32_t csum_off)
{
	uint16_t cs;

	ip[40 + csum_off] = ip[40 + csum_off + 1] = 0;
	cs = dp_csum_final(dp_csum_add(dp_csum_phdr6(ip + 8, ip + 24, proto, len), ip + 40, len));
	memcpy(ip + 40 + csum_off, &cs, 2);
}

static enum dp_class cls(const struct frame *f, struct dp_meta *m)
{
	enum dp_class c;
	uint32_t l3 = 0, dst = 0;
	int fast;

	memset(m, 0xee, sizeof(*m));
	c = dp_classify_frame(f->b, f->len, own, m);
	fast = dp_classify_ip4_fast(f->b, f->len, own, &l3, &dst);
	CHECK(!fast || (c == DP_CLS_IP4 && l3 == m->l3_len), "fast path disagrees: class %d", c);
	return c;
}

static void expect_drop(const struct frame *f, enum shm_drop d, const char *what)
{
	struct dp_meta m;
	enum dp_class c = cls(f, &m);

	CHECK(c == DP_CLS_DROP && m.drop == d, "%s: class %d drop %s, want %s", what, c,
	      c == DP_CLS_DROP ? shm_drop_name((enum shm_drop)m.drop) : "-", shm_drop_name(d));
}

static void test_l2(void)
{
	struct frame f;
	struct dp_meta m;

	for (uint32_t n = 0; n < 14; n++) {
		eth(&f, own, 0x0800);
		f.len = n;
		expect_drop(&f, SHM_DROP_RUNT, "runt");
	}
	eth(&f, own, 0x88b5);
	expect_drop(&f, SHM_DROP_UNKNOWN_ETHERTYPE, "ethertype 88b5");
	eth(&f, own, 0x8100);
	expect_drop(&f, SHM_DROP_UNKNOWN_ETHERTYPE, "vlan tag");
	eth(&f, peer, 0x0800);
	ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	expect_drop(&f, SHM_DROP_L2_NOT_FOR_US, "other mac");
	eth(&f, own, 0x0800);
	ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	CHECK(cls(&f, &m) == DP_CLS_IP4 && m.l3_len == 28, "ip4 unicast");
	{
		uint32_t l3 = 0, dst = 0;
		CHECK(dp_classify_ip4_fast(f.b, f.len, own, &l3, &dst) && l3 == 28 && dst == 0xc6336402u,
		      "fast path: l3 %u dst %08x", l3, dst);
	}
}

static void test_ip4(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct frame f;
	struct dp_meta m;
	uint8_t *ip;

	eth(&f, own, 0x0800);
	ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	f.len = 14 + 19;
	expect_drop(&f, SHM_DROP_IP4_BAD_HEADER, "truncated header");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[0] = 0x44;
	ip4_fix(ip);
	expect_drop(&f, SHM_DROP_IP4_BAD_HEADER, "ihl 4");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[0] = 0x4f; /* 60 bytes of header in a 28-byte packet */
	expect_drop(&f, SHM_DROP_IP4_BAD_HEADER, "ihl beyond frame");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[0] = 0x65;
	ip4_fix(ip);
	expect_drop(&f, SHM_DROP_IP4_BAD_HEADER, "version 6 in ip4");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[10] ^= 1;
	expect_drop(&f, SHM_DROP_IP4_BAD_CHECKSUM, "checksum");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[3] = 200;
	ip4_fix(ip);
	expect_drop(&f, SHM_DROP_IP4_BAD_LENGTH, "total length > frame");
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	ip[2] = 0, ip[3] = 10;
	ip4_fix(ip);
	expect_drop(&f, SHM_DROP_IP4_BAD_HEADER, "total length < ihl");
	ip4(&f, "192.0.2.2", "224.0.0.5", 17, 8);
	expect_drop(&f, SHM_DROP_MCAST, "multicast dst");
	ip4(&f, "192.0.2.2", "255.255.255.255", 17, 8);
	expect_drop(&f, SHM_DROP_MCAST, "broadcast dst");
	ip4(&f, "127.0.0.1", "198.51.100.2", 17, 8);
	expect_drop(&f, SHM_DROP_MARTIAN, "loopback src");
	ip4(&f, "0.1.2.3", "198.51.100.2", 17, 8);
	expect_drop(&f, SHM_DROP_MARTIAN, "0/8 src");
	eth(&f, bcast, 0x0800);
	ip4(&f, "192.0.2.2", "198.51.100.2", 17, 8);
	expect_drop(&f, SHM_DROP_MCAST, "unicast ip in l2 broadcast");
	/* Trailing Ethernet padding is allowed; l3_len is the IP length. */
	eth(&f, own, 0x0800);
	ip4(&f, "192.0.2.2", "198.51.100.2", 1, 8);
	f.len = 60;
	CHECK(cls(&f, &m) == DP_CLS_IP4 && m.l3_len == 28, "padded frame: l3_len %u", m.l3_len);
	/* Options: IHL 6 is fine. */
	ip = ip4(&f, "192.0.2.2", "198.51.100.2", 1, 12);
	ip[0] = 0x46;
	ip4_fix(ip);
	CHECK(cls(&f, &m) == DP_CLS_IP4, "ihl 6");
}

static void test_ip6(void)
{
	struct frame f;
	struct dp_meta m;
	uint8_t *ip;

	eth(&f, own, 0x86dd);
	ip6(&f, 2, 0x20, 17, 64, 8);
	CHECK(cls(&f, &m) == DP_CLS_IP6 && m.l3_len == 48, "ip6 unicast");
	f.len = 14 + 39;
	expect_drop(&f, SHM_DROP_IP6_BAD_HEADER, "truncated ip6");
	ip = ip6(&f, 2, 0x20, 17, 64, 8);
	ip[0] = 0x40;
	expect_drop(&f, SHM_DROP_IP6_BAD_HEADER, "version 4 in ip6");
	ip = ip6(&f, 2, 0x20, 17, 64, 8);
	ip[5] = 100;
	expect_drop(&f, SHM_DROP_IP6_BAD_LENGTH, "payload length > frame");
	ip6(&f, 2, 0xff, 17, 1, 8);
	expect_drop(&f, SHM_DROP_MCAST, "multicast dst");
	ip = ip6(&f, 2, 0x20, 17, 64, 8);
	ip[8] = 0xff;
	expect_drop(&f, SHM_DROP_MARTIAN, "multicast src");
	/* Neighbor solicitation to the solicited-node group, hop limit 255. */
	ip = ip6(&f, 2, 0xff, 58, 255, 32);
	ip[40] = 135;
	ip[40 + 24] = 1, ip[40 + 25] = 1, memcpy(ip + 40 + 26, peer, 6);
	l4_csum6(ip, 58, 32, 2);
	CHECK(cls(&f, &m) == DP_CLS_ND, "ns");
	{
		uint8_t lla[6];
		int has = 0;
		CHECK(dp_classify_nd(ip, m.l3_len, lla, &has) == 0 && has && memcmp(lla, peer, 6) == 0, "ns lla");
		ip[40 + 25] = 0; /* option length 0 */
		l4_csum6(ip, 58, 32, 2);
		CHECK(dp_classify_nd(ip, m.l3_len, lla, &has) == SHM_DROP_ND_BAD, "option length 0");
		ip[40 + 25] = 1;
		ip[40 + 2] ^= 1;
		CHECK(dp_classify_nd(ip, m.l3_len, lla, &has) == SHM_DROP_ND_BAD, "nd checksum");
	}
	ip = ip6(&f, 2, 0xff, 58, 64, 32);
	ip[40] = 135;
	expect_drop(&f, SHM_DROP_MCAST, "ns with hop limit 64");
}

static void test_arp(void)
{
	struct frame f;
	struct dp_meta m;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *a;

	eth(&f, bcast, 0x0806);
	a = f.b + 14;
	memset(a, 0, 28);
	a[1] = 1, a[2] = 8, a[4] = 6, a[5] = 4, a[7] = 1;
	f.len = 42;
	CHECK(cls(&f, &m) == DP_CLS_ARP, "arp request");
	f.len = 41;
	expect_drop(&f, SHM_DROP_ARP_BAD, "short arp");
	f.len = 42;
	a[7] = 3;
	expect_drop(&f, SHM_DROP_ARP_BAD, "arp op 3");
	a[7] = 1, a[4] = 8;
	expect_drop(&f, SHM_DROP_ARP_BAD, "arp hlen 8");
}

static enum dp_local local4(struct frame *f, struct dp_lmeta *lm)
{
	return dp_classify_local4(f->b + 14, f->len - 14, lm);
}

static void udp4(struct frame *f, uint16_t dport, const uint8_t *payload, uint32_t n, int csum)
{
	uint8_t *ip = ip4(f, "192.0.2.2", "192.0.2.1", 17, 8 + n), *u = ip + 20;
	uint16_t cs;

	u[0] = 0x11, u[1] = 0x94;
	u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + n) >> 8), u[5] = (uint8_t)(8 + n);
	memcpy(u + 8, payload, n);
	if (csum) {
		cs = dp_csum_final(dp_csum_add(dp_csum_phdr4(ip + 12, ip + 16, 17, 8 + n), u, 8 + n));
		memcpy(u + 6, &cs, 2);
	}
}

static void test_local(void)
{
	static const uint8_t ike[12] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t marker[12] = { 0, 0, 0, 0, 1, 2, 3, 4 };
	static const uint8_t esp[12] = { 0, 0, 0x10, 0, 0, 0, 0, 1 };
	static const uint8_t keepalive[1] = { 0xff };
	struct frame f;
	struct dp_lmeta lm;
	uint8_t *ip, *icmp;
	uint16_t cs;

	ip = ip4(&f, "192.0.2.2", "192.0.2.1", 1, 16);
	icmp = ip + 20;
	icmp[0] = 8;
	cs = dp_csum_final(dp_csum_add(0, icmp, 16));
	memcpy(icmp + 2, &cs, 2);
	CHECK(local4(&f, &lm) == DP_LOC_ECHO, "echo");
	icmp[2] ^= 1;
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_ICMP_BAD, "echo checksum");
	ip[6] = 0x20; /* MF */
	ip4_fix(ip);
	CHECK(local4(&f, &lm) == DP_LOC_FRAG, "fragment: reassembly");
	ip[6] = 0, ip[7] = 3; /* offset 24, last */
	ip4_fix(ip);
	CHECK(local4(&f, &lm) == DP_LOC_FRAG, "last fragment: reassembly");
	udp4(&f, 500, ike, 8, 1);
	CHECK(local4(&f, &lm) == DP_LOC_IKE, "ike 500");
	f.b[14 + 20 + 7] ^= 1;
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_UDP_BAD, "ike udp checksum");
	udp4(&f, 500, ike, 8, 0);
	CHECK(local4(&f, &lm) == DP_LOC_IKE, "ike without checksum");
	udp4(&f, 4500, marker, 8, 1);
	CHECK(local4(&f, &lm) == DP_LOC_IKE, "ike 4500 marker");
	udp4(&f, 4500, esp, 8, 0);
	CHECK(local4(&f, &lm) == DP_LOC_ESP_UDP, "esp in udp");
	udp4(&f, 4500, keepalive, 1, 0);
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_NATT_KEEPALIVE, "keepalive");
	udp4(&f, 4500, esp, 3, 0);
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_UDP_BAD, "short esp in udp");
	udp4(&f, 53, ike, 8, 1);
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_LOCAL_UNHANDLED, "udp 53");
	ip4(&f, "192.0.2.2", "192.0.2.1", 50, 16);
	CHECK(local4(&f, &lm) == DP_LOC_ESP, "esp");
	ip4(&f, "192.0.2.2", "192.0.2.1", 6, 20);
	CHECK(local4(&f, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_LOCAL_UNHANDLED, "tcp");
	/* IPv6 echo and UDP with mandatory checksum. */
	ip = ip6(&f, 2, 0x20, 58, 64, 16);
	ip[40] = 128;
	l4_csum6(ip, 58, 16, 2);
	CHECK(dp_classify_local6(ip, 56, &lm) == DP_LOC_ECHO, "echo6");
	ip[40] = 129;
	l4_csum6(ip, 58, 16, 2);
	CHECK(dp_classify_local6(ip, 56, &lm) == DP_LOC_ECHO_REPLY, "echo reply6");
	ip = ip6(&f, 2, 0x20, 17, 64, 16);
	ip[40 + 3] = 0xf4, ip[40 + 2] = 0x01, ip[40 + 5] = 16; /* port 500, length 16 */
	CHECK(dp_classify_local6(ip, 56, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_UDP_BAD, "udp6 zero csum");
	l4_csum6(ip, 17, 16, 6);
	CHECK(dp_classify_local6(ip, 56, &lm) == DP_LOC_IKE, "ike6");
	ip = ip6(&f, 2, 0x20, 44, 64, 16);
	CHECK(dp_classify_local6(ip, 56, &lm) == DP_LOC_FRAG && lm.frag_hdr == 40 && lm.nh_byte == 6, "frag6");
}

/* An extension header at ip + off: type nh names the next one, len in
 * 8-byte units beyond the first 8. */
static void ext6(uint8_t *ip, uint32_t off, uint8_t nh, uint8_t len)
{
	memset(ip + off, 0, 8u * (len + 1u));
	ip[off] = nh;
	ip[off + 1] = len;
	if (len == 0) {
		ip[off + 2] = 1, ip[off + 3] = 4; /* PadN, 4 bytes */
	}
}

/* The IPv6 extension header walk (RFC 8200 §4) and local delivery past it. */
static void test_ip6_ext(void)
{
	struct frame f;
	struct dp_lmeta lm;
	struct dp_ip6_ext x;
	uint8_t *ip;
	uint16_t cs;

	/* Echo request behind hop-by-hop and destination options. */
	ip = ip6(&f, 2, 0x20, 0, 64, 16 + 16);
	ext6(ip, 40, 60, 0);
	ext6(ip, 48, 58, 0);
	ip[56] = 128;
	cs = dp_csum_final(dp_csum_add(dp_csum_phdr6(ip + 8, ip + 24, 58, 16), ip + 56, 16));
	memcpy(ip + 58, &cs, 2);
	CHECK(dp_ip6_ext_walk(ip, 72, &x) == 0 && x.proto == 58 && x.l4_off == 56 && x.nh_byte == 48 && x.first &&
	      !x.frag_hdr && !x.rh_type, "hbh + dstopts walk");
	CHECK(dp_classify_local6(ip, 72, &lm) == DP_LOC_ECHO && lm.l4_off == 56 && lm.proto == 58, "echo6 past ext");
	/* Hop-by-hop anywhere but first is malformed. */
	ip[6] = 60, ip[40] = 0;
	CHECK(dp_ip6_ext_walk(ip, 72, &x) == SHM_DROP_IP6_BAD_EXT, "hbh second");
	CHECK(dp_classify_local6(ip, 72, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_IP6_BAD_EXT, "hbh second: drop");
	/* A header running past the packet. */
	ip[6] = 0, ip[40] = 60, ip[49] = 4;
	CHECK(dp_ip6_ext_walk(ip, 72, &x) == SHM_DROP_IP6_BAD_EXT, "truncated chain");
	CHECK(dp_ip6_ext_walk(ip, 44, &x) == SHM_DROP_IP6_BAD_EXT, "header cut by the length");
	ip[49] = 0;
	/* Routing header: segments left 0 is skipped, else parameter problem
	 * at its type byte. */
	ext6(ip, 40, 58, 0);
	ip[6] = 43;
	ip[42] = 4, ip[43] = 0;
	memset(ip + 48, 0, 8);
	ip[48] = 128;
	CHECK(dp_ip6_ext_walk(ip, 64, &x) == 0 && x.proto == 58 && x.l4_off == 48 && !x.rh_type, "routing, SL 0");
	ip[43] = 1;
	CHECK(dp_ip6_ext_walk(ip, 64, &x) == 0 && x.rh_type == 42, "routing, SL 1");
	CHECK(dp_classify_local6(ip, 64, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_IP6_ROUTING && lm.nh_byte == 42,
	      "routing SL 1: drop, pointer");
	/* More than DP_IP6_EXT_MAX headers. */
	ip = ip6(&f, 2, 0x20, 60, 64, 8 * (DP_IP6_EXT_MAX + 1) + 8);
	for (unsigned i = 0; i <= DP_IP6_EXT_MAX; i++)
		ext6(ip, 40 + 8 * i, i == DP_IP6_EXT_MAX ? 58 : 60, 0);
	CHECK(dp_ip6_ext_walk(ip, 40 + 8 * (DP_IP6_EXT_MAX + 1) + 8, &x) == SHM_DROP_IP6_BAD_EXT, "too many headers");
	ip[40 + 8 * (DP_IP6_EXT_MAX - 1)] = 58;
	CHECK(dp_ip6_ext_walk(ip, 40 + 8 * (DP_IP6_EXT_MAX + 1) + 8, &x) == 0 && x.proto == 58 &&
	      x.l4_off == 40 + 8 * DP_IP6_EXT_MAX, "as many as allowed");
	/* Destination options, then a non-first fragment of ESP: walked up
	 * to the fragment header; its next header is the protocol. */
	ip = ip6(&f, 2, 0x20, 60, 64, 8 + 8 + 24);
	ext6(ip, 40, 44, 0);
	ip[48] = 50, ip[50] = 0x05, ip[51] = 0xa9; /* offset 181 * 8, M */
	ip[52] = 0xde, ip[53] = 0xad, ip[54] = 0xbe, ip[55] = 0xef;
	CHECK(dp_ip6_ext_walk(ip, 80, &x) == 0 && x.proto == 50 && !x.first && x.frag_hdr == 48 &&
	      x.frag_prev == 40 && x.frag_off == 1448 && x.frag_more && x.frag_id == 0xdeadbeefu && x.l4_off == 56,
	      "fragment of esp");
	CHECK(dp_classify_local6(ip, 80, &lm) == DP_LOC_FRAG && lm.frag_hdr == 48 && lm.nh_byte == 40, "frag6 past dstopts");
	/* No next header, unknown header: upper layer, not handled locally. */
	ip = ip6(&f, 2, 0x20, 59, 64, 8);
	CHECK(dp_ip6_ext_walk(ip, 48, &x) == 0 && x.proto == 59 && x.l4_off == 40, "no next header");
	CHECK(dp_classify_local6(ip, 48, &lm) == DP_LOC_DROP && lm.drop == SHM_DROP_LOCAL_UNHANDLED, "no next header: drop");
}

static void test_csum(void)
{
	/* RFC 1624's example, and a TTL decrement done incrementally. */
	uint8_t h[20] = { 0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, 192, 0, 2, 2, 198, 51, 100, 2 };
	uint16_t cs = dp_csum_final(dp_csum_add(0, h, 20)), w0, w1;

	memcpy(h + 10, &cs, 2);
	CHECK(dp_ip4_hdr_csum_ok(h, 20), "fresh header");
	memcpy(&w0, h + 8, 2);
	h[8]--;
	memcpy(&w1, h + 8, 2);
	cs = dp_csum_update16(cs, w0, w1);
	memcpy(h + 10, &cs, 2);
	CHECK(dp_ip4_hdr_csum_ok(h, 20), "after ttl-1");
	CHECK(dp_csum_fold(0x1fffeull) == 0xffff, "fold");
}

/* ESP in UDP on a port of an inbound SA's own (udp-dst-port 4501): as 4500
 * once the port is in the set, an unhandled port without it; 500 stays IKE. */
static void test_natt_ports(void)
{
	static const uint8_t marker[12] = { 0, 0, 0, 0, 1, 2, 3, 4 };
	static const uint8_t esp[12] = { 0, 0, 0x10, 0, 0, 0, 0, 1 };
	static const uint8_t keepalive[1] = { 0xff };
	static struct dp_udp_ports ports;
	struct frame f;
	struct dp_lmeta lm;

	dp_udp_ports_add(&ports, 4501);
	dp_udp_ports_add(&ports, 500);
	CHECK(dp_udp_ports_has(&ports, 4501) && !dp_udp_ports_has(&ports, 4502) && !dp_udp_ports_has(NULL, 4501),
	      "port set");
	udp4(&f, 4501, esp, 12, 0);
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, NULL, &lm) == DP_LOC_DROP &&
	      lm.drop == SHM_DROP_LOCAL_UNHANDLED, "esp on 4501 without the port: unhandled");
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, &ports, &lm) == DP_LOC_ESP_UDP, "esp on 4501");
	udp4(&f, 4502, esp, 12, 0);
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, &ports, &lm) == DP_LOC_DROP &&
	      lm.drop == SHM_DROP_LOCAL_UNHANDLED, "esp on 4502: unhandled");
	udp4(&f, 4501, keepalive, 1, 1);
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, &ports, &lm) == DP_LOC_DROP &&
	      lm.drop == SHM_DROP_NATT_KEEPALIVE, "keepalive on 4501");
	udp4(&f, 4501, marker, 12, 1);
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, &ports, &lm) == DP_LOC_IKE, "ike on 4501");
	udp4(&f, 500, esp, 12, 1);
	CHECK(dp_classify_local4_natt(f.b + 14, f.len - 14, &ports, &lm) == DP_LOC_IKE, "500 stays ike");
}

int main(void)
{
	test_csum();
	test_l2();
	test_ip4();
	test_ip6();
	test_arp();
	test_local();
	test_ip6_ext();
	test_natt_ports();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}

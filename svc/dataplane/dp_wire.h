/*
 * Wire formats the dataplane parses and builds that DPDK's headers do not
 * define (rte_ether.h, rte_arp.h, rte_ip.h, rte_icmp.h and rte_udp.h cover
 * Ethernet, ARP, IPv4, IPv6, ICMP echo and UDP): ICMPv6 and neighbor
 * discovery (RFC 4443, RFC 4861), and the numbers the classifier tests.
 * Every struct is packed and size-asserted; multi-byte fields are network
 * order.
 */
#ifndef IPSECGW_DATAPLANE_DP_WIRE_H
#define IPSECGW_DATAPLANE_DP_WIRE_H

#include <stdint.h>

#define DP_ETH_HLEN 14
#define DP_IP4_HLEN 20
#define DP_IP6_HLEN 40
#define DP_ICMP_HLEN 8
#define DP_UDP_HLEN 8
#define DP_ARP_LEN 28

#define DP_ETHERTYPE_IP4 0x0800
#define DP_ETHERTYPE_ARP 0x0806
#define DP_ETHERTYPE_IP6 0x86dd

#define DP_PROTO_ICMP 1
#define DP_PROTO_UDP 17
#define DP_PROTO_ESP 50
#define DP_PROTO_ICMP6 58
#define DP_PROTO_FRAG6 44
/* IPv6 extension headers (RFC 8200 §4) */
#define DP_PROTO_HOPOPTS 0
#define DP_PROTO_ROUTING 43
#define DP_PROTO_NONE6 59
#define DP_PROTO_DSTOPTS 60

#define DP_ICMP_ECHO_REPLY 0
#define DP_ICMP_UNREACH 3        /* codes: 0 net, 1 host, 4 frag needed (RFC 1191) */
#define DP_ICMP_ECHO 8
#define DP_ICMP_TIME_EXCEEDED 11 /* code 0: TTL exceeded in transit */

#define DP_ICMP6_UNREACH 1       /* codes: 0 no route, 3 address unreachable */
#define DP_ICMP6_PKT_TOO_BIG 2
#define DP_ICMP6_TIME_EXCEEDED 3 /* code 0: hop limit exceeded */
#define DP_ICMP6_PARAM_PROB 4    /* code 0: erroneous header field; pointer in the 32-bit field */
#define DP_ICMP6_ECHO 128
#define DP_ICMP6_ECHO_REPLY 129
#define DP_ICMP6_NS 135
#define DP_ICMP6_NA 136

#define DP_UDP_IKE 500
#define DP_UDP_NATT 4500

#define DP_ARP_OP_REQUEST 1
#define DP_ARP_OP_REPLY 2

/* ICMPv6 header (RFC 4443 §2.1)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               type-specific word (id+seq, MTU, unused)        |
 */
struct dp_icmp6 {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;          /* over the pseudo-header and the message */
	uint32_t word;           /* echo: id << 16 | seq; PTB: MTU; errors: 0 */
} __attribute__((packed));

/* Neighbor solicitation / advertisement (RFC 4861 §4.3, §4.4)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|S|O|                     Reserved                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +                       Target Address (16)                     +
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Options ...
 */
struct dp_nd_msg {
	uint8_t type;            /* 135 NS, 136 NA */
	uint8_t code;            /* 0 */
	uint16_t cksum;
	uint32_t flags;          /* NA: DP_NA_* (network order); NS: reserved */
	uint8_t target[16];
} __attribute__((packed));
#define DP_NA_ROUTER 0x80000000u
#define DP_NA_SOLICITED 0x40000000u
#define DP_NA_OVERRIDE 0x20000000u

/* Source/target link-layer address option (RFC 4861 §4.6.1), Ethernet. */
struct dp_nd_opt_lla {
	uint8_t type;            /* 1 source, 2 target */
	uint8_t len;             /* in units of 8 bytes: 1 */
	uint8_t mac[6];
} __attribute__((packed));
#define DP_ND_OPT_SLLA 1
#define DP_ND_OPT_TLLA 2

/* UDP-encapsulated IKE on port 4500 starts with this (RFC 3948 §2.2). */
#define DP_NON_ESP_MARKER_LEN 4

_Static_assert(sizeof(struct dp_icmp6) == 8, "dp_icmp6");
_Static_assert(sizeof(struct dp_nd_msg) == 24, "dp_nd_msg");
_Static_assert(sizeof(struct dp_nd_opt_lla) == 8, "dp_nd_opt_lla");

#endif

/*
 * Packet transports of the IKE daemon (ikev2_net_*): addresses, the path an
 * IKE SA uses, and the one interface every transport implements. Two
 * transports exist: plain UDP sockets (ikev2_udp.c: standalone use and
 * tests) and the dataplane's punt/inject channel (ikev2_punt.c, unix
 * datagram sockets carrying Envelope{PuntPacket}). Tests plug in a mock.
 *
 * Framing rule shared by all transports: a message sent or received on the
 * NAT-T port (4500 unless configured otherwise) carries the 4-octet zero
 * non-ESP marker (RFC 3948 section 2.2) on the wire; the engine never sees
 * it. A 1-octet 0xFF datagram on that port is a NAT-T keepalive.
 *
 * Ownership: buffers passed to send are BORROWED for the call.
 * Errors: 0 or -errno.
 */
#ifndef IPSECGW_IKEV2_NET_H
#define IPSECGW_IKEV2_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV2_PORT 500
#define IKEV2_PORT_NATT 4500
#define IKEV2_NON_ESP_MARKER_LEN 4
#define IKEV2_RX_MAX 65535

struct ikev2_addr {
	uint8_t af;             /* SHM_AF_INET (4) or SHM_AF_INET6 (6) */
	uint8_t ip[16];         /* 4 octets used for IPv4 */
	uint16_t port;          /* host order */
};

/* The two ends of an IKE SA's conversation, as this host sees them. */
struct ikev2_path {
	struct ikev2_addr local, remote;
};

/* How a transport sends. natt: the local port is the NAT-T port, so prefix
 * the non-ESP marker. keepalive: send the one-octet 0xFF instead of buf. */
struct ikev2_net_ops {
	int (*send)(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len);
	int (*keepalive)(void *arg, const struct ikev2_path *p);
	/* The local address to reach remote from (initiator): 0 or -errno.
	 * ifname is the profile's responder interface (may be empty). */
	int (*source)(void *arg, const char *ifname, const struct ikev2_addr *remote,
		      struct ikev2_addr *local);
};

static inline size_t ikev2_addr_len(const struct ikev2_addr *a)
{
	return a->af == 6 ? 16 : 4;
}

/* Same family, address and port. */
bool ikev2_addr_eq(const struct ikev2_addr *a, const struct ikev2_addr *b);
/* "192.0.2.1[500]" style into buf (at least 64 octets); returns buf. */
const char *ikev2_addr_str(const struct ikev2_addr *a, char *buf, size_t len);
/* 1 if the first bytes received on a NAT-T port are the non-ESP marker
 * (then *skip = 4), 0 for ESP or a keepalive (not for the engine). */
int ikev2_net_natt_strip(const uint8_t *buf, size_t len, size_t *skip);

#endif

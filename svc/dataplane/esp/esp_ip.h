/*
 * Private helpers of the ESP bursts: Internet checksums (RFC 1071) and the
 * IPv4/IPv6 header checks shared by both directions.
 */
#ifndef IPSECGW_ESP_IP_H
#define IPSECGW_ESP_IP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "esp_wire.h"
#include "region.h"

static inline uint16_t esp_ip_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void esp_ip_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void esp_ip_put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static inline void esp_ip_put64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

/* One's-complement sum of n bytes in host-order words; byte order washes
 * out when the folded sum is stored the same way (RFC 1071 §2(B)). */
static inline uint64_t esp_ip_sum(const void *buf, size_t n, uint64_t sum)
{
	const uint8_t *p = buf;

	while (n >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		sum += v;
		sum += sum < v;                 /* end-around carry */
		p += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		sum += v;
		sum += sum < v;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t v;

		memcpy(&v, p, 2);
		sum += v;
		sum += sum < v;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t v;

		memcpy(&v, last, 2);
		sum += v;
		sum += sum < v;
	}
	return sum;
}

/* Folds to 16 bits and complements: the value to store (host-order memcpy). */
static inline uint16_t esp_ip_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recomputes an IPv4 header checksum over hl bytes. */
static inline void esp_ip4_csum_set(uint8_t *ip, uint32_t hl)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = esp_ip_fold(esp_ip_sum(ip, hl, 0));
	memcpy(ip + 10, &c, 2);
}

/* UDP checksum over IPv6 (RFC 8200 §8.1 pseudo-header): never 0 on the wire. */
static inline void esp_ip6_udp_csum_set(const uint8_t *src, const uint8_t *dst, uint8_t *udp,
					uint32_t udp_len)
{
	uint8_t tail[8] = { 0, 0, 0, 0, 0, 0, 0, ESP_PROTO_UDP };
	uint64_t sum;
	uint16_t c;

	esp_ip_put32(tail, udp_len);
	udp[6] = udp[7] = 0;
	sum = esp_ip_sum(src, 16, 0);
	sum = esp_ip_sum(dst, 16, sum);
	sum = esp_ip_sum(tail, 8, sum);
	sum = esp_ip_sum(udp, udp_len, sum);
	c = esp_ip_fold(sum);
	if (c == 0)
		c = 0xffff;
	memcpy(udp + 6, &c, 2);
}

/* IPv4 header of a packet of len bytes: header length and total length, or
 * a drop reason (returns ESP-style: -1 ok, else enum shm_drop). */
static inline int esp_ip4_check(const uint8_t *p, uint32_t len, uint32_t *hl, uint32_t *tot)
{
	if (len < sizeof(struct esp_ip4_hdr) || (p[0] >> 4) != 4)
		return SHM_DROP_IP4_BAD_HEADER;
	*hl = (uint32_t)(p[0] & 15) * 4;
	*tot = esp_ip_be16(p + 2);
	if (*hl < sizeof(struct esp_ip4_hdr) || *hl > len || *tot < *hl)
		return SHM_DROP_IP4_BAD_HEADER;
	if (*tot > len)
		return SHM_DROP_IP4_BAD_LENGTH;
	return -1;
}

/* IPv6 header: total length (header + payload), or a drop reason. */
static inline int esp_ip6_check(const uint8_t *p, uint32_t len, uint32_t *tot)
{
	if (len < sizeof(struct esp_ip6_hdr) || (p[0] >> 4) != 6)
		return SHM_DROP_IP6_BAD_HEADER;
	*tot = sizeof(struct esp_ip6_hdr) + esp_ip_be16(p + 4);
	if (*tot > len)
		return SHM_DROP_IP6_BAD_HEADER;
	return -1;
}

/* Whether an IPv4 header describes a fragment. */
static inline int esp_ip4_is_fragment(const uint8_t *p)
{
	return (esp_ip_be16(p + 6) & (ESP_IP4_MF | ESP_IP4_OFFMASK)) != 0;
}

/*
 * Walks IPv6 extension headers of a packet of tot bytes. Stops at the first
 * header that is not Hop-by-Hop, Routing or (see below) Destination Options;
 * sets *hlen to the bytes before it, *nh_off to the offset of the byte that
 * names it, *nh to its protocol. RFC 4303 §3.1.1: ESP goes after Hop-by-Hop,
 * Routing and Fragment headers; a Destination Options header may sit before
 * or after it. Outbound (`before_rt_only`) we keep before ESP only the
 * Destination Options that precede a Routing header (they are processed by
 * every listed router); the others follow ESP and are protected. A Fragment
 * header means a fragment: -1 (ESP transport applies to whole packets, and
 * inbound reassembly is the caller's). Returns 0 or -1.
 */
static inline int esp_ip6_walk(const uint8_t *p, uint32_t tot, int before_rt_only, uint32_t *hlen,
			       uint16_t *nh_off, uint8_t *nh)
{
	uint32_t off = sizeof(struct esp_ip6_hdr);
	uint16_t nho = 6;
	uint8_t n = p[6];

	for (int guard = 0;; guard++) {
		uint32_t l;

		if (guard == 8)
			return -1;              /* too many extension headers */
		if (n == ESP_PROTO_FRAGMENT)
			return -1;
		if (n != ESP_PROTO_HOPOPTS && n != ESP_PROTO_ROUTING && n != ESP_PROTO_DSTOPTS)
			break;
		if (off + 8 > tot)
			return -1;
		if (n == ESP_PROTO_DSTOPTS && before_rt_only && p[off] != ESP_PROTO_ROUTING)
			break;
		l = ((uint32_t)p[off + 1] + 1) * 8;
		if (off + l > tot)
			return -1;
		nho = (uint16_t)off;
		n = p[off];
		off += l;
	}
	*hlen = off;
	*nh_off = nho;
	*nh = n;
	return 0;
}

#endif

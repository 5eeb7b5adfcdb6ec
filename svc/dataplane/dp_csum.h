/*
 * Internet checksum helpers (RFC 1071, incremental update RFC 1624).
 * Pure and inline: the classifier, the fuzz target and the packet builders
 * share them. Sums are accumulated in host order over 16-bit words read as
 * stored, so the folded result is in network order like the field.
 */
#ifndef IPSECGW_DATAPLANE_DP_CSUM_H
#define IPSECGW_DATAPLANE_DP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dp_csum assumes a little-endian host");

/* Add len bytes at p to a running 64-bit sum. */
static inline uint64_t dp_csum_add(uint64_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t w;

	for (; len >= 4; len -= 4, b += 4) {
		memcpy(&w, b, 4);
		sum += w;
	}
	if (len >= 2) {
		uint16_t h;
		memcpy(&h, b, 2);
		sum += h;
		b += 2;
		len -= 2;
	}
	if (len) {
		uint16_t h = 0;
		memcpy(&h, b, 1); /* the odd byte is the high-order byte on the wire */
		sum += h;
	}
	return sum;
}

/* Fold to 16 bits (not complemented). */
static inline uint16_t dp_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/* The checksum field value for data summed into `sum`. */
static inline uint16_t dp_csum_final(uint64_t sum)
{
	return (uint16_t)~dp_csum_fold(sum);
}

/* 1 if a header that includes its own checksum field sums correctly. */
static inline int dp_csum_ok(uint64_t sum)
{
	return dp_csum_fold(sum) == 0xffff;
}

/* IPv4 header check: ihl bytes at p (ihl a multiple of 4). */
static inline int dp_ip4_hdr_csum_ok(const void *p, unsigned ihl)
{
	return dp_csum_ok(dp_csum_add(0, p, ihl));
}

/* Pseudo-header sums. len in host order. */
static inline uint64_t dp_csum_phdr4(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint64_t s = dp_csum_add(0, src, 4);
	uint16_t w[2] = { (uint16_t)__builtin_bswap16(proto), (uint16_t)__builtin_bswap16((uint16_t)len) };

	s = dp_csum_add(s, dst, 4);
	return dp_csum_add(s, w, 4);
}

static inline uint64_t dp_csum_phdr6(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint64_t s = dp_csum_add(0, src, 16);
	uint32_t w[2] = { __builtin_bswap32(len), __builtin_bswap32(proto) };

	s = dp_csum_add(s, dst, 16);
	return dp_csum_add(s, w, 8);
}

/* RFC 1624 eqn. 3: the field after one 16-bit word changed from `from`
 * to `to` (both as stored, network order). */
static inline uint16_t dp_csum_update16(uint16_t csum, uint16_t from, uint16_t to)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint16_t)~from;
	s += to;
	return (uint16_t)~dp_csum_fold(s);
}

#endif

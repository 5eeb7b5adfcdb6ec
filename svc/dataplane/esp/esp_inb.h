/*
 * Inbound ESP (RFC 4303 §3.4): verify, decrypt and decapsulate a burst of
 * packets that the dataplane has matched to one SA by SPI.
 *
 * Per packet, in this order: parse the outer IPv4/IPv6 header (IPv6
 * Hop-by-Hop, Routing and Destination Options headers are skipped; a
 * fragment must have been reassembled), an optional UDP header (RFC 3948:
 * accepted whether or not the SA says UDP encapsulation, since NAT may
 * appear or vanish; the UDP checksum is not checked, the ICV covers the
 * payload), the SPI, the replay pre-check (which also infers the high half of
 * an extended sequence number), ICV verification and decryption, the padding
 * check (RFC 4303 §2.4: bytes 1, 2, 3, ...), the Next Header, and only then
 * the replay window update. Tunnel mode hands back the inner packet (trimmed
 * to its IP length: TFC padding, RFC 4303 §2.7, is removed); transport mode
 * moves the IP header up to the payload and fixes its protocol, length and
 * (IPv4) checksum. The outer IPv4 checksum is the caller's to have verified.
 */
#ifndef IPSECGW_ESP_INB_H
#define IPSECGW_ESP_INB_H

#include <stdint.h>

#include "esp_engine.h"
#include "esp_pkt.h"
#include "esp_sa.h"
#include "region.h"

/* Processes pkts[0..n) for `sa`. Returns the number of good packets, first in
 * pkts in their original order (drop = ESP_PKT_OK, next_proto set); the
 * others follow in no particular order with drop set to one of:
 * IP4_BAD_HEADER, IP4_BAD_LENGTH, IP6_BAD_HEADER (outer or inner header),
 * RUNT (too short for ESP), NO_SA (SPI is not this SA's), REPLAY,
 * INTEGRITY, DECRYPT (ciphertext not a whole number of blocks, or an engine
 * failure), BAD_PADDING, POLICY_MISMATCH (tunnel mode payload not IPv4 or
 * IPv6), POLICY_DISCARD (a dummy packet, Next Header 59, RFC 4303 §2.6). */
uint16_t esp_inb_process(struct esp_engine_worker *w, const struct esp_sa_in *sa,
			 struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n);

/* The SPI (host order) of an ESP or UDP-encapsulated ESP packet starting at
 * its IP header, for the SA lookup. Returns ESP_PKT_OK or a drop reason. */
int esp_inb_spi(const uint8_t *ip, uint32_t len, uint32_t *spi);

/* What a UDP payload on the NAT-T port is (RFC 3948 §2.2, §2.3). */
enum esp_udp_kind {
	ESP_UDP_ESP = 0,        /* an ESP packet: hand to esp_inb_process */
	ESP_UDP_IKE,            /* non-ESP marker: IKE, punt */
	ESP_UDP_KEEPALIVE,      /* NAT-keepalive (0xFF): absorb and count */
	ESP_UDP_INVALID,        /* too short to be any of them */
};
enum esp_udp_kind esp_inb_udp_kind(const uint8_t *payload, uint32_t len);

#endif

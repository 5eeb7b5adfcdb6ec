/*
 * Outbound ESP (RFC 4303 §3.1, §3.3): encapsulate and encrypt a burst of
 * IP packets for one SA.
 *
 * Tunnel mode prepends a new outer IPv4 or IPv6 header built from the SA's
 * endpoints (any inner family in any outer family; Next Header 4 or 41).
 * Transport mode inserts ESP after the IP header (IPv4 options stay in front;
 * for IPv6, after Hop-by-Hop and Routing headers and Destination Options that
 * precede a Routing header). With UDP encapsulation (RFC 3948) a UDP header
 * with the SA's ports sits before ESP; its checksum is 0 over IPv4 and
 * computed over IPv6.
 *
 * Each packet gets the next sequence number from the runtime record (one
 * reservation per burst; never wraps: when the SA runs out, the rest of the
 * burst is dropped with SEQ_CYCLED and the record marked SHM_SA_RT_CYCLED),
 * an explicit IV (the 64-bit sequence number for CTR and GCM, CSPRNG bytes
 * for CBC), RFC 4303 §2.4 padding 1, 2, 3, ... to max(block, 4) bytes, and
 * the ICV.
 *
 * Inner headers are not changed (TTL is the forwarding path's). The outer
 * IPv4 header takes TOS and DF from an inner IPv4 header (TOS from the
 * traffic class of an inner IPv6 one, DF clear), TTL 64, and the low 16 bits
 * of the sequence number as its identification; an outer IPv6 header takes
 * the traffic class the same way, flow label 0, hop limit 64.
 */
#ifndef IPSECGW_ESP_OUTB_H
#define IPSECGW_ESP_OUTB_H

#include <stdint.h>

#include "esp_engine.h"
#include "esp_pkt.h"
#include "esp_sa.h"
#include "region.h"

/* Bytes an outbound packet may grow by at most: front and back. */
#define ESP_OUTB_HEADROOM (40 + 8 + 8 + 16)     /* outer IPv6, UDP, ESP, IV */
#define ESP_OUTB_TAILROOM (15 + 2 + ESP_ICV_MAX)

/* Tests set this to send every SA through the general builder, which the
 * builder for the common shape (tunnel, IPv4 outer, no UDP, AEAD) must
 * match byte for byte. */
extern int esp_outb_generic_only;

/* Processes pkts[0..n). Returns the number of good packets, which end up
 * first in pkts, in their original order, encapsulated in place (data, len,
 * headroom, tailroom updated; drop = ESP_PKT_OK). The others follow, in no
 * particular order, with drop set: IP4_BAD_HEADER, IP4_BAD_LENGTH,
 * IP6_BAD_HEADER (malformed, or a fragment in transport mode),
 * MTU_EXCEEDED (not enough head/tailroom, or over 65535 bytes),
 * SEQ_CYCLED, DECRYPT (the engine failed). */
uint16_t esp_outb_process(struct esp_engine_worker *w, const struct esp_sa_out *sa,
			  struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n);

/* Reserves up to n consecutive sequence numbers: returns the first and sets
 * *got (0 when the SA is exhausted, which also marks it cycled). */
uint64_t esp_outb_seq_reserve(struct shm_sa_rt *rt, uint64_t seq_max, uint16_t n, uint16_t *got);

#endif

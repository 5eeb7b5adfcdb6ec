/*
 * Wire formats the ESP core reads and writes: ESP (RFC 4303), the nonces of
 * AES-CTR (RFC 3686) and AES-GCM (RFC 4106), UDP encapsulation (RFC 3948) and
 * the IPv4, IPv6 and UDP headers around them. Every multi-byte field is in
 * network byte order. Structs are packed and only ever accessed through a
 * pointer into a packet, so no field is assumed to be aligned.
 */
#ifndef IPSECGW_ESP_WIRE_H
#define IPSECGW_ESP_WIRE_H

#include <stdint.h>

#define ESP_PACKED __attribute__((packed))

/* IP protocol numbers used here (IANA "Assigned Internet Protocol Numbers"). */
enum {
	ESP_PROTO_HOPOPTS = 0,   /* IPv6 Hop-by-Hop Options */
	ESP_PROTO_IPV4 = 4,      /* IPv4 in IP (tunnel mode payload) */
	ESP_PROTO_TCP = 6,
	ESP_PROTO_UDP = 17,
	ESP_PROTO_IPV6 = 41,     /* IPv6 in IP (tunnel mode payload) */
	ESP_PROTO_ROUTING = 43,  /* IPv6 Routing header */
	ESP_PROTO_FRAGMENT = 44, /* IPv6 Fragment header */
	ESP_PROTO_ESP = 50,
	ESP_PROTO_NONE = 59,     /* IPv6 No Next Header; ESP dummy packet (RFC 4303 §2.6) */
	ESP_PROTO_DSTOPTS = 60,  /* IPv6 Destination Options */
};

/* UDP port of IKE and UDP-encapsulated ESP after NAT detection (RFC 3948 §2). */
#define ESP_NATT_PORT 4500

/*
 * RFC 4303 §2, ESP packet format:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
 * |               Security Parameters Index (SPI)                 | ^Int.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |                      Sequence Number                          | |ered
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
 * |                    Payload Data* (variable)                   | |   ^
 * ~                                                               ~ |   |
 * |                                                               | |Conf.
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |               |     Padding (0-255 bytes)                     | |ered*
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                               |  Pad Length   | Next Header   | v   v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
 * |         Integrity Check Value-ICV   (variable)                |
 * ~                                                               ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Payload Data starts with the algorithm's explicit IV, if it has one: 16
 * bytes for AES-CBC, 8 for DES/3DES-CBC, AES-CTR and AES-GCM, none for NULL.
 */
struct esp_hdr {
	uint32_t spi;           /* Security Parameters Index; 0 is never valid */
	uint32_t seq;           /* Sequence Number, low 32 bits when ESN is on */
} ESP_PACKED;

/* The two bytes before the ICV (RFC 4303 §2.4, §2.6). */
struct esp_tail {
	uint8_t pad_len;        /* Pad Length: padding bytes immediately before */
	uint8_t next_header;    /* Next Header: protocol of Payload Data */
} ESP_PACKED;

/*
 * RFC 4303 §2.2.1: with ESN, the high-order 32 bits of the sequence number
 * are not transmitted but are included in the ICV computation, appended
 * after the Next Header field (for non-combined-mode algorithms).
 */
struct esp_seq_hi {
	uint32_t seq_hi;        /* high 32 bits of the 64-bit sequence number */
} ESP_PACKED;

/*
 * RFC 3686 §4, AES-CTR counter block:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Nonce                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Initialization Vector (IV)                   |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Block Counter                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct esp_ctr_block {
	uint8_t nonce[4];       /* the SA's salt: last 4 bytes of the keying material */
	uint8_t iv[8];          /* explicit IV carried in the packet */
	uint32_t counter;       /* block counter, 1 for the first block */
} ESP_PACKED;

/*
 * RFC 4106 §4, AES-GCM nonce (the 96-bit IV given to GCM):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Salt                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct esp_gcm_nonce {
	uint8_t salt[4];        /* the SA's salt */
	uint8_t iv[8];          /* explicit IV carried in the packet */
} ESP_PACKED;

/*
 * RFC 4106 §5, AES-GCM additional authenticated data:
 *
 *  32-bit sequence numbers:               extended (64-bit) sequence numbers:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               SPI               |    |               SPI               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     32-bit Sequence Number      |    |  64-bit Extended Sequence Number|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    |    (high 32 bits first)         |
 *                                        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct esp_gcm_aad {
	uint32_t spi;           /* as in the ESP header */
	uint32_t seq;           /* sequence number */
} ESP_PACKED;
struct esp_gcm_aad_esn {
	uint32_t spi;           /* as in the ESP header */
	uint32_t seq_hi;        /* high 32 bits of the extended sequence number */
	uint32_t seq_lo;        /* low 32 bits (the transmitted Sequence Number) */
} ESP_PACKED;

/*
 * RFC 791 §3.1, IPv4 header (options follow when ihl > 5):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct esp_ip4_hdr {
	uint8_t ver_ihl;        /* version (4) in the high nibble, IHL in 32-bit words */
	uint8_t tos;            /* DSCP (6 bits) and ECN (2 bits) */
	uint16_t total_len;     /* header and payload, bytes */
	uint16_t id;            /* identification */
	uint16_t frag;          /* flags (reserved, DF, MF) and fragment offset */
	uint8_t ttl;            /* time to live */
	uint8_t proto;          /* protocol of the payload */
	uint16_t csum;          /* header checksum */
	uint8_t src[4];         /* source address */
	uint8_t dst[4];         /* destination address */
} ESP_PACKED;
#define ESP_IP4_DF 0x4000u      /* host order of `frag` */
#define ESP_IP4_MF 0x2000u
#define ESP_IP4_OFFMASK 0x1fffu

/*
 * RFC 8200 §3, IPv6 header:
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Source Address (128 bits)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Destination Address (128 bits)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct esp_ip6_hdr {
	uint32_t ver_tc_flow;   /* version (6), traffic class (8 bits), flow label (20 bits) */
	uint16_t payload_len;   /* bytes after this header, extension headers included */
	uint8_t next_header;    /* protocol of the first extension header or payload */
	uint8_t hop_limit;      /* hop limit */
	uint8_t src[16];        /* source address */
	uint8_t dst[16];        /* destination address */
} ESP_PACKED;

/*
 * RFC 8200 §4.3-4.6: Hop-by-Hop, Routing and Destination Options headers
 * share these first two bytes; the header is (len + 1) * 8 bytes long.
 */
struct esp_ip6_ext {
	uint8_t next_header;    /* protocol of the next header */
	uint8_t len;            /* length in 8-byte units, not counting the first 8 */
} ESP_PACKED;

/*
 * RFC 768, UDP header; RFC 3948 §2.1: UDP-encapsulated ESP puts the ESP
 * header right after it, on the port pair of the IKE SA (4500 by default).
 *
 *  0              15 16             31
 * +--------+--------+--------+--------+
 * |   Source Port   |   Dest. Port    |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 */
struct esp_udp_hdr {
	uint16_t sport;         /* source port */
	uint16_t dport;         /* destination port */
	uint16_t len;           /* UDP header and payload, bytes */
	uint16_t csum;          /* 0 = none (IPv4 only, RFC 3948 §3.1.1 allows it) */
} ESP_PACKED;

/*
 * RFC 3948 §2.2: on port 4500, a UDP payload starting with four zero bytes
 * (the "non-ESP marker", where an SPI would be) is IKE, not ESP.
 * RFC 3948 §2.3: a NAT-keepalive is a UDP payload of the single byte 0xFF.
 */
#define ESP_NON_ESP_MARKER_LEN 4
#define ESP_NATT_KEEPALIVE 0xffu

_Static_assert(sizeof(struct esp_hdr) == 8, "esp_hdr");
_Static_assert(sizeof(struct esp_tail) == 2, "esp_tail");
_Static_assert(sizeof(struct esp_seq_hi) == 4, "esp_seq_hi");
_Static_assert(sizeof(struct esp_ctr_block) == 16, "esp_ctr_block");
_Static_assert(sizeof(struct esp_gcm_nonce) == 12, "esp_gcm_nonce");
_Static_assert(sizeof(struct esp_gcm_aad) == 8, "esp_gcm_aad");
_Static_assert(sizeof(struct esp_gcm_aad_esn) == 12, "esp_gcm_aad_esn");
_Static_assert(sizeof(struct esp_ip4_hdr) == 20, "esp_ip4_hdr");
_Static_assert(sizeof(struct esp_ip6_hdr) == 40, "esp_ip6_hdr");
_Static_assert(sizeof(struct esp_ip6_ext) == 2, "esp_ip6_ext");
_Static_assert(sizeof(struct esp_udp_hdr) == 8, "esp_udp_hdr");

#endif

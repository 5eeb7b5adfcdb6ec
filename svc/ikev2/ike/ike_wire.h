/*
 * IKEv2 wire formats (RFC 7296 section 3) in one place: packed structs with
 * the RFC's diagram above each, one comment per field, a size assertion on
 * every struct, and the IANA numbers the rest of the IKE code speaks.
 *
 * Multi-octet fields are big-endian on the wire. The structs describe
 * layout and sizes; ike_parse.c and ike_build.c copy them in and out with
 * memcpy (never by casting a packet pointer), so alignment never matters.
 */
#ifndef IPSECGW_IKE_WIRE_H
#define IPSECGW_IKE_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* A borrowed byte range: points into a buffer someone else owns. */
struct ike_bytes {
	const uint8_t *ptr;
	size_t len;
};

/* ---- Exchange types (RFC 7296 section 3.1) ------------------------------ */
enum ike_exchange {
	IKE_EXCH_SA_INIT = 34,
	IKE_EXCH_AUTH = 35,
	IKE_EXCH_CREATE_CHILD_SA = 36,
	IKE_EXCH_INFORMATIONAL = 37,
};

/* ---- Payload types (RFC 7296 section 3.2) ------------------------------- */
enum ike_payload_type {
	IKE_PL_NONE = 0,     /* No Next Payload */
	IKE_PL_SA = 33,      /* Security Association */
	IKE_PL_KE = 34,      /* Key Exchange */
	IKE_PL_IDI = 35,     /* Identification - Initiator */
	IKE_PL_IDR = 36,     /* Identification - Responder */
	IKE_PL_CERT = 37,    /* Certificate */
	IKE_PL_CERTREQ = 38, /* Certificate Request */
	IKE_PL_AUTH = 39,    /* Authentication */
	IKE_PL_NONCE = 40,   /* Nonce (Ni, Nr) */
	IKE_PL_NOTIFY = 41,  /* Notify */
	IKE_PL_DELETE = 42,  /* Delete */
	IKE_PL_VENDOR = 43,  /* Vendor ID */
	IKE_PL_TSI = 44,     /* Traffic Selector - Initiator */
	IKE_PL_TSR = 45,     /* Traffic Selector - Responder */
	IKE_PL_SK = 46,      /* Encrypted and Authenticated */
	IKE_PL_CP = 47,      /* Configuration */
	IKE_PL_EAP = 48,     /* Extensible Authentication */
};
#define IKE_PL_FIRST IKE_PL_SA
#define IKE_PL_LAST IKE_PL_EAP

/* ---- The IKE header (RFC 7296 section 3.1) ------------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Flags: |X|X|R|V|I|X|X|X|  (X bits: sent as zero, ignored on receipt)
 */
struct ike_wire_hdr {
	uint8_t spi_i[8];     /* initiator's SPI, never zero */
	uint8_t spi_r[8];     /* responder's SPI, zero in the first IKE_SA_INIT request */
	uint8_t next_payload; /* type of the first payload */
	uint8_t version;      /* major version (high nibble, 2) | minor (low nibble, 0) */
	uint8_t exchange;     /* enum ike_exchange */
	uint8_t flags;        /* IKE_HDR_F_* */
	uint32_t msg_id;      /* message ID, big-endian */
	uint32_t length;      /* whole message including this header, big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_hdr) == 28, "IKE header is 28 octets");

#define IKE_HDR_LEN 28u
#define IKE_HDR_NEXT_OFF 16u /* offset of the Next Payload octet */
#define IKE_HDR_LEN_OFF 24u  /* offset of the Length field */
#define IKE_VERSION_2_0 0x20u
#define IKE_HDR_F_RESPONSE 0x20u  /* R: this message is a response */
#define IKE_HDR_F_VERSION 0x10u   /* V: sender can speak a higher major version */
#define IKE_HDR_F_INITIATOR 0x08u /* I: sent by the original initiator of the IKE SA */

/* ---- Generic payload header (RFC 7296 section 3.2) ----------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_gen {
	uint8_t next_payload; /* type of the next payload, 0 for the last */
	uint8_t flags;        /* IKE_GEN_F_CRITICAL; other bits reserved */
	uint16_t length;      /* this payload including this header, big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_gen) == 4, "generic payload header is 4 octets");

#define IKE_GEN_LEN 4u
#define IKE_GEN_F_CRITICAL 0x80u /* skip me only if you understand me */

/* ---- Proposal substructure (RFC 7296 section 3.3.1) ---------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SPI (variable)                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        <Transforms>                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * (The SA payload is a generic header followed by proposals.)
 */
struct ike_wire_prop {
	uint8_t last;         /* IKE_LAST_PROP_MORE (2) or IKE_LAST_NONE (0) */
	uint8_t reserved;     /* zero */
	uint16_t length;      /* this proposal incl. SPI and transforms, big-endian */
	uint8_t num;          /* 1, 2, 3... in a request; the chosen one's in a reply */
	uint8_t protocol;     /* enum ike_protocol */
	uint8_t spi_size;     /* 0 (IKE_SA_INIT), 8 (IKE rekey) or 4 (AH/ESP) */
	uint8_t n_transforms; /* transforms that follow the SPI */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_prop) == 8, "proposal header is 8 octets");

/* ---- Transform substructure (RFC 7296 section 3.3.2) --------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Transform Type |   RESERVED    |          Transform ID         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Transform Attributes                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_xform {
	uint8_t last;      /* IKE_LAST_XFORM_MORE (3) or IKE_LAST_NONE (0) */
	uint8_t reserved;  /* zero */
	uint16_t length;   /* this transform incl. attributes, big-endian */
	uint8_t type;      /* enum ike_xform_type */
	uint8_t reserved2; /* zero */
	uint16_t id;       /* transform ID within the type, big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_xform) == 8, "transform header is 8 octets");

#define IKE_LAST_NONE 0u
#define IKE_LAST_PROP_MORE 2u
#define IKE_LAST_XFORM_MORE 3u

/* ---- Transform attribute (RFC 7296 section 3.3.5) -----------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   AF=0  Attribute Value                       |
 * |                   AF=1  Not Transmitted                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_attr {
	uint16_t type;         /* AF bit (0x8000) | attribute type, big-endian */
	uint16_t len_or_value; /* AF=1: the value; AF=0: length of the value that follows */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_attr) == 4, "attribute header is 4 octets");

#define IKE_ATTR_AF_TV 0x8000u
#define IKE_ATTR_KEY_LENGTH 14u /* Key Length in bits, TV format */

/* ---- Key Exchange payload (RFC 7296 section 3.4) ------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Key Exchange Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_ke {
	struct ike_wire_gen gen; /* generic payload header */
	uint16_t group;          /* DH group of the data, big-endian */
	uint16_t reserved;       /* zero */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_ke) == 8, "KE header is 8 octets");

/* ---- Identification payloads IDi/IDr (RFC 7296 section 3.5) -------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ID Type     |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Identification Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_id {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t id_type;         /* enum ike_id_type */
	uint8_t reserved[3];     /* zero; part of the octets MACed for AUTH */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_id) == 8, "ID header is 8 octets");

/* ---- Certificate / Certificate Request (RFC 7296 sections 3.6, 3.7) -----
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~     Certificate Data (CERT) / Certification Authority (CERTREQ) ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_cert {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t encoding;        /* enum ike_cert_encoding */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_cert) == 5, "CERT/CERTREQ header is 5 octets");

/* ---- Authentication payload (RFC 7296 section 3.8) ----------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Auth Method   |                RESERVED                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Authentication Data                      ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_auth {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t method;          /* enum ike_auth_method */
	uint8_t reserved[3];     /* zero */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_auth) == 8, "AUTH header is 8 octets");

/* ---- Nonce payload (RFC 7296 section 3.9) -------------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                            Nonce Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * The nonce payload is a bare generic header (struct ike_wire_gen) + data.
 */
#define IKE_NONCE_MIN 16u  /* octets */
#define IKE_NONCE_MAX 256u /* octets */

/* ---- Notify payload (RFC 7296 section 3.10) -----------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_notify {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t protocol;        /* enum ike_protocol of the SPI, 0 when none */
	uint8_t spi_size;        /* 0, 4 (AH/ESP) or 8 (IKE) */
	uint16_t type;           /* enum ike_notify_type, big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_notify) == 8, "Notify header is 8 octets");

/* ---- Delete payload (RFC 7296 section 3.11) -----------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_delete {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t protocol;        /* IKE (no SPIs) or AH/ESP */
	uint8_t spi_size;        /* 0 for IKE, 4 for AH/ESP */
	uint16_t n_spis;         /* number of SPIs that follow, big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_delete) == 8, "Delete header is 8 octets");

/* ---- Vendor ID payload (RFC 7296 section 3.12) --------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        Vendor ID (VID)                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A bare generic header (struct ike_wire_gen) + opaque data.
 */

/* ---- Traffic Selector payloads TSi/TSr (RFC 7296 section 3.13) ----------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of TSs |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       <Traffic Selectors>                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_ts {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t n_ts;            /* number of selectors that follow */
	uint8_t reserved[3];     /* zero */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_ts) == 8, "TS header is 8 octets");

/* ---- Traffic selector (RFC 7296 section 3.13.1) -------------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Start Port*         |           End Port*           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Starting Address*                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Ending Address*                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_ts_sel {
	uint8_t type;        /* enum ike_ts_type */
	uint8_t ip_proto;    /* IP protocol, 0 = any */
	uint16_t length;     /* this selector incl. addresses, big-endian */
	uint16_t start_port; /* first port, big-endian */
	uint16_t end_port;   /* last port, big-endian (start 65535, end 0 = OPAQUE) */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_ts_sel) == 8, "selector header is 8 octets");

struct ike_wire_ts_ipv4 {
	struct ike_wire_ts_sel sel; /* header, type IKE_TS_IPV4_ADDR_RANGE */
	uint8_t start[4];           /* starting IPv4 address */
	uint8_t end[4];             /* ending IPv4 address */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_ts_ipv4) == 16, "IPv4 selector is 16 octets");

struct ike_wire_ts_ipv6 {
	struct ike_wire_ts_sel sel; /* header, type IKE_TS_IPV6_ADDR_RANGE */
	uint8_t start[16];          /* starting IPv6 address */
	uint8_t end[16];            /* ending IPv6 address */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_ts_ipv6) == 40, "IPv6 selector is 40 octets");

/* ---- Encrypted and Authenticated payload SK (RFC 7296 section 3.14) -----
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Encrypted IKE Payloads                     ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A generic header whose Next Payload names the first inner payload; the
 * IV and ICV lengths come from the negotiated transforms (ike_crypto.h).
 * It MUST be the last payload of a message and never nests.
 */

/* ---- Configuration payload (RFC 7296 section 3.15) ----------------------
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C| RESERVED    |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CFG Type    |                    RESERVED                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Configuration Attributes                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Carried opaquely (ipsecgw does not serve configuration).
 */
struct ike_wire_cp {
	struct ike_wire_gen gen; /* generic payload header */
	uint8_t cfg_type;        /* 1 request, 2 reply, 3 set, 4 ack */
	uint8_t reserved[3];     /* zero */
} __attribute__((packed));
_Static_assert(sizeof(struct ike_wire_cp) == 8, "CP header is 8 octets");

/* EAP payload (RFC 7296 section 3.16): generic header + an EAP message whose
 * own header is 4 octets (Code, Identifier, Length). Carried opaquely. */
#define IKE_EAP_HDR_LEN 4u

/* ---- Protocol IDs (RFC 7296 section 3.3.1) ------------------------------ */
enum ike_protocol {
	IKE_PROTO_NONE = 0,
	IKE_PROTO_IKE = 1,
	IKE_PROTO_AH = 2,
	IKE_PROTO_ESP = 3,
};

/* ---- Transform types and IDs (RFC 7296 section 3.3.2, IANA) ------------- */
enum ike_xform_type {
	IKE_XFORM_ENCR = 1,  /* Encryption Algorithm */
	IKE_XFORM_PRF = 2,   /* Pseudorandom Function */
	IKE_XFORM_INTEG = 3, /* Integrity Algorithm */
	IKE_XFORM_DH = 4,    /* Diffie-Hellman Group */
	IKE_XFORM_ESN = 5,   /* Extended Sequence Numbers */
};

enum ike_encr {
	IKE_ENCR_DES = 2,
	IKE_ENCR_3DES = 3,
	IKE_ENCR_NULL = 11,
	IKE_ENCR_AES_CBC = 12,    /* Key Length 128/192/256 (RFC 3602) */
	IKE_ENCR_AES_CTR = 13,    /* RFC 3686 (ESP only here) */
	IKE_ENCR_AES_GCM_8 = 18,  /* RFC 4106/5282, 8-octet ICV */
	IKE_ENCR_AES_GCM_12 = 19, /* 12-octet ICV */
	IKE_ENCR_AES_GCM_16 = 20, /* 16-octet ICV */
};

enum ike_prf {
	IKE_PRF_HMAC_MD5 = 1,
	IKE_PRF_HMAC_SHA1 = 2,
	IKE_PRF_AES128_XCBC = 4,
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
};

enum ike_integ {
	IKE_INTEG_NONE = 0,
	IKE_INTEG_HMAC_MD5_96 = 1,
	IKE_INTEG_HMAC_SHA1_96 = 2,
	IKE_INTEG_AES_XCBC_96 = 5,
	IKE_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

enum ike_dh_group {
	IKE_DH_NONE = 0,
	IKE_DH_MODP_768 = 1,       /* RFC 2409 group 1 */
	IKE_DH_MODP_1024 = 2,      /* RFC 2409 group 2 */
	IKE_DH_MODP_1536 = 5,      /* RFC 3526 */
	IKE_DH_MODP_2048 = 14,     /* RFC 3526 */
	IKE_DH_MODP_3072 = 15,     /* RFC 3526 */
	IKE_DH_MODP_4096 = 16,     /* RFC 3526 */
	IKE_DH_MODP_6144 = 17,     /* RFC 3526 */
	IKE_DH_MODP_8192 = 18,     /* RFC 3526 */
	IKE_DH_ECP_256 = 19,       /* RFC 5903, NIST P-256 */
	IKE_DH_ECP_384 = 20,       /* RFC 5903, NIST P-384 */
	IKE_DH_ECP_521 = 21,       /* RFC 5903, NIST P-521 */
	IKE_DH_MODP_1024_160 = 22, /* RFC 5114 section 2.1 */
	IKE_DH_MODP_2048_224 = 23, /* RFC 5114 section 2.2 */
	IKE_DH_MODP_2048_256 = 24, /* RFC 5114 section 2.3 */
	IKE_DH_ECP_192 = 25,       /* RFC 5114 section 2.4, NIST P-192 */
};

enum ike_esn {
	IKE_ESN_NO = 0,
	IKE_ESN_YES = 1,
};

/* ---- Notify message types (RFC 7296 section 3.10.1, IANA) --------------- */
enum ike_notify_type {
	/* errors (1..16383) */
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	/* status (16384..) */
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKE_N_IPCOMP_SUPPORTED = 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_MOBIKE_SUPPORTED = 16396,             /* RFC 4555 */
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430, /* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,     /* RFC 7427 */
};
#define IKE_N_ERROR_MAX 16383u      /* types below this are errors */
#define IKE_NAT_DETECTION_LEN 20u   /* SHA-1 digest, RFC 7296 section 2.23 */
#define IKE_COOKIE_MAX 64u          /* COOKIE data is 1..64 octets, section 2.6 */

/* ---- Identification types (RFC 7296 section 3.5) ------------------------ */
enum ike_id_type {
	IKE_ID_IPV4_ADDR = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_IPV6_ADDR = 5,
	IKE_ID_DER_ASN1_DN = 9,
	IKE_ID_DER_ASN1_GN = 10,
	IKE_ID_KEY_ID = 11,
};

/* ---- Authentication methods (RFC 7296 section 3.8, RFC 7427) ------------ */
enum ike_auth_method {
	IKE_AUTH_RSA_SIG = 1,
	IKE_AUTH_SHARED_KEY_MIC = 2,
	IKE_AUTH_DSS_SIG = 3,
	IKE_AUTH_DIGITAL_SIG = 14,
};

/* ---- Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 section 4) ---
 * The notify data is a list of 2-octet identifiers in network order. */
enum ike_hash_alg {
	IKE_HASH_SHA1 = 1,
	IKE_HASH_SHA2_256 = 2,
	IKE_HASH_SHA2_384 = 3,
	IKE_HASH_SHA2_512 = 4,
};

/* ---- Traffic selector types (RFC 7296 section 3.13.1) ------------------- */
enum ike_ts_type {
	IKE_TS_IPV4_ADDR_RANGE = 7,
	IKE_TS_IPV6_ADDR_RANGE = 8,
};

/* ---- Certificate encodings (RFC 7296 section 3.6) ----------------------- */
enum ike_cert_encoding {
	IKE_CERT_X509_SIG = 4,
	IKE_CERT_CRL = 7,
	IKE_CERT_RAW_RSA = 11,
	IKE_CERT_HASH_URL_X509 = 12,
	IKE_CERT_HASH_URL_BUNDLE = 13,
};

/*
 * Length in octets of a DH group's public value in a KE payload (and of the
 * shared secret g^ir): the prime's length for MODP groups, x|y for ECP
 * groups (RFC 5903 section 7). 0 for a group this table does not know.
 */
size_t ike_wire_ke_len(uint16_t group);
/* Length of the shared secret g^ir (MODP: prime length; ECP: x only). */
size_t ike_wire_dh_secret_len(uint16_t group);

/* Names for logs and the CLI; "?" for an unknown value, never NULL. */
const char *ike_wire_exchange_name(uint8_t exchange);
const char *ike_wire_payload_name(uint8_t type);
const char *ike_wire_notify_name(uint16_t type);
const char *ike_wire_dh_name(uint16_t group);

#endif

/*
 * IKEv2 message parser: validate, then decode into a struct ike_msg the
 * caller owns. Pure: no I/O, no allocation, no state, no crypto, no logging.
 * The state machine decides what to answer; ike_parse_err_notify() says
 * which notify RFC 7296 would have it send.
 *
 * Ownership: every struct ike_bytes in a decoded message is BORROWED from
 * the buffer given to the parse call (the datagram for the outer chain, the
 * decrypted plaintext for the inner chain). Those buffers must outlive any
 * use of the message. Everything else is copied into the struct.
 *
 * Use:
 *     struct ike_msg m;
 *     if (ike_parse_msg(pkt, len, &m) != IKE_PARSE_OK) -> m.err says why
 *     if (ike_msg_has(&m, IKE_PL_SK)) {
 *         ike_sk_decrypt(keys, pkt, len, m.sk.hdr_off, plain, ...);  (ike_crypto.h)
 *         ike_parse_inner(&m, plain, plain_len);   same struct, same rules
 *     }
 */
#ifndef IPSECGW_IKE_PARSE_H
#define IPSECGW_IKE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

/* Bounds of the decoded message; exceeding one is IKE_PARSE_TOO_MANY. */
#define IKE_MSG_MAX_PAYLOADS 64  /* payloads in one message, outer + inner */
#define IKE_SA_MAX_PROPOSALS 32  /* proposals in one SA payload */
#define IKE_PROP_MAX_XFORMS 64   /* transforms in one proposal */
#define IKE_MSG_MAX_NOTIFY 32
#define IKE_MSG_MAX_DELETE 16
#define IKE_MSG_MAX_VENDOR 16
#define IKE_MSG_MAX_CERT 8       /* each of CERT and CERTREQ */
#define IKE_TS_MAX 16            /* selectors in one TS payload */

/*
 * Stable error codes. X(name, reason). Values never change meaning; add new
 * ones at the end.
 */
#define IKE_PARSE_ERRORS(X)                                                              \
	X(OK, "ok")                                                                      \
	X(HDR_TRUNC, "datagram shorter than the IKE header")                             \
	X(VERSION, "major version is not 2")                                             \
	X(MSG_LEN, "header length differs from the datagram length")                     \
	X(SPI_I_ZERO, "initiator SPI is zero")                                           \
	X(EXCHANGE, "unknown exchange type")                                             \
	X(INIT_MSG_ID, "IKE_SA_INIT with a non-zero message ID")                         \
	X(INIT_SPI_R, "IKE_SA_INIT request with a non-zero responder SPI")               \
	X(PL_TRUNC, "payload header runs past the end")                                  \
	X(PL_LEN_SHORT, "payload length below the minimum for its type")                 \
	X(PL_LEN_OVERRUN, "payload length runs past the end")                            \
	X(TRAILING, "octets after the last payload")                                     \
	X(CRITICAL, "unsupported payload marked critical")                               \
	X(DUPLICATE, "payload that may appear once appears twice")                       \
	X(TOO_MANY, "more payloads or substructures than supported")                     \
	X(SK_NOT_LAST, "encrypted payload is not the last payload")                      \
	X(SK_NESTED, "encrypted payload inside an encrypted payload")                    \
	X(SK_IN_SA_INIT, "encrypted payload in IKE_SA_INIT")                             \
	X(SA_EMPTY, "SA payload without proposals")                                      \
	X(PROP_TRUNC, "proposal header runs past the SA payload")                        \
	X(PROP_LAST, "proposal Last Substruc inconsistent")                              \
	X(PROP_LEN, "proposal length inconsistent")                                      \
	X(PROP_NUM, "proposal numbers not 1, 2, 3...")                                   \
	X(PROP_SPI_SIZE, "SPI size invalid for the protocol")                            \
	X(PROP_XFORM_COUNT, "transform count differs from transforms present")           \
	X(XFORM_TRUNC, "transform header runs past the proposal")                        \
	X(XFORM_LAST, "transform Last Substruc inconsistent")                            \
	X(XFORM_LEN, "transform length inconsistent")                                    \
	X(ATTR_TRUNC, "attribute header runs past the transform")                        \
	X(ATTR_LEN, "attribute length runs past the transform")                          \
	X(KE_LEN, "KE data length does not match the DH group")                          \
	X(NONCE_LEN, "nonce not 16..256 octets")                                         \
	X(ID_LEN, "identification data length invalid for its type")                     \
	X(AUTH_LEN, "empty authentication data")                                         \
	X(NOTIFY_SPI_SIZE, "notify SPI size invalid")                                    \
	X(NOTIFY_DATA, "notify data length invalid for its type")                        \
	X(DELETE_PROTO, "delete payload for an unknown protocol")                        \
	X(DELETE_SPI_SIZE, "delete SPI size invalid for the protocol")                   \
	X(DELETE_LEN, "delete payload length differs from its SPI count")                \
	X(TS_TRUNC, "traffic selector header runs past the payload")                     \
	X(TS_TYPE, "unknown traffic selector type")                                      \
	X(TS_LEN, "traffic selector length invalid")                                     \
	X(TS_COUNT, "traffic selector count differs from selectors present")

enum ike_parse_err {
#define IKE_PARSE_ENUM(name, reason) IKE_PARSE_##name,
	IKE_PARSE_ERRORS(IKE_PARSE_ENUM)
#undef IKE_PARSE_ENUM
	IKE_PARSE_N_ERRORS
};

struct ike_parse_error {
	enum ike_parse_err code; /* IKE_PARSE_OK when the parse succeeded */
	uint8_t payload;         /* payload type being parsed (the unknown type for CRITICAL) */
	size_t offset;           /* offset of that payload in the buffer parsed, or of the header */
	bool inner;              /* error in the decrypted inner chain */
};

/* Decoded IKE header (host byte order). */
struct ike_hdr_info {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next_payload;
	uint8_t major, minor;
	uint8_t exchange;
	uint8_t flags; /* IKE_HDR_F_* as received */
	uint32_t msg_id;
	uint32_t length;
};

struct ike_xform {
	uint8_t type;         /* enum ike_xform_type */
	bool unknown_attr;    /* carries an attribute we do not understand: reject it (3.3.6) */
	uint16_t id;          /* transform ID */
	uint16_t key_bits;    /* Key Length attribute, 0 when absent */
};

struct ike_proposal {
	uint8_t num;        /* Proposal Num as received */
	uint8_t protocol;   /* enum ike_protocol */
	uint8_t spi_size;   /* 0, 4 or 8 */
	uint8_t n_xforms;
	uint8_t spi[8];     /* first spi_size octets valid */
	struct ike_xform xf[IKE_PROP_MAX_XFORMS];
};

struct ike_sa_pl {
	uint8_t n_props;
	struct ike_proposal prop[IKE_SA_MAX_PROPOSALS];
};

struct ike_ke_pl {
	uint16_t group;
	struct ike_bytes data; /* borrowed; length checked against the group when known */
};

struct ike_id_pl {
	uint8_t type;          /* enum ike_id_type */
	struct ike_bytes data; /* borrowed identification data */
	struct ike_bytes body; /* borrowed ID Type | RESERVED | data: the octets MACed for AUTH */
};

struct ike_auth_pl {
	uint8_t method;        /* enum ike_auth_method */
	struct ike_bytes data; /* borrowed */
};

struct ike_notify_pl {
	uint8_t protocol;
	uint8_t spi_size;      /* 0, 4 or 8 */
	uint16_t type;         /* enum ike_notify_type */
	uint8_t spi[8];        /* first spi_size octets valid */
	struct ike_bytes data; /* borrowed notification data */
	bool encrypted;        /* arrived inside SK */
};

struct ike_delete_pl {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t n_spis;
	struct ike_bytes spis; /* borrowed, n_spis * spi_size octets */
};

struct ike_ts {
	uint8_t type;          /* enum ike_ts_type */
	uint8_t ip_proto;
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16];     /* 4 octets used for IPv4 */
	uint8_t end[16];
};

struct ike_ts_pl {
	uint8_t n_ts;
	struct ike_ts ts[IKE_TS_MAX];
};

struct ike_cert_pl {
	uint8_t encoding;      /* enum ike_cert_encoding */
	struct ike_bytes data; /* borrowed */
};

/* The SK payload as found in the outer chain; decrypt with ike_sk_decrypt(). */
struct ike_sk_pl {
	uint8_t first_inner;   /* type of the first encrypted payload (0: none) */
	size_t hdr_off;        /* offset of the SK generic header in the datagram */
	struct ike_bytes body; /* borrowed IV | ciphertext | ICV */
};

/* One payload in wire order, known or not. */
struct ike_pl_ref {
	uint8_t type;
	bool critical;
	bool encrypted;        /* arrived inside SK */
	struct ike_bytes body; /* borrowed, after the generic header */
};

struct ike_msg {
	struct ike_hdr_info hdr;
	uint32_t present;      /* bit (type - 32) set for each known payload type seen */
	uint8_t n_pl;
	struct ike_pl_ref pl[IKE_MSG_MAX_PAYLOADS];

	struct ike_sa_pl sa;
	struct ike_ke_pl ke;
	struct ike_id_pl idi, idr;
	struct ike_auth_pl auth;
	struct ike_bytes nonce;
	struct ike_ts_pl tsi, tsr;
	struct ike_sk_pl sk;
	struct ike_bytes cp, eap; /* opaque bodies */

	uint8_t n_notify, n_delete, n_vendor, n_cert, n_certreq;
	struct ike_notify_pl notify[IKE_MSG_MAX_NOTIFY];
	struct ike_delete_pl del[IKE_MSG_MAX_DELETE];
	struct ike_bytes vendor[IKE_MSG_MAX_VENDOR];
	struct ike_cert_pl cert[IKE_MSG_MAX_CERT];
	struct ike_cert_pl certreq[IKE_MSG_MAX_CERT];

	struct ike_parse_error err; /* why the last parse call failed */
};

/* Decode the 28-octet header only (no length-vs-datagram check). */
enum ike_parse_err ike_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr_info *h);

/*
 * Parse a whole datagram: header checks, then the unencrypted payload chain.
 * An SK payload ends the chain; its region is recorded in m->sk. Clears *m
 * first. On error m->err tells which payload and offset; m->hdr is valid
 * whenever the error is not HDR_TRUNC.
 */
enum ike_parse_err ike_parse_msg(const uint8_t *buf, size_t len, struct ike_msg *m);

/*
 * Parse the decrypted inner chain of m's SK payload (plaintext with padding
 * and pad length already removed) into the same message, under the same
 * rules, marking payloads as encrypted. The chain starts with
 * m->sk.first_inner. m must come from a successful ike_parse_msg().
 */
enum ike_parse_err ike_parse_inner(struct ike_msg *m, const uint8_t *buf, size_t len);

static inline bool ike_msg_has(const struct ike_msg *m, uint8_t type)
{
	return type >= 32 && type < 64 && (m->present & (1u << (type - 32)));
}

/* The first notify of this type, or NULL. */
const struct ike_notify_pl *ike_msg_notify(const struct ike_msg *m, uint16_t type);

/* Stable short name ("PL_LEN_OVERRUN") and human reason for an error code. */
const char *ike_parse_err_name(enum ike_parse_err err);
const char *ike_parse_strerror(enum ike_parse_err err);

/*
 * The notify a responder answers a request failing this way with (RFC 7296
 * sections 2.5 and 2.21): INVALID_MAJOR_VERSION, UNSUPPORTED_CRITICAL_PAYLOAD
 * (data: the one-octet type, m->err.payload) or INVALID_SYNTAX; 0 for OK.
 */
uint16_t ike_parse_err_notify(enum ike_parse_err err);

#endif

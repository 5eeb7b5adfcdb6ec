/*
 * IKEv2 message builder: the inverse of ike_parse. Appends payloads to a
 * caller-owned buffer, chaining Next Payload fields, with a bounds check on
 * every write. Errors are sticky: after the first failure every call returns
 * the same error and nothing more is written, so a sequence of adds can be
 * checked once at ike_build_finish().
 *
 * Ownership: the buffer is BORROWED for the builder's life; payload data
 * passed in is COPIED.
 *
 * A protected message is built in two buffers:
 *     ike_build_init(&outer, pkt, sizeof pkt, &hdr);
 *     ike_build_init_chain(&inner, plain, sizeof plain);
 *     ike_build_id(&inner, ...); ike_build_auth(&inner, ...); ...
 *     size_t body = ike_sk_body_len(sk, inner.len);            (ike_crypto.h)
 *     ike_build_sk(&outer, inner.first, body, &sk_off);
 *     ike_build_finish(&outer, &len);
 *     ike_sk_encrypt(sk, pkt, len, sk_off, plain, inner.len, NULL);
 */
#ifndef IPSECGW_IKE_BUILD_H
#define IPSECGW_IKE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_parse.h"

struct ike_build {
	uint8_t *buf;    /* borrowed */
	size_t cap;
	size_t len;      /* octets written */
	size_t np_off;   /* the Next Payload octet the next payload patches */
	uint8_t first;   /* type of the first payload (a bare chain's SK Next Payload) */
	bool has_hdr;    /* buffer starts with an IKE header */
	bool closed;     /* an SK payload was added: nothing may follow */
	int err;         /* sticky 0 / -ENOSPC / -EINVAL / -EMSGSIZE */
};

/* A message: writes the header from h (next_payload and length are filled
 * in by the builder; major/minor default to 2.0 when both are zero). */
void ike_build_init(struct ike_build *b, uint8_t *buf, size_t cap, const struct ike_hdr_info *h);
/* A bare payload chain, e.g. the plaintext of an SK payload. */
void ike_build_init_chain(struct ike_build *b, uint8_t *buf, size_t cap);

/* Each returns 0 or the sticky -errno. */
int ike_build_sa(struct ike_build *b, const struct ike_sa_pl *sa);
int ike_build_ke(struct ike_build *b, uint16_t group, const uint8_t *data, size_t len);
/* pl_type IKE_PL_IDI or IKE_PL_IDR */
int ike_build_id(struct ike_build *b, uint8_t pl_type, uint8_t id_type, const uint8_t *data,
		 size_t len);
int ike_build_auth(struct ike_build *b, uint8_t method, const uint8_t *data, size_t len);
int ike_build_nonce(struct ike_build *b, const uint8_t *data, size_t len);
/* spi_len 0, 4 or 8 */
int ike_build_notify(struct ike_build *b, uint8_t protocol, const uint8_t *spi, size_t spi_len,
		     uint16_t type, const uint8_t *data, size_t len);
/* spis: n_spis * spi_size octets */
int ike_build_delete(struct ike_build *b, uint8_t protocol, uint8_t spi_size, uint16_t n_spis,
		     const uint8_t *spis);
int ike_build_vendor(struct ike_build *b, const uint8_t *data, size_t len);
/* pl_type IKE_PL_TSI or IKE_PL_TSR */
int ike_build_ts(struct ike_build *b, uint8_t pl_type, const struct ike_ts_pl *ts);
/* pl_type IKE_PL_CERT or IKE_PL_CERTREQ */
int ike_build_cert(struct ike_build *b, uint8_t pl_type, uint8_t encoding, const uint8_t *data,
		   size_t len);
/* Any payload from a ready body (CP, EAP, or deliberately odd ones in tests). */
int ike_build_raw(struct ike_build *b, uint8_t pl_type, bool critical, const uint8_t *body,
		  size_t len);
/*
 * The SK payload: generic header naming first_inner, then body_len zeroed
 * octets reserved for IV | ciphertext | ICV (ike_sk_encrypt fills them).
 * *sk_off receives the offset of the SK generic header. Must be last.
 */
int ike_build_sk(struct ike_build *b, uint8_t first_inner, size_t body_len, size_t *sk_off);

/* Patch the header length. *len receives the message length. */
int ike_build_finish(struct ike_build *b, size_t *len);

#endif

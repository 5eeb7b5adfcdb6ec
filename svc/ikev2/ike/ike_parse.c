/*
 * IKEv2 message parser (RFC 7296 sections 2.5, 3). Every length is checked
 * against its container before anything inside it is read: the datagram
 * bounds the payload chain, a payload bounds its substructures, a proposal
 * its transforms, a transform its attributes.
 *
 * Ordering: RFC 7296 section 2.5 says a receiver MUST NOT reject payloads in
 * an order other than the one shown in the RFC, so the only ordering rules
 * enforced are structural: SK is the last payload and never nests.
 */
#include "ike_parse.h"

#include <string.h>

static const char *const err_names[] = {
#define IKE_PARSE_NAME(name, reason) #name,
	IKE_PARSE_ERRORS(IKE_PARSE_NAME)
#undef IKE_PARSE_NAME
};

static const char *const err_reasons[] = {
#define IKE_PARSE_REASON(name, reason) reason,
	IKE_PARSE_ERRORS(IKE_PARSE_REASON)
#undef IKE_PARSE_REASON
};

const char *ike_parse_err_name(enum ike_parse_err err)
{
	return (unsigned)err < IKE_PARSE_N_ERRORS ? err_names[err] : "?";
}

const char *ike_parse_strerror(enum ike_parse_err err)
{
	return (unsigned)err < IKE_PARSE_N_ERRORS ? err_reasons[err] : "unknown parse error";
}

uint16_t ike_parse_err_notify(enum ike_parse_err err)
{
	switch (err) {
	case IKE_PARSE_OK:
		return 0;
	case IKE_PARSE_VERSION:
		return IKE_N_INVALID_MAJOR_VERSION;
	case IKE_PARSE_CRITICAL:
		return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	default:
		return IKE_N_INVALID_SYNTAX;
	}
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Parsing context for one chain (outer datagram or inner plaintext). */
struct chain {
	struct ike_msg *m;
	const uint8_t *buf;
	size_t len;
	size_t base;  /* offset of buf in what the caller handed us */
	bool inner;
	uint8_t type; /* payload being decoded, for error reports */
	size_t off;   /* its offset in buf */
};

static enum ike_parse_err fail(struct chain *c, enum ike_parse_err err)
{
	c->m->err.code = err;
	c->m->err.payload = c->type;
	c->m->err.offset = c->base + c->off;
	c->m->err.inner = c->inner;
	return err;
}

static bool is_request(const struct ike_msg *m)
{
	return !(m->hdr.flags & IKE_HDR_F_RESPONSE);
}

/* ---- SA payload: proposals, transforms, attributes ---------------------- */

static enum ike_parse_err parse_attrs(struct chain *c, const uint8_t *p, size_t len,
				      struct ike_xform *xf)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < sizeof(struct ike_wire_attr))
			return fail(c, IKE_PARSE_ATTR_TRUNC);
		uint16_t type = get16(p + off);
		uint16_t val = get16(p + off + 2);
		size_t alen = sizeof(struct ike_wire_attr);
		if (!(type & IKE_ATTR_AF_TV)) {
			/* TLV: val is the length of the value that follows */
			if (len - off - alen < val)
				return fail(c, IKE_PARSE_ATTR_LEN);
			alen += val;
			xf->unknown_attr = true; /* no TLV attribute is defined for IKEv2 */
		} else if ((type & ~IKE_ATTR_AF_TV) == IKE_ATTR_KEY_LENGTH && xf->key_bits == 0 &&
			   val != 0) {
			xf->key_bits = val;
		} else {
			xf->unknown_attr = true; /* unknown, repeated or zero Key Length */
		}
		off += alen;
	}
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_xforms(struct chain *c, const uint8_t *p, size_t len,
				       struct ike_proposal *prop, uint8_t expected)
{
	size_t off = 0;
	unsigned n = 0;
	while (off < len) {
		struct ike_wire_xform w;
		if (len - off < sizeof(w))
			return fail(c, IKE_PARSE_XFORM_TRUNC);
		memcpy(&w, p + off, sizeof(w));
		size_t xlen = get16(p + off + 2);
		if (xlen < sizeof(w) || xlen > len - off)
			return fail(c, IKE_PARSE_XFORM_LEN);
		bool last_here = off + xlen == len;
		if (!(w.last == IKE_LAST_NONE && last_here) &&
		    !(w.last == IKE_LAST_XFORM_MORE && !last_here))
			return fail(c, IKE_PARSE_XFORM_LAST);
		if (n >= IKE_PROP_MAX_XFORMS)
			return fail(c, IKE_PARSE_TOO_MANY);
		struct ike_xform *xf = &prop->xf[n];
		memset(xf, 0, sizeof(*xf));
		xf->type = w.type;
		xf->id = get16(p + off + 6);
		enum ike_parse_err e = parse_attrs(c, p + off + sizeof(w), xlen - sizeof(w), xf);
		if (e != IKE_PARSE_OK)
			return e;
		n++;
		off += xlen;
	}
	if (n != expected)
		return fail(c, IKE_PARSE_PROP_XFORM_COUNT);
	prop->n_xforms = (uint8_t)n;
	return IKE_PARSE_OK;
}

static bool spi_size_ok(uint8_t protocol, uint8_t size)
{
	switch (protocol) {
	case IKE_PROTO_IKE:
		return size == 0 || size == 8;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return size == 4;
	default:
		return size <= 8; /* unknown protocol: kept for the selector to ignore */
	}
}

static enum ike_parse_err parse_sa(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_sa_pl *sa = &c->m->sa;
	size_t off = 0;
	unsigned n = 0;
	if (len == 0)
		return fail(c, IKE_PARSE_SA_EMPTY);
	while (off < len) {
		struct ike_wire_prop w;
		if (len - off < sizeof(w))
			return fail(c, IKE_PARSE_PROP_TRUNC);
		memcpy(&w, p + off, sizeof(w));
		size_t plen = get16(p + off + 2);
		if (plen < sizeof(w) + w.spi_size || plen > len - off)
			return fail(c, IKE_PARSE_PROP_LEN);
		bool last_here = off + plen == len;
		if (!(w.last == IKE_LAST_NONE && last_here) &&
		    !(w.last == IKE_LAST_PROP_MORE && !last_here))
			return fail(c, IKE_PARSE_PROP_LAST);
		/* 3.3.1: a request numbers its proposals 1, 2, 3...; a reply
		 * echoes the number of the one it chose. */
		if (is_request(c->m) && w.num != n + 1)
			return fail(c, IKE_PARSE_PROP_NUM);
		if (!spi_size_ok(w.protocol, w.spi_size))
			return fail(c, IKE_PARSE_PROP_SPI_SIZE);
		if (n >= IKE_SA_MAX_PROPOSALS)
			return fail(c, IKE_PARSE_TOO_MANY);
		struct ike_proposal *prop = &sa->prop[n];
		prop->num = w.num;
		prop->protocol = w.protocol;
		prop->spi_size = w.spi_size;
		memset(prop->spi, 0, sizeof(prop->spi));
		memcpy(prop->spi, p + off + sizeof(w), w.spi_size);
		size_t xoff = off + sizeof(w) + w.spi_size;
		enum ike_parse_err e = parse_xforms(c, p + xoff, plen - sizeof(w) - w.spi_size, prop,
						    w.n_transforms);
		if (e != IKE_PARSE_OK)
			return e;
		n++;
		off += plen;
	}
	sa->n_props = (uint8_t)n;
	return IKE_PARSE_OK;
}

/* ---- Other payload bodies (p/len exclude the generic header) ------------ */

static enum ike_parse_err parse_ke(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_ke_pl *ke = &c->m->ke;
	ke->group = get16(p);
	ke->data.ptr = p + 4;
	ke->data.len = len - 4;
	size_t want = ike_wire_ke_len(ke->group);
	if (want ? ke->data.len != want : ke->data.len == 0)
		return fail(c, IKE_PARSE_KE_LEN);
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_id(struct chain *c, const uint8_t *p, size_t len,
				   struct ike_id_pl *id)
{
	id->type = p[0];
	id->body.ptr = p;
	id->body.len = len;
	id->data.ptr = p + 4;
	id->data.len = len - 4;
	if ((id->type == IKE_ID_IPV4_ADDR && id->data.len != 4) ||
	    (id->type == IKE_ID_IPV6_ADDR && id->data.len != 16) || id->data.len == 0)
		return fail(c, IKE_PARSE_ID_LEN);
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_auth(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_auth_pl *a = &c->m->auth;
	a->method = p[0];
	a->data.ptr = p + 4;
	a->data.len = len - 4;
	if (a->data.len == 0)
		return fail(c, IKE_PARSE_AUTH_LEN);
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_nonce(struct chain *c, const uint8_t *p, size_t len)
{
	if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		return fail(c, IKE_PARSE_NONCE_LEN);
	c->m->nonce.ptr = p;
	c->m->nonce.len = len;
	return IKE_PARSE_OK;
}

/* Notify data lengths RFC 7296 fixes; other types accept any length. */
static bool notify_data_ok(uint16_t type, size_t len)
{
	switch (type) {
	case IKE_N_NAT_DETECTION_SOURCE_IP:
	case IKE_N_NAT_DETECTION_DESTINATION_IP:
		return len == IKE_NAT_DETECTION_LEN;
	case IKE_N_COOKIE:
		return len >= 1 && len <= IKE_COOKIE_MAX;
	case IKE_N_INVALID_KE_PAYLOAD:
		return len == 2; /* the accepted DH group */
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		return len == 1; /* the payload type */
	case IKE_N_INVALID_MESSAGE_ID:
	case IKE_N_SET_WINDOW_SIZE:
		return len == 4;
	default:
		return true;
	}
}

static enum ike_parse_err parse_notify(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_msg *m = c->m;
	if (m->n_notify >= IKE_MSG_MAX_NOTIFY)
		return fail(c, IKE_PARSE_TOO_MANY);
	struct ike_notify_pl *n = &m->notify[m->n_notify];
	memset(n, 0, sizeof(*n));
	n->protocol = p[0];
	n->spi_size = p[1];
	n->type = get16(p + 2);
	n->encrypted = c->inner;
	if ((n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8) || len - 4 < n->spi_size ||
	    (n->type == IKE_N_REKEY_SA && n->spi_size != 4))
		return fail(c, IKE_PARSE_NOTIFY_SPI_SIZE);
	memcpy(n->spi, p + 4, n->spi_size);
	n->data.ptr = p + 4 + n->spi_size;
	n->data.len = len - 4 - n->spi_size;
	if (!notify_data_ok(n->type, n->data.len))
		return fail(c, IKE_PARSE_NOTIFY_DATA);
	m->n_notify++;
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_delete(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_msg *m = c->m;
	if (m->n_delete >= IKE_MSG_MAX_DELETE)
		return fail(c, IKE_PARSE_TOO_MANY);
	struct ike_delete_pl *d = &m->del[m->n_delete];
	d->protocol = p[0];
	d->spi_size = p[1];
	d->n_spis = get16(p + 2);
	switch (d->protocol) {
	case IKE_PROTO_IKE:
		/* 3.11: the IKE SA is named by the header; SPI size 0 (a count
		 * other than 0 is tolerated, it names no octets) */
		if (d->spi_size != 0)
			return fail(c, IKE_PARSE_DELETE_SPI_SIZE);
		break;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (d->spi_size != 4)
			return fail(c, IKE_PARSE_DELETE_SPI_SIZE);
		if (d->n_spis == 0)
			return fail(c, IKE_PARSE_DELETE_LEN);
		break;
	default:
		return fail(c, IKE_PARSE_DELETE_PROTO);
	}
	if (len - 4 != (size_t)d->spi_size * d->n_spis)
		return fail(c, IKE_PARSE_DELETE_LEN);
	d->spis.ptr = p + 4;
	d->spis.len = len - 4;
	m->n_delete++;
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_ts(struct chain *c, const uint8_t *p, size_t len,
				   struct ike_ts_pl *tsp)
{
	unsigned want = p[0];
	size_t off = 4;
	unsigned n = 0;
	while (off < len) {
		if (len - off < sizeof(struct ike_wire_ts_sel))
			return fail(c, IKE_PARSE_TS_TRUNC);
		uint8_t type = p[off];
		size_t slen = get16(p + off + 2);
		size_t alen;
		if (type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return fail(c, IKE_PARSE_TS_TYPE);
		if (slen != sizeof(struct ike_wire_ts_sel) + 2 * alen || slen > len - off)
			return fail(c, IKE_PARSE_TS_LEN);
		if (n >= IKE_TS_MAX)
			return fail(c, IKE_PARSE_TOO_MANY);
		struct ike_ts *ts = &tsp->ts[n];
		memset(ts, 0, sizeof(*ts));
		ts->type = type;
		ts->ip_proto = p[off + 1];
		ts->start_port = get16(p + off + 4);
		ts->end_port = get16(p + off + 6);
		memcpy(ts->start, p + off + 8, alen);
		memcpy(ts->end, p + off + 8 + alen, alen);
		n++;
		off += slen;
	}
	if (n != want || n == 0)
		return fail(c, IKE_PARSE_TS_COUNT);
	tsp->n_ts = (uint8_t)n;
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_cert(struct chain *c, const uint8_t *p, size_t len, bool req)
{
	struct ike_msg *m = c->m;
	uint8_t *count = req ? &m->n_certreq : &m->n_cert;
	struct ike_cert_pl *arr = req ? m->certreq : m->cert;
	if (*count >= IKE_MSG_MAX_CERT)
		return fail(c, IKE_PARSE_TOO_MANY);
	arr[*count].encoding = p[0];
	arr[*count].data.ptr = p + 1;
	arr[*count].data.len = len - 1;
	(*count)++;
	return IKE_PARSE_OK;
}

static enum ike_parse_err parse_vendor(struct chain *c, const uint8_t *p, size_t len)
{
	struct ike_msg *m = c->m;
	if (m->n_vendor >= IKE_MSG_MAX_VENDOR)
		return fail(c, IKE_PARSE_TOO_MANY);
	m->vendor[m->n_vendor].ptr = p;
	m->vendor[m->n_vendor].len = len;
	m->n_vendor++;
	return IKE_PARSE_OK;
}

/* ---- The chain walk ------------------------------------------------------ */

/* Minimum body length (after the generic header) of each known payload. */
static const uint8_t min_body[IKE_PL_LAST + 1] = {
	[IKE_PL_SA] = 0,     [IKE_PL_KE] = 4,      [IKE_PL_IDI] = 4,     [IKE_PL_IDR] = 4,
	[IKE_PL_CERT] = 1,   [IKE_PL_CERTREQ] = 1, [IKE_PL_AUTH] = 4,    [IKE_PL_NONCE] = 0,
	[IKE_PL_NOTIFY] = 4, [IKE_PL_DELETE] = 4,  [IKE_PL_VENDOR] = 0,  [IKE_PL_TSI] = 4,
	[IKE_PL_TSR] = 4,    [IKE_PL_SK] = 0,      [IKE_PL_CP] = 4,      [IKE_PL_EAP] = IKE_EAP_HDR_LEN,
};

static bool known(uint8_t type)
{
	return type >= IKE_PL_FIRST && type <= IKE_PL_LAST;
}

/* Types that may appear once per message (outer and inner together). */
static bool single(uint8_t type)
{
	switch (type) {
	case IKE_PL_NOTIFY:
	case IKE_PL_DELETE:
	case IKE_PL_VENDOR:
	case IKE_PL_CERT:
	case IKE_PL_CERTREQ:
		return false;
	default:
		return true;
	}
}

static enum ike_parse_err decode(struct chain *c, uint8_t type, const uint8_t *p, size_t len)
{
	struct ike_msg *m = c->m;
	switch (type) {
	case IKE_PL_SA: return parse_sa(c, p, len);
	case IKE_PL_KE: return parse_ke(c, p, len);
	case IKE_PL_IDI: return parse_id(c, p, len, &m->idi);
	case IKE_PL_IDR: return parse_id(c, p, len, &m->idr);
	case IKE_PL_CERT: return parse_cert(c, p, len, false);
	case IKE_PL_CERTREQ: return parse_cert(c, p, len, true);
	case IKE_PL_AUTH: return parse_auth(c, p, len);
	case IKE_PL_NONCE: return parse_nonce(c, p, len);
	case IKE_PL_NOTIFY: return parse_notify(c, p, len);
	case IKE_PL_DELETE: return parse_delete(c, p, len);
	case IKE_PL_VENDOR: return parse_vendor(c, p, len);
	case IKE_PL_TSI: return parse_ts(c, p, len, &m->tsi);
	case IKE_PL_TSR: return parse_ts(c, p, len, &m->tsr);
	case IKE_PL_CP:
		m->cp.ptr = p;
		m->cp.len = len;
		return IKE_PARSE_OK;
	case IKE_PL_EAP:
		m->eap.ptr = p;
		m->eap.len = len;
		return IKE_PARSE_OK;
	default:
		return IKE_PARSE_OK; /* SK is handled by the walk */
	}
}

static enum ike_parse_err walk(struct chain *c, uint8_t next)
{
	struct ike_msg *m = c->m;
	size_t off = 0;
	while (next != IKE_PL_NONE) {
		c->type = next;
		c->off = off;
		if (c->len - off < IKE_GEN_LEN)
			return fail(c, IKE_PARSE_PL_TRUNC);
		uint8_t np = c->buf[off];
		bool critical = c->buf[off + 1] & IKE_GEN_F_CRITICAL;
		size_t plen = get16(c->buf + off + 2);
		if (plen < IKE_GEN_LEN)
			return fail(c, IKE_PARSE_PL_LEN_SHORT);
		if (plen > c->len - off)
			return fail(c, IKE_PARSE_PL_LEN_OVERRUN);
		const uint8_t *body = c->buf + off + IKE_GEN_LEN;
		size_t blen = plen - IKE_GEN_LEN;

		if (!known(next) && critical)
			return fail(c, IKE_PARSE_CRITICAL); /* 2.5: answer UNSUPPORTED_CRITICAL_PAYLOAD */
		if (next == IKE_PL_SK) {
			if (c->inner)
				return fail(c, IKE_PARSE_SK_NESTED);
			if (m->hdr.exchange == IKE_EXCH_SA_INIT)
				return fail(c, IKE_PARSE_SK_IN_SA_INIT);
			if (off + plen != c->len)
				return fail(c, IKE_PARSE_SK_NOT_LAST);
		}
		if (m->n_pl >= IKE_MSG_MAX_PAYLOADS)
			return fail(c, IKE_PARSE_TOO_MANY);
		m->pl[m->n_pl++] = (struct ike_pl_ref){
			.type = next, .critical = critical, .encrypted = c->inner,
			.body = { body, blen },
		};
		if (!known(next)) {
			off += plen; /* unknown and not critical: skip it */
			next = np;
			continue;
		}
		if (single(next) && ike_msg_has(m, next))
			return fail(c, IKE_PARSE_DUPLICATE);
		if (blen < min_body[next])
			return fail(c, IKE_PARSE_PL_LEN_SHORT);
		enum ike_parse_err e = decode(c, next, body, blen);
		if (e != IKE_PARSE_OK)
			return e;
		m->present |= 1u << (next - 32);
		if (next == IKE_PL_SK) {
			/* 3.14: last payload; its Next Payload names the first inner one */
			m->sk.first_inner = np;
			m->sk.hdr_off = c->base + off;
			m->sk.body.ptr = body;
			m->sk.body.len = blen;
			return IKE_PARSE_OK;
		}
		off += plen;
		next = np;
	}
	if (off != c->len) {
		c->type = IKE_PL_NONE;
		c->off = off;
		return fail(c, IKE_PARSE_TRAILING);
	}
	return IKE_PARSE_OK;
}

enum ike_parse_err ike_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr_info *h)
{
	if (!buf || len < IKE_HDR_LEN)
		return IKE_PARSE_HDR_TRUNC;
	memcpy(h->spi_i, buf, 8);
	memcpy(h->spi_r, buf + 8, 8);
	h->next_payload = buf[16];
	h->major = buf[17] >> 4;
	h->minor = buf[17] & 0x0f;
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msg_id = get32(buf + 20);
	h->length = get32(buf + 24);
	return IKE_PARSE_OK;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

enum ike_parse_err ike_parse_msg(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	struct chain c = { .m = m, .buf = buf, .len = len };
	if (ike_parse_hdr(buf, len, &m->hdr) != IKE_PARSE_OK)
		return fail(&c, IKE_PARSE_HDR_TRUNC);
	const struct ike_hdr_info *h = &m->hdr;
	/* 3.1: the major version must be 2; the minor version is ignored. */
	if (h->major != 2)
		return fail(&c, IKE_PARSE_VERSION);
	if (h->length != len)
		return fail(&c, IKE_PARSE_MSG_LEN);
	if (all_zero(h->spi_i, 8))
		return fail(&c, IKE_PARSE_SPI_I_ZERO);
	if (h->exchange < IKE_EXCH_SA_INIT || h->exchange > IKE_EXCH_INFORMATIONAL)
		return fail(&c, IKE_PARSE_EXCHANGE);
	if (h->exchange == IKE_EXCH_SA_INIT) {
		if (h->msg_id != 0)
			return fail(&c, IKE_PARSE_INIT_MSG_ID);
		if (is_request(m) && !all_zero(h->spi_r, 8))
			return fail(&c, IKE_PARSE_INIT_SPI_R);
	}
	c.buf = buf + IKE_HDR_LEN;
	c.len = len - IKE_HDR_LEN;
	c.base = IKE_HDR_LEN;
	return walk(&c, h->next_payload);
}

enum ike_parse_err ike_parse_inner(struct ike_msg *m, const uint8_t *buf, size_t len)
{
	struct chain c = { .m = m, .buf = buf, .len = len, .inner = true };
	if (!buf && len)
		return fail(&c, IKE_PARSE_PL_TRUNC);
	return walk(&c, m->sk.first_inner);
}

const struct ike_notify_pl *ike_msg_notify(const struct ike_msg *m, uint16_t type)
{
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}

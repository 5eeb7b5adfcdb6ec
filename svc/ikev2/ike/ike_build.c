/*
 * IKEv2 message builder (RFC 7296 section 3 formats, written field by
 * field in network byte order).
 */
#include "ike_build.h"

#include <errno.h>
#include <string.h>

#define NO_NP ((size_t)-1)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int set_err(struct ike_build *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

/* Reserve n octets at the end; NULL (and the sticky error set) if they do not fit. */
static uint8_t *room(struct ike_build *b, size_t n)
{
	if (b->err)
		return NULL;
	if (n > b->cap - b->len) {
		set_err(b, -ENOSPC);
		return NULL;
	}
	uint8_t *p = b->buf + b->len;
	b->len += n;
	return p;
}

static int append(struct ike_build *b, const void *data, size_t n)
{
	uint8_t *p = room(b, n);
	if (!p)
		return b->err;
	if (n)
		memcpy(p, data, n);
	return 0;
}

void ike_build_init_chain(struct ike_build *b, uint8_t *buf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = buf ? cap : 0;
	b->np_off = NO_NP;
}

void ike_build_init(struct ike_build *b, uint8_t *buf, size_t cap, const struct ike_hdr_info *h)
{
	ike_build_init_chain(b, buf, cap);
	b->has_hdr = true;
	uint8_t *p = room(b, IKE_HDR_LEN);
	if (!p)
		return;
	uint8_t major = h->major, minor = h->minor;
	if (!major && !minor)
		major = 2;
	memcpy(p, h->spi_i, 8);
	memcpy(p + 8, h->spi_r, 8);
	p[16] = IKE_PL_NONE;
	p[17] = (uint8_t)((major << 4) | (minor & 0x0f));
	p[18] = h->exchange;
	p[19] = h->flags;
	put32(p + 20, h->msg_id);
	put32(p + 24, IKE_HDR_LEN);
	b->np_off = IKE_HDR_NEXT_OFF;
}

/* Start a payload: chain it, write a generic header with a zero length. */
static size_t pl_begin(struct ike_build *b, uint8_t type, bool critical)
{
	if (b->closed)
		set_err(b, -EINVAL);
	size_t start = b->len;
	uint8_t *p = room(b, IKE_GEN_LEN);
	if (!p)
		return 0;
	if (b->np_off == NO_NP)
		b->first = type;
	else
		b->buf[b->np_off] = type;
	b->np_off = start;
	p[0] = IKE_PL_NONE;
	p[1] = critical ? IKE_GEN_F_CRITICAL : 0;
	put16(p + 2, 0);
	return start;
}

/* Finish a payload started at start: write its length. */
static int pl_end(struct ike_build *b, size_t start)
{
	if (b->err)
		return b->err;
	size_t n = b->len - start;
	if (n > UINT16_MAX)
		return set_err(b, -EMSGSIZE);
	put16(b->buf + start + 2, (uint16_t)n);
	return 0;
}

static int simple(struct ike_build *b, uint8_t type, const uint8_t *pre, size_t pre_len,
		  const uint8_t *data, size_t len)
{
	if (len && !data)
		return set_err(b, -EINVAL);
	size_t s = pl_begin(b, type, false);
	append(b, pre, pre_len);
	append(b, data, len);
	return pl_end(b, s);
}

static int build_xform(struct ike_build *b, const struct ike_xform *xf, bool last)
{
	size_t start = b->len;
	uint8_t *p = room(b, sizeof(struct ike_wire_xform));
	if (!p)
		return b->err;
	p[0] = last ? IKE_LAST_NONE : IKE_LAST_XFORM_MORE;
	p[1] = 0;
	p[4] = xf->type;
	p[5] = 0;
	put16(p + 6, xf->id);
	if (xf->key_bits) {
		uint8_t *a = room(b, sizeof(struct ike_wire_attr));
		if (!a)
			return b->err;
		put16(a, IKE_ATTR_AF_TV | IKE_ATTR_KEY_LENGTH);
		put16(a + 2, xf->key_bits);
	}
	put16(b->buf + start + 2, (uint16_t)(b->len - start));
	return 0;
}

static int build_prop(struct ike_build *b, const struct ike_proposal *prop, bool last)
{
	if (prop->spi_size > sizeof(prop->spi) || prop->n_xforms > IKE_PROP_MAX_XFORMS)
		return set_err(b, -EINVAL);
	size_t start = b->len;
	uint8_t *p = room(b, sizeof(struct ike_wire_prop));
	if (!p)
		return b->err;
	p[0] = last ? IKE_LAST_NONE : IKE_LAST_PROP_MORE;
	p[1] = 0;
	p[4] = prop->num;
	p[5] = prop->protocol;
	p[6] = prop->spi_size;
	p[7] = prop->n_xforms;
	if (append(b, prop->spi, prop->spi_size))
		return b->err;
	for (unsigned i = 0; i < prop->n_xforms; i++)
		if (build_xform(b, &prop->xf[i], i + 1 == prop->n_xforms))
			return b->err;
	if (b->len - start > UINT16_MAX)
		return set_err(b, -EMSGSIZE);
	put16(b->buf + start + 2, (uint16_t)(b->len - start));
	return 0;
}

int ike_build_sa(struct ike_build *b, const struct ike_sa_pl *sa)
{
	if (sa->n_props > IKE_SA_MAX_PROPOSALS)
		return set_err(b, -EINVAL);
	size_t s = pl_begin(b, IKE_PL_SA, false);
	for (unsigned i = 0; i < sa->n_props && !b->err; i++)
		build_prop(b, &sa->prop[i], i + 1 == sa->n_props);
	return pl_end(b, s);
}

int ike_build_ke(struct ike_build *b, uint16_t group, const uint8_t *data, size_t len)
{
	uint8_t pre[4];
	put16(pre, group);
	put16(pre + 2, 0);
	return simple(b, IKE_PL_KE, pre, sizeof(pre), data, len);
}

int ike_build_id(struct ike_build *b, uint8_t pl_type, uint8_t id_type, const uint8_t *data,
		 size_t len)
{
	if (pl_type != IKE_PL_IDI && pl_type != IKE_PL_IDR)
		return set_err(b, -EINVAL);
	const uint8_t pre[4] = { id_type, 0, 0, 0 };
	return simple(b, pl_type, pre, sizeof(pre), data, len);
}

int ike_build_auth(struct ike_build *b, uint8_t method, const uint8_t *data, size_t len)
{
	const uint8_t pre[4] = { method, 0, 0, 0 };
	return simple(b, IKE_PL_AUTH, pre, sizeof(pre), data, len);
}

int ike_build_nonce(struct ike_build *b, const uint8_t *data, size_t len)
{
	return simple(b, IKE_PL_NONCE, NULL, 0, data, len);
}

int ike_build_notify(struct ike_build *b, uint8_t protocol, const uint8_t *spi, size_t spi_len,
		     uint16_t type, const uint8_t *data, size_t len)
{
	if ((spi_len != 0 && spi_len != 4 && spi_len != 8) || (spi_len && !spi) ||
	    (len && !data))
		return set_err(b, -EINVAL);
	uint8_t pre[4] = { protocol, (uint8_t)spi_len, 0, 0 };
	put16(pre + 2, type);
	size_t s = pl_begin(b, IKE_PL_NOTIFY, false);
	append(b, pre, sizeof(pre));
	append(b, spi, spi_len);
	append(b, data, len);
	return pl_end(b, s);
}

int ike_build_delete(struct ike_build *b, uint8_t protocol, uint8_t spi_size, uint16_t n_spis,
		     const uint8_t *spis)
{
	size_t n = (size_t)spi_size * n_spis;
	uint8_t pre[4] = { protocol, spi_size, 0, 0 };
	put16(pre + 2, n_spis);
	return simple(b, IKE_PL_DELETE, pre, sizeof(pre), spis, n);
}

int ike_build_vendor(struct ike_build *b, const uint8_t *data, size_t len)
{
	return simple(b, IKE_PL_VENDOR, NULL, 0, data, len);
}

int ike_build_ts(struct ike_build *b, uint8_t pl_type, const struct ike_ts_pl *ts)
{
	if ((pl_type != IKE_PL_TSI && pl_type != IKE_PL_TSR) || ts->n_ts > IKE_TS_MAX)
		return set_err(b, -EINVAL);
	size_t s = pl_begin(b, pl_type, false);
	const uint8_t pre[4] = { ts->n_ts, 0, 0, 0 };
	append(b, pre, sizeof(pre));
	for (unsigned i = 0; i < ts->n_ts; i++) {
		const struct ike_ts *t = &ts->ts[i];
		size_t alen;
		if (t->type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (t->type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return set_err(b, -EINVAL);
		uint8_t sel[sizeof(struct ike_wire_ts_sel)];
		sel[0] = t->type;
		sel[1] = t->ip_proto;
		put16(sel + 2, (uint16_t)(sizeof(sel) + 2 * alen));
		put16(sel + 4, t->start_port);
		put16(sel + 6, t->end_port);
		append(b, sel, sizeof(sel));
		append(b, t->start, alen);
		append(b, t->end, alen);
	}
	return pl_end(b, s);
}

int ike_build_cert(struct ike_build *b, uint8_t pl_type, uint8_t encoding, const uint8_t *data,
		   size_t len)
{
	if (pl_type != IKE_PL_CERT && pl_type != IKE_PL_CERTREQ)
		return set_err(b, -EINVAL);
	return simple(b, pl_type, &encoding, 1, data, len);
}

int ike_build_raw(struct ike_build *b, uint8_t pl_type, bool critical, const uint8_t *body,
		  size_t len)
{
	if (len && !body)
		return set_err(b, -EINVAL);
	size_t s = pl_begin(b, pl_type, critical);
	append(b, body, len);
	return pl_end(b, s);
}

int ike_build_sk(struct ike_build *b, uint8_t first_inner, size_t body_len, size_t *sk_off)
{
	size_t s = pl_begin(b, IKE_PL_SK, false);
	uint8_t *p = room(b, body_len);
	if (p)
		memset(p, 0, body_len);
	if (pl_end(b, s))
		return b->err;
	b->buf[s] = first_inner; /* 3.14: SK's Next Payload is the first inner payload */
	b->np_off = NO_NP;
	b->closed = true;
	if (sk_off)
		*sk_off = s;
	return 0;
}

int ike_build_finish(struct ike_build *b, size_t *len)
{
	if (b->err)
		return b->err;
	if (b->has_hdr)
		put32(b->buf + IKE_HDR_LEN_OFF, (uint32_t)b->len);
	if (len)
		*len = b->len;
	return 0;
}

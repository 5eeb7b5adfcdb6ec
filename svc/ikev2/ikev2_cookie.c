/* Responder cookies (RFC 7296 2.6): stateless, from a rotated secret. */
#include "ikev2_cookie.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_prf.h"
#include "ikev2_core.h"

bool ikev2_cookie_required(const struct ikev2_engine *e)
{
	return e->ctr->half_open + e->dh_pending >= e->cfg.cookie_threshold;
}

/* A new current secret when the current one is due for replacement; the
 * old one is kept while cookies made with it are still in their grace. */
static int rotate(struct ikev2_engine *e)
{
	struct ikev2_cookies *c = &e->cookies;
	uint64_t now = ikev2_now(e), life = (uint64_t)e->cfg.cookie_secret_s * 1000u,
		 grace = (uint64_t)e->cfg.cookie_grace_s * 1000u;

	if (c->cur.set && now - c->cur.born_ms < life)
		return 0;
	if (c->cur.set && now - c->cur.born_ms < life + grace) {
		c->prev = c->cur;
		c->prev_until_ms = c->cur.born_ms + life + grace;
	} else {
		OPENSSL_cleanse(&c->prev, sizeof(c->prev));
	}
	OPENSSL_cleanse(&c->cur, sizeof(c->cur));
	if (RAND_bytes(c->cur.key, sizeof(c->cur.key)) != 1)
		return -EIO;
	c->cur.ver = c->next_ver++;
	c->cur.born_ms = now;
	c->cur.set = true;
	return 0;
}

/* <VersionIDofSecret> | prf(<secret>, Ni | IPi | SPIi) */
static int compute(const struct ikev2_cookie_secret *s, const uint8_t spi_i[8], const struct ikev2_addr *ip,
		   const struct ike_bytes *ni, uint8_t *out)
{
	const struct ike_bytes in[] = {
		{ ni->ptr, ni->len }, { &ip->af, 1 }, { ip->ip, ikev2_addr_len(ip) }, { spi_i, 8 },
	};

	out[0] = s->ver;
	return ike_prf(IKE_PRF_HMAC_SHA2_256, s->key, sizeof(s->key), in, sizeof(in) / sizeof(in[0]), out + 1);
}

int ikev2_cookie_make(struct ikev2_engine *e, const uint8_t spi_i[8], const struct ikev2_addr *ip,
		      const struct ike_bytes *ni, uint8_t *out)
{
	int rc = rotate(e);

	return rc < 0 ? rc : compute(&e->cookies.cur, spi_i, ip, ni, out);
}

int ikev2_cookie_check(struct ikev2_engine *e, const uint8_t spi_i[8], const struct ikev2_addr *ip,
		       const struct ike_bytes *ni, const uint8_t *cookie, size_t len)
{
	struct ikev2_cookies *c = &e->cookies;
	const struct ikev2_cookie_secret *s = NULL;
	uint8_t want[IKEV2_COOKIE_LEN];
	int rc = -EBADMSG;

	if (rotate(e) < 0 || !cookie || len != IKEV2_COOKIE_LEN)
		return -EBADMSG;
	if (c->cur.set && cookie[0] == c->cur.ver)
		s = &c->cur;
	else if (c->prev.set && cookie[0] == c->prev.ver && ikev2_now(e) < c->prev_until_ms)
		s = &c->prev;
	if (s && compute(s, spi_i, ip, ni, want) == 0 && CRYPTO_memcmp(want, cookie, sizeof(want)) == 0)
		rc = 0;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

void ikev2_cookie_fini(struct ikev2_cookies *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

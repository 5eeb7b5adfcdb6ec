/* The SAD: SA add, delete and key update, and the algorithm rules.
 *
 * Key lengths are those of RFC 3602 (AES-CBC), RFC 3686 (AES-CTR: key then
 * a 4-byte nonce/salt), RFC 4106 (AES-GCM: key then a 4-byte salt), RFC
 * 2405/2451 (DES, 3DES) and the HMAC key sizes of RFC 2403/2404/4868. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"
#include "log.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

#define CFG_SPI_RESERVED_MAX 255     /* RFC 4303 2.1: 1..255 reserved by IANA */
#define CFG_REPLAY_DEFAULT 64
#define CFG_UDP_ENCAP_PORT 4500

static const struct {
	const char *name;
	uint8_t key_len;
	uint8_t salted;         /* CTR/GCM: the key may carry 4 salt bytes */
	uint8_t aead;
} crypto_algs[SHM_CRYPTO_N] = {
	[SHM_CRYPTO_NONE] = { "none", 0, 0, 0 },
	[SHM_CRYPTO_AES_CBC_128] = { "aes-cbc-128", 16, 0, 0 },
	[SHM_CRYPTO_AES_CBC_192] = { "aes-cbc-192", 24, 0, 0 },
	[SHM_CRYPTO_AES_CBC_256] = { "aes-cbc-256", 32, 0, 0 },
	[SHM_CRYPTO_AES_CTR_128] = { "aes-ctr-128", 16, 1, 0 },
	[SHM_CRYPTO_AES_CTR_192] = { "aes-ctr-192", 24, 1, 0 },
	[SHM_CRYPTO_AES_CTR_256] = { "aes-ctr-256", 32, 1, 0 },
	[SHM_CRYPTO_AES_GCM_128] = { "aes-gcm-128", 16, 1, 1 },
	[SHM_CRYPTO_AES_GCM_192] = { "aes-gcm-192", 24, 1, 1 },
	[SHM_CRYPTO_AES_GCM_256] = { "aes-gcm-256", 32, 1, 1 },
	[SHM_CRYPTO_DES_CBC] = { "des-cbc", 8, 0, 0 },
	[SHM_CRYPTO_3DES_CBC] = { "3des-cbc", 24, 0, 0 },
};

static const struct {
	const char *name;
	uint8_t key_len;
} integ_algs[SHM_INTEG_N] = {
	[SHM_INTEG_NONE] = { "none", 0 },
	[SHM_INTEG_MD5_96] = { "md5-96", 16 },
	[SHM_INTEG_SHA1_96] = { "sha1-96", 20 },
	[SHM_INTEG_SHA_256_96] = { "sha-256-96", 32 },
	[SHM_INTEG_SHA_256_128] = { "sha-256-128", 32 },
	[SHM_INTEG_SHA_384_192] = { "sha-384-192", 48 },
	[SHM_INTEG_SHA_512_256] = { "sha-512-256", 64 },
};

_Static_assert((int)SHM_CRYPTO_N == (int)IPSECGW__V1__CRYPTO_ALG__DES3_CBC + 1, "crypto enums");
_Static_assert((int)SHM_INTEG_N == (int)IPSECGW__V1__INTEG_ALG__SHA_512_256 + 1, "integ enums");

const char *cfg_sa_crypto_name(unsigned alg)
{
	return alg < SHM_CRYPTO_N ? crypto_algs[alg].name : "?";
}

const char *cfg_sa_integ_name(unsigned alg)
{
	return alg < SHM_INTEG_N ? integ_algs[alg].name : "?";
}

/* Check a crypto key for alg; on success fill the record's key, length and
 * (for a key that carries it) salt. Absent counts as 0 bytes. */
static int sa_crypto_key(cfg_reply *rep, unsigned alg, int has, const cfg_bytes *k,
			 struct shm_sa *sa, int *salted)
{
	size_t len = has && k->data ? k->len : 0, need = crypto_algs[alg].key_len;

	*salted = 0;
	if (alg == SHM_CRYPTO_NONE) {
		if (len)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_key",
					      "crypto-alg none takes no key, got %zu bytes", len);
		sa->crypto_key_len = 0;
		memset(sa->crypto_key, 0, sizeof(sa->crypto_key));
		return 0;
	}
	if (crypto_algs[alg].salted) {
		if (len != need && len != need + 4)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_key",
					      "%s needs a %zu-byte key, or %zu bytes with the salt, got %zu",
					      crypto_algs[alg].name, need, need + 4, len);
		if (len == need + 4) {
			memcpy(&sa->salt, k->data + need, 4);
			*salted = 1;
		}
	} else if (len != need) {
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_key",
				      "%s needs a %zu-byte key, got %zu", crypto_algs[alg].name, need, len);
	}
	memset(sa->crypto_key, 0, sizeof(sa->crypto_key));
	memcpy(sa->crypto_key, k->data, need);
	sa->crypto_key_len = (uint8_t)need;
	return 0;
}

/* HMAC takes keys of any length (RFC 2104). We accept 16 bytes up to the
 * region's 64, so the seed page's 16-byte sha1-96 keys work as typed, and
 * warn below the length the algorithm's RFC specifies (RFC 2403/2404/4868). */
#define INTEG_KEY_MIN 16

static int sa_integ_key(cfg_reply *rep, unsigned alg, int has, const cfg_bytes *k, struct shm_sa *sa)
{
	size_t len = has && k->data ? k->len : 0, rfc = integ_algs[alg].key_len;

	if (alg == SHM_INTEG_NONE && len)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_key",
				      "integ-alg none takes no key, got %zu bytes", len);
	if (alg != SHM_INTEG_NONE && (len < INTEG_KEY_MIN || len > SHM_INTEG_KEY_MAX))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_key",
				      "%s needs a key of %d to %d bytes (%zu recommended), got %zu",
				      integ_algs[alg].name, INTEG_KEY_MIN, SHM_INTEG_KEY_MAX, rfc, len);
	if (alg != SHM_INTEG_NONE && len < rfc)
		gw_warn("SA %u: %s key of %zu bytes is shorter than the %zu its RFC specifies",
			sa->sa_id, integ_algs[alg].name, len, rfc);
	memset(sa->integ_key, 0, sizeof(sa->integ_key));
	if (len)
		memcpy(sa->integ_key, k->data, len);
	sa->integ_key_len = (uint8_t)len;
	return 0;
}

static int sa_algs(cfg_reply *rep, const Ipsecgw__V1__SaSpec *s, unsigned *ca, unsigned *ia)
{
	*ca = s->has_crypto_alg ? (unsigned)s->crypto_alg : SHM_CRYPTO_NONE;
	*ia = s->has_integ_alg ? (unsigned)s->integ_alg : SHM_INTEG_NONE;
	if (*ca >= SHM_CRYPTO_N)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_alg", "unknown value %d",
				      (int)s->crypto_alg);
	if (*ia >= SHM_INTEG_N)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg", "unknown value %d",
				      (int)s->integ_alg);
	if (*ca == SHM_CRYPTO_NONE && *ia == SHM_INTEG_NONE)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg",
				      "crypto-alg none needs an integrity algorithm");
	if (*ca != SHM_CRYPTO_NONE && !crypto_algs[*ca].aead && *ia == SHM_INTEG_NONE)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg",
				      "%s needs an integrity algorithm: ESP encryption without "
				      "integrity is not allowed (RFC 8221 section 5)", crypto_algs[*ca].name);
	if (crypto_algs[*ca].aead && *ia != SHM_INTEG_NONE)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ_alg",
				      "%s is an AEAD cipher and needs integ-alg none, got %s",
				      crypto_algs[*ca].name, integ_algs[*ia].name);
	return 0;
}

static int sa_tunnel(cfg_reply *rep, const Ipsecgw__V1__SaSpec *s, struct shm_sa *sa)
{
	int saf, daf;
	char b[64];

	if (s->has_tunnel_src != s->has_tunnel_dst)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT),
				      s->has_tunnel_src ? "tunnel_dst" : "tunnel_src",
				      "tunnel mode needs both tunnel_src and tunnel_dst");
	if (!s->has_tunnel_src)
		return 0;
	if (cfg_valid_addr(rep, "tunnel_src", 1, &s->tunnel_src, SHM_AF_NONE, &saf, sa->tunnel_src) < 0 ||
	    cfg_valid_unicast(rep, "tunnel_src", saf, sa->tunnel_src) < 0 ||
	    cfg_valid_addr(rep, "tunnel_dst", 1, &s->tunnel_dst, saf, &daf, sa->tunnel_dst) < 0 ||
	    cfg_valid_unicast(rep, "tunnel_dst", daf, sa->tunnel_dst) < 0)
		return -1;
	if (memcmp(sa->tunnel_src, sa->tunnel_dst, 16) == 0)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "tunnel_dst",
				      "tunnel_dst equals tunnel_src (%s)", cfg_valid_ntop(b, saf, sa->tunnel_src));
	sa->flags |= SHM_SA_TUNNEL | (saf == SHM_AF_INET6 ? SHM_SA_TUNNEL_V6 : 0);
	return 0;
}

static int sa_udp(cfg_reply *rep, const Ipsecgw__V1__SaSpec *s, struct shm_sa *sa)
{
	const struct { const char *f; int has; uint32_t v; uint16_t *out; } p[2] = {
		{ "udp_src_port", s->has_udp_src_port, s->udp_src_port, &sa->udp_src_port },
		{ "udp_dst_port", s->has_udp_dst_port, s->udp_dst_port, &sa->udp_dst_port },
	};

	for (int k = 0; k < 2; k++) {
		if (!p[k].has) {
			*p[k].out = s->udp_encap ? CFG_UDP_ENCAP_PORT : 0;
			continue;
		}
		if (!s->udp_encap)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), p[k].f, "only with udp_encap");
		if (p[k].v < 1 || p[k].v > 65535)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), p[k].f, "must be 1..65535, got %u",
					      p[k].v);
		*p[k].out = (uint16_t)p[k].v;
	}
	if (s->udp_encap)
		sa->flags |= SHM_SA_UDP_ENCAP;
	return 0;
}

/* Everything of an SaSpec but the id's uniqueness, into sa. */
static int sa_parse(cfg_reply *rep, const Ipsecgw__V1__SaSpec *s, uint64_t gen, struct shm_sa *sa)
{
	unsigned ca, ia;
	int salted;

	memset(sa, 0, sizeof(*sa));
	if (s->spi == 0)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "spi", "0 is not a valid SPI (RFC 4303)");
	if (s->spi <= CFG_SPI_RESERVED_MAX)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "spi",
				      "%u is in 1..255, reserved by IANA (RFC 4303)", s->spi);
	if (sa_algs(rep, s, &ca, &ia) < 0 ||
	    sa_crypto_key(rep, ca, s->has_crypto_key, &s->crypto_key, sa, &salted) < 0 ||
	    sa_integ_key(rep, ia, s->has_integ_key, &s->integ_key, sa) < 0)
		return -1;
	if (s->has_salt) {
		if (!crypto_algs[ca].salted)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "salt",
					      "only aes-ctr and aes-gcm take a salt, not %s",
					      crypto_algs[ca].name);
		if (salted)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "salt",
					      "given twice: in crypto_key and in salt");
		sa->salt = htonl(s->salt);
	}
	if (sa_tunnel(rep, s, sa) < 0 || sa_udp(rep, s, sa) < 0)
		return -1;
	if (!s->has_anti_replay || s->anti_replay)
		sa->flags |= SHM_SA_ANTI_REPLAY;
	sa->replay_window = s->has_replay_window ? s->replay_window : CFG_REPLAY_DEFAULT;
	if (sa->replay_window > SHM_REPLAY_MAX || sa->replay_window % 64)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "replay_window",
				      "must be a multiple of 64 in 0..%d, got %u", SHM_REPLAY_MAX,
				      sa->replay_window);
	if (sa->replay_window == 0 && (sa->flags & SHM_SA_ANTI_REPLAY))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "replay_window",
				      "0 needs anti_replay off");
	if (s->esn)
		sa->flags |= SHM_SA_ESN;
	sa->sa_id = s->sa_id;
	sa->spi = s->spi;
	sa->crypto_alg = (uint8_t)ca;
	sa->integ_alg = (uint8_t)ia;
	sa->create_gen = gen;
	sa->h.in_use = 1;
	return 0;
}

void cfg_sa_add(struct cfg *c, const Ipsecgw__V1__SaAdd *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_sa sa;
	uint32_t i;

	if (!m->spec) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "spec", "required");
		return;
	}
	/* create_gen: the generation this commit will have. */
	if (sa_parse(rep, m->spec, cfg_generation(c) + 1, &sa) < 0)
		goto out;
	if (cfg_index_sa(c, sa.sa_id) != CFG_NONE) {
		cfg_reply_fail(rep, E(ALREADY_EXISTS), "sa_id", "SA %u already exists", sa.sa_id);
		goto out;
	}
	if ((i = cfg_index_free(c, SHM_T_SA)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "sa_id", "the SA table is full (%d)", SHM_MAX_SA);
		goto out;
	}
	cfg_counters_reset_sa(c, i);
	cfg_change_begin(c, &ch);
	memcpy(cfg_change_stage(&ch, SHM_T_SA, i), &sa, sizeof(sa));
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(SA), "%u", sa.sa_id);
out:
	explicit_bzero(&sa, sizeof(sa)); /* the stack copy of the keys */
}

const char *cfg_sa_user(const struct cfg *c, uint32_t sa_id, char *buf, size_t len)
{
	buf[0] = 0;
	for (uint32_t k = 0; k < SHM_MAX_POLICY; k++) {
		const struct shm_policy *p = cfg_rec(c, SHM_T_POLICY, k);
		if (p->h.in_use && p->action == SHM_POL_PROTECT && p->sa_id == sa_id) {
			snprintf(buf, len, "policy %u of SPD %u protects with it", k, p->spd_id);
			return buf;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_TUNNEL; k++) {
		const struct shm_tunnel *t = cfg_rec(c, SHM_T_TUNNEL, k);
		int used = t->h.in_use && t->has_sa_out && t->sa_out == sa_id;
		for (uint32_t j = 0; t->h.in_use && j < t->n_sa_in && j < SHM_MAX_SA_IN; j++)
			used |= t->sa_in[j] == sa_id;
		if (used) {
			snprintf(buf, len, "tunnel ipsec%u is protected by it", t->instance);
			return buf;
		}
	}
	return buf;
}

void cfg_sa_del(struct cfg *c, const Ipsecgw__V1__SaDel *m, cfg_reply *rep)
{
	struct cfg_change ch;
	char why[128];
	uint32_t i = cfg_index_sa(c, m->sa_id);

	if (i == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "sa_id", "no SA %u", m->sa_id);
		return;
	}
	if (c->idx.sa_refs[i]) {
		cfg_sa_user(c, m->sa_id, why, sizeof(why));
		cfg_reply_fail(rep, E(IN_USE), "sa_id", "SA %u is in use: %s", m->sa_id,
			       *why ? why : "referenced");
		return;
	}
	cfg_change_begin(c, &ch);
	cfg_change_delete(&ch, SHM_T_SA, i);
	cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(SA), "%u", m->sa_id);
}

void cfg_sa_set_key(struct cfg *c, const Ipsecgw__V1__SaSetKey *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_sa sa;
	uint32_t i = cfg_index_sa(c, m->sa_id);
	int salted;

	if (i == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "sa_id", "no SA %u", m->sa_id);
		return;
	}
	memcpy(&sa, cfg_rec(c, SHM_T_SA, i), sizeof(sa));
	if (!m->has_crypto_key && !m->has_integ_key) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "crypto_key",
			       "nothing to set: give crypto_key, integ_key or both");
		goto out;
	}
	if (sa.crypto_alg >= SHM_CRYPTO_N || sa.integ_alg >= SHM_INTEG_N) {
		cfg_reply_fail(rep, E(INTERNAL), "sa_id", "SA %u has unknown algorithms", m->sa_id);
		goto out;
	}
	if ((m->has_crypto_key &&
	     sa_crypto_key(rep, sa.crypto_alg, 1, &m->crypto_key, &sa, &salted) < 0) ||
	    (m->has_integ_key && sa_integ_key(rep, sa.integ_alg, 1, &m->integ_key, &sa) < 0))
		goto out;
	sa.key_gen++;
	cfg_counters_reset_sa(c, i);
	cfg_change_begin(c, &ch);
	memcpy(cfg_change_stage(&ch, SHM_T_SA, i), &sa, sizeof(sa));
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(SA), "%u", m->sa_id);
out:
	explicit_bzero(&sa, sizeof(sa));
}

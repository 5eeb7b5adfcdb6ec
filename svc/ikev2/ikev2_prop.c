/* Proposals: offers, responder choice, reply checks, names. */
#include "ikev2_prop.h"

#include <stdio.h>
#include <string.h>

#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_prf.h"
#include "ike_wire.h"

#define XF(t, i, b) ((struct ike_xform){ .type = (t), .id = (i), .key_bits = (b) })

/* Default offers, strongest first. */
static const uint16_t def_dh[] = { IKE_DH_ECP_256, IKE_DH_ECP_384, IKE_DH_MODP_2048,
				   IKE_DH_MODP_3072, IKE_DH_MODP_4096, IKE_DH_ECP_521 };
static const uint16_t def_prf[] = { IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384,
				    IKE_PRF_HMAC_SHA2_512, IKE_PRF_HMAC_SHA1 };
static const uint16_t def_integ[] = { IKE_INTEG_HMAC_SHA2_256_128, IKE_INTEG_HMAC_SHA2_384_192,
				      IKE_INTEG_HMAC_SHA2_512_256, IKE_INTEG_HMAC_SHA1_96 };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void add(struct ike_proposal *pr, struct ike_xform x)
{
	if (pr->n_xforms < IKE_PROP_MAX_XFORMS)
		pr->xf[pr->n_xforms++] = x;
}

static struct ike_proposal *new_prop(struct ike_sa_pl *sa, uint8_t proto, const uint8_t *spi,
				     uint8_t spi_size)
{
	struct ike_proposal *pr = &sa->prop[sa->n_props];

	memset(pr, 0, sizeof(*pr));
	pr->num = (uint8_t)(++sa->n_props);
	pr->protocol = proto;
	pr->spi_size = spi_size;
	if (spi_size)
		memcpy(pr->spi, spi, spi_size);
	return pr;
}

static uint16_t prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96: return IKE_PRF_HMAC_SHA1;
	case IKE_INTEG_HMAC_SHA2_384_192: return IKE_PRF_HMAC_SHA2_384;
	case IKE_INTEG_HMAC_SHA2_512_256: return IKE_PRF_HMAC_SHA2_512;
	default: return IKE_PRF_HMAC_SHA2_256;
	}
}

static bool is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_16;
}

static bool has_bits(uint16_t encr)
{
	return encr == IKE_ENCR_AES_CBC || encr == IKE_ENCR_AES_CTR || encr == IKE_ENCR_AES_GCM_16;
}

void ikev2_prop_offer_ike(const struct shm_profile *p, const uint8_t *spi, struct ike_sa_pl *sa,
			  uint16_t *ke_group)
{
	struct ike_proposal *pr;

	memset(sa, 0, sizeof(*sa));
	if (p && p->ike.set) {
		uint16_t prf = prf_of_integ(p->ike.integ);
		pr = new_prop(sa, IKE_PROTO_IKE, spi, spi ? 8 : 0);
		add(pr, XF(IKE_XFORM_ENCR, p->ike.encr, has_bits(p->ike.encr) ? p->ike.key_bits : 0));
		add(pr, XF(IKE_XFORM_PRF, prf, 0));
		for (size_t i = 0; i < N(def_prf); i++)
			if (def_prf[i] != prf)
				add(pr, XF(IKE_XFORM_PRF, def_prf[i], 0));
		if (!is_aead(p->ike.encr))
			add(pr, XF(IKE_XFORM_INTEG, p->ike.integ, 0));
		add(pr, XF(IKE_XFORM_DH, p->ike.dh_group, 0));
		*ke_group = p->ike.dh_group;
		return;
	}
	pr = new_prop(sa, IKE_PROTO_IKE, spi, spi ? 8 : 0);
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256));
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_GCM_16, 128));
	for (size_t i = 0; i < N(def_prf) - 1; i++)
		add(pr, XF(IKE_XFORM_PRF, def_prf[i], 0));
	for (size_t i = 0; i < N(def_dh); i++)
		add(pr, XF(IKE_XFORM_DH, def_dh[i], 0));
	pr = new_prop(sa, IKE_PROTO_IKE, spi, spi ? 8 : 0);
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_CBC, 256));
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_CBC, 128));
	for (size_t i = 0; i < N(def_prf); i++)
		add(pr, XF(IKE_XFORM_PRF, def_prf[i], 0));
	for (size_t i = 0; i < N(def_integ); i++)
		add(pr, XF(IKE_XFORM_INTEG, def_integ[i], 0));
	for (size_t i = 0; i < N(def_dh); i++)
		add(pr, XF(IKE_XFORM_DH, def_dh[i], 0));
	*ke_group = def_dh[0];
}

uint16_t ikev2_prop_pfs_group(const struct shm_profile *p)
{
	return p && p->esp.set ? p->esp.dh_group : 0;
}

static void esp_tail(struct ike_proposal *pr, uint16_t pfs_group)
{
	if (pfs_group)
		add(pr, XF(IKE_XFORM_DH, pfs_group, 0));
	add(pr, XF(IKE_XFORM_ESN, IKE_ESN_NO, 0));
	add(pr, XF(IKE_XFORM_ESN, IKE_ESN_YES, 0));
}

void ikev2_prop_offer_esp(const struct shm_profile *p, uint32_t spi, uint16_t pfs_group,
			  struct ike_sa_pl *sa)
{
	uint8_t s[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8), (uint8_t)spi };
	struct ike_proposal *pr;

	memset(sa, 0, sizeof(*sa));
	if (p && p->esp.set && p->esp.encr) {
		pr = new_prop(sa, IKE_PROTO_ESP, s, 4);
		add(pr, XF(IKE_XFORM_ENCR, p->esp.encr, has_bits(p->esp.encr) ? p->esp.key_bits : 0));
		if (!is_aead(p->esp.encr))
			add(pr, XF(IKE_XFORM_INTEG, p->esp.integ, 0));
		esp_tail(pr, pfs_group);
		return;
	}
	pr = new_prop(sa, IKE_PROTO_ESP, s, 4);
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256));
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_GCM_16, 128));
	esp_tail(pr, pfs_group);
	pr = new_prop(sa, IKE_PROTO_ESP, s, 4);
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_CBC, 256));
	add(pr, XF(IKE_XFORM_ENCR, IKE_ENCR_AES_CBC, 128));
	for (size_t i = 0; i < N(def_integ); i++)
		add(pr, XF(IKE_XFORM_INTEG, def_integ[i], 0));
	esp_tail(pr, pfs_group);
}

void ikev2_prop_offer_current(const struct ikev2_xf *xf, uint8_t protocol, const uint8_t *spi,
			      uint8_t spi_size, struct ike_sa_pl *sa)
{
	struct ike_proposal *pr;
	unsigned n = sa->n_props < IKE_SA_MAX_PROPOSALS ? sa->n_props : IKE_SA_MAX_PROPOSALS - 1;

	memmove(&sa->prop[1], &sa->prop[0], n * sizeof(sa->prop[0]));
	sa->n_props = 0;
	pr = new_prop(sa, protocol, spi, spi_size);
	add(pr, XF(IKE_XFORM_ENCR, xf->encr, has_bits(xf->encr) ? xf->key_bits : 0));
	if (protocol == IKE_PROTO_IKE)
		add(pr, XF(IKE_XFORM_PRF, xf->prf, 0));
	if (xf->integ)
		add(pr, XF(IKE_XFORM_INTEG, xf->integ, 0));
	if (xf->dh)
		add(pr, XF(IKE_XFORM_DH, xf->dh, 0));
	if (protocol == IKE_PROTO_ESP)
		add(pr, XF(IKE_XFORM_ESN, xf->esn, 0));
	sa->n_props = (uint8_t)(n + 1);
	for (unsigned i = 1; i < sa->n_props; i++)
		sa->prop[i].num = (uint8_t)(i + 1);
}

/* ---- what we can do -------------------------------------------------------- */

static bool encr_ok(uint16_t encr, uint16_t bits, bool esp)
{
	switch (encr) {
	case IKE_ENCR_DES:
	case IKE_ENCR_3DES:
		return bits == 0;
	case IKE_ENCR_AES_CTR:
		if (!esp)
			return false;
		/* fall through */
	case IKE_ENCR_AES_CBC:
	case IKE_ENCR_AES_GCM_16:
		return bits == 128 || bits == 192 || bits == 256;
	}
	return false;
}

static bool integ_ok(uint16_t integ, bool esp)
{
	switch (integ) {
	case IKE_INTEG_HMAC_MD5_96:
		return esp;
	case IKE_INTEG_HMAC_SHA1_96:
	case IKE_INTEG_HMAC_SHA2_256_128:
	case IKE_INTEG_HMAC_SHA2_384_192:
	case IKE_INTEG_HMAC_SHA2_512_256:
		return true;
	}
	return false;
}

static bool prf_ok(uint16_t prf)
{
	return ike_prf_len(prf) != 0;
}

static bool encr_weak(uint16_t encr)
{
	return ike_crypto_encr_is_weak(encr);
}

bool ikev2_prop_is_weak(const struct ikev2_xf *xf, bool esp)
{
	return encr_weak(xf->encr) || (xf->dh && ike_dh_is_weak(xf->dh)) ||
	       (esp && xf->integ == IKE_INTEG_HMAC_MD5_96);
}

/* Accepted by the profile's configured set or, without one, by default. */
static bool accept_encr(const struct shm_ike_transforms *cfg, uint16_t encr, uint16_t bits, bool esp)
{
	if (!encr_ok(encr, bits, esp))
		return false;
	if (cfg && cfg->set && cfg->encr)
		return encr == cfg->encr && (!has_bits(encr) || bits == cfg->key_bits);
	return !encr_weak(encr);
}

static bool accept_integ(const struct shm_ike_transforms *cfg, uint16_t integ, bool esp)
{
	if (!integ_ok(integ, esp))
		return false;
	if (cfg && cfg->set && cfg->encr)
		return integ == cfg->integ;
	return integ != IKE_INTEG_HMAC_MD5_96;
}

static bool accept_dh(const struct shm_ike_transforms *cfg, uint16_t dh, bool esp)
{
	if (dh == IKE_DH_NONE)
		return esp && !(cfg && cfg->set && cfg->dh_group);
	if (!ike_dh_supported(dh))
		return false;
	if (cfg && cfg->set && cfg->dh_group)
		return dh == cfg->dh_group;
	return !ike_dh_is_weak(dh);
}

struct pick {
	bool seen[6];           /* transform type offered */
	bool found[6];          /* an acceptable one found */
	bool unknown_type;
	struct ikev2_xf xf;
	bool ke_dh_ok;          /* the KE's group is acceptable and offered */
	uint16_t first_dh;
};

static void pick_scan(const struct ike_proposal *pr, const struct shm_ike_transforms *cfg, bool esp,
		      uint16_t ke_group, struct pick *k)
{
	memset(k, 0, sizeof(*k));
	for (unsigned i = 0; i < pr->n_xforms; i++) {
		const struct ike_xform *x = &pr->xf[i];
		if (x->type < IKE_XFORM_ENCR || x->type > IKE_XFORM_ESN) {
			k->unknown_type = true;
			continue;
		}
		k->seen[x->type] = true;
		if (x->unknown_attr)
			continue;
		switch (x->type) {
		case IKE_XFORM_ENCR:
			if (!k->found[x->type] && accept_encr(cfg, x->id, x->key_bits, esp)) {
				k->xf.encr = x->id;
				k->xf.key_bits = x->key_bits;
				k->found[x->type] = true;
			}
			break;
		case IKE_XFORM_PRF:
			if (!esp && !k->found[x->type] && prf_ok(x->id)) {
				k->xf.prf = x->id;
				k->found[x->type] = true;
			}
			break;
		case IKE_XFORM_INTEG:
			if (!k->found[x->type] && (x->id == IKE_INTEG_NONE || accept_integ(cfg, x->id, esp))) {
				k->xf.integ = x->id;
				k->found[x->type] = true;
			}
			break;
		case IKE_XFORM_DH:
			if (!accept_dh(cfg, x->id, esp))
				break;
			if (!k->found[x->type]) {
				k->first_dh = x->id;
				k->found[x->type] = true;
			}
			if (x->id == ke_group)
				k->ke_dh_ok = true;
			break;
		case IKE_XFORM_ESN:
			if (!k->found[x->type] && (x->id == IKE_ESN_NO || x->id == IKE_ESN_YES)) {
				k->xf.esn = x->id;
				k->found[x->type] = true;
			}
			break;
		}
	}
}

/* The ENCR/INTEG pairing rules: AEAD takes no INTEG (or NONE), others need one. */
static bool integ_fits(const struct pick *k)
{
	if (is_aead(k->xf.encr))
		return !k->seen[IKE_XFORM_INTEG] || (k->found[IKE_XFORM_INTEG] && k->xf.integ == IKE_INTEG_NONE);
	return k->found[IKE_XFORM_INTEG] && k->xf.integ != IKE_INTEG_NONE;
}

int ikev2_prop_pick_ike(const struct ike_proposal *pr, const struct shm_profile *p,
			uint16_t ke_group, struct ikev2_xf *xf)
{
	const struct shm_ike_transforms *cfg = p ? &p->ike : NULL;
	struct pick k;

	if (pr->protocol != IKE_PROTO_IKE)
		return -1;
	pick_scan(pr, cfg, false, ke_group, &k);
	if (k.unknown_type || !k.found[IKE_XFORM_ENCR] || !k.found[IKE_XFORM_PRF] ||
	    !k.found[IKE_XFORM_DH] || !integ_fits(&k))
		return -1;
	/* An AEAD with a redundant NONE integ, or the integ of the pair. */
	if (is_aead(k.xf.encr))
		k.xf.integ = IKE_INTEG_NONE;
	*xf = k.xf;
	xf->esn = 0;
	xf->dh = k.ke_dh_ok ? ke_group : k.first_dh;
	return k.ke_dh_ok ? 0 : 1;
}

int ikev2_prop_pick_esp(const struct ike_proposal *pr, const struct shm_profile *p, bool in_auth,
			uint16_t ke_group, struct ikev2_xf *xf)
{
	const struct shm_ike_transforms *cfg = p ? &p->esp : NULL;
	struct shm_ike_transforms c2;
	struct pick k;

	if (pr->protocol != IKE_PROTO_ESP || pr->spi_size != 4)
		return -1;
	if (cfg && cfg->set && !cfg->encr) /* a profile that sets only esp-dh */
		c2 = *cfg, c2.set = 0, cfg = &c2;
	pick_scan(pr, cfg, true, ke_group, &k);
	if (k.unknown_type || !k.found[IKE_XFORM_ENCR] || !integ_fits(&k))
		return -1;
	if (k.seen[IKE_XFORM_ESN] && !k.found[IKE_XFORM_ESN])
		return -1;
	if (!k.seen[IKE_XFORM_ESN])
		k.xf.esn = IKE_ESN_NO;
	if (is_aead(k.xf.encr))
		k.xf.integ = IKE_INTEG_NONE;
	*xf = k.xf;
	xf->prf = 0;
	xf->dh = 0;
	if (in_auth || !k.seen[IKE_XFORM_DH]) {
		/* IKE_AUTH children have no KE of their own (1.2); no DH offered: no PFS. */
		if (!in_auth && p && p->esp.set && p->esp.dh_group)
			return -1;
		return ke_group && !in_auth ? -1 : 0;
	}
	if (!k.found[IKE_XFORM_DH])
		return -1;
	if (k.ke_dh_ok) {
		xf->dh = ke_group;
		return 0;
	}
	if (k.first_dh == IKE_DH_NONE)
		return ke_group ? -1 : 0;
	xf->dh = k.first_dh;
	return 1;
}

bool ikev2_prop_ike_allowed(const struct shm_profile *p, const struct ikev2_xf *xf)
{
	const struct shm_ike_transforms *cfg = &p->ike;

	return accept_encr(cfg, xf->encr, xf->key_bits, false) && prf_ok(xf->prf) &&
	       (is_aead(xf->encr) ? xf->integ == IKE_INTEG_NONE : accept_integ(cfg, xf->integ, false)) &&
	       accept_dh(cfg, xf->dh, false);
}

void ikev2_prop_reply(const struct ikev2_xf *xf, uint8_t num, uint8_t protocol, const uint8_t *spi,
		      uint8_t spi_size, struct ike_sa_pl *sa)
{
	struct ike_proposal *pr;

	memset(sa, 0, sizeof(*sa));
	pr = new_prop(sa, protocol, spi, spi_size);
	pr->num = num;
	add(pr, XF(IKE_XFORM_ENCR, xf->encr, has_bits(xf->encr) ? xf->key_bits : 0));
	if (protocol == IKE_PROTO_IKE)
		add(pr, XF(IKE_XFORM_PRF, xf->prf, 0));
	if (xf->integ)
		add(pr, XF(IKE_XFORM_INTEG, xf->integ, 0));
	if (xf->dh)
		add(pr, XF(IKE_XFORM_DH, xf->dh, 0));
	if (protocol == IKE_PROTO_ESP)
		add(pr, XF(IKE_XFORM_ESN, xf->esn, 0));
}

static bool offered_has(const struct ike_proposal *pr, const struct ike_xform *x)
{
	for (unsigned i = 0; i < pr->n_xforms; i++)
		if (pr->xf[i].type == x->type && pr->xf[i].id == x->id &&
		    pr->xf[i].key_bits == x->key_bits)
			return true;
	return false;
}

int ikev2_prop_check_reply(const struct ike_sa_pl *offered, const struct ike_sa_pl *reply,
			   uint8_t protocol, struct ikev2_xf *xf, uint8_t *spi)
{
	const struct ike_proposal *r, *o = NULL;
	bool seen[6] = { false };

	if (reply->n_props != 1)
		return -1;
	r = &reply->prop[0];
	for (unsigned i = 0; i < offered->n_props; i++)
		if (offered->prop[i].num == r->num)
			o = &offered->prop[i];
	if (!o || r->protocol != protocol || r->spi_size != (protocol == IKE_PROTO_IKE ? (o->spi_size ? 8 : 0) : 4))
		return -1;
	memset(xf, 0, sizeof(*xf));
	for (unsigned i = 0; i < r->n_xforms; i++) {
		const struct ike_xform *x = &r->xf[i];
		if (x->type < IKE_XFORM_ENCR || x->type > IKE_XFORM_ESN || seen[x->type] ||
		    !offered_has(o, x))
			return -1;
		seen[x->type] = true;
		switch (x->type) {
		case IKE_XFORM_ENCR: xf->encr = x->id; xf->key_bits = x->key_bits; break;
		case IKE_XFORM_PRF: xf->prf = x->id; break;
		case IKE_XFORM_INTEG: xf->integ = x->id; break;
		case IKE_XFORM_DH: xf->dh = x->id; break;
		case IKE_XFORM_ESN: xf->esn = x->id; break;
		}
	}
	/* Every type we offered must be answered with one of them. */
	for (unsigned i = 0; i < o->n_xforms; i++) {
		uint8_t t = o->xf[i].type;
		if (t >= IKE_XFORM_ENCR && t <= IKE_XFORM_ESN && !seen[t] &&
		    !(t == IKE_XFORM_DH && o->xf[i].id == IKE_DH_NONE))
			return -1;
	}
	if (!seen[IKE_XFORM_ENCR] || (protocol == IKE_PROTO_IKE && !seen[IKE_XFORM_PRF]))
		return -1;
	if (xf->integ == IKE_INTEG_NONE && !is_aead(xf->encr))
		return -1;
	if (spi && r->spi_size)
		memcpy(spi, r->spi, r->spi_size);
	return 0;
}

/* ---- ESP key material and SAD mapping ---------------------------------------- */

size_t ikev2_prop_esp_ekey_len(uint16_t encr, uint16_t key_bits)
{
	switch (encr) {
	case IKE_ENCR_DES: return 8;
	case IKE_ENCR_3DES: return 24;
	case IKE_ENCR_AES_CBC: return key_bits / 8u;
	case IKE_ENCR_AES_CTR:
	case IKE_ENCR_AES_GCM_16: return key_bits / 8u + 4u;
	}
	return 0;
}

size_t ikev2_prop_esp_akey_len(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_MD5_96: return 16;
	case IKE_INTEG_HMAC_SHA1_96: return 20;
	case IKE_INTEG_HMAC_SHA2_256_128: return 32;
	case IKE_INTEG_HMAC_SHA2_384_192: return 48;
	case IKE_INTEG_HMAC_SHA2_512_256: return 64;
	}
	return 0;
}

uint8_t ikev2_prop_shm_crypto(uint16_t encr, uint16_t key_bits)
{
	int k = key_bits == 128 ? 0 : key_bits == 192 ? 1 : key_bits == 256 ? 2 : -1;

	switch (encr) {
	case IKE_ENCR_DES: return SHM_CRYPTO_DES_CBC;
	case IKE_ENCR_3DES: return SHM_CRYPTO_3DES_CBC;
	case IKE_ENCR_AES_CBC: return k < 0 ? 0 : (uint8_t)(SHM_CRYPTO_AES_CBC_128 + k);
	case IKE_ENCR_AES_CTR: return k < 0 ? 0 : (uint8_t)(SHM_CRYPTO_AES_CTR_128 + k);
	case IKE_ENCR_AES_GCM_16: return k < 0 ? 0 : (uint8_t)(SHM_CRYPTO_AES_GCM_128 + k);
	}
	return 0;
}

uint8_t ikev2_prop_shm_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_NONE: return SHM_INTEG_NONE;
	case IKE_INTEG_HMAC_MD5_96: return SHM_INTEG_MD5_96;
	case IKE_INTEG_HMAC_SHA1_96: return SHM_INTEG_SHA1_96;
	case IKE_INTEG_HMAC_SHA2_256_128: return SHM_INTEG_SHA_256_128;
	case IKE_INTEG_HMAC_SHA2_384_192: return SHM_INTEG_SHA_384_192;
	case IKE_INTEG_HMAC_SHA2_512_256: return SHM_INTEG_SHA_512_256;
	}
	return 0;
}

/* ---- names ------------------------------------------------------------------- */

const char *ikev2_prop_encr_name(uint16_t encr, uint16_t key_bits, char *buf, size_t len)
{
	switch (encr) {
	case IKE_ENCR_DES: snprintf(buf, len, "des-cbc"); break;
	case IKE_ENCR_3DES: snprintf(buf, len, "3des-cbc"); break;
	case IKE_ENCR_AES_CBC: snprintf(buf, len, "aes-cbc-%u", key_bits); break;
	case IKE_ENCR_AES_CTR: snprintf(buf, len, "aes-ctr-%u", key_bits); break;
	case IKE_ENCR_AES_GCM_16: snprintf(buf, len, "aes-gcm-16-%u", key_bits); break;
	default: snprintf(buf, len, "encr-%u", encr); break;
	}
	return buf;
}

const char *ikev2_prop_prf_name(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1: return "hmac-sha1";
	case IKE_PRF_HMAC_SHA2_256: return "hmac-sha2-256";
	case IKE_PRF_HMAC_SHA2_384: return "hmac-sha2-384";
	case IKE_PRF_HMAC_SHA2_512: return "hmac-sha2-512";
	}
	return "?";
}

const char *ikev2_prop_integ_name(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_NONE: return "none";
	case IKE_INTEG_HMAC_MD5_96: return "md5-96";
	case IKE_INTEG_HMAC_SHA1_96: return "sha1-96";
	case IKE_INTEG_HMAC_SHA2_256_128: return "sha-256-128";
	case IKE_INTEG_HMAC_SHA2_384_192: return "sha-384-192";
	case IKE_INTEG_HMAC_SHA2_512_256: return "sha-512-256";
	}
	return "?";
}

const char *ikev2_prop_dh_name(uint16_t group)
{
	return group ? ike_wire_dh_name(group) : "none";
}

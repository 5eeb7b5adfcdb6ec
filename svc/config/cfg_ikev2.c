/* IKEv2 profiles, the IKE daemon's local key, and initiate requests.
 *
 * Transform ids are IANA's IKEv2 numbers (RFC 7296 3.3.2): ENCR 2 des,
 * 3 3des, 12 aes-cbc, 13 aes-ctr, 20 aes-gcm-16; INTEG 1 md5-96,
 * 2 sha1-96, 12 sha2-256-128, 13 sha2-384-192, 14 sha2-512-256; DH groups
 * 1, 2, 5 and 14..25. Shared keys are secrets: never in a log or an event. */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"
#include "proc.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

#define CFG_PROFILE_NAME_MAX (SHM_NAME_MAX * 2)
#define CFG_LIFETIME_MIN 60u
#define CFG_LIFETIME_MAX 31536000u  /* one year */

static uint32_t ikev2_find(const struct cfg *c, const char *name)
{
	for (uint32_t k = 0; k < SHM_MAX_PROFILE; k++) {
		const struct shm_profile *p = cfg_rec(c, SHM_T_PROFILE, k);
		if (p->h.in_use && strncmp(p->name, name, CFG_PROFILE_NAME_MAX) == 0)
			return k;
	}
	return CFG_NONE;
}

/* Profile names: 1..63 characters, letters, digits and _ . -, not starting
 * with a punctuation character. */
static int ikev2_name_check(cfg_reply *rep, const char *field, const char *name)
{
	char q[80];

	if (cfg_valid_str(rep, field, name, CFG_PROFILE_NAME_MAX) < 0)
		return -1;
	for (const char *p = name; *p; p++) {
		char ch = *p;
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (!alnum && (p == name || (ch != '_' && ch != '.' && ch != '-')))
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), field,
					      "profile name %s: letters, digits and _ . - only, "
					      "starting with a letter or digit", cfg_valid_quote(q, name));
	}
	return 0;
}

static uint32_t ikev2_lookup(const struct cfg *c, cfg_reply *rep, const char *name)
{
	uint32_t k;

	if (ikev2_name_check(rep, "name", name) < 0)
		return CFG_NONE;
	if ((k = ikev2_find(c, name)) == CFG_NONE)
		cfg_reply_fail(rep, E(NOT_FOUND), "name", "no IKEv2 profile %s", name);
	return k;
}

void cfg_ikev2_profile(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileAddDel *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_profile *p;
	uint32_t k;

	if (m->is_del) {
		if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE)
			return;
		cfg_change_begin(c, &ch);
		cfg_change_delete(&ch, SHM_T_PROFILE, k); /* wipes its shared key too */
		cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(IKEV2_PROFILE), "%s", m->name);
		return;
	}
	if (ikev2_name_check(rep, "name", m->name) < 0)
		return;
	if (ikev2_find(c, m->name) != CFG_NONE) {
		cfg_reply_fail(rep, E(ALREADY_EXISTS), "name", "IKEv2 profile %s already exists", m->name);
		return;
	}
	if ((k = cfg_index_free(c, SHM_T_PROFILE)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "name", "the IKEv2 profile table is full (%d)",
			       SHM_MAX_PROFILE);
		return;
	}
	cfg_change_begin(c, &ch);
	p = cfg_change_new(&ch, SHM_T_PROFILE, k);
	snprintf(p->name, sizeof(p->name), "%s", m->name);
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

/* An absolute path the IKE daemon will read. */
static int ikev2_path_check(cfg_reply *rep, const char *field, const char *path)
{
	if (cfg_valid_str(rep, field, path, SHM_PATH_MAX) < 0)
		return -1;
	if (path[0] != '/')
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), field, "must be an absolute path");
	if (!cfg_valid_printable(path, strlen(path), 1))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), field,
				      "must be printable (no control characters)");
	return 0;
}

void cfg_ikev2_set_auth(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetAuth *m, cfg_reply *rep)
{
	size_t dlen = m->has_data ? m->data.len : 0;
	struct cfg_change ch;
	struct shm_profile *p;
	uint32_t k;

	if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE)
		return;
	switch (m->method) {
	case IPSECGW__V1__IKE_AUTH_METHOD__AUTH_NONE:
		if (dlen || m->cert_file) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), dlen ? "data" : "cert_file",
				       "auth method none takes no data");
			return;
		}
		break;
	case IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC:
		if (dlen < 1 || dlen > SHM_IKE_DATA_MAX) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
				       "shared-key-mic needs a key of 1..%d bytes, got %zu",
				       SHM_IKE_DATA_MAX, dlen);
			return;
		}
		if (m->cert_file) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "cert_file", "only rsa-sig takes a cert_file");
			return;
		}
		break;
	case IPSECGW__V1__IKE_AUTH_METHOD__RSA_SIG:
		if (dlen) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data", "rsa-sig takes cert_file, not data");
			return;
		}
		if (!m->cert_file) {
			cfg_reply_fail(rep, E(INVALID_ARGUMENT), "cert_file",
				       "rsa-sig needs the peer's certificate file");
			return;
		}
		if (ikev2_path_check(rep, "cert_file", m->cert_file) < 0)
			return;
		break;
	default:
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "method", "unknown value %d", (int)m->method);
		return;
	}
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	p->auth_method = (uint8_t)m->method;
	p->auth_hex = m->has_data_is_hex && m->data_is_hex ? 1 : 0;
	p->auth_len = (uint16_t)dlen;
	memset(p->auth_data, 0, sizeof(p->auth_data));
	if (dlen)
		memcpy(p->auth_data, m->data.data, dlen);
	memset(p->cert_file, 0, sizeof(p->cert_file));
	if (m->cert_file && m->method == IPSECGW__V1__IKE_AUTH_METHOD__RSA_SIG)
		snprintf(p->cert_file, sizeof(p->cert_file), "%s", m->cert_file);
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

static int ikev2_id_check(cfg_reply *rep, int type, const cfg_bytes *d)
{
	size_t n = d->data ? d->len : 0;

	switch (type) {
	case IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR:
		if (n != 4)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "an ip4-addr id is 4 bytes, got %zu", n);
		return 0;
	case IPSECGW__V1__IKE_ID_TYPE__ID_IP6_ADDR:
		if (n != 16)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "an ip6-addr id is 16 bytes, got %zu", n);
		return 0;
	case IPSECGW__V1__IKE_ID_TYPE__ID_FQDN:
	case IPSECGW__V1__IKE_ID_TYPE__ID_RFC822:
		if (n < 1 || n > SHM_IKE_DATA_MAX - 1)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "an %s id is 1..%d characters, got %zu",
					      type == IPSECGW__V1__IKE_ID_TYPE__ID_FQDN ? "fqdn" : "rfc822",
					      SHM_IKE_DATA_MAX - 1, n);
		if (!cfg_valid_printable(d->data, n, 0))
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "an %s id is printable text without spaces",
					      type == IPSECGW__V1__IKE_ID_TYPE__ID_FQDN ? "fqdn" : "rfc822");
		if (type == IPSECGW__V1__IKE_ID_TYPE__ID_RFC822 && !memchr(d->data, '@', n))
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "an rfc822 id is an email address (user@domain), no '@' found");
		return 0;
	case IPSECGW__V1__IKE_ID_TYPE__ID_KEY_ID:
		if (n < 1 || n > SHM_IKE_DATA_MAX)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "data",
					      "a key-id is 1..%d bytes, got %zu", SHM_IKE_DATA_MAX, n);
		return 0;
	case IPSECGW__V1__IKE_ID_TYPE__ID_NONE:
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "type",
				      "an id type is required (ip4-addr, fqdn, rfc822, ip6-addr, key-id)");
	default:
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "type", "unknown value %d", type);
	}
}

void cfg_ikev2_set_id(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetId *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_profile *p;
	uint32_t k;

	if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE || ikev2_id_check(rep, m->type, &m->data) < 0)
		return;
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	uint8_t *dst = m->is_local ? p->local_id : p->remote_id;
	memset(dst, 0, SHM_IKE_DATA_MAX);
	memcpy(dst, m->data.data, m->data.len);
	if (m->is_local) {
		p->local_id_type = (uint8_t)m->type;
		p->local_id_len = (uint16_t)m->data.len;
	} else {
		p->remote_id_type = (uint8_t)m->type;
		p->remote_id_len = (uint16_t)m->data.len;
	}
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

void cfg_ikev2_set_ts(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetTs *m, cfg_reply *rep)
{
	const Ipsecgw__V1__Ikev2TrafficSelector *ts = m->ts;
	struct shm_ike_ts t = { 0 };
	struct cfg_change ch;
	struct shm_profile *p;
	char s1[64], s2[64];
	int af, eaf;
	uint32_t k;

	if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE)
		return;
	if (!ts) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "ts", "required");
		return;
	}
	if (cfg_valid_addr(rep, "start", 1, &ts->start, SHM_AF_NONE, &af, t.start) < 0)
		return;
	eaf = cfg_valid_af(ts->end.len);
	if (eaf != SHM_AF_NONE && eaf != af) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "end",
			       "address family mismatch: an %s end for an %s start",
			       cfg_valid_af_name(eaf), cfg_valid_af_name(af));
		return;
	}
	if (cfg_valid_addr(rep, "end", 1, &ts->end, af, &eaf, t.end) < 0)
		return;
	if (cfg_valid_addr_cmp(af, t.start, t.end) > 0) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "start", "range start %s is above its end %s",
			       cfg_valid_ntop(s1, af, t.start), cfg_valid_ntop(s2, af, t.end));
		return;
	}
	if (cfg_valid_ports(rep, "port_start", "port_end", ts->has_port_start, ts->port_start,
			    ts->has_port_end, ts->port_end, &t.port_start, &t.port_end) < 0)
		return;
	if (ts->has_protocol && ts->protocol > 255) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "protocol", "an IP protocol is 0..255, got %u",
			       ts->protocol);
		return;
	}
	t.set = 1;
	t.af = (uint8_t)af;
	t.protocol = ts->has_protocol ? (uint8_t)ts->protocol : 0;
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	if (m->is_local)
		p->local_ts = t;
	else
		p->remote_ts = t;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

void cfg_ikev2_set_responder(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetResponder *m,
			     cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_profile *p;
	uint8_t a[16];
	uint32_t k;
	int af;

	if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE ||
	    cfg_ifc_lookup(c, rep, "interface", m->interface) < 0 ||
	    cfg_valid_addr(rep, "addr", 1, &m->addr, SHM_AF_NONE, &af, a) < 0 ||
	    cfg_valid_unicast(rep, "addr", af, a) < 0)
		return;
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	memset(p->resp_ifc, 0, sizeof(p->resp_ifc));
	snprintf(p->resp_ifc, sizeof(p->resp_ifc), "%s", m->interface);
	p->resp_af = (uint8_t)af;
	memcpy(p->resp_addr, a, 16);
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

static const char *ikev2_encr_name(unsigned e)
{
	switch (e) {
	case 2: return "des";
	case 3: return "3des";
	case 12: return "aes-cbc";
	case 13: return "aes-ctr";
	case 20: return "aes-gcm-16";
	default: return NULL;
	}
}

static int ikev2_transforms(cfg_reply *rep, const Ipsecgw__V1__Ikev2Transforms *t, int esp,
			    struct shm_ike_transforms *o)
{
	unsigned encr = t->has_encr ? (unsigned)t->encr : 0, integ = t->has_integ ? (unsigned)t->integ : 0;
	unsigned bits = t->has_key_bits ? t->key_bits : 0, dh = t->has_dh_group ? t->dh_group : 0;
	const char *en = ikev2_encr_name(encr);
	int aes = encr == 12 || encr == 13 || encr == 20;

	if (encr == 0 && !esp)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "encr", "IKE needs an encryption algorithm");
	if (encr != 0 && !en)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "encr",
				      "unknown IKEv2 ENCR id %u (2 des, 3 3des, 12 aes-cbc, 13 aes-ctr, "
				      "20 aes-gcm-16)", encr);
	if (aes && bits != 128 && bits != 192 && bits != 256)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "key_bits",
				      "%s needs a key size of 128, 192 or 256 bits, got %u", en, bits);
	if (!aes && bits)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "key_bits",
				      "%s has a fixed key size: give no key_bits, got %u",
				      en ? en : "encr none", bits);
	if (integ != 0 && integ != 1 && integ != 2 && (integ < 12 || integ > 14))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ",
				      "unknown IKEv2 INTEG id %u (1, 2, 12, 13, 14)", integ);
	if (encr == 20 && integ)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ",
				      "aes-gcm-16 is an AEAD cipher and takes integ none, got %u", integ);
	if (encr != 20 && !integ)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "integ",
				      "%s needs an integrity algorithm", en ? en : "encr none");
	if (dh != 0 && dh != 1 && dh != 2 && dh != 5 && (dh < 14 || dh > 25))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "dh_group",
				      "unknown DH group %u (1, 2, 5, 14..25)", dh);
	if (!dh && !esp)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "dh_group", "IKE needs a DH group");
	o->set = 1;
	o->encr = (uint8_t)encr;
	o->integ = (uint8_t)integ;
	o->dh_group = (uint8_t)dh;
	o->key_bits = (uint16_t)bits;
	o->pad = 0;
	return 0;
}

static void ikev2_set_transforms(struct cfg *c, const char *name, const Ipsecgw__V1__Ikev2Transforms *t,
				 int esp, cfg_reply *rep)
{
	struct shm_ike_transforms o = { 0 };
	struct cfg_change ch;
	struct shm_profile *p;
	uint32_t k;

	if ((k = ikev2_lookup(c, rep, name)) == CFG_NONE)
		return;
	if (!t) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "t", "required");
		return;
	}
	if (ikev2_transforms(rep, t, esp, &o) < 0)
		return;
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	if (esp)
		p->esp = o;
	else
		p->ike = o;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", name);
}

void cfg_ikev2_set_ike(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetIkeTransforms *m,
		       cfg_reply *rep)
{
	ikev2_set_transforms(c, m->name, m->t, 0, rep);
}

void cfg_ikev2_set_esp(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetEspTransforms *m,
		       cfg_reply *rep)
{
	ikev2_set_transforms(c, m->name, m->t, 1, rep);
}

void cfg_ikev2_set_lifetime(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetSaLifetime *m,
			    cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_profile *p;
	uint32_t k;

	if ((k = ikev2_lookup(c, rep, m->name)) == CFG_NONE)
		return;
	if (m->lifetime < CFG_LIFETIME_MIN || m->lifetime > CFG_LIFETIME_MAX) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "lifetime", "must be %u..%u seconds, got %llu",
			       CFG_LIFETIME_MIN, CFG_LIFETIME_MAX, (unsigned long long)m->lifetime);
		return;
	}
	if (m->jitter >= m->lifetime) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "jitter", "must be below the lifetime %llu, got %u",
			       (unsigned long long)m->lifetime, m->jitter);
		return;
	}
	if (m->handover >= m->lifetime) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "handover",
			       "must be below the lifetime %llu, got %u",
			       (unsigned long long)m->lifetime, m->handover);
		return;
	}
	cfg_change_begin(c, &ch);
	p = cfg_change_stage(&ch, SHM_T_PROFILE, k);
	p->lifetime = m->lifetime;
	p->jitter = m->jitter;
	p->handover = m->handover;
	p->max_data = m->max_data;
	p->lifetime_set = 1;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(IKEV2_PROFILE), "%s", m->name);
}

void cfg_ikev2_local_key(struct cfg *c, const Ipsecgw__V1__Ikev2SetLocalKey *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_global *g;

	if (ikev2_path_check(rep, "file", m->file) < 0)
		return;
	cfg_change_begin(c, &ch);
	g = cfg_change_stage(&ch, SHM_T_GLOBAL, 0);
	g->h.in_use = 1;
	memset(g->ikev2_local_key, 0, sizeof(g->ikev2_local_key));
	snprintf(g->ikev2_local_key, sizeof(g->ikev2_local_key), "%s", m->file);
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(GLOBAL), "ikev2 local key");
}

#define CFG_LIVENESS_PERIOD_MAX 86400u
#define CFG_LIVENESS_FAILURES_MAX 100u

void cfg_ikev2_liveness(struct cfg *c, const Ipsecgw__V1__Ikev2SetLiveness *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_global *g;

	if (m->period > CFG_LIVENESS_PERIOD_MAX) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "period", "0..%u seconds, got %u",
			       CFG_LIVENESS_PERIOD_MAX, m->period);
		return;
	}
	if (m->period && (m->max_failures < 1 || m->max_failures > CFG_LIVENESS_FAILURES_MAX)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "max_failures", "1..%u checks, got %u",
			       CFG_LIVENESS_FAILURES_MAX, m->max_failures);
		return;
	}
	if (!m->period && m->max_failures) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "max_failures", "must be 0 when period is 0, got %u",
			       m->max_failures);
		return;
	}
	cfg_change_begin(c, &ch);
	g = cfg_change_stage(&ch, SHM_T_GLOBAL, 0);
	g->h.in_use = 1;
	g->ikev2_liveness_period = m->period;
	g->ikev2_liveness_max_failures = m->max_failures;
	g->ikev2_liveness_set = 1;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(GLOBAL), "ikev2 liveness");
}

void cfg_ikev2_initiate(struct cfg *c, const Ipsecgw__V1__Ikev2Initiate *m, cfg_reply *rep)
{
	struct shm_region *r = c->r;

	if ((unsigned)m->kind > IPSECGW__V1__IKEV2_INITIATE__KIND__REKEY_CHILD_SA) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "kind", "unknown value %d", (int)m->kind);
		return;
	}
	if (m->kind == IPSECGW__V1__IKEV2_INITIATE__KIND__SA_INIT && !m->profile) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "profile", "sa-init needs a profile");
		return;
	}
	if (m->profile && ikev2_name_check(rep, "profile", m->profile) < 0)
		return;
	if (m->profile && ikev2_find(c, m->profile) == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "profile", "no IKEv2 profile %s", m->profile);
		return;
	}
	if (m->kind != IPSECGW__V1__IKEV2_INITIATE__KIND__SA_INIT && (!m->has_spi || m->spi == 0)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "spi", "this request names an SA by its SPI");
		return;
	}
	if (!atomic_load(&r->hdr->procs[SHM_PROC_IKEV2].ready) || !shm_proc_alive(r, SHM_PROC_IKEV2)) {
		cfg_reply_fail(rep, E(UNAVAILABLE), "kind", "ipsecgw-ikev2 is not running");
		return;
	}
	/* Not a configuration change: no commit, the generation stays. */
	cfg_events_publish(c, cfg_generation(c), EV(CHANGED), OBJ(IKEV2_PROFILE),
			   m->profile ? m->profile : "", m);
}

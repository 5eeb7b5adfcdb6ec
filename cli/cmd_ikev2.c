/* IKEv2 profiles and exchanges. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "req.h"
#include "value.h"

#define BODY(out, CASE, type) req_body(out, IPSECGW__V1__ENVELOPE__BODY_##CASE, &ipsecgw__v1__##type##__descriptor)

int cmd_ikev2_profile(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileAddDel *b = BODY(out, IKEV2_PROFILE, ikev2_profile_add_del);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0)
		return -1;
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_ikev2_auth(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileSetAuth *b = BODY(out, IKEV2_SET_AUTH, ikev2_profile_set_auth);
	const char *s = cmd_get(m, "secret"), *hex = cmd_get(m, "secret-hex");

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0)
		return -1;
	if (cmd_has(m, "rsa-sig")) {
		b->method = IPSECGW__V1__IKE_AUTH_METHOD__RSA_SIG;
		return req_str(&b->cert_file, cmd_get(m, "cert-file"));
	}
	b->method = IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC;
	if (s) {
		if (req_bytes(&b->data, s, strlen(s)) < 0)
			return -1;
	} else {
		uint8_t k[VALUE_MAX_HEX];
		size_t len;
		int rc;
		value_hex(hex, k, sizeof(k), &len);
		rc = req_bytes(&b->data, k, len);
		explicit_bzero(k, sizeof(k));
		if (rc < 0)
			return -1;
		b->has_data_is_hex = b->data_is_hex = 1;
	}
	b->has_data = 1;
	return 0;
}

int cmd_ikev2_local_key(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2SetLocalKey *b = BODY(out, IKEV2_LOCAL_KEY, ikev2_set_local_key);

	(void)err, (void)errlen;
	return !b || req_str(&b->file, cmd_get(m, "key-file")) < 0 ? -1 : 0;
}

int cmd_ikev2_id(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileSetId *b;
	uint8_t buf[VALUE_MAX_HEX];
	const void *data;
	size_t len;
	const char *w;
	Ipsecgw__V1__IkeIdType type;

	if ((w = cmd_get(m, "ip4")) || (w = cmd_get(m, "ip6"))) {
		value_ip(w, buf, &len);
		data = buf;
		type = len == 4 ? IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR : IPSECGW__V1__IKE_ID_TYPE__ID_IP6_ADDR;
	} else if ((w = cmd_get(m, "fqdn")) || (w = cmd_get(m, "email"))) {
		data = w;
		len = strlen(w);
		type = cmd_has(m, "fqdn") ? IPSECGW__V1__IKE_ID_TYPE__ID_FQDN : IPSECGW__V1__IKE_ID_TYPE__ID_RFC822;
	} else {
		w = cmd_get(m, "key-id");
		type = IPSECGW__V1__IKE_ID_TYPE__ID_KEY_ID;
		if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
			if (value_hex(w, buf, sizeof(buf), &len) < 0)
				return cmd_error(m, err, errlen, "expected 'key-id' value, got '%s' (bad hex)", w);
			data = buf;
		} else {
			data = w;
			len = strlen(w);
		}
	}
	b = BODY(out, IKEV2_SET_ID, ikev2_profile_set_id);
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0 || req_bytes(&b->data, data, len) < 0)
		return -1;
	b->is_local = cmd_has(m, "local");
	b->type = type;
	return 0;
}

int cmd_ikev2_ts(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileSetTs *b;
	Ipsecgw__V1__Ikev2TrafficSelector *ts;
	uint8_t s[16], e[16];
	size_t sl, el;

	value_ip(cmd_get(m, "start"), s, &sl);
	value_ip(cmd_get(m, "end"), e, &el);
	if (sl != el)
		return cmd_error(m, err, errlen, "ip-range '%s - %s' mixes IPv4 and IPv6", cmd_get(m, "start"),
				 cmd_get(m, "end"));
	if (memcmp(s, e, sl) > 0)
		return cmd_error(m, err, errlen, "ip-range '%s - %s' starts after it ends", cmd_get(m, "start"),
				 cmd_get(m, "end"));
	b = BODY(out, IKEV2_SET_TS, ikev2_profile_set_ts);
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0 ||
	    !(b->ts = ts = req_msg(&ipsecgw__v1__ikev2_traffic_selector__descriptor)))
		return -1;
	b->is_local = cmd_has(m, "local");
	if (req_bytes(&ts->start, s, sl) < 0 || req_bytes(&ts->end, e, el) < 0)
		return -1;
	if (cmd_u32(m, "port-start", &ts->port_start)) {
		cmd_u32(m, "port-end", &ts->port_end);
		if (ts->port_start > ts->port_end)
			return cmd_error(m, err, errlen, "port-range '%u - %u' starts after it ends", ts->port_start,
					 ts->port_end);
		ts->has_port_start = ts->has_port_end = 1;
	}
	ts->has_protocol = cmd_u32(m, "protocol", &ts->protocol);
	return 0;
}

int cmd_ikev2_responder(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileSetResponder *b = BODY(out, IKEV2_SET_RESPONDER, ikev2_profile_set_responder);
	uint8_t a[16];
	size_t len;

	(void)err, (void)errlen;
	value_ip(cmd_get(m, "address"), a, &len);
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0 ||
	    req_str(&b->interface, cmd_get(m, "interface")) < 0 || req_bytes(&b->addr, a, len) < 0)
		return -1;
	return 0;
}

int cmd_ikev2_transforms(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	const char *p = m->arg ? "esp" : "ike";
	char n_crypto[24], n_bits[24], n_integ[24], n_dh[24];
	Ipsecgw__V1__Ikev2Transforms *t;
	char **name;
	int v;

	snprintf(n_crypto, sizeof(n_crypto), "%s-crypto-alg", p);
	snprintf(n_bits, sizeof(n_bits), "%s-key-bits", p);
	snprintf(n_integ, sizeof(n_integ), "%s-integ-alg", p);
	snprintf(n_dh, sizeof(n_dh), "%s-dh", p);
	value_enum(VT_IKE_ENCR, cmd_get(m, n_crypto), &v);
	bool aes = v == IPSECGW__V1__IKE_ENCR__ENCR_AES_CBC || v == IPSECGW__V1__IKE_ENCR__ENCR_AES_CTR ||
		   v == IPSECGW__V1__IKE_ENCR__ENCR_AES_GCM_16;
	if (aes && !cmd_has(m, n_bits))
		return cmd_error(m, err, errlen, "expected key length 128|192|256 after '%s'", cmd_get(m, n_crypto));
	if (!aes && cmd_has(m, n_bits))
		return cmd_error(m, err, errlen, "'%s' takes no key length (got '%s')", cmd_get(m, n_crypto),
				 cmd_get(m, n_bits));
	if (m->arg) {
		Ipsecgw__V1__Ikev2ProfileSetEspTransforms *b = BODY(out, IKEV2_SET_ESP, ikev2_profile_set_esp_transforms);
		if (!b)
			return -1;
		name = &b->name;
		t = b->t = req_msg(&ipsecgw__v1__ikev2_transforms__descriptor);
	} else {
		Ipsecgw__V1__Ikev2ProfileSetIkeTransforms *b = BODY(out, IKEV2_SET_IKE, ikev2_profile_set_ike_transforms);
		if (!b)
			return -1;
		name = &b->name;
		t = b->t = req_msg(&ipsecgw__v1__ikev2_transforms__descriptor);
	}
	if (!t || req_str(name, cmd_get(m, "profile")) < 0)
		return -1;
	t->has_encr = 1;
	t->encr = (Ipsecgw__V1__IkeEncr)v;
	t->has_key_bits = cmd_u32(m, n_bits, &t->key_bits);
	if (cmd_get(m, n_integ) && value_enum(VT_IKE_INTEG, cmd_get(m, n_integ), &v) == 0) {
		t->has_integ = 1;
		t->integ = (Ipsecgw__V1__IkeInteg)v;
	}
	if (cmd_get(m, n_dh) && value_enum(VT_DH, cmd_get(m, n_dh), &v) == 0) {
		t->has_dh_group = 1;
		t->dh_group = (uint32_t)v;
	}
	return 0;
}

int cmd_ikev2_lifetime(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2ProfileSetSaLifetime *b = BODY(out, IKEV2_SET_LIFETIME, ikev2_profile_set_sa_lifetime);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "profile")) < 0)
		return -1;
	cmd_u64(m, "lifetime", &b->lifetime);
	cmd_u32(m, "jitter", &b->jitter);
	cmd_u32(m, "handover", &b->handover);
	cmd_u64(m, "max-data", &b->max_data);
	return 0;
}

int cmd_ikev2_liveness(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2SetLiveness *b = BODY(out, IKEV2_LIVENESS, ikev2_set_liveness);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	cmd_u32(m, "period", &b->period);
	cmd_u32(m, "max-failures", &b->max_failures);
	return 0;
}

int cmd_ikev2_initiate(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__Ikev2Initiate *b = BODY(out, IKEV2_INITIATE, ikev2_initiate);
	const char *spi = cmd_get(m, "child-spi");
	uint64_t v;

	(void)err, (void)errlen;
	if (!b)
		return -1;
	if (cmd_has(m, "sa-init")) {
		b->kind = IPSECGW__V1__IKEV2_INITIATE__KIND__SA_INIT;
		return req_str(&b->profile, cmd_get(m, "profile"));
	}
	b->kind = cmd_has(m, "del-child-sa") ? IPSECGW__V1__IKEV2_INITIATE__KIND__DEL_CHILD_SA :
		  cmd_has(m, "del-sa")	     ? IPSECGW__V1__IKEV2_INITIATE__KIND__DEL_SA :
					       IPSECGW__V1__IKEV2_INITIATE__KIND__REKEY_CHILD_SA;
	if (!spi)
		spi = cmd_get(m, "ike-spi");
	value_hexnum(spi, 16, &v);
	b->has_spi = 1;
	b->spi = v;
	return 0;
}

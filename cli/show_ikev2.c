/* show ikev2 profile: VPP's layout. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "show.h"

#define W(x) IPSECGW__V1__DUMP__WHAT__##x

static bool show_ikev2_printable(const ProtobufCBinaryData *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] < 0x20 || b->data[i] >= 0x7f)
			return false;
	return b->len > 0;
}

static void show_ikev2_data(FILE *f, const ProtobufCBinaryData *b, bool hex)
{
	char buf[2 * 256 + 1];

	if (!hex && show_ikev2_printable(b))
		fprintf(f, "%.*s", (int)b->len, (const char *)b->data);
	else
		fprintf(f, "0x%s", show_hex(b, buf, sizeof(buf)));
	explicit_bzero(buf, sizeof(buf));
}

static void show_ikev2_id(FILE *f, const char *side, Ipsecgw__V1__IkeIdType type, const ProtobufCBinaryData *id)
{
	const char *tn = names_str(names_id_type, (int)type);
	char a[64];

	fprintf(f, "  %s id-type %s data ", side, tn ? tn : "unknown");
	if (type == IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR || type == IPSECGW__V1__IKE_ID_TYPE__ID_IP6_ADDR)
		fputs(show_addr(id, a, sizeof(a)), f);
	else
		show_ikev2_data(f, id, false);
	fputc('\n', f);
}

static void show_ikev2_ts(FILE *f, const char *side, const Ipsecgw__V1__Ikev2TrafficSelector *ts)
{
	char a[64], b[64];

	fprintf(f, "  %s traffic-selector addr %s - %s port %u - %u protocol %u\n", side,
		show_addr(&ts->start, a, sizeof(a)), show_addr(&ts->end, b, sizeof(b)),
		ts->has_port_start ? ts->port_start : 0, ts->has_port_end ? ts->port_end : 65535,
		ts->has_protocol ? ts->protocol : 0);
}

static void show_ikev2_transforms(FILE *f, const char *p, const Ipsecgw__V1__Ikev2Transforms *t)
{
	const char *n;

	fprintf(f, " ");
	if (t->has_encr) {
		n = names_str(names_ike_encr, (int)t->encr);
		fprintf(f, " %s-crypto-alg %s", p, n ? n : "unknown");
		if (t->has_key_bits)
			fprintf(f, " %u", t->key_bits);
	}
	if (t->has_integ) {
		n = names_str(names_ike_integ, (int)t->integ);
		fprintf(f, " %s-integ-alg %s", p, n ? n : "unknown");
	}
	if (t->has_dh_group) {
		n = names_str(names_dh, (int)t->dh_group);
		fprintf(f, " %s-dh %s", p, n ? n : "unknown");
	}
	fputc('\n', f);
}

static void show_ikev2_profile(FILE *f, const Ipsecgw__V1__Ikev2ProfileDetails *p, bool keys)
{
	char a[64];

	fprintf(f, "profile %s\n", p->name);
	if (p->has_auth_method && p->auth_method == IPSECGW__V1__IKE_AUTH_METHOD__RSA_SIG) {
		fprintf(f, "  auth-method rsa-sig cert-file %s\n", p->cert_file ? p->cert_file : "-");
	} else if (p->has_auth_method && p->auth_method == IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC) {
		fprintf(f, "  auth-method shared-key-mic auth data ");
		if (keys && p->has_auth_data)
			show_ikev2_data(f, &p->auth_data, p->has_auth_data_is_hex && p->auth_data_is_hex);
		else
			fputs("<hidden>", f);
		fputc('\n', f);
	}
	if (p->has_local_id_type && p->has_local_id)
		show_ikev2_id(f, "local", p->local_id_type, &p->local_id);
	if (p->has_remote_id_type && p->has_remote_id)
		show_ikev2_id(f, "remote", p->remote_id_type, &p->remote_id);
	if (p->local_ts)
		show_ikev2_ts(f, "local", p->local_ts);
	if (p->remote_ts)
		show_ikev2_ts(f, "remote", p->remote_ts);
	if (p->responder_interface || p->has_responder_addr)
		fprintf(f, "  responder %s %s\n", p->responder_interface ? p->responder_interface : "-",
			p->has_responder_addr ? show_addr(&p->responder_addr, a, sizeof(a)) : "-");
	if (p->ike)
		show_ikev2_transforms(f, "ike", p->ike);
	if (p->esp)
		show_ikev2_transforms(f, "esp", p->esp);
	if (p->has_lifetime)
		fprintf(f, "  lifetime %llu jitter %u handover %u maxdata %llu\n", (unsigned long long)p->lifetime,
			p->has_jitter ? p->jitter : 0, p->has_handover ? p->handover : 0,
			(unsigned long long)(p->has_max_data ? p->max_data : 0));
}

void show_ikev2_profiles(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys)
{
	size_t n;
	void **pr = show_items(s, d, W(IKEV2_PROFILES), &n);
	const Ipsecgw__V1__Reply *r = d->r[W(IKEV2_PROFILES)];

	for (size_t i = 0; i < n; i++)
		show_ikev2_profile(f, pr[i], keys);
	free(pr);
	if (r && r->local_key_file && !s->name[0])
		fprintf(f, "local key file %s\n", r->local_key_file);
}

/* show ikev2 sa [details]: the IKE daemon's IKE SAs in VPP's layout.
 * Nonces and keys are printed only when asked for (-k). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "show.h"

static const char *ikesa_name(const struct name_map *t, int v, char *buf, size_t len)
{
	const char *n = names_str(t, v);

	if (n)
		return n;
	snprintf(buf, len, "%d", v);
	return buf;
}

static const char *ikesa_prf(uint32_t prf)
{
	switch (prf) {
	case 1: return "hmac-md5";
	case 2: return "hmac-sha1";
	case 5: return "hmac-sha2-256";
	case 6: return "hmac-sha2-384";
	case 7: return "hmac-sha2-512";
	default: return "unknown";
	}
}

/* "aes-cbc-256" from an ENCR id and key size, as VPP prints it. */
static void ikesa_encr(FILE *f, const Ipsecgw__V1__Ikev2Transforms *t)
{
	char b[16];

	fputs(ikesa_name(names_ike_encr, (int)t->encr, b, sizeof(b)), f);
	if (t->has_key_bits && t->key_bits)
		fprintf(f, "-%u", t->key_bits);
}

static void ikesa_key(FILE *f, const char *label, const ProtobufCBinaryData *i,
		      const ProtobufCBinaryData *r)
{
	char a[2 * 128 + 1], b[2 * 128 + 1];

	if (r)
		fprintf(f, " %s i:%s r:%s", label, show_hex(i, a, sizeof(a)), show_hex(r, b, sizeof(b)));
	else
		fprintf(f, " %s %s", label, show_hex(i, a, sizeof(a)));
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
}

static void ikesa_id(FILE *f, const char *side, Ipsecgw__V1__IkeIdType type, const ProtobufCBinaryData *id)
{
	char a[64], t[16];
	const char *tn = ikesa_name(names_id_type, (int)type, t, sizeof(t));

	if (type == IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR || type == IPSECGW__V1__IKE_ID_TYPE__ID_IP6_ADDR)
		fprintf(f, "  identifier (%s) %s %s\n", side, tn, show_addr(id, a, sizeof(a)));
	else
		fprintf(f, "  identifier (%s) %s %.*s\n", side, tn, (int)id->len, (const char *)id->data);
}

static void ikesa_ts(FILE *f, const char *side, Ipsecgw__V1__Ikev2TrafficSelector *const *ts, size_t n)
{
	char a[64], b[64];

	for (size_t i = 0; i < n; i++)
		fprintf(f, "    traffic selectors (%s): %zu type %d protocol_id %u addr %s - %s port %u - %u\n",
			side, i, ts[i]->start.len == 16 ? 8 : 7, ts[i]->has_protocol ? ts[i]->protocol : 0,
			show_addr(&ts[i]->start, a, sizeof(a)), show_addr(&ts[i]->end, b, sizeof(b)),
			ts[i]->has_port_start ? ts[i]->port_start : 0,
			ts[i]->has_port_end ? ts[i]->port_end : 65535);
}

static void ikesa_child(FILE *f, size_t k, const Ipsecgw__V1__IkeChildSaDetails *c, bool details, bool keys)
{
	char b[16];

	fprintf(f, "  child sa %zu:\n    encr:", k);
	if (c->esp)
		ikesa_encr(f, c->esp);
	fprintf(f, " integ:%s esn:%s\n",
		c->esp && c->esp->has_integ ? ikesa_name(names_ike_integ, (int)c->esp->integ, b, sizeof(b)) : "none",
		c->has_esn && c->esn ? "yes" : "no");
	fprintf(f, "    spi(i) %08" PRIx32 " spi(r) %08" PRIx32 "\n", c->spi_i, c->spi_r);
	if (keys) {
		fputs("   ", f);
		ikesa_key(f, "SK_e", &c->sk_ei, &c->sk_er);
		fputs("\n   ", f);
		ikesa_key(f, "SK_a", &c->sk_ai, &c->sk_ar);
		fputc('\n', f);
	}
	ikesa_ts(f, "i", c->ts_i, c->n_ts_i);
	ikesa_ts(f, "r", c->ts_r, c->n_ts_r);
	if (details) {
		fprintf(f, "    state %s", c->state ? c->state : "?");
		if (c->tunnel_interface)
			fprintf(f, " interface %s", c->tunnel_interface);
		if (c->has_sa_in)
			fprintf(f, " sa-in %u sa-out %u", c->sa_in, c->sa_out);
		fprintf(f, " udp-encap %s", c->has_udp_encap && c->udp_encap ? "yes" : "no");
		if (c->has_established_s)
			fprintf(f, " up %" PRIu64 "s", c->established_s);
		if (c->has_rekey_in_s)
			fprintf(f, " rekey in %" PRIu64 "s", c->rekey_in_s);
		fputc('\n', f);
	}
}

void show_ikesa_text(FILE *f, const Ipsecgw__V1__Reply *r, bool details, bool keys)
{
	char a[64], b[64], t[16];

	for (size_t i = 0; r && i < r->n_ike_sas; i++) {
		const Ipsecgw__V1__IkeSaDetails *s = r->ike_sas[i];
		fprintf(f, " iip %s ispi %016" PRIx64 " rip %s rspi %016" PRIx64 "\n", show_addr(&s->iip, a, sizeof(a)), s->ispi, show_addr(&s->rip, b, sizeof(b)),
			s->rspi);
		fputs("  encr:", f);
		if (s->ike)
			ikesa_encr(f, s->ike);
		fprintf(f, " prf:%s integ:%s dh-group:%s\n", ikesa_prf(s->has_prf ? s->prf : 0),
			s->ike && s->ike->has_integ ? ikesa_name(names_ike_integ, (int)s->ike->integ, t, sizeof(t)) : "none",
			s->ike ? ikesa_name(names_dh, (int)s->ike->dh_group, b, sizeof(b)) : "none");
		if (keys) {
			fputs(" ", f);
			ikesa_key(f, "nonce", &s->nonce_i, &s->nonce_r);
			fputs("\n ", f);
			ikesa_key(f, "SK_d", &s->sk_d, NULL);
			ikesa_key(f, "SK_a", &s->sk_ai, &s->sk_ar);
			ikesa_key(f, "SK_e", &s->sk_ei, &s->sk_er);
			ikesa_key(f, "SK_p", &s->sk_pi, &s->sk_pr);
			fputc('\n', f);
		}
		if (s->has_id_i)
			ikesa_id(f, "i", s->id_i_type, &s->id_i);
		if (s->has_id_r)
			ikesa_id(f, "r", s->id_r_type, &s->id_r);
		if (details)
			fprintf(f, "  state %s profile %s role %s nat local %s remote %s msg-id tx %u rx %u\n",
				s->state ? s->state : "?", s->profile ? s->profile : "-",
				s->has_local_is_initiator && s->local_is_initiator ? "initiator" : "responder",
				s->has_nat_local && s->nat_local ? "yes" : "no",
				s->has_nat_remote && s->nat_remote ? "yes" : "no", s->msg_id_tx, s->msg_id_rx);
		for (size_t k = 0; k < s->n_children; k++)
			ikesa_child(f, k, s->children[k], details, keys);
	}
}

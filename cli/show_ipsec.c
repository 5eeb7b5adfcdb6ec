/* show ipsec [sa|spd|tunnel]: VPP's layouts. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "show.h"

#define W(x) IPSECGW__V1__DUMP__WHAT__##x

static void show_ipsec_key(FILE *f, const char *label, const char *alg, protobuf_c_boolean has,
			   const ProtobufCBinaryData *key, bool keys)
{
	char hex[2 * 256 + 1];

	fprintf(f, "  %s alg %s", label, alg);
	if (keys && has && key->len)
		fprintf(f, " key %s", show_hex(key, hex, sizeof(hex)));
	fputc('\n', f);
	explicit_bzero(hex, sizeof(hex));
}

static const char *show_ipsec_crypto(const Ipsecgw__V1__SaSpec *sp)
{
	const char *n = names_str(names_crypto, sp->has_crypto_alg ? (int)sp->crypto_alg : 0);
	return n ? n : "unknown";
}

static const char *show_ipsec_integ(const Ipsecgw__V1__SaSpec *sp)
{
	const char *n = names_str(names_integ, sp->has_integ_alg ? (int)sp->integ_alg : 0);
	return n ? n : "unknown";
}

/* The window as bits, newest first: bit i (byte i/8, bit i%8) is last-seq - i. */
static void show_ipsec_window(FILE *f, const Ipsecgw__V1__SaDetails *sa)
{
	uint32_t w = sa->spec->has_replay_window ? sa->spec->replay_window : 64;

	if (w == 0 || w > 4096)
		w = 64;
	for (uint32_t i = 0; i < w; i++) {
		bool set = sa->has_replay_bitmap && i / 8 < sa->replay_bitmap.len &&
			   (sa->replay_bitmap.data[i / 8] >> (i % 8) & 1);
		fputc(set ? '1' : '0', f);
	}
}

/* The error reasons that counted something, one per line. */
static void show_ipsec_sa_errors(FILE *f, const Ipsecgw__V1__SaDetails *sa)
{
	bool any = false;

	for (size_t i = 0; i < sa->n_errors; i++) {
		const Ipsecgw__V1__SaErrorCounter *e = sa->errors[i];
		const char *text = names_str(names_sa_err, (int)e->reason);

		if (e->count == 0)
			continue;
		if (!any)
			fprintf(f, "  errors\n");
		any = true;
		if (text)
			fprintf(f, "    %s %llu\n", text, (unsigned long long)e->count);
		else
			fprintf(f, "    reason %d %llu\n", (int)e->reason, (unsigned long long)e->count);
	}
}

static void show_ipsec_sa(FILE *f, size_t idx, const Ipsecgw__V1__SaDetails *sa, bool detail, bool keys)
{
	const Ipsecgw__V1__SaSpec *sp = sa->spec;
	bool tunnel = sp->has_tunnel_src && sp->has_tunnel_dst;
	char a[64], b[64];

	fprintf(f, "[%zu] sa %u spi %u mode %s protocol esp\n", idx, sp->sa_id, sp->spi,
		tunnel ? "tunnel" : "transport");
	show_ipsec_key(f, "crypto", show_ipsec_crypto(sp), sp->has_crypto_key, &sp->crypto_key, keys);
	show_ipsec_key(f, "integrity", show_ipsec_integ(sp), sp->has_integ_key, &sp->integ_key, keys);
	if (tunnel)
		fprintf(f, "  tunnel-src %s tunnel-dst %s\n", show_addr(&sp->tunnel_src, a, sizeof(a)),
			show_addr(&sp->tunnel_dst, b, sizeof(b)));
	if (sp->has_udp_encap && sp->udp_encap)
		fprintf(f, "  udp-encap src-port %u dst-port %u\n", sp->has_udp_src_port ? sp->udp_src_port : 4500,
			sp->has_udp_dst_port ? sp->udp_dst_port : 4500);
	if (!detail)
		return;
	bool ar = !sp->has_anti_replay || sp->anti_replay;
	fprintf(f, "  esn %d anti-replay %d replay-window %u\n", sp->has_esn && sp->esn, ar,
		sp->has_replay_window ? sp->replay_window : 64);
	if (keys && sp->has_salt)
		fprintf(f, "  salt 0x%08x\n", sp->salt);
	uint64_t so = sa->has_seq_out ? sa->seq_out : 0, si = sa->has_last_seq_in ? sa->last_seq_in : 0;
	fprintf(f, "  seq %u seq-hi %u\n", (uint32_t)so, (uint32_t)(so >> 32));
	fprintf(f, "  last-seq %u last-seq-hi %u window ", (uint32_t)si, (uint32_t)(si >> 32));
	show_ipsec_window(f, sa);
	fputc('\n', f);
	if (sa->tunnel_interface)
		fprintf(f, "  tunnel-interface %s\n", sa->tunnel_interface);
	fprintf(f, "  packets %llu bytes %llu\n", (unsigned long long)sa->counter->packets,
		(unsigned long long)sa->counter->bytes);
	show_ipsec_sa_errors(f, sa);
}

void show_ipsec_sas(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys)
{
	size_t n;
	void **sas = show_items(s, d, W(SAS), &n);

	for (size_t i = 0; i < n; i++)
		show_ipsec_sa(f, i, sas[i], s->view == CLI_VIEW_SA && s->has_id, keys);
	free(sas);
}

static void show_ipsec_range(FILE *f, const char *side, const ProtobufCBinaryData *s, const ProtobufCBinaryData *e,
			     bool v6, protobuf_c_boolean has_ps, uint32_t ps, protobuf_c_boolean has_pe, uint32_t pe)
{
	char a[64], b[64];

	fprintf(f, "      %s addr range %s - %s port range %u - %u\n", side,
		s->len ? show_addr(s, a, sizeof(a)) : v6 ? "::" : "0.0.0.0",
		e->len ? show_addr(e, b, sizeof(b)) : v6 ? "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" : "255.255.255.255",
		has_ps ? ps : 0, has_pe ? pe : 65535);
}

static void show_ipsec_policy(FILE *f, const Ipsecgw__V1__PolicyDetails *p)
{
	static const char *const act[] = { "bypass", "discard", "protect" };
	const Ipsecgw__V1__PolicySpec *sp = p->spec;
	bool v6 = sp->has_is_ipv6 && sp->is_ipv6;
	const char *proto = sp->has_protocol ? names_str(names_ip_proto, (int)sp->protocol) : "any";

	fprintf(f, "    priority %d action %s protocol ", sp->priority, (unsigned)sp->action < 3 ? act[sp->action] : "?");
	if (proto)
		fputs(proto, f);
	else
		fprintf(f, "%u", sp->protocol);
	if (sp->has_sa_id)
		fprintf(f, " sa %u", sp->sa_id);
	fputc('\n', f);
	show_ipsec_range(f, "local", &sp->local_start, &sp->local_end, v6, sp->has_local_port_start,
			 sp->local_port_start, sp->has_local_port_end, sp->local_port_end);
	show_ipsec_range(f, "remote", &sp->remote_start, &sp->remote_end, v6, sp->has_remote_port_start,
			 sp->remote_port_start, sp->has_remote_port_end, sp->remote_port_end);
	fprintf(f, "      packets %llu bytes %llu\n", (unsigned long long)p->counter->packets,
		(unsigned long long)p->counter->bytes);
}

static void show_ipsec_spd(FILE *f, const Ipsecgw__V1__SpdDetails *spd)
{
	static const struct { Ipsecgw__V1__Direction dir; const char *name; } dirs[] = {
		{ IPSECGW__V1__DIRECTION__OUTBOUND, "outbound" },
		{ IPSECGW__V1__DIRECTION__INBOUND, "inbound" },
	};

	fprintf(f, "spd %u\n", spd->spd_id);
	for (size_t k = 0; k < 2; k++) {
		fprintf(f, "  %s policies\n", dirs[k].name);
		for (int v6 = 0; v6 < 2; v6++) /* IPv4 first, then IPv6; the service's order within */
			for (size_t i = 0; i < spd->n_policies; i++) {
				const Ipsecgw__V1__PolicySpec *sp = spd->policies[i]->spec;
				if (sp->direction == dirs[k].dir && (sp->has_is_ipv6 && sp->is_ipv6) == v6)
					show_ipsec_policy(f, spd->policies[i]);
			}
	}
}

void show_ipsec_spds(FILE *f, const struct cli_show *s, const struct show_data *d)
{
	size_t n;
	void **spds = show_items(s, d, W(SPDS), &n);

	for (size_t i = 0; i < n; i++)
		show_ipsec_spd(f, spds[i]);
	free(spds);
}

void show_ipsec_all(FILE *f, const struct show_data *d, bool keys)
{
	struct cli_show all = { .view = CLI_VIEW_IPSEC };
	size_t n;
	void **spds, **tun;
	bool any = false;

	show_ipsec_sas(f, &all, d, keys);
	show_ipsec_spds(f, &all, d);
	spds = show_items(&all, d, W(SPDS), &n);
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__SpdDetails *spd = spds[i];
		for (size_t k = 0; k < spd->n_interfaces; k++) {
			if (!any)
				fprintf(f, "SPD Bindings:\n");
			any = true;
			fprintf(f, "  spd %u -> %s\n", spd->spd_id, spd->interfaces[k]);
		}
	}
	free(spds);
	tun = show_items(&all, d, W(TUNNELS), &n);
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__TunnelDetails *t = tun[i];
		if (i == 0)
			fprintf(f, "Tunnel protection:\n");
		fprintf(f, "  %s", t->name);
		if (t->has_sa_out)
			fprintf(f, " sa-out %u", t->sa_out);
		for (size_t k = 0; k < t->n_sa_in; k++)
			fprintf(f, " sa-in %u", t->sa_in[k]);
		if (!t->has_sa_out && !t->n_sa_in)
			fprintf(f, " not protected");
		fputc('\n', f);
	}
	free(tun);
}

/* One side of a tunnel as in VPP's "show ipsec tunnel interfaces". */
static void show_ipsec_side(FILE *f, const char *side, const Ipsecgw__V1__SaDetails *sa, bool keys)
{
	const Ipsecgw__V1__SaSpec *sp = sa->spec;
	bool local = strcmp(side, "local") == 0;
	char ip[64], hex[2 * 256 + 1];
	int esn = sp->has_esn && sp->esn, ar = !sp->has_anti_replay || sp->anti_replay;

	if (local) {
		uint64_t so = sa->has_seq_out ? sa->seq_out : 0;
		fprintf(f, "  seq %u seq-hi %u esn %d anti-replay %d\n", (uint32_t)so, (uint32_t)(so >> 32), esn, ar);
	} else {
		uint64_t si = sa->has_last_seq_in ? sa->last_seq_in : 0;
		fprintf(f, "  last-seq %u last-seq-hi %u esn %d anti-replay %d window ", (uint32_t)si,
			(uint32_t)(si >> 32), esn, ar);
		show_ipsec_window(f, sa);
		fputc('\n', f);
	}
	fprintf(f, "  %s-spi %u %s-ip %s\n", side, sp->spi, side,
		sp->has_tunnel_src ? show_addr(&sp->tunnel_src, ip, sizeof(ip)) : "-");
	fprintf(f, "  %s-crypto %s", side, show_ipsec_crypto(sp));
	if (keys && sp->has_crypto_key)
		fprintf(f, " %s", show_hex(&sp->crypto_key, hex, sizeof(hex)));
	fprintf(f, "\n  %s-integrity %s", side, show_ipsec_integ(sp));
	if (keys && sp->has_integ_key)
		fprintf(f, " %s", show_hex(&sp->integ_key, hex, sizeof(hex)));
	fputc('\n', f);
	explicit_bzero(hex, sizeof(hex));
}

void show_ipsec_tunnels(FILE *f, const struct show_data *d, bool keys)
{
	struct cli_show all = { .view = CLI_VIEW_TUNNELS };
	size_t n;
	void **tun = show_items(&all, d, W(TUNNELS), &n);

	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__TunnelDetails *t = tun[i];
		const Ipsecgw__V1__SaDetails *sa;
		fprintf(f, "%s\n", t->name);
		if (!t->has_sa_out && !t->n_sa_in)
			fprintf(f, "  not protected\n");
		if (t->has_sa_out) {
			if ((sa = show_sa(d, t->sa_out)))
				show_ipsec_side(f, "local", sa, keys);
			else
				fprintf(f, "  sa-out %u (missing)\n", t->sa_out);
		}
		for (size_t k = 0; k < t->n_sa_in; k++) {
			if ((sa = show_sa(d, t->sa_in[k])))
				show_ipsec_side(f, "remote", sa, keys);
			else
				fprintf(f, "  sa-in %u (missing)\n", t->sa_in[k]);
		}
	}
	free(tun);
}

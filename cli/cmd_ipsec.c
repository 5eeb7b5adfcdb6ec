/* SPDs, policies, SAs and tunnel interfaces. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "req.h"
#include "value.h"

#define BODY(out, CASE, type) req_body(out, IPSECGW__V1__ENVELOPE__BODY_##CASE, &ipsecgw__v1__##type##__descriptor)

static const uint8_t cmd_ipsec_all_ones[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const uint8_t cmd_ipsec_zeros[16];

int cmd_ipsec_spd(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__SpdAddDel *b = BODY(out, SPD, spd_add_del);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	cmd_u32(m, "spd", &b->spd_id);
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_ipsec_if_spd(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__InterfaceSpd *b = BODY(out, INTERFACE_SPD, interface_spd);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	cmd_u32(m, "spd", &b->spd_id);
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

/* An address range "START - END" of the policy: 0, or -1 with err set.
 * *len is 0 if the range was not given. */
static int cmd_ipsec_range(const struct cli_match *m, const char *what, const char *s_name,
			   const char *e_name, uint8_t s[16], uint8_t e[16], size_t *len, char *err,
			   size_t errlen)
{
	const char *sw = cmd_get(m, s_name), *ew = cmd_get(m, e_name);
	size_t sl, el;

	*len = 0;
	if (!sw)
		return 0;
	value_ip(sw, s, &sl);
	value_ip(ew, e, &el);
	if (sl != el)
		return cmd_error(m, err, errlen, "%s '%s - %s' mixes IPv4 and IPv6", what, sw, ew);
	if (memcmp(s, e, sl) > 0)
		return cmd_error(m, err, errlen, "%s '%s - %s' starts after it ends", what, sw, ew);
	*len = sl;
	return 0;
}

static int cmd_ipsec_ports(const struct cli_match *m, const char *what, const char *s_name,
			   const char *e_name, protobuf_c_boolean *has_s, uint32_t *ps,
			   protobuf_c_boolean *has_e, uint32_t *pe, char *err, size_t errlen)
{
	if (!cmd_u32(m, s_name, ps))
		return 0;
	cmd_u32(m, e_name, pe);
	if (*ps > *pe)
		return cmd_error(m, err, errlen, "%s '%u - %u' starts after it ends", what, *ps, *pe);
	*has_s = *has_e = 1;
	return 0;
}

static int cmd_ipsec_set_range(ProtobufCBinaryData *s, protobuf_c_boolean *has_s, ProtobufCBinaryData *e,
			       protobuf_c_boolean *has_e, const uint8_t *sv, const uint8_t *ev, size_t len)
{
	if (req_bytes(s, sv, len) < 0 || req_bytes(e, ev, len) < 0)
		return -1;
	*has_s = *has_e = 1;
	return 0;
}

int cmd_ipsec_policy(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__PolicyAddDel *b;
	Ipsecgw__V1__PolicySpec *sp;
	uint8_t ls[16], le[16], rs[16], re[16];
	size_t ll, rl, fam;
	bool protect = cmd_has(m, "protect"), has_sa = cmd_has(m, "sa");

	if (cmd_ipsec_range(m, "local-ip-range", "local-start", "local-end", ls, le, &ll, err, errlen) < 0 ||
	    cmd_ipsec_range(m, "remote-ip-range", "remote-start", "remote-end", rs, re, &rl, err, errlen) < 0)
		return -1;
	if (ll && rl && ll != rl)
		return cmd_error(m, err, errlen, "local-ip-range and remote-ip-range are of different families");
	fam = ll ? ll : rl ? rl : cmd_has(m, "ip6") ? 16 : 4;
	if (cmd_has(m, "ip6") && fam != 16)
		return cmd_error(m, err, errlen, "'ip6' policy with an IPv4 range");
	if (protect && !has_sa)
		return cmd_error(m, err, errlen, "action protect needs 'sa <id>'");
	if (!protect && has_sa)
		return cmd_error(m, err, errlen, "'sa' is only for action protect");

	b = BODY(out, POLICY, policy_add_del);
	if (!b || !(b->spec = sp = req_msg(&ipsecgw__v1__policy_spec__descriptor)))
		return -1;
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	cmd_u32(m, "spd", &sp->spd_id);
	value_i32(cmd_get(m, "priority"), &sp->priority);
	sp->direction = cmd_has(m, "outbound") ? IPSECGW__V1__DIRECTION__OUTBOUND : IPSECGW__V1__DIRECTION__INBOUND;
	sp->action = protect ? IPSECGW__V1__POLICY_ACTION__PROTECT :
		     cmd_has(m, "discard") ? IPSECGW__V1__POLICY_ACTION__DISCARD :
					     IPSECGW__V1__POLICY_ACTION__BYPASS;
	if (fam == 16)
		sp->has_is_ipv6 = sp->is_ipv6 = 1;
	sp->has_sa_id = cmd_u32(m, "sa", &sp->sa_id);
	sp->has_protocol = cmd_u32(m, "protocol", &sp->protocol);
	if (cmd_ipsec_set_range(&sp->local_start, &sp->has_local_start, &sp->local_end, &sp->has_local_end,
				ll ? ls : cmd_ipsec_zeros, ll ? le : cmd_ipsec_all_ones, fam) < 0 ||
	    cmd_ipsec_set_range(&sp->remote_start, &sp->has_remote_start, &sp->remote_end, &sp->has_remote_end,
				rl ? rs : cmd_ipsec_zeros, rl ? re : cmd_ipsec_all_ones, fam) < 0)
		return -1;
	if (cmd_ipsec_ports(m, "local-port-range", "local-port-start", "local-port-end", &sp->has_local_port_start,
			    &sp->local_port_start, &sp->has_local_port_end, &sp->local_port_end, err, errlen) < 0 ||
	    cmd_ipsec_ports(m, "remote-port-range", "remote-port-start", "remote-port-end",
			    &sp->has_remote_port_start, &sp->remote_port_start, &sp->has_remote_port_end,
			    &sp->remote_port_end, err, errlen) < 0)
		return -1;
	return 0;
}

/* A key from a hex word: 0, or -1 when out of memory. */
static int cmd_ipsec_key(const char *w, ProtobufCBinaryData *dst, protobuf_c_boolean *has)
{
	uint8_t k[VALUE_MAX_HEX];
	size_t len;
	int rc;

	if (!w)
		return 0;
	value_hex(w, k, sizeof(k), &len);
	rc = req_bytes(dst, k, len);
	explicit_bzero(k, sizeof(k));
	*has = rc == 0;
	return rc;
}

static int cmd_ipsec_ip(const char *w, ProtobufCBinaryData *dst, protobuf_c_boolean *has)
{
	uint8_t a[16];
	size_t len;

	value_ip(w, a, &len);
	*has = 1;
	return req_bytes(dst, a, len);
}

int cmd_ipsec_sa_add(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__SaAdd *b;
	Ipsecgw__V1__SaSpec *sp;
	const char *src = cmd_get(m, "tunnel-src"), *dst = cmd_get(m, "tunnel-dst");
	uint8_t a[16];
	size_t sl = 0, dl = 0;
	uint64_t salt;
	int alg;

	if (cmd_count(m, "integ-alg") > 1)
		return cmd_error(m, err, errlen, "integrity algorithm given twice ('%s', '%s')",
				 cmd_nth(m, "integ-alg", 0), cmd_nth(m, "integ-alg", 1));
	if (cmd_has(m, "anti-replay") && cmd_has(m, "no-anti-replay"))
		return cmd_error(m, err, errlen, "both 'anti-replay' and 'no-anti-replay'");
	if (src)
		value_ip(src, a, &sl);
	if (dst)
		value_ip(dst, a, &dl);
	if (!src != !dst)
		return cmd_error(m, err, errlen, "expected '%s' with '%s'", src ? "tunnel-dst" : "tunnel-src",
				 src ? "tunnel-src" : "tunnel-dst");
	if (sl != dl)
		return cmd_error(m, err, errlen, "tunnel-src '%s' and tunnel-dst '%s' are of different families",
				 src, dst);

	b = BODY(out, SA_ADD, sa_add);
	if (!b || !(b->spec = sp = req_msg(&ipsecgw__v1__sa_spec__descriptor)))
		return -1;
	cmd_u32(m, "id", &sp->sa_id);
	cmd_u32(m, "spi", &sp->spi);
	if (cmd_has(m, "crypto-alg") && value_enum(VT_CRYPTO, cmd_get(m, "crypto-alg"), &alg) == 0) {
		sp->has_crypto_alg = 1;
		sp->crypto_alg = (Ipsecgw__V1__CryptoAlg)alg;
	}
	if (cmd_get(m, "integ-alg") && value_enum(VT_INTEG, cmd_get(m, "integ-alg"), &alg) == 0) {
		sp->has_integ_alg = 1;
		sp->integ_alg = (Ipsecgw__V1__IntegAlg)alg;
	}
	if (cmd_ipsec_key(cmd_get(m, "crypto-key"), &sp->crypto_key, &sp->has_crypto_key) < 0 ||
	    cmd_ipsec_key(cmd_get(m, "integ-key"), &sp->integ_key, &sp->has_integ_key) < 0)
		return -1;
	if (src && (cmd_ipsec_ip(src, &sp->tunnel_src, &sp->has_tunnel_src) < 0 ||
		    cmd_ipsec_ip(dst, &sp->tunnel_dst, &sp->has_tunnel_dst) < 0))
		return -1;
	sp->has_udp_src_port = cmd_u32(m, "udp-src-port", &sp->udp_src_port);
	sp->has_udp_dst_port = cmd_u32(m, "udp-dst-port", &sp->udp_dst_port);
	if (cmd_has(m, "udp-encap") || sp->has_udp_src_port || sp->has_udp_dst_port)
		sp->has_udp_encap = sp->udp_encap = 1;
	if (cmd_has(m, "esn"))
		sp->has_esn = sp->esn = 1;
	if (cmd_has(m, "anti-replay") || cmd_has(m, "no-anti-replay")) {
		sp->has_anti_replay = 1;
		sp->anti_replay = cmd_has(m, "anti-replay");
	}
	sp->has_replay_window = cmd_u32(m, "replay-window", &sp->replay_window);
	if (cmd_get(m, "salt") && value_hexnum(cmd_get(m, "salt"), 8, &salt) == 0) {
		sp->has_salt = 1;
		sp->salt = (uint32_t)salt;
	}
	return 0;
}

int cmd_ipsec_sa_del(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__SaDel *b = BODY(out, SA_DEL, sa_del);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	cmd_u32(m, "id", &b->sa_id);
	return 0;
}

int cmd_ipsec_sa_key(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__SaSetKey *b;

	if (!cmd_has(m, "crypto-key") && !cmd_has(m, "integ-key"))
		return cmd_error(m, err, errlen, "expected one of 'crypto-key', 'integ-key', got end of line");
	b = BODY(out, SA_SET_KEY, sa_set_key);
	if (!b)
		return -1;
	cmd_u32(m, "id", &b->sa_id);
	if (cmd_ipsec_key(cmd_get(m, "crypto-key"), &b->crypto_key, &b->has_crypto_key) < 0 ||
	    cmd_ipsec_key(cmd_get(m, "integ-key"), &b->integ_key, &b->has_integ_key) < 0)
		return -1;
	return 0;
}

int cmd_ipsec_itf_create(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__TunnelCreate *b = BODY(out, TUNNEL_CREATE, tunnel_create);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	b->has_instance = cmd_u32(m, "instance", &b->instance);
	return 0;
}

int cmd_ipsec_itf_delete(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__TunnelDelete *b = BODY(out, TUNNEL_DELETE, tunnel_delete);

	(void)err, (void)errlen;
	return !b || req_str(&b->name, cmd_get(m, "interface")) < 0 ? -1 : 0;
}

int cmd_ipsec_protect(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__TunnelProtect *b = BODY(out, TUNNEL_PROTECT, tunnel_protect);
	int n = cmd_count(m, "sa-in");

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	if (m->arg) {
		b->has_is_del = b->is_del = 1;
		return 0;
	}
	b->has_sa_out = cmd_u32(m, "sa-out", &b->sa_out);
	b->sa_in = calloc((size_t)n, sizeof(*b->sa_in));
	if (!b->sa_in)
		return -1;
	b->n_sa_in = (size_t)n;
	for (int i = 0; i < n; i++) {
		uint64_t v;
		value_uint(cmd_nth(m, "sa-in", i), UINT32_MAX, &v);
		b->sa_in[i] = (uint32_t)v;
	}
	return 0;
}

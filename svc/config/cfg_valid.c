/* Checks shared by the request handlers, and the text forms their messages
 * use. Every check that fails fills the reply (INVALID_ARGUMENT unless
 * stated) and returns -1; none of them touches the region. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

int cfg_valid_af(size_t len)
{
	return len == 4 ? SHM_AF_INET : len == 16 ? SHM_AF_INET6 : SHM_AF_NONE;
}

int cfg_valid_addr_len(int af)
{
	return af == SHM_AF_INET6 ? 16 : 4;
}

const char *cfg_valid_af_name(int af)
{
	return af == SHM_AF_INET6 ? "ip6" : af == SHM_AF_INET ? "ip4" : "?";
}

const char *cfg_valid_ntop(char *buf, int af, const uint8_t *a)
{
	if (!inet_ntop(af == SHM_AF_INET6 ? AF_INET6 : AF_INET, a, buf, 64))
		snprintf(buf, 64, "?");
	return buf;
}

int cfg_valid_addr(cfg_reply *rep, const char *field, int present, const cfg_bytes *b,
		   int want_af, int *af, uint8_t addr16[16])
{
	int f;

	if (!present || !b || b->len == 0)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "an address is required (4 bytes for ip4, 16 for ip6)");
	f = cfg_valid_af(b->len);
	if (f == SHM_AF_NONE || !b->data)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "an address is 4 (ip4) or 16 (ip6) bytes, got %zu", b->len);
	if (want_af != SHM_AF_NONE && f != want_af)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "address family mismatch: an %s address where %s is expected",
				      cfg_valid_af_name(f), cfg_valid_af_name(want_af));
	memset(addr16, 0, 16);
	memcpy(addr16, b->data, b->len);
	*af = f;
	return 0;
}

int cfg_valid_unicast(cfg_reply *rep, const char *field, int af, const uint8_t *a)
{
	static const uint8_t zero[16], bcast[4] = { 255, 255, 255, 255 };
	int n = cfg_valid_addr_len(af);
	char buf[64];

	if (memcmp(a, zero, n) == 0)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "%s is the unspecified address", cfg_valid_ntop(buf, af, a));
	if ((af == SHM_AF_INET && (a[0] & 0xf0) == 0xe0) || (af == SHM_AF_INET6 && a[0] == 0xff))
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "%s is a multicast address", cfg_valid_ntop(buf, af, a));
	if (af == SHM_AF_INET && memcmp(a, bcast, 4) == 0)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "255.255.255.255 is the broadcast address");
	return 0;
}

int cfg_valid_addr_cmp(int af, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, cfg_valid_addr_len(af));
}

void cfg_valid_mask(uint8_t dst[16], const uint8_t *src, int af, unsigned plen)
{
	int n = cfg_valid_addr_len(af);
	uint8_t tmp[16] = { 0 };

	for (int i = 0; i < n; i++) {
		unsigned bits = plen > (unsigned)i * 8 ? plen - (unsigned)i * 8 : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
		tmp[i] = src[i] & m;
	}
	memcpy(dst, tmp, 16);
}

int cfg_valid_str(cfg_reply *rep, const char *field, const char *s, size_t max)
{
	size_t n;

	if (!s || !*s)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "required, got an empty string");
	n = strlen(s);
	if (n >= max)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "at most %zu characters, got %zu", max - 1, n);
	return 0;
}

int cfg_valid_printable(const void *p, size_t n, int allow_space)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] < 0x21 || b[i] > 0x7e) {
			if (!(allow_space && b[i] == ' '))
				return 0;
		}
	return 1;
}

const char *cfg_valid_quote(char *buf, const char *s)
{
	const char *p = s ? s : "";
	size_t o = 0;

	buf[o++] = '\'';
	for (; *p && o < 60; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, 8, "\\x%02x", ch);
	}
	if (*p) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = 0;
	return buf;
}

/* Interface names: 1..31 characters, a letter first, then letters, digits
 * and / . _ : - (VPP-style names such as GigabitEthernet0/8/0). */
int cfg_valid_ifname(cfg_reply *rep, const char *field, const char *name)
{
	char q[80];

	if (cfg_valid_str(rep, field, name, SHM_NAME_MAX) < 0)
		return -1;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
				      "interface name %s must start with a letter",
				      cfg_valid_quote(q, name));
	for (const char *p = name; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '/' || ch == '.' || ch == '_' || ch == ':' || ch == '-'))
			return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, field,
					      "interface name %s: only letters, digits and / . _ : - "
					      "are allowed", cfg_valid_quote(q, name));
	}
	return 0;
}

int cfg_valid_ports(cfg_reply *rep, const char *fs, const char *fe, int has_s, uint32_t s,
		    int has_e, uint32_t e, uint16_t *ps, uint16_t *pe)
{
	if (has_s != has_e)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT,
				      has_s ? fe : fs, "a port range needs both %s and %s", fs, fe);
	if (!has_s) {
		*ps = 0;
		*pe = 65535;
		return 0;
	}
	if (s > 65535)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, fs,
				      "a port is 0..65535, got %u", s);
	if (e > 65535)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, fe,
				      "a port is 0..65535, got %u", e);
	if (s > e)
		return cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, fs,
				      "range start %u is above its end %u", s, e);
	*ps = (uint16_t)s;
	*pe = (uint16_t)e;
	return 0;
}

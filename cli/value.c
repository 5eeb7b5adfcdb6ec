#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "value.h"

static const char *const value_type_names[VT_COUNT] = {
	[VT_U8] = "u8",         [VT_U16] = "u16",       [VT_U32] = "u32",
	[VT_I32] = "i32",       [VT_U64] = "u64",       [VT_HEX] = "hex",
	[VT_HEX32] = "hex32",   [VT_HEX64] = "hex64",   [VT_IP4] = "ip4",
	[VT_IP6] = "ip6",       [VT_IP] = "ip",         [VT_PREFIX] = "prefix",
	[VT_MAC] = "mac",       [VT_IF] = "if",         [VT_NAME] = "name",
	[VT_PATH] = "path",     [VT_STR] = "str",       [VT_CRYPTO] = "crypto",
	[VT_INTEG] = "integ",   [VT_IKE_ENCR] = "ikeencr", [VT_IKE_INTEG] = "ikeinteg",
	[VT_DH] = "dh",         [VT_KEYBITS] = "keybits", [VT_PCI] = "pci",
	[VT_VDEV] = "vdev",     [VT_WORDS] = "words",   [VT_KEY] = "key",
	[VT_SECRET] = "secret", [VT_ENG_ALG] = "engalg",
};

static const struct name_map value_keybits[] = {
	{ "128", 128 }, { "192", 192 }, { "256", 256 }, { NULL, 0 },
};

static const struct name_map *value_enum_table(int type)
{
	switch (type) {
	case VT_CRYPTO: return names_crypto;
	case VT_INTEG: return names_integ;
	case VT_IKE_ENCR: return names_ike_encr;
	case VT_IKE_INTEG: return names_ike_integ;
	case VT_DH: return names_dh;
	case VT_KEYBITS: return value_keybits;
	case VT_ENG_ALG: return names_handler_alg;
	default: return NULL;
	}
}

int value_type_lookup(const char *name, size_t len)
{
	for (int i = 0; i < VT_COUNT; i++)
		if (strlen(value_type_names[i]) == len && memcmp(value_type_names[i], name, len) == 0)
			return i;
	return -1;
}

static int value_xdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *value_skip0x(const char *s)
{
	return (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? s + 2 : s;
}

int value_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = value_skip0x(s);
	unsigned base = p != s ? 16 : 10;

	if (!*p)
		return -1;
	for (; *p; p++) {
		int d = base == 16 ? value_xdigit(*p) : (*p >= '0' && *p <= '9' ? *p - '0' : -1);
		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int value_i32(const char *s, int32_t *out)
{
	uint64_t v;
	bool neg = s[0] == '-';

	if (value_uint(s + neg, neg ? 2147483648u : 2147483647u, &v) < 0)
		return -1;
	*out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return 0;
}

int value_hexnum(const char *s, unsigned maxdigits, uint64_t *out)
{
	const char *p = value_skip0x(s);
	size_t n = strlen(p);
	uint64_t v = 0;

	if (n == 0 || n > maxdigits)
		return -1;
	for (; *p; p++) {
		int d = value_xdigit(*p);
		if (d < 0)
			return -1;
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return 0;
}

int value_hex(const char *s, uint8_t *buf, size_t cap, size_t *len)
{
	const char *p = value_skip0x(s);
	size_t n = strlen(p);

	if (n == 0 || n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = value_xdigit(p[2 * i]), lo = value_xdigit(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

int value_ip(const char *s, uint8_t out[16], size_t *len)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*len = 4;
		return 0;
	}
	if (strchr(s, ':') && inet_pton(AF_INET6, s, out) == 1) {
		*len = 16;
		return 0;
	}
	return -1;
}

int value_prefix(const char *s, uint8_t out[16], size_t *alen, uint32_t *plen)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	uint64_t l;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -1;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (value_ip(addr, out, alen) < 0)
		return -1;
	if (slash[1] == '0' && slash[2] == 'x')
		return -1;
	if (value_uint(slash + 1, *alen * 8, &l) < 0)
		return -1;
	*plen = (uint32_t)l;
	return 0;
}

int value_mac(const char *s, uint8_t out[6])
{
	size_t n = strlen(s);

	if (n == 17) { /* xx:xx:xx:xx:xx:xx or xx-xx-... */
		for (int i = 0; i < 6; i++) {
			int hi = value_xdigit(s[3 * i]), lo = value_xdigit(s[3 * i + 1]);
			if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != s[2]) ||
			    (s[2] != ':' && s[2] != '-'))
				return -1;
			out[i] = (uint8_t)(hi << 4 | lo);
		}
		return 0;
	}
	if (n == 14 && s[4] == '.' && s[9] == '.') { /* xxxx.xxxx.xxxx */
		for (int i = 0, j = 0; i < 6; i++, j += 2) {
			if (s[j] == '.')
				j++;
			int hi = value_xdigit(s[j]), lo = value_xdigit(s[j + 1]);
			if (hi < 0 || lo < 0)
				return -1;
			out[i] = (uint8_t)(hi << 4 | lo);
		}
		return 0;
	}
	return -1;
}

int value_enum(int type, const char *s, int *out)
{
	const struct name_map *t = value_enum_table(type);

	return t ? names_lookup(t, s, out) : -1;
}

static bool value_name_ok(const char *s, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > VALUE_MAX_NAME || !isalpha((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static bool value_pci_ok(const char *s)
{
	/* [dddd:]bb:dd.f, hex digits */
	unsigned want[] = { 4, 2, 2, 1 };
	char sep[] = { ':', ':', '.', '\0' };
	int first = strlen(s) == 7 ? 1 : 0;

	for (int i = first; i < 4; i++) {
		for (unsigned k = 0; k < want[i]; k++, s++)
			if (value_xdigit(*s) < 0)
				return false;
		if (*s++ != sep[i])
			return false;
	}
	return s[-2] <= '7';
}

static bool value_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool value_secret(int type)
{
	return type == VT_KEY || type == VT_SECRET;
}

int value_check(int type, const char *w, char *why, size_t whylen)
{
	uint8_t buf[VALUE_MAX_HEX];
	uint64_t u;
	int32_t i;
	size_t len;
	uint32_t plen;
	int e;
	const char *r = NULL;

	switch (type) {
	case VT_U8: r = value_uint(w, 255, &u) ? "not a number 0-255" : NULL; break;
	case VT_U16: r = value_uint(w, 65535, &u) ? "not a number 0-65535" : NULL; break;
	case VT_U32: r = value_uint(w, UINT32_MAX, &u) ? "not a number 0-4294967295" : NULL; break;
	case VT_U64: r = value_uint(w, UINT64_MAX, &u) ? "not a 64-bit unsigned number" : NULL; break;
	case VT_I32: r = value_i32(w, &i) ? "not a signed 32-bit number" : NULL; break;
	case VT_HEX:
	case VT_KEY:
		if (value_hex(w, buf, sizeof(buf), &len) == 0)
			break;
		len = strlen(value_skip0x(w));
		r = len == 0 ? "empty hex string" :
		    len % 2 ? "odd number of hex digits" :
		    len / 2 > sizeof(buf) ? "longer than 128 bytes" : "not a hex string";
		break;
	case VT_HEX32: r = value_hexnum(w, 8, &u) ? "not a hex number of up to 8 digits" : NULL; break;
	case VT_HEX64: r = value_hexnum(w, 16, &u) ? "not a hex number of up to 16 digits" : NULL; break;
	case VT_IP4: r = inet_pton(AF_INET, w, buf) != 1 ? "not an IPv4 address" : NULL; break;
	case VT_IP6: r = inet_pton(AF_INET6, w, buf) != 1 ? "not an IPv6 address" : NULL; break;
	case VT_IP: r = value_ip(w, buf, &len) ? "not an IPv4 or IPv6 address" : NULL; break;
	case VT_PREFIX:
		if (value_prefix(w, buf, &len, &plen) == 0)
			break;
		r = !strchr(w, '/') ? "not ADDRESS/LENGTH" :
		    "bad address or prefix length (0-32 for IPv4, 0-128 for IPv6)";
		break;
	case VT_MAC: r = value_mac(w, buf) ? "not a MAC address (xx:xx:xx:xx:xx:xx)" : NULL; break;
	case VT_IF:
		r = value_name_ok(w, "._/:-") ? NULL : "not an interface name (letter, then letters, digits, ._/:-; at most 63)";
		break;
	case VT_NAME:
		r = value_name_ok(w, "._-") ? NULL : "not a name (letter, then letters, digits, ._-; at most 63)";
		break;
	case VT_PATH:
	case VT_STR:
	case VT_SECRET:
	case VT_WORDS:
		r = *w && value_printable(w) ? NULL : "empty or has control characters";
		break;
	case VT_CRYPTO: case VT_INTEG: case VT_IKE_ENCR: case VT_IKE_INTEG: case VT_DH: case VT_KEYBITS:
		r = value_enum(type, w, &e) ? "unknown name" : NULL;
		break;
	case VT_ENG_ALG:
		r = value_enum(type, w, &e) ? "not an ESP algorithm or 'all'" : NULL;
		break;
	case VT_PCI: r = value_pci_ok(w) ? NULL : "not a PCI address ([dddd:]bb:dd.f)"; break;
	case VT_VDEV:
		r = isalpha((unsigned char)w[0]) && value_printable(w) ? NULL : "not a vdev spec (NAME[,ARGS])";
		break;
	default: r = "unknown type"; break;
	}
	if (r && why)
		snprintf(why, whylen, "%s", r);
	return r ? -1 : 0;
}

void value_describe(int type, char *buf, size_t len)
{
	const struct name_map *t = value_enum_table(type);
	static const char *const desc[VT_COUNT] = {
		[VT_KEY] = "hex bytes, 0x optional (a secret)",
		[VT_SECRET] = "string, quote it if it has spaces (a secret)",
		[VT_U8] = "number 0-255",
		[VT_U16] = "number 0-65535",
		[VT_U32] = "number 0-4294967295 (decimal or 0x hex)",
		[VT_I32] = "signed 32-bit number",
		[VT_U64] = "64-bit unsigned number",
		[VT_HEX] = "hex bytes, 0x optional",
		[VT_HEX32] = "hex number, up to 8 digits, 0x optional",
		[VT_HEX64] = "hex number, up to 16 digits, 0x optional",
		[VT_IP4] = "IPv4 address",
		[VT_IP6] = "IPv6 address",
		[VT_IP] = "IPv4 or IPv6 address",
		[VT_PREFIX] = "ADDRESS/LENGTH, IPv4 or IPv6",
		[VT_MAC] = "MAC address xx:xx:xx:xx:xx:xx",
		[VT_IF] = "interface name",
		[VT_NAME] = "name",
		[VT_PATH] = "file path",
		[VT_STR] = "string (quote it if it has spaces)",
		[VT_PCI] = "PCI address [dddd:]bb:dd.f",
		[VT_VDEV] = "DPDK vdev spec NAME[,ARG=VALUE...]",
		[VT_WORDS] = "words",
	};

	if (t)
		names_list(t, buf, len);
	else
		snprintf(buf, len, "%s", type >= 0 && type < VT_COUNT && desc[type] ? desc[type] : "?");
}

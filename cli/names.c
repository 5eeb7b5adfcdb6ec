#include <stdio.h>
#include <string.h>

#include "names.h"

const struct name_map names_crypto[] = {
	{ "aes-cbc-128", 1 }, { "aes-cbc-192", 2 }, { "aes-cbc-256", 3 },
	{ "aes-ctr-128", 4 }, { "aes-ctr-192", 5 }, { "aes-ctr-256", 6 },
	{ "aes-gcm-128", 7 }, { "aes-gcm-192", 8 }, { "aes-gcm-256", 9 },
	{ "des-cbc", 10 },    { "3des-cbc", 11 },   { "none", 0 },
	{ NULL, 0 },
};

const struct name_map names_integ[] = {
	{ "md5-96", 1 },      { "sha1-96", 2 },     { "sha-256-96", 3 },
	{ "sha-256-128", 4 }, { "sha-384-192", 5 }, { "sha-512-256", 6 },
	{ "none", 0 },
	/* aliases */
	{ "sha1", 2 }, { "sha256-96", 3 }, { "sha256-128", 4 }, { "sha384-192", 5 },
	{ "sha512-256", 6 },
	{ NULL, 0 },
};

const struct name_map names_ike_encr[] = {
	{ "aes-cbc", 12 }, { "aes-ctr", 13 }, { "aes-gcm-16", 20 },
	{ "des", 2 },      { "3des", 3 },     { "none", 0 },
	{ NULL, 0 },
};

const struct name_map names_ike_integ[] = {
	{ "sha1-96", 2 },    { "sha256-128", 12 }, { "sha384-192", 13 },
	{ "sha512-256", 14 }, { "md5-96", 1 },     { "none", 0 },
	/* aliases: the ESP spelling */
	{ "sha-256-128", 12 }, { "sha-384-192", 13 }, { "sha-512-256", 14 },
	{ NULL, 0 },
};

const struct name_map names_dh[] = {
	{ "modp-768", 1 },       { "modp-1024", 2 },      { "modp-1536", 5 },
	{ "modp-2048", 14 },     { "modp-3072", 15 },     { "modp-4096", 16 },
	{ "modp-6144", 17 },     { "modp-8192", 18 },     { "ecp-256", 19 },
	{ "ecp-384", 20 },       { "ecp-521", 21 },       { "modp-1024s160", 22 },
	{ "modp-2048s224", 23 }, { "modp-2048s256", 24 }, { "ecp-192", 25 },
	{ "none", 0 },
	{ NULL, 0 },
};

const struct name_map names_ip_proto[] = {
	{ "ICMP", 1 }, { "TCP", 6 }, { "UDP", 17 }, { "IPSEC_ESP", 50 }, { "IPSEC_AH", 51 },
	{ "ICMP6", 58 },
	{ NULL, 0 },
};

const struct name_map names_id_type[] = {
	{ "ip4-addr", 1 }, { "fqdn", 2 }, { "rfc822", 3 }, { "ip6-addr", 5 }, { "key-id", 11 },
	{ "none", 0 },
	{ NULL, 0 },
};

const struct name_map names_auth[] = {
	{ "rsa-sig", 1 }, { "shared-key-mic", 2 }, { "none", 0 },
	{ NULL, 0 },
};

const struct name_map names_handler_alg[] = {
	{ "all", NAMES_ALG_ALL },
	{ "aes-cbc-128", 1 }, { "aes-cbc-192", 2 }, { "aes-cbc-256", 3 },
	{ "aes-ctr-128", 4 }, { "aes-ctr-192", 5 }, { "aes-ctr-256", 6 },
	{ "aes-gcm-128", 7 }, { "aes-gcm-192", 8 }, { "aes-gcm-256", 9 },
	{ "des-cbc", 10 },    { "3des-cbc", 11 },
	{ "md5-96", NAMES_ALG_INTEG | 1 },      { "sha1-96", NAMES_ALG_INTEG | 2 },
	{ "sha-256-96", NAMES_ALG_INTEG | 3 },  { "sha-256-128", NAMES_ALG_INTEG | 4 },
	{ "sha-384-192", NAMES_ALG_INTEG | 5 }, { "sha-512-256", NAMES_ALG_INTEG | 6 },
	/* aliases, as for ipsec sa add */
	{ "sha1", NAMES_ALG_INTEG | 2 }, { "sha256-96", NAMES_ALG_INTEG | 3 },
	{ "sha256-128", NAMES_ALG_INTEG | 4 }, { "sha384-192", NAMES_ALG_INTEG | 5 },
	{ "sha512-256", NAMES_ALG_INTEG | 6 },
	{ NULL, 0 },
};

const struct name_map names_engine[] = {
	{ "auto", 0 }, { "ipsec-mb", 1 }, { "openssl", 2 }, { "native", 3 },
	{ NULL, 0 },
};

const struct name_map names_arch[] = {
	{ "auto", 0 }, { "sse", 1 }, { "avx2", 2 }, { "avx512", 3 },
	{ NULL, 0 },
};

/* The texts of shm/region.h's SHM_FOREACH_SA_ERR, by the API's reason. */
const struct name_map names_sa_err[] = {
	{ "replay", 0 }, { "integrity check failed", 1 }, { "decryption failed", 2 },
	{ "bad padding", 3 }, { "sequence number cycled", 4 }, { "policy mismatch", 5 },
	{ "malformed packet", 6 }, { "packet too big after encapsulation", 7 },
	{ NULL, 0 },
};

int names_lookup(const struct name_map *t, const char *name, int *value)
{
	for (; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			*value = t->value;
			return 0;
		}
	}
	return -1;
}

const char *names_str(const struct name_map *t, int value)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return NULL;
}

void names_list(const struct name_map *t, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (const struct name_map *e = t; e->name; e++) {
		if (names_str(t, e->value) != e->name)
			continue; /* an alias */
		int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", e->name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
}

/*
 * Algorithm and protocol names of the CLI, both directions (parse and
 * print). The first entry for a value is its canonical, printed name;
 * later entries with the same value are accepted aliases.
 */
#ifndef IPSECGW_CLI_NAMES_H
#define IPSECGW_CLI_NAMES_H

struct name_map {
	const char *name;
	int value;
};

/* Terminated by { NULL, 0 }. Values are the proto enums' numbers. */
extern const struct name_map names_crypto[];   /* CryptoAlg */
extern const struct name_map names_integ[];    /* IntegAlg */
extern const struct name_map names_ike_encr[]; /* IkeEncr */
extern const struct name_map names_ike_integ[];/* IkeInteg */
extern const struct name_map names_dh[];       /* IANA DH group numbers */
extern const struct name_map names_ip_proto[]; /* printed protocol names */
extern const struct name_map names_id_type[];  /* IkeIdType */
extern const struct name_map names_auth[];     /* IkeAuthMethod */
/* `set crypto handler` algorithms: an ESP cipher (CryptoAlg), an integrity
 * algorithm (NAMES_ALG_INTEG | IntegAlg) or "all" (NAMES_ALG_ALL); no "none". */
extern const struct name_map names_handler_alg[];
#define NAMES_ALG_INTEG 0x100
#define NAMES_ALG_ALL 0x200
extern const struct name_map names_engine[];   /* CryptoEngine */
extern const struct name_map names_arch[];     /* CryptoArch */
extern const struct name_map names_sa_err[];   /* SaErrorCounter.Reason, as show prints it */

/* 0 and *value set if NAME is in T, else -1. */
int names_lookup(const struct name_map *t, const char *name, int *value);
/* Canonical name of VALUE in T, or NULL. */
const char *names_str(const struct name_map *t, int value);
/* "a|b|c" of the canonical names (aliases left out) into buf. */
void names_list(const struct name_map *t, char *buf, size_t len);

#endif

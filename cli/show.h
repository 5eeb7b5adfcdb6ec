/*
 * What ipsecctl prints for a show: which dumps a view needs, and the
 * replies formatted as text (VPP's layouts) or as JSON. Keys are printed
 * only when asked for, whatever the replies contain. Output is
 * deterministic (sorted where the service's order could vary, no times).
 */
#ifndef IPSECGW_CLI_SHOW_H
#define IPSECGW_CLI_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "grammar.h"
#include "msg.h"

#define SHOW_NDUMP (IPSECGW__V1__DUMP__WHAT__CRYPTO_ENGINES + 1)

/* The replies to a view's dumps, indexed by Dump.What (borrowed). */
struct show_data {
	const Ipsecgw__V1__Reply *r[SHOW_NDUMP];
};

/* Bit (1u << Dump.What) for each dump VIEW needs. */
unsigned show_dumps(enum cli_view view);
/* Fill DUMP (initialised by the caller) for dump WHAT of show S. */
void show_dump_request(const struct cli_show *s, int what, bool keys, Ipsecgw__V1__Dump *dump);
/* 0, or -1 with a message if a filter of S names nothing that exists. */
int show_check(const struct cli_show *s, const struct show_data *d, char *err, size_t errlen);
void show_text(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys);
/* A new reference, or NULL when out of memory. */
json_t *show_json(const struct cli_show *s, const struct show_data *d, bool keys);

/* Formatters by area (show_ipsec.c, show_if.c, show_ikev2.c, show_crypto.c). */
void show_ipsec_all(FILE *f, const struct show_data *d, bool keys);
void show_ipsec_sas(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys);
void show_ipsec_spds(FILE *f, const struct cli_show *s, const struct show_data *d);
void show_ipsec_tunnels(FILE *f, const struct show_data *d, bool keys);
void show_if_interfaces(FILE *f, const struct cli_show *s, const struct show_data *d);
void show_if_addresses(FILE *f, const struct cli_show *s, const struct show_data *d);
void show_if_fib(FILE *f, const struct show_data *d, bool v6);
void show_if_neighbors(FILE *f, const struct show_data *d, bool v6);
void show_if_errors(FILE *f, const struct show_data *d);
void show_ikev2_profiles(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys);
/* show crypto engines (show_crypto.c). */
void show_crypto_engines(FILE *f, const struct show_data *d);
/* show ikev2 sa [details] from a reply of ipsecgw-ikev2 (show_ikesa.c). */
void show_ikesa_text(FILE *f, const Ipsecgw__V1__Reply *r, bool details, bool keys);

/* Helpers shared by the formatters. */
const char *show_addr(const ProtobufCBinaryData *b, char *buf, size_t len);
/* Hex of B into buf; "" if it does not fit. */
const char *show_hex(const ProtobufCBinaryData *b, char *buf, size_t len);
/* The items of dump WHAT that show S lists (filtered by its id, name or
 * address family), sorted. Returns a heap array of borrowed pointers
 * (free it) and the count in *n; NULL with *n = 0 if there are none. */
void **show_items(const struct cli_show *s, const struct show_data *d, int what, size_t *n);
/* The SA of id ID in the SAS reply, or NULL. */
const Ipsecgw__V1__SaDetails *show_sa(const struct show_data *d, uint32_t id);

#endif

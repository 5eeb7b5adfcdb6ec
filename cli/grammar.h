/*
 * The ipsecctl grammar behind cli/parse.h, with what ipsecctl needs beyond
 * configuration requests: shows, ping, help, exec, quit, and the help and
 * completion text generated from the command table.
 * Pure: no I/O, no global state.
 */
#ifndef IPSECGW_CLI_GRAMMAR_H
#define IPSECGW_CLI_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define GRAMMAR_MAX_LINE 4096

enum cli_kind {
	CLI_EMPTY,    /* blank line or comment */
	CLI_REQUEST,  /* a configuration request: line.req */
	CLI_SHOW,     /* line.show */
	CLI_PING,     /* line.ping */
	CLI_HELP,     /* line.arg = topic ("" for all); line.complete for a trailing '?' */
	CLI_EXEC,     /* line.arg = file */
	CLI_QUIT,
};

enum cli_view {
	CLI_VIEW_IPSEC,        /* show ipsec: SAs, SPDs, tunnel protection */
	CLI_VIEW_SA,           /* show ipsec sa [id] */
	CLI_VIEW_SPD,          /* show ipsec spd [id] */
	CLI_VIEW_TUNNELS,      /* show ipsec tunnel interfaces */
	CLI_VIEW_IKEV2,        /* show ikev2 profile [name] */
	CLI_VIEW_INTERFACES,   /* show interface [name] */
	CLI_VIEW_ADDRESSES,    /* show interface address [name] */
	CLI_VIEW_FIB4, CLI_VIEW_FIB6,
	CLI_VIEW_NEIGH4, CLI_VIEW_NEIGH6,
	CLI_VIEW_ERRORS,
	CLI_VIEW_IKEV2_SA,     /* show ikev2 sa: served by ipsecgw-ikev2 */
	CLI_VIEW_IKEV2_SA_DETAILS,
	CLI_VIEW_CRYPTO_ENGINES, /* show crypto engines */
	CLI_VIEW_COUNT
};

struct cli_show {
	enum cli_view view;
	bool has_id;
	uint32_t id;
	char name[64];         /* interface or profile filter, "" = all */
};

struct cli_ping {
	uint8_t addr[16];
	size_t addr_len;
	char source[64];
	uint32_t repeat, size;
};

/* One parsed line. Owns req and arg; free with grammar_line_free. */
struct cli_line {
	enum cli_kind kind;
	gw_env *req;
	struct cli_show show;
	struct cli_ping ping;
	char *arg;
	bool complete;
};

/* 0 with *out filled, or -1 with a message naming the offending word in err
 * (*out then holds nothing to free). */
int grammar_parse(const char *line, struct cli_line *out, char *err, size_t errlen);
/* Frees what LINE owns (not LINE itself); accepts a zeroed line. */
void grammar_line_free(struct cli_line *line);

/* Called once per line of generated text. */
typedef void (*grammar_emit_fn)(void *ctx, const char *text);
/* Help for the commands that start with the words of TOPIC ("" = all).
 * Returns the number of commands listed. */
int grammar_help(const char *topic, grammar_emit_fn emit, void *ctx);
/* What may follow PARTIAL (a line being typed). If PARTIAL does not end in
 * a space its last word is a prefix to complete. Each candidate is emitted
 * as "word", "<name>  description" or "<cr>". Returns the count. */
int grammar_complete(const char *partial, grammar_emit_fn emit, void *ctx);
/* The single keyword that completes PARTIAL's last word, into buf; 0 if
 * there is exactly one, else -1. */
int grammar_complete_word(const char *partial, char *buf, size_t len);

#endif

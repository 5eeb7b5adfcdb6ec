/*
 * The command table and its handlers (private to gw_cli_parse). A handler
 * turns the captures of a matched pattern into a cli_line: it allocates
 * the request with the req_* helpers (parse.c) and returns 0, or -1 with
 * a message in err.
 */
#ifndef IPSECGW_CLI_CMD_H
#define IPSECGW_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar.h"
#include "pattern.h"

struct cli_match {
	char head[96];              /* the command's leading words, for messages */
	const char *const *word;
	const struct capture *cap;
	int ncap;
	int arg;                    /* cli_cmd.arg */
};

typedef int (*cli_handler)(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen);

struct cli_cmd {
	const char *pattern;
	const char *help;
	cli_handler fn;
	int arg;                    /* handler-specific (a view, a ClearCounters.What) */
};

extern const struct cli_cmd cmd_table[];
extern const size_t cmd_table_len;

/* Values by capture name (the text between '<' and ':'); cmd_has is also
 * true for a matched keyword of that (canonical) spelling. */
const char *cmd_get(const struct cli_match *m, const char *name);
int cmd_count(const struct cli_match *m, const char *name);
const char *cmd_nth(const struct cli_match *m, const char *name, int i);
bool cmd_has(const struct cli_match *m, const char *name);
/* Typed getters for values the matcher has already checked; false if absent. */
bool cmd_u32(const struct cli_match *m, const char *name, uint32_t *out);
bool cmd_u64(const struct cli_match *m, const char *name, uint64_t *out);
int cmd_error(const struct cli_match *m, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Handlers, one file per area: cmd_if.c, cmd_ipsec.c, cmd_ikev2.c, cmd_crypto.c, cmd_misc.c. */
int cmd_if_state(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_address(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_unnumbered(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_mtu(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_neighbor(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_loop_create(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_loop_delete(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_route(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_if_port(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_spd(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_if_spd(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_policy(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_sa_add(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_sa_del(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_sa_key(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_itf_create(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_itf_delete(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ipsec_protect(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_profile(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_auth(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_local_key(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_liveness(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_id(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_ts(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_responder(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_transforms(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_lifetime(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_ikev2_initiate(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_crypto_handler(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_clear(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_show(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_ping(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_help(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_exec(const struct cli_match *, struct cli_line *, char *, size_t);
int cmd_misc_quit(const struct cli_match *, struct cli_line *, char *, size_t);

#endif

/*
 * ipsecctl's executor: runs one line (parse, send, print), a file of lines
 * or a stream, and maps every outcome to an exit code.
 */
#ifndef IPSECGW_CLI_CTL_H
#define IPSECGW_CLI_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "msg.h"

enum ctl_exit {
	CTL_OK = 0,
	CTL_ERROR = 1,        /* anything else (a file that cannot be read, out of memory) */
	CTL_USAGE = 2,        /* bad options, or a line that does not parse */
	CTL_REJECTED = 3,     /* the service answered with an error */
	CTL_UNREACHABLE = 4,  /* no config socket, or no answer in time */
};

#define CTL_MAX_DEPTH 8   /* exec inside exec */

struct ctl {
	const char *instance;  /* borrowed */
	bool dry_run, keys, json;
	int timeout_ms;
	FILE *out, *err;
	struct gw_client client;
	bool connected;
	int depth;
	char where[300];       /* "FILE:LINE: " while running a file */
};

void ctl_init(struct ctl *c, const char *instance);
void ctl_fini(struct ctl *c);
/* Run one line; *quit is set by quit/exit. Returns an enum ctl_exit. */
int ctl_line(struct ctl *c, const char *line, bool *quit);
/* Run each line of PATH (or of IN, named NAME), stopping at the first
 * error, which is reported with FILE:LINE. */
int ctl_file(struct ctl *c, const char *path);
int ctl_stream(struct ctl *c, FILE *in, const char *name);
/* The exit codes, for --help and docs. */
extern const char ctl_exit_help[];

#endif

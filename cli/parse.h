/*
 * ipsecctl's grammar: one line of the VPP CLI of the seed page -> one API
 * request. Used by ipsecctl and by ipsecgw-config for its startup file.
 * Pure: no I/O, no state.
 */
#ifndef IPSECGW_CLI_PARSE_H
#define IPSECGW_CLI_PARSE_H

#include <stddef.h>

#include "msg.h"

/* Parse one configuration line.
 * Returns 1 and sets *req (adopted by the caller, free with
 * cli_request_free) for a line that is a configuration request;
 * 0 for a blank or comment line, or a line that is valid but is not a
 * configuration request (show, ping, help, exec, quit) -- *req is NULL;
 * -1 for a usage error, with a message naming the offending token in err. */
int cli_parse_request(const char *line, gw_env **req, char *err, size_t errlen);
void cli_request_free(gw_env *req);

#endif

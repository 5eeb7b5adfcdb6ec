/*
 * Building requests (private to gw_cli_parse). Every pointer inside a
 * request is separately heap-allocated, so the protobuf-c generic free
 * releases a request completely; req_free wipes every byte and string
 * field first (keys, pre-shared secrets).
 */
#ifndef IPSECGW_CLI_REQ_H
#define IPSECGW_CLI_REQ_H

#include <stddef.h>

#include "grammar.h"

/* Allocates out->req if needed and a zeroed, initialised body message of
 * type D as its oneof member BODY_CASE; out->kind becomes CLI_REQUEST.
 * Returns the body (owned by out->req) or NULL when out of memory. */
void *req_body(struct cli_line *out, int body_case, const ProtobufCMessageDescriptor *d);
/* A zeroed, initialised message of type D (adopted by the request the
 * caller links it into), or NULL. */
void *req_msg(const ProtobufCMessageDescriptor *d);
/* Copies: 0, or -1 when out of memory. */
int req_str(char **dst, const char *s);
int req_bytes(ProtobufCBinaryData *dst, const void *p, size_t n);
/* Wipe and free a request built with these helpers; accepts NULL. */
void req_free(gw_env *env);

#endif

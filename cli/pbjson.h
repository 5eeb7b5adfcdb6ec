/*
 * Any API message as JSON (jansson), driven by the protobuf-c descriptors:
 * proto field names, enum value names, addresses as text, other bytes as
 * hex. Secrets (SA keys, IKE pre-shared keys) become "<hidden>" unless
 * PBJSON_KEYS is given. Also a protobuf-text-like rendering of the result.
 */
#ifndef IPSECGW_CLI_PBJSON_H
#define IPSECGW_CLI_PBJSON_H

#include <stdio.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#define PBJSON_KEYS 1u

/* A new reference, or NULL when out of memory. */
json_t *pbjson_message(const ProtobufCMessage *m, unsigned flags);
/* The body of a request envelope alone: {"sa_add": {...}}. */
json_t *pbjson_request(const ProtobufCMessage *env, unsigned flags);
/* Text form: "name: value" lines, "name {" ... "}" for objects. */
void pbjson_text(FILE *f, const json_t *obj, int indent);

#endif

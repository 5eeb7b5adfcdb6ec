/*
 * Envelope transport over ZeroMQ: encode/decode of ipsecgw.v1.Envelope and
 * the request/reply helper clients use. Ownership: msg_recv returns an
 * envelope the caller frees with msg_free.
 */
#ifndef IPSECGW_COMMON_MSG_H
#define IPSECGW_COMMON_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ipsecgw.pb-c.h"

typedef Ipsecgw__V1__Envelope gw_env;

/* Encode and send env as one frame. 0 or -errno. */
int msg_send(void *sock, const gw_env *env, int flags);
/* Receive one frame and decode it. NULL on error (-errno in *rc; -EBADMSG if
 * the bytes are not an Envelope, -EMSGSIZE if over GW_MAX_MSG). */
gw_env *msg_recv(void *sock, int flags, int *rc);
/* Decode a buffer. NULL if it is not an Envelope. */
gw_env *msg_decode(const uint8_t *buf, size_t len);
void msg_free(gw_env *env);

/* Client side: a REQ-like DEALER connection to the config service. */
struct gw_client {
	void *ctx;
	void *sock;
	uint64_t next_id;
	int timeout_ms;
};
/* Connect to INSTANCE's config service. 0, or -ENOENT if its socket does
 * not exist (service not running), or -errno. */
int gw_client_open(struct gw_client *c, const char *instance, int timeout_ms);
/* The same for another service's ROUTER socket ("ikev2" for ipsecgw-ikev2). */
int gw_client_open_sock(struct gw_client *c, const char *instance, const char *which, int timeout_ms);
void gw_client_close(struct gw_client *c);
/* Send one request (env->body set by the caller; api_version and
 * request_id are filled in) and wait for its reply. Returns the reply
 * envelope (caller frees) or NULL with -ETIMEDOUT/-errno in *rc. */
gw_env *gw_client_call(struct gw_client *c, gw_env *req, int *rc);

#endif

/*
 * ipsecgw-config, the configuration service: the only writer of the shared
 * region's configuration tables. This is the header others (main.c, tests,
 * the fuzz target) include; cfg_priv.h is the module's own.
 *
 * Error convention: constructors return a pointer or NULL; control
 * functions 0 or -errno; request handlers answer with a Reply whose code is
 * a stable ErrorCode (proto/ipsecgw.proto) and never fail otherwise.
 * Out of memory aborts the process (the journal makes a restart safe).
 */
#ifndef IPSECGW_SVC_CONFIG_CFG_H
#define IPSECGW_SVC_CONFIG_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "msg.h"
#include "region.h"

typedef Ipsecgw__V1__Reply cfg_reply;

struct cfg;

/* The service state over region r (borrowed: it must outlive the result),
 * with the id->index maps rebuilt from r's content. pub is a ZeroMQ PUB
 * socket (borrowed) or NULL: events are then numbered but not sent.
 * NULL on allocation failure. */
struct cfg *cfg_open(struct shm_region *r, void *pub);
/* Accepts NULL. Does not touch the region. */
void cfg_close(struct cfg *c);
/* Attach (or detach with NULL) the PUB socket events go to. */
void cfg_events_set_pub(struct cfg *c, void *pub);
/* Sequence number of the last event published by this cfg (0: none yet). */
uint64_t cfg_events_seq(const struct cfg *c);

/* Handle one request envelope (borrowed). Returns the reply, adopted by the
 * caller: free it with cfg_reply_free. A rejected request leaves the region
 * byte-for-byte unchanged; an accepted change is committed (journal) before
 * this returns. */
cfg_reply *cfg_dispatch(struct cfg *c, const gw_env *req);
void cfg_reply_free(cfg_reply *rep);

/* Wire level: the bytes of one request in, a packed reply Envelope out
 * (*out adopted by the caller, free() it). Oversized or undecodable input is
 * answered MALFORMED with request_id 0. Returns the reply length. */
size_t cfg_handle(struct cfg *c, const uint8_t *buf, size_t len, uint8_t **out);
/* A reply (borrowed) in its Envelope, packed into *out (adopted: free()). */
size_t cfg_pack(uint64_t request_id, cfg_reply *rep, uint8_t **out);

/* The whole service: region, recovery, startup file, sockets, event loop.
 * Returns the process exit status. */
struct cfg_options {
	const char *instance;
	const char *startup;    /* CLI lines, applied only on a fresh region */
	int reset;              /* discard the existing region */
	int log_level;
};
int cfg_service_run(const struct cfg_options *o);

/* Apply a startup file of CLI lines through cfg_dispatch. 0, or -1 after
 * logging "FILE:LINE: error" for the first bad line (later lines are not
 * applied). */
int cfg_startup_apply(struct cfg *c, const char *path);

#endif

/*
 * Installing negotiated child SAs (ikev2_install_*): the operations the
 * engine needs, as an interface, and the implementation over the config
 * API (the same requests an operator sends: SaAdd, SaDel, TunnelCreate,
 * TunnelProtect, InterfaceSetState, TunnelDelete). Tests plug in a mock.
 *
 * Ownership: specs are BORROWED for the call (and hold keys: the caller
 * wipes them). Errors: 0, -EEXIST (sa_add: that SA id is taken), -ENOENT
 * (no such object), -EBUSY (in use), -EAGAIN (config service unreachable),
 * -EINVAL (refused).
 */
#ifndef IPSECGW_IKEV2_INSTALL_H
#define IPSECGW_IKEV2_INSTALL_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2_net.h"
#include "msg.h"

struct ikev2_sa_spec {
	uint32_t sa_id, spi;
	uint8_t crypto_alg;             /* enum shm_crypto_alg */
	uint8_t integ_alg;              /* enum shm_integ_alg */
	uint8_t ckey_len, ikey_len;
	uint8_t ckey[36];               /* key, then the 4-octet salt for CTR/GCM */
	uint8_t ikey[64];
	struct ikev2_addr src, dst;     /* tunnel endpoints; ports used with udp_encap */
	bool udp_encap;
	bool esn;
};

struct ikev2_install_ops {
	int (*sa_add)(void *arg, const struct ikev2_sa_spec *s);
	int (*sa_del)(void *arg, uint32_t sa_id);
	int (*tunnel_create)(void *arg, uint32_t *instance);     /* ipsecN; N out */
	/* Replaces the tunnel's protection: sa_out 0 = none. */
	int (*tunnel_protect)(void *arg, uint32_t instance, uint32_t sa_out, const uint32_t *sa_in,
			      unsigned n_in);
	int (*tunnel_up)(void *arg, uint32_t instance);
	int (*tunnel_delete)(void *arg, uint32_t instance);
	/*
	 * Optional (NULL: the calls above one by one): a child on a tunnel of
	 * its own in one request — sa_add(in), sa_add(out), tunnel_create,
	 * tunnel_protect(out, [in]), tunnel_up — all or nothing: on an error
	 * what was done is undone. -EEXIST: an SA id or the tunnel instance
	 * it chose was taken, or the request was refused as a whole (the
	 * caller goes step by step instead).
	 */
	int (*child_add)(void *arg, const struct ikev2_sa_spec *in, const struct ikev2_sa_spec *out,
			 uint32_t *instance);
};

/* The config-API implementation; arg is a struct ikev2_install_api. */
#define IKEV2_INSTALL_MAX_INST 16384    /* ipsecN instances child_add picks from */
struct ikev2_install_api {
	char instance[32];
	struct gw_client cl;
	int open;
	int timeout_ms;
	/* ipsecN known to exist (made by us, or found taken): child_add names
	 * the lowest other N, as the config service would. */
	uint64_t inst_used[IKEV2_INSTALL_MAX_INST / 64];
	/* The region, to wait for the dataplane to run on a change before the
	 * daemon answers the peer (NULL: do not wait). */
	const struct shm_region *r;
	unsigned barrier_timeouts;      /* waits that gave up (logged once) */
};
extern const struct ikev2_install_ops ikev2_install_api_ops;
void ikev2_install_api_init(struct ikev2_install_api *a, const char *instance, int timeout_ms);
void ikev2_install_api_close(struct ikev2_install_api *a);

#endif

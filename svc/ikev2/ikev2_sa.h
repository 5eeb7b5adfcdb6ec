/*
 * IKE SAs and child SAs (ikev2_sa_*, ikev2_child_*): the objects, their
 * lookup tables, and the one function per object that changes its state
 * (STYLE 7). A state change logs the transition by name and carries its
 * consequences in one place: gauges, persistence to the region, events on
 * the bus, timers.
 *
 * Ownership: the engine owns every SA (ikev2_sa_new links it in); an IKE SA
 * owns its children, task manager, DH context and keys. Everything secret
 * is wiped when freed.
 */
#ifndef IPSECGW_IKEV2_SA_H
#define IPSECGW_IKEV2_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_keys.h"
#include "ike_parse.h"
#include "ikev2_net.h"
#include "ikev2_timers.h"
#include "ikev2_tm.h"
#include "region.h"

struct ikev2_engine;

#define IKEV2_SA_STATES(X)                      \
	X(CONNECTING, "connecting")             \
	X(ESTABLISHED, "established")           \
	X(REKEYING, "rekeying")                 \
	X(REKEYED, "rekeyed")                   \
	X(DELETING, "deleting")                 \
	X(DEAD, "dead")

enum ikev2_sa_state {
#define IKEV2_SA_STATE_ENUM(n, s) IKEV2_SA_##n,
	IKEV2_SA_STATES(IKEV2_SA_STATE_ENUM)
#undef IKEV2_SA_STATE_ENUM
};

#define IKEV2_CHILD_STATES(X)                   \
	X(CREATING, "creating")                 \
	X(INSTALLED, "installed")               \
	X(REKEYING, "rekeying")                 \
	X(REKEYED, "rekeyed")                   \
	X(DELETING, "deleting")                 \
	X(DELETED, "deleted")

enum ikev2_child_state {
#define IKEV2_CHILD_STATE_ENUM(n, s) IKEV2_CHILD_##n,
	IKEV2_CHILD_STATES(IKEV2_CHILD_STATE_ENUM)
#undef IKEV2_CHILD_STATE_ENUM
};

/* A chosen set of transforms (IANA ids; 0 = none). */
struct ikev2_xf {
	uint16_t encr, key_bits, prf, integ, dh, esn;
};

#define IKEV2_NONCE_LEN 32      /* the nonces we send */
#define IKEV2_ID_MAX 256

struct ikev2_child {
	struct ikev2_child *next;
	struct ikev2_child *hnext;      /* engine hash by spi_in */
	struct ikev2_sa *ike;
	enum ikev2_child_state state;
	bool initiator;                 /* we initiated the exchange that made it */
	bool out_active;                /* its outbound SA is the one the tunnel sends on */
	bool installed;                 /* both SAs are in the SAD */
	bool rekey_of;                  /* made by a rekey (event: rekeyed) */
	uint32_t spi_in, spi_out;
	uint32_t sa_in, sa_out;         /* SAD ids, 0 none */
	uint32_t tunnel;                /* ipsecN, UINT32_MAX none */
	struct ikev2_xf xf;
	struct ike_ts ts_l, ts_r;       /* negotiated: local side, remote side */
	struct ike_child_keys keys;     /* i/r of the exchange that made it */
	uint32_t successor;             /* spi_in of the child that replaced it, 0 none */
	/* Simultaneous rekey (2.8.1): the peer rekeyed this child while our
	 * own rekey of it was in flight. */
	uint32_t peer_rekey_spi;        /* spi_in of the child the peer's exchange made */
	uint16_t peer_rekey_nonce_len;
	uint8_t peer_rekey_nonce[256];  /* the lowest nonce of the peer's exchange */
	uint64_t created_ms;
	uint64_t created_rt, rekey_rt, expire_rt;  /* CLOCK_REALTIME seconds */
	struct ikev2_timer t_rekey, t_expire;
};

struct ikev2_sa {
	struct ikev2_sa *hnext;         /* by local SPI */
	struct ikev2_sa *half_next;     /* responder half-open: by (SPIi, remote) */
	struct ikev2_sa *next, *prev;   /* every SA, creation order */
	enum ikev2_sa_state state;
	bool initiator;                 /* original initiator (I flag) */
	bool hashed, half_hashed, counted_half;
	uint8_t spi_i[8], spi_r[8];
	struct ikev2_path path;
	bool natt;                      /* IKE moved to the NAT-T port */
	bool nat_local, nat_remote;     /* we / the peer are behind a NAT */
	bool has_prof;
	struct shm_profile prof;        /* the profile (copy, holds the PSK) */
	struct ikev2_xf xf;
	bool keyed;
	struct ike_sa_keys keys;
	struct ike_sk sk_in, sk_out;
	uint16_t ni_len, nr_len;
	uint8_t ni[256], nr[256];
	struct ike_dh *dh;
	uint8_t *init_req, *init_resp;  /* IKE_SA_INIT messages, kept until IKE_AUTH is done */
	size_t init_req_len, init_resp_len;
	uint8_t id_i_type, id_r_type;
	uint16_t id_i_len, id_r_len;
	uint8_t id_i[IKEV2_ID_MAX], id_r[IKEV2_ID_MAX];
	uint8_t cookie_len;             /* initiator: COOKIE to echo */
	uint8_t cookie[64];
	uint16_t ke_group;              /* initiator: group for our KE (INVALID_KE moves it) */
	uint32_t peer_sig_hashes;       /* the peer's SIGNATURE_HASH_ALGORITHMS (IKE_SIG_HASH_BIT mask) */
	uint32_t tx_next, rx_next;      /* message IDs */
	struct ikev2_tm tm;
	struct ikev2_child *children;
	uint64_t created_ms, established_ms, last_rx_ms;
	uint64_t created_rt, rekey_rt;  /* CLOCK_REALTIME seconds */
	uint32_t store_slot;            /* region record, UINT32_MAX none */
	bool rekeyed_from;              /* made by an IKE rekey (event: rekeyed) */
	bool restart;                   /* liveness action restart: initiate again when dead */
	/* Simultaneous IKE rekey: the SA the peer's rekey made, and the lowest nonce of it. */
	uint8_t peer_rekey_spi[8];
	bool peer_rekeyed;
	uint16_t peer_rekey_nonce_len;
	uint8_t peer_rekey_nonce[256];
	uint8_t successor_spi[8];       /* REKEYED: the local SPI of the SA that replaced it */
	struct ikev2_timer t_retx, t_half, t_rekey, t_live, t_keepalive, t_reap;
};

const char *ikev2_sa_state_name(enum ikev2_sa_state s);

/* A new SA in CONNECTING with a fresh random local SPI, hashed and linked.
 * NULL when out of memory. */
struct ikev2_sa *ikev2_sa_new(struct ikev2_engine *e, bool initiator);
/* Unlink, cancel timers, wipe and free: children must be gone (DEAD). */
void ikev2_sa_free(struct ikev2_engine *e, struct ikev2_sa *sa);

/* THE state change of an IKE SA. */
void ikev2_sa_set_state(struct ikev2_engine *e, struct ikev2_sa *sa, enum ikev2_sa_state s);

/* Our SPI of the SA (SPIi when initiator, SPIr when responder). */
const uint8_t *ikev2_sa_local_spi(const struct ikev2_sa *sa);
const uint8_t *ikev2_sa_remote_spi(const struct ikev2_sa *sa);
/* Set the SPI chosen by the peer; hashes nothing. */
void ikev2_sa_set_remote_spi(struct ikev2_sa *sa, const uint8_t spi[8]);
/* Lookup by our SPI; by (SPIi, remote) for half-open responder SAs. */
struct ikev2_sa *ikev2_sa_find(const struct ikev2_engine *e, const uint8_t spi[8]);
struct ikev2_sa *ikev2_sa_find_half(const struct ikev2_engine *e, const uint8_t spi_i[8],
				    const struct ikev2_addr *remote);
void ikev2_sa_hash_half(struct ikev2_engine *e, struct ikev2_sa *sa);
void ikev2_sa_unhash_half(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Give sa a new local SPI (IKE rekey); rehashes it. */
void ikev2_sa_set_local_spi(struct ikev2_engine *e, struct ikev2_sa *sa, const uint8_t spi[8]);
/* "ispi/rspi" hex for logs; buf at least 40 octets. */
const char *ikev2_sa_name(const struct ikev2_sa *sa, char *buf, size_t len);
uint64_t ikev2_spi_u64(const uint8_t spi[8]);

/* IKE_AUTH is over: drop the IKE_SA_INIT messages and the DH private value. */
void ikev2_sa_auth_done(struct ikev2_sa *sa);
unsigned ikev2_sa_n_children(const struct ikev2_sa *sa);

#endif

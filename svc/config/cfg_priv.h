/*
 * The config service's private header: state, and the helpers its files
 * share. Not for use outside svc/config.
 *
 * Every request handler has the shape
 *     void cfg_X_Y(struct cfg *c, const Msg *m, cfg_reply *rep);
 * validates everything first (reading the region, never writing it), then
 * stages, commits and publishes through cfg_change_*. A rejection only
 * fills rep through cfg_reply_fail.
 */
#ifndef IPSECGW_SVC_CONFIG_CFG_PRIV_H
#define IPSECGW_SVC_CONFIG_CFG_PRIV_H

#include <stdatomic.h>
#include <stdint.h>

#include "cfg.h"
#include "instance.h"
#include "journal.h"

typedef Ipsecgw__V1__ErrorCode cfg_code;
typedef ProtobufCBinaryData cfg_bytes;

#define CFG_NONE UINT32_MAX     /* "no index" */

/* ---- cfg_index.c: id -> record index, rebuilt from the region ---------- */

/* Open-addressing multimap uint32 -> uint32 (linear probing, backward-shift
 * deletion). Unique keys for SA and SPD ids; policy spec hashes may repeat. */
struct cfg_map {
	uint32_t *key;
	uint32_t *val;          /* CFG_NONE = empty slot */
	uint32_t mask;
};

struct cfg_index {
	struct cfg_map sa;      /* sa_id -> SA index */
	struct cfg_map spd;     /* spd_id -> SPD index */
	struct cfg_map pol;     /* hash of the policy's spec -> policy index */
	struct cfg_map ifc;     /* hash of the interface name -> interface index */
	uint32_t inst_hint[2];  /* loopN, ipsecN: every instance below is taken */
	uint32_t *sa_refs;      /* per SA index: protecting policies + tunnel uses */
	uint32_t *sa_tunnel;    /* per SA index: the tunnel record it protects, CFG_NONE */
	uint32_t *spd_npol;     /* per SPD index: policies in it */
	uint32_t hint[SHM_T_CONFIG_N]; /* no free record below this index */
};

int cfg_index_init(struct cfg_index *x);
void cfg_index_fini(struct cfg_index *x);
/* Rebuild every map from the region's in-use records. */
void cfg_index_build(struct cfg *c);
/* After a commit: record (t, i) went from image old to image new. */
void cfg_index_update(struct cfg *c, enum shm_table t, uint32_t i, const void *old,
		      const void *new);
/* A free record of table t, or CFG_NONE if the table is full. Pure. */
uint32_t cfg_index_free(const struct cfg *c, enum shm_table t);
/* Lookups: record index or CFG_NONE. */
uint32_t cfg_index_sa(const struct cfg *c, uint32_t sa_id);
uint32_t cfg_index_spd(const struct cfg *c, uint32_t spd_id);
/* The in-use policy whose spec equals p's (header and index ignored). */
uint32_t cfg_index_policy(const struct cfg *c, const struct shm_policy *p);
uint32_t cfg_index_ifc(const struct cfg *c, const char *name);  /* CFG_NONE if absent */
uint32_t cfg_index_name_hash(const char *name);
uint32_t cfg_index_policy_hash(const struct shm_policy *p);

/* ---- cfg_events.c: the PUB side ----------------------------------------- */

struct cfg_events {
	void *pub;              /* borrowed; NULL: count only */
	uint64_t seq;           /* last published, gap-free from 1 per run */
};

/* Number and publish one event. Returns its seq. */
uint64_t cfg_events_publish(struct cfg *c, uint64_t generation, Ipsecgw__V1__Event__Kind kind,
			    Ipsecgw__V1__Event__Object object, const char *name,
			    const Ipsecgw__V1__Ikev2Initiate *initiate);

/* ---- the service state ----------------------------------------------------- */

struct cfg {
	struct shm_region *r;   /* borrowed */
	struct cfg_index idx;
	struct cfg_events ev;
};

static inline void *cfg_rec(const struct cfg *c, enum shm_table t, uint32_t i)
{
	return shm_rec(c->r, t, i);
}
static inline int cfg_in_use(const struct cfg *c, enum shm_table t, uint32_t i)
{
	return ((const struct shm_rec_hdr *)shm_rec(c->r, t, i))->in_use != 0;
}
static inline uint64_t cfg_generation(const struct cfg *c)
{
	return atomic_load(&c->r->hdr->generation);
}

/* ---- cfg_reply.c: replies and allocation ------------------------------------ */

cfg_reply *cfg_reply_new(void);
/* Fill rep with code, field and "field: text". Returns -1, so a check can
 * `return cfg_reply_fail(...)`. */
int cfg_reply_fail(cfg_reply *rep, cfg_code code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Allocation that aborts on failure (see cfg.h). */
void *cfg_reply_calloc(size_t n, size_t size);
char *cfg_reply_strdup(const char *s);
void cfg_reply_bytes(cfg_bytes *dst, const void *src, size_t len);

/* ---- cfg_server.c, cfg_service.c ----------------------------------------------- */

/* Serve ROUTER socket router (borrowed) until SIGTERM/SIGINT; ready(arg) is
 * called once the loop watches the socket. 0 or -errno. */
int cfg_server_run(struct cfg *c, void *router, void (*ready)(void *), void *arg);

/* ---- cfg_change.c: one journaled change ------------------------------------- */

struct cfg_change {
	struct shm_txn tx;
	uint32_t n;
	struct {
		enum shm_table t;
		uint32_t i;
		_Alignas(16) uint8_t old[SHM_JOURNAL_IMAGE_MAX]; /* read as a record */
	} ent[SHM_JOURNAL_MAX];
};

void cfg_change_begin(struct cfg *c, struct cfg_change *ch);
/* The journal image of record (t, i) to edit. Aborts on a 5th record: every
 * request stages at most SHM_JOURNAL_MAX records by construction. */
void *cfg_change_stage(struct cfg_change *ch, enum shm_table t, uint32_t i);
/* Same, zeroed and marked in use (a new record) or zeroed (a delete). */
void *cfg_change_new(struct cfg_change *ch, enum shm_table t, uint32_t i);
void cfg_change_delete(struct cfg_change *ch, enum shm_table t, uint32_t i);
/* Commit, update the index, publish one event (name printf-style) and
 * record the generation in rep. */
void cfg_change_commit(struct cfg *c, struct cfg_change *ch, cfg_reply *rep,
		       Ipsecgw__V1__Event__Kind kind, Ipsecgw__V1__Event__Object object,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- cfg_valid.c: shared checks and formatting -------------------------------- */

/* Address family of raw address bytes: SHM_AF_INET (4 bytes), SHM_AF_INET6
 * (16 bytes) or SHM_AF_NONE. */
int cfg_valid_af(size_t len);
const char *cfg_valid_af_name(int af);   /* "ip4" / "ip6" */
/* Parse an address field: 0 and *af/addr16 (zero-padded), or -1 after
 * failing rep (INVALID_ARGUMENT) when absent or not 4/16 bytes. want_af
 * SHM_AF_NONE accepts either family. */
int cfg_valid_addr(cfg_reply *rep, const char *field, int present, const cfg_bytes *b,
		   int want_af, int *af, uint8_t addr16[16]);
/* A unicast host address: not unspecified, multicast or (ip4) broadcast. */
int cfg_valid_unicast(cfg_reply *rep, const char *field, int af, const uint8_t *a);
/* Addresses compared as big-endian bytes. */
int cfg_valid_addr_cmp(int af, const uint8_t *a, const uint8_t *b);
int cfg_valid_addr_len(int af);
/* Text form of an address (inet_ntop) into buf[64]. */
const char *cfg_valid_ntop(char *buf, int af, const uint8_t *a);
/* Mask addr to plen bits (dst may equal src). */
void cfg_valid_mask(uint8_t dst[16], const uint8_t *src, int af, unsigned plen);
/* A required string is present and 1..max-1 bytes. */
int cfg_valid_str(cfg_reply *rep, const char *field, const char *s, size_t max);
/* Printable ASCII, optionally with spaces. */
int cfg_valid_printable(const void *p, size_t n, int allow_space);
/* s quoted for messages: non-printables escaped, truncated; into buf[80]. */
const char *cfg_valid_quote(char *buf, const char *s);
/* Interface name rules (cfg_valid.c documents them): 0 or -1 (rep failed). */
int cfg_valid_ifname(cfg_reply *rep, const char *field, const char *name);
/* A port range [start, end] with start <= end <= 65535. */
int cfg_valid_ports(cfg_reply *rep, const char *fs, const char *fe, int has_s, uint32_t s,
		    int has_e, uint32_t e, uint16_t *ps, uint16_t *pe);

/* ---- lookups shared between files --------------------------------------------- */

/* cfg_ifc.c: interface index by name or -1; and a description of what
 * references interface i (addresses, routes, ...), "" if nothing. */
int32_t cfg_ifc_find(const struct cfg *c, const char *name);
const char *cfg_ifc_refs(const struct cfg *c, uint32_t i, char *buf, size_t len);
/* A name lookup that fails rep: INVALID_ARGUMENT for an impossible name,
 * NOT_FOUND for an unknown one. Index or -1. */
int32_t cfg_ifc_lookup(const struct cfg *c, cfg_reply *rep, const char *field, const char *name);
/* A new interface record's fields; and the lowest N with no PREFIXN interface. */
void cfg_ifc_init_rec(struct shm_ifc *f, const char *name, int kind, uint32_t instance);
uint32_t cfg_ifc_free_instance(struct cfg *c, const char *prefix);

/* cfg_sa.c: algorithm names, and who uses SA index i. */
const char *cfg_sa_crypto_name(unsigned alg);
const char *cfg_sa_integ_name(unsigned alg);
const char *cfg_sa_user(const struct cfg *c, uint32_t sa_id, char *buf, size_t len);

/* ---- cfg_dump.c, cfg_dump_ipsec.c: dumps, paged to fit GW_MAX_MSG ------------ */

/* A dump walks sections in this order; a cursor is (section << 24 | pos). */
enum cfg_dump_sec {
	CFG_DUMP_IFC, CFG_DUMP_ROUTE, CFG_DUMP_NEIGH, CFG_DUMP_SA, CFG_DUMP_SPD,
	CFG_DUMP_TUNNEL, CFG_DUMP_PROFILE, CFG_DUMP_ERRORS, CFG_DUMP_N
};
#define CFG_DUMP_CURSOR(sec, pos) (((uint32_t)(sec) << 24) | ((pos) & 0xffffffu))
#define CFG_DUMP_BUDGET (GW_MAX_MSG - 16384) /* details per reply, in bytes */

struct cfg_dump {
	struct cfg *c;
	cfg_reply *rep;
	int with_keys;
	int has_id;             /* SA / SPD id filter */
	uint32_t id;
	size_t used, items;     /* packed bytes and details in this page */
	int more;               /* page full: rep->next_cursor is set */
};

/* Account for one detail of packed size sz: 1 if it fits the page (the
 * first always does), else 0 and the page is closed at (sec, pos). */
int cfg_dump_fits(struct cfg_dump *d, size_t sz, unsigned sec, uint32_t pos);
/* Grow a details array about to hold its n+1st element. */
void *cfg_dump_grow(void *arr, size_t n, size_t elem);
#define CFG_DUMP_PUSH(arr, n, item)                                     \
	do {                                                            \
		(arr) = cfg_dump_grow((arr), (n), sizeof(*(arr)));      \
		(arr)[(n)++] = (item);                                  \
	} while (0)
/* Copy n bytes a dataplane wrote under the seqlock *seq. 0, or -1 if the
 * seqlock stayed odd (a writer died mid-write): dst is then zeroed. */
int cfg_dump_rt_read(const _Atomic uint32_t *seq, const void *src, void *dst, size_t n);
void cfg_dump_ipsec_sas(struct cfg_dump *d, uint32_t pos);
void cfg_dump_ipsec_spds(struct cfg_dump *d, uint32_t pos);
void cfg_dump_ipsec_tunnels(struct cfg_dump *d, uint32_t pos);
void cfg_dump_ipsec_profiles(struct cfg_dump *d, uint32_t pos);

/* ---- request handlers, one per Envelope body ------------------------------------ */

void cfg_ifc_port_create(struct cfg *c, const Ipsecgw__V1__PortCreate *m, cfg_reply *rep);
void cfg_ifc_loopback_create(struct cfg *c, const Ipsecgw__V1__LoopbackCreate *m, cfg_reply *rep);
void cfg_ifc_loopback_delete(struct cfg *c, const Ipsecgw__V1__LoopbackDelete *m, cfg_reply *rep);
void cfg_ifc_set_state(struct cfg *c, const Ipsecgw__V1__InterfaceSetState *m, cfg_reply *rep);
void cfg_ifc_set_mtu(struct cfg *c, const Ipsecgw__V1__InterfaceSetMtu *m, cfg_reply *rep);
void cfg_ifc_address(struct cfg *c, const Ipsecgw__V1__InterfaceAddress *m, cfg_reply *rep);
void cfg_ifc_unnumbered(struct cfg *c, const Ipsecgw__V1__InterfaceUnnumbered *m, cfg_reply *rep);
void cfg_route_neighbor(struct cfg *c, const Ipsecgw__V1__NeighborAddDel *m, cfg_reply *rep);
void cfg_route_add_del(struct cfg *c, const Ipsecgw__V1__RouteAddDel *m, cfg_reply *rep);
void cfg_spd_add_del(struct cfg *c, const Ipsecgw__V1__SpdAddDel *m, cfg_reply *rep);
void cfg_spd_interface(struct cfg *c, const Ipsecgw__V1__InterfaceSpd *m, cfg_reply *rep);
void cfg_spd_policy(struct cfg *c, const Ipsecgw__V1__PolicyAddDel *m, cfg_reply *rep);
void cfg_sa_add(struct cfg *c, const Ipsecgw__V1__SaAdd *m, cfg_reply *rep);
void cfg_sa_del(struct cfg *c, const Ipsecgw__V1__SaDel *m, cfg_reply *rep);
void cfg_sa_set_key(struct cfg *c, const Ipsecgw__V1__SaSetKey *m, cfg_reply *rep);
void cfg_tunnel_create(struct cfg *c, const Ipsecgw__V1__TunnelCreate *m, cfg_reply *rep);
void cfg_tunnel_delete(struct cfg *c, const Ipsecgw__V1__TunnelDelete *m, cfg_reply *rep);
void cfg_tunnel_protect(struct cfg *c, const Ipsecgw__V1__TunnelProtect *m, cfg_reply *rep);
void cfg_ikev2_profile(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileAddDel *m, cfg_reply *rep);
void cfg_ikev2_set_auth(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetAuth *m, cfg_reply *rep);
void cfg_ikev2_set_id(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetId *m, cfg_reply *rep);
void cfg_ikev2_set_ts(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetTs *m, cfg_reply *rep);
void cfg_ikev2_set_responder(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetResponder *m,
			     cfg_reply *rep);
void cfg_ikev2_set_ike(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetIkeTransforms *m,
		       cfg_reply *rep);
void cfg_ikev2_set_esp(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetEspTransforms *m,
		       cfg_reply *rep);
void cfg_ikev2_set_lifetime(struct cfg *c, const Ipsecgw__V1__Ikev2ProfileSetSaLifetime *m,
			    cfg_reply *rep);
void cfg_ikev2_local_key(struct cfg *c, const Ipsecgw__V1__Ikev2SetLocalKey *m, cfg_reply *rep);
void cfg_ikev2_liveness(struct cfg *c, const Ipsecgw__V1__Ikev2SetLiveness *m, cfg_reply *rep);
void cfg_ikev2_initiate(struct cfg *c, const Ipsecgw__V1__Ikev2Initiate *m, cfg_reply *rep);
void cfg_engine_set(struct cfg *c, const Ipsecgw__V1__CryptoHandlerSet *m, cfg_reply *rep);
/* Dump{CRYPTO_ENGINES} (cfg_engine.c): one reply, no paging. */
void cfg_engine_dump(struct cfg *c, const Ipsecgw__V1__Dump *m, cfg_reply *rep);
void cfg_counters_clear(struct cfg *c, const Ipsecgw__V1__ClearCounters *m, cfg_reply *rep);
void cfg_counters_reset_sa(struct cfg *c, uint32_t i);
void cfg_counters_reset_policy(struct cfg *c, uint32_t i);
void cfg_dump_request(struct cfg *c, const Ipsecgw__V1__Dump *m, cfg_reply *rep);
void cfg_dump_snapshot(struct cfg *c, const Ipsecgw__V1__SnapshotRequest *m, cfg_reply *rep);

#endif

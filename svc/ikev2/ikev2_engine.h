/*
 * The IKEv2 engine (ikev2_engine_*): every IKE SA of the daemon, packet
 * input, operator requests (initiate, delete, rekey), timers. It has no
 * I/O of its own: packets, time, profiles, SA installation and events come
 * through struct ikev2_env, so the daemon plugs in sockets and the config
 * API, and tests run two engines in one process over a mock transport on
 * virtual time.
 *
 * Ownership: the env and everything it points to are BORROWED and must
 * outlive the engine; packets passed to input are BORROWED for the call.
 * Errors: constructors return a pointer or NULL; control functions 0 or
 * -errno (-ENOENT: no such profile or SA; -EINVAL: profile unusable;
 * -EBUSY: already in progress). Input from a peer never fails the caller.
 */
#ifndef IPSECGW_IKEV2_ENGINE_H
#define IPSECGW_IKEV2_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikev2_install.h"
#include "ikev2_net.h"
#include "region.h"

struct ikev2_engine;
struct ikev2_sa;
struct ikev2_child;
struct ikev2_dh_job;

enum ikev2_liveness_action {
	IKEV2_LIVENESS_CLEAR = 0,       /* delete the SA and its children */
	IKEV2_LIVENESS_RESTART = 1,     /* delete, then initiate again (profiles with a responder) */
};

struct ikev2_cfg {
	uint16_t natt_port;             /* default 4500 */
	unsigned retransmit_ms;         /* first retransmission timeout, default 2000 */
	unsigned retransmit_tries;      /* retransmissions before the peer is dead, default 5 */
	unsigned half_open_ms;          /* responder: IKE_AUTH must follow within, default 30000 */
	unsigned liveness_s;            /* idle time before a liveness check, 0 off; default 30 */
	enum ikev2_liveness_action liveness_action;
	unsigned keepalive_s;           /* NAT-T keepalive interval when behind a NAT, default 20 */
	uint64_t ike_lifetime_s;        /* IKE SA rekey time, default 14400 */
	uint64_t child_lifetime_s;      /* child SA lifetime without a profile sa-lifetime, 3600 */
	unsigned jitter_pct;            /* rekey jitter without a profile jitter, default 10 */
	unsigned rekey_retry_s;         /* after a failed rekey (TEMPORARY_FAILURE), default 10 */
	unsigned max_half_open;         /* half-open SAs kept at most, default 4096 */
	/* Responder cookies (RFC 7296 2.6, ikev2_cookie.h): from this many
	 * half-open SAs on, IKE_SA_INIT needs a COOKIE; 0 always, default 128. */
	unsigned cookie_threshold;
	unsigned cookie_secret_s;       /* cookie secret replaced after, default 120 */
	unsigned cookie_grace_s;        /* the previous secret's cookies accepted for, default 30 */
	/* Signatures (rsa-sig profiles, ikev2_auth.h). */
	bool sig_rfc7427;               /* announce SIGNATURE_HASH_ALGORITHMS and sign with method 14
					 * when the peer does (RFC 7427); default true */
	bool sig_pss;                   /* method 14 with RSASSA-PSS instead of PKCS#1 v1.5; default false */
};
void ikev2_cfg_defaults(struct ikev2_cfg *c);

enum ikev2_event_kind { IKEV2_EV_UP, IKEV2_EV_DOWN, IKEV2_EV_REKEYED };

struct ikev2_env {
	void *arg;                      /* for now_ms, the profile calls and event */
	uint64_t (*now_ms)(void *arg);  /* monotonic milliseconds */
	/* Profiles: the next in-use record after *cursor (1 found, 0 end); by name
	 * (0 or -ENOENT). Records are copies the engine wipes. */
	int (*profile_next)(void *arg, uint32_t *cursor, struct shm_profile *out);
	int (*profile_get)(void *arg, const char *name, struct shm_profile *out);
	/* An IKE SA (c NULL) or a child SA went up, down or was rekeyed. */
	void (*event)(void *arg, enum ikev2_event_kind k, const struct ikev2_sa *sa,
		      const struct ikev2_child *c);
	const struct ikev2_net_ops *net;
	void *net_arg;
	const struct ikev2_install_ops *inst;
	void *inst_arg;
	/* Optional: the region's IKE SA table (persistence) and IKE counters. */
	struct shm_region *region;
	/* Optional: the path of our private key (`set ikev2 local key FILE`)
	 * into buf; 0, or -ENOENT when none is set. */
	int (*local_key_file)(void *arg, char *buf, size_t len);
	/* Optional: `ikev2 set liveness PERIOD MAX-FAILURES`: 0 with the values,
	 * or -ENOENT when never given (cfg.liveness_s then applies, with the
	 * usual retransmissions). Asked whenever a liveness timer is armed. */
	int (*liveness)(void *arg, unsigned *period_s, unsigned *max_failures);
	/* Optional: Diffie-Hellman of new IKE_SA_INIT requests elsewhere
	 * (ikev2_dh.h). Returns 0 when it ADOPTS the job: it runs
	 * ikev2_dh_job_run on it (any thread) and gives it back on the engine's
	 * thread through ikev2_engine_input_dh; -errno (e.g. a full queue)
	 * when not: the engine then computes on its own thread as usual. */
	int (*dh_offload)(void *arg, struct ikev2_dh_job *j);
};

struct ikev2_engine *ikev2_engine_new(const struct ikev2_env *env, const struct ikev2_cfg *cfg);
/* Wipes and frees every SA without telling peers or uninstalling: the
 * children stay installed and the region keeps the SAs (a restart goes on). */
void ikev2_engine_free(struct ikev2_engine *e);

/* Restore the IKE SAs persisted in env->region (after a restart), then
 * remove SAs of the IKE daemon's SAD id range (from 0x40000000) that no
 * restored child owns, and tunnels only they protect. Returns the number
 * of IKE SAs restored. */
int ikev2_engine_restore(struct ikev2_engine *e);

/* One datagram from a transport: local/remote as received, natt when it
 * came on the NAT-T port (marker already stripped). */
void ikev2_engine_input(struct ikev2_engine *e, const struct ikev2_path *p, bool natt,
			const uint8_t *pkt, size_t len);

/* An IKE_SA_INIT request given to env.dh_offload, back with its key pair
 * and g^ir (j ADOPTED, wiped and freed): processed as when it arrived,
 * with that result instead of computing one. */
void ikev2_engine_input_dh(struct ikev2_engine *e, struct ikev2_dh_job *j);

/* Timers: the next deadline (engine ms, UINT64_MAX none) and running what is due. */
uint64_t ikev2_engine_next_timer(const struct ikev2_engine *e);
void ikev2_engine_run_timers(struct ikev2_engine *e);

/* Operator requests (ikev2 initiate ...). spi: the 8 octets of either IKE
 * SPI as a big-endian number; a child's inbound or outbound SPI. */
int ikev2_engine_initiate(struct ikev2_engine *e, const char *profile);
int ikev2_engine_delete_ike(struct ikev2_engine *e, uint64_t spi);
int ikev2_engine_delete_child(struct ikev2_engine *e, uint32_t spi);
int ikev2_engine_rekey_child(struct ikev2_engine *e, uint32_t spi);
int ikev2_engine_rekey_ike(struct ikev2_engine *e, uint64_t spi);
int ikev2_engine_create_child(struct ikev2_engine *e, uint64_t spi);
int ikev2_engine_liveness(struct ikev2_engine *e, uint64_t spi);
/* The liveness settings (env.liveness) changed: established SAs check their
 * peer one new period from now. */
void ikev2_engine_liveness_changed(struct ikev2_engine *e);

/* Iterate the IKE SAs (all states) in creation order; stop when fn returns non-zero. */
int ikev2_engine_foreach(const struct ikev2_engine *e,
			 int (*fn)(void *arg, const struct ikev2_sa *sa), void *arg);
/* The engine's counters (in the region when one is given). */
const struct shm_ike_counters *ikev2_engine_counters(const struct ikev2_engine *e);
uint64_t ikev2_engine_now(const struct ikev2_engine *e);

#endif

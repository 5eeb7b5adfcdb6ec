/*
 * IKE tasks (STYLE 6): one file per task, each a struct ikev2_task_ops. An
 * exchange is an ordered list of tasks (struct ikev2_exch, ikev2_tm.h):
 * as initiator the task manager calls build_i of each task in order into
 * one request, then process_i of each in order with the response; as
 * responder it picks the tasks for the request's exchange, calls process_r
 * of each in order, then build_r of each in order into the response, and
 * post_r once the response has gone out.
 *
 *   task_sa_init      IKE_SA_INIT: SA, KE, Nonce; INVALID_KE_PAYLOAD, COOKIE; keys
 *   task_natd         NAT_DETECTION_*_IP in IKE_SA_INIT; floating to port 4500
 *   task_auth         IKE_AUTH: IDi/IDr, AUTH (shared key), profile by identities
 *   task_child_create child SA in IKE_AUTH or CREATE_CHILD_SA (SA, Nonce, KE, TSi, TSr)
 *   task_child_rekey  CREATE_CHILD_SA with REKEY_SA; collisions (2.8.1)
 *   task_ike_rekey    CREATE_CHILD_SA for the IKE SA (2.18); collisions
 *   task_delete       INFORMATIONAL with Delete payloads (IKE SA or child SAs)
 *   task_dpd          INFORMATIONAL liveness check (empty) and notifies
 *
 * Return values. build_i: IKEV2_TASK_DONE (payloads added) or
 * IKEV2_TASK_SKIP (nothing to do any more: the task is dropped).
 * process_i: DONE, FAILED (the IKE SA cannot go on: it is deleted),
 * RESTART (send the exchange again: IKE_SA_INIT after INVALID_KE_PAYLOAD
 * or COOKIE). process_r: 0, or an error notify (struct ikev2_nerr) the
 * response consists of alone, or IKEV2_TASK_DROP to answer nothing.
 * build_r: 0 or -errno.
 *
 * Ownership: tasks are owned by their exchange; destroy() frees (and
 * wipes) what a task holds. Messages passed in are BORROWED.
 */
#ifndef IPSECGW_IKEV2_TASK_H
#define IPSECGW_IKEV2_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_build.h"
#include "ike_parse.h"
#include "ikev2_net.h"

struct ikev2_engine;
struct ikev2_sa;
struct ikev2_dh_job;

enum ikev2_task_rc {
	IKEV2_TASK_DONE = 0,
	IKEV2_TASK_SKIP = 1,
	IKEV2_TASK_FAILED = 2,
	IKEV2_TASK_RESTART = 3,
	IKEV2_TASK_DROP = 4,
	IKEV2_TASK_NOTIFY = 5,          /* process_r: answer with nerr */
};

/* An error notify a responder answers with. */
struct ikev2_nerr {
	uint16_t type;
	uint8_t len;
	uint8_t data[IKE_COOKIE_MAX];   /* COOKIE is the longest */
};

/* A received message, decrypted and parsed. */
struct ikev2_rx {
	const struct ike_msg *m;
	const uint8_t *raw;             /* the datagram (marker stripped) */
	size_t raw_len;
	struct ikev2_path path;
	bool natt;
	struct ikev2_dh_job *dh;        /* IKE_SA_INIT request: DH computed off the loop, or NULL;
					 * task_sa_init may take its key pair (ikev2_dh.h) */
};

struct ikev2_task;

struct ikev2_task_ops {
	const char *name;
	int (*build_i)(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b);
	int (*process_i)(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx);
	int (*process_r)(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx, struct ikev2_nerr *err);
	int (*build_r)(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b);
	void (*post_r)(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t);
	void (*destroy)(struct ikev2_task *t);
};

struct ikev2_task {
	const struct ikev2_task_ops *ops;
};

static inline void ikev2_nerr_set(struct ikev2_nerr *e, uint16_t type, const void *data, uint8_t len)
{
	e->type = type;
	e->len = len;
	for (uint8_t i = 0; i < len && i < sizeof(e->data); i++)
		e->data[i] = ((const uint8_t *)data)[i];
}

/* Constructors: NULL on allocation failure. */
struct ikev2_task *task_sa_init_new(void);
struct ikev2_task *task_natd_new(void);
struct ikev2_task *task_auth_new(void);
/* in_auth: the child of IKE_AUTH (no nonces or KE of its own). */
struct ikev2_task *task_child_create_new(bool in_auth);
/* spi_in: the child to rekey (initiator); 0 as responder. */
struct ikev2_task *task_child_rekey_new(uint32_t spi_in);
struct ikev2_task *task_ike_rekey_new(void);
/* Initiator: delete the IKE SA (n = 0) or these children (their inbound
 * SPIs); responder: n = 0 and ike = false. */
struct ikev2_task *task_delete_new(bool ike, const uint32_t *spi_in, unsigned n);
struct ikev2_task *task_dpd_new(void);

/* The ops, so the task manager can recognise queued tasks. */
extern const struct ikev2_task_ops task_sa_init_ops, task_natd_ops, task_auth_ops,
	task_child_create_ops, task_child_rekey_ops, task_ike_rekey_ops, task_delete_ops,
	task_dpd_ops;

#endif

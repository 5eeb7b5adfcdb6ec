/*
 * The task manager (ikev2_tm_*), one per IKE SA: it alone owns message
 * IDs, the window (one request in flight each way: we never send
 * SET_WINDOW_SIZE), retransmission with exponential back-off, the cache of
 * the last response (a repeated request is answered from it, never
 * processed again) and the order of exchanges. Collisions (RFC 7296
 * 2.8.1, 2.25) are resolved by the tasks with the state this module keeps.
 *
 * Ownership: exchanges queued are ADOPTED (freed with their tasks); the
 * request and response buffers are owned here.
 */
#ifndef IPSECGW_IKEV2_TM_H
#define IPSECGW_IKEV2_TM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikev2_task.h"

#define IKEV2_EXCH_TASKS 3
#define IKEV2_MSG_MAX 12288     /* largest message we build */

struct ikev2_exch {
	struct ikev2_exch *next;
	uint8_t type;                   /* enum ike_exchange */
	uint8_t n;
	struct ikev2_task *t[IKEV2_EXCH_TASKS];
};

struct ikev2_tm {
	struct ikev2_exch *queue;       /* exchanges to initiate, in order */
	struct ikev2_exch *active;      /* the request in flight */
	uint32_t active_msgid;
	uint8_t *req;                   /* its bytes, for retransmission */
	size_t req_len;
	bool req_natt;
	unsigned tries;                 /* retransmissions so far */
	uint8_t *resp;                  /* the last response sent */
	size_t resp_len;
	uint32_t resp_msgid;
	bool resp_natt;
	bool probe;                     /* restored with a request in flight (see ikev2_store) */
	bool busy;                      /* tasks are running: start nothing new yet */
};

/* An exchange of task a, then b (b may be NULL). NULL when out of memory or
 * a is NULL (b is then destroyed). */
struct ikev2_exch *ikev2_tm_exch(uint8_t type, struct ikev2_task *a, struct ikev2_task *b);
void ikev2_tm_exch_free(struct ikev2_exch *x);

/* Queue x (adopted) and start it if nothing is in flight. front: before
 * everything queued. */
void ikev2_tm_queue(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_exch *x, bool front);
/* Start the next queued exchange when the window allows. */
void ikev2_tm_kick(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Is a task with these ops queued or in flight? */
bool ikev2_tm_has(const struct ikev2_sa *sa, const struct ikev2_task_ops *ops);
/* The in-flight task with these ops, or NULL. */
struct ikev2_task *ikev2_tm_active(const struct ikev2_sa *sa, const struct ikev2_task_ops *ops);

/* A request or a response for sa, decrypted and parsed (the engine has
 * checked the SPIs). */
void ikev2_tm_input(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx);
/* Is msgid acceptable before decrypting (window and response matching)? */
bool ikev2_tm_window_ok(const struct ikev2_sa *sa, bool response, uint32_t msgid);

/* The retransmission timer fired. */
void ikev2_tm_retransmit(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Drop everything queued and in flight; free the buffers. */
void ikev2_tm_flush(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Move the queued (not in-flight) exchanges of `from` to `to`. */
void ikev2_tm_move_queue(struct ikev2_engine *e, struct ikev2_sa *from, struct ikev2_sa *to);

/* Answer a protected request that failed to parse with one error notify
 * (a normal response: the message ID advances, the answer is cached). */
void ikev2_tm_reject(struct ikev2_engine *e, struct ikev2_sa *sa, const struct ikev2_rx *rx,
		     const struct ikev2_nerr *err);

/* One protected INFORMATIONAL request carrying notify `type`, sent once and
 * not tracked (no retransmission, no answer expected): the initiator that
 * could not authenticate the responder says so before it drops the SA
 * (RFC 7296 2.21.2). */
void ikev2_tm_notify_once(struct ikev2_engine *e, struct ikev2_sa *sa, uint16_t type);

/* Answer an IKE_SA_INIT request that has no SA (parse error, unusable
 * proposal...) with one unprotected notify. */
void ikev2_tm_answer_init_error(struct ikev2_engine *e, const struct ikev2_rx *rx,
				const struct ikev2_nerr *err);

#endif

/*
 * The child-SA half of task_child_create, shared with task_child_rekey:
 * both build and process the same SA/Nonce/KE/TSi/TSr payloads; a rekey
 * adds REKEY_SA and hands its result over to the old child.
 */
#ifndef IPSECGW_IKEV2_TASK_CHILD_CREATE_H
#define IPSECGW_IKEV2_TASK_CHILD_CREATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_dh.h"
#include "ike_parse.h"
#include "ikev2_sa.h"
#include "ikev2_task.h"

struct task_child {
	struct ikev2_task t;
	struct ikev2_engine *e;
	struct ikev2_sa *sa;            /* set when the task first runs */
	bool in_auth;                   /* the child of IKE_AUTH */
	unsigned restarts;
	/* initiator */
	struct ike_sa_pl offer;
	uint16_t pfs;                   /* DH group of our KE, 0 none */
	struct ike_ts ts_i, ts_r;       /* what we proposed */
	/* both */
	uint32_t spi_in;                /* the new child (CREATING until installed) */
	uint8_t ni[256], nr[256];
	uint16_t ni_len, nr_len;
	struct ike_dh *dh;
	/* responder */
	struct ikev2_xf xf;
	uint8_t prop_num;
	struct ike_ts nts_i, nts_r;     /* narrowed */
	struct ikev2_nerr soft;         /* IKE_AUTH: the child failed, the IKE SA did not */
	/* rekey */
	uint32_t old_spi_in;            /* the child being rekeyed */
};

/* Initiator: add SA, [Ni, KE], TSi, TSr for a new child with these selectors. */
int task_child_create_add_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			    struct ike_build *b, const struct ike_ts *tsl, const struct ike_ts *tsr);
/* Initiator: the response. *child the installed child, or NULL when the
 * peer refused (a soft failure: *refused gets the notify type). pred: the
 * child being rekeyed, or NULL. Returns IKEV2_TASK_DONE/RESTART. */
int task_child_create_done_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			     const struct ike_msg *m, struct ikev2_child *pred, struct ikev2_child **child,
			     uint16_t *refused);
/* Responder: choose, narrow, derive, install. pred as above. 0 or an error
 * notify in err. */
int task_child_create_take_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			     const struct ike_msg *m, struct ikev2_child *pred, struct ikev2_nerr *err);
/* Responder: SA, [Nr, KE], TSi, TSr. */
int task_child_create_add_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_child *tc,
			    struct ike_build *b);
/* The lowest of the exchange's two nonces (collisions, 2.8.1). */
void task_child_create_min_nonce(const struct task_child *tc, const uint8_t **n, size_t *len);
void task_child_create_free(struct ikev2_task *t);

#endif

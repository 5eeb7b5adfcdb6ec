/*
 * Diffie-Hellman off the event loop (ikev2_dh_*): the expensive half of a
 * responder's IKE_SA_INIT — a fresh key pair for the request's KE group and
 * g^ir with the initiator's public value (validated, RFC 6989) — as a job
 * that another thread may compute while the loop goes on. The engine makes
 * the job instead of processing the request (when env.dh_offload takes it),
 * the request is input again with the result (ikev2_engine_input_dh), and
 * task_sa_init takes the key pair and g^ir instead of computing them. The
 * state machine stays on the loop: a job holds copies only (the datagram,
 * the peer's public value) and its results; nothing in it points into the
 * engine. No key pair is reused: every job makes its own.
 *
 * Thread safety: ikev2_dh_job_run touches only the job (and ike_dh's
 * read-only group parameters), so any one thread may run it; the other
 * calls belong to whoever holds the job.
 * Ownership: a job belongs to whoever holds it: the engine makes it,
 * env.dh_offload ADOPTS it when it returns 0 and hands it back through
 * ikev2_engine_input_dh, which ADOPTS it and frees it. ikev2_dh_job_free
 * (NULL ok) wipes the private value, g^ir and the datagram.
 */
#ifndef IPSECGW_IKEV2_DH_H
#define IPSECGW_IKEV2_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_dh.h"
#include "ikev2_net.h"

struct ikev2_dh_job {
	struct ikev2_dh_job *next;      /* free for the offload's queues */
	/* the request */
	uint16_t group;                 /* its KE group */
	size_t peer_len;
	uint8_t peer[IKE_DH_MAX_PUB];   /* its KE data */
	struct ikev2_path path;
	bool natt;
	size_t raw_len;
	uint8_t *raw;                   /* the datagram (marker stripped), owned */
	/* the result (ikev2_dh_job_run) */
	bool done;
	int rc;                         /* 0, -EINVAL (invalid peer value), -ENOMEM, -EIO */
	struct ike_dh *dh;              /* our key pair (owned until taken) */
	size_t gir_len;
	uint8_t gir[IKE_DH_MAX_PUB];    /* g^ir */
};

/* A job for this request (copies made); NULL when out of memory. */
struct ikev2_dh_job *ikev2_dh_job_new(uint16_t group, const uint8_t *peer, size_t peer_len,
				      const struct ikev2_path *p, bool natt, const uint8_t *raw,
				      size_t raw_len);
/* Compute: a key pair for the group, then g^ir. Sets done and rc. */
void ikev2_dh_job_run(struct ikev2_dh_job *j);
void ikev2_dh_job_free(struct ikev2_dh_job *j);

#endif

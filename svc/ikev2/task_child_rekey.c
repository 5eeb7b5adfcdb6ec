/*
 * Task child SA rekey (RFC 7296 1.3.3, 2.8): CREATE_CHILD_SA with
 * REKEY_SA(old SPI), then the old child is deleted by the initiator. The
 * new child shares the old one's tunnel (make-before-break, ikev2_child.h).
 *
 * Collisions (2.8.1): when both ends rekey the same child at once, each
 * answers the other's request; once both exchanges are known, the new SA
 * made with the lowest of the four nonces is redundant and is deleted by
 * the end that initiated it, and the other end (whose rekey survives)
 * deletes the old child. A rekey of a child being deleted is answered
 * TEMPORARY_FAILURE, of an unknown one CHILD_SA_NOT_FOUND (2.25.1).
 */
#include <stdlib.h>
#include <string.h>

#include "ike_wire.h"
#include "ikev2_child.h"
#include "ikev2_core.h"
#include "log.h"
#include "task_child_create.h"

static struct task_child *tch(struct ikev2_task *t)
{
	return (struct task_child *)t;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void queue_delete(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_child *c)
{
	uint32_t spi = c->spi_in;

	ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_delete_new(false, &spi, 1), NULL),
		       false);
}

static int cr_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	struct task_child *tc = tch(t);
	struct ikev2_child *old = ikev2_child_get(e, tc->old_spi_in);
	uint8_t spi[4];

	if (!old || (old->state != IKEV2_CHILD_INSTALLED && old->state != IKEV2_CHILD_REKEYING))
		return IKEV2_TASK_SKIP;
	ikev2_child_set_state(e, old, IKEV2_CHILD_REKEYING);
	old->peer_rekey_spi = 0;
	put32(spi, old->spi_in);
	ike_build_notify(b, IKE_PROTO_ESP, spi, 4, IKE_N_REKEY_SA, NULL, 0);
	if (task_child_create_add_i(e, sa, tc, b, &old->ts_l, &old->ts_r) < 0)
		return IKEV2_TASK_FAILED;
	return IKEV2_TASK_DONE;
}

/* Our rekey of old did not make a child. */
static void cr_failed(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_child *old, uint16_t why)
{
	if (old->peer_rekey_spi) {
		/* The peer's rekey of it went through: that child is its successor. */
		old->successor = old->peer_rekey_spi;
		ikev2_child_set_state(e, old, IKEV2_CHILD_REKEYED);
		return;
	}
	if (why == IKE_N_CHILD_SA_NOT_FOUND) {
		ikev2_child_remove(e, old);
		return;
	}
	ikev2_child_set_state(e, old, IKEV2_CHILD_INSTALLED);
	ikev2_timers_child_rekey_retry(e, old);
	(void)sa;
}

static int cr_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx)
{
	struct task_child *tc = tch(t);
	struct ikev2_child *old = ikev2_child_get(e, tc->old_spi_in), *c;
	uint16_t refused;
	int rc;

	rc = task_child_create_done_i(e, sa, tc, rx->m, old && old->installed ? old : NULL, &c, &refused);
	if (rc != IKEV2_TASK_DONE)
		return rc;
	if (!old)       /* deleted meanwhile (2.25.1): the new child stands alone */
		return IKEV2_TASK_DONE;
	if (!c) {
		cr_failed(e, sa, old, refused);
		return IKEV2_TASK_DONE;
	}
	c->rekey_of = true;
	if (old->peer_rekey_spi) {
		const uint8_t *mine;
		size_t mine_len;
		task_child_create_min_nonce(tc, &mine, &mine_len);
		if (ikev2_nonce_cmp(mine, mine_len, old->peer_rekey_nonce, old->peer_rekey_nonce_len) < 0) {
			/* Ours has the lowest nonce: ours is redundant, we close it; the
			 * peer's child replaces the old one, which the peer deletes. */
			gw_info("child SA %08x: simultaneous rekey, ours is redundant", old->spi_in);
			old->successor = old->peer_rekey_spi;
			ikev2_child_set_state(e, old, IKEV2_CHILD_REKEYED);
			ikev2_child_set_state(e, c, IKEV2_CHILD_DELETING);
			queue_delete(e, sa, c);
			return IKEV2_TASK_DONE;
		}
		gw_info("child SA %08x: simultaneous rekey, ours survives", old->spi_in);
	}
	/* Ours replaces the old child: send on it at once (the responder has it). */
	old->successor = c->spi_in;
	old->out_active = false;
	c->out_active = true;
	ikev2_child_sync(e, c->ike, c->tunnel);
	ikev2_child_set_state(e, old, IKEV2_CHILD_REKEYED);
	queue_delete(e, sa, old);
	return IKEV2_TASK_DONE;
}

static int cr_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	struct task_child *tc = tch(t);
	const struct ike_notify_pl *n = ike_msg_notify(rx->m, IKE_N_REKEY_SA);
	struct ikev2_child *old;
	uint32_t spi;

	if (!n || n->protocol != IKE_PROTO_ESP || n->spi_size != 4) {
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	spi = (uint32_t)n->spi[0] << 24 | (uint32_t)n->spi[1] << 16 | (uint32_t)n->spi[2] << 8 | n->spi[3];
	if (!(old = ikev2_child_by_out(sa, spi)) || old->state == IKEV2_CHILD_DELETED) {
		ikev2_nerr_set(err, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	if (old->state != IKEV2_CHILD_INSTALLED && old->state != IKEV2_CHILD_REKEYING) {
		ikev2_count_fail(e, SHM_IKE_FAIL_TEMPORARY);
		ikev2_nerr_set(err, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return IKEV2_TASK_NOTIFY;
	}
	tc->old_spi_in = old->spi_in;
	return task_child_create_take_r(e, sa, tc, rx->m, old->installed ? old : NULL, err);
}

static int cr_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		      struct ike_build *b)
{
	return task_child_create_add_r(e, sa, tch(t), b);
}

static void cr_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	struct task_child *tc = tch(t);
	struct ikev2_child *old = ikev2_child_get(e, tc->old_spi_in);
	struct ikev2_child *c = tc->spi_in ? ikev2_child_get(e, tc->spi_in) : NULL;
	struct task_child *mine;

	if (!c)
		return;
	c->rekey_of = true;
	ikev2_child_set_state(e, c, IKEV2_CHILD_INSTALLED);
	if (!old)
		return;
	mine = (struct task_child *)ikev2_tm_active(sa, &task_child_rekey_ops);
	if (old->state == IKEV2_CHILD_REKEYING && mine && mine->old_spi_in == old->spi_in) {
		/* Our own rekey of it is in flight: decide when its answer comes. */
		const uint8_t *low;
		size_t len;
		task_child_create_min_nonce(tc, &low, &len);
		old->peer_rekey_spi = c->spi_in;
		old->peer_rekey_nonce_len = (uint16_t)len;
		memcpy(old->peer_rekey_nonce, low, len);
		return;
	}
	/* The outbound moves when the initiator deletes the old child. */
	old->successor = c->spi_in;
	ikev2_child_set_state(e, old, IKEV2_CHILD_REKEYED);
}

const struct ikev2_task_ops task_child_rekey_ops = {
	.name = "child-rekey",
	.build_i = cr_build_i,
	.process_i = cr_process_i,
	.process_r = cr_process_r,
	.build_r = cr_build_r,
	.post_r = cr_post_r,
	.destroy = task_child_create_free,
};

struct ikev2_task *task_child_rekey_new(uint32_t spi_in)
{
	struct task_child *tc = calloc(1, sizeof(*tc));

	if (!tc)
		return NULL;
	tc->t.ops = &task_child_rekey_ops;
	tc->old_spi_in = spi_in;
	return &tc->t;
}

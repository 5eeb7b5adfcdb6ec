/*
 * Task liveness check (RFC 7296 2.4): an empty INFORMATIONAL request, and
 * the answer to one. Any protected answer proves the peer alive; no answer
 * after the retransmissions makes the task manager report the peer dead
 * (the configured liveness action follows, ikev2_on_peer_dead). Notifies in
 * an INFORMATIONAL request are logged and answered with an empty response;
 * AUTHENTICATION_FAILED (the initiator could not authenticate us, RFC 7296
 * 2.21.2) then ends the IKE SA here.
 */
#include <stdlib.h>

#include "ike_wire.h"
#include "ikev2_core.h"
#include "log.h"

struct task_dpd {
	struct ikev2_task t;
	bool auth_failed;               /* the peer sent AUTHENTICATION_FAILED */
};

static int dpd_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b)
{
	(void)sa, (void)t, (void)b;
	e->ctr->dpd_sent++;
	return IKEV2_TASK_DONE;
}

static int dpd_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx)
{
	(void)e, (void)sa, (void)t, (void)rx;
	return IKEV2_TASK_DONE;
}

static int dpd_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	const struct ike_msg *m = rx->m;
	struct task_dpd *d = (struct task_dpd *)t;

	(void)sa, (void)err;
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].encrypted) {
			gw_info("INFORMATIONAL from the peer: %s", ike_wire_notify_name(m->notify[i].type));
			d->auth_failed |= m->notify[i].type == IKE_N_AUTHENTICATION_FAILED;
		}
	if (d->auth_failed) {
		gw_warn("the peer could not authenticate us (AUTHENTICATION_FAILED): the IKE SA ends");
		ikev2_count_fail(e, SHM_IKE_FAIL_AUTH);
	}
	return IKEV2_TASK_DONE;
}

static void dpd_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	if (((struct task_dpd *)t)->auth_failed)
		ikev2_sa_kill(e, sa, "the peer refused our authentication");
}

static int dpd_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b)
{
	(void)e, (void)sa, (void)t, (void)b;
	return 0;
}

static void dpd_destroy(struct ikev2_task *t)
{
	free(t);
}

const struct ikev2_task_ops task_dpd_ops = {
	.name = "liveness",
	.build_i = dpd_build_i,
	.process_i = dpd_process_i,
	.process_r = dpd_process_r,
	.build_r = dpd_build_r,
	.post_r = dpd_post_r,
	.destroy = dpd_destroy,
};

struct ikev2_task *task_dpd_new(void)
{
	struct task_dpd *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->t.ops = &task_dpd_ops;
	return &d->t;
}

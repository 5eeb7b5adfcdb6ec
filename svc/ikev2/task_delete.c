/*
 * Task Delete (RFC 7296 1.4.1): INFORMATIONAL with Delete payloads. For
 * child SAs each end names the SPIs it receives on; the responder answers
 * with its own inbound SPIs of the same children and removes them once the
 * answer is out. Deleting the IKE SA deletes its children with it; its
 * response is empty. Deletes that cross (both ends delete the same child)
 * are answered normally (1.4.1).
 */
#include <stdlib.h>
#include <string.h>

#include "ike_wire.h"
#include "ikev2_child.h"
#include "ikev2_core.h"
#include "log.h"

#define DELETE_MAX_SPIS 64

struct task_delete {
	struct ikev2_task t;
	bool ike;
	unsigned n;
	uint32_t spi[DELETE_MAX_SPIS];  /* our inbound SPIs of the children */
};

static struct task_delete *td(struct ikev2_task *t)
{
	return (struct task_delete *)t;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static int del_add(struct ike_build *b, const struct task_delete *d)
{
	uint8_t spis[DELETE_MAX_SPIS * 4];

	if (d->ike)
		return ike_build_delete(b, IKE_PROTO_IKE, 0, 0, NULL);
	if (!d->n)
		return 0;
	for (unsigned i = 0; i < d->n; i++)
		put32(spis + 4 * i, d->spi[i]);
	return ike_build_delete(b, IKE_PROTO_ESP, 4, (uint16_t)d->n, spis);
}

static int del_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b)
{
	struct task_delete *d = td(t);
	unsigned k = 0;

	if (d->ike) {
		if (sa->state != IKEV2_SA_DELETING)
			ikev2_sa_set_state(e, sa, IKEV2_SA_DELETING);
		return del_add(b, d) < 0 ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct ikev2_child *c = ikev2_child_get(e, d->spi[i]);
		if (!c || c->state == IKEV2_CHILD_DELETED)
			continue;
		ikev2_child_set_state(e, c, IKEV2_CHILD_DELETING);
		d->spi[k++] = d->spi[i];
	}
	d->n = k;
	if (!k)
		return IKEV2_TASK_SKIP;
	return del_add(b, d) < 0 ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static int del_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx)
{
	struct task_delete *d = td(t);

	(void)rx;
	if (d->ike) {
		ikev2_sa_kill(e, sa, "deleted");
		return IKEV2_TASK_DONE;
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct ikev2_child *c = ikev2_child_get(e, d->spi[i]);
		if (c)
			ikev2_child_remove(e, c);
	}
	return IKEV2_TASK_DONE;
}

static int del_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			 const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	struct task_delete *d = td(t);
	const struct ike_msg *m = rx->m;

	(void)e, (void)err;
	for (unsigned i = 0; i < m->n_delete; i++) {
		const struct ike_delete_pl *p = &m->del[i];
		if (p->protocol == IKE_PROTO_IKE) {
			d->ike = true;
			continue;
		}
		if (p->protocol != IKE_PROTO_ESP || p->spi_size != 4)
			continue;
		for (unsigned j = 0; j < p->n_spis; j++) {
			const uint8_t *s = p->spis.ptr + 4 * j;
			uint32_t spi = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
			struct ikev2_child *c = ikev2_child_by_out(sa, spi);
			bool dup = false;
			if (!c)
				continue;  /* already gone: nothing to name in the answer */
			for (unsigned k = 0; k < d->n; k++)
				dup |= d->spi[k] == c->spi_in;
			if (!dup && d->n < DELETE_MAX_SPIS)
				d->spi[d->n++] = c->spi_in;
		}
	}
	return IKEV2_TASK_DONE;
}

static int del_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
		       struct ike_build *b)
{
	struct task_delete *d = td(t);

	(void)e, (void)sa;
	if (d->ike)
		return 0;       /* the answer to an IKE SA delete is empty */
	return del_add(b, d);
}

static void del_post_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t)
{
	struct task_delete *d = td(t);

	if (d->ike) {
		struct ikev2_sa *n = sa->peer_rekeyed ? ikev2_sa_find(e, sa->peer_rekey_spi) : NULL;
		if (n && n->state == IKEV2_SA_ESTABLISHED) {
			/* Our rekey collided with the peer's, and the peer's won: its new SA
			 * takes the children (2.8.2). */
			while (sa->children)
				ikev2_child_adopt(n, sa->children);
			ikev2_store_save(e, n);
		}
		gw_info("the peer deleted the IKE SA");
		ikev2_sa_kill(e, sa, "deleted by the peer");
		return;
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct ikev2_child *c = ikev2_child_get(e, d->spi[i]);
		if (c)
			ikev2_child_remove(e, c);
	}
}

static void del_destroy(struct ikev2_task *t)
{
	free(t);
}

const struct ikev2_task_ops task_delete_ops = {
	.name = "delete",
	.build_i = del_build_i,
	.process_i = del_process_i,
	.process_r = del_process_r,
	.build_r = del_build_r,
	.post_r = del_post_r,
	.destroy = del_destroy,
};

struct ikev2_task *task_delete_new(bool ike, const uint32_t *spi_in, unsigned n)
{
	struct task_delete *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->t.ops = &task_delete_ops;
	d->ike = ike;
	for (unsigned i = 0; i < n && i < DELETE_MAX_SPIS; i++)
		d->spi[d->n++] = spi_in[i];
	return &d->t;
}

/* Crash-safe configuration changes through the region's journal. */
#include "journal.h"

#include <stdlib.h>
#include <string.h>

void shm_txn_begin(struct shm_txn *tx, struct shm_region *r)
{
	tx->r = r;
	tx->n = 0;
	r->hdr->journal.n = 0;
	atomic_store_explicit(&r->hdr->journal.state, SHM_J_EMPTY, memory_order_release);
}

void *shm_txn_stage(struct shm_txn *tx, enum shm_table t, uint32_t index)
{
	struct shm_journal *j = &tx->r->hdr->journal;

	if (t >= SHM_T_CONFIG_N || index >= shm_capacity(tx->r, t))
		abort(); /* broken invariant: callers validate indices */
	for (uint32_t i = 0; i < tx->n; i++)
		if (j->ent[i].table == (uint32_t)t && j->ent[i].index == index)
			return j->ent[i].image;
	if (tx->n == SHM_JOURNAL_MAX)
		return NULL;
	j->ent[tx->n].table = t;
	j->ent[tx->n].index = index;
	memcpy(j->ent[tx->n].image, shm_rec(tx->r, t, index), tx->r->hdr->tables[t].rec_size);
	return j->ent[tx->n++].image;
}

static void journal_apply(struct shm_region *r)
{
	struct shm_journal *j = &r->hdr->journal;

	for (uint32_t i = 0; i < j->n; i++)
		shm_rec_write(shm_rec(r, j->ent[i].table, j->ent[i].index), j->ent[i].image,
			      r->hdr->tables[j->ent[i].table].rec_size);
	atomic_store_explicit(&r->hdr->generation, j->generation, memory_order_release);
	atomic_store_explicit(&j->state, SHM_J_EMPTY, memory_order_release);
}

uint64_t shm_txn_commit(struct shm_txn *tx)
{
	struct shm_journal *j = &tx->r->hdr->journal;

	j->n = tx->n;
	j->generation = atomic_load(&tx->r->hdr->generation) + 1;
	atomic_store_explicit(&j->state, SHM_J_COMMITTED, memory_order_release);
	journal_apply(tx->r);
	tx->n = 0;
	return j->generation;
}

void shm_txn_abort(struct shm_txn *tx)
{
	tx->r->hdr->journal.n = 0;
	tx->n = 0;
}

int shm_journal_recover(struct shm_region *r)
{
	struct shm_journal *j = &r->hdr->journal;
	int n = 0;

	if (atomic_load_explicit(&j->state, memory_order_acquire) == SHM_J_COMMITTED) {
		n = (int)j->n;
		journal_apply(r);
	}
	/* A record left odd outside the journal cannot happen (every write is
	 * journaled first), but close any so readers never spin forever. */
	for (int t = 0; t < SHM_T_CONFIG_N; t++)
		for (uint32_t i = 0; i < shm_capacity(r, t); i++) {
			struct shm_rec_hdr *h = shm_rec(r, t, i);
			uint32_t s = atomic_load(&h->seq);
			if (s & 1)
				atomic_store(&h->seq, s + 1);
		}
	return n;
}

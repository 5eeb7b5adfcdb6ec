/* The journal: a change interrupted at any point is finished by recovery,
 * and nothing half-written stays visible. */
#include "journal.h"
#include "tmpregion.h"

static void fill_sa(struct shm_sa *s, uint32_t k)
{
	uint32_t seq = atomic_load(&s->h.seq);

	memset(s, (int)(k & 0xff), sizeof(*s));
	atomic_store(&s->h.seq, seq);
	s->h.in_use = 1;
	s->sa_id = k;
}

int main(void)
{
	struct shm_region w;
	struct shm_txn tx;
	char err[256];

	tmpregion_setup();
	CHECK(shm_region_create(&w, "j", 0, err, sizeof(err)) == 0, "%s", err);

	/* 1. A normal commit applies every staged record and bumps generation once. */
	shm_txn_begin(&tx, &w);
	fill_sa(shm_txn_stage(&tx, SHM_T_SA, 1), 7);
	fill_sa(shm_txn_stage(&tx, SHM_T_SA, 2), 8);
	CHECK(shm_txn_stage(&tx, SHM_T_SA, 1) == w.hdr->journal.ent[0].image, "restage returns same image");
	CHECK(((struct shm_sa *)shm_rec(&w, SHM_T_SA, 1))->sa_id == 0, "staged is invisible");
	uint64_t g = shm_txn_commit(&tx);
	CHECK(g == 2 && atomic_load(&w.hdr->generation) == 2, "generation %llu", (unsigned long long)g);
	CHECK(((struct shm_sa *)shm_rec(&w, SHM_T_SA, 2))->sa_id == 8, "applied");
	CHECK(w.hdr->journal.state == SHM_J_EMPTY, "journal emptied");

	/* 2. Too many records in one change. */
	shm_txn_begin(&tx, &w);
	for (uint32_t i = 0; i < SHM_JOURNAL_MAX; i++)
		CHECK(shm_txn_stage(&tx, SHM_T_POLICY, i) != NULL, "stage %u", i);
	CHECK(shm_txn_stage(&tx, SHM_T_POLICY, SHM_JOURNAL_MAX) == NULL, "overflow refused");
	shm_txn_abort(&tx);
	CHECK(atomic_load(&w.hdr->generation) == 2, "abort changes nothing");

	/* 3. Crash after staging, before the commit mark: recovery applies nothing. */
	uint8_t before[sizeof(struct shm_sa)];
	memcpy(before, shm_rec(&w, SHM_T_SA, 5), sizeof(before));
	shm_txn_begin(&tx, &w);
	fill_sa(shm_txn_stage(&tx, SHM_T_SA, 5), 9);
	w.hdr->journal.n = tx.n; /* as far as a dead writer got */
	CHECK(shm_journal_recover(&w) == 0, "nothing to recover");
	CHECK(memcmp(before, shm_rec(&w, SHM_T_SA, 5), sizeof(before)) == 0, "record untouched");

	/* 4. Crash after the commit mark, mid-copy of the second record: recovery
	 *    completes the whole change and closes the open seqlock. */
	shm_txn_begin(&tx, &w);
	fill_sa(shm_txn_stage(&tx, SHM_T_SA, 1), 0x41);
	fill_sa(shm_txn_stage(&tx, SHM_T_SA, 2), 0x42);
	w.hdr->journal.n = tx.n;
	w.hdr->journal.generation = 3;
	atomic_store(&w.hdr->journal.state, SHM_J_COMMITTED);
	shm_rec_write(shm_rec(&w, SHM_T_SA, 1), w.hdr->journal.ent[0].image, sizeof(struct shm_sa));
	struct shm_sa *half = shm_rec(&w, SHM_T_SA, 2);
	atomic_fetch_add(&half->h.seq, 1);            /* writer entered the seqlock... */
	memset((uint8_t *)half + 8, 0x42, 40);        /* ...copied part of the image, died */
	CHECK(shm_journal_recover(&w) == 2, "two records re-applied");
	CHECK((atomic_load(&half->h.seq) & 1) == 0, "seqlock closed");
	CHECK(half->sa_id == 0x42 && half->crypto_key[5] == 0x42 && half->integ_key[63] == 0x42, "completed");
	CHECK(((struct shm_sa *)shm_rec(&w, SHM_T_SA, 1))->sa_id == 0x41, "first record");
	CHECK(atomic_load(&w.hdr->generation) == 3, "generation of the change");
	CHECK(w.hdr->journal.state == SHM_J_EMPTY, "journal emptied");
	CHECK(shm_journal_recover(&w) == 0, "recovery is idempotent");

	shm_region_detach(&w);
	printf("journal: ok\n");
	return 0;
}

/*
 * Crash-safe changes to configuration records. Writer: config service only.
 *
 * A change stages full images of every record it touches in the region's
 * journal, marks the journal committed, then copies the images into place
 * under each record's seqlock and bumps the generation. A config service
 * that dies anywhere in that sequence is finished by shm_journal_recover()
 * at its next start: before the commit mark nothing is visible, after it
 * the whole change is. The reply to a request is sent only after commit.
 */
#ifndef IPSECGW_SHM_JOURNAL_H
#define IPSECGW_SHM_JOURNAL_H

#include "region.h"

struct shm_txn {
	struct shm_region *r;
	uint32_t n;
};

/* Start a change. The journal must be empty (it is, outside a change). */
void shm_txn_begin(struct shm_txn *tx, struct shm_region *r);
/* Stage record (table, index): returns the journal's image of it, filled
 * with the record's current content, for the caller to edit. NULL if the
 * change already stages SHM_JOURNAL_MAX records (a bug: abort). The same
 * record staged twice returns the same image. */
void *shm_txn_stage(struct shm_txn *tx, enum shm_table t, uint32_t index);
/* Commit and apply. Returns the new generation. */
uint64_t shm_txn_commit(struct shm_txn *tx);
/* Forget the staged images; nothing was visible. */
void shm_txn_abort(struct shm_txn *tx);
/* At start-up: finish a change a previous run committed but did not apply.
 * Returns the number of records re-applied (0 if the journal was empty). */
int shm_journal_recover(struct shm_region *r);

#endif

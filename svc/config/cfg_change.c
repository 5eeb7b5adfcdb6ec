/* One configuration change: journal staging, commit, index update, event.
 *
 * Handlers call cfg_change_begin only after every check passed: the
 * journal lives in the region, so even beginning a change writes to it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"
#include "log.h"

void cfg_change_begin(struct cfg *c, struct cfg_change *ch)
{
	ch->n = 0;
	shm_txn_begin(&ch->tx, c->r);
}

void *cfg_change_stage(struct cfg_change *ch, enum shm_table t, uint32_t i)
{
	struct shm_region *r = ch->tx.r;
	void *img;

	for (uint32_t k = 0; k < ch->n; k++)
		if (ch->ent[k].t == t && ch->ent[k].i == i)
			return shm_txn_stage(&ch->tx, t, i);
	img = shm_txn_stage(&ch->tx, t, i);
	if (!img || ch->n >= SHM_JOURNAL_MAX) {
		gw_err("bug: a change staged more than %d records", SHM_JOURNAL_MAX);
		abort();
	}
	ch->ent[ch->n].t = t;
	ch->ent[ch->n].i = i;
	memcpy(ch->ent[ch->n].old, shm_rec(r, t, i), r->hdr->tables[t].rec_size);
	ch->n++;
	return img;
}

void *cfg_change_new(struct cfg_change *ch, enum shm_table t, uint32_t i)
{
	struct shm_rec_hdr *h = cfg_change_stage(ch, t, i);

	memset(h, 0, ch->tx.r->hdr->tables[t].rec_size);
	h->in_use = 1;
	return h;
}

void cfg_change_delete(struct cfg_change *ch, enum shm_table t, uint32_t i)
{
	memset(cfg_change_stage(ch, t, i), 0, ch->tx.r->hdr->tables[t].rec_size);
}

void cfg_change_commit(struct cfg *c, struct cfg_change *ch, cfg_reply *rep,
		       Ipsecgw__V1__Event__Kind kind, Ipsecgw__V1__Event__Object object,
		       const char *fmt, ...)
{
	char name[128];
	va_list ap;
	uint64_t gen;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	gen = shm_txn_commit(&ch->tx);
	for (uint32_t k = 0; k < ch->n; k++)
		cfg_index_update(c, ch->ent[k].t, ch->ent[k].i, ch->ent[k].old,
				 cfg_rec(c, ch->ent[k].t, ch->ent[k].i));
	explicit_bzero(ch->ent, sizeof(ch->ent)); /* old images may hold keys */
	cfg_events_publish(c, gen, kind, object, name, NULL);
	rep->code = IPSECGW__V1__ERROR_CODE__OK;
	gw_debug("committed generation %llu: %s", (unsigned long long)gen, name);
}

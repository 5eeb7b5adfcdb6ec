/* clear interfaces / errors / ipsec counters.
 *
 * The dataplane's per-worker counters have one writer each, so clearing
 * never writes them: the config service, sole writer of the baseline
 * block, copies the current per-worker sums there and readers subtract it
 * (shm_sum_*). Not journaled: the baseline is not configuration, and a
 * crash halfway leaves some counters cleared and some not, nothing worse. */
#include <stddef.h>

#include "cfg_priv.h"
#include "log.h"

#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

_Static_assert(offsetof(struct shm_counters, policy) ==
	       offsetof(struct shm_counters, sa) + sizeof(((struct shm_counters *)0)->sa),
	       "SA and policy counters are adjacent");
_Static_assert(offsetof(struct shm_counters, sa_err) ==
	       offsetof(struct shm_counters, policy) + sizeof(((struct shm_counters *)0)->policy),
	       "policy and SA error counters are adjacent");

/* Baseline := current per-worker sums for the words [off, off + len). */
static void rebase(struct cfg *c, size_t off, size_t len)
{
	uint64_t *base = shm_rec(c->r, SHM_T_BASELINE, 0);

	for (size_t w = off / 8; w < (off + len) / 8; w++) {
		uint64_t v = 0;
		for (unsigned k = 0; k < SHM_MAX_WORKERS; k++)
			v += __atomic_load_n((const uint64_t *)shm_counters(c->r, k) + w, __ATOMIC_RELAXED);
		__atomic_store_n(base + w, v, __ATOMIC_RELAXED);
	}
}

/* A new SA or policy in a slot an earlier one used starts from zero. */
void cfg_counters_reset_sa(struct cfg *c, uint32_t i)
{
	rebase(c, offsetof(struct shm_counters, sa) + i * sizeof(struct shm_counter), sizeof(struct shm_counter));
	rebase(c, offsetof(struct shm_counters, sa_err) + i * sizeof(uint64_t[SHM_SA_ERR_N]),
	       sizeof(uint64_t[SHM_SA_ERR_N]));
}

void cfg_counters_reset_policy(struct cfg *c, uint32_t i)
{
	rebase(c, offsetof(struct shm_counters, policy) + i * sizeof(struct shm_counter),
	       sizeof(struct shm_counter));
}

void cfg_counters_clear(struct cfg *c, const Ipsecgw__V1__ClearCounters *m, cfg_reply *rep)
{
	size_t off, len;
	const char *what;

	switch (m->what) {
	case IPSECGW__V1__CLEAR_COUNTERS__WHAT__INTERFACES:
		off = offsetof(struct shm_counters, ifc);
		len = sizeof(((struct shm_counters *)0)->ifc);
		what = "interfaces";
		break;
	case IPSECGW__V1__CLEAR_COUNTERS__WHAT__ERRORS:
		off = offsetof(struct shm_counters, drop);
		len = sizeof(((struct shm_counters *)0)->drop);
		what = "errors";
		break;
	case IPSECGW__V1__CLEAR_COUNTERS__WHAT__IPSEC:
		off = offsetof(struct shm_counters, sa);
		len = sizeof(((struct shm_counters *)0)->sa) + sizeof(((struct shm_counters *)0)->policy) +
		      sizeof(((struct shm_counters *)0)->sa_err);
		what = "ipsec";
		break;
	default:
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, "what", "unknown value %d",
			       (int)m->what);
		return;
	}
	rebase(c, off, len);
	atomic_fetch_add(&c->r->hdr->counters_cleared_gen, 1);
	cfg_events_publish(c, cfg_generation(c), IPSECGW__V1__EVENT__KIND__COUNTERS_CLEARED,
			   OBJ(GLOBAL), what, NULL);
	gw_info("cleared %s counters", what);
}

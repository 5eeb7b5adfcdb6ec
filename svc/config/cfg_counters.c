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

void cfg_counters_clear(struct cfg *c, const Ipsecgw__V1__ClearCounters *m, cfg_reply *rep)
{
	uint64_t *base = shm_rec(c->r, SHM_T_BASELINE, 0);
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
		len = sizeof(((struct shm_counters *)0)->sa) + sizeof(((struct shm_counters *)0)->policy);
		what = "ipsec";
		break;
	default:
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, "what", "unknown value %d",
			       (int)m->what);
		return;
	}
	for (size_t w = off / 8; w < (off + len) / 8; w++) {
		uint64_t v = 0;
		for (unsigned k = 0; k < SHM_MAX_WORKERS; k++)
			v += __atomic_load_n((const uint64_t *)shm_counters(c->r, k) + w, __ATOMIC_RELAXED);
		__atomic_store_n(base + w, v, __ATOMIC_RELAXED);
	}
	atomic_fetch_add(&c->r->hdr->counters_cleared_gen, 1);
	cfg_events_publish(c, cfg_generation(c), IPSECGW__V1__EVENT__KIND__COUNTERS_CLEARED,
			   OBJ(GLOBAL), what, NULL);
	gw_info("cleared %s counters", what);
}

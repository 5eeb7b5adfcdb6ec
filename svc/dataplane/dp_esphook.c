/* ESP hook points (see dp_esphook.h): no SAs yet, every packet is NO_SA. */
#include "dp_esphook.h"

uint16_t dp_esphook_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		       uint16_t n)
{
	(void)f;
	for (uint16_t i = 0; i < n; i++)
		dp_drop(w, m[i], in_ifc, SHM_DROP_NO_SA);
	return 0;
}

uint16_t dp_esphook_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			const uint32_t *nh_id, uint16_t n)
{
	(void)f;
	(void)nh_id;
	for (uint16_t i = 0; i < n; i++)
		dp_drop(w, m[i], in_ifc, SHM_DROP_NO_SA);
	return 0;
}

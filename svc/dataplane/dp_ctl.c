/* Small helpers of the control thread shared by its modules. */
#include "dp_ctl.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "dp_fib.h"
#include "dp_neigh.h"

uint64_t dp_ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void dp_ctl_count_drop(struct dp_ctl *c, uint16_t ifc, enum shm_drop d)
{
	c->k->drop[d]++;
	if (ifc < SHM_MAX_IFC)
		c->k->ifc[ifc].drops++;
}

int dp_ctl_is_local(const struct dp_fwd *f, uint16_t addr_ifc, uint8_t af, const uint8_t *ip)
{
	for (uint32_t i = 0; i < f->n_addr; i++) {
		const struct dp_addr *a = &f->addr[i];
		if (a->ifc == addr_ifc && a->af == af && memcmp(a->a, ip, af == SHM_AF_INET ? 4 : 16) == 0)
			return 1;
	}
	return 0;
}

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	return !bits || ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

int dp_ctl_src_addr(const struct dp_fwd *f, uint16_t ifc, uint8_t af, const uint8_t *ip, uint8_t *out)
{
	uint16_t owner = ifc < SHM_MAX_IFC ? f->ifc[ifc].addr_ifc : DP_NO_IFC;
	const struct dp_addr *any = NULL;

	for (uint32_t i = 0; i < f->n_addr; i++) {
		const struct dp_addr *a = &f->addr[i];
		if (a->ifc != owner || a->af != af)
			continue;
		if (ip && prefix_match(a->a, ip, a->plen)) {
			any = a;
			break;
		}
		if (!any)
			any = a;
	}
	if (!any)
		return -ENOENT;
	memcpy(out, any->a, af == SHM_AF_INET ? 4 : 16);
	return 0;
}

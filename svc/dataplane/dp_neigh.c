/* The control thread's neighbor table; see dp_neigh.h. */
#include "dp_neigh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dp_wire.h"
#include "dp_worker.h"
#include "log.h"

#define DP_NBR_PENDING_MAX 1024
#define DP_NBR_CAP (SHM_MAX_NEIGH + SHM_MAX_LNEIGH + DP_NBR_PENDING_MAX)
#define DP_NBR_HASH (1u << 14)          /* > 2 * DP_NBR_CAP */
#define DP_NBR_RETRY_NS 1000000000ull

_Static_assert(DP_NBR_HASH >= 2 * DP_NBR_CAP, "neighbor hash load");

enum dp_nbr_state { DP_NBR_FREE = 0, DP_NBR_INCOMPLETE, DP_NBR_LEARNED, DP_NBR_STATIC };

struct dp_nbr {
	uint8_t state;          /* enum dp_nbr_state */
	uint8_t af;
	uint8_t tries;
	uint8_t qn;
	uint8_t mark;           /* dp_neigh_sync: still configured */
	uint8_t mac[6];
	uint16_t ifc;
	uint8_t ip[16];
	int32_t lslot;          /* SHM_T_LNEIGH record of a learned entry, -1 */
	uint64_t updated_ns;
	uint64_t next_ns;
	struct rte_mbuf *q[DP_NBR_QLEN];
};

struct dp_neigh {
	struct dp_nbr e[DP_NBR_CAP];
	uint32_t hash[DP_NBR_HASH];     /* entry index + 1; 0 empty */
	uint32_t free[DP_NBR_CAP];
	uint32_t n_free;
	uint32_t n_learned, n_pending;
};

static uint32_t nb_home(uint16_t ifc, uint8_t af, const uint8_t *ip)
{
	uint8_t k[16] = { 0 };

	memcpy(k, ip, af == SHM_AF_INET ? 4 : 16);
	return dp_nbr_hash6(k, (uint16_t)(ifc ^ (af << 12))) & (DP_NBR_HASH - 1);
}

static int nb_match(const struct dp_nbr *e, uint16_t ifc, uint8_t af, const uint8_t *ip)
{
	return e->ifc == ifc && e->af == af && memcmp(e->ip, ip, af == SHM_AF_INET ? 4 : 16) == 0;
}

static struct dp_nbr *nb_find(struct dp_neigh *nb, uint16_t ifc, uint8_t af, const uint8_t *ip)
{
	for (uint32_t i = nb_home(ifc, af, ip);; i = (i + 1) & (DP_NBR_HASH - 1)) {
		if (!nb->hash[i])
			return NULL;
		if (nb_match(&nb->e[nb->hash[i] - 1], ifc, af, ip))
			return &nb->e[nb->hash[i] - 1];
	}
}

static struct dp_nbr *nb_add(struct dp_neigh *nb, uint16_t ifc, uint8_t af, const uint8_t *ip, uint8_t state)
{
	struct dp_nbr *e;
	uint32_t i;

	if (!nb->n_free)
		return NULL;
	if (state == DP_NBR_INCOMPLETE && nb->n_pending >= DP_NBR_PENDING_MAX)
		return NULL;
	if (state == DP_NBR_LEARNED && nb->n_learned >= SHM_MAX_LNEIGH)
		return NULL;
	e = &nb->e[nb->free[--nb->n_free]];
	memset(e, 0, offsetof(struct dp_nbr, q));
	e->state = state;
	e->af = af;
	e->ifc = ifc;
	e->lslot = -1;
	memcpy(e->ip, ip, af == SHM_AF_INET ? 4 : 16);
	for (i = nb_home(ifc, af, ip); nb->hash[i]; i = (i + 1) & (DP_NBR_HASH - 1))
		;
	nb->hash[i] = (uint32_t)(e - nb->e) + 1;
	nb->n_pending += state == DP_NBR_INCOMPLETE;
	nb->n_learned += state == DP_NBR_LEARNED;
	return e;
}

/* Linear probing deletion by backward shift: no tombstones. */
static void nb_unhash(struct dp_neigh *nb, struct dp_nbr *e)
{
	const uint32_t mask = DP_NBR_HASH - 1;
	uint32_t i = nb_home(e->ifc, e->af, e->ip), j;

	while (nb->hash[i] != (uint32_t)(e - nb->e) + 1)
		i = (i + 1) & mask;
	nb->hash[i] = 0;
	for (j = (i + 1) & mask; nb->hash[j]; j = (j + 1) & mask) {
		const struct dp_nbr *o = &nb->e[nb->hash[j] - 1];
		uint32_t k = nb_home(o->ifc, o->af, o->ip);
		/* Move o back to the hole if its home is not in (i, j]. */
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			nb->hash[i] = nb->hash[j];
			nb->hash[j] = 0;
			i = j;
		}
	}
}

static void nb_set_state(struct dp_neigh *nb, struct dp_nbr *e, uint8_t state)
{
	nb->n_pending -= e->state == DP_NBR_INCOMPLETE;
	nb->n_learned -= e->state == DP_NBR_LEARNED;
	e->state = state;
	nb->n_pending += state == DP_NBR_INCOMPLETE;
	nb->n_learned += state == DP_NBR_LEARNED;
}

/* ---- the region's learned-neighbor records ---------------------------- */

static void lslot_clear(struct dp_ctl *c, struct dp_nbr *e)
{
	struct shm_lneigh img;

	if (e->lslot < 0)
		return;
	memset(&img, 0, sizeof(img));
	shm_rec_write(shm_rec(c->r, SHM_T_LNEIGH, (uint32_t)e->lslot), &img, sizeof(img));
	e->lslot = -1;
}

static void lslot_write(struct dp_ctl *c, struct dp_nbr *e)
{
	struct shm_lneigh img;

	if (e->lslot < 0) {
		for (uint32_t s = 0; s < SHM_MAX_LNEIGH; s++) {
			const struct shm_lneigh *l = shm_rec(c->r, SHM_T_LNEIGH, s);
			if (!l->h.in_use) {
				e->lslot = (int32_t)s;
				break;
			}
		}
		if (e->lslot < 0)
			return; /* cannot happen: n_learned <= SHM_MAX_LNEIGH */
	}
	memset(&img, 0, sizeof(img));
	img.h.in_use = 1;
	img.ifc = e->ifc;
	img.af = e->af;
	memcpy(img.mac, e->mac, 6);
	memcpy(img.ip, e->ip, 16);
	img.updated_ns = e->updated_ns;
	shm_rec_write(shm_rec(c->r, SHM_T_LNEIGH, (uint32_t)e->lslot), &img, sizeof(img));
}

/* ---- queued packets ----------------------------------------------------- */

static void q_drop(struct dp_ctl *c, struct dp_nbr *e, enum shm_drop why)
{
	for (uint8_t i = 0; i < e->qn; i++) {
		rte_pktmbuf_free(e->q[i]);
		dp_ctl_count_drop(c, e->ifc, why);
	}
	e->qn = 0;
}

/* Write the Ethernet header and send. */
static void nb_send(struct dp_ctl *c, const struct dp_fwd *f, uint16_t ifc, uint8_t af, const uint8_t *mac,
		    struct rte_mbuf *m)
{
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t et = af == SHM_AF_INET ? DP_ETHERTYPE_IP4 : DP_ETHERTYPE_IP6;

	if (!f || f->ifc[ifc].port == DP_NO_PORT) {
		rte_pktmbuf_free(m);
		dp_ctl_count_drop(c, ifc, SHM_DROP_IFC_DOWN);
		return;
	}
	memcpy(eth, mac, 6);
	memcpy(eth + 6, f->ifc[ifc].mac, 6);
	eth[12] = (uint8_t)(et >> 8);
	eth[13] = (uint8_t)et;
	dp_worker_inject(c, m, DP_INJ_FRAME, f->ifc[ifc].port, ifc);
}

static void q_release(struct dp_ctl *c, struct dp_nbr *e)
{
	const struct dp_fwd *f = dp_ctl_fwd(c);

	for (uint8_t i = 0; i < e->qn; i++)
		nb_send(c, f, e->ifc, e->af, e->mac, e->q[i]);
	e->qn = 0;
}

static void nb_remove(struct dp_ctl *c, struct dp_nbr *e)
{
	struct dp_neigh *nb = c->nb;
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(e->af == SHM_AF_INET ? AF_INET : AF_INET6, e->ip, a, sizeof(a));
	gw_debug("neighbor %s on interface %u: %s%s", a, e->ifc,
		 e->state == DP_NBR_INCOMPLETE ? "unresolved" : e->state == DP_NBR_LEARNED ? "expired" : "removed",
		 e->qn ? ", queued packets dropped" : "");
	q_drop(c, e, SHM_DROP_NEIGH_UNRESOLVED);
	lslot_clear(c, e);
	nb_unhash(nb, e);
	nb_set_state(nb, e, DP_NBR_FREE);
	nb->free[nb->n_free++] = (uint32_t)(e - nb->e);
	c->dirty = 1;
}

/* ---- API ------------------------------------------------------------------ */

struct dp_neigh *dp_neigh_new(void)
{
	struct dp_neigh *nb = calloc(1, sizeof(*nb));

	if (!nb)
		return NULL;
	for (uint32_t i = 0; i < DP_NBR_CAP; i++)
		nb->free[i] = DP_NBR_CAP - 1 - i;
	nb->n_free = DP_NBR_CAP;
	return nb;
}

void dp_neigh_free(struct dp_neigh *nb)
{
	if (!nb)
		return;
	for (uint32_t i = 0; i < DP_NBR_CAP; i++)
		for (uint8_t k = 0; k < nb->e[i].qn; k++)
			rte_pktmbuf_free(nb->e[i].q[k]);
	free(nb);
}

void dp_neigh_load(struct dp_ctl *c)
{
	unsigned n = 0;

	for (uint32_t s = 0; s < SHM_MAX_LNEIGH; s++) {
		const struct shm_lneigh *src = shm_rec(c->r, SHM_T_LNEIGH, s);
		struct shm_lneigh l;
		struct dp_nbr *e;

		if (!shm_rec_read(src, &l, sizeof(l)))
			continue;
		if ((l.af != SHM_AF_INET && l.af != SHM_AF_INET6) || l.ifc < 0 || l.ifc >= SHM_MAX_IFC ||
		    nb_find(c->nb, (uint16_t)l.ifc, l.af, l.ip) ||
		    !(e = nb_add(c->nb, (uint16_t)l.ifc, l.af, l.ip, DP_NBR_LEARNED))) {
			struct shm_lneigh z;
			memset(&z, 0, sizeof(z));
			shm_rec_write(shm_rec(c->r, SHM_T_LNEIGH, s), &z, sizeof(z));
			continue;
		}
		memcpy(e->mac, l.mac, 6);
		e->updated_ns = l.updated_ns;
		e->lslot = (int32_t)s;
		n++;
	}
	if (n)
		gw_info("%u learned neighbors kept from the previous run", n);
	c->dirty = 1;
}

void dp_neigh_sync(struct dp_ctl *c, const struct dp_fwd *f)
{
	struct dp_neigh *nb = c->nb;

	for (uint32_t i = 0; i < DP_NBR_CAP; i++)
		nb->e[i].mark = 0;
	for (uint32_t s = 0; s < SHM_MAX_NEIGH; s++) {
		const struct shm_neigh *src = shm_rec(c->r, SHM_T_NEIGH, s);
		struct shm_neigh n;
		struct dp_nbr *e;

		if (!shm_rec_read(src, &n, sizeof(n)) || n.ifc < 0 || n.ifc >= SHM_MAX_IFC ||
		    (n.af != SHM_AF_INET && n.af != SHM_AF_INET6))
			continue;
		e = nb_find(nb, (uint16_t)n.ifc, n.af, n.ip);
		if (!e && !(e = nb_add(nb, (uint16_t)n.ifc, n.af, n.ip, DP_NBR_STATIC)))
			continue;
		if (e->state != DP_NBR_STATIC || memcmp(e->mac, n.mac, 6) != 0)
			c->dirty = 1;
		lslot_clear(c, e);
		nb_set_state(nb, e, DP_NBR_STATIC);
		memcpy(e->mac, n.mac, 6);
		e->mark = 1;
		q_release(c, e);
	}
	for (uint32_t i = 0; i < DP_NBR_CAP; i++) {
		struct dp_nbr *e = &nb->e[i];
		if (e->state == DP_NBR_FREE)
			continue;
		if ((e->state == DP_NBR_STATIC && !e->mark) || !f->ifc[e->ifc].in_use)
			nb_remove(c, e);
	}
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 16;

	while (p < n)
		p <<= 1;
	return p;
}

int dp_neigh_fill(struct dp_ctl *c, struct dp_fwd *f)
{
	struct dp_neigh *nb = c->nb;
	uint32_t n4 = 0, n6 = 0;

	for (uint32_t i = 0; i < DP_NBR_CAP; i++) {
		const struct dp_nbr *e = &nb->e[i];
		if (e->state == DP_NBR_LEARNED || e->state == DP_NBR_STATIC) {
			n4 += e->af == SHM_AF_INET;
			n6 += e->af == SHM_AF_INET6;
		}
	}
	n4 = pow2_at_least(2 * n4);
	n6 = pow2_at_least(2 * n6);
	f->nbr4 = calloc(n4, sizeof(*f->nbr4));
	f->nbr6 = calloc(n6, sizeof(*f->nbr6));
	if (!f->nbr4 || !f->nbr6)
		return -ENOMEM;
	f->nbr_mask4 = n4 - 1;
	f->nbr_mask6 = n6 - 1;
	for (uint32_t i = 0; i < DP_NBR_CAP; i++) {
		const struct dp_nbr *e = &nb->e[i];
		if (e->state != DP_NBR_LEARNED && e->state != DP_NBR_STATIC)
			continue;
		if (e->af == SHM_AF_INET) {
			uint32_t ip, k;
			memcpy(&ip, e->ip, 4);
			ip = __builtin_bswap32(ip);
			for (k = dp_nbr_hash4(ip, e->ifc) & f->nbr_mask4; f->nbr4[k].ip; k = (k + 1) & f->nbr_mask4)
				;
			f->nbr4[k].ip = ip;
			f->nbr4[k].ifc = e->ifc;
			memcpy(f->nbr4[k].mac, e->mac, 6);
		} else {
			uint32_t k;
			for (k = dp_nbr_hash6(e->ip, e->ifc) & f->nbr_mask6; f->nbr6[k].used; k = (k + 1) & f->nbr_mask6)
				;
			memcpy(f->nbr6[k].ip, e->ip, 16);
			f->nbr6[k].ifc = e->ifc;
			f->nbr6[k].used = 1;
			memcpy(f->nbr6[k].mac, e->mac, 6);
		}
	}
	return 0;
}

const uint8_t *dp_neigh_mac(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip)
{
	const struct dp_nbr *e = nb_find(c->nb, ifc, af, ip);

	return e && (e->state == DP_NBR_LEARNED || e->state == DP_NBR_STATIC) ? e->mac : NULL;
}

void dp_neigh_learn(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip, const uint8_t mac[6],
		    int create)
{
	struct dp_nbr *e = nb_find(c->nb, ifc, af, ip);

	if (!e) {
		char a[INET6_ADDRSTRLEN] = "?";
		if (!create || !(e = nb_add(c->nb, ifc, af, ip, DP_NBR_LEARNED)))
			return;
		inet_ntop(af == SHM_AF_INET ? AF_INET : AF_INET6, ip, a, sizeof(a));
		gw_debug("neighbor %s on interface %u: learned", a, ifc);
		c->dirty = 1;
	} else if (e->state == DP_NBR_STATIC) {
		return;
	} else if (e->state == DP_NBR_INCOMPLETE) {
		nb_set_state(c->nb, e, DP_NBR_LEARNED);
		if (c->nb->n_learned > SHM_MAX_LNEIGH) {
			nb_remove(c, e);
			return;
		}
		c->dirty = 1;
	}
	if (memcmp(e->mac, mac, 6) != 0) {
		memcpy(e->mac, mac, 6);
		c->dirty = 1;
	}
	e->updated_ns = dp_ctl_now_ns();
	lslot_write(c, e);
	q_release(c, e);
}

void dp_neigh_resolve(struct dp_ctl *c, uint16_t ifc, uint8_t af, const uint8_t *ip, struct rte_mbuf *m)
{
	const struct dp_fwd *f = dp_ctl_fwd(c);
	struct dp_nbr *e = nb_find(c->nb, ifc, af, ip);

	if (e && e->state != DP_NBR_INCOMPLETE) {
		nb_send(c, f, ifc, af, e->mac, m); /* resolved since that snapshot */
		return;
	}
	if (!e) {
		if (!(e = nb_add(c->nb, ifc, af, ip, DP_NBR_INCOMPLETE))) {
			rte_pktmbuf_free(m);
			dp_ctl_count_drop(c, ifc, SHM_DROP_NEIGH_QUEUE_FULL);
			return;
		}
		e->next_ns = 0;
	}
	if (e->qn == DP_NBR_QLEN) {
		rte_pktmbuf_free(m);
		dp_ctl_count_drop(c, ifc, SHM_DROP_NEIGH_QUEUE_FULL);
	} else {
		e->q[e->qn++] = m;
	}
	if (e->next_ns == 0 && f) {
		char a[INET6_ADDRSTRLEN] = "?";
		inet_ntop(af == SHM_AF_INET ? AF_INET : AF_INET6, ip, a, sizeof(a));
		gw_debug("neighbor %s on interface %u: resolving", a, ifc);
		if (af == SHM_AF_INET)
			dp_arp_request(c, f, ifc, ip);
		else
			dp_nd_solicit(c, f, ifc, ip);
		e->tries = 1;
		e->next_ns = dp_ctl_now_ns() + DP_NBR_RETRY_NS;
	}
}

void dp_neigh_tick(struct dp_ctl *c)
{
	const struct dp_fwd *f = dp_ctl_fwd(c);
	uint64_t now = dp_ctl_now_ns(), age = (uint64_t)c->o.neigh_age_s * 1000000000ull;

	for (uint32_t i = 0; i < DP_NBR_CAP; i++) {
		struct dp_nbr *e = &c->nb->e[i];
		if (e->state == DP_NBR_LEARNED && age && now - e->updated_ns > age) {
			nb_remove(c, e);
		} else if (e->state == DP_NBR_INCOMPLETE && now >= e->next_ns) {
			if (e->tries >= DP_NBR_TRIES || !f) {
				nb_remove(c, e);
				continue;
			}
			if (e->af == SHM_AF_INET)
				dp_arp_request(c, f, e->ifc, e->ip);
			else
				dp_nd_solicit(c, f, e->ifc, e->ip);
			e->tries++;
			e->next_ns = now + DP_NBR_RETRY_NS;
		}
	}
}

/* Static routes and static neighbors. */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

static int route_mac_check(cfg_reply *rep, int has, const cfg_bytes *mac)
{
	static const uint8_t zero[6];

	if (!has || mac->len != 6 || !mac->data)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "mac",
				      "a neighbor needs a 6-byte MAC address, got %zu bytes",
				      has ? mac->len : 0);
	if (memcmp(mac->data, zero, 6) == 0)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "mac",
				      "00:00:00:00:00:00 is not a station address");
	if (mac->data[0] & 1)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "mac",
				      "%02x:%02x:%02x:%02x:%02x:%02x is a multicast/broadcast address",
				      mac->data[0], mac->data[1], mac->data[2], mac->data[3],
				      mac->data[4], mac->data[5]);
	return 0;
}

void cfg_route_neighbor(struct cfg *c, const Ipsecgw__V1__NeighborAddDel *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_neigh *n;
	uint32_t k, found = CFG_NONE;
	uint8_t ip[16];
	char s[64];
	int32_t i;
	int af;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	if (cfg_valid_addr(rep, "ip", 1, &m->ip, SHM_AF_NONE, &af, ip) < 0 ||
	    cfg_valid_unicast(rep, "ip", af, ip) < 0)
		return;
	for (k = 0; k < SHM_MAX_NEIGH && found == CFG_NONE; k++) {
		const struct shm_neigh *o = cfg_rec(c, SHM_T_NEIGH, k);
		if (o->h.in_use && o->ifc == i && o->af == af && cfg_valid_addr_cmp(af, o->ip, ip) == 0)
			found = k;
	}
	if (m->is_del) {
		if (found == CFG_NONE) {
			cfg_reply_fail(rep, E(NOT_FOUND), "ip", "no static neighbor %s on %s",
				       cfg_valid_ntop(s, af, ip), m->name);
			return;
		}
		cfg_change_begin(c, &ch);
		cfg_change_delete(&ch, SHM_T_NEIGH, found);
		cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(NEIGHBOR), "%s %s", m->name,
				  cfg_valid_ntop(s, af, ip));
		return;
	}
	if (route_mac_check(rep, m->has_mac, &m->mac) < 0)
		return;
	if (found != CFG_NONE) {
		/* As VPP's "set ip neighbor": a second add replaces the MAC. */
		cfg_change_begin(c, &ch);
		n = cfg_change_stage(&ch, SHM_T_NEIGH, found);
		memcpy(n->mac, m->mac.data, 6);
		cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(NEIGHBOR), "%s %s", m->name,
				  cfg_valid_ntop(s, af, ip));
		return;
	}
	if ((k = cfg_index_free(c, SHM_T_NEIGH)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "ip", "the static neighbor table is full (%d)",
			       SHM_MAX_NEIGH);
		return;
	}
	cfg_change_begin(c, &ch);
	n = cfg_change_new(&ch, SHM_T_NEIGH, k);
	n->ifc = i;
	n->af = (uint8_t)af;
	memcpy(n->mac, m->mac.data, 6);
	memcpy(n->ip, ip, 16);
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(NEIGHBOR), "%s %s", m->name,
			  cfg_valid_ntop(s, af, ip));
}

static int route_same_path(const struct shm_route *a, const struct shm_route *b)
{
	return a->af == b->af && a->plen == b->plen && memcmp(a->prefix, b->prefix, 16) == 0 &&
	       a->has_via == b->has_via && memcmp(a->via, b->via, 16) == 0 && a->ifc == b->ifc;
}

/* Parse and check everything but the path's existence into r. */
static int route_parse(struct cfg *c, const Ipsecgw__V1__RouteAddDel *m, cfg_reply *rep,
		       struct shm_route *r)
{
	uint8_t masked[16];
	char s1[64], s2[64];
	int af, vaf;
	int32_t i;

	memset(r, 0, sizeof(*r));
	if (!m->prefix)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix", "required");
	if (cfg_valid_addr(rep, "prefix", 1, &m->prefix->addr, SHM_AF_NONE, &af, r->prefix) < 0)
		return -1;
	if (m->prefix->len > (af == SHM_AF_INET ? 32u : 128u))
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix",
				      "prefix length %u is above %d for %s", m->prefix->len,
				      af == SHM_AF_INET ? 32 : 128, cfg_valid_af_name(af));
	cfg_valid_mask(masked, r->prefix, af, m->prefix->len);
	if (memcmp(masked, r->prefix, 16) != 0)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix",
				      "%s/%u has host bits set; the network is %s/%u",
				      cfg_valid_ntop(s1, af, r->prefix), m->prefix->len,
				      cfg_valid_ntop(s2, af, masked), m->prefix->len);
	r->af = (uint8_t)af;
	r->plen = (uint8_t)m->prefix->len;
	r->ifc = -1;
	if (m->has_via) {
		vaf = cfg_valid_af(m->via.len);
		if (vaf != SHM_AF_NONE && vaf != af)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "via",
					      "address family mismatch: an %s next hop for an %s prefix",
					      cfg_valid_af_name(vaf), cfg_valid_af_name(af));
		if (cfg_valid_addr(rep, "via", 1, &m->via, af, &vaf, r->via) < 0 ||
		    cfg_valid_unicast(rep, "via", af, r->via) < 0)
			return -1;
		r->has_via = 1;
	}
	if (m->interface) {
		if ((i = cfg_ifc_lookup(c, rep, "interface", m->interface)) < 0)
			return -1;
		r->ifc = i;
	}
	return 0;
}

void cfg_route_add_del(struct cfg *c, const Ipsecgw__V1__RouteAddDel *m, cfg_reply *rep)
{
	struct shm_route r;
	struct cfg_change ch;
	uint32_t match[SHM_JOURNAL_MAX], n = 0, k;
	char s[64];

	if (route_parse(c, m, rep, &r) < 0)
		return;
	if (m->is_del) {
		for (k = 0; k < SHM_MAX_ROUTE; k++) {
			const struct shm_route *o = cfg_rec(c, SHM_T_ROUTE, k);
			if (!o->h.in_use || o->af != r.af || o->plen != r.plen ||
			    memcmp(o->prefix, r.prefix, 16) != 0)
				continue;
			if (m->has_via && (!o->has_via || memcmp(o->via, r.via, 16) != 0))
				continue;
			if (m->interface && o->ifc != r.ifc)
				continue;
			if (n == SHM_JOURNAL_MAX) {
				cfg_reply_fail(rep, E(FAILED_PRECONDITION), "prefix",
					       "more than %d paths of %s/%u match; name via and interface",
					       SHM_JOURNAL_MAX, cfg_valid_ntop(s, r.af, r.prefix), r.plen);
				return;
			}
			match[n++] = k;
		}
		if (n == 0) {
			cfg_reply_fail(rep, E(NOT_FOUND), "prefix", "no route %s/%u with that path",
				       cfg_valid_ntop(s, r.af, r.prefix), r.plen);
			return;
		}
		cfg_change_begin(c, &ch);
		for (k = 0; k < n; k++)
			cfg_change_delete(&ch, SHM_T_ROUTE, match[k]);
		cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(ROUTE), "%s/%u",
				  cfg_valid_ntop(s, r.af, r.prefix), r.plen);
		return;
	}
	if (!r.has_via && r.ifc < 0) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "via",
			       "a route needs a next hop (via), an interface, or both");
		return;
	}
	for (k = 0; k < SHM_MAX_ROUTE; k++) {
		const struct shm_route *o = cfg_rec(c, SHM_T_ROUTE, k);
		if (o->h.in_use && route_same_path(o, &r)) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "prefix", "route %s/%u with this path exists",
				       cfg_valid_ntop(s, r.af, r.prefix), r.plen);
			return;
		}
	}
	if ((k = cfg_index_free(c, SHM_T_ROUTE)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "prefix", "the route table is full (%d)",
			       SHM_MAX_ROUTE);
		return;
	}
	cfg_change_begin(c, &ch);
	struct shm_route *x = cfg_change_new(&ch, SHM_T_ROUTE, k);
	r.h.in_use = 1;
	memcpy(x, &r, sizeof(r)); /* the image's seq is not copied into place */
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(ROUTE), "%s/%u",
			  cfg_valid_ntop(s, r.af, r.prefix), r.plen);
}

/* Interfaces: ports (from the startup file's dpdk dev/vdev lines),
 * loopbacks, admin state, MTU, addresses and unnumbered. Routes and
 * neighbors are in cfg_route.c; IPsec tunnel interfaces in cfg_tunnel.c. */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

#define CFG_MTU_DEFAULT 1500
#define CFG_MTU_MIN 68
#define CFG_MTU_MAX 9216

static const struct shm_ifc *ifc_rec(const struct cfg *c, uint32_t i)
{
	return cfg_rec(c, SHM_T_IFC, i);
}

static const char *ifc_kind_name(int kind)
{
	return kind == SHM_IFC_PORT ? "a port" : kind == SHM_IFC_LOOPBACK ? "a loopback"
		: "an IPsec tunnel interface";
}

int32_t cfg_ifc_find(const struct cfg *c, const char *name)
{
	uint32_t i;

	if (!name || strlen(name) >= SHM_NAME_MAX)
		return -1;
	i = cfg_index_ifc(c, name);
	return i == CFG_NONE ? -1 : (int32_t)i;
}

int32_t cfg_ifc_lookup(const struct cfg *c, cfg_reply *rep, const char *field, const char *name)
{
	char q[80];
	int32_t i;

	if (cfg_valid_str(rep, field, name, SHM_NAME_MAX) < 0)
		return -1;
	if ((i = cfg_ifc_find(c, name)) < 0)
		cfg_reply_fail(rep, E(NOT_FOUND), field, "no interface named %s", cfg_valid_quote(q, name));
	return i;
}

const char *cfg_ifc_refs(const struct cfg *c, uint32_t i, char *buf, size_t len)
{
	char a[64];

	buf[0] = 0;
	for (uint32_t k = 0; k < SHM_MAX_ADDR; k++) {
		const struct shm_addr *x = cfg_rec(c, SHM_T_ADDR, k);
		if (x->h.in_use && x->ifc == (int32_t)i) {
			snprintf(buf, len, "it has address %s/%u", cfg_valid_ntop(a, x->af, x->addr), x->plen);
			return buf;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_NEIGH; k++) {
		const struct shm_neigh *x = cfg_rec(c, SHM_T_NEIGH, k);
		if (x->h.in_use && x->ifc == (int32_t)i) {
			snprintf(buf, len, "it has static neighbor %s", cfg_valid_ntop(a, x->af, x->ip));
			return buf;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_ROUTE; k++) {
		const struct shm_route *x = cfg_rec(c, SHM_T_ROUTE, k);
		if (x->h.in_use && x->ifc == (int32_t)i) {
			snprintf(buf, len, "route %s/%u goes through it",
				 cfg_valid_ntop(a, x->af, x->prefix), x->plen);
			return buf;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
		const struct shm_ifc *x = ifc_rec(c, k);
		if (x->h.in_use && k != i && x->unnumbered == (int32_t)i) {
			snprintf(buf, len, "%.31s is unnumbered to it", x->name);
			return buf;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_PROFILE; k++) {
		const struct shm_profile *x = cfg_rec(c, SHM_T_PROFILE, k);
		if (x->h.in_use && strncmp(x->resp_ifc, ifc_rec(c, i)->name, SHM_NAME_MAX) == 0) {
			snprintf(buf, len, "IKEv2 profile %.63s names it as responder interface", x->name);
			return buf;
		}
	}
	return buf;
}

/* loopN / ipsecN: names the service hands out, so no port may take them. */
static int ifc_reserved(const char *name)
{
	static const char *const pfx[] = { "loop", "ipsec" };

	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(pfx[k]);
		if (strncmp(name, pfx[k], n) == 0 && name[n]) {
			const char *p = name + n;
			while (*p >= '0' && *p <= '9')
				p++;
			if (!*p)
				return 1;
		}
	}
	return 0;
}

void cfg_ifc_init_rec(struct shm_ifc *f, const char *name, int kind, uint32_t instance)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->kind = (uint8_t)kind;
	f->instance = instance;
	f->unnumbered = -1;
	f->mtu = CFG_MTU_DEFAULT;
}

uint32_t cfg_ifc_free_instance(struct cfg *c, const char *prefix)
{
	char name[SHM_NAME_MAX];
	uint32_t *hint = &c->idx.inst_hint[strcmp(prefix, "loop") == 0 ? 0 : 1];

	for (uint32_t n = *hint;; n++) {
		snprintf(name, sizeof(name), "%s%u", prefix, n);
		if (cfg_ifc_find(c, name) < 0) {
			*hint = n;
			return n;
		}
	}
}

void cfg_ifc_port_create(struct cfg *c, const Ipsecgw__V1__PortCreate *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_ifc *f;
	uint32_t i, ord = 0;
	char q[80];

	if (cfg_valid_ifname(rep, "name", m->name) < 0)
		return;
	if (ifc_reserved(m->name)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "name",
			       "%s has the form of a created interface name (loopN, ipsecN); "
			       "name the port otherwise", cfg_valid_quote(q, m->name));
		return;
	}
	if (cfg_valid_str(rep, "devargs", m->devargs, SHM_DEVARGS_MAX) < 0)
		return;
	if (!cfg_valid_printable(m->devargs, strlen(m->devargs), 0)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "devargs",
			       "%s: a PCI address or vdev spec, printable, without spaces",
			       cfg_valid_quote(q, m->devargs));
		return;
	}
	if (cfg_ifc_find(c, m->name) >= 0) {
		cfg_reply_fail(rep, E(ALREADY_EXISTS), "name", "interface %s already exists",
			       cfg_valid_quote(q, m->name));
		return;
	}
	/* A port's instance is its ordinal: the lowest one no other port has. */
	for (int again = 1; again;) {
		again = 0;
		for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
			const struct shm_ifc *x = ifc_rec(c, k);
			if (!x->h.in_use || x->kind != SHM_IFC_PORT)
				continue;
			if (strncmp(x->devargs, m->devargs, SHM_DEVARGS_MAX) == 0) {
				cfg_reply_fail(rep, E(ALREADY_EXISTS), "devargs", "%s is already port %.31s",
					       cfg_valid_quote(q, m->devargs), x->name);
				return;
			}
			if (x->instance == ord) {
				ord++;
				again = 1;
			}
		}
	}
	if ((i = cfg_index_free(c, SHM_T_IFC)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "name", "the interface table is full (%d)",
			       SHM_MAX_IFC);
		return;
	}
	cfg_change_begin(c, &ch);
	f = cfg_change_new(&ch, SHM_T_IFC, i);
	cfg_ifc_init_rec(f, m->name, SHM_IFC_PORT, ord);
	snprintf(f->devargs, sizeof(f->devargs), "%s", m->devargs);
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(INTERFACE), "%s", m->name);
	rep->created_name = cfg_reply_strdup(m->name);
}

void cfg_ifc_loopback_create(struct cfg *c, const Ipsecgw__V1__LoopbackCreate *m, cfg_reply *rep)
{
	struct cfg_change ch;
	char name[SHM_NAME_MAX];
	uint32_t i, n;

	if (m->has_instance) {
		n = m->instance;
		snprintf(name, sizeof(name), "loop%u", n);
		if (cfg_ifc_find(c, name) >= 0) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "instance", "%s already exists", name);
			return;
		}
	} else {
		n = cfg_ifc_free_instance(c, "loop");
		snprintf(name, sizeof(name), "loop%u", n);
	}
	if ((i = cfg_index_free(c, SHM_T_IFC)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "instance", "the interface table is full (%d)",
			       SHM_MAX_IFC);
		return;
	}
	cfg_change_begin(c, &ch);
	cfg_ifc_init_rec(cfg_change_new(&ch, SHM_T_IFC, i), name, SHM_IFC_LOOPBACK, n);
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(INTERFACE), "%s", name);
	rep->created_name = cfg_reply_strdup(name);
}

void cfg_ifc_loopback_delete(struct cfg *c, const Ipsecgw__V1__LoopbackDelete *m, cfg_reply *rep)
{
	struct cfg_change ch;
	char why[160];
	int32_t i;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	if (ifc_rec(c, (uint32_t)i)->kind != SHM_IFC_LOOPBACK) {
		cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name", "%s is %s, not a loopback", m->name,
			       ifc_kind_name(ifc_rec(c, (uint32_t)i)->kind));
		return;
	}
	if (*cfg_ifc_refs(c, (uint32_t)i, why, sizeof(why))) {
		cfg_reply_fail(rep, E(IN_USE), "name", "%s is in use: %s", m->name, why);
		return;
	}
	cfg_change_begin(c, &ch);
	cfg_change_delete(&ch, SHM_T_IFC, (uint32_t)i);
	cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(INTERFACE), "%s", m->name);
}

void cfg_ifc_set_state(struct cfg *c, const Ipsecgw__V1__InterfaceSetState *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_ifc *f;
	int32_t i;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	cfg_change_begin(c, &ch);
	f = cfg_change_stage(&ch, SHM_T_IFC, (uint32_t)i);
	f->admin_up = m->up ? 1 : 0;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(INTERFACE), "%s", m->name);
}

void cfg_ifc_set_mtu(struct cfg *c, const Ipsecgw__V1__InterfaceSetMtu *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_ifc *f;
	int32_t i;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	if (m->mtu < CFG_MTU_MIN || m->mtu > CFG_MTU_MAX) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "mtu", "must be %d..%d, got %u", CFG_MTU_MIN,
			       CFG_MTU_MAX, m->mtu);
		return;
	}
	cfg_change_begin(c, &ch);
	f = cfg_change_stage(&ch, SHM_T_IFC, (uint32_t)i);
	f->mtu = m->mtu;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(INTERFACE), "%s", m->name);
}

static void ifc_address_add(struct cfg *c, uint32_t i, int af, const uint8_t *a, unsigned plen,
			    cfg_reply *rep)
{
	const struct shm_ifc *f = ifc_rec(c, i);
	uint8_t mine[16], theirs[16];
	struct cfg_change ch;
	struct shm_addr *x;
	char s1[64], s2[64];
	uint32_t k;

	if (plen == 0) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix",
			       "an interface address needs a prefix length of 1..%d",
			       af == SHM_AF_INET ? 32 : 128);
		return;
	}
	if (cfg_valid_unicast(rep, "prefix", af, a) < 0)
		return;
	if (f->unnumbered >= 0) {
		cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name",
			       "%.31s is unnumbered (uses %.31s) and has no address of its own", f->name,
			       (unsigned)f->unnumbered < SHM_MAX_IFC ? ifc_rec(c, (uint32_t)f->unnumbered)->name : "?");
		return;
	}
	for (k = 0; k < SHM_MAX_ADDR; k++) {
		const struct shm_addr *o = cfg_rec(c, SHM_T_ADDR, k);
		unsigned m;
		if (!o->h.in_use || o->af != af)
			continue;
		if (cfg_valid_addr_cmp(af, o->addr, a) == 0) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "prefix", "%s is already an address of %.31s",
				       cfg_valid_ntop(s1, af, a),
				       (unsigned)o->ifc < SHM_MAX_IFC ? ifc_rec(c, (uint32_t)o->ifc)->name : "?");
			return;
		}
		if (o->ifc == (int32_t)i)
			continue;
		m = o->plen < plen ? o->plen : plen;
		cfg_valid_mask(mine, a, af, m);
		cfg_valid_mask(theirs, o->addr, af, m);
		if (cfg_valid_addr_cmp(af, mine, theirs) == 0) {
			cfg_reply_fail(rep, E(FAILED_PRECONDITION), "prefix", "%s/%u overlaps %s/%u of %.31s",
				       cfg_valid_ntop(s1, af, a), plen, cfg_valid_ntop(s2, af, o->addr),
				       o->plen,
				       (unsigned)o->ifc < SHM_MAX_IFC ? ifc_rec(c, (uint32_t)o->ifc)->name : "?");
			return;
		}
	}
	if ((k = cfg_index_free(c, SHM_T_ADDR)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "prefix", "the address table is full (%d)",
			       SHM_MAX_ADDR);
		return;
	}
	cfg_change_begin(c, &ch);
	x = cfg_change_new(&ch, SHM_T_ADDR, k);
	x->ifc = (int32_t)i;
	x->af = (uint8_t)af;
	x->plen = (uint8_t)plen;
	memcpy(x->addr, a, 16);
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(ADDRESS), "%.31s %s/%u", f->name,
			  cfg_valid_ntop(s1, af, a), plen);
}

void cfg_ifc_address(struct cfg *c, const Ipsecgw__V1__InterfaceAddress *m, cfg_reply *rep)
{
	struct cfg_change ch;
	uint8_t a[16];
	char s[64];
	int32_t i;
	int af;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	if (!m->prefix) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix", "required");
		return;
	}
	if (cfg_valid_addr(rep, "prefix", 1, &m->prefix->addr, SHM_AF_NONE, &af, a) < 0)
		return;
	if (m->prefix->len > (af == SHM_AF_INET ? 32u : 128u)) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "prefix", "prefix length %u is above %d for %s",
			       m->prefix->len, af == SHM_AF_INET ? 32 : 128, cfg_valid_af_name(af));
		return;
	}
	if (!m->is_del) {
		ifc_address_add(c, (uint32_t)i, af, a, m->prefix->len, rep);
		return;
	}
	for (uint32_t k = 0; k < SHM_MAX_ADDR; k++) {
		const struct shm_addr *o = cfg_rec(c, SHM_T_ADDR, k);
		if (o->h.in_use && o->ifc == i && o->af == af && o->plen == m->prefix->len &&
		    cfg_valid_addr_cmp(af, o->addr, a) == 0) {
			cfg_change_begin(c, &ch);
			cfg_change_delete(&ch, SHM_T_ADDR, k);
			cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(ADDRESS), "%s %s/%u", m->name,
					  cfg_valid_ntop(s, af, a), m->prefix->len);
			return;
		}
	}
	cfg_reply_fail(rep, E(NOT_FOUND), "prefix", "%s/%u is not an address of %s",
		       cfg_valid_ntop(s, af, a), m->prefix->len, m->name);
}

void cfg_ifc_unnumbered(struct cfg *c, const Ipsecgw__V1__InterfaceUnnumbered *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_ifc *f;
	char why[160];
	int32_t i, u;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	if (m->is_del) {
		int32_t cur = ifc_rec(c, (uint32_t)i)->unnumbered;
		if (cur < 0 || cur >= SHM_MAX_IFC) {
			cfg_reply_fail(rep, E(NOT_FOUND), "name", "%s is not unnumbered", m->name);
			return;
		}
		if (m->use && strncmp(m->use, ifc_rec(c, (uint32_t)cur)->name, SHM_NAME_MAX) != 0) {
			cfg_reply_fail(rep, E(NOT_FOUND), "use", "%s is unnumbered to %.31s, not to %s",
				       m->name, ifc_rec(c, (uint32_t)cur)->name, cfg_valid_quote(why, m->use));
			return;
		}
		cfg_change_begin(c, &ch);
		f = cfg_change_stage(&ch, SHM_T_IFC, (uint32_t)i);
		f->unnumbered = -1;
		cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(INTERFACE), "%s", m->name);
		return;
	}
	if (!m->use) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "use",
			       "required: the interface whose address %s borrows", m->name);
		return;
	}
	if ((u = cfg_ifc_lookup(c, rep, "use", m->use)) < 0)
		return;
	if (u == i) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "use", "an interface cannot be unnumbered to itself");
		return;
	}
	if (ifc_rec(c, (uint32_t)u)->unnumbered >= 0) {
		cfg_reply_fail(rep, E(FAILED_PRECONDITION), "use",
			       "%s is itself unnumbered; name an interface with an address", m->use);
		return;
	}
	for (uint32_t k = 0; k < SHM_MAX_ADDR; k++) {
		const struct shm_addr *o = cfg_rec(c, SHM_T_ADDR, k);
		if (o->h.in_use && o->ifc == i) {
			cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name",
				       "%s has addresses of its own; delete them first", m->name);
			return;
		}
	}
	for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
		const struct shm_ifc *x = ifc_rec(c, k);
		if (x->h.in_use && x->unnumbered == i) {
			cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name",
				       "%.31s is unnumbered to %s; it cannot borrow an address itself",
				       x->name, m->name);
			return;
		}
	}
	cfg_change_begin(c, &ch);
	f = cfg_change_stage(&ch, SHM_T_IFC, (uint32_t)i);
	f->unnumbered = u;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(INTERFACE), "%s", m->name);
}

/* SPDs, their binding to interfaces, and their policies.
 *
 * SPD ids are any uint32, 0 included: "no SPD" is shm_ifc.has_spd == 0,
 * never a reserved id. A policy is identified by its full spec, as in VPP:
 * a delete names every field the add named. */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

#define E(x) IPSECGW__V1__ERROR_CODE__##x
#define EV(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

static const char *const action_names[] = { "bypass", "discard", "protect" };

void cfg_spd_add_del(struct cfg *c, const Ipsecgw__V1__SpdAddDel *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_spd *s;
	uint32_t i = cfg_index_spd(c, m->spd_id);

	if (!m->is_del) {
		if (i != CFG_NONE) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "spd_id", "SPD %u already exists", m->spd_id);
			return;
		}
		if ((i = cfg_index_free(c, SHM_T_SPD)) == CFG_NONE) {
			cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "spd_id", "the SPD table is full (%d)",
				       SHM_MAX_SPD);
			return;
		}
		cfg_change_begin(c, &ch);
		s = cfg_change_new(&ch, SHM_T_SPD, i);
		s->spd_id = m->spd_id;
		cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(SPD), "%u", m->spd_id);
		return;
	}
	if (i == CFG_NONE) {
		cfg_reply_fail(rep, E(NOT_FOUND), "spd_id", "no SPD %u", m->spd_id);
		return;
	}
	if (c->idx.spd_npol[i]) {
		cfg_reply_fail(rep, E(FAILED_PRECONDITION), "spd_id",
			       "SPD %u still has %u policies; delete them first", m->spd_id,
			       c->idx.spd_npol[i]);
		return;
	}
	for (uint32_t k = 0; k < SHM_MAX_IFC; k++) {
		const struct shm_ifc *f = cfg_rec(c, SHM_T_IFC, k);
		if (f->h.in_use && f->has_spd && f->spd_id == m->spd_id) {
			cfg_reply_fail(rep, E(IN_USE), "spd_id", "SPD %u is bound to interface %.31s",
				       m->spd_id, f->name);
			return;
		}
	}
	cfg_change_begin(c, &ch);
	cfg_change_delete(&ch, SHM_T_SPD, i);
	cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(SPD), "%u", m->spd_id);
}

void cfg_spd_interface(struct cfg *c, const Ipsecgw__V1__InterfaceSpd *m, cfg_reply *rep)
{
	struct cfg_change ch;
	const struct shm_ifc *cur;
	struct shm_ifc *f;
	int32_t i;

	if ((i = cfg_ifc_lookup(c, rep, "name", m->name)) < 0)
		return;
	cur = cfg_rec(c, SHM_T_IFC, (uint32_t)i);
	if (m->is_del) {
		if (!cur->has_spd || cur->spd_id != m->spd_id) {
			cfg_reply_fail(rep, E(NOT_FOUND), "spd_id", "%s is not bound to SPD %u", m->name,
				       m->spd_id);
			return;
		}
	} else {
		if (cfg_index_spd(c, m->spd_id) == CFG_NONE) {
			cfg_reply_fail(rep, E(NOT_FOUND), "spd_id", "no SPD %u", m->spd_id);
			return;
		}
		if (cur->has_spd && cur->spd_id == m->spd_id) {
			cfg_reply_fail(rep, E(ALREADY_EXISTS), "spd_id", "%s is already bound to SPD %u",
				       m->name, m->spd_id);
			return;
		}
		if (cur->has_spd) {
			cfg_reply_fail(rep, E(FAILED_PRECONDITION), "name",
				       "%s is bound to SPD %u; unbind it first", m->name, cur->spd_id);
			return;
		}
	}
	cfg_change_begin(c, &ch);
	f = cfg_change_stage(&ch, SHM_T_IFC, (uint32_t)i);
	f->has_spd = m->is_del ? 0 : 1;
	f->spd_id = m->is_del ? 0 : m->spd_id;
	cfg_change_commit(c, &ch, rep, EV(CHANGED), OBJ(INTERFACE), "%s", m->name);
}

/* One side's address range; absent = the whole family. */
static int spd_range(cfg_reply *rep, int af, const char *fs, const char *fe, int has_s,
			const cfg_bytes *s, int has_e, const cfg_bytes *e, uint8_t *start, uint8_t *end)
{
	const char *names[2] = { fs, fe };
	const cfg_bytes *b[2] = { s, e };
	int n = cfg_valid_addr_len(af), got;
	char s1[64], s2[64];

	if (has_s != has_e)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), has_s ? fe : fs,
				      "an address range needs both %s and %s", fs, fe);
	if (!has_s) {
		memset(start, 0, 16);
		memset(end, 0, 16);
		memset(end, 0xff, (size_t)n);
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		got = cfg_valid_af(b[k]->len);
		if (got != SHM_AF_NONE && got != af)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), names[k],
					      "address family mismatch: an %s address in an %s policy%s",
					      cfg_valid_af_name(got), cfg_valid_af_name(af),
					      af == SHM_AF_INET ? " (set is_ipv6)" : "");
	}
	if (cfg_valid_addr(rep, fs, 1, s, af, &got, start) < 0 ||
	    cfg_valid_addr(rep, fe, 1, e, af, &got, end) < 0)
		return -1;
	if (cfg_valid_addr_cmp(af, start, end) > 0)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), fs, "range start %s is above its end %s",
				      cfg_valid_ntop(s1, af, start), cfg_valid_ntop(s2, af, end));
	return 0;
}

static int spd_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* A spec, checked, into the record p (a normalised image: defaults filled,
 * padding zero), so that equal specs give equal records. */
static int spd_policy_parse(struct cfg *c, cfg_reply *rep, const Ipsecgw__V1__PolicySpec *s, int add,
			struct shm_policy *p)
{
	int af = s->is_ipv6 ? SHM_AF_INET6 : SHM_AF_INET;
	int any_port = s->has_local_port_start || s->has_local_port_end || s->has_remote_port_start ||
		       s->has_remote_port_end;

	memset(p, 0, sizeof(*p));
	if (cfg_index_spd(c, s->spd_id) == CFG_NONE)
		return cfg_reply_fail(rep, E(NOT_FOUND), "spd_id", "no SPD %u", s->spd_id);
	if ((unsigned)s->direction > IPSECGW__V1__DIRECTION__OUTBOUND)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "direction", "unknown value %d",
				      (int)s->direction);
	if ((unsigned)s->action > IPSECGW__V1__POLICY_ACTION__PROTECT)
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "action", "unknown value %d",
				      (int)s->action);
	if (s->action == IPSECGW__V1__POLICY_ACTION__PROTECT) {
		if (!s->has_sa_id)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_id",
					      "action protect needs an SA (sa_id)");
		if (add && cfg_index_sa(c, s->sa_id) == CFG_NONE)
			return cfg_reply_fail(rep, E(NOT_FOUND), "sa_id", "no SA %u", s->sa_id);
		p->sa_id = s->sa_id;
	} else if (s->has_sa_id) {
		return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "sa_id",
				      "only action protect takes an SA, not action %s",
				      action_names[s->action]);
	}
	if (spd_range(rep, af, "local_start", "local_end", s->has_local_start, &s->local_start,
			 s->has_local_end, &s->local_end, p->laddr_start, p->laddr_end) < 0 ||
	    spd_range(rep, af, "remote_start", "remote_end", s->has_remote_start, &s->remote_start,
			 s->has_remote_end, &s->remote_end, p->raddr_start, p->raddr_end) < 0)
		return -1;
	if (s->has_protocol) {
		if (s->protocol > 255)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), "protocol",
					      "an IP protocol is 0..255, got %u", s->protocol);
		p->has_protocol = 1;
		p->protocol = (uint8_t)s->protocol;
	}
	if (any_port) {
		const char *f = s->has_local_port_start ? "local_port_start"
			: s->has_local_port_end ? "local_port_end"
			: s->has_remote_port_start ? "remote_port_start" : "remote_port_end";
		if (!p->has_protocol)
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), f,
					      "port ranges need protocol 6 (tcp), 17 (udp) or 132 (sctp); "
					      "protocol any has no ports");
		if (!spd_has_ports(p->protocol))
			return cfg_reply_fail(rep, E(INVALID_ARGUMENT), f,
					      "protocol %u has no ports (only 6, 17 and 132 do)",
					      p->protocol);
	}
	if (cfg_valid_ports(rep, "local_port_start", "local_port_end", s->has_local_port_start,
			    s->local_port_start, s->has_local_port_end, s->local_port_end,
			    &p->lport_start, &p->lport_end) < 0 ||
	    cfg_valid_ports(rep, "remote_port_start", "remote_port_end", s->has_remote_port_start,
			    s->remote_port_start, s->has_remote_port_end, s->remote_port_end,
			    &p->rport_start, &p->rport_end) < 0)
		return -1;
	p->spd_id = s->spd_id;
	p->dir = (uint8_t)s->direction;
	p->af = (uint8_t)af;
	p->action = (uint8_t)s->action;
	p->priority = s->priority;
	p->h.in_use = 1;
	return 0;
}

void cfg_spd_policy(struct cfg *c, const Ipsecgw__V1__PolicyAddDel *m, cfg_reply *rep)
{
	struct cfg_change ch;
	struct shm_policy p;
	uint32_t i;

	if (!m->spec) {
		cfg_reply_fail(rep, E(INVALID_ARGUMENT), "spec", "required");
		return;
	}
	if (spd_policy_parse(c, rep, m->spec, !m->is_del, &p) < 0)
		return;
	i = cfg_index_policy(c, &p);
	if (m->is_del) {
		if (i == CFG_NONE) {
			cfg_reply_fail(rep, E(NOT_FOUND), "spec", "no policy of SPD %u matches this spec",
				       p.spd_id);
			return;
		}
		cfg_change_begin(c, &ch);
		cfg_change_delete(&ch, SHM_T_POLICY, i);
		cfg_change_commit(c, &ch, rep, EV(DELETED), OBJ(POLICY), "%u", i);
		return;
	}
	if (i != CFG_NONE) {
		cfg_reply_fail(rep, E(ALREADY_EXISTS), "spec",
			       "an identical policy exists in SPD %u (index %u)", p.spd_id, i);
		return;
	}
	if ((i = cfg_index_free(c, SHM_T_POLICY)) == CFG_NONE) {
		cfg_reply_fail(rep, E(RESOURCE_EXHAUSTED), "spec", "the policy table is full (%d)",
			       SHM_MAX_POLICY);
		return;
	}
	cfg_counters_reset_policy(c, i);
	cfg_change_begin(c, &ch);
	memcpy(cfg_change_stage(&ch, SHM_T_POLICY, i), &p, sizeof(p));
	cfg_change_commit(c, &ch, rep, EV(ADDED), OBJ(POLICY), "%u", i);
	rep->has_created_index = 1;
	rep->created_index = i;
}

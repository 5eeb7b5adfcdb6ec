/* Traffic selectors: profiles, intersection, narrowing. */
#include "ikev2_ts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike_wire.h"

static size_t alen(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;
}

void ikev2_ts_from_profile(const struct shm_ike_ts *p, uint8_t af, struct ike_ts *out)
{
	memset(out, 0, sizeof(*out));
	if (p && p->set) {
		ikev2_ts_from_shm(p, out);
		return;
	}
	out->type = af == SHM_AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	out->end_port = 65535;
	memset(out->end, 0xff, alen(out));
}

void ikev2_ts_host(uint8_t af, const uint8_t *ip, struct ike_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->type = af == SHM_AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	out->end_port = 65535;
	memcpy(out->start, ip, alen(out));
	memcpy(out->end, ip, alen(out));
}

int ikev2_ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	size_t n = alen(a);
	struct ike_ts r;

	if (a->type != b->type)
		return -1;
	if (a->ip_proto && b->ip_proto && a->ip_proto != b->ip_proto)
		return -1;
	memset(&r, 0, sizeof(r));
	r.type = a->type;
	r.ip_proto = a->ip_proto ? a->ip_proto : b->ip_proto;
	memcpy(r.start, memcmp(a->start, b->start, n) > 0 ? a->start : b->start, n);
	memcpy(r.end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	r.start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
	r.end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (memcmp(r.start, r.end, n) > 0 || r.start_port > r.end_port)
		return -1;
	*out = r;
	return 0;
}

int ikev2_ts_narrow(const struct ike_ts_pl *offer, const struct ike_ts *mine, struct ike_ts *out)
{
	for (unsigned i = 0; i < offer->n_ts; i++) {
		const struct ike_ts *t = &offer->ts[i];
		if (!mine) {
			*out = *t;
			return 0;
		}
		if (ikev2_ts_intersect(t, mine, out) == 0)
			return 0;
	}
	return -1;
}

bool ikev2_ts_within(const struct ike_ts *a, const struct ike_ts *b)
{
	struct ike_ts x;

	return ikev2_ts_intersect(a, b, &x) == 0 && memcmp(&x, a, sizeof(x)) == 0;
}

void ikev2_ts_to_pl(const struct ike_ts *t, struct ike_ts_pl *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->n_ts = 1;
	pl->ts[0] = *t;
}

void ikev2_ts_to_shm(const struct ike_ts *t, struct shm_ike_ts *o)
{
	memset(o, 0, sizeof(*o));
	o->set = 1;
	o->af = t->type == IKE_TS_IPV6_ADDR_RANGE ? SHM_AF_INET6 : SHM_AF_INET;
	o->protocol = t->ip_proto;
	o->port_start = t->start_port;
	o->port_end = t->end_port;
	memcpy(o->start, t->start, alen(t));
	memcpy(o->end, t->end, alen(t));
}

void ikev2_ts_from_shm(const struct shm_ike_ts *o, struct ike_ts *t)
{
	memset(t, 0, sizeof(*t));
	t->type = o->af == SHM_AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	t->ip_proto = o->protocol;
	t->start_port = o->port_start;
	t->end_port = o->port_end;
	memcpy(t->start, o->start, alen(t));
	memcpy(t->end, o->end, alen(t));
}

const char *ikev2_ts_str(const struct ike_ts *t, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];
	int af = t->type == IKE_TS_IPV6_ADDR_RANGE ? AF_INET6 : AF_INET;

	inet_ntop(af, t->start, s, sizeof(s));
	inet_ntop(af, t->end, e, sizeof(e));
	snprintf(buf, len, "%s - %s port %u - %u protocol %u", s, e, t->start_port, t->end_port,
		 t->ip_proto);
	return buf;
}

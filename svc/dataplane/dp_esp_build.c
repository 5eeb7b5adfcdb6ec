/* The IPsec part of a forwarding snapshot, built on the control thread
 * (dp_esp.h). */
#include "dp_esp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_classify.h"
#include "dp_ctl.h"
#include "dp_engines.h"
#include "dp_fib.h"
#include "dp_worker.h"
#include "esp_engine.h"
#include "esp_sa.h"
#include "log.h"
#include "spd/dp_spd.h"

struct dp_esp_ctl {
	struct dp_esp_obj *cache[SHM_MAX_SA];   /* the prepared SA pair of each index */
	uint32_t sel_ver;                       /* bumped when the engine selection changes */
};

static void obj_unref(struct dp_esp_obj *o)
{
	if (o && --o->refs == 0) {
		esp_sa_out_free(o->out);
		esp_sa_in_free(o->in);
		free(o);
	}
}

int dp_esp_init(struct dp_ctl *c)
{
	char err[256];

	if (esp_engine_init(err, sizeof(err)) != 0) {
		gw_err("crypto engines: %s", err);
		return -EIO;
	}
	c->esp = calloc(1, sizeof(*c->esp));
	if (!c->esp)
		return -ENOMEM;
	dp_engines_apply(c->r);         /* the operator's choices; publishes the measurements */
	return 0;
}

void dp_esp_fini(struct dp_ctl *c)
{
	if (!c->esp)
		return;
	for (uint32_t i = 0; i < SHM_MAX_SA; i++)
		obj_unref(c->esp->cache[i]);
	free(c->esp);
	c->esp = NULL;
	esp_engine_fini();
}

void dp_esp_free(struct dp_esp *e)
{
	if (!e)
		return;
	if (e->sa)
		for (uint32_t i = 0; i < SHM_MAX_SA; i++)
			obj_unref(e->sa[i].obj);
	dp_spd_free(e->spd);
	free(e->sa);
	free(e->spi);
	free(e->pol);
	free(e->pol_sa);
	free(e->udp_ports);
	free(e);
}

/* The prepared pair for SA record i (read consistently into r): the cached
 * one while the record's creation, keys and the engine selection are the
 * same, else a new one. */
static struct dp_esp_obj *sa_prepare(struct dp_ctl *c, uint32_t i, const struct shm_sa *r)
{
	struct dp_esp_ctl *x = c->esp;
	struct dp_esp_obj *o = x->cache[i];
	char err[256];

	if (o && o->create_gen == r->create_gen && o->key_gen == r->key_gen && o->sel_ver == x->sel_ver)
		return o;
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->refs = 1;                    /* the cache's */
	o->create_gen = r->create_gen;
	o->key_gen = r->key_gen;
	o->sel_ver = x->sel_ver;
	/* A record of an earlier SA with this index: start from sequence 0 and
	 * an empty window. After a restart the record is this SA's: it goes on. */
	esp_sa_rt_adopt(shm_rec(c->r, SHM_T_SA_RT, i), r);
	if (!(o->out = esp_sa_out_create(r, ESP_ENGINE_AUTO, err, sizeof(err))))
		gw_warn("SA %u cannot send: %s", r->sa_id, err);
	if (!(o->in = esp_sa_in_create(r, ESP_ENGINE_AUTO, err, sizeof(err))))
		gw_warn("SA %u cannot receive: %s", r->sa_id, err);
	obj_unref(x->cache[i]);
	x->cache[i] = o;
	return o;
}

/* sa_id -> index, open addressing, for the policies and tunnels. */
struct idmap {
	uint32_t mask;
	uint32_t *id, *idx;
};

static uint32_t idmap_find(const struct idmap *m, uint32_t id)
{
	for (uint32_t j = dp_esp_spi_hash(id) & m->mask;; j = (j + 1) & m->mask) {
		if (m->idx[j] == DP_ESP_NONE)
			return DP_ESP_NONE;
		if (m->id[j] == id)
			return m->idx[j];
	}
}

static void idmap_put(struct idmap *m, uint32_t id, uint32_t idx)
{
	uint32_t j = dp_esp_spi_hash(id) & m->mask;

	while (m->idx[j] != DP_ESP_NONE)
		j = (j + 1) & m->mask;
	m->id[j] = id;
	m->idx[j] = idx;
}

/* An inbound SA by SPI. Two inbound SAs with one SPI: the first stays. */
static void spi_put(struct dp_esp *e, uint32_t spi, uint32_t idx)
{
	uint32_t j = dp_esp_spi_hash(spi) & e->spi_mask;

	for (; e->spi[j].sa != DP_ESP_NONE; j = (j + 1) & e->spi_mask) {
		if (e->spi[j].spi == spi) {
			if (e->spi[j].sa != idx)
				gw_warn("SA %u: SPI %u is also the SPI of inbound SA %u; it receives nothing",
					e->sa[idx].sa_id, spi, e->sa[e->spi[j].sa].sa_id);
			return;
		}
	}
	e->spi[j].spi = spi;
	e->spi[j].sa = idx;
}

struct pol_tmp {
	uint32_t sa;
	int32_t priority;
	struct dp_esp_pol p;
};

static int pol_cmp(const void *a, const void *b)
{
	const struct pol_tmp *x = a, *y = b;

	if (x->sa != y->sa)
		return x->sa < y->sa ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;      /* higher priority first */
	return x->p.policy < y->p.policy ? -1 : x->p.policy > y->p.policy;
}

static inline int rec_in_use(const void *rec)
{
	return __atomic_load_n(&((const struct shm_rec_hdr *)rec)->in_use, __ATOMIC_RELAXED) != 0;
}

int dp_esp_build(struct dp_ctl *c, struct dp_fwd *f, const struct dp_fwd *cur)
{
	struct dp_esp *e = calloc(1, sizeof(*e));
	struct idmap ids = { 0 };
	struct pol_tmp *pt = NULL;
	uint32_t n_pt = 0, n_in = 0, *spi_of = NULL, size;
	uint8_t *is_in = NULL;
	char err[256];
	int rc = -ENOMEM;

	f->esp = e;                     /* freed with f on failure */
	if (!e)
		return -ENOMEM;
	/* `set crypto handler`: another engine for some algorithm prepares
	 * every SA again (a new snapshot: atomic for the workers) */
	if (dp_engines_apply(c->r) > 0)
		c->esp->sel_ver++;
	e->rt = shm_table_base(c->r, SHM_T_SA_RT);
	e->sa = calloc(SHM_MAX_SA, sizeof(*e->sa));
	e->pol_sa = malloc(SHM_MAX_POLICY * sizeof(*e->pol_sa));
	ids.mask = 2 * SHM_MAX_SA - 1;
	ids.id = malloc(2 * SHM_MAX_SA * sizeof(*ids.id));
	ids.idx = malloc(2 * SHM_MAX_SA * sizeof(*ids.idx));
	spi_of = calloc(SHM_MAX_SA, sizeof(*spi_of));
	is_in = calloc(SHM_MAX_SA, 1);
	if (!e->sa || !e->pol_sa || !ids.id || !ids.idx || !spi_of || !is_in)
		goto out;
	memset(e->pol_sa, 0xff, SHM_MAX_POLICY * sizeof(*e->pol_sa));
	memset(ids.idx, 0xff, 2 * SHM_MAX_SA * sizeof(*ids.idx));

	if (!(e->spd = dp_spd_build(c->r, cur && cur->esp ? cur->esp->spd : NULL, err, sizeof(err)))) {
		gw_err("SPD: %s", err);
		rc = -EINVAL;
		goto out;
	}

	/* SAs */
	for (uint32_t i = 0; i < SHM_MAX_SA; i++) {
		const void *rec = shm_rec(c->r, SHM_T_SA, i);
		struct shm_sa r;
		struct dp_esp_obj *o;

		e->sa[i].tun_ifc = DP_NO_IFC;
		if (!rec_in_use(rec) || !shm_rec_read(rec, &r, sizeof(r))) {
			if (c->esp->cache[i]) {
				obj_unref(c->esp->cache[i]);
				c->esp->cache[i] = NULL;
			}
			continue;
		}
		o = sa_prepare(c, i, &r);
		if (o) {
			o->refs++;
			e->sa[i].obj = o;
			e->sa[i].out = o->out;
			e->sa[i].in = o->in;
		}
		e->sa[i].sa_id = r.sa_id;
		if (r.flags & SHM_SA_UDP_ENCAP)
			e->sa[i].udp_port = r.udp_dst_port ? r.udp_dst_port : DP_UDP_NATT;
		spi_of[i] = r.spi;
		idmap_put(&ids, r.sa_id, i);
		explicit_bzero(&r, sizeof(r));
	}

	/* Interfaces: SPD slots; tunnels: their SAs */
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct dp_ifc *d = &f->ifc[i];
		d->spd = -1;
		d->sa_out = DP_ESP_NONE;
		if (d->in_use && d->spd_id != UINT32_MAX) {
			int slot = dp_spd_slot(e->spd, d->spd_id);
			d->spd = (int16_t)slot;
			gw_debug("%s: SPD %u in slot %d", d->name, d->spd_id, slot);
		}
	}
	for (uint32_t i = 0; i < SHM_MAX_TUNNEL; i++) {
		const void *rec = shm_rec(c->r, SHM_T_TUNNEL, i);
		struct shm_tunnel t;
		if (!rec_in_use(rec) || !shm_rec_read(rec, &t, sizeof(t)) || t.ifc < 0 || t.ifc >= SHM_MAX_IFC ||
		    !f->ifc[t.ifc].in_use)
			continue;
		if (t.has_sa_out)
			f->ifc[t.ifc].sa_out = idmap_find(&ids, t.sa_out);
		for (uint32_t k = 0; k < t.n_sa_in && k < SHM_MAX_SA_IN; k++) {
			uint32_t idx = idmap_find(&ids, t.sa_in[k]);
			if (idx == DP_ESP_NONE)
				continue;
			e->sa[idx].tun_ifc = (uint16_t)t.ifc;
			if (!is_in[idx]) {
				is_in[idx] = 1;
				n_in++;
			}
		}
	}

	/* Policies: the SA of each protect policy; inbound ones by SA */
	pt = malloc(SHM_MAX_POLICY * sizeof(*pt));
	if (!pt)
		goto out;
	for (uint32_t i = 0; i < SHM_MAX_POLICY; i++) {
		const void *rec = shm_rec(c->r, SHM_T_POLICY, i);
		struct shm_policy p;
		uint32_t idx;
		if (!rec_in_use(rec) || !shm_rec_read(rec, &p, sizeof(p)) || p.action != SHM_POL_PROTECT)
			continue;
		idx = idmap_find(&ids, p.sa_id);
		e->pol_sa[i] = idx;
		if (idx == DP_ESP_NONE || p.dir != SHM_DIR_IN)
			continue;
		if (e->sa[idx].tun_ifc != DP_NO_IFC)
			continue;       /* a tunnel's SA: the tunnel's rules apply */
		pt[n_pt].sa = idx;
		pt[n_pt].priority = p.priority;
		pt[n_pt].p = (struct dp_esp_pol){ .policy = i, .spd_id = p.spd_id, .af = p.af,
						  .has_protocol = p.has_protocol, .protocol = p.protocol };
		memcpy(pt[n_pt].p.laddr_start, p.laddr_start, 16);
		memcpy(pt[n_pt].p.laddr_end, p.laddr_end, 16);
		memcpy(pt[n_pt].p.raddr_start, p.raddr_start, 16);
		memcpy(pt[n_pt].p.raddr_end, p.raddr_end, 16);
		n_pt++;
		if (!is_in[idx]) {
			is_in[idx] = 1;
			n_in++;
		}
	}
	qsort(pt, n_pt, sizeof(*pt), pol_cmp);
	e->pol = malloc((n_pt ? n_pt : 1) * sizeof(*e->pol));
	if (!e->pol)
		goto out;
	e->n_pol = n_pt;
	for (uint32_t k = 0; k < n_pt; k++) {
		struct dp_esp_sa *s = &e->sa[pt[k].sa];
		if (!s->n_pol)
			s->pol = k;
		s->n_pol++;
		e->pol[k] = pt[k].p;
	}

	/* Inbound SAs by SPI */
	for (size = 16; size < 2 * n_in; size <<= 1)
		;
	e->spi_mask = size - 1;
	if (!(e->spi = malloc(size * sizeof(*e->spi))))
		goto out;
	memset(e->spi, 0xff, size * sizeof(*e->spi));
	for (uint32_t i = 0; i < SHM_MAX_SA; i++) {
		uint16_t port = e->sa[i].udp_port;
		if (!is_in[i]) {
			e->sa[i].udp_port = 0;
			continue;
		}
		spi_put(e, spi_of[i], i);
		/* ESP in UDP to a port of its own (VPP's udp-dst-port) */
		if (port && port != DP_UDP_NATT && port != DP_UDP_IKE) {
			if (!e->udp_ports && !(e->udp_ports = calloc(1, sizeof(*e->udp_ports))))
				goto out;
			dp_udp_ports_add(e->udp_ports, port);
		}
	}
	rc = 0;
out:
	free(pt);
	free(ids.id);
	free(ids.idx);
	free(spi_of);
	free(is_in);
	return rc;
}

uint16_t dp_esp_max_inner(const struct esp_sa_out *sa, uint32_t mtu)
{
	uint32_t fixed = (uint32_t)sa->outer_len + sa->udp_len + 8u + sa->iv_len + sa->icv_len;

	if (mtu <= fixed + sa->align + 2u)
		return 0;
	/* RFC 4303 §2.4: payload + 2 rounded up to the alignment */
	return (uint16_t)(((mtu - fixed) & ~(uint32_t)(sa->align - 1u)) - 2u);
}

void dp_esp_finish(struct dp_fwd *f)
{
	struct dp_esp *e = f->esp;

	for (uint32_t i = 0; i < SHM_MAX_SA; i++) {
		const struct esp_sa_out *sa = e->sa[i].out;
		const struct dp_nh *nh;
		uint32_t id;

		if (!sa || !(sa->flags & ESP_SA_F_TUNNEL))
			continue;
		if (sa->flags & ESP_SA_F_OUTER_V6) {
			id = dp_fib_lookup6(f->fib6, sa->dst);
		} else {
			uint32_t d;
			memcpy(&d, sa->dst, 4);
			id = dp_fib_lookup4(f->fib4, __builtin_bswap32(d));
		}
		nh = &f->nh[id];
		e->sa[i].max_inner = (nh->type == DP_NH_VIA || nh->type == DP_NH_ATTACHED) ? dp_esp_max_inner(sa, nh->mtu) : 0;
	}
}

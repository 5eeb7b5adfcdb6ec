/* Prometheus text exposition of a region: snapshot, then render. */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

/* ---- text buffer ---------------------------------------------------------- */

void metrics_buf_init(struct metrics_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void metrics_buf_free(struct metrics_buf *b)
{
	free(b->p);
	metrics_buf_init(b);
}

char *metrics_buf_take(struct metrics_buf *b)
{
	char *p = b->oom ? NULL : b->p;

	if (b->oom)
		free(b->p);
	else if (!p)
		p = calloc(1, 1);
	metrics_buf_init(b);
	return p;
}

static int buf_reserve(struct metrics_buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -ENOMEM;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if (!(p = realloc(b->p, cap))) {
		b->oom = 1;
		return -ENOMEM;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void buf_put(struct metrics_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void metrics_buf_puts(struct metrics_buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void metrics_buf_printf(struct metrics_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf_reserve(b, 128) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void metrics_escape_label(struct metrics_buf *b, const char *v, size_t max)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = strnlen(v, max);

	for (size_t i = 0; i < n;) {
		size_t k;

		switch (s[i]) {
		case '\\': buf_put(b, "\\\\", 2); i++; continue;
		case '"': buf_put(b, "\\\"", 2); i++; continue;
		case '\n': buf_put(b, "\\n", 2); i++; continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f || !(k = utf8_seq(s + i, n - i))) {
			buf_put(b, "?", 1);
			i++;
			continue;
		}
		buf_put(b, (const char *)s + i, k);
		i += k;
	}
}

/* ---- snapshot --------------------------------------------------------------- */

/* How long a reader waits for a writer to close a record's seqlock before it
 * skips the record for this scrape (a writer that died mid-write leaves it
 * odd until the config service's next start). */
#define REC_SPIN_MAX (1u << 18)
#define SNAP_TRIES 3

struct snap_ifc {
	uint32_t index;
	uint8_t admin_up;
	uint8_t link_up;
	char name[SHM_NAME_MAX];
	struct shm_ifc_counters c;
};

struct snap_sa {
	uint32_t sa_id;
	struct shm_counter c;
	uint64_t err[SHM_SA_ERR_N];
};

struct snap_pol {
	uint32_t index;
	uint32_t spd_id;
	uint8_t dir;
	uint8_t action;
	struct shm_counter c;
};

struct snap {
	uint64_t generation;
	uint32_t n_ifc, n_sa, n_pol;
	uint32_t n_spd, n_tunnel, n_route;
	uint32_t skipped;
	struct snap_ifc *ifc;
	struct snap_sa *sa;
	struct snap_pol *pol;
	uint64_t drop[SHM_DROP_N];
};

/* Seqlock read that gives up on a record whose writer does not finish.
 * Returns the record's in_use, 0 if skipped. */
static int rec_read(struct snap *s, const void *rec, void *dst, size_t size)
{
	const struct shm_rec_hdr *h = rec;

	for (unsigned n = 0; atomic_load_explicit(&h->seq, memory_order_acquire) & 1; n++) {
		if (n == REC_SPIN_MAX) {
			s->skipped++;
			return 0;
		}
		if ((n & 1023) == 1023)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
	return shm_rec_read(rec, dst, size);
}

static uint32_t count_in_use(struct snap *s, const struct shm_region *r, enum shm_table t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < shm_capacity(r, t); i++) {
		struct shm_rec_hdr h;

		n += rec_read(s, shm_rec(r, t, i), &h, sizeof(h)) != 0;
	}
	return n;
}

static void snap_ifcs(struct snap *s, const struct shm_region *r)
{
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_IFC); i++) {
		struct shm_ifc rec;
		struct shm_ifc_rt rt;
		struct snap_ifc *o = &s->ifc[s->n_ifc];

		if (!rec_read(s, shm_rec(r, SHM_T_IFC, i), &rec, sizeof(rec)))
			continue;
		/* The runtime record has a seqlock but no in_use word. */
		rec_read(s, shm_rec(r, SHM_T_IFC_RT, i), &rt, sizeof(rt));
		o->index = i;
		o->admin_up = rec.admin_up;
		o->link_up = rt.link_up;
		memcpy(o->name, rec.name, sizeof(o->name));
		shm_sum_ifc(r, i, &o->c);
		s->n_ifc++;
	}
}

static void snap_sas(struct snap *s, const struct shm_region *r)
{
	/* Only the prefix up to sa_id: the SPI and keys are never copied. */
	const size_t prefix = offsetof(struct shm_sa, spi);

	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_SA); i++) {
		struct shm_sa rec;

		if (!rec_read(s, shm_rec(r, SHM_T_SA, i), &rec, prefix))
			continue;
		s->sa[s->n_sa].sa_id = rec.sa_id;
		shm_sum_sa(r, i, &s->sa[s->n_sa].c);
		shm_sum_sa_err(r, i, s->sa[s->n_sa].err);
		s->n_sa++;
	}
}

static void snap_policies(struct snap *s, const struct shm_region *r)
{
	for (uint32_t i = 0; i < shm_capacity(r, SHM_T_POLICY); i++) {
		struct shm_policy rec;
		struct snap_pol *o = &s->pol[s->n_pol];

		if (!rec_read(s, shm_rec(r, SHM_T_POLICY, i), &rec, sizeof(rec)))
			continue;
		o->index = i;
		o->spd_id = rec.spd_id;
		o->dir = rec.dir;
		o->action = rec.action;
		shm_sum_policy(r, i, &o->c);
		s->n_pol++;
	}
}

static void snap_take(struct snap *s, const struct shm_region *r)
{
	s->n_ifc = s->n_sa = s->n_pol = 0;
	s->skipped = 0;
	s->generation = atomic_load_explicit(&r->hdr->generation, memory_order_acquire);
	snap_ifcs(s, r);
	snap_sas(s, r);
	snap_policies(s, r);
	s->n_spd = count_in_use(s, r, SHM_T_SPD);
	s->n_tunnel = count_in_use(s, r, SHM_T_TUNNEL);
	s->n_route = count_in_use(s, r, SHM_T_ROUTE);
	for (int d = 0; d < SHM_DROP_N; d++)
		s->drop[d] = shm_sum_drop(r, (enum shm_drop)d);
}

/* Takes a snapshot in which no configuration commit happened mid-way, if
 * one can be had in a few tries (counters move freely; that is fine). */
static int snap_init(struct snap *s, const struct shm_region *r)
{
	memset(s, 0, sizeof(*s));
	s->ifc = calloc(shm_capacity(r, SHM_T_IFC), sizeof(*s->ifc));
	s->sa = calloc(shm_capacity(r, SHM_T_SA), sizeof(*s->sa));
	s->pol = calloc(shm_capacity(r, SHM_T_POLICY), sizeof(*s->pol));
	if (!s->ifc || !s->sa || !s->pol)
		return -ENOMEM;
	for (int t = 0; t < SNAP_TRIES; t++) {
		snap_take(s, r);
		if (atomic_load_explicit(&r->hdr->generation, memory_order_acquire) == s->generation)
			break;
	}
	return 0;
}

static void snap_fini(struct snap *s)
{
	free(s->ifc);
	free(s->sa);
	free(s->pol);
}

/* ---- rendering -------------------------------------------------------------- */

static void family(struct metrics_buf *b, const char *name, const char *type, const char *help)
{
	metrics_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge_u64(struct metrics_buf *b, const char *name, const char *help, uint64_t v)
{
	family(b, name, "gauge", help);
	metrics_buf_printf(b, "%s %" PRIu64 "\n", name, v);
}

static const char *dir_name(uint8_t d)
{
	switch (d) {
	case SHM_DIR_IN: return "inbound";
	case SHM_DIR_OUT: return "outbound";
	}
	return "unknown";
}

static const char *action_name(uint8_t a)
{
	switch (a) {
	case SHM_POL_BYPASS: return "bypass";
	case SHM_POL_DISCARD: return "discard";
	case SHM_POL_PROTECT: return "protect";
	}
	return "unknown";
}

static void render_region(struct metrics_buf *b, const struct shm_region *r, const struct snap *s)
{
	family(b, "ipsecgw_region_info", "gauge",
	       "The shared region this exporter reads: instance name and ABI version.");
	metrics_buf_puts(b, "ipsecgw_region_info{instance=\"");
	metrics_escape_label(b, r->hdr->instance, sizeof(r->hdr->instance));
	metrics_buf_printf(b, "\",abi_version=\"%u\"} 1\n", r->hdr->abi_version);

	gauge_u64(b, "ipsecgw_config_generation",
		  "Configuration generation, bumped by every committed change.", s->generation);
	gauge_u64(b, "ipsecgw_interfaces", "Interfaces configured.", s->n_ifc);
	gauge_u64(b, "ipsecgw_sas", "Security associations in the SAD.", s->n_sa);
	gauge_u64(b, "ipsecgw_spds", "Security policy databases.", s->n_spd);
	gauge_u64(b, "ipsecgw_policies", "Security policies, all SPDs together.", s->n_pol);
	gauge_u64(b, "ipsecgw_tunnels", "IPsec tunnel interfaces.", s->n_tunnel);
	gauge_u64(b, "ipsecgw_routes", "Routes configured.", s->n_route);
}

/* Processes other than this exporter: it never writes its own entry (it
 * does not write the region at all); a successful scrape is its liveness. */
static void render_procs(struct metrics_buf *b, const struct shm_region *r)
{
	static const enum shm_proc_id ids[] = { SHM_PROC_CONFIG, SHM_PROC_DATAPLANE, SHM_PROC_IKEV2 };
	const size_t n = sizeof(ids) / sizeof(ids[0]);

	family(b, "ipsecgw_process_up", "gauge",
	       "1 if the process recorded in the region is running.");
	for (size_t i = 0; i < n; i++)
		metrics_buf_printf(b, "ipsecgw_process_up{process=\"%s\"} %d\n",
				   shm_proc_name(ids[i]), shm_proc_alive(r, ids[i]));
	family(b, "ipsecgw_process_ready", "gauge",
	       "1 if the process is running and has reported itself ready.");
	for (size_t i = 0; i < n; i++) {
		const struct shm_proc *p = &r->hdr->procs[ids[i]];
		int ready = atomic_load(&p->ready) && shm_proc_alive(r, ids[i]);

		metrics_buf_printf(b, "ipsecgw_process_ready{process=\"%s\"} %d\n",
				   shm_proc_name(ids[i]), ready);
	}
	family(b, "ipsecgw_process_restarts_total", "counter",
	       "Starts that found the previous run had not exited cleanly.");
	for (size_t i = 0; i < n; i++)
		metrics_buf_printf(b, "ipsecgw_process_restarts_total{process=\"%s\"} %" PRIu64 "\n",
				   shm_proc_name(ids[i]),
				   (uint64_t)atomic_load(&r->hdr->procs[ids[i]].restarts));
	family(b, "ipsecgw_process_start_time_seconds", "gauge",
	       "Start time of the running process, seconds since the Unix epoch.");
	for (size_t i = 0; i < n; i++) {
		const struct shm_proc *p = &r->hdr->procs[ids[i]];
		uint64_t ns = atomic_load(&p->started_ns);

		if (ns == 0 || !shm_proc_alive(r, ids[i]))
			continue;
		metrics_buf_printf(b,
				   "ipsecgw_process_start_time_seconds{process=\"%s\"} %" PRIu64
				   ".%09" PRIu64 "\n",
				   shm_proc_name(ids[i]), ns / 1000000000u, ns % 1000000000u);
	}
}

static const struct {
	const char *name;
	const char *help;
	size_t off;
} ifc_counters[] = {
	{ "ipsecgw_interface_rx_packets_total", "Packets received on the interface.",
	  offsetof(struct shm_ifc_counters, rx_packets) },
	{ "ipsecgw_interface_rx_bytes_total", "Bytes received on the interface.",
	  offsetof(struct shm_ifc_counters, rx_bytes) },
	{ "ipsecgw_interface_tx_packets_total", "Packets transmitted on the interface.",
	  offsetof(struct shm_ifc_counters, tx_packets) },
	{ "ipsecgw_interface_tx_bytes_total", "Bytes transmitted on the interface.",
	  offsetof(struct shm_ifc_counters, tx_bytes) },
	{ "ipsecgw_interface_drops_total",
	  "Packets received on the interface and dropped (reasons: ipsecgw_drops_total).",
	  offsetof(struct shm_ifc_counters, drops) },
	{ "ipsecgw_interface_punts_total",
	  "Packets received on the interface and handed to the IKE daemon.",
	  offsetof(struct shm_ifc_counters, punts) },
};

static void ifc_sample(struct metrics_buf *b, const char *name, const struct snap_ifc *o,
		       uint64_t v)
{
	metrics_buf_printf(b, "%s{interface=\"", name);
	metrics_escape_label(b, o->name, sizeof(o->name));
	metrics_buf_printf(b, "\"} %" PRIu64 "\n", v);
}

static void render_ifcs(struct metrics_buf *b, const struct snap *s)
{
	for (size_t f = 0; f < sizeof(ifc_counters) / sizeof(ifc_counters[0]); f++) {
		family(b, ifc_counters[f].name, "counter", ifc_counters[f].help);
		for (uint32_t i = 0; i < s->n_ifc; i++) {
			const uint8_t *c = (const uint8_t *)&s->ifc[i].c;
			uint64_t v;

			memcpy(&v, c + ifc_counters[f].off, sizeof(v));
			ifc_sample(b, ifc_counters[f].name, &s->ifc[i], v);
		}
	}
	family(b, "ipsecgw_interface_admin_up", "gauge", "1 if the interface is set up.");
	for (uint32_t i = 0; i < s->n_ifc; i++)
		ifc_sample(b, "ipsecgw_interface_admin_up", &s->ifc[i], s->ifc[i].admin_up != 0);
	family(b, "ipsecgw_interface_link_up", "gauge",
	       "1 if the dataplane reports the link up.");
	for (uint32_t i = 0; i < s->n_ifc; i++)
		ifc_sample(b, "ipsecgw_interface_link_up", &s->ifc[i], s->ifc[i].link_up != 0);
}

/* An X-macro name as a label value: "INTEGRITY" gives "integrity". */
static const char *lower_name(const char *n, char *buf, size_t len)
{
	size_t k;

	for (k = 0; n[k] && k < len - 1; k++)
		buf[k] = (n[k] >= 'A' && n[k] <= 'Z') ? (char)(n[k] - 'A' + 'a') : n[k];
	buf[k] = '\0';
	return buf;
}

static void render_sas(struct metrics_buf *b, const struct snap *s)
{
	char reason[SHM_SA_ERR_N][32];

	family(b, "ipsecgw_sa_packets_total", "counter",
	       "Packets protected or accepted with the SA, by SA id.");
	for (uint32_t i = 0; i < s->n_sa; i++)
		metrics_buf_printf(b, "ipsecgw_sa_packets_total{sa=\"%" PRIu32 "\"} %" PRIu64 "\n",
				   s->sa[i].sa_id, s->sa[i].c.packets);
	family(b, "ipsecgw_sa_bytes_total", "counter",
	       "Bytes protected or accepted with the SA, by SA id.");
	for (uint32_t i = 0; i < s->n_sa; i++)
		metrics_buf_printf(b, "ipsecgw_sa_bytes_total{sa=\"%" PRIu32 "\"} %" PRIu64 "\n",
				   s->sa[i].sa_id, s->sa[i].c.bytes);
	/* Sparse: only the reasons that counted something. Every reason of
	 * every SA would be 8 series per SA, about half of a full-capacity
	 * scrape, nearly all zero; ipsecgw_drops_total has the same reasons
	 * summed over SAs, zeros included, for alerting (docs/stats.md). */
	family(b, "ipsecgw_sa_errors_total", "counter",
	       "Packets of the SA dropped by the ESP layer, by SA id and reason (reasons that counted only).");
	for (int k = 0; k < SHM_SA_ERR_N; k++)
		lower_name(shm_sa_err_name((enum shm_sa_err)k), reason[k], sizeof(reason[k]));
	for (uint32_t i = 0; i < s->n_sa; i++)
		for (int k = 0; k < SHM_SA_ERR_N; k++)
			if (s->sa[i].err[k])
				metrics_buf_printf(b,
						   "ipsecgw_sa_errors_total{sa=\"%" PRIu32 "\",reason=\"%s\"} %" PRIu64
						   "\n", s->sa[i].sa_id, reason[k], s->sa[i].err[k]);
}

static void pol_sample(struct metrics_buf *b, const char *name, const struct snap_pol *p,
		       uint64_t v)
{
	metrics_buf_printf(b,
			   "%s{spd=\"%" PRIu32 "\",policy=\"%" PRIu32
			   "\",direction=\"%s\",action=\"%s\"} %" PRIu64 "\n",
			   name, p->spd_id, p->index, dir_name(p->dir), action_name(p->action), v);
}

static void render_policies(struct metrics_buf *b, const struct snap *s)
{
	family(b, "ipsecgw_policy_packets_total", "counter",
	       "Packets that matched the security policy.");
	for (uint32_t i = 0; i < s->n_pol; i++)
		pol_sample(b, "ipsecgw_policy_packets_total", &s->pol[i], s->pol[i].c.packets);
	family(b, "ipsecgw_policy_bytes_total", "counter",
	       "Bytes that matched the security policy.");
	for (uint32_t i = 0; i < s->n_pol; i++)
		pol_sample(b, "ipsecgw_policy_bytes_total", &s->pol[i], s->pol[i].c.bytes);
}

static void render_drops(struct metrics_buf *b, const struct snap *s)
{
	family(b, "ipsecgw_drops_total", "counter", "Packets dropped by the dataplane, by reason.");
	for (int d = 0; d < SHM_DROP_N; d++) {
		char reason[64];
		const char *n = shm_drop_name((enum shm_drop)d);
		size_t k;

		for (k = 0; n[k] && k < sizeof(reason) - 1; k++)
			reason[k] = (n[k] >= 'A' && n[k] <= 'Z') ? (char)(n[k] - 'A' + 'a') : n[k];
		reason[k] = '\0';
		metrics_buf_printf(b, "ipsecgw_drops_total{reason=\"%s\"} %" PRIu64 "\n", reason,
				   s->drop[d]);
	}
}

static void counter_u64(struct metrics_buf *b, const char *name, const char *help, uint64_t v)
{
	family(b, name, "counter", help);
	metrics_buf_printf(b, "%s %" PRIu64 "\n", name, v);
}

/* The IKE daemon's counters (struct shm_ike_counters: one writer, aligned
 * 64-bit words read without a lock). */
static void render_ike(struct metrics_buf *b, const struct shm_region *r)
{
	static const char *const exch[SHM_IKE_EXCH_N] = { "ike_sa_init", "ike_auth", "create_child_sa",
							   "informational" };
	static const char *const fail[] = {
#define IKE_FAIL_NAME(n, s) #n,
		SHM_FOREACH_IKE_FAIL(IKE_FAIL_NAME)
#undef IKE_FAIL_NAME
	};
	struct shm_ike_counters c;
	const char *kind[2] = { "request", "response" }, *dir[2] = { "sent", "received" };

	memcpy(&c, shm_rec(r, SHM_T_IKE_COUNTERS, 0), sizeof(c));
	family(b, "ipsecgw_ike_messages_total", "counter",
	       "IKE messages by exchange, request or response, sent or received (first transmissions).");
	for (int i = 0; i < SHM_IKE_EXCH_N; i++) {
		const uint64_t v[2][2] = { { c.exch[i].req_tx, c.exch[i].req_rx },
					   { c.exch[i].resp_tx, c.exch[i].resp_rx } };
		for (int k = 0; k < 2; k++)
			for (int d = 0; d < 2; d++)
				metrics_buf_printf(b,
						   "ipsecgw_ike_messages_total{exchange=\"%s\",message=\"%s\","
						   "direction=\"%s\"} %" PRIu64 "\n",
						   exch[i], kind[k], dir[d], v[k][d]);
	}
	counter_u64(b, "ipsecgw_ike_retransmits_total", "IKE requests sent again after a timeout.", c.retransmits);
	counter_u64(b, "ipsecgw_ike_response_retransmits_total",
		    "Cached IKE responses sent again to a repeated request.", c.resp_retransmits);
	counter_u64(b, "ipsecgw_ike_dropped_total",
		    "IKE messages dropped (reasons: ipsecgw_ike_failures_total).", c.dropped);
	family(b, "ipsecgw_ike_failures_total", "counter", "IKE failures by reason.");
	for (int i = 0; i < SHM_IKE_FAIL_N; i++) {
		char reason[32];
		size_t k;
		for (k = 0; fail[i][k] && k < sizeof(reason) - 1; k++)
			reason[k] = (fail[i][k] >= 'A' && fail[i][k] <= 'Z') ? (char)(fail[i][k] - 'A' + 'a')
									       : fail[i][k];
		reason[k] = '\0';
		metrics_buf_printf(b, "ipsecgw_ike_failures_total{reason=\"%s\"} %" PRIu64 "\n", reason, c.fail[i]);
	}
	family(b, "ipsecgw_ike_sa_up_total", "counter", "IKE and child SAs established.");
	metrics_buf_printf(b, "ipsecgw_ike_sa_up_total{sa=\"ike\"} %" PRIu64 "\n", c.ike_up);
	metrics_buf_printf(b, "ipsecgw_ike_sa_up_total{sa=\"child\"} %" PRIu64 "\n", c.child_up);
	family(b, "ipsecgw_ike_sa_down_total", "counter", "IKE and child SAs deleted or expired.");
	metrics_buf_printf(b, "ipsecgw_ike_sa_down_total{sa=\"ike\"} %" PRIu64 "\n", c.ike_down);
	metrics_buf_printf(b, "ipsecgw_ike_sa_down_total{sa=\"child\"} %" PRIu64 "\n", c.child_down);
	family(b, "ipsecgw_ike_sa_rekeys_total", "counter", "IKE and child SAs rekeyed.");
	metrics_buf_printf(b, "ipsecgw_ike_sa_rekeys_total{sa=\"ike\"} %" PRIu64 "\n", c.ike_rekeys);
	metrics_buf_printf(b, "ipsecgw_ike_sa_rekeys_total{sa=\"child\"} %" PRIu64 "\n", c.child_rekeys);
	counter_u64(b, "ipsecgw_ike_liveness_checks_total", "Liveness checks (empty INFORMATIONAL) sent.",
		    c.dpd_sent);
	counter_u64(b, "ipsecgw_ike_nat_keepalives_total", "NAT-T keepalives sent.", c.keepalives_sent);
	counter_u64(b, "ipsecgw_ike_cookies_sent_total",
		    "IKE_SA_INIT requests answered with a COOKIE (responder cookies, RFC 7296 2.6).",
		    c.cookies_sent);
	counter_u64(b, "ipsecgw_ike_cookies_invalid_total",
		    "IKE_SA_INIT requests with a COOKIE that did not verify (forged or stale).", c.cookies_invalid);
	counter_u64(b, "ipsecgw_ike_credential_errors_total",
		    "Signature authentication: the local key or a peer certificate was needed but unusable.",
		    c.cred_errors);
	gauge_u64(b, "ipsecgw_ike_sas", "IKE SAs of the running IKE daemon.", c.ike_sas);
	gauge_u64(b, "ipsecgw_ike_half_open_sas", "Responder IKE SAs between IKE_SA_INIT and IKE_AUTH.",
		  c.half_open);
	gauge_u64(b, "ipsecgw_ike_child_sas", "Child SAs of the running IKE daemon.", c.child_sas);
}

int metrics_render(const struct shm_region *r, struct metrics_buf *b)
{
	struct snap s;
	int rc = snap_init(&s, r);

	if (rc == 0) {
		render_region(b, r, &s);
		render_procs(b, r);
		render_ifcs(b, &s);
		render_sas(b, &s);
		render_policies(b, &s);
		render_drops(b, &s);
		render_ike(b, r);
		gauge_u64(b, "ipsecgw_scrape_skipped_records",
			  "Records left out of this scrape because a writer did not finish "
			  "updating them in time.",
			  s.skipped);
	}
	snap_fini(&s);
	return rc ? rc : (b->oom ? -ENOMEM : 0);
}

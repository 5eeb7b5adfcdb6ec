#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pbjson.h"
#include "show.h"

#define W(x) IPSECGW__V1__DUMP__WHAT__##x
#define BIT(x) (1u << W(x))

unsigned show_dumps(enum cli_view view)
{
	switch (view) {
	case CLI_VIEW_IPSEC: return BIT(SAS) | BIT(SPDS) | BIT(TUNNELS);
	case CLI_VIEW_SA: return BIT(SAS);
	case CLI_VIEW_SPD: return BIT(SPDS);
	case CLI_VIEW_TUNNELS: return BIT(TUNNELS) | BIT(SAS);
	case CLI_VIEW_IKEV2: return BIT(IKEV2_PROFILES);
	case CLI_VIEW_INTERFACES:
	case CLI_VIEW_ADDRESSES: return BIT(INTERFACES);
	case CLI_VIEW_FIB4:
	case CLI_VIEW_FIB6: return BIT(ROUTES);
	case CLI_VIEW_NEIGH4:
	case CLI_VIEW_NEIGH6: return BIT(NEIGHBORS);
	case CLI_VIEW_ERRORS: return BIT(ERRORS);
	case CLI_VIEW_CRYPTO_ENGINES: return BIT(CRYPTO_ENGINES);
	case CLI_VIEW_IKEV2_SA:
	case CLI_VIEW_IKEV2_SA_DETAILS:
	case CLI_VIEW_COUNT: break;
	}
	return 0;
}

void show_dump_request(const struct cli_show *s, int what, bool keys, Ipsecgw__V1__Dump *dump)
{
	dump->what = (Ipsecgw__V1__Dump__What)what;
	if (s->has_id && ((s->view == CLI_VIEW_SA && what == W(SAS)) ||
			  (s->view == CLI_VIEW_SPD && what == W(SPDS)))) {
		dump->has_id = 1;
		dump->id = s->id;
	}
	if (keys && (what == W(SAS) || what == W(IKEV2_PROFILES)))
		dump->has_with_keys = dump->with_keys = 1;
}

const char *show_addr(const ProtobufCBinaryData *b, char *buf, size_t len)
{
	if ((b->len != 4 && b->len != 16) || !inet_ntop(b->len == 4 ? AF_INET : AF_INET6, b->data, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *show_hex(const ProtobufCBinaryData *b, char *buf, size_t len)
{
	buf[0] = '\0';
	if (2 * b->len + 1 > len)
		return buf;
	for (size_t i = 0; i < b->len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b->data[i]);
	return buf;
}

/* ---- items: filter and sort -------------------------------------------- */

static int show_bytes_cmp(const ProtobufCBinaryData *a, const ProtobufCBinaryData *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->data, b->data, a->len);
}

static int show_cmp_sa(const void *a, const void *b)
{
	uint32_t x = (*(Ipsecgw__V1__SaDetails *const *)a)->spec->sa_id;
	uint32_t y = (*(Ipsecgw__V1__SaDetails *const *)b)->spec->sa_id;
	return (x > y) - (x < y);
}

static int show_cmp_spd(const void *a, const void *b)
{
	uint32_t x = (*(Ipsecgw__V1__SpdDetails *const *)a)->spd_id;
	uint32_t y = (*(Ipsecgw__V1__SpdDetails *const *)b)->spd_id;
	return (x > y) - (x < y);
}

/* Every message whose first field is `string name` sorts by it. */
struct show_named {
	ProtobufCMessage base;
	char *name;
};

static int show_cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct show_named *const *)a)->name, (*(struct show_named *const *)b)->name);
}

static int show_cmp_route(const void *a, const void *b)
{
	const Ipsecgw__V1__RouteDetails *x = *(Ipsecgw__V1__RouteDetails *const *)a;
	const Ipsecgw__V1__RouteDetails *y = *(Ipsecgw__V1__RouteDetails *const *)b;
	int c = show_bytes_cmp(&x->prefix->addr, &y->prefix->addr);
	return c ? c : (x->prefix->len > y->prefix->len) - (x->prefix->len < y->prefix->len);
}

static int show_cmp_neigh(const void *a, const void *b)
{
	const Ipsecgw__V1__NeighborDetails *x = *(Ipsecgw__V1__NeighborDetails *const *)a;
	const Ipsecgw__V1__NeighborDetails *y = *(Ipsecgw__V1__NeighborDetails *const *)b;
	int c = strcmp(x->interface, y->interface);
	return c ? c : show_bytes_cmp(&x->ip, &y->ip);
}

static int show_cmp_error(const void *a, const void *b)
{
	const Ipsecgw__V1__ErrorCounter *x = *(Ipsecgw__V1__ErrorCounter *const *)a;
	const Ipsecgw__V1__ErrorCounter *y = *(Ipsecgw__V1__ErrorCounter *const *)b;
	int c = strcmp(x->node, y->node);
	return c ? c : strcmp(x->reason, y->reason);
}

/* Ciphers, then integrity algorithms, each in enum order. */
static int show_cmp_engine(const void *a, const void *b)
{
	const Ipsecgw__V1__CryptoEngineDetails *x = *(Ipsecgw__V1__CryptoEngineDetails *const *)a;
	const Ipsecgw__V1__CryptoEngineDetails *y = *(Ipsecgw__V1__CryptoEngineDetails *const *)b;
	int kx = x->has_integ_alg ? 0x100 + (int)x->integ_alg : (int)x->crypto_alg;
	int ky = y->has_integ_alg ? 0x100 + (int)y->integ_alg : (int)y->crypto_alg;

	return (kx > ky) - (kx < ky);
}

static bool show_keep(const struct cli_show *s, int what, const void *item)
{
	switch (what) {
	case W(SAS):
		return !(s->view == CLI_VIEW_SA && s->has_id) ||
		       ((const Ipsecgw__V1__SaDetails *)item)->spec->sa_id == s->id;
	case W(SPDS):
		return !(s->view == CLI_VIEW_SPD && s->has_id) ||
		       ((const Ipsecgw__V1__SpdDetails *)item)->spd_id == s->id;
	case W(INTERFACES):
	case W(IKEV2_PROFILES):
		return !s->name[0] || strcmp(((const struct show_named *)item)->name, s->name) == 0;
	case W(ROUTES):
		return ((const Ipsecgw__V1__RouteDetails *)item)->prefix->addr.len ==
		       (s->view == CLI_VIEW_FIB6 ? 16u : 4u);
	case W(NEIGHBORS):
		return ((const Ipsecgw__V1__NeighborDetails *)item)->ip.len == (s->view == CLI_VIEW_NEIGH6 ? 16u : 4u);
	default:
		return true;
	}
}

void **show_items(const struct cli_show *s, const struct show_data *d, int what, size_t *n)
{
	const Ipsecgw__V1__Reply *r = what >= 0 && what < SHOW_NDUMP ? d->r[what] : NULL;
	void *const *items = NULL;
	size_t count = 0, k = 0;
	int (*cmp)(const void *, const void *) = NULL;
	void **out;

	*n = 0;
	if (!r)
		return NULL;
	switch (what) {
	case W(SAS): items = (void *const *)r->sas; count = r->n_sas; cmp = show_cmp_sa; break;
	case W(SPDS): items = (void *const *)r->spds; count = r->n_spds; cmp = show_cmp_spd; break;
	case W(TUNNELS): items = (void *const *)r->tunnels; count = r->n_tunnels; cmp = show_cmp_name; break;
	case W(INTERFACES): items = (void *const *)r->interfaces; count = r->n_interfaces; cmp = show_cmp_name; break;
	case W(IKEV2_PROFILES): items = (void *const *)r->profiles; count = r->n_profiles; cmp = show_cmp_name; break;
	case W(ROUTES): items = (void *const *)r->routes; count = r->n_routes; cmp = show_cmp_route; break;
	case W(NEIGHBORS): items = (void *const *)r->neighbors; count = r->n_neighbors; cmp = show_cmp_neigh; break;
	case W(ERRORS): items = (void *const *)r->errors; count = r->n_errors; cmp = show_cmp_error; break;
	case W(CRYPTO_ENGINES):
		items = (void *const *)r->crypto_engines;
		count = r->n_crypto_engines;
		cmp = show_cmp_engine;
		break;
	default: return NULL;
	}
	if (count == 0 || !(out = malloc(count * sizeof(*out))))
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (show_keep(s, what, items[i]))
			out[k++] = items[i];
	if (k == 0) {
		free(out);
		return NULL;
	}
	qsort(out, k, sizeof(*out), cmp);
	*n = k;
	return out;
}

const Ipsecgw__V1__SaDetails *show_sa(const struct show_data *d, uint32_t id)
{
	const Ipsecgw__V1__Reply *r = d->r[W(SAS)];

	for (size_t i = 0; r && i < r->n_sas; i++)
		if (r->sas[i]->spec->sa_id == id)
			return r->sas[i];
	return NULL;
}

int show_check(const struct cli_show *s, const struct show_data *d, char *err, size_t errlen)
{
	static const struct { enum cli_view view; int what; const char *what_name; bool by_id; } checks[] = {
		{ CLI_VIEW_SA, W(SAS), "sa", true },
		{ CLI_VIEW_SPD, W(SPDS), "spd", true },
		{ CLI_VIEW_INTERFACES, W(INTERFACES), "interface", false },
		{ CLI_VIEW_ADDRESSES, W(INTERFACES), "interface", false },
		{ CLI_VIEW_IKEV2, W(IKEV2_PROFILES), "profile", false },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		size_t n;
		if (checks[i].view != s->view || (checks[i].by_id ? !s->has_id : !s->name[0]))
			continue;
		free(show_items(s, d, checks[i].what, &n));
		if (n == 0) {
			if (checks[i].by_id)
				snprintf(err, errlen, "%s %u not found", checks[i].what_name, s->id);
			else
				snprintf(err, errlen, "%s '%s' not found", checks[i].what_name, s->name);
			return -1;
		}
	}
	return 0;
}

void show_text(FILE *f, const struct cli_show *s, const struct show_data *d, bool keys)
{
	switch (s->view) {
	case CLI_VIEW_IPSEC: show_ipsec_all(f, d, keys); break;
	case CLI_VIEW_SA: show_ipsec_sas(f, s, d, keys); break;
	case CLI_VIEW_SPD: show_ipsec_spds(f, s, d); break;
	case CLI_VIEW_TUNNELS: show_ipsec_tunnels(f, d, keys); break;
	case CLI_VIEW_IKEV2: show_ikev2_profiles(f, s, d, keys); break;
	case CLI_VIEW_INTERFACES: show_if_interfaces(f, s, d); break;
	case CLI_VIEW_ADDRESSES: show_if_addresses(f, s, d); break;
	case CLI_VIEW_FIB4:
	case CLI_VIEW_FIB6: show_if_fib(f, d, s->view == CLI_VIEW_FIB6); break;
	case CLI_VIEW_NEIGH4:
	case CLI_VIEW_NEIGH6: show_if_neighbors(f, d, s->view == CLI_VIEW_NEIGH6); break;
	case CLI_VIEW_ERRORS: show_if_errors(f, d); break;
	case CLI_VIEW_CRYPTO_ENGINES: show_crypto_engines(f, d); break;
	case CLI_VIEW_IKEV2_SA:
	case CLI_VIEW_IKEV2_SA_DETAILS:
	case CLI_VIEW_COUNT: break;
	}
}

/* ---- JSON ---------------------------------------------------------------- */

static const char *const show_json_keys[SHOW_NDUMP] = {
	[W(INTERFACES)] = "interfaces", [W(ROUTES)] = "routes", [W(NEIGHBORS)] = "neighbors",
	[W(SAS)] = "sas", [W(SPDS)] = "spds", [W(TUNNELS)] = "tunnels",
	[W(IKEV2_PROFILES)] = "profiles", [W(ERRORS)] = "errors",
	[W(CRYPTO_ENGINES)] = "crypto_engines",
};

static void show_json_list(json_t *o, const struct cli_show *s, const struct show_data *d, int what, unsigned flags)
{
	size_t n;
	void **items = show_items(s, d, what, &n);
	json_t *a = json_array();

	if (!a) {
		free(items);
		return;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, pbjson_message(items[i], flags));
	free(items);
	json_object_set_new(o, show_json_keys[what], a);
}

json_t *show_json(const struct cli_show *s, const struct show_data *d, bool keys)
{
	unsigned flags = keys ? PBJSON_KEYS : 0, mask = show_dumps(s->view);
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (s->view == CLI_VIEW_TUNNELS) {
		/* the tunnels, then only the SAs that protect them */
		size_t n;
		void **t = show_items(s, d, W(TUNNELS), &n);
		json_t *sas = json_array();
		show_json_list(o, s, d, W(TUNNELS), flags);
		for (size_t i = 0; sas && i < n; i++) {
			const Ipsecgw__V1__TunnelDetails *td = t[i];
			const Ipsecgw__V1__SaDetails *sa;
			if (td->has_sa_out && (sa = show_sa(d, td->sa_out)))
				json_array_append_new(sas, pbjson_message(&sa->base, flags));
			for (size_t k = 0; k < td->n_sa_in; k++)
				if ((sa = show_sa(d, td->sa_in[k])))
					json_array_append_new(sas, pbjson_message(&sa->base, flags));
		}
		free(t);
		if (sas)
			json_object_set_new(o, "sas", sas);
		return o;
	}
	for (int w = 0; w < SHOW_NDUMP; w++)
		if ((mask & (1u << w)) && show_json_keys[w])
			show_json_list(o, s, d, w, flags);
	if (s->view == CLI_VIEW_IKEV2 && d->r[W(IKEV2_PROFILES)] && d->r[W(IKEV2_PROFILES)]->local_key_file)
		json_object_set_new(o, "local_key_file", json_string(d->r[W(IKEV2_PROFILES)]->local_key_file));
	return o;
}

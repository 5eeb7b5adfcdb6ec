/* show interface, addresses, fib, neighbors, errors. */
#include <stdlib.h>

#include "show.h"

#define W(x) IPSECGW__V1__DUMP__WHAT__##x

/* Counter lines: the first continues the interface's row (PREFIX, not yet
 * printed), the others are indented under it. Zero counters are left out. */
static void show_if_counter(FILE *f, const char **prefix, const char *name, uint64_t v)
{
	if (v == 0)
		return;
	if (*prefix)
		fprintf(f, "%-46s", *prefix);
	else
		fprintf(f, "%46s", "");
	fprintf(f, " %-20s %12llu\n", name, (unsigned long long)v);
	*prefix = NULL;
}

void show_if_interfaces(FILE *f, const struct cli_show *s, const struct show_data *d)
{
	size_t n;
	void **ifs = show_items(s, d, W(INTERFACES), &n);
	char row[64];

	fprintf(f, "%-32s %5s  %-6s %-20s %12s\n", "Name", "Idx", "State", "Counter", "Count");
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__InterfaceDetails *it = ifs[i];
		const char *prefix = row;
		snprintf(row, sizeof(row), "%-32.32s %5u  %s", it->name, it->index, it->admin_up ? "up" : "down");
		if (it->rx) {
			show_if_counter(f, &prefix, "rx packets", it->rx->packets);
			show_if_counter(f, &prefix, "rx bytes", it->rx->bytes);
		}
		if (it->tx) {
			show_if_counter(f, &prefix, "tx packets", it->tx->packets);
			show_if_counter(f, &prefix, "tx bytes", it->tx->bytes);
		}
		if (it->has_drops)
			show_if_counter(f, &prefix, "drops", it->drops);
		if (it->has_punts)
			show_if_counter(f, &prefix, "punt", it->punts);
		if (prefix)
			fprintf(f, "%s\n", row);
	}
	free(ifs);
}

void show_if_addresses(FILE *f, const struct cli_show *s, const struct show_data *d)
{
	size_t n;
	void **ifs = show_items(s, d, W(INTERFACES), &n);
	char a[64];

	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__InterfaceDetails *it = ifs[i];
		fprintf(f, "%s (%s):\n", it->name, it->admin_up ? "up" : "dn");
		if (it->unnumbered_use)
			fprintf(f, "  unnumbered, use %s\n", it->unnumbered_use);
		for (size_t k = 0; k < it->n_addresses; k++)
			fprintf(f, "  L3 %s/%u\n", show_addr(&it->addresses[k]->addr, a, sizeof(a)), it->addresses[k]->len);
		if (it->has_spd_id)
			fprintf(f, "  ipsec spd %u\n", it->spd_id);
	}
	free(ifs);
}

void show_if_fib(FILE *f, const struct show_data *d, bool v6)
{
	struct cli_show s = { .view = v6 ? CLI_VIEW_FIB6 : CLI_VIEW_FIB4 };
	size_t n;
	void **rt = show_items(&s, d, W(ROUTES), &n);
	char a[64];

	fprintf(f, "%s-VRF:0, routes %zu\n", v6 ? "ipv6" : "ipv4", n);
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__RouteDetails *r = rt[i];
		fprintf(f, "%s/%u\n", show_addr(&r->prefix->addr, a, sizeof(a)), r->prefix->len);
		if (r->has_connected && r->connected)
			fprintf(f, "  connected %s\n", r->interface ? r->interface : "");
		else if (r->has_via && r->interface)
			fprintf(f, "  via %s %s\n", show_addr(&r->via, a, sizeof(a)), r->interface);
		else if (r->has_via)
			fprintf(f, "  via %s\n", show_addr(&r->via, a, sizeof(a)));
		else if (r->interface)
			fprintf(f, "  via %s\n", r->interface);
		else
			fprintf(f, "  drop\n");
	}
	free(rt);
}

void show_if_neighbors(FILE *f, const struct show_data *d, bool v6)
{
	struct cli_show s = { .view = v6 ? CLI_VIEW_NEIGH6 : CLI_VIEW_NEIGH4 };
	size_t n;
	void **nb = show_items(&s, d, W(NEIGHBORS), &n);
	char a[64], mac[18];

	fprintf(f, "%-40s %-5s %-17s  %s\n", "IP", "Flags", "Ethernet", "Interface");
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__NeighborDetails *e = nb[i];
		const uint8_t *m = e->mac.data;
		if (e->mac.len == 6)
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		else
			snprintf(mac, sizeof(mac), "-");
		fprintf(f, "%-40s %-5s %-17s  %s\n", show_addr(&e->ip, a, sizeof(a)), e->is_static ? "S" : "D", mac,
			e->interface);
	}
	free(nb);
}

void show_if_errors(FILE *f, const struct show_data *d)
{
	struct cli_show s = { .view = CLI_VIEW_ERRORS };
	size_t n;
	void **er = show_items(&s, d, W(ERRORS), &n);

	fprintf(f, "%12s  %-24s  %s\n", "Count", "Node", "Reason");
	for (size_t i = 0; i < n; i++) {
		const Ipsecgw__V1__ErrorCounter *e = er[i];
		fprintf(f, "%12llu  %-24s  %s\n", (unsigned long long)e->count, e->node, e->reason);
	}
	free(er);
}

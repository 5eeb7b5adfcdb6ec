/* Interfaces, addresses, neighbors, routes and ports. */
#include <string.h>

#include "cmd.h"
#include "req.h"
#include "value.h"

#define BODY(out, CASE, type) req_body(out, IPSECGW__V1__ENVELOPE__BODY_##CASE, &ipsecgw__v1__##type##__descriptor)

/* A Prefix message for WORD (already checked), or NULL when out of memory. */
static Ipsecgw__V1__Prefix *cmd_if_prefix(const char *word)
{
	Ipsecgw__V1__Prefix *p = req_msg(&ipsecgw__v1__prefix__descriptor);
	uint8_t a[16];
	size_t alen;

	if (!p)
		return NULL;
	if (value_prefix(word, a, &alen, &p->len) < 0 || req_bytes(&p->addr, a, alen) < 0) {
		protobuf_c_message_free_unpacked(&p->base, NULL);
		return NULL;
	}
	return p;
}

int cmd_if_state(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__InterfaceSetState *b = BODY(out, INTERFACE_SET_STATE, interface_set_state);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	b->up = cmd_has(m, "up");
	return 0;
}

int cmd_if_address(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__InterfaceAddress *b = BODY(out, INTERFACE_ADDRESS, interface_address);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	b->prefix = cmd_if_prefix(cmd_get(m, "address"));
	if (!b->prefix)
		return -1;
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_if_unnumbered(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__InterfaceUnnumbered *b = BODY(out, INTERFACE_UNNUMBERED, interface_unnumbered);
	const char *use = cmd_get(m, "use");

	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	if (use && strcmp(use, b->name) == 0)
		return cmd_error(m, err, errlen, "an interface cannot borrow its own addresses ('%s')", use);
	if (use && req_str(&b->use, use) < 0)
		return -1;
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_if_mtu(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__InterfaceSetMtu *b = BODY(out, INTERFACE_SET_MTU, interface_set_mtu);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	cmd_u32(m, "mtu", &b->mtu);
	return 0;
}

int cmd_if_neighbor(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__NeighborAddDel *b;
	const char *mac = cmd_get(m, "mac");
	bool del = cmd_has(m, "del");
	uint8_t ip[16], hw[6];
	size_t iplen;

	if (!mac && !del)
		return cmd_error(m, err, errlen, "expected 'mac' value after '%s', got end of line",
				 cmd_get(m, "ip"));
	b = BODY(out, NEIGHBOR, neighbor_add_del);
	if (!b || req_str(&b->name, cmd_get(m, "interface")) < 0)
		return -1;
	value_ip(cmd_get(m, "ip"), ip, &iplen);
	if (req_bytes(&b->ip, ip, iplen) < 0)
		return -1;
	if (mac) {
		value_mac(mac, hw);
		if (req_bytes(&b->mac, hw, sizeof(hw)) < 0)
			return -1;
		b->has_mac = 1;
	}
	if (del)
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_if_loop_create(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__LoopbackCreate *b = BODY(out, LOOPBACK_CREATE, loopback_create);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	b->has_instance = cmd_u32(m, "instance", &b->instance);
	return 0;
}

int cmd_if_loop_delete(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__LoopbackDelete *b = BODY(out, LOOPBACK_DELETE, loopback_delete);

	(void)err, (void)errlen;
	return !b || req_str(&b->name, cmd_get(m, "interface")) < 0 ? -1 : 0;
}

int cmd_if_route(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__RouteAddDel *b;
	const char *via = cmd_get(m, "via"), *ifname = cmd_get(m, "interface");
	uint8_t a[16], nh[16];
	size_t alen, nhlen = 0;
	uint32_t plen;

	value_prefix(cmd_get(m, "prefix"), a, &alen, &plen);
	if (via) {
		value_ip(via, nh, &nhlen);
		if (nhlen != alen)
			return cmd_error(m, err, errlen, "next hop '%s' is not of the family of '%s'", via,
					 cmd_get(m, "prefix"));
	}
	if (cmd_has(m, "add") && !via && !ifname)
		return cmd_error(m, err, errlen, "expected 'via', got end of line");
	b = BODY(out, ROUTE, route_add_del);
	if (!b)
		return -1;
	b->prefix = cmd_if_prefix(cmd_get(m, "prefix"));
	if (!b->prefix)
		return -1;
	if (via) {
		if (req_bytes(&b->via, nh, nhlen) < 0)
			return -1;
		b->has_via = 1;
	}
	if (ifname && req_str(&b->interface, ifname) < 0)
		return -1;
	if (cmd_has(m, "del"))
		b->has_is_del = b->is_del = 1;
	return 0;
}

int cmd_if_port(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__PortCreate *b = BODY(out, PORT_CREATE, port_create);

	(void)err, (void)errlen;
	if (!b || req_str(&b->name, cmd_get(m, "name")) < 0 ||
	    req_str(&b->devargs, cmd_get(m, m->arg ? "vdev" : "pci")) < 0)
		return -1;
	return 0;
}

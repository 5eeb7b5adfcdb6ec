/*
 * The command table: every line ipsecctl and the startup file accept.
 * Help and completion are generated from it (grammar.c), so a command
 * exists exactly when it has a row here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "value.h"

#define IPSEC_POLICY_OPTS                                                                    \
	"{ ip6 | !priority <priority:i32> | !inbound|outbound"                                 \
	" | !action bypass|discard|protect | sa <sa:u32>"                                      \
	" | local-ip-range <local-start:ip> - <local-end:ip>"                                  \
	" | remote-ip-range <remote-start:ip> - <remote-end:ip> | protocol <protocol:u8>"      \
	" | local-port-range <local-port-start:u16> - <local-port-end:u16>"                    \
	" | remote-port-range <remote-port-start:u16> - <remote-port-end:u16> }"

#define IPSEC_SA_OPTS(REQ)                                                                   \
	"{ " REQ "spi <spi:u32> | esp | crypto-alg <crypto-alg:crypto> | crypto-key <crypto-key:key>" \
	" | integ-alg <integ-alg:integ> | <integ-alg:integ> | integ-key <integ-key:key>"       \
	" | tunnel-src <tunnel-src:ip> | tunnel-dst <tunnel-dst:ip> | udp-encap"                \
	" | udp-src-port <udp-src-port:u16> | udp-dst-port <udp-dst-port:u16>"                  \
	" | esn/use-esn | anti-replay/use-anti-replay | no-anti-replay"                         \
	" | replay-window <replay-window:u32> | salt <salt:hex32> }"

const struct cli_cmd cmd_table[] = {
	/* interfaces */
	{ "set interface/int state <interface:if> up|down",
	  "Set an interface administratively up or down.", cmd_if_state, 0 },
	{ "set interface/int ip address [del] <interface:if> <address:prefix>",
	  "Add (or delete) an IPv4 or IPv6 address on an interface.", cmd_if_address, 0 },
	{ "set interface/int unnumbered <interface:if> (use <use:if> [del] | del)",
	  "Borrow the addresses of another interface (or stop borrowing).", cmd_if_unnumbered, 0 },
	{ "set interface/int mtu [packet] <mtu:u32> <interface:if>",
	  "Set an interface's MTU.", cmd_if_mtu, 0 },
	{ "set interface/int ipsec spd [del] <interface:if> <spd:u32> [del]",
	  "Bind an SPD to an interface (or unbind it).", cmd_ipsec_if_spd, 0 },
	{ "set interface/int <interface:if> up|down",
	  "Same as 'set interface state'.", cmd_if_state, 0 },
	{ "set ip arp [del] <interface:if> <ip:ip4> [<mac:mac>]",
	  "Add (or delete) a static IPv4 neighbor.", cmd_if_neighbor, 0 },
	{ "set ip neighbor/neighbour [del] <interface:if> <ip:ip> [<mac:mac>]",
	  "Add (or delete) a static IPv4 or IPv6 neighbor.", cmd_if_neighbor, 0 },
	{ "loopback create/create-interface [instance <instance:u32>]",
	  "Create a loopback interface loopN.", cmd_if_loop_create, 0 },
	{ "create loopback interface [instance <instance:u32>]",
	  "Same as 'loopback create'.", cmd_if_loop_create, 0 },
	{ "loopback delete-interface ^ intfc <interface:if>",
	  "Delete a loopback interface.", cmd_if_loop_delete, 0 },
	{ "delete loopback interface ^ intfc <interface:if>",
	  "Same as 'loopback delete-interface'.", cmd_if_loop_delete, 0 },
	{ "ip route add|del <prefix:prefix> [via (<via:ip> [<interface:if>] | <interface:if>)]",
	  "Add (or delete) a route via a next hop, an interface, or both.", cmd_if_route, 0 },
	{ "dpdk dev <pci:pci> name <name:if>",
	  "Declare a PCI port and its interface name (startup file).", cmd_if_port, 0 },
	{ "dpdk vdev <vdev:vdev> name <name:if>",
	  "Declare a DPDK virtual device and its interface name (startup file).", cmd_if_port, 1 },

	/* IPsec */
	{ "ipsec spd add|del <spd:u32>", "Create (or delete) a security policy database.", cmd_ipsec_spd, 0 },
	{ "ipsec policy add|del ^ spd <spd:u32> " IPSEC_POLICY_OPTS,
	  "Add (or delete) a policy; options in any order. Without ranges a policy\n"
	  "    covers all addresses and ports of its family; an IPv6 range implies 'ip6'.",
	  cmd_ipsec_policy, 0 },
	{ "ipsec sa add <id:u32> " IPSEC_SA_OPTS("!"),
	  "Add an ESP security association; options in any order. Tunnel mode when\n"
	  "    tunnel-src and tunnel-dst are given, else transport mode.",
	  cmd_ipsec_sa_add, 0 },
	{ "ipsec sa del <id:u32>", "Delete a security association.", cmd_ipsec_sa_del, 0 },
	{ "ipsec sa del <id:u32> " IPSEC_SA_OPTS(""),
	  "The same; the options of 'ipsec sa add' are accepted and ignored.", cmd_ipsec_sa_del, 0 },
	{ "set ipsec sa <id:u32> { crypto-key <crypto-key:key> | integ-key <integ-key:key> }",
	  "Change the keys of a security association.", cmd_ipsec_sa_key, 0 },
	{ "ipsec itf create [instance <instance:u32>]",
	  "Create an IPsec tunnel interface ipsecN.", cmd_ipsec_itf_create, 0 },
	{ "ipsec itf delete <interface:if>", "Delete an IPsec tunnel interface.", cmd_ipsec_itf_delete, 0 },
	{ "ipsec tunnel protect <interface:if> del",
	  "Remove the protection of a tunnel interface.", cmd_ipsec_protect, 1 },
	{ "ipsec tunnel protect <interface:if> { !sa-out/output-sa <sa-out:u32> | !*sa-in/input-sa <sa-in:u32> }",
	  "Protect a tunnel interface: one outbound SA, one or more inbound SAs.",
	  cmd_ipsec_protect, 0 },

	/* IKEv2 */
	{ "ikev2 profile add|del <profile:name>", "Create (or delete) an IKEv2 profile.", cmd_ikev2_profile, 0 },
	{ "ikev2 profile set <profile:name> auth (shared-key-mic (string <secret:secret> | hex <secret-hex:key>)"
	  " | rsa-sig cert-file <cert-file:path>)",
	  "Set the authentication: a pre-shared key, or the peer's certificate.", cmd_ikev2_auth, 0 },
	{ "ikev2 profile set <profile:name> id local|remote (ip4-addr <ip4:ip4> | ip6-addr <ip6:ip6>"
	  " | fqdn <fqdn:str> | rfc822 <email:str> | key-id <key-id:str>)",
	  "Set the local or remote identity; a key-id starting with 0x is hex.", cmd_ikev2_id, 0 },
	{ "ikev2 profile set <profile:name> traffic-selector local|remote"
	  " { !ip-range <start:ip> - <end:ip> | port-range <port-start:u16> - <port-end:u16>"
	  " | protocol <protocol:u8> }",
	  "Set the local or remote traffic selector.", cmd_ikev2_ts, 0 },
	{ "ikev2 profile set <profile:name> responder <interface:if> <address:ip>",
	  "Set where the responder is reached (initiator side).", cmd_ikev2_responder, 0 },
	{ "ikev2 profile set <profile:name> { !ike-crypto-alg <ike-crypto-alg:ikeencr> [<ike-key-bits:keybits>]"
	  " | ike-integ-alg <ike-integ-alg:ikeinteg> | !ike-dh <ike-dh:dh> }",
	  "Set the IKE SA transforms.", cmd_ikev2_transforms, 0 },
	{ "ikev2 profile set <profile:name> { !esp-crypto-alg <esp-crypto-alg:ikeencr> [<esp-key-bits:keybits>]"
	  " | esp-integ-alg <esp-integ-alg:ikeinteg> | esp-dh <esp-dh:dh> }",
	  "Set the child SA transforms.", cmd_ikev2_transforms, 1 },
	{ "ikev2 profile set <profile:name> sa-lifetime <lifetime:u64> <jitter:u32> <handover:u32> <max-data:u64>",
	  "Set lifetime, jitter, handover (s) and data limit (bytes, 0 = none).",
	  cmd_ikev2_lifetime, 0 },
	{ "set ikev2 local key <key-file:path>", "Set the file of the local private key.", cmd_ikev2_local_key, 0 },
	{ "ikev2 set liveness <period:u32> <max-failures:u32>",
	  "Check a silent peer every PERIOD s; dead after MAX-FAILURES unanswered checks (0 0: off).",
	  cmd_ikev2_liveness, 0 },
	{ "ikev2 initiate (sa-init <profile:name> | del-child-sa <child-spi:hex32> | del-sa <ike-spi:hex64>"
	  " | rekey-child-sa <child-spi:hex32>)",
	  "Start IKE_SA_INIT for a profile, or delete/rekey an SA by SPI (hex).",
	  cmd_ikev2_initiate, 0 },

	/* crypto engines */
	{ "set crypto handler <alg:engalg> ipsec-mb|openssl|native|auto [sse|avx2|avx512]",
	  "Use a crypto engine (and an ipsec-mb code path) for an ESP algorithm, or\n"
	  "    all; 'auto' returns to the fastest one the dataplane measured. 'native'\n"
	  "    (ipsecgw's own AES-GCM) has aes-gcm-128/192/256 only.",
	  cmd_crypto_handler, 0 },

	/* counters */
	{ "clear interfaces/interface/int/hardware-interfaces", "Zero the interface counters.", cmd_misc_clear, 0 },
	{ "clear errors/error", "Zero the error counters.", cmd_misc_clear, 1 },
	{ "clear ipsec sa/counters", "Zero the SA and policy counters.", cmd_misc_clear, 2 },

	/* shows */
	{ "show ipsec [all]", "Show SAs, SPDs and tunnel protection.", cmd_misc_show, CLI_VIEW_IPSEC },
	{ "show ipsec sa [<id:u32>]", "Show all SAs, or one in detail.", cmd_misc_show, CLI_VIEW_SA },
	{ "show ipsec spd [<id:u32>]", "Show the SPDs and their policies.", cmd_misc_show, CLI_VIEW_SPD },
	{ "show ipsec tunnel [interfaces/interface]", "Show the protected tunnel interfaces.",
	  cmd_misc_show, CLI_VIEW_TUNNELS },
	{ "show ikev2 profile [<profile:name>]", "Show IKEv2 profiles.", cmd_misc_show, CLI_VIEW_IKEV2 },
	{ "show ikev2 sa details", "Show IKE SAs with state, NAT, message IDs and child SA details.",
	  cmd_misc_show, CLI_VIEW_IKEV2_SA_DETAILS },
	{ "show ikev2 sa", "Show IKE SAs and their child SAs (from ipsecgw-ikev2).", cmd_misc_show,
	  CLI_VIEW_IKEV2_SA },
	{ "show interface/int/interfaces address/addr [<interface:if>]", "Show interface addresses.",
	  cmd_misc_show, CLI_VIEW_ADDRESSES },
	{ "show interface/int/interfaces [<interface:if>]", "Show interfaces and their counters.",
	  cmd_misc_show, CLI_VIEW_INTERFACES },
	{ "show ip fib", "Show the IPv4 routes.", cmd_misc_show, CLI_VIEW_FIB4 },
	{ "show ip6 fib", "Show the IPv6 routes.", cmd_misc_show, CLI_VIEW_FIB6 },
	{ "show ip neighbors/neighbor/neighbours/arp", "Show the IPv4 neighbors.", cmd_misc_show, CLI_VIEW_NEIGH4 },
	{ "show ip6 neighbors/neighbor/neighbours", "Show the IPv6 neighbors.", cmd_misc_show, CLI_VIEW_NEIGH6 },
	{ "show errors/error", "Show the error counters.", cmd_misc_show, CLI_VIEW_ERRORS },
	{ "show crypto engines/engine", "Show the crypto engine and code path each algorithm uses, and their costs.",
	  cmd_misc_show, CLI_VIEW_CRYPTO_ENGINES },

	/* local */
	{ "ping <address:ip> { source <source:if> | repeat <repeat:u32> | size <size:u16> }",
	  "Send ICMP echo requests from the dataplane and print the replies.", cmd_misc_ping, 0 },
	{ "help/? [<topic:words>]", "List commands, or those that start with TOPIC.", cmd_misc_help, 0 },
	{ "exec <file:path>", "Run the commands in FILE, stopping at the first error.", cmd_misc_exec, 0 },
	{ "quit/exit", "Leave interactive mode.", cmd_misc_quit, 0 },
};

const size_t cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);

static bool cmd_name_eq(const struct capture *c, const char *name)
{
	return strlen(name) == c->len && memcmp(c->name, name, c->len) == 0;
}

const char *cmd_nth(const struct cli_match *m, const char *name, int i)
{
	for (int k = 0; k < m->ncap; k++)
		if (!m->cap[k].keyword && cmd_name_eq(&m->cap[k], name) && i-- == 0)
			return m->word[m->cap[k].word];
	return NULL;
}

const char *cmd_get(const struct cli_match *m, const char *name)
{
	return cmd_nth(m, name, 0);
}

int cmd_count(const struct cli_match *m, const char *name)
{
	int n = 0;

	for (int k = 0; k < m->ncap; k++)
		n += !m->cap[k].keyword && cmd_name_eq(&m->cap[k], name);
	return n;
}

bool cmd_has(const struct cli_match *m, const char *name)
{
	for (int k = 0; k < m->ncap; k++)
		if (cmd_name_eq(&m->cap[k], name))
			return true;
	return false;
}

bool cmd_u64(const struct cli_match *m, const char *name, uint64_t *out)
{
	const char *w = cmd_get(m, name);

	return w && value_uint(w, UINT64_MAX, out) == 0;
}

bool cmd_u32(const struct cli_match *m, const char *name, uint32_t *out)
{
	uint64_t v;

	if (!cmd_u64(m, name, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

int cmd_error(const struct cli_match *m, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", m->head);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

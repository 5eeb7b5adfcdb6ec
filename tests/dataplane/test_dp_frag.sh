#!/usr/bin/env bash
# Fragmentation and reassembly (docs/dataplane.md "Fragments").
#
# The ports are net_pcap (libpcap on the veths): net_af_packet (DPDK 22.11)
# joins a PACKET_FANOUT group with PACKET_FANOUT_FLAG_DEFRAG, so the gateway
# namespace's kernel would reassemble IPv4 fragments before the dataplane
# sees them (and truncate what is longer than the ring's ~1980-byte frames).
#
#  - forwarding onto a link of MTU 1000: a 3000-byte DF-clear echo request
#    and a 3000-byte DF-clear UDP datagram (3 fragments from the client:
#    1480 + 1480 + 48 data bytes) leave as exactly 5 fragments (976 + 504
#    twice, 48) and arrive whole (the server's kernel reassembles); the
#    answer (4 fragments from the server) goes to the client as they are
#    (exactly 4); no drop; DF set gets frag-needed (mtu = 1000) and counts
#    `mtu exceeded` once;
#  - the gateway's own addresses: 3000-byte echo requests (v4, v6; 3
#    fragments each) are reassembled, answered, and the answers sent in
#    exactly 3 fragments; 3000-byte IKE messages to port 500 (v4, v6) reach
#    the stand-in IKE daemon (dp_punt_peer) whole and its answers come back;
#    scapy echo requests in 4 fragments sent out of order are answered
#    (v4, v6);
#  - counted drops (v4 and v6): two overlapping fragments (both), 17
#    fragments of one datagram (all 17), a lone first fragment after the 3 s
#    timeout;
#  - IPv6 extension headers to the gateway: an echo behind hop-by-hop and
#    destination options is answered; a routing header with segments left
#    1 gets parameter problem (pointer 42) and counts `ip6 routing header`.
DP_PMD=${DP_PMD:-pcap}
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
gw_up

# Quiet, exact counters: static neighbors both ways, no ARP.
g0=$(mac_of "$NG" g0) g1=$(mac_of "$NG" g1)
inc ip neigh replace 192.0.2.1 lladdr "$g0" dev c0 nud permanent
ins ip neigh replace 198.51.100.1 lladdr "$g1" dev s0 nud permanent
ctl set ip neighbor eth0 192.0.2.2 "$(mac_of "$NC" c0)"
ctl set ip neighbor eth1 198.51.100.2 "$(mac_of "$NS" s0)"
ctl set interface mtu 1000 eth1
ins ip link set s0 mtu 1000
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "baseline ping"
inc ping -6 -c 1 -W 2 2001:db8:1::1 >/dev/null || fail "baseline ping6"
sleep 1

declare -A a b
REASONS=("mtu exceeded" "reassembly timeout" "reassembly overlapping fragments" "reassembly too many fragments"
         "ip6 routing header not processed" "no buffer for a fragment" "fragment to local address"
         "ip4 length larger than frame" "reassembly table full" "reassembled packet too big" "no buffer")
snap() { # two dumps, every counter the checks use
  local k v
  ctl --json show interface >"$T/ifc.json"; ctl --json show errors >"$T/err.json"
  while IFS='=' read -r k v; do b[$k]=$v; done < <($PY - "$T/ifc.json" "$T/err.json" "${REASONS[@]}" <<'EOP'
import json,sys
ifc=json.load(open(sys.argv[1]))["interfaces"]; err=json.load(open(sys.argv[2]))["errors"]
for i in ifc:
    if i["name"] in ("eth0","eth1"):
        print("%s:tx.packets=%d" % (i["name"], int(i.get("tx",{}).get("packets",0))))
cnt={e["reason"]:int(e.get("count",0)) for e in err}
for r in sys.argv[3:]: print("%s=%d" % (r, cnt.get(r,0)))
print("other=%d" % sum(v for r,v in cnt.items() if r!="multicast or broadcast not handled"))
EOP
)
}
mark() { snap; for k in "${!b[@]}"; do a[$k]=${b[$k]}; done; }
d() { echo $(( ${b[$1]} - ${a[$1]} )); }
check() { [ "$(d "$1")" -eq "$2" ] || { ctl show interface; ctl show errors | awk '$1'; fail "$3: $1 moved by $(d "$1"), want $2"; }; }
# The peers' kernels send router solicitations and MLD reports when they
# like (`multicast or broadcast not handled`): the only drops allowed.
check_no_drops() { check other 0 "$1"; }
# big_ping ADDR [ping options]: mark, one 3000-byte echo answered in full, snap.
big_ping() {
  local to=$1 out
  shift
  mark
  out=$(inc ping -c 1 -W 3 "$@" -s 3000 "$to") || fail "ping $to: $out"
  grep -q "3008 bytes from $to" <<<"$out" || fail "ping reply from $to: $out"
  sleep 0.3; snap
}

log "forwarded: 3000-byte DF-clear echo onto MTU 1000"
big_ping 198.51.100.2 -M dont
check eth1:tx.packets 5 "request: 976 + 504, 976 + 504, 48 data bytes"
check eth0:tx.packets 4 "reply: the server's 4 fragments"
check_no_drops "forwarded echo"

log "forwarded: 3000-byte DF-clear UDP datagram"
ins $PY -c '
import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("198.51.100.2",9999)); s.settimeout(10)
open(sys.argv[1]+".ready","w").close()
d,_=s.recvfrom(65535); open(sys.argv[1],"w").write("%d %s" % (len(d), d==bytes(range(250))*12))' "$T/udp" &
PIDS+=($!)
wait_for 10 test -e "$T/udp.ready" || fail "udp sink"
mark
inc $PY -c '
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear
s.sendto(bytes(range(250))*12,("198.51.100.2",9999))'
wait_for 10 test -s "$T/udp" || fail "udp datagram not received"
[ "$(cat "$T/udp")" = "3000 True" ] || fail "udp datagram: $(cat "$T/udp")"
sleep 0.3; snap
check eth1:tx.packets 5 "udp: 5 fragments"
check_no_drops "forwarded udp"

log "gateway's own addresses: reassembled, answered in fragments"
big_ping 192.0.2.1 -M dont
check eth0:tx.packets 3 "echo reply to 192.0.2.1: 1480 + 1480 + 48"
big_ping 2001:db8:1::1 -6
check eth0:tx.packets 3 "echo reply to 2001:db8:1::1: 1448 + 1448 + 120"
check_no_drops "own addresses"

log "IKE messages in fragments: reassembled and punted whole (v4, v6)"
"$B/dp_punt_peer" "$INST" 2 20 >"$T/peer.log" 2>&1 &
PEER=$!; PIDS+=("$PEER")
wait_for 5 grep -q listening "$T/peer.log" || fail "punt peer"
mark
inc $PY - <<'PY' || fail "IKE exchanges"
import socket
def ask(fam, addr, sport, payload):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("" if fam == socket.AF_INET else "::", sport))
    s.settimeout(5)
    s.sendto(payload, addr)
    got, _ = s.recvfrom(65535)
    assert got == b"re:" + payload, (addr, len(got))
ask(socket.AF_INET, ("192.0.2.1", 500), 5010, bytes(range(200)) * 15)
ask(socket.AF_INET6, ("2001:db8:1::1", 500), 5011, bytes(range(100)) * 30)
PY
wait "$PEER" || fail "punt peer exit"
grep -q "^punt eth0 192.0.2.2 5010 192.0.2.1 500 3000 000102" "$T/peer.log" || { cat "$T/peer.log"; fail "v4 IKE punt"; }
grep -q "^punt eth0 2001:db8:1::2 5011 2001:db8:1::1 500 3000 000102" "$T/peer.log" || { cat "$T/peer.log"; fail "v6 IKE punt"; }
snap; check_no_drops "IKE"

log "out-of-order fragments (scapy)"
peer() { inc $PY "$SRC/tests/dataplane/frag_peer.py" "$1" c0 "$g0" 192.0.2.2 192.0.2.1 2001:db8:1::2 2001:db8:1::1; }
mark
peer echo4 || fail "fragmented echo (v4, out of order) not answered"
peer echo6 || fail "fragmented echo (v6, out of order) not answered"

log "IPv6 extension headers to the gateway"
peer ext6 || fail "echo behind hop-by-hop + destination options not answered"
snap; check_no_drops "scapy echoes"
peer rh6 || fail "routing header (segments left 1): no parameter problem"
snap; check "ip6 routing header not processed" 1 "rh6"

log "counted drops: overlap, too many, timeout"
mark
peer overlap4; peer overlap6; peer toomany4; peer toomany6
wait_for 5 err_reaches "reassembly too many fragments" $((a["reassembly too many fragments"] + 34)) || true
snap
check "reassembly overlapping fragments" 4 "overlap: both fragments, v4 and v6"
check "reassembly too many fragments" 34 "17 fragments, v4 and v6"
check "reassembly timeout" 0 "nothing held"
mark
peer timeout4; peer timeout6
wait_for 6 err_reaches "reassembly timeout" $((a["reassembly timeout"] + 2)) || true
snap
check "reassembly timeout" 2 "lone first fragments"
check "reassembly overlapping fragments" 0 "timeout"
check "fragment to local address" 0 "well-formed"

log "DF set: frag-needed"
mark
out=$(inc ping -c 1 -W 2 -M do -s 1200 198.51.100.2 || true)
grep -q "Frag needed and DF set (mtu = 1000)" <<<"$out" || fail "frag needed: $out"
snap; check "mtu exceeded" 1 "DF set"
log "PASS"

# Shared by the IPsec namespace tests (sourced). Two gateways:
#
#   client ns  c0 --- a0  gw A  aw ===== bw  gw B  b1 --- s0  server ns
#   192.0.2.2/24        .1      WAN         198.51.100.1   198.51.100.2/24
#                               2001:db8:f::1/64 and ::2/64, 198.18.0.1/24 and .2/24
#
# Each gateway runs its own ipsecgw-config and ipsecgw-dataplane (instances
# $IA and $IB, regions on tmpfs) on net_af_packet. pair_up A.cli B.cli gives
# each its startup file (after the interface lines below). Everything is
# removed on exit. Needs root and hugepages.
set -euo pipefail

B=${GW_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build/release/bin" 2>/dev/null && pwd)}
SRC=${GW_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ID=$$
IA=ipa$ID IB=ipb$ID
NC=ipc$ID NA=ipga$ID NB=ipgb$ID NS=ips$ID
T=$(mktemp -d /tmp/ipt.XXXXXX)
PIDS=()
DP_EAL=${DP_EAL:-"-l 0 --no-pci"}

log() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }
fail() {
  echo "FAIL: $*" >&2
  for g in A B; do
    echo "---- gw $g: show errors / show interface / show ipsec" >&2
    { ctl $g show errors; ctl $g show interface; ctl $g show ipsec; } >&2 2>&1 || true
  done
  dump_logs; exit 1
}
dump_logs() {
  for f in "$T"/*.log; do [ -f "$f" ] && { echo "---- $f"; tail -n 40 "$f"; }; done >&2 || true
}

cleanup() {
  local rc=$?
  set +e
  for n in $NC $NA $NB $NS; do
    for p in $(ip netns pids "$n" 2>/dev/null); do PIDS+=("$p"); done
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  if grep -l "Sanitizer\|runtime error:" "$T"/*.log >/dev/null 2>&1; then
    grep -h -A30 "Sanitizer\|runtime error:" "$T"/*.log | head -80 >&2
    echo "FAIL: sanitizer report" >&2
    [ $rc -eq 0 ] && rc=1
  fi
  for n in $NC $NA $NB $NS; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$T" "/var/run/dpdk/ipsecgw-$IA" "/var/run/dpdk/ipsecgw-$IB"
  rm -f /dev/hugepages/ipsecgw-${IA}map_* /dev/hugepages/ipsecgw-${IB}map_* 2>/dev/null
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# env for one gateway: its run dir and region dir
genv() { echo "IPSECGW_RUNDIR=$T/$1/run IPSECGW_SHM_DIR=$T/$1/shm"; }
ctl() { # ctl A|B args...
  local g=$1; shift
  env $(genv "$g") "$B/ipsecctl" --instance "$([ "$g" = A ] && echo "$IA" || echo "$IB")" "$@"
}
inc() { ip netns exec "$NC" "$@"; }
ins() { ip netns exec "$NS" "$@"; }

wait_for() {
  local n=$(($1 * 10)); shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

pair_netns() {
  for n in $NC $NA $NB $NS; do ip netns add "$n"; ip netns exec "$n" ip link set lo up; done
  ip link add c0 netns "$NC" type veth peer name a0 netns "$NA"
  ip link add aw netns "$NA" type veth peer name bw netns "$NB"
  ip link add s0 netns "$NS" type veth peer name b1 netns "$NB"
  for g in $NA $NB; do
    ip netns exec "$g" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  inc ethtool -K c0 tx off tso off gso off >/dev/null 2>&1 || true
  ins ethtool -K s0 tx off tso off gso off >/dev/null 2>&1 || true
  for i in a0 aw; do ip netns exec "$NA" ethtool -K $i gro off tx off >/dev/null 2>&1 || true; ip netns exec "$NA" ip link set $i up; done
  for i in bw b1; do ip netns exec "$NB" ethtool -K $i gro off tx off >/dev/null 2>&1 || true; ip netns exec "$NB" ip link set $i up; done
  inc ip link set c0 up
  inc ip addr add 192.0.2.2/24 dev c0
  inc ip route add default via 192.0.2.1
  ins ip link set s0 up
  ins ip addr add 198.51.100.2/24 dev s0
  ins ip route add default via 198.51.100.1
}

# gw_start A|B NS IFNAMES-LINE-FILE CLI
gw_start() {
  local g=$1 ns=$2 cli=$3 inst dir
  inst=$([ "$g" = A ] && echo "$IA" || echo "$IB")
  dir=$T/$g
  mkdir -p "$dir/run" "$dir/shm"
  cp "$cli" "$dir/startup.cli"
  env $(genv "$g") "$B/ipsecgw-config" --instance "$inst" --startup "$dir/startup.cli" >>"$T/config-$g.log" 2>&1 &
  PIDS+=($!)
  wait_for 10 test -S "$dir/run/$inst/config.sock" || fail "config service $g did not start"
  # shellcheck disable=SC2086
  ip netns exec "$ns" env $(genv "$g") "$B/ipsecgw-dataplane" --instance "$inst" --eal "$DP_EAL" \
    >>"$T/dataplane-$g.log" 2>&1 &
  PIDS+=($!)
  eval "DP_PID_$g=$!"
  wait_for 30 gw_ready "$g" || fail "dataplane $g not ready"
}

gw_ready() {
  grep -q "ready: instance" "$T/dataplane-$1.log" || return 1
  [ "$(ctl "$1" --json show interface | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)
print(sum(1 for i in d["interfaces"] if i.get("link_up")))')" -ge 2 ]
}

# The interface lines of each gateway, then the test's own configuration.
gw_cli() { # A|B FILE-WITH-THE-REST -> path of the complete startup file
  local g=$1 rest=$2 out=$T/$1.cli
  if [ "$g" = A ]; then
    printf '%s\n' "dpdk vdev net_af_packet0,iface=a0 name lan0" "dpdk vdev net_af_packet1,iface=aw name wan0" \
      "set interface state lan0 up" "set interface state wan0 up" \
      "set interface ip address lan0 192.0.2.1/24" > "$out"
  else
    printf '%s\n' "dpdk vdev net_af_packet0,iface=b1 name lan0" "dpdk vdev net_af_packet1,iface=bw name wan0" \
      "set interface state lan0 up" "set interface state wan0 up" \
      "set interface ip address lan0 198.51.100.1/24" > "$out"
  fi
  cat "$rest" >> "$out"
  echo "$out"
}

pair_up() { # A-REST B-REST
  pair_netns
  gw_start A "$NA" "$(gw_cli A "$1")"
  gw_start B "$NB" "$(gw_cli B "$2")"
}

# JSON fields of `show ipsec sa ID`, `show interface`, `show errors`
sa_err() { # GW SA REASON(REPLAY|INTEGRITY|...)
  ctl "$1" --json show ipsec sa "$2" | /usr/bin/python3 -c '
import json,sys
for e in json.load(sys.stdin)["sas"][0].get("errors",[]):
    if e["reason"]==sys.argv[1]: print(e["count"]); break
else: print(0)' "$3"
}
sa_counter() { # GW SA FIELD(packets|bytes)
  ctl "$1" --json show ipsec sa "$2" | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin); f=sys.argv[1]
sa=d["sas"][0]
print(sa.get("counter",{}).get(f,0))' "$3"
}
err_counter() { # GW REASON
  ctl "$1" --json show errors | /usr/bin/python3 -c '
import json,sys
for e in json.load(sys.stdin)["errors"]:
    if e["reason"]==sys.argv[1]: print(e["count"]); break
else: print(0)' "$2"
}
# err_is GW REASON N: the drop counter is N (a command for wait_for, which
# runs it again and again).
err_is() { [ "$(err_counter "$1" "$2")" -eq "$3" ]; }
ifc_counter() { # GW IFC FIELD
  ctl "$1" --json show interface | /usr/bin/python3 -c '
import json,sys
ifc,field=sys.argv[1],sys.argv[2]
for i in json.load(sys.stdin)["interfaces"]:
    if i["name"]==ifc:
        v=i
        for k in field.split("."): v=v.get(k,0) if isinstance(v,dict) else 0
        print(v); break
else: print(0)' "$2" "$3"
}

# capture NS IFACE FILE: tcpdump in the background; capture_stop ends them.
# The dataplane sends with PACKET_QDISC_BYPASS, which taps do not see: a
# capture on one end of a veth shows what arrives there, i.e. what the
# other end sent.
CAP_PIDS=()
capture() {
  ip netns exec "$1" tcpdump -i "$2" -n -U -w "$3" >/dev/null 2>"$T/tcpdump-$2.log" &
  PIDS+=($!); CAP_PIDS+=($!)
  wait_for 5 grep -q "listening" "$T/tcpdump-$2.log" || true
}
capture_stop() {
  # tcpdump reads its socket in blocks: give it time to drain before SIGINT
  sleep 1.5
  for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  CAP_PIDS=()
}

# ike_start A|B [ipsecgw-ikev2 options...]: the IKE daemon of a gateway, on
# the dataplane's punt channel.
ike_start() {
  local g=$1 inst
  shift
  inst=$([ "$g" = A ] && echo "$IA" || echo "$IB")
  env $(genv "$g") "$B/ipsecgw-ikev2" --instance "$inst" --log-level 7 --attach-timeout 10 "$@" \
    >>"$T/ikev2-$g.log" 2>&1 &
  PIDS+=($!)
  env $(genv "$g") "$B/ikev2_query" "$inst" ready 10000 >/dev/null || fail "IKE daemon $g not ready"
}
ike_dump() { # A|B: the IKE daemon's SAs, one line per IKE SA / child
  local g=$1
  env $(genv "$g") "$B/ikev2_query" "$([ "$g" = A ] && echo "$IA" || echo "$IB")" dump
}

# ---- one gateway between a scapy peer and a server ------------------------
#
#   peer ns $NC  p0 --- gp  gw A ($NA)  gl --- s0  server ns $NS
#   scapy only:  no kernel address, no IPv6     198.51.100.2/24, 2001:db8:5::2/64
#
# The peer's kernel stays silent (no address, IPv6 off): every frame on p0
# is one the test sent or the gateway sent, so error counters stay exact.
# The gateway's addresses and the rest of its configuration are the test's.
PEER_MAC=${PEER_MAC:-02:00:5e:00:53:02}
peer_netns() {
  for n in $NC $NA $NS; do ip netns add "$n"; ip netns exec "$n" ip link set lo up; done
  ip netns exec "$NC" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec "$NA" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip link add p0 netns "$NC" type veth peer name gp netns "$NA"
  ip link add s0 netns "$NS" type veth peer name gl netns "$NA"
  ip netns exec "$NC" sysctl -qw net.ipv6.conf.p0.disable_ipv6=1
  inc ip link set p0 address "$PEER_MAC"
  inc ethtool -K p0 tx off tso off gso off gro off >/dev/null 2>&1 || true
  ins ethtool -K s0 tx off tso off gso off >/dev/null 2>&1 || true
  for i in gp gl; do
    ip netns exec "$NA" ethtool -K $i gro off tx off >/dev/null 2>&1 || true
    ip netns exec "$NA" ip link set $i up
  done
  inc ip link set p0 up
  ins sysctl -qw net.ipv6.conf.s0.router_solicitations=0 net.ipv6.conf.s0.accept_ra=0 >/dev/null 2>&1 || true
  ins ip link set s0 up
  ins ip addr add 198.51.100.2/24 dev s0
  ins ip -6 addr add 2001:db8:5::2/64 dev s0 nodad
  ins ip route add default via 198.51.100.1
  ins ip -6 route add default via 2001:db8:5::1
}

# The gateway's interface lines for peer_netns: wan0 (to the peer), lan0
# (to the server, addresses 198.51.100.1/24 and 2001:db8:5::1/64).
peer_gw_cli() { # NAME-OF-THE-WAN-INTERFACE FILE-WITH-THE-REST -> complete startup file
  local out=$T/A.cli
  printf '%s\n' "dpdk vdev net_af_packet0,iface=gp name $1" "dpdk vdev net_af_packet1,iface=gl name lan0" \
    "set interface state lan0 up" "set interface ip address lan0 198.51.100.1/24" \
    "set interface ip address lan0 2001:db8:5::1/64" > "$out"
  cat "$2" >> "$out"
  echo "$out"
}

# peer_wan_cli: the rest of gateway A's startup for the scapy-peer tests
# (wan0 up with an IPv4 and an IPv6 address, loop0), written to $T/rest.cli.
peer_wan_cli() {
  printf '%s\n' "set interface state wan0 up" "set interface ip address wan0 203.0.113.1/24" \
    "set interface ip address wan0 2001:db8:e::1/64" "loopback create" "set interface state loop0 up" \
    > "$T/rest.cli"
  echo "$T/rest.cli"
}

# echo_start: the server's UDP echo service (port 7), logging to $T/echo.log.
echo_start() {
  ins /usr/bin/python3 "$SRC/tests/ipsec/udp_echo.py" "$T/echo.log" >"$T/echo.out" 2>&1 &
  PIDS+=($!)
  wait_for 10 grep -q listening "$T/echo.out" || fail "UDP echo server"
}

# peer_py SCRIPT [VAR=VALUE...]: a scapy peer script of tests/ipsec in the
# peer's namespace, told how to reach gateway A, the server and the echo log.
peer_py() {
  local script=$1
  shift
  # shellcheck disable=SC2046
  inc env GW_CTL="env $(genv A) $B/ipsecctl --instance $IA" SERVER_NS="$NS" T="$T" \
    GW_MAC="$(gw_mac)" PEER_MAC="$PEER_MAC" SERVER_MAC="$(ins cat /sys/class/net/s0/address)" \
    ECHO_LOG="$T/echo.log" "$@" /usr/bin/python3 "$SRC/tests/ipsec/$script"
}

# MACs as the peer's frames need them.
gw_mac() { ip netns exec "$NA" cat /sys/class/net/gp/address; }

# Every configuration change made so far is in the dataplane's snapshot:
# add a new address to loop0 (which the test created) and wait until the
# server's ping of it is answered — snapshots are built from one generation.
SYNC_N=0
gw_sync() { # A (the peer_netns gateway)
  SYNC_N=$((SYNC_N + 1))
  ctl "$1" set interface ip address loop0 "198.18.1.$SYNC_N/32" >/dev/null
  wait_for 20 ins ping -c 1 -W 1 "198.18.1.$SYNC_N" || fail "gateway $1 did not take up its configuration"
}

# kill -9 the dataplane of gateway A|B and start it again (as
# tests/dataplane/test_dp_restart.sh): DPDK's leftovers are no obstacle.
gw_dp_kill() {
  local pid
  pid=$(eval echo "\$DP_PID_$1")
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
}
gw_dp_start() { # A|B NS
  local g=$1 ns=$2 inst n0
  inst=$([ "$g" = A ] && echo "$IA" || echo "$IB")
  n0=$(grep -c "ready: instance" "$T/dataplane-$g.log" 2>/dev/null || true)
  # shellcheck disable=SC2086
  ip netns exec "$ns" env $(genv "$g") "$B/ipsecgw-dataplane" --instance "$inst" --eal "$DP_EAL" \
    >>"$T/dataplane-$g.log" 2>&1 &
  PIDS+=($!)
  eval "DP_PID_$g=$!"
  wait_for 30 dp_ready_again "$g" $((n0 + 1)) || fail "dataplane $g not ready after restart"
}
dp_ready_again() { # A|B WANT-READY-LINES
  [ "$(grep -c "ready: instance" "$T/dataplane-$1.log")" -ge "$2" ] && gw_ready "$1"
}

# Exact counters: `show errors` must equal the expected reasons (all others 0).
# The peers' kernels send IPv6 router solicitations and MLD reports on their
# own schedule after a link comes up: "multicast or broadcast not handled" is
# checked only when a caller names it.
errors_exact() { # GW 'reason text=count' ...
  local g=$1; shift
  ctl "$g" --json show errors | /usr/bin/python3 -c '
import json,sys
want={}
for a in sys.argv[1:]:
    k,v=a.rsplit("=",1); want[k]=int(v)
got={e["reason"]:int(e.get("count",0)) for e in json.load(sys.stdin)["errors"]}
noise="multicast or broadcast not handled"
if noise not in want: got.pop(noise, None)
bad=[k for k in set(want)|set(got) if got.get(k,0)!=want.get(k,0)]
for k in sorted(bad): print("  %s: got %d, want %d" % (k, got.get(k,0), want.get(k,0)))
sys.exit(1 if bad else 0)' "$@"
}

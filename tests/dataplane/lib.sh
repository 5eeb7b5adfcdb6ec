# Shared by the dataplane namespace tests (sourced). Builds
#   client ns  c0 ---- g0  gateway ns (ipsecgw-dataplane on net_af_packet)  g1 ---- s0  server ns
#   192.0.2.2/24, 2001:db8:1::2/64       .1 / ::1        198.51.100.1/24, 2001:db8:2::1/64     .2 / ::2
# starts ipsecgw-config (region on tmpfs) and the dataplane, and removes every
# namespace, process and file it made on exit. Needs root.
set -euo pipefail

B=${GW_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build-dp/bin" 2>/dev/null && pwd)}
SRC=${GW_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ID=$$
INST=dpt$ID
NC=dpc$ID NG=dpg$ID NS=dps$ID
T=$(mktemp -d /tmp/dpt.XXXXXX)
export IPSECGW_RUNDIR=$T/run IPSECGW_SHM_DIR=$T/shm
mkdir -p "$IPSECGW_RUNDIR" "$IPSECGW_SHM_DIR"
PIDS=()
CFG_PID= DP_PID=
DP_EAL=${DP_EAL:-"-l 0 --no-pci"}
DP_ARGS=${DP_ARGS:-}
# The ports' PMD: af_packet (default), or pcap (libpcap on the veth: no
# fanout, so IPv4 fragments are not reassembled by the kernel first).
DP_PMD=${DP_PMD:-af_packet}
DP_PMD_ARGS=""; [ "$DP_PMD" = pcap ] && DP_PMD_ARGS=",phy_mac=1"   # the veth's MAC

log() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }
fail() { echo "FAIL: $*" >&2; dump_logs; exit 1; }
dump_logs() {
  for f in "$T"/*.log; do [ -f "$f" ] && { echo "---- $f"; tail -n 40 "$f"; }; done >&2 || true
}

cleanup() {
  local rc=$?
  set +e
  # Whatever still runs inside our namespaces was started by this test.
  for n in $NC $NG $NS; do
    for p in $(ip netns pids "$n" 2>/dev/null); do PIDS+=("$p"); done
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  # A sanitizer report from any process we ran fails the test.
  if grep -l "Sanitizer\|runtime error:" "$T"/*.log >/dev/null 2>&1; then
    grep -h -A30 "Sanitizer\|runtime error:" "$T"/*.log | head -80 >&2
    echo "FAIL: sanitizer report" >&2
    [ $rc -eq 0 ] && rc=1
  fi
  for n in $NC $NG $NS; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$T" "/var/run/dpdk/ipsecgw-$INST"
  rm -f /dev/hugepages/ipsecgw-${INST}map_* 2>/dev/null
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ctl() { "$B/ipsecctl" --instance "$INST" "$@"; }
inc() { ip netns exec "$NC" "$@"; }
ins() { ip netns exec "$NS" "$@"; }

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
  local n=$(($1 * 10)); shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

netns_setup() {
  ip netns add "$NC"; ip netns add "$NG"; ip netns add "$NS"
  ip link add c0 netns "$NC" type veth peer name g0 netns "$NG"
  ip link add s0 netns "$NS" type veth peer name g1 netns "$NG"
  # The gateway's kernel stays out of the way: no IPv6 (no RS, MLD, DAD).
  ip netns exec "$NG" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  # Frames must leave the peers complete: no checksum offload (a veth would
  # hand af_packet CHECKSUM_PARTIAL packets) and no segmentation offload.
  inc ethtool -K c0 tx off tso off gso off >/dev/null 2>&1 || true
  ins ethtool -K s0 tx off tso off gso off >/dev/null 2>&1 || true
  ip netns exec "$NG" ethtool -K g0 gro off >/dev/null 2>&1 || true
  ip netns exec "$NG" ethtool -K g1 gro off >/dev/null 2>&1 || true
  ip netns exec "$NG" ip link set g0 up
  ip netns exec "$NG" ip link set g1 up
  ip netns exec "$NG" ip link set lo up
  inc ip link set lo up; inc ip link set c0 up
  inc ip addr add 192.0.2.2/24 dev c0
  inc ip -6 addr add 2001:db8:1::2/64 dev c0 nodad
  inc ip route add default via 192.0.2.1
  inc ip -6 route add default via 2001:db8:1::1
  ins ip link set lo up; ins ip link set s0 up
  ins ip addr add 198.51.100.2/24 dev s0
  ins ip -6 addr add 2001:db8:2::2/64 dev s0 nodad
  ins ip route add default via 198.51.100.1
  ins ip -6 route add default via 2001:db8:2::1
}

write_startup() {
  cat > "$T/startup.cli" <<EOS
dpdk vdev net_${DP_PMD}0,iface=g0${DP_PMD_ARGS} name eth0
dpdk vdev net_${DP_PMD}1,iface=g1${DP_PMD_ARGS} name eth1
set interface state eth0 up
set interface state eth1 up
set interface ip address eth0 192.0.2.1/24
set interface ip address eth0 2001:db8:1::1/64
set interface ip address eth1 198.51.100.1/24
set interface ip address eth1 2001:db8:2::1/64
EOS
  if [ -n "${1:-}" ]; then printf '%s\n' "$1" >> "$T/startup.cli"; fi
}

start_config() {
  "$B/ipsecgw-config" --instance "$INST" --startup "$T/startup.cli" >>"$T/config.log" 2>&1 &
  CFG_PID=$!; PIDS+=("$CFG_PID")
  wait_for 10 test -S "$IPSECGW_RUNDIR/$INST/config.sock" || fail "config service did not start"
}

# start_dataplane: in the gateway namespace; waits for both links.
start_dataplane() {
  local n0
  n0=$(grep -c "ready: instance" "$T/dataplane.log" 2>/dev/null || true)
  READY_WANT=$((n0 + 1))
  # shellcheck disable=SC2086
  ip netns exec "$NG" "$B/ipsecgw-dataplane" --instance "$INST" --eal "$DP_EAL" $DP_ARGS \
    >>"$T/dataplane.log" 2>&1 &
  DP_PID=$!; PIDS+=("$DP_PID")
  wait_for 30 dp_ready || fail "dataplane not ready"
}

dp_ready() {
  kill -0 "$DP_PID" 2>/dev/null || return 1
  [ "$(grep -c "ready: instance" "$T/dataplane.log")" -ge "$READY_WANT" ] || return 1
  [ "$(ctl --json show interface | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)
print(sum(1 for i in d["interfaces"] if i.get("link_up")))')" -ge 2 ]
}

# Counter helpers (through the config service's dump).
ifc_counter() { # IFC FIELD(rx.packets|tx.packets|drops|...)
  ctl --json show interface | /usr/bin/python3 -c '
import json,sys
ifc,field=sys.argv[1],sys.argv[2]
for i in json.load(sys.stdin)["interfaces"]:
    if i["name"]==ifc:
        v=i
        for k in field.split("."): v=v.get(k,0) if isinstance(v,dict) else 0
        print(v); break
else: print(0)' "$1" "$2"
}
err_counter() { # REASON TEXT
  ctl --json show errors | /usr/bin/python3 -c '
import json,sys
for e in json.load(sys.stdin)["errors"]:
    if e["reason"]==sys.argv[1]: print(e["count"]); break
else: print(0)' "$1"
}

gw_up() { netns_setup; write_startup "${1:-}"; start_config; start_dataplane; }

# neigh_has FAMILY(ip|ip6) IP FLAG(S|D): the neighbor is listed with that kind.
neigh_has() {
  ctl --json show "$1" neighbors | /usr/bin/python3 -c '
import json,sys
ip,flag=sys.argv[1],sys.argv[2]
for n in json.load(sys.stdin).get("neighbors",[]):
    if n["ip"]==ip and n["is_static"]==(flag=="S"): sys.exit(0)
sys.exit(1)' "$2" "$3"
}
neigh_absent() { ! ctl show "$1" neighbors | awk '{print $1}' | grep -qx "$2"; }
mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
# err_reaches REASON N: the error counter is at least N (for wait_for).
err_reaches() { [ "$(err_counter "$1")" -ge "$2" ]; }

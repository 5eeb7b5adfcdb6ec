#!/usr/bin/env bash
# ipsecgw demo, for a fresh Debian 12 machine, as root:
#   installs what is missing, builds, sets up hugepages and network namespaces,
#   starts the suite in the gateway's namespace, configures the seed page's
#   IPsec example through ipsecctl, and shows it working (show commands and a
#   Prometheus scrape). Stops everything and removes its namespaces at the end
#   unless --keep is given.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0)"; exit 2; }
keep=0; [ "${1:-}" = "--keep" ] && keep=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Debian packages"
bash scripts/deps.sh
step "Hugepages"
bash scripts/hugepages.sh
step "Build"
if [ ! -x build/release/bin/ipsecgw-config ] || [ -n "$(find . -path ./build -prune -o -newer build/release/bin/ipsecgw-config \( -name '*.c' -o -name '*.h' -o -name '*.proto' -o -name CMakeLists.txt \) -print -quit)" ]; then
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/release -j"$(nproc)" 2>&1 | tail -1
fi
bin=$PWD/build/release/bin

NS=ipsecgw-demo PEER=ipsecgw-demo-peer INST=demo
export IPSECGW_RUNDIR=/run/ipsecgw-demo
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  ip netns del "$PEER" 2>/dev/null || true
  rm -rf "$IPSECGW_RUNDIR" "/dev/hugepages/ipsecgw-$INST"
}
[ $keep -eq 1 ] || trap cleanup EXIT
cleanup

step "Network namespaces: $NS (gateway) <-> $PEER (peer 192.0.2.2)"
ip netns add "$NS"; ip netns add "$PEER"
ip link add gw-wan netns "$NS" type veth peer name eth0 netns "$PEER"
ip link add gw-lan netns "$NS" type veth peer name eth1 netns "$PEER"
ip -n "$NS" link set lo up; ip -n "$NS" link set gw-wan up; ip -n "$NS" link set gw-lan up
ip -n "$PEER" link set lo up; ip -n "$PEER" link set eth0 up
ip -n "$PEER" addr add 192.0.2.2/24 dev eth0
ip -n "$NS" link show | grep -E 'gw-(wan|lan)' | sed 's/^/  /'

run() { ip netns exec "$NS" "$@"; }
wait_sock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "timeout waiting for $1" >&2; return 1; }

step "Start the suite in $NS (instance '$INST', region on /dev/hugepages)"
ip netns exec "$NS" "$bin/ipsecgw-config" --instance "$INST" --reset --startup scripts/demo/startup.cli & pids+=($!)
wait_sock "$IPSECGW_RUNDIR/$INST/config.sock"
ip netns exec "$NS" "$bin/ipsecgw-stats" --instance "$INST" --listen 127.0.0.1:9465 & pids+=($!)
ip netns exec "$NS" "$bin/ipsecgw-dataplane" --instance "$INST" & pids+=($!)
ip netns exec "$NS" "$bin/ipsecgw-ikev2" --instance "$INST" & pids+=($!)
sleep 0.5
ls -l "/dev/hugepages/ipsecgw-$INST" | sed 's/^/  /'

ctl() { echo "ipsecgw# $*"; run "$bin/ipsecctl" --instance "$INST" "$@"; }

step "Configure the seed page's IPsec example through ipsecctl"
sed 's/^/  /' scripts/demo/ipsec.cli | grep -v '^  #'
run "$bin/ipsecctl" --instance "$INST" -f scripts/demo/ipsec.cli

step "Show it"
ctl show interface
ctl show ipsec
ctl show ikev2 profile
ctl show ip neighbors
echo; echo "Keys stay hidden unless asked for with -k:"
ctl -k show ipsec sa 10

step "A rejected request: wrong key length for aes-cbc-128"
ctl ipsec sa add 30 spi 1003 esp crypto-alg aes-cbc-128 crypto-key 4a50 integ-alg sha1-96 integ-key 4339314b55523947594d6d3547666b45764e6a58 || echo "(exit code $?)"

step "Prometheus scrape of ipsecgw-stats"
echo "ipsecgw-stats: curl http://127.0.0.1:9465/metrics (in $NS), a few families:"
run curl -s http://127.0.0.1:9465/metrics | grep -E '^(# (HELP|TYPE) )?ipsecgw_(sa_packets_total|policy_packets_total|process_ready|sas|policies)\b' 

step "Crash the config service (kill -9) and restart it: the region keeps everything"
kill -9 "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
rm -f "$IPSECGW_RUNDIR/$INST/config.sock"
ip netns exec "$NS" "$bin/ipsecgw-config" --instance "$INST" --startup scripts/demo/startup.cli & pids[0]=$!
wait_sock "$IPSECGW_RUNDIR/$INST/config.sock"; sleep 0.2
ctl show ipsec spd 1
run curl -s http://127.0.0.1:9465/metrics | grep -E "^ipsecgw_process_(ready|restarts_total)"

if [ $keep -eq 1 ]; then
  step "Left running (--keep): ip netns exec $NS $bin/ipsecctl --instance $INST"
  trap - EXIT
else
  step "Done; stopping the suite and removing the namespaces"
fi

#!/usr/bin/env bash
# kill -9 the dataplane under traffic and start it again: forwarding
# resumes, configuration made at run time and learned neighbors are intact
# (read back from the region), the procs[] entry is reclaimed, DPDK's
# leftovers of the killed primary (runtime dir, hugepage files) are no
# obstacle; dpdk-proc-info attaches to the new primary.
DP_EAL="-l 0-1 --no-pci"
source "$(dirname "$0")/lib.sh"
gw_up

ctl loopback create-interface >/dev/null
ctl set interface state loop0 up
ctl set interface ip address loop0 203.0.113.1/32
ins ip addr add 203.0.113.130/32 dev lo
ctl ip route add 203.0.113.128/25 via 198.51.100.2
inc ping -c 1 -W 2 203.0.113.1 >/dev/null || fail "loopback address"
inc ping -c 1 -W 2 203.0.113.130 >/dev/null || fail "static route"
inc ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null || fail "ping6"
neigh_has ip 198.51.100.2 D || fail "no learned neighbor before the kill"
fib=$(ctl show ip fib); fib6=$(ctl show ip6 fib); nb=$(ctl show ip neighbors | sort)

log "traffic, then kill -9"
ip netns exec "$NC" ping -i 0.02 -W 1 198.51.100.2 >"$T/ping.log" 2>&1 &
PING=$!; PIDS+=("$PING")
sleep 1
kill -9 "$DP_PID"; wait "$DP_PID" 2>/dev/null || true
test -d "/var/run/dpdk/ipsecgw-$INST" || fail "expected DPDK's runtime dir left behind"
sleep 0.5
lost_from=$(grep -c "icmp_seq" "$T/ping.log" || true)

log "restart"
start_dataplane
grep -q "learned neighbors kept from the previous run" "$T/dataplane.log" || fail "learned neighbors not reloaded"
grep -q "restarts 1" "$T/dataplane.log" || fail "procs[] restart not recorded"
neigh_has ip 198.51.100.2 D || fail "learned v4 neighbor lost"
neigh_has ip6 2001:db8:2::2 D || fail "learned v6 neighbor lost"
[ "$(ctl show ip fib)" = "$fib" ] || fail "ip fib changed"
[ "$(ctl show ip6 fib)" = "$fib6" ] || fail "ip6 fib changed"
sleep 1
after=$(grep -c "icmp_seq" "$T/ping.log" || true)
[ "$after" -gt $((lost_from + 10)) ] || { tail "$T/ping.log"; fail "traffic did not resume ($lost_from -> $after)"; }
kill "$PING"
inc ping -c 1 -W 2 203.0.113.1 >/dev/null || fail "loopback address after restart"
inc ping -c 1 -W 2 203.0.113.130 >/dev/null || fail "static route after restart"
inc ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null || fail "ping6 after restart"
pi=$(ip netns exec "$NG" timeout 30 dpdk-proc-info --file-prefix "ipsecgw-$INST" --no-pci -- --stats 2>&1) ||
  { echo "$pi"; fail "dpdk-proc-info on the restarted primary"; }
grep -q "NIC statistics for port 1" <<<"$pi" || { echo "$pi"; fail "proc-info shows no port 1"; }
log "PASS (ping replies: $lost_from before the kill, $after in all)"

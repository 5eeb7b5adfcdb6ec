#!/usr/bin/env bash
# Forwarding through the gateway, IPv4 and IPv6: ping and an HTTP transfer
# client -> server; the gateway answers ping on its own addresses; counters
# move; dpdk-proc-info attaches as a secondary. Run with one worker lcore
# (the main lcore is the control thread).
DP_EAL="-l 0-1 --no-pci"
source "$(dirname "$0")/lib.sh"
gw_up

log "gateway answers ping on its addresses"
for a in 192.0.2.1 198.51.100.1; do inc ping -c 2 -i 0.2 -W 2 "$a" >/dev/null || fail "ping $a"; done
for a in 2001:db8:1::1 2001:db8:2::1; do inc ping -6 -c 2 -i 0.2 -W 2 "$a" >/dev/null || fail "ping $a"; done
out=$(inc ping -c 1 -W 2 198.51.100.1)
grep -q "ttl=64" <<<"$out" || fail "echo reply ttl: $out"

log "client -> server through the gateway"
inc ping -c 3 -i 0.2 -W 2 198.51.100.2 >/dev/null || fail "ping server v4"
inc ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 >/dev/null || fail "ping server v6"
out=$(inc ping -c 1 -W 2 198.51.100.2)
grep -q "ttl=63" <<<"$out" || fail "forwarded ttl not decremented once: $out"

log "HTTP, IPv4 and IPv6"
mkdir -p "$T/www"
head -c 300000 /dev/urandom > "$T/www/blob"
ip netns exec "$NS" /usr/bin/python3 -m http.server --bind :: --directory "$T/www" 8080 >"$T/http.log" 2>&1 &
PIDS+=($!)
wait_for 10 inc curl -s -o /dev/null --max-time 2 http://198.51.100.2:8080/ || fail "http server"
inc curl -s --max-time 20 -o "$T/got4" http://198.51.100.2:8080/blob || fail "curl v4"
inc curl -s --max-time 20 -o "$T/got6" "http://[2001:db8:2::2]:8080/blob" || fail "curl v6"
cmp -s "$T/www/blob" "$T/got4" || fail "v4 transfer differs"
cmp -s "$T/www/blob" "$T/got6" || fail "v6 transfer differs"

log "counters"
rx0=$(ifc_counter eth0 rx.packets); tx1=$(ifc_counter eth1 tx.packets)
# Lower bounds from what this test sent for sure: 16 pings into eth0 (8 to the
# gateway, 8 through it), 7 forwarded out of eth1, plus the HTTP segments
# (their count depends on offloads; test_dp_counters asserts exact counts).
[ "$rx0" -ge 16 ] && [ "$tx1" -ge 7 ] || fail "counters did not move: eth0 rx $rx0, eth1 tx $tx1"
ctl show interface

log "dpdk-proc-info attaches as a secondary"
pi=$(ip netns exec "$NG" timeout 30 dpdk-proc-info --file-prefix "ipsecgw-$INST" --no-pci -- --stats 2>&1) ||
  { echo "$pi"; fail "dpdk-proc-info"; }
grep -q "NIC statistics for port 0" <<<"$pi" || { echo "$pi"; fail "proc-info shows no port 0"; }
kill -0 "$DP_PID" || fail "dataplane died after the secondary left"
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "forwarding after proc-info"
log "PASS"

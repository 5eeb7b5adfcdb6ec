#!/usr/bin/env bash
# Pings originated by the dataplane (the dataplane.sock Ping request that
# `ipsecctl ping` sends; dp_ping is its stand-in): replies printed as VPP
# prints them, IPv4 and IPv6, to a peer and to the gateway itself, with a
# source interface and a size; statistics; loss; errors.
source "$(dirname "$0")/lib.sh"
gw_up
pg() { "$B/dp_ping" "$INST" "$@"; }
line='^64 bytes from 198\.51\.100\.2: icmp_seq=[123] ttl=64 time=[0-9]*\.[0-9]{4} ms$'

log "IPv4 to the server"
out=$(pg 198.51.100.2 repeat 3 interval 200) || { echo "$out"; fail "ping v4"; }
echo "$out"
[ "$(grep -cE "$line" <<<"$out")" -eq 3 ] || fail "reply lines"
grep -q "^Statistics: 3 sent, 3 received, 0% packet loss$" <<<"$out" || fail "statistics"

log "IPv6, own address, source interface, size"
out=$(pg 2001:db8:2::2 repeat 2 interval 200) || fail "ping v6"
[ "$(grep -cE '^64 bytes from 2001:db8:2::2: icmp_seq=[12] ttl=64 time=' <<<"$out")" -eq 2 ] || fail "v6: $out"
out=$(pg 192.0.2.1 repeat 1) || fail "ping own address"
grep -qE '^64 bytes from 192\.0\.2\.1: icmp_seq=1 ttl=64 ' <<<"$out" || fail "own: $out"
out=$(pg 192.0.2.2 source eth1 repeat 1) || fail "ping with source"
grep -q "64 bytes from 192.0.2.2" <<<"$out" || fail "source: $out"
out=$(pg 198.51.100.2 size 1000 repeat 1) || fail "ping size"
grep -q "^1008 bytes from 198.51.100.2: icmp_seq=1 " <<<"$out" || fail "size: $out"

log "ipsecctl ping"
out=$(ctl ping 198.51.100.2 repeat 2) || { echo "$out"; fail "ipsecctl ping"; }
echo "$out"
[ "$(grep -cE "$line" <<<"$out")" -eq 2 ] || fail "ipsecctl ping lines"
grep -q "^Statistics: 2 sent, 2 received, 0% packet loss$" <<<"$out" || fail "ipsecctl statistics"
out=$(ctl ping 2001:db8:1::2 source eth0 repeat 1 size 100) || fail "ipsecctl ping6 source size"
grep -q "^108 bytes from 2001:db8:1::2: icmp_seq=1 ttl=64 " <<<"$out" || fail "ipsecctl ping6: $out"
rc=0; out=$(ctl ping 203.0.113.9 2>&1) || rc=$?
[ "$rc" -eq 3 ] && grep -q "^ipsecctl: FAILED_PRECONDITION: " <<<"$out" || fail "ipsecctl no route: rc $rc $out"

log "loss and errors"
rc=0; out=$(pg 192.0.2.99 repeat 2 interval 100) || rc=$?
[ "$rc" -eq 1 ] && grep -q "Statistics: 2 sent, 0 received, 100% packet loss" <<<"$out" || fail "loss: rc $rc $out"
rc=0; out=$(pg 203.0.113.9 2>&1) || rc=$?
[ "$rc" -eq 3 ] && grep -q "FAILED_PRECONDITION" <<<"$out" || fail "no route: rc $rc $out"
rc=0; out=$(pg 198.51.100.2 source nosuch 2>&1) || rc=$?
[ "$rc" -eq 3 ] && grep -q "NOT_FOUND" <<<"$out" || fail "bad source: rc $rc $out"
log "PASS"

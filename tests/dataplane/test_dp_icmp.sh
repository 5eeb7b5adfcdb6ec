#!/usr/bin/env bash
# ICMP errors from the gateway: time exceeded (TTL / hop limit 1), net
# unreachable for an unroutable destination (dropped and counted),
# fragmentation needed / packet too big past a smaller MTU, and the rate
# limit on errors (--icmp-rate 20: a burst of 10, then 20 a second).
DP_ARGS="--icmp-rate 20"
source "$(dirname "$0")/lib.sh"
gw_up
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "baseline ping"
inc ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null || fail "baseline ping6"

log "time exceeded"
ttl0=$(err_counter "ttl expired")
out=$(inc ping -c 1 -t 1 -W 2 198.51.100.2 || true)
grep -q "From 192.0.2.1 icmp_seq=1 Time to live exceeded" <<<"$out" || fail "v4 time exceeded: $out"
out=$(inc ping -6 -c 1 -t 1 -W 2 2001:db8:2::2 || true)
grep -q "From 2001:db8:1::1 icmp_seq=1 Time exceeded: Hop limit" <<<"$out" || fail "v6 time exceeded: $out"
[ "$(err_counter "ttl expired")" -eq $((ttl0 + 2)) ] || fail "ttl expired count"

log "unroutable"
nr0=$(err_counter "no route")
out=$(inc ping -c 1 -W 2 203.0.113.5 || true)
grep -q "From 192.0.2.1 icmp_seq=1 Destination Net Unreachable" <<<"$out" || fail "v4 unreachable: $out"
out=$(inc ping -6 -c 1 -W 2 2001:db8:99::1 || true)
grep -q "From 2001:db8:1::1 icmp_seq=1 Destination unreachable: No route" <<<"$out" || fail "v6 unreachable: $out"
[ "$(err_counter "no route")" -eq $((nr0 + 2)) ] || fail "no route count"

log "MTU: frag needed / packet too big"
ctl set interface mtu 1280 eth1
sleep 0.2
mtu0=$(err_counter "mtu exceeded")
out=$(inc ping -c 1 -s 1300 -M do -W 2 198.51.100.2 || true)
grep -q "Frag needed and DF set (mtu = 1280)" <<<"$out" || fail "frag needed: $out"
out=$(inc ping -6 -c 1 -s 1300 -W 2 2001:db8:2::2 || true)
grep -q "Packet too big: mtu=1280" <<<"$out" || fail "packet too big: $out"
[ "$(err_counter "mtu exceeded")" -eq $((mtu0 + 2)) ] || fail "mtu exceeded count"
inc ping -c 1 -s 1200 -M do -W 2 198.51.100.2 >/dev/null || fail "ping below the MTU"
ctl set interface mtu 1500 eth1

log "rate limit"
sleep 1.2 # refill the bucket
ttl0=$(err_counter "ttl expired")
n=$(inc ping -c 100 -i 0.005 -t 1 -W 1 198.51.100.2 2>/dev/null | grep -c "Time to live exceeded" || true)
[ "$(err_counter "ttl expired")" -eq $((ttl0 + 100)) ] || fail "all 100 counted"
[ "$n" -ge 10 ] && [ "$n" -le 40 ] || fail "rate limit: $n errors for 100 packets in 0.5 s"
log "PASS ($n errors for 100 expired packets)"

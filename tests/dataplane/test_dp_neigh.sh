#!/usr/bin/env bash
# ARP and ND: resolution (learned entries shown by `show ip[6] neighbors`),
# aging of learned entries (--neigh-age $AGE), static entries that are never
# aged and work where the peer does not answer ARP/ND, deletion.
# The aging time is long enough that a loaded machine (CI under ASan with
# load average 12 took more than 3 s between a ping and the listing) still
# shows the entries learned before they age.
AGE=8
DP_ARGS="--neigh-age $AGE ${DP_EXTRA:-}"
source "$(dirname "$0")/lib.sh"
gw_up

log "resolution"
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "ping v4"
inc ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null || fail "ping v6"
for x in "ip 192.0.2.2" "ip 198.51.100.2" "ip6 2001:db8:1::2" "ip6 2001:db8:2::2"; do
  # shellcheck disable=SC2086
  neigh_has $x D || { ctl show ip neighbors; ctl show ip6 neighbors; fail "not learned: $x"; }
done
smac=$(mac_of "$NS" s0)
ctl show ip neighbors | grep -q "198.51.100.2 .*D *$smac *eth1" || fail "learned MAC is not the server's"

log "aging"
wait_for $((AGE + 10)) neigh_absent ip 198.51.100.2 || { ctl show ip neighbors; fail "v4 entry not aged"; }
wait_for 5 neigh_absent ip6 2001:db8:2::2 || { ctl show ip6 neighbors; fail "v6 entry not aged"; }
wait_for 5 neigh_absent ip 192.0.2.2 || fail "client entry not aged"

log "unresolved: nobody answers for 198.51.100.50"
unres0=$(err_counter "neighbor not resolved")
inc ping -c 1 -W 1 198.51.100.50 >/dev/null && fail "nobody answered?"
wait_for 10 err_reaches "neighbor not resolved" $((unres0 + 1)) ||
  { ctl show ip neighbors; ctl show errors | awk '$1'; fail "unresolved not counted"; }

log "static entries: the server stops answering ARP/ND"
gmac=$(ip netns exec "$NG" cat /sys/class/net/g1/address)
ins ip link set s0 arp off
ins ip neigh replace 198.51.100.1 lladdr "$gmac" dev s0 nud permanent
ins ip -6 neigh replace 2001:db8:2::1 lladdr "$gmac" dev s0 nud permanent
# The server may have talked ARP/ND to us since the aging check (Linux
# does that on its own): let what it taught us expire again first.
wait_for $((AGE + 10)) neigh_absent ip 198.51.100.2 || fail "v4 entry not aged after arp off"
inc ping -c 1 -W 2 198.51.100.2 >/dev/null && { ctl show ip neighbors; fail "server reachable without ARP?"; }
ctl set ip neighbor eth1 198.51.100.2 "$smac"
ctl set ip neighbor eth1 2001:db8:2::2 "$smac"
neigh_has ip 198.51.100.2 S || fail "static v4 not listed"
neigh_has ip6 2001:db8:2::2 S || fail "static v6 not listed"
inc ping -c 2 -i 0.2 -W 2 198.51.100.2 >/dev/null || fail "ping via static v4"
inc ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::2 >/dev/null || fail "ping via static v6"
sleep $((AGE + 2))  # longer than --neigh-age
neigh_has ip 198.51.100.2 S || fail "static v4 aged"
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "static v4 after the aging time"
inc ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null || fail "static v6 after the aging time"

log "static entry deleted"
ctl set ip neighbor del eth1 198.51.100.2
wait_for 5 neigh_absent ip 198.51.100.2 || fail "deleted static entry still listed"
inc ping -c 1 -W 4 198.51.100.2 >/dev/null && fail "reachable after deleting the only way"
log "PASS"

#!/usr/bin/env bash
# Two ipsecgw gateways negotiate with each other (the seed page's "VPP
# responder and VPP initiator" use case, with PSK) through their dataplanes:
# A initiates (ikev2 initiate sa-init), both create ipsec0; routed as the
# seed page shows, ping and HTTP pass from the client to the server, only
# ESP is on the WAN, counters are exact; a child rekey loses nothing; A
# rekeys the IKE SA when its lifetime (--ike-lifetime) runs out, under a
# ping stream: nothing lost, new IKE SPIs on both, the same child; A's
# delete removes the SAs, ipsec0 and its routes on both.
source "$(dirname "$0")/lib.sh"
pair_up "$SRC/tests/ipsec/ike_pair_a.cli" "$SRC/tests/ipsec/ike_pair_b.cli"
# A's IKE SA lifetime: long enough for the steps before the IKE rekey step
# (12 s idle, up to 30 s on a loaded machine), short enough not to wait long.
IKE_LIFE=50
ike_start A --ike-lifetime $IKE_LIFE --jitter 0
ike_start B

log "A initiates"
ctl A ikev2 initiate sa-init pr1 || fail "initiate"
T_UP=$SECONDS
wait_for 20 bash -c "$(declare -f ike_dump genv); B=$B T=$T IA=$IA IB=$IB; ike_dump A | grep -q 'state=installed'" ||
  { ike_dump A; fail "A: child not installed"; }
wait_for 10 bash -c "$(declare -f ctl genv); B=$B T=$T IA=$IA IB=$IB; ctl B show interface | grep -q '^ipsec0'" ||
  fail "B: no ipsec0"
ike_dump A >&2
ike_dump B >&2

log "route into ipsec0 on both (set interface unnumbered ipsec0 use wan0)"
ctl A ip route add 198.51.100.0/24 via ipsec0
ctl B ip route add 192.0.2.0/24 via ipsec0
for g in A B; do ctl $g set interface state ipsec0 up; ctl $g set interface unnumbered ipsec0 use wan0; done

wait_for 10 inc ping -c 1 -W 1 198.51.100.2 || fail "no ping through the negotiated tunnel"
ctl A clear ipsec sa; ctl B clear ipsec sa
capture "$NA" aw "$T/wan-a.pcap"
capture "$NB" bw "$T/wan-b.pcap"
N=10
inc ping -c $N -i 0.1 -W 2 198.51.100.2 >"$T/ping.txt" || fail "ping"
grep -q "$N received" "$T/ping.txt" || fail "lost pings"
sleep 0.3
capture_stop
for g in A B; do
  ids=$(ctl $g --json show ipsec sa | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(s["spec"]["sa_id"]) for s in json.load(sys.stdin)["sas"]))')
  [ "$(wc -w <<<"$ids")" -eq 2 ] || fail "gw $g: want 2 SAs, have: $ids"
  for id in $ids; do
    p=$(sa_counter $g "$id" packets); b=$(sa_counter $g "$id" bytes)
    [ "$p" -eq $N ] && [ "$b" -eq $((N * 84)) ] || fail "gw $g SA $id: $p packets $b bytes, want $N and $((N * 84))"
  done
done
# The replay window as the seed page shows it: bit i (from the left) is
# sequence number last-seq - i; nothing lost, so last-seq ones.
ctl A show ipsec tunnel interfaces | tee "$T/tun.txt"
/usr/bin/python3 - "$T/tun.txt" <<'PY' || fail "replay window display"
import re,sys
m=re.search(r"last-seq (\d+) last-seq-hi 0 .*window ([01]+)", open(sys.argv[1]).read())
last,win=int(m.group(1)),m.group(2)
assert len(win)==64 and 10 < last <= 64, (last, win)
assert win == "1"*last + "0"*(64-last), (last, win)
PY
{ tcpdump -n -r "$T/wan-a.pcap"; tcpdump -n -r "$T/wan-b.pcap"; } 2>/dev/null >"$T/wan.txt"
[ "$(grep -c "ESP(spi=" "$T/wan.txt")" -eq $((2 * N)) ] || { cat "$T/wan.txt"; fail "ESP on the WAN"; }
! grep -q "ICMP echo" "$T/wan.txt" || fail "cleartext on the WAN"

log "HTTP through the tunnel"
mkdir -p "$T/www"; head -c 200000 /dev/urandom > "$T/www/blob"
ins /usr/bin/python3 -m http.server --bind 198.51.100.2 --directory "$T/www" 8080 >"$T/http.log" 2>&1 &
PIDS+=($!)
wait_for 10 inc curl -s -o /dev/null --max-time 2 http://198.51.100.2:8080/ || fail "http"
inc curl -s --max-time 20 -o "$T/got" http://198.51.100.2:8080/blob || fail "curl"
cmp -s "$T/www/blob" "$T/got" || fail "HTTP transfer differs"

log "B rekeys the child under a ping stream"
inc ping -i 0.05 -W 2 -c 150 198.51.100.2 >"$T/ping-rekey.txt" 2>&1 &
pp=$!
sleep 1
spi=$(ike_dump B | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' | head -1)
log "rekey child $spi"
ctl B ikev2 initiate rekey-child-sa "$spi" || fail "rekey-child-sa"
wait_for 20 bash -c "$(declare -f ike_dump genv); B=$B T=$T IA=$IA IB=$IB; ! ike_dump A | grep -q spi_i=$spi" || fail "rekey"
wait $pp || true
grep -q " 0% packet loss" "$T/ping-rekey.txt" || fail "rekey lost packets: $(tail -2 "$T/ping-rekey.txt")"
log "rekey: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$T/ping-rekey.txt")"

log "A rekeys the IKE SA (its lifetime) under a ping stream"
ike_spis() { ike_dump "$1" | sed -n 's/^ike ispi=\([0-9a-f]*\) rspi=\([0-9a-f]*\) state=established.*/\1 \2/p'; }
child_of() { ike_dump "$1" | sed -n 's/^child spi_i=\([0-9a-f]*\) spi_r=\([0-9a-f]*\).*/\1\n\2/p' | sort | tr '\n' ' '; }
ike_rekeys() { env $(genv "$1") "$B/ikev2_query" "$([ "$1" = A ] && echo "$IA" || echo "$IB")" counters |
  tr ' ' '\n' | sed -n 's/^ike_rekeys=//p'; }
left=$((IKE_LIFE - (SECONDS - T_UP)))
[ "$left" -ge 3 ] || fail "the steps before took too long: the IKE rekey is due in ${left}s"
spis0=$(ike_spis A)
[ -n "$spis0" ] && [ "$spis0" = "$(ike_spis B)" ] || fail "IKE SPIs before: A '$spis0' B '$(ike_spis B)'"
child0=$(child_of A)
rk0=$(ike_rekeys A)
ctl A clear ipsec sa; ctl B clear ipsec sa
N=$(((left + 6) * 20))
inc ping -i 0.05 -W 2 -c $N 198.51.100.2 >"$T/ping-ike-rekey.txt" 2>&1 &
pp=$!
log "IKE SA $spis0: rekey due in ${left}s; $N pings at 20 pps"
wait_for $((left + 10)) bash -c "$(declare -f ike_dump genv); B=$B T=$T IA=$IA IB=$IB
  ! ike_dump A | grep -q 'ispi=${spis0% *}' && ! ike_dump B | grep -q 'ispi=${spis0% *}'" ||
  fail "A did not rekey the IKE SA"
kill -0 $pp 2>/dev/null || fail "the rekey came after the traffic had ended"
wait $pp || true
grep -q " 0% packet loss" "$T/ping-ike-rekey.txt" || fail "IKE rekey lost packets: $(tail -2 "$T/ping-ike-rekey.txt")"
log "IKE rekey: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$T/ping-ike-rekey.txt")"
grep -q "IKE SA .*(initiator): rekeying -> rekeyed" "$T/ikev2-A.log" || fail "not A's rekey"
spis1=$(ike_spis A)
[ -n "$spis1" ] && [ "$spis1" = "$(ike_spis B)" ] || fail "IKE SPIs after: A '$spis1' B '$(ike_spis B)'"
[ "${spis1% *}" != "${spis0% *}" ] && [ "${spis1#* }" != "${spis0#* }" ] || fail "IKE SPIs unchanged: $spis0 -> $spis1"
log "IKE SPIs $spis0 -> $spis1 on both"
for g in A B; do
  [ "$(ike_dump $g | grep -c '^ike')" -eq 1 ] && [ "$(ike_dump $g | grep -c '^child .*state=installed')" -eq 1 ] ||
    { ike_dump $g; fail "gw $g: not one IKE SA and one child"; }
done
[ "$(child_of A)" = "$child0" ] || fail "the child changed: $child0 -> $(child_of A)"
[ "$(ike_rekeys A)" -eq $((rk0 + 1)) ] || fail "A ike_rekeys $rk0 -> $(ike_rekeys A)"
for g in A B; do
  for id in $(ctl $g --json show ipsec sa | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(s["spec"]["sa_id"]) for s in json.load(sys.stdin)["sas"]))'); do
    p=$(sa_counter $g "$id" packets); b=$(sa_counter $g "$id" bytes)
    [ "$p" -eq $N ] && [ "$b" -eq $((N * 84)) ] || fail "gw $g SA $id: $p packets $b bytes, want $N and $((N * 84))"
  done
done

log "A deletes the IKE SA: SAs, ipsec0 and its routes go on both"
ispi=$(ike_dump A | sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p')
ctl A ikev2 initiate del-sa "$ispi" || fail "del-sa"
for g in A B; do
  wait_for 20 bash -c "$(declare -f ctl genv); B=$B T=$T IA=$IA IB=$IB; ! ctl $g show interface | grep -q '^ipsec0'" ||
    fail "gw $g: ipsec0 still there"
  # the IKE daemon deletes the tunnel, then the SAs: wait for both
  wait_for 10 bash -c "$(declare -f ctl genv); B=$B T=$T IA=$IA IB=$IB; [ \$(ctl $g show ipsec sa | grep -c spi) -eq 0 ]" ||
    fail "gw $g: SAs left"
  ! ctl $g show ip fib | grep -q "ipsec0" || fail "gw $g: routes through ipsec0 left"
done
! inc ping -c 1 -W 1 198.51.100.2 >/dev/null || fail "ping passes without the tunnel"
echo PASS

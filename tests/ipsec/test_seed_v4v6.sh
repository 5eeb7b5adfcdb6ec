#!/usr/bin/env bash
# The seed page's IPv4-over-IPv6 use case between two ipsecgw gateways, with
# its CLI lines as typed (addresses mapped, see seed_v4v6_a.cli): SPD on a
# loopback protects 192.0.2.0/24 <-> 198.51.100.0/24 with an IPv6 tunnel
# SA; the WAN's SPD takes the return ESP by its outer addresses. Ping and
# HTTP pass, only ESP (SPI 1000, IPv6 next header 50) is on the WAN, and the
# SA and policy counters equal what was sent.
source "$(dirname "$0")/lib.sh"
pair_up "$SRC/tests/ipsec/seed_v4v6_a.cli" "$SRC/tests/ipsec/seed_v4v6_b.cli"

log "first ping (neighbor discovery on the WAN)"
wait_for 10 inc ping -c 1 -W 1 198.51.100.2 || fail "no ping through the tunnel"
ctl A clear ipsec sa; ctl B clear ipsec sa; ctl A clear errors; ctl B clear errors
capture "$NA" aw "$T/wan-a.pcap"    # what B sent
capture "$NB" bw "$T/wan-b.pcap"    # what A sent

N=7
log "$N pings, 56 data bytes: 84-byte IPv4 packets"
inc ping -c $N -i 0.2 -W 2 198.51.100.2 >"$T/ping.txt" || { cat "$T/ping.txt"; fail "ping through the tunnel"; }
grep -q "$N received" "$T/ping.txt" || fail "lost pings: $(tail -2 "$T/ping.txt")"
sleep 0.5
for g in A B; do
  for sa in 10 30; do
    p=$(sa_counter $g $sa packets); b=$(sa_counter $g $sa bytes)
    [ "$p" -eq $N ] || { ctl $g show ipsec sa $sa; fail "gw $g SA $sa: $p packets, want $N"; }
    [ "$b" -eq $((N * 84)) ] || fail "gw $g SA $sa: $b bytes, want $((N * 84))"
  done
  [ "$(sa_counter $g 20 packets)" -eq 0 ] || fail "gw $g SA 20 moved"
done
ctl A show ipsec spd 1 | tee "$T/spd1.txt"
# outbound protect: N packets of 84 bytes; bypass protocol 50 untouched by our own ESP
grep -A3 "outbound" "$T/spd1.txt" >/dev/null
/usr/bin/python3 - "$T/spd1.txt" $N <<'PY' || fail "policy counters (see above)"
import re,sys
txt=open(sys.argv[1]).read(); n=int(sys.argv[2])
blocks=re.split(r'\n(?=\s*priority )', txt)
got={}
for b in blocks:
    m=re.search(r'priority (-?\d+) action (\w+).*?packets (\d+) bytes (\d+)', b, re.S)
    if m: got.setdefault((m.group(1),m.group(2)),[]).append((int(m.group(3)),int(m.group(4))))
assert (n, n*84) in got[('10','protect')], got
assert all(p==(0,0) for p in got[('100','bypass')]), got
PY
A_SPD2=$(ctl A --json show ipsec spd 2)

log "only ESP on the WAN"
capture_stop
{ tcpdump -n -r "$T/wan-a.pcap"; tcpdump -n -r "$T/wan-b.pcap"; } 2>/dev/null > "$T/wan.txt" || true
esp=$(grep -c "ESP(spi=0x000003e8" "$T/wan.txt" || true)
clear=$(grep -c "ICMP echo" "$T/wan.txt" || true)
[ "$esp" -eq $((2 * N)) ] || { cat "$T/wan.txt"; fail "ESP on the WAN: $esp packets, want $((2 * N))"; }
grep -q "2001:db8:f::1 > 2001:db8:f::2: ESP(spi=0x000003e8,seq=0x$(printf %x $((N + 1))))" "$T/wan.txt" ||
  fail "A's ESP sequence numbers (first ping had 1, so the last is $((N + 1)))"
[ "$clear" -eq 0 ] || fail "cleartext ICMP on the WAN"
grep "ESP" "$T/wan.txt" | grep -vq "2001:db8:f::" && fail "ESP not over IPv6"

log "HTTP through the tunnel"
mkdir -p "$T/www"; head -c 200000 /dev/urandom > "$T/www/blob"
ins /usr/bin/python3 -m http.server --bind 198.51.100.2 --directory "$T/www" 8080 >"$T/http.log" 2>&1 &
PIDS+=($!)
wait_for 10 inc curl -s -o /dev/null --max-time 2 http://198.51.100.2:8080/ || fail "http server"
inc curl -s --max-time 20 -o "$T/got" http://198.51.100.2:8080/blob || fail "curl"
cmp -s "$T/www/blob" "$T/got" || fail "HTTP transfer differs"

# 1500-byte segments do not fit the IPv6 tunnel on a 1500-byte WAN: the
# gateways answered with ICMP fragmentation-needed and TCP adapted.
[ "$(sa_err B 10 TOO_BIG)" -ge 1 ] || fail "gw B: no packet-too-big on SA 10"
[ "$(err_counter B "mtu exceeded")" -eq "$(sa_err B 10 TOO_BIG)" ] || fail "gw B: mtu exceeded != SA 10 TOO_BIG"

log "set crypto handler: the SAs move to OpenSSL and back, traffic goes on"
ctl A set crypto handler aes-cbc-128 openssl
ctl A set crypto handler sha1-96 openssl
wait_for 5 bash -c "$(declare -f ctl genv); B=$B T=$T IA=$IA IB=$IB; ctl A show crypto engines | grep -E '^ *aes-cbc-128 +openssl'" ||
  { ctl A show crypto engines; fail "show crypto engines: aes-cbc-128 not on openssl"; }
inc ping -c 3 -i 0.2 -W 2 198.51.100.2 >/dev/null || fail "ping after switching to OpenSSL"
ctl A set crypto handler all auto
inc ping -c 3 -i 0.2 -W 2 198.51.100.2 >/dev/null || fail "ping after switching back"

log "cleartext on the WAN: matching the protect policy -> policy mismatch; matching nothing -> no policy"
ctl A clear errors
sa30=$(sa_counter A 30 packets)
amac=$(ip netns exec "$NA" cat /sys/class/net/aw/address)
ip netns exec "$NB" /usr/bin/python3 - "$amac" 2>/dev/null <<'PY'
import sys
from scapy.all import Ether, IPv6, ICMPv6EchoRequest, UDP, sendp
m = sys.argv[1]
sendp(Ether(dst=m)/IPv6(src="2001:db8:f::2", dst="2001:db8:f::1")/ICMPv6EchoRequest(), iface="bw", count=3, verbose=0)
sendp(Ether(dst=m)/IPv6(src="2001:db8:f::99", dst="2001:db8:f::1")/UDP(sport=7, dport=9), iface="bw", count=2, verbose=0)
PY
wait_for 5 err_is A "policy mismatch" 3 || fail "cleartext matching protect: $(err_counter A "policy mismatch") policy mismatch drops, want 3"
wait_for 5 err_is A "no matching policy in the spd" 2 || fail "no policy: want 2"
[ "$(sa_counter A 30 packets)" -eq "$sa30" ] || fail "cleartext moved SA 30"
echo PASS

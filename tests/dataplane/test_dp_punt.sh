#!/usr/bin/env bash
# The IKE punt/inject channel, with dp_punt_peer standing in for the IKE
# daemon: UDP 500 and UDP 4500 with the non-ESP marker to a gateway address
# are punted (IPv4, IPv6) and the peer's answers are routed back, a large
# one fragmented; ESP and ESP-in-UDP go to the ESP hook (NO_SA for now);
# NAT-T keepalives are counted; without a listener, PUNT_NO_LISTENER.
source "$(dirname "$0")/lib.sh"
gw_up
inc ping -c 1 -W 2 192.0.2.1 >/dev/null
inc ping -6 -c 1 -W 2 2001:db8:1::1 >/dev/null

nl0=$(err_counter "ike daemon not listening")
inc /usr/bin/python3 -c '
import socket
s=socket.socket(); s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(b"nobody",("192.0.2.1",500))'
wait_for 5 err_reaches "ike daemon not listening" $((nl0 + 1)) || fail "no listener not counted"
[ "$(err_counter "ike daemon not listening")" -eq $((nl0 + 1)) ] || fail "no listener counted twice"

"$B/dp_punt_peer" "$INST" 4 20 3000 >"$T/peer.log" 2>&1 &
PEER=$!; PIDS+=("$PEER")
wait_for 5 grep -q listening "$T/peer.log" || fail "peer"

log "IKE on 500 and 4500, IPv4 and IPv6, and a fragmented answer"
pu0=$(ifc_counter eth0 punts)
inc /usr/bin/python3 - <<'PY' || fail "client exchanges"
import socket, sys
def ask(fam, addr, sport, payload, want):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("" if fam == socket.AF_INET else "::", sport))
    s.settimeout(3)
    s.sendto(payload, addr)
    got, frm = s.recvfrom(65535)
    assert got == want, (addr, got[:40], len(got))
    assert frm[1] == addr[1], frm
    s.close()
ask(socket.AF_INET, ("192.0.2.1", 500), 5000, b"hello", b"re:hello")
ask(socket.AF_INET, ("192.0.2.1", 4500), 5001, b"\0\0\0\0ike-on-4500", b"\0\0\0\0re:ike-on-4500")
ask(socket.AF_INET6, ("2001:db8:1::1", 500), 5002, b"hello6", b"re:hello6")
ask(socket.AF_INET, ("192.0.2.1", 500), 5003, b"big", b"re:big" + b"p" * 3000)
PY
wait "$PEER" || fail "peer exit"
# the four IKE requests, each punted once on eth0 (the interface dump's punts)
pu1=$(ifc_counter eth0 punts)
[ "$pu1" -eq $((pu0 + 4)) ] || fail "eth0 punts $pu0 -> $pu1, want +4"
ctl show interface | grep -Eq "^ +punt +$pu1\$" || { ctl show interface; fail "show interface lacks the punt counter"; }
grep -q "^punt eth0 192.0.2.2 5000 192.0.2.1 500 5 " "$T/peer.log" || { cat "$T/peer.log"; fail "punt metadata"; }
grep -q "^punt eth0 192.0.2.2 5001 192.0.2.1 4500 15 00000000" "$T/peer.log" || fail "4500 marker kept"
grep -q "^punt eth0 2001:db8:1::2 5002 2001:db8:1::1 500 6 " "$T/peer.log" || fail "v6 punt"

log "ESP, ESP in UDP, keepalives"
ns0=$(err_counter "no sa for spi"); ka0=$(err_counter "nat-t keepalive")
inc /usr/bin/python3 -c '
import socket
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
u.sendto(b"\x00\x00\x10\x01" + b"\x00\x00\x00\x01" + b"x"*32, ("192.0.2.1",4500))
u.sendto(b"\xff", ("192.0.2.1",4500))
r=socket.socket(socket.AF_INET,socket.SOCK_RAW,50)
r.sendto(b"\x00\x00\x10\x02" + b"\x00\x00\x00\x01" + b"x"*32, ("192.0.2.1",0))
r6=socket.socket(socket.AF_INET6,socket.SOCK_RAW,50)
r6.sendto(b"\x00\x00\x10\x03" + b"\x00\x00\x00\x01" + b"x"*32, ("2001:db8:1::1",0))'
wait_for 5 err_reaches "no sa for spi" $((ns0 + 3)) || fail "NO_SA count"
[ "$(err_counter "no sa for spi")" -eq $((ns0 + 3)) ] || fail "NO_SA counted more than once"
[ "$(err_counter "nat-t keepalive")" -eq $((ka0 + 1)) ] || fail "keepalive count"
log "PASS"

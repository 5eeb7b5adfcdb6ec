#!/usr/bin/env bash
# Responder cookies (RFC 7296 2.6) with strongSwan 5.9.8, both ways:
#   1. ipsecgw-ikev2 --cookie-threshold 0 answers strongSwan's first
#      IKE_SA_INIT with a COOKIE only and keeps nothing; strongSwan's retry
#      establishes. Counters exact.
#   2. strongSwan demands cookies (cookie_threshold = 1): ipsecgw initiates
#      (`ikev2 initiate sa-init pr1`), gets a COOKIE, sends IKE_SA_INIT again
#      with it and establishes.
#   3. `ikev2 set liveness 1 2` typed at run time takes effect at once: checks
#      every second, and the SA is cleared 2 s after strongSwan dies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/swan_conn.sh"
ik_init cookie
ik_topology
INST=ik-cookie
ik_gateway $INST "$GW" "$(dirname "$0")/gw_initiator.cli" --cookie-threshold 0
IK_CHARON_EXTRA="cookie_threshold = 1" ik_charon rw "$PEER"
SWAN_EXTRA="rekey_time = 0" swan_conn rw aes256-sha1-modp2048 aes256-sha1-ecp256

counter_at_least() { [ "$(ik_counter $INST "$1")" -ge "$2" ]; }
counter_is() { [ "$(ik_counter $INST "$1")" = "$2" ] || ik_fail "counter $1 = $(ik_counter $INST "$1"), expected $2"; }

ik_log "1. strongSwan initiates: a COOKIE first"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "swanctl --initiate"
ik_wait 20 "child up" ik_has $INST "^child .*state=installed"
ik_peer_has rw ESTABLISHED && ik_peer_has rw INSTALLED || ik_fail "strongSwan: no SAs"
"$BIN/ikev2_query" $INST counters | tee "$IK_DIR/counters1.txt" >&2
counter_is cookies_sent 1
counter_is cookies_invalid 0
counter_is half_open 0
counter_is ike_up 1
grep -q "ike_sa_init req_tx=0 req_rx=2 resp_tx=2 resp_rx=0" "$IK_DIR/counters1.txt" || ik_fail "IKE_SA_INIT counters"
grep -q "received COOKIE notify" "$IK_DIR/rw/charon.log" || ik_fail "strongSwan did not see our COOKIE"
ik_traffic_step "ping 198.51.100.1 -> 203.0.113.1" true
ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate"
ik_wait 20 "IKE SA gone" ik_has_exactly $INST "^ike" 0

ik_log "2. ipsecgw initiates; strongSwan wants a COOKIE"
# One half-open IKE SA on strongSwan (an IKE_SA_INIT from another port that
# goes no further) puts it at its threshold.
ip netns exec "$GW" /usr/bin/python3 - <<'EOP' || ik_fail "half-open IKE_SA_INIT"
import os, socket, struct
def xf(t, i, last, attr=b""):
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attr), t, 0, i) + attr
xfs = xf(1, 12, False, struct.pack("!HH", 0x800e, 256)) + xf(2, 2, False) + xf(3, 2, False) + xf(4, 14, True)
prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(xfs), 1, 1, 0, 4) + xfs
sa = struct.pack("!BBH", 34, 0, 4 + len(prop)) + prop
ke = struct.pack("!BBHHH", 40, 0, 8 + 256, 14, 0) + b"\x01" + os.urandom(255)
no = struct.pack("!BBH", 0, 0, 36) + os.urandom(32)
body = sa + ke + no
hdr = os.urandom(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", 5000))
s.settimeout(5)
s.sendto(hdr + body, ("192.0.2.2", 500))
r = s.recv(4096)
assert r[18] == 34 and r[19] & 0x20 and r[8:16] != bytes(8), "no IKE_SA_INIT answer"
EOP
ik_ctl $INST ikev2 initiate sa-init pr1 || ik_fail "ikev2 initiate sa-init pr1"
ik_wait 20 "child up" ik_has $INST "^child .*state=installed"
ik_wait 10 "strongSwan: established" ik_peer_has rw ESTABLISHED
grep -q "the responder asks for a COOKIE" "$IK_DIR/ikev2-$INST.log" || ik_fail "strongSwan sent no COOKIE"
"$BIN/ikev2_query" $INST counters | tee "$IK_DIR/counters2.txt" >&2
grep -q "ike_sa_init req_tx=2 req_rx=2 resp_tx=2 resp_rx=2" "$IK_DIR/counters2.txt" || ik_fail "IKE_SA_INIT counters"
counter_is cookies_sent 1
counter_is ike_up 2
ik_has $INST "initiator=1 .*idi=fqdn:vpp.home" || ik_fail "our IKE SA"

ik_log "3. ikev2 set liveness 1 2 (ipsecctl): strongSwan dies; our SA is cleared within seconds"
ik_ctl $INST ikev2 set liveness 1 2 || ik_fail "ipsecctl ikev2 set liveness"
! ik_ctl $INST ikev2 set liveness 1 0 2>/dev/null || ik_fail "max-failures 0 with a period accepted"
dpd=$(ik_counter $INST dpd_sent)
ik_wait 10 "liveness checks every second" counter_at_least dpd_sent $((dpd + 2))
kill -9 "${IK_CHARON[rw]}"
ik_wait 8 "SA cleared by liveness (2 unanswered checks, 1 s apart)" ik_has_exactly $INST "^ike" 0
grep -q "the peer does not answer" "$IK_DIR/ikev2-$INST.log" || ik_fail "not cleared by liveness"
[ "$(ik_counter $INST fail_TIMEOUT)" -ge 1 ] || ik_fail "timeout not counted"
ik_log "ok"

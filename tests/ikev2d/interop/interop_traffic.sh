#!/usr/bin/env bash
# The seed page's use case with traffic: strongSwan initiator (IKE
# aes256-sha1-modp2048, ESP aes192-sha1, PSK "Vpp123", FQDN identities)
# against the ipsecgw responder running its DPDK dataplane (IKE punted from
# the dataplane to the IKE daemon). After the negotiation the operator routes
# the peer's subnet into ipsec0 as the seed page shows; an HTTP GET from the
# peer's LAN reaches the server behind the gateway through the tunnel, with
# exact ESP counters; child and IKE rekeys from each side under a running
# ping lose no packet; deletes remove the SAs and ipsec0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/traffic_lib.sh"
. "$(dirname "$0")/swan_conn.sh"
ik_init traffic
trap 'tr_cleanup_dpdk ik-tr; ik_cleanup' EXIT
tr_topology
tr_gateway ik-tr "$(dirname "$0")/gw_seed.cli"
ik_charon rw "$PEER"
swan_conn rw aes256-sha1-modp2048 aes192-sha1
tr_http_server

ik_log "strongSwan initiates (IKE through the dataplane's punt channel)"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "swanctl --initiate"
ik_wait 20 "child SA installed on ipsecgw" ik_has ik-tr "^child .*state=installed"
ik_wait 10 "ipsec0 in the config" bash -c "$BIN/ipsecctl --instance ik-tr show ipsec tunnel | grep -q ipsec0"

ik_log "route the peer's subnet into ipsec0 (the seed page's second way)"
ik_ctl ik-tr ip route add 198.51.100.0/24 via ipsec0 || ik_fail "route"
ik_ctl ik-tr set interface state ipsec0 up || ik_fail "ipsec0 up"
ik_ctl ik-tr set interface unnumbered ipsec0 use wan0 || ik_fail "unnumbered"

ik_log "HTTP GET from 198.51.100.1 to 203.0.113.2 through the tunnel"
ik_wait 10 "first GET" tr_get index.html "$IK_DIR/index.got"
grep -q "hello through the tunnel" "$IK_DIR/index.got" || ik_fail "page content"
tr_get blob "$IK_DIR/blob.got" || ik_fail "GET blob"
cmp -s "$IK_DIR/www/blob" "$IK_DIR/blob.got" || ik_fail "blob differs"
ik_ctl ik-tr show ikev2 sa | tee "$IK_DIR/show-ikesa.txt" >&2
ik_ctl ik-tr show ipsec tunnel interfaces | tee "$IK_DIR/show-tun.txt" >&2
grep -q "^ipsec0" "$IK_DIR/show-tun.txt" || ik_fail "show ipsec tunnel interfaces"
seq_out=$(sed -n 's/^ *seq \([0-9]*\) seq-hi.*/\1/p' "$IK_DIR/show-tun.txt" | head -1)
[ "${seq_out:-0}" -gt 100 ] || ik_fail "outbound sequence number $seq_out after a 300 KB transfer"

ik_log "exact counters: 20 pings, 84-byte packets"
ik_ctl ik-tr clear ipsec sa
ip netns exec "$PEER" ping -c 20 -i 0.05 -W 2 -I 198.51.100.1 203.0.113.2 >"$IK_DIR/ping.txt" || ik_fail "ping"
grep -q " 0% packet loss" "$IK_DIR/ping.txt" || ik_fail "ping loss: $(tail -2 "$IK_DIR/ping.txt")"
ids=$(ik_ctl ik-tr --json show ipsec sa | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(s["spec"]["sa_id"]) for s in json.load(sys.stdin)["sas"]))')
[ "$(wc -w <<<"$ids")" = 2 ] || ik_fail "want 2 SAs, have: $ids"
for id in $(ik_ctl ik-tr --json show ipsec sa | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(s["spec"]["sa_id"]) for s in json.load(sys.stdin)["sas"]))'); do
	p=$(ik_ctl ik-tr --json show ipsec sa "$id" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sas"][0]["counter"]["packets"])')
	b=$(ik_ctl ik-tr --json show ipsec sa "$id" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sas"][0]["counter"]["bytes"])')
	[ "$p" = 20 ] && [ "$b" = $((20 * 84)) ] || ik_fail "SA $id: $p packets $b bytes, want 20 and 1680"
done

# ping_during NAME CMD...: a 0.05 s ping stream while CMD runs; no loss allowed.
ping_during() {
	local what=$1
	shift
	# a count, not a signal (`ip netns exec` does not pass SIGINT on) nor a
	# deadline (the last reply may still be on its way when it passes)
	ip netns exec "$PEER" ping -i 0.05 -W 2 -c 150 -I 198.51.100.1 203.0.113.2 >"$IK_DIR/ping-$what.txt" 2>&1 &
	local pp=$!
	sleep 1
	"$@"
	wait $pp
	grep -q " 0% packet loss" "$IK_DIR/ping-$what.txt" || ik_fail "$what lost packets: $(tail -2 "$IK_DIR/ping-$what.txt")"
	ik_log "$what: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$IK_DIR/ping-$what.txt")"
}

child_spi() { ik_sas ik-tr | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' | head -1; }
rekey_peer_child() {
	local spi
	spi=$(child_spi)
	ik_swanctl rw --rekey --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey child"
	ik_wait 20 "child rekeyed" bash -c "! $BIN/ikev2_query ik-tr dump | grep -q spi_i=$spi"
}
rekey_our_child() {
	local spi
	spi=$(child_spi)
	ik_ctl ik-tr ikev2 initiate rekey-child-sa "$spi" || ik_fail "rekey-child-sa"
	ik_wait 20 "our rekey done" bash -c "! $BIN/ikev2_query ik-tr dump | grep -q spi_i=$spi"
}
rekey_peer_ike() {
	ik_swanctl rw --rekey --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey IKE"
	ik_wait 20 "IKE rekeyed" bash -c "[ \$($BIN/ikev2_query ik-tr dump | grep -c '^ike') = 1 ]"
}
ik_log "rekeys under traffic"
ping_during child-rekey-by-peer rekey_peer_child
ping_during child-rekey-by-us rekey_our_child
ping_during ike-rekey-by-peer rekey_peer_ike
tr_get index.html "$IK_DIR/index2.got" || ik_fail "GET after the rekeys"

ik_log "strongSwan deletes: SAs and ipsec0 go"
ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-tr "^ike" 0
ik_wait 10 "SAs gone" bash -c "[ \$($BIN/ipsecctl --instance ik-tr show ipsec sa | grep -c spi) = 0 ]"
! ik_ctl ik-tr show interface | grep -q "^ipsec0" || ik_fail "ipsec0 still there"
ik_log "ok"

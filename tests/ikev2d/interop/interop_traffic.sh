#!/usr/bin/env bash
# The seed page's use case with traffic: strongSwan initiator (IKE
# aes256-sha1-modp2048, ESP aes192-sha1, PSK "Vpp123", FQDN identities)
# against the ipsecgw responder running its DPDK dataplane (IKE punted from
# the dataplane to the IKE daemon). After the negotiation the operator routes
# the peer's subnet into ipsec0 as the seed page shows; an HTTP GET from the
# peer's LAN reaches the server behind the gateway through the tunnel, with
# exact ESP counters; child and IKE rekeys from each side under a running
# ping lose no packet; deletes remove the SAs and ipsec0. Then ipsecgw
# rekeys the IKE SA by its lifetime timer under a 20 pps ping, as the IKE
# SA's responder and as its initiator: nothing lost, new IKE SPIs on both
# ends, the child SA kept with exact counters.
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

# ---- ipsecgw rekeys the IKE SA (its lifetime timer) under traffic -----------------
# Once as the IKE SA's responder (strongSwan initiated), once as its
# initiator (`ikev2 initiate sa-init`). A 20 pps ping runs from before the
# rekey until well after it: nothing may be lost, both ends' IKE SPIs change
# (ipsecctl show ikev2 sa, swanctl --list-sas), the child SA is the same one
# before and after (SPIs and SAD ids) and its ESP counters are exact.
IKE_LIFE=30
tr_ikev2_restart ik-tr --ike-lifetime $IKE_LIFE --jitter 0

# The IKE SA's SPIs as "ispi rspi": ours (ipsecctl) and strongSwan's.
gw_ike_spis() { ik_ctl ik-tr show ikev2 sa | sed -n 's/.* ispi \([0-9a-f]*\) rip .* rspi \([0-9a-f]*\)$/\1 \2/p'; }
swan_ike_spis() {
	ik_swanctl rw --list-sas 2>/dev/null |
		sed -n 's/.*ESTABLISHED, IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\1 \2/p'
}
swan_child_spis() { ik_swanctl rw --list-sas 2>/dev/null | sed -n 's/^ *\(in\|out\) *\([0-9a-f]\{8\}\)[ ,].*/\1 \2/p' | tr '\n' ' '; }
sa_ids() { ik_ctl ik-tr --json show ipsec sa | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(str(s["spec"]["sa_id"]) for s in json.load(sys.stdin)["sas"])))'; }
# Our child's two SPIs, sorted (spi_i/spi_r follow the IKE SA's roles, which
# an IKE rekey by the responder swaps).
child_spis() { ik_sas ik-tr | sed -n 's/^child spi_i=\([0-9a-f]*\) spi_r=\([0-9a-f]*\).*/\1\n\2/p' | sort | tr '\n' ' '; }
n_rekeyed() { grep -c "IKE SA .*rekeying -> rekeyed" "$IK_DIR/ikev2-ik-tr.log"; }
# For ik_wait, which runs a command again and again (so no "$(...)" in its arguments):
rekeyed_since() { [ "$(n_rekeyed)" -gt "$1" ]; }
have_ike_spis() { [ -n "$(gw_ike_spis)" ] && [ -n "$(swan_ike_spis)" ]; }

# tunnel_route: the peer's subnet into the (only) tunnel, as above.
tunnel_route() {
	local tun
	tun=$(ik_ctl ik-tr show ipsec tunnel | grep -o 'ipsec[0-9]*' | head -1)
	[ -n "$tun" ] || ik_fail "no tunnel"
	ik_ctl ik-tr ip route add 198.51.100.0/24 via "$tun" || ik_fail "route via $tun"
	ik_ctl ik-tr set interface state "$tun" up || ik_fail "$tun up"
	ik_ctl ik-tr set interface unnumbered "$tun" use wan0 || ik_fail "unnumbered $tun"
}

# ike_rekey_by_us ROLE: ipsecgw (the IKE SA's ROLE) rekeys it when its
# lifetime runs out, under a 20 pps ping started before.
ike_rekey_by_us() {
	local role=$1 n=$(((IKE_LIFE + 8) * 20)) pp gw0 sw0 gw1 sw1 child0 child1 ids0 ids1 rk0 c0 c1 k
	ik_wait 10 "IKE SA on both ends" have_ike_spis
	gw0=$(gw_ike_spis) sw0=$(swan_ike_spis)
	[ "$gw0" = "$sw0" ] || ik_fail "SPIs differ before the rekey: ipsecgw $gw0, strongSwan $sw0"
	child0=$(child_spis)
	ids0=$(sa_ids)
	[ "$(wc -w <<<"$ids0")" = 2 ] || ik_fail "want 2 SAs, have: $ids0"
	rk0=$(n_rekeyed)
	c0=$(ik_counter ik-tr ike_rekeys)
	k=$(ik_counter ik-tr child_rekeys)
	ik_ctl ik-tr clear ipsec sa
	ik_log "$role: IKE SA $gw0, rekey due in about ${IKE_LIFE}s; $n pings at 20 pps"
	ip netns exec "$PEER" ping -i 0.05 -W 2 -c $n -I 198.51.100.1 203.0.113.2 >"$IK_DIR/ping-ike-rekey-$role.txt" 2>&1 &
	pp=$!
	ik_wait $((IKE_LIFE + 10)) "ipsecgw rekeys the IKE SA" rekeyed_since "$rk0"
	kill -0 $pp 2>/dev/null || ik_fail "the rekey came after the traffic had ended"
	grep "IKE SA .*rekeying -> rekeyed" "$IK_DIR/ikev2-ik-tr.log" | tail -1 | grep -q "($role)" ||
		ik_fail "not the $role's rekey: $(grep 'IKE SA .*rekeying -> rekeyed' "$IK_DIR/ikev2-ik-tr.log" | tail -1)"
	wait $pp
	grep -q " 0% packet loss" "$IK_DIR/ping-ike-rekey-$role.txt" ||
		ik_fail "IKE rekey by ipsecgw ($role) lost packets: $(tail -2 "$IK_DIR/ping-ike-rekey-$role.txt")"
	ik_log "IKE rekey by ipsecgw ($role): $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$IK_DIR/ping-ike-rekey-$role.txt")"
	# both ends: one IKE SA, new SPIs, the same on both ends; we initiated it
	ik_wait 10 "ipsecgw: one IKE SA" ik_has_exactly ik-tr "^ike .*state=established" 1
	ik_has_exactly ik-tr "^ike" 1 || ik_fail "ipsecgw: old IKE SA left"
	ik_has ik-tr "^ike .*state=established initiator=1" || ik_fail "the new IKE SA is not ours"
	ik_wait 10 "strongSwan: one IKE SA" ik_peer_count_is rw ESTABLISHED 1
	gw1=$(gw_ike_spis) sw1=$(swan_ike_spis)
	[ "$gw1" = "$sw1" ] || ik_fail "SPIs differ after the rekey: ipsecgw $gw1, strongSwan $sw1"
	[ "${gw1% *}" != "${gw0% *}" ] && [ "${gw1#* }" != "${gw0#* }" ] || ik_fail "IKE SPIs unchanged: $gw0 -> $gw1"
	ik_log "IKE SPIs $gw0 -> $gw1 on both ends"
	# the child survived: same SPIs and SAD ids, installed on both ends
	ik_has_exactly ik-tr "^child .*state=installed" 1 || ik_fail "child SAs after the IKE rekey"
	child1=$(child_spis)
	[ "$child1" = "$child0" ] || ik_fail "child changed: $child0 -> $child1"
	ids1=$(sa_ids)
	[ "$ids1" = "$ids0" ] || ik_fail "SAD ids changed: $ids0 -> $ids1"
	[ "$(ik_peer_count rw INSTALLED)" = 1 ] || ik_fail "strongSwan: child SAs $(ik_peer_count rw INSTALLED)"
	grep -q "${child0%% *}" <<<"$(swan_child_spis)" ||
		ik_fail "strongSwan's child is another one: $(swan_child_spis) vs $child0"
	# counters: every ping went through the one child, each way; one IKE rekey, no child rekey
	for id in $ids1; do
		p=$(ik_ctl ik-tr --json show ipsec sa "$id" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sas"][0]["counter"]["packets"])')
		b=$(ik_ctl ik-tr --json show ipsec sa "$id" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sas"][0]["counter"]["bytes"])')
		[ "$p" = $n ] && [ "$b" = $((n * 84)) ] || ik_fail "SA $id: $p packets $b bytes, want $n and $((n * 84))"
	done
	c1=$(ik_counter ik-tr ike_rekeys)
	[ "$c1" -eq $((c0 + 1)) ] || ik_fail "ike_rekeys $c0 -> $c1"
	[ "$(ik_counter ik-tr child_rekeys)" = "$k" ] || ik_fail "a child rekey happened"
	[ "$(ik_counter ik-tr ike_sas)" = 1 ] && [ "$(ik_counter ik-tr child_sas)" = 1 ] ||
		ik_fail "gauges: ike_sas=$(ik_counter ik-tr ike_sas) child_sas=$(ik_counter ik-tr child_sas)"
	tr_get index.html "$IK_DIR/index-$role.got" || ik_fail "GET after the IKE rekey ($role)"
}

ik_log "strongSwan initiates again; ipsecgw (responder) rekeys the IKE SA under traffic"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "swanctl --initiate"
ik_wait 20 "child SA installed on ipsecgw" ik_has ik-tr "^child .*state=installed"
tunnel_route
ike_rekey_by_us responder
ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-tr "^ike" 0
ik_wait 10 "SAs gone" bash -c "[ \$($BIN/ipsecctl --instance ik-tr show ipsec sa | grep -c spi) = 0 ]"

ik_log "ipsecgw initiates (ikev2 initiate sa-init pr1) and rekeys the IKE SA under traffic"
ik_ctl ik-tr ikev2 profile set pr1 responder wan0 192.0.2.2 || ik_fail "profile responder"
ik_ctl ik-tr ikev2 profile set pr1 ike-crypto-alg aes-cbc 256 ike-integ-alg sha1-96 ike-dh modp-2048 ||
	ik_fail "profile ike transforms"
ik_ctl ik-tr ikev2 profile set pr1 esp-crypto-alg aes-cbc 192 esp-integ-alg sha1-96 || ik_fail "profile esp transforms"
ik_ctl ik-tr ikev2 initiate sa-init pr1 || ik_fail "ikev2 initiate sa-init"
ik_wait 20 "child SA installed on ipsecgw" ik_has ik-tr "^child .*state=installed"
ik_has ik-tr "^ike .*initiator=1" || ik_fail "not our IKE SA"
tunnel_route
ike_rekey_by_us initiator
ispi=$(gw_ike_spis)
ik_ctl ik-tr ikev2 initiate del-sa "${ispi% *}" || ik_fail "del-sa"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-tr "^ike" 0
ik_wait 10 "strongSwan: gone" ik_peer_count_is rw ESTABLISHED 0
ik_wait 10 "SAs gone" bash -c "[ \$($BIN/ipsecctl --instance ik-tr show ipsec sa | grep -c spi) = 0 ]"
ik_log "ok"

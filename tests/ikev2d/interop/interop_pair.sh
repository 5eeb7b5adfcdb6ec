#!/usr/bin/env bash
# Two ipsecgw instances, each in its own namespace, negotiate with each
# other (PSK from hex, AES-GCM for IKE and ESP, PFS): b initiates, both
# install the child; rekeys from each side, a liveness check, then a kill -9
# of a's IKE daemon: the new process continues the SAs from the region
# (same SPIs, nothing reinstalled) and answers b's rekey; b deletes.
. "$(dirname "$0")/lib.sh"
ik_init pair
ik_topology
ik_gateway ik-pa "$GW" "$(dirname "$0")/gw_pair_a.cli"
ik_gateway ik-pb "$PEER" "$(dirname "$0")/gw_pair_b.cli" --liveness 2

ik_log "b initiates towards a"
ik_ctl ik-pb ikev2 initiate sa-init pr1 || ik_fail "initiate"
ik_wait 20 "a: child up" ik_has ik-pa "^child .*state=installed"
ik_wait 10 "b: child up" ik_has ik-pb "^child .*state=installed"
ik_sas ik-pa >"$IK_DIR/a.txt"
ik_sas ik-pb >"$IK_DIR/b.txt"
cat "$IK_DIR/a.txt" "$IK_DIR/b.txt" >&2
grep -q "encr=aes-gcm-16-256 .*dh=ecp-384" "$IK_DIR/a.txt" || ik_fail "IKE transforms"
grep -q "encr=aes-gcm-16-128 integ=none" "$IK_DIR/a.txt" || ik_fail "ESP transforms"
# Same SPIs on both ends, and the keys agree (compared with -k).
cmp <(sed -n 's/^\(ike ispi=[0-9a-f]* rspi=[0-9a-f]*\).*/\1/p' "$IK_DIR/a.txt") \
	<(sed -n 's/^\(ike ispi=[0-9a-f]* rspi=[0-9a-f]*\).*/\1/p' "$IK_DIR/b.txt") || ik_fail "IKE SPIs"
cmp <(ik_sas ik-pa -k | grep -o "sk_d=[0-9a-f]*") <(ik_sas ik-pb -k | grep -o "sk_d=[0-9a-f]*") || ik_fail "SK_d"
cmp <(ik_sas ik-pa -k | grep "^child" | grep -o "sk_ei=[0-9a-f]*") \
	<(ik_sas ik-pb -k | grep "^child" | grep -o "sk_ei=[0-9a-f]*") || ik_fail "child keys"
ik_traffic_step "ping between the LANs" true

ik_log "rekeys from each side"
spi=$(sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' "$IK_DIR/a.txt")
ik_ctl ik-pa ikev2 initiate rekey-child-sa "$spi" || ik_fail "a rekeys"
ik_wait 20 "a rekeyed" bash -c "! $BIN/ikev2_query ik-pb dump | grep -q spi_i=$spi"
spi=$(ik_sas ik-pb | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p')
ik_ctl ik-pb ikev2 initiate rekey-child-sa "$spi" || ik_fail "b rekeys"
ik_wait 20 "b rekeyed" bash -c "! $BIN/ikev2_query ik-pa dump | grep -q spi_i=$spi"
ik_wait 10 "one child each" bash -c "[ \$($BIN/ikev2_query ik-pa dump | grep -c ^child) = 1 ] && \
	[ \$($BIN/ikev2_query ik-pb dump | grep -c ^child) = 1 ]"
ik_wait 10 "liveness checks" bash -c "$BIN/ikev2_query ik-pb counters | grep -q 'informational req_tx=[1-9]'"

ik_log "kill -9 of a's IKE daemon; a new one continues"
ik_sas ik-pa | grep -o "^ike ispi=[0-9a-f]* rspi=[0-9a-f]*\|^child spi_i=[0-9a-f]* spi_r=[0-9a-f]*" >"$IK_DIR/before.txt"
ik_config_sas ik-pa >"$IK_DIR/cfg-before.txt"
ik_restart_ikev2 ik-pa "$GW" KILL
ik_sas ik-pa | grep -o "^ike ispi=[0-9a-f]* rspi=[0-9a-f]*\|^child spi_i=[0-9a-f]* spi_r=[0-9a-f]*" >"$IK_DIR/after.txt"
cmp "$IK_DIR/before.txt" "$IK_DIR/after.txt" || ik_fail "not the same SAs after the restart"
ik_config_sas ik-pa | cmp - "$IK_DIR/cfg-before.txt" || ik_fail "the SAD changed"
grep -q "continuing 1 IKE SAs" "$IK_DIR/ikev2-ik-pa.log" || ik_fail "no restore logged"
spi=$(ik_sas ik-pb | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p')
ik_ctl ik-pb ikev2 initiate rekey-child-sa "$spi" || ik_fail "b rekeys after the restart"
ik_wait 20 "rekeyed after the restart" bash -c "! $BIN/ikev2_query ik-pa dump | grep -q spi_i=$spi"
ik_wait 10 "a: one child" ik_has_exactly ik-pa "^child .*state=installed" 1
sleep 5 # liveness checks from b keep going through the new process
ik_has_exactly ik-pb "^ike .*state=established" 1 || ik_fail "b lost the IKE SA"

ik_log "b deletes"
ispi=$(ik_sas ik-pb | sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p')
ik_ctl ik-pb ikev2 initiate del-sa "$ispi" || ik_fail "del-sa"
ik_wait 20 "a: gone" ik_has_exactly ik-pa "^ike" 0
ik_wait 10 "b: gone" ik_has_exactly ik-pb "^ike" 0
[ "$(ik_config_sas ik-pa | grep -c spi)" = 0 ] && [ "$(ik_config_sas ik-pb | grep -c spi)" = 0 ] ||
	ik_fail "SAs left in a config service"
ik_log "ok"

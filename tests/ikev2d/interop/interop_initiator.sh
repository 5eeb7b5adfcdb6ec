#!/usr/bin/env bash
# ipsecgw as the initiator (`ikev2 initiate sa-init pr1`, the seed's VPP
# initiator profile: responder, ike-/esp- transforms with esp-dh, sa-lifetime)
# against a strongSwan responder. Then rekeys from each side while the SAs
# are in use (child with PFS, IKE SA by our lifetime timer and by strongSwan)
# and deletes from each side.
. "$(dirname "$0")/lib.sh"
ik_init init
ik_topology
ik_gateway ik-init "$GW" "$(dirname "$0")/gw_initiator.cli" --ike-lifetime 15 --jitter 0
ik_charon rw "$PEER"
ik_swanctl_conf rw <<EOC
connections {
	vpp {
		version = 2
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = aes256-sha1-modp2048
		encap = yes
		dpd_delay = 0
		rekey_time = 0
		local {
			auth = psk
			id = roadwarrior.vpn.example.com
		}
		remote {
			auth = psk
			id = vpp.home
		}
		children {
			vpp {
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes256-sha1-ecp256
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-1 {
		secret = "Vpp123"
	}
}
EOC

ik_log "ipsecgw initiates (ikev2 initiate sa-init pr1)"
ik_ctl ik-init ikev2 initiate sa-init pr1 || ik_fail "ipsecctl initiate"
ik_wait 20 "child up" ik_has ik-init "^child .*state=installed"
ik_sas ik-init | tee "$IK_DIR/sas.txt" >&2
grep -q "initiator=1 .*encr=aes-cbc-256 prf=hmac-sha1 integ=sha1-96 dh=modp-2048 idi=fqdn:vpp.home idr=fqdn:roadwarrior" \
	"$IK_DIR/sas.txt" || ik_fail "our IKE SA"
grep -q "encr=aes-cbc-256 integ=sha1-96 .*tunnel=ipsec0" "$IK_DIR/sas.txt" || ik_fail "our child SA"
ik_peer_has rw ESTABLISHED && ik_peer_has rw INSTALLED || ik_fail "strongSwan: no SAs"
ik_traffic_step "ping 203.0.113.1 -> 198.51.100.1" true
ispi=$(sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p' "$IK_DIR/sas.txt")

ik_log "ipsecgw rekeys the child SA with PFS"
spi=$(sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' "$IK_DIR/sas.txt")
ik_ctl ik-init ikev2 initiate rekey-child-sa "$spi" || ik_fail "rekey-child-sa"
ik_wait 20 "rekeyed" bash -c "$BIN/ikev2_query ik-init dump | grep -q 'child .*pfs=ecp-256' && \
	! $BIN/ikev2_query ik-init dump | grep -q spi_i=$spi"
ik_wait 10 "strongSwan: one child" ik_peer_count_is rw INSTALLED 1

ik_log "ipsecgw rekeys the IKE SA (its lifetime timer)"
ik_wait 30 "IKE SA rekeyed by us" bash -c "! $BIN/ikev2_query ik-init dump | grep -q ispi=$ispi"
ik_wait 10 "one IKE SA" ik_has_exactly ik-init "^ike .*state=established" 1
ik_has_exactly ik-init "^child .*state=installed" 1 || ik_fail "the child did not move over"
ik_wait 10 "strongSwan: one IKE SA" ik_peer_count_is rw ESTABLISHED 1
grep -q "IKE SA .*(initiator): rekeying -> rekeyed" "$IK_DIR/ikev2-ik-init.log" || ik_fail "not our rekey"

ik_log "strongSwan rekeys the child SA (PFS), then the IKE SA"
spi=$(ik_sas ik-init | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p')
ik_swanctl rw --rekey --child vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey child"
ik_wait 20 "child rekeyed" bash -c "! $BIN/ikev2_query ik-init dump | grep -q spi_i=$spi"
ik_wait 10 "one child" ik_has_exactly ik-init "^child" 1
ispi=$(ik_sas ik-init | sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p')
ik_swanctl rw --rekey --ike vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey IKE"
ik_wait 20 "IKE rekeyed by strongSwan" bash -c "$BIN/ikev2_query ik-init dump | grep -q 'initiator=0'"
ik_wait 10 "one IKE SA" ik_has_exactly ik-init "^ike" 1
ik_has_exactly ik-init "^child .*state=installed" 1 || ik_fail "child after the IKE rekey"

ik_log "strongSwan deletes the child SA, ipsecgw deletes the IKE SA"
ik_swanctl rw --terminate --child vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate child"
ik_wait 20 "child gone" ik_has_exactly ik-init "^child" 0
[ "$(ik_config_sas ik-init | grep -c spi)" = 0 ] || ik_fail "config still has SAs"
ispi=$(ik_sas ik-init | sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p')
ik_ctl ik-init ikev2 initiate del-sa "$ispi" || ik_fail "del-sa"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-init "^ike" 0
ik_wait 10 "strongSwan: gone" ik_peer_count_is rw ESTABLISHED 0
ik_log "ok"

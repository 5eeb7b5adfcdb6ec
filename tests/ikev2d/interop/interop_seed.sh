#!/usr/bin/env bash
# The seed page's use case: strongSwan 5.9.8 initiator (IKE aes256-sha1-modp2048,
# ESP aes192-sha1, PSK "Vpp123", FQDN identities) against the ipsecgw
# responder. Both ends list the IKE SA and the child SA; the config service
# holds the two SAs and the protected ipsecN the IKE daemon installed.
# Then rekeys and deletes from each side.
. "$(dirname "$0")/lib.sh"
ik_init seed
ik_topology
ik_gateway ik-seed "$GW" "$(dirname "$0")/gw_seed.cli"
ik_charon rw "$PEER"
ik_swanctl_conf rw <<EOC
connections {
	net-net {
		version = 2
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = aes256-sha1-modp2048
		encap = yes
		dpd_delay = 0
		local {
			auth = psk
			id = roadwarrior.vpn.example.com
		}
		remote {
			auth = psk
			id = vpp.home
		}
		children {
			net-net {
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes192-sha1
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

ik_log "strongSwan initiates"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "swanctl --initiate"
ik_wait 20 "IKE SA established on ipsecgw" ik_has ik-seed "state=established"
ik_swanctl rw --list-sas 2>/dev/null | tee "$IK_DIR/rw-sas.txt" >&2
ik_peer_has rw ESTABLISHED || ik_fail "strongSwan: no ESTABLISHED IKE SA"
ik_peer_has rw INSTALLED || ik_fail "strongSwan: no INSTALLED child SA"
ik_peer_has rw "AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048" || ik_fail "strongSwan: IKE proposal"
ik_peer_has rw "ESP:AES_CBC-192/HMAC_SHA1_96" || ik_fail "strongSwan: ESP proposal"
ik_sas ik-seed | tee "$IK_DIR/sas.txt" >&2
grep -q "encr=aes-cbc-256 prf=hmac-sha1 integ=sha1-96 dh=modp-2048 idi=fqdn:roadwarrior.vpn.example.com idr=fqdn:vpp.home" \
	"$IK_DIR/sas.txt" || ik_fail "our IKE SA"
grep -q "child .*state=installed encr=aes-cbc-192 integ=sha1-96 .*tunnel=ipsec0 .*udp_encap=1 ts_i=198.51.100.0-198.51.100.255" \
	"$IK_DIR/sas.txt" || ik_fail "our child SA"
# The SPIs agree: strongSwan's inbound is our outbound and back.
spi_i=$(sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' "$IK_DIR/sas.txt" | head -1)
spi_r=$(sed -n 's/.*child .*spi_r=\([0-9a-f]*\).*/\1/p' "$IK_DIR/sas.txt" | head -1)
ik_peer_has rw "in  $spi_i" && ik_peer_has rw "out $spi_r" || ik_fail "SPIs differ: ours $spi_i/$spi_r"
# The config service holds what an operator would have typed.
# The operator's view: show ikev2 sa in the seed page's layout, secrets only with -k.
ik_ctl ik-seed show ikev2 sa | tee "$IK_DIR/show-ikesa.txt" >&2
grep -q "^ iip [0-9.]* ispi [0-9a-f]\{16\} rip [0-9.]* rspi [0-9a-f]\{16\}$" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: header"
grep -q "encr:aes-cbc-256 prf:hmac-sha1 integ:sha1-96 dh-group:modp-2048" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: IKE transforms"
grep -q "identifier (i) fqdn roadwarrior.vpn.example.com" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: id i"
grep -q "identifier (r) fqdn vpp.home" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: id r"
grep -q "encr:aes-cbc-192 integ:sha1-96" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: child transforms"
grep -q "spi(i) $(printf %08x 0x$spi_i) spi(r) $(printf %08x 0x$spi_r)" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: child SPIs"
grep -q "traffic selectors (i): 0 type 7 protocol_id 0 addr 198.51.100.0 - 198.51.100.255 port 0 - 65535" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: TSi"
! grep -q "SK_\|nonce" "$IK_DIR/show-ikesa.txt" || ik_fail "show ikev2 sa: secrets without -k"
ik_ctl ik-seed -k show ikev2 sa | grep -q "SK_d [0-9a-f]\{40\} SK_a i:" || ik_fail "show ikev2 sa -k: keys"
ik_ctl ik-seed show ikev2 sa details | grep -q "state established profile pr1 role responder" || ik_fail "show ikev2 sa details"
ik_ctl ik-seed --json show ikev2 sa | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==1 and "sk_d" not in d[0] and d[0]["children"][0]["spi_i"], d' || ik_fail "show ikev2 sa --json"
ik_config_sas ik-seed | tee "$IK_DIR/config-sas.txt" >&2
ik_config_tunnels ik-seed | tee "$IK_DIR/config-tun.txt" >&2
[ "$(grep -c "spi" "$IK_DIR/config-sas.txt")" -ge 2 ] || ik_fail "config: two SAs"
grep -q "ipsec0" "$IK_DIR/config-tun.txt" || ik_fail "config: tunnel ipsec0"
ik_traffic_step "HTTP GET 198.51.100.1 -> 203.0.113.1" \
	ip netns exec "$PEER" curl -s --max-time 5 --interface 198.51.100.1 http://203.0.113.1/

ik_log "strongSwan rekeys the child SA, then the IKE SA"
ik_swanctl rw --rekey --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey child"
ik_wait 20 "child rekeyed (ours)" bash -c "! $BIN/ikev2_query ik-seed dump | grep -q spi_i=$spi_i"
ik_wait 10 "one child left" ik_has_exactly ik-seed "^child" 1
ik_swanctl rw --rekey --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "rekey IKE"
ik_wait 20 "IKE rekeyed" bash -c "$BIN/ikev2_query ik-seed dump | grep -q 'initiator=0' && \
	[ \$($BIN/ikev2_query ik-seed dump | grep -c '^ike') = 1 ]"
ik_wait 10 "strongSwan: one IKE SA" ik_peer_count_is rw ESTABLISHED 1
ik_has_exactly ik-seed "^child .*state=installed" 1 || ik_fail "child after the IKE rekey"

ik_log "ipsecgw rekeys the child SA (ikev2 initiate rekey-child-sa), then deletes it"
spi=$(ik_sas ik-seed | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' | head -1)
ik_ctl ik-seed ikev2 initiate rekey-child-sa "$spi" || ik_fail "ipsecctl rekey-child-sa"
ik_wait 20 "our rekey done" bash -c "! $BIN/ikev2_query ik-seed dump | grep -q spi_i=$spi"
ik_wait 10 "strongSwan sees one child" ik_peer_count_is rw INSTALLED 1
spi=$(ik_sas ik-seed | sed -n 's/.*child spi_i=\([0-9a-f]*\).*/\1/p' | head -1)
ik_peer_has rw "in  $spi" || ik_fail "strongSwan has not our new child"
ik_ctl ik-seed ikev2 initiate del-child-sa "$spi" || ik_fail "ipsecctl del-child-sa"
ik_wait 20 "child deleted" ik_has_exactly ik-seed "^child" 0
ik_wait 10 "strongSwan: child gone" ik_peer_count_is rw INSTALLED 0
[ "$(ik_config_sas ik-seed | grep -c spi)" = 0 ] || ik_fail "config still has SAs"
! ik_config_tunnels ik-seed | grep -q ipsec0 || ik_fail "config still has ipsec0"

ik_log "strongSwan deletes the IKE SA"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "initiate again"
ik_wait 20 "up again" ik_has ik-seed "^child .*state=installed"
ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-seed "^ike" 0
[ "$(ik_config_sas ik-seed | grep -c spi)" = 0 ] || ik_fail "config still has SAs after the delete"

ik_log "ipsecgw deletes the IKE SA (ikev2 initiate del-sa)"
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "initiate again"
ik_wait 20 "up again" ik_has ik-seed "^child .*state=installed"
ispi=$(ik_sas ik-seed | sed -n 's/^ike ispi=\([0-9a-f]*\).*/\1/p')
ik_ctl ik-seed ikev2 initiate del-sa "$ispi" || ik_fail "ipsecctl del-sa"
ik_wait 20 "IKE SA gone" ik_has_exactly ik-seed "^ike" 0
ik_wait 10 "strongSwan: IKE SA gone" ik_peer_count_is rw ESTABLISHED 0
[ "$(ik_config_sas ik-seed | grep -c spi)" = 0 ] || ik_fail "config still has SAs"
ik_log "ok"

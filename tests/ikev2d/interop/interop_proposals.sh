#!/usr/bin/env bash
# strongSwan initiator against the ipsecgw responder with one proposal set
# after another: AES-GCM-16 128/256 for IKE and ESP, SHA2-256/384/512,
# ecp256, ecp384, modp3072, modp4096, and a weak set the profile configures
# (3des, sha1, modp1024). Each must come up on both ends with the
# transforms asked for, and go down again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/swan_conn.sh"
ik_init props
ik_topology
ik_gateway ik-props "$GW" "$(dirname "$0")/gw_seed.cli"
ik_charon rw "$PEER"

# IKE proposals, ESP proposals, what our dump must say for IKE, for ESP.
sets=(
	"aes128gcm16-prfsha256-ecp256|aes128gcm16|encr=aes-gcm-16-128 prf=hmac-sha2-256 integ=none dh=ecp-256|encr=aes-gcm-16-128 integ=none"
	"aes256gcm16-prfsha384-ecp384|aes256gcm16|encr=aes-gcm-16-256 prf=hmac-sha2-384 integ=none dh=ecp-384|encr=aes-gcm-16-256 integ=none"
	"aes256-sha256-modp3072|aes256-sha256|encr=aes-cbc-256 prf=hmac-sha2-256 integ=sha-256-128 dh=modp-3072|encr=aes-cbc-256 integ=sha-256-128"
	"aes128-sha384-modp4096|aes128-sha384|encr=aes-cbc-128 prf=hmac-sha2-384 integ=sha-384-192 dh=modp-4096|encr=aes-cbc-128 integ=sha-384-192"
	"aes256-sha512-ecp256|aes192-sha512|encr=aes-cbc-256 prf=hmac-sha2-512 integ=sha-512-256 dh=ecp-256|encr=aes-cbc-192 integ=sha-512-256"
	"aes192-sha256-ecp384|aes128gcm16|encr=aes-cbc-192 prf=hmac-sha2-256 integ=sha-256-128 dh=ecp-384|encr=aes-gcm-16-128 integ=none"
	"aes128gcm16-prfsha512-modp2048|aes256-sha1|encr=aes-gcm-16-128 prf=hmac-sha2-512 integ=none dh=modp-2048|encr=aes-cbc-256 integ=sha1-96"
)
for s in "${sets[@]}"; do
	IFS='|' read -r ike esp want_ike want_esp <<<"$s"
	ik_log "proposal set $ike / $esp"
	swan_conn rw "$ike" "$esp"
	ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "initiate $ike"
	ik_wait 20 "$ike up" ik_has ik-props "^child .*state=installed"
	ik_sas ik-props >"$IK_DIR/sas.txt"
	grep -q "$want_ike" "$IK_DIR/sas.txt" || { cat "$IK_DIR/sas.txt" >&2; ik_fail "IKE transforms for $ike"; }
	grep -q "$want_esp" "$IK_DIR/sas.txt" || { cat "$IK_DIR/sas.txt" >&2; ik_fail "ESP transforms for $esp"; }
	ik_peer_has rw INSTALLED || ik_fail "strongSwan: child for $esp"
	ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1
	ik_wait 20 "$ike down" ik_has_exactly ik-props "^ike" 0
done

ik_log "a weak set works when the profile configures it"
cat >"$IK_DIR/weak.cli" <<EOC
ikev2 profile set pr1 ike-crypto-alg 3des ike-integ-alg sha1-96 ike-dh modp-1024
ikev2 profile set pr1 esp-crypto-alg 3des esp-integ-alg sha1-96
EOC
ik_ctl ik-props -f "$IK_DIR/weak.cli" || ik_fail "weak profile"
swan_conn rw 3des-sha1-modp1024 3des-sha1
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "initiate weak"
ik_wait 20 "weak set up" ik_has ik-props "^child .*state=installed encr=3des-cbc integ=sha1-96"
grep -q "weak IKE transforms" "$IK_DIR/ikev2-ik-props.log" || ik_fail "no warning for weak transforms"
ik_swanctl rw --terminate --ike net-net >>"$IK_DIR/rw/swanctl.log" 2>&1
ik_wait 20 "weak set down" ik_has_exactly ik-props "^ike" 0

ik_log "a default strong offer is refused by a profile that wants 3des"
swan_conn rw aes256-sha256-ecp256 aes256-sha256
ik_swanctl rw --initiate --child net-net >>"$IK_DIR/rw/swanctl.log" 2>&1 && ik_fail "should not come up"
ik_has_exactly ik-props "^ike" 0 || ik_fail "an SA came up"
ik_log "ok"

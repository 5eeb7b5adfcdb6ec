#!/usr/bin/env bash
# RSA signature authentication with strongSwan 5.9.8, the seed's second use
# case typed as on the page (`ikev2 profile set pr1 auth rsa-sig cert-file
# FILE`: the peer's certificate; `set ikev2 local key FILE`: our key), with
# throwaway self-signed certificates made by openssl at test time. strongSwan
# sends its CERT and CERTREQ (tolerated), we send neither: strongSwan pins
# our certificate (remote.certs).
#   1. strongSwan initiates, both ends RFC 7427: PKCS#1 v1.5 SHA2-256 (method 14);
#   2. ipsecgw initiates (`ikev2 initiate sa-init pr1`);
#   3. RSASSA-PSS both ways (strongSwan rsa_pss = yes, ipsecgw --rsa-pss);
#   4. strongSwan without RFC 7427 (signature_authentication = no): method 1 both ways;
#   5. strongSwan pins another certificate: its INFORMATIONAL AUTHENTICATION_FAILED ends our SA;
#   6. we pin another one (ipsecctl at run time): we answer AUTHENTICATION_FAILED; then
#      the right one again.
. "$(dirname "$0")/lib.sh"
ik_init rsasig
ik_topology
INST=ik-rsasig

ik_log "throwaway keys and certificates"
for who in gw:vpp.home rw:roadwarrior.vpn.example.com other:someone.else; do
	n=${who%%:*} cn=${who#*:}
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IK_DIR/$n.key" -out "$IK_DIR/$n.crt" -days 2 \
		-subj "/CN=$cn" -addext "subjectAltName=DNS:$cn" 2>>"$IK_DIR/openssl.out" || ik_fail "openssl $n"
	chmod 600 "$IK_DIR/$n.key"
done

# The seed's RSA profile (gateway side), with the initiator bits of gw_initiator.cli.
cat >"$IK_DIR/gw_rsa.cli" <<EOC
loopback create
set interface state loop0 up
set interface ip address loop0 192.0.2.1/24
ikev2 profile add pr1
ikev2 profile set pr1 auth rsa-sig cert-file $IK_DIR/rw.crt
set ikev2 local key $IK_DIR/gw.key
ikev2 profile set pr1 id local fqdn vpp.home
ikev2 profile set pr1 id remote fqdn roadwarrior.vpn.example.com
ikev2 profile set pr1 traffic-selector local ip-range 203.0.113.0 - 203.0.113.255 port-range 0 - 65535 protocol 0
ikev2 profile set pr1 traffic-selector remote ip-range 198.51.100.0 - 198.51.100.255 port-range 0 - 65535 protocol 0
ikev2 profile set pr1 responder loop0 192.0.2.2
ikev2 profile set pr1 ike-crypto-alg aes-cbc 256 ike-integ-alg sha1-96 ike-dh modp-2048
ikev2 profile set pr1 esp-crypto-alg aes-cbc 256 esp-integ-alg sha1-96 esp-dh ecp-256
EOC
ik_gateway $INST "$GW" "$IK_DIR/gw_rsa.cli"
ik_ctl $INST show ikev2 profile | tee "$IK_DIR/profile.txt" >&2
grep -q "auth-method rsa-sig cert-file $IK_DIR/rw.crt" "$IK_DIR/profile.txt" || ik_fail "show ikev2 profile: rsa-sig"
grep -q "local key file $IK_DIR/gw.key" "$IK_DIR/profile.txt" || ik_fail "show ikev2 profile: local key"

# strongSwan: its key and certificate, ours pinned.
swan_rsa() {
	local d=$IK_DIR/rw/swanctl
	cp "$IK_DIR/rw.key" "$d/private/rw.key"
	cp "$IK_DIR/rw.crt" "$d/x509/rw.crt"
	cp "$IK_DIR/${1:-gw}.crt" "$d/x509/peer.crt"
	ik_swanctl_conf rw <<EOC
connections {
	vpp {
		version = 2
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = aes256-sha1-modp2048
		encap = yes
		dpd_delay = 0
		send_cert = always
		send_certreq = yes
		local {
			auth = pubkey
			certs = rw.crt
			id = roadwarrior.vpn.example.com
		}
		remote {
			auth = pubkey
			certs = peer.crt
			id = vpp.home
		}
		children {
			vpp {
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes256-sha1-ecp256
			}
		}
	}
}
EOC
}

# up WHO SCHEME_OURS SWAN_SCHEME: WHO initiates; our log names the scheme
# that verified strongSwan's AUTH, strongSwan's names the one of ours.
up() {
	local who=$1 ours=$2 swan=$3 n
	n=$(grep -c "the peer's AUTH verified: $ours" "$IK_DIR/ikev2-$INST.log")
	if [ "$who" = swan ]; then
		ik_swanctl rw --initiate --child vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "swanctl --initiate"
	else
		ik_ctl $INST ikev2 initiate sa-init pr1 || ik_fail "ikev2 initiate sa-init pr1"
	fi
	ik_wait 20 "child up ($who initiates)" ik_has $INST "^child .*state=installed"
	ik_wait 10 "strongSwan: established" ik_peer_has rw ESTABLISHED
	ik_peer_has rw INSTALLED || ik_fail "strongSwan: no child"
	ik_sas $INST | tee -a "$IK_DIR/sas.txt" >&2
	ik_has $INST "initiator=$([ "$who" = swan ] && echo 0 || echo 1) .*idi=fqdn:$([ "$who" = swan ] &&
		echo roadwarrior.vpn.example.com || echo vpp.home)" || ik_fail "our IKE SA"
	[ "$(grep -c "the peer's AUTH verified: $ours" "$IK_DIR/ikev2-$INST.log")" -gt "$n" ] ||
		ik_fail "ipsecgw did not verify strongSwan's AUTH as $ours"
	grep -q "authentication of 'vpp.home' with $swan successful" "$IK_DIR/rw/charon.log" ||
		ik_fail "strongSwan did not verify ours as $swan"
	[ "$(ik_counter $INST cred_errors)" = 0 ] || ik_fail "credential errors"
	ik_traffic_step "ping 198.51.100.1 -> 203.0.113.1" true
}

auth_fails_above() { [ "$(ik_counter $INST fail_AUTH)" -gt "$1" ]; }

down() {
	ik_swanctl rw --terminate --ike vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 || ik_fail "terminate"
	ik_wait 20 "IKE SA gone" ik_has_exactly $INST "^ike" 0
	[ "$(ik_config_sas $INST | grep -c spi)" = 0 ] || ik_fail "config still has SAs"
	: >"$IK_DIR/rw/charon.log"
}

ik_log "1. strongSwan initiates (RFC 7427, PKCS#1 v1.5)"
ik_charon rw "$PEER"
swan_rsa
up swan "RSA PKCS#1 v1.5 sha2-256 (RFC 7427)" RSA_EMSA_PKCS1_SHA2_256
grep -q "received cert request\|received end entity cert" "$IK_DIR/rw/charon.log" &&
	ik_fail "strongSwan received a CERT or CERTREQ from us"
grep -q "sending end entity cert" "$IK_DIR/rw/charon.log" || ik_fail "strongSwan did not send its CERT"
down

ik_log "2. ipsecgw initiates"
up gw "RSA PKCS#1 v1.5 sha2-256 (RFC 7427)" RSA_EMSA_PKCS1_SHA2_256
down

ik_log "3. RSASSA-PSS both ways"
ik_charon_stop rw
IK_CHARON_EXTRA="rsa_pss = yes" ik_charon rw "$PEER"
swan_rsa
ik_restart_ikev2 $INST "$GW" TERM --rsa-pss
up swan "RSA PSS sha2-256 (RFC 7427)" RSA_EMSA_PSS_SHA2_256_SALT_32
down
up gw "RSA PSS sha2-256 (RFC 7427)" RSA_EMSA_PSS_SHA2_256_SALT_32
down

ik_log "4. strongSwan without RFC 7427: method 1"
ik_charon_stop rw
IK_CHARON_EXTRA="signature_authentication = no" ik_charon rw "$PEER"
swan_rsa
ik_restart_ikev2 $INST "$GW" TERM
up swan "RSA PKCS#1 v1.5 SHA-1 (method 1)" "RSA signature"
down
up gw "RSA PKCS#1 v1.5 SHA-1 (method 1)" "RSA signature"
down

ik_log "5. strongSwan pins another certificate: it refuses us and says so; our SA ends"
swan_rsa other
fails=$(ik_counter $INST fail_AUTH)
ik_swanctl rw --initiate --child vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 && ik_fail "established with the wrong certificate"
ik_wait 10 "AUTHENTICATION_FAILED from strongSwan counted" auth_fails_above "$fails"
grep -q "the peer could not authenticate us" "$IK_DIR/ikev2-$INST.log" || ik_fail "no log line for it"
ik_wait 10 "our SA ended" ik_has_exactly $INST "^ike" 0
[ "$(ik_config_sas $INST | grep -c spi)" = 0 ] || ik_fail "config still has SAs"

ik_log "6. ipsecgw pins another certificate (ipsecctl, at run time): we refuse strongSwan"
swan_rsa
ik_ctl $INST ikev2 profile set pr1 auth rsa-sig cert-file "$IK_DIR/other.crt" || ik_fail "ipsecctl set auth"
fails=$(ik_counter $INST fail_AUTH)
ik_swanctl rw --initiate --child vpp >>"$IK_DIR/rw/swanctl.log" 2>&1 && ik_fail "established with the wrong certificate"
[ "$(ik_counter $INST fail_AUTH)" -gt "$fails" ] || ik_fail "our refusal not counted"
grep -q "received AUTHENTICATION_FAILED notify error" "$IK_DIR/rw/charon.log" || ik_fail "strongSwan did not get AUTHENTICATION_FAILED"
ik_has_exactly $INST "^ike" 0 || ik_fail "an SA stayed"
ik_ctl $INST ikev2 profile set pr1 auth rsa-sig cert-file "$IK_DIR/rw.crt" || ik_fail "ipsecctl set auth"
up swan "RSA PKCS#1 v1.5 SHA-1 (method 1)" "RSA signature"
[ "$(ik_counter $INST cred_errors)" = 0 ] || ik_fail "credential errors"
ik_log "ok"

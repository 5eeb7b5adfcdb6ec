#!/usr/bin/env bash
# ESP conformance of the dataplane against scapy (the other gateway): every
# cipher x integrity x {tunnel 4in4, 6in6, 4in6, 6in4 over route-based ipsecN
# interfaces, transport 4 and 6 under an SPD} x ESN, and UDP encapsulation,
# in 4 groups reconfigured through ipsecctl without restarting anything. What
# each case asserts: esp_conformance.py's header.
#
#   peer ns (scapy)  p0 --- wan0  gateway  lan0 --- s0  server ns (UDP echo on port 7)
source "$(dirname "$0")/lib.sh"

peer_netns
gw_start A "$NA" "$(peer_gw_cli wan0 "$(peer_wan_cli)")"
gw_sync A

echo_start

log "conformance cases"
peer_py esp_conformance.py SEED="${SEED:-}" || fail "conformance (failures above)"
echo PASS

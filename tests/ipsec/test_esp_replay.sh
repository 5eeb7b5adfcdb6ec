#!/usr/bin/env bash
# Anti-replay and tamper through the dataplane, scapy as the other gateway
# (esp_replay.py: numbered tables for windows of 64 and 1024, ESN across
# 2^32 with CBC+HMAC and GCM, bad ICVs, every single-bit flip of two valid
# packets, anti-replay off): per step, whether the server got the packet and
# exactly which SA counter moved; then `show errors` exact, the SA's error
# lines in `show ipsec sa N`, and the replay windows it shows.
#
#   peer ns (scapy)  p0 --- wan0  gateway  lan0 --- s0  server ns (UDP echo on port 7)
source "$(dirname "$0")/lib.sh"

peer_netns
cat > "$T/rest.cli" <<'EOS'
set interface state wan0 up
set interface ip address wan0 203.0.113.1/24
loopback create
set interface state loop0 up
EOS
gw_start A "$NA" "$(peer_gw_cli wan0 "$T/rest.cli")"
gw_sync A

echo_start

log "replay tables"
peer_py esp_replay.py || fail "replay (failures above)"
echo PASS

#!/usr/bin/env bash
# Fragments and ESP: ESP fragmented in transit is reassembled before
# decryption (IPv4 and IPv6 outer headers), and IPv4 inner packets without
# DF too big for the tunnel are fragmented before encryption, each fragment
# its own ESP packet (RFC 4301 §8.1); DF set keeps frag-needed. What each
# case asserts: esp_frag.py's header.
#
#   peer ns (scapy)  p0 --- wan0  gateway  lan0 --- s0  server ns (UDP echo on port 7)
source "$(dirname "$0")/lib.sh"

peer_netns
# wan0 on net_pcap: net_af_packet's fanout would have the gateway
# namespace's kernel reassemble IPv4 fragments before the dataplane.
cli=$(peer_gw_cli wan0 "$(peer_wan_cli)")
sed -i 's/net_af_packet0,iface=gp/net_pcap0,iface=gp,phy_mac=1/' "$cli"
gw_start A "$NA" "$cli"
gw_sync A

echo_start

log "fragments and ESP"
peer_py esp_frag.py || fail "esp_frag (failures above)"
echo PASS

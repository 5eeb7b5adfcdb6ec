#!/usr/bin/env bash
# The seed page's "Example configuration" (manually keyed ESP transport mode
# with a native IPsec host) with its CLI lines as typed (seed_transport.cli),
# the Ubuntu host replaced by a scapy peer (seed_transport_peer.py) that holds
# the page's ipsec-tools SAs. The peer pings the gateway 9 times through ESP:
#  - every echo request is answered with ESP (SPI 0x3e9, sequence numbers
#    1..9, 136 bytes as in the page's tcpdump) that decrypts to its echo reply;
#  - `show ipsec` is exactly the page's, with the page's counters for 9
#    pings: outbound protect 9 packets / 756 bytes (inner IP), inbound protect
#    9 / 1224 (outer IP), bypass policies untouched;
#  - SA 10 sent 9 (seq 9), SA 20 received 9 (last-seq 9), no SA errors, every
#    `show errors` counter 0; the port saw exactly the 9 + 9 frames;
# then cleartext echo requests from the peer are not answered (they match the
# inbound protect policy: policy mismatch), and a replayed request is dropped.
# shellcheck disable=SC2034  # read by lib.sh: the page's "set ip arp" MAC, on the peer's veth
PEER_MAC=08:00:27:12:3c:cc
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
N=9

peer_netns
printf '%s\n' "loopback create" "set int state loop0 up" > "$T/rest.cli"   # for gw_sync only
cat "$SRC/tests/ipsec/seed_transport.cli" >> "$T/rest.cli"
gw_start A "$NA" "$(peer_gw_cli GigabitEthernet0/8/0 "$T/rest.cli")"
gw_sync A
GWMAC=$(gw_mac)
ctl A clear errors; ctl A clear interfaces; ctl A clear ipsec sa

log "$N ESP-protected pings from the scapy peer"
inc $PY "$SRC/tests/ipsec/seed_transport_peer.py" "$GWMAC" $N || fail "ESP pings"

log "show ipsec: the page's output and counters"
cat > "$T/want.txt" <<'EOF'
[0] sa 10 spi 1001 mode transport protocol esp
  crypto alg aes-cbc-128
  integrity alg sha1-96
[1] sa 20 spi 1000 mode transport protocol esp
  crypto alg aes-cbc-128
  integrity alg sha1-96
spd 1
  outbound policies
    priority 100 action bypass protocol IPSEC_ESP
      local addr range 0.0.0.0 - 255.255.255.255 port range 0 - 65535
      remote addr range 0.0.0.0 - 255.255.255.255 port range 0 - 65535
      packets 0 bytes 0
    priority 10 action protect protocol any sa 10
      local addr range 192.0.2.3 - 192.0.2.3 port range 0 - 65535
      remote addr range 192.0.2.2 - 192.0.2.2 port range 0 - 65535
      packets 9 bytes 756
  inbound policies
    priority 100 action bypass protocol IPSEC_ESP
      local addr range 0.0.0.0 - 255.255.255.255 port range 0 - 65535
      remote addr range 0.0.0.0 - 255.255.255.255 port range 0 - 65535
      packets 0 bytes 0
    priority 10 action protect protocol any sa 20
      local addr range 192.0.2.3 - 192.0.2.3 port range 0 - 65535
      remote addr range 192.0.2.2 - 192.0.2.2 port range 0 - 65535
      packets 9 bytes 1224
SPD Bindings:
  spd 1 -> GigabitEthernet0/8/0
EOF
ctl A show ipsec > "$T/got.txt"
diff -u "$T/want.txt" "$T/got.txt" || fail "show ipsec differs from the page's (above: - page, + ours)"

# SA counters: packets and inner IP bytes in both directions; sequence numbers.
ctl A --json show ipsec sa > "$T/sa.json"
$PY - "$T/sa.json" $N <<'PY' || fail "SA counters"
import json, sys
sas = {s["spec"]["sa_id"]: s for s in json.load(open(sys.argv[1]))["sas"]}
n = int(sys.argv[2]); bad = []
def want(sa, key, v):
    got = sas[sa]
    for k in key.split("."): got = got.get(k, 0) if isinstance(got, dict) else 0
    if got != v: bad.append("SA %d %s: %r, want %r" % (sa, key, got, v))
for sa in (10, 20):
    want(sa, "counter.packets", n); want(sa, "counter.bytes", 84 * n)
    for e in sas[sa].get("errors", []):
        if e.get("count", 0): bad.append("SA %d error %s: %d" % (sa, e["reason"], e["count"]))
want(10, "seq_out", n); want(10, "last_seq_in", 0)
want(20, "seq_out", 0); want(20, "last_seq_in", n)
for b in bad: print(b)
sys.exit(1 if bad else 0)
PY
errors_exact A || fail "show errors: not all 0"
# exactly the requests in and the answers out on the port (static neighbor: no ARP)
[ "$(ifc_counter A GigabitEthernet0/8/0 rx.packets)" -eq $N ] || fail "rx packets $(ifc_counter A GigabitEthernet0/8/0 rx.packets), want $N"
[ "$(ifc_counter A GigabitEthernet0/8/0 tx.packets)" -eq $N ] || fail "tx packets $(ifc_counter A GigabitEthernet0/8/0 tx.packets), want $N"

log "cleartext echo requests from the peer: dropped, not answered"
inc $PY "$SRC/tests/ipsec/seed_transport_peer.py" "$GWMAC" 3 cleartext || fail "cleartext answered"
wait_for 5 errors_exact A "policy mismatch=3" || { errors_exact A "policy mismatch=3"; fail "cleartext: show errors"; }
[ "$(sa_counter A 20 packets)" -eq $N ] || fail "cleartext moved SA 20"

log "the same 9 ESP requests again: replays, dropped"
inc $PY "$SRC/tests/ipsec/seed_transport_peer.py" "$GWMAC" $N replay || fail "replayed requests were answered"
wait_for 5 errors_exact A "policy mismatch=3" "replay=$N" || { errors_exact A "policy mismatch=3" "replay=$N"; fail "replay: show errors"; }
[ "$(sa_err A 20 REPLAY)" -eq $N ] || fail "SA 20 REPLAY $(sa_err A 20 REPLAY), want $N"
[ "$(sa_counter A 20 packets)" -eq $N ] || fail "replays moved SA 20"
[ "$(sa_counter A 10 packets)" -eq $N ] || fail "replays were answered (SA 10)"
echo PASS

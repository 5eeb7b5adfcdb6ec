#!/usr/bin/env bash
# kill -9 of a dataplane that carries ESP: sequence numbers and replay
# windows live in the shared region and survive it.
#
# Two gateways (lib.sh) with a route-based tunnel ipsec0 between them,
# AES-GCM-128 (the IV is the sequence number: a (SPI, sequence number) pair
# sent twice would reuse a GCM nonce). No ESN: with ESN, a packet far left
# of the window is taken for the next subspace and fails its ICV instead
# (RFC 4303 Appendix A2.2; test_esp_replay.sh table 3 step 11).
#  1. A ping stream client -> server through the tunnel; gateway A's
#     dataplane is killed with SIGKILL and started again: the stream resumes,
#     and the captures on the WAN show that no (SPI, sequence number) pair
#     was sent twice, by A (across its restart) or by B, and that A's numbers
#     kept increasing.
#  2. Traffic stopped, A killed and started again once more: its SAs'
#     sequence number, last-seq and replay window are as before the kill.
#     Then ESP that B sent before the restarts (the last 32 packets, all
#     inside A's window, and 32 from before the first kill) is replayed at A:
#     all dropped as replay — SA 20's REPLAY and `show errors` exactly 64,
#     nothing else counted, nothing decrypted or forwarded — and the tunnel
#     still carries new traffic.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
KA=0x8c2e3f14d0a7b5960e1f2a3b4c5d6e7f01020304     # A -> B, key + salt
KB=0x5f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4     # B -> A
cat > "$T/a.rest" <<EOF
set interface ip address wan0 198.18.0.1/24
ipsec sa add 10 spi 0x1001 esp crypto-alg aes-gcm-128 crypto-key $KA tunnel-src 198.18.0.1 tunnel-dst 198.18.0.2
ipsec sa add 20 spi 0x1002 esp crypto-alg aes-gcm-128 crypto-key $KB tunnel-src 198.18.0.2 tunnel-dst 198.18.0.1
ipsec itf create
set interface state ipsec0 up
set interface unnumbered ipsec0 use wan0
ipsec tunnel protect ipsec0 sa-out 10 sa-in 20
ip route add 198.51.100.0/24 via ipsec0
EOF
cat > "$T/b.rest" <<EOF
set interface ip address wan0 198.18.0.2/24
ipsec sa add 10 spi 0x1002 esp crypto-alg aes-gcm-128 crypto-key $KB tunnel-src 198.18.0.2 tunnel-dst 198.18.0.1
ipsec sa add 20 spi 0x1001 esp crypto-alg aes-gcm-128 crypto-key $KA tunnel-src 198.18.0.1 tunnel-dst 198.18.0.2
ipsec itf create
set interface state ipsec0 up
set interface unnumbered ipsec0 use wan0
ipsec tunnel protect ipsec0 sa-out 10 sa-in 20
ip route add 192.0.2.0/24 via ipsec0
EOF
pair_up "$T/a.rest" "$T/b.rest"
wait_for 15 inc ping -c 1 -W 1 198.51.100.2 || fail "no ping through the tunnel"

sa_json() { ctl "$1" --json show ipsec sa "$2" | $PY -c '
import json,sys
s=json.load(sys.stdin)["sas"][0]
print(s.get("seq_out",0), s.get("last_seq_in",0), s.get("replay_bitmap",""))'; }
replies() { grep -c "bytes from" "$T/ping.log" || true; }
replies_ge() { [ "$(replies)" -ge "$1" ]; }
replay_ge() { [ "$(sa_err A 20 REPLAY)" -ge "$1" ]; }

log "phase 1: ping stream, kill -9 of A's dataplane under traffic"
capture "$NA" aw "$T/a-in.pcap"     # what B sent to A
capture "$NB" bw "$T/b-in.pcap"     # what A sent to B
ip netns exec "$NC" ping -i 0.01 -W 1 198.51.100.2 >"$T/ping.log" 2>&1 &
PING=$!; PIDS+=("$PING")      # ping itself (ip netns exec execs it)
wait_for 30 replies_ge 100 || fail "ping stream: $(replies) replies"
T_KILL=$(date +%s.%N)
gw_dp_kill A
before=$(replies)
sleep 0.5
gw_dp_start A "$NA"
T_UP=$(date +%s.%N)
up=$(replies)
wait_for 60 replies_ge $((up + 100)) || fail "traffic did not resume: $before -> $up -> $(replies) replies"
kill "$PING"; wait "$PING" 2>/dev/null || true
after=$(replies)
sleep 0.5
state_a10=$(sa_json A 10); state_a20=$(sa_json A 20)
capture_stop
log "replies: $before before the kill, $up when the restarted dataplane was ready, $after in all"

$PY - "$T/b-in.pcap" "$T/a-in.pcap" "$T_KILL" "$T_UP" <<'PY' || fail "sequence numbers on the wire (above)"
import struct, sys
from scapy.all import PcapReader, IP
def esp(path):
    out = []
    for p in PcapReader(path):
        if IP in p and p[IP].proto == 50:
            b = bytes(p[IP].payload)
            out.append((float(p.time), ) + struct.unpack("!LL", b[:8]))
    return out
t_kill, t_up = float(sys.argv[3]), float(sys.argv[4])
bad = 0
for who, path, spi in (("A", sys.argv[1], 0x1001), ("B", sys.argv[2], 0x1002)):
    pk = esp(path)
    pairs = [(s, q) for _, s, q in pk]
    dup = len(pairs) - len(set(pairs))
    pre = [q for t, s, q in pk if t < t_kill]
    post = [q for t, s, q in pk if t > t_up]
    spis = {s for _, s, _ in pk}
    seqs = [q for _, _, q in pk]
    mono = all(b > a for a, b in zip(seqs, seqs[1:]))
    gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
    print("%s sent %d ESP packets (SPIs %s): %d before the kill (seq %s..%s), %d after the restart (seq %s..%s); "
          "%d (SPI, seq) pairs twice; increasing: %s; numbers skipped: %s" % (who, len(pk),
          sorted(hex(s) for s in spis), len(pre), pre[:1], pre[-1:], len(post), post[:1], post[-1:], dup, mono,
          ["%d..%d" % (a + 1, b - 1) for a, b in gaps] or "none"))
    if spis != {spi} or dup or not mono or len(pre) < 50 or len(post) < 80:
        bad = 1
sys.exit(bad)
PY

log "phase 2: no traffic; kill -9 and restart of A's dataplane keep its SA state"
gw_dp_kill A
gw_dp_start A "$NA"
[ "$(sa_json A 10)" = "$state_a10" ] || fail "SA 10 after the restart: $(sa_json A 10), before: $state_a10"
[ "$(sa_json A 20)" = "$state_a20" ] || fail "SA 20 after the restart: $(sa_json A 20), before: $state_a20"
log "SA 10 (seq, -, -): $state_a10; SA 20 (-, last-seq, window): $state_a20"

log "replay of B's ESP from before the restarts at A"
ctl A clear errors; ctl A clear ipsec sa; ctl A clear interfaces
bmac=$(ip netns exec "$NB" cat /sys/class/net/bw/address)
ip netns exec "$NB" $PY - "$T/a-in.pcap" "$T_KILL" "$bmac" <<'PY' || fail "replay"
import struct, sys, time
from scapy.all import PcapReader, IP, Ether, sendp, raw
t_kill = float(sys.argv[2])
frames = [p for p in PcapReader(sys.argv[1]) if IP in p and p[IP].proto == 50 and p[Ether].src == sys.argv[3]]
last = frames[-32:]                                   # inside A's window, all seen
early = [p for p in frames if float(p.time) < t_kill][:32]
assert len(last) == 32 and len(early) == 32, (len(last), len(early))
seq = lambda p: struct.unpack("!L", raw(p[IP].payload)[4:8])[0]
print("replaying seq %d..%d (before the kill) and %d..%d (the last before the traffic stopped)" %
      (seq(early[0]), seq(early[-1]), seq(last[0]), seq(last[-1])))
for p in early + last:
    sendp(p, iface="bw", verbose=0)
    time.sleep(0.002)
PY
wait_for 10 replay_ge 64 || true
[ "$(sa_err A 20 REPLAY)" -eq 64 ] || fail "SA 20 REPLAY $(sa_err A 20 REPLAY), want 64"
errors_exact A "replay=64" || fail "show errors after the replay"
[ "$(sa_counter A 20 packets)" -eq 0 ] || fail "replayed packets decrypted: SA 20 packets $(sa_counter A 20 packets)"
[ "$(ifc_counter A lan0 tx.packets)" -eq 0 ] || fail "replayed packets forwarded to the client"
[ "$(ifc_counter A wan0 rx.packets)" -eq 64 ] || fail "wan0 rx packets $(ifc_counter A wan0 rx.packets), want 64"
[ "$(sa_json A 20)" = "$state_a20" ] || fail "the replays moved SA 20: $(sa_json A 20)"

log "new traffic still passes"
inc ping -c 3 -i 0.2 -W 2 198.51.100.2 >/dev/null || fail "ping after the replay"
[ "$(sa_counter A 20 packets)" -eq 3 ] || fail "SA 20 packets $(sa_counter A 20 packets) after 3 pings"
echo PASS

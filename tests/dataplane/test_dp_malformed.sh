#!/usr/bin/env bash
# Malformed frames crafted with scapy in the client namespace: each kind is
# dropped and counted under its reason, exactly, and on eth0's drops.
# (Runt frames shorter than an Ethernet header cannot cross a veth — the
# kernel refuses to send them — so test_dp_classify covers those.)
source "$(dirname "$0")/lib.sh"
gw_up
N=5
inc sysctl -qw net.ipv6.conf.c0.disable_ipv6=1   # a quiet client
g0=$(ip netns exec "$NG" cat /sys/class/net/g0/address)
c0=$(mac_of "$NC" c0)
sleep 1

reasons=("ip4 bad header" "ip4 bad checksum" "ip4 length larger than frame" "ip6 bad header"
         "ip6 length larger than frame" "unknown ethertype" "destination mac not ours" "arp malformed")
declare -A before
for r in "${reasons[@]}"; do before[$r]=$(err_counter "$r"); done
d0=$(ifc_counter eth0 drops); rx0=$(ifc_counter eth0 rx.packets)

inc /usr/bin/python3 - "$g0" "$c0" $N <<'PY'
import sys
from scapy.all import Ether, IP, IPv6, UDP, ARP, Raw, sendp, conf
conf.verb = 0
gw, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
E = lambda t: Ether(dst=gw, src=me, type=t)
u = UDP(sport=1234, dport=9) / Raw(b"x" * 10)
frames = [
    E(0x0800) / Raw(b"\x45" + b"\x00" * 9),                      # truncated IPv4 header
    E(0x0800) / IP(src="192.0.2.2", dst="198.51.100.2", ihl=4) / u,  # IHL 4
    E(0x0800) / IP(src="192.0.2.2", dst="198.51.100.2", version=5) / u,
    E(0x0800) / IP(src="192.0.2.2", dst="198.51.100.2", chksum=0x1234) / u,
    E(0x0800) / IP(src="192.0.2.2", dst="198.51.100.2", len=200) / u,
    E(0x86dd) / Raw(b"\x60" + b"\x00" * 19),                     # truncated IPv6 header
    E(0x86dd) / IPv6(src="2001:db8:1::2", dst="2001:db8:2::2", plen=500) / u,
    E(0x88b5) / Raw(b"\x00" * 50),                               # unknown EtherType
    Ether(dst="02:00:00:00:00:99", src=me) / IP(src="192.0.2.2", dst="198.51.100.2") / u,
    Ether(dst="ff:ff:ff:ff:ff:ff", src=me, type=0x0806) / Raw(b"\x00\x01\x08\x00\x06\x04\x00\x03" + b"\x00" * 20),
]
for f in frames:
    sendp(f, iface="c0", count=n)
PY
sleep 0.5
want=("15" "5" "5" "5" "5" "5" "5" "5")
for i in "${!reasons[@]}"; do
  r=${reasons[$i]}; got=$(( $(err_counter "$r") - ${before[$r]} ))
  [ "$got" -eq "${want[$i]}" ] || { ctl show errors | awk '$1'; fail "'$r' moved by $got, want ${want[$i]}"; }
done
total=$((10 * N))
[ $(( $(ifc_counter eth0 rx.packets) - rx0 )) -eq $total ] || fail "eth0 rx: want $total"
# The malformed ARP reaches the ARP parser in the classifier: a drop too.
[ $(( $(ifc_counter eth0 drops) - d0 )) -eq $total ] || fail "eth0 drops: want $total"
inc ip link set c0 up
inc sysctl -qw net.ipv6.conf.c0.disable_ipv6=0
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "forwarding after the garbage"
log "PASS"

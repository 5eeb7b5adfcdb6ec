#!/usr/bin/python3
"""Fragments and IPv6 extension headers to the gateway, for test_dp_frag.sh
(run in the client's namespace with /usr/bin/python3: scapy).

  frag_peer.py CASE IFACE GW_MAC SRC4 GW4 SRC6 GW6

Cases (exit 0 when the gateway behaved, 1 otherwise; nothing to check for
the ones that only feed counters):
  echo4 / echo6    an echo request of 1200 data bytes sent as 4 fragments,
                   out of order: the reply comes back, data intact
  overlap4/6       two fragments of one datagram overlapping by 8 bytes
  timeout4/6       only the first fragment of a datagram
  toomany4/6       17 fragments of 8 bytes, all with more-fragments
(IPv4 fragments reach the dataplane only through a port that does not
reassemble them first: net_pcap; net_af_packet's fanout does.)
  ext6             echo request behind hop-by-hop (PadN) and destination
                   options headers: answered, data intact
  rh6              echo request behind a routing header (type 4, segments
                   left 1): parameter problem, code 0, pointer 42
"""
import random
import struct
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from scapy.all import (ICMP, IP, AsyncSniffer, Ether, ICMPv6EchoReply, ICMPv6EchoRequest,  # noqa: E402
                       ICMPv6ParamProblem, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       PadN, Raw, raw, sendp)

case, iface, gw_mac, src4, gw4, src6, gw6 = sys.argv[1:8]
my_mac = open("/sys/class/net/%s/address" % iface).read().strip()
ident = random.randrange(1, 65535)


def l2(ip_bytes):
    et = 0x86DD if (ip_bytes[0] >> 4) == 6 else 0x0800
    return Ether(dst=gw_mac, src=my_mac, type=et) / Raw(ip_bytes)


def frags4(pkt, pieces, fid):
    """pkt (scapy IP) as fragments: pieces = [(offset, length)] of its payload."""
    b = raw(pkt)
    hl = (b[0] & 15) * 4
    pay = b[hl:]
    out = []
    for off, ln in pieces:
        more = off + ln < len(pay)
        h = IP(src=pkt.src, dst=pkt.dst, proto=pkt.proto, id=fid, ttl=64,
               flags="MF" if more else 0, frag=off // 8) / Raw(pay[off:off + ln])
        out.append(raw(h))
    return out


def frags6(pkt, pieces, fid, last_more=None):
    """pkt (scapy IPv6, no extension header) as fragments."""
    b = raw(pkt)
    nh, pay = b[6], b[40:]
    out = []
    for off, ln in pieces:
        more = off + ln < len(pay)
        if last_more is not None:
            more = last_more
        fh = struct.pack("!BBHL", nh, 0, off | (1 if more else 0), fid)
        data = fh + pay[off:off + ln]
        h = bytearray(b[:40])
        h[6] = 44
        struct.pack_into("!H", h, 4, len(data))
        out.append(bytes(h) + data)
    return out


def send_and_wait(frames, match, timeout=3.0):
    sn = AsyncSniffer(iface=iface, lfilter=lambda p: p.haslayer(Ether) and p[Ether].src == gw_mac and match(p),
                      count=1, timeout=timeout)
    sn.start()
    time.sleep(0.3)
    for f in frames:
        sendp(f, iface=iface, verbose=False)
    sn.join()
    return sn.results[0] if sn.results else None


data = bytes(random.randrange(256) for _ in range(1200))
if case == "echo4":
    p = IP(src=src4, dst=gw4) / ICMP(type=8, id=ident, seq=1) / Raw(data)
    fs = frags4(p, [(0, 304), (304, 304), (608, 304), (912, 296)], ident)
    r = send_and_wait([l2(x) for x in (fs[2], fs[0], fs[3], fs[1])],
                      lambda q: q.haslayer(ICMP) and q[ICMP].type == 0 and q[ICMP].id == ident)
    sys.exit(0 if r is not None and raw(r[ICMP].payload) == data else 1)
if case == "echo6":
    p = IPv6(src=src6, dst=gw6) / ICMPv6EchoRequest(id=ident, seq=1, data=data)
    fs = frags6(p, [(0, 304), (304, 304), (608, 304), (912, 296)], ident)
    r = send_and_wait([l2(x) for x in (fs[3], fs[1], fs[0], fs[2])],
                      lambda q: q.haslayer(ICMPv6EchoReply) and q[ICMPv6EchoReply].id == ident)
    sys.exit(0 if r is not None and r[ICMPv6EchoReply].data == data else 1)
if case in ("overlap4", "timeout4", "toomany4"):
    p = IP(src=src4, dst=gw4) / ICMP(type=8, id=ident, seq=1) / Raw(data[:400])
    pieces = {"overlap4": [(0, 16), (8, 16)], "timeout4": [(0, 16)],
              "toomany4": [(8 * i, 8) for i in range(17)]}[case]
    b = raw(p)
    fr = []
    for off, ln in pieces:   # all with more-fragments: the datagram never completes
        fr.append(raw(IP(src=src4, dst=gw4, proto=1, id=ident, flags="MF", frag=off // 8) / Raw(b[20 + off:20 + off + ln])))
    sendp([l2(x) for x in fr], iface=iface, verbose=False)
    sys.exit(0)
if case in ("overlap6", "timeout6", "toomany6"):
    p = IPv6(src=src6, dst=gw6) / ICMPv6EchoRequest(id=ident, seq=1, data=data[:400])
    pieces = {"overlap6": [(0, 16), (8, 16)], "timeout6": [(0, 16)],
              "toomany6": [(8 * i, 8) for i in range(17)]}[case]
    sendp([l2(x) for x in frags6(p, pieces, ident, last_more=True)], iface=iface, verbose=False)
    sys.exit(0)
if case == "ext6":
    p = IPv6(src=src6, dst=gw6) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)]) / \
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) / ICMPv6EchoRequest(id=ident, seq=7, data=data[:100])
    r = send_and_wait([l2(raw(p))], lambda q: q.haslayer(ICMPv6EchoReply) and q[ICMPv6EchoReply].id == ident)
    sys.exit(0 if r is not None and r[ICMPv6EchoReply].seq == 7 and r[ICMPv6EchoReply].data == data[:100] else 1)
if case == "rh6":
    p = IPv6(src=src6, dst=gw6) / IPv6ExtHdrRouting(type=4, segleft=1, addresses=["2001:db8:2::2"]) / \
        ICMPv6EchoRequest(id=ident, seq=1, data=data[:64])
    r = send_and_wait([l2(raw(p))], lambda q: q.haslayer(ICMPv6ParamProblem))
    sys.exit(0 if r is not None and r[ICMPv6ParamProblem].code == 0 and r[ICMPv6ParamProblem].ptr == 42 else 1)
sys.exit("unknown case " + case)

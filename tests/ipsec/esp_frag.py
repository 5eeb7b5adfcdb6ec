#!/usr/bin/python3
"""Fragments and ESP through the dataplane, scapy as the peer gateway
(test_esp_frag.sh runs it in the peer's namespace).

  peer (scapy)  203.0.113.2 / 2001:db8:e::2  ==== wan0  gateway  lan0 ---- server 198.51.100.2
  ipsec0: 4in4 tunnel, inner host 192.0.2.10; ipsec1: 4in6 tunnel, inner host 192.0.2.11
  (aes-gcm-128, route-based)

1. ESP fragmented in transit (RFC 4303 §3.4.1): scapy encrypts a 1100-byte
   UDP datagram to the server's echo service and sends the ESP packet as 4
   fragments in a shuffled order, once over IPv4 and once over IPv6. The
   gateway reassembles, decrypts and forwards it: the server logs the
   datagram intact; its echo comes back as one ESP packet that scapy
   decrypts to the expected datagram. The inbound SAs count exactly 1
   packet each and no error. (wan0 is a net_pcap port, so both reach the
   dataplane's reassembly: net_af_packet's fanout would have the kernel
   reassemble IPv4 first.)
2. Pre-fragmentation (RFC 4301 §8.1): wan0's MTU becomes 1400; the server
   pings 192.0.2.10 with 1400-byte DF-clear echo requests. Each becomes 2
   fragments (the first as large as the tunnel's largest inner packet
   allows, data a multiple of 8), each its own ESP packet of at most 1400
   bytes; scapy decrypts both and they reassemble to the exact echo request.
   SA 300 counts 2 packets, ipsec0 and wan0 2 transmitted, no drop.
3. DF set: the same ping with DF gets frag-needed with the tunnel's largest
   inner size (1346 < 1400), counted once as `mtu exceeded` and once as
   the SA's TOO_BIG; nothing is encrypted.
4. The same pre-fragmentation under an SPD (the seed page's loopback with an
   SPD, an outbound protect policy and a tunnel-mode SA): 2 ESP packets of at
   most 1400 bytes whose inner fragments reassemble to the request; the SA
   counts 2, no error.

Environment: GW_CTL, SERVER_NS, T (esp_peer.Gw), GW_MAC, PEER_MAC,
SERVER_MAC, ECHO_LOG.
"""
import json
import os
import random
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from esp_peer import IP, Gw, PeerSA, Port, dig, ip_of_frame, parse_esp, sa_errors  # noqa: E402
from scapy.all import ICMP, UDP, Raw, raw  # noqa: E402

GW4, GW6 = "203.0.113.1", "2001:db8:e::1"
PEER4, PEER6 = "203.0.113.2", "2001:db8:e::2"
SRV4 = "198.51.100.2"
INNER = {0: "192.0.2.10", 1: "192.0.2.11"}
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)
        print("FAIL: " + msg, file=sys.stderr)
    return cond


def frags(outer, size, rng):
    """outer IP bytes as fragments of `size` data bytes (a multiple of 8), shuffled."""
    v6 = (outer[0] >> 4) == 6
    hl = 40 if v6 else (outer[0] & 15) * 4
    pay = outer[hl:]
    fid = rng.randrange(1, 1 << 16)
    out = []
    for off in range(0, len(pay), size):
        d = pay[off:off + size]
        more = off + size < len(pay)
        h = bytearray(outer[:hl])
        if v6:
            fh = struct.pack("!BBHL", outer[6], 0, off | more, fid)
            h[6] = 44
            struct.pack_into("!H", h, 4, 8 + len(d))
            out.append(bytes(h) + fh + d)
        else:
            struct.pack_into("!H", h, 2, hl + len(d))
            struct.pack_into("!H", h, 4, fid)
            struct.pack_into("!H", h, 6, (off // 8) | (0x2000 if more else 0))
            p = IP(bytes(h) + d)
            del p.chksum                        # scapy computes it again
            out.append(raw(p))
    rng.shuffle(out)
    return out


def esp_frames(port, spi):
    with port.lock:
        return esp_frames_of(list(port.frames), spi)


def server(*cmd):
    return subprocess.run(["ip", "netns", "exec", os.environ["SERVER_NS"]] + list(cmd), capture_output=True,
                          text=True, timeout=30)


def main():
    gw, rng = Gw(), random.Random(4303)
    port = Port("p0", os.environ["GW_MAC"])
    peer_mac, srv_mac = os.environ["PEER_MAC"], os.environ["SERVER_MAC"]
    sas = {}
    lines = ["set ip neighbor wan0 %s %s" % (PEER4, peer_mac), "set ip neighbor wan0 %s %s" % (PEER6, peer_mac),
             "set ip neighbor lan0 %s %s" % (SRV4, srv_mac)]
    for j, (gwa, peer) in enumerate([(GW4, PEER4), (GW6, PEER6)]):
        kin, kout = rng.randbytes(20), rng.randbytes(20)
        spi_in, spi_out = 0x3000 + 2 * j, 0x3001 + 2 * j
        sas[j] = (PeerSA("aes-gcm-128", "none", kin[:16], kin[16:], b"", spi_in, tunnel=(peer, gwa)),
                  PeerSA("aes-gcm-128", "none", kout[:16], kout[16:], b"", spi_out, tunnel=(gwa, peer)),
                  spi_out)
        lines += ["ipsec itf create instance %d" % j, "set interface state ipsec%d up" % j,
                  "set interface unnumbered ipsec%d use wan0" % j, "ip route add %s/32 via ipsec%d" % (INNER[j], j),
                  "ipsec sa add %d spi %d esp crypto-alg aes-gcm-128 crypto-key %s tunnel-src %s tunnel-dst %s"
                  % (100 + j, spi_in, kin.hex(), peer, gwa),
                  "ipsec sa add %d spi %d esp crypto-alg aes-gcm-128 crypto-key %s tunnel-src %s tunnel-dst %s"
                  % (300 + j, spi_out, kout.hex(), gwa, peer),
                  "ipsec tunnel protect ipsec%d sa-out %d sa-in %d" % (j, 300 + j, 100 + j)]
    gw.run_lines(lines)
    gw.sync()
    err0 = gw.errors()

    # 1. ESP fragmented in transit, IPv4 and IPv6 outer headers.
    for j in (0, 1):
        peer_out, peer_in, spi_out = sas[j]
        data = b"frag%d|" % j + rng.randbytes(1100)
        inner = IP(src=INNER[j], dst=SRV4, ttl=64, id=rng.randrange(65536)) / UDP(sport=31000 + j, dport=7) / Raw(data)
        inner = IP(raw(inner))
        outer = peer_out.encrypt(inner, 1)
        port.take()
        for f in frags(outer, 304, rng):
            port.send_ip(f)
        ok = port.wait(lambda fr: len(esp_frames_of(fr, spi_out)) >= 1, 10)
        check(ok, "tunnel %d: no ESP answer to the fragmented ESP packet" % j)
        logged = [json.loads(x) for x in open(os.environ["ECHO_LOG"]) if x.strip()]
        check(any(bytes.fromhex(r["data"]) == data for r in logged), "tunnel %d: the server did not get the datagram" % j)
        if ok:
            ans = peer_in.decrypt(esp_frames(port, spi_out)[0])
            check(ans.src == SRV4 and ans.dst == INNER[j] and raw(ans[UDP].payload) == data,
                  "tunnel %d: answer %r" % (j, ans.summary()))
        s = gw.sas()[100 + j]
        check(dig(s, "counter.packets") == 1 and not sa_errors(s), "tunnel %d: inbound SA %s" % (j, s.get("counter")))
    check(gw.errors() == err0, "errors moved: %s -> %s" % (err0, gw.errors()))

    # 2. Pre-fragmentation toward the peer: path MTU 1400.
    gw.ctl("set", "interface", "mtu", "1400", "wan0")
    gw.sync()
    ifc0, sa0, err0 = gw.interfaces(), gw.sas(), gw.errors()
    port.take()
    server("ping", "-c", "1", "-W", "1", "-M", "dont", "-s", "1372", INNER[0])
    peer_out, peer_in, spi_out = sas[0]
    check(port.wait(lambda fr: len(esp_frames_of(fr, spi_out)) >= 2, 10), "pre-fragmentation: 2 ESP packets")
    time.sleep(0.5)
    got = esp_frames(port, spi_out)
    check(len(got) == 2, "pre-fragmentation: %d ESP packets, want 2" % len(got))
    pieces = []
    for e in got:
        check(len(e) <= 1400, "ESP packet of %d bytes past the MTU" % len(e))
        pieces.append(peer_in.decrypt(e))
    if len(pieces) == 2:
        pieces.sort(key=lambda p: p.frag)
        a, b = pieces
        check(a.frag == 0 and a.flags.MF and not b.flags.MF and a.id == b.id, "fragment fields %s / %s" % (a.flags, b.flags))
        da, db = raw(a)[a.ihl * 4:a.len], raw(b)[b.ihl * 4:b.len]
        check(len(da) % 8 == 0 and b.frag * 8 == len(da), "offsets: %d data bytes, then offset %d" % (len(da), b.frag * 8))
        whole = IP(src=a.src, dst=a.dst, id=a.id, ttl=a.ttl, proto=1) / Raw(da + db)
        icmp = ICMP(raw(whole[Raw]))
        check(a.src == SRV4 and a.dst == INNER[0] and icmp.type == 8 and len(da + db) == 1380,
              "reassembled: %s, %d bytes" % (icmp.summary(), len(da + db)))
    ifc1, sa1 = gw.interfaces(), gw.sas()
    check(dig(sa1[300], "counter.packets") - dig(sa0[300], "counter.packets") == 2, "SA 300: 2 packets")
    for name in ("ipsec0", "wan0"):
        check(dig(ifc1[name], "tx.packets") - dig(ifc0[name], "tx.packets") == 2, "%s: 2 transmitted" % name)
    check(gw.errors() == err0, "pre-fragmentation: errors moved: %s -> %s" % (err0, gw.errors()))

    # 3. DF set: frag-needed with the tunnel's largest inner packet.
    port.take()
    r = server("ping", "-c", "1", "-W", "1", "-M", "do", "-s", "1372", INNER[0])
    m = [ln for ln in r.stdout.splitlines() if "Frag needed" in ln]
    check(m and "mtu = 1346" in m[0], "DF set: %r" % r.stdout)
    err1, sa2 = gw.errors(), gw.sas()
    check(err1.get("mtu exceeded", 0) - err0.get("mtu exceeded", 0) == 1, "DF set: mtu exceeded once")
    check(sa_errors(sa2[300]).get("TOO_BIG", 0) == 1, "DF set: SA too big %s" % sa_errors(sa2[300]))
    check(not esp_frames(port, spi_out), "DF set: nothing encrypted")

    # 4. The same through an SPD (policy-based, tunnel-mode SA), as the seed
    #    page's loopback with an SPD: each fragment is matched and encrypted.
    key = rng.randbytes(20)
    spd_in = PeerSA("aes-gcm-128", "none", key[:16], key[16:], b"", 0x3005, tunnel=(GW4, PEER4))
    gw.run_lines(["set interface ip address loop0 198.18.0.1/31",
                  "set ip neighbor loop0 198.18.0.0 02:00:00:00:00:01",
                  "ipsec sa add 302 spi %d esp crypto-alg aes-gcm-128 crypto-key %s tunnel-src %s tunnel-dst %s"
                  % (0x3005, key.hex(), GW4, PEER4),
                  "ipsec spd add 1", "set interface ipsec spd loop0 1",
                  "ipsec policy add spd 1 priority 10 outbound action protect sa 302 "
                  "local-ip-range %s - %s remote-ip-range 192.0.2.20 - 192.0.2.20" % (SRV4, SRV4),
                  "ip route add 192.0.2.20/32 via 198.18.0.0 loop0"])
    gw.sync()
    sa0, err0 = gw.sas(), gw.errors()
    port.take()
    server("ping", "-c", "1", "-W", "1", "-M", "dont", "-s", "1372", "192.0.2.20")
    check(port.wait(lambda fr: len(esp_frames_of(fr, 0x3005)) >= 2, 10), "SPD pre-fragmentation: 2 ESP packets")
    time.sleep(0.5)
    got = esp_frames(port, 0x3005)
    check(len(got) == 2 and all(len(e) <= 1400 for e in got), "SPD: %s" % [len(e) for e in got])
    if len(got) == 2:
        a, b = sorted((spd_in.decrypt(e) for e in got), key=lambda p: p.frag)
        da, db = raw(a)[a.ihl * 4:a.len], raw(b)[b.ihl * 4:b.len]
        check(a.dst == "192.0.2.20" and a.flags.MF and b.frag * 8 == len(da) and len(da + db) == 1380 and
              ICMP(da + db).type == 8, "SPD: inner fragments")
    check(dig(gw.sas()[302], "counter.packets") - dig(sa0.get(302, {}), "counter.packets") == 2, "SA 302: 2 packets")
    check(gw.errors() == err0, "SPD pre-fragmentation: errors moved: %s -> %s" % (err0, gw.errors()))
    port.close()
    if fails:
        sys.exit(1)
    print("esp_frag: all cases passed")


def esp_frames_of(frames, spi):
    out = []
    for f in frames:
        ip = ip_of_frame(f)
        if not ip:
            continue
        try:
            if parse_esp(ip)["spi"] == spi:
                out.append(ip)
        except (ValueError, struct.error):
            pass
    return out


if __name__ == "__main__":
    main()

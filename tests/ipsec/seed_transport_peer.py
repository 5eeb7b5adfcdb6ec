#!/usr/bin/python3
"""The seed page's Ubuntu host, played by scapy (test_seed_transport.sh).

Usage: seed_transport_peer.py GW_MAC COUNT [cleartext|replay]

Holds the page's two transport-mode SAs (ipsec-tools: 0x3e8 out, 0x3e9 in,
rijndael-cbc + hmac-sha1 with the page's keys) and pings 192.0.2.3 (the
gateway) from 192.0.2.2 COUNT times, one echo request at a time as ping does,
each protected with SPI 0x3e8 and sequence numbers 1..COUNT. Every answer must
be ESP with SPI 0x3e9 and sequence number i, 136 bytes long as in the page's
tcpdump output, and decrypt to the echo reply of request i.

With "cleartext": send COUNT unprotected echo requests instead; with
"replay": the same COUNT protected requests (sequence numbers 1..COUNT) once
more. None may be answered.
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from esp_peer import IP, PeerSA, Port, ip_of_frame, parse_esp  # noqa: E402
from scapy.all import ICMP, Raw, raw  # noqa: E402

CKEY = bytes.fromhex("4a506a794f574265564551694d653768")
IKEY = bytes.fromhex("4339314b55523947594d6d3547666b45764e6a58")
PEER, GW = "192.0.2.2", "192.0.2.3"


def main():
    gw_mac, count = sys.argv[1], int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "esp"
    clear = mode == "cleartext"
    out = PeerSA("aes-cbc-128", "sha1-96", CKEY, b"", IKEY, 0x3E8)   # peer -> gateway (gw SA 20)
    inb = PeerSA("aes-cbc-128", "sha1-96", CKEY, b"", IKEY, 0x3E9)   # gateway -> peer (gw SA 10)
    port = Port("p0", gw_mac)
    errors = []
    data = bytes(range(0x10, 0x10 + 56))     # 56 data bytes: 84-byte IP packets, as ping
    for i in range(1, count + 1):
        req = IP(raw(IP(src=PEER, dst=GW, id=0x4000 + i, flags="DF") / ICMP(type=8, id=0x3E9, seq=i) / Raw(data)))
        assert len(req) == 84
        if clear:
            port.send_ip(raw(req))
            continue
        port.send_ip(out.encrypt(req, i))
        if mode == "replay":
            continue
        if not port.wait(lambda f: len(f) >= 1, 5):
            errors.append("no answer to echo request %d" % i)
            continue
        frames = port.take()
        if len(frames) != 1:
            errors.append("request %d: %d frames came back" % (i, len(frames)))
        ip = ip_of_frame(frames[0])
        try:
            p = parse_esp(ip)
            assert (p["src"], p["dst"]) == (GW, PEER), "addresses %s > %s" % (p["src"], p["dst"])
            assert p["udp"] is None, "UDP-encapsulated"
            assert p["spi"] == 0x3E9, "SPI 0x%x" % p["spi"]
            assert p["seq"] == i, "sequence number %d" % p["seq"]
            assert p["ip_len"] == 136, "length %d, the page shows 136" % p["ip_len"]
            rep = inb.decrypt(ip)
            assert IP in rep and ICMP in rep, rep.summary()
            assert (rep[IP].src, rep[IP].dst, rep[IP].proto) == (GW, PEER, 1), rep.summary()
            assert len(rep) == 84, "inner length %d" % len(rep)
            ic = rep[ICMP]
            assert (ic.type, ic.code, ic.id, ic.seq) == (0, 0, 0x3E9, i), "not the echo reply %d" % i
            assert raw(ic.payload) == data, "echo data differs"
            # checksums as sent: rebuild and compare
            assert raw(IP(raw(rep))) == raw(rep)
            chk = rep.copy()
            del chk[IP].chksum
            del chk[ICMP].chksum
            assert raw(IP(raw(chk))) == raw(rep), "checksums"
        except Exception as e:  # noqa: BLE001
            errors.append("reply %d: %r" % (i, e))
    if mode != "esp":
        port.wait(lambda f: False, 1.0)
        frames = port.take()
        if frames:
            errors.append("%d frames answered %s echo requests" % (len(frames), mode))
    else:
        port.wait(lambda f: False, 0.3)
        extra = port.take()
        if extra:
            errors.append("%d unexpected frames" % len(extra))
    port.close()
    for e in errors:
        print("FAIL:", e)
    print("peer: %d echo requests (%s), %d errors" % (count, mode, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

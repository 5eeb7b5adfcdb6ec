#!/usr/bin/python3
"""Check what a gateway sent in bench/ipsec/run.sh's verification run.

   verify.py OUT enc|dec SIZE CRYPTO INTEG CKEY_HEX IKEY_HEX SPI WHO

OUT is the tx_pcap sink of the cleartext-side (dec) or ESP-side (enc) port
after the capture of mkpcap.py was sent once. enc: every frame must be ESP
198.51.100.1 -> 198.51.100.2 with SPI SPI and sequence numbers 1..N in
order, and decrypt (scapy) to the input packet of that index. dec: every
frame must be the input packet of its index. Both: all N packets, to the
next hop's MAC; the inner TTL may be decremented (routed) or not
(ipsec-secgw does not), with a valid header checksum. Exit 1 on any
difference.
"""
import sys

from scapy.all import IP, Ether, rdpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

from mkpcap import inner_packets

NH_MAC = "02:00:00:00:00:02"


def same_packet(got, ref):
    """got == ref but for the TTL (equal or one less) and the header
    checksum (valid). Returns the TTL or an error string."""
    g, r = bytearray(bytes(got)), bytearray(bytes(ref))
    if len(g) != len(r):
        return "length %d, expected %d" % (len(g), len(r))
    chk = IP(bytes(g))
    c0 = chk.chksum
    del chk.chksum
    if IP(bytes(chk)).chksum != c0:
        return "bad header checksum"
    ttl = g[8]
    if ttl not in (r[8], r[8] - 1):
        return "ttl %d" % ttl
    for b in (g, r):
        b[8] = 0
        b[10] = b[11] = 0
    if g != r:
        return "content differs"
    return ttl


def main():
    out, mode, size, crypto, integ, ckey, ikey, spi, who = sys.argv[1:10]
    ref = inner_packets(size)
    try:
        frames = rdpcap(out)
    except (OSError, EOFError) as x:  # no capture: the gateway sent nothing
        print("%s %s %s: %s" % (who, mode, size, x), file=sys.stderr)
        frames = []
    errs, ttls, good = [], set(), 0
    if len(frames) != len(ref):
        errs.append("%d frames, expected %d" % (len(frames), len(ref)))
    sa = SecurityAssociation(ESP, spi=int(spi), crypt_algo=crypto,
                             crypt_key=bytes.fromhex(ckey) if ckey != "-" else b"",
                             auth_algo=integ, auth_key=bytes.fromhex(ikey) if ikey != "-" else b"",
                             tunnel_header=IP(src="198.51.100.1", dst="198.51.100.2"))
    for i, fr in enumerate(frames[:len(ref)]):
        e = Ether(bytes(fr))
        if e.dst != NH_MAC or e.type != 0x0800:
            errs.append("frame %d: to %s type %#x" % (i, e.dst, e.type))
            continue
        ip = e[IP]
        if mode == "enc":
            if ip.src != "198.51.100.1" or ip.dst != "198.51.100.2" or ip.proto != 50:
                errs.append("frame %d: outer %s -> %s proto %d" % (i, ip.src, ip.dst, ip.proto))
                continue
            esp = ip[ESP]
            if esp.spi != int(spi) or esp.seq != i + 1:
                errs.append("frame %d: spi %d seq %d" % (i, esp.spi, esp.seq))
                continue
            try:
                inner = sa.decrypt(IP(bytes(ip)))
            except Exception as x:  # noqa: BLE001 - any failure is a finding
                errs.append("frame %d: decrypt: %s" % (i, x))
                continue
        else:
            inner = ip
        r = same_packet(inner, ref[i])
        if isinstance(r, str):
            errs.append("frame %d: %s" % (i, r))
        else:
            ttls.add(r)
            good += 1
    for x in errs[:10]:
        print("%s %s %s: %s" % (who, mode, size, x), file=sys.stderr)
    print("verify %s %s %s %s: %d/%d frames%s, inner TTL %s: %s" % (
        who, mode, size, crypto, good, len(ref),
        ", ESP seq 1..%d, decrypted by scapy" % len(ref) if mode == "enc" else "",
        "/".join(str(t) for t in sorted(ttls)), "FAIL" if errs else "ok"))
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()

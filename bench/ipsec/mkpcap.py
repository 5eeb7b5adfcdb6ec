#!/usr/bin/python3
"""Input captures for bench/ipsec/run.sh.

   mkpcap.py OUT enc|dec SIZE CRYPTO INTEG CKEY_HEX IKEY_HEX SPI

SIZE is the inner IPv4 packet's length in bytes (the frame is 14 bytes
more): 64, 1420, or "imix" = 7:4:1 of 64, 576 and 1420 in the order
bench/esp/esp_bench.c uses (64 576 64 64 576 64 1420 64 576 64 64 576), the
same mix as the crypto-only figure. Packets are UDP 198.18.0.2 ->
198.18.1.0-255 (one flow per destination), sent to net_pcap0's MAC.

enc: the cleartext packets. dec: the same packets encrypted by scapy (an
ESP implementation independent of both gateways) in tunnel mode,
198.51.100.2 -> 198.51.100.1, SPI SPI, sequence numbers 1..N (the receiving
SA must not check replay: the capture is replayed forever).
CRYPTO: scapy's name (AES-GCM, AES-CBC, AES-CTR, DES, 3DES, NULL); CKEY
carries the 4-byte salt of AES-GCM/AES-CTR at its end, as RFC 4106/3686 and
the ipsecctl/ipsec-secgw key syntax do. INTEG: HMAC-SHA1-96 or NULL.
"""
import sys

from scapy.all import IP, UDP, Ether, Raw, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

IMIX = [64, 576, 64, 64, 576, 64, 1420, 64, 576, 64, 64, 576]
GW_MAC = "02:70:63:61:70:00"    # net_pcap0
PEER_MAC = "02:00:00:00:00:01"


def inner_packets(size):
    """The cleartext IPv4 packets of a capture of SIZE (also verify.py's
    reference)."""
    sizes = IMIX * 21 if size == "imix" else [int(size)] * 256
    inner = []
    for i, n in enumerate(sizes):
        p = IP(src="198.18.0.2", dst="198.18.1.%d" % (i % 256), ttl=64, id=i) / UDP(sport=1024 + i % 256, dport=9)
        p = p / Raw(b"\xa5" * (n - len(p)))
        inner.append(IP(bytes(p)))
        assert len(inner[-1]) == n
    return inner


def main():
    out, mode, size, crypto, integ, ckey, ikey, spi = sys.argv[1:9]
    inner = inner_packets(size)
    if mode == "enc":
        frames = [Ether(dst=GW_MAC, src=PEER_MAC) / p for p in inner]
    else:
        sa = SecurityAssociation(ESP, spi=int(spi), crypt_algo=crypto,
                                 crypt_key=bytes.fromhex(ckey) if ckey != "-" else b"",
                                 auth_algo=integ, auth_key=bytes.fromhex(ikey) if ikey != "-" else b"",
                                 tunnel_header=IP(src="198.51.100.2", dst="198.51.100.1", ttl=64))
        frames = []
        for seq, p in enumerate(inner, 1):
            e = IP(bytes(sa.encrypt(p, seq_num=seq)))
            frames.append(Ether(dst=GW_MAC, src=PEER_MAC) / e)
    wrpcap(out, frames)


if __name__ == "__main__":
    main()

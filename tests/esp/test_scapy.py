#!/usr/bin/python3
"""Conformance of the ESP core with scapy's independent ESP implementation.

For every algorithm pair below x {tunnel 4in4, 6in6, 4in6, 6in4, transport 4,
transport 6} x ESN on/off x UDP encapsulation on/off x engine {ipsec-mb,
openssl, and for AES-GCM the native engine where the CPU has it}:
  - a packet scapy encrypts is decrypted by esp_tool to the original bytes;
  - a packet esp_tool encrypts is decrypted by scapy to the original bytes,
    after its outer headers (addresses, SPI, sequence number, UDP ports,
    length and checksum) were checked here.

Three additions to scapy 2.5, all defined below:
  - SHA2-256-96 (sha-256-96) is not in scapy's table: one AuthAlgo line.
  - scapy leaves the high 32 bits of an extended sequence number out of the
    ICV of non-AEAD ESP (it uses them only for AH and for GCM's AAD), but RFC
    4303 §2.2.1 puts them in. EsnAuth appends them; a control check shows
    that, for packets whose seq-hi is not 0, scapy's unpatched verify rejects
    our packets, i.e. the high bits really are authenticated.
  - scapy freezes the UDP length of IPv4 UDP-encapsulated packets at 8;
    fix_natt4_len() corrects it before esp_tool sees the packet.

Run: /usr/bin/python3 test_scapy.py PATH/TO/esp_tool   (CTest does this)
"""
import random
import struct
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.hmac import HMAC  # noqa: E402
from scapy.all import IP, IPv6, TCP, UDP, Raw, raw  # noqa: E402
from scapy.layers import ipsec  # noqa: E402
from scapy.layers.inet6 import in6_chksum  # noqa: E402
from scapy.layers.ipsec import ESP, AuthAlgo, IPSecIntegrityError, SecurityAssociation  # noqa: E402

ipsec.AUTH_ALGOS["SHA2-256-96"] = AuthAlgo("SHA2-256-96", mac=HMAC, digestmod=hashes.SHA256, icv_size=12)


class EsnAuth(AuthAlgo):
    """An AuthAlgo whose ESP ICV covers seq-hi (RFC 4303 §2.2.1)."""

    def __init__(self, base, seq_hi):
        self.__dict__.update(base.__dict__)
        self.seq_hi = seq_hi

    def _mac(self, esp_bytes, key):
        mac = self.new_mac(key)
        mac.update(esp_bytes + struct.pack("!L", self.seq_hi))
        return mac.finalize()[: self.icv_size]

    def sign(self, pkt, key, esn_en=False, esn=0):
        if not self.mac:
            return pkt
        pkt[ESP].data += self._mac(raw(pkt[ESP]), key)
        return pkt

    def verify(self, pkt, key, esn_en=False, esn=0):
        if not self.mac or self.icv_size == 0:
            return
        icv = pkt.data[len(pkt.data) - self.icv_size:]
        clone = pkt.copy()
        clone.data = clone.data[: len(clone.data) - self.icv_size]
        if self._mac(raw(clone), key) != icv:
            raise IPSecIntegrityError("ICV mismatch (with seq-hi)")


CRYPTO = {  # ours: (scapy name, key bytes, salt bytes)
    "none": ("NULL", 0, 0), "aes-cbc-128": ("AES-CBC", 16, 0), "aes-cbc-192": ("AES-CBC", 24, 0),
    "aes-cbc-256": ("AES-CBC", 32, 0), "aes-ctr-128": ("AES-CTR", 16, 4), "aes-ctr-192": ("AES-CTR", 24, 4),
    "aes-ctr-256": ("AES-CTR", 32, 4), "aes-gcm-128": ("AES-GCM", 16, 4), "aes-gcm-192": ("AES-GCM", 24, 4),
    "aes-gcm-256": ("AES-GCM", 32, 4), "des-cbc": ("DES", 8, 0), "3des-cbc": ("3DES", 24, 0),
}
INTEG = {  # ours: (scapy name, key bytes)
    "none": (None, 0), "md5-96": ("HMAC-MD5-96", 16), "sha1-96": ("HMAC-SHA1-96", 20),
    "sha-256-96": ("SHA2-256-96", 32), "sha-256-128": ("SHA2-256-128", 32),
    "sha-384-192": ("SHA2-384-192", 48), "sha-512-256": ("SHA2-512-256", 64),
}
# every cipher with integrity algorithms in rotation, GCM alone, and null
# encryption with every integrity algorithm
PAIRS = [
    ("aes-cbc-128", "sha1-96"), ("aes-cbc-192", "sha-256-128"), ("aes-cbc-256", "sha-512-256"),
    ("aes-cbc-128", "md5-96"), ("aes-cbc-256", "sha-384-192"), ("aes-cbc-192", "sha-256-96"),
    ("aes-ctr-128", "sha-256-96"), ("aes-ctr-192", "md5-96"), ("aes-ctr-256", "sha-384-192"),
    ("aes-gcm-128", "none"), ("aes-gcm-192", "none"), ("aes-gcm-256", "none"),
    ("des-cbc", "sha1-96"), ("3des-cbc", "sha-256-128"), ("3des-cbc", "md5-96"),
    ("none", "md5-96"), ("none", "sha1-96"), ("none", "sha-256-96"), ("none", "sha-256-128"),
    ("none", "sha-384-192"), ("none", "sha-512-256"),
]
# name: (inner IPv6?, tunnel outer: None = transport, 4 or 6)
MODES = {"tunnel-4in4": (False, 4), "tunnel-6in6": (True, 6), "tunnel-4in6": (False, 6),
         "tunnel-6in4": (True, 4), "transport-4": (False, None), "transport-6": (True, None)}
ENGINES = ["imb", "ossl"]


def native_available(tool):
    """Whether esp_tool's engine table has a native cost for aes-gcm-128."""
    out = subprocess.run([tool, "--engines"], capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "aes-gcm-128":
            return f[-1] != "-"
    return False
T4 = ("192.0.2.1", "192.0.2.2")
T6 = ("2001:db8::1", "2001:db8::2")


def inner_packet(rng, v6):
    payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300)))
    l4 = UDP(sport=rng.randrange(1024, 65535), dport=53) if rng.random() < 0.7 else \
        TCP(sport=rng.randrange(1024, 65535), dport=443, flags="PA", seq=rng.getrandbits(32))
    if v6:
        ip = IPv6(src="2001:db8:1::10", dst="2001:db8:2::20", tc=rng.choice([0, 0x20, 0xb8]), hlim=61)
    else:
        ip = IP(src="198.51.100.10", dst="203.0.113.20", tos=rng.choice([0, 0x20, 0xb8]),
                id=rng.getrandbits(16), flags=rng.choice(["", "DF"]), ttl=61)
    return ip.__class__(raw(ip / l4 / Raw(payload)))


class Case:
    def __init__(self, n, rng, crypto, integ, mode, esn, udp, engine):
        self.n, self.crypto, self.integ, self.mode, self.esn, self.udp, self.engine = \
            n, crypto, integ, mode, esn, udp, engine
        self.inner_v6, self.outer = MODES[mode]
        cname, klen, slen = CRYPTO[crypto]
        iname, iklen = INTEG[integ]
        self.ckey = bytes(rng.getrandbits(8) for _ in range(klen))
        self.salt = bytes(rng.getrandbits(8) for _ in range(slen))
        self.ikey = bytes(rng.getrandbits(8) for _ in range(iklen))
        self.spi = rng.randrange(256, 2**32)
        # sequence numbers: plain; ESN with seq-hi 1 inferred from a top in
        # subspace 1; ESN with seq-hi 0 behind a top that already wrapped
        variant = n % 3 if esn else 0
        self.seq64, self.top = [(rng.randrange(2, 2**31), 0), ((1 << 32) | 5, (1 << 32) | 2),
                                (0xfffffff0, (1 << 32) | 2)][variant]
        if not esn:
            self.top = self.seq64 - 1
        self.pkt = inner_packet(rng, self.inner_v6)
        self.tsrc, self.tdst = (T6 if self.outer == 6 else T4) if self.outer else (None, None)
        self.cname, self.iname = cname, iname

    def label(self):
        return "#%d %s/%s %s esn=%d udp=%d %s" % (self.n, self.crypto, self.integ, self.mode, self.esn,
                                                  self.udp, self.engine)

    def scapy_sa(self, patched=True):
        hdr = None
        if self.outer == 4:
            hdr = IP(src=self.tsrc, dst=self.tdst)
        elif self.outer == 6:
            hdr = IPv6(src=self.tsrc, dst=self.tdst)
        sa = SecurityAssociation(
            ESP, spi=self.spi, seq_num=self.seq64 & 0xffffffff, crypt_algo=self.cname,
            crypt_key=(self.ckey + self.salt) if self.cname != "NULL" else None,
            auth_algo=self.iname, auth_key=self.ikey if self.iname else None, tunnel_header=hdr,
            nat_t_header=UDP(sport=4500, dport=4500) if self.udp else None,
            esn_en=bool(self.esn), esn=self.seq64 >> 32)
        if patched and self.esn and self.iname:
            sa.auth_algo = EsnAuth(sa.auth_algo, self.seq64 >> 32)
        return sa

    def request(self, op, pkt_bytes):
        t = ["op=" + op, "engine=" + self.engine, "crypto=" + self.crypto, "integ=" + self.integ,
             "spi=%d" % self.spi, "mode=" + ("tunnel" if self.outer else "transport"),
             "esn=%d" % self.esn, "udp=%d" % self.udp, "seq=%d" % self.seq64, "top=%d" % self.top]
        if self.ckey:
            t.append("ckey=" + self.ckey.hex())
        if self.salt:
            t.append("salt=" + self.salt.hex())
        if self.ikey:
            t.append("ikey=" + self.ikey.hex())
        if self.outer:
            t += ["tsrc=" + self.tsrc, "tdst=" + self.tdst]
        if self.udp:
            t += ["sport=4500", "dport=4500"]
        return " ".join(t + ["pkt=" + pkt_bytes.hex()]) + "\n"


def fix_natt4_len(pkt):
    """scapy 2.5 serialises the IPv4 header of a UDP-encapsulated packet
    before it appends ESP, which freezes the UDP length at 8. Set the length
    the packet really has (the checksum is 0, RFC 3948 §2.1)."""
    if (pkt[0] >> 4) == 4 and pkt[9] == 17:
        hl = (pkt[0] & 15) * 4
        pkt = pkt[:hl + 4] + struct.pack("!H", len(pkt) - hl) + pkt[hl + 6:]
    return pkt


def check_outer(c, out):
    """Outer headers of esp_tool's output; returns it with the UDP header cut
    out (scapy 2.5 cannot decrypt IPv6 transport mode behind UDP)."""
    v6 = (out[0] >> 4) == 6
    pkt = IPv6(out) if v6 else IP(out)
    if c.outer:
        assert v6 == (c.outer == 6), "outer family"
        assert (pkt.src, pkt.dst) == (c.tsrc, c.tdst), "tunnel addresses"
    else:
        assert v6 == c.inner_v6, "transport family"
    nh = pkt.nh if v6 else pkt.proto
    hl = 40 if v6 else pkt.ihl * 4
    if c.udp:
        assert nh == 17, "UDP expected"
        u = UDP(out[hl:hl + 8])
        assert (u.sport, u.dport) == (4500, 4500), "UDP ports"
        assert u.len == len(out) - hl, "UDP length"
        if v6:
            # RFC 8200 §8.1 / RFC 768: a computed checksum of 0 goes on the wire
            # as 0xffff (in6_chksum returns the raw 0); with a random IV that is
            # one packet in 65535
            want = in6_chksum(17, pkt, out[hl:hl + 6] + b"\0\0" + out[hl + 8:]) or 0xffff
            assert u.chksum == want, "IPv6 UDP checksum %#06x, expected %#06x" % (u.chksum, want)
        else:
            assert u.chksum == 0, "IPv4 UDP checksum must be 0"
        ip = bytearray(out[:hl])
        if v6:
            ip[6] = 50
            struct.pack_into("!H", ip, 4, len(out) - 48)
        else:
            ip[9] = 50
            struct.pack_into("!H", ip, 2, len(out) - 8)
        out = bytes(ip) + out[hl + 8:]
    else:
        assert nh == 50, "ESP expected"
    spi, seq = struct.unpack("!LL", out[hl:hl + 8])
    assert spi == c.spi and seq == c.seq64 & 0xffffffff, "SPI/seq"
    return IPv6(out) if v6 else IP(out)


def main():
    tool = sys.argv[1]
    rng = random.Random(4303)
    native = native_available(tool)
    cases = []
    for crypto, integ in PAIRS:
        engines = ENGINES + (["native"] if native and crypto.startswith("aes-gcm") else [])
        for mode in MODES:
            for esn in (0, 1):
                for udp in (0, 1):
                    for engine in engines:
                        cases.append(Case(len(cases), rng, crypto, integ, mode, esn, udp, engine))
    lines = []
    for c in cases:
        c.scapy_enc = fix_natt4_len(raw(c.scapy_sa().encrypt(c.pkt)))
        lines.append(c.request("dec", c.scapy_enc))
        lines.append(c.request("enc", raw(c.pkt)))
    # controls: the same scapy packets under a wrong key must not decrypt
    controls = [c for c in cases if c.n % 16 == 0]
    for c in controls:
        key = "ikey=" + c.ikey.hex() if c.ikey else "ckey=" + c.ckey.hex()
        bad = key[:5] + ("%02x" % (int(key[5:7], 16) ^ 1)) + key[7:]
        lines.append(c.request("dec", c.scapy_enc).replace(key, bad))
    res = subprocess.run([tool], input="".join(lines), capture_output=True, text=True, timeout=600)
    answers = res.stdout.splitlines()
    if res.returncode != 0 or len(answers) != len(lines):
        print("esp_tool failed (rc %d, %d answers for %d requests): %s" %
              (res.returncode, len(answers), len(lines), res.stderr[-2000:]))
        return 1
    fail = esn_controls = 0
    for i, c in enumerate(cases):
        dec, enc = answers[2 * i], answers[2 * i + 1]
        # scapy -> esp_tool
        if not dec.startswith("ok ") or bytes.fromhex(dec[3:]) != raw(c.pkt):
            print("FAIL scapy->esp_tool %s: %s" % (c.label(), dec[:120]))
            fail += 1
        # esp_tool -> scapy
        try:
            assert enc.startswith("ok "), enc[:120]
            out = raw(check_outer(c, bytes.fromhex(enc[3:])))
            cls = IPv6 if (out[0] >> 4) == 6 else IP
            back = c.scapy_sa().decrypt(cls(out))       # decrypt() consumes its argument
            assert raw(back) == raw(c.pkt), "decrypted packet differs"
            if c.esn and c.iname and c.seq64 >> 32:
                try:
                    c.scapy_sa(patched=False).decrypt(cls(out))
                    raise AssertionError("ICV verified without seq-hi")
                except IPSecIntegrityError:
                    esn_controls += 1
        except Exception as e:  # noqa: BLE001
            print("FAIL esp_tool->scapy %s: %r" % (c.label(), e))
            fail += 1
    for j, c in enumerate(controls):
        a = answers[2 * len(cases) + j]
        if a != "drop INTEGRITY":
            print("FAIL control (wrong key) %s: %s" % (c.label(), a[:80]))
            fail += 1
    print("scapy conformance: %d cases (%d algorithm pairs x %d modes x ESN x UDP x %d engines%s), "
          "%d directions each; %d failures; %d seq-hi controls, %d wrong-key controls" %
          (len(cases), len(PAIRS), len(MODES), len(ENGINES),
           ", and the native engine for AES-GCM" if native else "", 2, fail, esn_controls, len(controls)))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())

"""The other end of the gateway's SAs, built on scapy's ESP (the independent
implementation of TESTING.md), for the namespace tests in this directory.

- PeerSA: one SA as the peer holds it (algorithms, keys, SPI, mode, ESN, UDP
  encapsulation), with encrypt(inner, seq64) -> outer IP bytes and
  decrypt(outer) -> inner packet. Sequence numbers are 64-bit: with ESN the
  high half goes into the ICV (non-AEAD) or the AAD (GCM); the low half on
  the wire.
- parse_esp(ip_bytes): outer header fields of an ESP (or ESP-in-UDP) packet.
- Port: raw AF_PACKET socket on the peer's veth, a receiver thread keeping
  every frame the gateway sent.

scapy 2.5 needs the same three additions as tests/esp/test_scapy.py: an
AuthAlgo for sha-256-96, seq-hi in non-AEAD ICVs (EsnAuth), and correct UDP
headers for UDP encapsulation (built here by hand rather than by scapy).
Run with /usr/bin/python3 (the PATH python3 has no scapy).
"""
import os
import socket
import struct
import threading
import time
import warnings

warnings.filterwarnings("ignore")
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.hmac import HMAC  # noqa: E402
from scapy.all import IP, Ether, IPv6, raw  # noqa: E402
from scapy.layers import ipsec  # noqa: E402
from scapy.layers.inet6 import in6_chksum  # noqa: E402
from scapy.layers.ipsec import ESP, AuthAlgo, IPSecIntegrityError, SecurityAssociation  # noqa: E402

ipsec.AUTH_ALGOS["SHA2-256-96"] = AuthAlgo("SHA2-256-96", mac=HMAC, digestmod=hashes.SHA256, icv_size=12)

CRYPTO = {  # CLI name: (scapy name, key bytes, salt bytes, IV bytes, CBC?)
    "none": ("NULL", 0, 0, 0, False), "aes-cbc-128": ("AES-CBC", 16, 0, 16, True),
    "aes-cbc-192": ("AES-CBC", 24, 0, 16, True), "aes-cbc-256": ("AES-CBC", 32, 0, 16, True),
    "aes-ctr-128": ("AES-CTR", 16, 4, 8, False), "aes-ctr-192": ("AES-CTR", 24, 4, 8, False),
    "aes-ctr-256": ("AES-CTR", 32, 4, 8, False), "aes-gcm-128": ("AES-GCM", 16, 4, 8, False),
    "aes-gcm-192": ("AES-GCM", 24, 4, 8, False), "aes-gcm-256": ("AES-GCM", 32, 4, 8, False),
    "des-cbc": ("DES", 8, 0, 8, True), "3des-cbc": ("3DES", 24, 0, 8, True),
}
INTEG = {  # CLI name: (scapy name, key bytes, ICV bytes)
    "none": (None, 0, 0), "md5-96": ("HMAC-MD5-96", 16, 12), "sha1-96": ("HMAC-SHA1-96", 20, 12),
    "sha-256-96": ("SHA2-256-96", 32, 12), "sha-256-128": ("SHA2-256-128", 32, 16),
    "sha-384-192": ("SHA2-384-192", 48, 24), "sha-512-256": ("SHA2-512-256", 64, 32),
}


class EsnAuth(AuthAlgo):
    """An AuthAlgo whose ESP ICV covers seq-hi (RFC 4303 §2.2.1); set
    .seq_hi before each sign/verify."""

    def __init__(self, base):
        self.__dict__.update(base.__dict__)
        self.seq_hi = 0

    def _mac(self, esp_bytes, key):
        mac = self.new_mac(key)
        mac.update(esp_bytes + struct.pack("!L", self.seq_hi))
        return mac.finalize()[: self.icv_size]

    def sign(self, pkt, key, esn_en=False, esn=0):
        pkt[ESP].data += self._mac(raw(pkt[ESP]), key)
        return pkt

    def verify(self, pkt, key, esn_en=False, esn=0):
        icv = pkt.data[len(pkt.data) - self.icv_size:]
        clone = pkt.copy()
        clone.data = clone.data[: len(clone.data) - self.icv_size]
        if self._mac(raw(clone), key) != icv:
            raise IPSecIntegrityError("ICV mismatch (with seq-hi)")


def in_cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


class PeerSA:
    """tunnel: (src, dst) of the outer header as this SA sends, or None for
    transport mode. udp: (sport, dport) for UDP encapsulation, or None."""

    def __init__(self, crypto, integ, ckey, salt, ikey, spi, tunnel=None, esn=False, udp=None):
        self.crypto, self.integ, self.ckey, self.salt, self.ikey = crypto, integ, ckey, salt, ikey
        self.spi, self.tunnel, self.esn, self.udp = spi, tunnel, esn, udp
        cname, _, _, self.iv_len, self.cbc = CRYPTO[crypto]
        iname, _, icv = INTEG[integ]
        self.icv_len = 16 if cname == "AES-GCM" else icv
        hdr = None
        if tunnel:
            hdr = IPv6(src=tunnel[0], dst=tunnel[1]) if ":" in tunnel[0] else IP(src=tunnel[0], dst=tunnel[1])
        self.sa = SecurityAssociation(
            ESP, spi=spi, crypt_algo=cname, crypt_key=(ckey + salt) if cname != "NULL" else None,
            auth_algo=iname, auth_key=ikey if iname else None, tunnel_header=hdr, esn_en=bool(esn), esn=0)
        if esn and iname:
            self.sa.auth_algo = EsnAuth(self.sa.auth_algo)

    def cli_keys(self):
        """The key words of `ipsec sa add` for this SA."""
        w = ["crypto-alg", self.crypto]
        if self.crypto != "none":
            w += ["crypto-key", (self.ckey + self.salt).hex()]
        if self.integ != "none":
            w += ["integ-alg", self.integ, "integ-key", self.ikey.hex()]
        if self.esn:
            w.append("esn")
        if self.udp:
            w += ["udp-encap", "udp-src-port", str(self.udp[1]), "udp-dst-port", str(self.udp[0])]
        return w

    def _hi(self, hi):
        self.sa.esn = hi
        if isinstance(self.sa.auth_algo, EsnAuth):
            self.sa.auth_algo.seq_hi = hi

    def encrypt(self, inner, seq64, iv=None, hi=None):
        """Outer IP packet (bytes) carrying inner (a scapy IP/IPv6 packet)
        with sequence number seq64; hi: the seq-hi to authenticate instead
        of seq64's (ESN)."""
        self._hi((seq64 >> 32 if hi is None else hi) if self.esn else 0)
        lo = seq64 & 0xffffffff
        if lo:
            out = raw(self.sa.encrypt(inner, seq_num=lo, iv=iv))
        else:       # scapy takes seq_num=0 for "not given": use its counter
            self.sa.seq_num = 0
            out = raw(self.sa.encrypt(inner, iv=iv))
        return add_udp(out, self.udp) if self.udp else out

    def decrypt(self, outer, seq_hi=0):
        """Inner packet (scapy) of outer IP bytes (ESP or ESP in UDP);
        raises on a bad ICV."""
        p = parse_esp(outer)
        self._hi(seq_hi if self.esn else 0)
        b = p["esp_ip"]
        return self.sa.decrypt(IPv6(b) if p["v6"] else IP(b))


def add_udp(ip_esp, ports):
    """Insert a UDP header (RFC 3948) between the IP header and ESP:
    checksum 0 over IPv4, computed over IPv6."""
    v6 = (ip_esp[0] >> 4) == 6
    hl = 40 if v6 else (ip_esp[0] & 15) * 4
    esp = ip_esp[hl:]
    ulen = 8 + len(esp)
    u = struct.pack("!HHHH", ports[0], ports[1], ulen, 0) + esp
    h = bytearray(ip_esp[:hl])
    if v6:
        h[6] = 17
        struct.pack_into("!H", h, 4, ulen)
        ck = in6_chksum(17, IPv6(bytes(h)), u) or 0xffff
        u = u[:6] + struct.pack("!H", ck) + u[8:]
    else:
        h[9] = 17
        struct.pack_into("!H", h, 2, hl + ulen)
        struct.pack_into("!H", h, 10, 0)
        struct.pack_into("!H", h, 10, in_cksum(bytes(h)))
    return bytes(h) + u


def parse_esp(ip):
    """dict: v6, src, dst, udp (sport, dport, len, cksum) or None, spi, seq,
    esp (ESP header on), esp_ip (the packet with the UDP header cut out)."""
    v6 = (ip[0] >> 4) == 6
    if v6:
        pkt = IPv6(ip)
        hl, nh = 40, ip[6]
    else:
        pkt = IP(ip)
        hl, nh = (ip[0] & 15) * 4, ip[9]
    r = {"v6": v6, "src": pkt.src, "dst": pkt.dst, "udp": None, "ip_len": len(ip)}
    if nh == 17:
        sport, dport, ulen, ck = struct.unpack("!HHHH", ip[hl:hl + 8])
        r["udp"] = (sport, dport, ulen, ck)
        if v6:
            r["udp_ck_ok"] = ck != 0 and in6_chksum(17, pkt, ip[hl:hl + 6] + b"\0\0" + ip[hl + 8:]) == ck
        else:
            r["udp_ck_ok"] = ck == 0
        h = bytearray(ip[:hl])
        if v6:
            h[6] = 50
            struct.pack_into("!H", h, 4, len(ip) - 48)
        else:
            h[9] = 50
            struct.pack_into("!H", h, 2, len(ip) - 8)
            struct.pack_into("!H", h, 10, 0)
            struct.pack_into("!H", h, 10, in_cksum(bytes(h)))
        ip = bytes(h) + ip[hl + 8:]
    elif nh != 50:
        raise ValueError("not ESP: next header %d" % nh)
    r["spi"], r["seq"] = struct.unpack("!LL", ip[hl:hl + 8])
    r["esp"] = ip[hl:]
    r["esp_ip"] = ip
    return r


class Port:
    """The peer's veth: send Ethernet frames, keep every frame received."""

    def __init__(self, iface, gw_mac):
        self.iface = iface
        self.mac = open("/sys/class/net/%s/address" % iface).read().strip()
        self.gw_mac = gw_mac
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.s.bind((iface, 0))
        self.frames = []
        self.lock = threading.Lock()
        self.stop = False
        self.t = threading.Thread(target=self._rx, daemon=True)
        self.s.settimeout(0.1)
        self.t.start()

    def _rx(self):
        while not self.stop:
            try:
                data, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            with self.lock:
                self.frames.append(data)

    def send_ip(self, ip_bytes):
        et = 0x86DD if (ip_bytes[0] >> 4) == 6 else 0x0800
        self.s.send(bytes.fromhex(self.gw_mac.replace(":", "")) + bytes.fromhex(self.mac.replace(":", "")) +
                    struct.pack("!H", et) + ip_bytes)

    def take(self):
        """The frames received so far (and forget them)."""
        with self.lock:
            f, self.frames = self.frames, []
        return f

    def wait(self, pred, timeout):
        """Wait until pred(list of frames received so far) holds."""
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if pred(self.frames):
                    return True
            time.sleep(0.02)
        with self.lock:
            return pred(self.frames)

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()


def ip_of_frame(f):
    """The IP packet of an Ethernet frame, or None."""
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x0800 and len(f) >= 34:
        return f[14:14 + struct.unpack("!H", f[16:18])[0]]
    if et == 0x86DD and len(f) >= 54:
        return f[14:54 + struct.unpack("!H", f[18:20])[0]]
    return None


def ether(f):
    return Ether(f)


def rand(n):
    return os.urandom(n)


class Gw:
    """The gateway's CLI, from the helpers: GW_CTL is the ipsecctl command
    line (words separated by blanks), SERVER_NS the server's namespace (for
    sync's ping), T the test's directory."""

    def __init__(self):
        self.cmd = os.environ["GW_CTL"].split()
        self.server_ns = os.environ["SERVER_NS"]
        self.tmp = os.environ["T"]
        self.n_sync = 0
        self.n_file = 0

    def ctl(self, *words, check=True):
        import subprocess
        r = subprocess.run(self.cmd + list(words), capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError("ipsecctl %s: rc %d: %s%s" % (" ".join(words), r.returncode, r.stdout, r.stderr))
        return r.stdout

    def json(self, *words):
        import json
        return json.loads(self.ctl("--json", *words))

    def run_lines(self, lines):
        """Apply configuration lines with ipsecctl -f (batches)."""
        self.n_file += 1
        path = os.path.join(self.tmp, "cfg-%d.cli" % self.n_file)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.ctl("-f", path)

    def sync(self):
        """Wait until the dataplane's snapshot holds every change made so
        far: add an address to loop0 and wait for the server's ping of it."""
        import subprocess
        self.n_sync += 1
        a = "198.18.2.%d" % self.n_sync
        self.ctl("set", "interface", "ip", "address", "loop0", a + "/32")
        end = time.time() + 30
        while time.time() < end:
            if subprocess.run(["ip", "netns", "exec", self.server_ns, "ping", "-c", "1", "-W", "1", a],
                              capture_output=True).returncode == 0:
                return
        raise RuntimeError("the dataplane did not take up the configuration (no answer from %s)" % a)

    # The peers' kernels send IPv6 router solicitations and MLD reports on
    # their own schedule: that reason is left out (lib.sh's errors_exact too).
    NOISE = "multicast or broadcast not handled"

    def errors(self):
        return {e["reason"]: int(e.get("count", 0)) for e in self.json("show", "errors")["errors"]
                if e["reason"] != self.NOISE}

    def sas(self):
        return {s["spec"]["sa_id"]: s for s in self.json("show", "ipsec", "sa")["sas"]}

    def interfaces(self):
        return {i["name"]: i for i in self.json("show", "interface")["interfaces"]}


def sa_errors(sa):
    """{reason: count} of a `show ipsec sa` JSON SA, zeros left out."""
    return {e["reason"]: int(e.get("count", 0)) for e in sa.get("errors", []) if int(e.get("count", 0))}


def dig(d, path, default=0):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d

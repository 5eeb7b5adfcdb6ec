#!/usr/bin/python3
"""ESP conformance through the dataplane, scapy as the other gateway
(test_esp_conformance.sh runs it in the peer's namespace).

  peer (scapy)  203.0.113.2 / 2001:db8:e::2  ==== wan0  gateway  lan0 ---- server 198.51.100.2 / 2001:db8:5::2
  inner hosts behind the peer: 192.0.2.(10+slot), 2001:db8:c::(100+slot)
  transport-mode peers:        203.0.113.(10+slot), 2001:db8:e::(100+slot)

Cases: every cipher with one integrity algorithm, aes-cbc-128 with every one,
AES-GCM alone, null encryption with integrity (17 pairs) x {tunnel 4in4,
6in6, 4in6, 6in4 through a route-based ipsecN interface; transport 4 and 6
through SPD 1 on wan0} x ESN off/on, and 9 UDP-encapsulated cases (one with a
peer port other than 4500, two where the gateway receives ESP in UDP on a
port of the inbound SA's own, its udp-dst-port). They run in 4 groups; between groups the SAs,
tunnel protections and policies are deleted and re-created through ipsecctl
(same SA ids and slots, new SPIs, keys and algorithms), the processes keep
running.

Per case:
  - scapy encrypts K packets to the gateway (ESN off: sequence numbers 1, 2,
    3; ESN on: 1, 2^31, 2^32-1, 2^32+1 — the gateway must infer seq-hi 1 for
    the last one, whose ICV/AAD cover it);
  - tunnel: the server's UDP echo service receives each inner packet intact
    (addresses, ports, data, TOS/traffic class, TTL/hop limit one less) and
    echoes it with the same TOS; transport: the gateway answers the ICMP/ICMPv6 echo;
  - every answer comes back as ESP with the case's SPI, sequence numbers
    1..K, the gateway's addresses, TTL 64 (tunnel), IPv4 id = seq (tunnel),
    outer TOS = inner TOS (tunnel), UDP ports/length/checksum as RFC 3948,
    a CBC IV never seen before (in the
    whole run), or IV = the 64-bit sequence number for CTR and GCM, and scapy
    decrypts it to exactly the expected inner packet;
  - counters exact: both SAs (packets, bytes, every error reason 0), the
    ipsecN interface (rx/tx packets and bytes), the transport policies
    (inbound: outer bytes, outbound: inner bytes; bypass 0), wan0 rx/tx
    packets, and every `show errors` counter 0.

The gateway's outbound sequence numbers start at 1: neither the CLI nor the
API can start an SA elsewhere (SaSpec has no sequence number; the runtime
record belongs to the dataplane), so seq-hi > 0 is exercised inbound only.

Environment: GW_CTL, SERVER_NS, T (see esp_peer.Gw), GW_MAC, PEER_MAC,
SERVER_MAC, ECHO_LOG (the server's log), SEED (optional, for the keys).
"""
import json
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from esp_peer import CRYPTO, IP, Gw, IPv6, PeerSA, Port, dig, ip_of_frame, parse_esp, sa_errors  # noqa: E402
from scapy.all import ICMP, UDP, ICMPv6EchoReply, ICMPv6EchoRequest, Raw, raw  # noqa: E402

GW4, GW6 = "203.0.113.1", "2001:db8:e::1"
PEER4, PEER6 = "203.0.113.2", "2001:db8:e::2"
SRV4, SRV6 = "198.51.100.2", "2001:db8:5::2"


def inner4(j):
    return "192.0.2.%d" % (10 + j)


def inner6(j):
    return "2001:db8:c::%x" % (0x100 + j)


def tpeer4(j):
    return "203.0.113.%d" % (10 + j)


def tpeer6(j):
    return "2001:db8:e::%x" % (0x100 + j)


PAIRS = [
    ("aes-cbc-128", "sha1-96"), ("aes-cbc-128", "sha-256-96"), ("aes-cbc-128", "sha-256-128"),
    ("aes-cbc-128", "sha-384-192"), ("aes-cbc-128", "sha-512-256"), ("aes-cbc-128", "md5-96"),
    ("aes-cbc-192", "sha-256-128"), ("aes-cbc-256", "sha-512-256"),
    ("aes-ctr-128", "sha1-96"), ("aes-ctr-192", "sha-256-128"), ("aes-ctr-256", "sha-384-192"),
    ("aes-gcm-128", "none"), ("aes-gcm-192", "none"), ("aes-gcm-256", "none"),
    ("des-cbc", "sha1-96"), ("3des-cbc", "sha-256-96"), ("none", "sha-256-128"),
]
MODES = {  # name: (inner family, outer family or None = transport)
    "tunnel-4in4": (4, 4), "tunnel-6in6": (6, 6), "tunnel-4in6": (4, 6), "tunnel-6in4": (6, 4),
    "transport-4": (4, None), "transport-6": (6, None),
}
UDP_CASES = [  # (pair, mode, esn, the peer's UDP port, the gateway's)
    (("aes-gcm-128", "none"), "tunnel-4in4", 0, 4500, 4500),
    (("aes-cbc-128", "sha1-96"), "tunnel-6in6", 1, 4500, 4500),
    (("aes-ctr-256", "sha-384-192"), "tunnel-4in6", 0, 4500, 4500),
    (("aes-cbc-256", "sha-512-256"), "tunnel-6in4", 1, 4500, 4500),
    (("3des-cbc", "sha-256-96"), "transport-4", 1, 4500, 4500),
    (("aes-gcm-256", "none"), "transport-6", 0, 4500, 4500),
    (("none", "sha-256-128"), "tunnel-4in4", 0, 4501, 4500),
    # ESP in UDP to a gateway port of the inbound SA's own (udp-dst-port)
    (("aes-cbc-128", "sha-256-128"), "tunnel-6in4", 0, 4501, 4600),
    (("aes-gcm-128", "none"), "transport-6", 1, 4502, 4601),
]
TOS = [0x00, 0xB8, 0x20, 0x48]
N_GROUPS = 4


class Case:
    def __init__(self, n, rng, pair, mode, esn, udp_port, group, slot, gw_port=4500):
        self.n, self.group, self.slot = n, group, slot
        self.crypto, self.integ = pair
        self.mode, self.esn, self.udp_port, self.gw_port = mode, esn, udp_port, gw_port
        self.inner_af, self.outer_af = MODES[mode]
        self.tunnel = self.outer_af is not None
        _, klen, slen, self.iv_len, self.cbc = CRYPTO[self.crypto]
        ilen = {"none": 0, "md5-96": 16, "sha1-96": 20, "sha-256-96": 32, "sha-256-128": 32,
                "sha-384-192": 48, "sha-512-256": 64}[self.integ]
        self.keys = {d: (rng.randbytes(klen), rng.randbytes(slen), rng.randbytes(ilen)) for d in ("in", "out")}
        # the salt of aes-gcm-192 SAs goes in the `salt` option, all others after the key
        self.salt_option = self.crypto == "aes-gcm-192"
        self.spi_in = 0x1000 + (group << 16) + 2 * slot        # peer -> gateway
        self.spi_out = self.spi_in + 1                          # gateway -> peer
        self.sa_in, self.sa_out = 100 + slot, 300 + slot
        self.seqs = [1, 0x80000000, 0xFFFFFFFF, (1 << 32) | 1] if esn else [1, 2, 3]
        if self.tunnel:
            v6 = self.outer_af == 6
            self.gw, self.peer = (GW6, PEER6) if v6 else (GW4, PEER4)
        else:
            v6 = self.inner_af == 6
            self.gw, self.peer = (GW6, tpeer6(slot)) if v6 else (GW4, tpeer4(slot))
        udp = (udp_port, gw_port) if udp_port else None
        ck, salt, ik = self.keys["in"]
        self.peer_out = PeerSA(self.crypto, self.integ, ck, salt, ik, self.spi_in,
                               tunnel=(self.peer, self.gw) if self.tunnel else None, esn=esn, udp=udp)
        ck, salt, ik = self.keys["out"]
        self.peer_in = PeerSA(self.crypto, self.integ, ck, salt, ik, self.spi_out,
                              tunnel=(self.gw, self.peer) if self.tunnel else None, esn=esn)
        self.sizes = [rng.randrange(0, 40), rng.randrange(40, 300), rng.randrange(300, 1200), rng.randrange(0, 17)]
        self.sent = []          # (seq, inner packet bytes, outer length)
        self.expect = []        # expected answers: inner packet bytes as the gateway sends them
        self.got = []           # (parsed outer, inner scapy packet)

    def label(self):
        return "#%d %s/%s %s esn=%d%s (group %d slot %d)" % (
            self.n, self.crypto, self.integ, self.mode, self.esn,
            " udp=%d>%d" % (self.udp_port, self.gw_port) if self.udp_port else "", self.group, self.slot)

    def sa_words(self, d):
        ck, salt, ik = self.keys[d]
        w = ["crypto-alg", self.crypto]
        if self.crypto != "none":
            if self.salt_option and salt:
                w += ["crypto-key", ck.hex(), "salt", "0x" + salt.hex()]
            else:
                w += ["crypto-key", (ck + salt).hex()]
        if self.integ != "none":
            w += ["integ-alg", self.integ, "integ-key", ik.hex()]
        if self.tunnel:
            src, dst = (self.peer, self.gw) if d == "in" else (self.gw, self.peer)
            w += ["tunnel-src", src, "tunnel-dst", dst]
        if self.esn:
            w.append("esn")
        if self.udp_port:
            sp, dp = (self.udp_port, self.gw_port) if d == "in" else (self.gw_port, self.udp_port)
            w += ["udp-encap", "udp-src-port", str(sp), "udp-dst-port", str(dp)]
        return w

    def policy_lines(self, verb):
        rng = "local-ip-range %s - %s remote-ip-range %s - %s" % (self.gw, self.gw, self.peer, self.peer)
        return ["ipsec policy %s spd 1 priority 10 inbound action protect sa %d %s" % (verb, self.sa_in, rng),
                "ipsec policy %s spd 1 priority 10 outbound action protect sa %d %s" % (verb, self.sa_out, rng)]

    def add_lines(self):
        lines = ["ipsec sa add %d spi %d esp %s" % (self.sa_in, self.spi_in, " ".join(self.sa_words("in"))),
                 "ipsec sa add %d spi %d esp %s" % (self.sa_out, self.spi_out, " ".join(self.sa_words("out")))]
        if self.tunnel:
            lines.append("ipsec tunnel protect ipsec%d sa-out %d sa-in %d" % (self.slot, self.sa_out, self.sa_in))
        else:
            lines += self.policy_lines("add")
        return lines

    def del_lines(self):
        lines = ["ipsec tunnel protect ipsec%d del" % self.slot] if self.tunnel else self.policy_lines("del")
        return lines + ["ipsec sa del %d" % self.sa_in, "ipsec sa del %d" % self.sa_out]

    def tag(self, k):
        return b"c%04dk%d|" % (self.n, k)

    def packets(self, rng):
        """(seq, request, expected answer) per packet."""
        out = []
        for k, seq in enumerate(self.seqs):
            data = self.tag(k) + rng.randbytes(self.sizes[k])
            if self.tunnel:
                sport = 20000 + 8 * self.slot + k
                if self.inner_af == 4:
                    req = IP(src=inner4(self.slot), dst=SRV4, ttl=64, tos=TOS[k], id=rng.randrange(65536),
                             flags="DF" if k % 2 else 0) / UDP(sport=sport, dport=7) / Raw(data)
                    ans = IP(src=SRV4, dst=inner4(self.slot), ttl=63) / UDP(sport=7, dport=sport) / Raw(data)
                else:
                    req = IPv6(src=inner6(self.slot), dst=SRV6, hlim=64, tc=TOS[k],
                               fl=rng.randrange(1 << 20)) / UDP(sport=sport, dport=7) / Raw(data)
                    ans = IPv6(src=SRV6, dst=inner6(self.slot), hlim=63) / UDP(sport=7, dport=sport) / Raw(data)
            elif self.inner_af == 4:
                req = IP(src=self.peer, dst=GW4, ttl=64, id=rng.randrange(65536)) / \
                    ICMP(type=8, id=self.slot, seq=k + 1) / Raw(data)
                ans = IP(src=GW4, dst=self.peer) / ICMP(type=0, id=self.slot, seq=k + 1) / Raw(data)
            else:
                req = IPv6(src=self.peer, dst=GW6, hlim=64) / ICMPv6EchoRequest(id=self.slot, seq=k + 1, data=data)
                ans = IPv6(src=GW6, dst=self.peer) / ICMPv6EchoReply(id=self.slot, seq=k + 1, data=data)
            req = req.__class__(raw(req))
            out.append((seq, req, ans))
        return out


def checksums_ok(pkt):
    """pkt's IPv4 header and L4 checksums are what scapy computes."""
    b = raw(pkt)
    q = pkt.__class__(b)
    for layer in (IP, UDP, ICMP, ICMPv6EchoReply):
        if layer in q and hasattr(q[layer], "chksum") and (layer is not UDP or q[UDP].chksum):
            q[layer].chksum = None
    return raw(q) == b


def build_cases(rng):
    cases, per_group = [], [0] * N_GROUPS
    todo = []
    for pi, pair in enumerate(PAIRS):
        for mode in MODES:
            for esn in (0, 1):
                todo.append((pair, mode, esn, None, 4500, esn * 2 + pi % 2))
    for i, (pair, mode, esn, port, gw_port) in enumerate(UDP_CASES):
        todo.append((pair, mode, esn, port, gw_port, i % N_GROUPS))
    for pair, mode, esn, port, gw_port, g in todo:
        cases.append(Case(len(cases), rng, pair, mode, esn, port, g, per_group[g], gw_port))
        per_group[g] += 1
    return cases, max(per_group)


class Run:
    def __init__(self):
        self.gw = Gw()
        self.fail = []
        self.cbc_ivs = set()
        self.echo_log = os.environ["ECHO_LOG"]
        self.echo_pos = 0

    def check(self, cond, msg):
        if not cond:
            self.fail.append(msg)
        return cond

    def setup(self, slots):
        peer_mac, srv_mac = os.environ["PEER_MAC"], os.environ["SERVER_MAC"]
        lines = ["ipsec spd add 1", "set interface ipsec spd wan0 1",
                 "ipsec policy add spd 1 priority 100 inbound action bypass protocol 50",
                 "ipsec policy add spd 1 priority 100 outbound action bypass protocol 50",
                 "ipsec policy add spd 1 ip6 priority 100 inbound action bypass protocol 50",
                 "ipsec policy add spd 1 ip6 priority 100 outbound action bypass protocol 50",
                 "set ip neighbor wan0 %s %s" % (PEER4, peer_mac), "set ip neighbor wan0 %s %s" % (PEER6, peer_mac),
                 "set ip neighbor lan0 %s %s" % (SRV4, srv_mac), "set ip neighbor lan0 %s %s" % (SRV6, srv_mac)]
        for j in range(slots):
            lines += ["ipsec itf create instance %d" % j, "set interface state ipsec%d up" % j,
                      "set interface unnumbered ipsec%d use wan0" % j,
                      "ip route add %s/32 via ipsec%d" % (inner4(j), j),
                      "ip route add %s/128 via ipsec%d" % (inner6(j), j),
                      "set ip neighbor wan0 %s %s" % (tpeer4(j), peer_mac),
                      "set ip neighbor wan0 %s %s" % (tpeer6(j), peer_mac)]
        self.gw.run_lines(lines)

    def echo_records(self):
        recs = []
        with open(self.echo_log) as f:
            f.seek(self.echo_pos)
            for line in f:
                if line.endswith("\n"):
                    recs.append(json.loads(line))
                    self.echo_pos += len(line.encode())
        return recs

    def run_group(self, g, cases, prev, rng, port):
        t0 = time.time()
        lines = []
        for c in prev:
            lines += c.del_lines()
        for c in cases:
            lines += c.add_lines()
        self.gw.run_lines(lines)
        self.gw.sync()
        for w in (["clear", "ipsec", "sa"], ["clear", "errors"], ["clear", "interfaces"]):
            self.gw.ctl(*w)
        self.echo_records()     # forget what came before
        t1 = time.time()
        # traffic: one case at a time, its answers before the next case.
        # ESN cases one packet at a time: seq-hi is inferred from the window
        # as it was before the burst a packet arrives in, and these cases
        # move the window by 2^31 from one packet to the next (RFC 4303
        # Appendix A2.2 assumes less between two inferences).
        n_sent = 0
        for c in cases:
            pk = c.packets(rng)
            for i, (seq, req, ans) in enumerate(pk):
                outer = c.peer_out.encrypt(req, seq)
                c.sent.append((seq, raw(req), len(outer)))
                c.expect.append(ans)
                port.send_ip(outer)
                n_sent += 1
                if c.esn or i == len(pk) - 1:
                    port.wait(lambda f, n=(1 if c.esn else len(pk)): len(f) >= n, 5)    # else judged below
                    for f in port.take():
                        self.answer(cases, f)
        # stragglers: until every request has its answer (or 20 s), then a
        # little longer for answers that should not be there
        got = sum(len(c.got) for c in cases)
        port.wait(lambda f: got + len(f) >= n_sent, 20)
        port.wait(lambda f: False, 0.3)
        for f in port.take():
            self.answer(cases, f)
        t2 = time.time()
        echo = self.echo_records()
        for c in cases:
            self.judge_case(c, echo)
        self.judge_counters(g, cases, n_sent)
        print("group %d: %d cases, %d packets each way; configure %.1fs, traffic %.1fs, checks %.1fs" %
              (g, len(cases), n_sent, t1 - t0, t2 - t1, time.time() - t2), flush=True)

    def answer(self, cases, frame):
        ip = ip_of_frame(frame)
        try:
            p = parse_esp(ip)
        except Exception as e:  # noqa: BLE001
            self.fail.append("a frame that is not ESP from the gateway: %r %s" % (e, frame[:64].hex()))
            return
        for c in cases:
            if c.spi_out == p["spi"]:
                c.got.append((p, ip))
                return
        self.fail.append("ESP with unknown SPI 0x%x seq %d" % (p["spi"], p["seq"]))

    def judge_case(self, c, echo):
        L = c.label()
        k_n = len(c.seqs)
        # the server's view (tunnel): each inner packet intact, TTL - 1
        if c.tunnel:
            mine = {}
            for r in echo:
                d = bytes.fromhex(r["data"])
                for k in range(k_n):
                    if d.startswith(c.tag(k)):
                        mine.setdefault(k, []).append(r)
            for k, (seq, req, _) in enumerate(c.sent):
                rs = mine.get(k, [])
                if not self.check(len(rs) == 1, "%s: packet %d (seq %d) reached the server %d times" % (L, k, seq, len(rs))):
                    continue
                r, q = rs[0], (IP(req) if c.inner_af == 4 else IPv6(req))
                want = {"src": q.src, "dst": q.dst, "sport": q[UDP].sport, "data": raw(q[UDP].payload).hex(),
                        "ttl": 63, "tos": q.tos if c.inner_af == 4 else q.tc}
                got = {x: r.get(x) for x in want}
                self.check(got == want, "%s: packet %d at the server: %r, want %r" % (L, k, got, want))
        # the answers
        seqs = sorted(p["seq"] for p, _ in c.got)
        self.check(seqs == list(range(1, k_n + 1)),
                   "%s: answers with sequence numbers %s, want 1..%d" % (L, seqs, k_n))
        matched = set()
        for p, ip in c.got:
            try:
                self.check_outer(c, p, ip)
                inner = c.peer_in.decrypt(ip)
                b = raw(inner)
                k = next((k for k in range(k_n) if c.tag(k) in b), None)
                assert k is not None, "answer to none of the requests: %s" % inner.summary()
                assert k not in matched, "second answer to packet %d" % k
                matched.add(k)
                want = c.expect[k]
                want = want.__class__(raw(want))
                got = inner.__class__(b)
                # what the sender chose (IPv4 id, DF, flow label) is not compared
                assert (got.src, got.dst) == (want.src, want.dst), "inner addresses %s > %s" % (got.src, got.dst)
                if c.tunnel:
                    ttl = got.ttl if c.inner_af == 4 else got.hlim
                    assert ttl == 63, "inner TTL %d, want 63 (the server's 64 less one hop)" % ttl
                    tos = got.tos if c.inner_af == 4 else got.tc
                    assert tos == TOS[k], "inner TOS 0x%x, want 0x%x (the server echoes it)" % (tos, TOS[k])
                    o = IPv6(ip) if p["v6"] else IP(ip)
                    otos = o.tc if p["v6"] else o.tos
                    assert otos == tos, "outer TOS 0x%x, inner 0x%x: not copied (RFC 6040)" % (otos, tos)
                assert raw(got.payload) == raw(want.payload), \
                    "inner payload differs:\n got  %s\n want %s" % (raw(got.payload).hex(), raw(want.payload).hex())
                assert checksums_ok(got), "inner checksums"
            except Exception as e:  # noqa: BLE001
                self.fail.append("%s: answer seq %d: %s" % (L, p["seq"], e))
        self.check(len(matched) == k_n, "%s: %d of %d requests answered" % (L, len(matched), k_n))

    def check_outer(self, c, p, ip):
        assert (p["src"], p["dst"]) == (c.gw, c.peer), "outer %s > %s" % (p["src"], p["dst"])
        assert p["v6"] == (c.gw == GW6 or ":" in c.gw), "outer family"
        if c.udp_port:
            assert p["udp"] is not None, "not UDP-encapsulated"
            sp, dp, ulen, _ = p["udp"]
            hl = 40 if p["v6"] else (ip[0] & 15) * 4
            assert (sp, dp) == (c.gw_port, c.udp_port), "UDP ports %d > %d" % (sp, dp)
            assert ulen == len(ip) - hl, "UDP length %d" % ulen
            assert p["udp_ck_ok"], "UDP checksum %d (IPv4: 0; IPv6: valid)" % p["udp"][3]
        else:
            assert p["udp"] is None, "UDP-encapsulated"
        iv = p["esp"][8:8 + c.iv_len]
        if c.cbc:
            assert iv not in self.cbc_ivs, "CBC IV %s used before" % iv.hex()
            self.cbc_ivs.add(iv)
        elif c.iv_len:
            assert iv == struct.pack("!Q", p["seq"]), "IV %s is not the sequence number %d" % (iv.hex(), p["seq"])
        if c.tunnel:
            o = IPv6(ip) if p["v6"] else IP(ip)
            if p["v6"]:
                assert o.hlim == 64, "outer hop limit %d" % o.hlim
            else:
                assert o.ttl == 64, "outer TTL %d" % o.ttl
                assert o.id == p["seq"] & 0xFFFF, "outer IPv4 id %d, seq %d" % (o.id, p["seq"])

    def judge_counters(self, g, cases, n_sent):
        sas = self.gw.sas()
        ifcs = self.gw.interfaces()
        spd = self.gw.json("show", "ipsec", "spd", "1")
        errs = {k: v for k, v in self.gw.errors().items() if v}
        self.check(not errs, "group %d: show errors: %r, want all 0" % (g, errs))
        pols = {}
        for s in spd.get("spds", []):
            for pol in s.get("policies", []):
                sp = pol["spec"]
                key = (sp.get("direction"), sp.get("action"), sp.get("sa_id"))
                pols.setdefault(key, []).append(pol)
        for key, lst in pols.items():
            if key[1] == "BYPASS":
                for pol in lst:
                    self.check(dig(pol, "counter.packets") == 0, "group %d: bypass policy moved: %r" % (g, pol))
        n_ans = 0
        for c in cases:
            L = c.label()
            inner_in = sum(len(r) for _, r, _ in c.sent)
            inner_out = sum(len(raw(a)) for a in c.expect)
            n_ans += len(c.got)
            for sa, pk, by in ((c.sa_in, len(c.seqs), inner_in), (c.sa_out, len(c.seqs), inner_out)):
                s = sas.get(sa)
                if not self.check(s is not None, "%s: SA %d missing" % (L, sa)):
                    continue
                got = (dig(s, "counter.packets"), dig(s, "counter.bytes"))
                self.check(got == (pk, by), "%s: SA %d counters %r, want %r" % (L, sa, got, (pk, by)))
                self.check(not sa_errors(s), "%s: SA %d errors %r" % (L, sa, sa_errors(s)))
            s = sas.get(c.sa_out, {})
            self.check(dig(s, "seq_out") == len(c.seqs), "%s: SA %d seq %r" % (L, c.sa_out, dig(s, "seq_out")))
            s = sas.get(c.sa_in, {})
            self.check(int(dig(s, "last_seq_in")) == c.seqs[-1],
                       "%s: SA %d last-seq %r, want %d" % (L, c.sa_in, dig(s, "last_seq_in"), c.seqs[-1]))
            if c.tunnel:
                i = ifcs.get("ipsec%d" % c.slot, {})
                got = tuple(dig(i, x) for x in ("rx.packets", "rx.bytes", "tx.packets", "tx.bytes"))
                want = (len(c.seqs), inner_in, len(c.seqs), inner_out)
                self.check(got == want, "%s: ipsec%d rx/tx %r, want %r" % (L, c.slot, got, want))
            else:
                outer_in = sum(n for _, _, n in c.sent)
                for d, want in (("INBOUND", (len(c.seqs), outer_in)), ("OUTBOUND", (len(c.seqs), inner_out))):
                    sa = c.sa_in if d == "INBOUND" else c.sa_out
                    lst = pols.get((d, "PROTECT", sa), [])
                    if not self.check(len(lst) == 1, "%s: %d %s protect policies for SA %d" % (L, len(lst), d, sa)):
                        continue
                    got = (dig(lst[0], "counter.packets"), dig(lst[0], "counter.bytes"))
                    self.check(got == want, "%s: %s policy counters %r, want %r" % (L, d.lower(), got, want))
        w = ifcs.get("wan0", {})
        got = (dig(w, "rx.packets"), dig(w, "tx.packets"))
        self.check(got == (n_sent, n_ans), "group %d: wan0 rx/tx packets %r, want %r" % (g, got, (n_sent, n_ans)))


def main():
    seed = int(os.environ.get("SEED") or random.SystemRandom().randrange(1 << 30))
    print("seed %d (SEED=%d reproduces the keys and packets)" % (seed, seed), flush=True)
    rng = random.Random(seed)
    cases, slots = build_cases(rng)
    run = Run()
    run.setup(slots)
    port = Port("p0", os.environ["GW_MAC"])
    prev = []
    try:
        for g in range(N_GROUPS):
            grp = [c for c in cases if c.group == g]
            run.run_group(g, grp, prev, rng, port)
            prev = grp
    finally:
        port.close()
    n_fail = len(run.fail)
    for m in run.fail[:200]:
        print("FAIL:", m)
    print("conformance: %d cases (%d pairs x %d modes x ESN, + %d UDP), %d CBC IVs all distinct, %d failures" %
          (len(cases), len(PAIRS), len(MODES), len(UDP_CASES), len(run.cbc_ivs), n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())

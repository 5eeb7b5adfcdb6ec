#!/usr/bin/python3
"""Anti-replay and tamper through the dataplane (test_esp_replay.sh runs it in
the peer's namespace; topology as esp_conformance.py's). scapy sends ESP on
route-based tunnels (4in4) whose inner packets go to the server's UDP echo
service; a packet is "delivered" when the server logged its tag.

Numbered tables, one SA each; every step is one packet, sent when the one
before it was delivered or counted, so that each is judged against the
window the previous steps left (seq-hi is inferred per burst). After every
step the SA's counters must be exactly the expected ones: packets, and the
error reasons of `show ipsec sa N` (JSON "errors": REPLAY, INTEGRITY, ...).

  1  W = 64 (default), aes-cbc-128/sha1-96: seq 0, duplicates in the window,
     left of the window, a far right jump, the left edge, bad ICVs that must
     not move the window nor mark their number, no wrap without ESN
  2  W = 1024 (replay-window 1024), aes-gcm-128: the edges of a wide window
  3  ESN, W = 64, aes-cbc-256/sha-256-128, and
  3b the same with aes-gcm-256: across 2^32 (seq-hi inferred as RFC 4303
     Appendix A2.2), behind the wrap, duplicates across it, seq-hi
     authenticated (ICV / AAD), no jump of a whole subspace
  4  tamper, aes-cbc-128/sha1-96 and aes-gcm-128: every single-bit flip of
     SPI, sequence number, IV, payload, padding, trailer and ICV of one valid
     packet: none delivered, SPI flips counted as "no sa for spi", all others
     as INTEGRITY of the SA, the window untouched (then the packet itself is
     delivered)
  5  no-anti-replay: duplicates and old numbers delivered, nothing counted

Then `show errors` must be exactly the sum, the text of `show ipsec sa`
lists the error counters, and the replay window of `show ipsec sa` must show
the numbers received (docs/cli.md: bit i is last-seq - i).

The gateway's own sequence numbers cannot be started high (no CLI/API field
for it), so the ESN wrap is tested on the receiving side, where scapy
chooses the numbers.

Environment: as esp_conformance.py.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from esp_peer import IP, Gw, PeerSA, Port, dig, sa_errors  # noqa: E402
from scapy.all import UDP, Raw, raw  # noqa: E402

GW4, PEER4, SRV4 = "203.0.113.1", "203.0.113.2", "198.51.100.2"
W = 2 ** 32


class Tun:
    """A route-based tunnel ipsecN with its inbound SA (the one tested)."""

    def __init__(self, slot, crypto, integ, spi, extra=(), esn=False):
        self.slot, self.crypto, self.integ, self.spi, self.esn = slot, crypto, integ, spi, esn
        self.extra = list(extra) + (["esn"] if esn else [])
        from esp_peer import CRYPTO, INTEG
        ck, salt = os.urandom(CRYPTO[crypto][1]), os.urandom(CRYPTO[crypto][2])
        ik = os.urandom(INTEG[integ][1])
        self.keys = (ck, salt, ik)
        self.peer = PeerSA(crypto, integ, ck, salt, ik, spi, tunnel=(PEER4, GW4), esn=esn)
        self.sa_in, self.sa_out = 100 + slot, 300 + slot
        self.inner = "192.0.2.%d" % (10 + slot)
        self.want_packets = 0
        self.want_err = {}
        self.accepted = set()

    def lines(self):
        ck, salt, ik = self.keys
        w = ["crypto-alg", self.crypto]
        if self.crypto != "none":
            w += ["crypto-key", (ck + salt).hex()]
        if self.integ != "none":
            w += ["integ-alg", self.integ, "integ-key", ik.hex()]
        w += self.extra
        out_keys = " ".join(w)
        return ["ipsec sa add %d spi %d esp %s tunnel-src %s tunnel-dst %s" % (self.sa_in, self.spi, out_keys, PEER4, GW4),
                "ipsec sa add %d spi %d esp %s tunnel-src %s tunnel-dst %s" % (self.sa_out, self.spi + 1, out_keys, GW4, PEER4),
                "ipsec itf create instance %d" % self.slot, "set interface state ipsec%d up" % self.slot,
                "set interface unnumbered ipsec%d use wan0" % self.slot,
                "ip route add %s/32 via ipsec%d" % (self.inner, self.slot),
                "ipsec tunnel protect ipsec%d sa-out %d sa-in %d" % (self.slot, self.sa_out, self.sa_in)]

    def packet(self, tag, size=24):
        return IP(raw(IP(src=self.inner, dst=SRV4, ttl=64) / UDP(sport=40000 + self.slot, dport=7) /
                      Raw(tag + b"." * size)))


class Run:
    def __init__(self):
        self.gw = Gw()
        self.fail = []
        self.echo_log = os.environ["ECHO_LOG"]
        self.port = Port("p0", os.environ["GW_MAC"])
        self.want_global = {}
        self.n_steps = 0

    def check(self, cond, msg):
        if not cond:
            self.fail.append(msg)
            print("FAIL:", msg, flush=True)
        return cond

    def delivered(self):
        tags = {}
        with open(self.echo_log) as f:
            for line in f:
                if line.endswith("\n"):
                    d = bytes.fromhex(json.loads(line)["data"])
                    t = d.split(b"|", 1)[0] + b"|"
                    tags[t] = tags.get(t, 0) + 1
        return tags

    def sa_state(self, t):
        return self.gw.json("show", "ipsec", "sa", str(t.sa_in))["sas"][0]

    def wait_counters(self, t, timeout=10):
        """Until the SA's packets and errors are the expected ones (or one
        of them passed its expected value, or timeout)."""
        end = time.time() + timeout
        while True:
            s = self.sa_state(t)
            got = (dig(s, "counter.packets"), sa_errors(s))
            over = got[0] > t.want_packets or any(v > t.want_err.get(k, 0) for k, v in got[1].items())
            if got == (t.want_packets, t.want_err) or over or time.time() > end:
                return s, got
            time.sleep(0.05)

    def step(self, table, t, n, seq, want, note, hi=None, badicv=False):
        """One packet with sequence number seq; want: ok, REPLAY, INTEGRITY."""
        self.n_steps += 1
        tag = b"t%s.%d|" % (table.encode(), n)
        pkt = t.packet(tag)
        outer = bytearray(t.peer.encrypt(pkt, seq, hi=hi))
        if badicv:
            outer[-1] ^= 0x01
        self.port.send_ip(bytes(outer))
        label = "table %s step %d (seq %d%s: %s)" % (table, n, seq, " 0x%x" % seq if seq > 9999 else "", note)
        if want == "ok":
            t.want_packets += 1
            t.accepted.add(seq)
            end = time.time() + 10
            while time.time() < end and self.delivered().get(tag, 0) < 1:
                time.sleep(0.02)
        else:
            t.want_err[want] = t.want_err.get(want, 0) + 1
            g = {"REPLAY": "replay", "INTEGRITY": "integrity check failed"}[want]
            self.want_global[g] = self.want_global.get(g, 0) + 1
        s, got = self.wait_counters(t)
        self.check(got == (t.want_packets, t.want_err),
                   "%s: want %s; SA %d packets/errors %r, want %r" % (label, want, t.sa_in, got,
                                                                     (t.want_packets, t.want_err)))
        d = self.delivered().get(tag, 0)
        self.check(d == (1 if want == "ok" else 0), "%s: want %s; delivered %d times" % (label, want, d))
        return s

    def table(self, name, t, steps):
        print("table %s: SA %d (%s/%s, %s)" % (name, t.sa_in, t.crypto, t.integ,
                                                " ".join(t.extra) or "defaults"), flush=True)
        for st in steps:
            n, seq, want, note = st[:4]
            kw = st[4] if len(st) > 4 else {}
            self.step(name, t, n, seq, want, note, **kw)
        # after the last step: nothing delivered twice, last-seq is the top
        s = self.sa_state(t)
        top = max(t.accepted)
        self.check(int(dig(s, "last_seq_in")) == top,
                   "table %s: last-seq %r, want %d" % (name, dig(s, "last_seq_in"), top))
        return s

    def tamper(self, name, t, seq):
        """Every single-bit flip of one valid packet."""
        tag = b"t%s.valid|" % name.encode()
        inner = t.packet(tag, size=21)     # 59 bytes: CBC and GCM both pad
        pkt = t.peer.encrypt(inner, seq)
        hl = 20
        esp = pkt[hl:]
        icv, ivl = t.peer.icv_len, t.peer.iv_len
        ct_len = len(esp) - 8 - ivl - icv
        pad_len = ct_len - 2 - len(inner)
        regions = [("SPI", 0, 4), ("seq", 4, 8), ("IV", 8, 8 + ivl), ("payload", 8 + ivl, 8 + ivl + len(inner)),
                   ("padding", 8 + ivl + len(inner), 8 + ivl + len(inner) + pad_len),
                   ("trailer", 8 + ivl + ct_len - 2, 8 + ivl + ct_len), ("ICV", len(esp) - icv, len(esp))]
        print("table %s: SA %d (%s/%s): %s" % (name, t.sa_in, t.crypto, t.integ,
                                             ", ".join("%s %d bytes" % (r, b - a) for r, a, b in regions)), flush=True)
        self.check(pad_len > 0, "table %s: no padding to flip" % name)
        flips = [(r, i, b) for r, a, z in regions for i in range(a, z) for b in range(8)]
        n_spi = sum(1 for r, _, _ in flips if r == "SPI")
        no_sa0 = self.gw.errors().get("no sa for spi", 0)
        sent = 0
        for k in range(0, len(flips), 64):
            for r, i, b in flips[k:k + 64]:
                x = bytearray(pkt)
                x[hl + i] ^= 1 << b
                self.port.send_ip(bytes(x))
            sent = min(k + 64, len(flips))
            want_spi = sum(1 for r, _, _ in flips[:sent] if r == "SPI")
            want_int = sent - want_spi
            end = time.time() + 10
            while time.time() < end:        # flow control: counted before the next 64
                s = self.sa_state(t)
                if dig(s, "counter.packets") or (sa_errors(s).get("INTEGRITY", 0) == want_int and
                                                 self.gw.errors().get("no sa for spi", 0) - no_sa0 == want_spi):
                    break
                time.sleep(0.02)
        t.want_err["INTEGRITY"] = t.want_err.get("INTEGRITY", 0) + len(flips) - n_spi
        self.want_global["integrity check failed"] = self.want_global.get("integrity check failed", 0) + \
            len(flips) - n_spi
        self.want_global["no sa for spi"] = self.want_global.get("no sa for spi", 0) + n_spi
        s, got = self.wait_counters(t)
        self.check(got == (0, t.want_err), "table %s: %d flips: SA packets/errors %r, want %r" %
                   (name, len(flips), got, (0, t.want_err)))
        self.check(self.gw.errors().get("no sa for spi", 0) - no_sa0 == n_spi,
                   "table %s: %d SPI flips, 'no sa for spi' moved by %d" %
                   (name, n_spi, self.gw.errors().get("no sa for spi", 0) - no_sa0))
        self.check(int(dig(s, "last_seq_in")) == 0, "table %s: the window moved to %r" % (name, dig(s, "last_seq_in")))
        self.check(self.delivered().get(tag, 0) == 0, "table %s: a tampered packet was delivered" % name)
        # the packet itself
        self.port.send_ip(pkt)
        t.want_packets += 1
        t.accepted.add(seq)
        end = time.time() + 10
        while time.time() < end and self.delivered().get(tag, 0) < 1:
            time.sleep(0.02)
        s, got = self.wait_counters(t)
        self.check(self.delivered().get(tag, 0) == 1 and got == (1, t.want_err),
                   "table %s: the untampered packet: delivered %d, SA %r" % (name, self.delivered().get(tag, 0), got))
        print("table %s: %d flips, none delivered (%d SPI, %d INTEGRITY)" % (name, len(flips), n_spi,
                                                                               len(flips) - n_spi), flush=True)

    def window(self, name, t, wsize):
        """The replay window as docs/cli.md describes it."""
        s = self.sa_state(t)
        top = int(dig(s, "last_seq_in"))
        bm = bytes.fromhex(s.get("replay_bitmap", ""))
        got = {top - i for i in range(min(len(bm) * 8, wsize)) if bm[i // 8] >> (i % 8) & 1}
        want = {x for x in t.accepted if top - wsize < x <= top}
        self.check(len(bm) * 8 == wsize, "table %s: replay bitmap of %d bits, window %d" % (name, len(bm) * 8, wsize))
        self.check(got == want, "table %s: `show ipsec sa %d` window shows %s received, want %s (last-seq %d)" %
                   (name, t.sa_in, sorted(got), sorted(want), top))


T1 = [  # W = 64
    (1, 0, "REPLAY", "0 is never a valid sequence number"),
    (2, 1, "ok", "first"),
    (3, 1, "REPLAY", "duplicate"),
    (4, 3, "ok", "ahead"),
    (5, 2, "ok", "behind the top, in the window, not seen"),
    (6, 64, "ok", "ahead"),
    (7, 1, "REPLAY", "duplicate at the left edge (top - W + 1)"),
    (8, 4, "ok", "in the window, not seen"),
    (9, 65, "ok", "the window moves to 2..65"),
    (10, 1, "REPLAY", "left of the window"),
    (11, 5, "ok", "in the window, not seen"),
    (12, 1065, "ok", "far right jump (+1000)"),
    (13, 1001, "REPLAY", "left of the window (top - W)"),
    (14, 1002, "ok", "left edge, not seen"),
    (15, 1002, "REPLAY", "duplicate"),
    (16, 2000, "INTEGRITY", "bad ICV, far ahead", {"badicv": True}),
    (17, 1066, "ok", "the bad ICV did not move the window to 2000"),
    (18, 1067, "INTEGRITY", "bad ICV", {"badicv": True}),
    (19, 1067, "ok", "the bad ICV did not mark 1067"),
    (20, 1067, "REPLAY", "duplicate"),
    (21, 0xFFFFFFFF, "ok", "the last 32-bit number"),
    (22, 1, "REPLAY", "no ESN: no wrap"),
    (23, 0xFFFFFFFE, "ok", "in the window"),
]
T2 = [  # W = 1024
    (1, 2000, "ok", "first"),
    (2, 977, "ok", "left edge of 1024 (top - W + 1)"),
    (3, 976, "REPLAY", "left of the window (top - W)"),
    (4, 977, "REPLAY", "duplicate"),
    (5, 1500, "ok", "in the window"),
    (6, 1100, "ok", "in the window"),
    (7, 3024, "ok", "window moves to 2001..3024"),
    (8, 2000, "REPLAY", "left of the window"),
    (9, 2001, "ok", "left edge"),
    (10, 3000, "ok", "in the window"),
    (11, 3000, "REPLAY", "duplicate"),
    (12, 2000 + 64, "ok", "64 behind would be out of a 64-bit window, in this one"),
]
T3 = [  # ESN, W = 64
    (1, 1, "ok", "first"),
    (2, 0x80000000, "ok", "half the space ahead"),
    (3, 0xFFFFFFF0, "ok", ""),
    (4, 0xFFFFFFFF, "ok", "the last number of subspace 0"),
    (5, W + 0, "ok", "across 2^32: low half 0, seq-hi 1 inferred"),
    (6, W + 5, "ok", ""),
    (7, 0xFFFFFFF8, "ok", "behind the wrap, in the window: seq-hi 0 inferred"),
    (8, 0xFFFFFFF0, "REPLAY", "duplicate behind the wrap"),
    (9, W + 0, "REPLAY", "duplicate of the first number of subspace 1"),
    (10, W + 5, "REPLAY", "duplicate"),
    (11, 0xFFFFFFB0, "INTEGRITY", "left of the window across the wrap: taken for subspace 1 (A2.2), ICV fails"),
    (12, W + 6, "INTEGRITY", "seq-hi 0 authenticated while 1 is inferred", {"hi": 0}),
    (13, W + 6, "ok", "neither bad packet moved the window"),
    (14, 2 * W + 1, "INTEGRITY", "a jump of a whole subspace is not inferred"),
    (15, W + 7, "ok", ""),
]
T5 = [  # no-anti-replay
    (1, 5, "ok", "first"),
    (2, 5, "ok", "duplicate, accepted without anti-replay"),
    (3, 3, "ok", "older, accepted"),
    (4, 1, "ok", "older, accepted"),
]


def main():
    run = Run()
    tuns = {
        "1": Tun(0, "aes-cbc-128", "sha1-96", 0x1000),
        "2": Tun(1, "aes-gcm-128", "none", 0x1100, ["replay-window", "1024"]),
        "3": Tun(2, "aes-cbc-256", "sha-256-128", 0x1200, esn=True),
        "3b": Tun(3, "aes-gcm-256", "none", 0x1300, esn=True),
        "4a": Tun(4, "aes-cbc-128", "sha1-96", 0x5A5A5A5A),
        "4b": Tun(5, "aes-gcm-128", "none", 0xC3C3C3C3),
        "5": Tun(6, "aes-cbc-128", "sha1-96", 0x1600, ["no-anti-replay"]),
    }
    peer_mac = os.environ["PEER_MAC"]
    lines = ["set ip neighbor wan0 %s %s" % (PEER4, peer_mac),
             "set ip neighbor lan0 %s %s" % (SRV4, os.environ["SERVER_MAC"])]
    for t in tuns.values():
        lines += t.lines()
    run.gw.run_lines(lines)
    run.gw.sync()
    for w in (["clear", "ipsec", "sa"], ["clear", "errors"], ["clear", "interfaces"]):
        run.gw.ctl(*w)
    sas = run.gw.sas()
    for name, want in (("1", 64), ("2", 1024), ("3", 64)):
        got = dig(sas[tuns[name].sa_in], "spec.replay_window")
        run.check(got == want, "SA %d: replay-window %r, want %d" % (tuns[name].sa_in, got, want))

    run.table("1", tuns["1"], T1)
    run.table("2", tuns["2"], T2)
    run.table("3", tuns["3"], T3)
    run.table("3b", tuns["3b"], T3)
    run.tamper("4a", tuns["4a"], 1000)
    run.tamper("4b", tuns["4b"], 1000)
    s = run.table("5", tuns["5"], T5)
    run.check(not sa_errors(s), "table 5: errors %r" % sa_errors(s))

    # show errors: exactly the sum of the tables
    got = {k: v for k, v in run.gw.errors().items() if v}
    run.check(got == run.want_global, "show errors %r, want %r" % (got, run.want_global))
    # the text view lists the SA's error counters
    txt = run.gw.ctl("show", "ipsec", "sa", str(tuns["1"].sa_in))
    t1 = tuns["1"].want_err
    want_txt = "  errors\n    replay %d\n    integrity check failed %d\n" % (t1["REPLAY"], t1["INTEGRITY"])
    run.check(txt.endswith(want_txt), "show ipsec sa %d:\n%s\nwant it to end with\n%s" % (tuns["1"].sa_in, txt, want_txt))
    # the replay windows as `show ipsec sa` shows them
    run.window("1", tuns["1"], 64)
    run.window("2", tuns["2"], 1024)
    run.window("3", tuns["3"], 64)
    run.port.close()
    print("replay: %d steps; %d failures" % (run.n_steps, len(run.fail)))
    return 1 if run.fail else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The tables of bench/ipsec/run.sh from its results file (run.sh's
$RESULTS): table.py RESULTS.tsv

Per case the median over runs of each figure; the ratios are medians of
the per-run ratios (each run's ipsecgw figure against the crypto-only figure
and the ipsec-secgw run taken right after it)."""
import collections
import statistics
import sys

runs = collections.defaultdict(dict)    # (what, alg, size, dir) -> rep -> (wall, cpu, crypto_cyc)
paths, tsc, info = {}, 0.0, ""
order = []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[0] == "# path":
        paths[f[1]] = f[2]
        continue
    if f[0] == "# tsc":
        tsc = float(f[1])
        continue
    if f[0] == "# runs":
        info = f[1]
        continue
    what, alg, size, d, rep = f[:5]
    k = (what, alg, size, d)
    if k not in runs:
        order.append(k)
    runs[k][rep] = (float(f[5]), float(f[6]), float(f[7]) if f[7] else 0.0)


def med(v):
    v = [x for x in v if x]
    return statistics.median(v) if v else 0.0


def fig(k):
    r = runs.get(k, {})
    return med([x[1] for x in r.values()]), med([x[0] for x in r.values()]), med([x[2] for x in r.values()])


def ratio(k1, k2, crypto=False):
    a, b = runs.get(k1, {}), runs.get(k2, {})
    if crypto:
        v = [a[r][1] / (tsc / a[r][2]) for r in a if a[r][2]]
    else:
        v = [a[r][1] / b[r][1] for r in a if r in b and b[r][1]]
    return med(v)


print("ESP through the dataplane: %s, TSC %.0f MHz; sizes are inner IPv4 lengths, imix = 7:4:1 of 64/576/1420"
      % (info, tsc / 1e6))
print("Mpps: per second the worker thread was on the CPU (wall-clock Mpps in brackets); cyc = TSC cycles per packet;")
print("crypto = esp_bench crypto-only (same engine and path, median burst) run just before; io = testpmd io on")
print("the same vdevs (first cipher's captures); over = cyc - io - crypto; gw/cr = ipsecgw Mpps / crypto-only Mpps;")
print("-io: the same with testpmd's I/O cycles taken off ipsecgw's; ratios: medians of per-run ratios")
io_c = {}
for k in order:
    if k[0] == "io":
        io_c[(k[2], k[3])] = tsc / fig(k)[0] if fig(k)[0] else 0
if io_c:
    print("I/O floor (testpmd io): " + ", ".join("%s %s %.2f Mpps = %.0f cyc" % (s, d, tsc / c / 1e6, c)
                                               for (s, d), c in io_c.items() if c))
hdr = "%-12s %-5s %-3s %15s %6s %6s %6s %5s %5s %6s   %15s %6s  %s" % (
    "alg", "size", "dir", "ipsecgw Mpps", "cyc", "cr cyc", "cr Mpps", "gw/cr", "-io", "over", "ipsec-secgw", "gw/sg",
    "engine/path")
print(hdr)
print("-" * len(hdr))
for k in order:
    what, alg, size, d = k
    if what != "gw":
        continue
    g, gw, cc = fig(k)
    sg, sgw, _ = fig(("sg", alg, size, d))
    cyc = tsc / g
    io = io_c.get((size, d), 0)
    line = "%-12s %-5s %-3s %6.2f (%6.2f) %6.0f %6.0f %6.2f %5.2f %5.2f %6.0f" % (
        alg, size, d, g / 1e6, gw / 1e6, cyc, cc, tsc / cc / 1e6 if cc else 0, ratio(k, None, True),
        cc / (cyc - io) if cc and cyc > io else 0, cyc - io - cc)
    if sg:
        line += "   %6.2f (%6.2f) %5.2fx" % (sg / 1e6, sgw / 1e6, ratio(k, ("sg", alg, size, d)))
    else:
        line += "   %15s %6s" % ("-", "-")
    print(line + "  " + paths.get(alg, ""))

cmp = [k for k in order if k[0] == "cmp"]
if cmp:
    print()
    print("CMP_BUILD (the other build) in the same runs: its Mpps and cycles, ratio to ipsecgw and to ipsec-secgw")
    hdr = "%-12s %-5s %-3s %15s %6s %7s %15s %6s %7s" % (
        "alg", "size", "dir", "cmp Mpps", "cyc", "cmp/gw", "ipsecgw Mpps", "cyc", "cmp/sg")
    print(hdr)
    print("-" * len(hdr))
    for k in cmp:
        _, alg, size, d = k
        c, cw, _ = fig(k)
        g, gw, _ = fig(("gw", alg, size, d))
        sk = ("sg", alg, size, d)
        print("%-12s %-5s %-3s %6.2f (%6.2f) %6.0f %6.2fx %6.2f (%6.2f) %6.0f %s" % (
            alg, size, d, c / 1e6, cw / 1e6, tsc / c, ratio(k, ("gw", alg, size, d)), g / 1e6, gw / 1e6, tsc / g,
            "%6.2fx" % ratio(k, sk) if runs.get(sk) else "     -"))

spd = [k for k in order if k[0].startswith("spd") or k[0].startswith("cmpspd")]
if spd:
    print()
    print("policy-based SPD (N policies: the protect policy and N-1 discard policies of higher priority);")
    print("d cyc = cycles per packet minus the route-based figure of the same run; ipsec-secgw with N SP rules per direction")
    hdr = "%-8s %-12s %-5s %-3s %15s %6s %6s   %15s %6s" % (
        "N", "alg", "size", "dir", "ipsecgw Mpps", "cyc", "d cyc", "ipsec-secgw", "gw/sg")
    print(hdr)
    print("-" * len(hdr))
    for k in spd:
        what, alg, size, d = k
        n = what[3:] if what.startswith("spd") else "%s (cmp)" % what[6:]
        g, gw, _ = fig(k)
        base, _, _ = fig(("cmp" if what.startswith("cmp") else "gw", alg, size, d))
        sk = ("sgspd" + n.split()[0], alg, size, d)
        sg, sgw, _ = fig(sk)
        line = "%-8s %-12s %-5s %-3s %6.2f (%6.2f) %6.0f %6s" % (
            n, alg, size, d, g / 1e6, gw / 1e6, tsc / g, "%+.0f" % (tsc / g - tsc / base) if base else "-")
        if sg:
            line += "   %6.2f (%6.2f) %5.2fx" % (sg / 1e6, sgw / 1e6, ratio(k, sk))
        print(line)

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
print("crypto = esp_bench crypto-only (same engine and path, median burst) run just before; over = cyc - crypto cyc;")
print("ratios: medians of per-run ratios")
hdr = "%-12s %-5s %-3s %15s %6s %6s %6s %5s %6s   %15s %6s  %s" % (
    "alg", "size", "dir", "ipsecgw Mpps", "cyc", "cr cyc", "cr Mpps", "gw/cr", "over", "ipsec-secgw", "gw/sg", "engine/path")
print(hdr)
print("-" * len(hdr))
for k in order:
    what, alg, size, d = k
    if what != "gw":
        continue
    g, gw, cc = fig(k)
    sg, sgw, _ = fig(("sg", alg, size, d))
    cyc = tsc / g
    line = "%-12s %-5s %-3s %6.2f (%6.2f) %6.0f %6.0f %6.2f %5.2f %6.0f" % (
        alg, size, d, g / 1e6, gw / 1e6, cyc, cc, tsc / cc / 1e6 if cc else 0, ratio(k, None, True), cyc - cc)
    if sg:
        line += "   %6.2f (%6.2f) %5.2fx" % (sg / 1e6, sgw / 1e6, ratio(k, ("sg", alg, size, d)))
    else:
        line += "   %15s %6s" % ("-", "-")
    print(line + "  " + paths.get(alg, ""))

spd = [k for k in order if k[0].startswith("spd")]
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
        n = what[3:]
        g, gw, _ = fig(k)
        base, _, _ = fig(("gw", alg, size, d))
        sk = ("sgspd" + n, alg, size, d)
        sg, sgw, _ = fig(sk)
        line = "%-8s %-12s %-5s %-3s %6.2f (%6.2f) %6.0f %6s" % (
            n, alg, size, d, g / 1e6, gw / 1e6, tsc / g, "%+.0f" % (tsc / g - tsc / base) if base else "-")
        if sg:
            line += "   %6.2f (%6.2f) %5.2fx" % (sg / 1e6, sgw / 1e6, ratio(k, sk))
        print(line)

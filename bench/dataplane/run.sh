#!/usr/bin/env bash
# Dataplane forwarding benchmark: one worker core, synthetic I/O
# (net_pcap infinite_rx=1 -> net_null), 64-byte and 1420-byte IPv4 frames,
# ipsecgw-dataplane next to DPDK's l3fwd (LPM) built from Debian's dpdk-doc
# sources outside the repository, and dpdk-testpmd io forwarding (the cost
# of the pcap source alone), on the same vdevs and core, in the same run.
#   bench/dataplane/run.sh [BUILD_DIR]      (default build/release)
# Env: REPS (3) runs per case, SECS (10) measured seconds after WARM (3),
#      CORE (1) the forwarding lcore, SIZES ("64 1420").
# Prints one line per run and a table of medians: Mpps of wall time, Mpps
# per second the forwarding thread actually ran (from its schedstat, so a
# busy shared machine does not count against whoever ran then), cycles per
# packet (TSC Hz / cpu Mpps) and the ratio to l3fwd (cpu). Needs root and
# hugepages.
set -euo pipefail
BIN=$(realpath "${1:-build/release}")/bin
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3} SECS=${SECS:-10} WARM=${WARM:-3} CORE=${CORE:-1} SIZES=${SIZES:-"64 1420"}
W=$(mktemp -d /tmp/dpbench.XXXXXX)
PID=
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
cleanup() { stop; [ -n "${CFG:-}" ] && { kill "$CFG" 2>/dev/null; wait "$CFG" 2>/dev/null; }; rm -rf "$W" /var/run/dpdk/l3fwd-bench /var/run/dpdk/testpmd-bench /var/run/dpdk/ipsecgw-dpbench; }
trap cleanup EXIT
[ -x "$BIN/ipsecgw-dataplane" ] || { echo "no $BIN/ipsecgw-dataplane" >&2; exit 2; }
[ -d /usr/share/dpdk/examples/l3fwd ] || { echo "install dpdk-doc for the l3fwd sources" >&2; exit 2; }

# l3fwd, outside the repository. net_pcap/net_null offer no Rx checksum
# offload, which l3fwd requests: mask what it asks for with what the port
# offers (TESTING.md).
cp -r /usr/share/dpdk/examples/l3fwd /usr/share/dpdk/examples/common "$W/"
/usr/bin/python3 - "$W/l3fwd/main.c" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
a = "\t\tlocal_port_conf.rx_adv_conf.rss_conf.rss_hf &=\n"
assert a in s
s = s.replace(a, "\t\tlocal_port_conf.rxmode.offloads &= dev_info.rx_offload_capa;\n" + a, 1)
b = "\t\t\trxq_conf.offloads = port_conf.rxmode.offloads;\n"
assert b in s
s = s.replace(b, "\t\t\trxq_conf.offloads = port_conf.rxmode.offloads & dev_info.rx_offload_capa;\n", 1)
open(p, "w").write(s)
PY
make -s -C "$W/l3fwd" -j2 >/dev/null 2>"$W/l3fwd-build.log" || { cat "$W/l3fwd-build.log"; exit 1; }

# Traffic: 256 flows 198.18.0.2 -> 198.18.1.0-255 (l3fwd's default route
# 198.18.1.0/24 -> port 1), UDP, to net_pcap0's MAC 02:70:63:61:70:00.
for s in $SIZES; do
  /usr/bin/python3 - "$W/t$s.pcap" "$s" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
out, size = sys.argv[1], int(sys.argv[2])
pk = []
for i in range(256):
    p = Ether(dst="02:70:63:61:70:00", src="02:00:00:00:00:01") / IP(src="198.18.0.2", dst="198.18.1.%d" % i, ttl=64) / UDP(sport=1024 + i, dport=9)
    pk.append(p / Raw(b"\0" * (size - len(p))))
wrpcap(out, pk)
PY
done

opackets() { /usr/bin/python3 "$HERE/telemetry.py" "$1" "/ethdev/stats,1" opackets; }
# cpu_ns PID COMM: nanoseconds the thread COMM of PID has run (schedstat),
# so that time the shared machine gave to others is not charged.
cpu_ns() {
  local t
  for t in /proc/"$1"/task/*; do
    if [ "$(cat "$t/comm")" = "$2" ]; then cut -d' ' -f1 "$t/schedstat"; return; fi
  done
  echo 0
}
# measure PREFIX PID THREAD: "wall_pps cpu_pps" on port 1 over SECS after WARM.
measure() {
  local a b t0 t1 c0 c1
  sleep "$WARM"
  a=$(opackets "$1"); c0=$(cpu_ns "$2" "$3"); t0=$(date +%s.%N)
  sleep "$SECS"
  b=$(opackets "$1"); c1=$(cpu_ns "$2" "$3"); t1=$(date +%s.%N)
  /usr/bin/python3 -c "print(int(($b - $a) / ($t1 - $t0)), int(($b - $a) * 1e9 / max(1, $c1 - $c0)))"
}
vdevs() { echo "--vdev net_pcap0,rx_pcap=$W/t$1.pcap,infinite_rx=1 --vdev net_null0,no-rx=1"; }

run_l3fwd() {
  # shellcheck disable=SC2046
  "$W/l3fwd/build/l3fwd" -l "$CORE" -n 1 --no-pci --file-prefix l3fwd-bench $(vdevs "$1") -- \
    -p 0x3 --config="(0,0,$CORE)" --parse-ptype --eth-dest=1,02:00:00:00:00:02 >"$W/l3fwd.log" 2>&1 &
  PID=$!; measure l3fwd-bench "$PID" l3fwd; stop
}
run_testpmd() {
  # testpmd quits at end of input: give it a pipe that stays open.
  [ -p "$W/fifo" ] || mkfifo "$W/fifo"
  exec 3<>"$W/fifo"
  # shellcheck disable=SC2046
  dpdk-testpmd -l "0,$CORE" -n 1 --no-pci --file-prefix testpmd-bench $(vdevs "$1") -- \
    --forward-mode=io --nb-cores=1 --auto-start --no-lsc-interrupt >"$W/testpmd.log" 2>&1 <"$W/fifo" &
  PID=$!; measure testpmd-bench "$PID" "rte-worker-$CORE"; stop
  exec 3>&-
}
export IPSECGW_RUNDIR=$W/run IPSECGW_SHM_DIR=$W/shm
mkdir -p "$W/run" "$W/shm"
run_gw() {
  rm -rf "$W/shm"/* "$W/run"/*
  cat >"$W/startup.cli" <<EOS
dpdk vdev net_pcap0,rx_pcap=$W/t$1.pcap,infinite_rx=1 name pcap0
dpdk vdev net_null0,no-rx=1 name null0
set interface state pcap0 up
set interface state null0 up
set interface ip address pcap0 198.18.0.1/24
set interface ip address null0 198.18.100.1/24
set ip neighbor null0 198.18.100.2 02:00:00:00:00:02
ip route add 198.18.1.0/24 via 198.18.100.2 null0
EOS
  "$BIN/ipsecgw-config" --instance dpbench --startup "$W/startup.cli" --log-level 4 >"$W/config.log" 2>&1 &
  CFG=$!
  for _ in $(seq 100); do [ -S "$W/run/dpbench/config.sock" ] && break; sleep 0.05; done
  "$BIN/ipsecgw-dataplane" --instance dpbench --eal "-l 0,$CORE -n 1 --no-pci" --idle-us 0 >"$W/dp.log" 2>&1 &
  PID=$!; measure ipsecgw-dpbench "$PID" "rte-worker-$CORE"; stop
  sed -n 's/.*tsc \([0-9]*\) Hz.*/\1/p' "$W/dp.log" | tail -1 >"$W/tsc"
  kill "$CFG"; wait "$CFG" 2>/dev/null || true; CFG=
}

declare -A R C
for s in $SIZES; do
  for r in $(seq "$REPS"); do
    for who in testpmd l3fwd gw; do
      out=$("run_$who" "$s")
      read -r pps cpps <<<"$out"
      R[$who,$s]+="$pps "
      C[$who,$s]+="$cpps "
      printf '%-8s %5s B run %s: %6.2f Mpps wall, %6.2f Mpps per core-second of the forwarding thread\n' \
        "$who" "$s" "$r" "$(echo "$pps / 1000000" | bc -l)" "$(echo "$cpps / 1000000" | bc -l)"
    done
  done
done
TSC=$(cat "$W/tsc")
med() { printf '%s\n' $1 | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"; }
echo
echo "medians of $REPS runs, ${SECS} s each, one core (lcore $CORE), TSC $TSC Hz"
echo "wall: packets per second of wall time; cpu: per second the forwarding thread was on the CPU"
printf '%-22s %6s %10s %10s %12s %10s\n' "" size "Mpps wall" "Mpps cpu" "cycles/pkt" "vs l3fwd"
for s in $SIZES; do
  l=$(med "${C[l3fwd,$s]}")
  for who in testpmd l3fwd gw; do
    m=$(med "${R[$who,$s]}"); c=$(med "${C[$who,$s]}")
    name=$who; [ "$who" = gw ] && name=ipsecgw-dataplane; [ "$who" = testpmd ] && name="testpmd io (ceiling)"
    /usr/bin/python3 -c "print('%-22s %6s %10.2f %10.2f %12.1f %9.2fx' % ('$name', '$s B', $m/1e6, $c/1e6, $TSC/$c if $c else 0, $c/$l if $l else 0))"
  done
done

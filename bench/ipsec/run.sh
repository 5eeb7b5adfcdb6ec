#!/usr/bin/env bash
# ESP through the dataplane: one worker core, synthetic I/O (net_pcap
# infinite_rx=1 -> net_null), tunnel-mode ESP encrypt and decrypt per
# algorithm and packet size, next to
#  - the crypto-only cost of the same engine and code path (bench/esp's
#    esp_bench --engine auto, the dataplane pinned to what it picked), and
#  - DPDK's ipsec-secgw (Debian's dpdk-doc sources, built outside the
#    repository, librte_ipsec path -l, type cpu-crypto) running the same SA on
#    the same vdevs and core, and
#  - dpdk-testpmd --forward-mode=io on the same captures (the cost of the
#    pcap source and null sink alone, which at 1420 B is a large part of a
#    packet's cycles),
# all in the same run; then (SPD_SIZES) the same encrypt and decrypt through a
# policy-based SPD of 10, 1,000 and 10,000 policies.
#
#   bench/ipsec/run.sh [BUILD_DIR]      (default build/release)
#
# Sizes are inner IPv4 packet lengths (the frame on the cleartext side is 14
# bytes more): 64, 1420 and IMIX = 7:4:1 of 64, 576 and 1420 (esp_bench's
# mix). Encrypt: cleartext UDP 198.18.0.2 -> 198.18.1.0-255 arrives on pcap0
# and is routed into ipsec0 (route-based tunnel, outer 198.51.100.1 ->
# 198.51.100.2 out of null0). Decrypt: scapy-made ESP 198.51.100.2 ->
# 198.51.100.1 (the gateway's address on pcap0) for ipsec0's inbound SA; the
# inner packets leave in clear through null0. The inbound SA has anti-replay
# off (the capture repeats its sequence numbers forever); ipsec-secgw runs
# with its default replay window 0 (off), no ESN anywhere.
#
# Env: REPS (3) runs per case, SECS (10) measured seconds after WARM (3),
#   CORE (1) the worker lcore, ALGS (all ciphers; integrity sha1-96 but for
#   GCM), SIZES ("64 imix 1420"), IMIX_ALGS (aes-gcm-128 aes-cbc-128: the
#   ciphers measured at IMIX), DIRS ("enc dec"), SECGW_ALGS (ciphers also run
#   on ipsec-secgw: all but des-cbc, which its cpu-crypto path drops), SPD_SIZES ("10 1000 10000", "" to skip), SPD_ALG
#   (aes-gcm-128), SPD_SIZE (64), FORCE_PATH (e.g. ipsec-mb/avx512: pin every
#   algorithm there instead of the automatic choice), RESULTS (copy the
#   per-run results there; bench/ipsec/table.py prints them again), KEEP (set:
#   keep the work directory), SECGW (an ipsec-secgw built as below: skip the
#   build), VERIFY (1; 0: skip the verification; first: only at the first
#   of SIZES), PERF (a path prefix: perf record the worker core during each
#   measured interval into PREFIX.ipsecgw|secgw|testpmd.TIME.data).
# Verification: before the measured runs of each case, both gateways send the
# capture once (rx_pcap without infinite_rx) into a tx_pcap file: verify.py
# decrypts the ESP with scapy (sequence numbers 1..N, outer header, inner
# packet byte for byte) or compares the cleartext, and ipsecgw's SA must count
# exactly N packets with no drop; the script exits 1 at the end if any failed.
# Prints one line per run and a table of medians. Mpps "cpu" is per second
# the worker thread was on the CPU (its schedstat), so that time the shared
# machine gave to others is not counted; cycles/packet = TSC Hz / that rate.
# Needs root, hugepages, python3-scapy and Debian's dpdk-doc.
set -euo pipefail
BIN=$(realpath "${1:-build/release}")/bin
HERE=$(cd "$(dirname "$0")" && pwd)
TELE=$HERE/../dataplane/telemetry.py
REPS=${REPS:-3} SECS=${SECS:-10} WARM=${WARM:-3} CORE=${CORE:-1}
ALGS=${ALGS:-"aes-gcm-128 aes-gcm-192 aes-gcm-256 aes-cbc-128 aes-cbc-192 aes-cbc-256 aes-ctr-128 aes-ctr-192 aes-ctr-256 3des-cbc des-cbc none"}
SIZES=${SIZES:-"64 imix 1420"}
IMIX_ALGS=${IMIX_ALGS:-"aes-gcm-128 aes-cbc-128"}
DIRS=${DIRS:-"enc dec"}
SECGW_ALGS=${SECGW_ALGS:-"aes-gcm-128 aes-gcm-192 aes-gcm-256 aes-cbc-128 aes-cbc-192 aes-cbc-256 aes-ctr-128 aes-ctr-192 aes-ctr-256 3des-cbc none"}
SPD_SIZES=${SPD_SIZES-"10 1000 10000"}
SPD_ALG=${SPD_ALG:-aes-gcm-128} SPD_SIZE=${SPD_SIZE:-64}
VERIFY=${VERIFY:-1}
W=$(mktemp -d /tmp/ipbench.XXXXXX)
INST=ipbench$$
PID= CFG=
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
stop_cfg() { if [ -n "$CFG" ]; then kill "$CFG" 2>/dev/null || true; wait "$CFG" 2>/dev/null || true; CFG=; fi; }
cleanup() {
  stop; stop_cfg
  exec 3>&- 2>/dev/null || true
  rm -rf "/var/run/dpdk/ipsecgw-$INST" "/var/run/dpdk/secgw-$INST" "/var/run/dpdk/testpmd-$INST"
  if [ -n "${KEEP:-}" ]; then echo "work directory kept: $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for f in ipsecgw-dataplane ipsecgw-config ipsecctl esp_bench; do
  [ -x "$BIN/$f" ] || { echo "no $BIN/$f" >&2; exit 2; }
done
[ -d /usr/share/dpdk/examples/ipsec-secgw ] || { echo "install dpdk-doc for the ipsec-secgw sources" >&2; exit 2; }

# ---- ipsec-secgw, outside the repository --------------------------------
# net_pcap/net_null offer no Rx checksum offload, which ipsec-secgw requests:
# mask what it asks for with what the port offers (TESTING.md).
# SECGW=PATH: an ipsec-secgw built this way before (skips the build).
if [ -n "${SECGW:-}" ]; then
  [ -x "$SECGW" ] || { echo "no $SECGW" >&2; exit 2; }
else
SECGW=$W/secgw/ipsec-secgw/build/ipsec-secgw
mkdir -p "$W/secgw"
cp -r /usr/share/dpdk/examples/ipsec-secgw /usr/share/dpdk/examples/common "$W/secgw/"
/usr/bin/python3 - "$W/secgw/ipsec-secgw/ipsec-secgw.c" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
a = "\tlocal_port_conf.rxmode.offloads |= req_rx_offloads;\n"
assert a in s
s = s.replace(a, a + "\tlocal_port_conf.rxmode.offloads &= dev_info.rx_offload_capa;\n", 1)
open(p, "w").write(s)
PY
make -s -C "$W/secgw/ipsec-secgw" -j2 >/dev/null 2>"$W/secgw-build.log" || { cat "$W/secgw-build.log"; exit 1; }
fi

# ---- algorithms -----------------------------------------------------------
# alg CIPHER: sets INTEG (ipsecctl name), CK / IK (hex keys; CK carries the
# 4-byte salt of CTR/GCM at its end), SC / SI (scapy names), SG (ipsec-secgw
# SA algorithm words).
hexkey() { /usr/bin/python3 -c "import sys; print(bytes((0x11 * $2 + i) & 0xff for i in range($1)).hex())"; }
colons() { echo "$1" | sed 's/../&:/g; s/:$//'; }
alg() {
  local c=$1 bits
  INTEG=sha1-96 SI=HMAC-SHA1-96 IK=$(hexkey 20 2)
  case $c in
    aes-gcm-*) bits=${c##*-}; INTEG=none SI=NULL IK=-; CK=$(hexkey $((bits / 8 + 4)) 1); SC=AES-GCM
               SG="aead_algo aes-$bits-gcm aead_key $(colons "$CK")" ;;
    aes-cbc-*) bits=${c##*-}; CK=$(hexkey $((bits / 8)) 1); SC=AES-CBC
               SG="cipher_algo aes-$bits-cbc cipher_key $(colons "$CK")" ;;
    aes-ctr-*) bits=${c##*-}; CK=$(hexkey $((bits / 8 + 4)) 1); SC=AES-CTR
               SG="cipher_algo aes-$bits-ctr cipher_key $(colons "$CK")" ;;
    3des-cbc) CK=$(hexkey 24 1); SC=3DES; SG="cipher_algo 3des-cbc cipher_key $(colons "$CK")" ;;
    des-cbc) CK=$(hexkey 8 1); SC=DES; SG="cipher_algo des-cbc cipher_key $(colons "$CK")" ;;
    none) CK=-; SC=NULL; SG="cipher_algo null" ;;
    *) echo "unknown cipher $c" >&2; exit 2 ;;
  esac
  [ "$INTEG" = none ] || SG="$SG auth_algo sha1-hmac auth_key $(colons "$IK")"
}
# ipsecctl words for the SA's algorithms and keys
sa_words() {
  local w="crypto-alg $1"
  [ "$CK" = - ] || w="$w crypto-key $CK"
  [ "$INTEG" = none ] || w="$w integ-alg $INTEG integ-key $IK"
  echo "$w"
}
size_ok() { [ "$2" != imix ] || [[ " $IMIX_ALGS " == *" $1 "* ]]; }

# The vdevs: the capture replayed forever into a sink, or (verification)
# sent once into a capture file.
VERIFYING= TXDEV=net_null0,no-rx=1
rxdev() { if [ -n "$VERIFYING" ]; then echo "net_pcap0,rx_pcap=$1"; else echo "net_pcap0,rx_pcap=$1,infinite_rx=1"; fi; }

# ---- traffic --------------------------------------------------------------
pcap() { # pcap enc|dec SIZE CIPHER -> file name (made once)
  local f
  if [ "$1" = enc ]; then f=$W/enc-$2.pcap; else alg "$3"; f=$W/dec-$3-$2.pcap; fi
  if [ ! -f "$f" ]; then
    /usr/bin/python3 "$HERE/mkpcap.py" "$f" "$1" "$2" "$SC" "$SI" "$CK" "$IK" 2000 >&2
  fi
  echo "$f"
}

# ---- measuring ------------------------------------------------------------
opackets() { /usr/bin/python3 "$TELE" "$1" "/ethdev/stats,1" opackets; }
cpu_ns() {
  local t
  for t in /proc/"$1"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ]; then cut -d' ' -f1 "$t/schedstat"; return; fi
  done
  echo 0
}
# measure PREFIX PID THREAD: "wall_pps cpu_pps" on port 1 over SECS after WARM.
measure() {
  local a b t0 t1 c0 c1 i
  # up and forwarding (a slow start on a loaded machine), then the warm-up
  for i in $(seq 600); do
    a=$(opackets "$1" 2>/dev/null) && [ "${a:-0}" -gt 0 ] && break
    kill -0 "$2" 2>/dev/null || { echo "$3 exited; see $W/*.log" >&2; echo 0 0; return; }
    sleep 0.1
  done
  [ "$i" -lt 600 ] || { echo "$3 forwards nothing (counted as 0)" >&2; echo 0 0; return; }
  sleep "$WARM"
  a=$(opackets "$1"); c0=$(cpu_ns "$2" "$3"); t0=$(date +%s.%N)
  if [ -n "${PERF:-}" ]; then   # a profile of the worker core (costs a little of the rate)
    perf record -q -C "$CORE" -o "$PERF.${1%%-*}.$(date +%s%N).data" -- sleep "$SECS" >/dev/null 2>&1 &
  fi
  sleep "$SECS"
  b=$(opackets "$1"); c1=$(cpu_ns "$2" "$3"); t1=$(date +%s.%N)
  /usr/bin/python3 -c "print(int(($b - $a) / ($t1 - $t0)), int(($b - $a) * 1e9 / max(1, $c1 - $c0)))"
}

export IPSECGW_RUNDIR=$W/run IPSECGW_SHM_DIR=$W/shm
mkdir -p "$W/run" "$W/shm"
# gw_start STARTUP_FILE: a fresh region, config service and dataplane.
gw_start() {
  rm -rf "$W/shm"/* "$W/run"/*
  "$BIN/ipsecgw-config" --instance "$INST" --startup "$1" --log-level 4 >"$W/config.log" 2>&1 &
  CFG=$!
  for _ in $(seq 200); do [ -S "$W/run/$INST/config.sock" ] && break; sleep 0.05; done
  "$BIN/ipsecgw-dataplane" --instance "$INST" --eal "-l 0,$CORE -n 1 --no-pci" --idle-us 0 >"$W/dp.log" 2>&1 &
  PID=$!
}
gw_stop() {
  stop
  sed -n 's/.*tsc \([0-9]*\) Hz.*/\1/p' "$W/dp.log" | tail -1 >"$W/tsc"
  stop_cfg
}
gw_check() { # the counters of the last run: nothing but the expected path
  local e
  e=$("$BIN/ipsecctl" --instance "$INST" show errors 2>&1 | awk '$1 != 0 && $1 ~ /^[0-9]+$/' || true)
  if [ -n "$e" ]; then echo "ipsecgw drops: $e" >&2; fi
}
# The gateway's startup file for one case: gw_cli enc|dec PCAP CIPHER [SPD_N]
gw_cli() {
  local dir=$1 f=$2 words n=${4:-0}
  alg "$3"; words=$(sa_words "$3")
  cat <<EOS
dpdk vdev $(rxdev "$f") name pcap0
dpdk vdev $TXDEV name null0
set interface state pcap0 up
set interface state null0 up
EOS
  [ "$3" = none ] || echo "set crypto handler $3 $PIN"
  [ "$INTEG" = none ] || echo "set crypto handler $INTEG $PIN"
  if [ "$dir" = enc ]; then
    cat <<EOS
set interface ip address pcap0 198.18.0.1/24
set interface ip address null0 198.51.100.1/24
set ip neighbor null0 198.51.100.2 02:00:00:00:00:02
ipsec sa add 10 spi 1000 esp $words tunnel-src 198.51.100.1 tunnel-dst 198.51.100.2
ipsec sa add 20 spi 2000 esp $words tunnel-src 198.51.100.2 tunnel-dst 198.51.100.1 no-anti-replay
EOS
    if [ "$n" = 0 ]; then
      cat <<EOS
ipsec itf create instance 0
ipsec tunnel protect ipsec0 sa-out 10 sa-in 20
set interface unnumbered ipsec0 use pcap0
set interface state ipsec0 up
ip route add 198.18.1.0/24 via ipsec0
EOS
    else
      # policy-based: an SPD on null0, the protect policy among n - 1 others
      # of higher priority (discard, for other destinations)
      cat <<EOS
ipsec spd add 1
set interface ipsec spd null0 1
ipsec policy add spd 1 priority 10 outbound action protect sa 10 local-ip-range 198.18.0.0 - 198.18.0.255 remote-ip-range 198.18.1.0 - 198.18.1.255
ip route add 198.18.1.0/24 via 198.51.100.2 null0
EOS
      spd_fill outbound "$n"
    fi
  else
    cat <<EOS
set interface ip address pcap0 198.51.100.1/24
set interface ip address null0 198.18.100.1/24
set ip neighbor null0 198.18.100.2 02:00:00:00:00:02
ip route add 198.18.1.0/24 via 198.18.100.2 null0
ipsec sa add 10 spi 1000 esp $words tunnel-src 198.51.100.1 tunnel-dst 198.51.100.2
ipsec sa add 20 spi 2000 esp $words tunnel-src 198.51.100.2 tunnel-dst 198.51.100.1 no-anti-replay
EOS
    if [ "$n" = 0 ]; then
      cat <<EOS
ipsec itf create instance 0
ipsec tunnel protect ipsec0 sa-out 10 sa-in 20
set interface unnumbered ipsec0 use null0
set interface state ipsec0 up
EOS
    else
      # policy-based: an SPD on pcap0; the inbound protect policy matches the
      # outer header (VPP's way), the decrypted packet is classified against
      # the n - 1 others (discard, other sources)
      cat <<EOS
ipsec spd add 1
set interface ipsec spd pcap0 1
ipsec policy add spd 1 priority 10 inbound action protect sa 20 local-ip-range 198.51.100.1 - 198.51.100.1 remote-ip-range 198.51.100.2 - 198.51.100.2
EOS
      spd_fill inbound "$n"
    fi
  fi
}
# n - 1 discard policies, priority above the protect policy, none matching
# the traffic: distinct /32 remote addresses in 198.19.0.0/16, UDP, one port
# range each.
spd_fill() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n - 1):
    a = "198.19.%d.%d" % (i // 256, i % 256)
    print("ipsec policy add spd 1 priority %d %s action discard local-ip-range 198.18.0.0 - 198.18.1.255 "
          "remote-ip-range %s - %s protocol 17 remote-port-range %d - %d" % (100 + i % 1000, d, a, a, i % 60000, i % 60000 + 10))
PY
}

# ---- verification ---------------------------------------------------------
npk() { if [ "$1" = imix ]; then echo 252; else echo 256; fi; }  # mkpcap.py's count
# verify_wait PREFIX PID: until port 1 sent the whole capture (30 s at most).
verify_wait() {
  local i a
  for i in $(seq 300); do
    a=$(opackets "$1" 2>/dev/null) && [ "${a:-0}" -ge "$VN" ] && break
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  sleep 0.5
}
# gw_counters enc|dec SIZE: the SA's counters and the drops after the
# capture went through once: exactly N packets on the SA, no drop.
gw_counters() {
  local sa out pk
  if [ "$1" = enc ]; then sa=10; else sa=20; fi
  out=$W/verify-gw-$1-$2.txt
  { "$BIN/ipsecctl" --instance "$INST" show ipsec sa "$sa"; "$BIN/ipsecctl" --instance "$INST" show errors; } >"$out" 2>&1 || true
  pk=$(sed -n 's/.*packets[: ]*\([0-9][0-9]*\).*/\1/p' "$out" | head -1)
  gw_check
  echo "verify ipsecgw $1 $2: SA $sa counted ${pk:-?} packets (expected $VN)$( [ "${pk:-}" = "$VN" ] || echo ' FAIL')" >&2
  [ "${pk:-}" = "$VN" ] || VFAIL=1
}
# verify_case enc|dec SIZE CIPHER: both gateways send the capture once into a
# capture file, which verify.py checks (ESP decrypted by scapy, or the
# cleartext), and ipsecgw's SA and drop counters are checked.
VFAIL=
verify_case() {
  local who key spi
  alg "$3"
  VN=$(npk "$2")
  VERIFYING=1
  if [ "$1" = enc ]; then spi=1000; else spi=2000; fi
  for who in gw secgw; do
    [ "$who" = gw ] || [[ " $SECGW_ALGS " == *" $3 "* ]] || continue
    rm -f "$W/out-$who.pcap"
    TXDEV="net_pcap1,tx_pcap=$W/out-$who.pcap"
    "run_$who" "$1" "$2" "$3" "${4:-0}"
    (cd "$HERE" && /usr/bin/python3 verify.py "$W/out-$who.pcap" "$1" "$2" "$SC" "$SI" "$CK" "$IK" "$spi" "$who") >&2 || VFAIL=1
  done
  VERIFYING= TXDEV=net_null0,no-rx=1
}

run_gw() { # run_gw enc|dec SIZE CIPHER [SPD_N]
  local f
  f=$(pcap "$1" "$2" "$3")
  gw_cli "$1" "$f" "$3" "${4:-0}" >"$W/startup.cli"
  gw_start "$W/startup.cli"
  if [ -n "$VERIFYING" ]; then
    verify_wait "ipsecgw-$INST" "$PID"
    gw_counters "$1" "$2"
  else
    measure "ipsecgw-$INST" "$PID" "rte-worker-$CORE"
    gw_check
  fi
  gw_stop
}

# ipsec-secgw: port 0 = pcap0, port 1 = null0. Its "unprotected" ports (-u)
# are where ESP arrives: null0 for encrypt (nothing arrives there), pcap0 for
# decrypt. It wants an SA and a policy for both directions.
secgw_cfg() { # secgw_cfg CIPHER [SP_N]
  local n=${2:-0}
  alg "$1"
  cat <<EOS
sp ipv4 out esp protect 1000 pri 1 dst 198.18.1.0/24 sport 0:65535 dport 0:65535
sp ipv4 in esp protect 2000 pri 1 dst 198.18.1.0/24 sport 0:65535 dport 0:65535
sa out 1000 $SG mode ipv4-tunnel src 198.51.100.1 dst 198.51.100.2 type cpu-crypto
sa in 2000 $SG mode ipv4-tunnel src 198.51.100.2 dst 198.51.100.1 type cpu-crypto
rt ipv4 dst 198.51.100.0/24 port 1
rt ipv4 dst 198.18.1.0/24 port 1
neigh port 1 02:00:00:00:00:02
EOS
  if [ "$n" -gt 1 ]; then
    /usr/bin/python3 - "$n" <<'PY'
import sys
n = int(sys.argv[1])
for d in ("out", "in"):
    for i in range(n - 1):
        print("sp ipv4 %s esp discard pri %d dst 198.19.%d.%d/32 sport 0:65535 dport %d:%d"
              % (d, 2 + i % 1000, i // 256, i % 256, i % 60000, i % 60000 + 10))
PY
  fi
}
run_secgw() { # run_secgw enc|dec SIZE CIPHER [SP_N]
  local f u
  f=$(pcap "$1" "$2" "$3")
  secgw_cfg "$3" "${4:-0}" >"$W/secgw.cfg"
  if [ "$1" = enc ]; then u=0x2; else u=0x1; fi
  "$SECGW" -l "$CORE" -n 1 --no-pci --file-prefix "secgw-$INST" \
    --vdev "$(rxdev "$f")" --vdev "$TXDEV" \
    --vdev crypto_aesni_gcm0 --vdev crypto_aesni_mb0 -- \
    -p 0x3 -u "$u" -l -f "$W/secgw.cfg" --config "(0,0,$CORE),(1,0,$CORE)" >"$W/secgw.log" 2>&1 &
  PID=$!
  if [ -n "$VERIFYING" ]; then verify_wait "secgw-$INST" "$PID"; stop; return; fi
  measure "secgw-$INST" "$PID" ipsec-secgw
  stop
}

# testpmd io on the same capture and vdevs: the I/O floor. testpmd quits at
# the end of its input: give it a pipe that stays open.
mkfifo "$W/fifo"
exec 3<>"$W/fifo"
run_testpmd() { # run_testpmd enc|dec SIZE CIPHER
  local f
  f=$(pcap "$1" "$2" "$3")
  dpdk-testpmd -l "0,$CORE" -n 1 --no-pci --file-prefix "testpmd-$INST" \
    --vdev "net_pcap0,rx_pcap=$f,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
    --forward-mode=io --nb-cores=1 --auto-start --no-lsc-interrupt >"$W/testpmd.log" 2>&1 <"$W/fifo" &
  PID=$!
  measure "testpmd-$INST" "$PID" "rte-worker-$CORE"
  stop
}

# ---- crypto only ------------------------------------------------------------
# pin_for CIPHER: the engine and path esp_bench's automatic choice (the
# dataplane's start-up measurement, same code) gives the pair; both the
# dataplane (`set crypto handler`) and every crypto-only run are pinned to it.
declare -A PATHS
pin_for() {
  local c=$1 path
  alg "$c"
  if [ -n "${FORCE_PATH:-}" ]; then
    path=$FORCE_PATH
  else
    path=$("$BIN/esp_bench" --cpu "$CORE" --runs 1 --ms 1 --engine auto --alg "$c/$INTEG" --size 64 --dir enc 2>/dev/null |
           awk '!/^#/ {print $2}')
  fi
  PATHS[$c]=$path
  case $path in
    openssl) PIN=openssl ;;
    native) PIN=native ;;
    ipsec-mb/*) PIN="ipsec-mb ${path#ipsec-mb/}" ;;
    *) echo "esp_bench gave no engine for $c" >&2; exit 1 ;;
  esac
}
# crypto_run CIPHER SIZE DIR: crypto-only cycles per packet (median of 3 x
# 40 ms, each the median burst), same engine and path as the dataplane.
crypto_run() {
  alg "$1"
  "$BIN/esp_bench" --cpu "$CORE" --runs 3 --ms 40 --engine auto --pin "${PATHS[$1]}" --burst-median \
    --alg "$1/$INTEG" --size "$2" --dir "$3" 2>/dev/null | awk '!/^#/ {gsub(/\([^)]*\)/, ""); print $6}'
}

# ---- the runs ---------------------------------------------------------------
# One line per run in $W/results.tsv: what cipher size dir rep wall_pps
# cpu_pps crypto_cyc (what: gw|sg route-based, spdN|sgspdN with an SPD, io
# testpmd).
RES=$W/results.tsv
: >"$RES"
record() { # record WHAT CIPHER SIZE DIR REP CRYPTO_CYC  (stdin: "wall cpu")
  local pps cpps
  read -r pps cpps
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$pps" "$cpps" "$6" >>"$RES"
  printf '%-8s %-12s %-5s %-3s run %s: %7.3f Mpps wall %7.3f Mpps cpu (crypto-only %s cycles/pkt)\n' \
    "$1" "$2" "$3" "$4" "$5" "$(echo "$pps / 1000000" | bc -l)" "$(echo "$cpps / 1000000" | bc -l)" "$6"
}
for c in $ALGS; do
  pin_for "$c"
  echo "== $c/$INTEG: ${PATHS[$c]}"
  for s in $SIZES; do
    size_ok "$c" "$s" || continue
    for d in $DIRS; do
      if [ "$VERIFY" = 1 ] || { [ "$VERIFY" = first ] && [ "$s" = "${SIZES%% *}" ]; }; then
        verify_case "$d" "$s" "$c"
      fi
      for r in $(seq "$REPS"); do
        if [ "$c" = "${ALGS%% *}" ]; then  # the I/O floor, with the first cipher's captures
          run_testpmd "$d" "$s" "$c" >"$W/m"; record io "$c" "$s" "$d" "$r" "" <"$W/m"
        fi
        cc=$(crypto_run "$c" "$s" "$d")
        run_gw "$d" "$s" "$c" >"$W/m"; record gw "$c" "$s" "$d" "$r" "$cc" <"$W/m"
        if [[ " $SECGW_ALGS " == *" $c "* ]]; then
          run_secgw "$d" "$s" "$c" >"$W/m"; record sg "$c" "$s" "$d" "$r" "$cc" <"$W/m"
        fi
      done
    done
  done
done
if [ -n "$SPD_SIZES" ]; then
  pin_for "$SPD_ALG"
  for n in $SPD_SIZES; do
    for d in $DIRS; do
      [ "$VERIFY" = 0 ] || verify_case "$d" "$SPD_SIZE" "$SPD_ALG" "$n"
      for r in $(seq "$REPS"); do
        cc=$(crypto_run "$SPD_ALG" "$SPD_SIZE" "$d")
        run_gw "$d" "$SPD_SIZE" "$SPD_ALG" "$n" >"$W/m"; record "spd$n" "$SPD_ALG" "$SPD_SIZE" "$d" "$r" "$cc" <"$W/m"
        run_secgw "$d" "$SPD_SIZE" "$SPD_ALG" "$n" >"$W/m"; record "sgspd$n" "$SPD_ALG" "$SPD_SIZE" "$d" "$r" "$cc" <"$W/m"
      done
    done
  done
fi
for c in $ALGS ${SPD_SIZES:+$SPD_ALG}; do printf '# path\t%s\t%s\n' "$c" "${PATHS[$c]:-}"; done | sort -u >>"$RES"
printf '# tsc\t%s\n# runs\t%s x %s s after %s s, lcore %s\n' "$(cat "$W/tsc")" "$REPS" "$SECS" "$WARM" "$CORE" >>"$RES"
[ -z "${RESULTS:-}" ] || cp "$RES" "$RESULTS"
echo
/usr/bin/python3 "$HERE/table.py" "$RES"
if [ -n "$VFAIL" ]; then echo "VERIFICATION FAILED (see the verify lines above)" >&2; exit 1; fi

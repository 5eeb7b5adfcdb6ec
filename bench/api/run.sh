#!/usr/bin/env bash
# API benchmark against a fresh ipsecgw-config on a tmpfs region, three runs each:
#  1. `ipsecctl -f` of 10,000 `ipsec sa add` lines, and of an SPD with 10,000
#     `ipsec policy add` lines: the operator's path (parse, batches of 64
#     requests per round trip, validate, journal, region, reply).
#  2. api_bench, one request in flight per round trip (window 1) and 32 in flight.
# Prints each measurement, then the medians.
#   bench/api/run.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
bin=$(realpath "${1:-build/release}")/bin
tmp=$(mktemp -d /dev/shm/ipsecgw-bench-XXXXXX)
pid=
stop_cfg() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=; }
trap 'stop_cfg; rm -rf "$tmp"' EXIT
export IPSECGW_SHM_DIR=$tmp IPSECGW_RUNDIR=$tmp/run
start_cfg() {
  stop_cfg
  rm -rf "$tmp/run" "$tmp/ipsecgw-bench"
  "$bin/ipsecgw-config" --instance bench --log-level 3 & pid=$!
  for _ in $(seq 200); do [ -S "$tmp/run/bench/config.sock" ] && return 0; sleep 0.05; done
  echo "ipsecgw-config did not start" >&2; return 1
}
n=10000
for i in $(seq 0 $((n - 1))); do
  printf 'ipsec sa add %d spi %d esp crypto-alg aes-cbc-128 crypto-key 4a506a794f574265564551694d653768 integ-alg sha1-96 integ-key 4339314b55523947594d6d3547666b45764e6a58\n' $((100000 + i)) $((1000 + i))
done > "$tmp/sas.cli"
{ echo "ipsec spd add 1"
  for i in $(seq 0 $((n - 1))); do
    printf 'ipsec policy add spd 1 priority %d outbound action bypass local-ip-range 198.18.%d.%d - 198.18.%d.%d remote-ip-range 203.0.113.%d - 203.0.113.%d\n' \
      $((i % 1000)) $((i / 256)) $((i % 256)) $((i / 256)) $((i % 256)) $((i % 256)) $((i % 256))
  done; } > "$tmp/policies.cli"

declare -a sa_rates pol_secs
for r in 1 2 3; do
  start_cfg
  t0=$(date +%s.%N); "$bin/ipsecctl" --instance bench -f "$tmp/sas.cli"; t1=$(date +%s.%N)
  "$bin/ipsecctl" --instance bench -f "$tmp/policies.cli"; t2=$(date +%s.%N)
  sa=$(echo "$n / ($t1 - $t0)" | bc); pol=$(echo "$t2 - $t1" | bc)
  sa_rates+=("$sa"); pol_secs+=("$pol")
  printf 'ipsecctl -f  run %d: %d SA adds in %.3f s = %d /s; SPD of %d policies loaded in %.3f s\n' "$r" "$n" "$(echo "$t1 - $t0" | bc)" "$sa" "$n" "$pol"
done
for w in 1 32; do
  for _ in 1 2 3; do
    start_cfg
    "$bin/api_bench" --instance bench --sas $n --policies $n --window "$w"
  done
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
echo "median ipsecctl -f: $(median "${sa_rates[@]}") SA adds/s; $(median "${pol_secs[@]}") s for $n policies"

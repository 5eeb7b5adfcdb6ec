#!/usr/bin/env bash
# Runs the API benchmark against a fresh ipsecgw-config on a tmpfs region:
# three runs with one request in flight (ipsecctl's behaviour), three pipelined.
#   bench/api/run.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
bin=$(realpath "${1:-build/release}")/bin
tmp=$(mktemp -d /dev/shm/ipsecgw-bench-XXXXXX)
pid=
stop_cfg() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; pid=; }
trap 'stop_cfg; rm -rf "$tmp"' EXIT
export IPSECGW_SHM_DIR=$tmp IPSECGW_RUNDIR=$tmp/run
start_cfg() {
  stop_cfg
  rm -rf "$tmp/run" "$tmp/ipsecgw-bench"
  "$bin/ipsecgw-config" --instance bench --log-level 4 & pid=$!
  for _ in $(seq 200); do [ -S "$tmp/run/bench/config.sock" ] && return 0; sleep 0.05; done
  echo "ipsecgw-config did not start" >&2; return 1
}
for w in 1 32; do
  for _ in 1 2 3; do
    start_cfg
    "$bin/api_bench" --instance bench --sas 10000 --policies 10000 --window "$w"
  done
done

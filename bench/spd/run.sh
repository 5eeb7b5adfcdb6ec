#!/usr/bin/env bash
# SPD lookup benchmark, the way docs/benchmarks.md quotes it: one core (CPU 1),
# median of 5 runs of 40 ms per figure, SPDs of 10, 1,000 and 10,000 policies,
# IPv4 and IPv6, for each of the three policy sets (uniform, site, nested).
#   bench/spd/run.sh [BUILD_DIR] [spd_bench options...]   (default build/release)
set -euo pipefail
bin=$(realpath "${1:-build/release}")/bin
shift || true
cpu=$(( $(nproc) > 1 ? 1 : 0 ))
for mix in uniform site nested; do
  "$bin/spd_bench" --cpu "$cpu" --runs 5 --ms 40 --mix "$mix" "$@"
  echo
done

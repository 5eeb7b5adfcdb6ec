#!/usr/bin/env bash
# ESP core benchmark, the way docs/esp.md quotes it: one core (CPU 1),
# median of 5 runs of 40 ms per figure, both engines, every algorithm.
#   bench/esp/run.sh [BUILD_DIR] [esp_bench options...]   (default build/release)
set -euo pipefail
bin=$(realpath "${1:-build/release}")/bin
shift || true
cpu=$(( $(nproc) > 1 ? 1 : 0 ))
exec "$bin/esp_bench" --cpu "$cpu" --runs 5 --ms 40 "$@"

#!/usr/bin/env bash
# Runs every ipsecgw test on a Debian 12 machine, as root:
#   1. installs the Debian packages it needs, sets up hugepages;
#   2. gcc build (RelWithDebInfo), all CTest tests;
#   3. clang build with ASan + UBSan and the libFuzzer targets, all CTest tests again.
# Prints CTest's summary for each build and a combined line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0)"; exit 2; }
bash scripts/deps.sh || exit 1
bash scripts/hugepages.sh || exit 1

jobs=$(nproc)
total_pass=0 total_fail=0 status=0
run_build() { # name, ctest args, cmake args...
  local name=$1 cargs=$2; shift 2
  local dir=build/$name
  echo "=== build $name"
  cmake -S . -B "$dir" "$@" >"$dir.configure.log" 2>&1 || { mkdir -p build; cat "$dir.configure.log"; status=1; return; }
  if ! cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1; then
    grep -E 'error|Error' "$dir.build.log" | head -40; status=1; return
  fi
  echo "=== tests $name"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure $cargs 2>&1 | tee "$dir.ctest.log"
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$dir.ctest.log" | tail -1)
  if [ -z "$line" ]; then status=1; return; fi
  local failed total
  failed=$(sed -E 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
  total_pass=$((total_pass + total - failed)); total_fail=$((total_fail + failed))
  [ "$failed" -eq 0 ] || status=1
}
mkdir -p build
run_build release "" -DCMAKE_BUILD_TYPE=RelWithDebInfo
CC=clang run_build asan "" -DCMAKE_BUILD_TYPE=Debug -DIPSECGW_SANITIZE=ON -DIPSECGW_FUZZ=ON
echo
echo "total: $total_pass passed, $total_fail failed"
exit $status

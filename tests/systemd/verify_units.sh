#!/bin/sh
# Verifies ipsecgw's systemd units with `systemd-analyze verify`, failing on
# ANY output (verify exits 0 on many warnings), then prints
# `systemd-analyze security --offline=true` for each service (information
# only, never fails).
#
# usage: verify_units.sh UNITS_DIR INSTALL_BINDIR BUILD_BINDIR
# The units in UNITS_DIR are copied to a temporary directory with ExecStart
# moved from INSTALL_BINDIR to BUILD_BINDIR, so the commands resolve to the
# binaries just built; templates are verified through the instance "test".
set -u
units_dir=$1 install_bindir=$2 build_bindir=$3
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipsecgw-units.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
for f in "$units_dir"/*.service "$units_dir"/*.target; do
	[ -e "$f" ] || continue
	sed "s|^ExecStart=$install_bindir/|ExecStart=$build_bindir/|" "$f" >"$tmp/$(basename "$f")" || exit 1
	n=$((n + 1))
done
[ "$n" -eq 5 ] || { echo "expected 5 units in $units_dir, found $n"; exit 1; }

status=0
for f in "$tmp"/*@.service "$tmp"/*@.target; do
	unit=$(basename "$f" | sed 's/@\./@test./')
	out=$(systemd-analyze verify --man=no "$tmp/$unit" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		echo "FAIL $unit (exit $rc):"
		printf '%s\n' "$out"
		status=1
	else
		echo "ok   $unit"
	fi
done

echo
echo "systemd-analyze security --offline=true (information only):"
for f in "$tmp"/*@.service; do
	unit=$(basename "$f" | sed 's/@\./@test./')
	systemd-analyze security --offline=true --no-pager "$tmp/$unit" 2>&1 | grep -E '^(✗|→)|Overall'
	echo
done
exit $status

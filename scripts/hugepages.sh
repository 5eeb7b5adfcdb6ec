#!/usr/bin/env bash
# Reserve 2 MiB hugepages and mount hugetlbfs at /dev/hugepages (idempotent).
set -euo pipefail
want=${IPSECGW_HUGEPAGES:-512}
have=$(cat /proc/sys/vm/nr_hugepages)
if [ "$have" -lt "$want" ]; then
  echo "$want" > /proc/sys/vm/nr_hugepages
fi
mkdir -p /dev/hugepages
if ! mountpoint -q /dev/hugepages; then
  mount -t hugetlbfs nodev /dev/hugepages
fi
echo "hugepages: $(cat /proc/sys/vm/nr_hugepages) x 2 MiB, free $(awk '/HugePages_Free/{print $2}' /proc/meminfo), mounted at /dev/hugepages"

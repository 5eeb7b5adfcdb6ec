#!/usr/bin/env bash
# Installs the Debian 12 packages ipsecgw needs to build, test and demo.
# Idempotent: only calls apt-get when something is missing.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libdpdk-dev dpdk dpdk-dev
  libzmq3-dev libprotobuf-c-dev protobuf-c-compiler
  libssl-dev libuv1-dev libipsec-mb-dev
  libedit-dev libmicrohttpd-dev libjansson-dev libsystemd-dev systemd
  iproute2 iputils-ping ethtool procps curl tcpdump bc dpdk-doc python3 python3-scapy python3-cryptography tmux
  strongswan-charon strongswan-swanctl libcharon-extra-plugins
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

#!/usr/bin/env bash
# ipsecgw demo, for a fresh Debian 12 machine, as root: the seed page's use
# case "IKEv2 between a VPP responder and a strongSwan initiator, PSK".
#   installs what is missing, builds, sets up hugepages and three network
#   namespaces (a strongSwan road warrior, the gateway, a web server behind
#   it), starts the suite in the gateway's namespace, configures the seed
#   page's IKEv2 profile through ipsecctl, lets strongSwan negotiate, routes
#   into the ipsec0 the negotiation created, fetches a page from the server
#   through the tunnel, shows `show ikev2 sa` and `show ipsec tunnel
#   interfaces`, scrapes Prometheus, then kills the dataplane and the IKE
#   daemon with -9 in turn and shows the tunnel carrying traffic on. Stops
#   everything and removes its namespaces at the end unless --keep is given.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0)"; exit 2; }
keep=0; [ "${1:-}" = "--keep" ] && keep=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Debian packages"
bash scripts/deps.sh
step "Hugepages"
bash scripts/hugepages.sh
step "Build"
if [ ! -x build/release/bin/ipsecgw-config ] || [ -n "$(find . -path ./build -prune -o -newer build/release/bin/ipsecgw-config \( -name '*.c' -o -name '*.h' -o -name '*.proto' -o -name CMakeLists.txt \) -print -quit)" ]; then
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/release -j"$(nproc)" 2>&1 | tail -1
fi
bin=$PWD/build/release/bin

NS=ipsecgw-demo PEER=ipsecgw-demo-rw SRV=ipsecgw-demo-web INST=demo
export IPSECGW_RUNDIR=/run/ipsecgw-demo
SW=/tmp/ipsecgw-demo-swan   # not under /run: charon gets a private tmpfs there
pids=()
declare -A pid
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in "$NS" "$PEER" "$SRV"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$IPSECGW_RUNDIR" "$SW" "/dev/hugepages/ipsecgw-$INST" "/var/run/dpdk/ipsecgw-$INST"
}
[ $keep -eq 1 ] || trap cleanup EXIT
cleanup

step "Network namespaces: $PEER (strongSwan, 192.0.2.2, LAN 198.51.100.1) -- $NS (ipsecgw) -- $SRV (web server 203.0.113.2)"
for n in "$NS" "$PEER" "$SRV"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add gw-wan netns "$NS" type veth peer name eth0 netns "$PEER"
ip link add gw-lan netns "$NS" type veth peer name eth0 netns "$SRV"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for i in gw-wan gw-lan; do ip netns exec "$NS" ethtool -K $i gro off tx off >/dev/null 2>&1 || true; ip -n "$NS" link set $i up; done
for n in "$PEER" "$SRV"; do ip netns exec "$n" ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1 || true; ip -n "$n" link set eth0 up; done
ip -n "$PEER" addr add 192.0.2.2/24 dev eth0
ip -n "$PEER" addr add 198.51.100.1/24 dev lo
ip -n "$SRV" addr add 203.0.113.2/24 dev eth0
ip -n "$SRV" route add default via 203.0.113.1

run() { ip netns exec "$NS" "$@"; }
wait_sock() { for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "timeout waiting for $1" >&2; return 1; }
ctl() { echo "ipsecgw# $*"; run "$bin/ipsecctl" --instance "$INST" "$@"; }
until_ok() { # SECONDS CMD...
  local n=$(($1 * 5)); shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timeout: $*" >&2; return 1
}
start() { # NAME CMD...: in the gateway's namespace, remembered
  local name=$1; shift
  ip netns exec "$NS" "$@" >>"$IPSECGW_RUNDIR/$name.log" 2>&1 &
  pid[$name]=$!; pids+=($!)
}

step "Start the suite in $NS (instance '$INST', region on /dev/hugepages)"
mkdir -p "$IPSECGW_RUNDIR"
start config "$bin/ipsecgw-config" --instance "$INST" --reset --startup scripts/demo/startup.cli
wait_sock "$IPSECGW_RUNDIR/$INST/config.sock"
start stats "$bin/ipsecgw-stats" --instance "$INST" --listen 127.0.0.1:9465
start dataplane "$bin/ipsecgw-dataplane" --instance "$INST"
until_ok 30 grep -q "ready: instance" "$IPSECGW_RUNDIR/dataplane.log"
start ikev2 "$bin/ipsecgw-ikev2" --instance "$INST"
until_ok 10 grep -q "ready: instance" "$IPSECGW_RUNDIR/ikev2.log"
ls -l "/dev/hugepages/ipsecgw-$INST" | sed 's/^/  /'
grep -h "ready: instance" "$IPSECGW_RUNDIR"/*.log | sed 's/^/  /'

step "Configure the seed page's IKEv2 responder profile through ipsecctl"
grep -v '^#' scripts/demo/ikev2.cli | sed 's/^/  /'
run "$bin/ipsecctl" --instance "$INST" -f scripts/demo/ikev2.cli
ctl show ikev2 profile

step "A web server behind the gateway (203.0.113.2:8080)"
mkdir -p "$SW/www"
echo "Hello from 203.0.113.2, behind ipsecgw: this page came through the IPsec tunnel." >"$SW/www/index.html"
ip netns exec "$SRV" python3 -m http.server --bind 203.0.113.2 --directory "$SW/www" 8080 >"$SW/http.log" 2>&1 &
pids+=($!)

step "strongSwan road warrior in $PEER (the seed page's ipsec.conf, as swanctl.conf)"
mkdir -p "$SW/swanctl"
for d in x509 x509ca private rsa ecdsa pkcs8 pkcs12 pubkey; do mkdir -p "$SW/swanctl/$d"; done
cat >"$SW/strongswan.conf" <<EOC
charon {
	load = random nonce kdf aes sha1 sha2 hmac gcm openssl pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici updown
	install_routes = yes
	filelog { demo { path = $SW/charon.log
		default = 1 } }
}
EOC
# kernel-libipsec (this kernel has no ESP) only does UDP-encapsulated ESP and no
# ESN: the seed's esp=aes192-sha1-esn! becomes aes192-sha1 with encap.
cat >"$SW/swanctl/swanctl.conf" <<EOC
connections {
	net-net {
		version = 2
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = aes256-sha1-modp2048
		encap = yes
		local { auth = psk
			id = roadwarrior.vpn.example.com }
		remote { auth = psk
			id = vpp.home }
		children { net-net { local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes192-sha1 } }
	}
}
secrets { ike-1 { secret = "Vpp123" } }
EOC
sed -n '/^connections/,$p' "$SW/swanctl/swanctl.conf" | sed 's/^/  /'
ip netns exec "$PEER" unshare -m sh -c "mount -t tmpfs none /run && mount --bind $SW/swanctl /etc/swanctl &&
  STRONGSWAN_CONF=$SW/strongswan.conf exec /usr/lib/ipsec/charon" >"$SW/charon.stderr" 2>&1 &
pids+=($!); charon=$!
swan() { nsenter -t "$(pgrep -P $charon -x charon || echo $charon)" -m -n swanctl "$@"; }
until_ok 20 swan --stats
swan --load-all --noprompt >/dev/null

step "strongSwan initiates; ipsecgw responds (IKE punted from the dataplane to the IKE daemon)"
echo "roadwarrior\$ swanctl --initiate --child net-net"
swan --initiate --child net-net 2>&1 | grep -E "(IKE_SA|CHILD_SA) .*established|failed" | sed 's/^/  /'
until_ok 10 bash -c "ip netns exec $NS $bin/ipsecctl --instance $INST show ipsec tunnel | grep -q ipsec0"
ctl show interface

step "Route the road warrior's subnet into ipsec0 (the seed page's commands)"
grep -v '^#' scripts/demo/route.cli | sed 's/^/  /'
run "$bin/ipsecctl" --instance "$INST" -f scripts/demo/route.cli

step "HTTP GET from the road warrior's LAN (198.51.100.1) through the tunnel"
echo "roadwarrior\$ curl --interface 198.51.100.1 http://203.0.113.2:8080/"
until_ok 20 ip netns exec "$PEER" curl -s --max-time 2 --interface 198.51.100.1 -o /dev/null http://203.0.113.2:8080/
ip netns exec "$PEER" curl -s --max-time 5 --interface 198.51.100.1 http://203.0.113.2:8080/ | sed 's/^/  /'

step "The gateway's view"
ctl show ikev2 sa
ctl show ipsec tunnel interfaces
ctl show interface
echo; echo "strongSwan's view:"
swan --list-sas 2>/dev/null | sed 's/^/  /'

step "Prometheus scrape of ipsecgw-stats (a few families)"
run curl -s http://127.0.0.1:9465/metrics | grep -E '^ipsecgw_(sa_packets_total|ike_sas|ike_child_sas|process_ready)\b' | head -12

step "kill -9 the dataplane while pinging through the tunnel; restart it"
ip netns exec "$PEER" ping -i 0.2 -c 40 -W 2 -I 198.51.100.1 203.0.113.2 >"$SW/ping-dp.txt" 2>&1 &
pp=$!
sleep 1.5
kill -9 "${pid[dataplane]}"; wait "${pid[dataplane]}" 2>/dev/null || true
echo "  dataplane killed; starting it again"
start dataplane "$bin/ipsecgw-dataplane" --instance "$INST"
wait $pp || true
tail -2 "$SW/ping-dp.txt" | sed 's/^/  /'
ctl show ipsec tunnel interfaces | grep -E "^ipsec0|seq"

step "kill -9 the IKE daemon; the new one continues the same IKE SA (nothing renegotiated)"
before=$(run "$bin/ipsecctl" --instance "$INST" show ikev2 sa | grep -o "ispi [0-9a-f]*")
kill -9 "${pid[ikev2]}"; wait "${pid[ikev2]}" 2>/dev/null || true
: >"$IPSECGW_RUNDIR/ikev2.log"
start ikev2 "$bin/ipsecgw-ikev2" --instance "$INST"
until_ok 10 grep -q "ready: instance" "$IPSECGW_RUNDIR/ikev2.log"
after=$(run "$bin/ipsecctl" --instance "$INST" show ikev2 sa | grep -o "ispi [0-9a-f]*")
echo "  before: $before   after: $after"
echo "roadwarrior\$ curl --interface 198.51.100.1 http://203.0.113.2:8080/"
ip netns exec "$PEER" curl -s --max-time 5 --interface 198.51.100.1 http://203.0.113.2:8080/ | sed 's/^/  /'

if [ $keep -eq 1 ]; then
  step "Left running (--keep): ip netns exec $NS $bin/ipsecctl --instance $INST"
  trap - EXIT
else
  step "Done; stopping the suite and removing the namespaces"
fi

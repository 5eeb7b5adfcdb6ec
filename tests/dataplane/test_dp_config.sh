#!/usr/bin/env bash
# Configuration changes while forwarding: a steady ping client -> server
# loses nothing while addresses, loopbacks, routes (v4 and v6) and static
# neighbors come and go (the workers swap snapshots, RCU); the changes take
# effect; a port declared while running is hot-plugged (rte_dev_probe).
DP_EAL="-l 0-1 --no-pci"
source "$(dirname "$0")/lib.sh"
gw_up
inc ping -c 1 -W 2 198.51.100.2 >/dev/null || fail "baseline"

ip netns exec "$NC" ping -i 0.01 -c 500 -W 1 198.51.100.2 >"$T/steady.log" 2>&1 &
STEADY=$!; PIDS+=("$STEADY")
sleep 0.3

log "changes under traffic"
ctl loopback create-interface >/dev/null
ctl set interface state loop0 up
ctl set interface ip address loop0 203.0.113.1/32
ctl set interface ip address loop0 2001:db8:ff::1/128
ins ip addr add 203.0.113.130/32 dev lo
ins ip -6 addr add 2001:db8:fe::1/128 dev lo
ctl ip route add 203.0.113.128/25 via 198.51.100.2
ctl ip route add 2001:db8:fe::/64 via 2001:db8:2::2 eth1
for i in $(seq 1 40); do ctl ip route add 198.18.$i.0/24 via 198.51.100.2; done
ctl set ip neighbor eth1 198.51.100.77 02:00:00:00:00:77
ctl set interface ip address eth0 192.0.2.100/24
inc ping -c 1 -W 2 203.0.113.1 >/dev/null || fail "new loopback address"
inc ping -6 -c 1 -W 2 2001:db8:ff::1 >/dev/null || fail "new loopback v6 address"
inc ping -c 1 -W 2 203.0.113.130 >/dev/null || fail "new v4 route"
inc ping -6 -c 1 -W 2 2001:db8:fe::1 >/dev/null || fail "new v6 route"
inc ping -c 1 -W 2 192.0.2.100 >/dev/null || fail "second address on eth0"
for i in $(seq 1 40); do ctl ip route del 198.18.$i.0/24 via 198.51.100.2; done
ctl ip route del 203.0.113.128/25 via 198.51.100.2
ctl set interface ip address del eth0 192.0.2.100/24
ctl set ip neighbor del eth1 198.51.100.77
sleep 0.2
inc ping -c 1 -W 1 203.0.113.130 >/dev/null && fail "deleted route still forwards"

log "hot-plugged port"
ip link add c1 netns "$NC" type veth peer name g2 netns "$NG"
inc ethtool -K c1 tx off tso off gso off >/dev/null 2>&1 || true
ip netns exec "$NG" ip link set g2 up
inc ip link set c1 up
inc ip addr add 198.18.200.2/24 dev c1
ctl dpdk vdev net_af_packet2,iface=g2 name eth2
ctl set interface state eth2 up
ctl set interface ip address eth2 198.18.200.1/24
wait_for 10 inc ping -c 1 -W 1 -I c1 198.18.200.1 || { cat "$T/dataplane.log"; fail "hot-plugged port"; }

wait "$STEADY" || true
tail -3 "$T/steady.log"
grep -q " 500 received, 0% packet loss" "$T/steady.log" || fail "traffic lost during the changes"
log "PASS"

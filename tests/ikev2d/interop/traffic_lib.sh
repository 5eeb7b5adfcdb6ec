# The interop topology with ipsecgw's dataplane in the path (sourced after
# lib.sh): the gateway namespace's veths belong to ipsecgw-dataplane
# (net_af_packet), the IKE daemon gets its packets through the dataplane's
# punt channel, and a server namespace sits behind the gateway.
#
#   peer ns  ikw (192.0.2.2) ==== ikv  [gw: dataplane wan0 192.0.2.1 | lan0 203.0.113.1]  ikl ---- iks (203.0.113.2)  server ns
#   peer LAN 198.51.100.1/24 on lo
#
# tr_topology; tr_gateway INSTANCE PROFILE_CLI; then the test.

DP_EAL=${DP_EAL:-"-l 0 --no-pci"}

tr_topology() {
	GW=ikg-$IK_ID PEER=ikp-$IK_ID SRV=iks-$IK_ID
	ik_ns "$GW"
	ik_ns "$PEER"
	ik_ns "$SRV"
	ip link add ikv-$IK_ID netns "$GW" type veth peer name ikw-$IK_ID netns "$PEER" || ik_fail "veth wan"
	ip link add ikl-$IK_ID netns "$GW" type veth peer name iks-$IK_ID netns "$SRV" || ik_fail "veth lan"
	# The gateway's kernel keeps out of the way (the dataplane owns the veths).
	ip netns exec "$GW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	for i in ikv ikl; do
		ip netns exec "$GW" ethtool -K $i-$IK_ID gro off tx off >/dev/null 2>&1
		ip -n "$GW" link set $i-$IK_ID up
	done
	ip netns exec "$PEER" ethtool -K ikw-$IK_ID tx off tso off gso off >/dev/null 2>&1
	ip netns exec "$SRV" ethtool -K iks-$IK_ID tx off tso off gso off >/dev/null 2>&1
	ip -n "$PEER" addr add 192.0.2.2/24 dev ikw-$IK_ID
	ip -n "$PEER" link set ikw-$IK_ID up
	ip -n "$PEER" addr add 198.51.100.1/24 dev lo
	ip -n "$SRV" addr add 203.0.113.2/24 dev iks-$IK_ID
	ip -n "$SRV" link set iks-$IK_ID up
	ip -n "$SRV" route add default via 203.0.113.1
}

# tr_gateway INSTANCE PROFILE_CLI [ipsecgw-ikev2 options...]: config service
# (ports, addresses, then the profile lines), dataplane, IKE daemon on punt.
tr_gateway() {
	local inst=$1 prof=$2 startup=$IK_DIR/startup-$1.cli
	shift 2
	{
		echo "dpdk vdev net_af_packet0,iface=ikv-$IK_ID name wan0"
		echo "dpdk vdev net_af_packet1,iface=ikl-$IK_ID name lan0"
		echo "set interface state wan0 up"
		echo "set interface state lan0 up"
		echo "set interface ip address wan0 192.0.2.1/24"
		echo "set interface ip address lan0 203.0.113.1/24"
		cat "$prof"
	} >"$startup"
	"$BIN/ipsecgw-config" --instance "$inst" --reset --startup "$startup" --log-level 6 \
		2>>"$IK_DIR/config-$inst.log" &
	IK_PIDS+=($!)
	for _ in $(seq 100); do [ -S "$IPSECGW_RUNDIR/$inst/config.sock" ] && break; sleep 0.05; done
	# shellcheck disable=SC2086
	ip netns exec "$GW" "$BIN/ipsecgw-dataplane" --instance "$inst" --eal "$DP_EAL" \
		>>"$IK_DIR/dataplane-$inst.log" 2>&1 &
	IK_PIDS+=($!)
	TR_DP_PID=$!
	ik_wait 30 "dataplane ready" grep -q "ready: instance" "$IK_DIR/dataplane-$inst.log"
	"$BIN/ipsecgw-ikev2" --instance "$inst" --log-level 7 --attach-timeout 10 "$@" \
		2>>"$IK_DIR/ikev2-$inst.log" &
	IK_PIDS+=($!)
	IK_IKEV2_PID[$inst]=$!
	"$BIN/ikev2_query" "$inst" ready 10000 || ik_fail "ipsecgw-ikev2 $inst not ready"
}

# tr_ikev2_restart INSTANCE [ipsecgw-ikev2 options...]: stop the IKE daemon
# tr_gateway started (SIGTERM, by its PID) and start it again with these
# options, on the punt channel as before.
tr_ikev2_restart() {
	local inst=$1
	shift
	kill "${IK_IKEV2_PID[$inst]}"
	wait "${IK_IKEV2_PID[$inst]}" 2>/dev/null
	"$BIN/ipsecgw-ikev2" --instance "$inst" --log-level 7 --attach-timeout 10 "$@" \
		2>>"$IK_DIR/ikev2-$inst.log" &
	IK_PIDS+=($!)
	IK_IKEV2_PID[$inst]=$!
	"$BIN/ikev2_query" "$inst" ready 10000 || ik_fail "ipsecgw-ikev2 $inst not ready after restart"
}

# Keeps the exit status for ik_cleanup, which runs after it in the EXIT trap
# (a failed test must not exit 0).
tr_cleanup_dpdk() {
	local st=$?
	rm -rf "/var/run/dpdk/ipsecgw-$1"
	return $st
}

# tr_http_server: python's http.server in the server namespace, on 203.0.113.2:8080.
tr_http_server() {
	mkdir -p "$IK_DIR/www"
	echo "hello through the tunnel" >"$IK_DIR/www/index.html"
	head -c 300000 /dev/urandom >"$IK_DIR/www/blob"
	ip netns exec "$SRV" /usr/bin/python3 -m http.server --bind 203.0.113.2 --directory "$IK_DIR/www" 8080 \
		>"$IK_DIR/http.log" 2>&1 &
	IK_PIDS+=($!)
	ik_wait 10 "http server" ip netns exec "$SRV" curl -s -o /dev/null --max-time 1 http://203.0.113.2:8080/
}

# tr_get PATH OUT: HTTP GET from the peer's LAN address through the tunnel.
tr_get() {
	ip netns exec "$PEER" curl -s --max-time 20 --interface 198.51.100.1 -o "$2" "http://203.0.113.2:8080/$1"
}

# Helpers for the IKEv2 interop tests: network namespaces made and removed
# by the test, ipsecgw (config service + IKE daemon on UDP sockets) and
# strongSwan charon (kernel-libipsec, per ../../../../shared/TESTING.md)
# inside them. Addresses: documentation ranges only.
#
#   WAN      192.0.2.0/24     gateway .1, peer .2
#   peer LAN 198.51.100.0/24  (on the peer's loopback)
#   gw LAN   203.0.113.0/24   (on the gateway's loopback)
#
# Every test: `. lib.sh; ik_init NAME`, then the steps; ik_cleanup runs on exit
# (IK_KEEP=1 keeps the logs of a test that passed).
# Exit 77 (skipped) when not root or strongSwan is not installed.

set -u
BIN=${GW_BIN:?GW_BIN: the build bin directory}
CHARON=/usr/lib/ipsec/charon
IK_PIDS=()
IK_NS=()

ik_log() { echo "[$(date +%T.%3N)] $*" >&2; }
ik_fail() { ik_log "FAIL: $*"; ik_dump_logs; exit 1; }

ik_skip_unless_ready() {
	[ "$(id -u)" = 0 ] || { echo "skipped: needs root (network namespaces)"; exit 77; }
	[ -x "$CHARON" ] && command -v swanctl >/dev/null ||
		{ echo "skipped: strongSwan not installed (scripts/deps.sh)"; exit 77; }
}

ik_init() {
	ik_skip_unless_ready
	IK_ID=$1
	IK_DIR=$(mktemp -d /tmp/ikv2-$IK_ID-XXXXXX)
	export IPSECGW_RUNDIR=$IK_DIR/run IPSECGW_SHM_DIR=/dev/shm/ikv2-$IK_ID-$$
	mkdir -p "$IPSECGW_RUNDIR" "$IPSECGW_SHM_DIR"
	trap ik_cleanup EXIT
}

ik_cleanup() {
	local st=$?
	for ((i = ${#IK_PIDS[@]} - 1; i >= 0; i--)); do kill "${IK_PIDS[i]}" 2>/dev/null; done
	sleep 0.3
	for p in "${IK_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in "${IK_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$IPSECGW_SHM_DIR"
	[ "$st" = 0 ] && [ -z "${IK_KEEP:-}" ] && rm -rf "$IK_DIR" || ik_log "logs kept in $IK_DIR"
	exit $st
}

ik_dump_logs() {
	for f in "$IK_DIR"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $f (tail)" >&2
		tail -n 40 "$f" >&2
	done
}

# ik_ns NAME: a namespace with lo up; remembered for cleanup.
ik_ns() {
	ip netns add "$1" || ik_fail "netns add $1"
	IK_NS+=("$1")
	ip -n "$1" link set lo up
}

# ik_topology: namespaces $GW and $PEER joined by a veth (WAN), LANs on lo.
ik_topology() {
	GW=ikg-$IK_ID PEER=ikp-$IK_ID
	ik_ns "$GW"
	ik_ns "$PEER"
	ip link add ikv-$IK_ID netns "$GW" type veth peer name ikw-$IK_ID netns "$PEER" ||
		ik_fail "veth"
	ip -n "$GW" addr add 192.0.2.1/24 dev ikv-$IK_ID
	ip -n "$PEER" addr add 192.0.2.2/24 dev ikw-$IK_ID
	ip -n "$GW" link set ikv-$IK_ID up
	ip -n "$PEER" link set ikw-$IK_ID up
	ip -n "$GW" addr add 203.0.113.1/24 dev lo
	ip -n "$PEER" addr add 198.51.100.1/24 dev lo
}

# ik_gateway INSTANCE NS STARTUP_CLI [ipsecgw-ikev2 options...]: config
# service with its startup file, then the IKE daemon on UDP sockets.
ik_gateway() {
	local inst=$1 ns=$2 startup=$3
	shift 3
	ip netns exec "$ns" "$BIN/ipsecgw-config" --instance "$inst" --reset --startup "$startup" \
		--log-level 6 2>>"$IK_DIR/config-$inst.log" &
	IK_PIDS+=($!)
	for _ in $(seq 100); do [ -S "$IPSECGW_RUNDIR/$inst/config.sock" ] && break; sleep 0.05; done
	ip netns exec "$ns" "$BIN/ipsecgw-ikev2" --instance "$inst" --udp --log-level 7 --attach-timeout 10 "$@" \
		2>>"$IK_DIR/ikev2-$inst.log" &
	IK_PIDS+=($!)
	IK_IKEV2_PID[$inst]=$!
	"$BIN/ikev2_query" "$inst" ready 10000 || ik_fail "ipsecgw-ikev2 $inst not ready"
}
declare -A IK_IKEV2_PID

# ik_restart_ikev2 INSTANCE NS SIGNAL [options...]: kill the IKE daemon, start it again.
ik_restart_ikev2() {
	local inst=$1 ns=$2 sig=$3
	shift 3
	kill -"$sig" "${IK_IKEV2_PID[$inst]}"
	wait "${IK_IKEV2_PID[$inst]}" 2>/dev/null
	ip netns exec "$ns" "$BIN/ipsecgw-ikev2" --instance "$inst" --udp --log-level 7 --attach-timeout 10 "$@" \
		2>>"$IK_DIR/ikev2-$inst.log" &
	IK_PIDS+=($!)
	IK_IKEV2_PID[$inst]=$!
	"$BIN/ikev2_query" "$inst" ready 10000 || ik_fail "ipsecgw-ikev2 $inst not ready after restart"
}

ik_ctl() { local inst=$1; shift; "$BIN/ipsecctl" --instance "$inst" "$@"; }
ik_sas() { "$BIN/ikev2_query" "$1" dump ${2:-}; }

# ---- strongSwan -----------------------------------------------------------------

# ik_charon NAME NS: a charon of its own (mount namespace with a private /run
# and /etc/swanctl), configured by $IK_DIR/NAME/swanctl/swanctl.conf. Extra
# strongswan.conf lines for its charon section in IK_CHARON_EXTRA.
ik_charon() {
	local name=$1 ns=$2 d=$IK_DIR/$1
	mkdir -p "$d/swanctl"
	for s in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$d/swanctl/$s"
	done
	cat >"$d/strongswan.conf" <<EOC
charon {
	load = random nonce kdf aes sha1 sha2 hmac gcm openssl pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici updown
	port = 500
	port_nat_t = 4500
	retransmit_tries = 3
	retransmit_timeout = 2
	install_routes = yes
	${IK_CHARON_EXTRA:-}
	filelog {
		ik {
			path = $d/charon.log
			flush_line = yes
			time_format = %T
			default = 1
			ike = 2
			cfg = 2
		}
	}
}
EOC
	ip netns exec "$ns" unshare -m sh -c "mount -t tmpfs none /run && mount --bind $d/swanctl /etc/swanctl &&
		STRONGSWAN_CONF=$d/strongswan.conf exec $CHARON" 2>>"$d/charon.stderr" &
	IK_PIDS+=($!)
	IK_CHARON[$name]=$!
	for _ in $(seq 100); do
		ik_swanctl "$name" --stats >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	ik_fail "charon $name did not start"
}
declare -A IK_CHARON

# ik_charon_stop NAME: stop charon NAME (to start it again with other settings).
ik_charon_stop() {
	kill "${IK_CHARON[$1]}" 2>/dev/null
	wait "${IK_CHARON[$1]}" 2>/dev/null
}

# ik_swanctl NAME ARGS...: swanctl in charon NAME's namespaces.
ik_swanctl() {
	local name=$1 pid
	shift
	pid=$(pgrep -P "${IK_CHARON[$name]}" -x charon || echo "${IK_CHARON[$name]}")
	nsenter -t "$pid" -m -n swanctl "$@"
}

# ik_swanctl_conf NAME: swanctl.conf from stdin, loaded.
ik_swanctl_conf() {
	cat >"$IK_DIR/$1/swanctl/swanctl.conf"
	ik_swanctl "$1" --load-all --noprompt >>"$IK_DIR/$1/swanctl.log" 2>&1 || ik_fail "swanctl --load-all"
}

# ---- waiting ----------------------------------------------------------------------

# ik_wait SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds.
ik_wait() {
	local t=$1 what=$2 end
	shift 2
	end=$((SECONDS + t))
	while ((SECONDS < end)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	ik_fail "timeout: $what"
}

# ik_counter INSTANCE NAME: one IKE counter of ipsecgw-ikev2 (ikev2_query counters).
ik_counter() { "$BIN/ikev2_query" "$1" counters | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Counts of lines of our dump that match a pattern.
ik_count() { ik_sas "$1" | grep -c -- "$2"; }
ik_has() { [ "$(ik_count "$1" "$2")" -ge "${3:-1}" ]; }
ik_has_exactly() { [ "$(ik_count "$1" "$2")" -eq "$3" ]; }
ik_peer_has() { ik_swanctl "$1" --list-sas 2>/dev/null | grep -q -- "$2"; }
ik_peer_count() { ik_swanctl "$1" --list-sas 2>/dev/null | grep -c -- "$2"; }
# ik_peer_count_is CONN PATTERN N: true when strongSwan lists N lines matching
# PATTERN (for ik_wait, which runs its command again and again: a "$(...)"
# in ik_wait's arguments would be evaluated once only).
ik_peer_count_is() { [ "$(ik_peer_count "$1" "$2")" = "$3" ]; }

# The SAs and tunnels the config service holds (installed by the IKE daemon).
ik_config_sas() { ik_ctl "$1" show ipsec sa; }
ik_config_tunnels() { ik_ctl "$1" show ipsec tunnel; }

# Traffic through the tunnel needs the ESP dataplane (issue 3/ESP); this is
# where a test adds it: ik_traffic_step NAME COMMAND... runs COMMAND when
# IPSECGW_TRAFFIC=1, else records that it was skipped.
ik_traffic_step() {
	local what=$1
	shift
	if [ "${IPSECGW_TRAFFIC:-0}" = 1 ]; then
		"$@" || ik_fail "traffic: $what"
	else
		ik_log "traffic step '$what' skipped (needs the ESP dataplane; IPSECGW_TRAFFIC=1 runs it)"
	fi
}

#!/usr/bin/env bash
# IKE establishment rate (docs/benchmarks.md, "IKE establishment rate"):
# ike_load against ipsecgw (ipsecgw-config + ipsecgw-ikev2 --udp) and against
# strongSwan charon, in the same run, for the proposal sets
#   gcm  aes128gcm16-prfsha256-ecp256 / ESP aes128gcm16
#   cbc  aes256-sha256-modp2048       / ESP aes256-sha256
# PSK, FQDN identities, one child SA per IKE SA (TSi a /32 of 198.18.0.0/15
# per SA, TSr 203.0.113.0/24), UDP-encapsulated (the initiator looks NATed:
# charon's kernel-libipsec installs only such SAs). Every run starts fresh
# responders; runs alternate between the two. Then the hold test: 10,000 IKE
# SAs with one child each held up against ipsecgw, counted through ipsecctl
# and the region's IKE counters, with the memory they take.
#
#   bench/ike/run.sh BUILD_DIR
#
# Environment (defaults): RUNS (3; 0 = hold test only), SETS ("gcm cbc"),
# N_GCM (3000), N_CBC (1000), WINDOW (64), HOLD_N (10000, 0 = no hold test),
# HOLD_WAIT (40: seconds the held SAs must survive, past ipsecgw's 30 s
# liveness check), PIN (0; 1 = initiator on CPU 0, responders on CPU 1),
# KEEP (0; 1 = keep the temp dir), GW_IKEV2_OPTS (extra ipsecgw-ikev2
# options, e.g. "--dh-workers 0" for Diffie-Hellman on the event loop as
# before the worker threads). The CTest smoke test bench_ike_smoke is
# RUNS=0 HOLD_N=50 HOLD_WAIT=0: 50 IKE SAs held and counted.
#
# Topology (documentation ranges only): namespace ikb-r-PID (responder,
# 198.51.100.1 on the veth, 203.0.113.1 on lo: kernel-libipsec routes its
# children with that source) and ikb-i-PID (initiator, 198.51.100.2).
# Needs root; exits 77 when not root or the binaries are missing.
set -u
BUILD=${1:?usage: run.sh BUILD_DIR}
BIN=$(cd "$BUILD/bin" 2>/dev/null && pwd) || { echo "no $BUILD/bin"; exit 77; }
RUNS=${RUNS:-3}
SETS=${SETS:-gcm cbc}
N_GCM=${N_GCM:-3000}
N_CBC=${N_CBC:-1000}
WINDOW=${WINDOW:-64}
HOLD_N=${HOLD_N:-10000}
HOLD_WAIT=${HOLD_WAIT:-40}
PIN=${PIN:-0}
KEEP=${KEEP:-0}
GW_IKEV2_OPTS=${GW_IKEV2_OPTS:-}
CHARON=/usr/lib/ipsec/charon
HZ=$(getconf CLK_TCK)

[ "$(id -u)" = 0 ] || { echo "skipped: needs root (network namespaces)"; exit 77; }
for b in ipsecgw-config ipsecgw-ikev2 ipsecctl ikev2_query ike_load; do
	[ -x "$BIN/$b" ] || { echo "skipped: $BIN/$b missing (cmake --build $BUILD)"; exit 77; }
done
HAVE_CHARON=1
[ -x "$CHARON" ] && command -v swanctl >/dev/null || HAVE_CHARON=0

TAG=$$
NS_R=ikb-r-$TAG
NS_I=ikb-i-$TAG
TMP=$(mktemp -d /tmp/ikb-XXXXXX)
SHM=/dev/shm/ikb-$TAG
PIDS=()
NSS=()

log() { echo "[$(date +%T)] $*" >&2; }

cleanup() {
	local st=$?
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$SHM"
	if [ "$KEEP" = 1 ] || [ "$st" != 0 ]; then
		echo "logs kept in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { log "FAIL: $*"; for f in "$TMP"/*.log "$TMP"/*/charon.log; do [ -f "$f" ] && { echo "---- $f" >&2; tail -n 20 "$f" >&2; }; done; exit 1; }

# Forget a PID we stopped ourselves.
forget() { local p=$1 i; for i in "${!PIDS[@]}"; do [ "${PIDS[i]}" = "$p" ] && unset 'PIDS[i]'; done; PIDS=("${PIDS[@]}"); }

stop_pid() {
	local p=$1
	kill "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	forget "$p"
}

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kb() { awk '/^RssAnon/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# ---- topology ----------------------------------------------------------------------
ip netns add "$NS_R" || die "netns add"
NSS+=("$NS_R")
ip netns add "$NS_I" || die "netns add"
NSS+=("$NS_I")
ip link add "ikbr$TAG" netns "$NS_R" type veth peer name "ikbi$TAG" netns "$NS_I" || die "veth"
ip -n "$NS_R" link set lo up
ip -n "$NS_I" link set lo up
ip -n "$NS_R" addr add 198.51.100.1/24 dev "ikbr$TAG"
ip -n "$NS_I" addr add 198.51.100.2/24 dev "ikbi$TAG"
ip -n "$NS_R" addr add 203.0.113.1/24 dev lo
ip -n "$NS_R" link set "ikbr$TAG" up
ip -n "$NS_I" link set "ikbi$TAG" up

RESP_CPU=()
INIT_CPU=()
if [ "$PIN" = 1 ]; then
	RESP_CPU=(taskset -c 1)
	INIT_CPU=(taskset -c 0)
fi

prop_name() { case $1 in gcm) echo aes128gcm16-prfsha256-ecp256;; cbc) echo aes256-sha256-modp2048;; esac; }
esp_name() { case $1 in gcm) echo aes128gcm16;; cbc) echo aes256-sha256;; esac; }

# ---- ipsecgw ---------------------------------------------------------------------------
GW_N=0
# gw_start SET: a fresh region and run directory, the config service with a
# profile for the set, the IKE daemon on UDP sockets. Sets GW_CFG, GW_IKE, GW_INST.
gw_start() {
	local set=$1
	GW_N=$((GW_N + 1))
	GW_INST=ikb$GW_N
	export IPSECGW_RUNDIR=$TMP/run$GW_N IPSECGW_SHM_DIR=$SHM/$GW_N
	mkdir -p "$IPSECGW_RUNDIR" "$IPSECGW_SHM_DIR"
	{
		echo "ikev2 profile add load"
		echo "ikev2 profile set load auth shared-key-mic string ikeload"
		echo "ikev2 profile set load id local fqdn gw.example.com"
		echo "ikev2 profile set load id remote fqdn load.example.com"
		echo "ikev2 profile set load traffic-selector local ip-range 203.0.113.0 - 203.0.113.255 port-range 0 - 65535 protocol 0"
		echo "ikev2 profile set load traffic-selector remote ip-range 198.18.0.0 - 198.19.255.255 port-range 0 - 65535 protocol 0"
		case $set in
		gcm)
			echo "ikev2 profile set load ike-crypto-alg aes-gcm-16 128 ike-dh ecp-256"
			echo "ikev2 profile set load esp-crypto-alg aes-gcm-16 128";;
		cbc)
			echo "ikev2 profile set load ike-crypto-alg aes-cbc 256 ike-integ-alg sha-256-128 ike-dh modp-2048"
			echo "ikev2 profile set load esp-crypto-alg aes-cbc 256 esp-integ-alg sha-256-128";;
		esac
	} >"$TMP/gw-$set.cli"
	ip netns exec "$NS_R" "${RESP_CPU[@]}" "$BIN/ipsecgw-config" --instance "$GW_INST" --reset \
		--startup "$TMP/gw-$set.cli" --log-level 4 2>>"$TMP/config-$GW_INST.log" &
	GW_CFG=$!
	PIDS+=("$GW_CFG")
	for _ in $(seq 200); do [ -S "$IPSECGW_RUNDIR/$GW_INST/config.sock" ] && break; sleep 0.05; done
	# shellcheck disable=SC2086
	ip netns exec "$NS_R" "${RESP_CPU[@]}" "$BIN/ipsecgw-ikev2" --instance "$GW_INST" --udp --log-level 4 \
		--attach-timeout 20 $GW_IKEV2_OPTS 2>>"$TMP/ikev2-$GW_INST.log" &
	GW_IKE=$!
	PIDS+=("$GW_IKE")
	"$BIN/ikev2_query" "$GW_INST" ready 30000 >/dev/null || die "ipsecgw-ikev2 $GW_INST not ready"
	# the profile is in the region once the startup file is applied
	for _ in $(seq 100); do
		"$BIN/ipsecctl" --instance "$GW_INST" show ikev2 profile 2>/dev/null | grep -q load && return 0
		sleep 0.1
	done
	die "profile not applied"
}

gw_stop() {
	stop_pid "$GW_IKE"
	stop_pid "$GW_CFG"
	rm -rf "$IPSECGW_SHM_DIR"
}

# ---- charon ------------------------------------------------------------------------------
CH_N=0
# charon_start SET: charon in its own mount namespace (private /run and
# /etc/swanctl) in the responder namespace, a responder connection for the set.
charon_start() {
	local set=$1 d
	CH_N=$((CH_N + 1))
	d=$TMP/charon$CH_N
	mkdir -p "$d/swanctl"
	for s in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$d/swanctl/$s"
	done
	cat >"$d/strongswan.conf" <<EOC
charon {
	load = random nonce kdf aes sha1 sha2 hmac gcm openssl pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici updown
	port = 500
	port_nat_t = 4500
	threads = 16
	dos_protection = no
	ikesa_table_size = 4096
	ikesa_table_segments = 16
	install_virtual_ip = no
	syslog {
		daemon {
			default = -1
		}
	}
	filelog {
		ikb {
			path = $d/charon.log
			default = -1
		}
	}
}
EOC
	cat >"$d/swanctl/swanctl.conf" <<EOC
connections {
	load {
		version = 2
		local_addrs = 198.51.100.1
		proposals = $(prop_name "$set")
		unique = never
		dpd_delay = 0
		local {
			auth = psk
			id = gw.example.com
		}
		remote {
			auth = psk
			id = load.example.com
		}
		children {
			load {
				local_ts = 203.0.113.0/24
				remote_ts = 198.18.0.0/15
				esp_proposals = $(esp_name "$set")
			}
		}
	}
}
secrets {
	ike-load {
		id-1 = load.example.com
		id-2 = gw.example.com
		secret = "ikeload"
	}
}
EOC
	ip netns exec "$NS_R" "${RESP_CPU[@]}" unshare -m sh -c "mount -t tmpfs none /run &&
		mount --bind $d/swanctl /etc/swanctl && STRONGSWAN_CONF=$d/strongswan.conf exec $CHARON" \
		2>>"$d/charon.stderr" &
	CH_PID=$!
	PIDS+=("$CH_PID")
	for _ in $(seq 100); do
		nsenter -t "$CH_PID" -m -n swanctl --stats >/dev/null 2>&1 && break
		sleep 0.1
	done
	nsenter -t "$CH_PID" -m -n swanctl --load-all --noprompt >"$d/swanctl.log" 2>&1 || die "swanctl --load-all"
}

charon_stop() {
	stop_pid "$CH_PID"
}

# ---- one load run ------------------------------------------------------------------------
# load SET N [ike_load options...]: prints ike_load's RESULT line.
load() {
	local set=$1 n=$2 out
	shift 2
	out=$(ip netns exec "$NS_I" "${INIT_CPU[@]}" "$BIN/ike_load" -t 198.51.100.1 -p "$set" -n "$n" -w "$WINDOW" \
		--psk ikeload --id fqdn:load.example.com --peer-id fqdn:gw.example.com "$@" 2>>"$TMP/ike_load.log")
	echo "$out" >>"$TMP/ike_load.log"
	grep '^RESULT' <<<"$out"
}

# measure KIND SET N: one run against a fresh responder; appends a line to $TMP/results:
# KIND SET established failed rate_median rate_overall cpu_us_per_sa cfg_us ike_us init_us p50 p99 rss_kb_per_sa
measure() {
	local kind=$1 set=$2 n=$3 pids r0 rss0 t0 t1 res cpu_us cfg_us ike_us rss1 rss_sa
	if [ "$kind" = ipsecgw ]; then
		gw_start "$set"
		pids=("$GW_IKE" "$GW_CFG")
	else
		charon_start "$set"
		pids=("$CH_PID")
	fi
	sleep 0.5
	rss0=0; for p in "${pids[@]}"; do rss0=$((rss0 + $(anon_kb "$p"))); done
	t0=(); for p in "${pids[@]}"; do t0+=("$(ticks "$p")"); done
	res=$(load "$set" "$n")
	t1=(); for p in "${pids[@]}"; do t1+=("$(ticks "$p")"); done
	rss1=0; for p in "${pids[@]}"; do rss1=$((rss1 + $(anon_kb "$p"))); done
	local est; est=$(field "$res" established)
	[ -n "$est" ] && [ "$est" -gt 0 ] || die "$kind $set: nothing established ($res)"
	ike_us=$(( (t1[0] - t0[0]) * 1000000 / HZ / est ))
	cfg_us=0
	[ "$kind" = ipsecgw ] && cfg_us=$(( (t1[1] - t0[1]) * 1000000 / HZ / est ))
	cpu_us=$((ike_us + cfg_us))
	rss_sa=$(( (rss1 - rss0) * 1024 / est ))
	echo "$kind $set $est $(field "$res" failed) $(field "$res" rate_median) $(field "$res" rate_overall)" \
		"$cpu_us $cfg_us $ike_us $(field "$res" init_cpu_us_per_sa) $(field "$res" p50_ms) $(field "$res" p99_ms) $rss_sa" \
		>>"$TMP/results"
	log "$kind $set: $est/$n up, $(field "$res" rate_median) SA/s (median), $(field "$res" rate_overall) overall," \
		"responder CPU $cpu_us us/SA, initiator $(field "$res" init_cpu_us_per_sa) us/SA, failed $(field "$res" failed)," \
		"retransmits $(field "$res" retransmits)"
	if [ "$kind" = ipsecgw ]; then gw_stop; else charon_stop; fi
}

: >"$TMP/results"
log "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); PIN=$PIN WINDOW=$WINDOW RUNS=$RUNS${GW_IKEV2_OPTS:+ ipsecgw-ikev2 $GW_IKEV2_OPTS}"
for set in $SETS; do
	n=$N_GCM
	[ "$set" = cbc ] && n=$N_CBC
	for r in $(seq "$RUNS"); do
		# alternate who goes first, so that drift in the machine's load hits both
		if [ $((r % 2)) = 1 ] || [ "$HAVE_CHARON" = 0 ]; then order="ipsecgw charon"; else order="charon ipsecgw"; fi
		for kind in $order; do
			[ "$kind" = charon ] && [ "$HAVE_CHARON" = 0 ] && continue
			measure "$kind" "$set" "$n"
		done
		echo "run $r" >>"$TMP/results"
	done
done

# ---- summary ---------------------------------------------------------------------------------
# per set and run: rates and CPU per SA of both, their ratios; medians over runs.
summary() {
	local set=$1
	awk -v set="$set" '
		/^run / { if (g != "") { split(g, G); split(c == "" ? "- - 0 0 0 0 0 0 0 0 0 0 0" : c, C);
			printf "%s %s %s %s %s %s %s %s %s %s %s\n", G[5], C[5], (C[5] > 0 ? G[5] / C[5] : 0), G[7], C[7],
				(G[7] > 0 ? C[7] / G[7] : 0), G[8], G[9], G[10], C[10], G[13] " " C[13] }
			g = ""; c = ""; next }
		$2 != set { next }
		$1 == "ipsecgw" { g = $0 }
		$1 == "charon" { c = $0 }
	' "$TMP/results"
}

[ "$RUNS" -gt 0 ] && echo && echo "== IKE SA + child SA establishment (window $WINDOW, medians of $RUNS runs; ratios per run) =="
for set in $SETS; do
	[ "$RUNS" -gt 0 ] || break
	summary "$set" >"$TMP/sum-$set"
	echo "-- $(prop_name "$set") / esp $(esp_name "$set") ($( [ "$set" = cbc ] && echo "$N_CBC" || echo "$N_GCM") SAs per run)"
	printf "   %-4s %10s %10s %8s %12s %12s %8s %10s %10s\n" run "gw SA/s" "charon" ratio "gw CPU/SA" "charon" ratio \
		"gw cfg" "init/SA"
	awk '{ printf "   %-4d %10.1f %10.1f %7.2fx %9d us %9d us %7.2fx %7d us %7d us\n", NR, $1, $2, $3, $4, $5, $6, $7, $9 }' \
		"$TMP/sum-$set"
	if [ -s "$TMP/sum-$set" ]; then
		printf "   %-4s %10.1f %10.1f %7.2fx %9.0f us %9.0f us %7.2fx %7.0f us %7.0f us\n" med \
			"$(cut -d' ' -f1 "$TMP/sum-$set" | median)" "$(cut -d' ' -f2 "$TMP/sum-$set" | median)" \
			"$(cut -d' ' -f3 "$TMP/sum-$set" | median)" "$(cut -d' ' -f4 "$TMP/sum-$set" | median)" \
			"$(cut -d' ' -f5 "$TMP/sum-$set" | median)" "$(cut -d' ' -f6 "$TMP/sum-$set" | median)" \
			"$(cut -d' ' -f7 "$TMP/sum-$set" | median)" "$(cut -d' ' -f9 "$TMP/sum-$set" | median)"
		echo "   private RSS (RssAnon) per held SA (median): ipsecgw $(cut -d' ' -f11 "$TMP/sum-$set" | median) B," \
			"charon $(cut -d' ' -f12 "$TMP/sum-$set" | median) B; charon initiator CPU/SA" \
			"$(cut -d' ' -f10 "$TMP/sum-$set" | median) us"
	fi
	awk -v set="$set" '$2 == set && $4 > 0 { print "   WARNING: " $1 " had " $4 " failed SAs in a run" }' "$TMP/results"
done

# ---- hold test ---------------------------------------------------------------------------------
[ "$HOLD_N" -gt 0 ] || exit 0
echo
echo "== hold: $HOLD_N concurrent IKE SAs with one child each against ipsecgw (gcm) =="
gw_start gcm
sleep 0.5
REGION=$IPSECGW_SHM_DIR/ipsecgw-$GW_INST
rss_ike0=$(rss_kb "$GW_IKE")
rss_cfg0=$(rss_kb "$GW_CFG")
anon_ike0=$(anon_kb "$GW_IKE")
anon_cfg0=$(anon_kb "$GW_CFG")
du0=$(du -B1 "$REGION" | cut -f1)
ip netns exec "$NS_I" "$BIN/ike_load" -t 198.51.100.1 -p gcm -n "$HOLD_N" -w "$WINDOW" --psk ikeload \
	--id fqdn:load.example.com --peer-id fqdn:gw.example.com --hold-time -1 >"$TMP/hold.out" 2>>"$TMP/ike_load.log" &
HOLD_PID=$!
PIDS+=("$HOLD_PID")
for _ in $(seq 1200); do grep -q '^RESULT' "$TMP/hold.out" && break; kill -0 "$HOLD_PID" 2>/dev/null || break; sleep 0.5; done
grep -q '^RESULT' "$TMP/hold.out" || die "hold: ike_load did not finish"
res=$(grep '^RESULT' "$TMP/hold.out")
sleep 1
count_sas() { "$BIN/ipsecctl" --instance "$GW_INST" show ikev2 sa 2>/dev/null | grep -c '^ iip '; }
gauge() { "$BIN/ikev2_query" "$GW_INST" counters | sed -n "s/.*\b$1=\([0-9]*\).*/\1/p"; }
n_show=$(count_sas)
n_ike=$(gauge ike_sas)
n_child=$(gauge child_sas)
n_tun=$("$BIN/ipsecctl" --instance "$GW_INST" show ipsec tunnel 2>/dev/null | grep -c '^ipsec[0-9]')
rss_ike1=$(rss_kb "$GW_IKE")
rss_cfg1=$(rss_kb "$GW_CFG")
anon_ike1=$(anon_kb "$GW_IKE")
anon_cfg1=$(anon_kb "$GW_CFG")
du1=$(du -B1 "$REGION" | cut -f1)
region_size=$(stat -c %s "$REGION")
est=$(field "$res" established)
echo "   ike_load: $est/$HOLD_N established, $(field "$res" failed) failed, $(field "$res" rate_median) SA/s (median)," \
	"$(field "$res" rate_overall) overall, p99 $(field "$res" p99_ms) ms"
echo "   ipsecctl show ikev2 sa: $n_show IKE SAs; counters: ike_sas=$n_ike child_sas=$n_child; config tunnels: $n_tun"
if [ "$HOLD_WAIT" -gt 0 ]; then
	sleep "$HOLD_WAIT"
	n_late=$(count_sas)
	echo "   after $HOLD_WAIT s more (liveness checks answered by ike_load): $n_late IKE SAs; ike_sas=$(gauge ike_sas)"
fi
echo "   ipsecgw-ikev2 RSS: $rss_ike0 kB -> $rss_ike1 kB: $(( (rss_ike1 - rss_ike0) * 1024 / est )) B per IKE SA" \
	"(private heap $anon_ike0 -> $anon_ike1 kB: $(( (anon_ike1 - anon_ike0) * 1024 / est )) B; the rest is region pages)"
echo "   ipsecgw-config RSS: $rss_cfg0 kB -> $rss_cfg1 kB: $(( (rss_cfg1 - rss_cfg0) * 1024 / est )) B per IKE SA" \
	"(private heap $anon_cfg0 -> $anon_cfg1 kB: $(( (anon_cfg1 - anon_cfg0) * 1024 / est )) B)"
echo "   region: $region_size B mapped, pages in use $du0 -> $du1 B: $(( (du1 - du0) / est )) B per IKE SA"
echo "HOLD established=$est show=$n_show ike_sas=$n_ike child_sas=$n_child tunnels=$n_tun" \
	"rss_ike_b_per_sa=$(( (rss_ike1 - rss_ike0) * 1024 / est )) anon_ike_b_per_sa=$(( (anon_ike1 - anon_ike0) * 1024 / est ))" \
	"rss_cfg_b_per_sa=$(( (rss_cfg1 - rss_cfg0) * 1024 / est )) anon_cfg_b_per_sa=$(( (anon_cfg1 - anon_cfg0) * 1024 / est ))" \
	"region_b_per_sa=$(( (du1 - du0) / est ))"
stop_pid "$HOLD_PID"
gw_stop
[ "$n_show" = "$HOLD_N" ] && [ "$n_ike" = "$HOLD_N" ] || die "hold: $n_show / $n_ike IKE SAs, wanted $HOLD_N"
exit 0

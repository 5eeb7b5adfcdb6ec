# swan_conn NAME IKE_PROPOSALS ESP_PROPOSALS [LOCAL_TS REMOTE_TS]: the
# seed's roadwarrior connection (PSK "Vpp123", FQDN identities, UDP
# encapsulation as kernel-libipsec needs) with these proposals, written
# to charon NAME's swanctl.conf and loaded. Extra "key = value" lines for
# the connection in SWAN_EXTRA, for the child in SWAN_CHILD_EXTRA.
swan_conn() {
	local name=$1 ike=$2 esp=$3 lts=${4:-198.51.100.0/24} rts=${5:-203.0.113.0/24}
	ik_swanctl_conf "$name" <<EOC
connections {
	net-net {
		version = 2
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = $ike
		encap = yes
		dpd_delay = 0
		${SWAN_EXTRA:-}
		local {
			auth = psk
			id = roadwarrior.vpn.example.com
		}
		remote {
			auth = psk
			id = vpp.home
		}
		children {
			net-net {
				local_ts = $lts
				remote_ts = $rts
				esp_proposals = $esp
				${SWAN_CHILD_EXTRA:-}
			}
		}
	}
}
secrets {
	ike-1 {
		secret = "Vpp123"
	}
}
EOC
}

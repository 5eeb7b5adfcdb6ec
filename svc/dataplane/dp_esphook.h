/*
 * The ESP hook points of the packet path, where issue 4 plugs the ESP
 * library (svc/dataplane/esp) in:
 *
 *  inbound   dp_esphook_in(): after classify, for packets addressed to one
 *            of our addresses that are ESP (IP protocol 50) or ESP in UDP
 *            (port 4500 without the non-ESP marker), one burst per rx
 *            burst. To do there: SA lookup by SPI, anti-replay, decrypt,
 *            inner policy check, then the inner packet goes back through
 *            dp_ip4_input/dp_ip6_input of the tunnel interface.
 *  outbound  dp_esphook_out(): after the FIB and the TTL decrement, for
 *            packets whose next hop is an IPsec tunnel interface
 *            (DP_NH_TUNNEL; dp_ifc.has_spd marks ports with an SPD for the
 *            policy variant). To do there: SA, encrypt, then the outer
 *            packet goes through dp_ip4_output_local/dp_ip6_output_local.
 *
 * Until then both drop every packet under SHM_DROP_NO_SA. Bursts return
 * the number of packets that went on.
 */
#ifndef IPSECGW_DATAPLANE_DP_ESPHOOK_H
#define IPSECGW_DATAPLANE_DP_ESPHOOK_H

#include <stdint.h>

#include "dp_worker.h"

uint16_t dp_esphook_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		       uint16_t n);
uint16_t dp_esphook_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			const uint32_t *nh_id, uint16_t n);

#endif

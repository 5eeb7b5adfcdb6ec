/*
 * The IPsec stages of the packet path (see dp_esp.h for the model):
 *
 *  dp_esphook_in   ESP (IP protocol 50, or UDP 4500 without the non-ESP
 *                  marker) addressed to the gateway: SA by SPI, policy check
 *                  on SPD interfaces, anti-replay, ICV, decrypt, then the
 *                  inner packet goes through dp_ip4/6_input_decrypted on the
 *                  tunnel interface (ipsecN) or the interface it came in on.
 *  dp_esphook_out  packets routed into an ipsecN: its outbound SA encrypts,
 *                  the outer packet is routed (dp_ip4/6_output, DP_OUT_ESP).
 *  dp_esp_spd_out  packets leaving through an interface with an SPD.
 *  dp_esp_spd_in   packets arriving on an interface with an SPD (before the
 *                  FIB): returns the ones that go on, compacted in m.
 *
 * Every packet ends encrypted and routed, decrypted and forwarded, or
 * dropped under a counted reason (per SA too when it belongs to one).
 */
#ifndef IPSECGW_DATAPLANE_DP_ESPHOOK_H
#define IPSECGW_DATAPLANE_DP_ESPHOOK_H

#include <stdint.h>

#include "dp_worker.h"

uint16_t dp_esphook_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
		       uint16_t n);
uint16_t dp_esphook_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, struct rte_mbuf **m,
			const uint32_t *nh_id, uint16_t n);
void dp_esp_spd_out(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint8_t af, struct rte_mbuf **m,
		    const uint32_t *nh_id, uint16_t n);
uint16_t dp_esp_spd_in(struct dp_worker *w, const struct dp_fwd *f, uint16_t in_ifc, uint8_t af, struct rte_mbuf **m,
		       uint16_t n);

#endif

/*
 * The view of one packet that the ESP bursts work on: a contiguous buffer
 * with room before and after the bytes in use. The dataplane fills it from an
 * mbuf (data pointer, data_len, headroom, tailroom) and copies the result
 * back; nothing here knows about DPDK.
 */
#ifndef IPSECGW_ESP_PKT_H
#define IPSECGW_ESP_PKT_H

#include <stdint.h>

#define ESP_PKT_OK 0xffu        /* esp_pkt.drop of a packet that passed */

struct esp_pkt {
	uint8_t *data;          /* borrowed: first byte of the IP header; moved by the burst */
	uint32_t len;           /* bytes in use from data */
	uint16_t headroom;      /* writable bytes before data */
	uint16_t tailroom;      /* writable bytes after data + len */
	uint8_t drop;           /* ESP_PKT_OK, or the enum shm_drop of a packet moved aside */
	uint8_t next_proto;     /* inbound: protocol of the result (4/41 tunnel, upper layer transport) */
	uint16_t pad;
	void *user;             /* the caller's handle (its mbuf); never touched */
};

#endif

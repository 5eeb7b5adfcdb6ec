/*
 * The daemon's two transports (ikev2_udp_*, ikev2_punt_*), each an
 * implementation of struct ikev2_net_ops (ikev2_net.h) driven by the libuv
 * loop. Received datagrams go to one callback, framing already undone
 * (non-ESP marker stripped; ESP-in-UDP and keepalives are not IKE and are
 * dropped here).
 *
 * Ownership: the transport structs are the caller's; open/close pair up.
 * Errors: 0 or -errno, with a reason in the caller's buffer.
 */
#ifndef IPSECGW_IKEV2_TRANSPORT_H
#define IPSECGW_IKEV2_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "ikev2_net.h"
#include "region.h"

typedef void ikev2_rx_fn(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len);

/* ---- plain UDP sockets: PORT and NATT_PORT on each configured address ---- */
#define IKEV2_UDP_MAX_SOCK 4

struct ikev2_udp {
	int fd[IKEV2_UDP_MAX_SOCK];
	uint8_t af[IKEV2_UDP_MAX_SOCK];
	bool natt[IKEV2_UDP_MAX_SOCK];
	uv_poll_t poll[IKEV2_UDP_MAX_SOCK];
	unsigned n;
	uint16_t port, natt_port;
	ikev2_rx_fn *rx;
	void *arg;
	uint64_t rx_dropped, tx_errors;
};
extern const struct ikev2_net_ops ikev2_udp_ops;
/* addr4/addr6: the addresses to bind ("0.0.0.0", "::"; NULL: that family
 * not used). */
int ikev2_udp_open(struct ikev2_udp *u, uv_loop_t *loop, const char *addr4, const char *addr6,
		   uint16_t port, uint16_t natt_port, ikev2_rx_fn *rx, void *arg, char *err, size_t errlen);
void ikev2_udp_close(struct ikev2_udp *u);

/* ---- the dataplane's punt/inject channel (proto: PuntPacket) --------------
 * Punt: the dataplane sends Envelope{punt} datagrams to RUNDIR/ike-punt.sock,
 * which this end binds; inject: Envelope{punt} datagrams to RUNDIR/punt.sock,
 * which the dataplane binds. Source addresses for initiating come from the
 * region (the profile's responder interface). */
struct ikev2_punt {
	int fd;
	uv_poll_t poll;
	char self[108], peer[108];
	uint16_t port, natt_port;
	const struct shm_region *r;
	ikev2_rx_fn *rx;
	void *arg;
	uint64_t rx_dropped, tx_errors;
};
extern const struct ikev2_net_ops ikev2_punt_ops;
int ikev2_punt_open(struct ikev2_punt *p, uv_loop_t *loop, const char *instance, const struct shm_region *r,
		    uint16_t port, uint16_t natt_port, ikev2_rx_fn *rx, void *arg, char *err, size_t errlen);
void ikev2_punt_close(struct ikev2_punt *p);

#endif

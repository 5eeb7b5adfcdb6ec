/*
 * DPDK ports for interface records of kind port: probe (rte_dev_probe, so
 * vdevs added while running are hot-plugged), configure one rx and one tx
 * queue per poller (RSS when the PMD offers it and there are several),
 * start, and publish link state, MAC and port id in the interface's
 * runtime record (shm_ifc_rt). Control thread only.
 *
 * Error convention: 0 or -errno.
 */
#ifndef IPSECGW_DATAPLANE_DP_PORT_H
#define IPSECGW_DATAPLANE_DP_PORT_H

#include "dp_ctl.h"

/* Make sure interface i (record rec, kind port) has a started port.
 * A failure is logged once per devargs and retried after a while. */
int dp_port_ensure(struct dp_ctl *c, uint32_t i, const struct shm_ifc *rec);
/* Link state of every port into the region; 1 if something changed. */
int dp_port_poll(struct dp_ctl *c);
/* Write interface i's runtime record. */
void dp_port_write_rt(struct dp_ctl *c, uint32_t i, uint16_t port_id, const uint8_t mac[6], int link_up);
/* Stop and close every port (workers stopped). */
void dp_port_close_all(struct dp_ctl *c);

#endif

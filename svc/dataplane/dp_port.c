/* Ports: probe, configure, start, link state. See dp_port.h. */
#include "dp_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "log.h"

#define DP_PORT_RXD 1024
#define DP_PORT_TXD 1024
#define DP_PORT_RETRY_NS (2ull * 1000000000ull)

static int port_find(const char *devargs, uint16_t *pid)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t n = strcspn(devargs, ",");

	if (n == 0 || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, devargs, n);
	name[n] = 0;
	if (rte_eth_dev_get_port_by_name(name, pid) == 0)
		return 0;
	/* A PCI address written without its domain. */
	if (strchr(name, ':') && strchr(name, '.') && strlen(name) < sizeof(name) - 5) {
		char full[RTE_ETH_NAME_MAX_LEN + 8];   /* room for the domain gcc cannot prove */
		snprintf(full, sizeof(full), "0000:%s", name);
		if (rte_eth_dev_get_port_by_name(full, pid) == 0)
			return 0;
	}
	return -ENODEV;
}

void dp_port_write_rt(struct dp_ctl *c, uint32_t i, uint16_t port_id, const uint8_t mac[6], int link_up)
{
	struct shm_ifc_rt *rt = shm_rec(c->r, SHM_T_IFC_RT, i), img;

	memset(&img, 0, sizeof(img));
	img.port_id = port_id;
	img.link_up = link_up ? 1 : 0;
	if (mac)
		memcpy(img.mac, mac, 6);
	if (rt->port_id == img.port_id && rt->link_up == img.link_up && memcmp(rt->mac, img.mac, 6) == 0)
		return;
	shm_rec_write(rt, &img, sizeof(img));
}

static int port_configure(struct dp_ctl *c, struct dp_port *p, const struct shm_ifc *rec)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t rxd = DP_PORT_RXD, txd = DP_PORT_TXD, pid = p->port_id;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if ((rc = rte_eth_dev_info_get(pid, &info)) < 0)
		return rc;
	p->nb_rxq = (uint16_t)RTE_MIN(c->n_pollers, info.max_rx_queues);
	p->nb_txq = (uint16_t)RTE_MIN(c->n_pollers, info.max_tx_queues);
	if (!p->nb_rxq || !p->nb_txq)
		return -ENOTSUP;
	if (p->nb_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP);
	}
	if ((rc = rte_eth_dev_configure(pid, p->nb_rxq, p->nb_txq, &conf)) < 0)
		return rc;
	if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &rxd, &txd)) < 0)
		return rc;
	for (uint16_t q = 0; q < p->nb_rxq; q++)
		if ((rc = rte_eth_rx_queue_setup(pid, q, rxd, (unsigned)rte_eth_dev_socket_id(pid), NULL,
						 c->pool)) < 0)
			return rc;
	for (uint16_t q = 0; q < p->nb_txq; q++)
		if ((rc = rte_eth_tx_queue_setup(pid, q, txd, (unsigned)rte_eth_dev_socket_id(pid), NULL)) < 0)
			return rc;
	if (rec->has_mac) {
		memcpy(mac.addr_bytes, rec->mac, 6);
		if (rte_eth_dev_default_mac_addr_set(pid, &mac) < 0)
			gw_warn("%s: cannot set MAC address, keeping the port's", rec->name);
	}
	if ((rc = rte_eth_dev_start(pid)) < 0)
		return rc;
	rte_eth_allmulticast_enable(pid); /* ND's solicited-node groups; not all PMDs can */
	if ((rc = rte_eth_macaddr_get(pid, &mac)) < 0)
		return rc;
	memcpy(p->mac, mac.addr_bytes, 6);
	if (p->nb_txq < c->n_pollers && !p->txr) {
		char name[32];
		snprintf(name, sizeof(name), "dp_txr%u", pid);
		p->txr = rte_ring_create(name, DP_PORT_TXD, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (!p->txr)
			return -rte_errno;
	}
	return 0;
}

int dp_port_ensure(struct dp_ctl *c, uint32_t i, const struct shm_ifc *rec)
{
	struct dp_port *p = &c->ports[i];
	uint64_t now = dp_ctl_now_ns();
	int rc;

	if (p->in_use && p->ok && strncmp(p->devargs, rec->devargs, SHM_DEVARGS_MAX) == 0)
		return 0;
	if (p->in_use && p->ok) {
		gw_warn("%s: devargs changed to '%.*s'; a restart applies that", rec->name, SHM_DEVARGS_MAX,
			rec->devargs);
		return 0;
	}
	if (strncmp(p->devargs, rec->devargs, SHM_DEVARGS_MAX) != 0) {
		memset(p, 0, sizeof(*p));
		snprintf(p->devargs, sizeof(p->devargs), "%.*s", SHM_DEVARGS_MAX - 1, rec->devargs);
	} else if (p->failed && now < p->retry_ns) {
		return -EAGAIN;
	}
	p->in_use = 1;
	if (port_find(p->devargs, &p->port_id) < 0) {
		rc = rte_dev_probe(p->devargs);
		if (rc < 0 && rc != -EEXIST)
			goto fail;
		if ((rc = port_find(p->devargs, &p->port_id)) < 0)
			goto fail;
	}
	if ((rc = port_configure(c, p, rec)) < 0) {
		rte_eth_dev_stop(p->port_id);
		goto fail;
	}
	p->ok = 1;
	p->failed = 0;
	p->mtu = (uint16_t)rec->mtu;
	gw_info("%s: port %u (%s), %u rx / %u tx queues, mac %02x:%02x:%02x:%02x:%02x:%02x", rec->name,
		p->port_id, p->devargs, p->nb_rxq, p->nb_txq, p->mac[0], p->mac[1], p->mac[2], p->mac[3],
		p->mac[4], p->mac[5]);
	dp_port_poll(c);
	return 0;

fail:
	if (!p->failed)
		gw_err("%s: port '%s' not usable: %s (retrying)", rec->name, p->devargs, rte_strerror(-rc));
	p->failed = 1;
	p->retry_ns = now + DP_PORT_RETRY_NS;
	dp_port_write_rt(c, i, UINT16_MAX, NULL, 0);
	return rc;
}

int dp_port_poll(struct dp_ctl *c)
{
	int changed = 0;

	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct dp_port *p = &c->ports[i];
		struct rte_eth_link link;
		if (!p->ok)
			continue;
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(p->port_id, &link) < 0)
			continue;
		if (link.link_status != p->link_up) {
			p->link_up = link.link_status;
			changed = 1;
		}
		dp_port_write_rt(c, i, p->port_id, p->mac, p->link_up);
	}
	return changed;
}

void dp_port_close_all(struct dp_ctl *c)
{
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct dp_port *p = &c->ports[i];
		if (p->ok) {
			rte_eth_dev_stop(p->port_id);
			rte_eth_dev_close(p->port_id);
			dp_port_write_rt(c, i, UINT16_MAX, NULL, 0);
		}
		rte_ring_free(p->txr);
		memset(p, 0, sizeof(*p));
	}
}

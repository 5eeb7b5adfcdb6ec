/*
 * IPsec in the packet path: the part of the forwarding snapshot that the
 * ESP stages read (built by dp_esp_build.c on the control thread), and the
 * worker stages (dp_esphook.c) that use it.
 *
 * Two ways traffic gets protected, as in VPP:
 *  - route-based: a route points into an ipsecN tunnel interface; the
 *    tunnel's outbound SA encrypts (dp_esphook_out); ESP that arrives on
 *    one of the tunnel's inbound SAs comes out of ipsecN (dp_esphook_in);
 *  - policy-based: an SPD bound to an interface. Outbound, every packet that
 *    leaves through that interface is classified (dp_esp_spd_out): bypass,
 *    discard, protect with the policy's SA, and no match is discarded
 *    (RFC 4301 §4.4.1). Inbound, cleartext that arrives on it is classified
 *    (dp_esp_spd_in): bypass passes, discard and "no match" drop, and
 *    cleartext that matches a protect policy is dropped (it should have come
 *    through that SA). ESP addressed to the gateway is matched to its SA by
 *    SPI; on an SPD interface an inbound protect policy of that SPD naming the
 *    SA must match the outer header (VPP's inbound protect lookup), and after
 *    decryption the inner packet must not match a protect policy naming
 *    another SA, nor a discard policy.
 *
 * ESP the gateway builds is routed without SPD or tunnel processing again
 * (no nesting, no loop; the seed page's counters show the "bypass protocol
 * ESP" policies untouched by our own ESP).
 *
 * Prepared SAs (struct esp_sa_in / esp_sa_out, with expanded keys) are
 * shared by consecutive snapshots and refcounted on the control thread; a
 * key update or re-creation prepares new ones, so each snapshot (and so each
 * worker burst) sees one consistent set: key updates are atomic for every
 * worker. Sequence numbers and replay windows live in the region
 * (struct shm_sa_rt): they survive a snapshot swap and a restart.
 */
#ifndef IPSECGW_DATAPLANE_DP_ESP_H
#define IPSECGW_DATAPLANE_DP_ESP_H

#include <stdint.h>

#include "dp_fwd.h"
#include "region.h"

struct dp_ctl;
struct dp_spd_set;
struct esp_sa_in;
struct esp_sa_out;

#define DP_ESP_NONE UINT32_MAX

/* A prepared SA pair and its control-thread refcount. */
struct dp_esp_obj {
	uint32_t refs;
	uint32_t key_gen;
	uint64_t create_gen;
	uint32_t sel_ver;               /* engine selection it was prepared under */
	struct esp_sa_out *out;         /* NULL: not usable outbound (message logged once) */
	struct esp_sa_in *in;
};

/* Per region SA index, as workers see it. */
struct dp_esp_sa {
	struct esp_sa_out *out;
	struct esp_sa_in *in;
	struct dp_esp_obj *obj;         /* control thread: the reference this snapshot holds */
	uint32_t sa_id;
	uint16_t tun_ifc;               /* inbound SA of an ipsecN: the interface; DP_NO_IFC */
	uint16_t n_pol;                 /* inbound protect policies naming it */
	uint32_t pol;                   /* the first of them in dp_esp.pol[] */
	uint16_t max_inner;             /* tunnel mode: largest packet whose ESP fits the
					 * path to the peer (0: no route, not checked) */
	uint16_t udp_port;              /* UDP encapsulation: the port ESP arrives on when
					 * the SA is inbound (its udp-dst-port), else 0 */
};

/* An inbound protect policy, for matching the outer header of ESP. */
struct dp_esp_pol {
	uint32_t policy;                /* region index (its counters) */
	uint32_t spd_id;
	uint8_t af;
	uint8_t has_protocol, protocol;
	uint8_t pad;
	uint8_t laddr_start[16], laddr_end[16];
	uint8_t raddr_start[16], raddr_end[16];
};

struct dp_esp_spi {
	uint32_t spi;                   /* host order */
	uint32_t sa;                    /* region SA index; DP_ESP_NONE: empty slot */
};

struct dp_udp_ports;

struct dp_esp {
	struct dp_esp_sa *sa;           /* SHM_MAX_SA entries */
	struct dp_esp_spi *spi;         /* inbound SAs by SPI: open addressing */
	uint32_t spi_mask;
	uint32_t n_pol;
	struct dp_esp_pol *pol;
	uint32_t *pol_sa;               /* per policy index: SA index of a protect policy */
	struct dp_spd_set *spd;
	struct shm_sa_rt *rt;           /* the region's runtime records, by SA index */
	/* UDP ports other than 4500 that inbound SAs receive ESP in UDP on
	 * (udp-dst-port): classify treats them as it treats 4500. NULL: none. */
	struct dp_udp_ports *udp_ports;
};

/* Control thread (dp_esp_build.c). */
int dp_esp_init(struct dp_ctl *c);              /* engines, worker contexts; 0 or -errno */
void dp_esp_fini(struct dp_ctl *c);
/* Fill f->esp and the ifc[].spd / ifc[].sa_out fields of f (whose ifc[]
 * is already built) from the region. Reuses prepared SAs and SPD
 * classifiers of the current snapshot `cur` when unchanged. 0 or -errno. */
int dp_esp_build(struct dp_ctl *c, struct dp_fwd *f, const struct dp_fwd *cur);
/* Once f's FIBs and next hops are built: the path MTU of every tunnel-mode
 * SA (to answer oversize packets with ICMP before encrypting them). */
void dp_esp_finish(struct dp_fwd *f);
void dp_esp_free(struct dp_esp *e);
/* The largest inner packet an SA can carry within `mtu` bytes. */
uint16_t dp_esp_max_inner(const struct esp_sa_out *sa, uint32_t mtu);

static inline uint32_t dp_esp_spi_hash(uint32_t spi)
{
	return (uint32_t)(((uint64_t)spi * 0x9e3779b97f4a7c15ull) >> 32);
}

static inline uint32_t dp_esp_spi_find(const struct dp_esp *e, uint32_t spi)
{
	for (uint32_t i = dp_esp_spi_hash(spi) & e->spi_mask;; i = (i + 1) & e->spi_mask) {
		if (e->spi[i].sa == DP_ESP_NONE)
			return DP_ESP_NONE;
		if (e->spi[i].spi == spi)
			return e->spi[i].sa;
	}
}

#endif

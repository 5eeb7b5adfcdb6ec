/* Region content for the stats tests. */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

const char *const fixture_secrets[] = {
	"deadbeef", "3735928559", "0badcafe", "badcafe", "195939070",
	"c3c3c3c3", "5a5a5a5a", NULL,
};

static void put_ifc(struct shm_region *r, uint32_t i, const char *name)
{
	struct shm_ifc f;

	memset(&f, 0, sizeof(f));
	f.h.in_use = 1;
	memcpy(f.name, name, strnlen(name, sizeof(f.name) - 1));
	f.kind = SHM_IFC_PORT;
	f.admin_up = 1;
	f.unnumbered = -1;
	f.mtu = 1500;
	shm_rec_write(shm_rec(r, SHM_T_IFC, i), &f, sizeof(f));
}

static void put_sa(struct shm_region *r, uint32_t i, uint32_t id, uint32_t spi)
{
	struct shm_sa s;

	memset(&s, 0, sizeof(s));
	s.h.in_use = 1;
	s.sa_id = id;
	s.spi = spi;
	s.crypto_alg = SHM_CRYPTO_AES_GCM_256;
	s.crypto_key_len = 32;
	memset(s.crypto_key, FX_CKEY_BYTE, sizeof(s.crypto_key));
	s.integ_alg = SHM_INTEG_SHA_256_128;
	s.integ_key_len = 32;
	memset(s.integ_key, FX_IKEY_BYTE, sizeof(s.integ_key));
	s.salt = 0xc3c3c3c3u;
	s.flags = SHM_SA_TUNNEL | SHM_SA_ANTI_REPLAY;
	s.replay_window = 64;
	shm_rec_write(shm_rec(r, SHM_T_SA, i), &s, sizeof(s));
}

static void put_policy(struct shm_region *r, uint32_t i, uint8_t dir, uint8_t action,
		       uint32_t sa_id)
{
	struct shm_policy p;

	memset(&p, 0, sizeof(p));
	p.h.in_use = 1;
	p.spd_id = 1;
	p.dir = dir;
	p.af = SHM_AF_INET;
	p.action = action;
	p.priority = 10;
	p.sa_id = sa_id;
	p.lport_end = p.rport_end = 65535;
	memset(p.laddr_end, 0xff, 4);
	memset(p.raddr_end, 0xff, 4);
	shm_rec_write(shm_rec(r, SHM_T_POLICY, i), &p, sizeof(p));
}

void fixture_fill(struct shm_region *r, int config_pid, int dead_pid)
{
	struct shm_counters *w0 = shm_counters(r, 0), *w1 = shm_counters(r, 1);
	struct shm_counters *base = shm_rec(r, SHM_T_BASELINE, 0);
	struct shm_spd spd;

	put_ifc(r, 0, "lan0");
	put_ifc(r, 3, FX_ODD_NAME);
	put_sa(r, 2, 10, FX_SPI_A);
	put_sa(r, 5, 11, FX_SPI_B);
	memset(&spd, 0, sizeof(spd));
	spd.h.in_use = 1;
	spd.spd_id = 1;
	shm_rec_write(shm_rec(r, SHM_T_SPD, 0), &spd, sizeof(spd));
	put_policy(r, 3, SHM_DIR_OUT, SHM_POL_PROTECT, 10);
	put_policy(r, 7, SHM_DIR_IN, SHM_POL_BYPASS, 0);

	w0->ifc[0] = (struct shm_ifc_counters){ .rx_packets = 100, .rx_bytes = 10000,
		.tx_packets = 50, .tx_bytes = 6000, .drops = 3, .punts = 1 };
	w1->ifc[0] = (struct shm_ifc_counters){ .rx_packets = 23, .rx_bytes = 2300,
		.tx_packets = 7, .tx_bytes = 700, .drops = 2 };
	base->ifc[0] = (struct shm_ifc_counters){ .rx_packets = 20, .rx_bytes = 2000,
		.tx_packets = 5, .tx_bytes = 600, .drops = 1 };
	w0->sa[2] = (struct shm_counter){ 1000, 150000 };
	w1->sa[2] = (struct shm_counter){ 500, 70000 };
	base->sa[2] = (struct shm_counter){ 100, 20000 };
	w0->sa_err[2][SHM_SA_ERR_REPLAY] = 2;
	w1->sa_err[2][SHM_SA_ERR_REPLAY] = 3;
	base->sa_err[2][SHM_SA_ERR_REPLAY] = 1;
	w0->sa_err[2][SHM_SA_ERR_INTEGRITY] = 1;
	w1->sa_err[2][SHM_SA_ERR_TOO_BIG] = 6;
	base->sa_err[2][SHM_SA_ERR_TOO_BIG] = 6;
	w0->sa_err[9][SHM_SA_ERR_DECRYPT] = FX_UNUSED_SA_ERR;
	w0->policy[3] = (struct shm_counter){ 300, 30000 };
	w1->policy[3] = (struct shm_counter){ 200, 20000 };
	w1->policy[7] = (struct shm_counter){ 9, 900 };
	base->policy[7] = (struct shm_counter){ 4, 400 };
	w0->drop[SHM_DROP_NO_ROUTE] = 7;
	w1->drop[SHM_DROP_NO_ROUTE] = 5;
	base->drop[SHM_DROP_NO_ROUTE] = 2;
	w0->drop[SHM_DROP_REPLAY] = 3;

	atomic_store(&r->hdr->procs[SHM_PROC_CONFIG].pid, config_pid);
	atomic_store(&r->hdr->procs[SHM_PROC_CONFIG].ready, 1);
	atomic_store(&r->hdr->procs[SHM_PROC_CONFIG].started_ns, FX_CONFIG_STARTED_NS);
	atomic_store(&r->hdr->procs[SHM_PROC_DATAPLANE].started_ns, FX_CONFIG_STARTED_NS);
	atomic_store(&r->hdr->procs[SHM_PROC_DATAPLANE].pid, dead_pid);
	atomic_store(&r->hdr->procs[SHM_PROC_DATAPLANE].ready, 1);
	atomic_store(&r->hdr->procs[SHM_PROC_DATAPLANE].restarts, 2);
	atomic_store(&r->hdr->generation, FX_GENERATION);
}

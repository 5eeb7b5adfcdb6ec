/*
 * Task NAT detection (RFC 7296 2.23): NAT_DETECTION_SOURCE_IP and
 * NAT_DETECTION_DESTINATION_IP in IKE_SA_INIT, each
 * SHA-1(SPIi | SPIr | IP address | port). A source hash that matches none
 * of the peer's addresses means the peer is behind a NAT; a destination hash
 * that differs from ours means we are. Either way the initiator moves IKE to
 * the NAT-T port (4500, non-ESP marker) from IKE_AUTH on, and child SAs are
 * UDP-encapsulated (RFC 3948).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ike_wire.h"
#include "ikev2_core.h"
#include "log.h"

struct task_natd {
	struct ikev2_task t;
};

/* SHA-1(SPIi | SPIr | IP | port) */
static void natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct ikev2_addr *a,
		      uint8_t out[IKE_NAT_DETECTION_LEN])
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t n = 0;
	unsigned int len = IKE_NAT_DETECTION_LEN;

	memcpy(buf, spi_i, 8);
	memcpy(buf + 8, spi_r, 8);
	n = 16;
	memcpy(buf + n, a->ip, ikev2_addr_len(a));
	n += ikev2_addr_len(a);
	buf[n++] = (uint8_t)(a->port >> 8);
	buf[n++] = (uint8_t)a->port;
	EVP_Digest(buf, n, out, &len, EVP_sha1(), NULL);
}

static void natd_add(struct ike_build *b, const uint8_t spi_i[8], const uint8_t spi_r[8],
		     const struct ikev2_path *p)
{
	uint8_t h[IKE_NAT_DETECTION_LEN];

	natd_hash(spi_i, spi_r, &p->local, h);
	ike_build_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, sizeof(h));
	natd_hash(spi_i, spi_r, &p->remote, h);
	ike_build_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h, sizeof(h));
}

/* Check the peer's hashes (sent with spi_r as given) against the path. 0 if
 * the peer sent none (no NAT-T support). */
static int natd_check(struct ikev2_sa *sa, const struct ike_msg *m, const uint8_t spi_r[8],
		      const struct ikev2_path *p)
{
	uint8_t src[IKE_NAT_DETECTION_LEN], dst[IKE_NAT_DETECTION_LEN];
	bool any_src = false, src_ok = false, any_dst = false, dst_ok = false;

	natd_hash(sa->spi_i, spi_r, &p->remote, src);
	natd_hash(sa->spi_i, spi_r, &p->local, dst);
	for (unsigned i = 0; i < m->n_notify; i++) {
		const struct ike_notify_pl *n = &m->notify[i];
		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			any_src = true;
			src_ok |= memcmp(n->data.ptr, src, sizeof(src)) == 0;
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			any_dst = true;
			dst_ok |= memcmp(n->data.ptr, dst, sizeof(dst)) == 0;
		}
	}
	if (!any_src || !any_dst)
		return 0;
	sa->nat_remote = !src_ok;
	sa->nat_local = !dst_ok;
	return 1;
}

static int natd_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			struct ike_build *b)
{
	static const uint8_t zero[8];

	(void)e, (void)t;
	natd_add(b, sa->spi_i, zero, &sa->path);
	return b->err ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static int natd_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			  const struct ikev2_rx *rx)
{
	char a[64];

	(void)t;
	if (!sa->keyed) /* the SA_INIT task asked for a restart or failed */
		return IKEV2_TASK_DONE;
	if (natd_check(sa, rx->m, sa->spi_r, &sa->path) && (sa->nat_local || sa->nat_remote)) {
		sa->natt = true;
		sa->path.local.port = e->cfg.natt_port;
		sa->path.remote.port = IKEV2_PORT_NATT;
		gw_info("NAT detected (%s behind a NAT): IKE moves to %s", sa->nat_local ? "we are" : "the peer is",
			ikev2_addr_str(&sa->path.remote, a, sizeof(a)));
	}
	return IKEV2_TASK_DONE;
}

static int natd_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			  const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	static const uint8_t zero[8];

	(void)e, (void)t, (void)err;
	natd_check(sa, rx->m, zero, &rx->path);
	return IKEV2_TASK_DONE;
}

static int natd_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			struct ike_build *b)
{
	(void)e, (void)t;
	natd_add(b, sa->spi_i, sa->spi_r, &sa->path);
	return b->err;
}

static void natd_destroy(struct ikev2_task *t)
{
	free(t);
}

const struct ikev2_task_ops task_natd_ops = {
	.name = "nat-detection",
	.build_i = natd_build_i,
	.process_i = natd_process_i,
	.process_r = natd_process_r,
	.build_r = natd_build_r,
	.destroy = natd_destroy,
};

struct ikev2_task *task_natd_new(void)
{
	struct task_natd *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->t.ops = &task_natd_ops;
	return &s->t;
}

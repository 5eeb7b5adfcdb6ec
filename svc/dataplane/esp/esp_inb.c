/* Inbound ESP (esp_inb.h). */
#include <string.h>

#include "esp_engine_be.h"
#include "esp_inb.h"
#include "esp_ip.h"
#include "esp_wire.h"

/* What parsing learns about a packet. */
struct inb_plan {
	uint32_t esp_off;       /* ESP header, from data */
	uint32_t esp_len;       /* ESP header to the end of the ICV */
	uint32_t hlen;          /* IP header (+ IPv6 extension headers) before UDP/ESP */
	uint16_t nh_off;        /* offset of the byte naming UDP/ESP */
	uint8_t v6;
	uint32_t ct_len;        /* ciphertext bytes */
	uint64_t seq64;
};

enum esp_udp_kind esp_inb_udp_kind(const uint8_t *payload, uint32_t len)
{
	if (len == 1 && payload[0] == ESP_NATT_KEEPALIVE)
		return ESP_UDP_KEEPALIVE;
	if (len >= ESP_NON_ESP_MARKER_LEN && !payload[0] && !payload[1] && !payload[2] && !payload[3])
		return ESP_UDP_IKE;
	if (len >= sizeof(struct esp_hdr))
		return ESP_UDP_ESP;
	return ESP_UDP_INVALID;
}

/* Outer headers: where ESP starts and how long it is. */
static int parse_outer(const uint8_t *d, uint32_t len, struct inb_plan *pl)
{
	uint32_t tot, hl;
	uint8_t proto;
	int rc;

	if (len < 1)
		return SHM_DROP_RUNT;
	pl->v6 = (d[0] >> 4) == 6;
	if (pl->v6) {
		rc = esp_ip6_check(d, len, &tot);
		if (rc >= 0)
			return rc;
		if (esp_ip6_walk(d, tot, 0, &hl, &pl->nh_off, &proto) != 0)
			return SHM_DROP_IP6_BAD_HEADER;
	} else {
		rc = esp_ip4_check(d, len, &hl, &tot);
		if (rc >= 0)
			return rc;
		if (esp_ip4_is_fragment(d))
			return SHM_DROP_IP4_BAD_HEADER;  /* reassembly comes first */
		pl->nh_off = offsetof(struct esp_ip4_hdr, proto);
		proto = d[pl->nh_off];
	}
	pl->hlen = hl;
	if (proto == ESP_PROTO_UDP) {
		uint32_t ulen;

		if (hl + sizeof(struct esp_udp_hdr) > tot)
			return SHM_DROP_RUNT;
		ulen = esp_ip_be16(d + hl + 4);
		if (ulen < sizeof(struct esp_udp_hdr) || hl + ulen > tot)
			return pl->v6 ? SHM_DROP_IP6_BAD_HEADER : SHM_DROP_IP4_BAD_LENGTH;
		pl->esp_off = hl + sizeof(struct esp_udp_hdr);
		pl->esp_len = ulen - sizeof(struct esp_udp_hdr);
	} else if (proto == ESP_PROTO_ESP) {
		pl->esp_off = hl;
		pl->esp_len = tot - hl;
	} else {
		return pl->v6 ? SHM_DROP_IP6_BAD_HEADER : SHM_DROP_IP4_BAD_HEADER;
	}
	if (pl->esp_len < sizeof(struct esp_hdr))
		return SHM_DROP_RUNT;
	return -1;
}

int esp_inb_spi(const uint8_t *ip, uint32_t len, uint32_t *spi)
{
	struct inb_plan pl;
	int rc = parse_outer(ip, len, &pl);
	uint32_t v;

	if (rc >= 0)
		return rc;
	memcpy(&v, ip + pl.esp_off, 4);
	*spi = __builtin_bswap32(v);
	return *spi ? (int)ESP_PKT_OK : SHM_DROP_NO_SA;
}

static int plan_packet(const struct esp_sa_in *sa, const struct shm_sa_rt *rt,
		       const struct esp_pkt *p, struct inb_plan *pl)
{
	const struct esp_hdr *eh;
	uint32_t min;
	int rc = parse_outer(p->data, p->len, pl);

	if (rc >= 0)
		return rc;
	eh = (const struct esp_hdr *)(p->data + pl->esp_off);
	if (eh->spi != sa->spi_be)
		return SHM_DROP_NO_SA;
	min = sizeof(struct esp_hdr) + sa->iv_len + sizeof(struct esp_tail) + sa->icv_len;
	if (pl->esp_len < min)
		return SHM_DROP_RUNT;
	if (esp_replay_check(rt, &sa->replay, __builtin_bswap32(eh->seq), &pl->seq64) != 0)
		return SHM_DROP_REPLAY;
	pl->ct_len = pl->esp_len - sizeof(struct esp_hdr) - sa->iv_len - sa->icv_len;
	if (pl->ct_len & (sa->block - 1u))      /* block: 1, 8 or 16 */
		return SHM_DROP_DECRYPT;
	return -1;
}

static void prepare_op(const struct esp_sa_in *sa, struct esp_pkt *p, const struct inb_plan *pl,
		       struct esp_crypto_op *op, uint8_t *aad, uint8_t *icv_save)
{
	uint8_t *esp = p->data + pl->esp_off;

	op->buf = esp;
	op->iv_off = sizeof(struct esp_hdr);
	op->cipher_off = (uint16_t)(sizeof(struct esp_hdr) + sa->iv_len);
	op->cipher_len = (uint16_t)pl->ct_len;
	op->icv = esp + op->cipher_off + pl->ct_len;
	op->auth_len = (uint16_t)(op->cipher_off + pl->ct_len);
	op->aad = aad;
	op->aad_len = 0;
	if (sa->flags & ESP_SA_F_AEAD) {
		/* RFC 4106 §5 */
		memcpy(aad, esp, 4);
		if (sa->flags & ESP_SA_F_ESN) {
			esp_ip_put32(aad + 4, (uint32_t)(pl->seq64 >> 32));
			memcpy(aad + 8, esp + 4, 4);
			op->aad_len = 12;
		} else {
			memcpy(aad + 4, esp + 4, 4);
			op->aad_len = 8;
		}
	} else if (sa->flags & ESP_SA_F_ESN) {
		/* RFC 4303 §2.2.1: the ICV covers seq-hi after the payload; put it
		 * where the received ICV is, which moves aside first */
		memcpy(icv_save, op->icv, sa->icv_len);
		esp_ip_put32(op->icv, (uint32_t)(pl->seq64 >> 32));
		op->icv = icv_save;
		op->auth_len += 4;
	}
}

/* After a good ICV: padding, Next Header, inner header, window, decap. */
static int finish_packet(const struct esp_sa_in *sa, struct shm_sa_rt *rt, struct esp_pkt *p,
			 const struct inb_plan *pl)
{
	uint8_t *esp = p->data + pl->esp_off;
	uint8_t *pay = esp + sizeof(struct esp_hdr) + sa->iv_len;
	uint8_t pad_len = pay[pl->ct_len - 2], nh = pay[pl->ct_len - 1];
	uint32_t in_len, new_len;
	uint8_t *new_data;
	int rc;

	/* RFC 4303 §2.4: Pad Length within the payload, padding 1, 2, 3, ... */
	if ((uint32_t)pad_len + sizeof(struct esp_tail) > pl->ct_len)
		return SHM_DROP_BAD_PADDING;
	in_len = pl->ct_len - sizeof(struct esp_tail) - pad_len;
	for (uint32_t k = 0; k < pad_len; k++)
		if (pay[in_len + k] != (uint8_t)(k + 1))
			return SHM_DROP_BAD_PADDING;
	if (nh == ESP_PROTO_NONE)
		return SHM_DROP_POLICY_DISCARD;         /* dummy packet (RFC 4303 §2.6) */

	if (sa->flags & ESP_SA_F_TUNNEL) {
		uint32_t hl, tot;

		if (nh == ESP_PROTO_IPV4) {
			rc = esp_ip4_check(pay, in_len, &hl, &tot);
		} else if (nh == ESP_PROTO_IPV6) {
			rc = esp_ip6_check(pay, in_len, &tot);
		} else {
			return SHM_DROP_POLICY_MISMATCH;
		}
		if (rc >= 0)
			return rc;
		if (esp_replay_update(rt, &sa->replay, pl->seq64) != 0)
			return SHM_DROP_REPLAY;
		new_data = pay;
		new_len = tot;                          /* TFC padding (RFC 4303 §2.7) goes */
	} else {
		if (esp_replay_update(rt, &sa->replay, pl->seq64) != 0)
			return SHM_DROP_REPLAY;
		new_data = pay - pl->hlen;
		memmove(new_data, p->data, pl->hlen);
		new_data[pl->nh_off] = nh;
		new_len = pl->hlen + in_len;
		if (pl->v6) {
			esp_ip_put16(new_data + 4, (uint16_t)(new_len - sizeof(struct esp_ip6_hdr)));
		} else {
			esp_ip_put16(new_data + 2, (uint16_t)new_len);
			esp_ip4_csum_set(new_data, pl->hlen);
		}
	}
	p->tailroom = (uint16_t)(p->tailroom + (p->data + p->len) - (new_data + new_len));
	p->headroom = (uint16_t)(p->headroom + (new_data - p->data));
	p->data = new_data;
	p->len = new_len;
	p->next_proto = nh;
	return -1;
}

static void process_chunk(struct esp_engine_worker *w, const struct esp_sa_in *sa,
			  struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n)
{
	struct inb_plan plan[ESP_BURST_MAX];
	struct esp_crypto_op ops[ESP_BURST_MAX];
	uint8_t aad[ESP_BURST_MAX][12];
	uint8_t icv_save[ESP_BURST_MAX][ESP_ICV_MAX];
	uint16_t idx[ESP_BURST_MAX];
	uint16_t nops = 0;

	for (uint16_t i = 0; i < n; i++) {
		int rc = plan_packet(sa, rt, pkts[i], &plan[i]);

		pkts[i]->drop = rc < 0 ? ESP_PKT_OK : (uint8_t)rc;
		if (rc >= 0)
			continue;
		prepare_op(sa, pkts[i], &plan[i], &ops[nops], aad[nops], icv_save[nops]);
		idx[nops++] = i;
	}
	esp_engine_decrypt(w, &sa->crypto, ops, nops);
	for (uint16_t j = 0; j < nops; j++) {
		struct esp_pkt *p = pkts[idx[j]];
		int rc;

		if (ops[j].status != ESP_CRYPTO_OK) {
			p->drop = ops[j].status == ESP_CRYPTO_AUTH_FAILED ? SHM_DROP_INTEGRITY
									   : SHM_DROP_DECRYPT;
			continue;
		}
		rc = finish_packet(sa, rt, p, &plan[idx[j]]);
		if (rc >= 0)
			p->drop = (uint8_t)rc;
	}
}

uint16_t esp_inb_process(struct esp_engine_worker *w, const struct esp_sa_in *sa,
			 struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n)
{
	uint16_t good = 0;

	for (uint16_t off = 0; off < n; off += ESP_BURST_MAX) {
		uint16_t k = n - off < ESP_BURST_MAX ? n - off : ESP_BURST_MAX;

		process_chunk(w, sa, rt, pkts + off, k);
	}
	for (uint16_t i = 0; i < n; i++) {
		if (pkts[i]->drop == ESP_PKT_OK) {
			struct esp_pkt *t = pkts[good];

			pkts[good++] = pkts[i];
			pkts[i] = t;
		}
	}
	return good;
}

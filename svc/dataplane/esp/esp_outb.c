/* Outbound ESP (esp_outb.h). */
#include <string.h>

#include "esp_engine_be.h"
#include "esp_ip.h"
#include "esp_outb.h"
#include "esp_wire.h"

int esp_outb_generic_only;

/* What the first pass learns about a packet. */
struct outb_plan {
	uint32_t hlen;          /* transport: IP header bytes kept in front of ESP */
	uint32_t pay_len;       /* bytes that become Payload Data after the IV */
	uint16_t nh_off;        /* transport: offset of the byte naming the next protocol */
	uint8_t nh;             /* ESP Next Header */
	uint8_t padlen;
	uint8_t v6;             /* the packet handed in is IPv6 */
	uint8_t tos;            /* its TOS / traffic class */
	uint8_t df;             /* its DF bit (IPv4) */
	uint8_t *udp;           /* after building: UDP header (IPv6 checksum pass) */
	const uint8_t *ip6;     /* after building: the IPv6 header it belongs to */
	uint32_t udp_len;
};

uint64_t esp_outb_seq_reserve(struct shm_sa_rt *rt, uint64_t seq_max, uint16_t n, uint16_t *got)
{
	uint64_t cur = atomic_load_explicit(&rt->seq_out, memory_order_relaxed);
	uint64_t take;

	/* seq_out is the last number sent; one CAS per burst hands this worker
	 * a private range, so no number is ever used twice, even with several
	 * workers on one SA, and the counter never passes seq_max. */
	do {
		uint64_t left = cur >= seq_max ? 0 : seq_max - cur;

		take = n < left ? n : left;
		if (take == 0)
			break;
	} while (!atomic_compare_exchange_weak_explicit(&rt->seq_out, &cur, cur + take,
							memory_order_relaxed, memory_order_relaxed));
	if (take < n)
		__atomic_fetch_or(&rt->flags, SHM_SA_RT_CYCLED, __ATOMIC_RELAXED);
	*got = (uint16_t)take;
	return cur + 1;
}

static int plan_packet(const struct esp_sa_out *sa, const struct esp_pkt *p, struct outb_plan *pl)
{
	const uint8_t *d = p->data;
	uint32_t hl = 0, tot, front, back, total;
	int rc;

	if (p->len < 1)
		return SHM_DROP_IP4_BAD_HEADER;
	pl->v6 = (d[0] >> 4) == 6;
	if (pl->v6) {
		rc = esp_ip6_check(d, p->len, &tot);
		if (rc >= 0)
			return rc;
		pl->tos = (uint8_t)(esp_ip_be16(d) >> 4);
		pl->df = 0;
	} else {
		rc = esp_ip4_check(d, p->len, &hl, &tot);
		if (rc >= 0)
			return rc;
		pl->tos = d[1];
		pl->df = (esp_ip_be16(d + 6) & ESP_IP4_DF) != 0;
	}
	if (sa->flags & ESP_SA_F_TUNNEL) {
		pl->hlen = 0;
		pl->pay_len = tot;              /* trailing bytes past the IP length are dropped */
		pl->nh = pl->v6 ? ESP_PROTO_IPV6 : ESP_PROTO_IPV4;
		front = sa->outer_len + sa->udp_len + sizeof(struct esp_hdr) + sa->iv_len;
	} else if (pl->v6) {
		if (esp_ip6_walk(d, tot, 1, &pl->hlen, &pl->nh_off, &pl->nh) != 0)
			return SHM_DROP_IP6_BAD_HEADER;
		pl->pay_len = tot - pl->hlen;
		front = sa->udp_len + sizeof(struct esp_hdr) + sa->iv_len;
	} else {
		if (esp_ip4_is_fragment(d))
			return SHM_DROP_IP4_BAD_HEADER;  /* transport mode protects whole datagrams */
		pl->hlen = hl;
		pl->nh_off = offsetof(struct esp_ip4_hdr, proto);
		pl->nh = d[pl->nh_off];
		pl->pay_len = tot - hl;
		front = sa->udp_len + sizeof(struct esp_hdr) + sa->iv_len;
	}
	/* RFC 4303 §2.4: pad so Pad Length and Next Header end the block
	 * (align is a power of two) */
	pl->padlen = (uint8_t)(-(pl->pay_len + 2) & (sa->align - 1u));
	back = pl->padlen + sizeof(struct esp_tail) + sa->icv_len;
	total = pl->hlen + front + pl->pay_len + back;
	/* bytes past the IP length (link padding) are dropped and their room reused */
	if (front > p->headroom || back > p->tailroom + (p->len - tot))
		return SHM_DROP_MTU_EXCEEDED;
	if ((sa->flags & ESP_SA_F_OUTER_V6) || ((~sa->flags & ESP_SA_F_TUNNEL) && pl->v6)) {
		if (total - sizeof(struct esp_ip6_hdr) > 0xffff)
			return SHM_DROP_MTU_EXCEEDED;
	} else if (total > 0xffff) {
		return SHM_DROP_MTU_EXCEEDED;
	}
	return -1;
}

static inline void put_outer4(const struct esp_sa_out *sa, uint8_t tos, uint8_t df, uint8_t *o,
			      uint32_t total, uint64_t seq)
{
	struct esp_ip4_hdr *h = (struct esp_ip4_hdr *)o;
	uint32_t sum;

	h->ver_ihl = 0x45;
	h->tos = tos;
	h->total_len = __builtin_bswap16((uint16_t)total);
	h->id = __builtin_bswap16((uint16_t)seq);
	h->frag = df ? __builtin_bswap16(ESP_IP4_DF) : 0;
	h->ttl = 64;
	h->proto = sa->udp_len ? ESP_PROTO_UDP : ESP_PROTO_ESP;
	memcpy(h->src, sa->src, 4);
	memcpy(h->dst, sa->dst, 4);
	/* the per-SA part of the checksum is precomputed (esp_sa_out.ip4_sum) */
	sum = sa->ip4_sum + tos + total + (uint16_t)seq + (df ? ESP_IP4_DF : 0u);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	h->csum = __builtin_bswap16((uint16_t)~sum);
}

static void put_outer6(const struct esp_sa_out *sa, const struct outb_plan *pl, uint8_t *o,
		       uint32_t total)
{
	struct esp_ip6_hdr *h = (struct esp_ip6_hdr *)o;

	h->ver_tc_flow = __builtin_bswap32(6u << 28 | (uint32_t)pl->tos << 20);
	h->payload_len = __builtin_bswap16((uint16_t)(total - sizeof(*h)));
	h->next_header = sa->udp_len ? ESP_PROTO_UDP : ESP_PROTO_ESP;
	h->hop_limit = 64;
	memcpy(h->src, sa->src, 16);
	memcpy(h->dst, sa->dst, 16);
}

/* Second pass: lay out one packet and describe its crypto operation. */
static void build_packet(struct esp_engine_worker *w, const struct esp_sa_out *sa,
			 struct esp_pkt *p, struct outb_plan *pl, uint64_t seq,
			 struct esp_crypto_op *op, uint8_t *aad)
{
	uint32_t front, back = pl->padlen + sizeof(struct esp_tail) + sa->icv_len;
	uint32_t ct_len = pl->pay_len + pl->padlen + sizeof(struct esp_tail);
	uint8_t *start, *esp, *t;
	uint32_t total;

	if (sa->flags & ESP_SA_F_TUNNEL) {
		front = sa->outer_len + sa->udp_len + sizeof(struct esp_hdr) + sa->iv_len;
		start = p->data - front;
		total = front + pl->pay_len + back;
		if (sa->flags & ESP_SA_F_OUTER_V6)
			put_outer6(sa, pl, start, total);
		else
			put_outer4(sa, pl->tos, pl->df, start, total, seq);
		pl->ip6 = start;
		pl->udp = start + sa->outer_len;
		pl->udp_len = total - sa->outer_len;
	} else {
		uint32_t ins = sa->udp_len + sizeof(struct esp_hdr) + sa->iv_len;

		front = ins;
		start = p->data - ins;
		memmove(start, p->data, pl->hlen);
		total = pl->hlen + ins + pl->pay_len + back;
		start[pl->nh_off] = sa->udp_len ? ESP_PROTO_UDP : ESP_PROTO_ESP;
		if (pl->v6) {
			esp_ip_put16(start + 4, (uint16_t)(total - sizeof(struct esp_ip6_hdr)));
		} else {
			esp_ip_put16(start + 2, (uint16_t)total);
			esp_ip4_csum_set(start, pl->hlen);
		}
		pl->ip6 = start;
		pl->udp = start + pl->hlen;
		pl->udp_len = total - pl->hlen;
	}
	if (sa->udp_len) {
		struct esp_udp_hdr *u = (struct esp_udp_hdr *)pl->udp;

		u->sport = sa->sport_be;
		u->dport = sa->dport_be;
		u->len = __builtin_bswap16((uint16_t)pl->udp_len);
		u->csum = 0;    /* IPv4: none (RFC 3948 §2.1); IPv6: after encryption */
	}
	esp = pl->udp + sa->udp_len;
	((struct esp_hdr *)esp)->spi = sa->spi_be;
	((struct esp_hdr *)esp)->seq = __builtin_bswap32((uint32_t)seq);
	if (sa->flags & ESP_SA_F_IV_SEQ)
		esp_ip_put64(esp + sizeof(struct esp_hdr), seq);   /* unique per SA: seq never repeats */
	else if (sa->flags & ESP_SA_F_IV_RAND)
		esp_engine_random(w, esp + sizeof(struct esp_hdr), sa->iv_len);

	/* trailer: padding 1, 2, 3, ..., Pad Length, Next Header */
	t = esp + sizeof(struct esp_hdr) + sa->iv_len + pl->pay_len;
	for (uint32_t k = 0; k < pl->padlen; k++)
		t[k] = (uint8_t)(k + 1);
	t[pl->padlen] = pl->padlen;
	t[pl->padlen + 1] = pl->nh;

	op->buf = esp;
	op->iv_off = sizeof(struct esp_hdr);
	op->cipher_off = (uint16_t)(sizeof(struct esp_hdr) + sa->iv_len);
	op->cipher_len = (uint16_t)ct_len;
	op->icv = esp + op->cipher_off + ct_len;
	op->auth_len = (uint16_t)(op->cipher_off + ct_len);
	op->aad = aad;
	op->aad_len = 0;
	if (sa->flags & ESP_SA_F_AEAD) {
		/* RFC 4106 §5 */
		memcpy(aad, &sa->spi_be, 4);
		if (sa->flags & ESP_SA_F_ESN) {
			esp_ip_put32(aad + 4, (uint32_t)(seq >> 32));
			esp_ip_put32(aad + 8, (uint32_t)seq);
			op->aad_len = 12;
		} else {
			esp_ip_put32(aad + 4, (uint32_t)seq);
			op->aad_len = 8;
		}
	} else if (sa->flags & ESP_SA_F_ESN) {
		/* RFC 4303 §2.2.1: seq-hi follows the payload in the ICV input
		 * only; it sits where the ICV will be written */
		esp_ip_put32(op->icv, (uint32_t)(seq >> 32));
		op->auth_len += 4;
	}

	/* the IP packet was hlen + pay_len bytes; it grew by front and back */
	p->headroom = (uint16_t)(p->headroom - front);
	p->tailroom = (uint16_t)(p->tailroom + (p->len - (pl->hlen + pl->pay_len)) - back);
	p->data = start;
	p->len = total;
}

/* Both builders return how many packets of the chunk are good. */
static uint16_t process_chunk(struct esp_engine_worker *w, const struct esp_sa_out *sa,
			      struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n)
{
	struct outb_plan plan[ESP_BURST_MAX];
	struct esp_crypto_op ops[ESP_BURST_MAX];
	uint8_t aad[ESP_BURST_MAX][12];
	uint16_t idx[ESP_BURST_MAX];
	uint16_t nvalid = 0, nops = 0, got, good = 0;
	uint64_t seq;

	for (uint16_t i = 0; i < n; i++) {
		int rc = plan_packet(sa, pkts[i], &plan[i]);

		pkts[i]->drop = rc < 0 ? ESP_PKT_OK : (uint8_t)rc;
		nvalid += rc < 0;
	}
	if (!nvalid)
		return 0;
	seq = esp_outb_seq_reserve(rt, sa->seq_max, nvalid, &got);
	for (uint16_t i = 0; i < n; i++) {
		struct esp_pkt *p = pkts[i];

		if (p->drop != ESP_PKT_OK)
			continue;
		if (!got) {
			p->drop = SHM_DROP_SEQ_CYCLED;
			continue;
		}
		build_packet(w, sa, p, &plan[i], seq++, &ops[nops], aad[nops]);
		idx[nops++] = i;
		got--;
	}
	esp_engine_encrypt(w, &sa->crypto, ops, nops);
	for (uint16_t j = 0; j < nops; j++) {
		struct outb_plan *pl = &plan[idx[j]];

		if (ops[j].status != ESP_CRYPTO_OK) {
			pkts[idx[j]]->drop = SHM_DROP_DECRYPT;  /* the engine failed */
			continue;
		}
		good++;
		if (sa->udp_len && ((sa->flags & ESP_SA_F_OUTER_V6) ||
				    (!(sa->flags & ESP_SA_F_TUNNEL) && pl->v6)))
			esp_ip6_udp_csum_set(pl->ip6 + 8, pl->ip6 + 24, pl->udp, pl->udp_len);
	}
	return good;
}

/*
 * The common shape on its own: tunnel mode, an IPv4 outer header, no UDP
 * encapsulation, an AEAD cipher whose explicit IV is the sequence number
 * (AES-GCM). The same checks, sequence numbers and bytes as plan_packet +
 * build_packet (esp_test_path compares the two), in two short passes with the
 * per-SA sizes hoisted.
 */
#define OUTB_T4_AEAD_MASK (ESP_SA_F_TUNNEL | ESP_SA_F_OUTER_V6 | ESP_SA_F_UDP | ESP_SA_F_AEAD | ESP_SA_F_IV_SEQ)
#define OUTB_T4_AEAD (ESP_SA_F_TUNNEL | ESP_SA_F_AEAD | ESP_SA_F_IV_SEQ)

static uint16_t process_chunk_t4_aead(struct esp_engine_worker *w, const struct esp_sa_out *sa,
				      struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n)
{
	struct esp_crypto_op ops[ESP_BURST_MAX];
	uint8_t aad[ESP_BURST_MAX][12];
	uint32_t tot[ESP_BURST_MAX];
	uint16_t idx[ESP_BURST_MAX];
	const uint32_t iv = sa->iv_len, icv = sa->icv_len, amask = sa->align - 1u;
	const uint32_t front = sizeof(struct esp_ip4_hdr) + sizeof(struct esp_hdr) + iv;
	const uint16_t cipher_off = (uint16_t)(sizeof(struct esp_hdr) + iv);
	const int esn = (sa->flags & ESP_SA_F_ESN) != 0;
	uint16_t nvalid = 0, nops = 0, got, good;
	uint64_t seq;

	for (uint16_t i = 0; i < n; i++) {
		struct esp_pkt *p = pkts[i];
		const uint8_t *d = p->data;
		uint32_t hl, t = 0, back;
		int rc;

		/* the outer headers go in the headroom's last line, which
		 * nothing has touched yet: fetch it while the burst is checked */
		__builtin_prefetch(d - front, 1, 3);
		if (p->len >= 1 && (d[0] >> 4) == 6)
			rc = esp_ip6_check(d, p->len, &t);
		else
			rc = esp_ip4_check(d, p->len, &hl, &t);
		if (rc < 0) {
			back = (-(t + 2) & amask) + sizeof(struct esp_tail) + icv;
			if (front > p->headroom || back > p->tailroom + (p->len - t) || front + t + back > 0xffff)
				rc = SHM_DROP_MTU_EXCEEDED;
		}
		p->drop = rc < 0 ? ESP_PKT_OK : (uint8_t)rc;
		tot[i] = t;
		nvalid += rc < 0;
	}
	if (!nvalid)
		return 0;
	seq = esp_outb_seq_reserve(rt, sa->seq_max, nvalid, &got);
	for (uint16_t i = 0; i < n; i++) {
		struct esp_pkt *p = pkts[i];
		struct esp_crypto_op *op = &ops[nops];
		uint8_t *d = p->data, *start, *esp, *tr;
		uint32_t t = tot[i], padlen, ct_len, total;
		int v6;

		if (p->drop != ESP_PKT_OK)
			continue;
		if (!got) {
			p->drop = SHM_DROP_SEQ_CYCLED;
			continue;
		}
		got--;
		v6 = (d[0] >> 4) == 6;
		padlen = -(t + 2) & amask;
		ct_len = t + padlen + sizeof(struct esp_tail);
		total = front + ct_len + icv;
		start = d - front;
		put_outer4(sa, v6 ? (uint8_t)(esp_ip_be16(d) >> 4) : d[1],
			   !v6 && (esp_ip_be16(d + 6) & ESP_IP4_DF), start, total, seq);
		esp = start + sizeof(struct esp_ip4_hdr);
		((struct esp_hdr *)esp)->spi = sa->spi_be;
		((struct esp_hdr *)esp)->seq = __builtin_bswap32((uint32_t)seq);
		esp_ip_put64(esp + sizeof(struct esp_hdr), seq);
		tr = esp + cipher_off + t;
		if (amask <= 3)         /* GCM: at most 3 bytes of padding; the ICV's room takes the rest */
			memcpy(tr, "\x01\x02\x03", 3);
		else
			for (uint32_t k = 0; k < padlen; k++)
				tr[k] = (uint8_t)(k + 1);
		tr[padlen] = (uint8_t)padlen;
		tr[padlen + 1] = v6 ? ESP_PROTO_IPV6 : ESP_PROTO_IPV4;

		op->buf = esp;
		op->iv_off = sizeof(struct esp_hdr);
		op->cipher_off = cipher_off;
		op->cipher_len = (uint16_t)ct_len;
		op->icv = esp + cipher_off + ct_len;
		op->auth_len = (uint16_t)(cipher_off + ct_len);
		if (esn) {
			op->aad = aad[nops];
			memcpy(aad[nops], &sa->spi_be, 4);
			esp_ip_put32(aad[nops] + 4, (uint32_t)(seq >> 32));
			esp_ip_put32(aad[nops] + 8, (uint32_t)seq);
			op->aad_len = 12;
		} else {
			op->aad = esp;  /* SPI | seq: the ESP header itself (RFC 4106 §5) */
			op->aad_len = 8;
		}
		p->headroom = (uint16_t)(p->headroom - front);
		p->tailroom = (uint16_t)(p->tailroom + (p->len - t) - (padlen + sizeof(struct esp_tail) + icv));
		p->data = start;
		p->len = total;
		idx[nops++] = i;
		seq++;
	}
	good = esp_engine_encrypt(w, &sa->crypto, ops, nops);
	if (good != nops)
		for (uint16_t j = 0; j < nops; j++)
			if (ops[j].status != ESP_CRYPTO_OK)
				pkts[idx[j]]->drop = SHM_DROP_DECRYPT;  /* the engine failed */
	return good;
}

uint16_t esp_outb_process(struct esp_engine_worker *w, const struct esp_sa_out *sa,
			  struct shm_sa_rt *rt, struct esp_pkt **pkts, uint16_t n)
{
	uint16_t good = 0;
	int t4 = (sa->flags & OUTB_T4_AEAD_MASK) == OUTB_T4_AEAD && !esp_outb_generic_only;

	for (uint16_t off = 0; off < n; off += ESP_BURST_MAX) {
		uint16_t k = n - off < ESP_BURST_MAX ? n - off : ESP_BURST_MAX;

		good += t4 ? process_chunk_t4_aead(w, sa, rt, pkts + off, k) : process_chunk(w, sa, rt, pkts + off, k);
	}
	if (good == n)
		return n;
	good = 0;
	/* good packets first, in order */
	for (uint16_t i = 0; i < n; i++) {
		if (pkts[i]->drop == ESP_PKT_OK) {
			struct esp_pkt *t = pkts[good];

			pkts[good++] = pkts[i];
			pkts[i] = t;
		}
	}
	return good;
}

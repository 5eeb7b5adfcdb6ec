/*
 * libFuzzer target on the engine's input (the whole daemon path a datagram
 * takes: parse, SA lookup, window, decrypt, inner parse, tasks). First
 * octet: 0 = the rest is a datagram from anywhere; 1 = the rest is a
 * decrypted inner payload chain (second octet: exchange type, third: first
 * payload type), sealed with the keys of an established IKE SA, so the
 * tasks see arbitrary authenticated payloads. The two engines persist
 * across inputs; a broken SA is set up again.
 */
#include "check.h"

#include "ike_build.h"
#include "ike_crypto.h"

static struct t_world W;
static bool up;

static void setup(void)
{
	if (up) {
		for (unsigned i = 0; i < W.qn; i++)
			free(W.q[i]);
		W.qn = 0;
		t_world_fini(&W);
		memset(W.p[0].prof, 0, sizeof(W.p[0].prof));
	}
	t_world_init(&W);
	c_establish(&W);
	up = true;
}

static bool healthy(void)
{
	struct ikev2_sa *a = W.p[0].e->first, *b = W.p[1].e->first;

	return a && b && !a->next && !b->next && a->state == IKEV2_SA_ESTABLISHED &&
	       b->state == IKEV2_SA_ESTABLISHED && a->keyed && !a->tm.active && !b->tm.active;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[IKEV2_RX_MAX];
	struct ikev2_path p;
	size_t len = 0;

	if (!up) {
		gw_log_init("fuzz_ikev2d_input", GW_LOG_ERR);
		setup();
	}
	if (!healthy())
		setup();
	if (size < 1 || size > 8192)
		return 0;
	p.local = W.p[1].addr;
	p.remote = W.p[0].addr;
	if (data[0] == 0 || size < 3) {
		memcpy(pkt, data + 1, size - 1);
		len = size - 1;
	} else {
		struct ikev2_sa *a = W.p[0].e->first, *b = W.p[1].e->first;
		struct ike_hdr_info h = { 0 };
		struct ike_build out;
		size_t off;

		memcpy(h.spi_i, a->spi_i, 8);
		memcpy(h.spi_r, a->spi_r, 8);
		h.exchange = (uint8_t)(34 + data[1] % 4);
		h.flags = IKE_HDR_F_INITIATOR;
		h.msg_id = b->rx_next;
		ike_build_init(&out, pkt, sizeof(pkt), &h);
		ike_build_sk(&out, data[2], ike_sk_body_len(&a->sk_out, size - 3), &off);
		if (ike_build_finish(&out, &len) < 0 ||
		    ike_sk_encrypt(&a->sk_out, pkt, len, off, data + 3, size - 3, NULL) < 0)
			return 0;
		a->tx_next = b->rx_next + 1; /* keep a in step with what b accepts */
	}
	ikev2_engine_input(W.p[1].e, &p, false, pkt, len);
	/* b's answers go nowhere; time moves so half-open SAs expire. */
	for (unsigned i = 0; i < W.qn; i++)
		free(W.q[i]);
	W.qn = 0;
	W.now += 100;
	ikev2_engine_run_timers(W.p[1].e);
	for (unsigned i = 0; i < W.qn; i++)
		free(W.q[i]);
	W.qn = 0;
	return 0;
}

/* libFuzzer target for the classify/parse stage: any bytes as a frame,
 * and the local-delivery and ND parsers on whatever the frame parser
 * accepts, as the worker and the control thread call them; the fast IPv4
 * path must give the same verdict as the full classifier. */
#include <stdint.h>
#include <string.h>

#include "dp_classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t own[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct dp_meta m;
	struct dp_lmeta lm;
	uint8_t lla[6];
	int has;

	uint32_t l3, dst;
	enum dp_class c;

	if (size > 65535)
		return 0;
	c = dp_classify_frame(data, (uint32_t)size, own, &m);
	/* The worker's fast path must agree with the full classifier. */
	if (dp_classify_ip4_fast(data, (uint32_t)size, own, &l3, &dst) &&
	    (c != DP_CLS_IP4 || l3 != m.l3_len || dst != dp_rd32(data + DP_ETH_HLEN + 16)))
		__builtin_trap();
	switch (c) {
	case DP_CLS_IP4:
		dp_classify_local4(data + DP_ETH_HLEN, m.l3_len, &lm);
		break;
	case DP_CLS_IP6: {
		struct dp_ip6_ext x;
		/* The walk stays inside the packet and says where it stopped. */
		if (dp_ip6_ext_walk(data + DP_ETH_HLEN, m.l3_len, &x) == 0 &&
		    (x.l4_off > m.l3_len || x.nh_byte >= x.l4_off || (x.frag_hdr && x.frag_hdr + 8u > x.l4_off)))
			__builtin_trap();
		if (dp_classify_local6(data + DP_ETH_HLEN, m.l3_len, &lm) == DP_LOC_FRAG &&
		    (lm.frag_hdr + 8u > m.l3_len || lm.nh_byte >= lm.frag_hdr))
			__builtin_trap();
		break;
	}
	case DP_CLS_ND:
		dp_classify_nd(data + DP_ETH_HLEN, m.l3_len, lla, &has);
		break;
	default:
		break;
	}
	return 0;
}

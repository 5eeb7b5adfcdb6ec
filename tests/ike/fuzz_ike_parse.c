/*
 * libFuzzer target for the IKEv2 parser. The first input octet picks a mode:
 *   even: the rest is a datagram: parse it; on success, rebuild the SA and
 *         TS payloads from the decoded structs and check they decode the
 *         same; treat an SK body as if it were the decrypted inner chain;
 *         run the SK decryption length checks under fixed keys.
 *   odd:  the rest is an inner (decrypted) payload chain whose first
 *         payload type is the next octet, behind a fixed IKE_AUTH header.
 * Crashes, sanitizer reports, leaks and broken round trips are findings.
 */
#include <stdint.h>
#include <string.h>

#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_parse.h"

static struct ike_msg m, m2;
static uint8_t buf[70000], plain[70000];

static void rebuild_check(void)
{
	struct ike_build b;
	size_t len = 0;
	struct ike_hdr_info h = m.hdr;
	h.exchange = IKE_EXCH_CREATE_CHILD_SA;
	ike_build_init(&b, buf, sizeof(buf), &h);
	if (ike_msg_has(&m, IKE_PL_SA))
		ike_build_sa(&b, &m.sa);
	if (ike_msg_has(&m, IKE_PL_TSI))
		ike_build_ts(&b, IKE_PL_TSI, &m.tsi);
	if (ike_build_finish(&b, &len) != 0)
		return;
	if (ike_parse_msg(buf, len, &m2) != IKE_PARSE_OK)
		__builtin_trap(); /* what we decoded we must be able to encode and decode again */
	if (ike_msg_has(&m, IKE_PL_TSI) && memcmp(&m.tsi, &m2.tsi, sizeof(m.tsi)) != 0)
		__builtin_trap();
	if (ike_msg_has(&m, IKE_PL_SA) && m.sa.n_props != m2.sa.n_props)
		__builtin_trap();
}

static void decrypt_checks(const uint8_t *data, size_t size)
{
	static struct ike_sk cbc, gcm;
	static int ready;
	if (!ready) {
		static const uint8_t k[64] = { 1, 2, 3 };
		ike_sk_init(&cbc, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, k, 16, k, 32);
		ike_sk_init(&gcm, IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, k, 36, NULL, 0);
		ready = 1;
	}
	size_t out = 0;
	ike_sk_decrypt(&cbc, data, size, m.sk.hdr_off, plain, sizeof(plain), &out);
	ike_sk_decrypt(&gcm, data, size, m.sk.hdr_off, plain, sizeof(plain), &out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	uint8_t mode = data[0];
	data++, size--;
	if (!(mode & 1)) {
		if (ike_parse_msg(data, size, &m) != IKE_PARSE_OK)
			return 0;
		if (ike_msg_has(&m, IKE_PL_SK)) {
			decrypt_checks(data, size);
			ike_parse_inner(&m, m.sk.body.ptr, m.sk.body.len);
		}
		rebuild_check();
		return 0;
	}
	if (size < 1)
		return 0;
	/* a fixed outer message: IKE_AUTH header + an SK payload naming data[0] */
	uint8_t outer[IKE_HDR_LEN + IKE_GEN_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9,
						     IKE_PL_SK, 0x20, IKE_EXCH_AUTH, 0x08, 0, 0, 0, 1,
						     0, 0, 0, sizeof(outer), data[0], 0, 0, 4 };
	if (ike_parse_msg(outer, sizeof(outer), &m) != IKE_PARSE_OK)
		__builtin_trap();
	ike_parse_inner(&m, data + 1, size - 1);
	return 0;
}

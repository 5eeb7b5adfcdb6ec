/* libFuzzer target: bytes -> msg_decode -> cfg_dispatch -> packed reply, on
 * a tmpfs region with a small configuration to reach into. An input that
 * starts with 0x00 is taken as [0x00][body index][body message bytes] so
 * that the fuzzer reaches every handler without first having to learn the
 * envelope. Must not crash, leak or trip a sanitizer. */
#include "cfg_test.h"

static struct shm_region R;
static struct cfg *C;

static const struct {
	int body;
	const ProtobufCMessageDescriptor *desc;
} bodies[] = {
	{ B(PORT_CREATE), &ipsecgw__v1__port_create__descriptor },
	{ B(LOOPBACK_CREATE), &ipsecgw__v1__loopback_create__descriptor },
	{ B(LOOPBACK_DELETE), &ipsecgw__v1__loopback_delete__descriptor },
	{ B(INTERFACE_SET_STATE), &ipsecgw__v1__interface_set_state__descriptor },
	{ B(INTERFACE_SET_MTU), &ipsecgw__v1__interface_set_mtu__descriptor },
	{ B(INTERFACE_ADDRESS), &ipsecgw__v1__interface_address__descriptor },
	{ B(INTERFACE_UNNUMBERED), &ipsecgw__v1__interface_unnumbered__descriptor },
	{ B(NEIGHBOR), &ipsecgw__v1__neighbor_add_del__descriptor },
	{ B(ROUTE), &ipsecgw__v1__route_add_del__descriptor },
	{ B(SPD), &ipsecgw__v1__spd_add_del__descriptor },
	{ B(INTERFACE_SPD), &ipsecgw__v1__interface_spd__descriptor },
	{ B(POLICY), &ipsecgw__v1__policy_add_del__descriptor },
	{ B(SA_ADD), &ipsecgw__v1__sa_add__descriptor },
	{ B(SA_DEL), &ipsecgw__v1__sa_del__descriptor },
	{ B(SA_SET_KEY), &ipsecgw__v1__sa_set_key__descriptor },
	{ B(TUNNEL_CREATE), &ipsecgw__v1__tunnel_create__descriptor },
	{ B(TUNNEL_DELETE), &ipsecgw__v1__tunnel_delete__descriptor },
	{ B(TUNNEL_PROTECT), &ipsecgw__v1__tunnel_protect__descriptor },
	{ B(IKEV2_PROFILE), &ipsecgw__v1__ikev2_profile_add_del__descriptor },
	{ B(IKEV2_SET_AUTH), &ipsecgw__v1__ikev2_profile_set_auth__descriptor },
	{ B(IKEV2_SET_ID), &ipsecgw__v1__ikev2_profile_set_id__descriptor },
	{ B(IKEV2_SET_TS), &ipsecgw__v1__ikev2_profile_set_ts__descriptor },
	{ B(IKEV2_SET_RESPONDER), &ipsecgw__v1__ikev2_profile_set_responder__descriptor },
	{ B(IKEV2_SET_IKE), &ipsecgw__v1__ikev2_profile_set_ike_transforms__descriptor },
	{ B(IKEV2_SET_ESP), &ipsecgw__v1__ikev2_profile_set_esp_transforms__descriptor },
	{ B(IKEV2_SET_LIFETIME), &ipsecgw__v1__ikev2_profile_set_sa_lifetime__descriptor },
	{ B(IKEV2_LOCAL_KEY), &ipsecgw__v1__ikev2_set_local_key__descriptor },
	{ B(IKEV2_LIVENESS), &ipsecgw__v1__ikev2_set_liveness__descriptor },
	{ B(IKEV2_INITIATE), &ipsecgw__v1__ikev2_initiate__descriptor },
	{ B(CRYPTO_HANDLER), &ipsecgw__v1__crypto_handler_set__descriptor },
	{ B(CLEAR), &ipsecgw__v1__clear_counters__descriptor },
	{ B(DUMP), &ipsecgw__v1__dump__descriptor },
	{ B(SNAPSHOT), &ipsecgw__v1__snapshot_request__descriptor },
};

static void fuzz_answer(const gw_env *e)
{
	cfg_reply *rep = cfg_dispatch(C, e);
	uint8_t *out;

	free((cfg_pack(e->request_id, rep, &out), out));
	cfg_reply_free(rep);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	char err[256];

	(void)argc;
	(void)argv;
	tmpregion_setup();
	CHECK(shm_region_create(&R, "fuzz", 0, err, sizeof(err)) == 0, "%s", err);
	C = cfg_open(&R, NULL);
	CHECK(C, "cfg_open");
	T_OK(C, r_port("wan0", "net_null0"));
	T_OK(C, r_loop(0, 0));
	T_OK(C, r_addr("loop0", "192.0.2.1", 24, 0));
	T_OK(C, r_neigh("loop0", "192.0.2.2", mac, 6, 0));
	T_OK(C, r_route("198.51.100.0", 24, "192.0.2.2", NULL, 0));
	T_OK(C, r_sa_cbc(10, 1001));
	T_OK(C, r_spd(1, 0));
	T_OK(C, r_ifspd("loop0", 1, 0));
	T_OK(C, r_tun(0, 0));
	T_OK(C, r_prof("pr1", 0));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 0) {
		size_t k = data[1] % (sizeof(bodies) / sizeof(bodies[0]));
		ProtobufCMessage *m = protobuf_c_message_unpack(bodies[k].desc, NULL, size - 2, data + 2);
		gw_env env = IPSECGW__V1__ENVELOPE__INIT;
		if (!m)
			return 0;
		env.api_version = GW_API_VERSION;
		env.request_id = 1;
		env.body_case = bodies[k].body;
		env.port_create = (Ipsecgw__V1__PortCreate *)m; /* one union of pointers */
		fuzz_answer(&env);
		protobuf_c_message_free_unpacked(m, NULL);
		return 0;
	}
	gw_env *e = msg_decode(data, size);
	if (e) {
		fuzz_answer(e);
		msg_free(e);
	}
	return 0;
}

/*
 * Tables that go with the wire formats: DH public value sizes and names.
 */
#include "ike_wire.h"

struct dh_size {
	uint16_t group;
	uint16_t pub_len;    /* KE data octets */
	uint16_t secret_len; /* g^ir octets */
	const char *name;
};

static const struct dh_size dh_sizes[] = {
	{ IKE_DH_MODP_768, 96, 96, "modp-768" },
	{ IKE_DH_MODP_1024, 128, 128, "modp-1024" },
	{ IKE_DH_MODP_1536, 192, 192, "modp-1536" },
	{ IKE_DH_MODP_2048, 256, 256, "modp-2048" },
	{ IKE_DH_MODP_3072, 384, 384, "modp-3072" },
	{ IKE_DH_MODP_4096, 512, 512, "modp-4096" },
	{ IKE_DH_MODP_6144, 768, 768, "modp-6144" },
	{ IKE_DH_MODP_8192, 1024, 1024, "modp-8192" },
	{ IKE_DH_ECP_256, 64, 32, "ecp-256" },
	{ IKE_DH_ECP_384, 96, 48, "ecp-384" },
	{ IKE_DH_ECP_521, 132, 66, "ecp-521" },
	{ IKE_DH_MODP_1024_160, 128, 128, "modp-1024s160" },
	{ IKE_DH_MODP_2048_224, 256, 256, "modp-2048s224" },
	{ IKE_DH_MODP_2048_256, 256, 256, "modp-2048s256" },
	{ IKE_DH_ECP_192, 48, 24, "ecp-192" },
};

static const struct dh_size *dh_size_find(uint16_t group)
{
	for (size_t i = 0; i < sizeof(dh_sizes) / sizeof(dh_sizes[0]); i++)
		if (dh_sizes[i].group == group)
			return &dh_sizes[i];
	return NULL;
}

size_t ike_wire_ke_len(uint16_t group)
{
	const struct dh_size *s = dh_size_find(group);
	return s ? s->pub_len : 0;
}

size_t ike_wire_dh_secret_len(uint16_t group)
{
	const struct dh_size *s = dh_size_find(group);
	return s ? s->secret_len : 0;
}

const char *ike_wire_dh_name(uint16_t group)
{
	const struct dh_size *s = dh_size_find(group);
	return s ? s->name : "?";
}

const char *ike_wire_exchange_name(uint8_t exchange)
{
	switch (exchange) {
	case IKE_EXCH_SA_INIT: return "IKE_SA_INIT";
	case IKE_EXCH_AUTH: return "IKE_AUTH";
	case IKE_EXCH_CREATE_CHILD_SA: return "CREATE_CHILD_SA";
	case IKE_EXCH_INFORMATIONAL: return "INFORMATIONAL";
	}
	return "?";
}

const char *ike_wire_payload_name(uint8_t type)
{
	static const char *const names[] = {
		[IKE_PL_SA] = "SA",         [IKE_PL_KE] = "KE",       [IKE_PL_IDI] = "IDi",
		[IKE_PL_IDR] = "IDr",       [IKE_PL_CERT] = "CERT",   [IKE_PL_CERTREQ] = "CERTREQ",
		[IKE_PL_AUTH] = "AUTH",     [IKE_PL_NONCE] = "Nonce", [IKE_PL_NOTIFY] = "N",
		[IKE_PL_DELETE] = "D",      [IKE_PL_VENDOR] = "V",    [IKE_PL_TSI] = "TSi",
		[IKE_PL_TSR] = "TSr",       [IKE_PL_SK] = "SK",       [IKE_PL_CP] = "CP",
		[IKE_PL_EAP] = "EAP",
	};
	if (type == IKE_PL_NONE)
		return "none";
	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

const char *ike_wire_notify_name(uint16_t type)
{
	switch (type) {
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD: return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKE_N_INVALID_IKE_SPI: return "INVALID_IKE_SPI";
	case IKE_N_INVALID_MAJOR_VERSION: return "INVALID_MAJOR_VERSION";
	case IKE_N_INVALID_SYNTAX: return "INVALID_SYNTAX";
	case IKE_N_INVALID_MESSAGE_ID: return "INVALID_MESSAGE_ID";
	case IKE_N_INVALID_SPI: return "INVALID_SPI";
	case IKE_N_NO_PROPOSAL_CHOSEN: return "NO_PROPOSAL_CHOSEN";
	case IKE_N_INVALID_KE_PAYLOAD: return "INVALID_KE_PAYLOAD";
	case IKE_N_AUTHENTICATION_FAILED: return "AUTHENTICATION_FAILED";
	case IKE_N_SINGLE_PAIR_REQUIRED: return "SINGLE_PAIR_REQUIRED";
	case IKE_N_NO_ADDITIONAL_SAS: return "NO_ADDITIONAL_SAS";
	case IKE_N_INTERNAL_ADDRESS_FAILURE: return "INTERNAL_ADDRESS_FAILURE";
	case IKE_N_FAILED_CP_REQUIRED: return "FAILED_CP_REQUIRED";
	case IKE_N_TS_UNACCEPTABLE: return "TS_UNACCEPTABLE";
	case IKE_N_INVALID_SELECTORS: return "INVALID_SELECTORS";
	case IKE_N_TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
	case IKE_N_CHILD_SA_NOT_FOUND: return "CHILD_SA_NOT_FOUND";
	case IKE_N_INITIAL_CONTACT: return "INITIAL_CONTACT";
	case IKE_N_SET_WINDOW_SIZE: return "SET_WINDOW_SIZE";
	case IKE_N_ADDITIONAL_TS_POSSIBLE: return "ADDITIONAL_TS_POSSIBLE";
	case IKE_N_IPCOMP_SUPPORTED: return "IPCOMP_SUPPORTED";
	case IKE_N_NAT_DETECTION_SOURCE_IP: return "NAT_DETECTION_SOURCE_IP";
	case IKE_N_NAT_DETECTION_DESTINATION_IP: return "NAT_DETECTION_DESTINATION_IP";
	case IKE_N_COOKIE: return "COOKIE";
	case IKE_N_USE_TRANSPORT_MODE: return "USE_TRANSPORT_MODE";
	case IKE_N_HTTP_CERT_LOOKUP_SUPPORTED: return "HTTP_CERT_LOOKUP_SUPPORTED";
	case IKE_N_REKEY_SA: return "REKEY_SA";
	case IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED: return "ESP_TFC_PADDING_NOT_SUPPORTED";
	case IKE_N_NON_FIRST_FRAGMENTS_ALSO: return "NON_FIRST_FRAGMENTS_ALSO";
	case IKE_N_MOBIKE_SUPPORTED: return "MOBIKE_SUPPORTED";
	case IKE_N_IKEV2_FRAGMENTATION_SUPPORTED: return "IKEV2_FRAGMENTATION_SUPPORTED";
	case IKE_N_SIGNATURE_HASH_ALGORITHMS: return "SIGNATURE_HASH_ALGORITHMS";
	}
	return "?";
}

/* Address helpers shared by the transports. */
#include "ikev2_net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool ikev2_addr_eq(const struct ikev2_addr *a, const struct ikev2_addr *b)
{
	return a->af == b->af && a->port == b->port && memcmp(a->ip, b->ip, ikev2_addr_len(a)) == 0;
}

const char *ikev2_addr_str(const struct ikev2_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->af == 4 || a->af == 6)
		inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip));
	snprintf(buf, len, "%s[%u]", ip, a->port);
	return buf;
}

int ikev2_net_natt_strip(const uint8_t *buf, size_t len, size_t *skip)
{
	static const uint8_t marker[IKEV2_NON_ESP_MARKER_LEN];

	if (len < IKEV2_NON_ESP_MARKER_LEN || memcmp(buf, marker, sizeof(marker)) != 0)
		return 0;
	*skip = IKEV2_NON_ESP_MARKER_LEN;
	return 1;
}

/* The service state and the wire-level entry: bytes in, reply bytes out. */
#include <stdio.h>
#include <stdlib.h>

#include "cfg_priv.h"
#include "instance.h"
#include "log.h"

struct cfg *cfg_open(struct shm_region *r, void *pub)
{
	struct cfg *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->r = r;
	c->ev.pub = pub;
	if (cfg_index_init(&c->idx) < 0) {
		free(c);
		return NULL;
	}
	cfg_index_build(c);
	return c;
}

void cfg_close(struct cfg *c)
{
	if (!c)
		return;
	cfg_index_fini(&c->idx);
	free(c);
}

size_t cfg_pack(uint64_t request_id, cfg_reply *rep, uint8_t **out)
{
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	size_t len;

	env.api_version = GW_API_VERSION;
	env.request_id = request_id;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_REPLY;
	env.reply = rep;
	len = ipsecgw__v1__envelope__get_packed_size(&env);
	*out = cfg_reply_calloc(1, len);
	ipsecgw__v1__envelope__pack(&env, *out);
	return len;
}

size_t cfg_handle(struct cfg *c, const uint8_t *buf, size_t len, uint8_t **out)
{
	uint64_t request_id = 0;
	cfg_reply *rep;
	gw_env *req;
	size_t n;

	if (len > GW_MAX_MSG) {
		rep = cfg_reply_new();
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "envelope",
			       "%zu bytes, over the limit of %u", len, GW_MAX_MSG);
	} else if (!(req = msg_decode(buf, len))) {
		rep = cfg_reply_new();
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "envelope",
			       "%zu bytes that are not an ipsecgw.v1.Envelope", len);
	} else {
		request_id = req->request_id;
		rep = cfg_dispatch(c, req);
		if (rep->code != IPSECGW__V1__ERROR_CODE__OK)
			gw_debug("request %llu (body %d) refused: %s", (unsigned long long)request_id,
				 (int)req->body_case, rep->message ? rep->message : "");
		msg_free(req);
	}
	n = cfg_pack(request_id, rep, out);
	cfg_reply_free(rep);
	return n;
}

/* The one switch over Envelope.body: each request to its handler. */
#include <stdio.h>

#include "cfg_priv.h"
#include "instance.h"

#define B(x) IPSECGW__V1__ENVELOPE__BODY_##x

#define BATCH_MAX 1024

/* Requests in order; stop at the first that is not OK. */
static void dispatch_batch(struct cfg *c, const Ipsecgw__V1__Batch *b, cfg_reply *rep)
{
	if (b->n_requests > BATCH_MAX) {
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, "requests",
			       "%zu requests in one batch, at most %d", b->n_requests, BATCH_MAX);
		return;
	}
	rep->results = cfg_reply_calloc(b->n_requests, sizeof(*rep->results));
	for (size_t i = 0; i < b->n_requests; i++) {
		const gw_env *q = b->requests[i];
		cfg_reply *r;

		if (q->body_case == B(BATCH) || q->body_case == B(DUMP) || q->body_case == B(SNAPSHOT)) {
			r = cfg_reply_new();
			cfg_reply_fail(r, IPSECGW__V1__ERROR_CODE__MALFORMED, "body",
				       "a batch carries configuration requests only (body case %d)",
				       (int)q->body_case);
		} else {
			r = cfg_dispatch(c, q);
		}
		rep->results[rep->n_results++] = r;
		if (r->code != IPSECGW__V1__ERROR_CODE__OK) {
			char field[64];

			snprintf(field, sizeof(field), "requests[%zu]", i);
			cfg_reply_fail(rep, r->code, field, "%s", r->message ? r->message : "failed");
			return;
		}
	}
}

cfg_reply *cfg_dispatch(struct cfg *c, const gw_env *q)
{
	cfg_reply *rep = cfg_reply_new();

	if (q->api_version != GW_API_VERSION) {
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__UNSUPPORTED_VERSION, "api_version",
			       "this service speaks API version %u, got %u", GW_API_VERSION, q->api_version);
	} else if (q->body_case != B(_NOT_SET) && !q->port_create) {
		/* every oneof member is a pointer in one union */
		cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "body", "the request body is missing");
	} else {
		switch (q->body_case) {
		case B(PORT_CREATE): cfg_ifc_port_create(c, q->port_create, rep); break;
		case B(LOOPBACK_CREATE): cfg_ifc_loopback_create(c, q->loopback_create, rep); break;
		case B(LOOPBACK_DELETE): cfg_ifc_loopback_delete(c, q->loopback_delete, rep); break;
		case B(INTERFACE_SET_STATE): cfg_ifc_set_state(c, q->interface_set_state, rep); break;
		case B(INTERFACE_SET_MTU): cfg_ifc_set_mtu(c, q->interface_set_mtu, rep); break;
		case B(INTERFACE_ADDRESS): cfg_ifc_address(c, q->interface_address, rep); break;
		case B(INTERFACE_UNNUMBERED): cfg_ifc_unnumbered(c, q->interface_unnumbered, rep); break;
		case B(NEIGHBOR): cfg_route_neighbor(c, q->neighbor, rep); break;
		case B(ROUTE): cfg_route_add_del(c, q->route, rep); break;
		case B(SPD): cfg_spd_add_del(c, q->spd, rep); break;
		case B(INTERFACE_SPD): cfg_spd_interface(c, q->interface_spd, rep); break;
		case B(POLICY): cfg_spd_policy(c, q->policy, rep); break;
		case B(SA_ADD): cfg_sa_add(c, q->sa_add, rep); break;
		case B(SA_DEL): cfg_sa_del(c, q->sa_del, rep); break;
		case B(SA_SET_KEY): cfg_sa_set_key(c, q->sa_set_key, rep); break;
		case B(TUNNEL_CREATE): cfg_tunnel_create(c, q->tunnel_create, rep); break;
		case B(TUNNEL_DELETE): cfg_tunnel_delete(c, q->tunnel_delete, rep); break;
		case B(TUNNEL_PROTECT): cfg_tunnel_protect(c, q->tunnel_protect, rep); break;
		case B(IKEV2_PROFILE): cfg_ikev2_profile(c, q->ikev2_profile, rep); break;
		case B(IKEV2_SET_AUTH): cfg_ikev2_set_auth(c, q->ikev2_set_auth, rep); break;
		case B(IKEV2_SET_ID): cfg_ikev2_set_id(c, q->ikev2_set_id, rep); break;
		case B(IKEV2_SET_TS): cfg_ikev2_set_ts(c, q->ikev2_set_ts, rep); break;
		case B(IKEV2_SET_RESPONDER): cfg_ikev2_set_responder(c, q->ikev2_set_responder, rep); break;
		case B(IKEV2_SET_IKE): cfg_ikev2_set_ike(c, q->ikev2_set_ike, rep); break;
		case B(IKEV2_SET_ESP): cfg_ikev2_set_esp(c, q->ikev2_set_esp, rep); break;
		case B(IKEV2_SET_LIFETIME): cfg_ikev2_set_lifetime(c, q->ikev2_set_lifetime, rep); break;
		case B(IKEV2_LOCAL_KEY): cfg_ikev2_local_key(c, q->ikev2_local_key, rep); break;
		case B(IKEV2_LIVENESS): cfg_ikev2_liveness(c, q->ikev2_liveness, rep); break;
		case B(IKEV2_INITIATE): cfg_ikev2_initiate(c, q->ikev2_initiate, rep); break;
		case B(CRYPTO_HANDLER): cfg_engine_set(c, q->crypto_handler, rep); break;
		case B(CLEAR): cfg_counters_clear(c, q->clear, rep); break;
		case B(DUMP): cfg_dump_request(c, q->dump, rep); break;
		case B(SNAPSHOT): cfg_dump_snapshot(c, q->snapshot, rep); break;
		case B(BATCH): dispatch_batch(c, q->batch, rep); break;
		default:
			cfg_reply_fail(rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "body",
				       "not a request (body case %d)", (int)q->body_case);
			break;
		}
	}
	rep->has_generation = 1;
	rep->generation = cfg_generation(c);
	rep->has_event_seq = 1;
	rep->event_seq = c->ev.seq;
	return rep;
}

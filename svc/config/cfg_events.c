/* The event bus: after each commit one Envelope{event} on the PUB socket.
 *
 * seq is gap-free from 1 for each run of the service; a subscriber that
 * sees a gap (PUB drops for slow subscribers) or joins late asks for a
 * snapshot and discards events whose seq is <= the snapshot's event_seq. */
#include <zmq.h>

#include "cfg_priv.h"
#include "log.h"

uint64_t cfg_events_publish(struct cfg *c, uint64_t generation, Ipsecgw__V1__Event__Kind kind,
			    Ipsecgw__V1__Event__Object object, const char *name,
			    const Ipsecgw__V1__Ikev2Initiate *initiate)
{
	Ipsecgw__V1__Event ev = IPSECGW__V1__EVENT__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	int rc;

	ev.seq = ++c->ev.seq;
	ev.generation = generation;
	ev.kind = kind;
	ev.object = object;
	ev.name = (char *)name;
	ev.initiate = (Ipsecgw__V1__Ikev2Initiate *)initiate;
	if (!c->ev.pub)
		return ev.seq;
	env.api_version = GW_API_VERSION;
	env.request_id = 0;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_EVENT;
	env.event = &ev;
	if ((rc = msg_send(c->ev.pub, &env, ZMQ_DONTWAIT)) < 0)
		gw_warn("event %llu not published: %s", (unsigned long long)ev.seq, zmq_strerror(-rc));
	return ev.seq;
}

uint64_t cfg_events_seq(const struct cfg *c)
{
	return c->ev.seq;
}

void cfg_events_set_pub(struct cfg *c, void *pub)
{
	c->ev.pub = pub;
}

/* The event bus of the real service: one event per committed change, seq
 * gap-free from 1 in each run, generation equal to the reply's; nothing for
 * a refused request; a late subscriber's snapshot names the last event it
 * reflects, and the events after it follow without a gap. */
#include <zmq.h>

#include "cfg_test.h"

#define INSTANCE "ev"
#define KIND(x) IPSECGW__V1__EVENT__KIND__##x
#define OBJ(x) IPSECGW__V1__EVENT__OBJECT__##x

static void *zctx;
static struct gw_client cl;

static void *subscribe(void)
{
	char ep[300];
	void *s = zmq_socket(zctx, ZMQ_SUB);
	int linger = 0;

	CHECK(s && gw_endpoint(INSTANCE, "events", ep, sizeof(ep)) == 0, "sub socket");
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
	CHECK(zmq_connect(s, ep) == 0, "connect %s", ep);
	return s;
}

/* The next event on sub, or NULL after timeout_ms. */
static gw_env *next_event(void *sub, int timeout_ms)
{
	zmq_pollitem_t pi = { .socket = sub, .events = ZMQ_POLLIN };
	gw_env *e;
	int rc;

	if (zmq_poll(&pi, 1, timeout_ms) <= 0)
		return NULL;
	e = msg_recv(sub, ZMQ_DONTWAIT, &rc);
	CHECK(e && e->body_case == B(EVENT) && e->request_id == 0 && e->api_version == GW_API_VERSION,
	      "not an event envelope");
	return e;
}

/* A request over the API; its reply (caller frees). */
static Ipsecgw__V1__Reply *call(gw_env *req, gw_env **keep)
{
	int rc;
	gw_env *rep = t_rpc(&cl, req, &rc);

	CHECK(rep, "call: %d", rc);
	*keep = rep;
	return rep->reply;
}

static uint64_t expected_seq;

/* A change that must produce exactly the event described. */
static void change(void *sub, gw_env *req, int kind, int obj, const char *name)
{
	gw_env *keep, *ev;
	Ipsecgw__V1__Reply *r = call(req, &keep);

	CHECK(r->code == EC(OK), "change refused: %s", r->message);
	expected_seq++;
	CHECK(r->event_seq == expected_seq, "reply event_seq %llu, want %llu", (unsigned long long)r->event_seq,
	      (unsigned long long)expected_seq);
	ev = next_event(sub, 2000);
	CHECK(ev, "no event for change %llu", (unsigned long long)expected_seq);
	CHECK(ev->event->seq == expected_seq, "event seq %llu, want %llu (gap or duplicate)",
	      (unsigned long long)ev->event->seq, (unsigned long long)expected_seq);
	CHECK(ev->event->generation == r->generation, "event generation %llu, reply %llu",
	      (unsigned long long)ev->event->generation, (unsigned long long)r->generation);
	CHECK((int)ev->event->kind == kind && (int)ev->event->object == obj, "event %d/%d, want %d/%d",
	      ev->event->kind, ev->event->object, kind, obj);
	CHECK(ev->event->name && strcmp(ev->event->name, name) == 0, "event name '%s', want '%s'",
	      ev->event->name ? ev->event->name : "", name);
	msg_free(ev);
	msg_free(keep);
}

/* ZeroMQ subscriptions take effect asynchronously: make changes until sub
 * sees one, and check it carries the seq of the change that made it. */
static void join(void *sub, uint32_t *next_loop)
{
	for (int tries = 0; tries < 50; tries++) {
		gw_env *keep, *ev;
		Ipsecgw__V1__Reply *r = call(r_loop(1, (*next_loop)++), &keep);
		CHECK(r->code == EC(OK), "loopback: %s", r->message);
		expected_seq++;
		CHECK(r->event_seq == expected_seq, "reply event_seq");
		msg_free(keep);
		while ((ev = next_event(sub, 100))) {
			uint64_t s = ev->event->seq;
			msg_free(ev);
			if (s == expected_seq)
				return;
			CHECK(s < expected_seq, "event from the future");
		}
	}
	CHECK(0, "the subscriber never received an event");
}

static uint64_t snapshot(uint64_t *generation, uint32_t *n_ifc)
{
	uint64_t seq = 0;
	uint32_t cursor = 0;
	int more = 0;

	*n_ifc = 0;
	do {
		gw_env *keep;
		Ipsecgw__V1__Reply *r = call(r_snap(more, cursor), &keep);
		CHECK(r->code == EC(OK), "snapshot");
		seq = r->event_seq;
		*generation = r->generation;
		*n_ifc += (uint32_t)r->n_interfaces;
		more = r->has_next_cursor;
		cursor = r->next_cursor;
		msg_free(keep);
	} while (more);
	return seq;
}

int main(void)
{
	char logfile[128];
	uint32_t loop_n = 100, n_ifc;
	uint64_t snap_seq, gen;
	gw_env *keep, *ev;
	pid_t pid;

	t_dirs();
	snprintf(logfile, sizeof(logfile), "%s/config.log", t_rundir);
	pid = t_svc_start(INSTANCE, logfile, NULL);
	CHECK(t_svc_wait(INSTANCE, pid, NULL) == 0, "service did not start; see %s", logfile);
	zctx = zmq_ctx_new();
	CHECK(gw_client_open(&cl, INSTANCE, 3000) == 0, "client");

	/* Nothing published yet in this run. */
	CHECK(snapshot(&gen, &n_ifc) == 0 && n_ifc == 0, "a fresh run starts at event seq 0");

	void *sub = subscribe();
	join(sub, &loop_n);
	printf("subscriber joined at event %llu\n", (unsigned long long)expected_seq);
	change(sub, r_sa_cbc(10, 1001), KIND(ADDED), OBJ(SA), "10");
	change(sub, r_spd(1, 0), KIND(ADDED), OBJ(SPD), "1");
	change(sub, r_policy(1, 1, 5, 0, 0, NULL), KIND(ADDED), OBJ(POLICY), "0");
	change(sub, r_sa_key(10, 16, 20, 7), KIND(CHANGED), OBJ(SA), "10");
	change(sub, r_loop(1, 0), KIND(ADDED), OBJ(INTERFACE), "loop0");
	change(sub, r_addr("loop0", "192.0.2.1", 24, 0), KIND(ADDED), OBJ(ADDRESS), "loop0 192.0.2.1/24");
	change(sub, r_route("198.51.100.0", 24, "192.0.2.2", NULL, 0), KIND(ADDED), OBJ(ROUTE), "198.51.100.0/24");
	change(sub, r_tun(0, 0), KIND(ADDED), OBJ(TUNNEL), "ipsec0"); /* two records, one event */
	change(sub, r_prof("pr1", 0), KIND(ADDED), OBJ(IKEV2_PROFILE), "pr1");
	change(sub, r_auth("pr1", IPSECGW__V1__IKE_AUTH_METHOD__SHARED_KEY_MIC, "Vpp123", NULL), KIND(CHANGED),
	       OBJ(IKEV2_PROFILE), "pr1");
	change(sub, r_clear(IPSECGW__V1__CLEAR_COUNTERS__WHAT__ERRORS), KIND(COUNTERS_CLEARED), OBJ(GLOBAL), "errors");
	change(sub, r_loop_del("loop100"), KIND(DELETED), OBJ(INTERFACE), "loop100");

	/* A refused request publishes nothing and does not use up a seq. */
	Ipsecgw__V1__Reply *r = call(r_sa_cbc(10, 1001), &keep);
	CHECK(r->code == EC(ALREADY_EXISTS) && r->event_seq == expected_seq, "refused");
	msg_free(keep);
	CHECK((ev = next_event(sub, 200)) == NULL, "an event for a refused request");
	r = call(r_init(0, "pr1", 0, 0), &keep);
	CHECK(r->code == EC(UNAVAILABLE) && strstr(r->message, "ipsecgw-ikev2 is not running"), "initiate");
	msg_free(keep);
	CHECK((ev = next_event(sub, 200)) == NULL, "an event for a refused initiate");
	change(sub, r_spd(2, 0), KIND(ADDED), OBJ(SPD), "2"); /* the next one is seq + 1 */

	/* A late subscriber: joins, takes a snapshot, keeps only newer events. */
	void *late = subscribe();
	uint64_t before = expected_seq;
	join(late, &loop_n);
	while ((ev = next_event(sub, 200))) { /* the main subscriber saw the join changes too */
		CHECK(ev->event->seq > before && ev->event->seq <= expected_seq, "main subscriber seq");
		msg_free(ev);
	}
	snap_seq = snapshot(&gen, &n_ifc);
	CHECK(snap_seq == expected_seq, "snapshot event_seq %llu, want %llu", (unsigned long long)snap_seq,
	      (unsigned long long)expected_seq);
	/* loopbacks 100.. made by the joins (one deleted), loop0, ipsec0 */
	CHECK(n_ifc == (loop_n - 100) - 1 + 2, "snapshot has %u interfaces", n_ifc);
	change(late, r_sa_cbc(11, 1002), KIND(ADDED), OBJ(SA), "11");
	change(late, r_sa_del(11), KIND(DELETED), OBJ(SA), "11");
	change(late, r_state("ipsec0", 1), KIND(CHANGED), OBJ(INTERFACE), "ipsec0");
	/* The main subscriber saw the same three, in order, after the snapshot's. */
	for (uint64_t s = snap_seq + 1; s <= expected_seq; s++) {
		CHECK((ev = next_event(sub, 2000)) && ev->event->seq == s, "main subscriber missed %llu",
		      (unsigned long long)s);
		msg_free(ev);
	}

	/* A clean stop, and a new run numbers its events from 1 again. */
	gw_client_close(&cl);
	zmq_close(sub);
	zmq_close(late);
	int st = t_svc_stop(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	pid = t_svc_start(INSTANCE, logfile, NULL);
	CHECK(t_svc_wait(INSTANCE, pid, NULL) == 0, "restart");
	CHECK(gw_client_open(&cl, INSTANCE, 3000) == 0, "client");
	CHECK(snapshot(&gen, &n_ifc) == 0, "a new run starts at event seq 0");
	expected_seq = 0;
	sub = subscribe();
	join(sub, &loop_n);
	CHECK(expected_seq >= 1, "seq from 1");
	change(sub, r_spd(3, 0), KIND(ADDED), OBJ(SPD), "3");
	gw_client_close(&cl);
	zmq_close(sub);
	zmq_ctx_term(zctx);
	st = t_svc_stop(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	printf("events: ok, gap-free through %llu events in the second run\n", (unsigned long long)expected_seq);
	return 0;
}

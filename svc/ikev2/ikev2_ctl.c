/* ZeroMQ peers: config events in, dump requests in, IKE events out. */
#include "ikev2_ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <openssl/crypto.h>

#include "ikev2_core.h"
#include "ikev2_show.h"
#include "instance.h"
#include "log.h"
#include "msg.h"

#define CTL_BATCH 64
#define CTL_PAGE_BYTES (200u * 1024u)  /* below GW_MAX_MSG */
#define CTL_MAX_FRAMES 3

struct ikev2_ctl {
	void *zctx, *router, *pub, *sub;
	uv_poll_t prouter, psub;
	struct ikev2_engine *e;
	ikev2_ctl_initiate_fn *initiate;
	ikev2_ctl_global_fn *global;
	void *arg;
	uint64_t seq;
	int closing;
	char paths[2][256];             /* the sockets we bound, unlinked at close */
};

static void *ctl_socket(struct ikev2_ctl *c, int type, const char *instance, const char *which, int bind,
			char *err, size_t errlen, char *bound)
{
	char ep[300], path[256];
	int linger = 0, hwm = 100000;
	void *s = zmq_socket(c->zctx, type);

	if (!s) {
		snprintf(err, errlen, "zmq_socket: %s", zmq_strerror(zmq_errno()));
		return NULL;
	}
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, type == ZMQ_SUB ? ZMQ_RCVHWM : ZMQ_SNDHWM, &hwm, sizeof(hwm));
	if (gw_endpoint(instance, which, ep, sizeof(ep)) < 0 || gw_socket_path(instance, which, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "run directory path too long");
		zmq_close(s);
		return NULL;
	}
	if (bind) {
		unlink(path);
		if (zmq_bind(s, ep) < 0) {
			snprintf(err, errlen, "bind %s: %s", ep, zmq_strerror(zmq_errno()));
			zmq_close(s);
			return NULL;
		}
		chmod(path, 0660);
		snprintf(bound, 256, "%s", path);
	} else if (zmq_connect(s, ep) < 0) {
		snprintf(err, errlen, "connect %s: %s", ep, zmq_strerror(zmq_errno()));
		zmq_close(s);
		return NULL;
	}
	return s;
}

static int ctl_pending(void *s)
{
	uint32_t ev = 0;
	size_t sz = sizeof(ev);

	return zmq_getsockopt(s, ZMQ_EVENTS, &ev, &sz) == 0 && (ev & ZMQ_POLLIN);
}

/* ---- the API: Dump{IKEV2_SAS}, SnapshotRequest ---------------------------------- */

struct dump_state {
	const struct ikev2_engine *e;
	bool keys, snapshot;
	uint64_t spi;
	uint32_t cursor, index, next;
	size_t bytes;
	Ipsecgw__V1__Reply *rep;
	size_t cap;
};

static int dump_one(void *arg, const struct ikev2_sa *sa)
{
	struct dump_state *s = arg;
	Ipsecgw__V1__IkeSaDetails *d;

	if (sa->state == IKEV2_SA_DEAD)
		return 0;
	if (s->index++ < s->cursor)
		return 0;
	if (s->spi && ikev2_spi_u64(sa->spi_i) != s->spi && ikev2_spi_u64(sa->spi_r) != s->spi)
		return 0;
	if (s->bytes > CTL_PAGE_BYTES) {
		s->next = s->index - 1;
		return 1;
	}
	if (!(d = ikev2_show_sa(s->e, sa, s->keys, NULL)))
		return 0;
	if (s->rep->n_ike_sas == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		void *p = realloc(s->rep->ike_sas, cap * sizeof(*s->rep->ike_sas));
		if (!p) {
			ikev2_show_free(d);
			return 1;
		}
		s->rep->ike_sas = p;
		s->cap = cap;
	}
	s->bytes += ipsecgw__v1__ike_sa_details__get_packed_size(d) + 8;
	s->rep->ike_sas[s->rep->n_ike_sas++] = d;
	return 0;
}

static void ctl_reply_dump(struct ikev2_ctl *c, Ipsecgw__V1__Reply *rep, bool keys, uint64_t spi,
			   uint32_t cursor, bool snapshot)
{
	struct dump_state s = { .e = c->e, .keys = keys, .spi = spi, .cursor = cursor, .rep = rep,
				.snapshot = snapshot };

	ikev2_engine_foreach(c->e, dump_one, &s);
	if (s.next) {
		rep->has_next_cursor = 1;
		rep->next_cursor = s.next;
	}
	if (snapshot) {
		rep->has_event_seq = 1;
		rep->event_seq = c->seq;
	}
}

static void ctl_reply_fail(Ipsecgw__V1__Reply *rep, Ipsecgw__V1__ErrorCode code, const char *field,
			   const char *msg)
{
	rep->code = code;
	rep->field = (char *)field;
	rep->message = (char *)msg;
}

static void ctl_dump(struct ikev2_ctl *c, const Ipsecgw__V1__Dump *d, Ipsecgw__V1__Reply *rep)
{
	if (d->what != IPSECGW__V1__DUMP__WHAT__IKEV2_SAS) {
		ctl_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, "what",
			       "ipsecgw-ikev2 dumps IKEV2_SAS only; ask the config service for the rest");
		return;
	}
	ctl_reply_dump(c, rep, d->has_with_keys && d->with_keys, d->has_ike_spi ? d->ike_spi : 0,
		       d->has_cursor ? d->cursor : 0, false);
}

static void ctl_snapshot(struct ikev2_ctl *c, const Ipsecgw__V1__SnapshotRequest *m, Ipsecgw__V1__Reply *rep)
{
	ctl_reply_dump(c, rep, false, 0, m->has_cursor ? m->cursor : 0, true);
}

static void ctl_unsupported(Ipsecgw__V1__Reply *rep)
{
	ctl_reply_fail(rep, IPSECGW__V1__ERROR_CODE__INVALID_ARGUMENT, "body",
		       "ipsecgw-ikev2 answers Dump{IKEV2_SAS} and SnapshotRequest; configuration goes to "
		       "the config service");
}

/* The API's dispatch switch. */
static void ctl_dispatch_request(struct ikev2_ctl *c, const gw_env *q, Ipsecgw__V1__Reply *rep)
{
	switch (q->body_case) {
	case IPSECGW__V1__ENVELOPE__BODY_DUMP: ctl_dump(c, q->dump, rep); break;
	case IPSECGW__V1__ENVELOPE__BODY_SNAPSHOT: ctl_snapshot(c, q->snapshot, rep); break;
	default: ctl_unsupported(rep); break;
	}
}

static void ctl_send_frames(void *s, const void *id, size_t idlen, int delim, const void *p, size_t n)
{
	if (zmq_send(s, id, idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    (delim && zmq_send(s, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) || zmq_send(s, p, n, ZMQ_DONTWAIT) < 0)
		gw_debug("reply dropped: %s", zmq_strerror(zmq_errno()));
}

static int ctl_router_one(struct ikev2_ctl *c)
{
	zmq_msg_t f[CTL_MAX_FRAMES];
	Ipsecgw__V1__Reply rep = IPSECGW__V1__REPLY__INIT;
	gw_env out = IPSECGW__V1__ENVELOPE__INIT, *q = NULL;
	int n = 0, more, delim;
	uint8_t *buf;
	size_t len;

	do {
		zmq_msg_t junk, *m = n < CTL_MAX_FRAMES ? &f[n] : &junk;
		zmq_msg_init(m);
		if (zmq_msg_recv(m, c->router, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(m);
			for (int k = 0; k < n; k++)
				zmq_msg_close(&f[k]);
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &junk)
			zmq_msg_close(m);
		else
			n++;
	} while (more);
	delim = n == 3 && zmq_msg_size(&f[1]) == 0;
	rep.code = IPSECGW__V1__ERROR_CODE__OK;
	if (n < 2 || zmq_msg_size(&f[n - 1]) > GW_MAX_MSG ||
	    !(q = msg_decode(zmq_msg_data(&f[n - 1]), zmq_msg_size(&f[n - 1]))))
		ctl_reply_fail(&rep, IPSECGW__V1__ERROR_CODE__MALFORMED, "envelope", "not an Envelope");
	else if (q->api_version != GW_API_VERSION)
		ctl_reply_fail(&rep, IPSECGW__V1__ERROR_CODE__UNSUPPORTED_VERSION, "api_version", "api version 1 only");
	else
		ctl_dispatch_request(c, q, &rep);
	out.api_version = GW_API_VERSION;
	out.request_id = q ? q->request_id : 0;
	out.body_case = IPSECGW__V1__ENVELOPE__BODY_REPLY;
	out.reply = &rep;
	len = ipsecgw__v1__envelope__get_packed_size(&out);
	if ((buf = malloc(len))) {
		ipsecgw__v1__envelope__pack(&out, buf);
		ctl_send_frames(c->router, zmq_msg_data(&f[0]), zmq_msg_size(&f[0]), delim, buf, len);
		OPENSSL_cleanse(buf, len); /* a dump with keys */
		free(buf);
	}
	for (size_t i = 0; i < rep.n_ike_sas; i++)
		ikev2_show_free(rep.ike_sas[i]);
	free(rep.ike_sas);
	msg_free(q);
	for (int k = 0; k < n; k++)
		zmq_msg_close(&f[k]);
	return 0;
}

static void ctl_router_drain(struct ikev2_ctl *c)
{
	for (int k = 0; k < CTL_BATCH && ctl_pending(c->router); k++)
		ctl_router_one(c);
}

/* ---- the config service's events ---------------------------------------------------- */

static void ctl_config_event(struct ikev2_ctl *c, const Ipsecgw__V1__Event *ev)
{
	if (ev->initiate)
		c->initiate(c->arg, ev->initiate);
	else if (ev->object == IPSECGW__V1__EVENT__OBJECT__GLOBAL && c->global)
		c->global(c->arg);
}

/* The event bus's dispatch switch. */
static void ctl_dispatch_event(struct ikev2_ctl *c, const gw_env *m)
{
	switch (m->body_case) {
	case IPSECGW__V1__ENVELOPE__BODY_EVENT: ctl_config_event(c, m->event); break;
	default: break;
	}
}

static void ctl_sub_drain(struct ikev2_ctl *c)
{
	for (int k = 0; k < CTL_BATCH && ctl_pending(c->sub); k++) {
		int rc;
		gw_env *m = msg_recv(c->sub, ZMQ_DONTWAIT, &rc);
		if (!m)
			continue;
		ctl_dispatch_event(c, m);
		msg_free(m);
	}
}

static void ctl_on_router(uv_poll_t *h, int status, int events)
{
	(void)status, (void)events;
	ctl_router_drain(h->data);
}

static void ctl_on_sub(uv_poll_t *h, int status, int events)
{
	struct ikev2_ctl *c = h->data;

	(void)status, (void)events;
	ctl_sub_drain(c);
	ctl_router_drain(c);
}

struct ikev2_ctl *ikev2_ctl_open(uv_loop_t *loop, const char *instance, struct ikev2_engine *e,
				 ikev2_ctl_initiate_fn *initiate, ikev2_ctl_global_fn *global, void *arg,
				 char *err, size_t errlen)
{
	struct ikev2_ctl *c = calloc(1, sizeof(*c));
	int fd;
	size_t sz = sizeof(fd);

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->e = e;
	c->global = global;
	c->initiate = initiate;
	c->arg = arg;
	if (!(c->zctx = zmq_ctx_new()) ||
	    !(c->router = ctl_socket(c, ZMQ_ROUTER, instance, "ikev2", 1, err, errlen, c->paths[0])) ||
	    !(c->pub = ctl_socket(c, ZMQ_PUB, instance, "ikev2-events", 1, err, errlen, c->paths[1])) ||
	    !(c->sub = ctl_socket(c, ZMQ_SUB, instance, "events", 0, err, errlen, NULL)))
		goto fail;
	zmq_setsockopt(c->sub, ZMQ_SUBSCRIBE, "", 0);
	zmq_getsockopt(c->router, ZMQ_FD, &fd, &sz);
	uv_poll_init(loop, &c->prouter, fd);
	sz = sizeof(fd);
	zmq_getsockopt(c->sub, ZMQ_FD, &fd, &sz);
	uv_poll_init(loop, &c->psub, fd);
	c->prouter.data = c->psub.data = c;
	uv_poll_start(&c->prouter, UV_READABLE, ctl_on_router);
	uv_poll_start(&c->psub, UV_READABLE, ctl_on_sub);
	ctl_router_drain(c);
	ctl_sub_drain(c);
	return c;
fail:
	if (c->router)
		zmq_close(c->router);
	if (c->pub)
		zmq_close(c->pub);
	if (c->zctx)
		zmq_ctx_term(c->zctx);
	free(c);
	return NULL;
}

static void ctl_on_closed(uv_handle_t *h)
{
	struct ikev2_ctl *c = h->data;

	if (--c->closing == 0) {
		zmq_close(c->router);
		zmq_close(c->pub);
		zmq_close(c->sub);
		zmq_ctx_term(c->zctx);
		for (int i = 0; i < 2; i++)
			if (c->paths[i][0])
				unlink(c->paths[i]);
		free(c);
	}
}

void ikev2_ctl_close(struct ikev2_ctl *c)
{
	if (!c)
		return;
	c->closing = 2;
	uv_poll_stop(&c->prouter);
	uv_poll_stop(&c->psub);
	uv_close((uv_handle_t *)&c->prouter, ctl_on_closed);
	uv_close((uv_handle_t *)&c->psub, ctl_on_closed);
}

void ikev2_ctl_event(struct ikev2_ctl *c, enum ikev2_event_kind k, const struct ikev2_sa *sa,
		     const struct ikev2_child *ch)
{
	static const Ipsecgw__V1__Event__Kind kinds[] = {
		[IKEV2_EV_UP] = IPSECGW__V1__EVENT__KIND__ADDED,
		[IKEV2_EV_DOWN] = IPSECGW__V1__EVENT__KIND__DELETED,
		[IKEV2_EV_REKEYED] = IPSECGW__V1__EVENT__KIND__CHANGED,
	};
	Ipsecgw__V1__Event ev = IPSECGW__V1__EVENT__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	char name[40];

	if (!c)
		return;
	ev.seq = ++c->seq;
	ev.generation = 0;
	ev.kind = kinds[k];
	ev.object = ch ? IPSECGW__V1__EVENT__OBJECT__CHILD_SA : IPSECGW__V1__EVENT__OBJECT__IKE_SA;
	ev.name = (char *)ikev2_sa_name(sa, name, sizeof(name));
	ev.ike_sa = ikev2_show_sa(c->e, sa, false, ch);
	if (ch && ev.ike_sa && !ev.ike_sa->n_children) {
		/* A child going down is already unlinked: describe it alone. */
		ikev2_show_free(ev.ike_sa);
		ev.ike_sa = NULL;
	}
	env.api_version = GW_API_VERSION;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_EVENT;
	env.event = &ev;
	if (msg_send(c->pub, &env, ZMQ_DONTWAIT) < 0)
		gw_debug("IKE event %llu not published", (unsigned long long)ev.seq);
	ikev2_show_free(ev.ike_sa);
	ctl_router_drain(c);
}

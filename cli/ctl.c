#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "dp_client.h"
#include "grammar.h"
#include "instance.h"
#include "pbjson.h"
#include "req.h"
#include "show.h"

const char ctl_exit_help[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  other error (a file that cannot be read, out of memory)\n"
	"  2  usage error: bad option, or a command that does not parse\n"
	"  3  rejected by the config service (the error code name and message are printed)\n"
	"  4  config service unreachable: its socket is missing or it did not answer in time\n";

static void ctl_errf(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ctl_errf(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->err, "ipsecctl: %s", c->where);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
}

void ctl_init(struct ctl *c, const char *instance)
{
	memset(c, 0, sizeof(*c));
	c->instance = instance;
	c->timeout_ms = 5000;
	c->out = stdout;
	c->err = stderr;
}

void ctl_fini(struct ctl *c)
{
	if (c->connected)
		gw_client_close(&c->client);
	c->connected = false;
}

static void ctl_emit(void *ctx, const char *text)
{
	fprintf(ctx, "%s\n", text);
}

static void ctl_print_json(struct ctl *c, json_t *j)
{
	if (!j)
		return;
	json_dumpf(j, c->out, JSON_INDENT(2));
	fputc('\n', c->out);
	json_decref(j);
}

static void ctl_print_request(struct ctl *c, const gw_env *req)
{
	json_t *j = pbjson_request(&req->base, c->keys ? PBJSON_KEYS : 0);

	if (c->json) {
		ctl_print_json(c, j);
	} else if (j) {
		pbjson_text(c->out, j, 0);
		json_decref(j);
	}
}

static int ctl_connect(struct ctl *c)
{
	char path[256];
	int rc;

	if (c->connected)
		return 0;
	if (gw_socket_path(c->instance, "config", path, sizeof(path)) < 0) {
		ctl_errf(c, "instance '%s': runtime directory path too long", c->instance);
		return CTL_UNREACHABLE;
	}
	rc = gw_client_open(&c->client, c->instance, c->timeout_ms);
	if (rc == -ENOENT) {
		ctl_errf(c, "instance '%s' is not running: no config socket %s", c->instance, path);
		return CTL_UNREACHABLE;
	}
	if (rc < 0) {
		ctl_errf(c, "instance '%s': cannot connect to %s: %s", c->instance, path, strerror(-rc));
		return CTL_UNREACHABLE;
	}
	c->connected = true;
	return 0;
}

/* Send REQ; on success *rep is the reply envelope (caller frees). */
static int ctl_call(struct ctl *c, gw_env *req, gw_env **rep)
{
	char path[256] = "";
	int rc = ctl_connect(c);

	*rep = NULL;
	if (rc)
		return rc;
	*rep = gw_client_call(&c->client, req, &rc);
	if (*rep)
		return 0;
	gw_socket_path(c->instance, "config", path, sizeof(path));
	if (rc == -ETIMEDOUT || rc == -EAGAIN)
		ctl_errf(c, "instance '%s' did not answer within %d ms (%s)", c->instance, c->timeout_ms, path);
	else
		ctl_errf(c, "instance '%s': %s (%s)", c->instance, strerror(-rc), path);
	/* a reply may still be on its way: start afresh next time */
	ctl_fini(c);
	return CTL_UNREACHABLE;
}

static int ctl_rejected(struct ctl *c, const Ipsecgw__V1__Reply *r)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(&ipsecgw__v1__error_code__descriptor, r->code);

	ctl_errf(c, "%s: %s", ev ? ev->name : "ERROR",
		 r->message ? r->message : r->field ? r->field : "request rejected");
	return CTL_REJECTED;
}

static int ctl_request(struct ctl *c, gw_env *req)
{
	gw_env *rep;
	int rc;

	if (c->dry_run) {
		ctl_print_request(c, req);
		return CTL_OK;
	}
	if ((rc = ctl_call(c, req, &rep)))
		return rc;
	if (rep->reply->code != IPSECGW__V1__ERROR_CODE__OK)
		rc = ctl_rejected(c, rep->reply);
	else if (rep->reply->created_name)
		fprintf(c->out, "%s\n", rep->reply->created_name);
	msg_free(rep);
	return rc;
}

/* Dumps come in pages (Reply.next_cursor). The merged reply is a shallow
 * copy of the first page whose repeated fields are arrays of its own,
 * borrowing the items of every page; ctl_pages_free releases it all. */
struct ctl_pages {
	gw_env *page[64];
	int n;
	Ipsecgw__V1__Reply *merged;
};

static void ctl_pages_free(struct ctl_pages *p)
{
	const ProtobufCMessageDescriptor *d = &ipsecgw__v1__reply__descriptor;

	if (p->merged) {
		for (unsigned i = 0; i < d->n_fields; i++)
			if (d->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
				free(*(void **)((char *)p->merged + d->fields[i].offset));
		free(p->merged);
	}
	for (int i = 0; i < p->n; i++)
		msg_free(p->page[i]);
	memset(p, 0, sizeof(*p));
}

/* Append the repeated items of R to the merged reply: 0 or -1 (no memory). */
static int ctl_pages_add(struct ctl_pages *p, const Ipsecgw__V1__Reply *r)
{
	const ProtobufCMessageDescriptor *d = &ipsecgw__v1__reply__descriptor;
	bool first = !p->merged;

	if (first) {
		if (!(p->merged = malloc(sizeof(*p->merged))))
			return -1;
		memcpy(p->merged, r, sizeof(*r));
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		size_t *n, add;
		void ***arr, **grown;
		void *const *items;

		if (fd->label != PROTOBUF_C_LABEL_REPEATED)
			continue;
		n = (size_t *)((char *)p->merged + fd->quantifier_offset);
		arr = (void ***)((char *)p->merged + fd->offset);
		add = *(const size_t *)((const char *)r + fd->quantifier_offset);
		items = *(void *const *const *)((const char *)r + fd->offset);
		if (first)
			*n = 0, *arr = NULL;
		if (add == 0)
			continue;
		/* only message lists are dumped in pages; scalars would not be pointers */
		if (fd->type != PROTOBUF_C_TYPE_MESSAGE && fd->type != PROTOBUF_C_TYPE_STRING)
			continue;
		if (!(grown = realloc(*arr, (*n + add) * sizeof(void *))))
			return -1;
		memcpy(grown + *n, items, add * sizeof(void *));
		*arr = grown;
		*n += add;
	}
	return 0;
}

/* Run dump WHAT of show S through all its pages into P. */
static int ctl_dump(struct ctl *c, const struct cli_show *s, int what, struct ctl_pages *p)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		uint32_t cursor = 0;
		bool more = true;

		while (more) {
			Ipsecgw__V1__Envelope env = IPSECGW__V1__ENVELOPE__INIT;
			Ipsecgw__V1__Dump dump = IPSECGW__V1__DUMP__INIT;
			const Ipsecgw__V1__Reply *r;
			int rc;

			show_dump_request(s, what, c->keys, &dump);
			if (cursor)
				dump.has_cursor = 1, dump.cursor = cursor;
			env.body_case = IPSECGW__V1__ENVELOPE__BODY_DUMP;
			env.dump = &dump;
			if (c->dry_run) {
				ctl_print_request(c, &env);
				return CTL_OK;
			}
			if (p->n == (int)(sizeof(p->page) / sizeof(p->page[0]))) {
				ctl_errf(c, "a dump of more than %d pages", p->n);
				return CTL_ERROR;
			}
			if ((rc = ctl_call(c, &env, &p->page[p->n])))
				return rc;
			r = p->page[p->n++]->reply;
			if (r->code != IPSECGW__V1__ERROR_CODE__OK)
				return ctl_rejected(c, r);
			if (p->merged && p->merged->generation != r->generation)
				break; /* changed under us: start again */
			if (ctl_pages_add(p, r) < 0) {
				ctl_errf(c, "out of memory");
				return CTL_ERROR;
			}
			more = r->has_next_cursor && r->next_cursor;
			cursor = more ? r->next_cursor : 0;
		}
		if (!more)
			return CTL_OK;
		ctl_pages_free(p);
	}
	ctl_errf(c, "the configuration kept changing during the dump; try again");
	return CTL_ERROR;
}

/* show ikev2 sa: the IKE SAs live in ipsecgw-ikev2, which serves the same
 * paged Dump on its own socket (RUNDIR/ikev2.sock). */
static int ctl_show_ikesa(struct ctl *c, const struct cli_show *s)
{
	Ipsecgw__V1__Dump dump = IPSECGW__V1__DUMP__INIT;
	gw_env req = IPSECGW__V1__ENVELOPE__INIT, *rep = NULL;
	bool details = s->view == CLI_VIEW_IKEV2_SA_DETAILS;
	json_t *all = c->json ? json_array() : NULL;
	struct gw_client ike;
	int rc;

	if (c->dry_run) {
		fprintf(c->out, "show ikev2 sa (no request: served by ipsecgw-ikev2)\n");
		return CTL_OK;
	}
	if ((rc = gw_client_open_sock(&ike, c->instance, "ikev2", c->timeout_ms)) < 0) {
		json_decref(all);
		ctl_errf(c, "UNAVAILABLE: ipsecgw-ikev2 is not running for instance '%s' (%s)", c->instance,
			 strerror(-rc));
		return CTL_REJECTED;
	}
	dump.what = IPSECGW__V1__DUMP__WHAT__IKEV2_SAS;
	dump.has_with_keys = 1;
	dump.with_keys = c->keys;
	req.body_case = IPSECGW__V1__ENVELOPE__BODY_DUMP;
	req.dump = &dump;
	rc = CTL_OK;
	for (;;) {
		int e;

		if (!(rep = gw_client_call(&ike, &req, &e))) {
			ctl_errf(c, "ipsecgw-ikev2 of instance '%s' did not answer: %s", c->instance, strerror(-e));
			rc = CTL_UNREACHABLE;
			break;
		}
		if (rep->reply->code != IPSECGW__V1__ERROR_CODE__OK) {
			rc = ctl_rejected(c, rep->reply);
			break;
		}
		if (all)
			for (size_t i = 0; i < rep->reply->n_ike_sas; i++)
				json_array_append_new(all, pbjson_message(&rep->reply->ike_sas[i]->base,
									  c->keys ? PBJSON_KEYS : 0));
		else
			show_ikesa_text(c->out, rep->reply, details, c->keys);
		if (!rep->reply->has_next_cursor)
			break;
		dump.has_cursor = 1;
		dump.cursor = rep->reply->next_cursor;
		msg_free(rep);
		rep = NULL;
	}
	msg_free(rep);
	gw_client_close(&ike);
	if (all && rc == CTL_OK)
		ctl_print_json(c, all);
	else
		json_decref(all);
	return rc;
}

static int ctl_show(struct ctl *c, const struct cli_show *s)
{
	unsigned mask = show_dumps(s->view);
	struct ctl_pages pages[SHOW_NDUMP];
	struct show_data d = { .r = { NULL } };
	char err[200];
	int rc = CTL_OK;

	if (s->view == CLI_VIEW_IKEV2_SA || s->view == CLI_VIEW_IKEV2_SA_DETAILS)
		return ctl_show_ikesa(c, s);
	memset(pages, 0, sizeof(pages));
	for (int w = 0; w < SHOW_NDUMP && rc == CTL_OK; w++) {
		if (!(mask & (1u << w)))
			continue;
		rc = ctl_dump(c, s, w, &pages[w]);
		d.r[w] = pages[w].merged;
	}
	if (rc == CTL_OK && !c->dry_run) {
		if (show_check(s, &d, err, sizeof(err)) < 0) {
			ctl_errf(c, "NOT_FOUND: %s", err);
			rc = CTL_REJECTED;
		} else if (c->json) {
			ctl_print_json(c, show_json(s, &d, c->keys));
		} else {
			show_text(c->out, s, &d, c->keys);
		}
	}
	for (int w = 0; w < SHOW_NDUMP; w++)
		ctl_pages_free(&pages[w]);
	return rc;
}

static int ctl_help(struct ctl *c, const struct cli_line *l)
{
	if (l->complete) {
		if (grammar_complete(l->arg, ctl_emit, c->out) == 0) {
			ctl_errf(c, "nothing can follow '%s'", l->arg);
			return CTL_USAGE;
		}
		return CTL_OK;
	}
	if (grammar_help(l->arg, ctl_emit, c->out) == 0) {
		ctl_errf(c, "no command starts with '%s'", l->arg);
		return CTL_USAGE;
	}
	if (!l->arg[0])
		fprintf(c->out, "\n'help WORDS' shows the commands that start with WORDS; in interactive mode\n"
				"'?' lists what may follow the words typed so far.\n");
	return CTL_OK;
}

/* ping is served by the dataplane (its dataplane.sock), not the config
 * service: dp_client_ping_run prints the replies as they come. */
static int ctl_ping(struct ctl *c, const struct cli_ping *p)
{
	char err[300] = "";
	int rc;

	if (c->dry_run) {
		fprintf(c->out, "ping (no request: needs the dataplane)\n");
		return CTL_OK;
	}
	rc = dp_client_ping_run(c->out, c->instance, p->addr, p->addr_len, p->source, p->repeat, p->size, err,
				sizeof(err));
	if (rc == -ENOENT) {
		ctl_errf(c, "UNAVAILABLE: the dataplane is not running (%s)", err);
		return CTL_REJECTED;
	}
	if (rc < 0) {
		ctl_errf(c, "%s", err);
		return rc == -EREMOTEIO ? CTL_REJECTED : CTL_UNREACHABLE;
	}
	return CTL_OK;
}

int ctl_line(struct ctl *c, const char *line, bool *quit)
{
	struct cli_line l;
	char err[512];
	int rc = CTL_OK;

	if (grammar_parse(line, &l, err, sizeof(err)) < 0) {
		ctl_errf(c, "%s", err);
		return CTL_USAGE;
	}
	switch (l.kind) {
	case CLI_EMPTY: break;
	case CLI_QUIT: *quit = true; break;
	case CLI_HELP: rc = ctl_help(c, &l); break;
	case CLI_EXEC: rc = ctl_file(c, l.arg); break;
	case CLI_PING: rc = ctl_ping(c, &l.ping); break;
	case CLI_REQUEST: rc = ctl_request(c, l.req); break;
	case CLI_SHOW: rc = ctl_show(c, &l.show); break;
	}
	grammar_line_free(&l);
	fflush(c->out);
	return rc;
}

/* Configuration lines of a file go to the service in batches (one round
 * trip for up to CTL_BATCH_MAX lines); the service applies them in order
 * and stops at the first it rejects, so the file still stops at its first
 * error, reported with that line's FILE:LINE. Any other line (show, ping,
 * exec, ...) and a parse error first flush the lines before it. */
#define CTL_BATCH_MAX 64

struct ctl_batch {
	gw_env *req[CTL_BATCH_MAX];  /* adopted */
	unsigned line[CTL_BATCH_MAX];
	unsigned n;
};

static void ctl_batch_clear(struct ctl_batch *b)
{
	for (unsigned i = 0; i < b->n; i++)
		req_free(b->req[i]);
	b->n = 0;
}

static int ctl_batch_flush(struct ctl *c, struct ctl_batch *b, const char *name)
{
	Ipsecgw__V1__Batch batch = IPSECGW__V1__BATCH__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT, *rep;
	const Ipsecgw__V1__Reply *r;
	int rc;

	if (b->n == 0)
		return CTL_OK;
	for (unsigned i = 0; i < b->n; i++) {
		b->req[i]->api_version = GW_API_VERSION;
		b->req[i]->request_id = i + 1;
	}
	batch.n_requests = b->n;
	batch.requests = b->req;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_BATCH;
	env.batch = &batch;
	snprintf(c->where, sizeof(c->where), "%s:%u-%u: ", name, b->line[0], b->line[b->n - 1]);
	rc = ctl_call(c, &env, &rep);
	if (rc) {
		ctl_batch_clear(b);
		return rc;
	}
	r = rep->reply;
	for (size_t i = 0; i < r->n_results && i < b->n; i++) {
		const Ipsecgw__V1__Reply *ri = r->results[i];

		snprintf(c->where, sizeof(c->where), "%s:%u: ", name, b->line[i]);
		if (ri->code != IPSECGW__V1__ERROR_CODE__OK) {
			rc = ctl_rejected(c, ri);
			break;
		}
		if (ri->created_name)
			fprintf(c->out, "%s\n", ri->created_name);
	}
	if (!rc && r->code != IPSECGW__V1__ERROR_CODE__OK)
		rc = ctl_rejected(c, r); /* the batch itself was refused */
	msg_free(rep);
	ctl_batch_clear(b);
	return rc;
}

int ctl_stream(struct ctl *c, FILE *in, const char *name)
{
	char saved[sizeof(c->where)], err[512];
	struct ctl_batch b = { .n = 0 };
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = CTL_OK;
	bool quit = false;

	memcpy(saved, c->where, sizeof(saved));
	while (!quit && getline(&line, &cap, in) >= 0) {
		struct cli_line l;

		lineno++;
		if (!c->dry_run) {
			int parsed = grammar_parse(line, &l, err, sizeof(err)) == 0;

			if (parsed && l.kind == CLI_REQUEST) {
				b.req[b.n] = l.req;
				b.line[b.n++] = lineno;
				l.req = NULL;
				grammar_line_free(&l);
				if (b.n == CTL_BATCH_MAX && (rc = ctl_batch_flush(c, &b, name)) != CTL_OK)
					break;
				continue;
			}
			if (parsed)
				grammar_line_free(&l);
			if ((rc = ctl_batch_flush(c, &b, name)) != CTL_OK)
				break;
		}
		snprintf(c->where, sizeof(c->where), "%s:%u: ", name, lineno);
		rc = ctl_line(c, line, &quit);
		if (rc != CTL_OK)
			break;
	}
	if (rc == CTL_OK)
		rc = ctl_batch_flush(c, &b, name);
	ctl_batch_clear(&b);
	if (line)
		explicit_bzero(line, cap);
	free(line);
	memcpy(c->where, saved, sizeof(saved));
	return rc;
}

int ctl_file(struct ctl *c, const char *path)
{
	FILE *f;
	int rc;

	if (c->depth >= CTL_MAX_DEPTH) {
		ctl_errf(c, "exec: nested more than %d deep at '%s'", CTL_MAX_DEPTH, path);
		return CTL_ERROR;
	}
	f = fopen(path, "r");
	if (!f) {
		ctl_errf(c, "cannot open '%s': %s", path, strerror(errno));
		return CTL_ERROR;
	}
	c->depth++;
	rc = ctl_stream(c, f, path);
	c->depth--;
	fclose(f);
	return rc;
}

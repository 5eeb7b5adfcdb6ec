/* The service as a process: command line, runtime directory, sockets and
 * their permissions, the process table, the startup file (applied on a
 * fresh region only, a bad line stops the start), --reset, one service per
 * instance, a clean SIGTERM, and the wire rules of the ROUTER socket. */
#include <zmq.h>

#include "cfg_test.h"

static char logfile[128];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static int run_to_exit(const char *instance, const char *const *extra)
{
	pid_t pid = t_svc_start(instance, logfile, extra);
	int st;

	CHECK(t_svc_reap(pid, &st, 0) == pid, "waitpid");
	return st;
}

static gw_env *call(struct gw_client *cl, gw_env *req)
{
	int rc;
	gw_env *rep = t_rpc(cl, req, &rc);

	CHECK(rep, "call: %d", rc);
	return rep;
}

static int count_ifc(struct gw_client *cl, const char *name)
{
	gw_env *rep = call(cl, r_dump(IPSECGW__V1__DUMP__WHAT__INTERFACES, 0, 0, 0, 0, 0));
	int n = 0;

	for (size_t k = 0; k < rep->reply->n_interfaces; k++)
		n += !name || strcmp(rep->reply->interfaces[k]->name, name) == 0;
	msg_free(rep);
	return n;
}

/* Raw frames to the ROUTER; the reply envelope (a REQ socket adds and
 * strips the empty delimiter itself). */
static gw_env *raw(void *zctx, int type, const void *const *frames, const size_t *lens, int n)
{
	char ep[300];
	void *s = zmq_socket(zctx, type);
	zmq_pollitem_t pi = { .socket = s, .events = ZMQ_POLLIN };
	int linger = 0, rc;
	gw_env *rep;

	CHECK(gw_endpoint("svc", "config", ep, sizeof(ep)) == 0 && zmq_connect(s, ep) == 0, "connect");
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	for (int k = 0; k < n; k++)
		CHECK(zmq_send(s, frames[k], lens[k], k + 1 < n ? ZMQ_SNDMORE : 0) >= 0, "send");
	CHECK(zmq_poll(&pi, 1, 3000) == 1, "no reply");
	rep = msg_recv(s, 0, &rc);
	CHECK(rep && rep->body_case == B(REPLY), "reply: %d", rc);
	zmq_close(s);
	return rep;
}

static size_t pack(gw_env *e, uint8_t *buf)
{
	size_t n = ipsecgw__v1__envelope__pack(e, buf);

	msg_free(e);
	return n;
}

static void test_wire(void)
{
	void *zctx = zmq_ctx_new();
	uint8_t buf[512], *big;
	const void *fr[2];
	size_t len[2];
	gw_env *rep, *e;

	/* A REQ client (empty delimiter) is served like a DEALER one. */
	e = r_dump(IPSECGW__V1__DUMP__WHAT__ERRORS, 0, 0, 0, 0, 0);
	e->request_id = 4242;
	fr[0] = buf;
	len[0] = pack(e, buf);
	rep = raw(zctx, ZMQ_REQ, fr, len, 1);
	CHECK(rep->request_id == 4242 && rep->reply->code == EC(OK) && rep->reply->n_errors == SHM_DROP_N, "REQ client");
	msg_free(rep);

	/* Bytes that are no Envelope. */
	fr[0] = "\xff\xff\xff\xff not protobuf";
	len[0] = 17;
	rep = raw(zctx, ZMQ_DEALER, fr, len, 1);
	CHECK(rep->request_id == 0 && rep->reply->code == EC(MALFORMED) && strcmp(rep->reply->field, "envelope") == 0,
	      "garbage: %d", rep->reply->code);
	msg_free(rep);

	/* Over GW_MAX_MSG. */
	big = calloc(1, GW_MAX_MSG + 1);
	fr[0] = big;
	len[0] = GW_MAX_MSG + 1;
	rep = raw(zctx, ZMQ_DEALER, fr, len, 1);
	CHECK(rep->request_id == 0 && rep->reply->code == EC(MALFORMED) && strstr(rep->reply->message, "over the limit"),
	      "oversize");
	msg_free(rep);
	free(big);

	/* Two payload frames. */
	e = r_spd(9, 0);
	len[0] = len[1] = pack(e, buf);
	fr[0] = fr[1] = buf;
	rep = raw(zctx, ZMQ_DEALER, fr, len, 2);
	CHECK(rep->reply->code == EC(MALFORMED) && strstr(rep->reply->message, "one frame"), "two frames");
	msg_free(rep);

	/* Another API version: refused, request_id echoed. */
	e = r_spd(9, 0);
	e->api_version = 9;
	e->request_id = 77;
	fr[0] = buf;
	len[0] = pack(e, buf);
	rep = raw(zctx, ZMQ_DEALER, fr, len, 1);
	CHECK(rep->request_id == 77 && rep->reply->code == EC(UNSUPPORTED_VERSION), "version");
	msg_free(rep);

	/* A reply is not a request. */
	e = t_env(B(REPLY), NEWMSG(Ipsecgw__V1__Reply, ipsecgw__v1__reply__init));
	e->request_id = 78;
	len[0] = pack(e, buf);
	rep = raw(zctx, ZMQ_DEALER, fr, len, 1);
	CHECK(rep->request_id == 78 && rep->reply->code == EC(MALFORMED), "reply as request");
	msg_free(rep);
	zmq_ctx_term(zctx);
}

int main(void)
{
	char startup[160], bad[160], path[256], err[256];
	const char *args_startup[] = { "--startup", startup, NULL };
	struct shm_region r;
	struct gw_client cl;
	struct stat st;
	pid_t pid;
	int status;

	t_dirs();
	snprintf(logfile, sizeof(logfile), "%s/config.log", t_rundir);
	snprintf(startup, sizeof(startup), "%s/startup.conf", t_rundir);
	snprintf(bad, sizeof(bad), "%s/startup.bad", t_rundir);

	/* Command line errors: exit 2, nothing started. */
	CHECK(WEXITSTATUS(run_to_exit("svc", (const char *const[]){ "--bogus", NULL })) == 2, "unknown option");
	CHECK(WEXITSTATUS(run_to_exit("svc", (const char *const[]){ "--log-level", "9", NULL })) == 2, "log level");
	CHECK(WEXITSTATUS(run_to_exit("bad/name", NULL)) == 2, "instance name");

	write_file(startup, "# ports and the rest, as VPP's startup config\n"
			    "dpdk vdev net_null0 name wan0\n"
			    "\n"
			    "loopback create\n"
			    "set interface state loop0 up\n"
			    "set interface ip address loop0 192.0.2.1/24\n"
			    "show interface\n"
			    "ipsec spd add 1\n");
	pid = t_svc_start("svc", logfile, args_startup);
	CHECK(t_svc_wait("svc", pid, NULL) == 0, "start; see %s", logfile);
	CHECK(t_file_has(logfile, "5 requests applied"), "startup file applied");

	/* Runtime directory 0750, sockets 0660. */
	snprintf(path, sizeof(path), "%s/svc", t_rundir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0750, "rundir mode %o", st.st_mode & 07777);
	snprintf(path, sizeof(path), "%s/svc/config.sock", t_rundir);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0660, "config.sock mode %o",
	      st.st_mode & 0777);
	snprintf(path, sizeof(path), "%s/svc/events.sock", t_rundir);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0660, "events.sock mode");

	/* The process table. */
	CHECK(shm_region_attach(&r, "svc", 0, err, sizeof(err)) == 0, "%s", err);
	CHECK(atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].pid) == pid && atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].ready) == 1,
	      "procs[config]");
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t started = atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].started_ns);
	int64_t age = (int64_t)((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec - started);
	CHECK(started > 0 && age >= 0 && age < 60000000000ll, "started_ns %llu", (unsigned long long)started);
	shm_region_detach(&r);

	/* One service per instance. */
	CHECK(WEXITSTATUS(run_to_exit("svc", NULL)) == 1, "a second copy must not start");
	CHECK(t_file_has(logfile, "another ipsecgw-config serves instance svc"), "second copy's message");

	CHECK(gw_client_open(&cl, "svc", 3000) == 0, "client");
	CHECK(count_ifc(&cl, "wan0") == 1 && count_ifc(&cl, "loop0") == 1 && count_ifc(&cl, NULL) == 2, "startup objects");
	gw_env *rep = call(&cl, r_dump(IPSECGW__V1__DUMP__WHAT__INTERFACES, 0, 0, 0, 0, 0));
	for (size_t k = 0; k < rep->reply->n_interfaces; k++)
		if (strcmp(rep->reply->interfaces[k]->name, "wan0") == 0)
			CHECK(rep->reply->interfaces[k]->kind == IPSECGW__V1__INTERFACE_KIND__PORT &&
			      strcmp(rep->reply->interfaces[k]->devargs, "net_null0") == 0, "port from the startup file");
	msg_free(rep);
	rep = call(&cl, r_sa_cbc(10, 1001));
	CHECK(rep->reply->code == EC(OK), "SA add");
	msg_free(rep);
	test_wire();
	gw_client_close(&cl);

	/* SIGTERM: exit 0, sockets gone, process entry released. */
	status = t_svc_stop(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	snprintf(path, sizeof(path), "%s/svc/config.sock", t_rundir);
	CHECK(access(path, F_OK) != 0, "config.sock left behind");
	CHECK(shm_region_attach(&r, "svc", 0, err, sizeof(err)) == 0, "%s", err);
	CHECK(atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].pid) == 0 && atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].ready) == 0,
	      "procs[config] after stop");
	shm_region_detach(&r);

	/* A restart: the region is the truth, the (changed) startup file is not run. */
	write_file(startup, "dpdk vdev net_null0 name wan0\nloopback create\nloopback create\n");
	pid = t_svc_start("svc", logfile, args_startup);
	CHECK(t_svc_wait("svc", pid, NULL) == 0, "restart");
	CHECK(t_file_has(logfile, "the startup file is not applied again"), "restart log");
	CHECK(gw_client_open(&cl, "svc", 3000) == 0, "client");
	CHECK(count_ifc(&cl, NULL) == 2, "startup file re-run on restart");
	rep = call(&cl, r_dump(IPSECGW__V1__DUMP__WHAT__SAS, 1, 10, 0, 0, 0));
	CHECK(rep->reply->code == EC(OK) && rep->reply->n_sas == 1, "SA 10 survived the restart");
	msg_free(rep);
	gw_client_close(&cl);
	t_svc_stop(pid);

	/* --reset: an empty region, the startup file applied again. */
	const char *args_reset[] = { "--startup", startup, "--reset", NULL };
	pid = t_svc_start("svc", logfile, args_reset);
	CHECK(t_svc_wait("svc", pid, NULL) == 0, "reset start");
	CHECK(gw_client_open(&cl, "svc", 3000) == 0, "client");
	CHECK(count_ifc(&cl, NULL) == 3 && count_ifc(&cl, "loop1") == 1, "startup file after --reset");
	rep = call(&cl, r_dump(IPSECGW__V1__DUMP__WHAT__SAS, 1, 10, 0, 0, 0));
	CHECK(rep->reply->code == EC(NOT_FOUND), "SA 10 gone after --reset");
	msg_free(rep);
	gw_client_close(&cl);
	t_svc_stop(pid);

	/* A bad line: its file:line and reason logged, exit non-zero, nothing served. */
	const char *args_bad[] = { "--startup", bad, NULL };
	write_file(bad, "ipsec spd add 1\nloopback create\nipsec frobnicate 7\nloopback create\n");
	status = run_to_exit("bad", args_bad);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "bad syntax: status %d", status);
	snprintf(err, sizeof(err), "%s:3:", bad);
	CHECK(t_file_has(logfile, err), "log names %s", err);
	snprintf(path, sizeof(path), "%s/bad/config.sock", t_rundir);
	CHECK(access(path, F_OK) != 0, "a failed start left its socket");
	write_file(bad, "ipsec spd add 1\n"
			"ipsec sa add 10 spi 12 esp crypto-alg aes-cbc-128 crypto-key 4a506a794f574265564551694d653768 "
			"integ-alg sha1-96 integ-key 4339314b55523947594d6d3547666b45764e6a58\n");
	status = run_to_exit("bad", args_bad);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "rejected line: status %d", status);
	snprintf(err, sizeof(err), "%s:2: INVALID_ARGUMENT: spi: 12 is in 1..255", bad);
	CHECK(t_file_has(logfile, err), "log names the rejected line: %s", err);
	CHECK(!t_file_has(logfile, "4a506a794f57"), "a key in the log");
	/* A start that failed halfway is started over: SPD 1 once, not "exists". */
	write_file(bad, "ipsec spd add 1\nloopback create\n");
	pid = t_svc_start("bad", logfile, args_bad);
	CHECK(t_svc_wait("bad", pid, NULL) == 0, "fixed startup file");
	CHECK(t_file_has(logfile, "discarding its region and starting over"), "start-over log");
	CHECK(gw_client_open(&cl, "bad", 3000) == 0, "client");
	CHECK(count_ifc(&cl, NULL) == 1, "one loopback after the start-over");
	gw_client_close(&cl);
	t_svc_stop(pid);
	printf("service: ok\n");
	return 0;
}

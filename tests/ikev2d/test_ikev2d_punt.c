/*
 * The real daemon on the dataplane's punt/inject channel, no root needed:
 * ipsecgw-config and ipsecgw-ikev2 (default transport) in a scratch run
 * directory; this test plays the dataplane (it binds RUNDIR/punt.sock) and,
 * behind it, an IKEv2 initiator (an in-process engine) sitting behind a NAT.
 * Checks the framing (PuntPacket addresses and ports, the non-ESP marker on
 * 4500), the installation through the config API (SAs, ipsec0), events on
 * the IKE bus, a restart of the daemon that continues the SA, and a delete.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "check.h"
#include "instance.h"
#include "msg.h"

#define INST "ikpunt"
#define NAT_PORT_SHIFT 1000     /* the NAT maps our ports p to p + 1000 */

static char dir[32], run[48], shm[48];
static pid_t cfg_pid, ike_pid;
static int dp_fd = -1;
static struct t_world W;        /* p[0]: the initiator; p[1] unused */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void cleanup(void)
{
	char cmd[256];

	if (ike_pid > 0)
		kill(ike_pid, SIGKILL);
	if (cfg_pid > 0)
		kill(cfg_pid, SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, shm);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
}

static pid_t spawn(const char *name, const char *const *args)
{
	char bin[512], log[256];
	const char *argv[16] = { bin };
	pid_t pid;
	int n = 1;

	snprintf(bin, sizeof(bin), "%s/%s", getenv("GW_BIN"), name);
	snprintf(log, sizeof(log), "%s/%s.log", dir, name);
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	CHECK((pid = fork()) >= 0, "fork");
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void wait_file(const char *path)
{
	uint64_t end = mono_ms() + 10000;

	while (access(path, F_OK) != 0) {
		CHECK(mono_ms() < end, "%s did not appear", path);
		usleep(20000);
	}
}

/* ---- the dataplane side --------------------------------------------------------------- */

static int dp_send(void *arg, const struct ikev2_path *p, bool natt, const uint8_t *buf, size_t len)
{
	Ipsecgw__V1__PuntPacket k = IPSECGW__V1__PUNT_PACKET__INIT;
	gw_env env = IPSECGW__V1__ENVELOPE__INIT;
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	uint8_t payload[IKEV2_RX_MAX], out[IKEV2_RX_MAX + 256];
	size_t n = 0;

	(void)arg;
	if (natt) {
		memset(payload, 0, 4);
		n = 4;
	}
	memcpy(payload + n, buf, len);
	/* Through the NAT: the daemon sees 203.0.113.9:(port + 1000). */
	k.interface = "wan0";
	k.src = (ProtobufCBinaryData){ 4, (uint8_t[]){ 203, 0, 113, 9 } };
	k.dst = (ProtobufCBinaryData){ 4, (uint8_t *)p->remote.ip };
	k.src_port = (uint32_t)p->local.port + NAT_PORT_SHIFT;
	k.dst_port = p->remote.port;
	k.payload = (ProtobufCBinaryData){ n + len, payload };
	env.api_version = GW_API_VERSION;
	env.body_case = IPSECGW__V1__ENVELOPE__BODY_PUNT;
	env.punt = &k;
	n = ipsecgw__v1__envelope__get_packed_size(&env);
	ipsecgw__v1__envelope__pack(&env, out);
	snprintf(to.sun_path, sizeof(to.sun_path), "%s/%s/ike-punt.sock", run, INST);
	return sendto(dp_fd, out, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

static unsigned injected, with_marker;

/* What the daemon injects: check the framing, undo the NAT, hand it to the initiator. */
static void dp_receive(void)
{
	uint8_t buf[IKEV2_RX_MAX + 512];
	ssize_t n;

	while ((n = recv(dp_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		gw_env *env = msg_decode(buf, (size_t)n);
		const Ipsecgw__V1__PuntPacket *k;
		struct ikev2_path p = { 0 };
		bool natt;

		CHECK(env && env->body_case == IPSECGW__V1__ENVELOPE__BODY_PUNT, "inject is an Envelope{punt}");
		k = env->punt;
		CHECK(k->src.len == 4 && k->dst.len == 4 && !memcmp(k->dst.data, (uint8_t[]){ 203, 0, 113, 9 }, 4) &&
		      !memcmp(k->src.data, (uint8_t[]){ 192, 0, 2, 1 }, 4), "inject addresses");
		natt = k->src_port == IKEV2_PORT_NATT;
		CHECK(k->src_port == (natt ? IKEV2_PORT_NATT : IKEV2_PORT), "inject source port %u", k->src_port);
		injected++;
		if (k->payload.len == 1 && k->payload.data[0] == 0xff) {
			msg_free(env);
			continue; /* a keepalive */
		}
		if (natt) {
			CHECK(k->payload.len > 4 && !memcmp(k->payload.data, "\0\0\0\0", 4), "non-ESP marker");
			with_marker++;
		}
		p.local = W.p[0].addr;
		p.local.port = (uint16_t)(k->dst_port - NAT_PORT_SHIFT);
		p.remote.af = 4;
		memcpy(p.remote.ip, k->src.data, 4);
		p.remote.port = (uint16_t)k->src_port;
		ikev2_engine_input(W.p[0].e, &p, natt, k->payload.data + (natt ? 4 : 0),
				   k->payload.len - (natt ? 4 : 0));
		msg_free(env);
	}
}

static uint64_t w_now(void *arg)
{
	(void)arg;
	return mono_ms();
}

/* Run the initiator and the fake dataplane until cond() or the timeout. */
static bool pump(bool (*cond)(void), unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (mono_ms() < end) {
		struct pollfd pfd = { dp_fd, POLLIN, 0 };
		poll(&pfd, 1, 20);
		dp_receive();
		ikev2_engine_run_timers(W.p[0].e);
		if (cond && cond())
			return true;
	}
	return cond ? cond() : true;
}

static bool a_child_up(void)
{
	struct ikev2_sa *sa = W.p[0].e->first;

	return sa && sa->state == IKEV2_SA_ESTABLISHED && sa->children &&
	       sa->children->state == IKEV2_CHILD_INSTALLED;
}

static bool a_no_sa(void)
{
	return c_n_sa(&W.p[0]) == 0;
}

/* ---- the config service's view -------------------------------------------------------- */

static unsigned config_count(Ipsecgw__V1__Dump__What what)
{
	Ipsecgw__V1__Dump d = IPSECGW__V1__DUMP__INIT;
	gw_env req = IPSECGW__V1__ENVELOPE__INIT, *rep;
	struct gw_client cl;
	unsigned n;
	int rc;

	CHECK(gw_client_open(&cl, INST, 3000) == 0, "config client");
	d.what = what;
	req.body_case = IPSECGW__V1__ENVELOPE__BODY_DUMP;
	req.dump = &d;
	CHECK((rep = gw_client_call(&cl, &req, &rc)), "config dump");
	n = what == IPSECGW__V1__DUMP__WHAT__SAS ? (unsigned)rep->reply->n_sas : (unsigned)rep->reply->n_tunnels;
	msg_free(rep);
	gw_client_close(&cl);
	return n;
}

/* The IKE daemon's own API: Dump{IKEV2_SAS}. */
static Ipsecgw__V1__Reply *ike_dump(gw_env **hold)
{
	char ep[300];
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	Ipsecgw__V1__Dump d = IPSECGW__V1__DUMP__INIT;
	gw_env req = IPSECGW__V1__ENVELOPE__INIT;
	int linger = 0, t = 3000, rc;

	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &t, sizeof(t));
	CHECK(gw_endpoint(INST, "ikev2", ep, sizeof(ep)) == 0 && zmq_connect(s, ep) == 0, "connect");
	d.what = IPSECGW__V1__DUMP__WHAT__IKEV2_SAS;
	req.api_version = GW_API_VERSION;
	req.request_id = 7;
	req.body_case = IPSECGW__V1__ENVELOPE__BODY_DUMP;
	req.dump = &d;
	CHECK(msg_send(s, &req, 0) == 0 && (*hold = msg_recv(s, 0, &rc)), "ikev2 dump: %d", rc);
	zmq_close(s);
	zmq_ctx_term(ctx);
	CHECK((*hold)->request_id == 7 && (*hold)->body_case == IPSECGW__V1__ENVELOPE__BODY_REPLY, "reply");
	return (*hold)->reply;
}

static void start_ikev2(void)
{
	const char *args[] = { "--instance", INST, "--log-level", "7", "--liveness", "0", NULL };
	char sock[256];

	ike_pid = spawn("ipsecgw-ikev2", args);
	snprintf(sock, sizeof(sock), "%s/%s/ike-punt.sock", run, INST);
	wait_file(sock);
	usleep(300000); /* ready after the event subscription settled */
}

int main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char startup[256], sock[256];
	gw_env *hold;
	Ipsecgw__V1__Reply *r;
	FILE *f;
	int st;

	gw_log_init("test_ikev2d_punt", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	CHECK(getenv("GW_BIN"), "GW_BIN (run through ctest)");
	snprintf(dir, sizeof(dir), "/tmp/ikv2-punt-XXXXXX");
	CHECK(mkdtemp(dir), "mkdtemp");
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(shm, sizeof(shm), "/dev/shm/ikv2-punt-%d", (int)getpid());
	mkdir(run, 0700);
	mkdir(shm, 0700);
	setenv("IPSECGW_RUNDIR", run, 1);
	setenv("IPSECGW_SHM_DIR", shm, 1);
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);

	snprintf(startup, sizeof(startup), "%s/startup.cli", dir);
	CHECK((f = fopen(startup, "w")), "startup");
	fprintf(f, "ikev2 profile add pr1\n"
		   "ikev2 profile set pr1 auth shared-key-mic string Vpp123\n"
		   "ikev2 profile set pr1 id local fqdn vpp.home\n"
		   "ikev2 profile set pr1 id remote fqdn roadwarrior.vpn.example.com\n"
		   "ikev2 profile set pr1 traffic-selector local ip-range 203.0.113.0 - 203.0.113.255 port-range 0 - 65535 protocol 0\n"
		   "ikev2 profile set pr1 traffic-selector remote ip-range 198.51.100.0 - 198.51.100.255 port-range 0 - 65535 protocol 0\n");
	fclose(f);
	{
		const char *args[] = { "--instance", INST, "--reset", "--startup", startup, NULL };
		cfg_pid = spawn("ipsecgw-config", args);
	}
	snprintf(sock, sizeof(sock), "%s/%s/config.sock", run, INST);
	wait_file(sock);
	/* The dataplane's end of the channel. */
	CHECK((dp_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0, "socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s/punt.sock", run, INST);
	CHECK(bind(dp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s: %s", sa.sun_path, strerror(errno));
	start_ikev2();

	/* The initiator behind the NAT. */
	t_world_init(&W);
	W.cfg.liveness_s = 0;
	t_addr(&W.p[1].addr, "192.0.2.1");
	t_profile(&W.p[0], "pr1", true, &W.p[1].addr);
	t_peer_start(&W, 0, NULL);
	W.p[0].env.now_ms = w_now;
	{
		static struct ikev2_net_ops ops;
		ops = t_net;
		ops.send = dp_send;
		W.p[0].env.net = &ops;
		ikev2_engine_free(W.p[0].e);
		W.p[0].e = ikev2_engine_new(&W.p[0].env, &W.cfg);
	}
	CHECK(ikev2_engine_initiate(W.p[0].e, "pr1") == 0, "initiate");
	CHECK(pump(a_child_up, 10000), "the IKE SA and its child did not come up through the punt channel");
	CHECK(with_marker >= 1, "no IKE_AUTH on 4500 with the marker");
	CHECK(W.p[0].e->first->nat_local && W.p[0].e->first->natt, "the initiator saw its NAT");
	pump(NULL, 300);
	CHECK(config_count(IPSECGW__V1__DUMP__WHAT__SAS) == 2, "config: 2 SAs");
	CHECK(config_count(IPSECGW__V1__DUMP__WHAT__TUNNELS) == 1, "config: ipsec0");
	r = ike_dump(&hold);
	CHECK(r->n_ike_sas == 1 && r->ike_sas[0]->n_children == 1 && r->ike_sas[0]->nat_remote &&
	      r->ike_sas[0]->children[0]->udp_encap &&
	      !strcmp(r->ike_sas[0]->children[0]->tunnel_interface, "ipsec0") && !r->ike_sas[0]->has_sk_d,
	      "the daemon's dump");
	msg_free(hold);

	/* kill -9 and a new daemon: the same SA goes on (a rekey from the initiator). */
	kill(ike_pid, SIGKILL);
	waitpid(ike_pid, &st, 0);
	start_ikev2();
	r = ike_dump(&hold);
	CHECK(r->n_ike_sas == 1 && r->ike_sas[0]->ispi == ikev2_spi_u64(W.p[0].e->first->spi_i), "restored");
	msg_free(hold);
	CHECK(ikev2_engine_rekey_child(W.p[0].e, W.p[0].e->first->children->spi_in) == 0, "rekey");
	CHECK(pump(NULL, 1500), "pump");
	CHECK(a_child_up() && !W.p[0].e->first->children->next && W.p[0].e->first->children->rekey_of,
	      "rekeyed through the restarted daemon");
	CHECK(config_count(IPSECGW__V1__DUMP__WHAT__SAS) == 2, "config: the old SAs left, the new ones came");

	/* The initiator deletes: SAs and tunnel leave the config service. */
	CHECK(ikev2_engine_delete_ike(W.p[0].e, ikev2_spi_u64(W.p[0].e->first->spi_i)) == 0, "delete");
	CHECK(pump(a_no_sa, 5000), "delete");
	pump(NULL, 300);
	CHECK(config_count(IPSECGW__V1__DUMP__WHAT__SAS) == 0 && config_count(IPSECGW__V1__DUMP__WHAT__TUNNELS) == 0,
	      "config empty");
	r = ike_dump(&hold);
	CHECK(r->n_ike_sas == 0, "the daemon has no SA");
	msg_free(hold);

	kill(ike_pid, SIGTERM);
	CHECK(waitpid(ike_pid, &st, 0) == ike_pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clean stop");
	ike_pid = 0;
	t_world_fini(&W);
	printf("test_ikev2d_punt: ok (%u datagrams injected, %u on 4500)\n", injected, with_marker);
	return 0;
}

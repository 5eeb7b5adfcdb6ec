/* Crash safety of the real service: a client streams 10,000 SA and policy
 * adds over ZeroMQ (a window of requests in flight) and records every
 * acknowledged one; ipsecgw-config is killed with SIGKILL at random points
 * mid-stream and restarted. After each restart: every acknowledged object
 * is in the region, every record in use is complete (an unacknowledged one
 * in flight may be there or not, but whole), every seqlock is even, the
 * journal is empty, and the startup file was not run again. At the end a
 * paged dump over the API lists exactly the 5,000 SAs and 5,000 policies.
 *
 * CFG_CRASH_SEED=n reproduces a run. */
#include <pthread.h>

#include "cfg_test.h"

#define N 10000
#define KILLS 6
#define INSTANCE "crash"

static char logfile[128], startup[128];
static uint8_t acked[N], sent[N];

static uint32_t sa_id_of(uint32_t i)
{
	return 1000 + i / 2;
}

/* Request i: even = SA add, odd = policy add (SPD 1, from the startup file). */
static gw_env *build(uint32_t i)
{
	uint32_t k = i / 2;
	char a[32], b[32];

	if (i % 2 == 0)
		return r_sa_cbc(sa_id_of(i), 0x10000 + k);
	Ipsecgw__V1__PolicySpec *s;
	gw_env *e = r_policy(1, IPSECGW__V1__DIRECTION__OUTBOUND, (int32_t)k, IPSECGW__V1__POLICY_ACTION__BYPASS, 0, &s);
	snprintf(a, sizeof(a), "198.18.%u.%u", k >> 8, k & 0xff);
	snprintf(b, sizeof(b), "203.0.113.%u", k & 0xff);
	t_local(s, a, a);
	t_remote(s, b, b);
	return e;
}

static void check_key(const uint8_t *k, unsigned seed, size_t n, const char *what, uint32_t id)
{
	for (size_t j = 0; j < n; j++)
		CHECK(k[j] == (uint8_t)(seed + j), "%s of SA %u is torn at byte %zu", what, id, j);
}

/* Every record in use is exactly what some request asked for; every
 * acknowledged request has its record. Returns the number of objects. */
static uint32_t verify_region(const char *when)
{
	struct shm_region r;
	static uint8_t have[N];
	char err[256];
	uint32_t n = 0;

	CHECK(shm_region_attach(&r, INSTANCE, 0, err, sizeof(err)) == 0, "%s: attach: %s", when, err);
	memset(have, 0, sizeof(have));
	for (uint32_t x = 0; x < SHM_MAX_SA; x++) {
		const struct shm_sa *s = shm_rec(&r, SHM_T_SA, x);
		if (!s->h.in_use)
			continue;
		uint32_t k = s->sa_id - 1000, i = 2 * k;
		CHECK(s->sa_id >= 1000 && k < N / 2 && sent[i], "%s: SA %u was never requested", when, s->sa_id);
		CHECK(!have[i], "%s: SA %u twice", when, s->sa_id);
		CHECK(s->spi == 0x10000 + k && s->crypto_alg == SHM_CRYPTO_AES_CBC_128 &&
		      s->integ_alg == SHM_INTEG_SHA1_96 && s->crypto_key_len == 16 && s->integ_key_len == 20 &&
		      s->flags == SHM_SA_ANTI_REPLAY && s->replay_window == 64, "%s: SA %u is incomplete", when, s->sa_id);
		check_key(s->crypto_key, s->sa_id, 16, "crypto key", s->sa_id);
		check_key(s->integ_key, s->sa_id + 100, 20, "integ key", s->sa_id);
		have[i] = 1;
		n++;
	}
	for (uint32_t x = 0; x < SHM_MAX_POLICY; x++) {
		const struct shm_policy *p = shm_rec(&r, SHM_T_POLICY, x);
		if (!p->h.in_use)
			continue;
		uint32_t k = (uint32_t)p->priority, i = 2 * k + 1;
		CHECK(p->priority >= 0 && k < N / 2 && sent[i], "%s: policy priority %d was never requested", when,
		      p->priority);
		CHECK(!have[i], "%s: policy %u twice", when, k);
		CHECK(p->spd_id == 1 && p->dir == SHM_DIR_OUT && p->action == SHM_POL_BYPASS && p->af == SHM_AF_INET &&
		      !p->has_protocol && p->laddr_start[0] == 198 && p->laddr_start[1] == 18 &&
		      p->laddr_start[2] == (k >> 8) && p->laddr_start[3] == (k & 0xff) &&
		      memcmp(p->laddr_start, p->laddr_end, 4) == 0 && p->raddr_start[3] == (k & 0xff) &&
		      p->rport_end == 65535, "%s: policy %u is incomplete", when, k);
		have[i] = 1;
		n++;
	}
	for (uint32_t i = 0; i < N; i++)
		CHECK(!acked[i] || have[i], "%s: acknowledged request %u (%s) is missing", when, i,
		      i % 2 ? "policy" : "SA");
	shm_region_detach(&r);
	return n;
}

/* Right after SIGKILL, before recovery: a record may be mid-write only if
 * the journal holds a committed change that includes it (recovery then
 * finishes it). Returns 1 if the kill landed inside a commit. */
static int verify_killed(void)
{
	struct shm_region r;
	char err[256];
	int committed, odd = 0;

	CHECK(shm_region_attach(&r, INSTANCE, 0, err, sizeof(err)) == 0, "attach: %s", err);
	committed = atomic_load(&r.hdr->journal.state) == SHM_J_COMMITTED;
	for (int t = 0; t < SHM_T_CONFIG_N; t++)
		for (uint32_t x = 0; x < shm_capacity(&r, t); x++) {
			if (!(atomic_load(&((struct shm_rec_hdr *)shm_rec(&r, t, x))->seq) & 1))
				continue;
			int journaled = 0;
			for (uint32_t j = 0; committed && j < r.hdr->journal.n; j++)
				journaled |= r.hdr->journal.ent[j].table == (uint32_t)t && r.hdr->journal.ent[j].index == x;
			CHECK(journaled, "table %d record %u is mid-write and not in a committed journal", t, x);
			odd++;
		}
	shm_region_detach(&r);
	printf("  journal %s, %d record(s) mid-write\n", committed ? "committed (recovery finishes it)" : "empty", odd);
	return committed;
}

/* After a restart: recovery closed every seqlock and emptied the journal;
 * the startup file ran once (one loopback, SPD 1 once). */
static void verify_restarted(int restarts)
{
	struct shm_region r;
	char err[256];
	int loops = 0, spds = 0;

	CHECK(shm_region_attach(&r, INSTANCE, 0, err, sizeof(err)) == 0, "attach: %s", err);
	for (int t = 0; t < SHM_T_CONFIG_N; t++)
		for (uint32_t x = 0; x < shm_capacity(&r, t); x++)
			CHECK(!(atomic_load(&((struct shm_rec_hdr *)shm_rec(&r, t, x))->seq) & 1),
			      "table %d record %u: odd seqlock after restart", t, x);
	CHECK(atomic_load(&r.hdr->journal.state) == SHM_J_EMPTY, "journal not empty after restart");
	for (uint32_t x = 0; x < SHM_MAX_IFC; x++) {
		const struct shm_ifc *f = shm_rec(&r, SHM_T_IFC, x);
		loops += f->h.in_use && f->kind == SHM_IFC_LOOPBACK;
	}
	for (uint32_t x = 0; x < SHM_MAX_SPD; x++)
		spds += ((const struct shm_spd *)shm_rec(&r, SHM_T_SPD, x))->h.in_use;
	CHECK(loops == 1 && spds == 1, "startup file re-run? %d loopbacks, %d SPDs", loops, spds);
	CHECK(atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].restarts) == (uint64_t)restarts, "restarts %llu, want %d",
	      (unsigned long long)atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].restarts), restarts);
	CHECK(atomic_load(&r.hdr->procs[SHM_PROC_CONFIG].ready) == 1, "ready after restart");
	shm_region_detach(&r);
}

/* A kill inside a commit, made certain: with the service dead, leave in
 * the region what a service killed halfway through applying a committed
 * change leaves (the journal committed, the record half-copied with its
 * seqlock odd). The restarted service must finish the change: the SA of
 * request i is then whole, and acknowledged as far as this test goes. */
static void forge_mid_commit(uint32_t i)
{
	struct shm_region r;
	struct shm_sa img;
	char err[256];
	uint32_t k = i / 2, id = sa_id_of(i);

	CHECK(shm_region_attach(&r, INSTANCE, 1, err, sizeof(err)) == 0, "attach: %s", err);
	memset(&img, 0, sizeof(img));
	img.h.in_use = 1;
	img.sa_id = id;
	img.spi = 0x10000 + k;
	img.crypto_alg = SHM_CRYPTO_AES_CBC_128;
	img.integ_alg = SHM_INTEG_SHA1_96;
	img.crypto_key_len = 16;
	img.integ_key_len = 20;
	img.flags = SHM_SA_ANTI_REPLAY;
	img.replay_window = 64;
	for (int j = 0; j < 16; j++)
		img.crypto_key[j] = (uint8_t)(id + j);
	for (int j = 0; j < 20; j++)
		img.integ_key[j] = (uint8_t)(id + 100 + j);
	uint64_t g = atomic_load(&r.hdr->generation) + 1;
	img.create_gen = g;
	struct shm_journal *jl = &r.hdr->journal;
	jl->ent[0].table = SHM_T_SA;
	jl->ent[0].index = 0;
	memcpy(jl->ent[0].image, &img, sizeof(img));
	jl->n = 1;
	jl->generation = g;
	atomic_store(&jl->state, SHM_J_COMMITTED);
	struct shm_sa *rec = shm_rec(&r, SHM_T_SA, 0);
	atomic_fetch_add(&rec->h.seq, 1);                           /* writer entered the seqlock... */
	memcpy((uint8_t *)rec + 4, (const uint8_t *)&img + 4, 60);  /* ...copied part, died */
	shm_region_detach(&r);
	sent[i] = acked[i] = 1;
}

static pid_t start(void)
{
	const char *extra[] = { "--startup", startup, NULL };
	pid_t pid = t_svc_start(INSTANCE, logfile, extra);
	int st = 0;

	CHECK(t_svc_wait(INSTANCE, pid, &st) == 0, "ipsecgw-config did not start (status %d); see %s", st, logfile);
	return pid;
}

static uint32_t count_acked(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < N; i++)
		n += acked[i];
	return n;
}

/* The killer thread: SIGKILL when the acknowledged count reaches the next
 * kill point (plus a random few microseconds, to land anywhere inside the
 * service's handling of the request in flight), then wait for the main
 * thread to restart the service. */
static _Atomic uint32_t n_acked;
static _Atomic int killed, done;
static _Atomic pid_t svc_pid;
static uint32_t kill_at[KILLS];
static unsigned killer_seed;

static void *killer(void *arg)
{
	(void)arg;
	for (int k = 0; k < KILLS; k++) {
		while (atomic_load(&n_acked) < kill_at[k])
			if (atomic_load(&done))
				return NULL;
		double until = t_now() + (rand_r(&killer_seed) % 200) / 1e6;
		while (t_now() < until)
			;
		kill(atomic_load(&svc_pid), SIGKILL);
		atomic_store(&killed, 1);
		while (atomic_load(&killed) && !atomic_load(&done))
			usleep(100);
	}
	return NULL;
}

int main(void)
{
	uint32_t kills = 0, seed;
	const char *env = getenv("CFG_CRASH_SEED");
	struct gw_client cl;
	double t0 = t_now();
	FILE *f;
	pid_t pid;

	seed = env ? (uint32_t)strtoul(env, NULL, 0) : (uint32_t)time(NULL) ^ (uint32_t)getpid();
	srand(seed);
	printf("crash: seed %u (CFG_CRASH_SEED=%u reproduces)\n", seed, seed);
	t_dirs();
	snprintf(logfile, sizeof(logfile), "%s/config.log", t_rundir);
	snprintf(startup, sizeof(startup), "%s/startup.conf", t_rundir);
	f = fopen(startup, "w");
	CHECK(f, "startup file");
	fprintf(f, "ipsec spd add 1\nloopback create\nset interface state loop0 up\n");
	fclose(f);
	for (int k = 0; k < KILLS; k++)
		kill_at[k] = 500 + (uint32_t)rand() % (N - 1000);
	for (int a = 0; a < KILLS; a++) /* ascending */
		for (int b = a + 1; b < KILLS; b++)
			if (kill_at[b] < kill_at[a]) {
				uint32_t t = kill_at[a];
				kill_at[a] = kill_at[b];
				kill_at[b] = t;
			}

	pid = start();
	kill(pid, SIGKILL);
	CHECK(t_svc_reap(pid, NULL, 0) == pid, "waitpid");
	forge_mid_commit(N - 2);
	CHECK(verify_killed() == 1, "forged commit");
	pid = start();
	verify_restarted(1);
	CHECK(verify_region("after a kill inside a commit") == 1, "the forged change was finished");

	/* The stream: one request in flight (gw_client_call), as ipsecctl does. */
	pthread_t th;
	atomic_store(&n_acked, 1); /* the forged one */
	atomic_store(&svc_pid, pid);
	killer_seed = seed;
	CHECK(pthread_create(&th, NULL, killer, NULL) == 0, "thread");
	CHECK(gw_client_open(&cl, INSTANCE, 1000) == 0, "client");
	for (uint32_t i = 0; i < N;) {
		gw_env *req, *rep;
		int rc;

		if (acked[i]) {
			i++;
			continue;
		}
		req = build(i);
		sent[i] = 1;
		rep = gw_client_call(&cl, req, &rc);
		msg_free(req);
		if (rep) {
			/* ALREADY_EXISTS: the retry of a request applied before a kill. */
			CHECK(rep->reply->code == EC(OK) || rep->reply->code == EC(ALREADY_EXISTS), "request %u: %s", i,
			      rep->reply->message);
			msg_free(rep);
			acked[i] = 1;
			atomic_fetch_add(&n_acked, 1);
			i++;
			continue;
		}
		CHECK(rc == -ETIMEDOUT && atomic_load(&killed), "request %u failed (%d) without a kill", i, rc);
		CHECK(t_svc_reap(pid, NULL, 0) == pid, "waitpid");
		kills++;
		printf("kill %u with request %u in flight (%u acknowledged)\n", kills, i, count_acked());
		verify_killed();
		pid = start();
		verify_restarted((int)kills + 1);
		uint32_t n = verify_region("after restart");
		CHECK(n - count_acked() <= 1, "%u objects, %u acknowledged: more than the one in flight", n, count_acked());
		printf("  restarted: %u objects; the request in flight was %s\n", n,
		       n > count_acked() ? "applied (its reply lost)" : "not applied");
		CHECK(t_file_has(logfile, "the startup file is not applied again"), "restart log");
		gw_client_close(&cl);
		CHECK(gw_client_open(&cl, INSTANCE, 1000) == 0, "client");
		atomic_store(&svc_pid, pid);
		atomic_store(&killed, 0); /* request i is sent again */
	}
	atomic_store(&done, 1);
	pthread_join(th, NULL);
	CHECK(kills == KILLS, "killed %u times", kills);
	CHECK(verify_region("at the end") == N, "objects at the end");

	/* And over the API: a paged dump of SAs and of SPD 1. */
	uint32_t sas = 0, pols = 0, cursor = 0;
	int more = 0, rc;
	do {
		gw_env *rep = t_rpc(&cl, r_dump(IPSECGW__V1__DUMP__WHAT__SAS, 0, 0, 0, more, cursor), &rc);
		CHECK(rep && rep->reply->code == EC(OK), "dump SAs: %d", rc);
		for (size_t k = 0; k < rep->reply->n_sas; k++) {
			Ipsecgw__V1__SaSpec *s = rep->reply->sas[k]->spec;
			CHECK(s->spi == 0x10000 + s->sa_id - 1000 && !s->has_crypto_key, "dumped SA %u", s->sa_id);
		}
		sas += (uint32_t)rep->reply->n_sas;
		more = rep->reply->has_next_cursor;
		cursor = rep->reply->next_cursor;
		msg_free(rep);
	} while (more);
	do {
		gw_env *rep = t_rpc(&cl, r_dump(IPSECGW__V1__DUMP__WHAT__SPDS, 1, 1, 0, more, cursor), &rc);
		CHECK(rep && rep->reply->code == EC(OK) && rep->reply->n_spds == 1, "dump SPD 1: %d", rc);
		pols += (uint32_t)rep->reply->spds[0]->n_policies;
		more = rep->reply->has_next_cursor;
		cursor = rep->reply->next_cursor;
		msg_free(rep);
	} while (more);
	CHECK(sas == N / 2 && pols == N / 2, "dump: %u SAs, %u policies", sas, pols);
	gw_client_close(&cl);
	CHECK(WIFEXITED(t_svc_stop(pid)), "clean stop");
	printf("crash: ok, %d requests, %u kills, %.1f s\n", N, kills, t_now() - t0);
	return 0;
}

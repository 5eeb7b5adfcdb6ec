/* Multi-process: one process rewrites SAs and policies continuously through
 * the journal; another, with its own mapping, reads them at least a million
 * times. Every record image the writer produces is self-consistent (every
 * byte derived from one value), so any mix of two writes is detected. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "journal.h"
#include "tmpregion.h"

#define N_SA 8
#define N_POL 8
#define READS 1000000L
#define MIN_CHANGES 1000

static void fill(void *rec, size_t size, uint32_t v)
{
	uint8_t *b = rec;

	for (size_t i = sizeof(struct shm_rec_hdr); i < size; i++)
		b[i] = (uint8_t)(v + i);
	((struct shm_rec_hdr *)rec)->in_use = 1;
}

/* Returns -1 if torn, else the value the record was written with. */
static long verify(const void *rec, size_t size)
{
	const uint8_t *b = rec;
	uint8_t v0 = (uint8_t)(b[sizeof(struct shm_rec_hdr)] - sizeof(struct shm_rec_hdr));

	for (size_t i = sizeof(struct shm_rec_hdr); i < size; i++)
		if (b[i] != (uint8_t)(v0 + i))
			return -1;
	return v0;
}

static void writer(void)
{
	struct shm_region w;
	struct shm_txn tx;
	char err[256];

	if (shm_region_create(&w, "torn", 0, err, sizeof(err)) < 0)
		_exit(2);
	for (uint32_t v = 1;; v++) {
		shm_txn_begin(&tx, &w);
		fill(shm_txn_stage(&tx, SHM_T_SA, v % N_SA), sizeof(struct shm_sa), v);
		fill(shm_txn_stage(&tx, SHM_T_POLICY, v % N_POL), sizeof(struct shm_policy), v * 7);
		shm_txn_commit(&tx);
	}
}

int main(void)
{
	struct shm_region w, r;
	char err[256];
	long torn = 0, changed = 0;
	uint64_t gen0;

	tmpregion_setup();
	CHECK(shm_region_create(&w, "torn", 0, err, sizeof(err)) == 0, "%s", err);
	for (uint32_t i = 0; i < N_SA; i++)
		fill(shm_rec(&w, SHM_T_SA, i), sizeof(struct shm_sa), 0);
	for (uint32_t i = 0; i < N_POL; i++)
		fill(shm_rec(&w, SHM_T_POLICY, i), sizeof(struct shm_policy), 0);
	shm_region_detach(&w);

	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		writer();

	CHECK(shm_region_attach(&r, "torn", 0, err, sizeof(err)) == 0, "%s", err);
	gen0 = atomic_load(&r.hdr->generation);
	long last[N_SA] = { 0 };
	long n;
	time_t deadline = time(NULL) + 60;
	/* At least READS reads, and on until the reader has seen the writer's
	 * changes interleave with it often enough (a loaded machine may run
	 * both on one core for a while). */
	for (n = 0; n < READS || (changed < MIN_CHANGES && time(NULL) < deadline); n++) {
		struct shm_sa sa;
		struct shm_policy pol;
		uint32_t i = (uint32_t)n % N_SA;

		shm_rec_read(shm_rec(&r, SHM_T_SA, i), &sa, sizeof(sa));
		long v = verify(&sa, sizeof(sa));
		if (v < 0)
			torn++;
		else if (v != last[i]) {
			changed++;
			last[i] = v;
		}
		shm_rec_read(shm_rec(&r, SHM_T_POLICY, i), &pol, sizeof(pol));
		if (verify(&pol, sizeof(pol)) < 0)
			torn++;
	}
	uint64_t gen1 = atomic_load(&r.hdr->generation);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	printf("reads %ld (x2 records), torn %ld, value changes seen %ld, writer commits %llu\n",
	       n, torn, changed, (unsigned long long)(gen1 - gen0));
	CHECK(torn == 0, "%ld torn reads", torn);
	/* The test is only meaningful if the writer really raced the reader. */
	CHECK(gen1 - gen0 > 10000, "writer made only %llu commits", (unsigned long long)(gen1 - gen0));
	CHECK(changed >= MIN_CHANGES, "reader saw only %ld changes", changed);
	shm_region_detach(&r);
	return 0;
}

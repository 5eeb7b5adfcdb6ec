/*
 * Policy records rewritten while dp_spd_build reads them (the config
 * service writes under the record seqlock, shm_rec_write): every set built
 * meanwhile must see each record as one whole image, never half of one and
 * half of the other.
 *
 * Two images per record differ in every field the classifier uses (local
 * range, protocol, ports, priority, action, SA). After a build, probes tell
 * which image the set holds for a record: exactly one image's packet
 * matches, with that image's action and SA, and the two packets that mix the
 * images' local address and protocol match nothing. A torn copy (say image
 * A's addresses with image B's protocol or action) fails this.
 *
 *  1. Deterministic: a writer stops in the middle of a write (sequence odd,
 *     half of the new image copied) for 200 ms while the build runs: the
 *     build must wait for the write to end and hold the new image.
 *  2. Under load: a writer thread flips NREC records between the images as
 *     fast as it can during BUILDS builds.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "spd_test.h"

#define NREC 64
#define BUILDS 150

static struct shm_region *R;
static struct shm_policy img[NREC][2];
static atomic_int stop;
static atomic_ulong writes;

static void *writer(void *arg)
{
	unsigned long n = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		for (uint32_t i = 0; i < NREC; i++)
			spdt_put(R, i, &img[i][(n + i) & 1]);
		n++;
	}
	atomic_store(&writes, n * NREC);
	return NULL;
}

/* Record i's remote /24 (host: the last byte). */
static void remote(uint32_t i, char *buf, size_t len, int host)
{
	snprintf(buf, len, "198.%u.%u.%u", 18 + i / 256, i % 256, host);
}

/* Which image set s holds for record i (0 or 1); exits on a torn one. */
static int image_of(const struct dp_spd_set *s, uint32_t i, const char *what)
{
	static const struct { const char *src; uint8_t proto; uint16_t dport; } pr[4] = {
		{ "192.0.2.1", 6, 80 }, { "192.0.2.200", 17, 1500 },
		{ "192.0.2.1", 17, 80 }, { "192.0.2.200", 6, 1500 },
	};
	struct dp_spd_result r[4];
	char dst[32];
	int v;

	remote(i, dst, sizeof(dst), 9);
	for (int k = 0; k < 4; k++) {   /* image A's packet, image B's, and the two mixes */
		struct spdt_spec ps = { .af = SHM_AF_INET, .src = pr[k].src, .dst = dst,
					.proto = pr[k].proto, .sport = 7, .dport = pr[k].dport };
		struct spdt_pkt pk;

		spdt_build(&pk, &ps);
		r[k] = spdt_classify1(s, 3, SHM_DIR_OUT, &pk, SHM_AF_INET);
	}
	v = r[0].policy == i ? 0 : 1;
	CHECK(r[v].policy == i && r[!v].policy == DP_SPD_NONE && r[2].policy == DP_SPD_NONE &&
	      r[3].policy == DP_SPD_NONE, "%s record %u: a torn image: %d %d %d %d", what, i,
	      (int)r[0].policy, (int)r[1].policy, (int)r[2].policy, (int)r[3].policy);
	CHECK(r[v].action == img[i][v].action && r[v].sa_id == img[i][v].sa_id,
	      "%s record %u image %d: action %u sa %u", what, i, v, r[v].action, r[v].sa_id);
	return v;
}

static atomic_int midwrite;

/* Rewrites record 0 from image A to B as the config service does
 * (shm_rec_write), but stops for 200 ms with half of B copied. */
static void *slow_writer(void *arg)
{
	struct shm_rec_hdr *h = shm_rec(R, SHM_T_POLICY, 0);
	uint8_t *rec = (uint8_t *)h;
	const uint8_t *b = (const uint8_t *)&img[0][1];
	uint32_t seq = atomic_load(&h->seq);
	size_t half = offsetof(struct shm_policy, laddr_start);

	(void)arg;
	atomic_store(&h->seq, seq + 1);                         /* odd: writing */
	memcpy(rec + sizeof(*h), b + sizeof(*h), half - sizeof(*h)); /* B's protocol, action... */
	atomic_store(&midwrite, 1);
	usleep(200 * 1000);
	memcpy(rec + half, b + half, sizeof(struct shm_policy) - half); /* ... then its addresses */
	atomic_store(&h->seq, seq + 2);
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int main(void)
{
	pthread_t th;
	struct dp_spd_set *s;
	char err[256], lo[32], hi[32];
	unsigned seen[2] = { 0, 0 };

	R = spdt_setup();
	spdt_spd(R, 3, 7, 1);
	for (uint32_t i = 0; i < NREC; i++) {
		for (int v = 0; v < 2; v++) {
			struct shm_policy *p = &img[i][v];

			*p = spdt_pol(7, SHM_DIR_OUT, SHM_AF_INET, v ? SHM_POL_BYPASS : SHM_POL_PROTECT,
				      v ? -1000 - (int)i : 1000 + (int)i, v ? 0 : 5000 + i);
			spdt_range(p, 0, v ? "192.0.2.128" : "192.0.2.0", v ? "192.0.2.255" : "192.0.2.127");
			remote(i, lo, sizeof(lo), 0);
			remote(i, hi, sizeof(hi), 255);
			spdt_range(p, 1, lo, hi);
			p->has_protocol = 1;
			p->protocol = v ? 17 : 6;
			p->rport_start = v ? 1000 : 0;
			p->rport_end = v ? 1999 : 999;
		}
		spdt_put(R, i, &img[i][0]);
	}
	/* 1. a build during a write that is half done */
	{
		uint64_t t0;

		CHECK((s = dp_spd_build(R, NULL, err, sizeof(err))), "build: %s", err);
		CHECK(image_of(s, 0, "before the write") == 0, "image A first");
		dp_spd_free(s);
		CHECK(pthread_create(&th, NULL, slow_writer, NULL) == 0, "writer thread");
		while (!atomic_load(&midwrite))
			usleep(1000);
		t0 = now_ms();
		CHECK((s = dp_spd_build(R, NULL, err, sizeof(err))), "build: %s", err);
		CHECK(image_of(s, 0, "during the write") == 1, "the build holds the new image");
		CHECK(now_ms() - t0 >= 100, "the build waited for the write (%llu ms)",
		      (unsigned long long)(now_ms() - t0));
		dp_spd_free(s);
		pthread_join(th, NULL);
		printf("a build during a half-done write waited for it and holds the new image\n");
	}

	/* 2. builds while records flip as fast as they can */
	CHECK(pthread_create(&th, NULL, writer, NULL) == 0, "writer thread");
	for (int b = 0; b < BUILDS; b++) {
		char what[32];

		CHECK((s = dp_spd_build(R, NULL, err, sizeof(err))), "build: %s", err);
		CHECK(dp_spd_count(s, 3, SHM_DIR_OUT, SHM_AF_INET) == NREC, "count");
		snprintf(what, sizeof(what), "build %d", b);
		for (uint32_t i = 0; i < NREC; i++)
			seen[image_of(s, i, what)]++;
		dp_spd_free(s);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("%d builds, %lu record writes meanwhile; images seen: %u A, %u B\n", BUILDS,
	       atomic_load(&writes), seen[0], seen[1]);
	/* the builds did run while the records changed */
	CHECK(seen[0] > 0 && seen[1] > 0, "both images seen");
	printf("spd seqlock test passed\n");
	return 0;
}

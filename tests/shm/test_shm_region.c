/* Create/attach and every way an attach must refuse a region. */
#include <errno.h>
#include <sys/mman.h>

#include "region.h"
#include "tmpregion.h"

static void expect_refused(const char *what, const char *needle)
{
	struct shm_region r;
	char err[256] = "";
	int rc = shm_region_attach(&r, "t1", 0, err, sizeof(err));

	CHECK(rc == -EPROTO, "%s: attach returned %d (%s)", what, rc, err);
	CHECK(strstr(err, needle), "%s: message '%s' lacks '%s'", what, err, needle);
	printf("refused (%s): %s\n", what, err);
}

int main(void)
{
	struct shm_region w, r;
	char err[256];
	int rc;

	tmpregion_setup();

	/* Attach before create: a clear error naming the instance. */
	rc = shm_region_attach(&r, "t1", 0, err, sizeof(err));
	CHECK(rc == -ENOENT, "attach of a missing region returned %d", rc);
	CHECK(strstr(err, "instance 't1'"), "message: %s", err);

	rc = shm_region_create(&w, "t1", 0, err, sizeof(err));
	CHECK(rc == 0, "create: %s", err);
	CHECK(w.hdr->magic == SHM_MAGIC && w.hdr->size == shm_region_size(), "header");
	CHECK(atomic_load(&w.hdr->generation) == 1, "fresh generation");
	CHECK(strcmp(w.hdr->instance, "t1") == 0, "instance name");
	/* Tables do not overlap and lie inside the region. */
	for (int t = 0; t < SHM_T_N; t++) {
		const struct shm_table_desc *d = &w.hdr->tables[t];
		CHECK(d->offset % 64 == 0, "table %d aligned", t);
		CHECK(d->offset + (uint64_t)d->rec_size * d->capacity <= w.hdr->size, "table %d fits", t);
		if (t > 0) {
			const struct shm_table_desc *p = &w.hdr->tables[t - 1];
			CHECK(p->offset + (uint64_t)p->rec_size * p->capacity <= d->offset, "table %d overlaps", t);
		}
	}

	/* A record written by the creator is seen by an attached reader. */
	struct shm_sa sa = { .h.in_use = 1, .sa_id = 10, .spi = 1001 };
	shm_rec_write(shm_rec(&w, SHM_T_SA, 3), &sa, sizeof(sa));
	rc = shm_region_attach(&r, "t1", 0, err, sizeof(err));
	CHECK(rc == 0, "attach: %s", err);
	struct shm_sa got;
	CHECK(shm_rec_read(shm_rec(&r, SHM_T_SA, 3), &got, sizeof(got)) == 1, "in use");
	CHECK(got.sa_id == 10 && got.spi == 1001, "content");
	CHECK((atomic_load(&got.h.seq) & 1) == 0, "even seq");
	shm_region_detach(&r);

	/* Reopen by the creator keeps content (config service restart). */
	shm_region_detach(&w);
	rc = shm_region_create(&w, "t1", 0, err, sizeof(err));
	CHECK(rc == 0, "reopen: %s", err);
	CHECK(((struct shm_sa *)shm_rec(&w, SHM_T_SA, 3))->spi == 1001, "content kept across reopen");

	/* Every mismatch is refused with a message saying which. */
	w.hdr->abi_version = SHM_ABI_VERSION + 1;
	expect_refused("abi", "ABI version 3, this binary speaks 2");
	w.hdr->abi_version = SHM_ABI_VERSION;

	w.hdr->layout_hash ^= 0x5a5a;
	expect_refused("layout", "layout hash");
	w.hdr->layout_hash ^= 0x5a5a;

	w.hdr->size += 4096;
	expect_refused("size", "region size");
	w.hdr->size -= 4096;

	w.hdr->magic = 0x1234;
	expect_refused("magic", "not an ipsecgw region");

	/* create refuses too, and --reset recreates. */
	shm_region_detach(&w);
	rc = shm_region_create(&w, "t1", 0, err, sizeof(err));
	CHECK(rc == -EPROTO && strstr(err, "not an ipsecgw region"), "create without reset: %d %s", rc, err);
	rc = shm_region_create(&w, "t1", 1, err, sizeof(err));
	CHECK(rc == 0, "create with reset: %s", err);
	CHECK(((struct shm_sa *)shm_rec(&w, SHM_T_SA, 3))->spi == 0, "reset clears content");
	rc = shm_region_attach(&r, "t1", 0, err, sizeof(err));
	CHECK(rc == 0, "attach after reset: %s", err);
	shm_region_detach(&r);

	/* A read-only attach cannot write: the mapping is PROT_READ. */
	rc = shm_region_attach(&r, "t1", 0, err, sizeof(err));
	CHECK(rc == 0, "attach ro");
	CHECK(mprotect(r.base, 4096, PROT_READ) == 0, "mprotect");
	shm_region_detach(&r);
	shm_region_detach(&w);
	printf("region: layout %08x size %zu\n", shm_layout_hash(), shm_region_size());
	return 0;
}

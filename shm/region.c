/* Shared region: layout, create/attach, seqlock records, counter sums. */
#include "region.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define REGION_ALIGN (2u << 20) /* hugetlbfs page */

struct layout_entry {
	uint32_t rec_size;
	uint32_t capacity;
};

static const struct layout_entry layout[SHM_T_N] = {
	[SHM_T_IFC] = { sizeof(struct shm_ifc), SHM_MAX_IFC },
	[SHM_T_ADDR] = { sizeof(struct shm_addr), SHM_MAX_ADDR },
	[SHM_T_ROUTE] = { sizeof(struct shm_route), SHM_MAX_ROUTE },
	[SHM_T_NEIGH] = { sizeof(struct shm_neigh), SHM_MAX_NEIGH },
	[SHM_T_SA] = { sizeof(struct shm_sa), SHM_MAX_SA },
	[SHM_T_SPD] = { sizeof(struct shm_spd), SHM_MAX_SPD },
	[SHM_T_POLICY] = { sizeof(struct shm_policy), SHM_MAX_POLICY },
	[SHM_T_TUNNEL] = { sizeof(struct shm_tunnel), SHM_MAX_TUNNEL },
	[SHM_T_PROFILE] = { sizeof(struct shm_profile), SHM_MAX_PROFILE },
	[SHM_T_GLOBAL] = { sizeof(struct shm_global), 1 },
	[SHM_T_IFC_RT] = { sizeof(struct shm_ifc_rt), SHM_MAX_IFC },
	[SHM_T_LNEIGH] = { sizeof(struct shm_lneigh), SHM_MAX_LNEIGH },
	[SHM_T_SA_RT] = { sizeof(struct shm_sa_rt), SHM_MAX_SA },
	[SHM_T_COUNTERS] = { sizeof(struct shm_counters), SHM_MAX_WORKERS },
	[SHM_T_BASELINE] = { sizeof(struct shm_counters), 1 },
	[SHM_T_ENGINE_RT] = { sizeof(struct shm_engine_rt), SHM_ENGINE_ROWS },
	[SHM_T_IKE_SA] = { sizeof(struct shm_ike_sa), SHM_MAX_IKE_SA },
	[SHM_T_IKE_COUNTERS] = { sizeof(struct shm_ike_counters), 1 },
};

static void layout_compute(struct shm_table_desc *t, uint64_t *total)
{
	uint64_t off = ALIGN_UP(sizeof(struct shm_header), 4096);

	for (int i = 0; i < SHM_T_N; i++) {
		t[i].offset = off;
		t[i].rec_size = layout[i].rec_size;
		t[i].capacity = layout[i].capacity;
		off = ALIGN_UP(off + (uint64_t)layout[i].rec_size * layout[i].capacity, 4096);
	}
	*total = ALIGN_UP(off, REGION_ALIGN);
}

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

uint32_t shm_layout_hash(void)
{
	struct shm_table_desc t[SHM_T_N];
	uint64_t total;
	uint32_t h = 2166136261u;
	/* Field offsets that readers depend on, beyond record sizes. */
	const uint64_t fields[] = {
		sizeof(struct shm_header), offsetof(struct shm_header, tables),
		offsetof(struct shm_header, journal), offsetof(struct shm_sa, crypto_key),
		offsetof(struct shm_sa_rt, in_bitmap), offsetof(struct shm_policy, laddr_start),
		offsetof(struct shm_profile, local_ts), SHM_DROP_N, SHM_JOURNAL_IMAGE_MAX,
	};

	layout_compute(t, &total);
	h = fnv1a(h, t, sizeof(t));
	h = fnv1a(h, &total, sizeof(total));
	h = fnv1a(h, fields, sizeof(fields));
	return h;
}

size_t shm_region_size(void)
{
	struct shm_table_desc t[SHM_T_N];
	uint64_t total;

	layout_compute(t, &total);
	return total;
}

int shm_region_path(const char *instance, char *buf, size_t len)
{
	const char *dir = getenv("IPSECGW_SHM_DIR");
	int n;

	if (!dir || !*dir)
		dir = "/dev/hugepages";
	n = snprintf(buf, len, "%s/ipsecgw-%s", dir, instance);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int shm_header_check(const struct shm_header *h, size_t mapped, char *err, size_t errlen)
{
	if (mapped < sizeof(*h)) {
		snprintf(err, errlen, "region is %zu bytes, smaller than its header", mapped);
		return -EPROTO;
	}
	if (h->magic != SHM_MAGIC) {
		snprintf(err, errlen, "not an ipsecgw region (magic %016llx, expected %016llx)",
			 (unsigned long long)h->magic, (unsigned long long)SHM_MAGIC);
		return -EPROTO;
	}
	if (h->abi_version != SHM_ABI_VERSION) {
		snprintf(err, errlen, "region ABI version %u, this binary speaks %u",
			 h->abi_version, SHM_ABI_VERSION);
		return -EPROTO;
	}
	if (h->layout_hash != shm_layout_hash()) {
		snprintf(err, errlen,
			 "region layout hash %08x, this binary was built for %08x (rebuild every "
			 "ipsecgw binary from one tree, or recreate the region)",
			 h->layout_hash, shm_layout_hash());
		return -EPROTO;
	}
	if (h->size != shm_region_size() || h->size > mapped) {
		snprintf(err, errlen, "region size %llu, expected %zu (file %zu)",
			 (unsigned long long)h->size, shm_region_size(), mapped);
		return -EPROTO;
	}
	return 0;
}

static int map_fd(struct shm_region *r, int fd, size_t size, int writable)
{
	void *p = mmap(NULL, size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	r->base = p;
	r->hdr = p;
	r->size = size;
	r->fd = fd;
	return 0;
}

static void header_init(struct shm_header *h, const char *instance, size_t size)
{
	uint64_t total;

	memset(h, 0, sizeof(*h));
	layout_compute(h->tables, &total);
	snprintf(h->instance, sizeof(h->instance), "%s", instance);
	h->abi_version = SHM_ABI_VERSION;
	h->layout_hash = shm_layout_hash();
	h->size = size;
	atomic_store(&h->generation, 1);
}

static void runtime_init(struct shm_region *r)
{
	for (uint32_t i = 0; i < SHM_MAX_IFC; i++) {
		struct shm_ifc_rt *rt = shm_rec(r, SHM_T_IFC_RT, i);
		rt->port_id = UINT16_MAX;
	}
}

int shm_region_create(struct shm_region *r, const char *instance, int reset,
		      char *err, size_t errlen)
{
	char path[512];
	size_t size = shm_region_size();
	struct stat st;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if ((rc = shm_region_path(instance, path, sizeof(path))) < 0) {
		snprintf(err, errlen, "region path for instance '%s' too long", instance);
		return rc;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0)
		goto fail_errno;
	if ((size_t)st.st_size == size) {
		/* Reopen after a restart: keep everything if it is ours. */
		if ((rc = map_fd(r, fd, size, 1)) < 0)
			goto fail_map;
		if (shm_header_check(r->hdr, size, err, errlen) == 0) {
			r->owner = 1;
			return 0;
		}
		if (!reset) {
			shm_region_detach(r);
			return -EPROTO;
		}
		munmap(r->base, size);
		r->base = NULL;
	} else if (st.st_size != 0 && !reset) {
		snprintf(err, errlen, "%s exists with size %lld, expected %zu (use --reset to recreate)",
			 path, (long long)st.st_size, size);
		close(fd);
		return -EPROTO;
	}
	/* Fresh region. hugetlbfs needs the size set before mapping. */
	if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)size) < 0)
		goto fail_errno;
	if ((rc = map_fd(r, fd, size, 1)) < 0)
		goto fail_map;
	header_init(r->hdr, instance, size);
	runtime_init(r);
	atomic_thread_fence(memory_order_release);
	r->hdr->magic = SHM_MAGIC; /* last: attach refuses a half-made region */
	r->owner = 1;
	return 0;

fail_errno:
	rc = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	close(fd);
	return rc;
fail_map:
	snprintf(err, errlen, "mmap %s (%zu bytes): %s", path, size, strerror(-rc));
	close(fd);
	return rc;
}

int shm_region_attach(struct shm_region *r, const char *instance, int writable,
		      char *err, size_t errlen)
{
	char path[512];
	struct stat st;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if ((rc = shm_region_path(instance, path, sizeof(path))) < 0) {
		snprintf(err, errlen, "region path for instance '%s' too long", instance);
		return rc;
	}
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "open %s: %s (is ipsecgw-config running for instance '%s'?)",
			 path, strerror(errno), instance);
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, errlen, "stat %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if ((size_t)st.st_size < sizeof(struct shm_header)) {
		snprintf(err, errlen, "%s is %lld bytes, too small for a region", path,
			 (long long)st.st_size);
		close(fd);
		return -EPROTO;
	}
	if ((rc = map_fd(r, fd, (size_t)st.st_size, writable)) < 0) {
		snprintf(err, errlen, "mmap %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	if ((rc = shm_header_check(r->hdr, (size_t)st.st_size, err, errlen)) < 0) {
		shm_region_detach(r);
		return rc;
	}
	return 0;
}

void shm_region_detach(struct shm_region *r)
{
	if (!r)
		return;
	if (r->base)
		munmap(r->base, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->base = NULL;
	r->hdr = NULL;
	r->fd = -1;
}

/* The data copy inside a seqlock races with the writer by design; the
 * sequence check discards any copy that overlapped a write. */
__attribute__((no_sanitize("thread")))
int shm_rec_read(const void *rec, void *dst, size_t size)
{
	const struct shm_rec_hdr *h = rec;
	struct shm_rec_hdr *d = dst;
	uint32_t s1, s2;

	for (;;) {
		s1 = atomic_load_explicit(&h->seq, memory_order_acquire);
		if (s1 & 1) {
			__builtin_ia32_pause();
			continue;
		}
		/* A free record reads as zeros without copying it: the
		 * dataplane's rebuilds walk tables that are mostly free. */
		if (!__atomic_load_n(&h->in_use, __ATOMIC_RELAXED)) {
			atomic_thread_fence(memory_order_acquire);
			if (atomic_load_explicit(&h->seq, memory_order_relaxed) == s1) {
				memset(dst, 0, size);
				atomic_store_explicit(&d->seq, s1, memory_order_relaxed);
				return 0;
			}
			continue;
		}
		memcpy((uint8_t *)dst + sizeof(h->seq), (const uint8_t *)rec + sizeof(h->seq),
		       size - sizeof(h->seq));
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&h->seq, memory_order_relaxed);
		if (s1 == s2)
			break;
	}
	atomic_store_explicit(&d->seq, s1, memory_order_relaxed);
	return (int)d->in_use;
}

void shm_rec_write(void *rec, const void *img, size_t size)
{
	struct shm_rec_hdr *h = rec;
	uint32_t s = atomic_load_explicit(&h->seq, memory_order_relaxed);

	/* An odd value left by a writer that died mid-write is closed here. */
	s |= 1;
	atomic_store_explicit(&h->seq, s, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	memcpy((uint8_t *)rec + sizeof(h->seq), (const uint8_t *)img + sizeof(h->seq),
	       size - sizeof(h->seq));
	atomic_store_explicit(&h->seq, s + 1, memory_order_release);
}

static inline uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void sum_words(const struct shm_region *r, size_t off, size_t nwords, uint64_t *out)
{
	const struct shm_counters *base = shm_rec(r, SHM_T_BASELINE, 0);

	for (size_t w = 0; w < nwords; w++) {
		uint64_t v = 0;
		for (unsigned k = 0; k < SHM_MAX_WORKERS; k++)
			v += ld((const uint64_t *)((const uint8_t *)shm_counters(r, k) + off) + w);
		uint64_t b = ld((const uint64_t *)((const uint8_t *)base + off) + w);
		out[w] = v >= b ? v - b : 0;
	}
}

void shm_sum_sa(const struct shm_region *r, uint32_t i, struct shm_counter *out)
{
	sum_words(r, offsetof(struct shm_counters, sa) + i * sizeof(*out), 2, (uint64_t *)out);
}

void shm_sum_policy(const struct shm_region *r, uint32_t i, struct shm_counter *out)
{
	sum_words(r, offsetof(struct shm_counters, policy) + i * sizeof(*out), 2, (uint64_t *)out);
}

void shm_sum_ifc(const struct shm_region *r, uint32_t i, struct shm_ifc_counters *out)
{
	sum_words(r, offsetof(struct shm_counters, ifc) + i * sizeof(*out),
		  sizeof(*out) / 8, (uint64_t *)out);
}

void shm_sum_sa_err(const struct shm_region *r, uint32_t i, uint64_t out[SHM_SA_ERR_N])
{
	sum_words(r, offsetof(struct shm_counters, sa_err) + i * sizeof(uint64_t[SHM_SA_ERR_N]), SHM_SA_ERR_N, out);
}

uint64_t shm_sum_drop(const struct shm_region *r, enum shm_drop d)
{
	uint64_t v;

	sum_words(r, offsetof(struct shm_counters, drop) + d * sizeof(uint64_t), 1, &v);
	return v;
}

static const char *const drop_names[] = {
#define _N(n, s) #n,
	SHM_FOREACH_DROP(_N)
#undef _N
};
static const char *const drop_texts[] = {
#define _T(n, s) s,
	SHM_FOREACH_DROP(_T)
#undef _T
};

const char *shm_drop_name(enum shm_drop d)
{
	return (unsigned)d < SHM_DROP_N ? drop_names[d] : "?";
}

const char *shm_drop_text(enum shm_drop d)
{
	return (unsigned)d < SHM_DROP_N ? drop_texts[d] : "?";
}

static const char *const sa_err_names[] = {
#define _N(n, s) #n,
	SHM_FOREACH_SA_ERR(_N)
#undef _N
};
static const char *const sa_err_texts[] = {
#define _T(n, s) s,
	SHM_FOREACH_SA_ERR(_T)
#undef _T
};

const char *shm_sa_err_name(enum shm_sa_err e)
{
	return (unsigned)e < SHM_SA_ERR_N ? sa_err_names[e] : "?";
}

const char *shm_sa_err_text(enum shm_sa_err e)
{
	return (unsigned)e < SHM_SA_ERR_N ? sa_err_texts[e] : "?";
}

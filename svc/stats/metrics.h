/*
 * Prometheus text exposition (format 0.0.4) of one instance's shared region.
 *
 * Reads only: configuration records through their seqlock (shm_rec_read),
 * counters through shm_sum_* (summed over workers, less the cleared
 * baseline), the process table through shm_proc_alive. Series are labelled
 * by object names and ids (interface name, SA id, SPD id and policy index,
 * drop reason, process name), never by SPI or key material: SA records are
 * read only up to their sa_id, so neither the SPI nor a key is ever copied
 * into this process's memory by the renderer. The IKE daemon's counters
 * (struct shm_ike_counters) are exported as ipsecgw_ike_*; its IKE SA table
 * (keys) is never read.
 *
 * Error convention: 0 or -errno.
 */
#ifndef IPSECGW_STATS_METRICS_H
#define IPSECGW_STATS_METRICS_H

#include <stddef.h>

#include "region.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A growable text buffer. A failed allocation sets `oom` and makes every
 * later append a no-op, so callers check once at the end. */
struct metrics_buf {
	char *p;
	size_t len;
	size_t cap;
	int oom;
};

void metrics_buf_init(struct metrics_buf *b);
/* Gives the text (NUL-terminated, `len` bytes) to the caller, who frees it
 * with free(); leaves b empty. NULL after an allocation failure. */
char *metrics_buf_take(struct metrics_buf *b);
void metrics_buf_free(struct metrics_buf *b);
void metrics_buf_puts(struct metrics_buf *b, const char *s);
void metrics_buf_printf(struct metrics_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends at most `max` bytes of `v` (stopping at NUL) as a label value:
 * backslash, double quote and newline escaped as the format requires;
 * other control bytes and bytes that are not valid UTF-8 become '?'. */
void metrics_escape_label(struct metrics_buf *b, const char *v, size_t max);

/* Appends every metric family for region r. Returns 0, or -ENOMEM. */
int metrics_render(const struct shm_region *r, struct metrics_buf *b);

#endif

/*
 * ipsecgw-stats: serves one instance's counters in the Prometheus text
 * format. Attaches the shared region read-only (O_RDONLY, PROT_READ) and
 * never writes it; waits for the region if it does not exist yet (503 on
 * /metrics meanwhile) and re-attaches if it is replaced.
 *
 * Error convention: constructors return a pointer or NULL with a reason in
 * the caller's buffer; stats_opts_parse returns 0, 1 (help printed: exit 0)
 * or -EINVAL (usage printed).
 */
#ifndef IPSECGW_STATS_STATS_H
#define IPSECGW_STATS_STATS_H

#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

#define STATS_DEFAULT_LISTEN "127.0.0.1:9465"
#define STATS_ATTACH_RETRY_MS 500

struct stats_opts {
	const char *instance;           /* borrowed from argv */
	struct sockaddr_storage listen;
	int log_level;
};

int stats_opts_parse(struct stats_opts *o, int argc, char **argv);

/* "A.B.C.D:PORT" or "[IPV6]:PORT", numeric only. 0 or -EINVAL with a reason. */
int stats_parse_listen(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen);

struct stats;

/* Listens, starts waiting for the region, tells systemd READY=1. */
struct stats *stats_start(uv_loop_t *loop, const struct stats_opts *o, char *err, size_t errlen);
/* Begins an orderly stop; the loop ends once its handles are closed. NULL ok. */
void stats_stop(struct stats *s);

#endif

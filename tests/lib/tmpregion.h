/* Test helper: a region on a private tmpfs-backed directory, removed at exit. */
#ifndef IPSECGW_TESTS_TMPREGION_H
#define IPSECGW_TESTS_TMPREGION_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			exit(1);                                                \
		}                                                               \
	} while (0)

static char tmpregion_dir[64];

static void tmpregion_cleanup(void)
{
	char cmd[128];

	if (!tmpregion_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpregion_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", tmpregion_dir);
}

/* Points IPSECGW_SHM_DIR at a fresh directory under /dev/shm (tmpfs). */
static inline const char *tmpregion_setup(void)
{
	snprintf(tmpregion_dir, sizeof(tmpregion_dir), "/dev/shm/ipsecgw-test-XXXXXX");
	if (!mkdtemp(tmpregion_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	setenv("IPSECGW_SHM_DIR", tmpregion_dir, 1);
	atexit(tmpregion_cleanup);
	return tmpregion_dir;
}

#endif

#include "instance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int gw_instance_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 31)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return -EINVAL;
	}
	return 0;
}

int gw_rundir(const char *instance, char *buf, size_t len)
{
	const char *base = getenv("IPSECGW_RUNDIR");
	int n;

	if (base && *base)
		n = snprintf(buf, len, "%s/%s", base, instance);
	else
		n = snprintf(buf, len, "/run/ipsecgw/%s", instance);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int gw_socket_path(const char *instance, const char *which, char *buf, size_t len)
{
	char dir[256];
	int n;

	if (gw_rundir(instance, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s/%s.sock", dir, which);
	/* ZeroMQ ipc paths are bounded by sockaddr_un. */
	return (n < 0 || (size_t)n >= len || n >= 107) ? -ENAMETOOLONG : 0;
}

int gw_endpoint(const char *instance, const char *which, char *buf, size_t len)
{
	char path[256];
	int n;

	if (gw_socket_path(instance, which, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "ipc://%s", path);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int gw_rundir_ensure(const char *instance)
{
	char dir[256];

	if (gw_rundir(instance, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	for (char *p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != 0)
			continue;
		*p = 0;
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

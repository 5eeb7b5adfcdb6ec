/*
 * Instance naming shared by every binary: `--instance NAME` selects the
 * runtime directory ($IPSECGW_RUNDIR, default /run/ipsecgw/NAME) that holds
 * the config service's sockets, and the region file (shm/region.h).
 */
#ifndef IPSECGW_COMMON_INSTANCE_H
#define IPSECGW_COMMON_INSTANCE_H

#include <stddef.h>

#define GW_DEFAULT_INSTANCE "default"
#define GW_API_VERSION 1u
#define GW_MAX_MSG (256u * 1024u)   /* larger requests are refused as MALFORMED */

/* 0 if NAME is a valid instance name ([A-Za-z0-9_-], 1..31 chars), else -EINVAL. */
int gw_instance_valid(const char *name);
/* The runtime directory. 0 or -ENAMETOOLONG. */
int gw_rundir(const char *instance, char *buf, size_t len);
/* mkdir -p the runtime directory, new components mode 0750 (the config
 * service also sets their group; whichever service starts first makes it).
 * 0 or -errno. */
int gw_rundir_ensure(const char *instance);
/* ZeroMQ endpoints: "ipc://RUNDIR/config.sock" and ".../events.sock". */
int gw_endpoint(const char *instance, const char *which, char *buf, size_t len);
/* Filesystem path of a socket (without "ipc://"). */
int gw_socket_path(const char *instance, const char *which, char *buf, size_t len);

#endif

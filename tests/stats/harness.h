/*
 * Test harness for service tests: a private region directory, child
 * processes of the real binaries, a plain-socket HTTP client, and the
 * systemd notification socket. Everything a test makes is removed at exit
 * (harness_cleanup runs from atexit), every child it started is killed.
 */
#ifndef IPSECGW_TESTS_HARNESS_H
#define IPSECGW_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,   \
				__LINE__, #cond);                                \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			exit(1);                                                 \
		}                                                                \
	} while (0)

/* Makes a fresh directory under /dev/shm (tmpfs), points IPSECGW_SHM_DIR at it
 * and IPSECGW_RUNDIR at its run/ subdirectory, and registers the cleanup.
 * Returns the directory. */
const char *harness_setup(void);
/* Full path of $GW_BIN/name; exits if GW_BIN is unset. */
const char *harness_bin(const char *name, char *buf, size_t len);

/* Starts argv[0] with argv (NULL-terminated), inheriting the environment.
 * The child is killed by harness_cleanup if still running. */
pid_t harness_spawn(char *const argv[]);
/* Sends sig (0: none) and waits up to timeout_ms for the child. Returns its
 * wait status, or -1 on timeout (the child is then SIGKILLed and reaped). */
int harness_stop(pid_t pid, int sig, int timeout_ms);
/* 1 if the child has exited (and reaps it; *status set), 0 if running. */
int harness_exited(pid_t pid, int *status);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
uint16_t harness_free_port(void);

struct http_resp {
	int status;                     /* -1: no connection */
	char *headers;                  /* raw header block, malloc'ed */
	char *body;                     /* malloc'ed, NUL-terminated */
	size_t body_len;
};
/* One HTTP/1.0 request to 127.0.0.1:port. */
void harness_http(uint16_t port, const char *method, const char *path, struct http_resp *r);
void harness_http_free(struct http_resp *r);
/* Header value (trimmed) or NULL; case-insensitive name. Points into r. */
const char *harness_http_header(struct http_resp *r, const char *name, char *buf, size_t len);
/* Polls GET path until it answers `status`, up to timeout_ms. */
int harness_http_wait(uint16_t port, const char *path, int status, int timeout_ms);

/* A datagram socket standing in for systemd's, exported as NOTIFY_SOCKET. */
int harness_notify_open(void);
/* Waits up to timeout_ms for a notification containing `needle`. */
int harness_notify_wait(int fd, const char *needle, int timeout_ms);
/* Discards notifications already queued. */
void harness_notify_drain(int fd);

void harness_sleep_ms(int ms);
int64_t harness_now_ms(void);

#endif

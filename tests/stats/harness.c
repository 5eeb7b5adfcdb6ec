/* Test harness: temp region dir, child processes, HTTP client, notify socket. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 32

static char dir[64];
static pid_t children[MAX_CHILDREN];
static pid_t owner;                     /* the test process, not a forked child */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void harness_cleanup(void)
{
	if (getpid() != owner)
		return;
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
	}
	if (dir[0] && nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "harness: cleanup of %s failed: %s\n", dir, strerror(errno));
	dir[0] = '\0';
}

const char *harness_setup(void)
{
	snprintf(dir, sizeof(dir), "/dev/shm/ipsecgw-svc-test-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	owner = getpid();
	setenv("IPSECGW_SHM_DIR", dir, 1);
	/* Runtime directories (sockets) under the same directory, not /run. */
	char run[sizeof(dir) + 8];
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("IPSECGW_RUNDIR", run, 1);
	atexit(harness_cleanup);
	signal(SIGPIPE, SIG_IGN);
	return dir;
}

const char *harness_bin(const char *name, char *buf, size_t len)
{
	const char *bin = getenv("GW_BIN");

	CHECK(bin && *bin, "GW_BIN (the build's bin directory) is not set");
	snprintf(buf, len, "%s/%s", bin, name);
	CHECK(access(buf, X_OK) == 0, "%s: %s", buf, strerror(errno));
	return buf;
}

int64_t harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void harness_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

pid_t harness_spawn(char *const argv[])
{
	pid_t pid;
	int slot = -1;

	for (int i = 0; i < MAX_CHILDREN && slot < 0; i++)
		if (children[i] == 0)
			slot = i;
	CHECK(slot >= 0, "too many children");
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	children[slot] = pid;
	return pid;
}

static void forget(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == pid)
			children[i] = 0;
}

int harness_exited(pid_t pid, int *status)
{
	pid_t w = waitpid(pid, status, WNOHANG);

	if (w == pid) {
		forget(pid);
		return 1;
	}
	return 0;
}

int harness_stop(pid_t pid, int sig, int timeout_ms)
{
	int64_t end = harness_now_ms() + timeout_ms;
	int status;

	if (sig)
		kill(pid, sig);
	while (harness_now_ms() < end) {
		if (harness_exited(pid, &status))
			return status;
		harness_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	forget(pid);
	return -1;
}

uint16_t harness_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0, "socket: %s", strerror(errno));
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s", strerror(errno));
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname");
	close(fd);
	return ntohs(a.sin_port);
}

void harness_http(uint16_t port, const char *method, const char *path, struct http_resp *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { 5, 0 };
	char req[512];
	char *buf = NULL, *sep;
	size_t len = 0, cap = 0;
	int fd, n;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return;
	}
	n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%u\r\n\r\n", method, path,
		     port);
	CHECK(write(fd, req, (size_t)n) == n, "write: %s", strerror(errno));
	for (;;) {
		ssize_t k;

		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			CHECK(buf, "out of memory");
		}
		k = read(fd, buf + len, cap - len - 1);
		CHECK(k >= 0, "read: %s", strerror(errno));
		if (k == 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	if (!buf)
		return;
	buf[len] = '\0';
	sep = strstr(buf, "\r\n\r\n");
	CHECK(sep && sscanf(buf, "HTTP/1.%*d %d", &r->status) == 1, "bad HTTP response: %.200s", buf);
	r->body_len = len - (size_t)(sep + 4 - buf);
	r->body = malloc(r->body_len + 1);
	CHECK(r->body, "out of memory");
	memcpy(r->body, sep + 4, r->body_len);
	r->body[r->body_len] = '\0';
	sep[2] = '\0';
	r->headers = buf;
}

void harness_http_free(struct http_resp *r)
{
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

const char *harness_http_header(struct http_resp *r, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);

	for (const char *l = r->headers ? strstr(r->headers, "\r\n") : NULL; l && l[2];
	     l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2, *e = strstr(h, "\r\n");

		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			h += nl + 1;
			while (*h == ' ')
				h++;
			snprintf(buf, len, "%.*s", (int)(e - h), h);
			return buf;
		}
	}
	return NULL;
}

int harness_http_wait(uint16_t port, const char *path, int status, int timeout_ms)
{
	int64_t end = harness_now_ms() + timeout_ms;

	do {
		struct http_resp r;
		int got;

		harness_http(port, "GET", path, &r);
		got = r.status;
		harness_http_free(&r);
		if (got == status)
			return 1;
		harness_sleep_ms(20);
	} while (harness_now_ms() < end);
	return 0;
}

int harness_notify_open(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHECK(dir[0], "harness_setup first");
	CHECK(fd >= 0, "socket: %s", strerror(errno));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/notify.sock", dir);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind %s: %s", a.sun_path,
	      strerror(errno));
	setenv("NOTIFY_SOCKET", a.sun_path, 1);
	return fd;
}

int harness_notify_wait(int fd, const char *needle, int timeout_ms)
{
	int64_t end = harness_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - harness_now_ms();
		char msg[1024];
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			continue;
		msg[n] = '\0';
		if (strstr(msg, needle))
			return 1;
	}
}

void harness_notify_drain(int fd)
{
	char msg[1024];

	while (recv(fd, msg, sizeof(msg), MSG_DONTWAIT) >= 0)
		;
}

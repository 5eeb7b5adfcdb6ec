/*
 * Small helpers shared by the IKE tests: checks that count failures and
 * report the line, and hex decoding of test vectors.
 */
#ifndef TESTS_IKE_TEST_UTIL_H
#define TESTS_IKE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failures;
static int t_checks;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		t_checks++;                                                           \
		if (!(cond)) {                                                        \
			t_failures++;                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                               \
		}                                                                     \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                            \
	do {                                                                          \
		long long a_ = (long long)(a), b_ = (long long)(b);                   \
		t_checks++;                                                           \
		if (a_ != b_) {                                                       \
			t_failures++;                                                 \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",   \
				__FILE__, __LINE__, #a, a_, #b, b_);                  \
		}                                                                     \
	} while (0)

#define CHECK_MEM(a, b, n)                                                            \
	do {                                                                          \
		t_checks++;                                                           \
		if (memcmp((a), (b), (n)) != 0) {                                     \
			t_failures++;                                                 \
			fprintf(stderr, "%s:%d: %s differs from %s (%zu octets)\n",   \
				__FILE__, __LINE__, #a, #b, (size_t)(n));             \
		}                                                                     \
	} while (0)

static inline int t_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex (spaces ignored) into a malloc'd buffer; *len gets its length. */
static inline unsigned char *t_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	unsigned char *out = malloc(n / 2 + 1);
	size_t o = 0;
	int hi = -1;
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		int v = t_hexval(hex[i]);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[o++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		abort(); /* odd number of digits: a broken vector */
	*len = o;
	return out;
}

static inline int t_done(const char *name)
{
	if (t_failures) {
		fprintf(stderr, "%s: %d of %d checks FAILED\n", name, t_failures, t_checks);
		return 1;
	}
	printf("%s: %d checks passed\n", name, t_checks);
	return 0;
}

#endif

/*
 * libFuzzer target for the CLI grammar. An input whose first byte is odd
 * is a list of word choices from a vocabulary drawn from the help text
 * (so the fuzzer reaches deep into each command); otherwise it is a raw
 * line. Every request that parses must encode, decode and free cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "parse.h"

static char *vocab[512];
static size_t nvocab;

static void fuzz_add(const char *w, size_t n)
{
	for (size_t i = 0; i < nvocab; i++)
		if (strlen(vocab[i]) == n && memcmp(vocab[i], w, n) == 0)
			return;
	if (nvocab < sizeof(vocab) / sizeof(vocab[0]))
		vocab[nvocab++] = strndup(w, n);
}

static void fuzz_words(void *ctx, const char *text)
{
	(void)ctx;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " []()|.<>");
		if (n > 1 && strchr("abcdefghijklmnopqrstuvwxyz0123456789-", p[0]) && p[n - 1] != ':')
			fuzz_add(p, n);
		p += n;
		if (*p)
			p++;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const values[] = {
		"0", "1", "10", "65535", "65536", "4294967295", "4294967296", "-1", "0x3e9", "192.0.2.1",
		"192.0.2.0/24", "2001:db8::1", "2001:db8::/32", "::", "08:00:27:12:3c:cc", "abcd", "0xabcd",
		"4a506a794f574265564551694d653768", "lan0", "ipsec0", "loop0", "pr1", "\"a b\"", "-", "#", "?",
		"0000:02:00.0", "net_null0", "/tmp/x.pem", "", "256", "ffffffffffffffff", "1/33",
	};

	(void)argc, (void)argv;
	grammar_help("", fuzz_words, NULL);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		fuzz_add(values[i], strlen(values[i]));
	return 0;
}

static void fuzz_ignore(void *ctx, const char *text)
{
	(void)ctx, (void)text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[GRAMMAR_MAX_LINE + 64];
	size_t off = 0;
	gw_env *req = NULL;
	char err[512];
	struct cli_line l;

	if (size && (data[0] & 1)) {
		for (size_t i = 1; i < size && off + 80 < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s", off ? " " : "",
						vocab[data[i] % nvocab]);
	} else {
		off = size > GRAMMAR_MAX_LINE + 8 ? GRAMMAR_MAX_LINE + 8 : size;
		memcpy(line, data, off);
	}
	line[off] = '\0';

	if (cli_parse_request(line, &req, err, sizeof(err)) == 1) {
		size_t len = ipsecgw__v1__envelope__get_packed_size(req);
		uint8_t *buf = malloc(len + 1);
		ipsecgw__v1__envelope__pack(req, buf);
		gw_env *back = ipsecgw__v1__envelope__unpack(NULL, len, buf);
		if (!back)
			abort(); /* a request that parses must encode */
		ipsecgw__v1__envelope__free_unpacked(back, NULL);
		free(buf);
	} else if (req) {
		abort(); /* the contract: *req NULL unless 1 */
	}
	cli_request_free(req);
	if (grammar_parse(line, &l, err, sizeof(err)) == 0)
		grammar_line_free(&l);
	else if (!err[0])
		abort(); /* every error has a message */
	grammar_complete(line, fuzz_ignore, NULL);
	return 0;
}

/* ipsecctl: the operator's CLI for ipsecgw. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "instance.h"
#include "repl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecctl [--instance NAME] [-n] [-k] [--json] [-f FILE] [-t TIMEOUT_MS] [COMMAND...]\n"
		"\n"
		"Configure and inspect an ipsecgw instance with the VPP CLI commands.\n"
		"With COMMAND, run it once; with -f FILE, run each line of FILE; otherwise\n"
		"read commands interactively (stdin a terminal) or from stdin.\n"
		"\n"
		"  -i, --instance NAME  the instance to talk to (default \"%s\")\n"
		"  -n, --dry-run        parse only: print the requests, send nothing\n"
		"  -k, --keys           show keys and pre-shared secrets (hidden otherwise)\n"
		"  -j, --json           print shows (and -n requests) as JSON\n"
		"  -f, --file FILE      run the commands in FILE, stop at the first error\n"
		"  -t, --timeout MS     wait at most MS milliseconds for each reply (default 5000)\n"
		"  -h, --help           this text; 'ipsecctl help' lists the commands\n"
		"\n%s",
		GW_DEFAULT_INSTANCE, ctl_exit_help);
}

/* COMMAND words joined by spaces into one line (quote inside the words for
 * a value with blanks: ipsecctl ... string '"two words"'). */
static char *join_words(int n, char **w)
{
	size_t len = 1, off = 0;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, len - off, "%s%s", i ? " " : "", w[i]);
	return s;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "instance", required_argument, NULL, 'i' }, { "dry-run", no_argument, NULL, 'n' },
		{ "keys", no_argument, NULL, 'k' },           { "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },     { "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
	};
	const char *instance = GW_DEFAULT_INSTANCE, *file = NULL;
	struct ctl c;
	int opt, rc;
	bool quit = false;
	long t;
	char *end;

	ctl_init(&c, instance);
	while ((opt = getopt_long(argc, argv, "+i:nkjf:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': instance = optarg; break;
		case 'n': c.dry_run = true; break;
		case 'k': c.keys = true; break;
		case 'j': c.json = true; break;
		case 'f': file = optarg; break;
		case 't':
			t = strtol(optarg, &end, 10);
			if (*end || t <= 0 || t > 3600000) {
				fprintf(stderr, "ipsecctl: -t wants milliseconds 1-3600000, got '%s'\n", optarg);
				return CTL_USAGE;
			}
			c.timeout_ms = (int)t;
			break;
		case 'h': usage(stdout); return CTL_OK;
		default: usage(stderr); return CTL_USAGE;
		}
	}
	if (gw_instance_valid(instance) < 0) {
		fprintf(stderr, "ipsecctl: bad instance name '%s' (letters, digits, _ and -, at most 31)\n", instance);
		return CTL_USAGE;
	}
	c.instance = instance;
	if (file && optind < argc) {
		fprintf(stderr, "ipsecctl: give either -f FILE or a COMMAND, not both\n");
		return CTL_USAGE;
	}
	if (optind < argc) {
		char *line = join_words(argc - optind, argv + optind);
		if (!line) {
			fprintf(stderr, "ipsecctl: out of memory\n");
			return CTL_ERROR;
		}
		rc = ctl_line(&c, line, &quit);
		free(line);
	} else if (file) {
		rc = ctl_file(&c, file);
	} else if (isatty(STDIN_FILENO)) {
		rc = repl_run(&c);
	} else {
		rc = ctl_stream(&c, stdin, "<stdin>");
	}
	ctl_fini(&c);
	return rc;
}

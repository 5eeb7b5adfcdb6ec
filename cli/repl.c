#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grammar.h"
#include "instance.h"
#include "repl.h"

struct repl {
	struct ctl *ctl;
	char prompt[64];
	FILE *out;
};

static char *repl_prompt(EditLine *el)
{
	struct repl *r;

	el_get(el, EL_CLIENTDATA, &r);
	return r->prompt;
}

static void repl_emit(void *ctx, const char *text)
{
	fprintf(ctx, "%s\n", text);
}

/* The line up to the cursor, NUL-terminated, into buf. */
static void repl_before_cursor(EditLine *el, char *buf, size_t len)
{
	const LineInfo *li = el_line(el);
	size_t n = (size_t)(li->cursor - li->buffer);

	if (n >= len)
		n = len - 1;
	memcpy(buf, li->buffer, n);
	buf[n] = '\0';
}

static bool repl_in_quotes(const char *s)
{
	bool q = false;

	for (; *s; s++) {
		if (q && *s == '\\' && s[1])
			s++;
		else if (*s == '"')
			q = !q;
	}
	return q;
}

static void repl_list(EditLine *el, const char *partial)
{
	struct repl *r;

	el_get(el, EL_CLIENTDATA, &r);
	fputc('\n', r->out);
	if (grammar_complete(partial, repl_emit, r->out) == 0)
		fprintf(r->out, "  (nothing can follow)\n");
	fflush(r->out);
}

/* '?': list what may follow, keep the line. */
static unsigned char repl_help(EditLine *el, int ch)
{
	char buf[GRAMMAR_MAX_LINE + 1];

	(void)ch;
	repl_before_cursor(el, buf, sizeof(buf));
	if (repl_in_quotes(buf)) {
		el_insertstr(el, "?");
		return CC_REFRESH;
	}
	repl_list(el, buf);
	return CC_REDISPLAY;
}

/* TAB: complete the keyword being typed, or list the candidates. */
static unsigned char repl_complete(EditLine *el, int ch)
{
	char buf[GRAMMAR_MAX_LINE + 1], word[64];
	const char *last;
	size_t typed;

	(void)ch;
	repl_before_cursor(el, buf, sizeof(buf));
	if (repl_in_quotes(buf))
		return CC_ERROR;
	if (grammar_complete_word(buf, word, sizeof(word)) == 0) {
		last = strrchr(buf, ' ');
		last = last ? last + 1 : buf;
		typed = strlen(last);
		if (typed <= strlen(word)) {
			el_insertstr(el, word + typed);
			el_insertstr(el, " ");
			return CC_REFRESH;
		}
	}
	repl_list(el, buf);
	return CC_REDISPLAY;
}

static int repl_history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");
	int n;

	if (!home || !*home)
		return -1;
	n = snprintf(buf, len, "%s/.ipsecctl_history", home);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Lines that carry secrets stay out of the history. */
static bool repl_secret(const char *line)
{
	static const char *const words[] = { "crypto-key", "integ-key", "shared-key-mic", NULL };

	for (const char *const *w = words; *w; w++)
		if (strstr(line, *w))
			return true;
	return false;
}

int repl_run(struct ctl *c)
{
	struct repl r = { .ctl = c, .out = c->out };
	char hpath[512];
	bool have_hist = repl_history_path(hpath, sizeof(hpath)) == 0;
	EditLine *el = el_init("ipsecctl", stdin, c->out, c->err);
	History *h = history_init();
	HistEvent ev;
	int rc = CTL_OK;
	bool quit = false;

	if (!el || !h) {
		if (el)
			el_end(el);
		if (h)
			history_end(h);
		fprintf(c->err, "ipsecctl: cannot start line editing\n");
		return CTL_ERROR;
	}
	if (strcmp(c->instance, GW_DEFAULT_INSTANCE) == 0)
		snprintf(r.prompt, sizeof(r.prompt), "ipsecgw# ");
	else
		snprintf(r.prompt, sizeof(r.prompt), "ipsecgw[%s]# ", c->instance);
	history(h, &ev, H_SETSIZE, 1000);
	history(h, &ev, H_SETUNIQUE, 1);
	if (have_hist)
		history(h, &ev, H_LOAD, hpath);
	el_set(el, EL_CLIENTDATA, &r);
	el_set(el, EL_PROMPT, repl_prompt);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, h);
	/* the wide form: the narrow one leaks its converted copies (libedit) */
	el_wset(el, EL_ADDFN, L"ipsecctl-help", L"List what may follow", repl_help);
	el_wset(el, EL_ADDFN, L"ipsecctl-complete", L"Complete the keyword", repl_complete);
	el_set(el, EL_BIND, "?", "ipsecctl-help", NULL);
	el_set(el, EL_BIND, "^I", "ipsecctl-complete", NULL);

	while (!quit) {
		int n;
		const char *line = el_gets(el, &n);
		if (!line || n <= 0) {
			fputc('\n', c->out);
			break;
		}
		if (strspn(line, " \t\r\n") != strlen(line) && !repl_secret(line))
			history(h, &ev, H_ENTER, line);
		rc = ctl_line(c, line, &quit);
	}
	if (have_hist) {
		mode_t old = umask(077);
		history(h, &ev, H_SAVE, hpath);
		umask(old);
	}
	history_end(h);
	el_end(el);
	return rc;
}

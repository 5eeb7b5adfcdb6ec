#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grammar.h"
#include "req.h"
#include "value.h"

/* The words of one line, unquoted. */
struct words {
	char buf[GRAMMAR_MAX_LINE + 1];
	const char *w[PATTERN_MAX_WORDS];
	unsigned start[PATTERN_MAX_WORDS];  /* offset in the line */
	bool quoted[PATTERN_MAX_WORDS];
	int n;
	bool trailing_space;
};

static int grammar_split(const char *line, struct words *ws, char *err, size_t errlen)
{
	size_t len = strlen(line), o = 0;
	const char *p = line;

	ws->n = 0;
	ws->trailing_space = true;
	if (len > GRAMMAR_MAX_LINE) {
		snprintf(err, errlen, "line longer than %d characters", GRAMMAR_MAX_LINE);
		return -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (ws->n == PATTERN_MAX_WORDS) {
			snprintf(err, errlen, "more than %d words", PATTERN_MAX_WORDS);
			return -1;
		}
		ws->start[ws->n] = (unsigned)(p - line);
		ws->quoted[ws->n] = *p == '"';
		ws->w[ws->n++] = ws->buf + o;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p) {
					snprintf(err, errlen, "unterminated quote in word %d", ws->n);
					return -1;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				ws->buf[o++] = *p;
			}
			p++;
		} else {
			while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				ws->buf[o++] = *p++;
		}
		ws->buf[o++] = '\0';
		ws->trailing_space = *p != '\0';
	}
	return 0;
}

/* Whether W can be the first word of PATTERN (a cheap filter before
 * compiling it): every row starts with a keyword, "word/alias|other". */
static bool grammar_first_ok(const char *pattern, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = pattern; *p && *p != ' ';) {
		size_t n = strcspn(p, "/| ");
		if (n == wl && memcmp(p, w, n) == 0)
			return true;
		p += n;
		if (*p == '/' || *p == '|')
			p++;
	}
	return false;
}

static void grammar_head(char *buf, size_t len, const char *const *w, int n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		int k = snprintf(buf + off, len - off, "%s%s", i ? " " : "", w[i]);
		if (k < 0)
			break;
		off += (size_t)k;
	}
}

static void grammar_error(const struct match_state *s, char *err, size_t errlen)
{
	char head[96], list[400];
	size_t off = 0;
	int shown = 0, total = 0;
	bool strong = false;

	if (s->overflow) {
		snprintf(err, errlen, "line too complex to parse");
		return;
	}
	if (s->fpos <= 0 || s->fhead <= 0) {
		snprintf(err, errlen, "unknown command '%s' (try 'help')", s->word[0]);
		return;
	}
	for (int i = 0; i < s->nexp; i++)
		strong |= s->exp[i].strong;
	list[0] = '\0';
	for (int i = 0; i < s->nexp; i++) {
		if (strong && !s->exp[i].strong)
			continue;
		total++;
		if (shown == 8)
			continue;
		int k = snprintf(list + off, sizeof(list) - off, "%s%s", shown ? ", " : "", s->exp[i].text);
		if (k < 0 || (size_t)k >= sizeof(list) - off)
			break;
		off += (size_t)k;
		shown++;
	}
	if (total > shown && off + 5 < sizeof(list))
		strcat(list, ", ...");
	grammar_head(head, sizeof(head), s->word, s->fhead);
	char got[80];
	if (s->fpos < s->nword && s->fsecret)
		snprintf(got, sizeof(got), "<hidden>");
	else if (s->fpos < s->nword)
		snprintf(got, sizeof(got), "'%.60s'", s->word[s->fpos]);
	else
		snprintf(got, sizeof(got), "end of line");
	snprintf(err, errlen, "%s: expected %s%s, got %s%s%s%s", head, total > 1 ? "one of " : "", list, got,
		 s->why[0] ? " (" : "", s->why, s->why[0] ? ")" : "");
}

/* A trailing "?" (alone or glued to the last word) asks for completions. */
static bool grammar_wants_completion(const char *line, const struct words *ws, size_t *cut)
{
	int last = ws->n - 1;
	size_t l;

	if (ws->n == 0 || ws->quoted[last])
		return false;
	l = strlen(ws->w[last]);
	if (ws->w[last][l - 1] != '?')
		return false;
	if (l == 1 && ws->n == 1)
		return false; /* "?" alone is the help command */
	*cut = ws->start[last] + l - 1;
	(void)line;
	return true;
}

int grammar_parse(const char *line, struct cli_line *out, char *err, size_t errlen)
{
	struct words ws;
	struct pattern p;
	struct match_state s;
	size_t cut;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	if (grammar_split(line, &ws, err, errlen) < 0)
		return -1;
	if (ws.n == 0)
		return 0;
	if (grammar_wants_completion(line, &ws, &cut)) {
		out->kind = CLI_HELP;
		out->complete = true;
		out->arg = strndup(line, cut);
		if (!out->arg) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	pattern_state_init(&s, ws.w, ws.n, false);
	for (size_t i = 0; i < cmd_table_len; i++) {
		if (!grammar_first_ok(cmd_table[i].pattern, ws.w[0]))
			continue;
		if (pattern_compile(cmd_table[i].pattern, &p) < 0) {
			snprintf(err, errlen, "internal error: bad pattern %zu", i);
			return -1;
		}
		if (!pattern_match(&p, &s))
			continue;
		struct cli_match m = { .word = ws.w, .cap = s.cap, .ncap = s.ncap, .arg = cmd_table[i].arg };
		grammar_head(m.head, sizeof(m.head), ws.w, p.head < ws.n ? p.head : ws.n);
		if (cmd_table[i].fn(&m, out, err, errlen) < 0) {
			grammar_line_free(out);
			if (errlen && !err[0])
				snprintf(err, errlen, "%s: out of memory", m.head);
			return -1;
		}
		return 0;
	}
	grammar_error(&s, err, errlen);
	return -1;
}

void grammar_line_free(struct cli_line *line)
{
	if (!line)
		return;
	req_free(line->req);
	free(line->arg);
	memset(line, 0, sizeof(*line));
}

/* ---- help and completion ------------------------------------------------- */

struct legend {
	char name[32][40];
	int type[32];
	int n;
};

static void grammar_legend_add(void *ctx, const char *name, unsigned len, int type)
{
	struct legend *l = ctx;
	char nm[40];

	snprintf(nm, sizeof(nm), "<%.*s>", (int)len, name);
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->name[i], nm) == 0)
			return;
	if (l->n < 32) {
		memcpy(l->name[l->n], nm, sizeof(nm));
		l->type[l->n++] = type;
	}
}

/* Emit TEXT wrapped at word boundaries to GRAMMAR_HELP_WIDTH columns,
 * continuation lines indented by six spaces. */
#define GRAMMAR_HELP_WIDTH 78

static void grammar_wrap(const char *text, grammar_emit_fn emit, void *ctx)
{
	char line[GRAMMAR_HELP_WIDTH + 64];
	const char *p = text;
	size_t indent = 0;

	while (*p) {
		size_t room = GRAMMAR_HELP_WIDTH - indent, n = strlen(p);
		if (n > room) {
			/* break before an option ("[") if one starts late enough, else at a space */
			size_t k = room;
			while (k > room / 2 && !(p[k] == ' ' && p[k + 1] == '['))
				k--;
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (k > room / 2)
				n = k;
			if (n == 0) /* one long word */
				n = strcspn(p, " ");
		}
		snprintf(line, sizeof(line), "%*s%.*s", (int)indent, "", (int)n, p);
		emit(ctx, line);
		p += n;
		while (*p == ' ')
			p++;
		indent = 6;
	}
}

int grammar_help(const char *topic, grammar_emit_fn emit, void *ctx)
{
	struct words tw;
	struct pattern p;
	struct match_state s;
	struct legend lg = { .n = 0 };
	char line[1024], err[64];
	int count = 0;
	bool want[256] = { false };

	if (grammar_split(topic ? topic : "", &tw, err, sizeof(err)) < 0)
		return 0;
	for (size_t i = 0; i < cmd_table_len && i < 256; i++) {
		if (pattern_compile(cmd_table[i].pattern, &p) < 0)
			continue;
		pattern_state_init(&s, tw.w, tw.n, true);
		pattern_match(&p, &s);
		want[i] = s.nexp > 0;
		count += want[i];
	}
	for (size_t i = 0; i < cmd_table_len && i < 256; i++) {
		if (!want[i] || pattern_compile(cmd_table[i].pattern, &p) < 0)
			continue;
		pattern_render(&p, line, sizeof(line));
		grammar_wrap(line, emit, ctx);
		snprintf(line, sizeof(line), "    %s", cmd_table[i].help);
		emit(ctx, line);
		if (count <= 10) /* a narrowed list explains its values */
			pattern_values(&p, grammar_legend_add, &lg);
	}
	if (lg.n) {
		emit(ctx, "where:");
		for (int i = 0; i < lg.n; i++) {
			char d[300];
			const char *q = d;
			value_describe(lg.type[i], d, sizeof(d));
			/* long name lists wrap after a '|' */
			for (bool first = true; *q; first = false) {
				size_t n = strlen(q), room = GRAMMAR_HELP_WIDTH - 23;
				if (n > room) {
					n = room;
					while (n > 1 && q[n - 1] != '|')
						n--;
				}
				snprintf(line, sizeof(line), "    %-18s %.*s", first ? lg.name[i] : "", (int)n, q);
				emit(ctx, line);
				q += n;
			}
		}
	}
	return count;
}

struct cands {
	struct expect e[PATTERN_MAX_EXPECT * 2];
	int n;
};

static int grammar_cmp_expect(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;
	int rx = x->keyword ? 0 : x->value ? 1 : 2, ry = y->keyword ? 0 : y->value ? 1 : 2;

	return rx != ry ? rx - ry : strcmp(x->text, y->text);
}

/* Candidates for what may follow PARTIAL; *prefix points at the partial word. */
static int grammar_candidates(const char *partial, struct cands *c, char *prefix, size_t plen)
{
	struct words ws;
	struct pattern p;
	struct match_state s;
	char err[64];
	int n;

	c->n = 0;
	prefix[0] = '\0';
	if (grammar_split(partial, &ws, err, sizeof(err)) < 0)
		return -1;
	n = ws.n;
	if (n > 0 && !ws.trailing_space) {
		snprintf(prefix, plen, "%s", ws.w[n - 1]);
		n--;
	}
	for (size_t i = 0; i < cmd_table_len; i++) {
		if (n > 0 && !grammar_first_ok(cmd_table[i].pattern, ws.w[0]))
			continue;
		if (pattern_compile(cmd_table[i].pattern, &p) < 0)
			continue;
		pattern_state_init(&s, ws.w, n, true);
		pattern_match(&p, &s);
		for (int k = 0; k < s.nexp; k++) {
			const struct expect *e = &s.exp[k];
			bool dup = false;
			if (e->keyword && strncmp(e->text + 1, prefix, strlen(prefix)) != 0)
				continue;
			if (e->eol && prefix[0])
				continue;
			for (int j = 0; j < c->n; j++)
				dup |= strcmp(c->e[j].text, e->text) == 0;
			if (!dup && c->n < (int)(sizeof(c->e) / sizeof(c->e[0])))
				c->e[c->n++] = *e;
		}
	}
	qsort(c->e, (size_t)c->n, sizeof(c->e[0]), grammar_cmp_expect);
	return c->n;
}

int grammar_complete(const char *partial, grammar_emit_fn emit, void *ctx)
{
	struct cands c;
	char prefix[GRAMMAR_MAX_LINE + 1], line[400], d[300];

	if (grammar_candidates(partial, &c, prefix, sizeof(prefix)) < 0)
		return 0;
	for (int i = 0; i < c.n; i++) {
		const struct expect *e = &c.e[i];
		if (e->keyword) {
			snprintf(line, sizeof(line), "  %.*s", (int)strlen(e->text) - 2, e->text + 1);
		} else if (e->value) {
			const char *q = strchr(e->text + 1, '\'');
			char name[48];
			snprintf(name, sizeof(name), "<%.*s>", q ? (int)(q - e->text - 1) : 0, e->text + 1);
			value_describe(e->type, d, sizeof(d));
			snprintf(line, sizeof(line), "  %-18s %s", name, d);
		} else {
			snprintf(line, sizeof(line), "  <cr>");
		}
		emit(ctx, line);
	}
	return c.n;
}

int grammar_complete_word(const char *partial, char *buf, size_t len)
{
	struct cands c;
	char prefix[GRAMMAR_MAX_LINE + 1];
	int found = -1, n = 0;

	if (grammar_candidates(partial, &c, prefix, sizeof(prefix)) < 0)
		return -1;
	for (int i = 0; i < c.n; i++) {
		if (c.e[i].keyword) {
			found = i;
			n++;
		} else if (c.e[i].value) {
			return -1; /* a value may come here: nothing to insert */
		}
	}
	if (n != 1)
		return -1;
	snprintf(buf, len, "%.*s", (int)strlen(c.e[found].text) - 2, c.e[found].text + 1);
	return 0;
}

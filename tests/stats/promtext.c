/* Prometheus text format 0.0.4 checker for tests. */
#include "promtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAMILIES 512
#define MAX_LABELS 16
#define NAME_MAX_LEN 200

struct family {
	char name[NAME_MAX_LEN];
	char type[16];
	int has_help, has_type, has_samples, closed;
};

struct checker {
	struct family fam[MAX_FAMILIES];
	int nfam;
	int current;                    /* family whose lines we are in, -1 none */
	char **series;
	size_t nseries, capseries;
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "line %d: ", c->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_name_start(char ch, int colon)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (colon && ch == ':');
}

static int is_name_char(char ch, int colon)
{
	return is_name_start(ch, colon) || (ch >= '0' && ch <= '9');
}

/* Length of a metric (colon = 1) or label (colon = 0) name at s, 0 if none. */
static size_t name_len(const char *s, int colon)
{
	size_t n = 0;

	if (!is_name_start(s[0], colon))
		return 0;
	while (is_name_char(s[n], colon))
		n++;
	return n;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0 && s[i] >= 0xc2)
			len = 2;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3;
		else if ((s[i] & 0xf8) == 0xf0 && s[i] <= 0xf4)
			len = 4;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static int find_family(struct checker *c, const char *name, size_t n)
{
	for (int i = 0; i < c->nfam; i++)
		if (strlen(c->fam[i].name) == n && memcmp(c->fam[i].name, name, n) == 0)
			return i;
	return -1;
}

/* Makes f the current family: the previous one may not come back. */
static int enter_family(struct checker *c, int f)
{
	if (c->current == f)
		return 0;
	if (c->fam[f].closed)
		return fail(c, "family %s appears again after another family", c->fam[f].name);
	if (c->current >= 0)
		c->fam[c->current].closed = 1;
	c->current = f;
	return 0;
}

static int comment_line(struct checker *c, const char *l, size_t len)
{
	int help = len > 7 && strncmp(l, "# HELP ", 7) == 0;
	int type = len > 7 && strncmp(l, "# TYPE ", 7) == 0;
	const char *name = l + 7, *rest;
	size_t n;
	int f;

	if (!help && !type)
		return 0; /* an ordinary comment */
	if (!(n = name_len(name, 1)) || n >= NAME_MAX_LEN)
		return fail(c, "bad metric name in %s", help ? "HELP" : "TYPE");
	rest = name + n;
	if ((f = find_family(c, name, n)) < 0) {
		if (c->nfam == MAX_FAMILIES)
			return fail(c, "too many families");
		f = c->nfam++;
		memset(&c->fam[f], 0, sizeof(c->fam[f]));
		memcpy(c->fam[f].name, name, n);
	}
	if (enter_family(c, f) < 0)
		return -1;
	if (help) {
		if (c->fam[f].has_help)
			return fail(c, "second HELP for %s", c->fam[f].name);
		if (*rest != ' ' || rest + 1 >= l + len)
			return fail(c, "HELP for %s has no text", c->fam[f].name);
		for (const char *p = rest + 1; p < l + len; p++) {
			if (*p != '\\')
				continue;
			if (p + 1 >= l + len || (p[1] != '\\' && p[1] != 'n'))
				return fail(c, "bad escape in HELP of %s", c->fam[f].name);
			p++;
		}
		c->fam[f].has_help = 1;
		return 0;
	}
	if (c->fam[f].has_type)
		return fail(c, "second TYPE for %s", c->fam[f].name);
	if (c->fam[f].has_samples)
		return fail(c, "TYPE for %s after its samples", c->fam[f].name);
	if (*rest != ' ' || (size_t)(l + len - rest - 1) >= sizeof(c->fam[f].type))
		return fail(c, "bad TYPE line");
	memcpy(c->fam[f].type, rest + 1, (size_t)(l + len - rest - 1));
	c->fam[f].type[l + len - rest - 1] = '\0';
	if (strcmp(c->fam[f].type, "counter") && strcmp(c->fam[f].type, "gauge") &&
	    strcmp(c->fam[f].type, "histogram") && strcmp(c->fam[f].type, "summary") &&
	    strcmp(c->fam[f].type, "untyped"))
		return fail(c, "unknown type '%s'", c->fam[f].type);
	if (strcmp(c->fam[f].type, "counter") == 0 &&
	    (n < 6 || strcmp(c->fam[f].name + n - 6, "_total") != 0))
		return fail(c, "counter %s does not end in _total", c->fam[f].name);
	c->fam[f].has_type = 1;
	return 0;
}

/* The family a sample name belongs to, counting histogram/summary suffixes. */
static int sample_family(struct checker *c, const char *name, size_t n)
{
	static const char *const sfx[] = { "_bucket", "_sum", "_count" };
	int f = find_family(c, name, n);

	if (f >= 0)
		return f;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t k = strlen(sfx[i]);

		if (n > k && memcmp(name + n - k, sfx[i], k) == 0 &&
		    (f = find_family(c, name, n - k)) >= 0 &&
		    (!strcmp(c->fam[f].type, "histogram") ||
		     (!strcmp(c->fam[f].type, "summary") && i > 0)))
			return f;
	}
	return -1;
}

static int valid_value(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if ((n == 3 && !memcmp(s, "NaN", 3)) || (n == 4 && (!memcmp(s, "+Inf", 4) || !memcmp(s, "-Inf", 4))))
		return 1;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, e++;
		if (!e)
			return 0;
	}
	return i == n;
}

struct label {
	const char *name;
	size_t nlen;
	const char *val;
	size_t vlen;
};

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int r = memcmp(x->name, y->name, n);

	return r ? r : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

static int add_series(struct checker *c, const char *name, size_t n, struct label *lab, int nl)
{
	size_t len = n + 1;
	char *s, *p;

	qsort(lab, (size_t)nl, sizeof(*lab), cmp_label);
	for (int i = 0; i < nl; i++) {
		if (i && cmp_label(&lab[i - 1], &lab[i]) == 0)
			return fail(c, "label %.*s twice", (int)lab[i].nlen, lab[i].name);
		len += lab[i].nlen + lab[i].vlen + 4;
	}
	if (!(s = p = malloc(len)))
		return fail(c, "out of memory");
	p += sprintf(p, "%.*s", (int)n, name);
	for (int i = 0; i < nl; i++)
		p += sprintf(p, "|%.*s=%.*s", (int)lab[i].nlen, lab[i].name, (int)lab[i].vlen,
			     lab[i].val);
	if (c->nseries == c->capseries) {
		char **ns;

		c->capseries = c->capseries ? 2 * c->capseries : 256;
		if (!(ns = realloc(c->series, c->capseries * sizeof(*ns)))) {
			free(s);
			return fail(c, "out of memory");
		}
		c->series = ns;
	}
	c->series[c->nseries++] = s;
	return 0;
}

static int sample_line(struct checker *c, const char *l, size_t len)
{
	struct label lab[MAX_LABELS];
	const char *p = l, *end = l + len, *v;
	size_t n = name_len(l, 1);
	int nl = 0, f;

	if (!n)
		return fail(c, "bad metric name");
	if ((f = sample_family(c, l, n)) < 0 || !c->fam[f].has_help || !c->fam[f].has_type)
		return fail(c, "sample %.*s without HELP and TYPE before it", (int)n, l);
	if (enter_family(c, f) < 0)
		return -1;
	c->fam[f].has_samples = 1;
	p += n;
	if (p < end && *p == '{') {
		p++;
		while (p < end && *p != '}') {
			size_t k = name_len(p, 0);

			if (!k)
				return fail(c, "bad label name");
			if (k >= 2 && p[0] == '_' && p[1] == '_')
				return fail(c, "reserved label name %.*s", (int)k, p);
			if (nl == MAX_LABELS)
				return fail(c, "too many labels");
			lab[nl].name = p;
			lab[nl].nlen = k;
			p += k;
			if (p + 1 >= end || p[0] != '=' || p[1] != '"')
				return fail(c, "label %.*s: expected =\"", (int)k, lab[nl].name);
			p += 2;
			lab[nl].val = p;
			while (p < end && *p != '"') {
				if (*p == '\\') {
					if (p + 1 >= end || (p[1] != '\\' && p[1] != '"' && p[1] != 'n'))
						return fail(c, "bad escape in label value");
					p++;
				}
				p++;
			}
			if (p >= end)
				return fail(c, "unterminated label value");
			lab[nl].vlen = (size_t)(p - lab[nl].val);
			nl++;
			p++;
			if (p < end && *p == ',')
				p++;
			else if (p < end && *p != '}')
				return fail(c, "expected , or } after a label");
		}
		if (p >= end)
			return fail(c, "unterminated label set");
		p++;
	}
	if (p >= end || (*p != ' ' && *p != '\t'))
		return fail(c, "expected whitespace before the value");
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	v = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	if (!valid_value(v, (size_t)(p - v)))
		return fail(c, "bad value '%.*s'", (int)(p - v), v);
	if (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '-')
			p++;
		if (p == end)
			return fail(c, "trailing whitespace");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p != end)
			return fail(c, "garbage after the value");
	}
	return add_series(c, l, n, lab, nl);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int promtext_check(const char *text, char *err, size_t errlen, int *families, int *samples)
{
	struct checker *c = calloc(1, sizeof(*c));
	size_t total = strlen(text);
	int rc = 0;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->current = -1;
	c->err = err;
	c->errlen = errlen;
	if (!utf8_valid((const unsigned char *)text, total))
		rc = fail(c, "text is not valid UTF-8");
	else if (total && text[total - 1] != '\n')
		rc = fail(c, "last line is not terminated by a newline");
	for (const char *l = text; rc == 0 && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = (size_t)(nl - l);

		c->line++;
		if (memchr(l, '\r', len))
			rc = fail(c, "carriage return");
		else if (len > 0 && l[0] == '#')
			rc = comment_line(c, l, len);
		else if (len > 0)
			rc = sample_line(c, l, len); /* empty lines are allowed */
		l = nl + 1;
	}
	if (rc == 0) {
		qsort(c->series, c->nseries, sizeof(*c->series), cmp_str);
		for (size_t i = 1; i < c->nseries; i++)
			if (strcmp(c->series[i - 1], c->series[i]) == 0) {
				snprintf(err, errlen, "duplicate series %s", c->series[i]);
				rc = -1;
				break;
			}
	}
	for (int i = 0; rc == 0 && i < c->nfam; i++)
		if (!c->fam[i].has_help || !c->fam[i].has_type) {
			snprintf(err, errlen, "family %s lacks %s", c->fam[i].name,
				 c->fam[i].has_help ? "TYPE" : "HELP");
			rc = -1;
		}
	if (families)
		*families = c->nfam;
	if (samples)
		*samples = (int)c->nseries;
	for (size_t i = 0; i < c->nseries; i++)
		free(c->series[i]);
	free(c->series);
	free(c);
	return rc;
}

int promtext_value(const char *text, const char *series, double *v)
{
	size_t n = strlen(series);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, series, n) == 0 && l[n] == ' ') {
			char *end;

			*v = strtod(l + n + 1, &end);
			return (*end == '\n' || *end == '\0' || *end == ' ') ? 0 : -1;
		}
	}
	return -1;
}

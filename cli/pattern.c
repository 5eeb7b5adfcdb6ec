#include <stdio.h>
#include <string.h>

#include "pattern.h"
#include "value.h"

/* ---- compiler ------------------------------------------------------------ */

enum ptok { T_END, T_WORD, T_VALUE, T_LBRK, T_RBRK, T_LPAR, T_RPAR, T_LBRACE, T_RBRACE,
	    T_BAR, T_BANG, T_STAR, T_HEAD };

struct pc {
	const char *s;        /* next unread character */
	const char *src;
	struct pattern *p;
	bool err;
	/* the token pc_peek saw */
	enum ptok t;
	const char *tp;
	unsigned tl;
	bool tight;
};

static const char pattern_special[] = "[](){}|<!*^";

static enum ptok pattern_peek(struct pc *c)
{
	const char *s = c->s;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	c->tp = s;
	c->tl = 1;
	c->tight = false;
	switch (*s) {
	case '\0': c->tl = 0; return c->t = T_END;
	case '[': return c->t = T_LBRK;
	case ']': return c->t = T_RBRK;
	case '(': return c->t = T_LPAR;
	case ')': return c->t = T_RPAR;
	case '{': return c->t = T_LBRACE;
	case '}': return c->t = T_RBRACE;
	case '!': return c->t = T_BANG;
	case '*': return c->t = T_STAR;
	case '^': return c->t = T_HEAD;
	case '|':
		c->tight = s > c->src && s[-1] != ' ' && s[1] && s[1] != ' ' &&
			   !strchr(pattern_special, s[1]);
		return c->t = T_BAR;
	case '<': {
		const char *e = strchr(s, '>');
		if (!e) {
			c->err = true;
			c->tl = 0;
			return c->t = T_END;
		}
		c->tl = (unsigned)(e - s + 1);
		return c->t = T_VALUE;
	}
	default: {
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n' && !strchr(pattern_special, *e))
			e++;
		c->tl = (unsigned)(e - s);
		return c->t = T_WORD;
	}
	}
}

static void pattern_take(struct pc *c)
{
	c->s = c->tp + c->tl;
}

static struct pnode *pattern_node(struct pc *c, enum pnode_kind k)
{
	struct pnode *n;

	if (c->p->n >= PATTERN_MAX_NODES) {
		c->err = true;
		return NULL;
	}
	n = &c->p->node[c->p->n++];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->type = -1;
	return n;
}

static struct pnode *pattern_alts(struct pc *c, bool set);

static struct pnode *pattern_value(struct pc *c)
{
	/* <name:type> or <name> (type = name) */
	const char *name = c->tp + 1;
	unsigned inner = c->tl - 2, nl = inner;
	const char *colon = memchr(name, ':', inner);
	const char *tn = name;
	unsigned tl = inner;
	struct pnode *n;
	int type;

	if (colon) {
		nl = (unsigned)(colon - name);
		tn = colon + 1;
		tl = inner - nl - 1;
	}
	type = value_type_lookup(tn, tl);
	n = pattern_node(c, type == VT_WORDS ? PN_REST : PN_VALUE);
	if (!n || type < 0 || nl == 0) {
		c->err = true;
		return NULL;
	}
	n->text = name;
	n->len = nl;
	n->type = type;
	pattern_take(c);
	return n;
}

static struct pnode *pattern_word(struct pc *c)
{
	struct pnode *w = pattern_node(c, PN_WORD), *alt = NULL, *last = w;

	if (!w)
		return NULL;
	w->text = c->tp;
	w->len = c->tl;
	pattern_take(c);
	while (pattern_peek(c) == T_BAR && c->tight) {
		pattern_take(c);
		if (pattern_peek(c) != T_WORD) {
			c->err = true;
			return NULL;
		}
		if (!alt) {
			alt = pattern_node(c, PN_ALT);
			if (!alt)
				return NULL;
			alt->child = w;
		}
		last->sib = pattern_node(c, PN_WORD);
		if (!last->sib)
			return NULL;
		last = last->sib;
		last->text = c->tp;
		last->len = c->tl;
		pattern_take(c);
	}
	return alt ? alt : w;
}

static struct pnode *pattern_group(struct pc *c, enum pnode_kind k, enum ptok close)
{
	struct pnode *g = pattern_node(c, k), *body;

	pattern_take(c);
	body = pattern_alts(c, k == PN_SET);
	if (!g || !body || pattern_peek(c) != close) {
		c->err = true;
		return NULL;
	}
	pattern_take(c);
	if (k == PN_OPT && body->sib) {
		/* [a | b]: an optional choice */
		struct pnode *a = pattern_node(c, PN_ALT);
		if (!a)
			return NULL;
		a->child = body;
		body = a;
	}
	g->child = body;
	return g;
}

/* A sequence; returns its first node, NULL if empty. */
static struct pnode *pattern_seq(struct pc *c)
{
	struct pnode *head = NULL, *tail = NULL, *n;

	for (;;) {
		switch (pattern_peek(c)) {
		case T_WORD: n = pattern_word(c); break;
		case T_VALUE: n = pattern_value(c); break;
		case T_LBRK: n = pattern_group(c, PN_OPT, T_RBRK); break;
		case T_LPAR: n = pattern_group(c, PN_ALT, T_RPAR); break;
		case T_LBRACE: n = pattern_group(c, PN_SET, T_RBRACE); break;
		case T_HEAD:
			pattern_take(c);
			continue;
		default: return head;
		}
		if (!n)
			return NULL;
		if (tail)
			tail->next = n;
		else
			head = n;
		tail = n;
	}
}

/* Alternatives separated by '|', linked through sib. */
static struct pnode *pattern_alts(struct pc *c, bool set)
{
	struct pnode *first = NULL, *last = NULL;

	for (;;) {
		bool req = false, rep = false;
		while (set && (pattern_peek(c) == T_BANG || c->t == T_STAR)) {
			req |= c->t == T_BANG;
			rep |= c->t == T_STAR;
			pattern_take(c);
		}
		struct pnode *a = pattern_seq(c);
		if (!a) {
			c->err = true;
			return NULL;
		}
		a->req = req;
		a->rep = rep;
		if (last)
			last->sib = a;
		else
			first = a;
		last = a;
		if (pattern_peek(c) != T_BAR)
			return first;
		pattern_take(c);
	}
}

int pattern_compile(const char *src, struct pattern *p)
{
	struct pc c = { .s = src, .src = src, .p = p };
	const char *mark;

	p->n = 0;
	p->head = 0;
	p->root = pattern_seq(&c);
	if (c.err || !p->root || pattern_peek(&c) != T_END)
		return -1;
	/* The head: leading keywords, up to '^' if there is one. */
	mark = strchr(src, '^');
	for (const struct pnode *n = p->root; n; n = n->next) {
		const char *t = n->kind == PN_ALT ? n->child->text : n->text;
		if (mark && t && t > mark)
			break;
		if (n->kind == PN_WORD || (n->kind == PN_ALT && n->child->kind == PN_WORD &&
					   !n->child->next))
			p->head++;
		else
			break;
	}
	return 0;
}

/* ---- matcher ------------------------------------------------------------- */

#define PATTERN_MAX_STEPS 200000

struct cont {
	const struct pnode *n;
	uint32_t mask;        /* when n is a SET being re-entered */
	const struct cont *up;
};

static bool pattern_word_eq(const struct pnode *n, const char *w)
{
	size_t wl = strlen(w);
	const char *p = n->text, *end = n->text + n->len;

	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *e = slash ? slash : end;
		if ((size_t)(e - p) == wl && memcmp(p, w, wl) == 0)
			return true;
		p = e + 1;
	}
	return false;
}

static unsigned pattern_canon_len(const struct pnode *n)
{
	const char *slash = memchr(n->text, '/', n->len);

	return slash ? (unsigned)(slash - n->text) : n->len;
}

static void pattern_expect_add(struct match_state *s, int pos, const struct expect *e)
{
	if (s->completing && pos != s->nword)
		return;
	if (!s->completing && pos > s->fpos) {
		s->fpos = pos;
		s->fhead = s->head < pos ? s->head : pos;
		s->nexp = 0;
		s->why[0] = '\0';
		s->fsecret = false;
	}
	if (!s->completing && pos < s->fpos)
		return;
	for (int i = 0; i < s->nexp; i++) {
		if (strcmp(s->exp[i].text, e->text) == 0) {
			s->exp[i].strong |= e->strong;
			return;
		}
	}
	if (s->nexp < PATTERN_MAX_EXPECT)
		s->exp[s->nexp++] = *e;
}

static void pattern_expect_node(struct match_state *s, int pos, const struct pnode *n, bool strong)
{
	struct expect e = { .type = -1, .strong = strong };

	switch (n->kind) {
	case PN_WORD:
		snprintf(e.text, sizeof(e.text), "'%.*s'", (int)pattern_canon_len(n), n->text);
		e.keyword = true;
		break;
	case PN_VALUE:
	case PN_REST:
		snprintf(e.text, sizeof(e.text), "'%.*s' value", (int)n->len, n->text);
		e.value = true;
		e.type = n->type;
		break;
	case PN_ALT:
		for (const struct pnode *a = n->child; a; a = a->sib)
			pattern_expect_node(s, pos, a, strong);
		return;
	case PN_OPT:
	case PN_SET:
		for (const struct pnode *a = n->child; a; a = a->sib)
			pattern_expect_node(s, pos, a, strong);
		return;
	}
	pattern_expect_add(s, pos, &e);
}

static bool pattern_push(struct match_state *s, const struct pnode *n, int pos, bool keyword)
{
	if (s->ncap >= PATTERN_MAX_CAPS)
		return false;
	s->cap[s->ncap++] = (struct capture){
		.name = n->text,
		.len = keyword ? pattern_canon_len(n) : n->len,
		.word = pos,
		.keyword = keyword,
	};
	return true;
}

static bool pattern_run(struct match_state *s, const struct pnode *n, uint32_t mask,
			const struct cont *k, int pos);

static bool pattern_accept(struct match_state *s, int pos)
{
	struct expect e = { .type = -1, .eol = true };

	snprintf(e.text, sizeof(e.text), "end of line");
	if (pos == s->nword && !s->completing)
		return true;
	pattern_expect_add(s, pos, &e);
	return false;
}

static bool pattern_set(struct match_state *s, const struct pnode *n, uint32_t mask,
			const struct cont *k, int pos)
{
	const struct pnode *a;
	uint32_t bit;
	bool missing = false;

	for (a = n->child, bit = 1; a; a = a->sib, bit <<= 1) {
		if ((mask & bit) && !a->rep)
			continue;
		struct cont c = { n, mask | bit, k };
		if (pattern_run(s, a, 0, &c, pos))
			return true;
	}
	for (a = n->child, bit = 1; a; a = a->sib, bit <<= 1) {
		if (a->req && !(mask & bit)) {
			pattern_expect_node(s, pos, a, true);
			missing = true;
		}
	}
	return !missing && pattern_run(s, n->next, 0, k, pos);
}

static bool pattern_run(struct match_state *s, const struct pnode *n, uint32_t mask,
			const struct cont *k, int pos)
{
	char why[sizeof(s->why)];
	int ncap = s->ncap;

	if (++s->steps > PATTERN_MAX_STEPS) {
		s->overflow = true;
		return false;
	}
	if (!n)
		return k ? pattern_run(s, k->n, k->mask, k->up, pos) : pattern_accept(s, pos);

	switch (n->kind) {
	case PN_WORD:
		if (pos < s->nword && pattern_word_eq(n, s->word[pos])) {
			if (pattern_push(s, n, pos, true) && pattern_run(s, n->next, 0, k, pos + 1))
				return true;
			s->ncap = ncap;
			return false;
		}
		pattern_expect_node(s, pos, n, false);
		return false;

	case PN_VALUE:
		if (pos < s->nword) {
			if (value_check(n->type, s->word[pos], why, sizeof(why)) == 0) {
				if (pattern_push(s, n, pos, false) && pattern_run(s, n->next, 0, k, pos + 1))
					return true;
				s->ncap = ncap;
				return false;
			}
			pattern_expect_node(s, pos, n, false);
			if (pos == s->fpos && !s->completing && !s->why[0])
				snprintf(s->why, sizeof(s->why), "%s", why);
			if (pos == s->fpos && value_secret(n->type))
				s->fsecret = true;
			return false;
		}
		pattern_expect_node(s, pos, n, false);
		return false;

	case PN_REST:
		for (int i = pos; i < s->nword; i++)
			if (!pattern_push(s, n, i, false))
				return false;
		if (s->completing && pos == s->nword)
			pattern_expect_node(s, pos, n, false);
		if (pattern_run(s, n->next, 0, k, s->nword))
			return true;
		s->ncap = ncap;
		return false;

	case PN_OPT: {
		struct cont c = { n->next, 0, k };
		if (pattern_run(s, n->child, 0, &c, pos))
			return true;
		return pattern_run(s, n->next, 0, k, pos);
	}

	case PN_ALT:
		for (const struct pnode *a = n->child; a; a = a->sib) {
			struct cont c = { n->next, 0, k };
			if (pattern_run(s, a, 0, &c, pos))
				return true;
		}
		return false;

	case PN_SET:
		return pattern_set(s, n, mask, k, pos);
	}
	return false;
}

void pattern_state_init(struct match_state *s, const char *const *word, int nword, bool completing)
{
	memset(s, 0, sizeof(*s));
	s->word = word;
	s->nword = nword;
	s->completing = completing;
	s->fpos = -1;
}

bool pattern_match(const struct pattern *p, struct match_state *s)
{
	s->ncap = 0;
	s->steps = 0;
	s->head = p->head;
	return pattern_run(s, p->root, 0, NULL, 0);
}

/* ---- renderer ------------------------------------------------------------ */

struct sbuf {
	char *b;
	size_t len, off;
};

static void pattern_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->off + 1 >= b->len)
		return;
	if (n > b->len - b->off - 1)
		n = b->len - b->off - 1;
	memcpy(b->b + b->off, s, n);
	b->off += n;
	b->b[b->off] = '\0';
}

static void pattern_puts(struct sbuf *b, const char *s)
{
	pattern_put(b, s, strlen(s));
}

static void pattern_r_seq(const struct pnode *n, struct sbuf *b);

static void pattern_r_alts(const struct pnode *first, struct sbuf *b)
{
	for (const struct pnode *a = first; a; a = a->sib) {
		if (a != first)
			pattern_puts(b, " | ");
		pattern_r_seq(a, b);
	}
}

static bool pattern_words_only(const struct pnode *first)
{
	for (const struct pnode *a = first; a; a = a->sib)
		if (a->kind != PN_WORD || a->next)
			return false;
	return true;
}

static void pattern_r_item(const struct pnode *n, struct sbuf *b)
{
	switch (n->kind) {
	case PN_WORD:
		pattern_put(b, n->text, pattern_canon_len(n));
		break;
	case PN_VALUE:
	case PN_REST:
		pattern_puts(b, "<");
		pattern_put(b, n->text, n->len);
		pattern_puts(b, n->kind == PN_REST ? ">..." : ">");
		break;
	case PN_OPT:
		pattern_puts(b, "[");
		if (n->child->kind == PN_ALT && !n->child->next && !pattern_words_only(n->child->child))
			pattern_r_alts(n->child->child, b);
		else
			pattern_r_seq(n->child, b);
		pattern_puts(b, "]");
		break;
	case PN_ALT:
		if (pattern_words_only(n->child)) {
			for (const struct pnode *a = n->child; a; a = a->sib) {
				if (a != n->child)
					pattern_puts(b, "|");
				pattern_r_item(a, b);
			}
		} else {
			pattern_puts(b, "(");
			pattern_r_alts(n->child, b);
			pattern_puts(b, ")");
		}
		break;
	case PN_SET:
		for (const struct pnode *a = n->child; a; a = a->sib) {
			if (a != n->child)
				pattern_puts(b, " ");
			if (!a->req)
				pattern_puts(b, "[");
			pattern_r_seq(a, b);
			if (!a->req)
				pattern_puts(b, "]");
			if (a->rep)
				pattern_puts(b, "...");
		}
		break;
	}
}

static void pattern_r_seq(const struct pnode *n, struct sbuf *b)
{
	for (; n; n = n->next) {
		pattern_r_item(n, b);
		if (n->next)
			pattern_puts(b, " ");
	}
}

void pattern_render(const struct pattern *p, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	pattern_r_seq(p->root, &b);
}

void pattern_values(const struct pattern *p, void (*fn)(void *, const char *, unsigned, int), void *ctx)
{
	for (int i = 0; i < p->n; i++)
		if (p->node[i].kind == PN_VALUE || p->node[i].kind == PN_REST)
			fn(ctx, p->node[i].text, p->node[i].len, p->node[i].type);
}

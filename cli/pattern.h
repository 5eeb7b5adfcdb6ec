/*
 * Command patterns: the little language the grammar table is written in,
 * its compiler, a backtracking matcher over the words of a line, and the
 * renderer that turns a pattern back into help text.
 *
 *   word            a keyword; "interface/int" accepts an alias
 *   add|del         one of several keywords (no spaces around '|')
 *   <name:type>     a value of a value.h type, captured as NAME
 *   [ ... ]         optional
 *   ( a | b c )     one of several sequences
 *   { a | !b | *c } options in any order, each at most once;
 *                   '!' marks a required option, '*' a repeatable one
 *
 * Pure: no I/O, no global state; compiled patterns live in caller memory.
 */
#ifndef IPSECGW_CLI_PATTERN_H
#define IPSECGW_CLI_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATTERN_MAX_NODES 160
#define PATTERN_MAX_WORDS 128   /* words in one line */
#define PATTERN_MAX_CAPS 128
#define PATTERN_MAX_EXPECT 48

enum pnode_kind { PN_WORD, PN_VALUE, PN_REST, PN_OPT, PN_ALT, PN_SET };

struct pnode {
	enum pnode_kind kind;
	const char *text;     /* WORD: "word/alias"; VALUE: capture name */
	unsigned len;
	int type;             /* VALUE, REST: enum value_type */
	bool req, rep;        /* as an option of a SET */
	struct pnode *child;  /* OPT: body; ALT, SET: first alternative */
	struct pnode *sib;    /* next alternative of the parent ALT or SET */
	struct pnode *next;   /* next in sequence */
};

struct pattern {
	struct pnode node[PATTERN_MAX_NODES];
	int n;
	struct pnode *root;
	int head;             /* leading keywords that name the command */
};

/* One captured word: a matched keyword (by its canonical spelling) or value. */
struct capture {
	const char *name;
	unsigned len;
	int word;             /* index into the line's words */
	bool keyword;
};

/* What the matcher expected where a line went wrong, or, when completing,
 * what may come next. */
struct expect {
	char text[48];        /* "'spi'", "'spi' value", "end of line" */
	int type;             /* value type for a value, else -1 */
	bool keyword, value, eol, strong;
};

struct match_state {
	const char *const *word;
	int nword;
	bool completing;      /* collect what may follow the last word */
	long steps;
	bool overflow;
	struct capture cap[PATTERN_MAX_CAPS];
	int ncap;
	int head;             /* of the pattern being matched */
	/* furthest failure (or, when completing, the candidates) */
	int fpos, fhead;
	struct expect exp[PATTERN_MAX_EXPECT];
	int nexp;
	char why[96];
	bool fsecret;         /* the word at fpos was refused as a secret value */
};

/* 0, or -1 if SRC is malformed (a bug in the table; tests catch it). */
int pattern_compile(const char *src, struct pattern *p);
/* Reset S for the words of a line (borrowed for the state's lifetime). */
void pattern_state_init(struct match_state *s, const char *const *word, int nword, bool completing);
/* true if P matches all words; captures in s->cap. Failures accumulate in s. */
bool pattern_match(const struct pattern *p, struct match_state *s);
/* Help text of P ("ipsec spd add|del <spd>") into buf. */
void pattern_render(const struct pattern *p, char *buf, size_t len);
/* Calls fn for every distinct value type used in P, with its name. */
void pattern_values(const struct pattern *p, void (*fn)(void *, const char *, unsigned, int), void *ctx);

#endif

/* pm_regex.h: procmail's own regular expression dialect (procmailrc(5),
 * "Extended regular expressions"), parsed into a small tree and written
 * back out as POSIX extended regular expressions for Sieve's :regex.
 *
 * The dialect is egrep's with procmail's twists: no {n,m} (braces are
 * plain characters), '^' and '$' match a newline anywhere in the
 * expression, "^^" anchors the start (or, at the end, the end) of the
 * search area, "\<" and "\>" consume one non-word character (or match at
 * the start/end), "\/" splits the expression and what the right part
 * matches becomes $MATCH, and the macros ^TO_, ^TO, ^FROM_DAEMON and
 * ^FROM_MAILER stand for the long expressions procmailrc(5) gives.
 *
 * Everything is bounded: the expression's length (PM_RE_MAX_LEN), the
 * nesting of parentheses (PM_RE_MAX_DEPTH: the emitter recurses that
 * deep at most) and the number of header fields a pattern is split into. */
#ifndef DELIVER_PM_REGEX_H
#define DELIVER_PM_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "growbuf.h"

#define PM_RE_MAX_LEN   16384   /* bytes of one expression, macros expanded */
#define PM_RE_MAX_DEPTH 64      /* nested parentheses */
#define PM_RE_MAX_FIELDS 64     /* header-field alternatives of one pattern */
#define PM_FIELD_NAME_MAX 100

enum pm_re_kind {
	PM_RE_CHAR,          /* c */
	PM_RE_ANY,           /* . */
	PM_RE_CLASS,         /* [...]: set */
	PM_RE_BOL,           /* ^ : a newline, or the start */
	PM_RE_EOL,           /* $ : a newline, or the end */
	PM_RE_AREA_START,    /* leading ^^ */
	PM_RE_AREA_END,      /* trailing ^^ */
	PM_RE_WORD_EDGE,     /* \< or \> : a non-word character, or an end */
	PM_RE_MATCH_SPLIT,   /* \/ */
	PM_RE_GROUP,         /* ( branches ) */
	PM_RE_BRANCH,        /* one alternative: a sequence of atoms */
};

struct pm_re_node {
	enum pm_re_kind kind;
	char quant;              /* '\0', '*', '+' or '?' */
	unsigned char c;         /* PM_RE_CHAR */
	bool negated;            /* PM_RE_CLASS */
	unsigned char set[32];   /* PM_RE_CLASS: a bit per byte */
	int first, last, next;   /* children (group: branches; branch: atoms) */
};

/* A parsed expression: node 0 is the root group. */
struct pm_re {
	struct pm_re_node *nodes;
	int count, cap;
	bool has_split;          /* contains \/ */
};

/* Expand the four macros of procmailrc(5) into out (malloced, NUL ended);
 * NULL when the result would pass PM_RE_MAX_LEN or memory runs out. */
char *pm_re_expand_macros(const char *text, size_t len);

/* Parse text (macros already expanded).  Returns 0, or -1 with the reason
 * in err (an unbalanced parenthesis, an unterminated [...], too long,
 * too deep). */
int pm_re_parse(const char *text, size_t len, struct pm_re *re, char *err,
    size_t errlen);
void pm_re_free(struct pm_re *re);

/* How an expression is written out. */
enum pm_re_mode {
	PM_MODE_VALUE,   /* one unfolded header value: no newline inside */
	PM_MODE_TEXT,    /* a multi-line text (a body, a variable): '^' and
	                    '$' become newline-or-end, '.' and [^..] exclude
	                    the newline */
};

/* What the emitter found on the way. */
struct pm_re_emitted {
	int groups;           /* capturing groups written */
	int match_group;      /* the group holding \/'s right part, or 0 */
	bool inner_split;     /* a \/ inside parentheses: not translated */
	bool line_anchor;     /* '^'/'$' inside a VALUE (a field's lines) */
	bool used_newline;    /* the text uses ${hex:0A} (encoded-character) */
	bool from_line;       /* an alternative for the From_ line dropped */
	bool name_prefix;     /* "^Name.*": read as the field Name */
	bool split_keeps_space; /* \/ right after a field's ':': procmail's
	                           MATCH starts with the blank Sieve strips */
};

/* Write the atoms (node indices of one top-level sequence) as an ERE
 * into out; the Sieve string quoting is the caller's. */
void pm_re_emit_list(const struct pm_re *re, const int *atoms, int n,
    enum pm_re_mode mode, struct growbuf *out, struct pm_re_emitted *info);
/* The whole expression. */
void pm_re_emit(const struct pm_re *re, enum pm_re_mode mode,
    struct growbuf *out, struct pm_re_emitted *info);

/* One header-field test a pattern splits into: the field names (lower
 * case) and the ERE for the field's value. */
struct pm_field_test {
	char *names[PM_RE_MAX_FIELDS];
	int nnames;
	char *value_re;
	struct pm_re_emitted info;
};

/* Split a header pattern into field tests: every alternative must start
 * with '^', a field name (alternatives and '?' allowed in it) and ':'.
 * Returns the number of tests (*tests malloced, free with
 * pm_field_tests_free), 0 when some alternative is not anchored to a field
 * name (the caller approximates), -1 when out of memory. */
int pm_re_split_fields(const struct pm_re *re, struct pm_field_test **tests);
void pm_field_tests_free(struct pm_field_test *tests, int n);

#endif

/* sieve_ere.c: an ERE (glibc regcomp, REG_EXTENDED, C locale) rewritten
 * as a PCRE2 pattern, in one pass without recursion.
 *
 * What is rewritten, and why:
 *   - literals other than ASCII letters and digits become \x{hh}: no
 *     PCRE2 meaning can sneak in;
 *   - a backslash makes the next character literal ("\n" is "n", "\d" is
 *     "d"), except glibc's operators \w \W \s \S \b \B (kept), \< \> (word
 *     start and end, as lookarounds), \` \' (\A, \z) and \1..\9 (a back
 *     reference to a group already closed, as \g{N});
 *   - in a bracket expression a backslash is an ordinary character, "]"
 *     first is literal, [:class:] is kept, [.c.] and [=c=] are the single
 *     character c;
 *   - "*", "+", "?" and intervals after another repetition repeat the
 *     repetition ("a*?" is "(a*)?", never lazy; "a*+" never possessive):
 *     stacked repetitions are merged into one where that is exact (inner
 *     minimum 0 or 1) and wrapped in (?:...) otherwise;
 *   - "{,n}" is "{0,n}"; an unmatched ")" is literal;
 *   - a repetition with nothing to repeat (at the start, after "(", "|",
 *     "^", "$"), an unmatched "(" or "[", a bad interval, a trailing
 *     backslash, a back reference to an open or absent group, an unknown
 *     class name and a reversed range are errors, as in glibc.
 *
 * Known differences from glibc that remain (PCRE2 runs the result):
 *   - PCRE2 is leftmost-first, POSIX leftmost-longest: "a|ab" against
 *     "ab" matches "a" in PCRE2, "ab" in glibc; whether a value matches
 *     is the same, and sieve_regex.c recovers the POSIX match span when
 *     match values are wanted, but groups inside it follow PCRE2's
 *     priorities where POSIX's subexpression rules differ (corners of
 *     nested optional groups and repeated alternations);
 *   - glibc lets "^" after something else in the pattern match after a
 *     newline in the value, and "$" followed by more pattern before one
 *     (".^" matches "a\nb" there); PCRE2 anchors only at the ends;
 *   - glibc refuses a back reference into another alternative ("()|\1");
 *   - multi-character collating elements ([.space.]) are refused;
 *   - a repetition count above 65535 after merging is refused (glibc
 *     allows 32767 per interval, and refuses above);
 *   - caseless (i;ascii-casemap, REG_ICASE): a bracket's range ends are
 *     read in lower case as glibc reads them ("[a-V]" is "[a-v]"), but
 *     glibc refuses some other caseless brackets that this accepts. */
#include <stdbool.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "sieve_ere.h"

#define ERE_DUP_MAX   32767   /* glibc's RE_DUP_MAX */
#define ERE_NEST_MAX  200     /* below PCRE2's parenthesis nesting limit */
#define ERE_WRAP_MAX  16      /* (?:...) wraps for stacked intervals */
#define REP_INF       UINT32_MAX

enum last { LAST_NONE, LAST_ANCHOR, LAST_ATOM };

struct ere {
	const unsigned char *p;
	size_t len, i;
	struct growbuf out;
	enum last last;
	size_t atom_start;            /* where the last atom's output begins */
	size_t open_at[ERE_NEST_MAX]; /* output offset of each open "(" */
	unsigned open_num[ERE_NEST_MAX];
	size_t depth;
	unsigned groups;              /* groups opened so far */
	bool closed[10];              /* groups 1..9 closed (back references) */
	bool icase;                   /* range ends read in lower case */
	unsigned wraps;
	const char *error;
};

static void emit(struct ere *e, const char *s)
{
	growbuf_add(&e->out, s, strlen(s));
}

static void emit_literal(struct ere *e, unsigned char c)
{
	char buf[16];
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9')) {
		growbuf_add(&e->out, &c, 1);
		return;
	}
	snprintf(buf, sizeof buf, "\\x{%02x}", c);
	emit(e, buf);
}

static void begin_atom(struct ere *e)
{
	e->atom_start = e->out.len;
	e->last = LAST_ATOM;
}

static int peek(const struct ere *e, size_t ahead)
{
	return e->i + ahead < e->len ? e->p[e->i + ahead] : -1;
}

/* Bracket expressions */

static const char *const class_names[] = {
	"alpha", "upper", "lower", "digit", "xdigit", "space", "print",
	"punct", "graph", "cntrl", "blank", "alnum",
};

static bool known_class(const unsigned char *name, size_t n)
{
	for (size_t k = 0; k < sizeof class_names / sizeof class_names[0]; k++) {
		if (strlen(class_names[k]) == n && memcmp(class_names[k], name, n) == 0)
			return true;
	}
	return false;
}

/* "[:", "[." or "[=" at e->i: the end of the closing ":]" etc., or 0 */
static size_t bracket_special_end(const struct ere *e, unsigned char kind)
{
	for (size_t j = e->i + 2; j + 1 < e->len; j++) {
		if (e->p[j] == kind && e->p[j + 1] == ']')
			return j;
	}
	return 0;
}

/* One bracket item at e->i: a character (*c set, true) or a class
 * (emitted, false). */
static bool bracket_item(struct ere *e, int *c)
{
	unsigned char ch = e->p[e->i];
	int next = peek(e, 1);
	if (ch == '[' && (next == ':' || next == '.' || next == '=')) {
		size_t end = bracket_special_end(e, (unsigned char)next);
		if (end == 0) {
			e->error = "unmatched [, [^, [:, [., or [=";
			return false;
		}
		const unsigned char *name = e->p + e->i + 2;
		size_t n = end - (e->i + 2);
		e->i = end + 2;
		if (next == ':') {
			if (!known_class(name, n)) {
				e->error = "invalid character class name";
				return false;
			}
			emit(e, "[:");
			growbuf_add(&e->out, name, n);
			emit(e, ":]");
			*c = -1;
			return false;
		}
		if (n != 1) {
			e->error = "invalid collation character";
			return false;
		}
		*c = name[0];
		return true;
	}
	e->i++;
	*c = ch;
	return true;
}

static void bracket(struct ere *e)
{
	e->i++;   /* "[" */
	begin_atom(e);
	emit(e, "[");
	if (peek(e, 0) == '^') {
		emit(e, "^");
		e->i++;
	}
	bool first = true, after_range = false;
	for (;;) {
		if (e->i >= e->len) {
			e->error = "unmatched [, [^, [:, [., or [=";
			return;
		}
		if (e->p[e->i] == ']' && !first)
			break;
		first = false;
		if (after_range && e->p[e->i] == '-' && peek(e, 1) != ']') {
			e->error = "invalid range end";   /* "[a-c-e]" */
			return;
		}
		after_range = false;
		int lo;
		if (!bracket_item(e, &lo)) {
			if (e->error != NULL)
				return;
			continue;
		}
		if (peek(e, 0) == '-' && peek(e, 1) != ']' && peek(e, 1) != -1) {
			e->i++;
			int hi;
			bool ok = bracket_item(e, &hi);

			if (ok && e->icase) {   /* as glibc translates them */
				lo = lo < 128 ? tolower(lo) : lo;
				hi = hi < 128 ? tolower(hi) : hi;
			}
			if (!ok || hi < lo) {
				if (e->error == NULL)
					e->error = "invalid range end";
				return;
			}
			emit_literal(e, (unsigned char)lo);
			emit(e, "-");
			emit_literal(e, (unsigned char)hi);
			after_range = true;
			continue;
		}
		emit_literal(e, (unsigned char)lo);
	}
	e->i++;   /* "]" */
	emit(e, "]");
}

/* Repetitions */

struct rep {
	uint32_t min, max;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool read_count(struct ere *e, uint32_t *n)
{
	if (!is_digit(peek(e, 0)))
		return false;
	uint32_t v = 0;
	while (is_digit(peek(e, 0))) {
		v = v * 10 + (uint32_t)(e->p[e->i] - '0');
		if (v > ERE_DUP_MAX) {
			e->error = "regular expression too big";
			return false;
		}
		e->i++;
	}
	*n = v;
	return true;
}

/* An interval's end: "}" or an error worded as glibc words it ("a{",
 * "a{x", "a{1": unmatched; "a{}", "a{1,x}": bad content) */
static bool interval_end(struct ere *e)
{
	if (peek(e, 0) == '}') {
		e->i++;
		return true;
	}
	e->error = peek(e, 0) == -1 ? "unmatched \\{"
	                            : "invalid content of \\{\\}";
	return false;
}

/* "{m}", "{m,}", "{m,n}", "{,n}" at e->i */
static bool interval(struct ere *e, struct rep *r)
{
	e->i++;   /* "{" */
	int c = peek(e, 0);
	if (c == '}') {
		e->error = "invalid content of \\{\\}";
		return false;
	}
	if (!is_digit(c) && c != ',') {
		e->error = "unmatched \\{";
		return false;
	}
	if (!read_count(e, &r->min)) {
		if (e->error != NULL)
			return false;
		r->min = 0;
	}
	r->max = r->min;
	if (peek(e, 0) == ',') {
		e->i++;
		if (!read_count(e, &r->max)) {
			if (e->error != NULL)
				return false;
			r->max = REP_INF;
		}
	}
	if (!interval_end(e))
		return false;
	if (r->max < r->min) {
		e->error = "invalid content of \\{\\}";
		return false;
	}
	return true;
}

static bool read_rep(struct ere *e, struct rep *r)
{
	switch (e->p[e->i]) {
	case '*': r->min = 0; r->max = REP_INF; break;
	case '+': r->min = 1; r->max = REP_INF; break;
	case '?': r->min = 0; r->max = 1; break;
	default: return interval(e, r);
	}
	e->i++;
	return true;
}

static bool is_rep_start(int c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

static uint32_t mul(uint32_t a, uint32_t b)
{
	if (a == REP_INF || b == REP_INF)
		return (a == 0 || b == 0) ? 0 : REP_INF;
	uint64_t p = (uint64_t)a * b;
	return p > 65535 ? REP_INF - 1 : (uint32_t)p;
}

static void emit_rep(struct ere *e, const struct rep *r)
{
	char buf[40];
	if (r->max == REP_INF)
		snprintf(buf, sizeof buf, "{%u,}", r->min);
	else
		snprintf(buf, sizeof buf, "{%u,%u}", r->min, r->max);
	emit(e, buf);
}

/* Wraps the output from the atom's start in (?:...) */
static void wrap_atom(struct ere *e)
{
	size_t tail = e->out.len - e->atom_start;
	growbuf_add(&e->out, "(?:", 3);
	if (e->out.nomem)
		return;
	memmove(e->out.data + e->atom_start + 3, e->out.data + e->atom_start,
	        tail);
	memcpy(e->out.data + e->atom_start, "(?:", 3);
	emit(e, ")");
}

static void repetition(struct ere *e)
{
	if (e->last != LAST_ATOM) {
		e->error = "invalid preceding regular expression";
		return;
	}
	struct rep r;
	if (!read_rep(e, &r))
		return;
	while (e->i < e->len && is_rep_start(e->p[e->i])) {
		struct rep outer;
		if (!read_rep(e, &outer))
			return;
		if (r.min <= 1) {   /* merging is exact: see the file comment */
			r.min = mul(r.min, outer.min);
			r.max = mul(r.max, outer.max);
		} else {
			if (++e->wraps > ERE_WRAP_MAX) {
				e->error = "regular expression too big";
				return;
			}
			emit_rep(e, &r);
			wrap_atom(e);
			r = outer;
		}
	}
	if ((r.max != REP_INF && r.max > 65535) || r.min > 65535) {
		e->error = "regular expression too big";
		return;
	}
	emit_rep(e, &r);
}

/* Groups, escapes, the rest */

static void open_group(struct ere *e)
{
	if (e->depth >= ERE_NEST_MAX) {
		e->error = "regular expression too big";
		return;
	}
	e->open_at[e->depth] = e->out.len;
	e->open_num[e->depth] = ++e->groups;
	e->depth++;
	e->i++;
	emit(e, "(");
	e->last = LAST_NONE;
}

static void close_group(struct ere *e)
{
	e->i++;
	if (e->depth == 0) {   /* unmatched ")" is an ordinary character */
		begin_atom(e);
		emit_literal(e, ')');
		return;
	}
	e->depth--;
	if (e->open_num[e->depth] < 10)
		e->closed[e->open_num[e->depth]] = true;
	emit(e, ")");
	e->atom_start = e->open_at[e->depth];
	e->last = LAST_ATOM;
}

static void escape(struct ere *e)
{
	e->i++;
	if (e->i >= e->len) {
		e->error = "trailing backslash";
		return;
	}
	unsigned char c = e->p[e->i++];
	const char *op = NULL;
	bool assertion = true;
	switch (c) {
	case 'w': op = "\\w"; assertion = false; break;
	case 'W': op = "\\W"; assertion = false; break;
	case 's': op = "\\s"; assertion = false; break;
	case 'S': op = "\\S"; assertion = false; break;
	case 'b': op = "\\b"; break;
	case 'B': op = "\\B"; break;
	case '<': op = "\\b(?=\\w)"; break;
	case '>': op = "\\b(?<=\\w)"; break;
	case '`': op = "\\A"; break;
	case '\'': op = "\\z"; break;
	default: break;
	}
	if (op != NULL) {
		if (assertion)
			e->last = LAST_ANCHOR;
		else
			begin_atom(e);
		emit(e, op);
		return;
	}
	if (c >= '1' && c <= '9') {
		if (!e->closed[c - '0']) {
			e->error = "invalid back reference";
			return;
		}
		char buf[16];
		snprintf(buf, sizeof buf, "\\g{%c}", c);
		begin_atom(e);
		emit(e, buf);
		return;
	}
	begin_atom(e);
	emit_literal(e, c);
}

static void step(struct ere *e)
{
	unsigned char c = e->p[e->i];
	switch (c) {
	case '(': open_group(e); return;
	case ')': close_group(e); return;
	case '|':
		e->i++;
		emit(e, "|");
		e->last = LAST_NONE;
		return;
	case '^':
	case '$':
		e->i++;
		emit(e, c == '^' ? "^" : "$");
		e->last = LAST_ANCHOR;
		return;
	case '.':
		e->i++;
		begin_atom(e);
		emit(e, ".");
		return;
	case '[': bracket(e); return;
	case '\\': escape(e); return;
	case '*': case '+': case '?': case '{': repetition(e); return;
	default:
		e->i++;
		begin_atom(e);
		emit_literal(e, c);
		return;
	}
}

char *sieve_ere_to_pcre2(const char *ere, size_t len, bool icase,
                         size_t *outlen, char *err, size_t errlen)
{
	struct ere *e = calloc(1, sizeof *e);
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *nul = memchr(ere, '\0', len);
	e->p = (const unsigned char *)ere;
	e->icase = icase;
	e->len = nul != NULL ? (size_t)(nul - ere) : len;
	emit(e, "");   /* an empty ERE is an empty pattern, not NULL */
	while (e->i < e->len && e->error == NULL && !e->out.nomem)
		step(e);
	if (e->error == NULL && e->depth > 0)
		e->error = "unmatched ( or \\(";
	if (e->error == NULL && e->out.nomem)
		e->error = "out of memory";
	char *out = e->out.data;
	if (e->error != NULL) {
		snprintf(err, errlen, "%s", e->error);
		free(out);
		out = NULL;
	} else {
		*outlen = e->out.len;
	}
	free(e);
	return out;
}

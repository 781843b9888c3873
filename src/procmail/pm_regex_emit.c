/* pm_regex_emit.c: a procmail regex tree (pm_regex.h) written out as a
 * POSIX extended regular expression for Sieve's :regex, in the subset
 * that glibc's regcomp (Pigeonhole) and deliver's ERE reader agree on:
 * metacharacters escaped with '\', '{' and '}' as bracket expressions
 * (an escaped brace is undefined in POSIX), character classes as plain
 * lists and ranges of bytes.  A newline is written "${hex:0A}" (the
 * encoded-character extension): a Sieve string has no other escape.
 * The recursion follows the parentheses, which the parser caps at
 * PM_RE_MAX_DEPTH. */
#include "pm_regex.h"

#include <stdlib.h>
#include <string.h>

#define NL "${hex:0A}"
#define WORD_EDGE "(^|[^a-zA-Z0-9_]|$)"

static void put(struct growbuf *out, const char *s)
{
	growbuf_add(out, s, strlen(s));
}

static bool in_set(const unsigned char *set, unsigned c)
{
	return set[c >> 3] & (1u << (c & 7));
}

static bool bracket_special(unsigned c)
{
	return c == ']' || c == '-' || c == '^' || c == '[' || c == '\n' ||
	    c == 0;
}

/* The members of set as a bracket list: ']' first, '[', '^' and '-'
 * last (so that no "[:", "[." or "[=" and no leading '^' appear). */
static void put_class_items(struct growbuf *out, const unsigned char *set)
{
	size_t start = out->len;

	if (in_set(set, ']'))
		put(out, "]");
	for (unsigned c = 1; c < 256; c++) {
		unsigned end = c;

		if (!in_set(set, c) || bracket_special(c))
			continue;
		while (end + 1 < 256 && in_set(set, end + 1) &&
		    !bracket_special(end + 1))
			end++;
		if (end - c >= 2) {
			char r[3] = { (char)c, '-', (char)end };

			growbuf_add(out, r, 3);
			c = end;
		} else {
			char one = (char)c;

			growbuf_add(out, &one, 1);
		}
	}
	if (in_set(set, '\n'))
		put(out, NL);
	if (in_set(set, '^')) {
		if (out->len == start && in_set(set, '-'))
			put(out, "-^");
		else
			put(out, "^");
	}
	if (in_set(set, '['))
		put(out, "[");
	if (in_set(set, '-') && !(out->len >= 2 && start + 2 == out->len &&
	    memcmp(out->data + start, "-^", 2) == 0))
		put(out, "-");
}

static void put_class(struct growbuf *out, const struct pm_re_node *n,
    enum pm_re_mode mode)
{
	unsigned char set[32];
	unsigned members = 0;

	memcpy(set, n->set, sizeof set);
	set[0] &= 0xfe;   /* no NUL: the text is a C string */
	if (n->negated && mode == PM_MODE_TEXT)
		set['\n' >> 3] |= 1u << ('\n' & 7);   /* [^..] skips newlines */
	for (unsigned c = 0; c < 256; c++)
		members += in_set(set, c);
	if (!n->negated && members == 1 && in_set(set, '^')) {
		put(out, "\\^");
		return;
	}
	if (members == 0) {   /* [^] of every byte: anything */
		put(out, n->negated ? "(.|" NL ")" : "[^" NL "]");
		return;
	}
	put(out, n->negated ? "[^" : "[");
	put_class_items(out, set);
	put(out, "]");
}

static void put_char(struct growbuf *out, unsigned char c)
{
	char two[2] = { '\\', (char)c };

	if (c == '{')
		put(out, "[{]");
	else if (c == '}')
		put(out, "[}]");
	else if (c == '\n')
		put(out, NL);
	else if (strchr(".[()*+?|^$\\", c) && c != '\0')
		growbuf_add(out, two, 2);
	else
		growbuf_add(out, &c, 1);
}

struct emitter {
	const struct pm_re *re;
	enum pm_re_mode mode;
	struct growbuf *out;
	struct pm_re_emitted *info;
};

static void emit_group(struct emitter *e, int group, int depth);

/* An anchor that stands for a newline in procmail writes a group here:
 * count it, so that the \/ group's number stays right. */
static void put_group_text(struct emitter *e, const char *text)
{
	e->info->groups++;
	put(e->out, text);
}

static void emit_atom(struct emitter *e, int i, int depth, bool first,
    bool last)
{
	const struct pm_re_node *n = &e->re->nodes[i];
	bool text = e->mode == PM_MODE_TEXT;
	bool bare_anchor = n->kind == PM_RE_AREA_START ||
	    n->kind == PM_RE_AREA_END || (!text && (n->kind == PM_RE_BOL ||
	    n->kind == PM_RE_EOL));
	char quant = n->quant;

	/* ERE cannot repeat an anchor: "x*" of one may match nothing at
	 * all, "x+" is the anchor once */
	if (bare_anchor && (quant == '*' || quant == '?'))
		return;
	if (bare_anchor)
		quant = '\0';

	switch (n->kind) {
	case PM_RE_CHAR: put_char(e->out, n->c); break;
	case PM_RE_ANY: put(e->out, text ? "[^" NL "]" : "."); break;
	case PM_RE_CLASS: put_class(e->out, n, e->mode); break;
	case PM_RE_BOL:
		if (text)
			put_group_text(e, "(^|" NL ")");
		else {
			e->info->line_anchor |= !(first && depth == 0);
			put(e->out, "^");
		}
		break;
	case PM_RE_EOL:
		if (text)
			put_group_text(e, "(" NL "|$)");
		else {
			e->info->line_anchor |= !(last && depth == 0);
			put(e->out, "$");
		}
		break;
	case PM_RE_AREA_START: put(e->out, "^"); break;
	case PM_RE_AREA_END: put(e->out, "$"); break;
	case PM_RE_WORD_EDGE: put_group_text(e, WORD_EDGE); break;
	case PM_RE_MATCH_SPLIT: break;   /* emit_atoms opens its group */
	case PM_RE_GROUP: emit_group(e, i, depth + 1); break;
	case PM_RE_BRANCH: break;
	}
	if (quant && n->kind != PM_RE_MATCH_SPLIT)
		growbuf_add(e->out, &quant, 1);
	if (text && n->kind == PM_RE_ANY)
		e->info->used_newline = true;
}

/* "([^>]|$)" after a '$': procmail's look at the next line's start
 * (^FROM_DAEMON); in one header value the '$' is its end. */
static bool is_next_line_look(const struct pm_re *re, int i)
{
	const struct pm_re_node *g = &re->nodes[i];

	if (g->kind != PM_RE_GROUP || g->quant)
		return false;
	for (int b = g->first; b >= 0; b = re->nodes[b].next) {
		int a = re->nodes[b].first;

		if (a >= 0 && re->nodes[a].kind == PM_RE_EOL &&
		    re->nodes[a].next < 0)
			return true;
	}
	return false;
}

/* The atoms of one sequence (atoms[0..n)), at depth. */
static void emit_atoms(struct emitter *e, const int *atoms, int n, int depth)
{
	bool split_open = false;

	for (int k = 0; k < n; k++) {
		const struct pm_re_node *a = &e->re->nodes[atoms[k]];
		bool last = k == n - 1;

		if (a->kind == PM_RE_MATCH_SPLIT) {
			if (depth > 0) {
				e->info->inner_split = true;
				continue;
			}
			e->info->match_group = ++e->info->groups;
			put(e->out, "(");
			split_open = true;
			continue;
		}
		if (e->mode == PM_MODE_VALUE && a->kind == PM_RE_EOL &&
		    !a->quant && k == n - 2 &&
		    is_next_line_look(e->re, atoms[k + 1])) {
			last = true;
			n--;   /* the look at the next line goes */
		}
		emit_atom(e, atoms[k], depth, k == 0, last);
	}
	if (split_open)
		put(e->out, ")");
}

static void emit_sequence(struct emitter *e, int first, int depth)
{
	int n = 0, *atoms;

	for (int i = first; i >= 0; i = e->re->nodes[i].next)
		n++;
	if ((atoms = reallocarray(NULL, (size_t)n + 1, sizeof *atoms)) ==
	    NULL) {
		e->out->nomem = true;
		return;
	}
	n = 0;
	for (int i = first; i >= 0; i = e->re->nodes[i].next)
		atoms[n++] = i;
	emit_atoms(e, atoms, n, depth);
	free(atoms);
}

static void emit_group(struct emitter *e, int group, int depth)
{
	const struct pm_re_node *g = &e->re->nodes[group];

	e->info->groups++;
	put(e->out, "(");
	for (int b = g->first; b >= 0; b = e->re->nodes[b].next) {
		if (b != g->first)
			put(e->out, "|");
		emit_sequence(e, e->re->nodes[b].first, depth);
	}
	put(e->out, ")");
}

void pm_re_emit_list(const struct pm_re *re, const int *atoms, int n,
    enum pm_re_mode mode, struct growbuf *out, struct pm_re_emitted *info)
{
	struct emitter e = { re, mode, out, info };

	emit_atoms(&e, atoms, n, 0);
	growbuf_add(out, "", 0);
	if (strstr(out->data ? out->data : "", NL))
		info->used_newline = true;
}

void pm_re_emit(const struct pm_re *re, enum pm_re_mode mode,
    struct growbuf *out, struct pm_re_emitted *info)
{
	struct emitter e = { re, mode, out, info };
	const struct pm_re_node *root = &re->nodes[0];

	for (int b = root->first; b >= 0; b = re->nodes[b].next) {
		if (b != root->first)
			put(out, "|");
		emit_sequence(&e, re->nodes[b].first, 0);
	}
	growbuf_add(out, "", 0);
	if (strstr(out->data ? out->data : "", NL))
		info->used_newline = true;
}

/* pm_regex_fields.c: a header pattern split into Sieve header tests.
 *
 * procmail greps the whole header block; Sieve names the fields it
 * tests.  A pattern "^Name:rest" is exactly "header :regex "name" rest'"
 * where rest' is rest read against the field's value (Sieve unfolds the
 * value and drops the blanks after the colon, so rest's leading blanks
 * go).  Alternatives and groups before the colon ("^(To|Cc):",
 * "^(Resent-)?From:", the ^TO_ macro) are multiplied out into one
 * candidate sequence per field name, with a cap on the count; tests with
 * the same value expression share one header test with a list of names. */
#include "pm_regex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 256

struct cand {
	int *atoms;
	int n;
};

struct splitter {
	const struct pm_re *re;
	struct cand work[MAX_CANDIDATES];   /* a queue: names keep their order */
	int head, nwork, made;
	struct pm_field_test *tests;
	int ntests;
	bool not_field, nomem;
	bool from_line;   /* an alternative matched the From_ line */
};

static bool field_char(unsigned char c)
{
	return c > ' ' && c < 127 && c != ':';
}

static void push(struct splitter *s, int *atoms, int n)
{
	if (s->nwork == MAX_CANDIDATES || ++s->made > MAX_CANDIDATES) {
		/* made counts every push: the queue never wraps */
		s->not_field = true;   /* too many: approximate instead */
		free(atoms);
		return;
	}
	s->work[s->nwork++] = (struct cand){ atoms, n };
}

/* c with atoms[at] replaced by the atoms of branch (-1: by nothing). */
static void push_replaced(struct splitter *s, const struct cand *c, int at,
    int branch)
{
	int extra = 0, *atoms;

	for (int i = branch < 0 ? -1 : s->re->nodes[branch].first; i >= 0;
	    i = s->re->nodes[i].next)
		extra++;
	atoms = reallocarray(NULL, (size_t)(c->n + extra), sizeof *atoms);
	if (atoms == NULL) {
		s->nomem = true;
		return;
	}
	memcpy(atoms, c->atoms, (size_t)at * sizeof *atoms);
	extra = at;
	for (int i = branch < 0 ? -1 : s->re->nodes[branch].first; i >= 0;
	    i = s->re->nodes[i].next)
		atoms[extra++] = i;
	memcpy(atoms + extra, c->atoms + at + 1,
	    (size_t)(c->n - at - 1) * sizeof *atoms);
	push(s, atoms, extra + c->n - at - 1);
}

/* Multiply out atoms[at]: a group's branches, or an optional character
 * (as the one-character branch it is, or nothing). */
static void distribute(struct splitter *s, const struct cand *c, int at)
{
	const struct pm_re_node *n = &s->re->nodes[c->atoms[at]];

	if (n->kind == PM_RE_GROUP)
		for (int b = n->first; b >= 0; b = s->re->nodes[b].next)
			push_replaced(s, c, at, b);
	else {
		int *atoms = reallocarray(NULL, (size_t)c->n, sizeof *atoms);

		if (atoms == NULL) {
			s->nomem = true;
			return;
		}
		memcpy(atoms, c->atoms, (size_t)c->n * sizeof *atoms);
		/* the same character, taken: marked by a negative index */
		atoms[at] = -1 - c->atoms[at];
		push(s, atoms, c->n);
	}
	if (n->quant == '?')
		push_replaced(s, c, at, -1);
}

static bool is_blank_atom(const struct pm_re_node *n)
{
	if (n->kind == PM_RE_CHAR)
		return n->c == ' ' || n->c == '\t';
	if (n->kind != PM_RE_CLASS || n->negated)
		return false;
	for (unsigned c = 0; c < 256; c++)
		if ((n->set[c >> 3] & (1u << (c & 7))) && c != ' ' && c != '\t')
			return false;
	return true;
}

static bool may_match_blank(const struct pm_re_node *n)
{
	return n->kind == PM_RE_ANY || (n->kind == PM_RE_CLASS &&
	    ((n->set[' ' >> 3] & (1u << (' ' & 7))) != 0) != n->negated) ||
	    (n->kind == PM_RE_CHAR && (n->c == ' ' || n->c == '\t'));
}

/* The value expression of atoms[from..n): leading blanks dropped, a
 * leading ".+" read as ".*" (it had the blank to eat), anchored. */
static char *value_expression(struct splitter *s, const int *atoms, int from,
    int n, struct pm_re_emitted *info)
{
	struct growbuf out = { 0 };
	const struct pm_re_node *nodes = s->re->nodes;

	while (from < n && is_blank_atom(&nodes[atoms[from]]))
		from++;
	if (from + 1 < n && nodes[atoms[from]].kind == PM_RE_MATCH_SPLIT &&
	    may_match_blank(&nodes[atoms[from + 1]]))
		info->split_keeps_space = true;
	if (from < n && nodes[atoms[from]].kind == PM_RE_ANY &&
	    nodes[atoms[from]].quant && nodes[atoms[from]].quant != '?')
		from++;   /* ".*x" or ".+x" (the + had the blank): "x" */
	else
		growbuf_add(&out, "^", 1);
	pm_re_emit_list(s->re, atoms + from, n - from, PM_MODE_VALUE, &out,
	    info);
	if (out.nomem) {
		free(out.data);
		return NULL;
	}
	return out.data;
}

static int add_name(struct pm_field_test *t, const char *name)
{
	for (int i = 0; i < t->nnames; i++)
		if (strcmp(t->names[i], name) == 0)
			return 0;
	if (t->nnames == PM_RE_MAX_FIELDS)
		return -1;
	return (t->names[t->nnames++] = strdup(name)) ? 0 : -1;
}

/* A field name and its value: into the test with the same expression. */
static void found(struct splitter *s, const char *name, char *value,
    const struct pm_re_emitted *info)
{
	struct pm_field_test *t = NULL;

	for (int i = 0; i < s->ntests; i++)
		if (strcmp(s->tests[i].value_re, value) == 0)
			t = &s->tests[i];
	if (t == NULL) {
		struct pm_field_test *grown = reallocarray(s->tests,
		    (size_t)s->ntests + 1, sizeof *grown);

		if (grown == NULL) {
			s->nomem = true;
			free(value);
			return;
		}
		s->tests = grown;
		t = &s->tests[s->ntests++];
		memset(t, 0, sizeof *t);
		t->value_re = value;
		t->info = *info;
	} else
		free(value);
	if (add_name(t, name) < 0)
		s->not_field = true;
}

/* One candidate: "^", name characters, ':' -> a test; a group or an
 * optional character in the name -> multiplied out; else not a field. */
/* The field name is complete: the value expression from atoms[from]. */
static void found_at(struct splitter *s, const struct cand *c, const char *name,
    int from, bool prefix)
{
	struct pm_re_emitted info = { .name_prefix = prefix };
	char *value = value_expression(s, c->atoms, from, c->n, &info);

	if (value == NULL)
		s->nomem = true;
	else
		found(s, name, value, &info);
}

/* The candidate's atom at i (an optional character taken is marked by a
 * negative index). */
static const struct pm_re_node *atom_at(const struct splitter *s,
    const struct cand *c, int i, bool *fixed)
{
	*fixed = c->atoms[i] < 0;
	return &s->re->nodes[*fixed ? -1 - c->atoms[i] : c->atoms[i]];
}

static void examine(struct splitter *s, struct cand *c)
{
	char name[PM_FIELD_NAME_MAX + 1];
	int len = 0, i;
	const struct pm_re_node *nodes = s->re->nodes, *n = NULL;
	bool fixed;

	if (c->n > 0 && c->atoms[0] >= 0 && nodes[c->atoms[0]].kind ==
	    PM_RE_GROUP && !nodes[c->atoms[0]].quant) {
		distribute(s, c, 0);   /* "(^A:|^B:)x", the macros */
		return;
	}
	if (c->n == 0 || c->atoms[0] < 0 || nodes[c->atoms[0]].kind !=
	    PM_RE_BOL || nodes[c->atoms[0]].quant) {
		s->not_field = true;
		return;
	}
	for (i = 1; i < c->n; i++) {
		n = atom_at(s, c, i, &fixed);
		if (n->kind == PM_RE_CHAR && (fixed || !n->quant)) {
			if (n->c == ':' && len > 0) {
				name[len] = '\0';
				found_at(s, c, name, i + 1, false);
				return;
			}
			if (!field_char(n->c) || len == PM_FIELD_NAME_MAX)
				break;
			name[len++] = (char)tolower(n->c);
			continue;
		}
		if ((n->kind == PM_RE_GROUP && (!n->quant || n->quant == '?')) ||
		    (n->kind == PM_RE_CHAR && n->quant == '?' &&
		    field_char(n->c))) {
			distribute(s, c, i);
			return;
		}
		break;
	}
	name[len] = '\0';
	if (i < c->n && n->kind == PM_RE_CHAR && n->c == ' ' && !n->quant &&
	    (strcmp(name, "from") == 0 || strcmp(name, ">from") == 0)) {
		/* "^From " / "^>From ": the envelope's From_ line, which
		 * Sieve does not see: that alternative is left out */
		s->from_line = true;
		return;
	}
	if (i < c->n && len > 0 && n->kind == PM_RE_ANY && n->quant == '*') {
		/* "^From.*x": most likely meant the From field */
		found_at(s, c, name, i, true);
		return;
	}
	s->not_field = true;
}

void pm_field_tests_free(struct pm_field_test *tests, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < tests[i].nnames; k++)
			free(tests[i].names[k]);
		free(tests[i].value_re);
	}
	free(tests);
}

int pm_re_split_fields(const struct pm_re *re, struct pm_field_test **tests)
{
	struct splitter s = { .re = re };
	const struct pm_re_node *root = &re->nodes[0];

	for (int b = root->first; b >= 0 && !s.nomem; b = re->nodes[b].next) {
		int placeholder = 0;
		struct cand whole = { &placeholder, 1 };

		/* the branch's atoms in place of one placeholder atom */
		push_replaced(&s, &whole, 0, b);
	}
	while (s.head < s.nwork && !s.not_field && !s.nomem) {
		struct cand c = s.work[s.head++];

		examine(&s, &c);
		free(c.atoms);
	}
	while (s.head < s.nwork)
		free(s.work[s.head++].atoms);
	if (s.nomem || s.not_field) {
		pm_field_tests_free(s.tests, s.ntests);
		*tests = NULL;
		return s.nomem ? -1 : 0;
	}
	if (s.ntests == 0) {   /* nothing but the From_ line */
		pm_field_tests_free(s.tests, s.ntests);
		*tests = NULL;
		return 0;
	}
	if (s.from_line)
		s.tests[0].info.from_line = true;
	*tests = s.tests;
	return s.ntests;
}

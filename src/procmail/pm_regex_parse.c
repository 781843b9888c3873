/* pm_regex_parse.c: procmail's regex dialect into a tree (pm_regex.h):
 * macro expansion, then one left-to-right pass with an explicit stack of
 * open groups (no recursion). */
#include "pm_regex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* procmailrc(5), MISCELLANEOUS; "\t" is the tab procmail's source has. */
#define PM_TO_HEAD "(^((Original-)?(Resent-)?(To|Cc|Bcc)|" \
	"(X-Envelope|Apparently(-Resent)?)-To):"
#define PM_DAEMON_TAIL "(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*" \
	"(\\(.*\\).*)?)?$([^>]|$))"

static const struct {
	const char *name, *expansion;
} macros[] = {
	{ "^TO_", PM_TO_HEAD "(.*[^-a-zA-Z0-9_.])?)" },
	{ "^TO", PM_TO_HEAD "(.*[^a-zA-Z])?)" },
	{ "^FROM_DAEMON", "(^(Mailing-List:|Precedence:.*(junk|bulk|list)|"
	  "To: Multiple recipients of |(((Resent-)?(From|Sender)|"
	  "X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma?(st(e?r)?|"
	  "n)|office)|(send)?Mail(er)?|daemon|m(mdf|ajordomo)|n?uucp|"
	  "LIST(SERV|proc)|NETSERV|o(wner|ps)|r(e(quest|sponse)|oot)|"
	  "b(ounce|bs\\.smtp)|echo|mirror|s(erv(ices?|er)|mtp(error)?|ystem)|"
	  "A(dmin(istrator)?|MMGR|utoanswer))" PM_DAEMON_TAIL ")" },
	{ "^FROM_MAILER", "(^(((Resent-)?(From|Sender)|X-Envelope-From):|"
	  ">?From )([^>]*[^(.%@a-z0-9])?(Post(ma(st(er)?|n)|office)|"
	  "(send)?Mail(er)?|daemon|mmdf|n?uucp|ops|r(esponse|oot)|"
	  "(bbs\\.)?smtp(error)?|s(erv(ices?|er)|ystem)|"
	  "A(dmin(istrator)?|MMGR))" PM_DAEMON_TAIL },
};

char *pm_re_expand_macros(const char *text, size_t len)
{
	struct growbuf out = { 0 };

	for (size_t i = 0; i < len; ) {
		size_t m, n = 0;

		for (m = 0; m < sizeof macros / sizeof macros[0]; m++) {
			n = strlen(macros[m].name);
			if (len - i >= n && memcmp(text + i, macros[m].name, n) == 0)
				break;
		}
		if (m < sizeof macros / sizeof macros[0]) {
			growbuf_add(&out, macros[m].expansion,
			    strlen(macros[m].expansion));
			i += n;
		} else
			growbuf_add(&out, text + i++, 1);
		if (out.len > PM_RE_MAX_LEN) {
			free(out.data);
			return NULL;
		}
	}
	growbuf_add(&out, "", 0);
	if (out.nomem) {
		free(out.data);
		return NULL;
	}
	return out.data;
}

void pm_re_free(struct pm_re *re)
{
	free(re->nodes);
	memset(re, 0, sizeof *re);
}

/* A new node appended as the last child of parent (-1: none); its index. */
static int add_node(struct pm_re *re, enum pm_re_kind kind, int parent)
{
	struct pm_re_node *n;

	if (re->count == re->cap) {
		int cap = re->cap ? re->cap * 2 : 64;
		struct pm_re_node *grown = reallocarray(re->nodes,
		    (size_t)cap, sizeof *grown);

		if (grown == NULL)
			return -1;
		re->nodes = grown;
		re->cap = cap;
	}
	n = &re->nodes[re->count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->first = n->last = n->next = -1;
	if (parent >= 0) {
		struct pm_re_node *p = &re->nodes[parent];

		if (p->last >= 0)
			re->nodes[p->last].next = re->count;
		else
			p->first = re->count;
		p->last = re->count;
	}
	return re->count++;
}

static void set_bit(unsigned char *set, unsigned c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* [...] starting after the '['; returns the index after the ']' or 0
 * when there is none.  A backslash quotes the next character, as
 * procmail's own egrep reads it. */
static size_t parse_class(const char *t, size_t len, size_t i,
    struct pm_re_node *n)
{
	bool first = true;

	if (i < len && t[i] == '^') {
		n->negated = true;
		i++;
	}
	while (i < len && (first || t[i] != ']')) {
		unsigned lo = (unsigned char)t[i], hi;

		first = false;
		if (lo == '\\' && i + 1 < len)
			lo = (unsigned char)t[++i];
		hi = lo;
		i++;
		if (i + 1 < len && t[i] == '-' && t[i + 1] != ']') {
			hi = (unsigned char)t[i + 1];
			if (hi == '\\' && i + 2 < len)
				hi = (unsigned char)t[++i + 1];
			i += 2;
		}
		for (unsigned c = lo; c <= hi; c++)
			set_bit(n->set, c);
	}
	return i < len ? i + 1 : 0;
}

/* '*', '+', '?' after an atom; doubled operators collapse ("a+?" is
 * "a*"). */
static void quantify(struct pm_re_node *atom, char q)
{
	if (atom->quant == '\0' || atom->quant == q)
		atom->quant = q;
	else
		atom->quant = '*';
}

struct parse_state {
	struct pm_re *re;
	int stack[PM_RE_MAX_DEPTH + 1];   /* open groups; [0] the root */
	int depth;
	int branch;                        /* the branch being filled */
};

static int fail_parse(struct pm_re *re, char *err, size_t errlen,
    const char *why)
{
	snprintf(err, errlen, "%s", why);
	pm_re_free(re);
	return -1;
}

/* One character (or escape) of the expression at t[*i]. */
static int parse_one(struct parse_state *s, const char *t, size_t len,
    size_t *i, char *err, size_t errlen)
{
	struct pm_re *re = s->re;
	unsigned char c = (unsigned char)t[*i];
	int atom;

	switch (c) {
	case '(':
		if (s->depth == PM_RE_MAX_DEPTH)
			return fail_parse(re, err, errlen,
			    "parentheses nested too deep");
		if ((atom = add_node(re, PM_RE_GROUP, s->branch)) < 0)
			goto nomem;
		s->stack[++s->depth] = atom;
		if ((s->branch = add_node(re, PM_RE_BRANCH, atom)) < 0)
			goto nomem;
		(*i)++;
		return 0;
	case ')':
		if (s->depth == 0)
			return fail_parse(re, err, errlen, "unbalanced ')'");
		s->depth--;
		/* the group is the last atom of its parent's last branch */
		s->branch = re->nodes[s->stack[s->depth]].last;
		(*i)++;
		return 0;
	case '|':
		if ((s->branch = add_node(re, PM_RE_BRANCH,
		    s->stack[s->depth])) < 0)
			goto nomem;
		(*i)++;
		return 0;
	case '*': case '+': case '?':
		atom = re->nodes[s->branch].last;
		if (atom >= 0 && re->nodes[atom].kind != PM_RE_MATCH_SPLIT &&
		    re->nodes[atom].kind != PM_RE_AREA_START) {
			quantify(&re->nodes[atom], (char)c);
			(*i)++;
			return 0;
		}
		break;   /* nothing to repeat: a plain character */
	case '^':
		if (*i + 1 < len && t[*i + 1] == '^') {
			atom = add_node(re, *i == 0 ? PM_RE_AREA_START :
			    PM_RE_AREA_END, s->branch);
			*i += 2;
			return atom < 0 ? -1 : 0;
		}
		*i += 1;
		return add_node(re, PM_RE_BOL, s->branch) < 0 ? -1 : 0;
	case '$':
		*i += 1;
		return add_node(re, PM_RE_EOL, s->branch) < 0 ? -1 : 0;
	case '.':
		*i += 1;
		return add_node(re, PM_RE_ANY, s->branch) < 0 ? -1 : 0;
	case '[':
		if ((atom = add_node(re, PM_RE_CLASS, s->branch)) < 0)
			goto nomem;
		if ((*i = parse_class(t, len, *i + 1, &re->nodes[atom])) == 0)
			return fail_parse(re, err, errlen, "missing ']'");
		return 0;
	case '\\':
		if (*i + 1 < len) {
			unsigned char e = (unsigned char)t[*i + 1];

			*i += 2;
			if (e == '<' || e == '>')
				return add_node(re, PM_RE_WORD_EDGE,
				    s->branch) < 0 ? -1 : 0;
			if (e == '/' && !re->has_split) {
				re->has_split = true;
				return add_node(re, PM_RE_MATCH_SPLIT,
				    s->branch) < 0 ? -1 : 0;
			}
			c = e;
			*i -= 1;   /* the plain character below */
		}
		break;
	}
	if ((atom = add_node(re, PM_RE_CHAR, s->branch)) < 0)
		goto nomem;
	re->nodes[atom].c = c;
	(*i)++;
	return 0;
nomem:
	return fail_parse(re, err, errlen, "out of memory");
}

int pm_re_parse(const char *text, size_t len, struct pm_re *re, char *err,
    size_t errlen)
{
	struct parse_state s = { .re = re };
	size_t i = 0;

	memset(re, 0, sizeof *re);
	if (len > PM_RE_MAX_LEN)
		return fail_parse(re, err, errlen, "expression too long");
	if (add_node(re, PM_RE_GROUP, -1) < 0 ||
	    (s.branch = add_node(re, PM_RE_BRANCH, 0)) < 0)
		return fail_parse(re, err, errlen, "out of memory");
	while (i < len)
		if (parse_one(&s, text, len, &i, err, errlen) < 0) {
			if (re->nodes)
				return fail_parse(re, err, errlen,
				    "out of memory");
			return -1;
		}
	if (s.depth != 0)
		return fail_parse(re, err, errlen, "missing ')'");
	return 0;
}

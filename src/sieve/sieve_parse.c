/* sieve_parse.c: recursive-descent parser for Sieve (RFC 5228 section 8.2).
 *
 * Nodes are carved from an arena so that freeing a tree never walks it
 * (a walk would be one more recursion for a hostile script to deepen). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_lex.h"
#include "sieve_parse.h"

#define ARENA_CHUNK (64 * 1024)

struct sieve_arena {
	struct sieve_arena *next;
	size_t used, size;
	max_align_t data[];
};

struct parser {
	struct sieve_lexer lx;
	struct sieve_token tok;       /* the lookahead */
	struct sieve_script *script;
	struct sieve_diag *err;
};

static void *arena_alloc(struct sieve_script *s, size_t n)
{
	struct sieve_arena *a = s->arena;
	size_t align = sizeof(max_align_t);

	n = (n + align - 1) / align * align;
	if (a == NULL || a->size - a->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		a = malloc(sizeof *a + size);
		if (a == NULL)
			return NULL;
		a->size = size;
		a->used = 0;
		a->next = s->arena;
		s->arena = a;
	}
	a->used += n;
	return memset((char *)a->data + a->used - n, 0, n);
}

void sieve_script_free(struct sieve_script *script)
{
	if (script == NULL)
		return;
	if (script->included != NULL && script->included_free != NULL)
		script->included_free(script->included);
	while (script->arena) {
		struct sieve_arena *next = script->arena->next;

		free(script->arena);
		script->arena = next;
	}
	free(script);
}

int sieve_diag_format(const struct sieve_diag *d, char *buf, size_t len)
{
	return snprintf(buf, len, "line %u, column %u: %s",
	    d->pos.line, d->pos.col, d->msg);
}

/* A zeroed node of n bytes, counted against SIEVE_NODES_MAX. */
static void *new_node(struct parser *p, size_t n)
{
	void *node;

	if (++p->script->nodes > SIEVE_NODES_MAX) {
		sieve_diag_set(p->err, p->tok.pos,
		    "script too complex (more than %d syntax nodes)",
		    SIEVE_NODES_MAX);
		return NULL;
	}
	node = arena_alloc(p->script, n);
	if (node == NULL)
		sieve_diag_set(p->err, p->tok.pos, "out of memory");
	return node;
}

static char *copy_value(struct parser *p, const char *v, size_t len)
{
	char *c = arena_alloc(p->script, len + 1);

	if (c == NULL) {
		sieve_diag_set(p->err, p->tok.pos, "out of memory");
		return NULL;
	}
	memcpy(c, v, len);
	c[len] = '\0';
	return c;
}

static int next(struct parser *p)
{
	return sieve_lex_next(&p->lx, &p->tok, p->err);
}

static bool at(const struct parser *p, enum sieve_tok kind)
{
	return p->tok.kind == kind;
}

static bool at_string(const struct parser *p)
{
	return at(p, SIEVE_TOK_STRING) || at(p, SIEVE_TOK_TEXT);
}

/* Describe the lookahead for "expected X, found Y" messages. */
static void describe(const struct parser *p, char *buf, size_t len)
{
	if (at(p, SIEVE_TOK_IDENT))
		(void)snprintf(buf, len, "'%s'", p->tok.value);
	else if (at(p, SIEVE_TOK_TAG))
		(void)snprintf(buf, len, "':%s'", p->tok.value);
	else
		(void)snprintf(buf, len, "%s", sieve_tok_name(p->tok.kind));
}

static int expected(struct parser *p, const char *what)
{
	char found[SIEVE_IDENT_MAX + 8];

	describe(p, found, sizeof found);
	return sieve_diag_set(p->err, p->tok.pos, "expected %s, found %s",
	    what, found);
}

static int enter(struct parser *p, unsigned depth)
{
	if (depth > SIEVE_DEPTH_MAX)
		return sieve_diag_set(p->err, p->tok.pos,
		    "nesting too deep (limit %d levels of blocks and tests)",
		    SIEVE_DEPTH_MAX);
	return 0;
}

static struct sieve_string *parse_string(struct parser *p)
{
	struct sieve_string *s = new_node(p, sizeof *s);

	if (s == NULL)
		return NULL;
	s->pos = p->tok.pos;
	s->multiline = at(p, SIEVE_TOK_TEXT);
	s->len = p->tok.len;
	s->value = copy_value(p, p->tok.value, p->tok.len);
	if (s->value == NULL || next(p) == -1)
		return NULL;
	return s;
}

/* "[" string *("," string) "]" */
static int parse_list(struct parser *p, struct sieve_arg *arg)
{
	struct sieve_string **tail = &arg->strings;

	if (next(p) == -1)
		return -1;
	for (;;) {
		if (!at_string(p))
			return expected(p, arg->nstrings ?
			    "a string after ','" : "a string in the list");
		if ((*tail = parse_string(p)) == NULL)
			return -1;
		tail = &(*tail)->next;
		arg->nstrings++;
		if (at(p, SIEVE_TOK_RBRACKET))
			return next(p);
		if (!at(p, SIEVE_TOK_COMMA))
			return expected(p, "',' or ']' in the string list");
		if (next(p) == -1)
			return -1;
	}
}

static struct sieve_arg *parse_argument(struct parser *p)
{
	struct sieve_arg *arg = new_node(p, sizeof *arg);

	if (arg == NULL)
		return NULL;
	arg->pos = p->tok.pos;
	switch (p->tok.kind) {
	case SIEVE_TOK_TAG:
		arg->kind = SIEVE_ARG_TAG;
		arg->tag = copy_value(p, p->tok.value, p->tok.len);
		if (arg->tag == NULL || next(p) == -1)
			return NULL;
		break;
	case SIEVE_TOK_NUMBER:
		arg->kind = SIEVE_ARG_NUMBER;
		arg->number = p->tok.number;
		if (next(p) == -1)
			return NULL;
		break;
	case SIEVE_TOK_LBRACKET:
		arg->kind = SIEVE_ARG_LIST;
		if (parse_list(p, arg) == -1)
			return NULL;
		break;
	default:
		arg->kind = SIEVE_ARG_STRING;
		arg->nstrings = 1;
		if ((arg->strings = parse_string(p)) == NULL)
			return NULL;
		break;
	}
	return arg;
}

static bool at_argument(const struct parser *p)
{
	return at(p, SIEVE_TOK_TAG) || at(p, SIEVE_TOK_NUMBER) ||
	    at(p, SIEVE_TOK_LBRACKET) || at_string(p);
}

static struct sieve_test *parse_test(struct parser *p, unsigned depth);

/* "(" test *("," test) ")" */
static int parse_test_list(struct parser *p, unsigned depth,
    struct sieve_test **tests, size_t *ntests)
{
	struct sieve_test **tail = tests;

	if (next(p) == -1)
		return -1;
	for (;;) {
		if (!at(p, SIEVE_TOK_IDENT))
			return expected(p, *ntests ?
			    "a test after ','" : "a test in the test list");
		if ((*tail = parse_test(p, depth)) == NULL)
			return -1;
		tail = &(*tail)->next;
		(*ntests)++;
		if (at(p, SIEVE_TOK_RPAREN))
			return next(p);
		if (!at(p, SIEVE_TOK_COMMA))
			return expected(p, "',' or ')' after a test");
		if (next(p) == -1)
			return -1;
	}
}

/* The part shared by commands and tests: *argument [test / test-list]. */
struct arguments {
	struct sieve_arg *args;
	size_t nargs;
	struct sieve_test *tests;
	size_t ntests;
	bool test_list;
};

static int parse_arguments(struct parser *p, unsigned depth,
    struct arguments *a)
{
	struct sieve_arg **tail = &a->args;

	while (at_argument(p)) {
		if ((*tail = parse_argument(p)) == NULL)
			return -1;
		tail = &(*tail)->next;
		a->nargs++;
	}
	if (at(p, SIEVE_TOK_IDENT)) {
		if ((a->tests = parse_test(p, depth + 1)) == NULL)
			return -1;
		a->ntests = 1;
	} else if (at(p, SIEVE_TOK_LPAREN)) {
		a->test_list = true;
		return parse_test_list(p, depth + 1, &a->tests, &a->ntests);
	}
	return 0;
}

static struct sieve_test *parse_test(struct parser *p, unsigned depth)
{
	struct sieve_test *t;
	struct arguments a = { 0 };

	if (enter(p, depth) == -1 || (t = new_node(p, sizeof *t)) == NULL)
		return NULL;
	t->pos = p->tok.pos;
	if ((t->name = copy_value(p, p->tok.value, p->tok.len)) == NULL ||
	    next(p) == -1 || parse_arguments(p, depth, &a) == -1)
		return NULL;
	t->args = a.args;
	t->nargs = a.nargs;
	t->tests = a.tests;
	t->ntests = a.ntests;
	t->test_list = a.test_list;
	return t;
}

static int parse_commands(struct parser *p, unsigned depth,
    struct sieve_command **list, size_t *n);

static int parse_block(struct parser *p, unsigned depth,
    struct sieve_command *cmd)
{
	struct sieve_pos open = p->tok.pos;

	cmd->has_block = true;
	if (next(p) == -1 ||
	    parse_commands(p, depth + 1, &cmd->block, &cmd->nblock) == -1)
		return -1;
	if (!at(p, SIEVE_TOK_RBRACE)) {
		if (at(p, SIEVE_TOK_EOF))
			return sieve_diag_set(p->err, p->tok.pos,
			    "missing '}' to close the block opened at "
			    "line %u, column %u", open.line, open.col);
		return expected(p, "a command or '}'");
	}
	return next(p);
}

static struct sieve_command *parse_command(struct parser *p, unsigned depth)
{
	struct sieve_command *c;
	struct arguments a = { 0 };
	char what[SIEVE_IDENT_MAX + 40];

	if (enter(p, depth) == -1 || (c = new_node(p, sizeof *c)) == NULL)
		return NULL;
	c->pos = p->tok.pos;
	if ((c->name = copy_value(p, p->tok.value, p->tok.len)) == NULL ||
	    next(p) == -1 || parse_arguments(p, depth, &a) == -1)
		return NULL;
	c->args = a.args;
	c->nargs = a.nargs;
	c->tests = a.tests;
	c->ntests = a.ntests;
	c->test_list = a.test_list;
	if (at(p, SIEVE_TOK_SEMICOLON)) {
		if (next(p) == -1)
			return NULL;
	} else if (at(p, SIEVE_TOK_LBRACE)) {
		if (parse_block(p, depth, c) == -1)
			return NULL;
	} else {
		/* where the ';' belongs: right after the last argument */
		(void)snprintf(what, sizeof what, "';' or a block after '%s'",
		    c->name);
		(void)expected(p, what);
		p->err->pos = p->lx.prev_end;
		return NULL;
	}
	return c;
}

static int parse_commands(struct parser *p, unsigned depth,
    struct sieve_command **list, size_t *n)
{
	struct sieve_command **tail = list;

	while (at(p, SIEVE_TOK_IDENT)) {
		if ((*tail = parse_command(p, depth)) == NULL)
			return -1;
		tail = &(*tail)->next;
		(*n)++;
	}
	return 0;
}

int sieve_parse(const char *src, size_t len, struct sieve_script **out,
    struct sieve_diag *err)
{
	struct parser p = { .err = err };
	int rc = -1;

	*out = NULL;
	memset(err, 0, sizeof *err);
	if ((p.script = calloc(1, sizeof *p.script)) == NULL)
		return sieve_diag_set(err, (struct sieve_pos){ 1, 1 },
		    "out of memory");
	if (sieve_lex_init(&p.lx, src, len, err) == 0 && next(&p) == 0 &&
	    parse_commands(&p, 0, &p.script->commands,
	    &p.script->ncommands) == 0) {
		if (at(&p, SIEVE_TOK_EOF))
			rc = 0;
		else if (at(&p, SIEVE_TOK_RBRACE))
			(void)sieve_diag_set(err, p.tok.pos,
			    "'}' without a matching '{'");
		else
			(void)expected(&p, "a command");
	}
	p.script->mixed_case = p.lx.saw_upper;
	sieve_lex_free(&p.lx);
	if (rc == -1) {
		sieve_script_free(p.script);
		return -1;
	}
	*out = p.script;
	return 0;
}

/* sieve_parse.c: recursive-descent parser for Sieve (RFC 5228 section 8.2).
 *
 * Nodes are carved from an arena so that freeing a tree never walks it
 * (a walk would be one more recursion for a hostile script to deepen).
 *
 * Errors do not stop the parse: as Pigeonhole does, the parser reports
 * one, skips to the end of the construct that failed (the ']' of a string
 * list, the ')' of a test list, the ';' or block of a command, the '}' of
 * a block, counting nested pairs) and goes on, so that a script with
 * three mistakes gets three errors, each with its line and column.  A
 * lexical error is reported by the lexer and not again by the parser.
 * Each parse function returns 1 when the parser is in a defined state,
 * 0 after an error its caller recovers from, -1 when parsing must stop
 * (memory, the node limit, too many errors). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sieve_lex.h"
#include "sieve_parse.h"

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN 8            /* pointers and 64-bit numbers */
/* A large script's tree takes about this many bytes per byte of script
 * (1,000 rules of 75 bytes: 0.7 MB).  Its memory is mapped and populated
 * in one call: first touches of fresh pages one by one were most of what
 * a long script cost (a page fault each, ~280 for 1,000 rules, and dear
 * under a hypervisor). */
#define ARENA_BYTES_PER_BYTE 10
#define ARENA_MAP_MIN (256 * 1024)
/* From this size on (a script of about 50 KB and more), the arena is one
 * transparent huge page when the kernel gives one (THP "always" or
 * "madvise"): one fault instead of one per 4 KiB page, which even
 * populated in one call cost about 4 microseconds each here (1,000 rules:
 * 340 -> 146 page faults, 8-16 % less CPU a delivery in A/B runs under
 * load).  The price is resident memory: the whole 2 MiB page, about 1.4
 * MiB more than the tree needs for 1,000 rules, for such scripts only.
 * Without THP only the pages needed are populated, as below the mark. */
#define ARENA_HUGE_MIN (512 * 1024)
#define HUGE_PAGE ((size_t)2 << 20)

struct sieve_arena {
	struct sieve_arena *next;
	size_t used, size;
	bool mapped;                  /* mmap()ed, not malloc()ed */
	size_t maplen;                /* the mapping's length when mapped */
	max_align_t data[];
};

/* bytes (>= ARENA_HUGE_MIN) in a mapping aligned to a huge page and
 * populated, huge if the kernel allows; NULL when it cannot be mapped. */
static void *map_huge(size_t bytes, size_t *maplen)
{
	size_t len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *m, *at;

	if (bytes > SIZE_MAX - 2 * HUGE_PAGE)
		return NULL;
	m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	at = m + (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
	if (at > m)
		(void)munmap(m, (size_t)(at - m));
	if (at + len < m + len + HUGE_PAGE)
		(void)munmap(at + len, (size_t)(m + len + HUGE_PAGE -
		    (at + len)));
	(void)madvise(at, len, MADV_HUGEPAGE);
	/* only what is needed: without THP that is all that is touched
	 * (an old kernel without MADV_POPULATE_WRITE faults it as used) */
	(void)madvise(at, (bytes + page - 1) / page * page,
	    MADV_POPULATE_WRITE);
	*maplen = len;
	return at;
}

struct parser {
	struct sieve_lexer lx;
	struct sieve_token tok;       /* the lookahead */
	struct sieve_script *script;
	struct sieve_parse_diags *diags;
	bool fatal;                   /* stop: report nothing more */
};

/* A new chunk of size bytes on top of s's arena. */
static struct sieve_arena *arena_push(struct sieve_script *s, size_t size)
{
	struct sieve_arena *a;
	size_t maplen = sizeof *a + size;

	if (size >= ARENA_HUGE_MIN &&
	    (a = map_huge(sizeof *a + size, &maplen)) != NULL) {
		a->mapped = true;
	} else if (size >= ARENA_MAP_MIN) {
		a = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (a == MAP_FAILED)
			return NULL;
		a->mapped = true;
	} else {
		if ((a = malloc(sizeof *a + size)) == NULL)
			return NULL;
		a->mapped = false;
	}
	a->size = size;
	a->maplen = maplen;
	a->used = 0;
	a->next = s->arena;
	s->arena = a;
	return a;
}

static void *arena_alloc(struct sieve_script *s, size_t n)
{
	struct sieve_arena *a = s->arena;

	n = (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
	if ((a == NULL || a->size - a->used < n) &&
	    (a = arena_push(s, n > ARENA_CHUNK ? n : ARENA_CHUNK)) == NULL)
		return NULL;
	a->used += n;
	/* a mapped chunk is fresh from mmap, hence zero, and never reused:
	 * zeroing it again was 2.5 % of parsing a long script */
	if (a->mapped)
		return (char *)a->data + a->used - n;
	return memset((char *)a->data + a->used - n, 0, n);
}

void sieve_script_free(struct sieve_script *script)
{
	if (script == NULL)
		return;
	if (script->included != NULL && script->included_free != NULL)
		script->included_free(script->included);
	while (script->arena) {
		struct sieve_arena *a = script->arena;

		script->arena = a->next;
		if (a->mapped)
			(void)munmap(a, a->maplen);
		else
			free(a);
	}
	free(script);
}

int sieve_diag_format(const struct sieve_diag *d, char *buf, size_t len)
{
	return snprintf(buf, len, "line %u, column %u: %s",
	    d->pos.line, d->pos.col, d->msg);
}

/* ---- errors -------------------------------------------------------------- */

static void report(struct parser *p, const struct sieve_diag *d)
{
	struct sieve_parse_diags *ds = p->diags;

	if (p->fatal)
		return;
	if (ds->ndiags < SIEVE_PARSE_DIAGS_MAX)
		ds->diags[ds->ndiags++] = *d;
	/* past that many, what follows is noise: stop */
	if (++ds->nerrors >= SIEVE_PARSE_DIAGS_MAX)
		p->fatal = true;
}

/* A parse error at pos, unless the lookahead is a lexical error (the
 * lexer said it already).  Returns 0, the "recover" result. */
static int __attribute__((format(printf, 3, 4)))
perr(struct parser *p, struct sieve_pos pos, const char *fmt, ...)
{
	struct sieve_diag d = { .pos = pos };
	va_list ap;

	if (p->tok.kind == SIEVE_TOK_ERROR)
		return 0;
	va_start(ap, fmt);
	(void)vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	report(p, &d);
	return 0;
}

/* An error parsing cannot go on from; returns -1. */
static int stop(struct parser *p, const char *msg)
{
	struct sieve_diag d = { .pos = p->tok.pos };

	(void)strlcpy(d.msg, msg, sizeof d.msg);
	report(p, &d);
	p->fatal = true;
	return -1;
}

static void next(struct parser *p)
{
	struct sieve_diag d;

	if (sieve_lex_next(&p->lx, &p->tok, &d) == -1) {
		report(p, &d);
		if (p->lx.fatal)
			p->fatal = true;
	}
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
static const char *found(const struct parser *p, char *buf, size_t len)
{
	if (at(p, SIEVE_TOK_IDENT))
		(void)snprintf(buf, len, "'%s'", p->tok.value);
	else if (at(p, SIEVE_TOK_TAG))
		(void)snprintf(buf, len, "':%s'", p->tok.value);
	else
		(void)snprintf(buf, len, "%s", sieve_tok_name(p->tok.kind));
	return buf;
}

static int expected(struct parser *p, const char *what)
{
	char f[SIEVE_IDENT_MAX + 8];

	return perr(p, p->tok.pos, "expected %s, found %s", what,
	    found(p, f, sizeof f));
}

/* ---- recovery ------------------------------------------------------------ */

/* How far a token closes: a '}' ends more than a ';', which ends more
 * than a ')', which ends more than a ']'. */
static int rank(enum sieve_tok kind)
{
	switch (kind) {
	case SIEVE_TOK_LBRACE: case SIEVE_TOK_RBRACE:     return 3;
	case SIEVE_TOK_SEMICOLON:                         return 2;
	case SIEVE_TOK_LPAREN: case SIEVE_TOK_RPAREN:     return 1;
	case SIEVE_TOK_LBRACKET: case SIEVE_TOK_RBRACKET: return 0;
	default:                                          return -1;
	}
}

/* Skip to the token `end` that closes the construct the error happened
 * in, over nested pairs of its kind, without crossing a token that
 * closes more (a ';' stops the search for a ']').  1 with the lookahead
 * on it; for a command, a '{' is its end too.  0 when not found. */
static int recover(struct parser *p, enum sieve_tok end)
{
	static const enum sieve_tok opens[4] = { SIEVE_TOK_LBRACKET,
	    SIEVE_TOK_LPAREN, SIEVE_TOK_EOF, SIEVE_TOK_LBRACE };
	int level = rank(end);
	unsigned nesting = 1;

	while (!p->fatal && !at(p, SIEVE_TOK_EOF) &&
	    rank(p->tok.kind) <= level) {
		if (level != 2 && at(p, opens[level])) {
			nesting++;
		} else if (at(p, end) && --nesting == 0) {
			return 1;
		}
		next(p);
	}
	if (p->fatal)
		return -1;
	return end == SIEVE_TOK_SEMICOLON && at(p, SIEVE_TOK_LBRACE);
}

/* ---- nodes --------------------------------------------------------------- */

/* A zeroed node of n bytes, counted against SIEVE_NODES_MAX; NULL (and
 * parsing stopped) when over it or out of memory. */
static void *new_node(struct parser *p, size_t n)
{
	char msg[80];
	void *node;

	if (++p->script->nodes > SIEVE_NODES_MAX) {
		(void)snprintf(msg, sizeof msg, "script too complex (more "
		    "than %d syntax nodes)", SIEVE_NODES_MAX);
		(void)stop(p, msg);
		return NULL;
	}
	if ((node = arena_alloc(p->script, n)) == NULL)
		(void)stop(p, "out of memory");
	return node;
}

static char *copy_value(struct parser *p, const char *v, size_t len)
{
	char *c = arena_alloc(p->script, len + 1);

	if (c == NULL) {
		(void)stop(p, "out of memory");
		return NULL;
	}
	memcpy(c, v, len);
	c[len] = '\0';
	return c;
}

/* ---- grammar ------------------------------------------------------------- */

static int parse_string(struct parser *p, struct sieve_string **out)
{
	struct sieve_string *s = new_node(p, sizeof *s);

	if (s == NULL)
		return -1;
	s->pos = p->tok.pos;
	s->multiline = at(p, SIEVE_TOK_TEXT);
	s->len = p->tok.len;
	if ((s->value = copy_value(p, p->tok.value, p->tok.len)) == NULL)
		return -1;
	*out = s;
	next(p);
	return 1;
}

/* "[" string *("," string) "]" */
static int parse_list(struct parser *p, struct sieve_arg *arg)
{
	struct sieve_string **tail = &arg->strings;
	int r = 1;

	next(p);
	for (;;) {
		if (p->fatal)
			return -1;
		if (!at_string(p)) {
			(void)expected(p, arg->nstrings ?
			    "a string after ','" : "a string in the list");
			r = recover(p, SIEVE_TOK_RBRACKET);
			break;
		}
		if (parse_string(p, tail) < 0)
			return -1;
		tail = &(*tail)->next;
		arg->nstrings++;
		if (!at(p, SIEVE_TOK_COMMA))
			break;
		next(p);
	}
	if (r < 0)
		return r;
	if (at(p, SIEVE_TOK_RBRACKET)) {
		next(p);
		return r;
	}
	if (r > 0) {
		(void)expected(p, "',' or ']' in the string list");
		if ((r = recover(p, SIEVE_TOK_RBRACKET)) > 0)
			next(p);
	}
	return r;
}

static bool at_argument(const struct parser *p)
{
	return at(p, SIEVE_TOK_TAG) || at(p, SIEVE_TOK_NUMBER) ||
	    at(p, SIEVE_TOK_LBRACKET) || at_string(p);
}

static int parse_argument(struct parser *p, struct sieve_arg **out)
{
	struct sieve_arg *arg = new_node(p, sizeof *arg);

	if ((*out = arg) == NULL)
		return -1;
	arg->pos = p->tok.pos;
	switch (p->tok.kind) {
	case SIEVE_TOK_TAG:
		arg->kind = SIEVE_ARG_TAG;
		if ((arg->tag = copy_value(p, p->tok.value, p->tok.len)) ==
		    NULL)
			return -1;
		next(p);
		return 1;
	case SIEVE_TOK_NUMBER:
		arg->kind = SIEVE_ARG_NUMBER;
		arg->number = p->tok.number;
		next(p);
		return 1;
	case SIEVE_TOK_LBRACKET:
		arg->kind = SIEVE_ARG_LIST;
		return parse_list(p, arg);
	default:
		arg->kind = SIEVE_ARG_STRING;
		arg->nstrings = 1;
		return parse_string(p, &arg->strings);
	}
}

/* The part shared by commands and tests: *argument [test / test-list]. */
struct arguments {
	const char *owner;            /* the command or test they belong to */
	struct sieve_arg *args;
	size_t nargs;
	struct sieve_test *tests;
	size_t ntests;
	bool test_list;
};

static int parse_arguments(struct parser *p, unsigned depth,
    struct arguments *a);

/* A test at the lookahead (an identifier), depth levels of tests deep. */
static int parse_test(struct parser *p, unsigned depth,
    struct sieve_test **out)
{
	struct sieve_test *t = new_node(p, sizeof *t);
	struct arguments a = { 0 };
	int r;

	if ((*out = t) == NULL)
		return -1;
	t->pos = p->tok.pos;
	if ((t->name = copy_value(p, p->tok.value, p->tok.len)) == NULL)
		return -1;
	next(p);
	a.owner = t->name;
	r = parse_arguments(p, depth, &a);
	t->args = a.args;
	t->nargs = a.nargs;
	t->tests = a.tests;
	t->ntests = a.ntests;
	t->test_list = a.test_list;
	return r;
}

static int test_too_deep(struct parser *p)
{
	return perr(p, p->tok.pos, "nesting too deep (limit %d levels of "
	    "tests)", SIEVE_TEST_DEPTH_MAX);
}

/* "(" test *("," test) ")", the lookahead on the "(". */
static int parse_test_list(struct parser *p, unsigned depth,
    struct arguments *a)
{
	struct sieve_test **tail = &a->tests;
	int r = 1;

	if (depth > SIEVE_TEST_DEPTH_MAX) {
		(void)test_too_deep(p);
		next(p);
		if ((r = recover(p, SIEVE_TOK_RPAREN)) > 0)
			next(p);
		return r;
	}
	a->test_list = true;
	next(p);
	for (;;) {
		if (p->fatal)
			return -1;
		if (!at(p, SIEVE_TOK_IDENT)) {
			(void)expected(p, a->ntests ?
			    "a test after ','" : "a test in the test list");
			r = recover(p, SIEVE_TOK_RPAREN);
			break;
		}
		r = parse_test(p, depth, tail);
		a->ntests++;
		if (r < 0)
			return r;
		tail = &(*tail)->next;
		if (r == 0) {
			r = recover(p, SIEVE_TOK_RPAREN);
			break;
		}
		if (!at(p, SIEVE_TOK_COMMA))
			break;
		next(p);
	}
	if (r < 0)
		return r;
	if (at(p, SIEVE_TOK_RPAREN)) {
		next(p);
		return r;
	}
	if (r > 0) {
		(void)expected(p, "',' or ')' after a test");
		if ((r = recover(p, SIEVE_TOK_RPAREN)) > 0)
			next(p);
	}
	return r;
}

static int parse_arguments(struct parser *p, unsigned depth,
    struct arguments *a)
{
	struct sieve_arg **tail = &a->args;
	struct sieve_pos pos;
	int r;

	while (at_argument(p)) {
		if (p->fatal)
			return -1;
		r = parse_argument(p, tail);
		if (r <= 0)
			return r;
		pos = (*tail)->pos;
		tail = &(*tail)->next;
		if (++a->nargs > SIEVE_ARGS_MAX)
			return perr(p, pos, "too many arguments for '%s' "
			    "(limit %d)", a->owner, SIEVE_ARGS_MAX);
	}
	if (at(p, SIEVE_TOK_IDENT)) {
		if (depth + 1 > SIEVE_TEST_DEPTH_MAX)
			return test_too_deep(p);
		a->ntests = 1;
		return parse_test(p, depth + 1, &a->tests);
	}
	if (at(p, SIEVE_TOK_LPAREN))
		return parse_test_list(p, depth + 1, a);
	return 1;
}

static int parse_commands(struct parser *p, unsigned depth,
    struct sieve_command **list, size_t *n);

/* The block of cmd, the lookahead on its "{". */
static int parse_block(struct parser *p, unsigned depth,
    struct sieve_command *cmd)
{
	struct sieve_pos open = p->tok.pos;
	int r;

	next(p);
	if (depth + 1 > SIEVE_BLOCK_DEPTH_MAX) {
		(void)perr(p, open, "nesting too deep (limit %d levels of "
		    "blocks)", SIEVE_BLOCK_DEPTH_MAX);
		if ((r = recover(p, SIEVE_TOK_RBRACE)) > 0)
			next(p);
		return r;
	}
	cmd->has_block = true;
	r = parse_commands(p, depth + 1, &cmd->block, &cmd->nblock);
	if (r > 0 && !at(p, SIEVE_TOK_RBRACE)) {
		if (at(p, SIEVE_TOK_EOF))
			(void)perr(p, p->tok.pos, "missing '}' to close the "
			    "block opened at line %u, column %u", open.line,
			    open.col);
		else
			(void)expected(p, "a command or '}'");
		r = 0;
	}
	if (r == 0)
		r = recover(p, SIEVE_TOK_RBRACE);
	if (r > 0)
		next(p);
	return r;
}

/* The end of a command: ";" or a block. */
static int parse_command_end(struct parser *p, unsigned depth,
    struct sieve_command *c, int r)
{
	char what[SIEVE_IDENT_MAX + 40], f[SIEVE_IDENT_MAX + 8];

	if (r > 0 && !at(p, SIEVE_TOK_SEMICOLON) && !at(p, SIEVE_TOK_LBRACE)) {
		/* where the ';' belongs: right after the last argument */
		(void)snprintf(what, sizeof what, "';' or a block after '%s'",
		    c->name);
		r = perr(p, p->lx.prev_end, "expected %s, found %s", what,
		    found(p, f, sizeof f));
	}
	if (r == 0)
		r = recover(p, SIEVE_TOK_SEMICOLON);
	if (r <= 0)
		return r;
	if (at(p, SIEVE_TOK_SEMICOLON)) {
		next(p);
		return 1;
	}
	return parse_block(p, depth, c);
}

static int parse_command(struct parser *p, unsigned depth,
    struct sieve_command **out)
{
	struct sieve_command *c = new_node(p, sizeof *c);
	struct arguments a = { 0 };
	int r;

	if ((*out = c) == NULL)
		return -1;
	c->pos = p->tok.pos;
	if ((c->name = copy_value(p, p->tok.value, p->tok.len)) == NULL)
		return -1;
	next(p);
	a.owner = c->name;
	r = parse_arguments(p, 1, &a);
	c->args = a.args;
	c->nargs = a.nargs;
	c->tests = a.tests;
	c->ntests = a.ntests;
	c->test_list = a.test_list;
	if (r < 0)
		return r;
	return parse_command_end(p, depth, c, r);
}

static int parse_commands(struct parser *p, unsigned depth,
    struct sieve_command **list, size_t *n)
{
	struct sieve_command **tail = list;
	int r = 1;

	while (r > 0 && at(p, SIEVE_TOK_IDENT)) {
		if (p->fatal)
			return -1;
		r = parse_command(p, depth, tail);
		if (*tail == NULL)
			return -1;
		tail = &(*tail)->next;
		(*n)++;
	}
	return r;
}

int sieve_parse_all(const char *src, size_t len, struct sieve_script **out,
    struct sieve_parse_diags *diags)
{
	struct parser p = { .diags = diags };
	struct sieve_diag d;
	int r;

	*out = NULL;
	/* not the whole array: 10 KiB a parse would touch for nothing */
	diags->ndiags = diags->nerrors = 0;
	if ((p.script = calloc(1, sizeof *p.script)) == NULL) {
		(void)sieve_diag_set(&d, (struct sieve_pos){ 1, 1 },
		    "out of memory");
		report(&p, &d);
		return -1;
	}
	if (sieve_lex_init(&p.lx, src, len, &d) == -1) {
		report(&p, &d);
	} else {
		/* a large script: its whole tree's memory at once (a failure
		 * here only means chunks as it goes) */
		if (len * ARENA_BYTES_PER_BYTE >= ARENA_MAP_MIN)
			(void)arena_push(p.script, len * ARENA_BYTES_PER_BYTE);
		next(&p);
		r = parse_commands(&p, 1, &p.script->commands,
		    &p.script->ncommands);
		/* after an error, what is left over is no news */
		if (r > 0 && diags->nerrors == 0 && !at(&p, SIEVE_TOK_EOF)) {
			if (at(&p, SIEVE_TOK_RBRACE))
				(void)perr(&p, p.tok.pos,
				    "'}' without a matching '{'");
			else
				(void)expected(&p, "a command");
		}
	}
	p.script->mixed_case = p.lx.saw_upper;
	sieve_lex_free(&p.lx);
	if (diags->nerrors > 0) {
		sieve_script_free(p.script);
		return -1;
	}
	*out = p.script;
	return 0;
}

int sieve_parse(const char *src, size_t len, struct sieve_script **out,
    struct sieve_diag *err)
{
	struct sieve_parse_diags *diags = malloc(sizeof *diags);
	int rc;

	*out = NULL;
	memset(err, 0, sizeof *err);
	if (diags == NULL)
		return sieve_diag_set(err, (struct sieve_pos){ 1, 1 },
		    "out of memory");
	rc = sieve_parse_all(src, len, out, diags);
	if (rc < 0)
		*err = diags->diags[0];
	free(diags);
	return rc;
}

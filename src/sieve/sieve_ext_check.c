/* sieve_ext_check.c: the native engine's semantic checks, driven by the
 * extension table (sieve_ext.h): require, argument shapes from each
 * definition, tags of the definition and those other extensions add,
 * if/elsif/else order, every extension used required, then each
 * definition's own check hook.
 *
 * Recursion follows the nesting of blocks and tests, which the parser
 * bounds by SIEVE_DEPTH_MAX (sieve_parse.h), so its depth does not follow
 * the input beyond that. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sieve_check.h"
#include "sieve_ext.h"
#include "sieve_match.h"
#include "sieve_parse.h"

#define UNKNOWN_NAMES_MAX 64

struct sieve_checker {
	struct sieve_ncheck_result *res;
	/* unknown command and test names already reported: Pigeonhole
	 * reports each at its first occurrence only */
	const char *unknown[UNKNOWN_NAMES_MAX];
	size_t nunknown;
	/* the extensions named by require or a live ihave, without the
	 * ones they imply: what excludes another is what the script names */
	struct sieve_ext_set named;
	/* where each named extension was first required (its needs are
	 * reported there) */
	struct sieve_pos named_pos[SIEVE_EXT_MAX];
	/* the commands whose blocks enclose the one being checked,
	 * outermost first (bounded by the parser's nesting limit) */
	const struct sieve_command *enclosing[SIEVE_DEPTH_MAX + 1];
	size_t nenclosing;
	/* the arguments of the command or test being checked, for a tag
	 * that depends on another (index's :last needs :index) */
	const struct sieve_arg *args;
	size_t max_scope_size;
	void *ext_state[SIEVE_EXT_MAX];   /* by index in sieve_ext_table */
};

void **sieve_check_ext_state(struct sieve_checker *ck,
    const struct sieve_extension *ext)
{
	static void *none;

	for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX; i++)
		if (sieve_ext_table[i] == ext)
			return &ck->ext_state[i];
	none = NULL;
	return &none;
}

size_t sieve_check_max_scope_size(const struct sieve_checker *ck)
{
	return ck->max_scope_size;
}

/* Keep one diagnostic (up to SIEVE_NCHECK_DIAGS_MAX; the counts go on). */
static void keep_diag(struct sieve_ncheck_result *r, struct sieve_pos pos,
    const char *fmt, va_list ap)
{
	if (r->ndiags >= SIEVE_NCHECK_DIAGS_MAX)
		return;
	r->diags[r->ndiags].pos = pos;
	(void)vsnprintf(r->diags[r->ndiags].msg,
	    sizeof r->diags[r->ndiags].msg, fmt, ap);
	r->ndiags++;
}

void sieve_check_error(struct sieve_checker *ck, struct sieve_pos pos,
    const char *fmt, ...)
{
	va_list ap;

	ck->res->nerrors++;
	va_start(ap, fmt);
	keep_diag(ck->res, pos, fmt, ap);
	va_end(ap);
}

void sieve_check_soft_error(struct sieve_checker *ck, struct sieve_pos pos,
    const char *fmt, ...)
{
	va_list ap;

	ck->res->nsoft++;
	va_start(ap, fmt);
	keep_diag(ck->res, pos, fmt, ap);
	va_end(ap);
}

size_t sieve_check_errors(const struct sieve_checker *ck)
{
	return ck->res->nerrors;
}

const struct sieve_arg *sieve_check_args(const struct sieve_checker *ck)
{
	return ck->args;
}

bool sieve_check_requires(const struct sieve_checker *ck, const char *ext)
{
	const struct sieve_extension *e = sieve_ext_find(ext);

	return e != NULL && sieve_ext_set_has(&ck->res->required, e);
}

/* ---- require ---- */

static void add_required(struct sieve_checker *ck,
    const struct sieve_extension *e)
{
	for (unsigned hops = 0; e != NULL && hops < 4; hops++) {
		size_t i = sieve_ext_index(e);

		if (i < SIEVE_EXT_MAX)
			ck->res->required.bits |= 1ull << i;
		e = e->implies ? sieve_ext_find(e->implies) : NULL;
	}
}

/* Pairs of extensions a script cannot name both of: the deprecated
 * imapflags is another spelling of imap4flags' commands, the deprecated
 * notify another notify command, vnd.dovecot.duplicate the draft of
 * duplicate (Pigeonhole refuses each pair together). */
static const char *const exclusive[][2] = {
	{ "imapflags", "imap4flags" },
	{ "vnd.dovecot.duplicate", "duplicate" },
	{ "notify", "enotify" },
};

/* Note e as named at pos; an error when it excludes one named before. */
static void name_extension(struct sieve_checker *ck,
    const struct sieve_extension *e, struct sieve_pos pos)
{
	const struct sieve_extension *other;
	size_t i = sieve_ext_index(e);

	for (size_t k = 0; k < sizeof exclusive / sizeof exclusive[0]; k++)
		for (int side = 0; side < 2; side++)
			if (strcmp(e->name, exclusive[k][side]) == 0 &&
			    (other = sieve_ext_find(exclusive[k][!side])) !=
			    NULL && sieve_ext_set_has(&ck->named, other))
				sieve_check_error(ck, pos, "the (deprecated) "
				    "%s extension cannot be used together "
				    "with the %s extension", exclusive[k][0],
				    exclusive[k][1]);
	if (i < SIEVE_EXT_MAX && !sieve_ext_set_has(&ck->named, e))
		ck->named_pos[i] = pos;
	if (i < SIEVE_EXT_MAX)
		ck->named.bits |= 1ull << i;
	add_required(ck, e);
}

static void check_require_name(struct sieve_checker *ck,
    const struct sieve_string *s)
{
	const struct sieve_extension *e = sieve_ext_find(s->value);

	if (e != NULL && s->len > 0)
		name_extension(ck, e, s->pos);
	else if (s->len == 0)
		sieve_check_error(ck, s->pos, "empty extension name in "
		    "`require`");
	else if (sieve_check_known_extension(s->value))
		sieve_check_error(ck, s->pos, "the `%s` extension is not "
		    "supported by this deliver (supported: %s)", s->value,
		    sieve_ext_names());
	else
		sieve_check_error(ck, s->pos, "unknown extension `%s` "
		    "(supported: %s)", s->value, sieve_ext_names());
}

/* ---- arguments ---- */

static bool arg_fits(const struct sieve_arg *a, enum sieve_argtype t)
{
	switch (t) {
	case SIEVE_ARGT_STRING: return a->kind == SIEVE_ARG_STRING;
	case SIEVE_ARGT_LIST:   return a->kind == SIEVE_ARG_STRING ||
				    a->kind == SIEVE_ARG_LIST;
	case SIEVE_ARGT_NUMBER: return a->kind == SIEVE_ARG_NUMBER;
	case SIEVE_ARGT_NONE:   break;
	}
	return false;
}

/* The names of types and kinds of argument are Pigeonhole's, which its
 * messages and the tests matching them use. */
static const char *argt_name(enum sieve_argtype t)
{
	switch (t) {
	case SIEVE_ARGT_STRING: return "a string";
	case SIEVE_ARGT_LIST:   return "a string list";   /* or one string */
	case SIEVE_ARGT_NUMBER: return "a number";
	case SIEVE_ARGT_NONE:   break;
	}
	return "nothing";
}

static const char *def_kind(const struct sieve_def *def)
{
	return def->is_test ? "test" : "command";
}

static enum sieve_argtype positional_type(char code)
{
	code = (char)toupper((unsigned char)code);
	return code == 'S' ? SIEVE_ARGT_STRING : code == 'L' ?
	    SIEVE_ARGT_LIST : SIEVE_ARGT_NUMBER;
}

/* How many positional arguments def requires (upper case) and may take
 * beyond them (lower case). */
static void positional_counts(const struct sieve_def *def, size_t *required,
    size_t *optional)
{
	*required = *optional = 0;
	for (const char *p = def->positional; *p; p++)
		islower((unsigned char)*p) ? (*optional)++ : (*required)++;
}

struct seen {
	const struct sieve_tag *tags[32];
	size_t ntags;
	unsigned long long groups;
};

/* The value after tag t (a), as Pigeonhole words a missing or wrong one;
 * returns whether it fits. */
static bool check_tag_value(struct sieve_checker *ck,
    const struct sieve_def *def, const struct sieve_tag *t,
    const struct sieve_arg *a, const struct sieve_arg *val)
{
	if (val == NULL)
		sieve_check_error(ck, a->pos, "the :%s tag for the %s %s "
		    "requires %s as parameter, but no parameters were found",
		    t->name, def->name, def_kind(def), argt_name(t->arg));
	else if (!arg_fits(val, t->arg))
		sieve_check_error(ck, val->pos, "the :%s tag for the %s %s "
		    "requires %s as parameter, but %s was found", t->name,
		    def->name, def_kind(def), argt_name(t->arg),
		    sieve_arg_found(val));
	else
		return true;
	return false;
}

/* One tag, known to def; returns the argument after it (and its
 * value). */
static const struct sieve_arg *check_tag(struct sieve_checker *ck,
    const struct sieve_def *def, const struct sieve_arg *a, struct seen *s)
{
	const struct sieve_extension *from = NULL;
	const struct sieve_tag *t = sieve_def_tag(def, a->tag, &from);
	const struct sieve_arg *val = NULL;
	bool twice = false;

	for (size_t i = 0; i < s->ntags && !twice; i++)
		twice = s->tags[i] == t;
	if (twice)
		sieve_check_error(ck, a->pos, "tag `:%s` given twice", a->tag);
	else if (t->group != 0 && t->group < 64 &&
	    (s->groups >> t->group & 1u))
		sieve_check_error(ck, a->pos, "tag `:%s` conflicts with an "
		    "earlier tag of the same kind", a->tag);
	if (s->ntags < 32)
		s->tags[s->ntags++] = t;
	if (t->group != 0 && t->group < 64)
		s->groups |= 1ull << t->group;
	if (from != NULL && !sieve_ext_set_has(&ck->res->required, from))
		sieve_check_error(ck, a->pos, "`%s :%s` needs `require "
		    "\"%s\"`", def->name, a->tag, from->name);
	if (t->arg != SIEVE_ARGT_NONE) {
		val = a->next;
		if (!check_tag_value(ck, def, t, a, val))
			return NULL;
	}
	if (t->check != NULL)
		t->check(ck, a, val);
	return val ? val->next : a->next;
}

/* The on_string hooks of the required extensions over every string of
 * args (encoded-character decodes before anything reads them). */
static void filter_strings(struct sieve_checker *ck,
    const struct sieve_arg *args)
{
	/* the few extensions with a string hook, found once: this runs
	 * for every command and test */
	static size_t with_hook[SIEVE_EXT_MAX], nwith = SIZE_MAX;

	if (nwith == SIZE_MAX) {
		nwith = 0;
		for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX;
		    i++)
			if (sieve_ext_table[i]->on_string != NULL)
				with_hook[nwith++] = i;
	}
	for (size_t k = 0; k < nwith; k++) {
		const struct sieve_extension *e = sieve_ext_table[with_hook[k]];

		if (!sieve_ext_set_has(&ck->res->required, e))
			continue;
		for (const struct sieve_arg *a = args; a; a = a->next)
			for (struct sieve_string *s = a->strings; s;
			    s = s->next)
				e->on_string(ck, s);
	}
}

/* Every tag among args, wherever it stands, is one def takes (as
 * Pigeonhole, before anything else of the arguments). */
static bool check_tags_known(struct sieve_checker *ck,
    const struct sieve_def *def, const struct sieve_arg *args)
{
	char tags[256];

	for (const struct sieve_arg *a = args; a; a = a->next)
		if (a->kind == SIEVE_ARG_TAG &&
		    sieve_def_tag(def, a->tag, NULL) == NULL) {
			sieve_def_tag_names(def, &ck->res->required, tags,
			    sizeof tags);
			sieve_check_error(ck, a->pos, "unknown tagged argument "
			    "':%s' for the %s %s (%s%s)", a->tag, def->name,
			    def_kind(def), tags[0] != '\0' ? "it takes " :
			    "it takes no tags", tags);
			return false;
		}
	return true;
}

/* The number of positional arguments from a on against def's, in
 * Pigeonhole's words (with better grammar); returns whether it fits. */
static bool check_positional_count(struct sieve_checker *ck,
    const struct sieve_def *def, struct sieve_pos pos,
    const struct sieve_arg *a)
{
	size_t given = 0, required, optional;
	char range[48];

	positional_counts(def, &required, &optional);
	for (; a != NULL; a = a->next)
		given++;
	if (given >= required && given <= required + optional)
		return true;
	if (optional == 0)
		(void)snprintf(range, sizeof range, "%zu", required);
	else
		(void)snprintf(range, sizeof range, "%zu %s %zu", required,
		    optional == 1 ? "or" : "to", required + optional);
	sieve_check_error(ck, pos, "the %s %s requires %s positional "
	    "argument%s, but %zu %s specified", def->name, def_kind(def),
	    range, required + optional == 1 ? "" : "s", given,
	    given == 1 ? "was" : "were");
	return false;
}

/* The type of each positional argument from a on (their number fits),
 * the first wrong one reported; returns whether all fit.
 * The optional (lower-case) ones stand first, given only when more
 * arguments stand than the required ones. */
static bool check_positional_types(struct sieve_checker *ck,
    const struct sieve_def *def, const struct sieve_arg *a)
{
	size_t given = 0, required, optional, number = 0;
	char name[80];

	positional_counts(def, &required, &optional);
	for (const struct sieve_arg *b = a; b != NULL; b = b->next)
		given++;
	optional = given - required;
	for (const char *p = def->positional; *p && a; p++) {
		enum sieve_argtype want = positional_type(*p);

		if (islower((unsigned char)*p) && optional == 0)
			continue;         /* not given (setflag's variable) */
		if (islower((unsigned char)*p))
			optional--;
		number++;
		if (!arg_fits(a, want)) {
			sieve_check_error(ck, a->pos, "the %s %s expects %s "
			    "as argument %zu%s, but %s was found", def->name,
			    def_kind(def), argt_name(want), number,
			    sieve_arg_name(def->arg_names,
			    (size_t)(p - def->positional), name, sizeof name),
			    sieve_arg_found(a));
			return false;
		}
		a = a->next;
	}
	return true;
}

/* Tags first (RFC 5228 section 2.6.2), then exactly the positional
 * arguments of the definition, checked in Pigeonhole's order: tags
 * known, tags, no tag among the positional arguments, their number,
 * their types.  Pigeonhole reports the first bad argument of a command
 * only. */
static void check_args(struct sieve_checker *ck, const struct sieve_def *def,
    struct sieve_pos pos, const struct sieve_arg *args)
{
	struct seen s;
	const struct sieve_arg *a = args;

	ck->args = args;
	s.ntags = 0;             /* tags[] is read below ntags only */
	s.groups = 0;
	filter_strings(ck, args);
	if (!check_tags_known(ck, def, args))
		return;
	while (a && a->kind == SIEVE_ARG_TAG) {
		size_t before = ck->res->nerrors;

		a = check_tag(ck, def, a, &s);
		if (ck->res->nerrors != before)
			return;
	}
	for (const struct sieve_arg *b = a; b != NULL; b = b->next)
		if (b->kind == SIEVE_ARG_TAG) {
			sieve_check_error(ck, b->pos, "encountered an "
			    "unexpected tagged argument ':%s' while "
			    "validating positional arguments for the %s %s",
			    b->tag, def->name, def_kind(def));
			return;
		}
	if (!check_positional_count(ck, def, pos, a))
		return;
	if (check_positional_types(ck, def, a) &&
	    strcmp(def->name, "size") == 0 &&
	    def->is_test && !(s.groups >> SIEVE_TG_SIZE & 1u))
		sieve_check_error(ck, pos, "`size` needs `:over` or `:under`");
}

/* ---- the walk ---- */

static void check_tests(struct sieve_checker *ck, const struct sieve_test *t);

/* The test(s) a command or test carries, against its definition, then
 * the tests themselves; returns whether their number and form were
 * right. */
static bool check_nested(struct sieve_checker *ck,
    const struct sieve_def *def, struct sieve_pos pos,
    const struct sieve_test *tests, size_t ntests, bool test_list)
{
	size_t before = ck->res->nerrors;

	if (def->nesting == SIEVE_NEST_NONE && ntests > 0) {
		/* Pigeonhole's wording, by what the stray word is: a test,
		 * a tag written without its colon, or else the next
		 * command after a missing semicolon */
		const char *kind = def->is_test ? "test" : "command";

		if (sieve_ext_def(&ck->res->required, tests->name, true,
		    NULL) != NULL)
			sieve_check_error(ck, tests->pos, "the %s %s accepts "
			    "no sub-tests, but tests are specified",
			    def->name, kind);
		else if (sieve_def_tag(def, tests->name, NULL) != NULL)
			sieve_check_error(ck, tests->pos, "missing colon ':' "
			    "before ':%s' tag in %s %s", tests->name,
			    def->name, kind);
		else
			sieve_check_error(ck, tests->pos, "missing semicolon "
			    "';' after %s %s", def->name, kind);
	} else if (def->nesting == SIEVE_NEST_TEST &&
	    (ntests != 1 || test_list)) {
		sieve_check_error(ck, ntests ? tests->pos : pos, test_list ?
		    "`%s` takes one test, not a test list" :
		    "`%s` needs a test", def->name);
	} else if (def->nesting == SIEVE_NEST_TESTLIST && !test_list) {
		sieve_check_error(ck, ntests ? tests->pos : pos, "`%s` needs a "
		    "test list in parentheses", def->name);
	}
	if (ck->res->nerrors != before)
		return false;
	if (def->nesting != SIEVE_NEST_NONE)
		check_tests(ck, tests);
	return true;
}

/* A name no required extension defines: needs a require, or is unknown. */
static void unknown(struct sieve_checker *ck, struct sieve_pos pos,
    const char *what, const char *name, bool is_test)
{
	const struct sieve_extension *from = NULL;
	const char *foreign;

	/* a test as a command or the other way round: at each use, as
	 * Pigeonhole (it knows the name, so nothing is reported once) */
	if (sieve_ext_def(&ck->res->required, name, !is_test, NULL) !=
	    NULL) {
		sieve_check_error(ck, pos, "attempted to use %s '%s' as %s",
		    is_test ? "command" : "test", name, what);
		return;
	}
	for (size_t i = 0; i < ck->nunknown; i++)
		if (strcmp(ck->unknown[i], name) == 0)
			return;
	if (ck->nunknown < UNKNOWN_NAMES_MAX)
		ck->unknown[ck->nunknown++] = name;
	if (sieve_ext_def(NULL, name, !is_test, NULL) != NULL)
		sieve_check_error(ck, pos, "`%s` is a %s, not a %s", name,
		    is_test ? "command" : "test", what);
	else if (sieve_ext_def(NULL, name, is_test, &from) != NULL)
		sieve_check_error(ck, pos, "`%s` needs `require \"%s\"`",
		    name, from->name);
	else if ((foreign = sieve_check_foreign_ext(name)) != NULL)
		sieve_check_error(ck, pos, "%s `%s` (extension `%s`) is not "
		    "supported by this deliver", what, name, foreign);
	else
		sieve_check_error(ck, pos, "unknown %s `%s`", what, name);
}

/* The extensions that look at every call (few: the table is walked once,
 * not at each of the calls of a long script, where the walk was 7 % of
 * what checking a 1,000-rule script cost). */
static const struct sieve_extension *const *call_watchers(size_t *n)
{
	static const struct sieve_extension *list[SIEVE_EXT_MAX];
	static size_t count;
	static bool built;

	if (!built) {
		for (size_t i = 0; i < sieve_ext_count && count <
		    SIEVE_EXT_MAX; i++)
			if (sieve_ext_table[i]->on_call != NULL)
				list[count++] = sieve_ext_table[i];
		built = true;
	}
	*n = count;
	return list;
}

static void run_hook(struct sieve_checker *ck, const struct sieve_def *def,
    const struct sieve_command *cmd, const struct sieve_test *test)
{
	struct sieve_call c;
	size_t n;
	const struct sieve_extension *const *watchers = call_watchers(&n);

	sieve_call_init(&c, def, cmd, test);
	if (def->check != NULL)
		def->check(ck, &c);
	for (size_t i = 0; i < n; i++)
		if (sieve_ext_set_has(&ck->res->required, watchers[i]))
			watchers[i]->on_call(ck, &c);
}

static void check_tests(struct sieve_checker *ck, const struct sieve_test *t)
{
	for (; t; t = t->next) {
		const struct sieve_def *def = sieve_ext_def(
		    &ck->res->required, t->name, true, NULL);
		size_t before = ck->res->nerrors;

		if (def == NULL) {
			unknown(ck, t->pos, "test", t->name, true);
			continue;
		}
		check_args(ck, def, t->pos, t->args);
		(void)check_nested(ck, def, t->pos, t->tests, t->ntests,
		    t->test_list);
		if (ck->res->nerrors == before)
			run_hook(ck, def, NULL, t);
	}
}

static void check_commands(struct sieve_checker *ck,
    const struct sieve_command *cmd, unsigned depth);

/* shape: whether to say that a block is missing or not wanted (not after
 * an error in the arguments or tests, as Pigeonhole). */
static void check_block(struct sieve_checker *ck,
    const struct sieve_def *def, const struct sieve_command *cmd,
    unsigned depth, bool shape)
{
	/* the parser's nesting limit keeps the stack within its size */
	bool pushed = ck->nenclosing < sizeof ck->enclosing /
	    sizeof ck->enclosing[0];

	if (shape && def->block && !cmd->has_block)
		sieve_check_error(ck, cmd->pos, "`%s` needs a block { ... }",
		    def->name);
	else if (shape && !def->block && cmd->has_block)
		sieve_check_error(ck, cmd->pos, "`%s` takes no block (is a ';' "
		    "missing?)", def->name);
	if (pushed)
		ck->enclosing[ck->nenclosing++] = cmd;
	check_commands(ck, cmd->block, depth + 1);
	if (pushed)
		ck->nenclosing--;
}

static bool is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* RFC 5463 ihave as Pigeonhole 0.5.19 checks it, when it is the test of
 * an if or elsif: when every named extension exists (and none is
 * variables or encoded-character, which cannot be switched on halfway),
 * they are enabled from here on, as if required; otherwise the test is
 * false for good and the block is not checked at all (it may use what
 * does not exist).  Returns whether the block is to be checked. */
static bool ihave_block_live(struct sieve_checker *ck,
    const struct sieve_command *cmd)
{
	const struct sieve_test *t = cmd->tests;
	const struct sieve_arg *a;

	if (cmd->ntests != 1 || cmd->test_list || !is(t->name, "ihave") ||
	    !sieve_check_requires(ck, "ihave") || (a = t->args) == NULL ||
	    a->kind == SIEVE_ARG_TAG || a->kind == SIEVE_ARG_NUMBER)
		return true;
	for (const struct sieve_string *s = a->strings; s; s = s->next)
		if (sieve_ext_find(s->value) == NULL || s->len == 0 ||
		    is(s->value, "variables") ||
		    is(s->value, "encoded-character"))
			return false;
	for (const struct sieve_string *s = a->strings; s; s = s->next)
		name_extension(ck, sieve_ext_find(s->value), s->pos);
	return true;
}

static void check_one(struct sieve_checker *ck,
    const struct sieve_command *cmd, const char *prev, bool *at_start,
    unsigned depth)
{
	const struct sieve_def *def = sieve_ext_def(&ck->res->required,
	    cmd->name, false, NULL);
	size_t before = ck->res->nerrors;
	bool shape, stray;

	if (def == NULL) {
		unknown(ck, cmd->pos, "command", cmd->name, false);
		*at_start = false;
		return;
	}
	if ((is(cmd->name, "elsif") || is(cmd->name, "else")) &&
	    !is(prev, "if") && !is(prev, "elsif"))
		sieve_check_error(ck, cmd->pos, "`%s` without a preceding "
		    "`if`", cmd->name);
	if (!is(cmd->name, "require"))
		*at_start = false;
	else if (!*at_start)
		sieve_check_error(ck, cmd->pos, "`require` must come before "
		    "any other command, at the top of the script");
	/* a stray test or a wrong block, each reported, is all Pigeonhole
	 * says of a command: it checks sub-tests and block before the
	 * arguments and stops there */
	stray = (def->nesting == SIEVE_NEST_NONE && cmd->ntests > 0) ||
	    def->block != cmd->has_block;
	if (!stray)
		check_args(ck, def, cmd->pos, cmd->args);
	shape = ck->res->nerrors == before;
	shape = check_nested(ck, def, cmd->pos, cmd->tests, cmd->ntests,
	    cmd->test_list) && shape;
	/* the extension names, once the require itself is well formed */
	if (is(cmd->name, "require") && *at_start && shape &&
	    !cmd->has_block && cmd->args && cmd->args->kind != SIEVE_ARG_TAG)
		for (const struct sieve_string *s = cmd->args->strings; s;
		    s = s->next)
			check_require_name(ck, s);
	if (def->block && cmd->has_block && !ihave_block_live(ck, cmd))
		return;      /* never runs: not checked, as Pigeonhole */
	check_block(ck, def, cmd, depth, shape || stray);
	if (ck->res->nerrors == before)
		run_hook(ck, def, cmd, NULL);
}

static void check_commands(struct sieve_checker *ck,
    const struct sieve_command *cmd, unsigned depth)
{
	const char *prev = NULL;
	bool at_start = depth == 0;

	for (; cmd; prev = cmd->name, cmd = cmd->next)
		check_one(ck, cmd, prev, &at_start, depth);
}

const struct sieve_command *sieve_check_enclosing(
    const struct sieve_checker *ck, size_t up)
{
	return up < ck->nenclosing ? ck->enclosing[ck->nenclosing - 1 - up] :
	    NULL;
}

/* Each named extension's needs (extracttext without variables), at the
 * require that named it, as Pigeonhole reports them. */
static void check_needs(struct sieve_checker *ck)
{
	for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->needs == NULL || !sieve_ext_set_has(&ck->named, e))
			continue;
		for (const char *const *n = e->needs; *n; n++) {
			if (sieve_check_requires(ck, *n))
				continue;
			sieve_check_error(ck, ck->named_pos[i], "%s extension "
			    "cannot be used without %s extension", e->name,
			    *n);
			break;
		}
	}
}

int sieve_ext_check(const struct sieve_script *script,
    struct sieve_ncheck_result *res)
{
	struct sieve_checker ck = { .res = res,
	    .max_scope_size = res->max_scope_size ? res->max_scope_size : 255 };
	size_t max_scope_size = res->max_scope_size;

	memset(res, 0, sizeof *res);
	res->max_scope_size = max_scope_size;
	check_commands(&ck, script->commands, 0);
	check_needs(&ck);
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->checked != NULL && sieve_ext_set_has(&res->required, e))
			e->checked(&ck, script, res->nerrors == 0);
	}
	for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX; i++)
		if (ck.ext_state[i] != NULL &&
		    sieve_ext_table[i]->check_state_free != NULL)
			sieve_ext_table[i]->check_state_free(ck.ext_state[i]);
	return res->nerrors == 0 ? 0 : -1;
}

/* ---- shared tag checks ---- */

bool sieve_check_comparator_known(const struct sieve_checker *ck,
    const char *name)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (!sieve_ext_set_has(&ck->res->required, e))
			continue;
		for (const char *const *c = e->comparators; c && *c; c++)
			if (strcmp(*c, name) == 0)
				return true;
	}
	return false;
}

static const struct {
	const char *tag;
	enum sieve_match_type type;
} check_match_types[] = {
	{ "is", SIEVE_MT_IS }, { "contains", SIEVE_MT_CONTAINS },
	{ "matches", SIEVE_MT_MATCHES }, { "regex", SIEVE_MT_REGEX },
	{ "value", SIEVE_MT_VALUE }, { "count", SIEVE_MT_COUNT },
};

/* The keys are the last positional argument of every matching test. */
static void check_regex_keys(struct sieve_checker *ck,
    const struct sieve_call *c, enum sieve_comparator cmp)
{
	const struct sieve_arg *keys;
	bool vars = sieve_check_requires(ck, "variables");
	char err[256];

	if (c->npositional == 0)
		return;
	keys = c->positional[c->npositional - 1];
	for (const struct sieve_string *s = keys->strings; s; s = s->next) {
		if (vars && strstr(s->value, "${") != NULL)
			continue;    /* compiled when it is known */
		if (sieve_regex_check(s->value, s->len, cmp, err,
		    sizeof err) < 0)
			sieve_check_error(ck, s->pos, "invalid regular "
			    "expression '%s' for regex match: %s", s->value,
			    err);
	}
}

void sieve_check_match_args(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const char *mt = sieve_call_group_tag(c, SIEVE_TG_MATCH);
	const struct sieve_arg *cv = sieve_call_tag_value(c, "comparator");
	enum sieve_match_type type = SIEVE_MT_IS;
	enum sieve_comparator cmp = SIEVE_CMP_CASEMAP;

	for (size_t i = 0; mt && i < sizeof check_match_types /
	    sizeof check_match_types[0]; i++)
		if (strcmp(mt, check_match_types[i].tag) == 0)
			type = check_match_types[i].type;
	if (cv != NULL && sieve_comparator_lookup(cv->strings->value,
	    &cmp) < 0)
		return;      /* the tag's own check said so */
	if (!sieve_comparator_supports(cmp, type)) {
		sieve_check_error(ck, c->pos, "the comparator \"%s\" cannot "
		    "be used with the :%s match type", cv ?
		    cv->strings->value : "i;ascii-casemap", mt ? mt : "is");
		return;
	}
	if (type == SIEVE_MT_REGEX)
		check_regex_keys(ck, c, cmp);
}

/* ext_include.c: the include extension (RFC 6609) as an entry of the
 * extension table: include (:personal, :global, :once, :optional),
 * return, global, and the deprecated import/export that Pigeonhole
 * still takes.  Finding, loading and checking the included scripts is
 * sieve_include.c's; here the commands are checked and run.
 *
 * At run time an included script runs in the same evaluation as the
 * script naming it (one plan, one implicit keep, the same limits), with
 * its own required extensions and its own variables; the variables
 * declared global, and "global.NAME", live in one store for the whole
 * evaluation.  `return` ends the included script it is in (at the top,
 * the script).  The interpreter's recursion through includes is at most
 * the configured nesting deep, checked again here. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_include.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

extern const struct sieve_extension sieve_ext_include;

/* The include state of one evaluation (the test runner starts it afresh
 * with every new result; the global variables are the evaluation's,
 * rt->globals). */
struct include_state {
	unsigned char *ran;           /* per script of the set: ran once */
	size_t nran;
	size_t chain[SIEVE_INCLUDE_DEPTH_CAP + 1];   /* scripts running */
	size_t depth;
	bool returned;                /* `return` ran in an included one */
};

static void state_free(void *p)
{
	struct include_state *st = p;

	free(st->ran);
	free(st);
}

static struct include_state *state_of(struct sieve_rt *rt)
{
	void **slot = sieve_rt_ext_state(rt, &sieve_ext_include);
	struct include_state *st = *slot;

	if (st == NULL && (st = calloc(1, sizeof *st)) != NULL)
		*slot = st;
	return st;
}

/* The outermost script's variables see the global scope from the
 * start ("global.x" needs no declaration). */
static int include_start(struct sieve_rt *rt)
{
	struct sieve_vars_limits vl = {
		.max_scope_size = rt->lim.max_scope_size,
		.max_variable_size = rt->lim.max_variable_size,
	};

	if (rt->globals == NULL &&
	    (rt->globals = sieve_vars_new(&vl)) == NULL)
		return sieve_rt_error(rt, rt->pos, "include: out of memory");
	if (rt->vars != NULL)
		sieve_vars_link_globals(rt->vars, rt->globals);
	return 0;
}

/* ---- include ---- */

/* name with anything unprintable as "?", for a message. */
static void printable(const char *name, char *out, size_t outlen)
{
	size_t i = 0;

	for (; name[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ?
		    '?' : name[i];
	out[i] = '\0';
}

static void check_include(struct sieve_checker *ck, const struct sieve_call *c)
{
	const struct sieve_string *s = c->positional[0]->strings;
	char shown[100];

	if (sieve_check_requires(ck, "variables") &&
	    sieve_vars_has_refs(s->value, s->len)) {
		sieve_check_error(ck, s->pos, "the include command requires "
		    "a constant string for its value argument");
		return;
	}
	if (!sieve_include_name_valid(s->value, s->len) ||
	    strlen(s->value) != s->len) {
		printable(s->value, shown, sizeof shown);
		sieve_check_error(ck, s->pos, "include: invalid script name "
		    "'%s'", shown);
		return;
	}
	sieve_include_note(ck, c, sieve_call_tag(c, "global") != NULL ?
	    SIEVE_INC_GLOBAL : SIEVE_INC_PERSONAL,
	    sieve_call_tag(c, "once") != NULL,
	    sieve_call_tag(c, "optional") != NULL, s->value);
}

/* Run the script idx of the set in this evaluation. */
static int run_included(struct sieve_rt *rt, struct include_state *st,
    size_t idx, const struct sieve_include_script *t)
{
	struct sieve_ext_set saved_required = rt->required;
	struct sieve_vars *saved_vars = rt->vars, *own = NULL;
	struct sieve_vars_limits vl = {
		.max_scope_size = rt->lim.max_scope_size,
		.max_variable_size = rt->lim.max_variable_size,
	};
	int rc;

	if (sieve_ext_set_has(&t->required, sieve_ext_find("variables"))) {
		if ((own = sieve_vars_new(&vl)) == NULL)
			return sieve_rt_error(rt, rt->pos, "include: out of "
			    "memory");
		sieve_vars_link_globals(own, rt->globals);
	}
	sieve_rt_trace(rt, "  include: start script '%s'", t->name);
	rt->required = t->required;
	/* imap4flags in an included script flags the implicit keep, as
	 * Pigeonhole's internal variable belongs to the result */
	rt->used.bits |= t->required.bits;
	rt->vars = own;
	st->chain[st->depth++] = idx;
	rc = sieve_rt_run_block(rt, t->script->commands);
	st->depth--;
	rt->vars = saved_vars;
	rt->required = saved_required;
	sieve_vars_free(own);
	if (st->returned) {
		st->returned = false;
		rt->stopped = false;
	}
	sieve_rt_trace(rt, "  include: script '%s' ended", t->name);
	return rc;
}

static int run_include(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_include_link *l = sieve_include_find(rt->script,
	    c->cmd);
	const struct sieve_included *set;
	const struct sieve_include_script *t;
	struct include_state *st = state_of(rt);

	if (st == NULL)
		return sieve_rt_error(rt, c->pos, "include: out of memory");
	if (l == NULL)
		return sieve_rt_error(rt, c->pos, "include: the script was "
		    "not loaded when the script was checked");
	set = rt->script->included;
	t = &set->scripts[l->target];
	if (t->missing)
		return 0;   /* :optional */
	if (st->ran == NULL) {
		if ((st->ran = calloc(set->n, 1)) == NULL)
			return sieve_rt_error(rt, c->pos, "include: out of "
			    "memory");
		st->nran = set->n;
	}
	if (l->target >= st->nran)
		return sieve_rt_error(rt, c->pos, "include: bad script");
	if (st->ran[l->target] && l->once) {
		sieve_rt_trace(rt, "  include: skipped '%s', already run once",
		    t->name);
		return 0;
	}
	st->ran[l->target] = 1;
	for (size_t k = 0; k < st->depth; k++)
		if (st->chain[k] == l->target)
			return sieve_rt_error(rt, c->pos, "include: circular "
			    "include of script '%s'", t->name);
	if (st->depth >= sieve_include_max_depth() ||
	    st->depth >= SIEVE_INCLUDE_DEPTH_CAP)
		return sieve_rt_error(rt, c->pos, "cannot nest includes "
		    "deeper than %u levels", sieve_include_max_depth());
	return run_included(rt, st, l->target, t);
}

/* ---- return ---- */

static int run_return(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct include_state *st = state_of(rt);

	if (st == NULL)
		return sieve_rt_error(rt, c->pos, "include: out of memory");
	st->returned = st->depth > 0;
	rt->stopped = true;
	return 0;
}

/* ---- global (and the deprecated import/export) ---- */

static void check_global(struct sieve_checker *ck, const struct sieve_call *c)
{
	char shown[100];

	if (!sieve_check_requires(ck, "variables")) {
		sieve_check_error(ck, c->pos, "%s command requires that "
		    "variables extension is active", c->name);
		return;
	}
	for (const struct sieve_string *s = c->positional[0]->strings; s;
	    s = s->next)
		if (!sieve_vars_name_valid(s->value)) {
			printable(s->value, shown, sizeof shown);
			sieve_check_error(ck, s->pos, "invalid variable "
			    "identifier '%s'", shown);
			return;
		}
}

static int run_global(struct sieve_rt *rt, const struct sieve_call *c)
{
	if (rt->vars == NULL)
		return 0;
	for (const struct sieve_string *s = c->positional[0]->strings; s;
	    s = s->next)
		if (sieve_vars_mark_global(rt->vars, s->value) < 0)
			return sieve_rt_error(rt, s->pos, "declaration of new "
			    "global variable '%s' exceeds the limit (max "
			    "variables: %zu)", s->value,
			    rt->lim.max_scope_size);
	return 0;
}

/* ---- what the checker sees only across commands ---- */

#define LOCAL_NAMES_MAX 256

struct order_walk {
	const char *local[LOCAL_NAMES_MAX];   /* set before, not global */
	size_t nlocal;
	const char *global[LOCAL_NAMES_MAX];
	size_t nglobal;
};

static bool among(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return true;
	return false;
}

static bool is_global_cmd(const char *name)
{
	return strcmp(name, "global") == 0 || strcmp(name, "import") == 0 ||
	    strcmp(name, "export") == 0;
}

/* global after a local use of the name; import/export anywhere but at
 * the top, after require, import and export only (Pigeonhole). */
static void walk_order(struct sieve_checker *ck, struct order_walk *w,
    const struct sieve_command *cmd, unsigned depth)
{
	const struct sieve_command *prev = NULL;

	for (; cmd != NULL; prev = cmd, cmd = cmd->next) {
		const struct sieve_arg *a = cmd->args;

		if ((strcmp(cmd->name, "import") == 0 ||
		    strcmp(cmd->name, "export") == 0) && (depth > 0 ||
		    (prev != NULL && strcmp(prev->name, "require") != 0 &&
		    strcmp(prev->name, "import") != 0 &&
		    strcmp(prev->name, "export") != 0)))
			sieve_check_error(ck, cmd->pos, "the DEPRECATED %s "
			    "command can only be placed at top level at the "
			    "beginning of the file after any require or "
			    "import/export commands", cmd->name);
		else if (is_global_cmd(cmd->name) && a != NULL &&
		    a->kind != SIEVE_ARG_TAG)
			for (const struct sieve_string *s = a->strings; s;
			    s = s->next) {
				if (among(w->local, w->nlocal, s->value))
					sieve_check_error(ck, cmd->pos,
					    "declaration of new global "
					    "variable '%s' conflicts with "
					    "earlier local use", s->value);
				else if (w->nglobal < LOCAL_NAMES_MAX)
					w->global[w->nglobal++] = s->value;
			}
		if (strcmp(cmd->name, "set") == 0) {
			while (a != NULL && a->kind == SIEVE_ARG_TAG)
				a = a->next;
			if (a != NULL && a->strings != NULL &&
			    !among(w->global, w->nglobal, a->strings->value) &&
			    w->nlocal < LOCAL_NAMES_MAX)
				w->local[w->nlocal++] = a->strings->value;
		}
		/* blocks nest at most as deep as the parser allows */
		if (cmd->block != NULL)
			walk_order(ck, w, cmd->block, depth + 1);
	}
}

static void include_checked(struct sieve_checker *ck,
    const struct sieve_script *script, bool ok)
{
	struct order_walk *w = calloc(1, sizeof *w);

	if (w != NULL && sieve_check_requires(ck, "variables")) {
		size_t before = sieve_check_errors(ck);

		walk_order(ck, w, script->commands, 0);
		if (sieve_check_errors(ck) != before)
			ok = false;
	}
	free(w);
	sieve_include_checked(ck, script, ok);
}

/* ---- the table entry ---- */

enum { TG_LOCATION = SIEVE_TG_PRIVATE };

static const struct sieve_tag include_tags[] = {
	{ "personal", SIEVE_ARGT_NONE, TG_LOCATION, NULL },
	{ "global", SIEVE_ARGT_NONE, TG_LOCATION, NULL },
	{ "once", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL },
	{ "optional", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def include_defs[] = {
	{ "include", false, include_tags, "S", "value", SIEVE_NEST_NONE, false,
	  check_include, run_include },
	{ "return", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_return },
	{ "global", false, NULL, "L", "value", SIEVE_NEST_NONE, false,
	  check_global, run_global },
	{ "import", false, NULL, "L", "value", SIEVE_NEST_NONE, false,
	  check_global, run_global },
	{ "export", false, NULL, "L", "value", SIEVE_NEST_NONE, false,
	  check_global, run_global },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_include = {
	.name = "include",
	.defs = include_defs,
	.state_free = state_free,
	.start = include_start,
	.checked = include_checked,
};

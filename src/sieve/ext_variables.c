/* ext_variables.c: the variables extension (RFC 5229) as an entry of the
 * extension table: the "set" command with its modifiers and the "string"
 * test.  Expanding ${...} in every string argument and filling the match
 * variables after :matches/:regex are the interpreter's (sieve_rt_string,
 * sieve_rt_match); the string work itself is sieve_vars.h's.
 *
 * Two details follow Pigeonhole rather than the letter of the RFC, since
 * scripts are written against it: "string" compares with i;octet unless
 * told otherwise (its testsuite expects "Value" :is "value" to fail), and
 * "string :count" counts only the source strings that are not empty. */
#include <stdlib.h>
#include <string.h>

#include "ext_variables.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* ---- set ---- */

static const struct sieve_tag set_tags[] = {
	SIEVE_VARS_MODIFIER_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

bool sieve_vars_check_modifiers(struct sieve_checker *ck,
    const struct sieve_call *c, bool first_only)
{
	const struct sieve_arg *seen[SIEVE_VARS_MODIFIERS_MAX];
	size_t nseen = 0;
	bool conflict = false;

	for (const struct sieve_arg *a = c->args; a &&
	    a->kind == SIEVE_ARG_TAG; a = a->next) {
		int p = sieve_vars_modifier_precedence(a->tag);

		if (p < 0)
			continue;
		for (size_t i = 0; i < nseen; i++) {
			if (strcmp(seen[i]->tag, a->tag) == 0 ||
			    sieve_vars_modifier_precedence(seen[i]->tag) != p)
				continue;
			sieve_check_error(ck, a->pos, "modifiers :%s and :%s "
			    "specified for the %s command conflict having "
			    "equal precedence", seen[i]->tag, a->tag,
			    c->def->name);
			if (first_only)
				return true;
			conflict = true;
		}
		if (nseen < SIEVE_VARS_MODIFIERS_MAX)
			seen[nseen++] = a;
	}
	return conflict;
}

size_t sieve_vars_call_modifiers(const struct sieve_call *c,
    const char **mods, size_t max)
{
	size_t n = 0;

	for (const struct sieve_arg *a = c->args; a &&
	    a->kind == SIEVE_ARG_TAG; a = a->next)
		if (n < max && sieve_vars_modifier_precedence(a->tag) >= 0)
			mods[n++] = a->tag;
	return n;
}

static bool required_by_check(const void *ctx, const char *name)
{
	return sieve_check_requires(ctx, name);
}

/* A namespace an extension the script required brings (vnd.dovecot.
 * environment's "env"). */
static bool namespace_known(const void *ctx, const char *ns, size_t nslen)
{
	return sieve_ext_namespace(ns, nslen, required_by_check, ctx) !=
	    NULL;
}

/* The names the script declares, counted as Pigeonhole counts them at
 * compile time (sieve_variables_max_scope_size): the first one past the
 * limit is an error, reported once. */
struct declared {
	struct sieve_vars *names;
	bool reported;
};

static void declared_free(void *state)
{
	struct declared *d = state;

	sieve_vars_free(d->names);
	free(d);
}

extern const struct sieve_extension sieve_ext_variables;

static struct declared *declared_of(struct sieve_checker *ck)
{
	void **slot = sieve_check_ext_state(ck, &sieve_ext_variables);
	struct sieve_vars_limits lim = {
		.max_scope_size = sieve_check_max_scope_size(ck),
		.max_variable_size = SIEVE_VARS_VALUE_DEFAULT,
	};
	struct declared *d = *slot;

	if (d == NULL && (d = calloc(1, sizeof *d)) != NULL) {
		if ((d->names = sieve_vars_new(&lim)) == NULL) {
			free(d);
			return NULL;
		}
		*slot = d;
	}
	return d;
}

/* Declare a name set assigns; over the limit, an error (once). */
static void declare_set_name(struct sieve_checker *ck,
    const struct sieve_string *name)
{
	struct declared *d = declared_of(ck);
	char err[300];

	if (d == NULL || d->reported ||
	    sieve_vars_declare(d->names, name->value, err, sizeof err) == 0)
		return;
	d->reported = true;
	sieve_check_error(ck, name->pos, "%s", err);
}

/* The variable's name (a constant: set's first argument is never
 * expanded), and no two modifiers of one precedence (RFC 5229 section
 * 4.1), with Pigeonhole's messages. */
static void check_set(struct sieve_checker *ck, const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	char err[300];

	if (sieve_vars_check_name_ns(name->value, name->len,
	    sieve_check_requires(ck, "include"), err, sizeof err) < 0)
		sieve_check_error(ck, name->pos, "%s", namespace_known(ck,
		    name->value, strcspn(name->value, ".")) ? "cannot assign "
		    "to a variable of a namespace (read only)" : err);
	else if (memchr(name->value, '.', name->len) == NULL)
		declare_set_name(ck, name);   /* global.x is not in this scope */
	(void)sieve_vars_check_modifiers(ck, c, false);
}

static int run_set(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	const char *mods[SIEVE_VARS_MODIFIERS_MAX], *value, *old;
	size_t nmods, len, outlen, oldlen;
	char *out;
	int rc;

	if (rt->vars == NULL)
		return sieve_rt_error(rt, c->pos, "set without the variables "
		    "extension");
	nmods = sieve_vars_call_modifiers(c, mods, SIEVE_VARS_MODIFIERS_MAX);
	if ((value = sieve_rt_string(rt, c->positional[1]->strings,
	    &len)) == NULL)
		return -1;
	if (sieve_rt_step(rt, c->pos, 1 + len / 1024) < 0)
		return -1;
	if (sieve_vars_modify_max(mods, nmods, value, len,
	    rt->lim.max_variable_size, &out, &outlen) < 0)
		return sieve_rt_error(rt, c->pos, "set: out of memory");
	rc = sieve_vars_set(rt->vars, name->value, out, outlen);
	if (rc == 0)
		sieve_rt_trace(rt, "set \"%s\" = \"%.200s\"", name->value,
		    out);
	free(out);
	if (rc == 0)
		return 0;
	if (rc == -2)
		return sieve_rt_error(rt, c->pos, "set: the variables would "
		    "hold more than %u MiB together",
		    SIEVE_VARS_TOTAL_MAX / (1024 * 1024));
	if (sieve_vars_get(rt->vars, name->value, &old, &oldlen) == 0)
		return sieve_rt_error(rt, name->pos, "(implicit) declaration "
		    "of new variable '%s' exceeds the limit (max variables: "
		    "%zu)", name->value, rt->lim.max_scope_size);
	return sieve_rt_error(rt, c->pos, "set: out of memory");
}

/* ---- string ---- */

static const struct sieve_tag string_tags[] = {
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

/* c with ":comparator "i;octet"" in front of its arguments when it names
 * no comparator, so that sieve_rt_match (whose default is
 * i;ascii-casemap) compares as Pigeonhole's string test does.  The
 * arguments come from the evaluation's pool; the tree is not touched. */
static int octet_default(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_call *out)
{
	struct sieve_arg *tag, *val;
	struct sieve_string *s;

	*out = *c;
	if (sieve_call_tag(c, "comparator") != NULL)
		return 0;
	tag = sieve_rt_alloc(rt, sizeof *tag);
	val = sieve_rt_alloc(rt, sizeof *val);
	s = sieve_rt_alloc(rt, sizeof *s);
	if (tag == NULL || val == NULL || s == NULL ||
	    (tag->tag = sieve_rt_strndup(rt, "comparator", 10)) == NULL ||
	    (s->value = sieve_rt_strndup(rt, "i;octet", 7)) == NULL)
		return -1;
	s->len = 7;
	s->pos = c->pos;
	tag->pos = c->pos;
	tag->kind = SIEVE_ARG_TAG;
	tag->next = val;
	val->pos = c->pos;
	val->kind = SIEVE_ARG_STRING;
	val->strings = s;
	val->nstrings = 1;
	/* the rest of the list is only read, never written */
	val->next = (struct sieve_arg *)c->args;
	out->args = tag;
	return 0;
}

/* For :count, the source strings that are not empty. */
static int drop_empty(struct sieve_rt *rt, struct sieve_strings *s)
{
	const char **v = sieve_rt_alloc(rt, (s->n + 1) * sizeof *v);
	size_t *len = sieve_rt_alloc(rt, (s->n + 1) * sizeof *len);
	size_t n = 0;

	if (v == NULL || len == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (s->len[i] > 0) {
			v[n] = s->v[i];
			len[n++] = s->len[i];
		}
	s->v = v;
	s->len = len;
	s->n = n;
	return 0;
}

static int run_string(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings source, keys;
	struct sieve_call oc;
	const char *mt = sieve_call_group_tag(c, SIEVE_TG_MATCH);

	if (sieve_rt_strings(rt, c->positional[0], &source) < 0 ||
	    sieve_rt_strings(rt, c->positional[1], &keys) < 0)
		return -1;
	if (mt != NULL && strcmp(mt, "count") == 0 &&
	    drop_empty(rt, &source) < 0)
		return -1;
	if (octet_default(rt, c, &oc) < 0)
		return -1;
	return sieve_rt_match(rt, &oc, &source, &keys);
}

static const struct sieve_def variables_defs[] = {
	{ "set", false, set_tags, "SS", "name|value", SIEVE_NEST_NONE, false,
	  check_set, run_set },
	{ "string", true, string_tags, "LL", "source|key list",
	  SIEVE_NEST_NONE, false, sieve_check_match_args, run_string },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

/* Every string of the script: a reference into a namespace or a match
 * index above 32 is an error Pigeonhole reports and compiles the script
 * all the same (the reference expands to ""), checked with sieve-test. */
static void check_string(struct sieve_checker *ck, struct sieve_string *s)
{
	char err[300];

	if (sieve_vars_check_string_ns(NULL, s->value, s->len,
	    sieve_check_requires(ck, "include"), namespace_known, ck, err,
	    sizeof err) < 0)
		sieve_check_soft_error(ck, s->pos, "%s", err);
}

const struct sieve_extension sieve_ext_variables = {
	.name = "variables",
	.defs = variables_defs,
	.on_string = check_string,
	.check_state_free = declared_free,
};

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

#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

#define SET_MODIFIERS_MAX 8   /* one per modifier tag */

/* ---- set ---- */

/* A modifier another extension brings needs that extension required:
 * :encodeurl comes with enotify (RFC 5435), :quoteregex with regex. */
static void check_needs(struct sieve_checker *ck, const struct sieve_arg *tag,
    const char *ext)
{
	if (!sieve_check_requires(ck, ext))
		sieve_check_error(ck, tag->pos, "`set :%s` needs `require "
		    "\"%s\"`", tag->tag, ext);
}

static void check_encodeurl(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)val;
	check_needs(ck, tag, "enotify");
}

static void check_quoteregex(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)val;
	check_needs(ck, tag, "regex");
}

#define MODIFIER(name, check) \
	{ name, SIEVE_ARGT_NONE, SIEVE_TG_NONE, check }

static const struct sieve_tag set_tags[] = {
	MODIFIER("lower", NULL),
	MODIFIER("upper", NULL),
	MODIFIER("lowerfirst", NULL),
	MODIFIER("upperfirst", NULL),
	MODIFIER("quotewildcard", NULL),
	MODIFIER("quoteregex", check_quoteregex),
	MODIFIER("encodeurl", check_encodeurl),
	MODIFIER("length", NULL),
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

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

/* The variable's name (a constant: set's first argument is never
 * expanded), and no two modifiers of one precedence (RFC 5229 section
 * 4.1), with Pigeonhole's messages. */
static void check_set(struct sieve_checker *ck, const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	const struct sieve_arg *seen[SET_MODIFIERS_MAX];
	size_t nseen = 0;
	char err[300];

	if (sieve_vars_check_name_ns(name->value, name->len,
	    sieve_check_requires(ck, "include"), err, sizeof err) < 0)
		sieve_check_error(ck, name->pos, "%s", namespace_known(ck,
		    name->value, strcspn(name->value, ".")) ? "cannot assign "
		    "to a variable of a namespace (read only)" : err);
	for (const struct sieve_arg *a = c->args; a &&
	    a->kind == SIEVE_ARG_TAG; a = a->next) {
		int p = sieve_vars_modifier_precedence(a->tag);

		if (p < 0)
			continue;
		for (size_t i = 0; i < nseen; i++)
			if (strcmp(seen[i]->tag, a->tag) != 0 &&
			    sieve_vars_modifier_precedence(seen[i]->tag) == p)
				sieve_check_error(ck, a->pos, "modifiers :%s "
				    "and :%s specified for the set command "
				    "conflict having equal precedence",
				    seen[i]->tag, a->tag);
		if (nseen < SET_MODIFIERS_MAX)
			seen[nseen++] = a;
	}
}

static int run_set(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	const char *mods[SET_MODIFIERS_MAX], *value, *old;
	size_t nmods = 0, len, outlen, oldlen;
	char *out;
	int rc;

	if (rt->vars == NULL)
		return sieve_rt_error(rt, c->pos, "set without the variables "
		    "extension");
	for (const struct sieve_arg *a = c->args; a &&
	    a->kind == SIEVE_ARG_TAG; a = a->next)
		if (nmods < SET_MODIFIERS_MAX &&
		    sieve_vars_modifier_precedence(a->tag) >= 0)
			mods[nmods++] = a->tag;
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
	{ "set", false, set_tags, "SS", SIEVE_NEST_NONE, false, check_set,
	  run_set },
	{ "string", true, string_tags, "LL", SIEVE_NEST_NONE, false,
	  sieve_check_match_args, run_string },
	{ NULL, false, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
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
};

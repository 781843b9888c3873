/* ext_imap4flags.c: the "imap4flags" extension (RFC 5232) and its
 * predecessor "imapflags" (draft-melnikov-sieve-imapflags-03) as
 * Pigeonhole 0.5.19 still accepts it.
 *
 * A flag list is a string of flags separated by spaces.  setflag, addflag
 * and removeflag change the internal flags variable or, with a variable
 * name first, that variable; hasflag tests them with a match type.  Adding
 * keeps each flag once (compared without case) and drops what is not a
 * flag: a system flag other than \Seen \Answered \Flagged \Deleted \Draft,
 * or a keyword that is not an IMAP atom.  keep and fileinto take their
 * flags from :flags or, without it, from the internal variable as it is
 * when they run; an action merged with an earlier identical one replaces
 * its flags (Pigeonhole does the same).  The implicit keep gets the
 * internal variable's final value.  imapflags adds mark and unmark
 * (addflag and removeflag of \Flagged) and has no hasflag or :flags.
 *
 * The list operations are sieve_flaglist.h's.  On disk system flags
 * become Maildir letters and keywords ($Junk, ...) Dovecot's letters
 * through dovecot-keywords (maildir_keywords.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext_imap4flags.h"
#include "sieve_flaglist.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

extern const struct sieve_extension sieve_ext_imap4flags;

/* ---- the internal variable and named variables ---- */

static struct sieve_flaglist *internal_flags(struct sieve_rt *rt,
    struct sieve_pos pos)
{
	void **slot = sieve_rt_ext_state(rt, &sieve_ext_imap4flags);

	if (slot == NULL) {
		(void)sieve_rt_error(rt, pos, "imap4flags: no state");
		return NULL;
	}
	if (*slot == NULL) {
		if ((*slot = calloc(1, sizeof(struct sieve_flaglist))) == NULL) {
			(void)sieve_rt_error(rt, pos, "out of memory");
			return NULL;
		}
		/* the message's own flags, when it has any, come first */
		if (rt->env->flags != NULL)
			(void)sieve_flaglist_add(*slot, rt->env->flags,
			    strlen(rt->env->flags));
	}
	return *slot;
}

/* The flag list of the variable name (or the internal one when name is
 * NULL) into *out. */
static int load_list(struct sieve_rt *rt, struct sieve_pos pos,
    const char *name, struct sieve_flaglist *out)
{
	const char *v;
	size_t n;

	out->len = 0;
	out->text[0] = '\0';
	if (name == NULL) {
		struct sieve_flaglist *in = internal_flags(rt, pos);

		if (in == NULL)
			return -1;
		*out = *in;
		return 0;
	}
	if (rt->vars == NULL || sieve_vars_get(rt->vars, name, &v, &n) <= 0)
		return 0;
	/* a variable may hold anything: keep only its valid flags */
	return sieve_flaglist_add(out, v, n) < 0 ? sieve_rt_error(rt, pos, "flag list "
	    "of variable '%s' too long", name) : 0;
}

static int store_list(struct sieve_rt *rt, struct sieve_pos pos,
    const char *name, const struct sieve_flaglist *l)
{
	if (name == NULL) {
		struct sieve_flaglist *in = internal_flags(rt, pos);

		if (in == NULL)
			return -1;
		*in = *l;
		return 0;
	}
	if (rt->vars == NULL)
		return sieve_rt_error(rt, pos, "variable '%s' without the "
		    "variables extension", name);
	if (sieve_vars_set(rt->vars, name, l->text, l->len) < 0)
		return sieve_rt_error(rt, pos, "cannot set variable '%s'",
		    name);
	return 0;
}

/* ---- setflag, addflag, removeflag, mark, unmark ---- */

enum flag_op { OP_SET, OP_ADD, OP_REMOVE };

/* The variable name a command or hasflag names (first of two positional
 * arguments), or NULL for the internal variable. */
static const char *variable_name(const struct sieve_call *c)
{
	return c->npositional == 2 ? c->positional[0]->strings->value : NULL;
}

static int change_flags(struct sieve_rt *rt, const struct sieve_call *c,
    enum flag_op op, const char *name, const struct sieve_strings *flags)
{
	struct sieve_flaglist *l = sieve_rt_alloc(rt, sizeof *l);

	if (l == NULL || load_list(rt, c->pos, name, l) < 0)
		return -1;
	if (op == OP_SET)
		l->len = 0, l->text[0] = '\0';
	for (size_t i = 0; i < flags->n; i++) {
		/* the list operations are quadratic in the flags: count
		 * the bytes as work, so that the step limit bounds them */
		if (sieve_rt_step(rt, c->pos, 1 + flags->len[i]) < 0)
			return -1;
		if (op == OP_REMOVE)
			sieve_flaglist_remove(l, flags->v[i], flags->len[i]);
		else if (sieve_flaglist_add(l, flags->v[i], flags->len[i]) < 0)
			return sieve_rt_error(rt, c->pos, "flag list longer "
			    "than %d bytes", SIEVE_FLAGLIST_MAX);
	}
	sieve_rt_trace(rt, "%s: flags now \"%s\"", c->name, l->text);
	return store_list(rt, c->pos, name, l);
}

static int run_flag_command(struct sieve_rt *rt, const struct sieve_call *c,
    enum flag_op op)
{
	struct sieve_strings flags;

	if (sieve_rt_strings(rt, c->positional[c->npositional - 1],
	    &flags) < 0)
		return -1;
	return change_flags(rt, c, op, variable_name(c), &flags);
}

static int run_setflag(struct sieve_rt *rt, const struct sieve_call *c)
{
	return run_flag_command(rt, c, OP_SET);
}

static int run_addflag(struct sieve_rt *rt, const struct sieve_call *c)
{
	return run_flag_command(rt, c, OP_ADD);
}

static int run_removeflag(struct sieve_rt *rt, const struct sieve_call *c)
{
	return run_flag_command(rt, c, OP_REMOVE);
}

static int run_mark(struct sieve_rt *rt, const struct sieve_call *c)
{
	static const char *const v[] = { "\\Flagged" };
	static const size_t len[] = { 8 };
	struct sieve_strings flagged = { v, len, 1 };

	return change_flags(rt, c, strcmp(c->name, "mark") == 0 ? OP_ADD :
	    OP_REMOVE, NULL, &flagged);
}

/* ---- hasflag ---- */

/* The flags of l as strings in the pool, appended to out (room max). */
static int list_strings(struct sieve_rt *rt, const struct sieve_flaglist *l,
    const char **v, size_t *len, size_t max, size_t *n)
{
	const char *f;
	size_t pos = 0, m;

	while (*n < max && sieve_flaglist_next(l->text, l->len, &pos, &f, &m)) {
		if ((v[*n] = sieve_rt_strndup(rt, f, m)) == NULL)
			return -1;
		len[(*n)++] = m;
	}
	return 0;
}

#define HASFLAG_VALUES_MAX 1024

static int hasflag_values(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_strings *out)
{
	const char **v = sieve_rt_alloc(rt, HASFLAG_VALUES_MAX * sizeof *v);
	size_t *len = sieve_rt_alloc(rt, HASFLAG_VALUES_MAX * sizeof *len);
	struct sieve_flaglist *l = sieve_rt_alloc(rt, sizeof *l);
	struct sieve_strings names;
	size_t n = 0;

	if (v == NULL || len == NULL || l == NULL)
		return -1;
	if (c->npositional < 2) {
		if (load_list(rt, c->pos, NULL, l) < 0 ||
		    list_strings(rt, l, v, len, HASFLAG_VALUES_MAX, &n) < 0)
			return -1;
	} else {
		if (sieve_rt_strings(rt, c->positional[0], &names) < 0)
			return -1;
		for (size_t i = 0; i < names.n; i++) {
			const char *name = sieve_rt_strndup(rt, names.v[i],
			    names.len[i]);

			if (name == NULL || load_list(rt, c->pos, name, l) < 0 ||
			    list_strings(rt, l, v, len, HASFLAG_VALUES_MAX,
			    &n) < 0)
				return -1;
		}
	}
	out->v = v;
	out->len = len;
	out->n = n;
	return 0;
}

/* With :is and :contains the keys are flag lists too: split, and only
 * valid flags kept, each once (Pigeonhole normalizes them so). */
static int hasflag_keys(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_strings *keys)
{
	const char *mt = sieve_call_group_tag(c, SIEVE_TG_MATCH);
	const char **v;
	size_t *len, n = 0;
	struct sieve_flaglist *l;

	if (mt != NULL && strcmp(mt, "is") != 0 && strcmp(mt, "contains") != 0)
		return 0;
	v = sieve_rt_alloc(rt, HASFLAG_VALUES_MAX * sizeof *v);
	len = sieve_rt_alloc(rt, HASFLAG_VALUES_MAX * sizeof *len);
	l = sieve_rt_alloc(rt, sizeof *l);
	if (v == NULL || len == NULL || l == NULL)
		return -1;
	for (size_t i = 0; i < keys->n; i++) {
		l->len = 0;
		l->text[0] = '\0';
		(void)sieve_flaglist_add(l, keys->v[i], keys->len[i]);
		if (list_strings(rt, l, v, len, HASFLAG_VALUES_MAX, &n) < 0)
			return -1;
	}
	keys->v = v;
	keys->len = len;
	keys->n = n;
	return 0;
}

static int run_hasflag(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings values, keys;

	if (hasflag_values(rt, c, &values) < 0 ||
	    sieve_rt_strings(rt, c->positional[c->npositional - 1],
	    &keys) < 0 || hasflag_keys(rt, c, &keys) < 0)
		return -1;
	return sieve_rt_match(rt, c, &values, &keys);
}

/* ---- flags of keep and fileinto ---- */

static int set_action_flags(struct sieve_rt *rt, struct sieve_pos pos,
    struct action *a, const struct sieve_flaglist *l)
{
	char *letters, *keywords;

	if (sieve_flaglist_split(l, &letters, &keywords) < 0) {
		free(keywords);
		return sieve_rt_error(rt, pos, "out of memory");
	}
	free(a->flags);
	free(a->keywords);
	a->flags = letters;
	a->keywords = keywords;
	return 0;
}

/* :flags given on the command, as a flag list. */
static int explicit_flags(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_arg *val, struct sieve_flaglist *l)
{
	struct sieve_strings flags;

	l->len = 0;
	l->text[0] = '\0';
	if (sieve_rt_strings(rt, val, &flags) < 0)
		return -1;
	for (size_t i = 0; i < flags.n; i++)
		if (sieve_flaglist_add(l, flags.v[i], flags.len[i]) < 0)
			return sieve_rt_error(rt, c->pos, "flag list longer "
			    "than %d bytes", SIEVE_FLAGLIST_MAX);
	return 0;
}

static int on_action(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_action_ctx *ax)
{
	const struct sieve_arg *val = sieve_call_tag_value(c, "flags");
	struct action *a = ax->action;
	struct sieve_flaglist *l;

	if (a->type != ACTION_KEEP && a->type != ACTION_FILEINTO)
		return 0;
	if ((l = sieve_rt_alloc(rt, sizeof *l)) == NULL)
		return -1;
	if (val != NULL ? explicit_flags(rt, c, val, l) < 0 :
	    load_list(rt, c->pos, NULL, l) < 0)
		return -1;
	return set_action_flags(rt, c->pos, a, l);
}

int sieve_imap4flags_apply(const char *flags, struct action *a)
{
	struct sieve_flaglist *l = calloc(1, sizeof *l);
	char *letters, *keywords;

	if (l == NULL)
		return -1;
	(void)sieve_flaglist_add(l, flags, strlen(flags));
	if (sieve_flaglist_split(l, &letters, &keywords) < 0) {
		free(l);
		free(keywords);
		return -1;
	}
	free(l);
	free(a->flags);
	free(a->keywords);
	a->flags = letters;
	a->keywords = keywords;
	return 0;
}

/* The end of the script: the internal variable goes to res->flags, for
 * the implicit keep (added after the last script of a sequence) and the
 * next script.  An explicit keep stands for the implicit one: Pigeonhole
 * files into INBOX once, with the explicit keep's flags. */
static int end_flags(struct sieve_rt *rt)
{
	struct sieve_pos none = { 0, 0 };
	const struct sieve_flaglist *l;
	struct plan *p = &rt->res->plan;

	for (size_t i = 0; i < p->count && rt->res->keep; i++)
		if (p->actions[i].type == ACTION_KEEP)
			rt->res->keep = false;
	if ((l = internal_flags(rt, none)) == NULL)
		return -1;
	free(rt->res->flags);
	if ((rt->res->flags = strdup(l->text)) == NULL)
		return sieve_rt_error(rt, none, "out of memory");
	return 0;
}

/* ---- checks ---- */

/* setflag "var" [...]: the first of two arguments must be one string,
 * the name of a variable, which needs the variables extension. */
static void check_flag_args(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_arg *first = c->positional[0];

	if (c->npositional != 2)
		return;
	if (!sieve_check_requires(ck, "variables"))
		sieve_check_error(ck, first->pos, "the %s %s only allows for "
		    "the specification of a variable name when the variables "
		    "extension is active", c->name, c->test ? "test" :
		    "command");
	else if (c->cmd != NULL && (first->kind != SIEVE_ARG_STRING ||
	    !sieve_vars_name_valid(first->strings->value)))
		sieve_check_error(ck, first->pos, "invalid variable name for "
		    "the %s command", c->name);
}

static void check_hasflag(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	check_flag_args(ck, c);
	sieve_check_match_args(ck, c);
}

/* ---- tables ---- */

static const struct sieve_tag hasflag_tags[] = {
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

/* The variable name (setflag "var" "flags") or variable list (hasflag
 * ["v1", "v2"] "flags") is an optional first argument. */
static const struct sieve_def imap4flags_defs[] = {
	{ "setflag", false, NULL, "sL", "variable name|list of flags",
	  SIEVE_NEST_NONE, false, check_flag_args, run_setflag },
	{ "addflag", false, NULL, "sL", "variable name|list of flags",
	  SIEVE_NEST_NONE, false, check_flag_args, run_addflag },
	{ "removeflag", false, NULL, "sL", "variable name|list of flags",
	  SIEVE_NEST_NONE, false, check_flag_args, run_removeflag },
	{ "hasflag", true, hasflag_tags, "lL", "variable list|list of flags",
	  SIEVE_NEST_NONE, false, check_hasflag, run_hasflag },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add imap4flags_tags[] = {
	{ "keep", { "flags", SIEVE_ARGT_LIST, SIEVE_TG_NONE, NULL } },
	{ "fileinto", { "flags", SIEVE_ARGT_LIST, SIEVE_TG_NONE, NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_imap4flags = {
	.name = "imap4flags",
	.defs = imap4flags_defs,
	.tag_adds = imap4flags_tags,
	.state_free = free,
	.end = end_flags,
	.on_action = on_action,
};

static const struct sieve_def imapflags_defs[] = {
	{ "mark", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_mark },
	{ "unmark", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_mark },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_imapflags = {
	.name = "imapflags",
	.defs = imapflags_defs,
	.implies = "imap4flags",
	.end = end_flags,
	.on_action = on_action,
};

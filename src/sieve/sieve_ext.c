/* sieve_ext.c: lookups in the extension table of the native interpreter
 * (see sieve_ext.h): extensions by require name, command and test
 * definitions by name, a command's arguments sorted into tags and
 * positional ones, and the :comparator check every match test shares. */
#include "sieve_ext.h"

#include <stdio.h>
#include <string.h>

const struct sieve_extension *sieve_ext_find(const char *name)
{
	for (size_t i = 0; i < sieve_ext_count; i++)
		if (strcmp(sieve_ext_table[i]->name, name) == 0)
			return sieve_ext_table[i];
	return NULL;
}

size_t sieve_ext_index(const struct sieve_extension *ext)
{
	for (size_t i = 0; i < sieve_ext_count; i++)
		if (sieve_ext_table[i] == ext)
			return i;
	return SIEVE_EXT_MAX;
}

const char *sieve_ext_names(void)
{
	static char names[1024];

	if (names[0] != '\0')
		return names;
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const char *n = sieve_ext_table[i]->name;

		if (*n == '\0')
			continue;
		if (names[0] != '\0')
			(void)strlcat(names, " ", sizeof names);
		(void)strlcat(names, n, sizeof names);
	}
	return names;
}

bool sieve_ext_set_has(const struct sieve_ext_set *s,
    const struct sieve_extension *ext)
{
	size_t i = sieve_ext_index(ext);

	if (ext->name[0] == '\0')
		return true;       /* the base language needs no require */
	return i < SIEVE_EXT_MAX && (s->bits >> i & 1u) != 0;
}

const struct sieve_def *sieve_ext_def(const struct sieve_ext_set *set,
    const char *name, bool is_test, const struct sieve_extension **from)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (set != NULL && !sieve_ext_set_has(set, e))
			continue;
		for (const struct sieve_def *d = e->defs; d && d->name; d++)
			if (d->is_test == is_test &&
			    strcmp(d->name, name) == 0) {
				if (from != NULL)
					*from = e;
				return d;
			}
	}
	return NULL;
}

static const struct sieve_tag *tag_lookup_in(const struct sieve_tag *tags,
    const char *name)
{
	for (; tags && tags->name; tags++)
		if (strcmp(tags->name, name) == 0)
			return tags;
	return NULL;
}

static bool def_has_group(const struct sieve_def *def, unsigned group)
{
	for (const struct sieve_tag *t = def->tags; t && t->name; t++)
		if (t->group == group)
			return true;
	return false;
}

/* Whether an addition's target names def. */
static bool add_targets(const struct sieve_tag_add *a,
    const struct sieve_def *def)
{
	if (strcmp(a->target, SIEVE_ADD_TO_MATCH) == 0)
		return def_has_group(def, SIEVE_TG_MATCH);
	if (strcmp(a->target, SIEVE_ADD_TO_ADDRPART) == 0)
		return def_has_group(def, SIEVE_TG_ADDRPART);
	return strcmp(a->target, def->name) == 0;
}

const struct sieve_tag *sieve_def_tag(const struct sieve_def *def,
    const char *name, const struct sieve_extension **from)
{
	const struct sieve_tag *t = tag_lookup_in(def->tags, name);

	if (t != NULL) {
		if (from != NULL)
			*from = NULL;
		return t;
	}
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		for (const struct sieve_tag_add *a = e->tag_adds;
		    a && a->target; a++)
			if (strcmp(a->tag.name, name) == 0 &&
			    add_targets(a, def)) {
				if (from != NULL)
					*from = e;
				return &a->tag;
			}
	}
	return NULL;
}

void sieve_call_init(struct sieve_call *c, const struct sieve_def *def,
    const struct sieve_command *cmd, const struct sieve_test *test)
{
	const struct sieve_arg *a;

	memset(c, 0, sizeof *c);
	c->def = def;
	c->cmd = cmd;
	c->test = test;
	if (cmd != NULL) {
		c->name = cmd->name;
		c->pos = cmd->pos;
		c->args = cmd->args;
		c->tests = cmd->tests;
		c->ntests = cmd->ntests;
	} else {
		c->name = test->name;
		c->pos = test->pos;
		c->args = test->args;
		c->tests = test->tests;
		c->ntests = test->ntests;
	}
	for (a = c->args; a; a = a->next) {
		if (a->kind == SIEVE_ARG_TAG) {
			const struct sieve_tag *t = def ?
			    sieve_def_tag(def, a->tag, NULL) : NULL;

			if (t != NULL && t->arg != SIEVE_ARGT_NONE && a->next)
				a = a->next;
			continue;
		}
		if (c->npositional < SIEVE_POSITIONAL_MAX)
			c->positional[c->npositional++] = a;
	}
}

const struct sieve_arg *sieve_call_tag(const struct sieve_call *c,
    const char *name)
{
	for (const struct sieve_arg *a = c->args; a; a = a->next)
		if (a->kind == SIEVE_ARG_TAG && strcmp(a->tag, name) == 0)
			return a;
	return NULL;
}

const struct sieve_arg *sieve_call_tag_value(const struct sieve_call *c,
    const char *name)
{
	const struct sieve_arg *a = sieve_call_tag(c, name);

	return a ? a->next : NULL;
}

const char *sieve_call_group_tag(const struct sieve_call *c, unsigned group)
{
	for (const struct sieve_arg *a = c->args; a; a = a->next) {
		const struct sieve_tag *t;

		if (a->kind != SIEVE_ARG_TAG)
			continue;
		t = sieve_def_tag(c->def, a->tag, NULL);
		if (t != NULL && t->group == group)
			return t->name;
	}
	return NULL;
}

const struct sieve_extension *sieve_ext_namespace(const char *ns,
    size_t nslen, bool (*required_fn)(const void *ctx, const char *name),
    const void *ctx)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->var_namespace != NULL &&
		    strlen(e->var_namespace) == nslen &&
		    strncasecmp(e->var_namespace, ns, nslen) == 0 &&
		    required_fn(ctx, e->name))
			return e;
	}
	return NULL;
}

/* An unknown comparator whose extension exists was most likely not
 * required: say which require it needs rather than "not supported". */
void sieve_check_comparator_tag(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	const char *name = val->strings->value;
	char ext[128];

	(void)tag;
	if (sieve_check_comparator_known(ck, name))
		return;
	(void)snprintf(ext, sizeof ext, "comparator-%s", name);
	if (sieve_ext_find(ext) != NULL)
		sieve_check_error(ck, val->pos, "comparator \"%s\" needs "
		    "`require \"%s\"`", name, ext);
	else
		sieve_check_error(ck, val->pos, "comparator \"%s\" is not "
		    "supported", name);
}

/* sieve_ext.c: lookups in the extension table of the native interpreter
 * (see sieve_ext.h): extensions by require name, command and test
 * definitions by name, a command's arguments sorted into tags and
 * positional ones, and the :comparator check every match test shares. */
#include "sieve_ext.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct sieve_extension *sieve_ext_find(const char *name)
{
	/* a direct-mapped cache by the name's address (the checks ask by
	 * literal names, again and again), confirmed by the name itself */
	static const char *seen_name[32];
	static const struct sieve_extension *seen_ext[32];
	size_t slot = ((uintptr_t)name >> 3) % 32;

	if (seen_name[slot] == name && seen_ext[slot] != NULL &&
	    strcmp(seen_ext[slot]->name, name) == 0)
		return seen_ext[slot];
	for (size_t i = 0; i < sieve_ext_count; i++)
		if (strcmp(sieve_ext_table[i]->name, name) == 0) {
			seen_name[slot] = name;
			seen_ext[slot] = sieve_ext_table[i];
			return sieve_ext_table[i];
		}
	return NULL;
}

/* Every lookup below runs for every command and test of every script on
 * every delivery, so the table is indexed once: an extension's index by
 * its address, definitions by name (FNV-1a), each list in table order so
 * that the first match is the one a walk of the table would find. */
#define DEF_BUCKETS 128
#define DEFS_MAX 200                  /* the table fits a page of BSS */

struct def_entry {
	const struct sieve_def *def;
	uint8_t ext;                  /* index in sieve_ext_table */
	int16_t next;                 /* next entry of the bucket, -1 */
};

static struct {
	bool built;
	int16_t head[DEF_BUCKETS], tail[DEF_BUCKETS];
	struct def_entry defs[DEFS_MAX];
	size_t ndefs;
	bool overflow;                /* more defs than DEFS_MAX: walk */
} idx;

static unsigned name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % DEF_BUCKETS;
}

static void index_build(void)
{
	for (size_t b = 0; b < DEF_BUCKETS; b++)
		idx.head[b] = idx.tail[b] = -1;
	for (size_t i = 0; i < sieve_ext_count; i++)
		for (const struct sieve_def *d = sieve_ext_table[i]->defs;
		    d && d->name; d++) {
			unsigned b = name_hash(d->name);
			int16_t n = (int16_t)idx.ndefs;

			if (idx.ndefs == DEFS_MAX || i > UINT8_MAX) {
				idx.overflow = true;
				continue;
			}
			idx.defs[n] = (struct def_entry){ d, (uint8_t)i, -1 };
			idx.ndefs++;
			if (idx.tail[b] < 0)
				idx.head[b] = n;
			else
				idx.defs[idx.tail[b]].next = n;
			idx.tail[b] = n;
		}
	idx.built = true;
}

size_t sieve_ext_index(const struct sieve_extension *ext)
{
	/* a direct-mapped cache in front of the walk */
	static const struct sieve_extension *seen[64];
	static size_t seen_at[64];
	size_t slot = ((uintptr_t)ext >> 4) % 64;

	if (seen[slot] == ext)
		return seen_at[slot];
	for (size_t i = 0; i < sieve_ext_count; i++)
		if (sieve_ext_table[i] == ext) {
			seen[slot] = ext;
			seen_at[slot] = i;
			return i;
		}
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

/* Whether the extension at index i is in set (NULL: all are). */
static bool set_has_index(const struct sieve_ext_set *set, size_t i)
{
	if (set == NULL || sieve_ext_table[i]->name[0] == '\0')
		return true;
	return i < SIEVE_EXT_MAX && (set->bits >> i & 1u) != 0;
}

const struct sieve_def *sieve_ext_def(const struct sieve_ext_set *set,
    const char *name, bool is_test, const struct sieve_extension **from)
{
	if (!idx.built)
		index_build();
	for (int n = idx.overflow ? -1 : idx.head[name_hash(name)]; n >= 0;
	    n = idx.defs[n].next) {
		const struct def_entry *e = &idx.defs[n];

		if (e->def->is_test != is_test ||
		    !set_has_index(set, e->ext) ||
		    strcmp(e->def->name, name) != 0)
			continue;
		if (from != NULL)
			*from = sieve_ext_table[e->ext];
		return e->def;
	}
	if (!idx.overflow)
		return NULL;
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

/* Whether buf's space-separated list holds ":name" already. */
static bool tag_listed(const char *buf, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = buf; (p = strchr(p, ':')) != NULL; p++)
		if (strncmp(p + 1, name, len) == 0 &&
		    (p[1 + len] == ' ' || p[1 + len] == '\0'))
			return true;
	return false;
}

static void list_tag(char *buf, size_t size, const char *name)
{
	if (tag_listed(buf, name))
		return;              /* added by two extensions */
	if (buf[0] != '\0')
		(void)strlcat(buf, " ", size);
	(void)strlcat(buf, ":", size);
	(void)strlcat(buf, name, size);
}

void sieve_def_tag_names(const struct sieve_def *def,
    const struct sieve_ext_set *set, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	for (const struct sieve_tag *t = def->tags; t && t->name; t++)
		list_tag(buf, size, t->name);
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (set != NULL && !sieve_ext_set_has(set, e))
			continue;
		for (const struct sieve_tag_add *a = e->tag_adds;
		    a && a->target; a++)
			if (add_targets(a, def))
				list_tag(buf, size, a->tag.name);
	}
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

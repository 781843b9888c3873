/* tally.c: lists, counters and the Message-ID set of a --redeliver run
 * (see tally.h). */
#include "tally.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lines_add(struct lines *l, char *text)
{
	char **grown;

	if (text == NULL || (grown = reallocarray(l->v, l->n + 1,
	    sizeof *grown)) == NULL) {
		free(text);
		return -1;
	}
	l->v = grown;
	l->v[l->n++] = text;
	return 0;
}

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void lines_note(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (l->n >= LINES_SHOWN) {
		l->more++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (lines_add(l, text) < 0)
		l->more++;
}

void counter_add(struct counters *c, const char *name)
{
	struct counter *grown;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0) {
			c->v[i].n++;
			return;
		}
	if ((grown = reallocarray(c->v, c->n + 1, sizeof *grown)) == NULL)
		return;
	c->v = grown;
	if ((c->v[c->n].name = strdup(name)) == NULL)
		return;
	c->v[c->n++].n = 1;
}

static int counter_cmp(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->name,
	    ((const struct counter *)b)->name);
}

void counters_sort(struct counters *c)
{
	if (c->n > 0)
		qsort(c->v, c->n, sizeof *c->v, counter_cmp);
}

void counters_free(struct counters *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
}

static size_t idset_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static char **idset_find(const struct idset *set, const char *id)
{
	size_t i = idset_hash(id) & (set->cap - 1);

	while (set->slot[i] && strcmp(set->slot[i], id) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

bool idset_has(const struct idset *set, const char *id)
{
	return set->cap > 0 && *idset_find(set, id) != NULL;
}

static int idset_grow(struct idset *set)
{
	struct idset bigger = { .cap = set->cap ? set->cap * 2 : 1024 };

	if ((bigger.slot = calloc(bigger.cap, sizeof *bigger.slot)) == NULL)
		return -1;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slot[i])
			*idset_find(&bigger, set->slot[i]) = set->slot[i];
	bigger.n = set->n;
	free(set->slot);
	*set = bigger;
	return 0;
}

/* Out of memory only weakens dedup: the message is then not found. */
void idset_add(struct idset *set, const char *id)
{
	char **slot;

	if ((set->n + 1) * 2 > set->cap && idset_grow(set) < 0)
		return;
	slot = idset_find(set, id);
	if (*slot == NULL && (*slot = strdup(id)) != NULL)
		set->n++;
}

void idset_free(struct idset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
}

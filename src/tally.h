/* tally.h: what a --redeliver run keeps and counts while it goes (lists
 * of summary lines, per-folder counters, the set of Message-IDs it has
 * filed).  Out of memory never stops a run: a line is counted instead of
 * kept, a counter or an ID is dropped (see each function). */
#ifndef DELIVER_TALLY_H
#define DELIVER_TALLY_H

#include <stdbool.h>
#include <stddef.h>

#define LINES_SHOWN 50   /* summary lines kept by lines_note */

/* Strings owned by the list; more counts those noted but not kept. */
struct lines {
	char **v;
	size_t n;
	unsigned long more;
};

/* Take text (malloc'd; freed on failure, or NULL).  -1: not added. */
int lines_add(struct lines *l, char *text);
/* A summary line, kept for the first LINES_SHOWN, counted after. */
void lines_note(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lines_free(struct lines *l);

struct counter {
	char *name;
	unsigned long n;
};

struct counters {
	struct counter *v;
	size_t n;
};

void counter_add(struct counters *c, const char *name);
void counters_sort(struct counters *c);   /* by name */
void counters_free(struct counters *c);

/* A set of strings: open addressing, grown at half full. */
struct idset {
	char **slot;
	size_t cap, n;
};

bool idset_has(const struct idset *set, const char *id);
void idset_add(struct idset *set, const char *id);
void idset_free(struct idset *set);

#endif

/* ph_lists.h: the runner's two committed lists of blocks.
 *
 *   not-applicable.txt  `file: block name: reason`, one block a line: it
 *                       checks a Pigeonhole-only detail (an exact error
 *                       text, its binary format); reported apart, never a
 *                       pass.
 *   expected-pass.txt   `file: block name`, one block a line: blocks that
 *                       passed when the list was last regenerated (make
 *                       pigeonhole-expected); one of them failing is a
 *                       regression and fails make check.
 *
 * A block's key is "file: block name" (file relative to the tests
 * directory, name as ph_files.h makes it unique).  Lines that are empty or
 * start with '#' are comments.  Block names may themselves hold ": ", so
 * a not-applicable line is matched by its key as a prefix, not split. */
#ifndef DELIVER_PH_LISTS_H
#define DELIVER_PH_LISTS_H

#include <stdbool.h>
#include <stddef.h>

#define PH_LIST_LINES_MAX 2000
#define PH_LINE_MAX       1024

struct ph_list {
	char **lines;
	bool *used;        /* matched by some block (to report stale lines) */
	size_t count;
};

/* Read path into list; a missing file is an empty list.  -1 with a message
 * on stderr when it cannot be read or is too long. */
int ph_list_read(const char *path, struct ph_list *list);
void ph_list_free(struct ph_list *list);

/* The line that is exactly key, or NULL. */
const char *ph_list_exact(struct ph_list *list, const char *key);

/* The reason of the line that starts with key and ": ", or NULL. */
const char *ph_list_reason(struct ph_list *list, const char *key);

#endif

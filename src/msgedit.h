/* msgedit.h: an edited header of a message, as editheader (RFC 5293)
 * leaves it, and the writing of a message with that header.
 *
 * An edit never changes the message file: it is a list of header fields,
 * each either an original field (by its position in the header index
 * deliver built while the message streamed in) or a field a script added.
 * Editing only deletes fields or adds them on top or at the bottom, so the
 * original fields always stay in their order.  The list travels as an
 * "edit string" (one line per run of kept original fields, "=A-B", or per
 * added field, "+Name: value"): every action records the edit string of
 * the moment it was taken, and two actions with the same string file the
 * same header version.  The message of a version is written by streaming
 * the original file: its header copied field by field (deleted fields
 * left out, added ones written in place), then its body, never held in
 * memory. */
#ifndef DELIVER_MSGEDIT_H
#define DELIVER_MSGEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "headers.h"

#define MSGEDIT_ADDED SIZE_MAX   /* orig of a field a script added */
#define MSGEDIT_ADDED_MAX 1000   /* fields one evaluation may add */
#define MSGEDIT_STRING_MAX (256 * 1024)   /* bytes of one edit string */

struct msgedit_field {
	size_t orig;       /* position in the original index, or ADDED */
	char *name;        /* borrowed from the index, or owned (added) */
	char *value;       /* unfolded; RFC 2047-encoded when added */
};

struct msgedit {
	struct msgedit_field *f;
	size_t n, cap;
	size_t added;      /* added fields held (owned strings) */
};

/* The fields of orig, edited by edits (an edit string; NULL: none).
 * -1 when memory runs out or edits does not fit orig (errno EINVAL). */
int msgedit_init(struct msgedit *e, const struct header_index *orig,
    const char *edits);
void msgedit_free(struct msgedit *e);

/* Add a field (name checked by the caller, value already encoded by
 * msgedit_encode_value): on top, below the trace headers deliver
 * prepended, or with last at the bottom.  -1 when memory runs out. */
int msgedit_add(struct msgedit *e, const struct header_index *orig,
    const char *name, const char *value, bool last);

/* Remove the field at pos (0-based, in the current order). */
void msgedit_delete(struct msgedit *e, size_t pos);

/* The edit string of e (malloced), NULL when memory runs out. */
char *msgedit_serialize(const struct msgedit *e);

/* The current fields as a header index for readers: view->items is
 * malloced, its strings are borrowed from e and orig (free only
 * view->items).  -1 when memory runs out. */
int msgedit_view(const struct msgedit *e, struct header_index *view);

/* How many bytes the message grows (or shrinks) by the edits: added
 * fields as msgedit_write writes them, deleted ones as "Name: value\n"
 * (a folded original field counts its unfolded length); with crlf, one
 * byte more per line. */
long long msgedit_size_delta(const struct msgedit *e,
    const struct header_index *orig, bool crlf);

/* The value as a header field body: line breaks unfolded (a break before
 * a blank dropped, any other one made a blank), and as RFC 2047 "B"
 * encoded-words in UTF-8 when it holds 8-bit characters (control
 * characters stay as they are, as Pigeonhole keeps them).
 * Malloced; NULL when memory runs out. */
char *msgedit_encode_value(const char *value, size_t len);

/* Write the message in src (read from offset 0, the file deliver's intake
 * wrote) with its header edited by edits, to dst; *written = bytes
 * written.  Memory stays bounded whatever the message size.  -1 with
 * errno: EINVAL when the file's fields do not match orig (the caller then
 * files the unedited message), otherwise a read or write error. */
int msgedit_write(int src, const struct header_index *orig,
    const char *edits, int dst, off_t *written);

/* An unlinked file for a version that is only read back (a redirect):
 * in dirfd (O_TMPFILE, or a name unlinked at once), or with dirfd -1 a
 * memory file.  -1 with errno. */
int msgedit_tmpfile(int dirfd);

#endif

/* headers.h: the header index built while a message streams past.
 *
 * Sieve, dedup and logging read headers from here instead of re-reading the
 * message.  Values are unfolded (the line breaks of folded lines removed,
 * RFC 5322 section 2.2.3) and kept raw: no RFC 2047 decoding.  Memory is
 * bounded whatever the message holds: see the limits below. */
#ifndef DELIVER_HEADERS_H
#define DELIVER_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#define HEADER_VALUE_MAX   (64 * 1024)   /* longer values are cut here */
#define HEADER_INDEX_BYTES (1024 * 1024) /* names + values kept in all */
#define HEADER_INDEX_COUNT 20000         /* headers kept */

struct header {
	char *name;    /* as written, without the colon */
	char *value;   /* unfolded; leading whitespace after the colon dropped */
	bool leading;  /* in the block of trace headers an MTA puts on top */
	bool added;    /* prepended by deliver itself */
};

struct header_index {
	struct header *items;
	size_t count, cap;
	size_t bytes;     /* bytes of names and values held */
	bool truncated;   /* a header or part of a value was not kept */
};

/* The nth (0-based) occurrence of a header, compared case-insensitively;
 * NULL when there are fewer. */
const char *header_get(const struct header_index *idx, const char *name,
    size_t nth);

/* How many headers of this name the index holds. */
size_t header_count(const struct header_index *idx, const char *name);

/* Append a header.  name and value need not be NUL-terminated; NUL bytes in
 * them end the kept text.  Silently drops what exceeds the limits (sets
 * truncated).  Returns -1 only when memory runs out. */
int header_add(struct header_index *idx, const char *name, size_t namelen,
    const char *value, size_t valuelen);

/* Insert a header deliver adds itself at position pos (0 = top). */
int header_insert_added(struct header_index *idx, size_t pos,
    const char *name, const char *value);

void header_index_free(struct header_index *idx);

/* The address inside an angle-bracketed or bare header value, whitespace
 * and one pair of <> removed, copied into out (always NUL-terminated).
 * Returns the address's full length: >= outlen means it was cut, and a
 * caller must not treat the cut copy as the address. */
size_t header_bare_address(const char *value, char *out, size_t outlen);

#endif

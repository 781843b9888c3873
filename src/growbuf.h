/* growbuf.h: a byte string that grows as it is appended to.
 *
 * Running out of memory is remembered (nomem) rather than reported by each
 * append, so a writer checks once at the end.  The bytes stay followed by
 * a NUL (not counted in len), so text can be used as a C string. */
#ifndef DELIVER_GROWBUF_H
#define DELIVER_GROWBUF_H

#include <stdbool.h>
#include <stddef.h>

struct growbuf {
	char *data;      /* NULL until the first append; free() it */
	size_t len, cap;
	bool nomem;
};

/* Append n bytes of p (nothing once nomem is set). */
void growbuf_add(struct growbuf *b, const void *p, size_t n);

#endif

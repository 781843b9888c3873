/* growbuf.c: see growbuf.h. */
#include "growbuf.h"

#include <stdlib.h>
#include <string.h>

void growbuf_add(struct growbuf *b, const void *p, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *data;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((data = realloc(b->data, cap)) == NULL) {
			b->nomem = true;
			return;
		}
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* sieve_mime_header.c: the header fields of a byte range of the message
 * file (a part's header), unfolded and bounded, for the MIME walker and
 * the tests that read a part's header (mime's header :mime). */
#include "sieve_mime_int.h"

#include <stdlib.h>
#include <string.h>

/* One field being collected: name and unfolded value, both cut. */
struct field {
	char name[256];
	size_t namelen;
	char value[MIME_VALUE_MAX];
	size_t len;
	bool open;
};

static void value_add(struct field *f, const char *s, size_t n)
{
	size_t room = sizeof f->value - f->len;

	if (n > room)
		n = room;
	memcpy(f->value + f->len, s, n);
	f->len += n;
}

/* A line without its line break. */
static size_t content_len(const struct mime_line *l)
{
	size_t n = l->n;

	if (n == (size_t)(l->end - l->start))
		n -= l->nl;
	return n;
}

static void field_start(struct field *f, const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);
	size_t nl;

	f->open = false;
	f->len = 0;
	if (colon == NULL)
		return;   /* not a field: ignored, as Dovecot's parser does */
	nl = (size_t)(colon - p);
	while (nl > 0 && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
		nl--;
	if (nl == 0 || nl >= sizeof f->name)
		return;
	memcpy(f->name, p, nl);
	f->name[nl] = '\0';
	f->namelen = nl;
	f->open = true;
}

static int field_end(struct field *f, mime_header_fn *fn, void *ctx)
{
	size_t b = 0, e;

	if (!f->open)
		return 0;
	f->open = false;
	while (b < f->len && (f->value[b] == ' ' || f->value[b] == '\t'))
		b++;
	e = f->len;
	while (e > b && (f->value[e - 1] == ' ' || f->value[e - 1] == '\t'))
		e--;
	return fn(ctx, f->name, f->namelen, f->value + b, e - b);
}

int mime_headers_each(const struct mime_source *src, off_t start, off_t end,
    mime_header_fn *fn, void *ctx)
{
	struct mime_reader *r = malloc(sizeof *r);
	struct field *f = malloc(sizeof *f);
	struct mime_line l;
	int rc = 0, got = 0;

	if (r == NULL || f == NULL) {
		free(r);
		free(f);
		return -1;
	}
	f->open = false;
	mime_reader_init(r, src, start, end);
	while (rc == 0 && (got = mime_reader_line(r, &l)) > 0) {
		size_t n = content_len(&l);

		if (n == 0)
			break;   /* the empty line: the header ends */
		if (l.p[0] == ' ' || l.p[0] == '\t') {
			if (f->open)
				value_add(f, l.p, n);
			continue;
		}
		if ((rc = field_end(f, fn, ctx)) != 0)
			break;
		field_start(f, l.p, n);
		if (f->open) {
			const char *colon = memchr(l.p, ':', n);

			value_add(f, colon + 1, n - (size_t)(colon + 1 - l.p));
		}
	}
	if (rc == 0 && got < 0)
		rc = -1;
	if (rc == 0)
		rc = field_end(f, fn, ctx);
	free(r);
	free(f);
	return rc;
}

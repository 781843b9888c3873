/* sieve_mime_read.c: the line reader of the MIME walker (see
 * sieve_mime_int.h): pread into a fixed buffer, one line at a time,
 * memory bounded whatever the line lengths. */
#include "sieve_mime_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void mime_reader_init(struct mime_reader *r, const struct mime_source *src,
    off_t from, off_t limit)
{
	r->src = src;
	r->limit = limit < 0 || limit > src->size ? src->size : limit;
	r->pos = from < r->limit ? from : r->limit;
	r->start = r->len = 0;
	r->eof = r->pos >= r->limit;
}

/* Move the unread bytes to the front and read more until at least want
 * bytes are unread or the input ends.  0, or -1 on a read error. */
static int fill(struct mime_reader *r, size_t want)
{
	while (!r->eof && r->len - r->start < want) {
		off_t at;
		size_t room;
		ssize_t n;

		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->len - r->start);
			r->pos += (off_t)r->start;
			r->len -= r->start;
			r->start = 0;
		}
		at = r->pos + (off_t)r->len;
		room = sizeof r->buf - r->len;
		if ((off_t)room > r->limit - at)
			room = (size_t)(r->limit - at);
		if (room == 0) {
			r->eof = true;
			break;
		}
		n = pread(r->src->fd, r->buf + r->len, room, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
	return 0;
}

/* Past the rest of a line longer than the window: to after its LF. */
static int skip_rest(struct mime_reader *r, struct mime_line *l)
{
	for (;;) {
		char *lf = memchr(r->buf + r->start, '\n', r->len - r->start);

		if (lf != NULL) {
			size_t k = (size_t)(lf - (r->buf + r->start)) + 1;

			l->nl = (k >= 2 && lf[-1] == '\r') ? 2 : 1;
			r->start += k;
			l->end = r->pos + (off_t)r->start;
			return 0;
		}
		r->start = r->len;
		if (r->eof) {
			l->nl = 0;
			l->end = r->pos + (off_t)r->len;
			return 0;
		}
		if (fill(r, 1) < 0)
			return -1;
		if (r->len == r->start && r->eof) {
			l->nl = 0;
			l->end = r->pos + (off_t)r->len;
			return 0;
		}
	}
}

int mime_reader_line(struct mime_reader *r, struct mime_line *l)
{
	const char *p, *lf;
	size_t avail, n;

	if (fill(r, MIME_LINE_HEAD) < 0)
		return -1;
	avail = r->len - r->start;
	if (avail == 0)
		return 0;
	p = r->buf + r->start;
	l->start = r->pos + (off_t)r->start;
	lf = memchr(p, '\n', avail < MIME_LINE_HEAD ? avail : MIME_LINE_HEAD);
	if (lf != NULL || avail < MIME_LINE_HEAD) {
		n = lf != NULL ? (size_t)(lf - p) + 1 : avail;
		l->p = p;
		l->n = n;
		l->nl = lf == NULL ? 0 : (n >= 2 && lf[-1] == '\r') ? 2 : 1;
		r->start += n;
		l->end = l->start + (off_t)n;
		return 1;
	}
	/* longer than the window: keep its head, read past the rest */
	memcpy(r->head, p, MIME_LINE_HEAD);
	l->p = r->head;
	l->n = MIME_LINE_HEAD;
	r->start += MIME_LINE_HEAD;
	return skip_rest(r, l) < 0 ? -1 : 1;
}

bool mime_line_empty(const struct mime_line *l)
{
	return (l->n == 1 && l->p[0] == '\n') ||
	    (l->n == 2 && l->p[0] == '\r' && l->p[1] == '\n');
}

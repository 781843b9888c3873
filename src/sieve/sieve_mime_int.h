/* sieve_mime_int.h: what the files of the MIME walker share (not for
 * other modules; they use sieve_mime.h): the line reader, which reads the
 * message file with pread through one fixed buffer and hands out one
 * line at a time.  A line longer than the buffer's guaranteed window is
 * handed out cut (its head only) and read past, so no line costs more
 * memory than the window. */
#ifndef DELIVER_SIEVE_MIME_INT_H
#define DELIVER_SIEVE_MIME_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sieve_mime.h"

#define MIME_READ_BUF   (64 * 1024)
#define MIME_LINE_HEAD  (MIME_VALUE_MAX + 1024)  /* bytes of a line kept */

struct mime_reader {
	const struct mime_source *src;
	off_t limit;              /* read no further than this offset */
	off_t pos;                /* file offset of buf[0] */
	size_t start, len;        /* unread bytes: buf[start..len) */
	bool eof;                 /* nothing after buf[len] */
	char buf[MIME_READ_BUF];
	char head[MIME_LINE_HEAD];   /* a long line's head */
};

/* One line: its byte range in the file (end after its LF, or at the end
 * of the input) and its first n bytes at p (n == end - start unless the
 * line was longer than MIME_LINE_HEAD).  nl: bytes of its line break
 * (0, 1 for LF, 2 for CRLF). */
struct mime_line {
	off_t start, end;
	const char *p;
	size_t n;
	unsigned nl;
};

/* Read src from offset from up to limit (its size when limit < 0). */
void mime_reader_init(struct mime_reader *r, const struct mime_source *src,
    off_t from, off_t limit);

/* The next line: 1, 0 at the end, -1 on a read error (errno). */
int mime_reader_line(struct mime_reader *r, struct mime_line *l);

/* Whether the line is empty (the end of a header). */
bool mime_line_empty(const struct mime_line *l);

struct growbuf;
/* The text of HTML in[0..len) appended to out (sieve_mime_html.c). */
void mime_html_to_text(const char *in, size_t len, struct growbuf *out);
/* Whether body :text strips markup from a part of this type. */
bool mime_html_type(const char *content_type);

#endif

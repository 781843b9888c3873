/* sieve_mime_content.c: a part's content, read from the message file in
 * pieces and passed through the streamed transfer decoder, the charset
 * converter and (for body :text on HTML) the markup stripper, into one
 * buffer of at most the caller's cap, or handed on piece by piece to a
 * caller that keeps none of it (mime_part_scan).  Reading stops once the
 * cap is reached, so a 50 MiB attachment costs no more than the cap. */
#include "sieve_mime_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "growbuf.h"

#define PIECE (64 * 1024)

struct collect {
	struct growbuf buf;
	size_t max;
	bool truncated;
	mime_sink_fn *pass;    /* not NULL: hand the bytes on, keep none */
	void *pass_ctx;
	size_t passed;
};

static int keep_or_pass(struct collect *c, const char *data, size_t len)
{
	int rc;

	if (c->pass == NULL) {
		growbuf_add(&c->buf, data, len);
		return c->buf.nomem ? -1 : 0;
	}
	c->passed += len;
	rc = len > 0 ? c->pass(c->pass_ctx, data, len) : 0;
	return rc < 0 ? -1 : 0;
}

/* The end of the pipeline: keep (or hand on) up to max bytes; 1 stops
 * the reading. */
static int collect_sink(void *ctx, const char *data, size_t len)
{
	struct collect *c = ctx;
	size_t had = c->pass != NULL ? c->passed : c->buf.len;

	if (c->max != 0 && had + len > c->max) {
		c->truncated = true;
		return keep_or_pass(c, data, c->max - had) < 0 ? -1 : 1;
	}
	return keep_or_pass(c, data, len);
}

struct pipeline {
	struct mime_decoder dec;
	struct mime_charset *cs;       /* NULL: no conversion */
	struct collect *out;
	bool decode;
};

static int charset_sink(void *ctx, const char *data, size_t len)
{
	struct pipeline *p = ctx;

	if (p->cs == NULL)
		return collect_sink(p->out, data, len);
	return mime_charset_feed(p->cs, data, len, collect_sink, p->out);
}

static int pipe_feed(struct pipeline *p, const char *data, size_t len)
{
	if (p->decode)
		return mime_decoder_feed(&p->dec, data, len, charset_sink, p);
	return charset_sink(p, data, len);
}

static int pipe_finish(struct pipeline *p)
{
	int rc = 0;

	if (p->decode)
		rc = mime_decoder_finish(&p->dec, charset_sink, p);
	if (rc == 0 && p->cs != NULL)
		rc = mime_charset_finish(p->cs, collect_sink, p->out);
	return rc;
}

/* The bytes start..end of the file through the pipeline, until it says
 * stop.  0, or -1 (errno). */
static int pump(const struct mime_source *src, off_t start, off_t end,
    struct pipeline *p)
{
	char *piece = malloc(PIECE);
	int rc = 0;

	if (piece == NULL)
		return -1;
	while (start < end && rc == 0) {
		size_t want = end - start > PIECE ? PIECE :
		    (size_t)(end - start);
		ssize_t n = pread(src->fd, piece, want, start);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;   /* the file shrank */
			rc = -1;
			break;
		}
		start += n;
		rc = pipe_feed(p, piece, (size_t)n);
	}
	if (rc == 0)
		rc = pipe_finish(p);
	free(piece);
	if (rc == -1 && errno == 0)
		errno = ENOMEM;
	return rc < 0 ? -1 : 0;
}

/* body :text on HTML: the text of what was collected. */
static int strip_markup(struct collect *c)
{
	struct growbuf text = { 0 };

	if (c->buf.len > 0)
		mime_html_to_text(c->buf.data, c->buf.len, &text);
	if (text.nomem) {
		free(text.data);
		errno = ENOMEM;
		return -1;
	}
	free(c->buf.data);
	c->buf = text;
	return 0;
}

/* part's content through the pipeline into c; 0, or -1 (errno). */
static int content_run(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, struct collect *c)
{
	struct pipeline p = { .out = c };
	/* an enclosed message's header is content as it stands */
	bool header = part->kind == MIME_MESSAGE;
	int rc;

	p.decode = (flags & MIME_CONTENT_DECODE) && !header;
	if (p.decode)
		mime_decoder_init(&p.dec, part->cte);
	if ((flags & MIME_CONTENT_UTF8) && !header &&
	    (p.cs = mime_charset_new(part->charset)) == NULL)
		return -1;
	errno = 0;
	rc = pump(src, part->body_start, part->body_end, &p);
	mime_charset_free(p.cs);
	return rc;
}

static bool strips_markup(const struct mime_part *part, unsigned flags)
{
	return (flags & MIME_CONTENT_TEXT) && part->kind == MIME_LEAF &&
	    mime_html_type(part->content_type);
}

int mime_part_content(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, size_t max, char **out,
    size_t *len, bool *truncated)
{
	struct collect c = { .max = max };
	int rc;

	*out = NULL;
	*len = 0;
	*truncated = false;
	rc = content_run(src, part, flags, &c);
	if (rc == 0 && strips_markup(part, flags))
		rc = strip_markup(&c);
	if (rc < 0) {
		free(c.buf.data);
		return -1;
	}
	if (c.buf.data == NULL && (c.buf.data = strdup("")) == NULL)
		return -1;
	*out = c.buf.data;
	*len = c.buf.len;
	*truncated = c.truncated;
	return 0;
}

int mime_part_scan(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, size_t max,
    mime_sink_fn *sink, void *ctx, size_t *len, bool *truncated)
{
	struct collect c = { .max = max, .pass = sink, .pass_ctx = ctx };
	char *whole;
	int rc;

	*len = 0;
	*truncated = false;
	if (strips_markup(part, flags)) {   /* needs the whole part */
		if (mime_part_content(src, part, flags, max, &whole, len,
		    truncated) < 0)
			return -1;
		rc = *len > 0 ? sink(ctx, whole, *len) : 0;
		free(whole);
		return rc < 0 ? -1 : 0;
	}
	if (content_run(src, part, flags, &c) < 0)
		return -1;
	*len = c.passed;
	*truncated = c.truncated;
	return 0;
}

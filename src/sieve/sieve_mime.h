/* sieve_mime.h: the MIME structure of the message file, read in bounded
 * pieces, for the Sieve tests that look past the header (body, and
 * mime/foreverypart/extracttext).
 *
 * The message is never held in memory: the walker reads the file with
 * pread through a fixed buffer and reports one part at a time; a part's
 * content is read again from its byte range when a test wants it, decoded
 * (base64, quoted-printable) and converted to UTF-8 as a stream.  Nesting
 * is an explicit stack with a cap, never recursion, so hostile input (a
 * part without its closing boundary, 1,000 nesting levels, a 1 MiB header
 * line) costs time linear in the file and memory bounded by the caps
 * below.
 *
 * The part structure is the one Dovecot's message parser gives
 * Pigeonhole 0.5.19, as its body and foreverypart see it:
 *   - parts come in file order, a parent before its children; part 0 is
 *     the message itself;
 *   - a boundary line is "--" + an open multipart's boundary as a prefix
 *     of the line (the innermost, longest one wins; one of an enclosing
 *     multipart also ends the parts inside it), "--" after it closes the
 *     multipart; the line break before a boundary line belongs to the
 *     boundary, not to the part before it;
 *   - a multipart part's content is its prologue (the text before its
 *     first boundary); the text after its closing boundary is a part of
 *     its own, kind MIME_EPILOGUE, with the multipart's type (present
 *     only when that text is not empty);
 *   - a message/rfc822 part's content is the header of the enclosed
 *     message (its lines, without the empty line that ends it); the
 *     enclosed message is the next part, its child;
 *   - a part is MIME when it or (for part 0 and an enclosed message) its
 *     header has MIME-Version or Content-Type; only the first
 *     Content-Type counts; parts without a type are text/plain (below a
 *     multipart/digest: message/rfc822);
 *   - nesting deeper than MIME_DEPTH_MAX levels, or more than
 *     MIME_PARTS_MAX parts: the part that would open more is read as a
 *     leaf (its boundaries are text), as Dovecot does.
 * The message file is deliver's own copy (LF line ends, the headers
 * deliver prepended included), so offsets are those of that file; CRLF
 * is understood all the same. */
#ifndef DELIVER_SIEVE_MIME_H
#define DELIVER_SIEVE_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The message as the Sieve tests read it: an open file (read with pread
 * only: the descriptor's offset is not used or moved) of size bytes. */
struct mime_source {
	int fd;
	off_t size;
};

#define MIME_DEPTH_MAX     100     /* nested parts (Dovecot's default) */
#define MIME_PARTS_MAX     10000   /* parts in one message (Dovecot's) */
#define MIME_BOUNDARY_MAX  80      /* bytes of a boundary kept (Dovecot) */
#define MIME_TYPE_MAX      128     /* bytes of "type/subtype" kept */
#define MIME_TOKEN_MAX     64      /* charset, disposition */
#define MIME_VALUE_MAX     8192    /* bytes of one header value handed
                                    * out (the rest of the line is read
                                    * past, not kept) */
#define MIME_NO_PARENT     ((size_t)-1)

enum mime_kind {
	MIME_LEAF,        /* a part with content of its own */
	MIME_MULTIPART,   /* content: the prologue; children follow */
	MIME_MESSAGE,     /* message/rfc822: content is the enclosed
	                   * message's header; the message is the child */
	MIME_EPILOGUE     /* the text after a multipart's closing boundary;
	                   * parent: that multipart */
};

enum mime_cte {
	MIME_CTE_IDENTITY,   /* 7bit, 8bit, binary, or none given */
	MIME_CTE_BASE64,
	MIME_CTE_QP,
	MIME_CTE_UNKNOWN     /* anything else: Dovecot decodes it to
	                      * nothing (the content is skipped) */
};

/* One part, as the walker reports it. */
struct mime_part {
	size_t index;          /* 0, 1, ... in walk order */
	size_t parent;         /* index of the enclosing part, MIME_NO_PARENT
	                        * for part 0 */
	unsigned depth;        /* 0 for part 0 */
	enum mime_kind kind;
	/* an empty line ended the header: the part has a body (RFC 5173:
	 * a part without one matches nothing, not even "") */
	bool have_body;
	bool is_mime;
	/* "type/subtype" as written (compare without case); "text/plain"
	 * when none is given; "" when the header does not parse */
	char content_type[MIME_TYPE_MAX];
	char charset[MIME_TOKEN_MAX];      /* "" = none given */
	char disposition[MIME_TOKEN_MAX];  /* "inline", "attachment", "" */
	enum mime_cte cte;
	/* byte ranges in the file: the header lines (up to, not including,
	 * the empty line), and the content as described above */
	off_t header_start, header_end;
	off_t body_start, body_end;
};

/* ---- the walk ---- */

struct mime_walk;

/* Start a walk over src (NULL when memory runs out).  The walk holds a
 * read buffer and the stack of open multiparts: O(MIME_DEPTH_MAX *
 * MIME_BOUNDARY_MAX) bytes. */
struct mime_walk *mime_walk_new(const struct mime_source *src);

/* The next part: 1 with *part filled, 0 when there are no more, -1 when
 * the file cannot be read (errno). */
int mime_walk_next(struct mime_walk *w, struct mime_part *part);

void mime_walk_free(struct mime_walk *w);

/* Where part 0's body starts (after the empty line ending the header);
 * -1 when the message has no such empty line, i.e. no body (RFC 5173:
 * then every body test is false).  For body :raw.  -2 on a read error. */
off_t mime_body_start(const struct mime_source *src);

/* ---- headers ---- */

/* Called for every header field of a range, in order; value unfolded
 * (line breaks of folded lines removed), leading blanks and trailing
 * blanks removed, cut to MIME_VALUE_MAX bytes.  Returning nonzero stops
 * the iteration with that value. */
typedef int mime_header_fn(void *ctx, const char *name, size_t namelen,
    const char *value, size_t valuelen);

/* Every header field between start and end (a part's header_start and
 * header_end).  0, the callback's nonzero value, or -1 on a read error
 * (-1 from the callback is passed on too). */
int mime_headers_each(const struct mime_source *src, off_t start, off_t end,
    mime_header_fn *fn, void *ctx);

/* ---- header values (RFC 2045, RFC 2183, RFC 2231) ---- */

/* The "type/subtype" of a Content-Type value into out (as written):
 * 0, or -1 when it does not parse (a token, "/", a token, then nothing
 * but blanks or ";"). */
int mime_content_type_parse(const char *value, size_t len, char *out,
    size_t outlen);

/* The value of parameter name (without case) of a Content-Type or
 * Content-Disposition value, quotes and backslashes of a quoted string
 * removed, RFC 2231 continuations (name*0, name*1) joined: 1 found (cut
 * to outlen - 1 bytes, NUL-terminated), 0 not there. */
int mime_param_get(const char *value, size_t len, const char *name,
    char *out, size_t outlen);

/* The disposition token of a Content-Disposition value ("attachment"),
 * "" when it does not parse. */
void mime_disposition_parse(const char *value, size_t len, char *out,
    size_t outlen);

/* The transfer encoding a Content-Transfer-Encoding value names. */
enum mime_cte mime_cte_parse(const char *value, size_t len);

/* ---- content ---- */

/* What mime_part_content does to a part's bytes. */
enum {
	MIME_CONTENT_DECODE = 1,  /* undo the transfer encoding */
	MIME_CONTENT_UTF8 = 2,    /* convert from the part's charset (none:
	                           * UTF-8) to UTF-8; invalid input becomes
	                           * U+FFFD, as Dovecot's charset_to_utf8 */
	MIME_CONTENT_TEXT = 4     /* text/html, application/xhtml+xml: the
	                           * text without markup (body :text) */
};

/* The content of part (its body_start..body_end), transformed as flags
 * say, at most max bytes of output (0: no limit): a malloced,
 * NUL-terminated copy in *out (NUL bytes inside stay; use *len),
 * *truncated set when max cut it.  0, or -1 (errno: ENOMEM, or the read
 * error). */
int mime_part_content(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, size_t max, char **out,
    size_t *len, bool *truncated);

/* ---- the streamed decoders (used by mime_part_content; exposed for
 * tests and for extensions that scan content without keeping it) ---- */

/* Receives decoded output; nonzero stops the decoder with that value. */
typedef int mime_sink_fn(void *ctx, const char *data, size_t len);

/* The same content as mime_part_content, handed to sink in pieces as it
 * is read and decoded instead of kept (an HTML part whose markup
 * MIME_CONTENT_TEXT strips is made whole first, then handed on in one
 * piece): *len the bytes handed on, *truncated set when max cut them.
 * sink returns 0, or -1 to stop with an error.  0, or -1 (errno, or the
 * sink's error). */
int mime_part_scan(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, size_t max,
    mime_sink_fn *sink, void *ctx, size_t *len, bool *truncated);

struct mime_decoder {
	enum mime_cte cte;
	/* base64: the quantum so far; ended: padding or bad input seen,
	 * the rest of the part is ignored (as Dovecot does) */
	unsigned char quad[4];
	size_t nquad;
	bool ended;
	/* quoted-printable: where an escape or a soft line break stands,
	 * and the blanks held until it is known whether the line ends
	 * (trailing blanks are dropped, RFC 2045 section 6.7 rule 3) */
	int qstate;
	char hex1;
	size_t nblanks;
	char blanks[256];
	/* output gathered before it goes to the sink */
	size_t nout;
	char out[4096];
};

void mime_decoder_init(struct mime_decoder *d, enum mime_cte cte);
/* Decode len bytes (any split of the input gives the same output). */
int mime_decoder_feed(struct mime_decoder *d, const char *in, size_t len,
    mime_sink_fn *sink, void *ctx);
/* The end of the input: what is pending goes out. */
int mime_decoder_finish(struct mime_decoder *d, mime_sink_fn *sink,
    void *ctx);

/* Charset conversion to UTF-8 (glibc's iconv), streamed. */
struct mime_charset;
/* NULL when memory runs out; an unknown charset converts as UTF-8
 * (invalid sequences become U+FFFD), as Dovecot falls back. */
struct mime_charset *mime_charset_new(const char *charset);
int mime_charset_feed(struct mime_charset *cs, const char *in, size_t len,
    mime_sink_fn *sink, void *ctx);
int mime_charset_finish(struct mime_charset *cs, mime_sink_fn *sink,
    void *ctx);
void mime_charset_free(struct mime_charset *cs);

#endif

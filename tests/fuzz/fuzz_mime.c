/* libFuzzer target: the MIME walk and body decoding (sieve_mime.h).
 * The input is a message: every part the walker reports must lie inside
 * the file, in order (index, parent before child, depth under the cap,
 * body after header), and its content, decoded, converted and stripped
 * of markup as body :text does, must be valid UTF-8 within the cap.  The
 * streamed decoders and the charset converter must give the same output
 * for the input fed in one piece and in pieces of the size the first
 * byte picks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "growbuf.h"
#include "sieve_mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 65536

static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t want = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 :
		    s[i] >= 0xe0 ? 3 : s[i] >= 0xc2 ? 2 : 0;

		if (want == 0 || i + want > n)
			return false;
		for (size_t k = 1; k < want; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += want;
	}
	return true;
}

static void check_part(const struct mime_source *src,
    const struct mime_part *p, size_t expect_index)
{
	char *s;
	size_t len;
	bool cut;

	if (p->index != expect_index || p->depth >= MIME_DEPTH_MAX ||
	    (p->index == 0) != (p->parent == MIME_NO_PARENT) ||
	    (p->parent != MIME_NO_PARENT && p->parent >= p->index))
		abort();
	if (p->header_start < 0 || p->header_start > p->header_end ||
	    p->body_start > p->body_end || p->body_end > src->size ||
	    (p->kind != MIME_MESSAGE && p->body_start < p->header_end))
		abort();
	if (mime_part_content(src, p, MIME_CONTENT_DECODE | MIME_CONTENT_UTF8 |
	    MIME_CONTENT_TEXT, CAP, &s, &len, &cut) < 0)
		abort();
	if (len > CAP || s[len] != '\0')
		abort();
	/* an enclosed header is raw bytes; a cut may split a character */
	if (p->kind != MIME_MESSAGE && !cut &&
	    !valid_utf8((const unsigned char *)s, len))
		abort();
	free(s);
}

static void walk(const uint8_t *data, size_t size)
{
	int fd = memfd_create("msg", 0);
	struct mime_source src = { fd, (off_t)size };
	struct mime_walk *w;
	struct mime_part p;
	size_t n = 0;
	int rc;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	if ((w = mime_walk_new(&src)) == NULL)
		abort();
	while ((rc = mime_walk_next(w, &p)) > 0)
		check_part(&src, &p, n++);
	if (rc < 0 || n == 0 || n > MIME_PARTS_MAX * 2)
		abort();
	mime_walk_free(w);
	close(fd);
}

static int sink(void *ctx, const char *d, size_t len)
{
	growbuf_add(ctx, d, len);
	return 0;
}

static void decode_split(enum mime_cte cte, const uint8_t *d, size_t n,
    size_t step, struct growbuf *out)
{
	struct mime_decoder dec;

	mime_decoder_init(&dec, cte);
	for (size_t off = 0; off < n; off += step)
		mime_decoder_feed(&dec, (const char *)d + off,
		    n - off < step ? n - off : step, sink, out);
	mime_decoder_finish(&dec, sink, out);
}

static void convert_split(const char *charset, const uint8_t *d, size_t n,
    size_t step, struct growbuf *out)
{
	struct mime_charset *cs = mime_charset_new(charset);

	if (cs == NULL)
		abort();
	for (size_t off = 0; off < n; off += step)
		mime_charset_feed(cs, (const char *)d + off,
		    n - off < step ? n - off : step, sink, out);
	mime_charset_finish(cs, sink, out);
	mime_charset_free(cs);
}

static void same(struct growbuf *a, struct growbuf *b)
{
	if (a->len != b->len || (a->len > 0 && memcmp(a->data, b->data,
	    a->len) != 0))
		abort();
	free(a->data);
	free(b->data);
	memset(a, 0, sizeof *a);
	memset(b, 0, sizeof *b);
}

static void streams(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { "utf-8", "ISO-8859-1",
		"windows-1252", "KOI8-R", "UTF-16", "ISO-2022-JP", "GB2312",
		"Shift_JIS", "x-unknown" };
	struct growbuf a = { 0 }, b = { 0 };
	size_t step = size > 0 ? (size_t)data[0] % 7 + 1 : 1;
	const char *cs = charsets[size > 1 ? data[1] % 9 : 0];

	for (int cte = MIME_CTE_IDENTITY; cte <= MIME_CTE_UNKNOWN; cte++) {
		decode_split((enum mime_cte)cte, data, size, size ? size : 1,
		    &a);
		decode_split((enum mime_cte)cte, data, size, step, &b);
		same(&a, &b);
	}
	convert_split(cs, data, size, size ? size : 1, &a);
	convert_split(cs, data, size, step, &b);
	if (!valid_utf8((const unsigned char *)a.data, a.len))
		abort();
	same(&a, &b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size);
	streams(data, size);
	return 0;
}

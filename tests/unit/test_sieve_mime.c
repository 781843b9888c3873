/* test_sieve_mime.c: the MIME walker (part structure and byte ranges as
 * Dovecot gives them to Pigeonhole), the header value parsers, the
 * streamed decoders, the charset conversion and the HTML text, with
 * exact bytes; hostile input (no closing boundary, 1,000 nesting levels,
 * a 1 MiB header line, broken base64, NUL bytes) ends bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "growbuf.h"
#include "sieve_mime.h"
#include "sieve_mime_int.h"

/* ---- helpers ---- */

static struct mime_source source_of(const char *text, size_t len)
{
	struct mime_source src = { memfd_create("mime", MFD_CLOEXEC),
		(off_t)len };

	assert_true(src.fd >= 0);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(src.fd, text + off, len - off);

		assert_true(n > 0);
		off += (size_t)n;
	}
	return src;
}

#define MAX_PARTS 64

struct walked {
	struct mime_part p[MAX_PARTS];
	size_t n;
};

static void walk_all(const struct mime_source *src, struct walked *w)
{
	struct mime_walk *mw = mime_walk_new(src);
	int rc;

	assert_non_null(mw);
	w->n = 0;
	while ((rc = mime_walk_next(mw, &w->p[w->n < MAX_PARTS ? w->n :
	    MAX_PARTS - 1])) > 0)
		if (w->n < MAX_PARTS)
			w->n++;
	assert_int_equal(rc, 0);
	mime_walk_free(mw);
}

/* A part's content, decoded and in UTF-8 (flags), as a malloced string. */
static char *content(const struct mime_source *src,
    const struct mime_part *p, unsigned flags, size_t *len)
{
	char *s;
	size_t n;
	bool cut;

	assert_int_equal(mime_part_content(src, p, flags, 0, &s, &n, &cut), 0);
	assert_false(cut);
	if (len != NULL)
		*len = n;
	return s;
}

static void assert_content(const struct mime_source *src,
    const struct mime_part *p, const char *want)
{
	size_t n;
	char *s = content(src, p, MIME_CONTENT_DECODE | MIME_CONTENT_UTF8, &n);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
	free(s);
}

/* ---- the walk ---- */

static const char nested[] =
	"From: a@example.org\n"
	"Content-Type: multipart/mixed; boundary=outer\n"
	"\n"
	"Prologue.\n"
	"\n"
	"--outer\n"
	"Content-Type: multipart/alternative; boundary=\"inner\"\n"
	"\n"
	"Inner prologue.\n"
	"--inner\n"
	"Content-Type: text/plain; charset=\"us-ascii\"\n"
	"\n"
	"Hello\n"
	"\n"
	"--inner\n"
	"Content-Type: text/html\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"PGI+SGk8L2I+\n"
	"--inner--\n"
	"Inner epilogue.\n"
	"--outer\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"From: b@example.org\n"
	"Subject: folded\n"
	" line\n"
	"\n"
	"Enclosed body\n"
	"--outer--\n"
	"Epilogue.\n";

static void test_walk_nested_structure(void **state)
{
	struct mime_source src = source_of(nested, sizeof nested - 1);
	struct walked w;
	static const struct {
		enum mime_kind kind;
		size_t parent;
		unsigned depth;
		const char *type;
		const char *content;
	} want[] = {
		{ MIME_MULTIPART, MIME_NO_PARENT, 0, "multipart/mixed",
		  "Prologue.\n" },
		{ MIME_MULTIPART, 0, 1, "multipart/alternative",
		  "Inner prologue." },
		{ MIME_LEAF, 1, 2, "text/plain", "Hello\n" },
		{ MIME_LEAF, 1, 2, "text/html", "<b>Hi</b>" },
		{ MIME_EPILOGUE, 1, 1, "multipart/alternative",
		  "Inner epilogue." },
		{ MIME_MESSAGE, 0, 1, "message/rfc822",
		  "From: b@example.org\nSubject: folded\n line\n" },
		{ MIME_LEAF, 5, 2, "text/plain", "Enclosed body" },
		{ MIME_EPILOGUE, 0, 0, "multipart/mixed", "Epilogue.\n" },
	};

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < w.n; i++) {
		assert_int_equal(w.p[i].index, i);
		assert_int_equal(w.p[i].kind, want[i].kind);
		assert_int_equal(w.p[i].parent, want[i].parent);
		assert_int_equal(w.p[i].depth, want[i].depth);
		assert_string_equal(w.p[i].content_type, want[i].type);
		assert_true(w.p[i].have_body);
		assert_content(&src, &w.p[i], want[i].content);
	}
	assert_string_equal(w.p[2].charset, "us-ascii");
	assert_int_equal(w.p[3].cte, MIME_CTE_BASE64);
	close(src.fd);
}

static void test_walk_plain_message(void **state)
{
	static const char msg[] = "Subject: x\n\nline 1\nline 2\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.p[0].kind, MIME_LEAF);
	assert_false(w.p[0].is_mime);
	assert_string_equal(w.p[0].content_type, "text/plain");
	assert_int_equal(w.p[0].header_end, 11);
	assert_int_equal(w.p[0].body_start, 12);
	assert_content(&src, &w.p[0], "line 1\nline 2\n");
	assert_int_equal(mime_body_start(&src), 12);
	close(src.fd);
}

static void test_walk_header_only_has_no_body(void **state)
{
	static const char msg[] = "Subject: x\nFrom: y\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 1);
	assert_false(w.p[0].have_body);
	assert_int_equal(mime_body_start(&src), -1);
	close(src.fd);
}

/* Without MIME-Version or Content-Type the part is not MIME: a
 * boundary parameter elsewhere means nothing. */
static void test_walk_crlf_and_invalid_type(void **state)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"pro\r\n--b\r\nContent-Type: text/plain/x\r\n\r\nbody\r\n"
		"--b--\r\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 2);
	assert_content(&src, &w.p[0], "pro");
	assert_string_equal(w.p[1].content_type, "");   /* two slashes */
	assert_content(&src, &w.p[1], "body");
	close(src.fd);
}

static void test_walk_missing_end_boundary(void **state)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: text/plain\n\nfirst\n"
		"--b\nContent-Type: text/plain\n\nsecond, never closed\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 3);
	assert_content(&src, &w.p[0], "");
	assert_content(&src, &w.p[1], "first");
	assert_content(&src, &w.p[2], "second, never closed\n");
	close(src.fd);
}

/* An outer boundary ends the parts inside it; the longest prefix wins. */
static void test_walk_outer_boundary_closes_inner(void **state)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=a\n\n"
		"--a\nContent-Type: multipart/mixed; boundary=ab\n\n"
		"--ab\n\ninner\n"
		"--a\n\nnext\n--a--\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.p[2].parent, 1);
	assert_content(&src, &w.p[2], "inner");
	assert_int_equal(w.p[3].parent, 0);
	assert_content(&src, &w.p[3], "next");
	close(src.fd);
}

/* A part without the empty line (a boundary ends its header) has no
 * body; the header's last line break belongs to the boundary. */
static void test_walk_header_ended_by_boundary(void **state)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: text/html\n--b\n\nx\n--b--\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(w.n, 3);
	assert_false(w.p[1].have_body);
	assert_string_equal(w.p[1].content_type, "text/html");
	assert_true(w.p[2].have_body);
	assert_content(&src, &w.p[2], "x");
	close(src.fd);
}

/* 1,000 nested multiparts: the walk ends, nesting stops at the cap and
 * the deepest opened part reads its boundaries as text. */
static void test_walk_deep_nesting_bounded(void **state)
{
	struct growbuf b = { 0 };
	char line[128];
	struct mime_source src;
	struct mime_walk *mw;
	struct mime_part p;
	size_t n = 0;
	unsigned deepest = 0;
	int rc;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		/* fixed width: no boundary is a prefix of another */
		int k = snprintf(line, sizeof line, "Content-Type: multipart/"
		    "mixed; boundary=\"b%04d\"\n\n--b%04d\n", i, i);

		growbuf_add(&b, line, (size_t)k);
	}
	growbuf_add(&b, "\nleaf\n", 6);
	assert_false(b.nomem);
	src = source_of(b.data, b.len);
	mw = mime_walk_new(&src);
	assert_non_null(mw);
	while ((rc = mime_walk_next(mw, &p)) > 0) {
		n++;
		if (p.depth > deepest)
			deepest = p.depth;
	}
	assert_int_equal(rc, 0);
	assert_true(deepest < MIME_DEPTH_MAX);
	assert_int_equal(deepest, MIME_DEPTH_MAX - 1);
	assert_int_equal(n, MIME_DEPTH_MAX);
	mime_walk_free(mw);
	free(b.data);
	close(src.fd);
}

/* A 1 MiB header line before Content-Type: read past, the type still
 * found; the long header's value comes out cut to MIME_VALUE_MAX. */
static int long_value_len(void *ctx, const char *name, size_t namelen,
    const char *value, size_t valuelen)
{
	(void)value;
	if (namelen == 6 && memcmp(name, "X-Long", 6) == 0)
		*(size_t *)ctx = valuelen;
	return 0;
}

static void test_walk_megabyte_header_line(void **state)
{
	size_t big = 1024 * 1024, got = 0;
	char *msg = malloc(big + 200);
	struct mime_source src;
	struct walked w;
	int k;

	(void)state;
	assert_non_null(msg);
	memcpy(msg, "X-Long: ", 8);
	memset(msg + 8, 'x', big);
	k = snprintf(msg + 8 + big, 192, "\nContent-Type: text/html; "
	    "charset=koi8-r\n\nbody\n");
	src = source_of(msg, 8 + big + (size_t)k);
	walk_all(&src, &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.p[0].content_type, "text/html");
	assert_string_equal(w.p[0].charset, "koi8-r");
	assert_content(&src, &w.p[0], "body\n");
	assert_int_equal(mime_headers_each(&src, w.p[0].header_start,
	    w.p[0].header_end, long_value_len, &got), 0);
	/* the kept bytes less the blank after the colon */
	assert_int_equal(got, MIME_VALUE_MAX - 1);
	free(msg);
	close(src.fd);
}

static void test_content_keeps_nul_bytes(void **state)
{
	static const char msg[] = "Subject: x\n\na\0b\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;
	size_t n;
	char *s;

	(void)state;
	walk_all(&src, &w);
	s = content(&src, &w.p[0], MIME_CONTENT_DECODE | MIME_CONTENT_UTF8,
	    &n);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "a\0b\n", 4);
	free(s);
	close(src.fd);
}

static void test_content_cap_cuts(void **state)
{
	static const char msg[] = "Subject: x\n\n0123456789";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct walked w;
	char *s;
	size_t n;
	bool cut;

	(void)state;
	walk_all(&src, &w);
	assert_int_equal(mime_part_content(&src, &w.p[0], 0, 4, &s, &n, &cut),
	    0);
	assert_true(cut);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "0123", 4);
	free(s);
	close(src.fd);
}

static int collect_headers(void *ctx, const char *name, size_t namelen,
    const char *value, size_t valuelen)
{
	growbuf_add(ctx, name, namelen);
	growbuf_add(ctx, "=", 1);
	growbuf_add(ctx, value, valuelen);
	growbuf_add(ctx, "|", 1);
	return 0;
}

static void test_headers_each_unfolds(void **state)
{
	static const char msg[] = "A: one\nB:  two\n\tthree  \nnot a field\n"
		"C:\n\nbody: no\n";
	struct mime_source src = source_of(msg, sizeof msg - 1);
	struct growbuf b = { 0 };

	(void)state;
	assert_int_equal(mime_headers_each(&src, 0, src.size,
	    collect_headers, &b), 0);
	growbuf_add(&b, "", 1);
	assert_string_equal(b.data, "A=one|B=two\tthree|C=|");
	free(b.data);
	close(src.fd);
}

/* ---- header values ---- */

static void test_content_type_parse(void **state)
{
	char out[MIME_TYPE_MAX];

	(void)state;
	assert_int_equal(mime_content_type_parse(" Text/HTML ; charset=x",
	    22, out, sizeof out), 0);
	assert_string_equal(out, "Text/HTML");
	assert_int_equal(mime_content_type_parse("text/plain/x", 12, out,
	    sizeof out), -1);
	assert_int_equal(mime_content_type_parse("text", 4, out, sizeof out),
	    -1);
	assert_int_equal(mime_content_type_parse("/plain", 6, out,
	    sizeof out), -1);
	assert_int_equal(mime_content_type_parse("text/ (c) plain", 15, out,
	    sizeof out), 0);
	assert_string_equal(out, "text/plain");
}

static void test_param_get(void **state)
{
	static const char v[] = "multipart/mixed; charset=\"utf\\\"8\"; "
		"BOUNDARY=abc; name*0=\"long\"; name*1=\"er\"; "
		"title*=us-ascii'en'a%20b";
	char out[64];

	(void)state;
	assert_int_equal(mime_param_get(v, strlen(v), "boundary", out,
	    sizeof out), 1);
	assert_string_equal(out, "abc");
	assert_int_equal(mime_param_get(v, strlen(v), "charset", out,
	    sizeof out), 1);
	assert_string_equal(out, "utf\"8");
	assert_int_equal(mime_param_get(v, strlen(v), "name", out,
	    sizeof out), 1);
	assert_string_equal(out, "longer");
	assert_int_equal(mime_param_get(v, strlen(v), "title", out,
	    sizeof out), 1);
	assert_string_equal(out, "a b");
	assert_int_equal(mime_param_get(v, strlen(v), "missing", out,
	    sizeof out), 0);
}

static void test_cte_and_disposition(void **state)
{
	char out[MIME_TOKEN_MAX];

	(void)state;
	assert_int_equal(mime_cte_parse(" Base64 ", 8), MIME_CTE_BASE64);
	assert_int_equal(mime_cte_parse("quoted-printable", 16), MIME_CTE_QP);
	assert_int_equal(mime_cte_parse("8bit", 4), MIME_CTE_IDENTITY);
	assert_int_equal(mime_cte_parse("base64 binary", 13),
	    MIME_CTE_UNKNOWN);
	assert_int_equal(mime_cte_parse("multipart/related", 17),
	    MIME_CTE_UNKNOWN);
	mime_disposition_parse("attachment; filename=x", 22, out, sizeof out);
	assert_string_equal(out, "attachment");
}

/* ---- decoders ---- */

static int sink_growbuf(void *ctx, const char *data, size_t len)
{
	growbuf_add(ctx, data, len);
	return 0;
}

/* Decode in in pieces of every size from 1 to len: each gives want. */
static void assert_decodes(enum mime_cte cte, const char *in,
    const char *want, size_t wantlen)
{
	size_t len = strlen(in);

	for (size_t step = 1; step <= len; step++) {
		struct mime_decoder d;
		struct growbuf b = { 0 };

		mime_decoder_init(&d, cte);
		for (size_t off = 0; off < len; off += step)
			assert_int_equal(mime_decoder_feed(&d, in + off,
			    len - off < step ? len - off : step, sink_growbuf,
			    &b), 0);
		assert_int_equal(mime_decoder_finish(&d, sink_growbuf, &b), 0);
		assert_int_equal(b.len, wantlen);
		if (wantlen > 0)
			assert_memory_equal(b.data, want, wantlen);
		free(b.data);
	}
}

static void test_base64(void **state)
{
	(void)state;
	assert_decodes(MIME_CTE_BASE64, "SGVsbG8s\r\nIHdv cmxk\n", "Hello, world",
	    12);
	assert_decodes(MIME_CTE_BASE64, "AAEC/w==", "\0\1\2\377", 4);
	assert_decodes(MIME_CTE_BASE64, "YWJj", "abc", 3);
}

static void test_base64_broken_keeps_what_came_before(void **state)
{
	(void)state;
	/* a character outside the alphabet ends the data */
	assert_decodes(MIME_CTE_BASE64, "YWJj!ZGVm", "abc", 3);
	assert_decodes(MIME_CTE_BASE64, "YWJjZA", "abcd", 4);
	assert_decodes(MIME_CTE_BASE64, "YWJj=ZGVm", "abc", 3);
}

static void test_quoted_printable(void **state)
{
	(void)state;
	assert_decodes(MIME_CTE_QP, "Gr=FC=DFe=\nK=f6ln  \nend=\r\n.",
	    "Gr\xfc\xdf" "eK\xf6ln\nend.", 14);
	assert_decodes(MIME_CTE_QP, "a=ZZ=3 =\t \nb", "a=ZZ=3 b", 8);
	assert_decodes(MIME_CTE_QP, "x \t\r\ny", "x\r\ny", 4);
	assert_decodes(MIME_CTE_QP, "tail  ", "tail  ", 6);
}

static void test_unknown_encoding_gives_nothing(void **state)
{
	(void)state;
	assert_decodes(MIME_CTE_UNKNOWN, "anything", "", 0);
}

/* ---- charsets ---- */

/* Convert in (len bytes) from charset, fed in pieces of every size. */
static void assert_converts(const char *charset, const char *in, size_t len,
    const char *want)
{
	for (size_t step = 1; step <= len; step++) {
		struct mime_charset *cs = mime_charset_new(charset);
		struct growbuf b = { 0 };

		assert_non_null(cs);
		for (size_t off = 0; off < len; off += step)
			assert_int_equal(mime_charset_feed(cs, in + off,
			    len - off < step ? len - off : step, sink_growbuf,
			    &b), 0);
		assert_int_equal(mime_charset_finish(cs, sink_growbuf, &b), 0);
		growbuf_add(&b, "", 1);
		assert_string_equal(b.data, want);
		free(b.data);
		mime_charset_free(cs);
	}
}

#define CONV(cs, in, want) assert_converts(cs, in, sizeof in - 1, want)

static void test_charsets_real_mail_uses(void **state)
{
	(void)state;
	CONV("ISO-8859-1", "Gr\xfc\xdf" "e", "Gr\xc3\xbc\xc3\x9f" "e");
	CONV("iso-8859-15", "\xa4 5", "\xe2\x82\xac 5");
	CONV("windows-1252", "\x93" "a\x94 \x80",
	    "\xe2\x80\x9c" "a\xe2\x80\x9d \xe2\x82\xac");
	CONV("KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
	CONV("UTF-16", "\xff\xfe" "A\0\xe4\0", "A\xc3\xa4");
	CONV("utf-16be", "\0A\x26\x3a", "A\xe2\x98\xba");
	CONV("ISO-2022-JP", "\x1b$B\x46\x7c\x4b\x5c\x1b(B!",
	    "\xe6\x97\xa5\xe6\x9c\xac!");
	CONV("GB2312", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87");
	CONV("Shift_JIS", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac");
}

static void test_charset_invalid_input_becomes_replacement(void **state)
{
	(void)state;
	/* UTF-8 (and us-ascii, and unknown charsets) checked, bad bytes
	 * replaced one by one, good sequences split anywhere kept */
	CONV("utf-8", "a\xc3\xa4\xff" "b\xe2\x82", "a\xc3\xa4\xef\xbf\xbd"
	    "b\xef\xbf\xbd\xef\xbf\xbd");
	CONV("us-ascii", "\xc3\xa4", "\xc3\xa4");
	CONV("x-no-such-charset", "ok\x80", "ok\xef\xbf\xbd");
	CONV("", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* a byte KOI8-R cannot have does not exist; Shift_JIS can: a lead
	 * byte without its trail at the end */
	CONV("Shift_JIS", "a\x93", "a\xef\xbf\xbd");
}

/* ---- HTML ---- */

static void assert_html(const char *in, const char *want)
{
	struct growbuf b = { 0 };

	mime_html_to_text(in, strlen(in), &b);
	growbuf_add(&b, "", 1);
	assert_string_equal(b.data, want);
	free(b.data);
}

static void test_html_to_text(void **state)
{
	(void)state;
	assert_html("<html><body>This is HTML</body></html>", "This is HTML ");
	assert_html("a<!-- x -- y -->b", "ab");
	assert_html("<script type=\"x\">var a='<b>';</script>t", "t");
	assert_html("a<STYLE>p{}</style>u", "a u");
	assert_html("&lt;&amp;&#65;&#x42;&nbsp;&bogus;&x", "<&AB\xc2\xa0");
	assert_html("1 & 2", "1  2");
	assert_html("<p title='a>b'>q</p>", "q ");
	assert_html("<![CDATA[<raw>]]>z", "<raw>z");
	assert_html("unfinished <ta", "unfinished ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_nested_structure),
		cmocka_unit_test(test_walk_plain_message),
		cmocka_unit_test(test_walk_header_only_has_no_body),
		cmocka_unit_test(test_walk_crlf_and_invalid_type),
		cmocka_unit_test(test_walk_missing_end_boundary),
		cmocka_unit_test(test_walk_outer_boundary_closes_inner),
		cmocka_unit_test(test_walk_header_ended_by_boundary),
		cmocka_unit_test(test_walk_deep_nesting_bounded),
		cmocka_unit_test(test_walk_megabyte_header_line),
		cmocka_unit_test(test_content_keeps_nul_bytes),
		cmocka_unit_test(test_content_cap_cuts),
		cmocka_unit_test(test_headers_each_unfolds),
		cmocka_unit_test(test_content_type_parse),
		cmocka_unit_test(test_param_get),
		cmocka_unit_test(test_cte_and_disposition),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_base64_broken_keeps_what_came_before),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_unknown_encoding_gives_nothing),
		cmocka_unit_test(test_charsets_real_mail_uses),
		cmocka_unit_test(test_charset_invalid_input_becomes_replacement),
		cmocka_unit_test(test_html_to_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

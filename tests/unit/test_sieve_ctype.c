/* test_sieve_ctype.c: Content-Type and Content-Disposition values as the
 * mime extension's options read them (src/sieve/sieve_ctype.c), with
 * Pigeonhole 0.5.19's outcomes (checked with sieve-test where noted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_ctype.h"

#include <cmocka.h>

/* The values of one option, joined with '|' into a fixed buffer. */
struct joined {
	char text[2048];
	size_t n;
};

static int join_sink(void *ctx, const char *s, size_t len)
{
	struct joined *j = ctx;
	size_t used = strlen(j->text);

	assert_true(used + len + 2 < sizeof j->text);
	if (j->n++ > 0)
		j->text[used++] = '|';
	memcpy(j->text + used, s, len);
	j->text[used + len] = '\0';
	return 0;
}

static const char *opt(const char *hdr, const char *value,
    enum sieve_mime_option o, const char *const *params, size_t nparams,
    size_t *count)
{
	static struct joined j;

	memset(&j, 0, sizeof j);
	assert_int_equal(sieve_ctype_option_values(hdr, value, strlen(value),
	    o, params, nparams, join_sink, &j), 0);
	if (count != NULL)
		*count = j.n;
	return j.text;
}

static void test_type_subtype(void **state)
{
	const char *v = "text/calendar; method=request; charset=UTF-8;";

	(void)state;
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_TYPE, NULL,
	    0, NULL), "text");
	assert_string_equal(opt("content-type", v, SIEVE_MIME_OPT_SUBTYPE,
	    NULL, 0, NULL), "calendar");
	assert_string_equal(opt("CONTENT-TYPE", v,
	    SIEVE_MIME_OPT_CONTENTTYPE, NULL, 0, NULL), "text/calendar");
	/* blanks and comments around the slash, case kept */
	assert_string_equal(opt("Content-Type", " Text / HTML (x) ; a=b",
	    SIEVE_MIME_OPT_CONTENTTYPE, NULL, 0, NULL), "Text/HTML");
	assert_string_equal(opt("Content-Type", "text/plain", 
	    SIEVE_MIME_OPT_NONE, NULL, 0, NULL), "text/plain");
}

static void test_invalid_gives_empty(void **state)
{
	const char *bad[] = { "text", "text/", "/plain", "text/plain junk",
	    "text/plain (unterminated", "", "text/pl\"ain" };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n;

		assert_string_equal(opt("Content-Type", bad[i],
		    SIEVE_MIME_OPT_CONTENTTYPE, NULL, 0, &n), "");
		assert_int_equal(n, 1);
	}
	/* a header that is not a MIME one: "" for every option */
	assert_string_equal(opt("Subject", "text/plain", SIEVE_MIME_OPT_TYPE,
	    NULL, 0, NULL), "");
}

static void test_disposition(void **state)
{
	const char *v = "inline; filename=\"frop.exe\"; title=\"Frop!\"";
	const char *both[] = { "filename", "title" };
	size_t n;

	(void)state;
	assert_string_equal(opt("Content-Disposition", v,
	    SIEVE_MIME_OPT_TYPE, NULL, 0, NULL), "inline");
	assert_string_equal(opt("Content-Disposition", v,
	    SIEVE_MIME_OPT_SUBTYPE, NULL, 0, NULL), "");
	assert_string_equal(opt("Content-Disposition", v,
	    SIEVE_MIME_OPT_CONTENTTYPE, NULL, 0, NULL), "inline");
	assert_string_equal(opt("Content-Disposition", v,
	    SIEVE_MIME_OPT_PARAM, both, 2, &n), "frop.exe|Frop!");
	assert_int_equal(n, 2);
}

static void test_params_in_header_order(void **state)
{
	const char *v = "text/calendar; METHOD=request; charset=\"UTF-8\"";
	const char *both[] = { "charset", "method" };
	const char *none[] = { "format" };
	size_t n;

	(void)state;
	/* the header's order, not the order asked; names without case */
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, both,
	    2, &n), "request|UTF-8");
	assert_int_equal(n, 2);
	/* no such parameter: one "" value */
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, none,
	    1, &n), "");
	assert_int_equal(n, 1);
}

static void test_rfc2231_continuations(void **state)
{
	const char *v = "application/x-stuff;\n"
	    "\ttitle*0*=us-ascii'en'This%20is%20even%20more%20;\n"
	    "\ttitle*1*=%2A%2A%2Afun%2A%2A%2A%20;\n"
	    "\ttitle*2=\"isn't it!\"";
	const char *title[] = { "title" };
	struct sieve_ctype ct;

	(void)state;
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, title,
	    1, NULL), "This is even more ***fun*** isn't it!");
	/* the joined parameter as Dovecot's parser hands it over */
	assert_int_equal(sieve_ctype_parse(v, strlen(v), true, &ct), 0);
	assert_int_equal(ct.nparams, 1);
	assert_string_equal(ct.params[0].name, "title*");
	assert_string_equal(ct.params[0].value, "us-ascii'en'This%20is%20even"
	    "%20more%20%2A%2A%2Afun%2A%2A%2A%20isn't it!");
	sieve_ctype_free(&ct);
}

static void test_rfc2231_corners(void **state)
{
	const char *name[] = { "name" };
	const char *plain_after[] = { "a", "name" };
	struct sieve_ctype ct;
	const char *v;

	(void)state;
	/* pieces out of order are sorted; a plain first piece among
	 * extended ones gets an empty charset'language' and its % kept */
	v = "text/plain; name*1*=%41; name*0=\"5%\"";
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, name,
	    1, NULL), "5%A");
	/* a gap in the pieces: kept apart, none is "name" */
	v = "text/plain; name*0=a; name*2=c";
	assert_int_equal(sieve_ctype_parse(v, strlen(v), true, &ct), 0);
	assert_int_equal(ct.nparams, 2);
	assert_string_equal(ct.params[0].name, "name*0");
	assert_string_equal(ct.params[1].name, "name*2");
	sieve_ctype_free(&ct);
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, name,
	    1, NULL), "");
	/* plain parameters come before the joined ones */
	v = "text/plain; name*=utf-8''x%20y; a=1";
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM,
	    plain_after, 2, NULL), "1|x y");
	/* a bad %-escape ends the list */
	v = "text/plain; name*=utf-8''x%2; name=z";
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, name,
	    1, NULL), "z");
}

static void test_broken_params_skipped(void **state)
{
	const char *want[] = { "a", "b", "c" };
	size_t n;

	(void)state;
	/* a parameter without '=' is passed over with what follows it up
	 * to the next ';' (as Dovecot's parser: b is lost too) */
	assert_string_equal(opt("Content-Type", "text/plain; junk; b=2; "
	    "a=1; c=\"unterminated", SIEVE_MIME_OPT_PARAM, want, 3, &n), "1");
	assert_int_equal(n, 1);
	/* empty value at the end */
	assert_string_equal(opt("Content-Type", "text/plain; a=",
	    SIEVE_MIME_OPT_PARAM, want, 3, &n), "");
	assert_int_equal(n, 1);
	/* quoted-pair */
	assert_string_equal(opt("Content-Type", "text/plain; a=\"x\\\"y\"",
	    SIEVE_MIME_OPT_PARAM, want, 3, NULL), "x\"y");
}

static void test_decode_extended(void **state)
{
	char *d;
	size_t n;

	(void)state;
	assert_int_equal(sieve_ctype_decode_extended("utf-8'de'%00z", &d, &n),
	    0);
	assert_int_equal(n, 2);
	assert_memory_equal(d, "\0z", 2);
	free(d);
	assert_int_equal(sieve_ctype_decode_extended("no quotes", &d, &n), 1);
	assert_int_equal(sieve_ctype_decode_extended("a''%zz", &d, &n), 1);
	assert_null(d);
}

/* Many parameters and deeply nested comments stay bounded. */
static void test_hostile(void **state)
{
	size_t len = 200000;
	char *v = malloc(len + 1);
	const char *x[] = { "x" };
	size_t n;

	(void)state;
	assert_non_null(v);
	memcpy(v, "text/plain", 10);
	for (size_t i = 10; i + 4 <= len; i += 4)
		memcpy(v + i, ";x=1", 4);
	v[len] = '\0';
	(void)opt("Content-Type", v, SIEVE_MIME_OPT_PARAM, x, 1, &n);
	assert_int_equal(n, SIEVE_CTYPE_PARAMS_MAX);
	memset(v, '(', len);
	memcpy(v, "text/plain ", 11);
	assert_string_equal(opt("Content-Type", v, SIEVE_MIME_OPT_TYPE, NULL,
	    0, NULL), "");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_subtype),
		cmocka_unit_test(test_invalid_gives_empty),
		cmocka_unit_test(test_disposition),
		cmocka_unit_test(test_params_in_header_order),
		cmocka_unit_test(test_rfc2231_continuations),
		cmocka_unit_test(test_rfc2231_corners),
		cmocka_unit_test(test_broken_params_skipped),
		cmocka_unit_test(test_decode_extended),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

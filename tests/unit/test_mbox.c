/* test_mbox.c: the streaming mbox splitter (src/mbox.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbox.h"

/* Split text; the messages joined with "|" after each one, in out. */
static int split(const char *text, size_t len, char *out, size_t outlen)
{
	FILE *in = tmpfile(), *msg = tmpfile();
	struct mbox *mb;
	int n = 0, rc;

	assert_non_null(in);
	assert_non_null(msg);
	assert_int_equal(fwrite(text, 1, len, in), len);
	fflush(in);
	rewind(in);
	mb = mbox_open(fileno(in));
	assert_non_null(mb);
	out[0] = '\0';
	while ((rc = mbox_next(mb, fileno(msg))) == 1) {
		char buf[4096];
		size_t got;

		rewind(msg);
		got = fread(buf, 1, sizeof buf - 1, msg);
		buf[got] = '\0';
		strlcat(out, buf, outlen);
		strlcat(out, "|", outlen);
		assert_int_equal(ftruncate(fileno(msg), 0), 0);
		assert_int_equal(lseek(fileno(msg), 0, SEEK_SET), 0);
		rewind(msg);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(mbox_count(mb), (unsigned long)n);
	assert_int_equal(mbox_next(mb, fileno(msg)), 0);  /* stays at the end */
	mbox_free(mb);
	fclose(in);
	fclose(msg);
	return n;
}

#define SPLIT(text) split(text, sizeof text - 1, got, sizeof got)

static void test_looks_like(void **state)
{
	(void)state;
	assert_true(mbox_looks_like("From a@b Mon", 12));
	assert_false(mbox_looks_like("From:", 5));
	assert_false(mbox_looks_like("From", 4));
	assert_false(mbox_looks_like(">From a", 7));
	assert_false(mbox_looks_like("", 0));
}

static void test_two_messages(void **state)
{
	char got[4096];

	(void)state;
	assert_int_equal(SPLIT("From a@x Mon Nov 23 09:00:00 2026\nSubject: 1\n\n"
	    "one\n\nFrom b@x Mon Nov 23 09:00:01 2026\nSubject: 2\n\ntwo\n\n"), 2);
	assert_string_equal(got,
	    "From a@x Mon Nov 23 09:00:00 2026\nSubject: 1\n\none\n|"
	    "From b@x Mon Nov 23 09:00:01 2026\nSubject: 2\n\ntwo\n|");
}

static void test_mboxrd_unquoting(void **state)
{
	char got[4096];

	(void)state;
	assert_int_equal(SPLIT("From a@x d\n>From: not a header\n\n>From here\n"
	    ">>From there\n>>>From far\n> From not quoted\n>Fromage\nFrom? no\n"), 1);
	assert_string_equal(got, "From a@x d\n>From: not a header\n\nFrom here\n"
	    ">From there\n>>From far\n> From not quoted\n>Fromage\nFrom? no\n|");
}

static void test_from_needs_blank_line(void **state)
{
	char got[4096];

	(void)state;
	/* an unquoted From inside a paragraph does not split */
	assert_int_equal(SPLIT("From a@x d\n\nline\nFrom me to you\n"), 1);
	assert_string_equal(got, "From a@x d\n\nline\nFrom me to you\n|");
}

static void test_blank_lines_kept(void **state)
{
	char got[4096];

	(void)state;
	/* a message ending in an empty line keeps it; one separator goes */
	assert_int_equal(SPLIT("From a d\n\nbody\n\n\nFrom b d\n\nx\n\n\n"), 2);
	assert_string_equal(got, "From a d\n\nbody\n\n|From b d\n\nx\n\n|");
}

static void test_no_final_newline(void **state)
{
	char got[4096];

	(void)state;
	assert_int_equal(SPLIT("From a d\n\nfirst\n\nFrom b d\n\nlast line"), 2);
	assert_string_equal(got, "From a d\n\nfirst\n|From b d\n\nlast line|");
}

static void test_crlf(void **state)
{
	char got[4096];

	(void)state;
	assert_int_equal(SPLIT("From a d\r\nS: 1\r\n\r\n>From x\r\n\r\n"
	    "From b d\r\n\r\ny\r\n"), 2);
	assert_string_equal(got, "From a d\r\nS: 1\r\n\r\nFrom x\r\n|"
	    "From b d\r\n\r\ny\r\n|");
}

static void test_empty_and_binary(void **state)
{
	char got[4096];
	static const char junk[] = "From a d\n\n\0\x01\xff\n>From \0x\n";

	(void)state;
	assert_int_equal(SPLIT(""), 0);
	assert_string_equal(got, "");
	assert_int_equal(split(junk, sizeof junk - 1, got, sizeof got), 1);
	/* NUL stops the string compare: check the length via a second read */
	assert_memory_equal(got, "From a d\n\n", 10);
}

/* A line longer than the buffer, then a quoted From after it: pieces of
 * a long line never count as line starts. */
static void test_long_line(void **state)
{
	size_t big = 3 * MBOX_CHUNK;
	char *text = malloc(big + 64);
	FILE *in = tmpfile(), *msg = tmpfile();
	struct mbox *mb;
	size_t len;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, 64, "From a d\n\n");
	memset(text + len, 'x', big);
	/* after a line longer than the buffer: an empty line, then From */
	memcpy(text + len + MBOX_CHUNK, "\n\nFrom ", 7);
	len += big;
	memcpy(text + len, "\n>From q\n", 9);
	len += 9;
	fwrite(text, 1, len, in);
	fflush(in);
	rewind(in);
	mb = mbox_open(fileno(in));
	assert_int_equal(mbox_next(mb, fileno(msg)), 1);
	assert_int_equal(mbox_next(mb, fileno(msg)), 1);
	assert_int_equal(mbox_next(mb, fileno(msg)), 0);
	/* both messages together: everything but the separator and one '>' */
	assert_int_equal(ftell(msg), (long)(len - 1 - 1));
	mbox_free(mb);
	fclose(in);
	fclose(msg);
	free(text);
}

static void test_count_only(void **state)
{
	static const char text[] = "From a d\n\n1\n\nFrom b d\n\n2\n\nFrom c d\n\n3\n";
	FILE *in = tmpfile();
	struct mbox *mb;

	(void)state;
	fwrite(text, 1, sizeof text - 1, in);
	fflush(in);
	rewind(in);
	mb = mbox_open(fileno(in));
	while (mbox_next(mb, -1) == 1)
		;
	assert_int_equal(mbox_count(mb), 3);
	mbox_free(mb);
	fclose(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_looks_like),
		cmocka_unit_test(test_two_messages),
		cmocka_unit_test(test_mboxrd_unquoting),
		cmocka_unit_test(test_from_needs_blank_line),
		cmocka_unit_test(test_blank_lines_kept),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_empty_and_binary),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_count_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

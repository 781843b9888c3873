/* test_log.c: log_escape (src/log.c), whose fast path for plain ASCII must
 * give exactly what strnvisx gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include <cmocka.h>

#include "log.h"

/* What log_escape promises: strnvisx with its flags, cut to the buffer. */
static void reference(const char *text, char *out, size_t outlen)
{
	size_t n = strnlen(text, outlen);
	char wide[4 * 64 + 1];

	assert_true(n <= 64);
	strnvisx(wide, sizeof wide, text, n, VIS_OCTAL | VIS_TAB | VIS_NL |
	    VIS_CSTYLE);
	strlcpy(out, wide, outlen);
}

static void check(const char *text, size_t outlen)
{
	char got[64], want[64];

	memset(got, 'x', sizeof got);
	assert_ptr_equal(log_escape(text, got, outlen), got);
	reference(text, want, outlen);
	assert_string_equal(got, want);
}

/* every byte alone, between letters, and at the end */
static void every_byte_as_strnvisx(void **state)
{
	(void)state;
	for (int c = 1; c < 256; c++) {
		char text[8];

		snprintf(text, sizeof text, "a%cb", c);
		check(text, 64);
		snprintf(text, sizeof text, "%c", c);
		check(text, 64);
	}
}

static void plain_text_is_copied(void **state)
{
	char got[64];

	(void)state;
	assert_string_equal(log_escape("<a.b+c@example.org> x=1 \"q\" %s",
	    got, sizeof got), "<a.b+c@example.org> x=1 \"q\" %s");
	assert_string_equal(log_escape(NULL, got, sizeof got), "");
	assert_string_equal(log_escape("back\\slash", got, sizeof got),
	    "back\\\\slash");
}

/* cut to the buffer, plain or escaped */
static void cut_to_the_buffer(void **state)
{
	(void)state;
	check("abcdefghij", 5);
	check("ab\ncdefgh", 5);
	check("abcdefghij", 1);
	check("\x80\x81\x82", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_as_strnvisx),
		cmocka_unit_test(plain_text_is_copied),
		cmocka_unit_test(cut_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sieve_flaglist.c: IMAP flag lists as imap4flags keeps them
 * (src/sieve/sieve_flaglist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_flaglist.h"

#include <cmocka.h>

static void add(struct sieve_flaglist *l, const char *s, int want)
{
	assert_int_equal(sieve_flaglist_add(l, s, strlen(s)), want);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(sieve_flag_valid("\\SEEN", 5));
	assert_true(sieve_flag_valid("\\draft", 6));
	assert_true(sieve_flag_valid("$Junk", 5));
	assert_false(sieve_flag_valid("\\Recent", 7));
	assert_false(sieve_flag_valid("\\", 1));
	assert_false(sieve_flag_valid("", 0));
	assert_false(sieve_flag_valid("a{b", 3));
	assert_false(sieve_flag_valid("caf\xc3\xa9", 5));
}

static void test_add_once_without_case(void **state)
{
	struct sieve_flaglist l = { .len = 0 };

	(void)state;
	add(&l, "  \\Seen  $Junk \\seen $JUNK bad( \\Recent ", 0);
	assert_string_equal(l.text, "\\Seen $Junk");
	assert_int_equal(l.len, strlen(l.text));
	add(&l, "Work", 0);
	assert_string_equal(l.text, "\\Seen $Junk Work");
}

static void test_remove(void **state)
{
	struct sieve_flaglist l = { .len = 0 };

	(void)state;
	add(&l, "\\Seen A b C", 0);
	sieve_flaglist_remove(&l, "a \\SEEN absent c", 16);
	assert_string_equal(l.text, "b");
	sieve_flaglist_remove(&l, "B", 1);
	assert_string_equal(l.text, "");
	assert_int_equal(l.len, 0);
}

static void test_cap(void **state)
{
	struct sieve_flaglist l = { .len = 0 };
	char word[16];
	int rc = 0;

	(void)state;
	for (int i = 0; i < 2000 && rc == 0; i++) {
		snprintf(word, sizeof word, "k%d", i);
		rc = sieve_flaglist_add(&l, word, strlen(word));
	}
	assert_int_equal(rc, -1);
	assert_true(l.len <= SIEVE_FLAGLIST_MAX);
	assert_int_equal(strlen(l.text), l.len);
}

static void test_split(void **state)
{
	struct sieve_flaglist l = { .len = 0 };
	char *letters, *keywords;

	(void)state;
	add(&l, "\\Flagged $Junk \\Seen NonJunk", 0);
	assert_int_equal(sieve_flaglist_split(&l, &letters, &keywords), 0);
	assert_string_equal(letters, "FS");
	assert_string_equal(keywords, "$Junk NonJunk");
	free(letters);
	free(keywords);
	l.len = 0;
	l.text[0] = '\0';
	assert_int_equal(sieve_flaglist_split(&l, &letters, &keywords), 0);
	assert_null(letters);
	assert_null(keywords);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_add_once_without_case),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_progress.c: the progress bar's text (src/progress.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "progress.h"

static void test_half_done(void **state)
{
	char buf[160];

	(void)state;
	progress_format(buf, sizeof buf, 50, 100, 4.0);
	assert_string_equal(buf,
	    "[############            ] 50/100 12.5/s ETA 0:04");
}

static void test_done_and_eta_minutes(void **state)
{
	char buf[160];

	(void)state;
	progress_format(buf, sizeof buf, 10, 10000, 10.0);
	assert_string_equal(buf,
	    "[                        ] 10/10000 1.0/s ETA 166:30");
	progress_format(buf, sizeof buf, 3, 3, 0.5);
	assert_string_equal(buf, "[########################] 3/3 6.0/s ETA 0:00");
}

static void test_nothing_yet_or_no_total(void **state)
{
	char buf[160];

	(void)state;
	progress_format(buf, sizeof buf, 0, 5, 0.0);
	assert_string_equal(buf, "[                        ] 0/5");
	progress_format(buf, sizeof buf, 7, 0, 2.0);
	assert_string_equal(buf, "7 3.5/s");
	progress_format(buf, sizeof buf, 9, 5, 1.0);   /* more than planned */
	assert_string_equal(buf, "[########################] 9/5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_half_done),
		cmocka_unit_test(test_done_and_eta_minutes),
		cmocka_unit_test(test_nothing_yet_or_no_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

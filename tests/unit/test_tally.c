/* test_tally.c: a --redeliver run's lines, counters and Message-ID set
 * (src/tally.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tally.h"

static void test_lines_kept_then_counted(void **state)
{
	struct lines l = { 0 };

	(void)state;
	for (int i = 0; i < LINES_SHOWN + 7; i++)
		lines_note(&l, "failed %d: %s", i, "why");
	assert_int_equal(l.n, LINES_SHOWN);
	assert_int_equal(l.more, 7);
	assert_string_equal(l.v[0], "failed 0: why");
	assert_string_equal(l.v[LINES_SHOWN - 1], "failed 49: why");
	lines_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void test_lines_add_null_is_refused(void **state)
{
	struct lines l = { 0 };

	(void)state;
	assert_int_equal(lines_add(&l, NULL), -1);
	assert_int_equal(lines_add(&l, strdup("kept")), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "kept");
	lines_free(&l);
}

static void test_counters_per_name_sorted(void **state)
{
	static const char *const names[] = { "Lists", "INBOX", "Lists",
	    "Archive", "Lists", "INBOX" };
	struct counters c = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		counter_add(&c, names[i]);
	counters_sort(&c);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[0].name, "Archive");
	assert_int_equal(c.v[0].n, 1);
	assert_string_equal(c.v[1].name, "INBOX");
	assert_int_equal(c.v[1].n, 2);
	assert_string_equal(c.v[2].name, "Lists");
	assert_int_equal(c.v[2].n, 3);
	counters_free(&c);
}

/* Past several growths (the set starts at 1,024 slots, grows at half
 * full): every ID added is found, none other is, and a repeat is one. */
static void test_idset_grows_and_finds(void **state)
{
	struct idset set = { 0 };
	char id[64];

	(void)state;
	assert_false(idset_has(&set, "none@example.org"));
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "m%d@example.org", i);
		idset_add(&set, id);
	}
	idset_add(&set, "m42@example.org");
	assert_int_equal(set.n, 5000);
	assert_true(set.cap >= 10000);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "m%d@example.org", i);
		assert_true(idset_has(&set, id));
	}
	assert_false(idset_has(&set, "m5000@example.org"));
	assert_false(idset_has(&set, "m42@example.org "));
	idset_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_kept_then_counted),
		cmocka_unit_test(test_lines_add_null_is_refused),
		cmocka_unit_test(test_counters_per_name_sorted),
		cmocka_unit_test(test_idset_grows_and_finds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

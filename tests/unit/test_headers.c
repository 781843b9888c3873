/* test_headers.c: the bounded header index (src/headers.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "headers.h"

static void add(struct header_index *idx, const char *name, const char *value)
{
	assert_int_equal(header_add(idx, name, strlen(name), value,
	    strlen(value)), 0);
}

/* The index used by most tests: names in mixed case, repeats in order. */
static int setup_index(void **state)
{
	struct header_index *idx = calloc(1, sizeof *idx);

	if (idx == NULL)
		return -1;
	add(idx, "Received", "first");
	add(idx, "Subject", "hello");
	add(idx, "RECEIVED", "second");
	add(idx, "received", "third");
	*state = idx;
	return 0;
}

static int teardown_index(void **state)
{
	header_index_free(*state);
	free(*state);
	return 0;
}

static void test_get_returns_each_occurrence_in_order(void **state)
{
	struct header_index *idx = *state;

	assert_string_equal(header_get(idx, "Received", 0), "first");
	assert_string_equal(header_get(idx, "Received", 1), "second");
	assert_string_equal(header_get(idx, "Received", 2), "third");
}

static void test_get_past_last_occurrence_is_null(void **state)
{
	struct header_index *idx = *state;

	assert_null(header_get(idx, "Received", 3));
	assert_null(header_get(idx, "Subject", 1));
	assert_null(header_get(idx, "X-Missing", 0));
}

static void test_get_ignores_case_of_name(void **state)
{
	struct header_index *idx = *state;

	assert_string_equal(header_get(idx, "sUBJECT", 0), "hello");
	assert_string_equal(header_get(idx, "rEcEiVeD", 2), "third");
}

static void test_get_needs_whole_name(void **state)
{
	struct header_index *idx = *state;

	assert_null(header_get(idx, "Receive", 0));
	assert_null(header_get(idx, "Received ", 0));
	assert_null(header_get(idx, "", 0));
}

static void test_count_ignores_case(void **state)
{
	struct header_index *idx = *state;

	assert_int_equal(header_count(idx, "received"), 3);
	assert_int_equal(header_count(idx, "RECEIVED"), 3);
	assert_int_equal(header_count(idx, "Subject"), 1);
	assert_int_equal(header_count(idx, "X-Missing"), 0);
}

static void test_count_of_empty_index_is_zero(void **state)
{
	struct header_index idx = { 0 };

	(void)state;
	assert_int_equal(header_count(&idx, "Subject"), 0);
	assert_null(header_get(&idx, "Subject", 0));
	header_index_free(&idx);
}

static void test_add_keeps_name_as_written_and_flags_clear(void **state)
{
	struct header_index *idx = *state;

	assert_int_equal(idx->count, 4);
	assert_string_equal(idx->items[2].name, "RECEIVED");
	for (size_t i = 0; i < idx->count; i++) {
		assert_false(idx->items[i].added);
		assert_false(idx->items[i].leading);
	}
	assert_int_equal(idx->bytes, strlen("ReceivedfirstSubjecthello"
	    "RECEIVEDsecondreceivedthird"));
	assert_false(idx->truncated);
}

static void test_add_takes_lengths_not_terminators(void **state)
{
	struct header_index idx = { 0 };

	(void)state;
	assert_int_equal(header_add(&idx, "Subject: junk", 7, "hello world", 5),
	    0);
	assert_string_equal(idx.items[0].name, "Subject");
	assert_string_equal(idx.items[0].value, "hello");
	header_index_free(&idx);
}

static void test_add_value_with_nul_ends_at_nul(void **state)
{
	struct header_index idx = { 0 };

	(void)state;
	assert_int_equal(header_add(&idx, "X-Bin", 5, "ab\0cd", 5), 0);
	assert_string_equal(header_get(&idx, "X-Bin", 0), "ab");
	header_index_free(&idx);
}

static void test_add_cuts_long_value_and_sets_truncated(void **state)
{
	struct header_index idx = { 0 };
	size_t len = HEADER_VALUE_MAX + 100;
	char *value = malloc(len);

	(void)state;
	assert_non_null(value);
	memset(value, 'v', len);
	assert_int_equal(header_add(&idx, "X-Long", 6, value, len), 0);
	assert_int_equal(strlen(idx.items[0].value), HEADER_VALUE_MAX);
	assert_true(idx.truncated);
	free(value);
	header_index_free(&idx);
}

static void test_add_stops_at_count_limit(void **state)
{
	struct header_index idx = { 0 };

	(void)state;
	for (int i = 0; i < HEADER_INDEX_COUNT + 5; i++)
		assert_int_equal(header_add(&idx, "X", 1, "v", 1), 0);
	assert_int_equal(idx.count, HEADER_INDEX_COUNT);
	assert_true(idx.truncated);
	header_index_free(&idx);
}

static void test_add_stops_at_byte_limit(void **state)
{
	struct header_index idx = { 0 };
	char *value = malloc(HEADER_VALUE_MAX);
	size_t fit = HEADER_INDEX_BYTES / (HEADER_VALUE_MAX + 1);

	(void)state;
	assert_non_null(value);
	memset(value, 'b', HEADER_VALUE_MAX);
	for (size_t i = 0; i < fit + 3; i++)
		assert_int_equal(header_add(&idx, "X", 1, value,
		    HEADER_VALUE_MAX), 0);
	assert_int_equal(idx.count, fit);
	assert_true(idx.bytes <= HEADER_INDEX_BYTES);
	assert_true(idx.truncated);
	free(value);
	header_index_free(&idx);
}

static void test_insert_added_at_top(void **state)
{
	struct header_index *idx = *state;

	assert_int_equal(header_insert_added(idx, 0, "Return-Path", "<a@b>"),
	    0);
	assert_int_equal(idx->count, 5);
	assert_string_equal(idx->items[0].name, "Return-Path");
	assert_string_equal(idx->items[0].value, "<a@b>");
	assert_true(idx->items[0].added);
	assert_string_equal(idx->items[1].value, "first");
	assert_false(idx->items[1].added);
}

static void test_insert_added_in_middle_keeps_order(void **state)
{
	struct header_index *idx = *state;
	static const char *const want[] = { "first", "X", "hello", "second",
	    "third" };

	assert_int_equal(header_insert_added(idx, 1, "Delivered-To", "X"), 0);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(idx->items[i].value, want[i]);
	assert_true(idx->items[1].added);
	assert_int_equal(header_count(idx, "delivered-to"), 1);
}

static void test_insert_added_past_end_appends(void **state)
{
	struct header_index *idx = *state;

	assert_int_equal(header_insert_added(idx, 99, "X-End", "z"), 0);
	assert_int_equal(idx->count, 5);
	assert_string_equal(idx->items[4].name, "X-End");
	assert_true(idx->items[4].added);
}

static void test_insert_added_into_empty_index(void **state)
{
	struct header_index idx = { 0 };

	(void)state;
	assert_int_equal(header_insert_added(&idx, 0, "Delivered-To", "u@h"),
	    0);
	assert_int_equal(idx.count, 1);
	assert_string_equal(header_get(&idx, "Delivered-To", 0), "u@h");
	header_index_free(&idx);
}

static void test_free_resets_index(void **state)
{
	struct header_index *idx = *state;

	header_index_free(idx);
	assert_null(idx->items);
	assert_int_equal(idx->count, 0);
	assert_int_equal(idx->bytes, 0);
	add(idx, "Subject", "again"); /* usable after free */
	assert_string_equal(header_get(idx, "subject", 0), "again");
}

static void check_bare(const char *value, const char *want)
{
	char out[64];

	memset(out, '#', sizeof out);
	header_bare_address(value, out, sizeof out);
	assert_string_equal(out, want);
}

static void test_bare_address_strips_brackets_and_blanks(void **state)
{
	(void)state;
	check_bare("<a@example.org>", "a@example.org");
	check_bare("  <a@example.org>\t ", "a@example.org");
	check_bare(" a@example.org ", "a@example.org");
	check_bare("a@example.org", "a@example.org");
}

static void test_bare_address_null_sender(void **state)
{
	(void)state;
	check_bare("<>", "");
	check_bare("  <>  ", "");
	check_bare("", "");
	check_bare("   ", "");
}

static void test_bare_address_removes_one_pair_only(void **state)
{
	(void)state;
	check_bare("<<a@b>>", "<a@b>");
	check_bare("< a@b >", " a@b ");
}

static void test_bare_address_keeps_unbalanced_brackets(void **state)
{
	(void)state;
	check_bare("<a@b", "<a@b");
	check_bare("a@b>", "a@b>");
	check_bare("<", "<");
	check_bare(">", ">");
	check_bare("Name <a@b>", "Name <a@b>");
}

static void test_bare_address_cuts_to_output_size(void **state)
{
	char out[4];

	(void)state;
	header_bare_address("<abcdef>", out, sizeof out);
	assert_string_equal(out, "abc");
	header_bare_address("<ab>", out, 1);
	assert_string_equal(out, "");
}

static void test_bare_address_zero_length_output_untouched(void **state)
{
	char out[2] = { 'x', 'y' };

	(void)state;
	header_bare_address("<a@b>", out, 0);
	assert_int_equal(out[0], 'x');
	assert_int_equal(out[1], 'y');
}

#define INDEX_TEST(f) cmocka_unit_test_setup_teardown(f, setup_index, \
    teardown_index)

int main(void)
{
	const struct CMUnitTest tests[] = {
		INDEX_TEST(test_get_returns_each_occurrence_in_order),
		INDEX_TEST(test_get_past_last_occurrence_is_null),
		INDEX_TEST(test_get_ignores_case_of_name),
		INDEX_TEST(test_get_needs_whole_name),
		INDEX_TEST(test_count_ignores_case),
		cmocka_unit_test(test_count_of_empty_index_is_zero),
		INDEX_TEST(test_add_keeps_name_as_written_and_flags_clear),
		cmocka_unit_test(test_add_takes_lengths_not_terminators),
		cmocka_unit_test(test_add_value_with_nul_ends_at_nul),
		cmocka_unit_test(test_add_cuts_long_value_and_sets_truncated),
		cmocka_unit_test(test_add_stops_at_count_limit),
		cmocka_unit_test(test_add_stops_at_byte_limit),
		INDEX_TEST(test_insert_added_at_top),
		INDEX_TEST(test_insert_added_in_middle_keeps_order),
		INDEX_TEST(test_insert_added_past_end_appends),
		cmocka_unit_test(test_insert_added_into_empty_index),
		INDEX_TEST(test_free_resets_index),
		cmocka_unit_test(test_bare_address_strips_brackets_and_blanks),
		cmocka_unit_test(test_bare_address_null_sender),
		cmocka_unit_test(test_bare_address_removes_one_pair_only),
		cmocka_unit_test(test_bare_address_keeps_unbalanced_brackets),
		cmocka_unit_test(test_bare_address_cuts_to_output_size),
		cmocka_unit_test(test_bare_address_zero_length_output_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sieve_check_wording.c: the native checker's (sieve_ext_check.c)
 * messages that follow Pigeonhole's wording, so that an administrator
 * coming from Dovecot recognises them: a stray word after a command or
 * test named by what it is (a test, a tag without its colon, or the next
 * command after a missing semicolon), positional arguments missing or
 * too many with how many were given, one of the wrong type named as the
 * definition names it, unknown and misplaced tags, a test used as a
 * command (and the helpers naming arguments and tags).  Exact lines,
 * location included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_check.h"
#include "sieve_ext.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

/* The checker's errors of src, joined by newlines. */
static void check_errors(const char *src, const char *expected)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	char all[2048] = "";

	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_check(s, &r), 0);
	assert_true(r.failed);
	for (size_t i = 0; i < r.errors.count; i++) {
		if (i > 0)
			strlcat(all, "\n", sizeof all);
		strlcat(all, r.errors.items[i], sizeof all);
	}
	assert_string_equal(all, expected);
	sieve_result_free(&r);
	sieve_script_free(s);
}

static void test_missing_semicolon(void **state)
{
	(void)state;
	/* the next word a command: the ';' before it is missing */
	check_errors("require \"fileinto\";\nfileinto \"a\"\nkeep;\n",
	    "line 3, column 1: missing semicolon ';' after fileinto command");
	/* an unknown word: the same */
	check_errors("require \"fileinto\";\nfileinto \"a\"\nsnot;\n",
	    "line 3, column 1: missing semicolon ';' after fileinto command");
}

static void test_stray_test(void **state)
{
	(void)state;
	check_errors("require \"fileinto\";\nfileinto \"a\"\ntrue;\n",
	    "line 3, column 1: the fileinto command accepts no sub-tests, "
	    "but tests are specified");
	check_errors("if header \"a\" \"b\" true { keep; }\n",
	    "line 1, column 19: the header test accepts no sub-tests, but "
	    "tests are specified");
}

static void test_missing_colon(void **state)
{
	(void)state;
	check_errors("if address matches \"from\" \"*x*\" { stop; }\n",
	    "line 1, column 4: the address test requires 2 positional "
	    "arguments, but 0 were specified\n"
	    "line 1, column 12: missing colon ':' before ':matches' tag in "
	    "address test");
}

static void test_positional_count(void **state)
{
	(void)state;
	check_errors("if header :is \"From\" { keep; }\n",
	    "line 1, column 4: the header test requires 2 positional "
	    "arguments, but 1 was specified");
	/* a tag's value is not a positional argument */
	check_errors("if header :comparator \"i;octet\" \"From\" { keep; }\n",
	    "line 1, column 4: the header test requires 2 positional "
	    "arguments, but 1 was specified");
	check_errors("if header :is :comparator \"i;octet\" { keep; }\n",
	    "line 1, column 4: the header test requires 2 positional "
	    "arguments, but 0 were specified");
	check_errors("require \"fileinto\";\nfileinto;\n",
	    "line 2, column 1: the fileinto command requires 1 positional "
	    "argument, but 0 were specified");
}

/* Too many, and a definition with an optional argument (setflag's
 * variable name): the range it takes. */
static void test_positional_too_many(void **state)
{
	(void)state;
	check_errors("if size :over 1 2 { keep; }\n",
	    "line 1, column 4: the size test requires 1 positional argument, "
	    "but 2 were specified");
	check_errors("discard \"x\";\n",
	    "line 1, column 1: the discard command requires 0 positional "
	    "arguments, but 1 was specified");
	check_errors("require [\"imap4flags\", \"variables\"];\n"
	    "setflag \"v\" \"\\\\Seen\" \"x\";\n",
	    "line 2, column 1: the setflag command requires 1 or 2 positional "
	    "arguments, but 3 were specified");
}

/* A positional argument of the wrong type: its number and its name as
 * the definition's table gives them, what it takes and what was found
 * (Pigeonhole's words; a single string fits a string list). */
static void test_positional_type(void **state)
{
	(void)state;
	check_errors("if header :is 45 \"nico\" { keep; }\n",
	    "line 1, column 15: the header test expects a string list as "
	    "argument 1 (header names), but a number was found");
	check_errors("if address \"From\" 45 { keep; }\n",
	    "line 1, column 19: the address test expects a string list as "
	    "argument 2 (key list), but a number was found");
	check_errors("if size :over \"x\" { keep; }\n",
	    "line 1, column 15: the size test expects a number as argument 1 "
	    "(limit), but a string was found");
	check_errors("require \"fileinto\";\nfileinto [\"a\", \"b\"];\n",
	    "line 2, column 10: the fileinto command expects a string as "
	    "argument 1 (folder), but a string list was found");
	/* numbered as given: without the optional variable name, the flags
	 * are argument 1 */
	check_errors("require \"imap4flags\";\naddflag 3;\n",
	    "line 2, column 9: the addflag command expects a string list as "
	    "argument 1 (list of flags), but a number was found");
	check_errors("require [\"imap4flags\", \"variables\"];\n"
	    "addflag 3 \"x\";\n",
	    "line 2, column 9: the addflag command expects a string as "
	    "argument 1 (variable name), but a number was found");
}

/* Tags: one the command does not take is unknown wherever it stands (the
 * tags it takes are listed); one it takes after a positional argument is
 * misplaced; a tag's value of the wrong type or missing. */
static void test_tags(void **state)
{
	(void)state;
	check_errors("if header :all \"From\" \"x\" { keep; }\n",
	    "line 1, column 11: unknown tagged argument ':all' for the header "
	    "test (it takes :is :contains :matches :comparator)");
	check_errors("if header :is \"From\" :tag { keep; }\n",
	    "line 1, column 22: unknown tagged argument ':tag' for the header "
	    "test (it takes :is :contains :matches :comparator)");
	check_errors("if exists :is \"From\" { keep; }\n",
	    "line 1, column 11: unknown tagged argument ':is' for the exists "
	    "test (it takes no tags)");
	check_errors("if address \"From\" :is { keep; }\n",
	    "line 1, column 19: encountered an unexpected tagged argument "
	    "':is' while validating positional arguments for the address "
	    "test");
	check_errors("if header :comparator 3 \"a\" \"b\" { keep; }\n",
	    "line 1, column 23: the :comparator tag for the header test "
	    "requires a string as parameter, but a number was found");
	check_errors("require \"vacation\";\nvacation \"x\" :days;\n",
	    "line 2, column 14: encountered an unexpected tagged argument "
	    "':days' while validating positional arguments for the vacation "
	    "command");
	check_errors("require \"vacation\";\nvacation :days;\n",
	    "line 2, column 10: the :days tag for the vacation command "
	    "requires a number as parameter, but no parameters were found");
}

/* A test used as a command, or a command as a test: at each use. */
static void test_wrong_kind(void **state)
{
	(void)state;
	check_errors("header \"a\" \"b\";\nheader \"a\" \"b\";\n",
	    "line 1, column 1: attempted to use test 'header' as command\n"
	    "line 2, column 1: attempted to use test 'header' as command");
	check_errors("if keep { stop; }\nif keep { stop; }\n",
	    "line 1, column 4: attempted to use command 'keep' as test\n"
	    "line 2, column 4: attempted to use command 'keep' as test");
}

/* The name of positional argument i from a '|'-separated list: none
 * without a list, past its end, or where the list leaves it empty. */
static void test_arg_name(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(sieve_arg_name("header names|key list", 0, buf,
	    sizeof buf), " (header names)");
	assert_string_equal(sieve_arg_name("header names|key list", 1, buf,
	    sizeof buf), " (key list)");
	assert_string_equal(sieve_arg_name("header names|key list", 2, buf,
	    sizeof buf), "");
	assert_string_equal(sieve_arg_name(NULL, 0, buf, sizeof buf), "");
	assert_string_equal(sieve_arg_name("|key list", 0, buf, sizeof buf),
	    "");
	assert_string_equal(sieve_arg_name("a|", 1, buf, sizeof buf), "");
	/* truncated to the buffer, still terminated */
	assert_string_equal(sieve_arg_name("header names", 0, buf, 8),
	    " (heade");
}

/* The tags a definition takes, its own and those of the required
 * extensions that add to it, each once, truncated to the buffer. */
static void test_tag_names(void **state)
{
	struct sieve_ext_set base = { 0 };
	const struct sieve_def *header = sieve_ext_def(NULL, "header", true,
	    NULL);
	char buf[256];

	(void)state;
	assert_non_null(header);
	sieve_def_tag_names(header, &base, buf, sizeof buf);
	assert_string_equal(buf, ":is :contains :matches :comparator");
	sieve_def_tag_names(header, &base, buf, 12);
	assert_string_equal(buf, ":is :contai");
	sieve_def_tag_names(sieve_ext_def(NULL, "exists", true, NULL), &base,
	    buf, sizeof buf);
	assert_string_equal(buf, "");
}

/* A stray test or block is all that is said of a command: its
 * arguments are not checked then, as Pigeonhole checks sub-tests and
 * block first (one error for "fileinto true;", two for "stop" with an
 * argument, a test and a block). */
static void test_stray_first(void **state)
{
	(void)state;
	check_errors("require \"fileinto\";\nfileinto true;\n",
	    "line 2, column 10: the fileinto command accepts no sub-tests, "
	    "but tests are specified");
	check_errors("stop \"frop\" true {\n  stop;\n}\n",
	    "line 1, column 13: the stop command accepts no sub-tests, but "
	    "tests are specified\n"
	    "line 1, column 1: `stop` takes no block (is a ';' missing?)");
}

/* A folder name written out that is not UTF-8: an error when the script
 * is checked (one with a variable in it only when it runs). */
static void test_fileinto_not_utf8(void **state)
{
	(void)state;
	check_errors("require [\"fileinto\", \"encoded-character\"];\n"
	    "fileinto \"${hex:ff}rop\";\n",
	    "line 2, column 10: fileinto: invalid mailbox name `\xffrop' "
	    "specified: not UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_semicolon),
		cmocka_unit_test(test_stray_test),
		cmocka_unit_test(test_missing_colon),
		cmocka_unit_test(test_positional_count),
		cmocka_unit_test(test_positional_too_many),
		cmocka_unit_test(test_positional_type),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_arg_name),
		cmocka_unit_test(test_tag_names),
		cmocka_unit_test(test_stray_first),
		cmocka_unit_test(test_fileinto_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

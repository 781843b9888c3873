/* test_sieve_parse.c: the Sieve lexer and parser (src/sieve_lex.c,
 * src/sieve_parse.c): every production, every escape, error positions,
 * limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_lex.h"
#include "sieve_parse.h"

#include <cmocka.h>

static struct sieve_script *parse_ok(const char *src)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	char msg[600];

	if (sieve_parse(src, strlen(src), &s, &d) != 0) {
		sieve_diag_format(&d, msg, sizeof msg);
		print_error("unexpected parse error: %s\n", msg);
		fail();
	}
	assert_non_null(s);
	return s;
}

static void parse_err_n(const char *src, size_t len, const char *want)
{
	struct sieve_script *s = (void *)1;
	struct sieve_diag d;
	char msg[600];

	if (sieve_parse(src, len, &s, &d) != -1) {
		print_error("parsed, but should fail: %s\n", src);
		fail();
	}
	assert_null(s);
	sieve_diag_format(&d, msg, sizeof msg);
	assert_string_equal(msg, want);
}

static void parse_err(const char *src, const char *want)
{
	parse_err_n(src, strlen(src), want);
}

/* The value of the only string of the first argument of command 1. */
static void string_is(const char *src, const char *want)
{
	struct sieve_script *s = parse_ok(src);
	const struct sieve_string *str = s->commands->args->strings;

	assert_int_equal(str->len, strlen(want));
	assert_memory_equal(str->value, want, str->len);
	assert_int_equal(str->value[str->len], '\0');
	sieve_script_free(s);
}

static void number_is(const char *src, uint64_t want)
{
	struct sieve_script *s = parse_ok(src);

	assert_int_equal(s->commands->args->kind, SIEVE_ARG_NUMBER);
	assert_true(s->commands->args->number == want);
	sieve_script_free(s);
}

/* ---- start / commands ---- */

static void test_empty_scripts(void **state)
{
	static const char *const empty[] = {
		"", " \t\r\n", "# just a comment", "# comment\n",
		"/* bracket */", "/* multi\nline\n*/ # and hash\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		struct sieve_script *s = parse_ok(empty[i]);

		assert_int_equal(s->ncommands, 0);
		assert_null(s->commands);
		sieve_script_free(s);
	}
}

static void test_commands_and_positions(void **state)
{
	struct sieve_script *s = parse_ok("keep;\n  stop ;\n\tdiscard;");
	const struct sieve_command *c = s->commands;

	(void)state;
	assert_int_equal(s->ncommands, 3);
	assert_string_equal(c->name, "keep");
	assert_int_equal(c->pos.line, 1);
	assert_int_equal(c->pos.col, 1);
	assert_false(c->has_block);
	c = c->next;
	assert_string_equal(c->name, "stop");
	assert_int_equal(c->pos.line, 2);
	assert_int_equal(c->pos.col, 3);
	c = c->next;
	assert_string_equal(c->name, "discard");
	assert_int_equal(c->pos.line, 3);
	assert_int_equal(c->pos.col, 2);
	assert_null(c->next);
	sieve_script_free(s);
}

static void test_identifiers_case_insensitive(void **state)
{
	struct sieve_script *s = parse_ok("IF Header :CONTAINS \"a\" \"b\" "
	    "{ Keep; }");

	(void)state;
	assert_string_equal(s->commands->name, "if");
	assert_string_equal(s->commands->tests->name, "header");
	assert_string_equal(s->commands->tests->args->tag, "contains");
	assert_string_equal(s->commands->block->name, "keep");
	assert_true(s->mixed_case);
	sieve_script_free(s);
	s = parse_ok("if header :contains \"A\" \"B\" { keep; }");
	assert_false(s->mixed_case);
	sieve_script_free(s);
	s = parse_ok("_x_1 :_t_2;");
	assert_string_equal(s->commands->name, "_x_1");
	assert_string_equal(s->commands->args->tag, "_t_2");
	sieve_script_free(s);
}

/* argument = string-list / number / tag, in any order and number */
static void test_arguments(void **state)
{
	struct sieve_script *s = parse_ok(
	    "cmd :tag 12 \"s\" [\"a\", \"b\" ,\"c\"] text:\nx\n.\n;");
	const struct sieve_arg *a = s->commands->args;

	(void)state;
	assert_int_equal(s->commands->nargs, 5);
	assert_int_equal(a->kind, SIEVE_ARG_TAG);
	assert_string_equal(a->tag, "tag");
	assert_int_equal(a->pos.col, 5);
	a = a->next;
	assert_int_equal(a->kind, SIEVE_ARG_NUMBER);
	assert_true(a->number == 12);
	assert_int_equal(a->pos.col, 10);
	a = a->next;
	assert_int_equal(a->kind, SIEVE_ARG_STRING);
	assert_int_equal(a->nstrings, 1);
	assert_string_equal(a->strings->value, "s");
	assert_false(a->strings->multiline);
	a = a->next;
	assert_int_equal(a->kind, SIEVE_ARG_LIST);
	assert_int_equal(a->nstrings, 3);
	assert_string_equal(a->strings->value, "a");
	assert_int_equal(a->strings->pos.col, 18);
	assert_string_equal(a->strings->next->value, "b");
	assert_string_equal(a->strings->next->next->value, "c");
	assert_int_equal(a->strings->next->next->pos.col, 28);
	assert_null(a->strings->next->next->next);
	a = a->next;
	assert_int_equal(a->kind, SIEVE_ARG_STRING);
	assert_true(a->strings->multiline);
	assert_string_equal(a->strings->value, "x\r\n");
	assert_int_equal(a->pos.col, 33);
	assert_null(a->next);
	sieve_script_free(s);
}

/* arguments = *argument [ test / test-list ]; test = identifier arguments */
static void test_tests_and_test_lists(void **state)
{
	struct sieve_script *s = parse_ok(
	    "if anyof (not exists \"x\", allof(true, false), size :over 1)\n"
	    "{ keep; } elsif header \"a\" \"b\" { } else { stop; }");
	const struct sieve_command *c = s->commands;
	const struct sieve_test *t = c->tests;

	(void)state;
	assert_int_equal(c->ntests, 1);
	assert_false(c->test_list);
	assert_string_equal(t->name, "anyof");
	assert_true(t->test_list);
	assert_int_equal(t->ntests, 3);
	assert_string_equal(t->tests->name, "not");
	assert_false(t->tests->test_list);
	assert_int_equal(t->tests->ntests, 1);
	assert_string_equal(t->tests->tests->name, "exists");
	assert_int_equal(t->tests->tests->pos.col, 15);
	assert_string_equal(t->tests->next->name, "allof");
	assert_int_equal(t->tests->next->ntests, 2);
	assert_string_equal(t->tests->next->tests->next->name, "false");
	assert_string_equal(t->tests->next->next->name, "size");
	assert_int_equal(t->tests->next->next->nargs, 2);
	assert_true(c->has_block);
	assert_int_equal(c->nblock, 1);
	c = c->next;
	assert_string_equal(c->name, "elsif");
	assert_int_equal(c->pos.line, 2);
	assert_int_equal(c->pos.col, 11);
	assert_true(c->has_block);
	assert_int_equal(c->nblock, 0);
	assert_null(c->block);
	c = c->next;
	assert_string_equal(c->name, "else");
	assert_int_equal(c->ntests, 0);
	assert_string_equal(c->block->name, "stop");
	sieve_script_free(s);
}

static void test_nested_blocks(void **state)
{
	struct sieve_script *s = parse_ok(
	    "if true { if false { keep; } discard; } stop;");
	const struct sieve_command *c = s->commands;

	(void)state;
	assert_int_equal(s->ncommands, 2);
	assert_int_equal(c->nblock, 2);
	assert_string_equal(c->block->name, "if");
	assert_string_equal(c->block->block->name, "keep");
	assert_string_equal(c->block->next->name, "discard");
	assert_string_equal(c->next->name, "stop");
	sieve_script_free(s);
}

/* ---- strings ---- */

static void test_quoted_escapes(void **state)
{
	(void)state;
	string_is("x \"plain\";", "plain");
	string_is("x \"\";", "");
	string_is("x \"a\\\\b\";", "a\\b");          /* \\ -> \ */
	string_is("x \"a\\\"b\";", "a\"b");          /* \" -> " */
	string_is("x \"\\a\\b\\n\";", "abn");        /* \x -> x */
	string_is("x \"\\\\\";", "\\");              /* ends in \ */
	string_is("x \"\\\\\\\\\";", "\\\\");
	string_is("x \"\\\"\\\"\";", "\"\"");
	/* every line end in a string is CRLF, as Pigeonhole reads it */
	string_is("x \"two\nlines\";", "two\r\nlines");
	string_is("x \"crlf\r\nkept\";", "crlf\r\nkept");
	string_is("x \"a\n\r\n\nb\";", "a\r\n\r\n\r\nb");
	string_is("x \"# not a comment /* nor */\";",
	    "# not a comment /* nor */");
	string_is("x \"\\\n\";", "\r\n");          /* \ before a line end */
	string_is("x \"caf\xc3\xa9\";", "caf\xc3\xa9");
}

static void test_multiline_strings(void **state)
{
	(void)state;
	/* lines end in CRLF however the script ends them */
	string_is("x text:\nline 1\nline 2\n.\n;", "line 1\r\nline 2\r\n");
	string_is("x text: \t# a comment\nbody\n.\n;", "body\r\n");
	string_is("x text:#c\nbody\n.\n;", "body\r\n");
	string_is("x text:\n.\n;", "");
	string_is("x text:\n..\n.\n;", ".\r\n");          /* dot-stuffing */
	string_is("x text:\n..x\n...\n.\n;", ".x\r\n..\r\n");
	string_is("x text:\n.x\n.\n;", ".x\r\n");         /* one dot kept */
	string_is("x text:\na.\n .\n.\n;", "a.\r\n .\r\n");
	string_is("x text:\r\nwin\r\n.\r\n;", "win\r\n");
	string_is("x text:\r\nmixed\nends\r\n.\n;", "mixed\r\nends\r\n");
	string_is("x TEXT:\nupper\n.\n;", "upper\r\n");
	string_is("x text:\n\"\\\\\"\n.\n;", "\"\\\\\"\r\n"); /* no escapes */
	/* a final "." at the end of the script ends the string too */
	parse_err("x text:\nend\n.", "line 3, column 2: expected ';' or a "
	    "block after 'x', found end of script");
	string_is("x [text:\na\n.\n, \"b\"];", "a\r\n");
}

static void test_numbers(void **state)
{
	(void)state;
	number_is("x 0;", 0);
	number_is("x 007;", 7);
	number_is("x 1K;", 1024);
	number_is("x 1k;", 1024);
	number_is("x 2M;", 2u << 20);
	number_is("x 2m;", 2u << 20);
	number_is("x 3G;", UINT64_C(3) << 30);
	number_is("x 3g;", UINT64_C(3) << 30);
	number_is("x 18446744073709551615;", UINT64_MAX);
	number_is("x 17179869183G;", UINT64_C(17179869183) << 30);
	parse_err("x 18446744073709551616;",
	    "line 1, column 3: number too large");
	parse_err("x\n 17179869184G;", "line 2, column 2: number too large");
}

static void test_comments(void **state)
{
	struct sieve_script *s = parse_ok(
	    "# head\nkeep; # tail\n/* a\n * b */ stop /* in */ ;\n"
	    "discard; /**/ #");

	(void)state;
	assert_int_equal(s->ncommands, 3);
	assert_int_equal(s->commands->next->pos.line, 4);
	assert_int_equal(s->commands->next->pos.col, 9);
	assert_int_equal(s->commands->next->next->pos.line, 5);
	sieve_script_free(s);
	s = parse_ok("keep; /* ** / * */ stop;");
	assert_int_equal(s->ncommands, 2);
	sieve_script_free(s);
}

/* ---- errors, with their positions ---- */

static void test_syntax_errors(void **state)
{
	(void)state;
	parse_err("keep", "line 1, column 5: expected ';' or a block after "
	    "'keep', found end of script");
	parse_err("keep;\nfileinto \"x\"\n]",
	    "line 2, column 13: expected ';' or a block after 'fileinto', "
	    "found ']'");
	parse_err("keep;\n  \"x\";", "line 2, column 3: expected a command, "
	    "found string");
	parse_err("}", "line 1, column 1: '}' without a matching '{'");
	parse_err("if true {\n keep;\n",
	    "line 3, column 1: missing '}' to close the block opened at line "
	    "1, column 9");
	parse_err("if true { 12 }", "line 1, column 11: expected a command "
	    "or '}', found number");
	parse_err("x [];", "line 1, column 4: expected a string in the list, "
	    "found ']'");
	parse_err("x [\"a\" \"b\"];", "line 1, column 8: expected ',' or ']' "
	    "in the string list, found string");
	parse_err("x [\"a\",];", "line 1, column 8: expected a string after "
	    "',', found ']'");
	parse_err("x [1];", "line 1, column 4: expected a string in the list, "
	    "found number");
	parse_err("if anyof () {}", "line 1, column 11: expected a test in "
	    "the test list, found ')'");
	parse_err("if anyof (true; false) {}", "line 1, column 15: expected "
	    "',' or ')' after a test, found ';'");
	parse_err("if true 1 \"x\" ] {}", "line 1, column 14: expected ';' "
	    "or a block after 'if', found ']'");
	parse_err("if anyof (true,) {}", "line 1, column 16: expected a test "
	    "after ',', found ')'");
	parse_err("x : y;", "line 1, column 3: expected a tag name after ':'");
	parse_err("x :1;", "line 1, column 3: expected a tag name after ':'");
	parse_err("x \"abc", "line 1, column 3: unterminated string "
	    "(missing '\"')");
	parse_err("x\n\n   \"abc\\\"", "line 3, column 4: unterminated "
	    "string (missing '\"')");
	parse_err("keep; /* never closed", "line 1, column 7: unterminated "
	    "comment (missing '*/')");
	parse_err("x text:\nabc\n", "line 1, column 3: unterminated text: "
	    "string (missing a line holding only '.')");
	parse_err("x text: abc\n.\n;", "line 1, column 9: expected the end "
	    "of the line after 'text:'");
	parse_err("keep; @", "line 1, column 7: unexpected character '@'");
	parse_err("keep;\n\x01", "line 2, column 1: unexpected byte 0x01");
	parse_err("keep;\n\xc3\xa9;", "line 2, column 1: unexpected byte "
	    "0xc3");
	parse_err_n("keep;\n x\0;", 9, "line 2, column 3: NUL byte in "
	    "script");
	parse_err_n("keep; \"a\0b\";", 12, "line 1, column 9: NUL byte in "
	    "script");
	parse_err("keep; text:\nx\n.\n;", "line 1, column 7: expected a "
	    "command, found text: string");
	parse_err("if true { keep; } }", "line 1, column 19: '}' without a "
	    "matching '{'");
	parse_err("if true ( keep; )", "line 1, column 15: expected ',' or "
	    "')' after a test, found ';'");
}

/* ---- limits ---- */

static char *repeat(const char *head, const char *unit, size_t n,
    const char *tail)
{
	size_t len = strlen(head) + strlen(unit) * n + strlen(tail) + 1;
	char *s = malloc(len), *p;

	assert_non_null(s);
	p = s + strlcpy(s, head, len);
	for (size_t i = 0; i < n; i++)
		p += strlcpy(p, unit, len - (size_t)(p - s));
	(void)strlcpy(p, tail, len - (size_t)(p - s));
	return s;
}

/* ---- recovery: every error, each once ---- */

/* Parse src, which must fail, and compare every error with want (NULL
 * terminated), in order. */
static void errors_are(const char *src, const char *const *want)
{
	struct sieve_parse_diags *d = malloc(sizeof *d);
	struct sieve_script *s = (void *)1;
	char msg[600];
	size_t n = 0;

	assert_non_null(d);
	assert_int_equal(sieve_parse_all(src, strlen(src), &s, d), -1);
	assert_null(s);
	for (; want[n] != NULL; n++) {
		assert_true(n < d->ndiags);
		sieve_diag_format(&d->diags[n], msg, sizeof msg);
		assert_string_equal(msg, want[n]);
	}
	assert_int_equal(d->ndiags, n);
	assert_int_equal(d->nerrors, n);
	free(d);
}

static void test_recovery(void **state)
{
	(void)state;
	/* a missing ';' before '}' ends the block; parsing goes on */
	errors_are("if true {\n keep\n}\nif true {\n keep,\n keep\n}\n"
	    "if true { discard }\nstop;", (const char *const[]){
	    "line 2, column 6: expected ';' or a block after 'keep', "
	    "found '}'",
	    "line 5, column 6: expected ';' or a block after 'keep', "
	    "found ','",
	    "line 8, column 18: expected ';' or a block after 'discard', "
	    "found '}'", NULL });
	/* a spurious comma in a test list: recovered at its ')' */
	errors_are("if anyof(true,) {}\nif anyof(true,true,) { keep; }",
	    (const char *const[]){
	    "line 1, column 15: expected a test after ',', found ')'",
	    "line 2, column 20: expected a test after ',', found ')'",
	    NULL });
	/* string lists: recovered at the ']', nested ones skipped */
	errors_are("x [\"a\" 1];\ny [];\nz [\"b\",];", (const char *const[]){
	    "line 1, column 8: expected ',' or ']' in the string list, "
	    "found number",
	    "line 2, column 4: expected a string in the list, found ']'",
	    "line 3, column 8: expected a string after ',', found ']'",
	    NULL });
	/* a lexical error is reported once, by the lexer; stray bytes are
	 * one error for the run, and the parser says what it expected */
	errors_are("if size :over 99999999999999999999 { stop; }\n"
	    "if this_identifier_is_far_too_long_for_sieve { stop; }\n"
	    "friep $$$;\nkeep;", (const char *const[]){
	    "line 1, column 15: number too large",
	    "line 2, column 4: identifier too long (limit 32)",
	    "line 3, column 7: unexpected character '$'",
	    "line 3, column 6: expected ';' or a block after 'friep', "
	    "found stray characters", NULL });
	/* too many arguments: the command is skipped up to its block */
	errors_are("frop 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
	    "21 22 23 24 25 26 27 28 29 30 31 32 33 34 { stop; }\nkeep",
	    (const char *const[]){
	    "line 1, column 93: too many arguments for 'frop' (limit 32)",
	    "line 2, column 5: expected ';' or a block after 'keep', "
	    "found end of script", NULL });
	/* a block nested too deep is skipped to its '}' and the rest
	 * parsed */
	errors_are("if true {if true {if true {if true {if true {if true {"
	    "if true {if true {if true {if true {if true {if true {if true {"
	    "if true {if true {if true {if true {if true {if true {if true {"
	    "if true {if true {if true {if true {if true {if true {if true {"
	    "if true {if true {if true {if true {if true {if true { { } } "
	    "stop;}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}\nkeep\n",
	    (const char *const[]){
	    "line 1, column 288: nesting too deep (limit 32 levels of "
	    "blocks)",
	    "line 2, column 5: expected ';' or a block after 'keep', "
	    "found end of script", NULL });
}

/* Errors stop being collected (and the parse stops) at the cap. */
static void test_error_cap(void **state)
{
	char *src = repeat("", "x [1];\n", 100, "");
	struct sieve_parse_diags *d = malloc(sizeof *d);
	struct sieve_script *s;

	(void)state;
	assert_non_null(d);
	assert_int_equal(sieve_parse_all(src, strlen(src), &s, d), -1);
	assert_int_equal(d->ndiags, SIEVE_PARSE_DIAGS_MAX);
	assert_int_equal(d->nerrors, SIEVE_PARSE_DIAGS_MAX);
	free(d);
	free(src);
}

/* CRLF scripts: positions count lines the same, strings hold CRLF. */
static void test_crlf_script(void **state)
{
	struct sieve_script *s = parse_ok("keep;\r\n# c\r\n"
	    "x text:\r\na\r\n.\r\n;\r\n  y \"b\r\nc\";\r\n");

	(void)state;
	assert_int_equal(s->commands->next->pos.line, 3);
	assert_string_equal(s->commands->next->args->strings->value, "a\r\n");
	assert_int_equal(s->commands->next->next->pos.line, 7);
	assert_int_equal(s->commands->next->next->pos.col, 3);
	assert_string_equal(s->commands->next->next->args->strings->value,
	    "b\r\nc");
	sieve_script_free(s);
	/* a CR alone in a string is an error (Pigeonhole's too) */
	parse_err("x \"a\rb\";", "line 1, column 3: stray CR (not followed "
	    "by LF) in a string");
	parse_err("x text:\na\rb\n.\n;", "line 1, column 3: stray CR (not "
	    "followed by LF) in a text: string");
}


static void test_depth_limit(void **state)
{
	char *ok, *deep, *tests, *tests_ok, *list;
	struct sieve_script *s;

	(void)state;
	/* the top level counts as the first level of blocks: 31 nested
	 * blocks parse, the 32nd '{' (column 32 * 9) is one too many */
	ok = repeat("", "if true {", SIEVE_BLOCK_DEPTH_MAX - 1, "keep;");
	ok = realloc(ok, strlen(ok) + SIEVE_BLOCK_DEPTH_MAX);
	assert_non_null(ok);
	for (int i = 0; i < SIEVE_BLOCK_DEPTH_MAX - 1; i++)
		(void)strlcat(ok, "}", strlen(ok) + SIEVE_BLOCK_DEPTH_MAX);
	s = parse_ok(ok);
	sieve_script_free(s);
	deep = repeat("", "if true {", SIEVE_BLOCK_DEPTH_MAX + 1, "keep;");
	parse_err(deep, "line 1, column 288: nesting too deep (limit 32 "
	    "levels of blocks)");
	/* a command counts as the first level of tests: 31 tests nest */
	tests_ok = repeat("if ", "not ", SIEVE_TEST_DEPTH_MAX - 2, "true {}");
	s = parse_ok(tests_ok);
	sieve_script_free(s);
	tests = repeat("if ", "not ", SIEVE_TEST_DEPTH_MAX - 1, "true {}");
	parse_err(tests, "line 1, column 128: nesting too deep (limit 32 "
	    "levels of tests)");
	list = repeat("if ", "anyof(", 100000, "true");
	parse_err(list, "line 1, column 189: nesting too deep (limit 32 "
	    "levels of tests)");
	free(ok);
	free(deep);
	free(tests);
	free(tests_ok);
	free(list);
}

static void test_size_limits(void **state)
{
	char *big, *str, *ident, *nodes;
	struct sieve_script *s;

	(void)state;
	big = calloc(1, SIEVE_SOURCE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', SIEVE_SOURCE_MAX + 1);
	parse_err(big, "line 1, column 1: script too large (1048577 bytes, "
	    "limit 1048576)");
	big[SIEVE_SOURCE_MAX] = '\0';
	s = parse_ok(big);
	sieve_script_free(s);
	free(big);

	str = repeat("x\n \"", "a", SIEVE_STRING_MAX + 1, "\";");
	parse_err(str, "line 2, column 2: string too long (limit 262144 "
	    "bytes)");
	str[4 + SIEVE_STRING_MAX] = '"';
	str[5 + SIEVE_STRING_MAX] = ';';
	str[6 + SIEVE_STRING_MAX] = '\0';
	s = parse_ok(str);
	assert_int_equal(s->commands->args->strings->len, SIEVE_STRING_MAX);
	sieve_script_free(s);
	free(str);

	ident = repeat("", "a", SIEVE_IDENT_MAX + 1, ";");
	parse_err(ident, "line 1, column 1: identifier too long (limit 32)");
	free(ident);

	/* a list of N strings is 1 command + 1 argument + N strings */
	nodes = repeat("x [\"\"", ",\"\"", SIEVE_NODES_MAX - 3, "];");
	s = parse_ok(nodes);
	assert_int_equal(s->nodes, SIEVE_NODES_MAX);
	sieve_script_free(s);
	free(nodes);
	nodes = repeat("x [\"\"", ",\"\"", SIEVE_NODES_MAX - 2, "];");
	parse_err(nodes, "line 1, column 299998: script too complex (more "
	    "than 100000 syntax nodes)");
	free(nodes);
}

static void test_diag_format(void **state)
{
	struct sieve_diag d = { { 3, 5 }, "expected ';'" };
	char buf[64];

	(void)state;
	assert_int_equal(sieve_diag_format(&d, buf, sizeof buf), 30);
	assert_string_equal(buf, "line 3, column 5: expected ';'");
	assert_string_equal(sieve_tok_name(SIEVE_TOK_RBRACE), "'}'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_scripts),
		cmocka_unit_test(test_commands_and_positions),
		cmocka_unit_test(test_identifiers_case_insensitive),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_tests_and_test_lists),
		cmocka_unit_test(test_nested_blocks),
		cmocka_unit_test(test_quoted_escapes),
		cmocka_unit_test(test_multiline_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_crlf_script),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_diag_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

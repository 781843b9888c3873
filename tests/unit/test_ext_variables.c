/* test_ext_variables.c: the variables and encoded-character extensions
 * (src/sieve/ext_variables.c, ext_encoded_character.c) through the native
 * interpreter: set and its modifiers, the string test, match variables
 * from header and string, expansion in action arguments, the limits as
 * runtime errors, and the checker's errors, each with the plan (or the
 * first error) the evaluation ends with.  Expected results are what
 * Pigeonhole's sieve-test gives for the same script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "sieve_ext.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

static struct header_index idx;

static void hdr(const char *name, const char *value)
{
	assert_int_equal(header_add(&idx, name, strlen(name), value,
	    strlen(value)), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&idx, 0, sizeof idx);
	hdr("From", "Wile <wile@acme.example>");
	hdr("To", "coyote@ACME.Example.COM");
	hdr("Subject", "[acme-users] [fwd] version 1.0 is out");
	hdr("List-Id", "Dovecot Users <Dovecot.Example.ORG>");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	header_index_free(&idx);
	return 0;
}

/* "fileinto:A fileinto:B no-keep", or "FAILED: first error". */
static void summary(const struct sieve_result *r, char *out, size_t len)
{
	out[0] = '\0';
	if (r->failed) {
		(void)snprintf(out, len, "FAILED: %s", r->errors.count ?
		    r->errors.items[0] : "?");
		return;
	}
	for (size_t i = 0; i < r->plan.count; i++) {
		const struct action *a = &r->plan.actions[i];
		char w[700];

		(void)snprintf(w, sizeof w, "%s%s ",
		    a->type == ACTION_FILEINTO ? "fileinto:" :
		    a->type == ACTION_KEEP ? "keep" : "other:",
		    a->mailbox ? a->mailbox : "");
		(void)strlcat(out, w, len);
	}
	(void)strlcat(out, r->keep ? "implicit-keep" : "no-keep", len);
}

static void run_lim(const char *body, const struct sieve_native_limits *lim,
    const char *want)
{
	static const char req[] = "require [\"variables\", \"fileinto\", "
	    "\"encoded-character\", \"relational\", "
	    "\"comparator-i;ascii-numeric\", \"regex\"];\n";
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = { .headers = &idx, .sender = "a@example.org",
	    .recipient = "b@example.org", .size = 500 };
	char *src, got[8192];
	size_t n = strlen(req) + strlen(body) + 1;

	assert_non_null(src = malloc(n));
	(void)snprintf(src, n, "%s%s", req, body);
	if (sieve_parse(src, strlen(src), &s, &d) != 0) {
		(void)sieve_diag_format(&d, got, sizeof got);
		print_error("parse error: %s\n", got);
		fail();
	}
	assert_int_equal(sieve_native_eval(s, &env, lim, &r), 0);
	summary(&r, got, sizeof got);
	if (strcmp(got, want) != 0) {
		print_error("script: %s\n got: %s\nwant: %s\n", body, got,
		    want);
		fail();
	}
	sieve_result_free(&r);
	sieve_script_free(s);
	free(src);
}

static void run(const char *body, const char *want)
{
	run_lim(body, NULL, want);
}

static void test_set_and_expand(void **state)
{
	(void)state;
	run("set \"a\" \"x\"; fileinto \"${a}\";", "fileinto:x no-keep");
	run("set \"A\" \"x\"; set \"a\" \"${A}y${a}\"; fileinto \"${a}\";",
	    "fileinto:xyx no-keep");
	run("set \"company\" \"ACME\"; fileinto \"${BAD${Company}\";",
	    "fileinto:${BADACME no-keep");
	run("fileinto \"[${unknown}${7}]\";", "fileinto:[] no-keep");
	run("set \"s\" \"$\"; fileinto \"${s}{s}\";", "fileinto:${s} no-keep");
	/* set's name is taken as written, never expanded */
	run("set \"n\" \"m\"; set \"${n}\" \"x\";",
	    "FAILED: line 2, column 18: invalid variable name '${n}'");
	/* the name after unescaping: "\n\a\m\e" is "name" */
	run("set \"\\n\\a\\m\\e\" \"ok\"; fileinto \"${name}\";",
	    "fileinto:ok no-keep");
}

static void test_modifiers(void **state)
{
	(void)state;
	run("set :lower :upperfirst \"t\" \"vAlUe\"; fileinto \"${t}\";",
	    "fileinto:Value no-keep");
	run("set :upperfirst :lower \"t\" \"vAlUe\"; fileinto \"${t}\";",
	    "fileinto:Value no-keep");
	run("set :UPPER :lowerfirst \"t\" \"VaLuE\"; fileinto \"${t}\";",
	    "fileinto:vALUE no-keep");
	run("set :length \"t\" \"Das ist \xc3\xbc" "berhaupt\"; "
	    "fileinto \"${t}\";", "fileinto:17 no-keep");
	run("set :length :quotewildcard \"t\" \"^^***??**^^\"; "
	    "fileinto \"${t}\";", "fileinto:18 no-keep");
	run("set :quotewildcard \"t\" \"Rock*\"; fileinto \"${t}\";",
	    "fileinto:Rock\\* no-keep");
	run("set :quoteregex \"t\" \"a.b\"; fileinto \"${t}\";",
	    "fileinto:a\\.b no-keep");
}

static void test_modifier_errors(void **state)
{
	(void)state;
	run("set :lower :upper \"a\" \"x\";",
	    "FAILED: line 2, column 12: modifiers :lower and :upper "
	    "specified for the set command conflict having equal "
	    "precedence");
	run("set :encodeurl \"a\" \"x\";",
	    "FAILED: line 2, column 5: `set :encodeurl` needs `require "
	    "\"enotify\"`");
	run("set :inner \"a\" \"x\";",
	    "FAILED: line 2, column 5: unknown tagged argument ':inner' for "
	    "the set command (it takes :lower :upper :lowerfirst :upperfirst "
	    ":quotewildcard :length :quoteregex)");
	run("set \"0\" \"x\";",
	    "FAILED: line 2, column 5: cannot assign to match variable");
	run("set \"a.b\" \"x\";", "FAILED: line 2, column 5: referring to "
	    "variable in unknown namespace 'a'");
	run("set \"name.\" \"x\";",
	    "FAILED: line 2, column 5: invalid variable name 'name.'");
}

static void test_match_variables(void **state)
{
	(void)state;
	run("if header :matches \"List-Id\" \"*<*.*>*\" { set :lower \"l\" "
	    "\"${2}\"; fileinto \"Lists.${l}\"; }",
	    "fileinto:Lists.dovecot no-keep");
	run("if header :matches \"Subject\" \"[*] *\" { fileinto "
	    "\"${1}|${2}|${0000001}\"; }", "fileinto:acme-users|"
	    "[fwd] version 1.0 is out|acme-users no-keep");
	/* a failed match leaves them; a successful one replaces them */
	run("if string :matches \"a:b\" \"*:*\" {} "
	    "if string :matches \"c:d\" \"x*\" {} fileinto \"${1}${2}\"; "
	    "if string :matches \"e-f\" \"*-*\" {} fileinto \"${1}${2}\";",
	    "fileinto:ab fileinto:ef no-keep");
	run("if string :regex \"the cat jumps\" \"the (.*) (jumps)\" { "
	    "fileinto \"${1}:${2}\"; }", "fileinto:cat:jumps no-keep");
	/* anyof stops at the first true test: no match values */
	run("if anyof (true, header :matches \"Subject\" \"*\") { "
	    "fileinto \"z${0}z\"; }", "fileinto:zz no-keep");
	run("if string :matches \"frop\" \"??op\" { "
	    "fileinto \"${0}:${1}:${2}:${3}:\"; }",
	    "fileinto:frop:f:r:: no-keep");
}

static void test_string(void **state)
{
	(void)state;
	/* i;octet by default, unlike header */
	run("set \"t\" \"Value\"; if string \"${t}\" \"value\" { "
	    "fileinto \"casemap\"; } else { fileinto \"octet\"; }",
	    "fileinto:octet no-keep");
	run("if string :comparator \"i;ascii-casemap\" \"Value\" \"value\" "
	    "{ fileinto \"casemap\"; }", "fileinto:casemap no-keep");
	run("if string :count \"eq\" :comparator \"i;ascii-numeric\" "
	    "[\"a\", \"\", \"c\"] \"2\" { fileinto \"two\"; }",
	    "fileinto:two no-keep");
	run("if string :is \"\" \"\" { fileinto \"empty\"; }",
	    "fileinto:empty no-keep");
	run("set \"vara\" \"  value  \"; if string :is \"${vara}\" "
	    "\"  value  \" { fileinto \"ws\"; }", "fileinto:ws no-keep");
	run("if string :contains [\"abc\", \"def\"] \"e\" { fileinto "
	    "\"list\"; }", "fileinto:list no-keep");
	run("if string :value \"gt\" :comparator \"i;ascii-numeric\" "
	    "\"10\" \"9\" { fileinto \"gt\"; }", "fileinto:gt no-keep");
}

static void test_limits(void **state)
{
	struct sieve_native_limits lim = { .max_scope_size = 3,
	    .max_variable_size = 4000 };

	(void)state;
	run_lim("set \"a\" \"1\"; set \"b\" \"2\"; set \"c\" \"3\"; "
	    "set \"A\" \"4\"; fileinto \"${a}\";", &lim,
	    "fileinto:4 no-keep");
	run_lim("set \"a\" \"1\"; set \"b\" \"2\"; set \"c\" \"3\"; "
	    "set \"d\" \"4\";", &lim, "FAILED: line 2, column 44: "
	    "(implicit) declaration of new variable 'd' exceeds the limit "
	    "(max variables: 3)");
	/* 10 * 10 * 10 * 5 = 5000 bytes, kept: 4000 */
	run_lim("set \"b\" \"0123456789\"; "
	    "set \"b\" \"${b}${b}${b}${b}${b}${b}${b}${b}${b}${b}\"; "
	    "set \"b\" \"${b}${b}${b}${b}${b}${b}${b}${b}${b}${b}\"; "
	    "set \"b\" \"${b}${b}${b}${b}${b}\"; set :length \"n\" \"${b}\"; "
	    "fileinto \"${n}\";", &lim, "fileinto:4000 no-keep");
}

static void test_encoded_character(void **state)
{
	(void)state;
	run("fileinto \"${hex:4A 75 6E 6B}\";", "fileinto:Junk no-keep");
	run("fileinto \"${unicode:263a}\";",
	    "fileinto:\xe2\x98\xba no-keep");
	run("set \"name\" \"Ethelbert\"; "
	    "fileinto \"dear${hex:20 24 7b 4e}ame}\";",
	    "fileinto:dear Ethelbert no-keep");
	run("fileinto \"${hex:400}\";", "fileinto:${hex:400} no-keep");
	run("fileinto \"${unicode:d800}\";", "FAILED: line 2, column 10: "
	    "invalid unicode character 0x0000d800 in encoded character "
	    "substitution");
	run("if header :is \"Subject\" \"${hex:5b}acme-users] [fwd] "
	    "version 1.0 is out\" { fileinto \"decoded key\"; }",
	    "fileinto:decoded key no-keep");
}

/* Without the requires, strings are taken as written. */
static void test_not_required(void **state)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = { .headers = &idx };
	static const char src[] = "require \"fileinto\"; "
	    "fileinto \"${hex:41}${a}\";";

	(void)state;
	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	assert_false(r.failed);
	assert_int_equal(r.plan.count, 1);
	assert_string_equal(r.plan.actions[0].mailbox, "${hex:41}${a}");
	sieve_result_free(&r);
	sieve_script_free(s);
}

/* A tree checked twice is decoded once: "${hex:24}{hex:41}" stays
 * "${hex:41}" and does not become "A". */
static void test_decoded_once(void **state)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = { .headers = &idx };
	static const char src[] = "require [\"fileinto\", "
	    "\"encoded-character\"]; fileinto \"${hex:24}{hex:41}\";";

	(void)state;
	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_check(s, &r), 0);
	assert_false(r.failed);
	sieve_result_free(&r);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	assert_int_equal(r.plan.count, 1);
	assert_string_equal(r.plan.actions[0].mailbox, "${hex:41}");
	sieve_result_free(&r);
	sieve_script_free(s);
}

/* sieve_variables_max_scope_size at compile time: the first name past
 * the limit is one error, at that set; names used again do not count. */
static void test_scope_limit_at_check(void **state)
{
	static const char src[] = "require \"variables\";\n"
	    "set \"a\" \"1\";\nset \"A\" \"2\";\nset \"b\" \"3\";\n"
	    "set \"c\" \"4\";\nset \"d\" \"5\";\n";
	struct sieve_ncheck_result *ck = calloc(1, sizeof *ck);
	struct sieve_script *s;
	struct sieve_diag d;
	char line[700];

	(void)state;
	assert_non_null(ck);
	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	ck->max_scope_size = 2;
	assert_int_equal(sieve_ext_check(s, ck), -1);
	assert_int_equal(ck->nerrors, 1);
	assert_int_equal(ck->ndiags, 1);
	sieve_diag_format(&ck->diags[0], line, sizeof line);
	assert_string_equal(line, "line 5, column 5: (implicit) declaration "
	    "of new variable 'c' exceeds the limit (max variables: 2)");
	memset(ck, 0, sizeof *ck);
	ck->max_scope_size = 3;
	assert_int_equal(sieve_ext_check(s, ck), -1);
	assert_int_equal(ck->nerrors, 1);
	memset(ck, 0, sizeof *ck);
	assert_int_equal(sieve_ext_check(s, ck), 0);   /* 255 */
	sieve_script_free(s);
	free(ck);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_expand),
		cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_modifier_errors),
		cmocka_unit_test(test_match_variables),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_encoded_character),
		cmocka_unit_test(test_not_required),
		cmocka_unit_test(test_decoded_once),
		cmocka_unit_test(test_scope_limit_at_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

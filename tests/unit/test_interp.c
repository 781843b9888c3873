/* test_interp.c: the native Sieve interpreter (src/sieve/interp*.c,
 * ext_base.c, ext_fileinto.c) on parsed scripts and a synthetic header
 * index: control flow, each base test and action, the implicit keep,
 * the limits, and hostile header values evaluated in bounded time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "headers.h"
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
	hdr("From", "Alice <alice@example.com>");
	hdr("To", "bob+lists@example.org, carol@example.net");
	hdr("Subject", "=?UTF-8?Q?caf=C3=A9?= news");
	hdr("Received", "from a");
	hdr("Received", "from b");
	hdr("X-Trail", "abc \t ");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	header_index_free(&idx);
	return 0;
}

static struct sieve_env env_of(void)
{
	struct sieve_env env = {
		.headers = &idx, .sender = "alice@example.com",
		.recipient = "bob+lists@example.org", .size = 2000,
		.delimiter = "+",
	};
	return env;
}

/* The plan as "type[:arg]" words, then "keep" when the implicit keep
 * stays, or "FAILED: first error". */
static void summary(const struct sieve_result *r, char *out, size_t len)
{
	static const char *const names[] = { "keep", "fileinto", "discard",
	    "redirect", "reject", "vacation", "notify" };

	out[0] = '\0';
	if (r->failed) {
		(void)snprintf(out, len, "FAILED: %s", r->errors.count ?
		    r->errors.items[0] : "?");
		return;
	}
	for (size_t i = 0; i < r->plan.count; i++) {
		const struct action *a = &r->plan.actions[i];
		char w[300];

		(void)snprintf(w, sizeof w, "%s%s%s ", names[a->type],
		    a->mailbox || a->address ? ":" : "",
		    a->mailbox ? a->mailbox : a->address ? a->address : "");
		(void)strlcat(out, w, len);
	}
	(void)strlcat(out, r->keep ? "implicit-keep" : "no-keep", len);
}

static void run_env(const char *src, const struct sieve_native_limits *lim,
    struct sieve_env env, const char *want)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	char got[4096];

	if (sieve_parse(src, strlen(src), &s, &d) != 0) {
		(void)sieve_diag_format(&d, got, sizeof got);
		print_error("parse error: %s\n", got);
		fail();
	}
	assert_int_equal(sieve_native_eval(s, &env, lim, &r), 0);
	summary(&r, got, sizeof got);
	if (strcmp(got, want) != 0) {
		print_error("script: %s\n got: %s\nwant: %s\n", src, got, want);
		fail();
	}
	sieve_result_free(&r);
	sieve_script_free(s);
}

static void run_lim(const char *src, const struct sieve_native_limits *lim,
    const char *want)
{
	run_env(src, lim, env_of(), want);
}

/* The same, for a result of which only the tail is known (the column of
 * the test hitting a limit depends on the script's layout). */
static void run_tail(const char *src, const struct sieve_native_limits *lim,
    const char *head, const char *tail)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = env_of();
	char got[4096];
	size_t n;

	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, lim, &r), 0);
	summary(&r, got, sizeof got);
	n = strlen(got);
	if (strncmp(got, head, strlen(head)) != 0 || n < strlen(tail) ||
	    strcmp(got + n - strlen(tail), tail) != 0) {
		print_error(" got: %s\nwant: %s...%s\n", got, head, tail);
		fail();
	}
	assert_true(r.keep);
	assert_int_equal(r.plan.count, 0);
	sieve_result_free(&r);
	sieve_script_free(s);
}

static void run(const char *src, const char *want)
{
	run_lim(src, NULL, want);
}

static void test_empty_and_keep(void **state)
{
	(void)state;
	run("", "implicit-keep");
	run("keep;", "keep implicit-keep");
	run("discard;", "discard no-keep");
	run("stop; discard;", "implicit-keep");
	run("redirect \"x@example.com\";", "redirect:x@example.com no-keep");
	run("require \"fileinto\"; fileinto \"A\"; fileinto \"A\";",
	    "fileinto:A no-keep");
	run("require \"fileinto\"; keep; fileinto \"A\";",
	    "keep fileinto:A no-keep");
	/* keep and fileinto "INBOX" are one store into the INBOX: the
	 * first stays in its place, a keep takes over a fileinto */
	run("require \"fileinto\"; keep; fileinto \"A\"; fileinto "
	    "\"INBOX\";", "keep fileinto:A no-keep");
	run("require \"fileinto\"; fileinto \"inbox\"; fileinto \"A\"; "
	    "keep;", "keep fileinto:A no-keep");
	run("require \"fileinto\"; fileinto \"INBOX\"; fileinto "
	    "\"INBOX\";", "fileinto:INBOX no-keep");
}

static void test_if_chain(void **state)
{
	(void)state;
	run("if false { discard; } elsif true { keep; } else { stop; }",
	    "keep implicit-keep");
	run("if false { discard; } elsif false { keep; } else "
	    "{ redirect \"a@b.c\"; }", "redirect:a@b.c no-keep");
	run("if true { keep; } elsif true { discard; } else { discard; }",
	    "keep implicit-keep");
	/* a new if starts a new chain */
	run("if true { keep; } if false { discard; } else "
	    "{ redirect \"a@b.c\"; }", "keep redirect:a@b.c no-keep");
	run("if true { if true { stop; } } discard;", "implicit-keep");
}

static void test_not_anyof_allof(void **state)
{
	(void)state;
	run("if not false { keep; }", "keep implicit-keep");
	run("if anyof (false, true) { keep; }", "keep implicit-keep");
	run("if anyof (false, false) { keep; }", "implicit-keep");
	run("if allof (true, false) { keep; }", "implicit-keep");
	run("if allof (true, not false) { keep; }", "keep implicit-keep");
}

static void test_short_circuit(void **state)
{
	struct sieve_native_limits lim = { .max_steps = 20 };

	(void)state;
	/* the size test after true never runs: few steps */
	run_lim("if anyof (true, header :contains \"received\" "
	    "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]) "
	    "{ keep; }", &lim, "keep implicit-keep");
	run_lim("if allof (false, header :contains \"received\" "
	    "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]) "
	    "{ keep; }", &lim, "implicit-keep");
}

static void test_header(void **state)
{
	(void)state;
	run("if header :is \"subject\" \"café news\" { keep; }",
	    "keep implicit-keep");   /* RFC 2047-decoded */
	run("if header :contains \"received\" \"from b\" { keep; }",
	    "keep implicit-keep");   /* every occurrence */
	run("if header :matches \"from\" \"*@EXAMPLE.com>\" { keep; }",
	    "keep implicit-keep");   /* i;ascii-casemap by default */
	run("if header :comparator \"i;octet\" :matches \"from\" "
	    "\"*@EXAMPLE.com>\" { keep; }", "implicit-keep");
	run("if header \"x-none\" \"\" { keep; }", "implicit-keep");
	/* trailing whitespace is not part of the value (Pigeonhole) */
	run("if header :is \"x-trail\" \"abc\" { keep; }",
	    "keep implicit-keep");
	run("if header :contains [\"x-none\", \"subject\"] \"news\" "
	    "{ keep; }", "keep implicit-keep");
}

static void test_address_exists_size(void **state)
{
	(void)state;
	run("if address :domain \"to\" \"example.net\" { keep; }",
	    "keep implicit-keep");
	run("if address :localpart :is \"from\" \"alice\" { keep; }",
	    "keep implicit-keep");
	run("if address :all \"from\" \"Alice <alice@example.com>\" "
	    "{ keep; }", "implicit-keep");
	run("if exists [\"from\", \"to\"] { keep; }", "keep implicit-keep");
	run("if exists [\"from\", \"x-none\"] { keep; }", "implicit-keep");
	run("if size :over 1999 { keep; }", "keep implicit-keep");
	run("if size :over 2000 { keep; }", "implicit-keep");
	run("if size :under 2001 { keep; }", "keep implicit-keep");
	run("if size :under 2000 { keep; }", "implicit-keep");
	run("if size :under 1K { discard; }", "implicit-keep");
}

static void test_check_errors(void **state)
{
	(void)state;
	run("fileinto \"x\";", "FAILED: line 1, column 1: `fileinto` needs "
	    "`require \"fileinto\"`");
	/* the list grows with the extension table */
	run_tail("require \"nosuch\";", NULL, "FAILED: line 1, column 9: "
	    "unknown extension `nosuch` (supported: body "
	    "comparator-i;ascii-casemap ", ")");
	run("if size 3 { keep; }", "FAILED: line 1, column 4: `size` needs "
	    "`:over` or `:under`");
	run("keep; require \"fileinto\";", "FAILED: line 1, column 7: "
	    "`require` must come before any other command, at the top of "
	    "the script");
	run("if header :is :contains \"a\" \"b\" { keep; }", "FAILED: line 1,"
	    " column 15: tag `:contains` conflicts with an earlier tag of "
	    "the same kind");
	run("if address \"subject\" \"x\" { keep; }", "FAILED: line 1, "
	    "column 12: specified header 'subject' is not allowed for the "
	    "address test");
	run("redirect \"not an address\";", "FAILED: line 1, column 10: "
	    "specified redirect address 'not an address' is invalid");
	run("redirect \"Bob <bob@example.org>\";",
	    "redirect:bob@example.org no-keep");
	/* a local part that is no Dot-string stays quoted, as SMTP needs */
	run("redirect \"\\\"S[r]us\\\"@example.net\";",
	    "redirect:\"S[r]us\"@example.net no-keep");
	run("redirect \"\\\"Sirius\\\"@example.net\";",
	    "redirect:Sirius@example.net no-keep");
	run("elsif true { keep; }", "FAILED: line 1, column 1: `elsif` "
	    "without a preceding `if`");
	/* the deprecated imapflags and imap4flags exclude each other,
	 * by require or by ihave, in either order */
	run("require \"imapflags\"; require \"imap4flags\";",
	    "FAILED: line 1, column 30: the (deprecated) imapflags "
	    "extension cannot be used together with the imap4flags "
	    "extension");
	run("require [\"imap4flags\", \"ihave\"]; if ihave \"imapflags\" "
	    "{ keep; }", "FAILED: line 1, column 43: the (deprecated) "
	    "imapflags extension cannot be used together with the "
	    "imap4flags extension");
	run("require \"imapflags\"; addflag \"A\";", "implicit-keep");
	/* a folder name made at run time that is not UTF-8 */
	run("require [\"fileinto\", \"variables\", \"encoded-character\"]; "
	    "set \"m\" \"${hex:ff}rop\"; fileinto \"${m}\";",
	    "FAILED: line 1, column 81: fileinto: invalid folder name (not "
	    "UTF-8)");
	run("require [\"fileinto\", \"variables\"]; set \"m\" "
	    "\"\xc3\xa9t\xc3\xa9\"; fileinto \"${m}\";",
	    "fileinto:\xc3\xa9t\xc3\xa9 no-keep");
	/* envelope's keys are checked as address's and header's are */
	run("require [\"envelope\", \"regex\"]; if envelope :regex "
	    "\"from\" \"a[\" { keep; }", "FAILED: line 1, column 58: "
	    "invalid regular expression 'a[' for regex match: unmatched "
	    "[, [^, [:, [., or [=");
}

/* The envelope test on paths as an MTA may give them, and Pigeonhole's
 * "auth" part: the AUTH user when there is one, nothing otherwise */
static void test_envelope_parts(void **state)
{
	struct sieve_env env = env_of();
	const char *auth = "require \"envelope\"; if envelope :is \"auth\" "
	    "\"sirius\" { discard; } if envelope :contains \"auth\" \"\" "
	    "{ keep; }";

	(void)state;
	run(auth, "implicit-keep");
	env.auth = "sirius";
	run_env(auth, NULL, env, "discard keep no-keep");
	env = env_of();
	env.sender = "<@relay.example.net:alice@example.com>";
	run_env("require \"envelope\"; if envelope :all :is \"from\" "
	    "\"alice@example.com\" { discard; }", NULL, env,
	    "discard no-keep");
	env.sender = "alice@@example.com";
	run_env("require \"envelope\"; if envelope :domain :contains "
	    "\"from\" \"\" { discard; }", NULL, env, "implicit-keep");
}

/* Address tests reading the same text one after the other, as a header
 * and as an envelope path (parsed once and kept for the evaluation: the
 * kept parse must be the one of the same bytes read the same way). */
static void test_address_reread(void **state)
{
	struct sieve_env env = env_of();
	const char *src = "require [\"envelope\", \"fileinto\"]; "
	    "if address :domain \"from\" \"example.com\" { fileinto \"A\"; } "
	    "if envelope :domain \"from\" \"example.com\" { fileinto \"B\"; } "
	    "if address :domain \"to\" \"example.net\" { fileinto \"C\"; } "
	    "if address :localpart \"from\" \"alice\" { fileinto \"D\"; } "
	    "if envelope :all \"from\" \"\" { fileinto \"E\"; } "
	    "if address :all :is \"from\" \"alice@example.com\" "
	    "{ fileinto \"F\"; }";

	(void)state;
	/* the envelope sender is the From: header's text, not a path */
	env.sender = "Alice <alice@example.com>";
	run_env(src, NULL, env, "fileinto:A fileinto:C fileinto:D "
	    "fileinto:F no-keep");
	env.sender = "alice@example.com";
	run_env(src, NULL, env, "fileinto:A fileinto:B fileinto:C "
	    "fileinto:D fileinto:F no-keep");
}

/* Errors Pigeonhole logs and runs the script all the same (checked with
 * sieve-test): a variable in an unknown namespace, a match index above
 * 32; the references expand to "" */
static void test_soft_errors(void **state)
{
	const char *src = "require [\"variables\", \"fileinto\"];\n"
	    "fileinto \"x${namespace.frop}\";\n"
	    "if string \"${33}\" \"\" { keep; }";
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = env_of();

	(void)state;
	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	assert_false(r.failed);
	assert_int_equal(r.errors.count, 2);
	assert_string_equal(r.errors.items[0], "line 2, column 10: referring "
	    "to variable in unknown namespace 'namespace'");
	assert_string_equal(r.errors.items[1], "line 3, column 11: match "
	    "value index 33 out of range (max: 32)");
	assert_int_equal(r.plan.count, 2);
	assert_string_equal(r.plan.actions[0].mailbox, "x");
	assert_int_equal(r.plan.actions[1].type, ACTION_KEEP);
	sieve_result_free(&r);
	sieve_script_free(s);
}

/* RFC 5463 ihave: an unknown extension makes the test false and its
 * block is not even checked; a known one is enabled in it. */
static void test_ihave(void **state)
{
	(void)state;
	run("require \"ihave\"; if ihave \"nonsense-extension\" "
	    "{ nonsense_command \"Frop!\"; } redirect \"frop@example.com\";",
	    "redirect:frop@example.com no-keep");
	run("require \"ihave\"; if ihave \"fileinto\" { fileinto \"F\"; }",
	    "fileinto:F no-keep");
	run("require \"ihave\"; if ihave \"variables\" { discard; }",
	    "implicit-keep");
}

static void test_action_limits(void **state)
{
	struct sieve_native_limits lim = { .max_actions = 3 };

	(void)state;
	run_lim("require \"fileinto\"; fileinto \"a\"; fileinto \"b\"; "
	    "fileinto \"c\";", &lim, "fileinto:a fileinto:b fileinto:c "
	    "no-keep");
	run_lim("require \"fileinto\"; fileinto \"a\"; fileinto \"b\"; "
	    "fileinto \"c\"; fileinto \"d\";", &lim, "FAILED: line 1, column "
	    "63: total number of actions exceeds policy limit (4 > 3)");
	run("redirect \"a@x\"; redirect \"b@x\"; redirect \"c@x\"; "
	    "redirect \"d@x\"; redirect \"e@x\"; redirect \"a@x\";",
	    "FAILED: line 1, column 65: number of redirect actions exceeds "
	    "policy limit (5 > 4)");
}

static void test_step_limit(void **state)
{
	struct sieve_native_limits lim = { .max_steps = 30000 };
	char *src = malloc(2000000);
	size_t n;

	(void)state;
	assert_non_null(src);
	/* 20 tests of 2000 keys each against 2 Received values, no match:
	 * about 4000 steps a test */
	n = (size_t)snprintf(src, 100, "if anyof (");
	for (int t = 0; t < 20; t++) {
		n += (size_t)snprintf(src + n, 100, "%sheader :is \"received\" "
		    "[", t ? ", " : "");
		for (int k = 0; k < 2000; k++)
			n += (size_t)snprintf(src + n, 20, "%s\"k%d\"",
			    k ? "," : "", k);
		n += (size_t)snprintf(src + n, 10, "]");
	}
	(void)snprintf(src + n, 100, ") { discard; }");
	run_tail(src, &lim, "FAILED: line 1, column ", ": execution exceeded "
	    "the step limit (sieve_max_steps = 30000)");
	free(src);
}

static void test_hostile_headers(void **state)
{
	struct header_index saved = idx;
	char *big = malloc(1024 * 1024 + 1);
	struct timespec t0, t1;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 1024 * 1024);
	big[1024 * 1024] = '\0';
	memset(&idx, 0, sizeof idx);
	hdr("Subject", big);   /* kept cut at HEADER_VALUE_MAX */
	assert_int_equal(header_add(&idx, "X-Nul", 5, "ab\0cd", 5), 0);
	for (int i = 0; i < 10000; i++)
		hdr("Received", "from somewhere by elsewhere with ESMTP");
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	run("if header :matches \"subject\" \"*a*a*a*a*a*a*a*b\" "
	    "{ discard; }", "implicit-keep");
	run("if header :contains \"received\" \"nowhere\" { discard; }",
	    "implicit-keep");
	run("if header :is \"x-nul\" \"ab\" { discard; }",
	    "discard no-keep");
	run("if header :contains \"received\" \"x\" { discard; }",
	    "implicit-keep");
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	header_index_free(&idx);
	idx = saved;
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_keep),
		cmocka_unit_test(test_if_chain),
		cmocka_unit_test(test_not_anyof_allof),
		cmocka_unit_test(test_short_circuit),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_address_exists_size),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_ihave),
		cmocka_unit_test(test_envelope_parts),
		cmocka_unit_test(test_address_reread),
		cmocka_unit_test(test_soft_errors),
		cmocka_unit_test(test_action_limits),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_hostile_headers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

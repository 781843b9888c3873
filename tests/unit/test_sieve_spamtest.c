/* test_sieve_spamtest.c: the value spamtest, spamtestplus and virustest
 * compare (src/sieve/sieve_spamtest.c): decimal and strlen parsing,
 * score/strlen/text status types, the clamping to 1..10 / 1..5 / 0..100,
 * "0" for a message not tested, configuration errors, and the
 * SpamAssassin and rspamd settings deliver.conf(5) documents.  Expected
 * values follow Pigeonhole 0.5.19 (extensions/spamvirustest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sieve_spamtest.h"

#include <cmocka.h>

/* The message: "Name: value" lines, first occurrence wins. */
static const char *const *headers;

static const char *fake_header(void *ctx, const char *name)
{
	static char value[512];
	size_t n = strlen(name);

	(void)ctx;
	for (const char *const *h = headers; h && *h; h++)
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':') {
			const char *v = *h + n + 1;

			v += strspn(v, " \t");
			(void)snprintf(value, sizeof value, "%s", v);
			return value;
		}
	return NULL;
}

static struct config cfg;

static int setup(void **state)
{
	(void)state;
	config_defaults(&cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	return 0;
}

static void set(const char *key, const char *value)
{
	char err[200];

	assert_int_equal(config_set(&cfg, key, value, err, sizeof err), 0);
}

/* The value, with the outcome checked. */
static const char *value_of(enum spamtest_kind kind, bool percent,
    enum spamtest_outcome want)
{
	static char out[8];
	char why[512];

	assert_int_equal(spamtest_value(&cfg, kind, percent, fake_header,
	    NULL, 100000, out, sizeof out, why, sizeof why), want);
	return out;
}

static void test_decimal(void **state)
{
	double d;

	(void)state;
	assert_int_equal(spamtest_parse_decimal("5.3", &d), 0);
	assert_true(d == 5.3);
	assert_int_equal(spamtest_parse_decimal("-1.6", &d), 0);
	assert_true(d == -1.6);
	assert_int_equal(spamtest_parse_decimal("+12", &d), 0);
	assert_true(d == 12);
	assert_int_equal(spamtest_parse_decimal("0,25", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(spamtest_parse_decimal(".01", &d), 0);
	assert_true(d == 0.01);
	assert_int_equal(spamtest_parse_decimal("99999.99999", &d), 0);
	assert_int_equal(spamtest_parse_decimal("", &d), -1);
	assert_int_equal(spamtest_parse_decimal("123456", &d), -1);
	assert_int_equal(spamtest_parse_decimal("1.123456", &d), -1);
	assert_int_equal(spamtest_parse_decimal("5.3 ", &d), -1);
	assert_int_equal(spamtest_parse_decimal("1e3", &d), -1);
	assert_int_equal(spamtest_parse_decimal("Yes", &d), -1);
}

static void test_strlen(void **state)
{
	double d;

	(void)state;
	assert_int_equal(spamtest_parse_strlen("", &d), 0);
	assert_true(d == 0);
	assert_int_equal(spamtest_parse_strlen("*****", &d), 0);
	assert_true(d == 5);
	assert_int_equal(spamtest_parse_strlen("**+", &d), -1);
}

static void test_score_scale(void **state)
{
	char out[8];

	(void)state;
	spamtest_score(-1, SPAMTEST_SPAM, false, out, sizeof out);
	assert_string_equal(out, "0");
	spamtest_score(0, SPAMTEST_SPAM, false, out, sizeof out);
	assert_string_equal(out, "1");
	spamtest_score(0.8, SPAMTEST_SPAM, false, out, sizeof out);
	assert_string_equal(out, "8");
	spamtest_score(1, SPAMTEST_SPAM, false, out, sizeof out);
	assert_string_equal(out, "10");
	spamtest_score(7, SPAMTEST_SPAM, false, out, sizeof out);
	assert_string_equal(out, "10");           /* clamped */
	spamtest_score(0, SPAMTEST_VIRUS, false, out, sizeof out);
	assert_string_equal(out, "1");
	spamtest_score(1, SPAMTEST_VIRUS, false, out, sizeof out);
	assert_string_equal(out, "5");
	spamtest_score(0.29, SPAMTEST_SPAM, true, out, sizeof out);
	assert_string_equal(out, "29");           /* 28.999... + bias */
	spamtest_score(0, SPAMTEST_SPAM, true, out, sizeof out);
	assert_string_equal(out, "0");
	spamtest_score(-1, SPAMTEST_SPAM, true, out, sizeof out);
	assert_string_equal(out, "0");
}

/* type score with a max header, as Pigeonhole's spamtest.svtest */
static void test_score_max_header(void **state)
{
	static const char *const msg[] = {
		"X-SpamCheck: No, score=-1.6 required=5.0 autolearn=no",
		"X-SpamCheck2: No, score=1.0 required=5.0 autolearn=no",
		"X-SpamCheck3: No, score=4.0 required=5.0 autolearn=no",
		"X-SpamCheck5: Yes, score=7.6 required=5.0 autolearn=no",
		NULL };

	(void)state;
	headers = msg;
	set("sieve_spamtest_max_header", "X-SpamCheck:[ \\ta-zA-Z]+, "
	    "score=-?[0-9]+.[0-9]+ required=(-?[0-9]+.[0-9]+)");
	set("sieve_spamtest_status_header",
	    "X-SpamCheck:[ \\ta-zA-Z]+, score=(-?[0-9]+.[0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "1");                                 /* below zero: 1 */
	set("sieve_spamtest_status_header",
	    "X-SpamCheck2:[ \\ta-zA-Z]+, score=(-?[0-9]+.[0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "2");
	set("sieve_spamtest_status_header",
	    "X-SpamCheck3: [ \\ta-zA-Z]+, score=(-?[0-9]+.[0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "8");
	set("sieve_spamtest_status_header",
	    "X-SpamCheck5:[ \\ta-zA-Z]+, score=(-?[0-9]+.[0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "10");                                /* past the max */
	/* the header is missing: not tested */
	set("sieve_spamtest_status_header",
	    "X-Missing:[ \\ta-zA-Z]+, score=(-?[0-9]+.[0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_NOT_TESTED), "0");
	/* the regex does not match: not tested */
	set("sieve_spamtest_status_header", "X-SpamCheck: points=([0-9]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_NOT_TESTED), "0");
}

static void test_strlen_type(void **state)
{
	static const char *const msg[] = {
		"X-Spam-Status:", "X-Spam-Status1: s",
		"X-Spam-Status2: sssssss", "X-Spam-Status4: ssssssssssssss",
		"X-Spam-Status5: ssx", NULL };

	(void)state;
	headers = msg;
	set("sieve_spamtest_status_type", "strlen");
	set("sieve_spamtest_max_value", "8.0");
	set("sieve_spamtest_status_header", "X-Spam-Status");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "1");
	set("sieve_spamtest_status_header", "X-Spam-Status1");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "2");
	set("sieve_spamtest_status_header", "X-Spam-Status2");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "8");
	set("sieve_spamtest_status_header", "X-Spam-Status4");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "10");
	set("sieve_spamtest_status_header", "X-Spam-Status5");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_NOT_TESTED), "0");
}

static void test_text_type(void **state)
{
	static const char *const msg[] = {
		"X-Virus-Scan: Found to be clean.",
		"X-Virus-Scan1: Found to be infected.",
		"X-Virus-Scan2: Found to be harmless.",
		"X-Spam-Verdict: Spam", NULL };

	(void)state;
	headers = msg;
	set("sieve_virustest_status_type", "text");
	set("sieve_virustest_text_value1", "clean");
	set("sieve_virustest_text_value5", "infected");
	set("sieve_virustest_status_header",
	    "X-Virus-Scan:Found to be (.+)\\.");
	assert_string_equal(value_of(SPAMTEST_VIRUS, false, SPAMTEST_TESTED),
	    "1");
	set("sieve_virustest_status_header",
	    "X-Virus-Scan1:Found to be (.+)\\.");
	assert_string_equal(value_of(SPAMTEST_VIRUS, false, SPAMTEST_TESTED),
	    "5");
	set("sieve_virustest_status_header",
	    "X-Virus-Scan2:Found to be (.+)\\.");
	assert_string_equal(value_of(SPAMTEST_VIRUS, false,
	    SPAMTEST_NOT_TESTED), "0");
	/* spamtest's texts go to 10 */
	set("sieve_spamtest_status_type", "text");
	set("sieve_spamtest_status_header", "X-Spam-Verdict");
	set("sieve_spamtest_text_value10", "Spam");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "10");
	assert_string_equal(value_of(SPAMTEST_SPAM, true, SPAMTEST_TESTED),
	    "100");
}

static void test_percent(void **state)
{
	static const char *const msg[] = { "X-SpamCheck: .00",
		"X-SpamCheck1: .13", "X-SpamCheck2: 1.01", NULL };

	(void)state;
	headers = msg;
	set("sieve_spamtest_max_value", "1");
	set("sieve_spamtest_status_header", "X-SpamCheck");
	assert_string_equal(value_of(SPAMTEST_SPAM, true, SPAMTEST_TESTED),
	    "0");
	set("sieve_spamtest_status_header", "X-SpamCheck1");
	assert_string_equal(value_of(SPAMTEST_SPAM, true, SPAMTEST_TESTED),
	    "13");
	set("sieve_spamtest_status_header", "X-SpamCheck2");
	assert_string_equal(value_of(SPAMTEST_SPAM, true, SPAMTEST_TESTED),
	    "100");
}

static void test_config_errors(void **state)
{
	static const char *const msg[] = { "X-Spam-Score: 3.0", NULL };
	char err[200];

	(void)state;
	headers = msg;
	/* nothing configured: not tested, no error */
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_NOT_TESTED), "0");
	set("sieve_spamtest_status_header", "X-Spam-Score");
	/* neither max_header nor max_value */
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_BAD_CONFIG), "0");
	set("sieve_spamtest_max_value", "5.0");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "6");                     /* 3/5: 0.6 * 9 + 1 = 6.4 */
	set("sieve_spamtest_max_header", "X-Spam-Score");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_BAD_CONFIG), "0");   /* both */
	set("sieve_spamtest_max_header", "");
	set("sieve_spamtest_max_value", "five");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_BAD_CONFIG), "0");
	set("sieve_spamtest_max_value", "0");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_NOT_TESTED), "0");
	set("sieve_spamtest_max_value", "5");
	set("sieve_spamtest_status_header", "X-Spam-Score; x");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_BAD_CONFIG), "0");
	set("sieve_spamtest_status_header", "X-Spam-Score: (");
	assert_string_equal(value_of(SPAMTEST_SPAM, false,
	    SPAMTEST_BAD_CONFIG), "0");
	/* an unknown type is refused with the key */
	assert_int_equal(config_set(&cfg, "sieve_spamtest_status_type",
	    "yesno", err, sizeof err), -1);
}

/* deliver.conf(5)'s examples, with the headers the scanners write. */
static void test_documented_examples(void **state)
{
	static const char *const sa[] = {
		"X-Spam-Status: Yes, score=5.3 required=5.0 tests=BAYES_99 "
		"autolearn=no version=3.4.6", "X-Spam-Score: 5.3", NULL };
	static const char *const sa_ham[] = {
		"X-Spam-Status: No, score=-0.1 required=5.0", NULL };
	static const char *const rspamd[] = {
		"X-Spamd-Result: default: True [9.40 / 15.00]; "
		"BAYES_SPAM(5.10)[99.99%]", "X-Spam-Score: 9.40 / 15.00",
		NULL };

	(void)state;
	/* SpamAssassin: score and required from X-Spam-Status */
	headers = sa;
	set("sieve_spamtest_status_header", "X-Spam-Status: "
	    "[[:alpha:]]+, score=(-?[[:digit:]]+\\.[[:digit:]]+)");
	set("sieve_spamtest_max_header", "X-Spam-Status: [[:alpha:]]+, "
	    "score=-?[[:digit:]]+\\.[[:digit:]]+ "
	    "required=([[:digit:]]+\\.[[:digit:]]+)");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "10");                        /* 5.3 of 5.0: clamped */
	headers = sa_ham;
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "1");
	/* rspamd: score of the reject threshold in X-Spamd-Result */
	headers = rspamd;
	set("sieve_spamtest_status_header", "X-Spamd-Result: "
	    "[^[]*\\[(-?[[:digit:]]+\\.[[:digit:]]+) / "
	    "-?[[:digit:]]+\\.[[:digit:]]+\\]");
	set("sieve_spamtest_max_header", "X-Spamd-Result: "
	    "[^[]*\\[-?[[:digit:]]+\\.[[:digit:]]+ / "
	    "(-?[[:digit:]]+\\.[[:digit:]]+)\\]");
	assert_string_equal(value_of(SPAMTEST_SPAM, false, SPAMTEST_TESTED),
	    "6");                         /* 9.4/15 * 9 + 1 = 6.64 */
	assert_string_equal(value_of(SPAMTEST_SPAM, true, SPAMTEST_TESTED),
	    "62");                        /* 62.67 % */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_score_scale),
		cmocka_unit_test_setup_teardown(test_score_max_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_strlen_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_text_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_percent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_documented_examples,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

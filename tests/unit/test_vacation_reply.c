/* test_vacation_reply.c: a vacation reply's Subject and To
 * (src/vacation_reply.c) and the setting sieve_redirect_envelope_from
 * reads (config_address_source_valid), as Pigeonhole 0.5.19 has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "headers.h"
#include "vacation_reply.h"

static void add(struct header_index *h, const char *name, const char *value)
{
	assert_int_equal(header_add(h, name, strlen(name), value,
	    strlen(value)), 0);
}

static void test_cut_codepoints(void **state)
{
	char a[64] = "Auto: abcdef", b[64] = "Auto: abc";
	char j[64] = "\xe4\xbb\xa5\xe3\x81\xa4\xe3\x82\x8f";   /* 3 cps */

	(void)state;
	vacation_cut_codepoints(a, sizeof a, 8);
	assert_string_equal(a, "Auto: a\xe2\x80\xa6");
	vacation_cut_codepoints(b, sizeof b, 9);
	assert_string_equal(b, "Auto: abc");              /* not longer */
	vacation_cut_codepoints(j, sizeof j, 2);
	assert_string_equal(j, "\xe4\xbb\xa5\xe2\x80\xa6");
}

static void test_cut_in_full_buffer(void **state)
{
	char t[6] = "abcde";

	(void)state;
	/* no room for the 3-byte ellipsis after "abc": fewer kept */
	vacation_cut_codepoints(t, sizeof t, 4);
	assert_string_equal(t, "ab\xe2\x80\xa6");
}

static void test_encode_words(void **state)
{
	char out[256];

	(void)state;
	vacation_encode_words("\xc3\xa9", out, sizeof out);
	assert_string_equal(out, "=?UTF-8?B?w6k=?=");
	/* more than 45 bytes: two words, folded between them */
	vacation_encode_words("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9", out, sizeof out);
	assert_non_null(strstr(out, "?=\n =?UTF-8?B?"));
}

static void test_subject(void **state)
{
	struct config cfg;
	struct header_index h = { 0 }, none = { 0 };
	char out[512];

	(void)state;
	config_defaults(&cfg);
	add(&h, "Subject", "=?UTF-8?Q?caf=C3=A9?=");
	vacation_subject(&cfg, &h, NULL, out, sizeof out);
	/* decoded, prefixed, encoded again as one word */
	assert_string_equal(out, "=?UTF-8?B?QXV0bzogY2Fmw6k=?=");
	vacation_subject(&cfg, &h, "Tulips", out, sizeof out);
	assert_string_equal(out, "Tulips");
	assert_int_equal(config_set(&cfg,
	    "sieve_vacation_default_subject_template", "Re %$ / %{subject} %%",
	    out, sizeof out), 0);
	header_index_free(&h);
	add(&h, "Subject", "Bloemetjes");
	vacation_subject(&cfg, &h, NULL, out, sizeof out);
	assert_string_equal(out, "Re Bloemetjes / Bloemetjes %");
	vacation_subject(&cfg, &none, NULL, out, sizeof out);
	assert_string_equal(out, "Automated reply");
	assert_int_equal(config_set(&cfg, "sieve_vacation_default_subject",
	    "Away", out, sizeof out), 0);
	vacation_subject(&cfg, &none, NULL, out, sizeof out);
	assert_string_equal(out, "Away");
	header_index_free(&h);
	config_free(&cfg);
}

static void test_reply_to(void **state)
{
	struct config cfg;
	struct header_index h = { 0 };
	char out[512];

	(void)state;
	config_defaults(&cfg);
	add(&h, "From", "\"Stephan Bosch\" <stephan@example.org>");
	add(&h, "Sender", "\"H-J T\" <hj@example.org>");
	vacation_reply_to(&cfg, &h, "stephan@example.org", out, sizeof out);
	assert_string_equal(out, "\"Stephan Bosch\" <stephan@example.org>");
	vacation_reply_to(&cfg, &h, "hj@example.org", out, sizeof out);
	assert_string_equal(out, "\"H-J T\" <hj@example.org>");
	vacation_reply_to(&cfg, &h, "arie@example.org", out, sizeof out);
	assert_string_equal(out, "<arie@example.org>");
	assert_int_equal(config_set(&cfg,
	    "sieve_vacation_to_header_ignore_envelope", "yes", out,
	    sizeof out), 0);
	vacation_reply_to(&cfg, &h, "srs0=x@example.org", out, sizeof out);
	assert_string_equal(out, "\"H-J T\" <hj@example.org>");
	header_index_free(&h);
	config_free(&cfg);
}

static void test_address_source(void **state)
{
	struct config cfg;
	char err[256];

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(cfg.sieve_redirect_envelope_from, "sender");
	assert_true(config_address_source_valid(" Recipient "));
	assert_true(config_address_source_valid("orig_recipient"));
	assert_true(config_address_source_valid("<>"));
	assert_true(config_address_source_valid("<bounce@example.net> "));
	assert_false(config_address_source_valid("bounce@example.net"));
	assert_false(config_address_source_valid("<bad address@x>"));
	assert_false(config_address_source_valid("<@x>"));
	assert_int_equal(config_set(&cfg, "sieve_redirect_envelope_from",
	    " <BackScatter@Example.net> ", err, sizeof err), 0);
	/* trimmed and lower-cased, as Pigeonhole reads it */
	assert_string_equal(cfg.sieve_redirect_envelope_from,
	    "<backscatter@example.net>");
	assert_int_equal(config_reset(&cfg, "sieve_redirect_envelope_from"),
	    0);
	assert_string_equal(cfg.sieve_redirect_envelope_from, "sender");
	assert_int_equal(config_set(&cfg, "sieve_redirect_envelope_from",
	    "somebody", err, sizeof err), -1);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_codepoints),
		cmocka_unit_test(test_cut_in_full_buffer),
		cmocka_unit_test(test_encode_words),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_reply_to),
		cmocka_unit_test(test_address_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

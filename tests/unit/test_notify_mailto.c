/* test_notify_mailto.c: the mailto URI parser of enotify
 * (src/sieve/notify_mailto.c): recipients, hfields, percent-decoding,
 * reserved and unique headers, limits, and hostile URIs (huge, %00,
 * CR/LF and 8-bit smuggled into header values, header injection through
 * hfield names), each with its exact result or error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notify_mailto.h"

static struct mailto_uri u;
static char err[MAILTO_ERR_MAX];

static int parse(const char *body)
{
	err[0] = '\0';
	return mailto_parse(body, &u, err, sizeof err);
}

static void test_simple(void **state)
{
	(void)state;
	assert_int_equal(parse("stephan@example.org"), 0);
	assert_int_equal(u.nrcpt, 1);
	assert_string_equal(u.rcpt[0].full, "stephan@example.org");
	assert_string_equal(u.rcpt[0].address, "stephan@example.org");
	assert_false(u.rcpt[0].cc);
	assert_int_equal(u.nhdr, 0);
	assert_null(u.subject);
	assert_null(u.body);
	mailto_free(&u);
}

static void test_recipients_and_fields(void **state)
{
	(void)state;
	assert_int_equal(parse("timo@example.com%2cstephan@Dovecot.Example."
	    "NET?cc=postmaster@frop.example.org&subject=Frop%20received&"
	    "body=Line%0D%0Atwo&X-Tag=a%3Db&reply-to=r@x.org&reply-to=s@x."
	    "org"), 0);
	assert_int_equal(u.nrcpt, 3);
	assert_string_equal(u.rcpt[0].address, "timo@example.com");
	assert_string_equal(u.rcpt[1].full, "stephan@Dovecot.Example.NET");
	assert_string_equal(u.rcpt[1].address, "stephan@dovecot.example.net");
	assert_string_equal(u.rcpt[2].address, "postmaster@frop.example.org");
	assert_true(u.rcpt[2].cc);
	assert_string_equal(u.subject, "Frop received");
	/* the body may hold line ends; header values may not */
	assert_string_equal(u.body, "Line\r\ntwo");
	assert_int_equal(u.nhdr, 2);
	assert_string_equal(u.hdr[0].name, "X-Tag");
	assert_string_equal(u.hdr[0].value, "a=b");
	assert_string_equal(u.hdr[1].name, "reply-to");
	assert_string_equal(u.hdr[1].value, "r@x.org");
	assert_int_equal(u.ignored, 1);          /* the second reply-to */
	mailto_free(&u);
}

static void test_display_names(void **state)
{
	(void)state;
	assert_int_equal(parse("?to=%3D%3Futf-8%3Fq%3FG%3DC3%3DBCnther%3F%3D"
	    "%20M.%20Karotte%20%3Cg.m.karotte%40example.com%3E"), 0);
	assert_int_equal(u.nrcpt, 1);
	assert_string_equal(u.rcpt[0].full,
	    "=?utf-8?q?G=C3=BCnther?= M. Karotte <g.m.karotte@example.com>");
	assert_string_equal(u.rcpt[0].address, "g.m.karotte@example.com");
	mailto_free(&u);
}

/* A quoted-pair in a display name is still one printable ASCII byte: an
 * escaped 8-bit or control byte would otherwise reach the To: line. */
static void test_display_name_quoted_pair(void **state)
{
	(void)state;
	assert_int_equal(parse("%22a%5C%22b%22%20%3Ce%40e.org%3E"), 0);
	assert_string_equal(u.rcpt[0].full, "\"a\\\"b\" <e@e.org>");
	mailto_free(&u);
	assert_int_equal(parse("%22%40%5Cx%5C%d5CXh%22%3Ce%40e%3E"), -1);
	assert_int_equal(parse("%22a%5C%0Db%22%3Ce%40e%3E"), -1);
}

/* A domain literal holds dtext only: a control character or an 8-bit
 * byte in it would reach the notification's To: line (found by
 * fuzz_notify_mailto). */
static void test_domain_literal(void **state)
{
	(void)state;
	assert_int_equal(parse("e@%5B192.0.2.1%5D"), 0);
	assert_string_equal(u.rcpt[0].address, "e@[192.0.2.1]");
	mailto_free(&u);
	assert_int_equal(parse("2@%5b%1D'%5D"), -1);
	assert_string_equal(err, "invalid recipient '2@[\\035']'");
	assert_int_equal(parse("2@%5b%b5%5D"), -1);
	assert_string_equal(err, "invalid recipient '2@[\\265]'");
	assert_int_equal(parse("2@%5ba%5Cb%5D"), -1);
	assert_string_equal(err, "invalid recipient '2@[a\\\\b]'");
}

static void test_duplicates(void **state)
{
	struct mailto_uri first;

	(void)state;
	/* a Cc that is also a To is one To */
	assert_int_equal(parse("a@x.org?cc=b@x.org&cc=a@X.ORG&to=b@X.org"), 0);
	assert_int_equal(u.nrcpt, 2);
	assert_false(u.rcpt[0].cc);
	assert_false(u.rcpt[1].cc);
	assert_int_equal(u.ignored, 2);
	first = u;
	/* a later notification leaves out who the first one notifies; the
	 * local part is compared exactly, the domain without case */
	assert_int_equal(parse("A@x.org%2cb@x.ORG%2Cc@x.org"), 0);
	assert_int_equal(mailto_drop_known(&u, &first), 2);
	assert_string_equal(u.rcpt[0].address, "A@x.org");
	assert_string_equal(u.rcpt[1].address, "c@x.org");
	mailto_free(&u);
	mailto_free(&first);
}

static void test_reserved_headers(void **state)
{
	(void)state;
	assert_int_equal(parse("a@x.org?From=evil@x.org&Auto-Submitted=no&"
	    "Message-ID=%3Cx%40y%3E&bcc=hidden@x.org&Received=x&"
	    "Content-Type=text%2Fhtml&X-Ok=1"), 0);
	assert_int_equal(u.nrcpt, 1);            /* bcc adds no recipient */
	assert_int_equal(u.nhdr, 1);
	assert_string_equal(u.hdr[0].name, "X-Ok");
	assert_int_equal(u.ignored, 6);
	mailto_free(&u);
}

static void test_limits(void **state)
{
	char uri[2048] = "";

	(void)state;
	for (int i = 0; i < 12; i++) {
		char one[32];

		snprintf(one, sizeof one, "%su%d@x.org", i ? "%2C" : "", i);
		strlcat(uri, one, sizeof uri);
	}
	assert_int_equal(parse(uri), 0);
	assert_int_equal(u.nrcpt, MAILTO_RECIPIENTS_MAX);
	assert_string_equal(u.rcpt[7].address, "u7@x.org");
	assert_int_equal(u.ignored, 4);
	mailto_free(&u);

	strlcpy(uri, "a@x.org?", sizeof uri);
	for (int i = 0; i < 20; i++) {
		char one[32];

		snprintf(one, sizeof one, "%sX-H%d=v", i ? "&" : "", i);
		strlcat(uri, one, sizeof uri);
	}
	assert_int_equal(parse(uri), 0);
	assert_int_equal(u.nhdr, MAILTO_HEADERS_MAX);
	assert_string_equal(u.hdr[15].name, "X-H15");
	assert_int_equal(u.ignored, 4);
	mailto_free(&u);
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("stephan@example.org;?header=frop"), -1);
	assert_string_equal(err, "invalid character ';' in the to part");
	assert_int_equal(parse("stephan@example.org?header<=frop"), -1);
	assert_string_equal(err, "invalid character in header field name "
	    "part");
	assert_int_equal(parse("stephan@example.org?header=fr>op"), -1);
	assert_string_equal(err, "invalid character in header field value "
	    "part");
	assert_int_equal(parse("stephan@example.org?header:=frop"), -1);
	assert_string_equal(err, "invalid header field name");
	assert_int_equal(parse("stephan%23example.org"), -1);
	assert_string_equal(err, "invalid recipient 'stephan#example.org'");
	assert_int_equal(parse("a@x.org?to=nico%23frop.example.org"), -1);
	assert_string_equal(err, "invalid recipient 'nico#frop.example.org'");
	assert_int_equal(parse("a@x.org%2C"), -1);
	assert_string_equal(err, "invalid recipient ''");
	assert_int_equal(parse("a@x.org%4"), -1);
	assert_string_equal(err, "invalid %-encoding");
	assert_int_equal(parse("a@x.org?s=%zz"), -1);
	assert_string_equal(err, "invalid %-encoding");
	assert_int_equal(parse("a@x.org?a=b?c"), -1);
	/* nothing is kept after an error */
	assert_int_equal(u.nrcpt, 0);
	assert_int_equal(u.nhdr, 0);
}

static void test_hostile(void **state)
{
	size_t big = MAILTO_URI_MAX + 1;
	char *huge = malloc(big + 1);

	(void)state;
	/* %00 anywhere */
	assert_int_equal(parse("a%00@x.org"), -1);
	assert_string_equal(err, "invalid %-encoding");
	assert_int_equal(parse("a@x.org?body=x%00y"), -1);
	assert_int_equal(parse("a@x.org?subject=x%00y"), -1);
	/* a header line of its own smuggled in through a value or a name */
	assert_int_equal(parse("a@x.org?subject=Hi%0D%0ABcc:%20x@evil.org"),
	    -1);
	assert_string_equal(err, "invalid header field body in 'subject'");
	assert_int_equal(parse("a@x.org?X-A=1%0ABcc:%20x@evil.org"), -1);
	assert_int_equal(parse("a@x.org?X-A=1%0D"), -1);
	assert_int_equal(parse("a@x.org?X-A%0D%0ABcc=x@evil.org"), -1);
	assert_string_equal(err, "invalid header field name");
	assert_int_equal(parse("a@x.org?X-A%3A%20b=1"), -1);
	assert_int_equal(parse("a@x.org?to=b@x.org%0D%0ABcc:c@x.org"), -1);
	/* raw control characters and 8-bit bytes are not qchars */
	assert_int_equal(parse("a@x.org?subject=a\r\nb"), -1);
	assert_int_equal(parse("a\n@x.org"), -1);
	assert_int_equal(parse("a@x.org?subject=\xc3\xa9"), -1);
	/* 8-bit smuggled in through %: kept out of header values, allowed
	 * in the body */
	assert_int_equal(parse("a@x.org?subject=%C3%A9"), -1);
	assert_int_equal(parse("a@x.org?body=%C3%A9"), 0);
	assert_string_equal(u.body, "\xc3\xa9");
	mailto_free(&u);
	/* a huge URI is refused before any work */
	assert_non_null(huge);
	memset(huge, 'a', big);
	huge[big] = '\0';
	assert_int_equal(parse(huge), -1);
	assert_string_equal(err, "URI too long");
	/* the longest one accepted: one long local part is no address */
	huge[MAILTO_URI_MAX] = '\0';
	memcpy(huge + MAILTO_URI_MAX - 6, "@x.org", 6);
	assert_int_equal(parse(huge), -1);
	/* many fields within the size: the limit keeps 16 */
	strlcpy(huge, "a@x.org?", MAILTO_URI_MAX);
	while (strlen(huge) + 8 < MAILTO_URI_MAX)
		strlcat(huge, "X-Y=z&", MAILTO_URI_MAX);
	assert_int_equal(parse(huge), 0);
	assert_int_equal(u.nhdr, MAILTO_HEADERS_MAX);
	assert_true(u.ignored > 5000);
	mailto_free(&u);
	free(huge);
}

static void test_mailbox(void **state)
{
	char addr[64];

	(void)state;
	assert_int_equal(mailto_mailbox(" Bob <bob@Example.ORG> ", addr,
	    sizeof addr), 0);
	assert_string_equal(addr, "bob@example.org");
	assert_int_equal(mailto_mailbox("\"a b\"@x.org", addr, sizeof addr),
	    0);
	assert_string_equal(addr, "\"a b\"@x.org");
	assert_int_equal(mailto_mailbox("\"Smith, J\" <j@x.org>", addr,
	    sizeof addr), 0);
	assert_int_equal(mailto_mailbox("stephan#example.org", addr,
	    sizeof addr), -1);
	assert_int_equal(mailto_mailbox("", addr, sizeof addr), -1);
	assert_int_equal(mailto_mailbox("a..b@x.org", addr, sizeof addr), -1);
	assert_int_equal(mailto_mailbox("a@x.org, b@x.org", addr,
	    sizeof addr), -1);
	assert_int_equal(mailto_mailbox("A <a@x.org> <b@x.org>", addr,
	    sizeof addr), -1);
	assert_int_equal(mailto_mailbox("a@[1.2.3.4]", addr, sizeof addr), 0);
	assert_int_equal(mailto_mailbox("a@x.org\n", addr, sizeof addr), -1);
	assert_int_equal(mailto_mailbox("0123456789012345678901234567890123"
	    "456789012345678901234567890@x.org", addr, sizeof addr), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_recipients_and_fields),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_display_name_quoted_pair),
		cmocka_unit_test(test_domain_literal),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_reserved_headers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_mailbox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

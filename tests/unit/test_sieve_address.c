/* test_sieve_address.c: address lists, envelope paths and address parts
 * (src/sieve/sieve_address.c).  The header values and what the address
 * test sees in them were checked one by one against Pigeonhole 0.5.19
 * (sieve-test, :all of the first and last address and :count); they
 * include Pigeonhole's testsuite (test-address.svtest,
 * extensions/subaddress/) and the examples of RFC 5322 appendix A. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sieve_address.h"

#include <cmocka.h>

/* ":all" of every item joined with " | ", raw items marked "RAW:" */
static const char *all_of(const char *value, size_t len)
{
	static char buf[8192];
	struct sieve_address_list l;
	assert_int_equal(sieve_address_list_parse(value, len, &l), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		bool nomem;
		char *a = sieve_address_part(&l.items[i], SIEVE_AP_ALL, "+", &nomem);
		assert_non_null(a);
		if (i > 0)
			strlcat(buf, " | ", sizeof buf);
		if (l.items[i].raw)
			strlcat(buf, "RAW:", sizeof buf);
		strlcat(buf, a, sizeof buf);
		free(a);
	}
	sieve_address_list_free(&l);
	return buf;
}

static const struct { const char *value, *want; } cases[] = {
	{ "stephan@example.com", "stephan@example.com" },
	{ "nico@nl.example.com, harry@de.example.com", "nico@nl.example.com | harry@de.example.com" },
	{ "Timo <tss(no spam)@fi.iki>", "tss@fi.iki" },
	{ "Stephan Bosch <stephan(the author)@example.com>", "stephan@example.com" },
	{ "tukkers: henk@tukkerland.ex, theo@tukkerland.ex, frits@tukkerland.ex;", "henk@tukkerland.ex | theo@tukkerland.ex | frits@tukkerland.ex" },
	{ "undisclosed-recipients:;", "RAW:undisclosed-recipients:;" },
	{ "stephan@", "RAW:stephan@" },
	{ "@example.org", "RAW:@example.org" },
	{ "nonsense", "RAW:nonsense" },
	{ "nico@frop.example.com, @example.org", "nico@frop.example.com" },
	{ "<j\xc3""\xbc""rgen@example.com>", "RAW:<j\xc3""\xbc""rgen@example.com>" },
	{ "=?UTF-8?B?RnJpZXBAZnJvcA0K?= <friep@example.com>", "friep@example.com" },
	{ "\"=?UTF-8?B?IkR1bWIgTWFpbGVyIg==?=\" <horde@lists.scotsmen.ex>", "horde@lists.scotsmen.ex" },
	{ "\"john doe\"@example.com", "\"john doe\"@example.com" },
	{ "\"john.doe\"@example.com", "john.doe@example.com" },
	{ "\"john\\\"x\"@example.com", "\"john\\\"x\"@example.com" },
	{ "john . doe @ example . com", "RAW:john . doe @ example . com" },
	{ "<>", "RAW:<>" },
	{ "<@route1,@route2:user@example.com>", "user@example.com" },
	{ "user@[192.168.1.1]", "user@[192.168.1.1]" },
	{ "a@b, ,c@d", "a@b | c@d" },
	{ "a@b,", "a@b" },
	{ ", a@b", "a@b" },
	{ "John Doe", "RAW:John Doe" },
	{ "John Doe <john@example.com", "RAW:John Doe <john@example.com" },
	{ "John Doe john@example.com", "RAW:John Doe john@example.com" },
	{ "john@example.com (John Doe)", "john@example.com" },
	{ "group: ; x@y", "RAW:group: ; x@y" },
	{ "(only a comment)", "" },
	{ "a@b; c@d", "a@b" },
	{ "a@b c@d", "a@b" },
	{ "<a@b> <c@d>", "a@b" },
	{ "a@b@c", "a@b" },
	{ "a..b@example.com", "\"a..b\"@example.com" },
	{ ".a@example.com", "\".a\"@example.com" },
	{ "a.@example.com", "\"a.\"@example.com" },
	{ "a@example..com", "RAW:a@example..com" },
	{ "a@-example.com", "a@-example.com" },
	{ "user@ex\xc3""\xa4""mple.com", "user@ex\xc3""\xa4""mple.com" },
	{ "\"a b\"@c, d@e", "\"a b\"@c | d@e" },
	{ "=?utf-8?q?x?= <a@b>", "a@b" },
	{ "\"unterminated <a@b>", "RAW:\"unterminated <a@b>" },
	{ "(unterminated a@b", "" },
	{ "a@b (unterminated", "RAW:a@b (unterminated" },
	{ "<a@b>x", "a@b" },
	{ "x<a@b>", "a@b" },
	{ "a<b>@c", "RAW:a<b>@c" },
	{ "\"quoted\"<a@b>", "a@b" },
	{ "g1: a@b; g2: c@d;", "a@b" },
	{ "g1: a@b, g2: c@d;", "a@b" },
	{ "a@b:c@d", "a@b" },
	{ "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", "mary@x.test | jdoe@example.org | one@y.test" },
	{ "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>", "boss@nil.test | sysservices@example.net" },
	{ "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", "c@a.test | joe@where.test | jdoe@one.test" },
	{ "Undisclosed recipients:;", "RAW:Undisclosed recipients:;" },
	{ "\"Joe Q. Public\" <john.q.public@example.com>", "john.q.public@example.com" },
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "pete@silly.test" },
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>, x@y", "pete@silly.test | x@y" },
	{ "a@b", "a@b" },
	{ "a@b.", "RAW:a@b." },
	{ "a@.b", "RAW:a@.b" },
	{ "a b@c", "RAW:a b@c" },
	{ "[a]@b", "RAW:[a]@b" },
	{ "a@[b", "RAW:a@[b" },
	{ "a@b]", "a@b" },
	{ "a@b>", "a@b" },
	{ "<a@b", "RAW:<a@b" },
};

static void test_header_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = all_of(cases[i].value, strlen(cases[i].value));
		if (strcmp(got, cases[i].want) != 0) {
			print_error("'%s': got '%s', want '%s'\n", cases[i].value,
			            got, cases[i].want);
			fail();
		}
	}
	/* empty value: one raw "" item; blanks only: nothing */
	assert_string_equal(all_of("", 0), "RAW:");
	assert_string_equal(all_of("   ", 3), "");
	/* folded header lines */
	assert_string_equal(all_of("a@b,\r\n\tc@d", 10), "a@b | c@d");
	assert_string_equal(all_of("\"a\r\n b\"@c", 10), "\"a b\"@c");
	/* a NUL in the value is not the end of it */
	assert_string_equal(all_of("a@b, c\0@d", 9), "a@b");
}

static char *part(const char *value, size_t idx, enum sieve_address_part p,
                  const char *delims)
{
	struct sieve_address_list l;
	assert_int_equal(sieve_address_list_parse(value, strlen(value), &l), 0);
	assert_true(idx < l.n);
	bool nomem = true;
	char *s = sieve_address_part(&l.items[idx], p, delims, &nomem);
	assert_false(nomem);
	sieve_address_list_free(&l);
	return s;
}

static void expect_part(const char *value, size_t idx,
                        enum sieve_address_part p, const char *delims,
                        const char *want)
{
	char *got = part(value, idx, p, delims);
	if (want == NULL) {
		if (got != NULL) {
			print_error("'%s' part %d: got '%s', want none\n", value,
			            (int)p, got);
			fail();
		}
		return;
	}
	if (got == NULL) {
		print_error("'%s' part %d: got none, want '%s'\n", value, (int)p,
		            want);
		fail();
	}
	assert_string_equal(got, want);
	free(got);
}

static void test_parts(void **state)
{
	(void)state;
	const char *to = "Nico@nl.example.com, harry@DE.EXAMPLE.COM";
	expect_part(to, 0, SIEVE_AP_LOCALPART, "+", "Nico");
	expect_part(to, 0, SIEVE_AP_DOMAIN, "+", "nl.example.com");
	expect_part(to, 1, SIEVE_AP_DOMAIN, "+", "DE.EXAMPLE.COM");
	expect_part(to, 1, SIEVE_AP_ALL, "+", "harry@DE.EXAMPLE.COM");
	/* the local part unquoted, :all quoted as SMTP writes it */
	expect_part("\"john doe\"@example.com", 0, SIEVE_AP_LOCALPART, "+",
	            "john doe");
	expect_part("\"a\\\\b\"@c", 0, SIEVE_AP_ALL, "+", "\"a\\\\b\"@c");
	expect_part("\"a\\\\b\"@c", 0, SIEVE_AP_LOCALPART, "+", "a\\b");
	/* subaddress (RFC 5233), extensions/subaddress/config.svtest */
	const char *from = "stephan+sieve@example.org";
	expect_part(from, 0, SIEVE_AP_USER, "+", "stephan");
	expect_part(from, 0, SIEVE_AP_DETAIL, "+", "sieve");
	expect_part("test-failed@example.com", 0, SIEVE_AP_USER, "-", "test");
	expect_part("test-failed@example.com", 0, SIEVE_AP_DETAIL, "-",
	            "failed");
	const char *friep = "friep+-frop@dovecot.example.net";
	expect_part(friep, 0, SIEVE_AP_USER, "+-", "friep");
	expect_part(friep, 0, SIEVE_AP_DETAIL, "+-", "-frop");
	expect_part(friep, 0, SIEVE_AP_USER, "-+", "friep");
	expect_part(friep, 0, SIEVE_AP_DETAIL, "-+", "-frop");
	expect_part("list_request@lists.example.net", 0, SIEVE_AP_USER, "+-_",
	            "list");
	expect_part("list_request@lists.example.net", 0, SIEVE_AP_DETAIL, "+-_",
	            "request");
	/* no delimiter: :user is the local part, :detail does not exist;
	 * a delimiter at the end: :detail is "" */
	expect_part("nico@example.com", 0, SIEVE_AP_USER, "+", "nico");
	expect_part("nico@example.com", 0, SIEVE_AP_DETAIL, "+", NULL);
	expect_part("nico+@example.com", 0, SIEVE_AP_DETAIL, "+", "");
	expect_part("nico+@example.com", 0, SIEVE_AP_USER, "+", "nico");
	expect_part("+spam@example.com", 0, SIEVE_AP_USER, "+", "");
	expect_part("a+b+c@example.com", 0, SIEVE_AP_DETAIL, "+", "b+c");
	expect_part("nico+x@example.com", 0, SIEVE_AP_DETAIL, "", NULL);
	expect_part("nico+x@example.com", 0, SIEVE_AP_USER, NULL, "nico+x");
	/* raw items: the value for :all, nothing for the other parts, and
	 * "" for every part of an empty value (test-address.svtest) */
	expect_part("nonsense", 0, SIEVE_AP_ALL, "+", "nonsense");
	expect_part("nonsense", 0, SIEVE_AP_LOCALPART, "+", NULL);
	expect_part("nonsense", 0, SIEVE_AP_DOMAIN, "+", NULL);
	expect_part("stephan@", 0, SIEVE_AP_USER, "+", NULL);
	expect_part("@example.org", 0, SIEVE_AP_DETAIL, "+", NULL);
	expect_part("", 0, SIEVE_AP_ALL, "+", "");
	expect_part("", 0, SIEVE_AP_LOCALPART, "+", "");
	expect_part("", 0, SIEVE_AP_DOMAIN, "+", "");
	expect_part("", 0, SIEVE_AP_DETAIL, "+", "");
	/* lookups */
	enum sieve_address_part ap;
	assert_int_equal(sieve_address_part_lookup("all", &ap), 0);
	assert_int_equal(ap, SIEVE_AP_ALL);
	assert_int_equal(sieve_address_part_lookup("localpart", &ap), 0);
	assert_int_equal(ap, SIEVE_AP_LOCALPART);
	assert_int_equal(sieve_address_part_lookup("domain", &ap), 0);
	assert_int_equal(ap, SIEVE_AP_DOMAIN);
	assert_int_equal(sieve_address_part_lookup("user", &ap), 0);
	assert_int_equal(ap, SIEVE_AP_USER);
	assert_int_equal(sieve_address_part_lookup("detail", &ap), 0);
	assert_int_equal(ap, SIEVE_AP_DETAIL);
	assert_int_equal(sieve_address_part_lookup(":all", &ap), -1);
	assert_int_equal(sieve_address_part_lookup("name", &ap), -1);
}

static char *path_part(const char *path, enum sieve_address_part p)
{
	struct sieve_address_list l;
	assert_int_equal(sieve_address_path_parse(path, &l), 0);
	assert_int_equal(l.n, 1);
	bool nomem;
	char *s = sieve_address_part(&l.items[0], p, "+", &nomem);
	sieve_address_list_free(&l);
	return s;
}

static void expect_path(const char *path, enum sieve_address_part p,
                        const char *want)
{
	char *got = path_part(path, p);
	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_envelope_paths(void **state)
{
	(void)state;
	/* the null path: "" for every part */
	expect_path("", SIEVE_AP_ALL, "");
	expect_path("", SIEVE_AP_LOCALPART, "");
	expect_path("", SIEVE_AP_DOMAIN, "");
	expect_path("<>", SIEVE_AP_ALL, "");
	expect_path("<>", SIEVE_AP_DETAIL, "");
	expect_path("friep+-frop@dovecot.example.net", SIEVE_AP_ALL,
	            "friep+-frop@dovecot.example.net");
	expect_path("friep+-frop@dovecot.example.net", SIEVE_AP_DETAIL, "-frop");
	expect_path("<user@example.com>", SIEVE_AP_DOMAIN, "example.com");
	expect_path("<user@example.com>", SIEVE_AP_LOCALPART, "user");
	expect_path("\"a@b\"@example.com", SIEVE_AP_LOCALPART, "a@b");
	expect_path("\"a@b\"@example.com", SIEVE_AP_DOMAIN, "example.com");
	expect_path("\"a@b\"@example.com", SIEVE_AP_ALL, "\"a@b\"@example.com");
	expect_path("\"a\\\"b\"@x", SIEVE_AP_LOCALPART, "a\"b");
	/* a local part alone (a local recipient): no domain */
	expect_path("postmaster", SIEVE_AP_ALL, "postmaster");
	expect_path("postmaster", SIEVE_AP_DOMAIN, NULL);
	expect_path("user@", SIEVE_AP_DOMAIN, NULL);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 MiB values of the shapes that cost the most: bounded time, no stack
 * growth with nesting, at most SIEVE_ADDRESS_MAX items */
static void test_hostile_values(void **state)
{
	(void)state;
	size_t n = 1024 * 1024;
	char *v = malloc(n);
	assert_non_null(v);
	double t0 = now();

	memset(v, '(', n);   /* an unclosed comment nested a million deep */
	assert_string_equal(all_of(v, n), "");
	for (size_t i = 0; i < n; i++)
		v[i] = i < n / 2 ? '(' : ')';
	memcpy(v + n / 2 - 4, "a@b", 3);
	memset(v + n - 3, ' ', 3);
	assert_string_equal(all_of(v, n), "");   /* all a comment */
	v[n - 1] = ')';   /* one ")" too many: not an address */
	assert_int_equal(strncmp(all_of(v, n), "RAW:(((", 7), 0);

	for (size_t i = 0; i + 4 <= n; i += 4)
		memcpy(v + i, "a@b,", 4);
	struct sieve_address_list l;
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	assert_int_equal(l.n, SIEVE_ADDRESS_MAX);
	sieve_address_list_free(&l);

	v[0] = 'g';   /* a group is one element, whatever it holds */
	v[1] = ':';
	for (size_t i = 2; i + 4 <= n; i += 4)
		memcpy(v + i, "a@b,", 4);
	v[n - 1] = ';';
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	assert_int_equal(l.n, (n - 2) / 4);
	sieve_address_list_free(&l);

	memset(v, 'a', n);   /* one long word: raw */
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	assert_int_equal(l.n, 1);
	assert_true(l.items[0].raw);
	sieve_address_list_free(&l);

	for (size_t i = 0; i + 2 <= n; i += 2)   /* dots and atoms */
		memcpy(v + i, "a.", 2);
	v[n - 2] = '@';
	v[n - 1] = 'b';
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	assert_int_equal(l.n, 1);
	assert_false(l.items[0].raw);
	assert_int_equal(strlen(l.items[0].local), n - 2);
	sieve_address_list_free(&l);

	memset(v, '<', n);
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	assert_true(l.n == 1 && l.items[0].raw);
	sieve_address_list_free(&l);

	memset(v, '"', n);   /* quoted strings back to back */
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	sieve_address_list_free(&l);

	for (size_t i = 0; i + 3 <= n; i += 3)   /* groups back to back */
		memcpy(v + i, "g:;", 3);
	assert_int_equal(sieve_address_list_parse(v, n, &l), 0);
	sieve_address_list_free(&l);

	/* 0.4 s in a plain build, 4 s under AddressSanitizer; anything
	 * quadratic in 1 MiB would take minutes */
	double took = now() - t0;
	if (took > 10.0) {
		print_error("took %.2f s\n", took);
		fail();
	}
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_values),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_envelope_paths),
		cmocka_unit_test(test_hostile_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

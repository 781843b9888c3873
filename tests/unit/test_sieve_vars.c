/* test_sieve_vars.c: the variables library (src/sieve/sieve_vars*.c) and
 * encoded-character decoding (src/sieve/sieve_encoded.c): the cases of
 * Pigeonhole's testsuite (the .svtest files of tests/extensions/variables and
 * encoded-character.svtest) at the level of the library, plus the limits,
 * the checker's messages and Pigeonhole's quirks we keep on purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_vars.h"
#include "sieve_vars_int.h"

#include <cmocka.h>

/* ---- helpers ---- */

static void set(struct sieve_vars *v, const char *name, const char *value)
{
	assert_int_equal(sieve_vars_set(v, name, value, strlen(value)), 0);
}

static void expands_n(const struct sieve_vars *v, const char *in,
    const char *want, size_t wantlen)
{
	char *out;
	size_t len;

	assert_int_equal(sieve_vars_expand(v, in, strlen(in), &out, &len), 0);
	if (len != wantlen || memcmp(out, want, len) != 0) {
		print_error("expand(%s) = '%s', want '%s'\n", in, out, want);
		fail();
	}
	assert_int_equal(out[len], '\0');
	free(out);
}

static void expands(const struct sieve_vars *v, const char *in,
    const char *want)
{
	expands_n(v, in, want, strlen(want));
}

/* Set match values the way a :matches test hands them over. */
static void set_match(struct sieve_vars *v, size_t n, const char *const *vals)
{
	struct sieve_match_values mv;

	memset(&mv, 0, sizeof mv);
	for (size_t i = 0; i < n; i++) {
		mv.v[i] = strdup(vals[i]);
		mv.len[i] = strlen(vals[i]);
	}
	mv.n = n;
	sieve_vars_set_match(v, &mv);
	assert_int_equal(mv.n, 0);
	for (size_t i = 0; i < n; i++)
		assert_null(mv.v[i]);
}

static void modifies_max(const char *const *mods, size_t n, const char *in,
    size_t max, const char *want)
{
	char *out;
	size_t len;

	assert_int_equal(sieve_vars_modify_max(mods, n, in, strlen(in), max,
	    &out, &len), 0);
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		print_error("modify(%s) = '%s', want '%s'\n", in, out, want);
		fail();
	}
	assert_int_equal(out[len], '\0');
	free(out);
}

static void modifies(const char *const *mods, size_t n, const char *in,
    const char *want)
{
	modifies_max(mods, n, in, SIEVE_VARS_VALUE_DEFAULT, want);
}

#define MODS(...) ((const char *const[]){ __VA_ARGS__ }), \
	(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static void decodes_n(const char *in, const char *want, size_t wantlen)
{
	char *out, err[200] = "";
	size_t len;

	if (sieve_encoded_decode(in, strlen(in), &out, &len, err,
	    sizeof err) != 0) {
		print_error("decode(%s) failed: %s\n", in, err);
		fail();
	}
	if (len != wantlen || memcmp(out, want, len) != 0) {
		print_error("decode(%s) = '%s', want '%s'\n", in, out, want);
		fail();
	}
	assert_int_equal(out[len], '\0');
	free(out);
}

static void decodes(const char *in, const char *want)
{
	decodes_n(in, want, strlen(want));
}

static void decode_fails(const char *in, const char *want_err)
{
	char *out = (char *)1, err[200] = "";
	size_t len;

	assert_int_equal(sieve_encoded_decode(in, strlen(in), &out, &len, err,
	    sizeof err), -1);
	assert_null(out);
	assert_string_equal(err, want_err);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- expansion (basic.svtest, match.svtest) ---- */

static void test_unknown_variables(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "q", "a");
	set(v, "qw", "bb");
	set(v, "qwe", "ccc");
	set(v, "qwert", "ccc");
	expands(v, "[${qwerty}]", "[]");
	expands(v, "[${20}]", "[]");
	expands(v, "${q}${qw}${qwe}", "abbccc");
	sieve_vars_free(v);
}

static void test_one_pass(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "something", "value");
	set(v, "s", "$");
	expands(v, "${s}{something}", "${something}");
	set(v, "t", "${something}");
	expands(v, "${t}", "${something}");
	sieve_vars_free(v);
}

static void test_invalid_references_stay(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	static const char *const same[] = {
		"$", "${", "${a", "${$}", "${%%%%}", "${0.s}", "&%${}!",
		"${doh!}", "${a.}", "${.a}", "${a..b}", "${1.a}", "${ a}",
		"${a }", "$ {a}", "${-1}", "}${", "${a-b}",
	};

	(void)state;
	set(v, "variable", "nonsense");
	set(v, "a", "A");
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		expands(v, same[i], same[i]);
	sieve_vars_free(v);
}

static void test_rfc_examples(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "company", "ACME");
	expands(v, "${full}", "");
	expands(v, "${company}", "ACME");
	expands(v, "${BAD${Company}", "${BADACME");
	expands(v, "${President, ${Company} Inc.}", "${President, ACME Inc.}");
	expands(v, "$${company}", "$ACME");
	expands(v, "${${company}}", "${ACME}");
	sieve_vars_free(v);
}

static void test_assignment(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	const char *val;
	size_t len;

	(void)state;
	assert_int_equal(sieve_vars_get(v, "test", &val, &len), 0);
	assert_string_equal(val, "");
	assert_int_equal(len, 0);
	set(v, "test", "Value");
	set(v, "test2", "More");
	assert_int_equal(sieve_vars_get(v, "TEST", &val, &len), 1);
	assert_string_equal(val, "Value");
	set(v, "TeSt", "Other");
	assert_int_equal(sieve_vars_get(v, "test", &val, &len), 1);
	assert_string_equal(val, "Other");
	assert_int_equal(len, 5);
	assert_int_equal(sieve_vars_get(v, "test2", &val, &len), 1);
	assert_string_equal(val, "More");
	set(v, "empty", "");
	assert_int_equal(sieve_vars_get(v, "empty", &val, &len), 1);
	assert_int_equal(len, 0);
	sieve_vars_free(v);
}

static void test_case_insensitive_names(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "VeRyElAboRATeVaRIABLeName", "interesting value");
	expands(v, "${veryelaboratevariablename}", "interesting value");
	expands(v, "${VERYELABORATEVARIABLENAME}", "interesting value");
	set(v, "honorific", "Mr");
	set(v, "last_name", "Coyote");
	expands(v, "Dear ${HONORIFIC} ${last_name},\n",
	    "Dear Mr Coyote,\n");
	sieve_vars_free(v);
}

static void test_value_case_kept(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "vara", "      value       ");
	expands(v, "${vara}", "      value       ");
	set(v, "state", "");
	set(v, "x", "A\tB\nC");
	expands(v, " ${state} pending", "  pending");
	expands(v, "${x}", "A\tB\nC");
	sieve_vars_free(v);
}

static void test_match_values(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	static const char *const m3[] = { "frop:frup:frop", "frop", "frup",
	    "frop" };
	static const char *const m1[] = { "test", "test" };

	(void)state;
	expands(v, "${0}${1}", "");
	set_match(v, 4, m3);
	expands(v, "${0000002}", "frup");
	expands(v, "${0}|${1}|${3}", "frop:frup:frop|frop|frop");
	expands(v, "${4}", "");
	set_match(v, 2, m1);
	expands(v, "${1}:${2}", "test:");
	expands(v, "${33}${99999999999999999999}", "");
	set_match(v, 0, NULL);
	expands(v, "${0}", "");
	sieve_vars_free(v);
}

static void test_match_values_beyond_nine(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	struct sieve_match_values mv;
	size_t cap = sizeof mv.v / sizeof mv.v[0];

	(void)state;
	memset(&mv, 0, sizeof mv);
	for (size_t i = 0; i < cap; i++) {
		char buf[8];

		snprintf(buf, sizeof buf, "<%zu>", i);
		mv.v[i] = strdup(buf);
		mv.len[i] = strlen(buf);
	}
	mv.n = cap;
	sieve_vars_set_match(v, &mv);
	expands(v, "${9}${09}", "<9><9>");
	if (cap > 26)  /* Pigeonhole keeps ${0}..${32} */
		expands(v, "${26}", "<26>");
	sieve_vars_free(v);
}

/* A namespace an extension provides (vnd.dovecot.environment's env). */
static int env_ns(void *ctx, const char *name, size_t len, const char **val,
    size_t *vlen)
{
	(void)ctx;
	if (len == 9 && memcmp(name, "env.phase", 9) == 0) {
		*val = "during";
		*vlen = 6;
		return 1;
	}
	return 0;
}

static bool env_known(const void *ctx, const char *ns, size_t nslen)
{
	(void)ctx;
	return nslen == 3 && strncasecmp(ns, "env", 3) == 0;
}

static void test_namespace_provided(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char err[200];

	(void)state;
	expands(v, "[${env.phase}]", "[]");   /* no provider yet */
	sieve_vars_set_namespaces(v, env_ns, NULL);
	expands(v, "[${env.phase}][${env.host}][${other.x}]",
	    "[during][][]");
	assert_int_equal(sieve_vars_check_string_ns(NULL, "${ENV.phase}", 12,
	    false, env_known, NULL, err, sizeof err), 0);
	assert_int_equal(sieve_vars_check_string_ns(NULL, "${env.a}${x.b}", 14,
	    false, env_known, NULL, err, sizeof err), -1);
	assert_string_equal(err,
	    "referring to variable in unknown namespace 'x'");
	sieve_vars_free(v);
}

static void test_namespace_reference_empty(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);

	(void)state;
	set(v, "frop", "x");
	expands(v, "[${namespace.frop}]", "[]");
	expands(v, "[${a.b.c.d.e.f.g.h.i.j}]", "[]");
	expands(v, "[${a.b.c.d.e.f.g.h.i.j.k}]", "[${a.b.c.d.e.f.g.h.i.j.k}]");
	expands(v, "[${a.0}]", "[]");
	sieve_vars_free(v);
}

static void test_identifier_length(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char *n64 = repeat('n', 64), *n65 = repeat('n', 65);
	char ref[100];

	(void)state;
	set(v, n64, "sixty-four");
	assert_int_equal(sieve_vars_set(v, n65, "x", 1), -1);
	snprintf(ref, sizeof ref, "${%s}", n64);
	expands(v, ref, "sixty-four");
	snprintf(ref, sizeof ref, "${%s}", n65);
	expands(v, ref, ref);
	free(n64);
	free(n65);
	sieve_vars_free(v);
}

static void test_embedded_nul(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(sieve_vars_set(v, "z", "a\0b", 3), 0);
	assert_int_equal(sieve_vars_expand(v, "<${z}>\0${z}", 11, &out, &len),
	    0);
	assert_int_equal(len, 9);
	assert_memory_equal(out, "<a\0b>\0a\0b", 9);
	free(out);
	sieve_vars_free(v);
}

static void test_expansion_cap(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char *big = repeat('x', 4096), *in = NULL, *out;
	size_t inlen = 0, len;

	(void)state;
	set(v, "big", big);
	/* 300 references of 4096 bytes: cut to Pigeonhole's 1 MiB string */
	in = malloc(300 * 6 + 1);
	assert_non_null(in);
	for (size_t i = 0; i < 300; i++) {
		memcpy(in + inlen, "${big}", 6);
		inlen += 6;
	}
	assert_int_equal(sieve_vars_expand(v, in, inlen, &out, &len), 0);
	assert_int_equal(len, 1024 * 1024);
	assert_int_equal(out[len - 1], 'x');
	free(out);
	free(in);
	free(big);
	sieve_vars_free(v);
}

static void test_has_refs(void **state)
{
	(void)state;
	assert_true(sieve_vars_has_refs("a${b}c", 6));
	assert_true(sieve_vars_has_refs("${1}", 4));
	assert_true(sieve_vars_has_refs("${BAD${x}", 9));
	assert_true(sieve_vars_has_refs("${a.b}", 6));
	assert_false(sieve_vars_has_refs("", 0));
	assert_false(sieve_vars_has_refs("$ {a}", 5));
	assert_false(sieve_vars_has_refs("${a", 3));
	assert_false(sieve_vars_has_refs("${a}", 3));  /* length counts */
	assert_false(sieve_vars_has_refs("${doh!}", 7));
}

/* ---- names and the limits (limits.svtest, errors/) ---- */

static void test_name_valid(void **state)
{
	(void)state;
	assert_true(sieve_vars_name_valid("name"));
	assert_true(sieve_vars_name_valid("_x9"));
	assert_true(sieve_vars_name_valid("var123456789012345678901234567890"));
	assert_false(sieve_vars_name_valid(""));
	assert_false(sieve_vars_name_valid("${frop}"));
	assert_false(sieve_vars_name_valid("...."));
	assert_false(sieve_vars_name_valid("name."));
	assert_false(sieve_vars_name_valid(".name"));
	assert_false(sieve_vars_name_valid("0"));
	assert_false(sieve_vars_name_valid("9a"));
	assert_false(sieve_vars_name_valid("a.b"));
	assert_false(sieve_vars_name_valid("a-b"));
	assert_false(sieve_vars_name_valid("\xc3\xa9t\xc3\xa9"));
}

static void test_scope_limit(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char name[16];

	(void)state;
	for (int i = 0; i < 255; i++) {
		snprintf(name, sizeof name, "var%03d", i);
		set(v, name, "value");
	}
	assert_int_equal(sieve_vars_set(v, "var255", "value", 5), -1);
	/* a variable already there can still be set */
	set(v, "VAR000", "again");
	expands(v, "${var000}${var254}${var255}", "againvalue");
	sieve_vars_free(v);
}

static void test_scope_limit_configured(void **state)
{
	struct sieve_vars_limits lim = { .max_scope_size = 2,
	    .max_variable_size = 4000 };
	struct sieve_vars *v = sieve_vars_new(&lim);

	(void)state;
	set(v, "a", "1");
	set(v, "b", "2");
	assert_int_equal(sieve_vars_set(v, "c", "3", 1), -1);
	sieve_vars_free(v);
}

/* A large configured scope: every name still found, in any case, and
 * found fast (hashed, not searched one by one). */
static void test_scope_large(void **state)
{
	struct sieve_vars_limits lim = { .max_scope_size = 20000,
	    .max_variable_size = 4096 };
	struct sieve_vars *v = sieve_vars_new(&lim);
	char name[16], want[16];
	const char *val;
	size_t len;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof name, "v%d", i);
		set(v, name, name);
	}
	assert_int_equal(sieve_vars_set(v, "one_more", "x", 1), -1);
	for (int i = 0; i < 20000; i += 7) {
		snprintf(name, sizeof name, "V%d", i);
		snprintf(want, sizeof want, "v%d", i);
		assert_int_equal(sieve_vars_get(v, name, &val, &len), 1);
		assert_string_equal(val, want);
	}
	assert_int_equal(sieve_vars_get(v, "v20000", &val, &len), 0);
	expands(v, "${v0}${V19999}${v20000}", "v0v19999");
	sieve_vars_free(v);
}

static void test_value_size_limit(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char *big = repeat('y', 5000);
	const char *val;
	size_t len;

	(void)state;
	set(v, "a", big);
	assert_int_equal(sieve_vars_get(v, "a", &val, &len), 1);
	assert_int_equal(len, 4096);
	assert_int_equal(strlen(val), 4096);
	free(big);
	sieve_vars_free(v);
}

/* However large the configured limits, the values together stay under
 * SIEVE_VARS_TOTAL_MAX; replacing a value counts only the difference. */
static void test_total_size_cap(void **state)
{
	struct sieve_vars_limits lim = { .max_scope_size = 1000,
	    .max_variable_size = 16 * 1024 * 1024 };
	struct sieve_vars *v = sieve_vars_new(&lim);
	char *big = repeat('z', 16 * 1024 * 1024), name[8];
	size_t quarter = SIEVE_VARS_TOTAL_MAX / 4;

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "b%d", i);
		assert_int_equal(sieve_vars_set(v, name, big, quarter), 0);
	}
	assert_int_equal(sieve_vars_set(v, "one", "x", 1), -2);
	assert_int_equal(sieve_vars_set(v, "b0", big, quarter), 0);
	assert_int_equal(sieve_vars_set(v, "b0", "", 0), 0);
	assert_int_equal(sieve_vars_set(v, "one", "x", 1), 0);
	free(big);
	sieve_vars_free(v);
}

/* limits.svtest "Variable size limit UTF-8": 3999 bytes and a 3-byte
 * character in a 4000-byte variable keep 3999 bytes. */
static void test_value_size_limit_utf8(void **state)
{
	struct sieve_vars_limits lim = { .max_scope_size = 255,
	    .max_variable_size = 4000 };
	struct sieve_vars *v = sieve_vars_new(&lim);
	char *b = malloc(4010);
	const char *val;
	size_t len;

	(void)state;
	assert_non_null(b);
	memset(b, '0', 3999);
	memcpy(b + 3999, "\xe4\xb8\x83", 4);
	assert_int_equal(sieve_vars_set(v, "b", b, 4002), 0);
	assert_int_equal(sieve_vars_get(v, "b", &val, &len), 1);
	assert_int_equal(len, 3999);
	memcpy(b + 3999, "ccc", 4);
	assert_int_equal(sieve_vars_set(v, "b", b, 4002), 0);
	assert_int_equal(sieve_vars_get(v, "b", &val, &len), 1);
	assert_int_equal(len, 4000);
	free(b);
	sieve_vars_free(v);
}

static void test_utf8_helpers(void **state)
{
	(void)state;
	assert_int_equal(sieve_utf8_strlen("", 0), 0);
	assert_int_equal(sieve_utf8_strlen("abc", 3), 3);
	assert_int_equal(sieve_utf8_strlen("\xc3\xbc\xe4\xb8\x83", 5), 2);
	assert_int_equal(sieve_utf8_strlen("a\xe4\xb8", 3), 1);  /* cut */
	assert_int_equal(sieve_utf8_strlen("\x80\xff", 2), 2);
	assert_int_equal(sieve_utf8_truncate("abcdef", 6, 4), 4);
	assert_int_equal(sieve_utf8_truncate("ab", 2, 4), 2);
	assert_int_equal(sieve_utf8_truncate("a\xc3\xbc", 3, 2), 1);
	assert_int_equal(sieve_utf8_truncate("\xe4\xb8\x83z", 4, 2), 0);
	/* Pigeonhole's cut looks only around the boundary: at a lead byte
	 * it also drops the whole character before it */
	assert_int_equal(sieve_utf8_truncate("\xc3\xbc\xc3\xbc", 4, 2), 0);
}

static void test_check_name(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(sieve_vars_check_name("name", 4, err, sizeof err), 0);
	assert_int_equal(sieve_vars_check_name("${frop}", 7, err, sizeof err),
	    -1);
	assert_string_equal(err, "invalid variable name '${frop}'");
	assert_int_equal(sieve_vars_check_name("....", 4, err, sizeof err), -1);
	assert_string_equal(err, "invalid variable name '....'");
	assert_int_equal(sieve_vars_check_name("name.", 5, err, sizeof err),
	    -1);
	assert_string_equal(err, "invalid variable name 'name.'");
	assert_int_equal(sieve_vars_check_name(".name", 5, err, sizeof err),
	    -1);
	assert_int_equal(sieve_vars_check_name("", 0, err, sizeof err), -1);
	assert_int_equal(sieve_vars_check_name("0", 1, err, sizeof err), -1);
	assert_string_equal(err, "cannot assign to match variable");
	assert_int_equal(sieve_vars_check_name("namespace.frop", 14, err,
	    sizeof err), -1);
	assert_string_equal(err,
	    "referring to variable in unknown namespace 'namespace'");
	assert_int_equal(sieve_vars_check_name("a\0b", 3, err, sizeof err), -1);
}

static void test_check_string(void **state)
{
	struct sieve_vars_limits lim = { .max_scope_size = 3,
	    .max_variable_size = 4096 };
	struct sieve_vars *decl = sieve_vars_new(&lim);
	char err[200];

	(void)state;
	assert_int_equal(sieve_vars_check_string(NULL, "${32}", 5, err,
	    sizeof err), 0);
	assert_int_equal(sieve_vars_check_string(NULL, "${33}", 5, err,
	    sizeof err), -1);
	assert_string_equal(err, "match value index 33 out of range (max: 32)");
	assert_int_equal(sieve_vars_check_string(NULL,
	    "x${complex.struct.frop}", 23, err, sizeof err), -1);
	assert_string_equal(err,
	    "referring to variable in unknown namespace 'complex'");
	/* invalid references are text, not errors */
	assert_int_equal(sieve_vars_check_string(NULL, "${a.}${0.s}", 11, err,
	    sizeof err), 0);
	/* every name used counts toward the scope, once */
	assert_int_equal(sieve_vars_declare(decl, "a", err, sizeof err), 0);
	assert_int_equal(sieve_vars_check_string(decl, "${A}${b}${c}${B}", 16,
	    err, sizeof err), 0);
	assert_int_equal(sieve_vars_check_string(decl, "${d}", 4, err,
	    sizeof err), -1);
	assert_string_equal(err, "(implicit) declaration of new variable 'd' "
	    "exceeds the limit (max variables: 3)");
	assert_int_equal(sieve_vars_declare(decl, "e", err, sizeof err), -1);
	assert_int_equal(sieve_vars_declare(decl, "C", err, sizeof err), 0);
	assert_int_equal(sieve_vars_declare(decl, "1", err, sizeof err), -1);
	assert_string_equal(err, "invalid variable name '1'");
	sieve_vars_free(decl);
}

/* ---- modifiers (modifiers.svtest) ---- */

static void test_modifier_precedence(void **state)
{
	(void)state;
	assert_int_equal(sieve_vars_modifier_precedence(":lower"), 40);
	assert_int_equal(sieve_vars_modifier_precedence(":upper"), 40);
	assert_int_equal(sieve_vars_modifier_precedence(":UPPER"), 40);
	assert_int_equal(sieve_vars_modifier_precedence("lowerfirst"), 30);
	assert_int_equal(sieve_vars_modifier_precedence(":upperfirst"), 30);
	assert_int_equal(sieve_vars_modifier_precedence(":quotewildcard"), 20);
	assert_int_equal(sieve_vars_modifier_precedence(":quoteregex"), 20);
	assert_int_equal(sieve_vars_modifier_precedence(":encodeurl"), 15);
	assert_int_equal(sieve_vars_modifier_precedence(":length"), 10);
	assert_int_equal(sieve_vars_modifier_precedence(":inner"), -1);
	assert_int_equal(sieve_vars_modifier_precedence(":"), -1);
	assert_int_equal(sieve_vars_modifier_precedence(""), -1);
}

static void test_modifiers_case(void **state)
{
	(void)state;
	modifies(MODS(":lower"), "VaLuE", "value");
	modifies(MODS(":upper"), "vAlUe", "VALUE");
	modifies(MODS(":lower", ":upperfirst"), "vAlUe", "Value");
	modifies(MODS(":upperfirst", ":lower"), "vAlUe", "Value");
	modifies(MODS(":upper", ":lowerfirst"), "VaLuE", "vALUE");
	modifies(MODS(":lowerfirst", ":upper"), "VaLuE", "vALUE");
	modifies(MODS(":upperfirst"), "juMBlEd lETteRS", "JuMBlEd lETteRS");
	modifies(MODS(":lowerfirst"), "", "");
	modifies(MODS(":upper"), "", "");
	/* ASCII letters only, as Pigeonhole */
	modifies(MODS(":upper"), "\xc3\xa9t\xc3\xa9", "\xc3\xa9T\xc3\xa9");
	modifies(MODS(":upperfirst"), "\xc3\xa9t", "\xc3\xa9t");
	modifies(MODS(":lower"), "\xc3\x89T\xc3\x89", "\xc3\x89t\xc3\x89");
}

static void test_modifier_length(void **state)
{
	(void)state;
	modifies(MODS(":length"), "", "0");
	modifies(MODS(":length"), "VaLuE", "5");
	modifies(MODS(":length"),
	    " abcdefghijklmnopqrstuvwxyz:1234567890  ", "40");
	modifies(MODS(":length"), "juMBlEd lETteRS", "15");
	/* characters, not octets */
	modifies(MODS(":length"),
	    "Das ist \xc3\xbc" "berhaupt nicht m\xc3\xb6glich.", "32");
	modifies(MODS(":length"), "\xe4\xb8\x83", "1");
}

static void test_modifier_quotewildcard(void **state)
{
	(void)state;
	modifies(MODS(":quotewildcard"), "^^***??**^^",
	    "^^\\*\\*\\*\\?\\?\\*\\*^^");
	modifies(MODS(":quotewildcard"), "Rock*", "Rock\\*");
	modifies(MODS(":quotewildcard"), "a\\b", "a\\\\b");
	modifies(MODS(":quotewildcard"), "", "");
	modifies(MODS(":length", ":quotewildcard"), "^^***??**^^", "18");
	modifies(MODS(":quotewildcard", ":upper"), "a*b", "A\\*B");
}

static void test_modifier_quoteregex(void **state)
{
	(void)state;
	modifies(MODS(":quoteregex"), "a.b*c", "a\\.b\\*c");
	modifies(MODS(":quoteregex"), "^$[]|(){}+?\\",
	    "\\^\\$\\[\\]\\|\\(\\)\\{\\}\\+\\?\\\\");
	modifies(MODS(":quoteregex"), "plain-text", "plain-text");
}

static void test_modifier_encodeurl(void **state)
{
	(void)state;
	modifies(MODS(":encodeurl"), "a b/c?d=e&f", "a%20b%2Fc%3Fd%3De%26f");
	modifies(MODS(":encodeurl"), "AZaz09-._~", "AZaz09-._~");
	modifies(MODS(":encodeurl"), "\xc3\xbc", "%C3%BC");
	modifies(MODS(":encodeurl"), "%+*", "%25%2B%2A");
	modifies(MODS(":encodeurl", ":upper"), "a b", "A%20B");
	modifies(MODS(":length", ":encodeurl"), "a b", "5");
}

static void test_modifier_conflicts(void **state)
{
	char *out = (char *)1;
	size_t len;

	(void)state;
	assert_int_equal(sieve_vars_modify(MODS(":lower", ":upper"), "x", 1,
	    &out, &len), -1);
	assert_null(out);
	assert_int_equal(sieve_vars_modify(MODS(":lower", ":lower"), "x", 1,
	    &out, &len), -1);
	assert_int_equal(sieve_vars_modify(MODS(":quotewildcard",
	    ":quoteregex"), "x", 1, &out, &len), -1);
	assert_int_equal(sieve_vars_modify(MODS(":inner"), "x", 1, &out,
	    &len), -1);
	assert_int_equal(sieve_vars_modify(MODS(":length", ":upper", ":lower"),
	    "x", 1, &out, &len), -1);
	assert_int_equal(sieve_vars_modify(NULL, 0, "as is", 5, &out, &len),
	    0);
	assert_string_equal(out, "as is");
	free(out);
}

/* limits.svtest ":quotewildcard variable size limit": an escape is never
 * split by the limit. */
static void test_modifier_limits(void **state)
{
	char *c = repeat('*', 4000), *d = malloc(4002), *want, *pairs;

	(void)state;
	pairs = malloc(4001);
	assert_non_null(pairs);
	for (size_t i = 0; i < 4000; i += 2)
		memcpy(pairs + i, "\\*", 2);
	pairs[4000] = '\0';
	assert_non_null(d);
	d[0] = '0';
	memcpy(d + 1, c, 4001);
	want = malloc(4000);
	assert_non_null(want);
	want[0] = '0';
	for (size_t i = 1; i + 1 < 3999; i += 2)
		memcpy(want + i, "\\*", 2);
	want[3999] = '\0';
	modifies_max(MODS(":quotewildcard"), c, 4000, pairs);
	modifies_max(MODS(":quotewildcard"), d, 4000, want);
	modifies_max(MODS(":length", ":quotewildcard"), d, 4000, "3999");
	/* the whole input is cut first */
	modifies_max(MODS(":length"), c, 10, "10");
	modifies_max(MODS(":encodeurl"), "ab cd", 4, "ab");
	modifies_max(MODS(":encodeurl"), "ab cd", 5, "ab%20");
	modifies_max(MODS(":encodeurl"), "a\xc3\xbc", 6, "a");
	modifies_max(MODS(":encodeurl"), "a\xc3\xbc", 7, "a%C3%BC");
	free(c);
	free(d);
	free(want);
	free(pairs);
}

/* The same case as limits.svtest writes it: multi-line strings end their
 * lines in CRLF, so c is 100 lines of 38 stars, 4000 bytes. */
static void test_modifier_limits_svtest(void **state)
{
	struct growbuf c = { 0 }, want = { 0 };
	char *out;
	size_t len;

	(void)state;
	growbuf_add(&c, "0", 1);
	for (int line = 0; line < 100; line++) {
		for (int i = 0; i < 38; i++)
			growbuf_add(&c, "*", 1);
		growbuf_add(&c, "\r\n", 2);
	}
	growbuf_add(&want, "0", 1);
	for (int line = 0; line < 52; line++) {
		for (int i = 0; i < (line < 51 ? 38 : 10); i++)
			growbuf_add(&want, "\\*", 2);
		if (line < 51)
			growbuf_add(&want, "\r\n", 2);
	}
	assert_false(c.nomem || want.nomem);
	assert_int_equal(c.len, 4001);
	assert_int_equal(want.len, 3999);
	assert_int_equal(sieve_vars_modify_max(MODS(":quotewildcard"), c.data,
	    c.len, 4000, &out, &len), 0);
	assert_int_equal(len, want.len);
	assert_memory_equal(out, want.data, len);
	free(out);
	free(c.data);
	free(want.data);
}

/* ---- encoded-character (encoded-character.svtest, quoting.svtest) ---- */

static void test_encoded_hex(void **state)
{
	(void)state;
	decodes("${hex:42}", "B");
	decodes(" ${hex:42} ", " B ");
	decodes("${hex:42} ", "B ");
	decodes(" ${hex:42}", " B");
	decodes("${hex:42 61 64}${hex: 61 73 73}", "Badass");
	decodes("${hex:42 72 61 69 6E 64 65 61 64}", "Braindead");
	decodes("$${hex:40}", "$@");
	decodes("${hex: 40 }", "@");
	decodes("${HEX: 40}", "@");
	decodes("${hex:4}", "\x04");
	decodes("${hex:\t40\r\n41\n}", "@A");
	decodes_n("${hex:00}x", "\0x", 2);
	decodes("dear${hex:20 24 7b 4e}ame}", "dear ${Name}");
}

static void test_encoded_unicode(void **state)
{
	(void)state;
	decodes("${unicode:40}", "@");
	decodes("${UNICODE:40}", "@");
	decodes("${UnICoDE:0000040}", "@");
	decodes("${Unicode:40}", "@");
	decodes("${unicode: 00fc}", "\xc3\xbc");
	decodes("${unicode:263a 4e03}", "\xe2\x98\xba\xe4\xb8\x83");
	decodes("${unicode:10FFFF}", "\xf4\x8f\xbf\xbf");
	decodes("${unicode:7ff 800 ffff 10000}",
	    "\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80");
	/* a value longer than 32 bits wraps around, as in Pigeonhole */
	decodes("${unicode:100000041}", "A");
}

static void test_encoded_left_as_written(void **state)
{
	static const char *const same[] = {
		"$", "$ ", " $", "${", "a${", "${a", "${}", "b${}", "${}b",
		"${:}", "${hex:}", "${unicode:}", "${hex:sss}",
		"${unicode:ttt}", "${hex:aa aa", "${unicode: aaaa aaaa",
		"${hex:40", "${hex:400}", "${ unicode:40}", "${Unicode:Cool}",
		"${hexx:41}", "${unicodes:41}", "${hex:41\r42}", "${hex:4g}",
		"${hex: }", "${base64:QQ==}", "${hex:41 400}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		decodes(same[i], same[i]);
	decodes("${hex:4${hex:30}}", "${hex:40}");
	decodes("${hex:41${hex:42}", "${hex:41B");
}

static void test_encoded_name_prefixes(void **state)
{
	(void)state;
	/* Pigeonhole takes any prefix of the name, even an empty one */
	decodes("${:41}", "A");
	decodes("${h:41}", "A");
	decodes("${He:41}", "A");
	decodes("${u:263a}", "\xe2\x98\xba");
	decodes("${uni:41}", "A");
}

static void test_encoded_invalid_code_points(void **state)
{
	(void)state;
	decode_fails("${unicode:D800}", "invalid unicode character "
	    "0x0000d800 in encoded character substitution");
	decode_fails("x${unicode:41 dfff}", "invalid unicode character "
	    "0x0000dfff in encoded character substitution");
	decode_fails("${unicode:110000}", "invalid unicode character "
	    "0x00110000 in encoded character substitution");
	/* a bad value in an encoding that never closes spoils a later one */
	decode_fails("${unicode:d800 ${hex:41}", "invalid unicode character "
	    "0x0000d800 in encoded character substitution");
	/* ...but alone it is only text */
	decodes("${unicode:d800", "${unicode:d800");
	decodes("${unicode:d7ff e000}", "\xed\x9f\xbf\xee\x80\x80");
}

static void test_encoded_then_expanded(void **state)
{
	struct sieve_vars *v = sieve_vars_new(NULL);
	char *dec, err[200];
	size_t len;
	const char *in = "dear${hex:20 24 7b 4e}ame}";

	(void)state;
	set(v, "name", "Ethelbert");
	assert_int_equal(sieve_encoded_decode(in, strlen(in), &dec, &len, err,
	    sizeof err), 0);
	expands(v, dec, "dear Ethelbert");
	free(dec);
	sieve_vars_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_variables),
		cmocka_unit_test(test_one_pass),
		cmocka_unit_test(test_invalid_references_stay),
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_case_insensitive_names),
		cmocka_unit_test(test_value_case_kept),
		cmocka_unit_test(test_match_values),
		cmocka_unit_test(test_match_values_beyond_nine),
		cmocka_unit_test(test_namespace_reference_empty),
		cmocka_unit_test(test_namespace_provided),
		cmocka_unit_test(test_identifier_length),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_expansion_cap),
		cmocka_unit_test(test_has_refs),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_scope_limit),
		cmocka_unit_test(test_scope_limit_configured),
		cmocka_unit_test(test_scope_large),
		cmocka_unit_test(test_value_size_limit),
		cmocka_unit_test(test_value_size_limit_utf8),
		cmocka_unit_test(test_total_size_cap),
		cmocka_unit_test(test_utf8_helpers),
		cmocka_unit_test(test_check_name),
		cmocka_unit_test(test_check_string),
		cmocka_unit_test(test_modifier_precedence),
		cmocka_unit_test(test_modifiers_case),
		cmocka_unit_test(test_modifier_length),
		cmocka_unit_test(test_modifier_quotewildcard),
		cmocka_unit_test(test_modifier_quoteregex),
		cmocka_unit_test(test_modifier_encodeurl),
		cmocka_unit_test(test_modifier_conflicts),
		cmocka_unit_test(test_modifier_limits),
		cmocka_unit_test(test_modifier_limits_svtest),
		cmocka_unit_test(test_encoded_hex),
		cmocka_unit_test(test_encoded_unicode),
		cmocka_unit_test(test_encoded_left_as_written),
		cmocka_unit_test(test_encoded_name_prefixes),
		cmocka_unit_test(test_encoded_invalid_code_points),
		cmocka_unit_test(test_encoded_then_expanded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_procmail_regex.c: procmail's regex dialect as Sieve tests
 * (src/procmail/pm_regex_*.c through pm_cond.c): header patterns split
 * into header tests per field, the macros, '^' '$' '^^', \< \>, \/ as a
 * match group, character classes, escapes, literal braces, the body's
 * newline rules, the condition prefixes, and the bounds on hostile
 * expressions.  Each expected string is the exact Sieve text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procmail/pm_cond.h"
#include "procmail/pm_regex.h"

#include <cmocka.h>

struct outcome_of {
	char test[65536];      /* "" when not translatable */
	int match_group;
	struct pm_verdict v;
	unsigned exts;
};

/* The condition text (after '*') of a recipe with these flags. */
static struct outcome_of translate(const char *flags, const char *cond)
{
	static struct pm_vars vars;
	struct outcome_of o;
	struct pm_sieve s = { 0 };
	struct pm_cond_ctx ctx = {
		.head = strchr(flags, 'H') || !strchr(flags, 'B'),
		.body = strchr(flags, 'B') != NULL,
		.case_sensitive = strchr(flags, 'D') != NULL,
		.vars = &vars, .sieve = &s,
	};
	struct pm_cond_result r;

	memset(&o, 0, sizeof o);
	pm_vars_init(&vars, "/home/u");
	pm_vars_set(&vars, "LIST", PM_VAR_KNOWN, "a.b");
	pm_vars_set(&vars, "MATCH", PM_VAR_RUNTIME, NULL);
	ctx.verdict = &o.v;
	r = pm_cond_translate(&ctx, cond);
	if (r.test) {
		assert_true(strlen(r.test) < sizeof o.test);
		strlcpy(o.test, r.test, sizeof o.test);
	}
	o.match_group = r.match_group;
	o.exts = s.exts;
	free(r.test);
	pm_vars_free(&vars);
	return o;
}

static void expect(const char *flags, const char *cond, const char *test,
    enum pm_level level)
{
	struct outcome_of o = translate(flags, cond);

	if (strcmp(o.test, test) != 0 || o.v.level != level)
		fail_msg("%s\n  got      %s (%d: %s)\n  expected %s (%d)", cond,
		    o.test, o.v.level, o.v.reasons, test, level);
}

static void test_field_anchored(void **state)
{
	(void)state;
	expect("", "^X-Subj:.*foo", "header :regex \"x-subj\" \"foo\"",
	    PM_EXACT);
	expect("", "^X-Subj: *\\[list\\]",
	    "header :regex \"x-subj\" \"^\\\\[list]\"", PM_EXACT);
	expect("", "^X-Subj:[ \t]*Re:",
	    "header :regex \"x-subj\" \"^Re:\"", PM_EXACT);
	expect("", "^X-Spam-Flag: YES",
	    "header :regex \"x-spam-flag\" \"^YES\"", PM_EXACT);
	expect("", "^List-Id:.*<deliver\\.example\\.org>$",
	    "header :regex \"list-id\" \"<deliver\\\\.example\\\\.org>$\"",
	    PM_EXACT);
	/* ".+" had the blank after the colon to eat */
	expect("", "^X-From:.+bob", "header :regex \"x-from\" \"bob\"",
	    PM_EXACT);
	/* an empty value expression: the field is there */
	expect("", "^Mailing-List:", "header :regex \"mailing-list\" \"^\"",
	    PM_EXACT);
}

static void test_field_alternatives(void **state)
{
	(void)state;
	expect("", "^(X-A|X-B):.*bob",
	    "header :regex [\"x-a\", \"x-b\"] \"bob\"", PM_EXACT);
	/* text fields: Sieve decodes their encoded words, procmail not */
	expect("", "^(From|Sender):.*bob",
	    "header :regex [\"from\", \"sender\"] \"bob\"", PM_DIFFERS);
	expect("", "^(Old-)?X-To:.*me",
	    "header :regex [\"old-x-to\", \"x-to\"] \"me\"", PM_EXACT);
	expect("", "^X-Subj:.*a|^X-From:.*b",
	    "anyof(header :regex \"x-subj\" \"a\", "
	    "header :regex \"x-from\" \"b\")", PM_EXACT);
	expect("", "(^X-Subj:.*a|^X-To:.*a)",
	    "header :regex [\"x-subj\", \"x-to\"] \"a\"", PM_EXACT);
	expect("", "^X-Ab?c:x", "header :regex [\"x-abc\", \"x-ac\"] \"^x\"",
	    PM_EXACT);
	/* "^From.*": read as the From field, said to differ */
	expect("", "^From.*joe", "header :regex \"from\" \"joe\"", PM_DIFFERS);
	/* the From_ line alone: nothing Sieve can test, approximated */
	expect("", "^From joe", "header :regex [\"from\", \"sender\", "
	    "\"reply-to\", \"to\", \"cc\", \"subject\", \"list-id\", "
	    "\"return-path\"] \"^From joe\"", PM_DIFFERS);
}

static void test_macros(void **state)
{
	(void)state;
	/* the names in the order the alternatives multiply out */
	expect("", "^TO_joe@x\\.org",
	    "header :regex [\"x-envelope-to\", \"apparently-resent-to\", "
	    "\"apparently-to\", \"original-resent-to\", \"original-resent-cc\", "
	    "\"original-resent-bcc\", \"original-to\", \"original-cc\", "
	    "\"original-bcc\", \"resent-to\", \"resent-cc\", \"resent-bcc\", "
	    "\"to\", \"cc\", \"bcc\"] "
	    "\"^(.*[^.0-9A-Z_a-z-])?joe@x\\\\.org\"", PM_DIFFERS);
	expect("", "^TOjoe",
	    "header :regex [\"x-envelope-to\", \"apparently-resent-to\", "
	    "\"apparently-to\", \"original-resent-to\", \"original-resent-cc\", "
	    "\"original-resent-bcc\", \"original-to\", \"original-cc\", "
	    "\"original-bcc\", \"resent-to\", \"resent-cc\", \"resent-bcc\", "
	    "\"to\", \"cc\", \"bcc\"] \"^(.*[^A-Za-z])?joe\"", PM_DIFFERS);
	{
		struct outcome_of o = translate("", "^FROM_DAEMON");

		assert_int_equal(o.v.level, PM_DIFFERS);   /* the From_ line */
		assert_non_null(strstr(o.v.reasons, "From_ line"));
		assert_non_null(strstr(o.test, "header :regex \"mailing-list\" "
		    "\"^\""));
		assert_non_null(strstr(o.test, "header :regex \"precedence\" "
		    "\"(junk|bulk|list)\""));
		assert_non_null(strstr(o.test, "header :regex \"to\" "
		    "\"^Multiple recipients of \""));
		assert_non_null(strstr(o.test, "[\"x-envelope-from\", "
		    "\"resent-from\", \"resent-sender\", \"from\", \"sender\"]"));
		/* "$([^>]|$)", the look at the next line, is the value's end */
		assert_non_null(strstr(o.test, ")?$\""));
	}
	{
		struct outcome_of o = translate("", "^FROM_MAILER");

		assert_int_equal(o.v.level, PM_DIFFERS);
		assert_non_null(strstr(o.test, "(bbs\\\\.)?smtp(error)?"));
	}
}

static void test_anchors_and_words(void **state)
{
	(void)state;
	/* \< and \> consume a non-word character or match at an end */
	expect("", "^X-Subj:.*\\<free\\>",
	    "header :regex \"x-subj\" "
	    "\"(^|[^a-zA-Z0-9_]|$)free(^|[^a-zA-Z0-9_]|$)\"", PM_EXACT);
	/* the body: '^' and '$' are newlines, '.' is no newline */
	expect("B", "^viagra$",
	    "body :raw :regex \"(^|${hex:0A})viagra(${hex:0A}|$)\"", PM_EXACT);
	expect("B", "a.b", "body :raw :regex \"a[^${hex:0A}]b\"", PM_EXACT);
	expect("B", "^^Hello", "body :raw :regex \"^Hello\"", PM_EXACT);
	expect("B", "bye^^", "body :raw :regex \"bye$\"", PM_EXACT);
	/* a line break inside one header field cannot be seen */
	expect("", "^X-Subj:.*a$^b",
	    "header :regex \"x-subj\" \"a$^b\"", PM_DIFFERS);
	assert_true(translate("B", "a.b").exts & PM_EXT_ENCODED);
}

static void test_classes_and_escapes(void **state)
{
	(void)state;
	expect("", "^X-Subj:[]a]", "header :regex \"x-subj\" \"^[]a]\"",
	    PM_EXACT);
	expect("", "^X-Subj:[^-a-d]x",
	    "header :regex \"x-subj\" \"^[^a-d-]x\"", PM_EXACT);
	/* in the body a negated class never matches a newline */
	expect("B", "[^a]", "body :raw :regex \"[^a${hex:0A}]\"", PM_EXACT);
	expect("", "^X-Subj:.*[a^]", "header :regex \"x-subj\" \"[a^]\"",
	    PM_EXACT);
	expect("", "^X-Subj:.*[-^]", "header :regex \"x-subj\" \"[-^]\"",
	    PM_EXACT);
	expect("", "^X-Subj:.*[[:]", "header :regex \"x-subj\" \"[:[]\"",
	    PM_EXACT);
	/* braces are plain characters: no {n,m} */
	expect("", "^X-Subj:.*a{2}",
	    "header :regex \"x-subj\" \"a[{]2[}]\"", PM_EXACT);
	expect("", "^X-Subj:.*\\$5\\.00\\?",
	    "header :regex \"x-subj\" \"\\\\$5\\\\.00\\\\?\"", PM_EXACT);
	expect("", "^X-Subj:.*\"q\"",
	    "header :regex \"x-subj\" \"\\\"q\\\"\"", PM_EXACT);
	/* a repeat with nothing to repeat is a plain character */
	expect("", "^X-Subj:.*(*x)",
	    "header :regex \"x-subj\" \"(\\\\*x)\"", PM_EXACT);
	expect("", "^X-Subj:.*a+?", "header :regex \"x-subj\" \"a*\"",
	    PM_EXACT);
}

static void test_match_operator(void **state)
{
	struct outcome_of o;

	(void)state;
	o = translate("", "^X-Subj:[ ]*\\[\\/[^]]+");
	assert_string_equal(o.test,
	    "header :regex \"x-subj\" \"^\\\\[([^]]+)\"");
	assert_int_equal(o.match_group, 1);
	assert_int_equal(o.v.level, PM_EXACT);
	/* groups before \/ count */
	o = translate("", "^X-List:(a|b)\\/.*");
	assert_int_equal(o.match_group, 2);
	/* procmail keeps the blank after the colon in MATCH */
	o = translate("", "^X-Subj:\\/.*");
	assert_int_equal(o.v.level, PM_DIFFERS);
	/* the body test sets no match variables */
	o = translate("B", "x\\/y");
	assert_int_equal(o.v.level, PM_UNTRANSLATABLE);
	assert_string_equal(o.test, "");
	/* a variable's value: the string test */
	o = translate("", "MATCH ?? ^\\/ba");
	assert_string_equal(o.test,
	    "string :regex \"${MATCH}\" \"(^|${hex:0A})(ba)\"");
	assert_int_equal(o.match_group, 2);
}

static void test_prefixes(void **state)
{
	(void)state;
	expect("", "! ^X-Subj:.*x", "not header :regex \"x-subj\" \"x\"",
	    PM_EXACT);
	/* procmail counts its From_ line in the size */
	expect("", "< 1000", "size :under 1000", PM_DIFFERS);
	expect("", "> 50000", "size :over 50000", PM_DIFFERS);
	expect("", "? true", "true", PM_EXACT);
	expect("", "? test -f $HOME/x", "", PM_UNTRANSLATABLE);
	expect("", "100^0 ^X-Subj:.*x", "", PM_UNTRANSLATABLE);
	expect("", "-1^1 ^X-Subj:.*x", "", PM_UNTRANSLATABLE);
	expect("", "$ ^X-Subj:.*$\\LIST",
	    "header :regex \"x-subj\" \"a\\\\.b\"", PM_EXACT);
	expect("", "$ ^X-Subj:.*$NOPE", "", PM_UNTRANSLATABLE);
	expect("", "B ?? ^x", "body :raw :regex \"(^|${hex:0A})x\"",
	    PM_EXACT);
	expect("", "LIST ?? ^a", "string :regex \"a.b\" \"(^|${hex:0A})a\"",
	    PM_EXACT);
	expect("", "\\!x", "header :regex [\"from\", \"sender\", \"reply-to\", "
	    "\"to\", \"cc\", \"subject\", \"list-id\", \"return-path\"] \"!x\"",
	    PM_DIFFERS);
	expect("D", "^X-Subj:.*X",
	    "header :comparator \"i;octet\" :regex \"x-subj\" \"X\"",
	    PM_EXACT);
	expect("HB", "^X-Subj:.*x",
	    "anyof(header :regex \"x-subj\" \"x\", body :raw :regex "
	    "\"(^|${hex:0A})X-Subj:[^${hex:0A}]*x\")", PM_EXACT);
}

static void test_bad_and_hostile(void **state)
{
	char *big = malloc(100001), *deep = malloc(2001), *alts;
	struct outcome_of o;
	size_t n = 0;

	(void)state;
	expect("", "^X-Subj:(a", "", PM_UNTRANSLATABLE);
	expect("", "^X-Subj:a)", "", PM_UNTRANSLATABLE);
	expect("", "^X-Subj:[a", "", PM_UNTRANSLATABLE);
	/* 100,000 characters: refused, not compiled */
	assert_non_null(big);
	memset(big, 'a', 100000);
	big[100000] = '\0';
	o = translate("", big);
	assert_int_equal(o.v.level, PM_UNTRANSLATABLE);
	assert_non_null(strstr(o.v.reasons, "longer than"));
	/* 1,000 nested parentheses: refused at PM_RE_MAX_DEPTH */
	assert_non_null(deep);
	for (int i = 0; i < 1000; i++)
		deep[i] = '(';
	for (int i = 0; i < 1000; i++)
		deep[1000 + i] = ')';
	deep[2000] = '\0';
	o = translate("", deep);
	assert_int_equal(o.v.level, PM_UNTRANSLATABLE);
	assert_non_null(strstr(o.v.reasons, "too deep"));
	/* a field name alternation far beyond the cap: approximated */
	alts = malloc(16000);
	assert_non_null(alts);
	n += (size_t)snprintf(alts, 16000, "^(");
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(alts + n, 16000 - n, "%sF%d", i ? "|" : "",
		    i);
	snprintf(alts + n, 16000 - n, "):x");
	o = translate("", alts);
	assert_int_equal(o.v.level, PM_DIFFERS);
	free(alts);
	/* exponential alternatives before the colon: capped */
	o = translate("", "^(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)(o|p)(q|r):x");
	assert_int_equal(o.v.level, PM_DIFFERS);
	free(big);
	free(deep);
}

static void test_macro_expansion_bounds(void **state)
{
	char *text = malloc(8 * 1000 + 1), *out;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 1000; i++)
		memcpy(text + i * 8, "^TO_x^TO", 8);
	text[8000] = '\0';
	out = pm_re_expand_macros(text, strlen(text));
	assert_null(out);   /* past PM_RE_MAX_LEN */
	free(text);
	out = pm_re_expand_macros("a^TOb", 5);
	assert_non_null(out);
	assert_non_null(strstr(out, "(.*[^a-zA-Z])?)b"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_anchored),
		cmocka_unit_test(test_field_alternatives),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_anchors_and_words),
		cmocka_unit_test(test_classes_and_escapes),
		cmocka_unit_test(test_match_operator),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_bad_and_hostile),
		cmocka_unit_test(test_macro_expansion_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

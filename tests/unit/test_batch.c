/* test_batch.c: the verdict on a delivery to several recipients
 * (src/batch.c): which exit code, which lines on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* before cmocka.h, whose fail() macro would clash with outcome.h's fail() */
#include "batch.h"
#include "deliver.h"
#include "outcome.h"

#include <cmocka.h>

static struct recipient_result ok_safe(const char *who)
{
	return (struct recipient_result){ .recipient = who, .done = true,
	    .code = EX_OK, .retry_safe = true };
}

static struct recipient_result ok_unsafe(const char *who, const char *why)
{
	struct recipient_result r = { .recipient = who, .done = true,
	    .code = EX_OK };

	snprintf(r.unsafe_why, sizeof r.unsafe_why, "%s", why);
	return r;
}

static struct recipient_result failed(const char *who, int code,
    const char *reason)
{
	struct recipient_result r = { .recipient = who, .done = true,
	    .code = code, .out.code = code };

	snprintf(r.out.reason, sizeof r.out.reason, "%s", reason);
	return r;
}

/* batch_report's stderr text, and its code and summary */
static char *report(const struct recipient_result *r, size_t n, int *code,
    struct outcome *summary)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	*code = batch_report(r, n, fp, summary);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static void all_delivered(void **state)
{
	struct recipient_result r[] = { ok_safe("a@x"), ok_unsafe("b@x",
	    "dedup off") };
	struct outcome sum = { 0 };
	int code;
	char *text = report(r, 2, &code, &sum);

	(void)state;
	assert_int_equal(batch_exit_code(r, 2), EX_OK);
	assert_false(batch_may_duplicate(r, 2));
	assert_int_equal(code, EX_OK);
	assert_string_equal(text, "");   /* no line: nothing to retry */
	assert_string_equal(sum.reason, "");
	free(text);
}

static void tempfail_wins(void **state)
{
	struct recipient_result r[] = { failed("n@x", EX_NOUSER,
	    "unknown user n@x"), ok_safe("a@x"), failed("c@x", EX_TEMPFAIL,
	    "Quota exceeded") };
	struct outcome sum = { 0 };
	int code;
	char *text = report(r, 3, &code, &sum);

	(void)state;
	assert_int_equal(code, EX_TEMPFAIL);
	assert_false(batch_may_duplicate(r, 3));
	assert_string_equal(text,
	    "deliver: <n@x>: unknown user n@x (exit 67)\n"
	    "deliver: <c@x>: Quota exceeded (exit 75)\n");
	assert_int_equal(sum.code, EX_TEMPFAIL);
	assert_string_equal(sum.reason, "2 of 3 recipients not delivered");
	free(text);
}

static void tempfail_may_duplicate(void **state)
{
	struct recipient_result r[] = { ok_unsafe("a@x", "no Message-ID"),
	    failed("c@x", EX_TEMPFAIL, "Quota exceeded"), ok_safe("b@x") };
	struct outcome sum = { 0 };
	int code;
	char *text = report(r, 3, &code, &sum);

	(void)state;
	assert_int_equal(code, EX_TEMPFAIL);
	assert_true(batch_may_duplicate(r, 3));
	assert_string_equal(text,
	    "deliver: <c@x>: Quota exceeded (exit 75)\n"
	    "deliver: <a@x>: delivered, but a retry may deliver it again "
	    "(no Message-ID)\n");
	assert_string_equal(sum.reason, "1 of 3 recipients not delivered");
	free(text);
}

static void permanent_only(void **state)
{
	struct recipient_result r[] = { ok_unsafe("a@x", "dedup off"),
	    failed("l@x", EX_NOPERM, "mail forwarding loop for l@x"),
	    failed("n@x", EX_NOUSER, "unknown user n@x") };
	struct outcome sum = { 0 };
	int code;
	char *text = report(r, 3, &code, &sum);

	(void)state;
	/* the first failure's code; no retry, so no duplicate warning */
	assert_int_equal(code, EX_NOPERM);
	assert_false(batch_may_duplicate(r, 3));
	assert_string_equal(text,
	    "deliver: <l@x>: mail forwarding loop for l@x (exit 77)\n"
	    "deliver: <n@x>: unknown user n@x (exit 67)\n");
	assert_string_equal(sum.reason, "2 of 3 recipients not delivered");
	free(text);
}

static void hostile_text_escaped(void **state)
{
	struct recipient_result r[] = { failed("x\n@y", EX_TEMPFAIL,
	    "bad\rreason") };
	struct outcome sum = { 0 };
	int code;
	char *text = report(r, 1, &code, &sum);

	(void)state;
	assert_string_equal(text,
	    "deliver: <x\\n@y>: bad\\rreason (exit 75)\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_delivered),
		cmocka_unit_test(tempfail_wins),
		cmocka_unit_test(tempfail_may_duplicate),
		cmocka_unit_test(permanent_only),
		cmocka_unit_test(hostile_text_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

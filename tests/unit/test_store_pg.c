/* test_store_pg.c: the store's interface with a PostgreSQL store that
 * cannot be reached (no server at the socket): which settings name
 * PostgreSQL, every call degrading to "nothing known, nothing recorded"
 * within the timeout, the claim saying the store was unreachable (what
 * store_unavailable = defer acts on), the claim check before linking
 * (nothing to check, or not confirmed), --store-init's refusal of a
 * deliver.db, and the --log line with a host.  The behaviour against a
 * real server is tests/integration/62-store-pg.t's (a lost claim:
 * 64-store-pg-claim-lost.t's). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "config.h"
#include "pg.h"
#include "store.h"

static char reported[4096];
static struct config cfg;

static void report(int priority, const char *line)
{
	(void)priority;
	strlcat(reported, line, sizeof reported);
	strlcat(reported, "\n", sizeof reported);
}

static int setup(void **state)
{
	char err[128];

	(void)state;
	config_defaults(&cfg);
	/* a socket directory that does not exist: refused at once */
	assert_int_equal(config_set(&cfg, "store", "postgresql:///mail?host="
	    "/nonexistent-deliver-test", err, sizeof err), 0);
	cfg.store_timeout = 1;
	reported[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	return 0;
}

static void test_uri(void **state)
{
	(void)state;
	assert_true(pg_store_uri("postgresql://db/mail"));
	assert_true(pg_store_uri("postgres:///mail"));
	assert_false(pg_store_uri("postgresql:/db"));
	assert_false(pg_store_uri("deliver.db"));
	assert_false(pg_store_uri("/var/lib/postgresql://x"));
	assert_false(pg_store_uri("host=db dbname=mail"));
}

static void test_unreachable(void **state)
{
	struct store *st = store_new(&cfg, "/nonexistent", "/nonexistent",
	    report);
	struct store_delivery d = { .msgid = "a@b", .result = "delivered" };
	struct store_claim c;
	time_t start = time(NULL);
	char err[256];

	(void)state;
	assert_non_null(st);
	store_claim(st, "a@b", "r@x", "base", "tmp", "", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_true(c.unreachable);
	assert_string_equal(c.why, "store unavailable");
	assert_non_null(strstr(reported, "PostgreSQL store unavailable: "));
	/* given up for the rest of the delivery: said once, no more waits */
	assert_int_equal(store_record(st, &c, &d), -1);
	assert_true(store_vacation_due(st, "s@x", "h", 7));
	assert_int_equal(store_vacation_sent(st, "s@x", "h"), -1);
	assert_false(store_redirect_done(st, "<a@b>", "t@x"));
	assert_false(store_duplicate_seen(st, "k"));
	assert_int_equal(store_duplicate_mark(st, "k", 60), -1);
	assert_int_equal(store_print_log(st, &(struct store_log_filter){ 0 },
	    stdout, err, sizeof err), -1);
	assert_null(strstr(strstr(reported, "unavailable") + 1,
	    "unavailable"));   /* said once */
	assert_true(time(NULL) - start <= 3);
	store_claim_free(&c);
	store_close(st);
}

/* No Message-ID: nothing to claim, but with defer the delivery must
 * still learn that the store is away. */
static void test_defer_without_msgid(void **state)
{
	struct store *st;
	struct store_claim c;

	(void)state;
	st = store_new(&cfg, "/nonexistent", "/nonexistent", report);
	store_claim(st, "", "r@x", "base", "tmp", "", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_false(c.unreachable);   /* deliver: no reason to try */
	store_close(st);
	cfg.store_unavailable = STORE_UNAVAILABLE_DEFER;
	st = store_new(&cfg, "/nonexistent", "/nonexistent", report);
	store_claim(st, "", "r@x", "base", "tmp", "", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_true(c.unreachable);
	store_close(st);
}

/* The check before linking: nothing to check without a PostgreSQL claim
 * (deliver.db's answer costs nothing: not even opening the file); a
 * claim whose server is gone cannot be confirmed, within the timeout. */
static void test_claim_check(void **state)
{
	struct store_claim held = { .status = CLAIM_NEW, .row = 7 };
	struct store_claim none = { .status = CLAIM_SKIPPED };
	struct store *st;
	time_t start = time(NULL);
	char why[256] = "x";

	(void)state;
	assert_int_equal(store_claim_check(NULL, &held, why, sizeof why),
	    CLAIM_STILL_HELD);
	assert_string_equal(why, "");
	st = store_new(&cfg, "/nonexistent", "/nonexistent", report);
	assert_int_equal(store_claim_check(st, &none, why, sizeof why),
	    CLAIM_STILL_HELD);
	assert_string_equal(reported, "");   /* no connection tried */
	assert_int_equal(store_claim_check(st, &held, why, sizeof why),
	    CLAIM_UNCHECKED);
	assert_string_equal(why, "the store connection was lost and the "
	    "server cannot be reached");
	assert_non_null(strstr(reported, "PostgreSQL store unavailable: "));
	assert_true(time(NULL) - start <= 3);
	store_close(st);
	free(cfg.store);
	cfg.store = strdup("deliver.db");
	reported[0] = '\0';
	st = store_new(&cfg, "/nonexistent", "/nonexistent", report);
	assert_non_null(st);
	assert_int_equal(store_claim_check(st, &held, why, sizeof why),
	    CLAIM_STILL_HELD);
	assert_string_equal(reported, "");
	store_close(st);
}

static void test_init_needs_postgresql(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(store_init(&cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent-deliver-test"));
	free(cfg.store);
	cfg.store = strdup("deliver.db");
	assert_int_equal(store_init(&cfg, err, sizeof err), -1);
	assert_string_equal(err, "--store-init needs a PostgreSQL store "
	    "(store = postgresql://...); deliver.db creates itself");
}

static void test_log_line_with_host(void **state)
{
	struct store_log_row r = { .time = 0, .recipient = "r@x",
	    .sender = "s@x", .msgid = "a\nb", .size = 12, .folders = "INBOX",
	    .files = "new/f", .actions = "keep", .result = "delivered",
	    .exit_code = 0, .host = "mx 2" };
	char buf[512];
	FILE *fp = fmemopen(buf, sizeof buf, "w");

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	store_print_row(fp, &r);
	fclose(fp);
	assert_string_equal(buf, "1970-01-01 00:00:00 delivered exit=0 "
	    "to=<r@x> from=<s@x> msgid=<a\\012b> size=12 folders=INBOX "
	    "files=new/f actions=keep host=mx 2\n");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_uri),
		T(test_unreachable),
		T(test_defer_without_msgid),
		T(test_claim_check),
		T(test_init_needs_postgresql),
		T(test_log_line_with_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_store.c: deliver.db with a real SQLite file in a temporary
 * directory: key normalization, the stale-claim rule, claims, recording,
 * corruption, tracking, pruning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "proc.h"
#include "store.h"

static char dir[PATH_MAX], db_path[PATH_MAX + 16];
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
	(void)state;
	snprintf(dir, sizeof dir, "%s/test_store.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db_path, sizeof db_path, "%s/deliver.db", dir);
	config_defaults(&cfg);
	cfg.store_timeout = 0;
	reported[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	config_free(&cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct store *open_store(void)
{
	struct store *st = store_new(&cfg, dir, "/nonexistent", report);

	assert_non_null(st);
	return st;
}

/* Run one SQL statement on the test's own connection. */
static long long sql_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void test_normalize(void **state)
{
	char out[STORE_MSGID_MAX + 1], big[1200];

	(void)state;
	assert_true(store_normalize_msgid("<a@b>", out, sizeof out));
	assert_string_equal(out, "a@b");
	assert_true(store_normalize_msgid("  <x.y@z.example>  \r\n", out,
	    sizeof out));
	assert_string_equal(out, "x.y@z.example");
	assert_true(store_normalize_msgid("< a@b >", out, sizeof out));
	assert_string_equal(out, "a@b");
	assert_true(store_normalize_msgid("bare@id", out, sizeof out));
	assert_string_equal(out, "bare@id");
	assert_true(store_normalize_msgid("<half@open", out, sizeof out));
	assert_string_equal(out, "<half@open");
	assert_false(store_normalize_msgid("", out, sizeof out));
	assert_string_equal(out, "");
	assert_false(store_normalize_msgid("   ", out, sizeof out));
	assert_false(store_normalize_msgid("<>", out, sizeof out));
	assert_false(store_normalize_msgid(NULL, out, sizeof out));
	assert_false(store_normalize_msgid("<a\001b@c>", out, sizeof out));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(store_normalize_msgid(big, out, sizeof out));
	big[STORE_MSGID_MAX] = '\0';
	assert_true(store_normalize_msgid(big, out, sizeof out));
	assert_int_equal(strlen(out), STORE_MSGID_MAX);
}

static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	assert_true(pid > 0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void test_stale_rule(void **state)
{
	time_t now = time(NULL);
	long me = getpid();
	long long start = proc_start_time(me);

	(void)state;
	assert_true(start >= 0);
	assert_false(store_claim_stale(me, start, now, now));
	assert_false(store_claim_stale(me, -1, now - 5, now));
	/* released */
	assert_true(store_claim_stale(0, -1, now, now));
	/* the pid now belongs to another process */
	assert_true(store_claim_stale(me, start + 1, now, now));
	/* its process is gone */
	assert_true(store_claim_stale(dead_pid(), -1, now, now));
	/* too old, even if running */
	assert_false(store_claim_stale(me, start, now -
	    STORE_CLAIM_STALE_SECONDS, now));
	assert_true(store_claim_stale(me, start, now -
	    STORE_CLAIM_STALE_SECONDS - 1, now));
	assert_int_equal(proc_start_time(dead_pid()), -1);
}

static const struct store_delivery delivered = {
	.msgid = "m1@x", .sender = "s@x", .recipient = "u@y", .size = 10,
	.folders = "INBOX", .files = "new/B,S=10", .actions = "keep",
	.result = "delivered", .exit_code = 0,
};

static void test_claim_then_duplicate(void **state)
{
	struct store *st = open_store();
	struct store_claim c;
	struct stat sb;

	(void)state;
	store_claim(st, "m1@x", "u@y", "B", "T", "targets", &c);
	assert_int_equal(c.status, CLAIM_NEW);
	assert_true(c.row > 0);
	assert_int_equal(stat(db_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_record(st, &c, &delivered), 0);
	store_claim_free(&c);

	store_claim(st, "m1@x", "u@y", "B2", "T2", "t", &c);
	assert_int_equal(c.status, CLAIM_DUPLICATE);
	assert_int_equal(c.row, 0);
	store_claim_free(&c);
	/* another recipient is another delivery */
	store_claim(st, "m1@x", "other@y", "B3", "T3", "t", &c);
	assert_int_equal(c.status, CLAIM_NEW);
	store_claim_free(&c);
	store_close(st);
	assert_int_equal(sql_int("PRAGMA user_version"), 2);
	assert_int_equal(sql_int("PRAGMA page_size"), 1024);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 1);
	/* only what a delivery writes: the tracking tables come when used */
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE "
	    "name IN ('vacation', 'redirect', 'dedup_stamp', 'log_time')"), 0);
	assert_int_equal(sql_int("SELECT state FROM dedup WHERE base = 'B'"), 1);
	assert_string_equal(reported, "");
}

static void test_expired_is_new(void **state)
{
	struct store *st = open_store();
	struct store_claim c;

	(void)state;
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	store_record(st, &c, &delivered);
	store_close(st);
	sql_int("UPDATE dedup SET stamp = stamp - 3 * 86400");
	st = open_store();
	store_claim(st, "m1@x", "u@y", "B2", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_NEW);
	store_close(st);
}

static void test_live_claim_is_held(void **state)
{
	struct store *st = open_store();
	struct store_claim c, again;

	(void)state;
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_NEW);
	/* this process holds it and runs: with no time to wait, held */
	store_claim(st, "m1@x", "u@y", "B2", "T2", "t", &again);
	assert_int_equal(again.status, CLAIM_HELD);
	assert_int_equal(again.holder, getpid());
	store_close(st);
}

static void test_released_claim_resumes(void **state)
{
	struct store *st = open_store();
	struct store_delivery failed = delivered;
	struct store_claim c;

	(void)state;
	store_claim(st, "m1@x", "u@y", "BASE1", "TMP1", "0 S .Work\n", &c);
	failed.exit_code = 75;
	failed.result = "deferred";
	assert_int_equal(store_record(st, &c, &failed), 0);
	store_claim_free(&c);
	store_claim(st, "m1@x", "u@y", "BASE2", "TMP2", "other", &c);
	assert_int_equal(c.status, CLAIM_RESUME);
	assert_string_equal(c.base, "BASE1");
	assert_string_equal(c.tmp, "TMP1");
	assert_string_equal(c.targets, "0 S .Work\n");
	assert_int_equal(store_record(st, &c, &delivered), 0);
	store_claim_free(&c);
	store_claim(st, "m1@x", "u@y", "BASE3", "TMP3", "x", &c);
	assert_int_equal(c.status, CLAIM_DUPLICATE);
	store_close(st);
}

static void test_dead_holder_resumes(void **state)
{
	struct store *st = open_store();
	struct store_claim c;
	char sql[128];

	(void)state;
	store_claim(st, "m1@x", "u@y", "BASE1", "TMP1", "", &c);
	store_close(st);
	snprintf(sql, sizeof sql, "UPDATE dedup SET pid = %ld", dead_pid());
	sql_int(sql);
	st = open_store();
	store_claim(st, "m1@x", "u@y", "BASE2", "TMP2", "mine", &c);
	assert_int_equal(c.status, CLAIM_RESUME);
	assert_string_equal(c.base, "BASE1");
	/* it died before planning: our targets are used and recorded */
	assert_string_equal(c.targets, "mine");
	store_claim_free(&c);
	store_close(st);
	assert_int_equal(sql_int("SELECT pid FROM dedup"), getpid());
}

static void test_targets_recorded_later(void **state)
{
	struct store *st = open_store();
	struct store_claim c;

	(void)state;
	store_claim(st, "m1@x", "u@y", "B", "T", "", &c);
	assert_int_equal(store_claim_targets(st, &c, "1/.Later\n"), 0);
	store_close(st);
	assert_int_equal(sql_int("SELECT targets = '1/.Later' || char(10) "
	    "FROM dedup"), 1);
	assert_int_equal(store_claim_targets(NULL, &(struct store_claim){
	    .status = CLAIM_SKIPPED }, "x"), 0);
}

static void test_skips(void **state)
{
	struct store *st = open_store();
	struct store_claim c;

	(void)state;
	store_claim(st, "", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_string_equal(c.why, "no Message-ID");
	cfg.dedup = false;
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_string_equal(c.why, "dedup off");
	store_claim(NULL, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	/* dedup and log off: no file at all */
	cfg.delivery_log = false;
	assert_int_equal(store_record(st, &c, &delivered), 0);
	store_close(st);
	assert_int_equal(access(db_path, F_OK), -1);
	free(cfg.store);
	cfg.store = strdup("none");
	assert_null(store_new(&cfg, dir, NULL, report));
}

/* A batch's records go into one transaction: another connection
 * sees none of them before store_batch_end and all after; a record that
 * fails inside the batch is undone alone. */
static void test_batch_one_commit(void **state)
{
	struct store *st = open_store();
	struct store_delivery d = delivered, bad = delivered;

	(void)state;
	assert_int_equal(store_record(st, NULL, &d), 0);
	/* the test's connection refuses one sender */
	sql_int("CREATE TRIGGER refuse BEFORE INSERT ON log WHEN "
	    "NEW.sender = 'bad@x' BEGIN SELECT RAISE(ABORT, 'refused'); END");
	bad.sender = "bad@x";
	store_batch_begin(st);
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(store_record(st, NULL, &bad), -1);
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 1);
	assert_int_equal(store_batch_end(st), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 3);
	assert_non_null(strstr(reported, "delivery not recorded: refused"));
	assert_null(strstr(reported, "deliveries not recorded"));
	/* an empty batch, then a record that commits alone again */
	store_batch_begin(st);
	assert_int_equal(store_batch_end(st), 0);
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 4);
	store_close(st);
}

/* A batch whose commit fails (the WAL cannot grow: a file size
 * limit) loses its records and says how many. */
static void test_batch_commit_fails(void **state)
{
	struct store *st = open_store();
	struct store_delivery d = delivered;
	char wal[PATH_MAX + 32];
	struct rlimit old, tight;
	struct stat sb;

	(void)state;
	assert_int_equal(store_record(st, NULL, &d), 0);
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	tight = old;
	tight.rlim_cur = (rlim_t)sb.st_size;
	signal(SIGXFSZ, SIG_IGN);
	store_batch_begin(st);
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tight), 0);
	assert_int_equal(store_batch_end(st), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_non_null(strstr(reported, "2 deliveries not recorded"));
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 1);
	/* the store works on */
	assert_int_equal(store_record(st, NULL, &d), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 2);
	store_close(st);
}

/* Deliveries, each a process of its own, keep the WAL short: it is checkpointed and truncated once it
 * passes 64 pages, not left to grow with every delivery (which made
 * every open read all of it and every delivery checkpoint it again). */
static void test_wal_stays_short(void **state)
{
	char wal[PATH_MAX + 32], id[32];
	size_t biggest = 0;
	struct stat sb;

	(void)state;
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	for (int i = 0; i < 80; i++) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct store *st = open_store();
			struct store_claim c;

			snprintf(id, sizeof id, "m%d@x", i);
			store_claim(st, id, "u@y", "B", "T", "targets", &c);
			if (c.status != CLAIM_NEW ||
			    store_record(st, &c, &delivered) != 0)
				_exit(1);
			store_claim_free(&c);
			store_close(st);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_int_equal(status, 0);
		assert_int_equal(stat(wal, &sb), 0);
		if ((size_t)sb.st_size > biggest)
			biggest = (size_t)sb.st_size;
	}
	/* 64 pages and one delivery's commits, of 1 KiB pages + 24 bytes */
	assert_true(biggest < (64 + 16) * (1024 + 24) + 32);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 80);
}

static void test_corrupt_moved_aside(void **state)
{
	struct store *st;
	struct store_claim c;
	FILE *fp = fopen(db_path, "w");
	char cmd[PATH_MAX + 64];

	(void)state;
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database, not at all\n", fp);
	fclose(fp);
	st = open_store();
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_NEW);
	assert_non_null(strstr(reported, "is corrupt (file is not a database)"
	    ": moved aside to "));
	assert_non_null(strstr(reported, "/deliver.db.corrupt-"));
	store_close(st);
	snprintf(cmd, sizeof cmd, "test -f %s.corrupt-*", db_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM dedup"), 1);
}

static void test_symlink_refused(void **state)
{
	struct store *st;
	struct store_claim c;
	char target[PATH_MAX + 16];

	(void)state;
	snprintf(target, sizeof target, "%s/elsewhere.db", dir);
	assert_int_equal(symlink(target, db_path), 0);
	st = open_store();
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_non_null(strstr(reported, "is a symbolic link: not used"));
	store_close(st);
	assert_int_equal(access(target, F_OK), -1);
}

static void test_newer_schema_left_alone(void **state)
{
	struct store *st;
	struct store_claim c;

	(void)state;
	sql_int("PRAGMA user_version = 99");
	st = open_store();
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	assert_int_equal(c.status, CLAIM_SKIPPED);
	assert_non_null(strstr(reported, "schema version 99"));
	store_close(st);
	assert_int_equal(sql_int("PRAGMA user_version"), 99);
}

/* One delivery as a process of its own makes it: open, claim, record,
 * close. */
static void deliver_in_own_process(const char *msgid)
{
	struct store *st = open_store();
	struct store_claim c;

	store_claim(st, msgid, "u@y", "B", "T", "t", &c);
	store_record(st, &c, &delivered);
	store_claim_free(&c);
	store_close(st);
}

static void test_prune_bounded(void **state)
{
	(void)state;
	deliver_in_own_process("m1@x");
	sql_int("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 100) INSERT INTO log (time, msgid, sender, "
	    "recipient, size, folders, files, actions, result, exit_code, "
	    "duplicate) SELECT 1000 + i, 'old', '', '', 0, '', '', '', '', 0, "
	    "0 FROM n");
	/* log row 102: not a pruning turn */
	deliver_in_own_process("m2@x");
	assert_int_equal(sql_int("SELECT max(id) FROM log"), 102);
	assert_int_equal(sql_int("SELECT count(*) FROM log"), 102);
	/* log row 104: at most STORE_PRUNE_BATCH of the old ones go, the
	 * oldest first, and not the recent first row */
	sql_int("INSERT INTO log (time, msgid, sender, recipient, size, folders, "
	    "files, actions, result, exit_code, duplicate) SELECT time, msgid, "
	    "sender, recipient, size, folders, files, actions, result, "
	    "exit_code, duplicate FROM log WHERE id = 102");
	deliver_in_own_process("m3@x");
	assert_int_equal(104 % STORE_PRUNE_EVERY, 0);
	assert_int_equal(sql_int("SELECT count(*) FROM log"),
	    104 - STORE_PRUNE_BATCH);
	assert_int_equal(sql_int("SELECT min(time) FROM log WHERE id > 1"),
	    1000 + STORE_PRUNE_BATCH + 1);
	assert_int_equal(sql_int("SELECT count(*) FROM log WHERE id = 1"), 1);
}

static void test_vacation(void **state)
{
	struct store *st = open_store();

	(void)state;
	assert_true(store_vacation_due(st, "A@x", "h", 7));
	assert_int_equal(store_vacation_sent(st, "A@x", "h"), 0);
	assert_false(store_vacation_due(st, "a@X", "h", 7));
	assert_true(store_vacation_due(st, "a@x", "other", 7));
	assert_true(store_vacation_due(NULL, "a@x", "h", 7));
	store_close(st);
	assert_int_equal(sql_int("SELECT expires - sent FROM vacation"),
	    7 * 86400);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'vacation_expires'"), 1);
	sql_int("UPDATE vacation SET sent = sent - 8 * 86400");
	st = open_store();
	assert_true(store_vacation_due(st, "a@x", "h", 7));
	assert_false(store_vacation_due(st, "a@x", "h", 30));
	store_close(st);
}

static void test_redirect(void **state)
{
	struct store *st = open_store();

	(void)state;
	assert_false(store_redirect_done(st, "<r@x>", "t@y"));
	assert_int_equal(store_redirect_sent(st, "<r@x>", "t@y"), 0);
	assert_true(store_redirect_done(st, " <r@x> ", "t@y"));
	assert_false(store_redirect_done(st, "<r@x>", "u@y"));
	assert_false(store_redirect_done(st, "", "t@y"));
	store_close(st);
	assert_int_equal(sql_int("SELECT count(*) FROM redirect WHERE msgid = "
	    "'r@x'"), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'redirect_sent'"), 1);
	assert_string_equal(reported, "");
}

static void test_print_log(void **state)
{
	struct store *st = open_store();
	struct store_claim c;
	struct store_log_filter f = { 0 };
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(store_print_log(st, &f, stdout, err, sizeof err), 0);
	store_claim(st, "m1@x", "u@y", "B", "T", "t", &c);
	struct store_delivery d = delivered;
	d.sender = "evil\nline@x";
	store_record(st, &c, &d);
	fp = open_memstream(&text, &len);
	assert_int_equal(store_print_log(st, &f, fp, err, sizeof err), 1);
	fclose(fp);
	assert_non_null(strstr(text, " delivered exit=0 to=<u@y> "
	    "from=<evil\\012line@x> msgid=<m1@x> size=10 folders=INBOX "
	    "files=new/B,S=10 actions=keep\n"));
	free(text);
	f.sender = "nobody";
	assert_int_equal(store_print_log(st, &f, stdout, err, sizeof err), 0);
	f.sender = NULL;
	f.folder = "INBOX";
	fp = open_memstream(&text, &len);
	assert_int_equal(store_print_log(st, &f, fp, err, sizeof err), 1);
	fclose(fp);
	free(text);
	store_close(st);
}

static void test_parse_since(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(store_parse_since("2d", 1000000, &t), 0);
	assert_int_equal(t, 1000000 - 2 * 86400);
	assert_int_equal(store_parse_since("30m", 1000000, &t), 0);
	assert_int_equal(t, 1000000 - 1800);
	assert_int_equal(store_parse_since("@12345", 1000000, &t), 0);
	assert_int_equal(t, 12345);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(store_parse_since("2026-11-23", 0, &t), 0);
	assert_int_equal(t, 1795392000);
	assert_int_equal(store_parse_since("2026-11-23 01:02:03", 0, &t), 0);
	assert_int_equal(t, 1795392000 + 3723);
	assert_int_equal(store_parse_since("2026-11-23 01:02", 0, &t), 0);
	assert_int_equal(t, 1795392000 + 3720);
	assert_int_equal(store_parse_since("yesterday", 0, &t), -1);
	assert_int_equal(store_parse_since("5x", 0, &t), -1);
	assert_int_equal(store_parse_since("2026-11-23 junk", 0, &t), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_normalize), T(test_stale_rule),
		T(test_claim_then_duplicate), T(test_expired_is_new),
		T(test_live_claim_is_held), T(test_released_claim_resumes),
		T(test_dead_holder_resumes), T(test_targets_recorded_later),
		T(test_skips),
		T(test_batch_one_commit),
		T(test_batch_commit_fails),
		T(test_wal_stays_short),
		T(test_corrupt_moved_aside), T(test_symlink_refused),
		T(test_newer_schema_left_alone), T(test_prune_bounded),
		T(test_vacation), T(test_redirect), T(test_print_log),
		T(test_parse_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_quota.c: quota definitions, maildirsize parsing, the recalculation
 * rules, the scan and the warning text (src/quota*.c). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* before cmocka.h, whose fail() macro would clash with outcome.h's fail() */
#include "config.h"
#include "maildir.h"
#include "quota.h"

#include <cmocka.h>

/* ---- definitions ---- */

static void config_ok(const char *text, uint64_t bytes, uint64_t count)
{
	struct quota_limits q;

	if (quota_parse_config(text, &q) != 0)
		print_error("rejected: \"%s\"\n", text);
	assert_int_equal(quota_parse_config(text, &q), 0);
	assert_int_equal(q.bytes, bytes);
	assert_int_equal(q.count, count);
	assert_true(quota_config_valid(text));
}

static void test_config_forms(void **state)
{
	(void)state;
	config_ok("1G", 1073741824ULL, 0);
	config_ok("500M,10000C", 500ULL << 20, 10000);
	config_ok("10000000S,1000C", 10000000, 1000);
	config_ok("1000C", 0, 1000);
	config_ok("1000C,2K", 2048, 1000);
	config_ok("10k", 10240, 0);
	config_ok("3MS", 3ULL << 20, 0);
	config_ok(" 1M , 2C ", 1ULL << 20, 2);
	config_ok("0", 0, 0);
	config_ok("1T", 1ULL << 40, 0);
	config_ok("9223372036854775807", INT64_MAX, 0);
}

static void test_config_refusals(void **state)
{
	static const char *const bad[] = {
		"", "abc", "10X", "1KC", "5S,6S", "5C,6C", "-5", "1,", ",1",
		"99999999999999999999", "9000000T", "9223372036854775808",
		"1 2", "1G ,", "S", "C", "0x10", "1.5G",
	};
	struct quota_limits q;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (quota_parse_config(bad[i], &q) == 0)
			print_error("accepted: \"%s\"\n", bad[i]);
		assert_int_equal(quota_parse_config(bad[i], &q), -1);
	}
	assert_true(quota_config_valid(""));
	assert_true(quota_config_valid("none"));
	assert_false(quota_config_valid("None "));
	assert_false(quota_config_valid("10X"));
}

static void definition_is(const char *line, uint64_t bytes, uint64_t count)
{
	struct quota_limits q;

	quota_parse_definition(line, strlen(line), &q);
	assert_int_equal(q.bytes, bytes);
	assert_int_equal(q.count, count);
}

static void test_definition_line(void **state)
{
	(void)state;
	definition_is("10000000S,1000C", 10000000, 1000);
	definition_is("1000C,500S", 500, 1000);
	definition_is("", 0, 0);
	definition_is("junk,5S", 5, 0);
	definition_is("5X,7C", 0, 7);
	definition_is(" 5S, 7C", 5, 7);
	definition_is("0S", 0, 0);
	definition_is("99999999999999999999999S", INT64_MAX, 0);
	definition_is("5", 0, 0);
}

static void format_is(uint64_t bytes, uint64_t count, const char *want)
{
	struct quota_limits q = { bytes, count };
	char buf[64];

	assert_int_equal(quota_format_definition(&q, buf, sizeof buf), 0);
	assert_string_equal(buf, want);
}

static void test_definition_format(void **state)
{
	struct quota_limits q = { 10000000, 1000 };
	char small[8];

	(void)state;
	format_is(10000000, 1000, "10000000S,1000C");
	format_is(1073741824, 0, "1073741824S");
	format_is(0, 1000, "1000C");
	format_is(0, 0, "0S");
	assert_int_equal(quota_format_definition(&q, small, sizeof small), -1);
}

/* ---- maildirsize contents ---- */

static struct maildirsize parse(const char *text, size_t len)
{
	struct maildirsize ms;

	maildirsize_parse(text, len, &ms);
	return ms;
}

#define PARSE(s) parse(s, sizeof(s) - 1)

static void test_parse_plain(void **state)
{
	struct maildirsize ms;

	(void)state;
	/* Courier's padded lines and Dovecot's unpadded ones */
	ms = PARSE("10000S,100C\n          36            2\n18 1\n");
	assert_string_equal(ms.definition, "10000S,100C");
	assert_int_equal(ms.limits.bytes, 10000);
	assert_int_equal(ms.limits.count, 100);
	assert_int_equal(ms.bytes, 54);
	assert_int_equal(ms.count, 3);
	assert_int_equal(ms.lines, 2);
	assert_false(ms.corrupt);
	assert_false(ms.full);

	/* removals are negative lines; only a negative total is wrong */
	ms = PARSE("1000S\n100 2\n-50 -1\n\t7\t1 \n");
	assert_int_equal(ms.bytes, 57);
	assert_int_equal(ms.count, 2);
	assert_int_equal(ms.lines, 3);
	assert_false(ms.corrupt);

	/* CRLF and blank lines */
	ms = PARSE("1000S\r\n10 1\r\n\n   \n20 1\n");
	assert_string_equal(ms.definition, "1000S");
	assert_int_equal(ms.bytes, 30);
	assert_int_equal(ms.lines, 2);
	assert_false(ms.corrupt);
}

static void test_parse_odd(void **state)
{
	struct maildirsize ms;

	(void)state;
	/* no final newline: the last line may be an append in progress */
	ms = PARSE("1000S\n10 1\n20 2");
	assert_int_equal(ms.bytes, 10);
	assert_int_equal(ms.count, 1);
	assert_int_equal(ms.lines, 1);
	assert_false(ms.corrupt);

	/* only a definition, without a newline */
	ms = PARSE("1000S");
	assert_string_equal(ms.definition, "1000S");
	assert_int_equal(ms.limits.bytes, 1000);
	assert_int_equal(ms.lines, 0);
	assert_false(ms.corrupt);

	/* empty file, empty first line */
	ms = parse("", 0);
	assert_string_equal(ms.definition, "");
	assert_int_equal(ms.lines, 0);
	assert_false(ms.corrupt);
	ms = PARSE("\n10 1\n");
	assert_string_equal(ms.definition, "");
	assert_int_equal(ms.limits.bytes, 0);
	assert_int_equal(ms.limits.count, 0);
	assert_int_equal(ms.bytes, 10);
	assert_false(ms.corrupt);

	/* negative totals */
	assert_true(PARSE("1000S\n-5 1\n").corrupt);
	assert_true(PARSE("1000S\n5 -1\n").corrupt);
	assert_true(PARSE("1000S\n10 1\n-20 -2\n").corrupt);

	/* garbage lines */
	static const char *const garbage[] = {
		"1000S\n10 1\nhello\n", "1000S\n10 1 3\n", "1000S\n10\n",
		"1000S\n10x 1\n", "1000S\n--1 1\n", "1000S\n1 - 1\n",
		"1000S\n+1 1\n", "1000S\n1,1\n", "1000S\n99999999999999999999 1\n",
		"1000S\n9223372036854775807 1\n1 1\n",
	};
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		ms = parse(garbage[i], strlen(garbage[i]));
		if (!ms.corrupt)
			print_error("not corrupt: \"%s\"\n", garbage[i]);
		assert_true(ms.corrupt);
	}

	/* NUL bytes, in the data or in the definition */
	ms = PARSE("1000S\n10 1\n\0\n");
	assert_true(ms.corrupt);
	ms = PARSE("10\0S\n10 1\n");
	assert_true(ms.corrupt);
	assert_string_equal(ms.definition, "10");
}

static void test_parse_huge(void **state)
{
	size_t len = 100000;
	char *big = malloc(len);
	struct maildirsize ms;

	(void)state;
	assert_non_null(big);
	memcpy(big, "1000S\n", 6);
	for (size_t i = 6; i + 4 <= len; i += 4)
		memcpy(big + i, "1 1\n", 4);
	/* what a reader sees: the first 5120 bytes, buffer full */
	maildirsize_parse(big, MAILDIRSIZE_READ_MAX, &ms);
	assert_true(ms.full);
	assert_int_equal(quota_recalc_on_read(&ms, NULL), RECALC_TOO_BIG);
	/* 5119 bytes is not full */
	maildirsize_parse(big, MAILDIRSIZE_READ_MAX - 1, &ms);
	assert_false(ms.full);
	/* a definition line longer than we keep is cut, and flagged */
	memset(big, '9', 1000);
	big[1000] = 'S';
	big[1001] = '\n';
	maildirsize_parse(big, 1002, &ms);
	assert_true(ms.definition_cut);
	assert_int_equal(strlen(ms.definition), QUOTA_DEFINITION_MAX - 1);
	free(big);
}

/* ---- the rules ---- */

static void test_rules_on_read(void **state)
{
	struct quota_limits conf = { 1000, 0 }, other = { 1000, 5 };
	struct maildirsize ms = PARSE("1000S\n10 1\n");

	(void)state;
	assert_int_equal(quota_recalc_on_read(NULL, &conf), RECALC_MISSING);
	assert_int_equal(quota_recalc_on_read(NULL, NULL), RECALC_NONE);
	assert_int_equal(quota_recalc_on_read(&ms, NULL), RECALC_NONE);
	assert_int_equal(quota_recalc_on_read(&ms, &conf), RECALC_NONE);
	assert_int_equal(quota_recalc_on_read(&ms, &other), RECALC_DEFINITION);
	ms = PARSE("1000S\n10 1\n-20 -1\n");
	assert_int_equal(quota_recalc_on_read(&ms, &conf), RECALC_CORRUPT);
	/* same limits written differently: not a change */
	ms = PARSE("0C,1000S\n10 1\n");
	assert_int_equal(quota_recalc_on_read(&ms, &conf), RECALC_NONE);
}

static void test_rules_over_quota(void **state)
{
	time_t now = 1800000000;

	(void)state;
	assert_true(quota_recalc_when_over(2, now, now));
	assert_false(quota_recalc_when_over(1, now, now));
	assert_false(quota_recalc_when_over(0, now, now));
	assert_false(quota_recalc_when_over(1, now - 15 * 60 + 1, now));
	assert_true(quota_recalc_when_over(1, now - 15 * 60, now));
	assert_true(quota_recalc_when_over(0, now - 3600, now));
}

static void test_exceeds_and_percent(void **state)
{
	struct quota_limits l = { 100, 10 }, none = { 0, 0 };

	(void)state;
	assert_false(quota_exceeds(&l, 50, 1, 50, 1));   /* exactly full */
	assert_true(quota_exceeds(&l, 50, 1, 51, 1));
	assert_true(quota_exceeds(&l, 0, 10, 0, 1));
	assert_false(quota_exceeds(&l, 0, 9, 0, 1));
	assert_false(quota_exceeds(&none, INT64_MAX, INT64_MAX, 1, 1));
	assert_true(quota_exceeds(&l, INT64_MAX, 0, 1, 0));  /* overflow */
	assert_int_equal(quota_percent(&l, 50, 9), 90);
	assert_int_equal(quota_percent(&l, 95, 1), 95);
	assert_int_equal(quota_percent(&l, 250, 0), 250);
	assert_int_equal(quota_percent(&none, 50, 9), 0);
	assert_int_equal(quota_percent(&l, -5, 0), 0);
	l.bytes = UINT64_MAX / 2;
	assert_int_equal(quota_percent(&l, INT64_MAX, 0), 100);
}

/* ---- on disk ---- */

struct fixture {
	char dir[64];
	struct maildir root;
	struct config cfg;
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct outcome out = { 0 };

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_quota.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	if (maildir_open(&f->root, AT_FDCWD, f->dir, MAILDIR_CREATE, &out) < 0)
		return -1;
	config_defaults(&f->cfg);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	maildir_close(&f->root);
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	config_free(&f->cfg);
	free(f);
	return 0;
}

static void put(struct fixture *f, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", f->dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void put_bytes(struct fixture *f, const char *rel, size_t n)
{
	char *buf = malloc(n + 1);

	assert_non_null(buf);
	memset(buf, 'x', n);
	buf[n] = '\0';
	put(f, rel, buf);
	free(buf);
}

static char *slurp(struct fixture *f, const char *rel)
{
	static char buf[8192];
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", f->dir, rel);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void mkdirs(struct fixture *f, const char *folder)
{
	static const char *const sub[] = { "", "/new", "/cur", "/tmp" };
	char path[512];

	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s%s", f->dir, folder, sub[i]);
		assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	}
}

static void set_quota(struct fixture *f, const char *value)
{
	char err[200];

	assert_int_equal(config_set(&f->cfg, "quota", value, err, sizeof err), 0);
}

/* A Maildir with something of everything the scan must count or skip. */
static void populate(struct fixture *f)
{
	char path[512], target[512];

	put_bytes(f, "new/1.a.host", 10);                /* stat: 10 */
	put_bytes(f, "new/2.a.host,S=1000", 5);          /* name wins: 1000 */
	put_bytes(f, "cur/3.a.host,S=200:2,S", 200);
	put_bytes(f, "cur/4.a.host,S=300,W=310:2,RS", 300);
	put_bytes(f, "cur/5.a.host,S=4000:2,ST", 4000);  /* deleted: skipped */
	put_bytes(f, "cur/.hidden", 70);                 /* dot file: skipped */
	put_bytes(f, "cur/6.a.host,S=abc:2,", 6);        /* bad S=: stat 6 */
	mkdirs(f, ".Lists");
	put_bytes(f, ".Lists/new/7.a.host,S=20", 20);
	put_bytes(f, ".Lists/cur/8.a.host:2,", 3);
	mkdirs(f, ".Trash");
	put_bytes(f, ".Trash/cur/9.a.host,S=50000:2,S", 5);  /* not counted */
	mkdirs(f, ".Trash.Old");
	put_bytes(f, ".Trash.Old/cur/10.a.host,S=1:2,", 1);  /* counted */
	mkdirs(f, "..bad");
	put_bytes(f, "..bad/new/11,S=90000", 1);           /* not a folder */
	/* a symlinked folder is not followed */
	snprintf(target, sizeof target, "%s/.Lists", f->dir);
	snprintf(path, sizeof path, "%s/.Link", f->dir);
	assert_int_equal(symlink(target, path), 0);
	/* a regular file called like a folder is nothing */
	put(f, ".NotAFolder", "x");
	put(f, "tmp/12.a.host,S=80000", "x");            /* tmp/ never counts */
}

#define POPULATED_BYTES (10 + 1000 + 200 + 300 + 6 + 20 + 3 + 1)
#define POPULATED_COUNT 8

static void test_open_without_definition(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q;

	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_false(q.active);
	assert_int_equal(quota_check(&q, &f->cfg, 1 << 30, 3, &out), 0);
	assert_int_equal(quota_add(&q, 100, 1, &out), 0);
	assert_int_equal(quota_warn(&q, &f->cfg, &out), 0);
	quota_close(&q);
	assert_null(slurp(f, MAILDIRSIZE_NAME));
	assert_null(slurp(f, QUOTA_WARN_MARKER));

	/* "none" ignores even an existing file */
	put(f, MAILDIRSIZE_NAME, "10S\n5 1\n");
	set_quota(f, "none");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_false(q.active);
	assert_int_equal(quota_check(&q, &f->cfg, 1000, 1, &out), 0);
	quota_close(&q);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), "10S\n5 1\n");
}

static void test_recalculate_counts(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q;
	char want[128];

	populate(f);
	set_quota(f, "1M,100C");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_true(q.active);
	assert_true(q.recalculated);
	assert_int_equal(q.recalc_why, RECALC_MISSING);
	assert_int_equal(q.bytes, POPULATED_BYTES);
	assert_int_equal(q.count, POPULATED_COUNT);
	snprintf(want, sizeof want, "1048576S,100C\n%d %d\n", POPULATED_BYTES,
	    POPULATED_COUNT);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), want);

	/* the append: one line, exact bytes */
	assert_int_equal(quota_add(&q, 4096, 1, &out), 0);
	quota_close(&q);
	snprintf(want, sizeof want, "1048576S,100C\n%d %d\n4096 1\n",
	    POPULATED_BYTES, POPULATED_COUNT);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), want);

	/* the next reader sums it, without scanning */
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_false(q.recalculated);
	assert_int_equal(q.bytes, POPULATED_BYTES + 4096);
	assert_int_equal(q.count, POPULATED_COUNT + 1);
	assert_int_equal(q.lines, 2);
	quota_close(&q);
	/* no temporary file left behind in tmp/ */
	assert_non_null(slurp(f, "tmp/12.a.host,S=80000"));
}

static void test_definition_from_file_kept(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q;

	put_bytes(f, "new/1.a.host,S=10", 10);
	/* no config: the file's own line 1 stays as it was written */
	put(f, MAILDIRSIZE_NAME, "100C,5000S\n10 1\n-20 -2\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_true(q.active);
	assert_int_equal(q.recalc_why, RECALC_CORRUPT);
	assert_int_equal(q.limits.bytes, 5000);
	assert_int_equal(q.limits.count, 100);
	quota_close(&q);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), "100C,5000S\n10 1\n");

	/* a configured definition that differs is written */
	set_quota(f, "2K");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(q.recalc_why, RECALC_DEFINITION);
	quota_close(&q);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), "2048S\n10 1\n");

	/* an empty first line, no config: no limits, but the file is kept */
	set_quota(f, "");
	put(f, MAILDIRSIZE_NAME, "\n10 1\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_true(q.active);
	assert_false(q.recalculated);
	assert_int_equal(quota_check(&q, &f->cfg, 1 << 30, 2, &out), 0);
	assert_int_equal(quota_add(&q, 7, 1, &out), 0);
	quota_close(&q);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), "\n10 1\n7 1\n");
}

static void test_huge_file(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q;
	size_t len = 1 << 20, end = 6;
	char *big = malloc(len + 1);

	assert_non_null(big);
	memcpy(big, "5000S\n", 6);
	for (; end + 4 <= len; end += 4)
		memcpy(big + end, "9 1\n", 4);
	big[end] = '\0';
	put(f, MAILDIRSIZE_NAME, big);
	free(big);
	put_bytes(f, "new/1.a.host,S=10", 10);
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(q.recalc_why, RECALC_TOO_BIG);
	assert_int_equal(q.bytes, 10);
	quota_close(&q);
	assert_string_equal(slurp(f, MAILDIRSIZE_NAME), "5000S\n10 1\n");
}

static void test_over_quota_rules(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct timespec old[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
	struct quota q;
	int fd;

	set_quota(f, "1000S");
	put_bytes(f, "new/1.a.host,S=100", 100);
	/* one data line, fresh: believed, even though it is wrong */
	put(f, MAILDIRSIZE_NAME, "1000S\n950 1\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 100, 1, &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	assert_string_equal(out.reason, "Quota exceeded");
	assert_false(q.recalculated);
	quota_close(&q);

	/* the same, 15 minutes old: recalculated, and then it fits */
	old[1].tv_sec = time(NULL) - 15 * 60;
	fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(utimensat(fd, MAILDIRSIZE_NAME, old, 0), 0);
	close(fd);
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 100, 1, &out), 0);
	assert_true(q.recalculated);
	assert_int_equal(q.recalc_why, RECALC_OVER_QUOTA);
	assert_int_equal(q.bytes, 100);
	quota_close(&q);

	/* two data lines: recalculated at once */
	put(f, MAILDIRSIZE_NAME, "1000S\n900 1\n50 1\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 100, 1, &out), 0);
	assert_true(q.recalculated);
	quota_close(&q);

	/* every copy counts: on top of 500, 5 copies of 100 fit exactly,
	 * 5 of 101 do not */
	put(f, MAILDIRSIZE_NAME, "1000S\n500 1\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 100, 5, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 101, 5, &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	/* no copy (discard): nothing counts */
	assert_int_equal(quota_check(&q, &f->cfg, 1 << 30, 0, &out), 0);
	quota_close(&q);
}

static void test_over_quota_codes(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q;
	char err[100];

	set_quota(f, "1000S,10C");
	put(f, MAILDIRSIZE_NAME, "1000S,10C\n900 1\n");
	assert_int_equal(config_set(&f->cfg, "quota_full", "bounce", err,
	    sizeof err), 0);
	assert_int_equal(config_set(&f->cfg, "quota_full_message",
	    "Mailbox full, sorry", err, sizeof err), 0);
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 101, 1, &out), -1);
	assert_int_equal(out.code, EX_NOPERM);
	assert_string_equal(out.reason, "Mailbox full, sorry");
	quota_close(&q);

	/* larger than the whole quota: permanent even with tempfail */
	assert_int_equal(config_set(&f->cfg, "quota_full", "tempfail", err,
	    sizeof err), 0);
	put(f, MAILDIRSIZE_NAME, "1000S,10C\n0 0\n");
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_check(&q, &f->cfg, 1001, 1, &out), -1);
	assert_int_equal(out.code, EX_NOPERM);
	assert_string_equal(out.reason,
	    "Mailbox full, sorry (message larger than the whole quota)");
	assert_int_equal(quota_check(&q, &f->cfg, 501, 2, &out), -1);
	assert_int_equal(out.code, EX_NOPERM);
	assert_int_equal(quota_check(&q, &f->cfg, 1, 11, &out), -1);
	assert_int_equal(out.code, EX_NOPERM);
	assert_int_equal(quota_check(&q, &f->cfg, 1000, 1, &out), 0);
	quota_close(&q);
}

static void test_symlinks_refused(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	char path[512];
	struct quota q;

	put(f, "elsewhere", "1000S\n0 0\n");
	snprintf(path, sizeof path, "%s/%s", f->dir, MAILDIRSIZE_NAME);
	assert_int_equal(symlink("elsewhere", path), 0);
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	quota_close(&q);
	/* the marker is not followed either */
	unlink(path);
	put(f, MAILDIRSIZE_NAME, "10S\n10 1\n");
	snprintf(path, sizeof path, "%s/%s", f->dir, QUOTA_WARN_MARKER);
	assert_int_equal(symlink("elsewhere", path), 0);
	assert_int_equal(quota_open(&q, &f->root, &f->cfg, &out), 0);
	assert_int_equal(quota_warn(&q, &f->cfg, &out), 0);  /* EEXIST */
	quota_close(&q);
	assert_string_equal(slurp(f, "elsewhere"), "1000S\n0 0\n");
}

static void test_warning_text(void **state)
{
	struct fixture *f = *state;
	struct outcome out = { 0 };
	struct quota q = { .limits = { 10485760, 1000 }, .bytes = 9961472,
	    .count = 42, .hostname = "mx.example" };
	char *text, err[100], path[512];
	size_t len;

	assert_int_equal(quota_warn_render(&q, &f->cfg, 0, &text, &len, &out),
	    0);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "\nMessage-ID: <0.P"));
	assert_non_null(strstr(text, ".quotawarn@mx.example>\n"));
	assert_non_null(strstr(text, "\nSubject: Mail quota warning\n"));
	assert_non_null(strstr(text, "MAILER-DAEMON@mx.example"));
	assert_non_null(strstr(text, "\n\nYour mailbox is 95% full.\n\n"
	    "  storage:  9.5M of 10M\n  messages: 42 of 1000\n"));
	assert_int_equal(strncmp(text, "Date: ", 6), 0);
	free(text);

	/* a template of one's own; its Date: is kept, ${unknown} stays */
	snprintf(path, sizeof path, "%s/warn.txt", f->dir);
	put(f, "warn.txt", "Subject: full\ndate: today\n\n"
	    "${usage}/${limit}=${percent}% ${count}/${count_limit} ${nope} ${usage");
	assert_int_equal(config_set(&f->cfg, "quota_warn_message", path, err,
	    sizeof err), 0);
	q.limits.count = 0;
	assert_int_equal(quota_warn_render(&q, &f->cfg, 0, &text, &len, &out),
	    0);
	assert_int_equal(strncmp(text, "Message-ID: <", 13), 0);
	assert_non_null(strstr(text, ">\nSubject: full\ndate: today\n\n"
	    "9.5M/10M=95% 42/unlimited ${nope} ${usage"));
	assert_null(strstr(text, "Date:"));
	free(text);

	/* a missing template is an error the caller logs */
	put(f, "warn.txt", "");
	unlink(path);
	assert_int_equal(quota_warn_render(&q, &f->cfg, 0, &text, &len, &out),
	    -1);
	assert_non_null(strstr(out.reason, "cannot open quota_warn_message"));
}

static void test_human(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(quota_human(0, buf, sizeof buf), "0B");
	assert_string_equal(quota_human(999, buf, sizeof buf), "999B");
	assert_string_equal(quota_human(10000, buf, sizeof buf), "9.8K");
	assert_string_equal(quota_human(10485760, buf, sizeof buf), "10M");
	assert_string_equal(quota_human(1073741824, buf, sizeof buf), "1.0G");
	assert_string_equal(quota_human(104857600, buf, sizeof buf), "100M");
	assert_string_equal(quota_human(9961472, buf, sizeof buf), "9.5M");
}

int main(void)
{
#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, fixture_setup, \
	fixture_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_forms),
		cmocka_unit_test(test_config_refusals),
		cmocka_unit_test(test_definition_line),
		cmocka_unit_test(test_definition_format),
		cmocka_unit_test(test_parse_plain),
		cmocka_unit_test(test_parse_odd),
		cmocka_unit_test(test_parse_huge),
		cmocka_unit_test(test_rules_on_read),
		cmocka_unit_test(test_rules_over_quota),
		cmocka_unit_test(test_exceeds_and_percent),
		cmocka_unit_test(test_human),
		FIXTURE_TEST(test_open_without_definition),
		FIXTURE_TEST(test_recalculate_counts),
		FIXTURE_TEST(test_definition_from_file_kept),
		FIXTURE_TEST(test_huge_file),
		FIXTURE_TEST(test_over_quota_rules),
		FIXTURE_TEST(test_over_quota_codes),
		FIXTURE_TEST(test_symlinks_refused),
		FIXTURE_TEST(test_warning_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

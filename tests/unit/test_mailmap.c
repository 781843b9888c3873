/* test_mailmap.c: virtual mailbox maps (src/mailmap.c): parsing errors,
 * first match, substitution, flags, the hashed layout, path escapes and
 * the PCRE2 limits. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
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
#include "mailmap.h"
#include "outcome.h"

#include <cmocka.h>

/* snprintf into an array, checked to fit */
#define FMT(buf, ...) \
	assert_true((size_t)snprintf(buf, sizeof buf, __VA_ARGS__) < sizeof buf)

static char dir[PATH_MAX], base[PATH_MAX], mapfile[PATH_MAX];
static struct mailmap_result res; /* large: not on the stack */

static int setup(void **state)
{
	(void)state;
	FMT(dir, "%s/mailmap-test.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	FMT(base, "%s/base", dir);
	FMT(mapfile, "%s/map", dir);
	return mkdir(base, 0700);
}

static int rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write the map: text with "@B@" standing for the base directory. */
static void write_map(const char *text)
{
	FILE *fp = fopen(mapfile, "w");

	assert_non_null(fp);
	for (const char *p = text; *p; p++) {
		if (strncmp(p, "@B@", 3) == 0) {
			fputs(base, fp);
			p += 2;
		} else {
			fputc(*p, fp);
		}
	}
	assert_int_equal(fclose(fp), 0);
}

static struct mailmap *load_ok(const char *text)
{
	struct mailmap *map;
	char err[600] = "";

	write_map(text);
	if (mailmap_load(&map, mapfile, base, "+", err, sizeof err) < 0)
		fail_msg("load failed: %s", err);
	return map;
}

/* The load error, without the "FILE:" prefix. */
static const char *load_error(const char *text)
{
	static char err[600];
	struct mailmap *map;
	size_t n = strlen(mapfile);

	write_map(text);
	assert_int_equal(mailmap_load(&map, mapfile, base, "+", err,
	    sizeof err), -1);
	assert_null(map);
	assert_memory_equal(err, mapfile, n);
	assert_int_equal(err[n], ':');
	return err + n + 1;
}

/* Look address up; returns the exit code (EX_OK on a match). */
static int lookup(const struct mailmap *map, const char *address)
{
	struct outcome out = { .code = EX_OK };

	return mailmap_lookup(map, address, &res, &out) == 0 ? EX_OK :
	    out.code;
}

static const char *expect_path(const char *rest)
{
	static char buf[PATH_MAX];

	FMT(buf, "%s/%s", base, rest);
	return buf;
}

/* ---- parsing ---- */

static void test_parse_errors(void **state)
{
	static const char *const cases[][2] = {
		{ "# comment\n\n/(/ @B@/x\n",
		  "3: missing closing parenthesis at offset 1" },
		{ "/a/ @B@/a\n/b\n", "2: no closing '/'" },
		{ "/a/q @B@/a\n", "1: unknown flag 'q'" },
		{ "/a/i\n", "1: no Maildir template after the pattern" },
		{ "/a/\t  \n", "1: no Maildir template after the pattern" },
		{ "a @B@/a\n", "1: expected /pattern/flags" },
		{ "/(a)/ @B@/$2\n", "1: $2 but the pattern has 1 group(s)" },
		{ "/a/ @B@/$1\n", "1: $1 but the pattern has 0 group(s)" },
		{ "/(a)/ @B@/$x\n", "1: bad substitution \"$x\" (use $1..$9, "
		  "${N}, $(N) or $$)" },
		{ "/(a)/ @B@/${1\n", "1: bad substitution \"${1\" (use $1..$9, "
		  "${N}, $(N) or $$)" },
		{ "/(a)/ @B@/%3h\n", "1: bad placeholder \"%3h\" (use %1h, %2h, "
		  "%1H, %2H or %%)" },
		{ "!/(a)/ @B@/$1\n", "1: substitution \"$1\" with a negated "
		  "pattern" },
		{ "/a/ @B@/a foo=bar\n", "1: key \"foo\" cannot be set in a map" },
		{ "/a/ @B@/a maildir=/x\n", "1: key \"maildir\" cannot be set in "
		  "a map" },
		{ "/a/ @B@/a mailbox_base=/\n", "1: key \"mailbox_base\" cannot "
		  "be set in a map" },
		{ "/a/ @B@/a autocreate=maybe\n", "1: bad value \"maybe\" for "
		  "autocreate" },
		{ "/a/ @B@/a autocreate\n", "1: expected key=value, not "
		  "\"autocreate\"" },
		{ "/a/ @B@/a\n  @B@/b\n", "2: line starts with a blank "
		  "(continuation lines are not supported)" },
		{ "if /a/\n/b/ @B@/b\nendif\n", "1: if/endif is not supported" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(load_error(cases[i][0]), cases[i][1]);
}

/* Templates are checked against mailbox_base when the map loads. */
static void test_template_outside_base(void **state)
{
	static const char *const maps[] = {
		"/(.*)/ /etc/$1\n", "/(.*)/ @B@/../$1\n", "/(.*)/ @B@/./$1\n",
		"/(.*)/ @B@//$1\n", "/(.*)/ @B@\n", "/(.*)/ @B@/\n",
		"/(.*)/ $1\n", "/(.*)/ relative/$1\n", "/(.*)/ @B@2/$1\n",
		"/(.*)/ @B@/\x01/$1\n",
	};
	static const char *const why[] = {
		"is not below mailbox_base", "has a \".\" or \"..\" level",
		"has a \".\" or \"..\" level", "has an empty level",
		"is not below mailbox_base", "has an empty level",
		"is not below mailbox_base", "is not below mailbox_base",
		"is not below mailbox_base", "has a control character",
	};

	(void)state;
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
		const char *err = load_error(maps[i]);

		assert_non_null(strstr(err, why[i]));
		assert_memory_equal(err, "1: Maildir template \"", 21);
	}
}

static void test_missing_file_and_base(void **state)
{
	struct mailmap *map;
	char err[600], want[800];

	(void)state;
	assert_int_equal(mailmap_load(&map, "/nonexistent/map", base, "+",
	    err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/map: No such file or "
	    "directory");
	write_map("/a/ /srv/a\n");
	FMT(want, "%s: mailbox_base must be an absolute "
	    "directory when mailbox_map is set", mapfile);
	assert_int_equal(mailmap_load(&map, mapfile, "", "+", err,
	    sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(mailmap_load(&map, mapfile, "srv", "+", err,
	    sizeof err), -1);
	assert_string_equal(err, want);
	FMT(want, "%s: bad mailbox_base \"/srv/../x\"",
	    mapfile);
	assert_int_equal(mailmap_load(&map, mapfile, "/srv/../x", "+", err,
	    sizeof err), -1);
	assert_string_equal(err, want);
	/* a trailing '/' on the base is fine */
	assert_int_equal(mailmap_load(&map, mapfile, "/srv/", "+", err,
	    sizeof err), 0);
	assert_int_equal(lookup(map, "a@x"), EX_OK);
	assert_string_equal(res.maildir, "/srv/a");
	mailmap_free(map);
}

/* ---- lookups ---- */

static void test_first_match_wins(void **state)
{
	struct mailmap *map = load_ok(
	    "# virtual users\n"
	    "/^bob@example\\.org$/    @B@/special/bob  autocreate=no\n"
	    "\n"
	    "/^([^@]+)@example\\.org$/ @B@/users/$1\n"
	    "/^(.*)$/                 @B@/catchall\n");

	(void)state;
	assert_int_equal(lookup(map, "bob@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("special/bob"));
	assert_int_equal(res.line, 2);
	assert_int_equal(res.nkeys, 1);
	assert_string_equal(res.keys[0].name, "autocreate");
	assert_string_equal(res.keys[0].value, "no");
	assert_int_equal(lookup(map, "alice@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("users/alice"));
	assert_int_equal(res.line, 4);
	assert_int_equal(res.nkeys, 0);
	assert_int_equal(lookup(map, "alice@example.com"), EX_OK);
	assert_string_equal(res.maildir, expect_path("catchall"));
	assert_int_equal(res.line, 5);
	mailmap_free(map);
}

static void test_unknown_user(void **state)
{
	struct mailmap *map = load_ok("/@example\\.org$/ @B@/x\n");
	struct outcome out = { .code = EX_OK };

	(void)state;
	assert_int_equal(mailmap_lookup(map, "bob@example.com", &res, &out),
	    -1);
	assert_int_equal(out.code, EX_NOUSER);
	assert_string_equal(out.reason, "unknown user bob@example.com");
	mailmap_free(map);
	/* an empty map knows nobody */
	map = load_ok("# nothing yet\n");
	assert_int_equal(lookup(map, "bob@example.org"), EX_NOUSER);
	mailmap_free(map);
}

static void test_substitution(void **state)
{
	struct mailmap *map = load_ok(
	    "/^([a-z]+)(\\+([a-z]+))?@([a-z.]+)$/ @B@/$4/${1}/x$(3)y "
	    "sieve=/s/$$$1%%.sieve hostname=$3\n");

	(void)state;
	assert_int_equal(lookup(map, "bob+lists@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("example.org/bob/xlistsy"));
	assert_int_equal(res.nkeys, 2);
	assert_string_equal(res.keys[0].name, "sieve");
	assert_string_equal(res.keys[0].value, "/s/$bob%.sieve");
	assert_string_equal(res.keys[1].name, "hostname");
	assert_string_equal(res.keys[1].value, "lists");
	/* an unset group is empty, as in Postfix */
	assert_int_equal(lookup(map, "bob@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("example.org/bob/xy"));
	assert_string_equal(res.keys[1].value, "");
	mailmap_free(map);
}

/* A value with a group is checked once the group is known. */
static void test_value_from_group(void **state)
{
	struct mailmap *map = load_ok(
	    "/^([a-z]+)@/ @B@/u autocreate=$1\n");
	struct outcome out = { .code = EX_OK };
	char want[800];

	(void)state;
	assert_int_equal(lookup(map, "no@example.org"), EX_OK);
	assert_string_equal(res.keys[0].value, "no");
	assert_int_equal(mailmap_lookup(map, "maybe@example.org", &res, &out),
	    -1);
	assert_int_equal(out.code, EX_NOUSER);
	FMT(want, "unknown user maybe@example.org (%s:1: "
	    "bad value \"maybe\" for autocreate)", mapfile);
	assert_string_equal(out.reason, want);
	mailmap_free(map);
}

static void test_flags(void **state)
{
	struct mailmap *map = load_ok(
	    "/^BOB@/            @B@/bob-default\n"
	    "/^Carol@/i         @B@/carol-exact\n"
	    "/^carol@/          @B@/carol-any\n"
	    "/^ d a v e @ /x    @B@/dave\n"
	    "/^e.*z@/s          @B@/dotall\n"
	    "/^ii@/ii           @B@/ii\n"
	    "!/@example\\.org$/ @B@/elsewhere\n"
	    "/^/                @B@/rest\n");

	(void)state;
	/* case-insensitive by default, as Postfix pcre tables */
	assert_int_equal(lookup(map, "bob@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("bob-default"));
	/* i toggles: case-sensitive */
	assert_int_equal(lookup(map, "Carol@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("carol-exact"));
	assert_int_equal(lookup(map, "CAROL@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("carol-any"));
	assert_int_equal(lookup(map, "dave@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("dave"));
	assert_int_equal(lookup(map, "e\nz@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("dotall"));
	/* ii toggles twice: back to case-insensitive */
	assert_int_equal(lookup(map, "II@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("ii"));
	/* a negated pattern matches what it does not match */
	assert_int_equal(lookup(map, "x@example.com"), EX_OK);
	assert_string_equal(res.maildir, expect_path("elsewhere"));
	assert_int_equal(lookup(map, "x@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("rest"));
	mailmap_free(map);
}

/* Other delimiters than '/', and an escaped delimiter inside. */
static void test_delimiters(void **state)
{
	struct mailmap *map = load_ok(
	    "|^a\\|b@|  @B@/pipe\n"
	    "/^c\\/d@/  @B@/slash\n");

	(void)state;
	assert_int_equal(lookup(map, "a|b@x"), EX_OK);
	assert_string_equal(res.maildir, expect_path("pipe"));
	assert_int_equal(lookup(map, "c/d@x"), EX_OK);
	assert_string_equal(res.maildir, expect_path("slash"));
	mailmap_free(map);
}

/* ---- hashed layout ---- */

/* Expected values computed independently (Python, FNV-1a 32-bit of the
 * lower-cased bytes); "a" -> e40c292c is the published FNV-1a test
 * vector. */
static void test_hash_values(void **state)
{
	(void)state;
	assert_int_equal(mailmap_hash("", 0), 0x811c9dc5u);
	assert_int_equal(mailmap_hash("a", 1), 0xe40c292cu);
	assert_int_equal(mailmap_hash("bob", 3), 0x86c6a0d4u);
	assert_int_equal(mailmap_hash("BoB", 3), 0x86c6a0d4u);
	assert_int_equal(mailmap_hash("alice", 5), 0x872213e7u);
	assert_int_equal(mailmap_hash("mack1", 5), 0x886a6058u);
	assert_int_equal(mailmap_hash("postmaster", 10), 0xde6fff1du);
	assert_int_equal(mailmap_hash("bob@example.org", 15), 0x7079c96au);
}

static void test_hash_placeholders(void **state)
{
	struct mailmap *map = load_ok(
	    "/^([^+@]+)/ @B@/%2h/$1 sieve=/s/%1h/%1H/%2H/$1\n");

	(void)state;
	assert_int_equal(lookup(map, "bob@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("86/c6/bob"));
	assert_string_equal(res.keys[0].value, "/s/86/70/70/79/bob");
	/* the +detail and the case do not move a mailbox */
	assert_int_equal(lookup(map, "BOB+lists@Example.ORG"), EX_OK);
	assert_string_equal(res.maildir, expect_path("86/c6/BOB"));
	assert_string_equal(res.keys[0].value, "/s/86/70/70/79/BOB");
	assert_int_equal(lookup(map, "mack1@example.org"), EX_OK);
	assert_string_equal(res.maildir, expect_path("88/6a/mack1"));
	/* without '@' the whole address is the local part */
	assert_int_equal(lookup(map, "alice"), EX_OK);
	assert_string_equal(res.maildir, expect_path("87/22/alice"));
	mailmap_free(map);
}

/* 100,000 addresses through %2h and %1h: how many entries the fullest
 * directory gets. */
static void test_hash_spread(void **state)
{
	struct mailmap *map = load_ok("/^([^@]+)@/ @B@/%2h/$1\n");
	static unsigned leaf[65536], one[256];
	static bool top_seen[256], mid_seen[65536];
	unsigned top = 0, mid[256] = { 0 }, max_leaf = 0, max_mid = 0;
	unsigned max_one = 0;
	size_t blen = strlen(base);
	char addr[64];

	(void)state;
	for (unsigned i = 0; i < 100000; i++) {
		unsigned a, b;

		FMT(addr, "user%u@example.org", i);
		assert_int_equal(lookup(map, addr), EX_OK);
		assert_int_equal(sscanf(res.maildir + blen, "/%2x/%2x/", &a,
		    &b), 2);
		top += !top_seen[a];
		top_seen[a] = true;
		mid[a] += !mid_seen[a << 8 | b];
		mid_seen[a << 8 | b] = true;
		leaf[a << 8 | b]++;
		one[a]++;
	}
	for (unsigned i = 0; i < 256; i++) {
		max_mid = mid[i] > max_mid ? mid[i] : max_mid;
		max_one = one[i] > max_one ? one[i] : max_one;
	}
	for (unsigned i = 0; i < 65536; i++)
		max_leaf = leaf[i] > max_leaf ? leaf[i] : max_leaf;
	print_message("# %%2h, 100000 mailboxes: base %u entries, level 1 at "
	    "most %u, level 2 at most %u\n", top, max_mid, max_leaf);
	print_message("# %%1h, 100000 mailboxes: at most %u per directory\n",
	    max_one);
	assert_true(top <= 256 && max_mid <= 256);
	assert_true(max_leaf <= 20);
	assert_true(max_one <= 1000); /* even spread: 391 */
	mailmap_free(map);
}

/* ---- hostile addresses ---- */

static void test_escapes(void **state)
{
	struct mailmap *map = load_ok(
	    "/^([^@]*)@a$/ @B@/%1h/$1\n"
	    "/^([^@]*)@b$/ @B@/x$1\n"
	    "/^(\\w*)-(\\w*)@c$/ @B@/$1.$2\n");
	static const char *const refused[] = {
		"../../etc@a", "..@a", ".@a", ".hidden@a", "x/y@a", "/etc@a",
		"x/../../y@a", "tab\there@a", "nl\nx@a", "del\x7f@a", "@a",
		"x/y@b", ".x@b", "-@c",
	};
	char longname[400];

	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		if (lookup(map, refused[i]) != EX_NOUSER)
			fail_msg("\"%s\" was not refused: %s", refused[i],
			    res.maildir);
	}
	/* dots inside a name, and a name that only ends in "..", are fine */
	assert_int_equal(lookup(map, "a.b..@a"), EX_OK);
	assert_string_equal(res.maildir, expect_path("94/a.b.."));
	assert_int_equal(lookup(map, "@b"), EX_OK);
	assert_string_equal(res.maildir, expect_path("x"));
	assert_int_equal(lookup(map, "..@b"), EX_NOUSER);
	assert_int_equal(lookup(map, "a-@c"), EX_OK);
	assert_string_equal(res.maildir, expect_path("a."));
	/* one level longer than NAME_MAX */
	memset(longname, 'n', 300);
	strlcpy(longname + 300, "@a", sizeof longname - 300);
	assert_int_equal(lookup(map, longname), EX_NOUSER);
	mailmap_free(map);
}

/* /^(a+)+$/ against "aaa...ab" backtracks 2^n ways; the match limit ends
 * it, the line counts as not matching and the next line decides. */
static void test_runaway_regex(void **state)
{
	struct mailmap *map = load_ok(
	    "/^(a+)+$/  @B@/runaway\n"
	    "/^(a+)+b$/ @B@/fine\n");
	char addr[1100];
	struct timespec t0, t1;
	double secs;

	(void)state;
	memset(addr, 'a', 1000);
	strlcpy(addr + 1000, "b", sizeof addr - 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(lookup(map, addr), EX_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("# run-away pattern gave up after %.3f s\n", secs);
	assert_string_equal(res.maildir, expect_path("fine"));
	assert_int_equal(res.limited, 1);
	assert_int_equal(res.limited_line, 1);
	assert_true(secs < 2.0);
	/* alone, it is an unknown user */
	mailmap_free(map);
	map = load_ok("/^(a+)+$/ @B@/runaway\n");
	assert_int_equal(lookup(map, addr), EX_NOUSER);
	assert_int_equal(res.limited, 1);
	mailmap_free(map);
}

/* ---- mailmap_resolve: keys into the config, parent directories ---- */

static void test_resolve(void **state)
{
	struct config cfg;
	struct outcome out = { .code = EX_OK };
	char path[PATH_MAX + 32];
	struct stat st;

	(void)state;
	write_map("/^([^@]+)@/ @B@/%2h/$1 autocreate=no quota=1G "
	    "folder_separator=/\n");
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "mailbox_map", mapfile, path,
	    sizeof path), 0);
	assert_int_equal(config_set(&cfg, "mailbox_base", base, path,
	    sizeof path), 0);
	assert_int_equal(mailmap_resolve(&cfg, "bob@example.org", false, &res,
	    &out), 0);
	assert_string_equal(res.maildir, expect_path("86/c6/bob"));
	assert_false(cfg.autocreate);
	assert_int_equal(cfg.folder_separator, '/');
	FMT(path, "%s/86", base);
	assert_int_equal(stat(path, &st), -1); /* nothing made without asking */
	assert_int_equal(mailmap_resolve(&cfg, "bob@example.org", true, &res,
	    &out), 0);
	FMT(path, "%s/86/c6", base);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	FMT(path, "%s/86/c6/bob", base);
	assert_int_equal(stat(path, &st), -1); /* the Maildir is the core's */
	/* a symlink planted as a hashed level is not followed */
	FMT(path, "%s/87", base);
	assert_int_equal(symlink("/tmp", path), 0);
	assert_int_equal(mailmap_resolve(&cfg, "alice@example.org", true,
	    &res, &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	assert_string_equal(out.reason, "cannot open 87: Not a directory");
	/* no match */
	assert_int_equal(mailmap_resolve(&cfg, "nobody", true, &res, &out),
	    -1);
	assert_int_equal(out.code, EX_NOUSER);
	/* a broken map */
	write_map("/(/ @B@/x\n");
	assert_int_equal(mailmap_resolve(&cfg, "bob@example.org", true, &res,
	    &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	assert_non_null(strstr(out.reason, ":1: missing closing parenthesis "
	    "at offset 1"));
	/* no map */
	assert_int_equal(config_set(&cfg, "mailbox_map", "", path,
	    sizeof path), 0);
	assert_int_equal(mailmap_resolve(&cfg, "bob@example.org", true, &res,
	    &out), -1);
	assert_int_equal(out.code, EX_USAGE);
	config_free(&cfg);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_parse_errors),
		T(test_template_outside_base),
		T(test_missing_file_and_base),
		T(test_first_match_wins),
		T(test_unknown_user),
		T(test_substitution),
		T(test_value_from_group),
		T(test_flags),
		T(test_delimiters),
		cmocka_unit_test(test_hash_values),
		T(test_hash_placeholders),
		T(test_hash_spread),
		T(test_escapes),
		T(test_runaway_regex),
		T(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

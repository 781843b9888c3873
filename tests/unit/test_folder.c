/* test_folder.c: modified UTF-7, folder name rules, folder creation and
 * subscriptions (src/folder.c). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* before cmocka.h, whose fail() macro would clash with outcome.h's fail() */
#include "config.h"
#include "folder.h"
#include "maildir.h"

#include <cmocka.h>

/* ---- modified UTF-7 ---- */

/* Pairs checked in both directions.  The expected encodings were computed
 * independently (Python: UTF-16BE + base64, '/' -> ',', no padding) and
 * the first three are the examples of RFC 3501 section 5.1.3. */
static const char *const mutf7_pairs[][2] = {
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "&", "&-" },
	{ "\xe2\x98\xba!", "&Jjo-!" },
	{ "", "" },
	{ "plain ASCII ~!@#$%^*()_+-=[]{}|;':\",./<>?", "plain ASCII ~!@#$%^*()_+-=[]{}|;':\",./<>?" },
	{ "R\xc3\xa9sum\xc3\xa9", "R&AOk-sum&AOk-" },
	{ "&&", "&-&-" },
	{ "a-b&c", "a-b&-c" },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", "&AOkA6QDp-" },
	{ "\xc3\x9cn\xc3\xaf", "&ANw-n&AO8-" },
	{ "\xc2\x80", "&AIA-" },
	/* astral plane: surrogate pairs */
	{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
	{ "a\xf0\x9f\x98\x80" "b", "a&2D3eAA-b" },
	{ "\xf0\x9d\x84\x9ex\xe2\x82\xac", "&2DTdHg-x&IKw-" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xf0\x9f\x98\x80\xc3\xa9",
	  "&ZeVnLIqe2D3eAADp-" },
	{ "\xf4\x8f\xbf\xbf", "&2,,f,w-" },
};

static void test_mutf7_known_pairs(void **state)
{
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof mutf7_pairs / sizeof mutf7_pairs[0]; i++) {
		assert_int_equal(mutf7_encode(mutf7_pairs[i][0], buf, sizeof buf), 0);
		assert_string_equal(buf, mutf7_pairs[i][1]);
		assert_int_equal(mutf7_decode(mutf7_pairs[i][1], buf, sizeof buf), 0);
		assert_string_equal(buf, mutf7_pairs[i][0]);
	}
}

static void test_mutf7_round_trips(void **state)
{
	static const char *const names[] = {
		"Sent", "Lists.deliver", "caf\xc3\xa9 & cr\xc3\xa8me",
		"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",     /* Cyrillic */
		"\xf0\x9f\x93\xa7\xf0\x9f\x93\xac mail",               /* 2 astral */
		"x\xf0\x90\x80\x80y\xf0\x9f\x98\x80\xf0\x9f\x98\x80z", /* U+10000 */
		"\xef\xbf\xbd\xef\xbf\xbf", "\t\x01 ctl", "a&-b-&c",
	};
	char enc[512], dec[512];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(mutf7_encode(names[i], enc, sizeof enc), 0);
		for (const char *p = enc; *p; p++)
			assert_true(*p >= 0x20 && *p <= 0x7e);
		assert_int_equal(mutf7_decode(enc, dec, sizeof dec), 0);
		assert_string_equal(dec, names[i]);
	}
}

static void test_mutf7_encode_rejects(void **state)
{
	static const char *const bad[] = {
		"\xc3",                 /* truncated */
		"a\xc3(",               /* bad continuation */
		"\xc0\xaf",             /* overlong '/' */
		"\xe0\x80\xaf",         /* overlong, 3 bytes */
		"\xed\xa0\x80",         /* UTF-16 surrogate */
		"\xf4\x90\x80\x80",     /* above U+10FFFF */
		"\xff", "\x80",
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mutf7_encode(bad[i], buf, sizeof buf), -1);
		assert_string_equal(buf, "");
	}
	/* too small a buffer: "&U,BTFw-" needs 9 bytes */
	assert_int_equal(mutf7_encode("\xe5\x8f\xb0\xe5\x8c\x97", buf, 8), -1);
	assert_int_equal(mutf7_encode("\xe5\x8f\xb0\xe5\x8c\x97", buf, 9), 0);
	assert_int_equal(mutf7_encode("a", buf, 0), -1);
}

static void test_mutf7_decode_rejects(void **state)
{
	static const char *const bad[] = {
		"&",                    /* shift never started */
		"&U,BTFw",              /* not terminated */
		"a&Jjo",
		"&U,BTFw-&ZeVnLIqe-",   /* null shift "-&" */
		"&AGE-",                /* base64 for printable 'a' */
		"&ACY-",                /* base64 for '&' */
		"&AC4-",                /* base64 for '.' */
		"&AAA-",                /* NUL */
		"&2D0-",                /* lone high surrogate */
		"&3gA-",                /* lone low surrogate */
		"&2D0A6Q-",             /* high surrogate, then no low one */
		"&AOl-",                /* non-zero leftover bits */
		"&AOkA-",               /* a whole digit left over */
		"&AOkA6QDpA-",          /* 6 zero bits left over */
		"&A-",                  /* no complete unit */
		"&*-", "&U/BTFw-", "&U=-", /* not modified base64 */
		"a\x01" "b", "\t", "\x7f", /* raw controls */
		"R\xc3\xa9sum\xc3\xa9", /* raw 8-bit */
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mutf7_decode(bad[i], buf, sizeof buf), -1);
		assert_string_equal(buf, "");
	}
	/* "&-" after a run is a literal '&', not a null shift */
	assert_int_equal(mutf7_decode("&AOk-&-", buf, sizeof buf), 0);
	assert_string_equal(buf, "\xc3\xa9&");
	/* a control character is legal in base64 form */
	assert_int_equal(mutf7_decode("&AAE-", buf, sizeof buf), 0);
	assert_string_equal(buf, "\x01");
	/* too small a buffer for the UTF-8 result */
	assert_int_equal(mutf7_decode("&AOk-", buf, 2), -1);
	assert_int_equal(mutf7_decode("&AOk-", buf, 3), 0);
}

/* ---- folder_dirname ---- */

static void dirname_is(const char *name, char sep, bool utf8,
    const char *want)
{
	char out[NAME_MAX + 1];
	const char *why = "unset";

	if (folder_dirname(name, sep, utf8, out, sizeof out, &why) != 0)
		fail_msg("\"%s\" refused: %s", name, why);
	assert_null(why);
	assert_string_equal(out, want);
}

static void refused(const char *name, char sep, const char *want_why)
{
	char out[NAME_MAX + 1];
	const char *why = NULL;

	if (folder_dirname(name, sep, false, out, sizeof out, &why) != -1)
		fail_msg("\"%s\" accepted as \"%s\"", name, out);
	assert_non_null(why);
	assert_string_equal(why, want_why);
	assert_string_equal(out, "");
}

static void test_dirname_levels(void **state)
{
	(void)state;
	dirname_is("A/B", '.', false, ".A.B");
	dirname_is("A.B", '.', false, ".A.B");
	dirname_is("A.B/C", '.', false, ".A.B.C");
	dirname_is("Lists/deliver", '.', false, ".Lists.deliver");
	dirname_is("Junk", '.', false, ".Junk");
	dirname_is("A/", '.', false, ".A");
	dirname_is("A.", '.', false, ".A");
	dirname_is("a&b", '.', false, ".a&-b");
	dirname_is("with space~", '.', false, ".with space~");
	dirname_is("R\xc3\xa9sum\xc3\xa9", '.', false, ".R&AOk-sum&AOk-");
	dirname_is("\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    '.', false, ".&U,BTFw-.&ZeVnLIqe-");
	dirname_is("\xf0\x9f\x98\x80", '.', false, ".&2D3eAA-");
}

static void test_dirname_inbox(void **state)
{
	(void)state;
	dirname_is("", '.', false, "");
	dirname_is(NULL, '.', false, "");
	dirname_is("INBOX", '.', false, "");
	dirname_is("inbox", '.', false, "");
	dirname_is("InBoX/", '.', false, "");
	dirname_is("INBOX.", '.', false, "");
	dirname_is("INBOX.Junk", '.', false, ".Junk");
	dirname_is("inbox/A/B", '.', false, ".A.B");
	/* only a first level means the root */
	dirname_is("A/INBOX", '.', false, ".A.INBOX");
	dirname_is("INBOX/INBOX", '.', false, ".INBOX");
	dirname_is("INBOXES", '.', false, ".INBOXES");
}

static void test_dirname_other_separator(void **state)
{
	(void)state;
	dirname_is("A:B", ':', false, ".A.B");
	dirname_is("A/B:C", ':', false, ".A.B.C");
	dirname_is("INBOX:A", ':', false, ".A");
	dirname_is("A:B", '.', false, ".A:B");     /* ':' is just a character */
	refused("A.B", ':', "'.' inside a level");
	refused("A/./B", ':', "'.' or '..' level");
	refused("A/..", ':', "'.' or '..' level");
	refused("A::B", ':', "empty level");
	refused(":A", ':', "empty level");
	refused(".A", ':', "leading '.'");
	/* no separator besides '/' */
	dirname_is("A/B", '\0', false, ".A.B");
}

static void test_dirname_refusals(void **state)
{
	(void)state;
	refused("\xff", '.', "invalid UTF-8");
	refused("A/\xc3", '.', "invalid UTF-8");
	refused("\xc0\xae\xc0\xae", '.', "invalid UTF-8");  /* overlong ".." */
	refused("\xed\xa0\x80", '.', "invalid UTF-8");
	refused("A\x01", '.', "control character");
	refused("A\nB", '.', "control character");
	refused("A\tB", '.', "control character");
	refused("A\x1f", '.', "control character");
	refused("A\x7f", '.', "control character");
	refused("A\xc2\x85", '.', "control character");    /* C1 NEL */
	refused("A%", '.', "IMAP wildcard '%' or '*'");
	refused("*", '.', "IMAP wildcard '%' or '*'");
	refused("A?B", '.', "'?'");
	refused(".hidden", '.', "leading '.'");
	refused("..", '.', "leading '.'");
	refused("../x", '.', "leading '.'");
	refused(".", '.', "leading '.'");
	refused("A//B", '.', "empty level");
	refused("A..B", '.', "empty level");
	refused("A/.B", '.', "empty level");
	refused("A/../B", '.', "empty level");
	refused("/A", '.', "empty level");
	refused("/", '.', "empty level");
	refused("A//", '.', "empty level");
	refused("INBOX//A", '.', "empty level");
	refused("INBOX/.A", '.', "empty level");
}

static void test_dirname_length(void **state)
{
	char name[600], out[NAME_MAX + 1], want[NAME_MAX + 2];
	const char *why;

	(void)state;
	/* ".xxx...": 254 characters of name make exactly NAME_MAX */
	memset(name, 'x', 254);
	name[254] = '\0';
	want[0] = '.';
	strlcpy(want + 1, name, sizeof want - 1);
	dirname_is(name, '.', false, want);
	strlcat(name, "x", sizeof name);
	refused(name, '.', "name too long");
	/* levels add up: "." + 127 + "." + 127 = 256 */
	memset(name, 'y', 255);
	name[127] = '/';
	name[255] = '\0';
	refused(name, '.', "name too long");
	name[254] = '\0';
	assert_int_equal(folder_dirname(name, '.', false, out, sizeof out, &why),
	    0);
	assert_int_equal(strlen(out), NAME_MAX);
	/* 100 x U+00E9 is 200 bytes of UTF-8 but 269 of mUTF-7 */
	for (int i = 0; i < 100; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[200] = '\0';
	refused(name, '.', "name too long");
	want[0] = '.';
	assert_true(strlcpy(want + 1, name, sizeof want - 1) < sizeof want - 1);
	dirname_is(name, '.', true, want);
	/* a caller's buffer too small */
	assert_int_equal(folder_dirname("A/B", '.', false, out, 4, &why), -1);
	assert_string_equal(why, "name too long");
	assert_int_equal(folder_dirname("A/B", '.', false, out, 5, &why), 0);
	assert_string_equal(out, ".A.B");
}

static void test_dirname_utf8(void **state)
{
	(void)state;
	dirname_is("R\xc3\xa9sum\xc3\xa9", '.', true, ".R\xc3\xa9sum\xc3\xa9");
	dirname_is("a&b/\xf0\x9f\x98\x80", '.', true, ".a&b.\xf0\x9f\x98\x80");
	dirname_is("INBOX", '.', true, "");
	refused("A\xc2\x85", '.', "control character");
}

/* ---- folder_open ---- */

struct fixture {
	char dir[64];        /* temp directory holding root and "outside" */
	char rootpath[96];
	int dirfd;
	struct maildir root;
	struct config cfg;
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct outcome out = { 0 };
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/test_folder.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->rootpath, sizeof f->rootpath, "%s/Maildir", f->dir);
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	if (f->dirfd < 0 || maildir_open(&f->root, AT_FDCWD, f->rootpath,
	    MAILDIR_CREATE, &out) < 0)
		return -1;
	config_defaults(&f->cfg);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int remove_tree(struct fixture *f, const char *rel)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", f->dir, rel);
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	maildir_close(&f->root);
	close(f->dirfd);
	config_free(&f->cfg);
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* The whole content of a file under the fixture dir ("" if missing). */
static const char *slurp(struct fixture *f, const char *path)
{
	static char buf[4096];
	ssize_t n = 0;
	int fd = openat(f->dirfd, path, O_RDONLY | O_NOFOLLOW);

	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void put_file(struct fixture *f, const char *path, const char *text)
{
	int fd = openat(f->dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static bool exists(struct fixture *f, const char *path)
{
	struct stat st;

	return fstatat(f->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int open_folder(struct fixture *f, const char *dirname, bool create,
    bool *missing, struct outcome *out)
{
	struct maildir md;
	int rc;

	*out = (struct outcome){ 0 };
	rc = folder_open(&f->root, dirname, create, &f->cfg, &md, missing, out);
	if (rc == 0) {
		assert_true(md.dirfd >= 0 && md.tmpfd >= 0 && md.newfd >= 0 &&
		    md.curfd >= 0);
		maildir_close(&md);
	} else {
		assert_int_equal(md.dirfd, -1);
	}
	return rc;
}

static void test_open_creates_folder(void **state)
{
	struct fixture *f = *state;
	struct maildir md;
	struct outcome out = { 0 };
	struct stat st;
	bool missing = true;

	assert_int_equal(folder_open(&f->root, ".A.B", true, &f->cfg, &md,
	    &missing, &out), 0);
	assert_false(missing);
	assert_true(md.created);
	maildir_close(&md);
	for (int i = 0; i < 3; i++) {
		static const char *const sub[] = { "tmp", "new", "cur" };
		char path[128];

		snprintf(path, sizeof path, "Maildir/.A.B/%s", sub[i]);
		assert_int_equal(fstatat(f->dirfd, path, &st,
		    AT_SYMLINK_NOFOLLOW), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	assert_int_equal(fstatat(f->dirfd, "Maildir/.A.B/maildirfolder", &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(slurp(f, "Maildir/subscriptions"), "V\t2\n\nA\tB\n");

	/* a second open finds it: nothing created, nothing subscribed */
	assert_int_equal(folder_open(&f->root, ".A.B", true, &f->cfg, &md,
	    &missing, &out), 0);
	assert_false(md.created);
	maildir_close(&md);
	assert_int_equal(open_folder(f, ".R&AOk-sum&AOk-", true, &missing,
	    &out), 0);
	assert_string_equal(slurp(f, "Maildir/subscriptions"),
	    "V\t2\n\nA\tB\nR&AOk-sum&AOk-\n");
	assert_false(exists(f, "Maildir/courierimapsubscribed"));
}

static void test_open_missing_and_root(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing = false;

	assert_int_equal(open_folder(f, ".Nope", false, &missing, &out), -1);
	assert_true(missing);
	assert_int_equal(out.code, EX_TEMPFAIL);
	assert_string_equal(out.reason,
	    "folder .Nope: No such file or directory");
	assert_false(exists(f, "Maildir/.Nope"));

	assert_int_equal(open_folder(f, ".Yes", true, &missing, &out), 0);
	assert_false(missing);
	assert_int_equal(open_folder(f, ".Yes", false, &missing, &out), 0);
	assert_false(missing);
	assert_int_equal(open_folder(f, "", false, &missing, &out), 0);
	assert_false(missing);
	assert_false(exists(f, "Maildir/maildirfolder"));
}

static void test_open_unsafe_dirnames(void **state)
{
	static const char *const bad[] = {
		".", "..", "../x", "...", ".A/B", "A", ".A..B", ".A.", "./x",
		".a\nb", ".a\x7f",
	};
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(open_folder(f, bad[i], true, &missing, &out), -1);
		assert_int_equal(out.code, EX_SOFTWARE);
		assert_false(missing);
	}
	assert_false(exists(f, "x"));
	assert_false(exists(f, "Maildir/A"));
}

static void test_open_existing_subscriptions(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	/* version 1 (no header): '.'-separated; a missing final LF is fixed */
	put_file(f, "Maildir/subscriptions", "X.Y");
	assert_int_equal(open_folder(f, ".A.B", true, &missing, &out), 0);
	assert_string_equal(slurp(f, "Maildir/subscriptions"), "X.Y\nA.B\n");
	/* listed already (say, a folder deleted by hand): not added twice */
	assert_int_equal(open_folder(f, ".X.Y", true, &missing, &out), 0);
	assert_string_equal(slurp(f, "Maildir/subscriptions"), "X.Y\nA.B\n");

	/* version 2: a folder named like the header line is still added */
	put_file(f, "Maildir/subscriptions", "V\t2\n\nC\n");
	assert_int_equal(open_folder(f, ".V.2", true, &missing, &out), 0);
	assert_int_equal(open_folder(f, ".C", true, &missing, &out), 0);
	assert_string_equal(slurp(f, "Maildir/subscriptions"),
	    "V\t2\n\nC\nV\t2\n");
}

static void test_open_courier(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	f->cfg.subscription_format = SUBSCRIBE_COURIER;
	assert_int_equal(open_folder(f, ".A.B", true, &missing, &out), 0);
	assert_int_equal(open_folder(f, ".&ZeVnLIqe-", true, &missing, &out), 0);
	assert_int_equal(open_folder(f, ".A.B", true, &missing, &out), 0);
	assert_string_equal(slurp(f, "Maildir/courierimapsubscribed"),
	    "INBOX.A.B\nINBOX.&ZeVnLIqe-\n");
	/* recreated after deletion: the line is there already */
	assert_int_equal(remove_tree(f, "Maildir/.A.B"), 0);
	assert_int_equal(open_folder(f, ".A.B", true, &missing, &out), 0);
	assert_true(exists(f, "Maildir/.A.B/maildirfolder"));
	assert_string_equal(slurp(f, "Maildir/courierimapsubscribed"),
	    "INBOX.A.B\nINBOX.&ZeVnLIqe-\n");
	assert_false(exists(f, "Maildir/subscriptions"));
}

static void test_open_no_autosubscribe(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	f->cfg.autosubscribe = false;
	assert_int_equal(open_folder(f, ".A", true, &missing, &out), 0);
	assert_true(exists(f, "Maildir/.A/maildirfolder"));
	assert_false(exists(f, "Maildir/subscriptions"));
}

static void test_open_symlink_folder(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	/* an outside Maildir the link points to, and a dangling link */
	assert_int_equal(mkdirat(f->dirfd, "outside", 0700), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mkdirat(f->dirfd, (const char *[]){
		    "outside/tmp", "outside/new", "outside/cur" }[i], 0700), 0);
	assert_int_equal(symlinkat("../outside", f->dirfd, "Maildir/.Evil"), 0);
	assert_int_equal(symlinkat("../gone", f->dirfd, "Maildir/.Dangling"), 0);

	assert_int_equal(open_folder(f, ".Evil", true, &missing, &out), -1);
	assert_false(missing);
	assert_int_equal(out.code, EX_TEMPFAIL);
	/* O_NOFOLLOW with O_DIRECTORY: Linux says ENOTDIR, not ELOOP */
	assert_string_equal(out.reason, "cannot open Maildir .Evil: "
	    "Not a directory");
	assert_int_equal(open_folder(f, ".Evil", false, &missing, &out), -1);
	assert_false(missing);
	assert_int_equal(open_folder(f, ".Dangling", true, &missing, &out), -1);
	assert_int_equal(open_folder(f, ".Dangling", false, &missing, &out), -1);
	assert_false(missing);
	assert_false(exists(f, "outside/maildirfolder"));
	assert_false(exists(f, "gone"));
	assert_false(exists(f, "Maildir/subscriptions"));
}

static void test_open_symlink_inside_folder(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	assert_int_equal(mkdirat(f->dirfd, "outside", 0700), 0);
	assert_int_equal(mkdirat(f->dirfd, "Maildir/.F", 0700), 0);
	assert_int_equal(mkdirat(f->dirfd, "Maildir/.F/tmp", 0700), 0);
	assert_int_equal(symlinkat("../../outside", f->dirfd, "Maildir/.F/new"),
	    0);
	assert_int_equal(open_folder(f, ".F", true, &missing, &out), -1);
	assert_int_equal(out.code, EX_TEMPFAIL);
	assert_int_equal(open_folder(f, ".F", false, &missing, &out), -1);
	assert_false(missing);
	assert_false(exists(f, "outside/cur"));
	assert_false(exists(f, "outside/maildirfolder"));
	assert_false(exists(f, "Maildir/.F/maildirfolder"));
}

/* A subscription file that cannot be used costs the subscription, not the
 * folder: folder_open succeeds (and logs why), and never writes through a
 * link. */
static void test_open_symlink_subscriptions(void **state)
{
	struct fixture *f = *state;
	struct outcome out;
	bool missing;

	put_file(f, "target", "");
	assert_int_equal(symlinkat("../target", f->dirfd,
	    "Maildir/subscriptions"), 0);
	assert_int_equal(open_folder(f, ".A", true, &missing, &out), 0);
	assert_true(exists(f, "Maildir/.A/maildirfolder"));
	assert_string_equal(slurp(f, "target"), "");

	/* dangling: the target must not be created either */
	f->cfg.subscription_format = SUBSCRIBE_COURIER;
	assert_int_equal(symlinkat("../made", f->dirfd,
	    "Maildir/courierimapsubscribed"), 0);
	assert_int_equal(open_folder(f, ".B", true, &missing, &out), 0);
	assert_false(exists(f, "made"));

	/* a FIFO must neither hang the delivery nor be used */
	f->cfg.subscription_format = SUBSCRIBE_DOVECOT;
	assert_int_equal(unlinkat(f->dirfd, "Maildir/subscriptions", 0), 0);
	assert_int_equal(mkfifoat(f->dirfd, "Maildir/subscriptions", 0600), 0);
	assert_int_equal(open_folder(f, ".C", true, &missing, &out), 0);
	assert_true(exists(f, "Maildir/.C/maildirfolder"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutf7_known_pairs),
		cmocka_unit_test(test_mutf7_round_trips),
		cmocka_unit_test(test_mutf7_encode_rejects),
		cmocka_unit_test(test_mutf7_decode_rejects),
		cmocka_unit_test(test_dirname_levels),
		cmocka_unit_test(test_dirname_inbox),
		cmocka_unit_test(test_dirname_other_separator),
		cmocka_unit_test(test_dirname_refusals),
		cmocka_unit_test(test_dirname_length),
		cmocka_unit_test(test_dirname_utf8),
#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, fixture_setup, \
	fixture_teardown)
		FIXTURE_TEST(test_open_creates_folder),
		FIXTURE_TEST(test_open_missing_and_root),
		FIXTURE_TEST(test_open_unsafe_dirnames),
		FIXTURE_TEST(test_open_existing_subscriptions),
		FIXTURE_TEST(test_open_courier),
		FIXTURE_TEST(test_open_no_autosubscribe),
		FIXTURE_TEST(test_open_symlink_folder),
		FIXTURE_TEST(test_open_symlink_inside_folder),
		FIXTURE_TEST(test_open_symlink_subscriptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

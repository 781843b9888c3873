/* test_maildir.c: unique names, tmp/new/cur, placing (src/maildir.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "maildir.h" /* before cmocka.h, whose fail() macro would clash */

#include <cmocka.h>

#include "unit_fs.h"

/* ---- system call doubles -------------------------------------------
 * maildir.c is linked into this program, so these definitions replace the
 * C library's for it: they pass through to the kernel unless a test arms
 * them to record flags or to fail with a chosen errno. */

static struct {
	bool spy;            /* record the flags of creating opens */
	int create_flags;
	mode_t create_mode;
	int create_calls;
	int fail_creates;    /* fail this many creating opens ... */
	int create_errno;    /* ... with this errno */
	int link_errno;      /* non-zero: every linkat fails with it */
} sys;

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, unsigned int);
		va_end(ap);
	}
	if (sys.spy && (flags & O_CREAT)) {
		sys.create_flags = flags;
		sys.create_mode = mode;
		sys.create_calls++;
		if (sys.fail_creates > 0) {
			sys.fail_creates--;
			errno = sys.create_errno;
			return -1;
		}
	}
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, int flags)
{
	if (sys.link_errno) {
		errno = sys.link_errno;
		return -1;
	}
	return (int)syscall(SYS_linkat, olddirfd, oldpath, newdirfd, newpath,
	    flags);
}

/* ---- fixture: a scratch directory with helpers ----------------------- */

struct fixture {
	char dir[64];
	int dirfd;
	struct maildir md;
	struct outcome out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/mdtest.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	f->md.dirfd = f->md.tmpfd = f->md.newfd = f->md.curfd = -1;
	memset(&sys, 0, sizeof sys);
	*state = f;
	return f->dirfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	memset(&sys, 0, sizeof sys);
	maildir_close(&f->md);
	close(f->dirfd);
	unit_remove_tree(AT_FDCWD, f->dir);
	free(f);
	return 0;
}

static int open_md(struct fixture *f, const char *path, int flags)
{
	memset(&f->out, 0, sizeof f->out);
	return maildir_open(&f->md, f->dirfd, path, flags, &f->out);
}

static void make_dirs(struct fixture *f, const char *const *paths)
{
	for (; *paths; paths++)
		assert_int_equal(mkdirat(f->dirfd, *paths, 0700), 0);
}

static mode_t mode_of(struct fixture *f, const char *path)
{
	struct stat st;

	assert_int_equal(fstatat(f->dirfd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode;
}

static bool exists(struct fixture *f, const char *path)
{
	struct stat st;

	return fstatat(f->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static size_t entries(struct fixture *f, const char *path)
{
	int fd = openat(f->dirfd, path, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- maildir_unique_name --------------------------------------------- */

#define NAME_RE "^([0-9]+)\\.M[0-9]{6}P([0-9]+)Q([0-9]+)R[0-9a-f]{16}\\.(.*)$"

/* Check name against the modern format; returns its host part. */
static const char *check_format(const char *name, long long *sec,
    long *pid, unsigned long *count)
{
	static char host[600];
	regex_t re;
	regmatch_t m[5];

	assert_int_equal(regcomp(&re, NAME_RE, REG_EXTENDED), 0);
	if (regexec(&re, name, 5, m, 0) != 0)
		fail_msg("\"%s\" does not match %s", name, NAME_RE);
	regfree(&re);
	if (sec)
		*sec = strtoll(name + m[1].rm_so, NULL, 10);
	if (pid)
		*pid = strtol(name + m[2].rm_so, NULL, 10);
	if (count)
		*count = strtoul(name + m[3].rm_so, NULL, 10);
	snprintf(host, sizeof host, "%.*s", (int)(m[4].rm_eo - m[4].rm_so),
	    name + m[4].rm_so);
	return host;
}

static void test_unique_name_has_modern_format(void **state)
{
	char name[MAILDIR_NAME_MAX];
	struct timeval before, after;
	long long sec;
	long pid;

	(void)state;
	gettimeofday(&before, NULL);
	assert_int_equal(maildir_unique_name(name, sizeof name,
	    "mx.example.org"), 0);
	gettimeofday(&after, NULL);
	assert_string_equal(check_format(name, &sec, &pid, NULL),
	    "mx.example.org");
	assert_true(sec >= before.tv_sec && sec <= after.tv_sec);
	assert_int_equal(pid, getpid());
}

static void check_host(const char *host, const char *want)
{
	char name[MAILDIR_NAME_MAX * 2];

	assert_int_equal(maildir_unique_name(name, sizeof name, host), 0);
	assert_string_equal(check_format(name, NULL, NULL, NULL), want);
}

static void test_unique_name_escapes_separators_in_host(void **state)
{
	(void)state;
	check_host("a/b:c,d\\e", "a\\057b\\072c\\054d\\134e");
	check_host("/", "\\057");
	check_host("::", "\\072\\072");
}

static void test_unique_name_escapes_control_bytes_in_host(void **state)
{
	(void)state;
	check_host("h\x01i\nj\tk\x1f", "h\\001i\\012j\\011k\\037");
	check_host("a b\x7f", "a\\040b\\177");
	check_host("caf\xc3\xa9", "caf\\303\\251");
}

static void test_unique_name_keeps_plain_host(void **state)
{
	(void)state;
	check_host("mail-1.example_x.org", "mail-1.example_x.org");
}

static void test_unique_name_default_host_is_hostname(void **state)
{
	char host[256] = "";

	(void)state;
	assert_int_equal(gethostname(host, sizeof host - 1), 0);
	if (strpbrk(host, "/:,\\ ") != NULL)
		skip(); /* escaped form: covered by the escape tests */
	check_host(NULL, host);
	check_host("", host);
}

static void test_unique_name_buffer_too_small(void **state)
{
	char name[20];

	(void)state;
	assert_int_equal(maildir_unique_name(name, sizeof name, "host"), -1);
	assert_int_equal(maildir_unique_name(name, 1, "host"), -1);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_unique_name_10000_distinct(void **state)
{
	enum { N = 10000 };
	char **names = calloc(N, sizeof *names);
	unsigned long count, last = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; i < N; i++) {
		names[i] = malloc(MAILDIR_NAME_MAX);
		assert_non_null(names[i]);
		assert_int_equal(maildir_unique_name(names[i], MAILDIR_NAME_MAX,
		    "h"), 0);
		check_format(names[i], NULL, NULL, &count);
		assert_true(count > last); /* the counter only goes up */
		last = count;
	}
	qsort(names, N, sizeof *names, by_string);
	for (size_t i = 1; i < N; i++)
		assert_string_not_equal(names[i - 1], names[i]);
	for (size_t i = 0; i < N; i++)
		free(names[i]);
	free(names);
}

/* ---- maildir_normalize_flags ------------------------------------------ */

static void check_flags(const char *flags, const char *want)
{
	char out[53];

	memset(out, '#', sizeof out);
	maildir_normalize_flags(flags, out);
	assert_string_equal(out, want);
}

static void test_flags_sorted_in_ascii_order(void **state)
{
	(void)state;
	check_flags("SF", "FS");
	check_flags("TSRPFD", "DFPRST");
	check_flags("ba", "ab");
	check_flags("aS", "Sa"); /* upper case sorts before lower case */
}

static void test_flags_deduplicated(void **state)
{
	(void)state;
	check_flags("SSS", "S");
	check_flags("FSFSaa", "FSa");
}

static void test_flags_non_letters_dropped(void **state)
{
	(void)state;
	check_flags("S,F:2 \\1\x01\xc3", "FS");
	check_flags("123", "");
	check_flags("", "");
	check_flags(NULL, "");
}

static void test_flags_all_52_letters(void **state)
{
	static const char all[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char reversed[sizeof all];

	(void)state;
	for (size_t i = 0; i < sizeof all - 1; i++)
		reversed[i] = all[sizeof all - 2 - i];
	reversed[sizeof all - 1] = '\0';
	check_flags(reversed, all);
}

/* ---- maildir_open ----------------------------------------------------- */

static void test_open_creates_maildir_0700(void **state)
{
	struct fixture *f = *state;
	static const char *const dirs[] = { "Maildir", "Maildir/tmp",
	    "Maildir/new", "Maildir/cur", NULL };

	umask(022);
	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	assert_true(f->md.created);
	for (int i = 0; dirs[i]; i++)
		assert_int_equal(mode_of(f, dirs[i]), S_IFDIR | 0700);
	assert_int_equal(entries(f, "Maildir"), 3);
}

static void test_open_descriptors_are_the_subdirs(void **state)
{
	struct fixture *f = *state;
	struct stat a, b;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	assert_int_equal(fstat(f->md.newfd, &a), 0);
	assert_int_equal(fstatat(f->dirfd, "Maildir/new", &b, 0), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	assert_int_equal(fstat(f->md.curfd, &a), 0);
	assert_int_equal(fstatat(f->dirfd, "Maildir/cur", &b, 0), 0);
	assert_true(a.st_ino == b.st_ino);
	assert_int_equal(fstat(f->md.tmpfd, &a), 0);
	assert_int_equal(fstatat(f->dirfd, "Maildir/tmp", &b, 0), 0);
	assert_true(a.st_ino == b.st_ino);
}

static void test_open_existing_is_not_created(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	maildir_close(&f->md);
	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	assert_false(f->md.created);
	maildir_close(&f->md);
	assert_int_equal(open_md(f, "Maildir", 0), 0);
	assert_false(f->md.created);
}

static void test_open_completes_partial_maildir(void **state)
{
	struct fixture *f = *state;
	static const char *const dirs[] = { "Maildir", "Maildir/cur", NULL };

	make_dirs(f, dirs);
	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	assert_true(f->md.created);
	assert_int_equal(mode_of(f, "Maildir/tmp"), S_IFDIR | 0700);
	assert_int_equal(mode_of(f, "Maildir/new"), S_IFDIR | 0700);
}

static void test_open_missing_without_create_fails(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_md(f, "Maildir", 0), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(f->out.reason,
	    "cannot open Maildir Maildir: No such file or directory");
	assert_false(exists(f, "Maildir"));
	assert_int_equal(f->md.dirfd, -1);
	assert_int_equal(f->md.tmpfd, -1);
}

static void test_open_does_not_create_missing_parents(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_md(f, "home/user/Maildir", MAILDIR_CREATE), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(f->out.reason, "cannot create Maildir "
	    "home/user/Maildir: No such file or directory");
	assert_false(exists(f, "home"));
}

/* A symlink where a directory must be is refused by the kernel itself:
 * O_NOFOLLOW makes openat fail.  maildir.h names ELOOP, but Linux answers
 * ENOTDIR when O_DIRECTORY is set too; either is the refusal we want. */
static void check_symlink_refused(const char *reason, const char *prefix)
{
	char loop[300], notdir[300];

	snprintf(loop, sizeof loop, "%s: %s", prefix, strerror(ELOOP));
	snprintf(notdir, sizeof notdir, "%s: %s", prefix, strerror(ENOTDIR));
	if (strcmp(reason, loop) != 0 && strcmp(reason, notdir) != 0)
		fail_msg("\"%s\" is neither \"%s\" nor \"%s\"", reason, loop,
		    notdir);
}

static void check_symlinked_subdir(struct fixture *f, const char *sub,
    int flags)
{
	static const char *const dirs[] = { "Maildir", "elsewhere", NULL };
	char link[64], prefix[64];

	make_dirs(f, dirs);
	snprintf(link, sizeof link, "Maildir/%s", sub);
	assert_int_equal(symlinkat("../elsewhere", f->dirfd, link), 0);
	snprintf(prefix, sizeof prefix, "cannot open %s/", sub);
	assert_int_equal(open_md(f, "Maildir", flags), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	check_symlink_refused(f->out.reason, prefix);
	assert_int_equal(entries(f, "elsewhere"), 0);
	assert_int_equal(f->md.dirfd, -1);
}

static void test_open_refuses_symlinked_tmp(void **state)
{
	check_symlinked_subdir(*state, "tmp", MAILDIR_CREATE);
}

static void test_open_refuses_symlinked_tmp_without_create(void **state)
{
	struct fixture *f = *state;
	static const char *const dirs[] = { "Maildir/new", "Maildir/cur",
	    NULL };

	assert_int_equal(mkdirat(f->dirfd, "Maildir", 0700), 0);
	make_dirs(f, dirs);
	assert_int_equal(symlinkat("new", f->dirfd, "Maildir/tmp"), 0);
	assert_int_equal(open_md(f, "Maildir", 0), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	check_symlink_refused(f->out.reason, "cannot open tmp/");
}

static void test_open_refuses_symlinked_new_and_cur(void **state)
{
	struct fixture *f = *state;

	check_symlinked_subdir(f, "new", MAILDIR_CREATE);
	unit_remove_tree(f->dirfd, "Maildir");
	unit_remove_tree(f->dirfd, "elsewhere");
	check_symlinked_subdir(f, "cur", MAILDIR_CREATE);
}

static void test_open_refuses_dangling_symlinked_tmp(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdirat(f->dirfd, "Maildir", 0700), 0);
	assert_int_equal(symlinkat("/nonexistent/tmp", f->dirfd,
	    "Maildir/tmp"), 0);
	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), -1);
	check_symlink_refused(f->out.reason, "cannot open tmp/");
}

static void test_open_root_symlink_allowed_unless_nofollow(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	maildir_close(&f->md);
	assert_int_equal(symlinkat("Maildir", f->dirfd, "Link"), 0);
	assert_int_equal(open_md(f, "Link", MAILDIR_CREATE), 0);
	maildir_close(&f->md);
	assert_int_equal(open_md(f, "Link", MAILDIR_CREATE | MAILDIR_NOFOLLOW),
	    -1);
	check_symlink_refused(f->out.reason, "cannot open Maildir Link");
}

static void test_close_is_idempotent(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	maildir_close(&f->md);
	assert_int_equal(f->md.dirfd, -1);
	assert_int_equal(f->md.tmpfd, -1);
	assert_int_equal(f->md.newfd, -1);
	assert_int_equal(f->md.curfd, -1);
	maildir_close(&f->md);
}

/* ---- maildir_create_tmp ----------------------------------------------- */

static int create_tmp(struct fixture *f, char *name, size_t len)
{
	memset(&f->out, 0, sizeof f->out);
	return maildir_create_tmp(&f->md, "host.example", name, len, &f->out);
}

static void test_create_tmp_file_mode_0600(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], path[MAILDIR_NAME_MAX + 16];
	int fd;

	umask(0);
	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	fd = create_tmp(f, name, sizeof name);
	umask(022);
	assert_true(fd >= 0);
	assert_string_equal(check_format(name, NULL, NULL, NULL),
	    "host.example");
	snprintf(path, sizeof path, "Maildir/tmp/%s", name);
	assert_int_equal(mode_of(f, path), S_IFREG | 0600);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void test_create_tmp_opens_exclusive_nofollow(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX];
	int fd;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	sys.spy = true;
	fd = create_tmp(f, name, sizeof name);
	assert_true(fd >= 0);
	assert_int_equal(sys.create_calls, 1);
	assert_int_equal(sys.create_flags & (O_CREAT | O_EXCL | O_NOFOLLOW),
	    O_CREAT | O_EXCL | O_NOFOLLOW);
	assert_int_equal(sys.create_mode, 0600);
	close(fd);
}

static void test_create_tmp_retries_taken_names(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX];
	int fd;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	sys.spy = true;
	sys.fail_creates = 4;
	sys.create_errno = EEXIST;
	fd = create_tmp(f, name, sizeof name);
	assert_true(fd >= 0);
	assert_int_equal(sys.create_calls, 5);
	assert_int_equal(entries(f, "Maildir/tmp"), 1);
	close(fd);
}

static void test_create_tmp_gives_up_after_five_names(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX];

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	sys.spy = true;
	sys.fail_creates = 5;
	sys.create_errno = EEXIST;
	assert_int_equal(create_tmp(f, name, sizeof name), -1);
	assert_int_equal(sys.create_calls, 5);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(f->out.reason, "cannot find a free name in tmp/");
}

static void test_create_tmp_other_error_is_tempfail(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], want[600];

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	sys.spy = true;
	sys.fail_creates = 1;
	sys.create_errno = ENOSPC;
	assert_int_equal(create_tmp(f, name, sizeof name), -1);
	assert_int_equal(sys.create_calls, 1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	snprintf(want, sizeof want, "cannot create tmp/%s: %s", name,
	    strerror(ENOSPC));
	assert_string_equal(f->out.reason, want);
}

static void test_create_tmp_name_too_long(void **state)
{
	struct fixture *f = *state;
	char name[16];

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	assert_int_equal(create_tmp(f, name, sizeof name), -1);
	assert_int_equal(f->out.code, EX_SOFTWARE);
	assert_string_equal(f->out.reason, "unique name too long");
}

/* ---- maildir_place ---------------------------------------------------- */

#define BODY "Subject: x\n\nhello\n"

/* An open Maildir with one message (BODY) in tmp/; returns its fd. */
static int message_in_tmp(struct fixture *f, char *name, size_t len)
{
	int fd;

	assert_int_equal(open_md(f, "Maildir", MAILDIR_CREATE), 0);
	fd = create_tmp(f, name, len);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, BODY, strlen(BODY)), strlen(BODY));
	return fd;
}

static int place(struct fixture *f, const char *name, int fd,
    const char *flags, bool last, char *placed, size_t len)
{
	memset(&f->out, 0, sizeof f->out);
	return maildir_place(&f->md, name, fd, &f->md, name,
	    (off_t)strlen(BODY), flags, last, placed, len, &f->out);
}

/* "Maildir/" + placed must hold BODY; returns its inode. */
static ino_t check_placed_file(struct fixture *f, const char *placed)
{
	char path[600], buf[64] = "";
	struct stat st;
	int fd;

	snprintf(path, sizeof path, "Maildir/%s", placed);
	fd = openat(f->dirfd, path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof buf - 1), strlen(BODY));
	assert_string_equal(buf, BODY);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	return st.st_ino;
}

static void test_place_into_new_with_size(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], want[600];
	struct stat st;
	int fd = message_in_tmp(f, name, sizeof name);

	assert_int_equal(place(f, name, fd, NULL, false, placed,
	    sizeof placed), 0);
	snprintf(want, sizeof want, "new/%s,S=%zu", name, strlen(BODY));
	assert_string_equal(placed, want);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(check_placed_file(f, placed) == st.st_ino); /* a link */
	assert_int_equal(entries(f, "Maildir/cur"), 0);
	assert_int_equal(entries(f, "Maildir/tmp"), 1); /* caller unlinks */
	close(fd);
}

static void test_place_empty_flags_go_to_new(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], want[600];
	int fd = message_in_tmp(f, name, sizeof name);

	assert_int_equal(place(f, name, fd, "", false, placed, sizeof placed),
	    0);
	snprintf(want, sizeof want, "new/%s,S=%zu", name, strlen(BODY));
	assert_string_equal(placed, want);
	close(fd);
}

static void test_place_into_cur_with_sorted_flags(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], want[600];
	int fd = message_in_tmp(f, name, sizeof name);

	assert_int_equal(place(f, name, fd, "SF", false, placed,
	    sizeof placed), 0);
	snprintf(want, sizeof want, "cur/%s,S=%zu:2,FS", name, strlen(BODY));
	assert_string_equal(placed, want);
	check_placed_file(f, placed);
	assert_int_equal(entries(f, "Maildir/new"), 0);
	close(fd);
}

static void test_place_flags_without_letters_go_to_new(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], want[600];
	int fd = message_in_tmp(f, name, sizeof name);

	/* every flag is dropped, so the message has none: new/, as with "" */
	assert_int_equal(place(f, name, fd, "1", false, placed, sizeof placed),
	    0);
	close(fd);
	snprintf(want, sizeof want, "new/%s,S=%zu", name, strlen(BODY));
	assert_string_equal(placed, want);
}

/* another file at the name is not this message (the same file there is
 * success: tests/unit/test_maildir_nfs.c) */
static void test_place_existing_other_file_is_tempfail(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600] = "", path[600];
	int fd = message_in_tmp(f, name, sizeof name), other;

	snprintf(path, sizeof path, "Maildir/new/%s,S=%zu", name, strlen(BODY));
	other = openat(f->dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(other >= 0);
	close(other);
	assert_int_equal(place(f, name, fd, NULL, false, placed,
	    sizeof placed), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(placed, "");
	assert_int_equal(entries(f, "Maildir/new"), 1);
	close(fd);
}

static void test_place_into_other_maildir(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], want[600], path[700];
	struct maildir sub;
	int fd = message_in_tmp(f, name, sizeof name);

	assert_int_equal(maildir_open(&sub, f->md.dirfd, ".Sub", MAILDIR_CREATE
	    | MAILDIR_NOFOLLOW, &f->out), 0);
	assert_int_equal(maildir_place(&f->md, name, fd, &sub, name, 18, "S",
	    false, placed, sizeof placed, &f->out), 0);
	maildir_close(&sub);
	snprintf(want, sizeof want, "cur/%s,S=18:2,S", name);
	assert_string_equal(placed, want);
	snprintf(path, sizeof path, ".Sub/%s", placed);
	check_placed_file(f, path);
	close(fd);
}

static void test_place_without_links_last_copy_renames(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600];
	int fd = message_in_tmp(f, name, sizeof name);

	sys.link_errno = EXDEV;
	assert_int_equal(place(f, name, fd, NULL, true, placed, sizeof placed),
	    0);
	check_placed_file(f, placed);
	assert_int_equal(entries(f, "Maildir/tmp"), 0); /* moved */
	close(fd);
}

static void test_place_without_links_copies_when_not_last(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600];
	struct stat st;
	int fd = message_in_tmp(f, name, sizeof name);

	sys.link_errno = EPERM;
	assert_int_equal(place(f, name, fd, "S", false, placed, sizeof placed),
	    0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(check_placed_file(f, placed) != st.st_ino);
	assert_int_equal(entries(f, "Maildir/tmp"), 1); /* original only */
	close(fd);
}

static void test_place_link_error_fails_tempfail(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600] = "untouched", want[600];
	int fd = message_in_tmp(f, name, sizeof name);

	sys.link_errno = ENOSPC;
	assert_int_equal(place(f, name, fd, NULL, true, placed, sizeof placed),
	    -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	snprintf(want, sizeof want, "cannot link into new/: %s",
	    strerror(ENOSPC));
	assert_string_equal(f->out.reason, want);
	assert_string_equal(placed, "untouched");
	assert_int_equal(entries(f, "Maildir/new"), 0);
	assert_int_equal(entries(f, "Maildir/tmp"), 1);
	close(fd);
}

static void test_place_name_too_long(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], base[300];
	int fd = message_in_tmp(f, name, sizeof name);

	memset(base, 'b', sizeof base - 1);
	base[sizeof base - 1] = '\0';
	assert_int_equal(maildir_place(&f->md, name, fd, &f->md, base, 18,
	    NULL, false, placed, sizeof placed, &f->out), -1);
	assert_int_equal(f->out.code, EX_SOFTWARE);
	assert_string_equal(f->out.reason, "message file name too long");
	close(fd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_name_has_modern_format),
		cmocka_unit_test(test_unique_name_escapes_separators_in_host),
		cmocka_unit_test(test_unique_name_escapes_control_bytes_in_host),
		cmocka_unit_test(test_unique_name_keeps_plain_host),
		cmocka_unit_test(test_unique_name_default_host_is_hostname),
		cmocka_unit_test(test_unique_name_buffer_too_small),
		cmocka_unit_test(test_unique_name_10000_distinct),
		cmocka_unit_test(test_flags_sorted_in_ascii_order),
		cmocka_unit_test(test_flags_deduplicated),
		cmocka_unit_test(test_flags_non_letters_dropped),
		cmocka_unit_test(test_flags_all_52_letters),
		T(test_open_creates_maildir_0700),
		T(test_open_descriptors_are_the_subdirs),
		T(test_open_existing_is_not_created),
		T(test_open_completes_partial_maildir),
		T(test_open_missing_without_create_fails),
		T(test_open_does_not_create_missing_parents),
		T(test_open_refuses_symlinked_tmp),
		T(test_open_refuses_symlinked_tmp_without_create),
		T(test_open_refuses_symlinked_new_and_cur),
		T(test_open_refuses_dangling_symlinked_tmp),
		T(test_open_root_symlink_allowed_unless_nofollow),
		T(test_close_is_idempotent),
		T(test_create_tmp_file_mode_0600),
		T(test_create_tmp_opens_exclusive_nofollow),
		T(test_create_tmp_retries_taken_names),
		T(test_create_tmp_gives_up_after_five_names),
		T(test_create_tmp_other_error_is_tempfail),
		T(test_create_tmp_name_too_long),
		T(test_place_into_new_with_size),
		T(test_place_empty_flags_go_to_new),
		T(test_place_into_cur_with_sorted_flags),
		T(test_place_flags_without_letters_go_to_new),
		T(test_place_existing_other_file_is_tempfail),
		T(test_place_into_other_maildir),
		T(test_place_without_links_last_copy_renames),
		T(test_place_without_links_copies_when_not_last),
		T(test_place_link_error_fails_tempfail),
		T(test_place_name_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

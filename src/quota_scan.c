/* quota_scan.c: recalculating maildirsize (the specification's
 * "Calculating maildirsize", see quota.h).
 *
 * Count every file in new/ and cur/ of the root Maildir and of every
 * folder except .Trash; a file's size comes from ",S=" in its name, else
 * from lstat; dot files and messages flagged T (deleted) are not counted,
 * as Courier does.  The result goes to a file in tmp/ that is renamed over
 * maildirsize.
 *
 * The race: a delivery that links a message after its directory was read
 * and appends to the old maildirsize loses its line.  So every directory's
 * mtime is taken before reading it and compared after the rename; a change
 * (or a folder list that changed) means the scan is redone.  Timestamps
 * advance in ticks (4 ms here), so a link in the same tick as the mtime we
 * saw would leave it equal: directories modified in the current tick are
 * read again once the tick is over, and a different count is a race too.
 * After RECALC_ATTEMPTS scans that all raced, the last result stays, as
 * Courier punts: the file is then off by a message or two until the next
 * recalculation.  The file is never removed: its first line may be the only
 * place the quota is defined. */
#include "quota.h"
#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECALC_ATTEMPTS 5

struct scanned_dir {
	char path[MAILDIR_NAME_MAX + 8];   /* ".Folder/cur", relative to root */
	struct timespec mtime;             /* {-1, 0}: did not exist */
	int64_t bytes, count;
};

struct scan {
	struct scanned_dir *dirs;
	size_t ndirs;
	char (*folders)[MAILDIR_NAME_MAX];
	size_t nfolders;
	struct timespec started;    /* CLOCK_REALTIME_COARSE before the scan */
	int64_t bytes, count;
};

static void scan_free(struct scan *s)
{
	free(s->dirs);
	free(s->folders);
	memset(s, 0, sizeof *s);
}

/* ---- which folders count ---------------------------------------------- */

static bool counted_folder(int rootfd, const struct dirent *e)
{
	struct stat st;

	if (e->d_name[0] != '.' || e->d_name[1] == '.' ||
	    e->d_name[1] == '\0' || strcmp(e->d_name, ".Trash") == 0)
		return false;
	if (e->d_type == DT_DIR)
		return true;
	if (e->d_type != DT_UNKNOWN)
		return false;   /* symlinked folders are not followed */
	return fstatat(rootfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The sorted list of folder directories in the root. */
static int list_folders(int rootfd, char (**names)[MAILDIR_NAME_MAX],
    size_t *count)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	*names = NULL;
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!counted_folder(rootfd, e))
			continue;
		if (n == cap) {
			char (*grown)[MAILDIR_NAME_MAX] = reallocarray(*names,
			    cap = cap ? cap * 2 : 16, sizeof *grown);

			if (grown == NULL) {
				closedir(d);
				return -1;
			}
			*names = grown;
		}
		strlcpy((*names)[n++], e->d_name, MAILDIR_NAME_MAX);
	}
	closedir(d);
	if (n)
		qsort(*names, n, sizeof **names, compare_names);
	*count = n;
	return 0;
}

/* ---- counting one directory ------------------------------------------- */

/* ",S=<digits>" in the part before the info; -1 when absent. */
static int64_t size_from_name(const char *name)
{
	const char *colon = strchr(name, ':'), *p = name;
	int64_t size;

	while ((p = strstr(p, ",S=")) != NULL && (colon == NULL || p < colon)) {
		char *end;

		p += 3;
		errno = 0;
		size = strtoll(p, &end, 10);
		if (end != p && *p != '-' && errno == 0 &&
		    (*end == '\0' || *end == ',' || *end == ':'))
			return size;
	}
	return -1;
}

/* Flagged T (deleted): Courier does not count these. */
static bool deleted(const char *name)
{
	const char *info = strstr(name, ":2,");

	return info && strchr(info + 3, 'T') != NULL;
}

bool quota_counts_copy(const char *dirname, const char *flags)
{
	return strcmp(dirname, ".Trash") != 0 &&
	    (flags == NULL || strchr(flags, 'T') == NULL);
}

static int count_file(int dirfd, const char *name, struct scanned_dir *sd)
{
	int64_t size = size_from_name(name);
	struct stat st;

	if (name[0] == '.' || deleted(name))
		return 0;
	if (size < 0) {
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;   /* gone meanwhile: not counted */
		if (!S_ISREG(st.st_mode))
			return 0;
		size = st.st_size;
	}
	if (__builtin_add_overflow(sd->bytes, size, &sd->bytes))
		return errno = EOVERFLOW, -1;
	sd->count++;
	return 0;
}

static struct scanned_dir *add_dir(struct scan *s, const char *path)
{
	struct scanned_dir *grown = reallocarray(s->dirs, s->ndirs + 1,
	    sizeof *grown);

	if (grown == NULL)
		return NULL;
	s->dirs = grown;
	grown = &s->dirs[s->ndirs++];
	strlcpy(grown->path, path, sizeof grown->path);
	return grown;
}

/* Count sd->path (relative to root) into sd, with its mtime from before
 * reading it. */
static int count_dir(int rootfd, struct scanned_dir *sd)
{
	struct dirent *e;
	struct stat st;
	int fd, rc = 0;
	DIR *d;

	sd->mtime.tv_sec = -1;
	sd->mtime.tv_nsec = 0;
	sd->bytes = sd->count = 0;
	fd = openat(rootfd, sd->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ?
		    0 : -1;
	if (fstat(fd, &st) < 0 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	sd->mtime = st.st_mtim;
	while (rc == 0 && (e = readdir(d)) != NULL)
		rc = count_file(fd, e->d_name, sd);
	closedir(d);
	return rc;
}

static int scan_dir(int rootfd, const char *path, struct scan *s)
{
	struct scanned_dir *sd = add_dir(s, path);

	if (sd == NULL || count_dir(rootfd, sd) < 0)
		return -1;
	if (__builtin_add_overflow(s->bytes, sd->bytes, &s->bytes))
		return errno = EOVERFLOW, -1;
	s->count += sd->count;
	return 0;
}

static int scan_maildir(int rootfd, const char *folder, struct scan *s)
{
	static const char *const subdirs[] = { "new", "cur" };
	char path[MAILDIR_NAME_MAX + 8];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s%s%s", folder, *folder ? "/" : "",
		    subdirs[i]);
		if (scan_dir(rootfd, path, s) < 0)
			return -1;
	}
	return 0;
}

static int scan_all(int rootfd, struct scan *s)
{
	memset(s, 0, sizeof *s);
	clock_gettime(CLOCK_REALTIME_COARSE, &s->started);
	if (list_folders(rootfd, &s->folders, &s->nfolders) < 0 ||
	    scan_maildir(rootfd, "", s) < 0)
		return -1;
	for (size_t i = 0; i < s->nfolders; i++)
		if (scan_maildir(rootfd, s->folders[i], s) < 0)
			return -1;
	return 0;
}

/* ---- the race check ---------------------------------------------------- */

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool at_or_after(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec ||
	    (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

/* Modified in the tick the scan started in (or later)? */
static bool recent(const struct scanned_dir *sd, const struct scan *s)
{
	return sd->mtime.tv_sec >= 0 && at_or_after(sd->mtime, s->started);
}

/* Sleep until the coarse clock (the one file timestamps come from) has
 * moved past t; bounded, in case the filesystem's clock runs ahead. */
static void wait_past(struct timespec t)
{
	struct timespec now, nap = { 0, 1000 * 1000 };

	for (int i = 0; i < 50; i++) {
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (!at_or_after(t, now))
			return;
		nanosleep(&nap, NULL);
	}
}

/* Directories modified in the current tick may have changed again without
 * a new mtime: once the tick is over, count them again. */
static bool recent_dirs_changed(int rootfd, const struct scan *s)
{
	struct timespec latest = s->started;
	bool any = false;

	for (size_t i = 0; i < s->ndirs; i++)
		if (recent(&s->dirs[i], s)) {
			any = true;
			if (at_or_after(s->dirs[i].mtime, latest))
				latest = s->dirs[i].mtime;
		}
	if (!any)
		return false;
	wait_past(latest);
	for (size_t i = 0; i < s->ndirs; i++) {
		struct scanned_dir again = s->dirs[i];

		if (!recent(&s->dirs[i], s))
			continue;
		if (count_dir(rootfd, &again) < 0 ||
		    again.bytes != s->dirs[i].bytes ||
		    again.count != s->dirs[i].count)
			return true;
	}
	return false;
}

/* Did anything change under the scan? */
static bool scan_raced(int rootfd, const struct scan *s)
{
	char (*now)[MAILDIR_NAME_MAX];
	size_t n;
	bool raced;

	if (recent_dirs_changed(rootfd, s))
		return true;
	for (size_t i = 0; i < s->ndirs; i++) {
		const struct scanned_dir *sd = &s->dirs[i];
		struct stat st;
		struct timespec m = { -1, 0 };

		if (fstatat(rootfd, sd->path, &st, AT_SYMLINK_NOFOLLOW) == 0)
			m = st.st_mtim;
		if (!same_time(m, sd->mtime))
			return true;
	}
	if (list_folders(rootfd, &now, &n) < 0)
		return true;
	raced = n != s->nfolders ||
	    (n && memcmp(now, s->folders, n * sizeof *now) != 0);
	free(now);
	return raced;
}

/* ---- writing ------------------------------------------------------------ */


/* tmp/<unique> with the definition and one summary line, fsynced, renamed
 * over maildirsize.  Returns the descriptor, now in append mode. */
static int write_maildirsize(struct quota *q, const struct scan *s,
    struct outcome *out)
{
	char name[MAILDIR_NAME_MAX], text[QUOTA_DEFINITION_MAX + 64];
	struct maildir *root = q->root;
	int fd, n, flags;

	n = snprintf(text, sizeof text, "%s\n%lld %lld\n", q->definition,
	    (long long)s->bytes, (long long)s->count);
	fd = maildir_create_tmp(root, q->hostname, name, sizeof name, out);
	if (fd < 0)
		return -1;
	if (io_write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0 ||
	    renameat(root->tmpfd, name, root->dirfd, MAILDIRSIZE_NAME) < 0 ||
	    (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_APPEND) < 0) {
		int err = errno;

		unlinkat(root->tmpfd, name, 0);
		close(fd);
		return fail_errno(out, err, "cannot write %s", MAILDIRSIZE_NAME);
	}
	return fd;
}

/* Between attempts: wait out the current timestamp tick (and a little
 * more, at random, so that racing recalculations fall out of step). */
static void pause_after_race(void)
{
	struct timespec res, pause = { 0, 0 };

	if (clock_getres(CLOCK_REALTIME_COARSE, &res) < 0 || res.tv_sec > 0)
		res.tv_nsec = 10 * 1000 * 1000;
	pause.tv_nsec = res.tv_nsec + (long)arc4random_uniform(5 * 1000 * 1000);
	nanosleep(&pause, NULL);
}

int quota_recalculate(struct quota *q, struct outcome *out)
{
	struct scan s;
	bool raced = true;

	for (unsigned attempt = 0; raced && attempt < RECALC_ATTEMPTS;
	    attempt++) {
		int fd;

		if (attempt > 0) {
			q->races++;
			pause_after_race();
		}
		if (scan_all(q->root->dirfd, &s) < 0) {
			int err = errno;

			scan_free(&s);
			return fail_errno(out, err ? err : ENOMEM,
			    "cannot count the Maildir for its quota");
		}
		if ((fd = write_maildirsize(q, &s, out)) < 0) {
			scan_free(&s);
			return -1;
		}
		if (q->fd >= 0)
			close(q->fd);
		q->fd = fd;
		q->bytes = s.bytes;
		q->count = s.count;
		raced = scan_raced(q->root->dirfd, &s);
		scan_free(&s);
	}
	q->lines = 1;
	q->mtime = time(NULL);
	q->recalculated = true;
	return 0;
}

/* maildir.c: unique names, tmp/new/cur, durable placing (see maildir.h). */
#include "maildir.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static const char *const subdirs[] = { "tmp", "new", "cur" };

static int fsync_dir_now(int dirfd)
{
	if (fsync(dirfd) < 0 && errno != EINVAL && errno != EROFS)
		return -1;
	return 0;
}

/* --redeliver: directories whose fsync is deferred (each once, by
 * identity), so that a run syncs each directory once, not per message */
#define PENDING_MAX 64
static struct pending_dir {
	dev_t dev;
	ino_t ino;
	int fd;
} pending[PENDING_MAX];
static size_t npending;
static bool deferring;

void maildir_defer_dir_sync(bool on)
{
	deferring = on;
}

static int defer_dir(int dirfd)
{
	struct stat st;
	int fd;

	if (fstat(dirfd, &st) < 0)
		return fsync_dir_now(dirfd);
	for (size_t i = 0; i < npending; i++)
		if (pending[i].dev == st.st_dev && pending[i].ino == st.st_ino)
			return 0;
	if (npending == PENDING_MAX ||
	    (fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return fsync_dir_now(dirfd);
	pending[npending++] = (struct pending_dir){ st.st_dev, st.st_ino, fd };
	return 0;
}

int maildir_sync_pending(void)
{
	int rc = 0, err = 0;

	for (size_t i = 0; i < npending; i++) {
		if (fsync_dir_now(pending[i].fd) < 0 && rc == 0) {
			rc = -1;
			err = errno;
		}
		close(pending[i].fd);
	}
	npending = 0;
	errno = err;
	return rc;
}

int maildir_fsync_dir(int dirfd)
{
	return deferring ? defer_dir(dirfd) : fsync_dir_now(dirfd);
}

static int open_dir(int atfd, const char *path, bool nofollow)
{
	return openat(atfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (nofollow ? O_NOFOLLOW : 0));
}

/* Open a directory, creating it (0700) only when it is missing: a
 * delivery into an existing Maildir costs one openat per directory, no
 * mkdirat.  *made says whether this call created it; *step names the call
 * that failed ("create" or "open") for the caller's message. */
static int open_or_make(int atfd, const char *path, bool nofollow,
    bool create, bool *made, const char **step)
{
	int fd = open_dir(atfd, path, nofollow);

	*step = "open";
	if (fd >= 0 || !create || errno != ENOENT)
		return fd;
	if (mkdirat(atfd, path, 0700) == 0)
		*made = true;
	else if (errno != EEXIST) {
		*step = "create";
		return -1;
	}
	return open_dir(atfd, path, nofollow);
}

static int open_subdirs(struct maildir *md, bool create, struct outcome *out)
{
	int *fds[] = { &md->tmpfd, &md->newfd, &md->curfd };
	bool made = false;
	const char *step;

	for (int i = 0; i < 3; i++)
		if ((*fds[i] = open_or_make(md->dirfd, subdirs[i], true, create,
		    &made, &step)) < 0)
			return fail_errno(out, errno, "cannot %s %s/", step,
			    subdirs[i]);
	if (made && maildir_fsync_dir(md->dirfd) < 0)
		return fail_errno(out, errno, "cannot sync Maildir");
	md->created |= made;
	return 0;
}

static int sync_parent(int dirfd)
{
	int parent = openat(dirfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (parent < 0)
		return -1;
	rc = maildir_fsync_dir(parent);
	close(parent);
	return rc;
}

int maildir_open(struct maildir *md, int atfd, const char *path, int flags,
    struct outcome *out)
{
	bool create = flags & MAILDIR_CREATE, made = false;
	const char *step;

	md->dirfd = md->tmpfd = md->newfd = md->curfd = -1;
	md->created = false;
	md->dirfd = open_or_make(atfd, path, flags & MAILDIR_NOFOLLOW, create,
	    &made, &step);
	if (md->dirfd < 0)
		return fail_errno(out, errno, "cannot %s Maildir %s", step, path);
	md->created = made;
	/* a new Maildir's own entry must be durable too: sync its parent */
	if (made && sync_parent(md->dirfd) < 0) {
		fail_errno(out, errno, "cannot sync the parent of %s", path);
		maildir_close(md);
		return -1;
	}
	if (open_subdirs(md, create, out) < 0) {
		maildir_close(md);
		return -1;
	}
	return 0;
}

void maildir_close(struct maildir *md)
{
	int *fds[] = { &md->dirfd, &md->tmpfd, &md->newfd, &md->curfd };

	for (int i = 0; i < 4; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* The host part of unique names: '/' ':' ',' '\' and non-printables as
 * \ooo, so that names stay one path component and ",S=" stays parseable. */
static void escape_host(const char *host, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *host && o + 5 < outlen; host++) {
		unsigned char c = (unsigned char)*host;

		if (c == '/' || c == ':' || c == ',' || c == '\\' || c <= ' ' ||
		    c >= 0x7f)
			o += (size_t)snprintf(out + o, outlen - o, "\\%03o", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

int maildir_unique_name(char *buf, size_t len, const char *hostname)
{
	static unsigned counter;
	struct timeval tv;
	uint64_t random;
	char host[128], safe[128 * 4 + 1];
	int n;

	if (hostname == NULL || *hostname == '\0') {
		if (gethostname(host, sizeof host) < 0)
			strlcpy(host, "localhost", sizeof host);
		host[sizeof host - 1] = '\0';
		hostname = host;
	}
	escape_host(hostname, safe, sizeof safe);
	gettimeofday(&tv, NULL);
	/* getrandom: one system call; arc4random_buf would first key a
	 * ChaCha stream (about 28,000 instructions) for 8 bytes */
	if (getrandom(&random, sizeof random, GRND_NONBLOCK) !=
	    (ssize_t)sizeof random)
		arc4random_buf(&random, sizeof random);
	n = snprintf(buf, len, "%lld.M%06ldP%ldQ%uR%016llx.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(), ++counter,
	    (unsigned long long)random, safe);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int maildir_create_tmp(struct maildir *md, const char *hostname, char *name,
    size_t namelen, struct outcome *out)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int fd;

		if (maildir_unique_name(name, namelen, hostname) < 0)
			return fail(out, EX_SOFTWARE, "unique name too long");
		fd = openat(md->tmpfd, name, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return fail_errno(out, errno, "cannot create tmp/%s", name);
	}
	return fail(out, EX_TEMPFAIL, "cannot find a free name in tmp/");
}

void maildir_normalize_flags(const char *flags, char *out)
{
	static const char letters[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t o = 0;

	/* ASCII order, as the Maildir spec requires; each letter once */
	for (const char *l = letters; *l; l++)
		if (flags && strchr(flags, *l))
			out[o++] = *l;
	out[o] = '\0';
}

static bool link_refused(int err)
{
	return err == EXDEV || err == EPERM || err == ENOTSUP || err == EMLINK ||
	    err == ENOSYS;
}

static int copy_fd(int from, int to)
{
	char buf[64 * 1024];
	off_t pos = 0;
	ssize_t n;

	while ((n = pread(from, buf, sizeof buf, pos)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (io_write_all(to, buf, (size_t)n) < 0)
			return -1;
		pos += n;
	}
	return 0;
}

/* A private copy of the message in dst's tmp/, for filesystems without
 * hard links; returns its name in tmpname. */
static int copy_into_tmp(int src_fd, struct maildir *dst, const char *base,
    char *tmpname, size_t len, struct outcome *out)
{
	int fd;

	snprintf(tmpname, len, "%s.copy", base);
	fd = openat(dst->tmpfd, tmpname, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_errno(out, errno, "cannot create copy in tmp/");
	if (copy_fd(src_fd, fd) < 0 || fsync(fd) < 0) {
		int err = errno;

		close(fd);
		unlinkat(dst->tmpfd, tmpname, 0);
		return fail_errno(out, err, "cannot copy message");
	}
	if (close(fd) < 0)
		return fail_errno(out, errno, "cannot copy message");
	return 0;
}

/* Link failed because the filesystem does not do hard links. */
static int place_without_link(struct maildir *src, const char *src_name,
    int src_fd, struct maildir *dst, int dirfd, const char *final,
    const char *base, bool last, struct outcome *out)
{
	char tmpname[MAILDIR_NAME_MAX + 8];

	if (last && renameat(src->tmpfd, src_name, dirfd, final) == 0)
		return 0;
	if (copy_into_tmp(src_fd, dst, base, tmpname, sizeof tmpname, out) < 0)
		return -1;
	if (renameat(dst->tmpfd, tmpname, dirfd, final) < 0) {
		int err = errno;

		unlinkat(dst->tmpfd, tmpname, 0);
		return fail_errno(out, err, "cannot move message into place");
	}
	return 0;
}

/* Whether two regular files hold the same bytes. */
static bool same_bytes(int a, int b, off_t size)
{
	char x[8192], y[8192];
	off_t pos = 0;

	while (pos < size) {
		size_t want = (size_t)(size - pos) < sizeof x ?
		    (size_t)(size - pos) : sizeof x;

		if (pread(a, x, want, pos) != (ssize_t)want ||
		    pread(b, y, want, pos) != (ssize_t)want ||
		    memcmp(x, y, want) != 0)
			return false;
		pos += (off_t)want;
	}
	return true;
}

/* An earlier attempt on a filesystem without hard links left a copy
 * (place_without_link): same size, same bytes. */
static bool our_copy(const struct stat *ours, int src_fd, int dirfd,
    const char *final, const struct stat *there)
{
	int fd;
	bool same;

	if (src_fd < 0 || !S_ISREG(there->st_mode) ||
	    there->st_size != ours->st_size)
		return false;
	fd = openat(dirfd, final, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	same = same_bytes(src_fd, fd, ours->st_size);
	close(fd);
	return same;
}

/* link() said EEXIST: is the name already this very file?  Over NFS a
 * link whose reply was lost is sent again, and the server, having made
 * it the first time, answers the second with EEXIST (its duplicate
 * request cache does not always catch that); qmail and Courier learnt to
 * check.  An earlier attempt at this delivery (a resumed claim, INBOX as
 * a fallback twice) leaves the same trace.  The test is device and inode:
 * the link count proves nothing, one tmp file being linked into several
 * folders.  Where links are refused the kernel still says EEXIST first,
 * so an earlier attempt's copy counts when its bytes are ours.  Anything
 * else at the name is another message: not success. */
static bool link_already_made(struct maildir *src, const char *src_name,
    int src_fd, int dirfd, const char *final)
{
	struct stat ours, there;
	int err = errno;
	bool same;

	same = (src_fd >= 0 ? fstat(src_fd, &ours) : fstatat(src->tmpfd,
	    src_name, &ours, AT_SYMLINK_NOFOLLOW)) == 0 &&
	    fstatat(dirfd, final, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
	    ((ours.st_dev == there.st_dev && ours.st_ino == there.st_ino) ||
	    our_copy(&ours, src_fd, dirfd, final, &there));
	errno = err;
	return same;
}

int maildir_place(struct maildir *src, const char *src_name, int src_fd,
    struct maildir *dst, const char *base, off_t size, const char *flags,
    bool last, char *placed, size_t placedlen, struct outcome *out)
{
	char final[MAILDIR_NAME_MAX + 40], sorted[53];
	bool to_cur;
	int dirfd, n;

	maildir_normalize_flags(flags, sorted);
	to_cur = sorted[0] != '\0';
	dirfd = to_cur ? dst->curfd : dst->newfd;
	if (to_cur)
		n = snprintf(final, sizeof final, "%s,S=%lld:2,%s", base,
		    (long long)size, sorted);
	else
		n = snprintf(final, sizeof final, "%s,S=%lld", base,
		    (long long)size);
	if (n < 0 || (size_t)n >= sizeof final)
		return fail(out, EX_SOFTWARE, "message file name too long");
	if (linkat(src->tmpfd, src_name, dirfd, final, 0) < 0 &&
	    !(errno == EEXIST && link_already_made(src, src_name, src_fd,
	    dirfd, final))) {
		if (errno == EEXIST)
			return fail(out, EX_TEMPFAIL, "cannot link into %s/: "
			    "another file has the name %s", to_cur ? "cur" :
			    "new", final);
		if (!link_refused(errno))
			return fail_errno(out, errno, "cannot link into %s/",
			    to_cur ? "cur" : "new");
		if (place_without_link(src, src_name, src_fd, dst, dirfd, final,
		    base, last, out) < 0)
			return -1;
	}
	if (maildir_fsync_dir(dirfd) < 0) {
		int err = errno;

		/* not known to be durable: take it back, the MTA retries */
		unlinkat(dirfd, final, 0);
		return fail_errno(out, err, "cannot sync %s/",
		    to_cur ? "cur" : "new");
	}
	snprintf(placed, placedlen, "%s/%s", to_cur ? "cur" : "new", final);
	return 0;
}

/* Whether tmp/ is due for a scan.  The last scan is recorded in tmp/'s
 * own access time (set explicitly, so noatime mounts do not matter): no
 * extra file in the Maildir.  Anything else that lists tmp/ moves it
 * forward too, which only postpones the next scan.  An access time more
 * than a scan interval in the future (a clock set back) makes it due; a
 * little in the future is an NFS server's clock running ahead of ours
 * (it sets the stamp), which must not make every delivery scan. */
static bool scan_due(int tmpfd, time_t now, time_t *last)
{
	struct stat st;

	if (fstat(tmpfd, &st) < 0) {
		*last = now;
		return true;
	}
	*last = st.st_atime;
	return st.st_atime > now + MAILDIR_SCAN_SECONDS ||
	    now - st.st_atime >= MAILDIR_SCAN_SECONDS;
}

/* Best effort: a time that cannot be set only means the next delivery
 * scans again. */
static void scan_stamp(int tmpfd)
{
	const struct timespec times[2] = {
		{ .tv_nsec = UTIME_NOW }, { .tv_nsec = UTIME_OMIT },
	};

	(void)futimens(tmpfd, times);
}

/* The time tmp/ is judged by: the earlier of our clock and the
 * filesystem's.  On NFS the files' times are the server's, and so is the
 * stamp just set (UTIME_NOW goes out as "set to the server's time"): a
 * host whose clock runs ahead must not take another host's delivery in
 * progress for a stale one.  Only a stamp that moved past the last one
 * tells the time: one that failed, or cached attributes (FUSE), still
 * show the old stamp, and then our clock decides. */
static time_t scan_clock(int tmpfd, time_t now, time_t last)
{
	struct stat st;

	if (fstat(tmpfd, &st) == 0 && st.st_atime > last && st.st_atime < now)
		return st.st_atime;
	return now;
}

int maildir_clean_tmp(struct maildir *md, unsigned limit)
{
	time_t now = time(NULL), last;

	if (!scan_due(md->tmpfd, now, &last))
		return 0;
	/* stamped first, so that parallel deliveries do not all scan */
	scan_stamp(md->tmpfd);
	return maildir_scan_tmp(md, limit, scan_clock(md->tmpfd, now, last));
}

int maildir_scan_tmp(struct maildir *md, unsigned limit, time_t now)
{
	int fd = openat(md->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	time_t cutoff = now - MAILDIR_STALE_SECONDS;
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int removed = 0;

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((unsigned)removed < limit && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || fstatat(md->tmpfd, e->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_mtime > cutoff)
			continue;
		removed += unlinkat(md->tmpfd, e->d_name, 0) == 0;
	}
	closedir(dir);
	return removed;
}

/* baseline.c: the least any safe Maildir delivery must do (issue 9).
 *
 *     baseline MAILDIR < message
 *
 * Read stdin into MAILDIR/tmp/UNIQUE (created O_EXCL), fsync it, link it
 * into MAILDIR/new/, unlink the tmp name, fsync new/.  No header work, no
 * configuration, no libraries beyond libc: the floor that deliver's cost is
 * measured against.  Exit 0 when the message is durable, 75 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EX_TEMPFAIL 75

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int copy_stdin(int fd)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (write_all(fd, buf, (size_t)n) < 0)
			return -1;
	}
}

/* tmp/SECONDS.MmicrosPpid.host, retried on EEXIST with a counter. */
static int open_unique(int dirfd, char *name, size_t len)
{
	char host[256];
	struct timespec ts;

	if (gethostname(host, sizeof host) < 0)
		return -1;
	host[sizeof host - 1] = '\0';
	for (unsigned i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &ts);
		int n = snprintf(name, len, "%lld.M%ldP%dQ%u.%s",
		    (long long)ts.tv_sec, ts.tv_nsec / 1000, (int)getpid(), i,
		    host);
		if (n < 0 || (size_t)n >= len)
			return -1;
		int fd = openat(dirfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int deliver(const char *maildir)
{
	char name[512];
	int md = open(maildir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (md < 0)
		return -1;
	int tmp = openat(md, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int new = openat(md, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tmp < 0 || new < 0)
		return -1;
	int fd = open_unique(tmp, name, sizeof name);
	if (fd < 0)
		return -1;
	if (copy_stdin(fd) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
	    linkat(tmp, name, new, name, 0) < 0) {
		unlinkat(tmp, name, 0);
		return -1;
	}
	if (unlinkat(tmp, name, 0) < 0 || fsync(new) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: baseline MAILDIR < message\n", stderr);
		return 64;
	}
	if (deliver(argv[1]) < 0) {
		fprintf(stderr, "baseline: %s: %s\n", argv[1], strerror(errno));
		return EX_TEMPFAIL;
	}
	return 0;
}

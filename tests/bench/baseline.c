/* baseline.c: the least any safe Maildir delivery must do.
 *
 *     baseline [-f] MAILDIR < message
 *
 * Read stdin into MAILDIR/tmp/UNIQUE (created O_EXCL), fsync it, link it
 * into MAILDIR/new/, unlink the tmp name, fsync new/.  No header work, no
 * configuration, no libraries beyond libc: the floor that deliver's cost is
 * measured against.  Exit 0 when the message is durable, 75 otherwise.
 *
 * -f adds the least that evaluating a filter in a process of its own costs,
 * and nothing of the filter: a child forked first thing, asked one byte
 * over a socket once the message is written, answering one byte, while
 * the parent syncs (as deliver's Sieve child is forked early and works
 * while the message is synced).  The floor of an isolated filter. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* The filter's stand-in: one byte in, one byte out, then gone. */
static int start_child(void)
{
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	switch (fork()) {
	case -1:
		return -1;
	case 0:
		close(sv[0]);
		_exit(read(sv[1], &c, 1) == 1 && write(sv[1], "k", 1) == 1 ?
		    0 : 1);
	default:
		close(sv[1]);
		return sv[0];
	}
}

/* Ask (before the fsync), then the answer (after it). */
static int ask(int child)
{
	return child < 0 || write(child, "?", 1) == 1 ? 0 : -1;
}

static int answer(int child)
{
	char c;

	return child < 0 || (read(child, &c, 1) == 1 && c == 'k') ? 0 : -1;
}

static int deliver(const char *maildir, int child)
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
	if (copy_stdin(fd) < 0 || ask(child) < 0 || fsync(fd) < 0 ||
	    answer(child) < 0 || close(fd) < 0 ||
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
	bool fork_child = argc == 3 && strcmp(argv[1], "-f") == 0;
	const char *maildir = argv[argc - 1];
	int child = -1;

	if (argc != 2 && !fork_child) {
		fputs("usage: baseline [-f] MAILDIR < message\n", stderr);
		return 64;
	}
	if ((fork_child && (child = start_child()) < 0) ||
	    deliver(maildir, child) < 0) {
		fprintf(stderr, "baseline: %s: %s\n", maildir, strerror(errno));
		return EX_TEMPFAIL;
	}
	if (child >= 0)    /* reaped if gone, as deliver does */
		waitpid(-1, NULL, WNOHANG);
	return 0;
}

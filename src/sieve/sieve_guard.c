/* sieve_guard.c: markers of evaluations in progress (see sieve_guard.h). */
#include "sieve_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/* The message's identity: the recipient and its Message-ID; without one,
 * every header the message arrived with (the MTA hands the same bytes to
 * each retry), never those deliver added. */
static void guard_name(struct sieve_guard *g,
    const struct header_index *headers, const char *recipient)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];
	const char *id = header_get(headers, "Message-ID", 0);
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const void *)(recipient ? recipient : ""),
	    strlen(recipient ? recipient : "") + 1);
	if (id != NULL)
		SHA256Update(&ctx, (const void *)id, strlen(id));
	else
		for (size_t i = 0; i < headers->count; i++) {
			const struct header *h = &headers->items[i];

			if (h->added)
				continue;
			SHA256Update(&ctx, (const void *)h->name,
			    strlen(h->name) + 1);
			SHA256Update(&ctx, (const void *)h->value,
			    strlen(h->value) + 1);
		}
	SHA256End(&ctx, hex);
	/* 128 bits of the digest are plenty to tell messages apart */
	snprintf(g->name, sizeof g->name, SIEVE_GUARD_PREFIX "%.32s", hex);
}

/* Whether the marker in place was left by a process that is gone.  A
 * marker that cannot be read or parsed counts as dead: it was left by a
 * process killed between creating and writing it. */
static bool marker_is_dead(int tmpfd, const char *name)
{
	char buf[64];
	long pid = 0;
	long long start = -1;
	ssize_t n;
	int fd = openat(tmpfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);

	if (fd < 0)
		return errno != ENOENT;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %lld", &pid, &start) != 2)
		return true;
	return proc_gone(pid, start);
}

static int marker_create(int tmpfd, const char *name)
{
	char buf[64];
	long pid = (long)getpid();
	int fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	int len, ok;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof buf, "%ld %lld\n", pid,
	    proc_start_time(pid));
	ok = len > 0 && write(fd, buf, (size_t)len) == len;
	close(fd);
	if (!ok) {
		unlinkat(tmpfd, name, 0);
		return -1;
	}
	return 0;
}

int sieve_guard_enter(struct sieve_guard *g, int tmpfd,
    const struct header_index *headers, const char *recipient)
{
	memset(g, 0, sizeof *g);
	g->tmpfd = tmpfd;
	if (tmpfd < 0)
		return 0;
	guard_name(g, headers, recipient);
	if (marker_create(tmpfd, g->name) == 0) {
		g->held = true;
		return 0;
	}
	if (errno != EEXIST || !marker_is_dead(tmpfd, g->name))
		return 0;
	g->dead_found = true;
	return 1;
}

void sieve_guard_leave(struct sieve_guard *g)
{
	if (g->held)
		unlinkat(g->tmpfd, g->name, 0);
	g->held = false;
}

void sieve_guard_delivered(struct sieve_guard *g)
{
	if (g->dead_found)
		unlinkat(g->tmpfd, g->name, 0);
	g->dead_found = false;
}

/* sieve_child.c: waiting for a Sieve child (see sieve_child.h). */
#include "sieve_child.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

int sieve_wait_ready(struct pollfd *pfd, const struct timespec *deadline)
{
	for (;;) {
		long left = ms_left(deadline);

		if (left <= 0)
			return -1;
		if (poll(pfd, 1, (int)(left > 60000 ? 60000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd->revents != 0)
			return 0;
	}
}

void sieve_describe_status(int status, char *why, size_t whylen)
{
	if (WIFSIGNALED(status))
		snprintf(why, whylen, "evaluation killed by signal %d%s",
		    WTERMSIG(status), WTERMSIG(status) == SIGXCPU ?
		    " (CPU limit)" : "");
	else
		snprintf(why, whylen, "evaluation exited with status %d",
		    WEXITSTATUS(status));
}

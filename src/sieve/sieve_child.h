/* sieve_child.h: what the parent needs to talk to a Sieve child process
 * (one forked per evaluation, the redelivery's worker, the early child):
 * a bounded wait for its answer, the reason it ended, and the work the
 * parent does while it evaluates. */
#ifndef DELIVER_SIEVE_CHILD_H
#define DELIVER_SIEVE_CHILD_H

#include <poll.h>
#include <stddef.h>
#include <time.h>

/* Work for the parent while the first child evaluates (a second core):
 * fn(ctx) runs at most once per plan, right after that fork or, with the
 * early child, right after the first request went out; fn is then
 * cleared.  Nothing runs when no child is asked. */
struct sieve_overlap {
	void (*fn)(void *ctx);
	void *ctx;
};

/* Wait until pfd's descriptor is ready (EINTR retried) or the
 * CLOCK_MONOTONIC deadline passes.  0 when ready, -1 on timeout or error. */
int sieve_wait_ready(struct pollfd *pfd, const struct timespec *deadline);

/* Why a Sieve child ended (its wait status), for the log: "evaluation
 * killed by signal N" or "evaluation exited with status N". */
void sieve_describe_status(int status, char *why, size_t whylen);

#endif

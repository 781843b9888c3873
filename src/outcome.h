/* outcome.h: how a failure travels up to the one place that reports it.
 *
 * Functions deep in the pipeline do not print; they fill a struct outcome
 * with a sysexits code and a one-line reason and return -1.  main() reports
 * it once (stderr and syslog) and exits with the code. */
#ifndef DELIVER_OUTCOME_H
#define DELIVER_OUTCOME_H

#include <sysexits.h>

struct outcome {
	int code;          /* sysexits value; EX_OK while nothing failed */
	char reason[512];  /* one line, no trailing newline */
};

/* Record a failure with an explicit exit code; always returns -1. */
int fail(struct outcome *out, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a failure caused by errno value err: the code is chosen by
 * exit_code_for_errno() and ": strerror(err)" is appended. Returns -1. */
int fail_errno(struct outcome *out, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Which sysexits code an errno deserves.  A system call that failed before
 * the message was durable never bounces it: full disks, I/O errors,
 * permissions, even a planted symlink (ELOOP) are EX_TEMPFAIL, so the MTA
 * keeps the message until someone fixes the cause. */
int exit_code_for_errno(int err);

#endif

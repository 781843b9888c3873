/* sieve_guard.h: a crash inside the in-process Sieve evaluation costs at
 * most one delivery attempt.
 *
 * The native engine evaluates scripts inside the delivery process.  If
 * that process dies while evaluating (a bug, an OOM kill), the mail server
 * retries, and a retry that ran the same script on the same message would
 * die the same way on every attempt until the message bounces.  So before
 * evaluating, a delivery leaves a marker in the Maildir's tmp/, named after
 * the message and recipient, holding its pid and start time; it removes
 * the marker as soon as the evaluation returns.  A delivery that finds a
 * marker left by a process that is gone skips the scripts (implicit keep
 * into INBOX, logged) and removes the marker once it has delivered.
 *
 * This needs no store (the store may be off, locked or the very thing that
 * crashed).  The marker is an ordinary file in tmp/, so one left behind is
 * removed with the other stale tmp files after 36 hours.  It is not
 * fsynced: a process that dies leaves its file in the page cache, and a
 * machine that crashes was not stopped by the script. */
#ifndef DELIVER_SIEVE_GUARD_H
#define DELIVER_SIEVE_GUARD_H

#include <stdbool.h>

#include "headers.h"

#define SIEVE_GUARD_PREFIX "sieve-eval."

struct sieve_guard {
	int tmpfd;         /* the Maildir's tmp/, not owned; -1 = no guard */
	char name[80];     /* SIEVE_GUARD_PREFIX + hex digest */
	bool held;         /* our own marker is in place */
	bool dead_found;   /* a dead attempt's marker is in place */
};

/* Look for a marker of this message (headers, recipient) and, unless a
 * dead attempt left one, put ours in place.  Returns 1 when an earlier
 * attempt died evaluating (skip the scripts), 0 otherwise: the guard
 * held, or it could not be set (a full disk, a read-only tmp/) and the
 * evaluation runs unguarded, or another live delivery of the same
 * message is evaluating right now (it holds its own marker). */
int sieve_guard_enter(struct sieve_guard *g, int tmpfd,
    const struct header_index *headers, const char *recipient);

/* The evaluation returned: our marker goes. */
void sieve_guard_leave(struct sieve_guard *g);

/* The message was delivered without its scripts: the dead attempt's
 * marker goes too. */
void sieve_guard_delivered(struct sieve_guard *g);

#endif

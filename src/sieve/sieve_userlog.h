/* sieve_userlog.h: the user's Sieve log, where Pigeonhole writes what
 * went wrong with the user's script (~/.dovecot.sieve.log for
 * ~/.dovecot.sieve): the errors of every failed run are appended, one a
 * line, with the time.  sieve_user_log names another file; "" means the
 * user's script path with ".log" added.  Bounded: a log grown past
 * SIEVE_USERLOG_MAX bytes starts afresh.  (The "<script>.err" file
 * beside it holds only the last run's errors and goes once the script
 * runs cleanly: the log is the history, .err the current state.) */
#ifndef DELIVER_SIEVE_USERLOG_H
#define DELIVER_SIEVE_USERLOG_H

#include "config.h"
#include "sieve.h"

#define SIEVE_USERLOG_MAX (64 * 1024)

/* Append errors (the failed run of script) to the user's log; failures
 * to write it go to deliver's log, never fail the delivery. */
void sieve_user_log_append(const struct config *cfg, const char *home,
    const char *script, const struct sieve_msgs *errors);

#endif

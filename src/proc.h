/* proc.h: whether a process that left its pid somewhere is still the same
 * process.
 *
 * A claim in deliver.db and the Sieve guard's marker in tmp/ both record
 * who holds them as a pid plus that process's start time: a pid alone can
 * be reused by an unrelated process after the holder died. */
#ifndef DELIVER_PROC_H
#define DELIVER_PROC_H

#include <stdbool.h>

/* When the process pid started (clock ticks since boot, from /proc), or -1
 * when it does not exist or cannot be known. */
long long proc_start_time(long pid);

/* Whether the process that had pid and started at start (-1: unknown) is
 * gone: no such pid, or the pid now belongs to a process started at
 * another time. */
bool proc_gone(long pid, long long start);

#endif

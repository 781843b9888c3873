/* sqlite_int.h: what sqlite.c shares with sqlite_claim.c, sqlite_log.c and
 * sqlite_track.c: the store's connection and the helpers every statement
 * goes through.  Not for other modules (they use store.h). */
#ifndef DELIVER_SQLITE_INT_H
#define DELIVER_SQLITE_INT_H

#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sqlite.h"

struct sqlite_store {
	const struct config *cfg;
	store_report_fn *report;
	char path[PATH_MAX];
	sqlite3 *db;
	pid_t owner;           /* the process the connection belongs to */
	long long owner_start;
	dev_t dev;             /* the file opened, to move aside only it */
	ino_t ino;
	bool known;
	bool down;             /* unusable for the rest of this process */
	bool quarantined;      /* a corrupt file was moved aside already */
	long long vacation_period; /* seconds, from the last
	                            * store_vacation_due_period() */
	char *vacation_pair;
	/* records batched into one transaction (store_batch_begin), one commit
	 * a window instead of one a message; whether it is open, and how
	 * many records it holds */
	bool batch, batch_open;
	unsigned batch_rows;
};

/* A line for the store's report function (syslog in deliver). */
void st_note(struct sqlite_store *st, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Open the connection when it is not yet (0), or -1: no store now. */
int st_ready(struct sqlite_store *st);
/* After a failed operation: true when the caller may retry it once. */
bool st_recover(struct sqlite_store *st, int rc);
const char *st_why_failed(struct sqlite_store *st, int rc);
/* SQLITE_CORRUPT or SQLITE_NOTADB, extended codes included. */
bool st_is_corrupt(int rc);
/* End an open transaction; a batch that held records says how many are
 * lost. */
void st_rollback(struct sqlite_store *st);
int st_exec(struct sqlite_store *st, const char *sql);
int st_prepare(struct sqlite_store *st, const char *sql, sqlite3_stmt **s);
void st_bind_text(sqlite3_stmt *s, int i, const char *text);
/* Step a statement that returns no rows, then finalize it. */
int st_run(sqlite3_stmt *s);
/* The store's file with its directory's symlinks resolved. */
int st_real_path(const struct sqlite_store *st, char *out, size_t len);
/* Delete at most STORE_PRUNE_BATCH rows older than cutoff (sql's ?1). */
int st_prune(struct sqlite_store *st, const char *sql, long long cutoff);

#endif

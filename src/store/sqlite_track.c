/* sqlite_track.c: what Sieve's vacation and redirect remember in
 * deliver.db (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "sqlite.h"
#include "sqlite_int.h"

/* The tracking tables are created when first written (most stores never
 * need them, and every open parses every table of the schema). */
#define VACATION_TABLE \
	"CREATE TABLE IF NOT EXISTS vacation (" \
	" sender TEXT NOT NULL," \
	" handle TEXT NOT NULL," \
	" sent INTEGER NOT NULL," \
	" expires INTEGER NOT NULL," \
	" PRIMARY KEY (sender, handle)) WITHOUT ROWID;" \
	"CREATE INDEX IF NOT EXISTS vacation_expires ON vacation (expires);"
#define REDIRECT_TABLE \
	"CREATE TABLE IF NOT EXISTS redirect (" \
	" msgid TEXT NOT NULL," \
	" target TEXT NOT NULL," \
	" sent INTEGER NOT NULL," \
	" PRIMARY KEY (msgid, target)) WITHOUT ROWID;" \
	"CREATE INDEX IF NOT EXISTS redirect_sent ON redirect (sent);"

#define DUPLICATE_TABLE \
	"CREATE TABLE IF NOT EXISTS duplicate (" \
	" key TEXT NOT NULL PRIMARY KEY," \
	" expires INTEGER NOT NULL) WITHOUT ROWID;" \
	"CREATE INDEX IF NOT EXISTS duplicate_expires ON duplicate (expires);"

/* Run a one-row query with two text parameters and a time; true when it
 * returns a row, *failed on a store error. */
static bool exists(struct sqlite_store *st, const char *sql, const char *a,
    const char *b, long long t, bool *failed)
{
	sqlite3_stmt *s;
	int rc;

	*failed = true;
	if (st_ready(st) < 0)
		return false;
	/* a tracking table not written yet does not exist: nothing known */
	if (st_prepare(st, sql, &s) != SQLITE_OK)
		return false;
	st_bind_text(s, 1, a);
	st_bind_text(s, 2, b);
	sqlite3_bind_int64(s, 3, t);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	*failed = rc != SQLITE_ROW && rc != SQLITE_DONE;
	if (*failed)
		st_recover(st, rc);
	return rc == SQLITE_ROW;
}

/* INSERT OR REPLACE one tracking row and prune its table, in one
 * transaction. */
static int track(struct sqlite_store *st, const char *table, const char *upsert,
    const char *a, const char *b, long long t1, long long t2,
    const char *prune_sql, long long cutoff)
{
	sqlite3_stmt *s;
	int rc;

	if (st_ready(st) < 0)
		return -1;
	rc = st_exec(st, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = st_exec(st, table);
	if (rc == SQLITE_OK && (rc = st_prepare(st, upsert, &s)) == SQLITE_OK) {
		st_bind_text(s, 1, a);
		st_bind_text(s, 2, b);
		sqlite3_bind_int64(s, 3, t1);
		if (sqlite3_bind_parameter_count(s) >= 4)
			sqlite3_bind_int64(s, 4, t2);
		rc = st_run(s);
	}
	if (rc == SQLITE_OK)
		rc = st_prune(st, prune_sql, cutoff);
	if (rc == SQLITE_OK)
		rc = st_exec(st, "COMMIT");
	if (rc == SQLITE_OK)
		return 0;
	st_note(st, LOG_WARNING, "store %s: tracking not recorded: %s",
	    st->path, st_why_failed(st, rc));
	st_recover(st, rc);
	return -1;
}

static char *pair_key(const char *a, const char *b)
{
	char *key;

	if (asprintf(&key, "%s%c%s", a ? a : "", '\n', b ? b : "") < 0)
		return NULL;
	return key;
}

bool sqlite_store_vacation_due_period(struct sqlite_store *st,
    const char *sender, const char *handle, unsigned long long seconds)
{
	bool failed, seen;

	if (st == NULL || sender == NULL)
		return true;
	free(st->vacation_pair);
	st->vacation_pair = pair_key(sender, handle);
	st->vacation_period = (long long)seconds;
	if (seconds == 0)
		return true;
	seen = exists(st, "SELECT 1 FROM vacation WHERE sender = lower(?1) "
	    "AND handle = ?2 AND sent > ?3", sender, handle,
	    (long long)time(NULL) - (long long)seconds, &failed);
	return failed || !seen;
}


int sqlite_store_vacation_sent(struct sqlite_store *st, const char *sender,
    const char *handle)
{
	time_t now = time(NULL);
	long long period = 7 * DAY;  /* RFC 5230's default :days */
	char *key;

	if (st == NULL || sender == NULL)
		return 0;
	if ((key = pair_key(sender, handle)) && st->vacation_pair &&
	    strcmp(key, st->vacation_pair) == 0 && st->vacation_period > 0)
		period = st->vacation_period;
	free(key);
	return track(st, VACATION_TABLE, "INSERT OR REPLACE INTO vacation "
	    "(sender, handle, sent, expires) VALUES (lower(?1), ?2, ?3, ?4)",
	    sender, handle, now, now + period, "DELETE FROM vacation WHERE "
	    "(sender, handle) IN (SELECT sender, handle FROM vacation WHERE "
	    "expires < ?1 ORDER BY expires LIMIT ?2)", now);
}

bool sqlite_store_redirect_done(struct sqlite_store *st, const char *message_id,
    const char *target)
{
	char id[STORE_MSGID_MAX + 1];
	bool failed;

	if (st == NULL || !store_normalize_msgid(message_id, id, sizeof id))
		return false;
	return exists(st, "SELECT 1 FROM redirect WHERE msgid = ?1 AND "
	    "target = ?2 AND sent > ?3", id, target, (long long)time(NULL) -
	    STORE_REDIRECT_DAYS * DAY, &failed);
}

int sqlite_store_redirect_sent(struct sqlite_store *st, const char *message_id,
    const char *target)
{
	char id[STORE_MSGID_MAX + 1];
	time_t now = time(NULL);

	if (st == NULL || !store_normalize_msgid(message_id, id, sizeof id))
		return 0;
	return track(st, REDIRECT_TABLE, "INSERT OR REPLACE INTO redirect "
	    "(msgid, target, sent) VALUES (?1, ?2, ?3)", id, target, now, 0,
	    "DELETE FROM redirect WHERE (msgid, target) IN (SELECT msgid, "
	    "target FROM redirect WHERE sent < ?1 ORDER BY sent LIMIT ?2)",
	    now - STORE_REDIRECT_DAYS * DAY);
}

bool sqlite_store_duplicate_seen(struct sqlite_store *st, const char *key)
{
	bool failed;

	if (st == NULL || key == NULL)
		return false;
	return exists(st, "SELECT 1 FROM duplicate WHERE key = ?1 AND "
	    "?2 = ?2 AND expires > ?3", key, "", (long long)time(NULL),
	    &failed);
}

int sqlite_store_duplicate_mark(struct sqlite_store *st, const char *key,
    unsigned long long period)
{
	time_t now = time(NULL);

	if (st == NULL || key == NULL)
		return 0;
	return track(st, DUPLICATE_TABLE, "INSERT OR REPLACE INTO duplicate "
	    "(key, expires) VALUES (?1 || ?2, ?3)", key, "",
	    (long long)now + (long long)period, 0, "DELETE FROM duplicate "
	    "WHERE key IN (SELECT key FROM duplicate WHERE expires < ?1 "
	    "ORDER BY expires LIMIT ?2)", now);
}

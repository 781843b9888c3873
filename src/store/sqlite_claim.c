/* sqlite_claim.c: a delivery's two transactions in deliver.db (see
 * store.h and sqlite.h): the claim before filing, which suppresses a
 * duplicate and lets a dead delivery be finished, and the record after
 * it, with the pruning of old rows and the batching of a redelivery's
 * records. */
#include "sqlite.h"
#include "sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* ---- claims ----------------------------------------------------------- */

bool store_claim_stale(long pid, long long pid_start, time_t claimed,
    time_t now)
{
	if (now - claimed > STORE_CLAIM_STALE_SECONDS)
		return true;
	return proc_gone(pid, pid_start);
}

static long long own_start(struct sqlite_store *st)
{
	if (st->owner_start == -2)
		st->owner_start = proc_start_time(st->owner);
	return st->owner_start;
}

struct claim_args {
	const char *msgid, *rcpt, *base, *tmp, *targets;
	time_t now;
};

/* Who holds a claim and since when: the stamp, this process's pid and
 * its start time, bound to parameters i, i + 1 and i + 2. */
static void bind_holder(struct sqlite_store *st, sqlite3_stmt *s, int i,
    const struct claim_args *a)
{
	sqlite3_bind_int64(s, i, a->now);
	sqlite3_bind_int64(s, i + 1, st->owner);
	sqlite3_bind_int64(s, i + 2, own_start(st));
}

/* A new claim row; replace: over an expired one, else only if the key is
 * not there yet (c->status then stays as it was). */
static int claim_insert(struct sqlite_store *st, const struct claim_args *a,
    struct store_claim *c, bool replace)
{
	sqlite3_stmt *s;
	int rc = st_prepare(st, replace ? "INSERT OR REPLACE INTO dedup (msgid, "
	    "rcpt, state, stamp, pid, pid_start, base, tmp, targets) "
	    "VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)" :
	    "INSERT OR IGNORE INTO dedup (msgid, rcpt, state, stamp, pid, "
	    "pid_start, base, tmp, targets) "
	    "VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)", &s);

	if (rc != SQLITE_OK)
		return rc;
	st_bind_text(s, 1, a->msgid);
	st_bind_text(s, 2, a->rcpt);
	bind_holder(st, s, 3, a);
	st_bind_text(s, 6, a->base);
	st_bind_text(s, 7, a->tmp);
	st_bind_text(s, 8, a->targets);
	if ((rc = st_run(s)) == SQLITE_OK && sqlite3_changes(st->db) > 0) {
		c->status = CLAIM_NEW;
		c->row = sqlite3_last_insert_rowid(st->db);
	}
	return rc;
}

/* Take over a stale claim; its base name, tmp file and targets stay (the
 * targets are filled in from ours if it died before planning). */
static int claim_resume(struct sqlite_store *st, const struct claim_args *a,
    sqlite3_stmt *row, struct store_claim *c)
{
	const char *targets = (const char *)sqlite3_column_text(row, 7);
	sqlite3_stmt *s;
	int rc;

	c->row = sqlite3_column_int64(row, 0);
	strlcpy(c->base, (const char *)sqlite3_column_text(row, 5),
	    sizeof c->base);
	strlcpy(c->tmp, (const char *)sqlite3_column_text(row, 6),
	    sizeof c->tmp);
	if (targets == NULL || targets[0] == '\0')
		targets = a->targets;
	if ((c->targets = strdup(targets ? targets : "")) == NULL)
		return SQLITE_NOMEM;
	rc = st_prepare(st, "UPDATE dedup SET stamp = ?2, pid = ?3, "
	    "pid_start = ?4, targets = ?5 WHERE id = ?1", &s);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, c->row);
	bind_holder(st, s, 2, a);
	st_bind_text(s, 5, c->targets);
	if ((rc = st_run(s)) == SQLITE_OK)
		c->status = CLAIM_RESUME;
	return rc;
}

/* Decide on an existing row.  *live: a running process holds it. */
static int claim_existing(struct sqlite_store *st, const struct claim_args *a,
    sqlite3_stmt *row, struct store_claim *c, bool *live)
{
	int state = sqlite3_column_int(row, 1);
	time_t stamp = (time_t)sqlite3_column_int64(row, 2);
	long pid = (long)sqlite3_column_int64(row, 3);
	long long start = sqlite3_column_int64(row, 4);

	if (state == 1) {
		if (a->now - stamp < (long long)st->cfg->dedup_days * DAY) {
			c->status = CLAIM_DUPLICATE;
			c->delivered = stamp;
			return SQLITE_OK;
		}
		return claim_insert(st, a, c, true); /* expired: a new one */
	}
	if (!store_claim_stale(pid, start, stamp, a->now)) {
		*live = true;
		c->holder = pid;
		return SQLITE_OK;
	}
	return claim_resume(st, a, row, c);
}

static int claim_once(struct sqlite_store *st, const struct claim_args *a,
    struct store_claim *c, bool *live)
{
	sqlite3_stmt *s;
	int rc;

	*live = false;
	if ((rc = st_exec(st, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return rc;
	/* the usual case, a key not seen before, costs one statement */
	c->status = CLAIM_SKIPPED;
	if ((rc = claim_insert(st, a, c, false)) != SQLITE_OK)
		return rc;
	if (c->status == CLAIM_NEW)
		return st_exec(st, "COMMIT");
	rc = st_prepare(st, "SELECT id, state, stamp, pid, pid_start, base, tmp, "
	    "targets FROM dedup WHERE msgid = ?1 AND rcpt = ?2", &s);
	if (rc != SQLITE_OK)
		return rc;
	st_bind_text(s, 1, a->msgid);
	st_bind_text(s, 2, a->rcpt);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = claim_existing(st, a, s, c, live);
	else if (rc == SQLITE_DONE)
		rc = claim_insert(st, a, c, true);
	sqlite3_finalize(s);
	if (rc == SQLITE_OK)
		rc = st_exec(st, *live ? "ROLLBACK" : "COMMIT");
	return rc;
}

static void nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static void skip(struct store_claim *c, const char *why)
{
	free(c->targets);
	c->targets = NULL;
	c->row = 0;
	c->status = CLAIM_SKIPPED;
	strlcpy(c->why, why, sizeof c->why);
}

void sqlite_store_claim(struct sqlite_store *st, const char *msgid,
    const char *recipient, const char *base, const char *tmp,
    const char *targets, struct store_claim *c)
{
	struct claim_args a = { msgid, recipient, base, tmp, targets, 0 };
	time_t deadline = time(NULL);
	bool live;
	int rc;

	memset(c, 0, sizeof *c);
	if (st == NULL || !st->cfg->dedup)
		return skip(c, "dedup off");
	if (msgid == NULL || msgid[0] == '\0')
		return skip(c, "no Message-ID");
	deadline += st->cfg->store_timeout;
	for (;;) {
		if (st_ready(st) < 0) {
			c->unreachable = true;
			return skip(c, "store unavailable");
		}
		a.now = time(NULL);
		rc = claim_once(st, &a, c, &live);
		if (rc == SQLITE_OK && !live)
			return;
		if (rc == SQLITE_OK) {
			if (time(NULL) >= deadline) {
				c->status = CLAIM_HELD;
				return;
			}
			nap();
			continue;
		}
		free(c->targets);
		c->targets = NULL;
		if (!st_recover(st, rc)) {
			c->unreachable = true;
			return skip(c, st_why_failed(st, rc));
		}
	}
}

int sqlite_store_claim_targets(struct sqlite_store *st,
    const struct store_claim *c, const char *targets)
{
	sqlite3_stmt *s;
	int rc;

	if (c->row == 0 || c->status != CLAIM_NEW)
		return 0;
	if (st_ready(st) < 0)
		return -1;
	rc = st_prepare(st, "UPDATE dedup SET targets = ?3 WHERE id = ?1 AND "
	    "pid = ?2", &s);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, c->row);
		sqlite3_bind_int64(s, 2, st->owner);
		st_bind_text(s, 3, targets);
		rc = st_run(s);
	}
	if (rc == SQLITE_OK)
		return 0;
	st_note(st, LOG_WARNING, "store %s: plan not recorded: %s", st->path,
	    st_why_failed(st, rc));
	st_recover(st, rc);
	return -1;
}


/* ---- recording a delivery --------------------------------------------- */

static int settle_claim(struct sqlite_store *st, const struct store_claim *c,
    bool delivered, time_t now)
{
	sqlite3_stmt *s;
	int rc = st_prepare(st, delivered ?
	    "UPDATE dedup SET state = 1, stamp = ?3, pid = 0, tmp = '' "
	    "WHERE id = ?1 AND pid = ?2" :
	    "UPDATE dedup SET pid = 0 WHERE id = ?1 AND pid = ?2", &s);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, c->row);
	sqlite3_bind_int64(s, 2, st->owner);
	if (delivered)
		sqlite3_bind_int64(s, 3, now);
	return st_run(s);
}

static int insert_log(struct sqlite_store *st, const struct store_delivery *d,
    time_t now)
{
	sqlite3_stmt *s;
	int rc = st_prepare(st, "INSERT INTO log (time, msgid, sender, recipient, "
	    "size, folders, files, actions, result, exit_code, duplicate) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &s);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, now);
	st_bind_text(s, 2, d->msgid);
	st_bind_text(s, 3, d->sender);
	st_bind_text(s, 4, d->recipient);
	sqlite3_bind_int64(s, 5, d->size);
	st_bind_text(s, 6, d->folders);
	st_bind_text(s, 7, d->files);
	st_bind_text(s, 8, d->actions);
	st_bind_text(s, 9, d->result);
	sqlite3_bind_int(s, 10, d->exit_code);
	sqlite3_bind_int(s, 11, d->duplicate);
	return st_run(s);
}

/* Delete at most STORE_PRUNE_BATCH rows older than cutoff; sql reads
 * the batch off an index or among the first STORE_PRUNE_WINDOW rows (?3),
 * so no delivery pays for a table scan. */
int st_prune(struct sqlite_store *st, const char *sql, long long cutoff)
{
	sqlite3_stmt *s;
	int rc = st_prepare(st, sql, &s);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, cutoff);
	sqlite3_bind_int(s, 2, STORE_PRUNE_BATCH);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_int(s, 3, STORE_PRUNE_WINDOW);
	return st_run(s);
}

/* The rows of dedup and log are pruned in the order they were added
 * (rowid order: the oldest come first, give or take the seconds between a
 * claim and its confirmation), so no time index has to be written by
 * every delivery: a batch reads the first STORE_PRUNE_WINDOW rows only.
 * Parsing a DELETE costs about as much as the rest of the recording, so
 * it is done when the row this delivery added has a rowid that is a
 * multiple of STORE_PRUNE_EVERY, not in every delivery: the tables still
 * shrink by up to STORE_PRUNE_BATCH rows per STORE_PRUNE_EVERY added. */
static bool prune_turn(long long row)
{
	return row > 0 && row % STORE_PRUNE_EVERY == 0;
}

static int prune_delivery_tables(struct sqlite_store *st, time_t now,
    long long dedup_row, long long log_row)
{
	unsigned keep = st->cfg->dedup_days > STORE_CLAIM_KEEP_DAYS ?
	    st->cfg->dedup_days : STORE_CLAIM_KEEP_DAYS;
	int rc = SQLITE_OK;

	if (prune_turn(dedup_row))
		rc = st_prune(st, "DELETE FROM dedup WHERE id IN (SELECT id FROM "
		    "(SELECT id, stamp FROM dedup ORDER BY id LIMIT ?3) "
		    "WHERE stamp < ?1 LIMIT ?2)", now - keep * DAY);
	if (rc == SQLITE_OK && prune_turn(log_row) && st->cfg->log_days > 0)
		rc = st_prune(st, "DELETE FROM log WHERE id IN (SELECT id FROM "
		    "(SELECT id, time FROM log ORDER BY id LIMIT ?3) "
		    "WHERE time < ?1 LIMIT ?2)",
		    now - st->cfg->log_days * DAY);
	return rc;
}

/* A record's own transaction, or in a batch its savepoint (the batch's
 * transaction opened by the first record). */
static int record_begin(struct sqlite_store *st)
{
	int rc;

	if (!st->batch)
		return st_exec(st, "BEGIN IMMEDIATE");
	if (!st->batch_open) {
		if ((rc = st_exec(st, "BEGIN IMMEDIATE")) != SQLITE_OK)
			return rc;
		st->batch_open = true;
		st->batch_rows = 0;
	}
	return st_exec(st, "SAVEPOINT record");
}

static int record_end(struct sqlite_store *st, int rc)
{
	if (rc != SQLITE_OK)
		return rc;
	if (!st->batch_open)
		return st_exec(st, "COMMIT");
	if ((rc = st_exec(st, "RELEASE record")) == SQLITE_OK)
		st->batch_rows++;
	return rc;
}

/* A record that failed inside a batch is undone alone: the batch goes
 * on with the others. */
static void record_undo(struct sqlite_store *st)
{
	if (st_exec(st, "ROLLBACK TO record") != SQLITE_OK ||
	    st_exec(st, "RELEASE record") != SQLITE_OK)
		st_rollback(st);   /* the batch is lost: said so */
}

static int record_once(struct sqlite_store *st, const struct store_claim *c,
    const struct store_delivery *d)
{
	time_t now = time(NULL);
	long long claim_row = c ? c->row : 0, log_row = 0;
	int rc = record_begin(st);

	if (rc != SQLITE_OK)
		return rc;
	if (claim_row > 0)
		rc = settle_claim(st, c, d->exit_code == 0, now);
	if (rc == SQLITE_OK && st->cfg->delivery_log &&
	    (rc = insert_log(st, d, now)) == SQLITE_OK)
		log_row = sqlite3_last_insert_rowid(st->db);
	if (rc == SQLITE_OK)
		rc = prune_delivery_tables(st, now, claim_row, log_row);
	return record_end(st, rc);
}

int sqlite_store_record(struct sqlite_store *st, const struct store_claim *c,
    const struct store_delivery *d)
{
	int rc;

	if (st == NULL || (!st->cfg->delivery_log && (c == NULL ||
	    c->row == 0)))
		return 0;
	for (;;) {
		if (st_ready(st) < 0)
			return -1;
		if ((rc = record_once(st, c, d)) == SQLITE_OK)
			return 0;
		if (st->batch_open && !st_is_corrupt(rc))
			break;   /* undone alone below, the batch goes on */
		if (!st_recover(st, rc))
			break;
	}
	st_note(st, LOG_WARNING, "store %s: delivery not recorded: %s",
	    st->path, st_why_failed(st, rc));
	if (st->batch_open)
		record_undo(st);
	return -1;
}

void sqlite_store_batch_begin(struct sqlite_store *st)
{
	if (st != NULL)
		st->batch = true;
}

int sqlite_store_batch_end(struct sqlite_store *st)
{
	if (st == NULL)
		return 0;
	st->batch = false;
	if (!st->batch_open)
		return 0;
	if (st_exec(st, "COMMIT") == SQLITE_OK) {
		st->batch_open = false;
		return 0;
	}
	st_rollback(st);   /* says how many records are lost */
	return -1;
}

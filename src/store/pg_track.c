/* pg_track.c: what Sieve's vacation, redirect and duplicate remember in
 * the PostgreSQL store, and deliver --log read from it (see store.h).
 * Every period is counted on the server's clock (now()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pg_int.h"

/* STORE_REDIRECT_DAYS written into the prune statement */
#define REDIRECT_DAYS_SQL "7"
_Static_assert(STORE_REDIRECT_DAYS == 7, "REDIRECT_DAYS_SQL");

/* Whether a one-row query returns a row; *failed on a store error. */
static bool exists(struct pg_store *st, const char *sql, int n,
    const char *const *p, bool *failed)
{
	PGresult *r;
	bool found;

	*failed = true;
	if (pgs_ready(st) < 0 || (r = pgs_query(st, "tracking", sql, n, p)) ==
	    NULL)
		return false;
	*failed = false;
	found = pq.ntuples(r) > 0;
	pq.clear(r);
	return found;
}

/* An upsert and a bounded prune of its table's expired rows, in one
 * transaction.  0 or -1. */
static int track(struct pg_store *st, const char *upsert, int n,
    const char *const *p, const char *prune_sql)
{
	char batch[16];
	const char *bp[] = { batch };

	snprintf(batch, sizeof batch, "%d", STORE_PRUNE_BATCH);
	if (pgs_ready(st) < 0)
		return -1;
	if (pgs_run(st, "tracking", "BEGIN", 0, NULL) < 0 ||
	    pgs_run(st, "tracking", upsert, n, p) < 0 ||
	    pgs_run(st, "tracking", prune_sql, 1, bp) < 0 ||
	    pgs_run(st, "tracking", "COMMIT", 0, NULL) < 0) {
		pgs_note(st, LOG_WARNING, "PostgreSQL store: tracking not "
		    "recorded");
		return -1;
	}
	return 0;
}

static char *pair_key(const char *a, const char *b)
{
	char *key;

	if (asprintf(&key, "%s%c%s", a ? a : "", '\n', b ? b : "") < 0)
		return NULL;
	return key;
}

bool pg_store_vacation_due_period(struct pg_store *st, const char *sender,
    const char *handle, unsigned long long seconds)
{
	char secs[24];
	const char *p[] = { sender, handle ? handle : "", secs };
	bool failed, seen;

	if (sender == NULL)
		return true;
	free(st->vacation_pair);
	st->vacation_pair = pair_key(sender, handle);
	st->vacation_period = (long long)seconds;
	if (seconds == 0)
		return true;
	snprintf(secs, sizeof secs, "%llu", seconds);
	seen = exists(st, "SELECT 1 FROM deliver.vacation WHERE owner = "
	    "current_user AND sender = lower($1) AND handle = $2 AND sent > "
	    "now() - make_interval(secs => $3::bigint)", 3, p, &failed);
	return failed || !seen;
}

int pg_store_vacation_sent(struct pg_store *st, const char *sender,
    const char *handle)
{
	long long period = 7 * DAY;  /* RFC 5230's default :days */
	char secs[24], *key;
	const char *p[] = { sender, handle ? handle : "", secs };

	if (sender == NULL)
		return 0;
	if ((key = pair_key(sender, handle)) && st->vacation_pair &&
	    strcmp(key, st->vacation_pair) == 0 && st->vacation_period > 0)
		period = st->vacation_period;
	free(key);
	snprintf(secs, sizeof secs, "%lld", period);
	return track(st, "INSERT INTO deliver.vacation (sender, handle, sent, "
	    "expires) VALUES (lower($1), $2, now(), now() + "
	    "make_interval(secs => $3::bigint)) ON CONFLICT (owner, sender, "
	    "handle) DO UPDATE SET sent = excluded.sent, expires = "
	    "excluded.expires", 3, p, "DELETE FROM deliver.vacation WHERE "
	    "ctid IN (SELECT ctid FROM deliver.vacation WHERE expires < now() "
	    "LIMIT $1::int)");
}

bool pg_store_redirect_done(struct pg_store *st, const char *message_id,
    const char *target)
{
	char id[STORE_MSGID_MAX + 1], days[16];
	const char *p[] = { id, target ? target : "", days };
	bool failed;

	if (!store_normalize_msgid(message_id, id, sizeof id))
		return false;
	snprintf(days, sizeof days, "%d", STORE_REDIRECT_DAYS);
	return exists(st, "SELECT 1 FROM deliver.redirect WHERE owner = "
	    "current_user AND msgid = $1 AND target = $2 AND sent > now() - "
	    "make_interval(days => $3::int)", 3, p, &failed);
}

int pg_store_redirect_sent(struct pg_store *st, const char *message_id,
    const char *target)
{
	char id[STORE_MSGID_MAX + 1];
	const char *p[] = { id, target ? target : "" };

	if (!store_normalize_msgid(message_id, id, sizeof id))
		return 0;
	return track(st, "INSERT INTO deliver.redirect (msgid, target, sent) "
	    "VALUES ($1, $2, now()) ON CONFLICT (owner, msgid, target) DO "
	    "UPDATE SET sent = excluded.sent", 2, p, "DELETE FROM "
	    "deliver.redirect WHERE ctid IN (SELECT ctid FROM "
	    "deliver.redirect WHERE sent < now() - interval '"
	    REDIRECT_DAYS_SQL " days' LIMIT $1::int)");
}

bool pg_store_duplicate_seen(struct pg_store *st, const char *key)
{
	const char *p[] = { key };
	bool failed;

	if (key == NULL)
		return false;
	return exists(st, "SELECT 1 FROM deliver.duplicate WHERE owner = "
	    "current_user AND key = $1 AND expires > now()", 1, p, &failed);
}

int pg_store_duplicate_mark(struct pg_store *st, const char *key,
    unsigned long long period)
{
	char secs[24];
	const char *p[] = { key, secs };

	if (key == NULL)
		return 0;
	snprintf(secs, sizeof secs, "%llu", period);
	return track(st, "INSERT INTO deliver.duplicate (key, expires) VALUES "
	    "($1, now() + make_interval(secs => $2::bigint)) ON CONFLICT "
	    "(owner, key) DO UPDATE SET expires = excluded.expires", 2, p,
	    "DELETE FROM deliver.duplicate WHERE ctid IN (SELECT ctid FROM "
	    "deliver.duplicate WHERE expires < now() LIMIT $1::int)");
}

/* ---- deliver --log ---------------------------------------------------- */

static void print_rows(const PGresult *r, FILE *fp)
{
	for (int i = 0; i < pq.ntuples(r); i++) {
		struct store_log_row row = {
			.time = (time_t)pgs_int(r, i, 0),
			.recipient = pgs_value(r, i, 1),
			.sender = pgs_value(r, i, 2),
			.msgid = pgs_value(r, i, 3), .size = pgs_int(r, i, 4),
			.folders = pgs_value(r, i, 5),
			.files = pgs_value(r, i, 6),
			.actions = pgs_value(r, i, 7),
			.result = pgs_value(r, i, 8),
			.exit_code = (int)pgs_int(r, i, 9),
			.host = pgs_value(r, i, 10),
		};

		store_print_row(fp, &row);
	}
}

/* The newest rows that match, shown oldest first; every host's
 * deliveries, this user's only (row-level security). */
int pg_store_print_log(struct pg_store *st, const struct store_log_filter *f,
    FILE *fp, char *err, size_t errlen)
{
	char since[24], limit[16];
	const char *p[] = { since, f->msgid, f->sender, f->folder, limit };
	PGresult *r;
	int rows;

	snprintf(since, sizeof since, "%lld", (long long)f->since);
	snprintf(limit, sizeof limit, "%u", f->limit ? f->limit : 50);
	if (pgs_ready(st) < 0)
		return snprintf(err, errlen, "PostgreSQL store cannot be used"),
		    -1;
	r = pgs_query(st, "log", "SELECT * FROM (SELECT extract(epoch FROM "
	    "time)::bigint, recipient, sender, msgid, size, folders, files, "
	    "actions, result, exit_code, host, id FROM deliver.log WHERE "
	    "owner = current_user AND time >= to_timestamp($1::bigint) AND "
	    "($2::text IS NULL OR msgid = $2) AND ($3::text IS NULL OR "
	    "sender = $3) AND ($4::text IS NULL OR strpos(',' || folders || "
	    "',', ',' || $4 || ',') > 0) ORDER BY id DESC LIMIT $5::int) AS "
	    "newest ORDER BY id", 5, p);
	if (r == NULL)
		return snprintf(err, errlen, "PostgreSQL store: query failed"),
		    -1;
	print_rows(r, fp);
	rows = pq.ntuples(r);
	pq.clear(r);
	return rows;
}

/* pg_claim.c: a delivery's claim and record in the PostgreSQL store (see
 * store.h and pg.h).
 *
 * The claim must hold across hosts without trusting their clocks or
 * guessing how long a delivery takes: it is a session advisory lock on a
 * key computed from (owner, Message-ID, recipient), which the server
 * releases when the holder's connection ends, however it ends.  Whoever
 * holds the lock alone reads and writes the dedup row of that key, so:
 * a row in state 0 (claimed) found under the lock belongs to a delivery
 * whose session is gone (killed, crashed, its host down): it is taken
 * over at once (CLAIM_RESUME).  The lock not granted means a live
 * delivery elsewhere: wait for it, up to store_timeout (CLAIM_HELD). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "pg_int.h"

/* The key: a 64-bit hash of the three, computed by the server so that
 * every host agrees whatever its architecture. */
#define LOCK_SQL "SELECT k, pg_try_advisory_lock(k) FROM (SELECT " \
	"hashtextextended(current_user || chr(10) || $1 || chr(10) || $2, " \
	"7468) AS k) AS key"

struct claim_args {
	const char *msgid, *rcpt, *base, *tmp, *targets;
	char pid[24], days[16];
};

static void skip(struct store_claim *c, const char *why, bool unreachable)
{
	free(c->targets);
	c->targets = NULL;
	c->row = 0;
	c->status = CLAIM_SKIPPED;
	c->unreachable = unreachable;
	strlcpy(c->why, why, sizeof c->why);
}

/* 1 locked, 0 held by another session, -1 store error. */
static int try_lock(struct pg_store *st, const struct claim_args *a)
{
	const char *p[] = { a->msgid, a->rcpt };
	PGresult *r = pgs_query(st, "claim", LOCK_SQL, 2, p);
	int got;

	if (r == NULL)
		return -1;
	got = strcmp(pgs_value(r, 0, 1), "t") == 0;
	if (got) {
		strlcpy(st->lock_key, pgs_value(r, 0, 0), sizeof st->lock_key);
		st->locked = true;
	}
	pq.clear(r);
	return got;
}

static void unlock(struct pg_store *st)
{
	const char *p[] = { st->lock_key };

	if (st->locked && st->conn)
		(void)pgs_run(st, "claim release", "SELECT "
		    "pg_advisory_unlock($1::bigint)", 1, p);
	st->locked = false;
}

/* A new claim: a new row, or an expired delivered one (old_id) made
 * new.  Parameters $1-$5 are the same in both statements. */
static int claim_new(struct pg_store *st, const struct claim_args *a,
    const char *old_id, struct store_claim *c)
{
	const char *p[] = { st->host, a->pid, a->base, a->tmp, a->targets,
	    old_id ? old_id : a->msgid, a->rcpt };
	PGresult *r = old_id ? pgs_query(st, "claim", "UPDATE deliver.dedup "
	    "SET state = 0, stamp = now(), host = $1, pid = $2, base = $3, "
	    "tmp = $4, targets = $5 WHERE id = $6 RETURNING id", 6, p) :
	    pgs_query(st, "claim", "INSERT INTO deliver.dedup (host, pid, "
	    "base, tmp, targets, msgid, rcpt, state, stamp) VALUES ($1, $2, "
	    "$3, $4, $5, $6, $7, 0, now()) RETURNING id", 7, p);

	if (r == NULL)
		return -1;
	c->status = CLAIM_NEW;
	c->row = pq.ntuples(r) == 1 ? pgs_int(r, 0, 0) : 0;
	pq.clear(r);
	return 0;
}

/* A claim whose holder's session is gone: its base name, tmp file and
 * targets stay (the targets filled in from ours if it died before
 * planning). */
static int claim_resume(struct pg_store *st, const struct claim_args *a,
    const PGresult *row, struct store_claim *c)
{
	const char *targets = pgs_value(row, 0, 4);
	const char *p[4];

	c->row = pgs_int(row, 0, 0);
	strlcpy(c->base, pgs_value(row, 0, 2), sizeof c->base);
	strlcpy(c->tmp, pgs_value(row, 0, 3), sizeof c->tmp);
	if ((c->targets = strdup(targets[0] ? targets : a->targets)) == NULL)
		return -1;
	p[0] = pgs_value(row, 0, 0);
	p[1] = st->host;
	p[2] = a->pid;
	p[3] = c->targets;
	if (pgs_run(st, "claim", "UPDATE deliver.dedup SET stamp = now(), "
	    "host = $2, pid = $3, targets = $4 WHERE id = $1", 4, p) < 0)
		return -1;
	c->status = CLAIM_RESUME;
	return 0;
}

/* Under the lock: decide on the key's row, if any. */
static int claim_locked(struct pg_store *st, const struct claim_args *a,
    struct store_claim *c)
{
	const char *p[] = { a->msgid, a->rcpt, a->days };
	PGresult *r = pgs_query(st, "claim", "SELECT id, state, base, tmp, "
	    "targets, now() - stamp < make_interval(days => $3::int), "
	    "extract(epoch FROM stamp)::bigint FROM deliver.dedup "
	    "WHERE owner = current_user AND msgid = $1 AND rcpt = $2", 3, p);
	int rc = 0;

	if (r == NULL)
		return -1;
	if (pq.ntuples(r) == 0)
		rc = claim_new(st, a, NULL, c);
	else if (pgs_int(r, 0, 1) == 0)
		rc = claim_resume(st, a, r, c);
	else if (strcmp(pgs_value(r, 0, 5), "t") == 0) {
		c->status = CLAIM_DUPLICATE;
		c->delivered = (time_t)pgs_int(r, 0, 6);
		unlock(st);
	} else
		rc = claim_new(st, a, pgs_value(r, 0, 0), c);
	pq.clear(r);
	return rc;
}

/* Who holds it, for the log line of a claim given up waiting. */
static void holder(struct pg_store *st, const struct claim_args *a,
    struct store_claim *c)
{
	const char *p[] = { a->msgid, a->rcpt };
	PGresult *r = pgs_query(st, "claim", "SELECT pid FROM deliver.dedup "
	    "WHERE owner = current_user AND msgid = $1 AND rcpt = $2", 2, p);

	if (r && pq.ntuples(r) == 1)
		c->holder = (long)pgs_int(r, 0, 0);
	if (r)
		pq.clear(r);
}

static void nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

void pg_store_claim(struct pg_store *st, const char *msgid,
    const char *recipient, const char *base, const char *tmp,
    const char *targets, struct store_claim *c)
{
	struct claim_args a = { msgid, recipient, base, tmp,
	    targets ? targets : "", "", "" };
	time_t deadline = time(NULL) + st->cfg->store_timeout;
	int got;

	memset(c, 0, sizeof *c);
	if (!st->cfg->dedup)
		return skip(c, "dedup off", false);
	if (msgid == NULL || msgid[0] == '\0')
		return skip(c, "no Message-ID", false);
	snprintf(a.pid, sizeof a.pid, "%ld", (long)getpid());
	snprintf(a.days, sizeof a.days, "%u", st->cfg->dedup_days);
	if (pgs_ready(st) < 0)
		return skip(c, "store unavailable", true);
	while ((got = try_lock(st, &a)) == 0 && time(NULL) < deadline)
		nap();
	if (got == 0) {
		c->status = CLAIM_HELD;
		return holder(st, &a, c);
	}
	if (got < 0 || claim_locked(st, &a, c) < 0)
		return skip(c, "store unavailable", true);
	/* what the claim check finds in the row while it is ours */
	strlcpy(st->claim_base, c->status == CLAIM_RESUME ? c->base :
	    base ? base : "", sizeof st->claim_base);
}

int pg_store_claim_targets(struct pg_store *st, const struct store_claim *c,
    const char *targets)
{
	char id[24];
	const char *p[] = { id, targets };

	if (c->row == 0 || c->status != CLAIM_NEW)
		return 0;
	if (pgs_ready(st) < 0 || !st->locked)
		return -1;
	snprintf(id, sizeof id, "%lld", c->row);
	return pgs_run(st, "plan not recorded", "UPDATE deliver.dedup SET "
	    "targets = $2 WHERE id = $1", 2, p);
}

/* ---- recording a delivery --------------------------------------------- */

/* The rows of dedup and log are pruned a batch at a time, by one
 * delivery in STORE_PRUNE_EVERY (whose row's id is a multiple of it), so
 * no delivery pays for more than a few rows (row-level security limits
 * each to its own user's rows). */
static int prune(struct pg_store *st, long long dedup_row, long long log_row)
{
	unsigned keep = st->cfg->dedup_days > STORE_CLAIM_KEEP_DAYS ?
	    st->cfg->dedup_days : STORE_CLAIM_KEEP_DAYS;
	char days[16], batch[16];
	const char *p[] = { days, batch };

	snprintf(batch, sizeof batch, "%d", STORE_PRUNE_BATCH);
	snprintf(days, sizeof days, "%u", keep);
	if (dedup_row > 0 && dedup_row % STORE_PRUNE_EVERY == 0 &&
	    pgs_run(st, "prune", "DELETE FROM deliver.dedup WHERE id IN "
	    "(SELECT id FROM deliver.dedup WHERE stamp < now() "
	    "- make_interval(days => $1::int) LIMIT $2::int)", 2, p) < 0)
		return -1;
	snprintf(days, sizeof days, "%u", st->cfg->log_days);
	if (log_row > 0 && log_row % STORE_PRUNE_EVERY == 0 &&
	    st->cfg->log_days > 0 &&
	    pgs_run(st, "prune", "DELETE FROM deliver.log WHERE id IN "
	    "(SELECT id FROM deliver.log WHERE time < now() - "
	    "make_interval(days => $1::int) LIMIT $2::int)", 2, p) < 0)
		return -1;
	return 0;
}

static int settle_claim(struct pg_store *st, const struct store_claim *c,
    bool delivered)
{
	char id[24];
	const char *p[] = { id };

	snprintf(id, sizeof id, "%lld", c->row);
	/* a release keeps the row in state 0: the next delivery to take the
	 * lock resumes it */
	return pgs_run(st, "record", delivered ? "UPDATE deliver.dedup SET "
	    "state = 1, stamp = now(), pid = 0, tmp = '' WHERE id = $1" :
	    "UPDATE deliver.dedup SET pid = 0 WHERE id = $1", 1, p);
}

static long long insert_log(struct pg_store *st,
    const struct store_delivery *d)
{
	char size[24], code[16];
	const char *p[] = { st->host, d->msgid ? d->msgid : "",
	    d->sender ? d->sender : "", d->recipient ? d->recipient : "",
	    size, d->folders ? d->folders : "", d->files ? d->files : "",
	    d->actions ? d->actions : "", d->result ? d->result : "", code,
	    d->duplicate ? "t" : "f" };
	PGresult *r;
	long long id;

	snprintf(size, sizeof size, "%lld", d->size);
	snprintf(code, sizeof code, "%d", d->exit_code);
	r = pgs_query(st, "record", "INSERT INTO deliver.log (host, msgid, "
	    "sender, recipient, size, folders, files, actions, result, "
	    "exit_code, duplicate) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	    "$9, $10, $11) RETURNING id", 11, p);
	if (r == NULL)
		return -1;
	id = pgs_int(r, 0, 0);
	pq.clear(r);
	return id;
}

int pg_store_record(struct pg_store *st, const struct store_claim *c,
    const struct store_delivery *d)
{
	long long claim_row = c && st->locked ? c->row : 0, log_row = 0;

	if (!st->cfg->delivery_log && claim_row == 0)
		return 0;
	if (pgs_ready(st) < 0)
		return -1;
	if (pgs_run(st, "record", "BEGIN", 0, NULL) < 0 ||
	    (claim_row > 0 && settle_claim(st, c, d->exit_code == 0) < 0) ||
	    (st->cfg->delivery_log && (log_row = insert_log(st, d)) < 0) ||
	    prune(st, claim_row, log_row) < 0 ||
	    pgs_run(st, "record", "COMMIT", 0, NULL) < 0) {
		pgs_note(st, LOG_WARNING, "PostgreSQL store: delivery not "
		    "recorded");
		return -1;
	}
	unlock(st);
	return 0;
}

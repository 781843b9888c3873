/* pg_claim_check.c: the PostgreSQL store's answer to "is the claim still
 * this delivery's?", asked right before the first copy is linked (see
 * store.h's store_claim_check).
 *
 * A claim is a session advisory lock (pg_claim.c): when the delivery's
 * connection ends before the copy is linked (a server restart, a network
 * failure, an idle timeout, pg_terminate_backend) the server releases the
 * lock, and another delivery of the message may take the claim over as a
 * dead delivery's and file it.  Linking our copy too would make two.  So:
 * on a live session one round trip proves the lock is still ours; on a
 * lost one, one new connection takes the lock back and keeps it only if
 * the claim row is still as this delivery left it (state 0, our host, pid
 * and base name): anything else means another delivery holds it, took it
 * over or finished it, and nothing may be linked. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "pg_int.h"

/* Advisory locks stack within a session: taking ours again succeeds on
 * the live session that holds it and is then undone once, leaving the
 * count as it was.  CASE evaluates in order, so this is one round trip. */
#define HELD_SQL "SELECT CASE WHEN pg_try_advisory_lock($1::bigint) " \
	"THEN pg_advisory_unlock($1::bigint) ELSE false END"

static enum claim_check said(char *why, size_t whylen, enum claim_check k,
    const char *text)
{
	snprintf(why, whylen, "%s", text);
	return k;
}

/* On the claim's own session: 1 held, 0 not, -1 the session is gone
 * (pgs_query reported it and closed the connection). */
static int still_locked(struct pg_store *st)
{
	const char *p[] = { st->lock_key };
	PGresult *r = pgs_query(st, "claim check", HELD_SQL, 1, p);
	int held;

	if (r == NULL)
		return -1;
	held = strcmp(pgs_value(r, 0, 0), "t") == 0;
	pq.clear(r);
	return held;
}

/* Under the lock taken back: is the row still the one this delivery
 * claimed?  Whoever holds the lock alone writes the row, so one read
 * decides. */
static enum claim_check row_still_ours(struct pg_store *st,
    const struct store_claim *c, char *why, size_t whylen)
{
	char id[24], pid[24];
	const char *p[] = { id, st->host, pid, st->claim_base };
	PGresult *r;
	enum claim_check k = CLAIM_STILL_HELD;

	snprintf(id, sizeof id, "%lld", c->row);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	r = pgs_query(st, "claim check", "SELECT state, host = $2 AND "
	    "pid = $3::int AND base = $4 FROM deliver.dedup WHERE id = $1",
	    4, p);
	if (r == NULL)
		return said(why, whylen, CLAIM_UNCHECKED, "the store "
		    "connection was lost and the claim could not be read");
	if (pq.ntuples(r) != 1)
		k = said(why, whylen, CLAIM_LOST, "its row is gone");
	else if (pgs_int(r, 0, 0) != 0)
		k = said(why, whylen, CLAIM_LOST, "another delivery filed it");
	else if (strcmp(pgs_value(r, 0, 1), "t") != 0)
		k = said(why, whylen, CLAIM_LOST, "another delivery took it "
		    "over");
	pq.clear(r);
	return k;
}

static void let_go(struct pg_store *st)
{
	const char *p[] = { st->lock_key };

	(void)pgs_run(st, "claim check", "SELECT "
	    "pg_advisory_unlock($1::bigint)", 1, p);
	st->locked = false;
}

/* The session is gone: one new connection, the lock taken back only if
 * free, kept only if the row is still ours. */
static enum claim_check retake(struct pg_store *st,
    const struct store_claim *c, char *why, size_t whylen)
{
	const char *p[] = { st->lock_key };
	PGresult *r;
	bool got;
	enum claim_check k;

	if (st->conn) {
		pq.finish(st->conn);
		st->conn = NULL;
	}
	st->locked = false;
	st->down = false;   /* the one reconnection */
	if (pgs_ready(st) < 0 || (r = pgs_query(st, "claim check",
	    "SELECT pg_try_advisory_lock($1::bigint)", 1, p)) == NULL)
		return said(why, whylen, CLAIM_UNCHECKED, "the store "
		    "connection was lost and the server cannot be reached");
	got = strcmp(pgs_value(r, 0, 0), "t") == 0;
	pq.clear(r);
	if (!got)
		return said(why, whylen, CLAIM_LOST, "another delivery holds "
		    "it");
	st->locked = true;
	k = row_still_ours(st, c, why, whylen);
	if (k == CLAIM_LOST)
		let_go(st);   /* and pg_store_record leaves the row alone */
	else if (k == CLAIM_STILL_HELD)
		pgs_note(st, LOG_NOTICE, "PostgreSQL store: connection lost "
		    "since the claim: reconnected, claim taken back");
	return k;
}

enum claim_check pg_store_claim_check(struct pg_store *st,
    const struct store_claim *c, char *why, size_t whylen)
{
	if (c->row == 0 || (c->status != CLAIM_NEW &&
	    c->status != CLAIM_RESUME) || getpid() != st->owner)
		return CLAIM_STILL_HELD;   /* no claim of ours to lose */
	if (st->locked && st->conn && pq.status(st->conn) == CONNECTION_OK) {
		switch (still_locked(st)) {
		case 1:
			return CLAIM_STILL_HELD;
		case 0:   /* cannot be on the session that took it */
			st->locked = false;
			return said(why, whylen, CLAIM_LOST, "another "
			    "delivery holds it");
		default:
			break;
		}
	}
	return retake(st, c, why, whylen);
}

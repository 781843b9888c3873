/* pg.c: the PostgreSQL backend of the store (see store.h, pg.h and
 * man/deliver.db.5): connecting with every wait bounded, the helpers every
 * statement goes through.  The claim and the record are in pg_claim.c,
 * Sieve's tracking and deliver --log in pg_track.c, the schema and
 * deliver --store-init in pg_schema.c.
 *
 * One database serves every delivery host and every user: each row
 * carries its owner (the connecting role), which row-level security
 * compares with current_user, and every time is the server's now(), never
 * a host's clock. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "pg_int.h"

bool pg_store_uri(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 ||
	    strncmp(spec, "postgres://", 11) == 0;
}

void pgs_note(struct pg_store *st, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_vreport(st->report, priority, fmt, ap);
	va_end(ap);
}

struct pg_store *pg_store_new(const struct config *cfg,
    store_report_fn *report)
{
	struct pg_store *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	st->cfg = cfg;
	st->report = report;
	st->owner = getpid();
	if (cfg->hostname && cfg->hostname[0])
		strlcpy(st->host, cfg->hostname, sizeof st->host);
	else if (gethostname(st->host, sizeof st->host) < 0)
		strlcpy(st->host, "localhost", sizeof st->host);
	st->host[sizeof st->host - 1] = '\0';
	return st;
}

void pg_store_close(struct pg_store *st)
{
	if (st == NULL)
		return;
	/* a child's copy of the connection must not end the parent's
	 * session (PQfinish says goodbye on the shared socket) */
	if (st->conn && getpid() == st->owner)
		pq.finish(st->conn);
	free(st->vacation_pair);
	free(st);
}

/* Server notices (CREATE ... IF NOT EXISTS "skipping") are not errors:
 * libpq would print them on stderr. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Every wait is bounded by store_timeout (at least a second: 0 means
 * "no limit" to PostgreSQL): connecting; a statement or a lock; a server
 * that vanished with data unacknowledged (tcp_user_timeout) or while idle
 * (keepalives).  These come first so that the URI's own settings
 * override them. */
PGconn *pgs_connect(const struct config *cfg, char *err, size_t errlen)
{
	unsigned t = cfg->store_timeout ? cfg->store_timeout : 1;
	char connect_s[16], user_ms[24], options[256];
	const char *keys[] = { "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "options", "application_name", "dbname",
	    NULL };
	const char *values[] = { connect_s, "1", "30", "5", "3", user_ms,
	    options, "deliver", cfg->store, NULL };
	PGconn *conn;

	if (pq_load(err, errlen) < 0)
		return NULL;
	snprintf(connect_s, sizeof connect_s, "%u", t < 2 ? 2 : t);
	snprintf(user_ms, sizeof user_ms, "%u", t * 1000);
	/* the server's side of the same: a delivery host that vanished
	 * (power, network) holds its claim until the server's keepalives
	 * notice, by default after two hours */
	snprintf(options, sizeof options, "-c statement_timeout=%u "
	    "-c lock_timeout=%u -c tcp_keepalives_idle=30 "
	    "-c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 "
	    "-c tcp_user_timeout=%u", t * 1000, t * 1000, t * 1000);
	conn = pq.connectdb_params(keys, values, 1);
	if (conn == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (pq.status(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", pq.error_message(conn));
		err[strcspn(err, "\n")] = '\0';
		pq.finish(conn);
		return NULL;
	}
	pq.set_notice_processor(conn, quiet, NULL);
	return conn;
}

/* The schema must be the one this deliver knows: an older one needs
 * deliver --store-init, a newer one a newer deliver. */
static int check_schema(struct pg_store *st)
{
	PGresult *r = pgs_query(st, "schema (deliver --store-init made "
	    "it?)", "SELECT version FROM "
	    "deliver.version", 0, NULL);
	long long v;

	if (r == NULL)
		return -1;
	v = pq.ntuples(r) == 1 ? pgs_int(r, 0, 0) : 0;
	pq.clear(r);
	if (v == pg_schema_version)
		return 0;
	pgs_note(st, LOG_ERR, "PostgreSQL store has schema version %lld, "
	    "this deliver needs %d (deliver --store-init): not used", v,
	    pg_schema_version);
	pq.finish(st->conn);
	st->conn = NULL;
	st->down = true;
	return -1;
}

int pgs_ready(struct pg_store *st)
{
	char err[512];

	if (st == NULL || st->down || getpid() != st->owner)
		return -1;
	if (st->conn)
		return 0;
	if ((st->conn = pgs_connect(st->cfg, err, sizeof err)) == NULL) {
		pgs_note(st, LOG_WARNING, "PostgreSQL store unavailable: %s",
		    err);
		st->down = true;
		return -1;
	}
	return check_schema(st);
}

bool pg_store_reachable(struct pg_store *st)
{
	return pgs_ready(st) == 0;
}

PGresult *pgs_query(struct pg_store *st, const char *what, const char *sql,
    int n, const char *const *params)
{
	PGresult *r;
	ExecStatusType s;
	char why[512];

	if (st->conn == NULL)
		return NULL;
	r = pq.exec_params(st->conn, sql, n, NULL, params, NULL, NULL, 0);
	s = r ? pq.result_status(r) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return r;
	snprintf(why, sizeof why, "%s", r ? pq.result_error_message(r) :
	    pq.error_message(st->conn));
	why[strcspn(why, "\n")] = '\0';
	pgs_note(st, LOG_WARNING, "PostgreSQL store: %s: %s", what, why);
	if (r)
		pq.clear(r);
	pq.finish(st->conn);
	st->conn = NULL;
	st->down = true;
	st->locked = false;   /* the server let it go with the session */
	return NULL;
}

int pgs_run(struct pg_store *st, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult *r = pgs_query(st, what, sql, n, params);

	if (r == NULL)
		return -1;
	pq.clear(r);
	return 0;
}

const char *pgs_value(const PGresult *r, int row, int col)
{
	return pq.getisnull(r, row, col) ? "" : pq.getvalue(r, row, col);
}

long long pgs_int(const PGresult *r, int row, int col)
{
	return strtoll(pgs_value(r, row, col), NULL, 10);
}

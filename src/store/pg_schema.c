/* pg_schema.c: the PostgreSQL store's schema and deliver --store-init,
 * which creates or migrates it (man/deliver.db.5 says what an admin runs
 * around it: the roles, authentication).
 *
 * Everything is in the schema "deliver".  Every table has an owner
 * column, the role that wrote the row (current_user by default), and
 * row-level security lets a role see and change its own rows only, so
 * the users who share the database cannot read or alter each other's
 * log or tracking.  The roles that deliver are members of the group role
 * deliver_users, which holds the table privileges.  The table owner (who
 * runs --store-init) is not bound by the policies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_int.h"

/* The tables of a user's rows: each gets the same policy and grants. */
#define OWNED_TABLES "dedup", "log", "vacation", "redirect", "duplicate"

/* Migration i takes the schema from version i to i + 1.  Released steps
 * are never edited: a new version appends a step. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE deliver.dedup ("
	" id bigserial PRIMARY KEY,"
	" owner name NOT NULL DEFAULT current_user,"
	" msgid text NOT NULL,"
	" rcpt text NOT NULL,"
	" state smallint NOT NULL,"        /* 0 claimed, 1 delivered */
	" stamp timestamptz NOT NULL DEFAULT now()," /* claim or delivery */
	" host text NOT NULL,"             /* the claim's host and pid */
	" pid integer NOT NULL,"           /* 0 = released */
	" base text NOT NULL,"
	" tmp text NOT NULL,"
	" targets text NOT NULL,"
	" UNIQUE (owner, msgid, rcpt));"
	"CREATE INDEX dedup_stamp ON deliver.dedup (stamp);"
	"CREATE TABLE deliver.log ("
	" id bigserial PRIMARY KEY,"
	" owner name NOT NULL DEFAULT current_user,"
	" time timestamptz NOT NULL DEFAULT now(),"
	" host text NOT NULL,"
	" msgid text NOT NULL,"
	" sender text NOT NULL,"
	" recipient text NOT NULL,"
	" size bigint NOT NULL,"
	" folders text NOT NULL,"
	" files text NOT NULL,"
	" actions text NOT NULL,"
	" result text NOT NULL,"
	" exit_code integer NOT NULL,"
	" duplicate boolean NOT NULL);"
	"CREATE INDEX log_owner_id ON deliver.log (owner, id);"
	"CREATE INDEX log_time ON deliver.log (time);"
	"CREATE TABLE deliver.vacation ("
	" owner name NOT NULL DEFAULT current_user,"
	" sender text NOT NULL,"
	" handle text NOT NULL,"
	" sent timestamptz NOT NULL,"
	" expires timestamptz NOT NULL,"
	" PRIMARY KEY (owner, sender, handle));"
	"CREATE INDEX vacation_expires ON deliver.vacation (expires);"
	"CREATE TABLE deliver.redirect ("
	" owner name NOT NULL DEFAULT current_user,"
	" msgid text NOT NULL,"
	" target text NOT NULL,"
	" sent timestamptz NOT NULL,"
	" PRIMARY KEY (owner, msgid, target));"
	"CREATE INDEX redirect_sent ON deliver.redirect (sent);"
	"CREATE TABLE deliver.duplicate ("
	" owner name NOT NULL DEFAULT current_user,"
	" key text NOT NULL,"
	" expires timestamptz NOT NULL,"
	" PRIMARY KEY (owner, key));"
	"CREATE INDEX duplicate_expires ON deliver.duplicate (expires);"
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'deliver_users')"
	" THEN CREATE ROLE deliver_users NOLOGIN; END IF; END $$;"
	"GRANT USAGE ON SCHEMA deliver TO deliver_users;"
	"GRANT SELECT ON deliver.version TO deliver_users;"
	"GRANT USAGE ON SEQUENCE deliver.dedup_id_seq, deliver.log_id_seq"
	" TO deliver_users;",
};

const int pg_schema_version = (int)(sizeof migrations /
    sizeof migrations[0]);

static int exec(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *r = pq.exec(conn, sql);
	ExecStatusType s = r ? pq.result_status(r) : PGRES_FATAL_ERROR;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", r ? pq.result_error_message(r) :
		    pq.error_message(conn));
		err[strcspn(err, "\n")] = '\0';
	}
	if (r)
		pq.clear(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1;
}

/* Row-level security, its policy and the group's privileges on one
 * table (part of migration 0 -> 1). */
static int own_rows(PGconn *conn, const char *table, char *err,
    size_t errlen)
{
	char sql[512];
	int n = snprintf(sql, sizeof sql, "ALTER TABLE deliver.%s ENABLE ROW "
	    "LEVEL SECURITY; CREATE POLICY own_rows ON deliver.%s USING "
	    "(owner = current_user) WITH CHECK (owner = current_user); GRANT "
	    "SELECT, INSERT, UPDATE, DELETE ON deliver.%s TO deliver_users",
	    table, table, table);

	if (n < 0 || (size_t)n >= sizeof sql)
		return snprintf(err, errlen, "statement too long"), -1;
	return exec(conn, sql, err, errlen);
}

static int current_version(PGconn *conn, int *version, char *err,
    size_t errlen)
{
	PGresult *r = pq.exec(conn, "SELECT version FROM deliver.version");

	if (r == NULL || pq.result_status(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", r ? pq.result_error_message(r) :
		    pq.error_message(conn));
		err[strcspn(err, "\n")] = '\0';
		if (r)
			pq.clear(r);
		return -1;
	}
	*version = pq.ntuples(r) == 1 ? (int)strtol(pq.getvalue(r, 0, 0),
	    NULL, 10) : 0;
	pq.clear(r);
	return 0;
}

/* The steps from *version on, in the caller's transaction. */
static int migrate(PGconn *conn, int *version, char *err, size_t errlen)
{
	static const char *const tables[] = { OWNED_TABLES };
	char sql[80];

	for (; *version < pg_schema_version; ++*version) {
		if (exec(conn, migrations[*version], err, errlen) < 0)
			return -1;
		for (size_t i = 0; *version == 0 && i < sizeof tables /
		    sizeof tables[0]; i++)
			if (own_rows(conn, tables[i], err, errlen) < 0)
				return -1;
	}
	snprintf(sql, sizeof sql, "DELETE FROM deliver.version; INSERT INTO "
	    "deliver.version VALUES (%d)", pg_schema_version);
	return exec(conn, sql, err, errlen);
}

/* One transaction, under a lock so that two admins' runs do not
 * interleave; a second run finds the schema current and changes
 * nothing. */
int pg_store_init(const struct config *cfg, char *err, size_t errlen)
{
	PGconn *conn = pgs_connect(cfg, err, errlen);
	int from = 0, to = 0, rc;

	if (conn == NULL)
		return -1;
	rc = exec(conn, "BEGIN; SELECT pg_advisory_xact_lock(7468, 0); "
	    "CREATE SCHEMA IF NOT EXISTS deliver; CREATE TABLE IF NOT "
	    "EXISTS deliver.version (version integer NOT NULL)", err, errlen);
	if (rc == 0)
		rc = current_version(conn, &from, err, errlen);
	to = from;
	if (rc == 0 && from > pg_schema_version) {
		snprintf(err, errlen, "schema version %d is newer than this "
		    "deliver knows (%d)", from, pg_schema_version);
		rc = -1;
	}
	if (rc == 0 && from < pg_schema_version)
		rc = migrate(conn, &to, err, errlen);
	if (rc == 0)
		rc = exec(conn, "COMMIT", err, errlen);
	if (rc == 0)
		printf("store: schema version %d%s\n", to, from == to ?
		    " (already current)" : "");
	pq.finish(conn);
	return rc;
}

/* pg_int.h: what pg.c shares with pg_claim.c, pg_track.c and
 * pg_schema.c: the connection and the helpers every statement goes
 * through.  Not for other modules. */
#ifndef DELIVER_STORE_PG_INT_H
#define DELIVER_STORE_PG_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "pg.h"
#include "pg_lib.h"

/* The schema version this deliver reads and writes (pg_schema.c). */
extern const int pg_schema_version;

struct pg_store {
	const struct config *cfg;
	store_report_fn *report;
	PGconn *conn;
	pid_t owner;            /* the process the connection belongs to */
	bool down;              /* unusable for the rest of this process */
	char host[256];         /* this delivery host, kept in every row */
	bool locked;            /* the claim's advisory lock is held: */
	char lock_key[24];      /* its key, as the server computed it */
	char claim_base[256];   /* the claim row's base name, as this
	                           delivery left it (pg_claim_check.c) */
	long long vacation_period; /* seconds, from the last due check */
	char *vacation_pair;
};

void pgs_note(struct pg_store *st, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Connect when not yet (0), or -1: no store now. */
int pgs_ready(struct pg_store *st);
/* Connect to cfg->store with every wait bounded; NULL with a reason in
 * err.  Used by deliveries and by deliver --store-init. */
PGconn *pgs_connect(const struct config *cfg, char *err, size_t errlen);
/* Run sql with n text parameters (NULL = SQL NULL).  The result when it
 * succeeded (PQclear it), else NULL: the failure is reported with what,
 * and the connection closed and given up for this process, so no later
 * step waits for it again (a claim it held ends with it, server-side). */
PGresult *pgs_query(struct pg_store *st, const char *what, const char *sql,
    int n, const char *const *params);
/* The same for a statement whose rows are not wanted: 0 or -1. */
int pgs_run(struct pg_store *st, const char *what, const char *sql, int n,
    const char *const *params);
/* Field (row, col) of r, "" when NULL. */
const char *pgs_value(const PGresult *r, int row, int col);
long long pgs_int(const PGresult *r, int row, int col);

#endif

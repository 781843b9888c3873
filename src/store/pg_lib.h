/* pg_lib.h: libpq, loaded with dlopen("libpq.so.5") the first time a
 * PostgreSQL store is used.  deliver links no libpq: Debian ships no
 * static one, and linking the shared one would make every delivery map
 * it (and its Kerberos, LDAP and TLS libraries) whether it uses
 * PostgreSQL or not.  libpq-fe.h gives the types; the functions are
 * reached through the table pq. */
#ifndef DELIVER_STORE_PG_LIB_H
#define DELIVER_STORE_PG_LIB_H

#include <stddef.h>

#include <libpq-fe.h>

struct pq_api {
	__typeof__(PQconnectdbParams) *connectdb_params;
	__typeof__(PQstatus) *status;
	__typeof__(PQerrorMessage) *error_message;
	__typeof__(PQfinish) *finish;
	__typeof__(PQexec) *exec;
	__typeof__(PQexecParams) *exec_params;
	__typeof__(PQresultStatus) *result_status;
	__typeof__(PQresultErrorMessage) *result_error_message;
	__typeof__(PQntuples) *ntuples;
	__typeof__(PQgetvalue) *getvalue;
	__typeof__(PQgetisnull) *getisnull;
	__typeof__(PQclear) *clear;
	__typeof__(PQsetNoticeProcessor) *set_notice_processor;
};

/* Filled by pq_load(). */
extern struct pq_api pq;

/* Load libpq once per process: 0, or -1 with the reason in err (the same
 * reason again on later calls). */
int pq_load(char *err, size_t errlen);

#endif

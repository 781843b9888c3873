/* pg_lib.c: libpq loaded at run time (see pg_lib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "pg_lib.h"

struct pq_api pq;

/* Each function's name, and where its address goes. */
#define SYM(field, name) { #name, (void **)&pq.field }

#ifdef STORE_NO_DLOPEN
/* A static executable would map a second glibc with libpq. */
static int load(char *why, size_t len)
{
	snprintf(why, len, "this deliver is linked statically (LINK=static) "
	    "and cannot load libpq");
	return -1;
}
#else
static int load(char *why, size_t len)
{
	const struct { const char *name; void **slot; } syms[] = {
		SYM(connectdb_params, PQconnectdbParams),
		SYM(status, PQstatus),
		SYM(error_message, PQerrorMessage),
		SYM(finish, PQfinish),
		SYM(exec, PQexec),
		SYM(exec_params, PQexecParams),
		SYM(result_status, PQresultStatus),
		SYM(result_error_message, PQresultErrorMessage),
		SYM(ntuples, PQntuples),
		SYM(getvalue, PQgetvalue),
		SYM(getisnull, PQgetisnull),
		SYM(clear, PQclear),
		SYM(set_notice_processor, PQsetNoticeProcessor),
	};
	/* RTLD_LOCAL: libpq's symbols stay out of deliver's namespace */
	void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL) {
		snprintf(why, len, "cannot load libpq (Debian package libpq5): "
		    "%s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		if ((*syms[i].slot = dlsym(lib, syms[i].name)) == NULL) {
			snprintf(why, len, "libpq.so.5 lacks %s", syms[i].name);
			return -1;
		}
	return 0;
}
#endif

int pq_load(char *err, size_t errlen)
{
	static int state;           /* 0 not tried, 1 loaded, -1 failed */
	static char why[300];

	if (state == 0)
		state = load(why, sizeof why) == 0 ? 1 : -1;
	if (state < 0)
		snprintf(err, errlen, "%s", why);
	return state > 0 ? 0 : -1;
}

/* pg_lib.c: libpq loaded at run time (see pg_lib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "pg_lib.h"

struct pq_api pq;

/* Each function's name, and where its address goes. */
#define SYM(field, name) { #name, (void **)&pq.field }

int pq_load(char *err, size_t errlen)
{
	static int state;           /* 0 not tried, 1 loaded, -1 failed */
	static char why[300];
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
	void *lib;

	if (state == 0) {
		state = -1;
		/* RTLD_LOCAL: libpq's symbols stay out of deliver's namespace */
		if ((lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL)
			snprintf(why, sizeof why, "cannot load libpq (Debian "
			    "package libpq5): %s", dlerror());
		for (size_t i = 0; lib && i < sizeof syms / sizeof syms[0];
		    i++)
			if ((*syms[i].slot = dlsym(lib, syms[i].name)) ==
			    NULL) {
				snprintf(why, sizeof why, "libpq.so.5 lacks "
				    "%s", syms[i].name);
				lib = NULL;
			}
		if (lib)
			state = 1;
	}
	if (state < 0)
		snprintf(err, errlen, "%s", why);
	return state > 0 ? 0 : -1;
}

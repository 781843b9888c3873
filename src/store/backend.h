/* backend.h: what the store's backends (sqlite*.c: deliver.db; pg*.c:
 * PostgreSQL) share with the interface store.c.  The pipeline includes
 * store.h only and never learns which backend it talks to. */
#ifndef DELIVER_STORE_BACKEND_H
#define DELIVER_STORE_BACKEND_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "store.h"

#define DAY 86400LL

/* One row of the delivery log, as deliver --log prints it. */
struct store_log_row {
	time_t time;
	const char *recipient, *sender, *msgid;
	long long size;
	const char *folders, *files, *actions, *result;
	int exit_code;
	const char *host;       /* the delivering host; NULL = not kept */
};

/* No store configured: unset, "" or "none". */
bool store_disabled(const struct config *cfg);

/* One problem line to report (when there is a report function): how
 * both backends log. */
void store_vreport(store_report_fn *report, int priority, const char *fmt,
    va_list ap);

/* DATE TIME RESULT exit=N to=<> from=<> msgid=<> size=N folders= files=
 * actions= [host=], untrusted text escaped, one line. */
void store_print_row(FILE *fp, const struct store_log_row *r);

#endif

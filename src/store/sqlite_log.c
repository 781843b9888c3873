/* sqlite_log.c: deliver --log, the delivery log of deliver.db printed
 * (see store.h; the line format is store_print.c's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqlite.h"
#include "sqlite_int.h"

static const char *column(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

static void print_row(sqlite3_stmt *s, FILE *fp)
{
	struct store_log_row r = {
		.time = (time_t)sqlite3_column_int64(s, 0),
		.recipient = column(s, 1), .sender = column(s, 2),
		.msgid = column(s, 3), .size = sqlite3_column_int64(s, 4),
		.folders = column(s, 5), .files = column(s, 6),
		.actions = column(s, 7), .result = column(s, 8),
		.exit_code = sqlite3_column_int(s, 9),
	};

	store_print_row(fp, &r);
}

int sqlite_store_print_log(struct sqlite_store *st,
    const struct store_log_filter *f, FILE *fp, char *err, size_t errlen)
{
	char real[PATH_MAX];
	sqlite3_stmt *s;
	int rc, rows = 0;

	if (st == NULL)
		return snprintf(err, errlen, "no store configured"), -1;
	if (st_real_path(st, real, sizeof real) < 0 || access(real, F_OK) < 0)
		return 0; /* nothing delivered yet */
	if (st_ready(st) < 0)
		return snprintf(err, errlen, "store %s cannot be used",
		    st->path), -1;
	rc = st_prepare(st, "SELECT * FROM (SELECT time, recipient, sender, msgid, "
	    "size, folders, files, actions, result, exit_code, id FROM log "
	    "WHERE time >= ?1 AND (?2 IS NULL OR msgid = ?2) "
	    "AND (?3 IS NULL OR sender = ?3) AND (?4 IS NULL OR "
	    "instr(',' || folders || ',', ',' || ?4 || ',') > 0) "
	    "ORDER BY id DESC LIMIT ?5) ORDER BY id", &s);
	if (rc != SQLITE_OK)
		return snprintf(err, errlen, "%s", sqlite3_errmsg(st->db)), -1;
	sqlite3_bind_int64(s, 1, f->since);
	if (f->msgid)
		st_bind_text(s, 2, f->msgid);
	if (f->sender)
		st_bind_text(s, 3, f->sender);
	if (f->folder)
		st_bind_text(s, 4, f->folder);
	sqlite3_bind_int(s, 5, f->limit ? (int)f->limit : 50);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		print_row(s, fp);
		rows++;
	}
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? rows : -1;
}

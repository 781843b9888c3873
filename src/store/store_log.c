/* store_log.c: deliver --log, the delivery log of deliver.db printed
 * (see store.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_int.h"

int store_parse_since(const char *text, time_t now, time_t *out)
{
	struct tm tm;
	const char *end;
	char *num_end;
	long long n;

	if (text[0] == '@' || isdigit((unsigned char)text[0])) {
		errno = 0;
		n = strtoll(text + (text[0] == '@'), &num_end, 10);
		if (errno == 0 && num_end != text && n >= 0) {
			static const char units[] = "smhdw";
			static const long long secs[] = { 1, 60, 3600, DAY,
			    7 * DAY };
			const char *u = num_end[0] ? strchr(units, num_end[0]) :
			    NULL;

			if (text[0] == '@' && *num_end == '\0')
				return *out = (time_t)n, 0;
			if (text[0] != '@' && u && num_end[1] == '\0' &&
			    n < 100 * 365 * DAY)
				return *out = now - n * secs[u - units], 0;
		}
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(text, "%Y-%m-%d", &tm);
	if (end && *end == ' ')
		end = strptime(end + 1, "%H:%M", &tm);
	if (end && *end == ':')
		end = strptime(end + 1, "%S", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

/* Untrusted text as one token of a line: controls, 8-bit bytes and the
 * backslash as \ooo, so no row can forge or break a line. */
static void put_escaped(FILE *fp, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text :
	    ""); *p; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '\\')
			fputc(*p, fp);
		else if (*p == ' ')
			fputc(' ', fp);
		else
			fprintf(fp, "\\%03o", *p);
	}
}

static void print_field(FILE *fp, const char *label, sqlite3_stmt *s,
    int col, const char *close)
{
	fputs(label, fp);
	put_escaped(fp, (const char *)sqlite3_column_text(s, col));
	fputs(close, fp);
}

/* DATE TIME RESULT exit=N to=<> from=<> msgid=<> size=N folders= files=
 * actions= */
static void print_row(sqlite3_stmt *s, FILE *fp)
{
	time_t when = (time_t)sqlite3_column_int64(s, 0);
	struct tm tm;
	char date[32];

	if (localtime_r(&when, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strlcpy(date, "?", sizeof date);
	fprintf(fp, "%s", date);
	print_field(fp, " ", s, 8, "");
	fprintf(fp, " exit=%d", sqlite3_column_int(s, 9));
	print_field(fp, " to=<", s, 1, ">");
	print_field(fp, " from=<", s, 2, ">");
	print_field(fp, " msgid=<", s, 3, ">");
	fprintf(fp, " size=%lld", (long long)sqlite3_column_int64(s, 4));
	print_field(fp, " folders=", s, 5, "");
	print_field(fp, " files=", s, 6, "");
	print_field(fp, " actions=", s, 7, "\n");
}

int store_print_log(struct store *st, const struct store_log_filter *f,
    FILE *fp, char *err, size_t errlen)
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

/* store_print.c: the text of deliver --log, the same from every backend:
 * the --since argument parsed, and a log row printed as one line. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

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

static void print_field(FILE *fp, const char *label, const char *text,
    const char *close)
{
	fputs(label, fp);
	put_escaped(fp, text);
	fputs(close, fp);
}

void store_print_row(FILE *fp, const struct store_log_row *r)
{
	struct tm tm;
	char date[32];

	if (localtime_r(&r->time, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strlcpy(date, "?", sizeof date);
	fprintf(fp, "%s", date);
	print_field(fp, " ", r->result, "");
	fprintf(fp, " exit=%d", r->exit_code);
	print_field(fp, " to=<", r->recipient, ">");
	print_field(fp, " from=<", r->sender, ">");
	print_field(fp, " msgid=<", r->msgid, ">");
	fprintf(fp, " size=%lld", r->size);
	print_field(fp, " folders=", r->folders, "");
	print_field(fp, " files=", r->files, "");
	print_field(fp, " actions=", r->actions, "");
	if (r->host)
		print_field(fp, " host=", r->host, "");
	fputc('\n', fp);
}

/* log.c: syslog and stderr lines (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

static bool also_stderr;

void log_open(bool to_stderr)
{
	also_stderr = to_stderr;
	/* no LOG_NDELAY: the socket is connected by the first line logged, so
	 * a run that logs nothing (-h, -V, a usage error) never connects */
	openlog("deliver", LOG_PID, LOG_MAIL);
}

bool log_to_stderr(void)
{
	return also_stderr;
}

static void vlog(int priority, bool echo, const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	syslog(priority, "%s", line);
	if (echo)
		fprintf(stderr, "deliver: %s\n", line);
}

void log_line(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, also_stderr, fmt, ap);
	va_end(ap);
}

void log_syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, false, fmt, ap);
	va_end(ap);
}

/* Text that strnvisx would leave as it is: printable ASCII, space, no
 * backslash (the flags below encode everything else).  The common case
 * (addresses, Message-IDs) then costs a copy instead of libbsd's
 * multibyte-aware encoder. */
static bool plain_ascii(const char *text, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (text[i] < ' ' || text[i] > '~' || text[i] == '\\')
			return false;
	return true;
}

const char *log_escape(const char *text, char *out, size_t outlen)
{
	if (outlen == 0)
		return out;
	if (text == NULL)
		text = "";
	if (plain_ascii(text, strnlen(text, outlen))) {
		strlcpy(out, text, outlen);
		return out;
	}
	/* strnvisx never has to truncate: it gets room for the worst case
	 * (four characters a byte) and the result is cut afterwards.  Its own
	 * truncation path overruns a stack buffer in libbsd 0.11 (ASan, a
	 * 10 KiB Message-ID in tests/hostile). */
	size_t n = strnlen(text, outlen);
	char *wide = malloc(4 * n + 1);

	if (wide == NULL) {
		strlcpy(out, "(out of memory)", outlen);
		return out;
	}
	strnvisx(wide, 4 * n + 1, text, n, VIS_OCTAL | VIS_TAB | VIS_NL |
	    VIS_CSTYLE);
	strlcpy(out, wide, outlen);
	free(wide);
	return out;
}

/* log.c: syslog and stderr lines (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <vis.h>

static bool also_stderr;

void log_open(bool to_stderr)
{
	also_stderr = to_stderr;
	openlog("deliver", LOG_PID | LOG_NDELAY, LOG_MAIL);
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

const char *log_escape(const char *text, char *out, size_t outlen)
{
	if (outlen == 0)
		return out;
	if (text == NULL)
		text = "";
	/* strnvis truncates safely and always terminates; a cut is fine here */
	strnvis(out, outlen, text, VIS_OCTAL | VIS_TAB | VIS_NL | VIS_CSTYLE);
	return out;
}

/* outcome.c: failure records (see outcome.h). */
#include "outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vset_reason(struct outcome *out, const char *fmt, va_list ap)
{
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
}

int fail(struct outcome *out, int code, const char *fmt, ...)
{
	va_list ap;

	out->code = code;
	va_start(ap, fmt);
	vset_reason(out, fmt, ap);
	va_end(ap);
	return -1;
}

int fail_errno(struct outcome *out, int err, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	out->code = exit_code_for_errno(err);
	va_start(ap, fmt);
	vset_reason(out, fmt, ap);
	va_end(ap);
	used = strlen(out->reason);
	snprintf(out->reason + used, sizeof out->reason - used, ": %s",
	    strerror(err));
	return -1;
}

int exit_code_for_errno(int err)
{
	(void)err;
	return EX_TEMPFAIL;
}

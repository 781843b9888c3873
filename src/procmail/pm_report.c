/* pm_report.c: see pm_report.h. */
#include "pm_report.h"

#include <stdarg.h>
#include <string.h>

void pm_verdict_add(struct pm_verdict *v, enum pm_level level,
    const char *fmt, ...)
{
	char reason[300];
	va_list ap;

	if (level < v->level)
		return;
	if (level > v->level) {
		v->level = level;
		v->reasons[0] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (strstr(v->reasons, reason))
		return;   /* said once is enough */
	if (v->reasons[0])
		strlcat(v->reasons, "; ", sizeof v->reasons);
	strlcat(v->reasons, reason, sizeof v->reasons);
}

void pm_report_verdict(struct pm_report *r, const char *file, int line,
    const struct pm_verdict *v)
{
	switch (v->level) {
	case PM_EXACT:
		r->exact++;
		fprintf(r->to, "%s:%d: exact\n", file, line);
		break;
	case PM_DIFFERS:
		r->differs++;
		fprintf(r->to, "%s:%d: differs: %s\n", file, line, v->reasons);
		break;
	case PM_UNTRANSLATABLE:
		r->untranslatable++;
		fprintf(r->to, "%s:%d: untranslatable: %s\n", file, line,
		    v->reasons);
		break;
	}
}

void pm_report_note(struct pm_report *r, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	fprintf(r->to, "%s:%d: note: ", file, line);
	va_start(ap, fmt);
	vfprintf(r->to, fmt, ap);
	va_end(ap);
	fputc('\n', r->to);
}

void pm_report_summary(struct pm_report *r)
{
	fprintf(r->to, "procmailrc: %d recipes: %d exact, %d with differences, "
	    "%d not translatable\n", r->exact + r->differs + r->untranslatable,
	    r->exact, r->differs, r->untranslatable);
}

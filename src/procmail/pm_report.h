/* pm_report.h: the translation report on stderr: one line per recipe
 * or assignment that matters ("FILE:LINE: exact", "FILE:LINE: differs:
 * REASON", "FILE:LINE: untranslatable: REASON", "FILE:LINE: note:
 * TEXT"), then "procmailrc: N recipes: A exact, B with differences, C
 * not translatable".  A verdict collects the reasons of one recipe; the
 * worst one decides its line. */
#ifndef DELIVER_PM_REPORT_H
#define DELIVER_PM_REPORT_H

#include <stdio.h>

enum pm_level { PM_EXACT, PM_DIFFERS, PM_UNTRANSLATABLE };

struct pm_verdict {
	enum pm_level level;
	char reasons[600];   /* "; "-separated, of the worst level */
};

struct pm_report {
	FILE *to;
	int exact, differs, untranslatable;
};

/* Add a reason at level (reasons of a milder level are dropped). */
void pm_verdict_add(struct pm_verdict *v, enum pm_level level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The recipe's line, counted. */
void pm_report_verdict(struct pm_report *r, const char *file, int line,
    const struct pm_verdict *v);
void pm_report_note(struct pm_report *r, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void pm_report_summary(struct pm_report *r);

#endif

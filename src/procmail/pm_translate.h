/* pm_translate.h: a .procmailrc translated into a Sieve script with a
 * report (see deliver(1), --from-procmailrc).  Recipes become if-blocks
 * in order; a delivering recipe ends with "stop" (procmail stops at its
 * first delivery unless the recipe has 'c'); chained recipes (A, a, E,
 * e) keep procmail's two outcomes in the Sieve variables pm_last (the
 * conditions of the last recipe without A/a matched) and pm_prev (the
 * previous recipe ran), set as procmail sets them. */
#ifndef DELIVER_PM_TRANSLATE_H
#define DELIVER_PM_TRANSLATE_H

#include <stddef.h>

#include "pm_report.h"
#include "pm_sieve.h"

#define PM_INCLUDE_MAX_DEPTH 8

struct pm_error {
	char file[1024];
	int line;
	char reason[200];
};

/* Translate the rc text read from file (its name in the report; the
 * script's comments say ".procmailrc").  home is $HOME.  Returns 0, or
 * -1 for what procmail itself refuses (err filled: no script then). */
int pm_translate(const char *text, size_t len, const char *file,
    const char *home, struct pm_sieve *s, struct pm_report *rep,
    struct pm_error *err);

/* The whole of a file (at most PM_RC_MAX_SIZE + 1 bytes: the caller
 * sees a file that is too large); "-" is stdin.  NULL with errno set. */
char *pm_read_file(const char *path, size_t *len);

#endif

/* pm_cond.h: one "*" condition of a recipe as a Sieve test.
 *
 * The condition's own prefixes first ('!' negation, '$' expansion, '?'
 * program exit code, '<'/'>' size, "VAR ??" search area, '\' quoting,
 * "w^x" scoring), then the regex: for the header a header test per field
 * (pm_regex_fields.c), for the body "body :raw :regex", for a variable
 * "string :regex".  Case-insensitive unless the recipe has D. */
#ifndef DELIVER_PM_COND_H
#define DELIVER_PM_COND_H

#include <stdbool.h>

#include "pm_report.h"
#include "pm_sieve.h"
#include "pm_vars.h"

struct pm_cond_ctx {
	bool head, body;           /* H and B flags as procmail reads them */
	bool case_sensitive;       /* D */
	const struct pm_vars *vars;
	struct pm_sieve *sieve;    /* the extensions used */
	struct pm_verdict *verdict;
	bool *invalid;             /* set for an "Invalid regexp" */
};

struct pm_cond_result {
	char *test;        /* malloced Sieve test; NULL: not translatable */
	int match_group;   /* the test's ${N} holding procmail's MATCH, or 0 */
	bool invalid;      /* an expression procmail calls an "Invalid regexp"
	                      (unbalanced parentheses): the rc is refused */
};

/* Translate text (after the '*').  The reasons go to ctx->verdict. */
struct pm_cond_result pm_cond_translate(const struct pm_cond_ctx *ctx,
    const char *text);

#endif

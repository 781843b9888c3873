/* pm_translate_int.h: what the translator's files share (pm_translate.c
 * walks the rc, pm_actions.c writes a recipe's action, pm_assign.c
 * reads the assignments): the state of the translation and of the walk
 * over one file. */
#ifndef DELIVER_PM_TRANSLATE_INT_H
#define DELIVER_PM_TRANSLATE_INT_H

#include <stdbool.h>

#include "pm_rc.h"
#include "pm_report.h"
#include "pm_sieve.h"
#include "pm_translate.h"
#include "pm_vars.h"

/* The whole translation. */
struct tr {
	struct pm_sieve *s;
	struct pm_report *rep;
	struct pm_vars vars;
	struct pm_error *err;
	int include_depth;
};

/* One file's walk. */
struct walk {
	struct tr *tr;
	const char *file;                  /* in the report */
	const char *comment;               /* in the script's comments */
	bool braces[PM_RC_MAX_DEPTH + 1];  /* a block opened a '{' */
	bool clone[PM_RC_MAX_DEPTH + 1];   /* ... a block with 'c' */
	int clones;                        /* 'c' blocks around the walk */
	/* for the recipe at hand: a later one reads pm_last (has A or a),
	 * pm_prev (has E) */
	bool need_last, need_prev;
};

/* Walk the rc text read from file (comment: its name in the script). */
int pm_translate_rc(struct tr *tr, const char *text, size_t len,
    const char *file, const char *comment);

bool pm_has_flag(const struct pm_item *it, char f);
/* A known variable's value, "" for any other. */
const char *pm_var_value(const struct tr *tr, const char *name);
/* "# .procmailrc line N" (the included file's name for its rules). */
void pm_rule_comment(const struct walk *w, int line);
/* before, str as a Sieve string, after: one line. */
void pm_quoted_line(struct pm_sieve *s, const char *before, const char *str,
    const char *after);

/* The recipe's action (pm_actions.c); true when it delivers (procmail
 * stops after it).  In a 'c' block (in_clone) every delivery is a copy. */
bool pm_action(struct tr *tr, const struct pm_item *it, const char *file,
    bool in_clone, struct pm_verdict *v);
/* An assignment (pm_assign.c); -1 when an included file is refused. */
int pm_assignment(struct walk *w, const struct pm_item *it);

#endif

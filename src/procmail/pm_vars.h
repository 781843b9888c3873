/* pm_vars.h: procmail's variables as the translator knows them.
 *
 * A variable is known (a value fixed when the rc is read: an assignment
 * at the top level, HOME from the environment), runtime (its value is
 * only known when mail arrives: MATCH, an assignment inside a block or
 * from MATCH; the script holds it in a Sieve variable of the same name)
 * or unknown (never assigned, a `command`: nothing can stand for it).
 * Expansion follows procmail's own rules for $NAME, ${NAME},
 * ${NAME:-text}, ${NAME-text}, ${NAME:+text}, ${NAME+text} and $\NAME
 * (regex-quoted). */
#ifndef DELIVER_PM_VARS_H
#define DELIVER_PM_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "growbuf.h"

#define PM_VARS_MAX 512
#define PM_VAR_VALUE_MAX 8192

enum pm_var_state { PM_VAR_UNKNOWN, PM_VAR_KNOWN, PM_VAR_RUNTIME };

struct pm_var {
	char *name, *value;   /* value: NULL unless known */
	enum pm_var_state state;
};

struct pm_vars {
	struct pm_var vars[PM_VARS_MAX];
	int n;
};

enum pm_expand_mode {
	PM_EXPAND_STRING,   /* a runtime variable becomes "${NAME}" */
	PM_EXPAND_LITERAL,  /* a runtime variable is an error */
};

void pm_vars_init(struct pm_vars *v, const char *home);
void pm_vars_free(struct pm_vars *v);
/* Set name's state (and value when known); -1 when the table is full. */
int pm_vars_set(struct pm_vars *v, const char *name, enum pm_var_state state,
    const char *value);
const struct pm_var *pm_vars_get(const struct pm_vars *v, const char *name);

/* Expand text into out.  Returns 0, or -1 with why ("$X is not known
 * when the rc is read", ...).  *runtime is set when a runtime variable
 * was written as ${NAME}. */
int pm_vars_expand(const struct pm_vars *v, const char *text,
    enum pm_expand_mode mode, struct growbuf *out, bool *runtime, char *why,
    size_t whylen);

#endif

/* ext_variables.h: what a command that sets a variable shares with the
 * variables extension's "set" (extracttext, RFC 5703 section 7 does):
 * the modifier tags of RFC 5229 section 4, their check, and their
 * collection for sieve_vars_modify_max (sieve_vars.h). */
#ifndef DELIVER_EXT_VARIABLES_H
#define DELIVER_EXT_VARIABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "sieve_ext.h"

#define SIEVE_VARS_MODIFIERS_MAX 8   /* one per modifier tag */

/* The modifier tags, for a command's tag table.  :quoteregex and
 * :encodeurl are not among them: regex and enotify add them (their
 * tag_adds), so that the checker says which require each needs. */
#define SIEVE_VARS_MODIFIER_TAGS \
	{ "lower", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }, \
	{ "upper", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }, \
	{ "lowerfirst", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }, \
	{ "upperfirst", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }, \
	{ "quotewildcard", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }, \
	{ "length", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL }

/* No two modifiers of c of one precedence (RFC 5229 section 4.1), with
 * Pigeonhole's message naming c's command: every conflict is reported,
 * or only the first when first_only.  Whether there was one. */
bool sieve_vars_check_modifiers(struct sieve_checker *ck,
    const struct sieve_call *c, bool first_only);

/* c's modifier tags, without their colon ("lower"), in script order, at
 * most max of them into mods; their number. */
size_t sieve_vars_call_modifiers(const struct sieve_call *c,
    const char **mods, size_t max);

#endif

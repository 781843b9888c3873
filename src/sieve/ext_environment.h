/* ext_environment.h: the items of the environment extension (RFC 5183),
 * shared with vnd.dovecot.environment (which adds its vnd.dovecot.*
 * items and gives every item as a variable ${env.NAME}). */
#ifndef DELIVER_EXT_ENVIRONMENT_H
#define DELIVER_EXT_ENVIRONMENT_H

#include "sieve_rt.h"

/* What "name" and "version" say: the interpreter is deliver's own. */
#define SIEVE_ENVIRONMENT_NAME "deliver"

/* The value of the item of that name (exact, case-sensitive, as
 * Pigeonhole looks items up), or NULL when it is unknown or has no value
 * in this delivery (remote-host without a known client, the vnd.dovecot.*
 * items when the script does not require vnd.dovecot.environment).
 * Computed values come from rt's pool. */
const char *sieve_environment_item(struct sieve_rt *rt, const char *name);

#endif

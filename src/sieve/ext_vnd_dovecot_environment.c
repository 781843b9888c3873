/* ext_vnd_dovecot_environment.c: Dovecot's vnd.dovecot.environment
 * extension, as Pigeonhole 0.5 has it: requiring it enables the
 * environment test (it implies "environment") with the items
 * vnd.dovecot.default-mailbox, vnd.dovecot.username and
 * vnd.dovecot.config.NAME (ext_environment.c), and, with "variables",
 * the namespace "env": ${env.NAME} is the value of the environment item
 * NAME ("" when it has none).  Variable names cannot hold "-", so a name
 * that finds no item is tried again with every "_" made "-"
 * (${env.vnd.dovecot.default_mailbox}), as Pigeonhole does. */
#include <string.h>

#include "ext_environment.h"

static const char *env_variable(struct sieve_rt *rt, const char *name)
{
	const char *value = sieve_environment_item(rt, name);
	char *dashed;

	if (value != NULL || strchr(name, '_') == NULL)
		return value;
	if ((dashed = sieve_rt_strndup(rt, name, strlen(name))) == NULL)
		return NULL;
	for (char *p = dashed; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	return sieve_environment_item(rt, dashed);
}

const struct sieve_extension sieve_ext_vnd_dovecot_environment = {
	.name = "vnd.dovecot.environment",
	.implies = "environment",
	.var_namespace = "env",
	.var_value = env_variable,
};

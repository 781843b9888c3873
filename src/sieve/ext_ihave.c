/* ext_ihave.c: the "ihave" extension (RFC 5463): the test ihave
 * <capabilities> and the command error <message>.
 *
 * ihave is true when every named extension is one this interpreter has.
 * As RFC 5463 section 4 demands and Pigeonhole 0.5.19 does, it is false
 * for extensions that change how a script is read (variables,
 * encoded-character): those cannot be switched on halfway through.  The
 * names are taken as written (RFC 5463: they must be constant).  error
 * ends the script with the message as a runtime error: the message is
 * then kept and the error goes to the log and the .err file. */
#include <string.h>

#include "sieve_rt.h"

/* As the checker decides (an empty name is no extension, though the
 * table's base entry answers to it): a block the checker left unchecked
 * because its ihave is false must never run. */
static bool capability_usable(const char *name)
{
	return name[0] != '\0' && sieve_ext_find(name) != NULL &&
	    strcmp(name, "variables") != 0 &&
	    strcmp(name, "encoded-character") != 0;
}

static int run_ihave(struct sieve_rt *rt, const struct sieve_call *c)
{
	for (const struct sieve_string *s = c->positional[0]->strings; s;
	    s = s->next)
		if (!capability_usable(s->value)) {
			sieve_rt_trace(rt, "ihave: extension '%s' not "
			    "available", s->value);
			return 0;
		}
	return 1;
}

static int run_error(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *msg = sieve_rt_string(rt, c->positional[0]->strings,
	    NULL);

	if (msg == NULL)
		return -1;
	return sieve_rt_error(rt, c->pos, "%s", msg);
}

static const struct sieve_def ihave_defs[] = {
	{ "ihave", true, NULL, "L", "capabilities", SIEVE_NEST_NONE, false,
	  NULL, run_ihave },
	{ "error", false, NULL, "S", "message", SIEVE_NEST_NONE, false, NULL,
	  run_error },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_ihave = {
	.name = "ihave",
	.defs = ihave_defs,
};

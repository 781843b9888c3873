/* ext_vnd_dovecot_debug.c: Dovecot's vnd.dovecot.debug extension, the
 * command
 *     debug_log <message: string>
 * which writes "DEBUG: message" (variables expanded) to deliver's log
 * with the script's other notes, as Pigeonhole writes it to the script's
 * log.  The message is the script's text: the log escapes control
 * characters as it does for every note; a long message is cut at the
 * note's size (SIEVE_MSG_MAX). */
#include "sieve_rt.h"

static int run_debug_log(struct sieve_rt *rt, const struct sieve_call *c)
{
	size_t len;
	const char *msg = sieve_rt_string(rt, c->positional[0]->strings,
	    &len);

	if (msg == NULL || sieve_rt_step(rt, c->pos, 1) < 0)
		return -1;
	sieve_rt_note(rt, "DEBUG: %s", msg);
	sieve_rt_trace(rt, "debug_log \"%.80s\"", msg);
	return 0;
}

static const struct sieve_def debug_defs[] = {
	{ "debug_log", false, NULL, "S", "message", SIEVE_NEST_NONE, false,
	  NULL, run_debug_log },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_vnd_dovecot_debug = {
	.name = "vnd.dovecot.debug",
	.defs = debug_defs,
};

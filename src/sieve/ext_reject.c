/* ext_reject.c: the "reject" and "ereject" extensions (RFC 5429): refuse
 * the message with a reason.  Both become ACTION_REJECT; how the refusal
 * reaches the sender (exit code or a notice by mail, reject_mode) is the
 * executor's choice (actions.c), as for libsieve.
 *
 * Rules as Pigeonhole 0.5.19 applies them: a reject cancels the implicit
 * keep; a second reject or ereject is an error; a reject together with an
 * action that tries to deliver the message (keep, fileinto, redirect,
 * with or without :copy) or that also answers the sender (vacation) is an
 * error whichever came first.  The actions after a reject are checked
 * when the script ends (the end hook): the message is then kept, as for
 * any failed script. */
#include <stdlib.h>

#include "sieve_rt.h"

extern const struct sieve_extension sieve_ext_reject, sieve_ext_ereject;

static const char *conflict_of(const struct action *a)
{
	switch (a->type) {
	case ACTION_KEEP:      return "keep";
	case ACTION_FILEINTO:  return "fileinto";
	case ACTION_REDIRECT:  return "redirect";
	case ACTION_VACATION:  return "vacation";
	default:               return NULL;
	}
}

static const char *conflict_why(const struct action *a)
{
	return a->type == ACTION_VACATION ? "also sends a response to the "
	    "sender" : "tries to deliver the message";
}

/* The first action of the plan a reject cannot stand with, or NULL. */
static const struct action *conflicting(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (conflict_of(&plan->actions[i]) != NULL)
			return &plan->actions[i];
	return NULL;
}

static bool has_reject(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->actions[i].type == ACTION_REJECT)
			return true;
	return false;
}

/* Where the reject stood, for the error the end hook raises. */
struct reject_state {
	struct sieve_pos pos;
};

static int remember_pos(struct sieve_rt *rt,
    const struct sieve_extension *ext, struct sieve_pos pos)
{
	void **slot = sieve_rt_ext_state(rt, ext);
	struct reject_state *st;

	if (slot == NULL)
		return 0;
	if (*slot == NULL && (*slot = calloc(1, sizeof *st)) == NULL)
		return sieve_rt_error(rt, pos, "out of memory");
	st = *slot;
	st->pos = pos;
	return 0;
}

static int run_reject(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_extension *ext = c->name[0] == 'e' ?
	    &sieve_ext_ereject : &sieve_ext_reject;
	const struct action *other;
	const char *reason = sieve_rt_string(rt, c->positional[0]->strings,
	    NULL);

	if (reason == NULL)
		return -1;
	if (has_reject(&rt->res->plan))
		return sieve_rt_error(rt, c->pos, "duplicate reject/ereject "
		    "action not allowed");
	if ((other = conflicting(&rt->res->plan)) != NULL)
		return sieve_rt_error(rt, c->pos, "reject/ereject action "
		    "conflicts with other action: the %s action %s",
		    conflict_of(other), conflict_why(other));
	if (sieve_rt_add_action(rt, c->pos, ACTION_REJECT, NULL, NULL, NULL,
	    reason) == NULL)
		return -1;
	sieve_rt_cancel_keep(rt);
	return remember_pos(rt, ext, c->pos);
}

/* An action added after the reject: the same conflict, found late. */
static int end_check(struct sieve_rt *rt, const struct sieve_extension *ext)
{
	void **slot = sieve_rt_ext_state(rt, ext);
	const struct reject_state *st = slot ? *slot : NULL;
	const struct action *other;

	if (st == NULL || (other = conflicting(&rt->res->plan)) == NULL)
		return 0;
	return sieve_rt_error(rt, st->pos, "reject/ereject action conflicts "
	    "with other action: the %s action %s", conflict_of(other),
	    conflict_why(other));
}

static int end_reject(struct sieve_rt *rt)
{
	return end_check(rt, &sieve_ext_reject);
}

static int end_ereject(struct sieve_rt *rt)
{
	return end_check(rt, &sieve_ext_ereject);
}

static const struct sieve_def reject_defs[] = {
	{ "reject", false, NULL, "S", "reason", SIEVE_NEST_NONE, false, NULL,
	  run_reject },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_def ereject_defs[] = {
	{ "ereject", false, NULL, "S", "reason", SIEVE_NEST_NONE, false, NULL,
	  run_reject },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_reject = {
	.name = "reject",
	.defs = reject_defs,
	.state_free = free,
	.end = end_reject,
};

const struct sieve_extension sieve_ext_ereject = {
	.name = "ereject",
	.defs = ereject_defs,
	.state_free = free,
	.end = end_ereject,
};

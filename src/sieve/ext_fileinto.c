/* ext_fileinto.c: the fileinto extension (RFC 5228 section 4.1): file the
 * message into a folder; cancels the implicit keep (unless another
 * extension's tag, copy's :copy, says otherwise).  A folder name that is
 * not UTF-8 is an error: when the script is checked if it is written out,
 * else when it runs. */
#include "rfc2047.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* A folder name written in the script (no variable in it) that is not
 * UTF-8 names no folder: a check error, as in Pigeonhole. */
static void check_fileinto(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_string *box = c->positional[0]->strings;

	if ((!sieve_check_requires(ck, "variables") ||
	    !sieve_vars_has_refs(box->value, box->len)) &&
	    !rfc2047_utf8_valid(box->value, box->len))
		sieve_check_error(ck, box->pos, "fileinto: invalid mailbox "
		    "name `%.80s' specified: not UTF-8", box->value);
}

/* The folder the required extensions' on_mailbox hooks make of box
 * (special-use's :specialuse), or NULL after a runtime error. */
static const char *hooked_mailbox(struct sieve_rt *rt,
    const struct sieve_call *c, const char *box)
{
	for (size_t i = 0; i < sieve_ext_count && box != NULL; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->on_mailbox != NULL &&
		    sieve_ext_set_has(&rt->required, e))
			box = e->on_mailbox(rt, c, box);
	}
	return box;
}

static int run_fileinto(struct sieve_rt *rt, const struct sieve_call *c)
{
	size_t len;
	const char *box = sieve_rt_string(rt, c->positional[0]->strings,
	    &len);
	struct action *a;

	if (box == NULL)
		return -1;
	/* a name made at run time (variables, encoded-character) that is
	 * not UTF-8 names no folder: a runtime error, as in Pigeonhole */
	if (!rfc2047_utf8_valid(box, len))
		return sieve_rt_error(rt, c->pos, "fileinto: invalid folder "
		    "name (not UTF-8)");
	if ((box = hooked_mailbox(rt, c, box)) == NULL)
		return -1;
	a = sieve_rt_add_action(rt, c->pos, ACTION_FILEINTO, box, NULL, NULL,
	    NULL);
	/* copy's :copy (RFC 3894) leaves the implicit keep alone */
	return a ? sieve_rt_action_done(rt, c, a,
	    sieve_call_tag(c, "copy") == NULL) : -1;
}

static const struct sieve_def fileinto_defs[] = {
	{ "fileinto", false, NULL, "S", "folder", SIEVE_NEST_NONE, false,
	  check_fileinto, run_fileinto },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_fileinto = {
	.name = "fileinto",
	.defs = fileinto_defs,
};

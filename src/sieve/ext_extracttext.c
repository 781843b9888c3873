/* ext_extracttext.c: the extracttext extension (RFC 5703 section 7) as an
 * entry of the extension table: "extracttext [MODIFIER] [:first
 * <number>] <varname>" sets a variable to the text of the part the
 * innermost foreverypart is at.
 *
 * As Pigeonhole 0.5.19: the script must require variables and
 * foreverypart too, the command must sit inside a foreverypart loop, a
 * part with parts inside it (a multipart, a message/rfc822) gives "",
 * the text is the content with its transfer encoding undone, converted
 * to UTF-8 and, for HTML, without markup, and :first counts bytes.
 * set's modifiers apply (RFC 5229 section 4), then the variable size
 * limit.
 *
 * Bounded: a part's text is read from the file in bounded pieces
 * (sieve_mime.h) and at most sieve_body_max bytes of it are kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "ext_foreverypart.h"
#include "ext_variables.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* Bytes of a part's text one extracttext reads at most when
 * sieve_body_max is not set (the same cap as body's; before :first and
 * the modifiers, so that :length sees more than a variable holds, and
 * HTML is read whole before its markup goes). */
#define EXTRACTTEXT_MAX   (1024 * 1024)
static const struct sieve_tag extracttext_tags[] = {
	{ "first", SIEVE_ARGT_NUMBER, SIEVE_TG_NONE, NULL },
	SIEVE_VARS_MODIFIER_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static void check_extracttext(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	const struct sieve_command *up;
	char err[300];

	if (sieve_vars_check_name(name->value, name->len, err,
	    sizeof err) < 0) {
		sieve_check_error(ck, name->pos, "%s", err);
		return;
	}
	if (sieve_vars_check_modifiers(ck, c, true))
		return;
	for (size_t i = 0; (up = sieve_check_enclosing(ck, i)) != NULL; i++)
		if (strcmp(up->name, "foreverypart") == 0)
			return;
	sieve_check_error(ck, c->pos, "the extracttext command is not placed "
	    "inside a foreverypart loop");
}

/* The text of part i (malloced in *out), at most max bytes. */
static int part_text(struct sieve_rt *rt, const struct mime_part *parts,
    size_t n, size_t i, size_t max, char **out, size_t *len)
{
	const struct mime_part *p = &parts[i];
	unsigned flags = MIME_CONTENT_DECODE | MIME_CONTENT_TEXT;
	bool truncated;

	*out = NULL;
	*len = 0;
	if (sieve_fep_has_children(parts, n, i))
		return 0;
	/* text is converted to UTF-8; other content stays as decoded */
	if (strncasecmp(p->content_type, "text/", 5) == 0 ||
	    p->charset[0] != '\0')
		flags |= MIME_CONTENT_UTF8;
	if (mime_part_content(rt->env->message, p, flags, max, out, len,
	    &truncated) < 0)
		return sieve_rt_error(rt, rt->pos, "extracttext: cannot read "
		    "the message: %s", strerror(errno));
	if (*len > max)
		*len = max;
	return 0;
}

static int run_extracttext(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_string *name = c->positional[0]->strings;
	const struct sieve_arg *first = sieve_call_tag_value(c, "first");
	const char *mods[SIEVE_VARS_MODIFIERS_MAX];
	const struct mime_part *parts;
	size_t n, nmods, len = 0, outlen;
	size_t max = EXTRACTTEXT_MAX;
	char *text = NULL, *out;
	bool no_file;
	long cur = sieve_fep_current(rt);
	int rc;

	if (rt->vars == NULL || cur < 0)
		return sieve_rt_error(rt, c->pos, "extracttext outside "
		    "foreverypart context");
	if (sieve_fep_parts(rt, &parts, &n, &no_file) < 0)
		return -1;
	if (rt->env->cfg != NULL && rt->env->cfg->sieve_body_max > 0 &&
	    rt->env->cfg->sieve_body_max < max)
		max = (size_t)rt->env->cfg->sieve_body_max;
	if (!no_file && part_text(rt, parts, n, (size_t)cur, max, &text,
	    &len) < 0)
		return -1;
	/* :first counts bytes of the text, as Pigeonhole's */
	if (first != NULL && first->number < len)
		len = (size_t)first->number;
	if (sieve_rt_step(rt, c->pos, 1 + len / 1024) < 0) {
		free(text);
		return -1;
	}
	nmods = sieve_vars_call_modifiers(c, mods, SIEVE_VARS_MODIFIERS_MAX);
	rc = sieve_vars_modify_max(mods, nmods, text ? text : "", len,
	    rt->lim.max_variable_size, &out, &outlen);
	free(text);
	if (rc < 0)
		return sieve_rt_error(rt, c->pos, "extracttext: out of memory");
	rc = sieve_vars_set(rt->vars, name->value, out, outlen);
	if (rc == 0)
		sieve_rt_trace(rt, "extracttext \"%s\" = \"%.200s\"",
		    name->value, out);
	free(out);
	if (rc == -2)
		return sieve_rt_error(rt, c->pos, "extracttext: the variables "
		    "would hold more than %u MiB together",
		    SIEVE_VARS_TOTAL_MAX / (1024 * 1024));
	if (rc < 0)
		return sieve_rt_error(rt, c->pos, "extracttext: cannot set "
		    "variable '%s' (too many variables, or out of memory)",
		    name->value);
	return 0;
}

static const struct sieve_def extracttext_defs[] = {
	{ "extracttext", false, extracttext_tags, "S", "varname",
	  SIEVE_NEST_NONE, false, check_extracttext, run_extracttext },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const char *const extracttext_needs[] = {
	"variables", "foreverypart", NULL
};

const struct sieve_extension sieve_ext_extracttext = {
	.name = "extracttext",
	.defs = extracttext_defs,
	.needs = extracttext_needs,
};

/* ext_editheader.c: the "editheader" extension (RFC 5293): addheader
 * [:last] <field-name> <value> and deleteheader [:index N [:last]]
 * [COMPARATOR] [MATCH-TYPE] <field-name> [<value-patterns>].
 *
 * The edits go into the evaluation's edit layer (sieve_edit.h): every
 * later test reads the edited header, every later filing or redirect
 * takes the edited message.  As Pigeonhole 0.5.19 does it:
 *   - a field name must be 1 or more printable ASCII characters without
 *     ':' (an error when the script is checked, or at run time when it
 *     comes from a variable); a value must not hold NUL, nor be longer
 *     than sieve_editheader_max_header_size (default 2048, at least
 *     1024);
 *   - Received and Auto-Submitted cannot be deleted, X-Sieve-Redirected-
 *     From neither added nor deleted, Subject always both; the settings
 *     sieve_editheader_protected, _forbid_add and _forbid_delete name
 *     more (invalid names in them are ignored).  An edit of a protected
 *     header is skipped with a note, the script goes on;
 *   - deleteheader compares the decoded values; :index counts the
 *     occurrences of the name (from the end with :last), before any of
 *     them is deleted.
 * A value with line breaks is unfolded, one with 8-bit characters
 * RFC 2047-encoded (msgedit_encode_value); readers get it decoded.  An
 * added name is written as Pigeonhole writes it ("x-frop" -> "X-Frop"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "sieve_edit.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

#define MAX_HEADER_SIZE_DEFAULT 2048
#define MAX_HEADER_SIZE_MIN     1024

/* The settings the checker sees (it has no configuration of its own):
 * the last configuration an evaluation or the test runner passed. */
static const struct config *checker_cfg;

void sieve_editheader_configure(const struct config *cfg)
{
	checker_cfg = cfg;
}

static bool name_valid(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127 ||
		    s[i] == ':')
			return false;
	return true;
}

/* Whether the space-separated list names name (invalid entries never
 * match: a valid name cannot equal one). */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (list != NULL && *list != '\0') {
		size_t k;

		list += strspn(list, " \t");
		k = strcspn(list, " \t");
		if (k == n && strncasecmp(list, name, n) == 0)
			return true;
		list += k;
	}
	return false;
}

static bool allow_add(const struct config *cfg, const char *name)
{
	if (strcasecmp(name, "subject") == 0)
		return true;
	if (strcasecmp(name, "x-sieve-redirected-from") == 0)
		return false;
	return cfg == NULL || !(listed(cfg->sieve_editheader_protected, name) ||
	    listed(cfg->sieve_editheader_forbid_add, name));
}

static bool allow_delete(const struct config *cfg, const char *name)
{
	if (strcasecmp(name, "received") == 0 ||
	    strcasecmp(name, "auto-submitted") == 0 ||
	    strcasecmp(name, "x-sieve-redirected-from") == 0)
		return false;
	if (strcasecmp(name, "subject") == 0)
		return true;
	return cfg == NULL || !(listed(cfg->sieve_editheader_protected, name) ||
	    listed(cfg->sieve_editheader_forbid_delete, name));
}

static size_t max_header_size(const struct config *cfg)
{
	unsigned long long n;

	if (cfg == NULL || cfg->sieve_editheader_max_header_size == NULL ||
	    config_parse_size(cfg->sieve_editheader_max_header_size, &n) < 0 ||
	    n < MAX_HEADER_SIZE_MIN)
		return MAX_HEADER_SIZE_DEFAULT;
	return (size_t)n;
}

/* A constant string: no variable reference in it (or no variables). */
static bool literal(struct sieve_checker *ck, const struct sieve_string *s)
{
	return !(sieve_check_requires(ck, "variables") &&
	    sieve_vars_has_refs(s->value, s->len));
}

/* ---- checks ---- */

static void check_name(struct sieve_checker *ck, const char *cmd,
    const struct sieve_string *s)
{
	if (literal(ck, s) && !name_valid(s->value, s->len))
		sieve_check_error(ck, s->pos, "%s command: specified field "
		    "name `%.80s' is invalid", cmd, s->value);
}

static void check_addheader(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_string *v = c->positional[1]->strings;

	check_name(ck, "addheader", c->positional[0]->strings);
	if (!literal(ck, v))
		return;
	if (memchr(v->value, '\0', v->len) != NULL)
		sieve_check_error(ck, v->pos, "addheader command: specified "
		    "value `%.80s' is invalid (contains NUL character)",
		    v->value);
	else if (v->len > max_header_size(checker_cfg))
		sieve_check_error(ck, v->pos, "addheader command: specified "
		    "header value `%.80s' is too large (%zu bytes)", v->value,
		    v->len);
}

static void check_deleteheader(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_arg *last = sieve_call_tag(c, "last");

	if (last != NULL && sieve_call_tag(c, "index") == NULL)
		sieve_check_error(ck, last->pos, "the :last tag for the "
		    "deleteheader command cannot be specified without the "
		    ":index tag");
	check_name(ck, "deleteheader", c->positional[0]->strings);
	if (c->npositional > 1)
		sieve_check_match_args(ck, c);
}

/* ---- addheader ---- */

/* The name as Pigeonhole writes an added field: lower case but for the
 * first letter and each after a '-' ("x-frop" -> "X-Frop"). */
static void canonical_name(char *name)
{
	bool up = true;

	for (char *p = name; *p != '\0'; p++) {
		*p = up ? (char)toupper((unsigned char)*p) :
		    (char)tolower((unsigned char)*p);
		up = *p == '-';
	}
}

static int run_addheader(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct config *cfg = rt->env->cfg;
	size_t nlen, vlen;
	const char *name = sieve_rt_string(rt, c->positional[0]->strings,
	    &nlen);
	const char *value = sieve_rt_string(rt, c->positional[1]->strings,
	    &vlen);
	struct msgedit *list;
	char *enc, *field;
	int rc;

	if (name == NULL || value == NULL)
		return -1;
	if (!name_valid(name, nlen))
		return sieve_rt_error(rt, c->pos, "addheader action: specified "
		    "field name `%.80s' is invalid", name);
	if (!allow_add(cfg, name)) {
		sieve_rt_note(rt, "addheader action: adding specified header "
		    "field `%.80s' is forbidden; modification denied", name);
		return 0;
	}
	if (memchr(value, '\0', vlen) != NULL)
		return sieve_rt_error(rt, c->pos, "addheader action: specified "
		    "value `%.80s' is invalid (contains NUL character)", value);
	if (vlen > max_header_size(cfg))
		return sieve_rt_error(rt, c->pos, "addheader action: specified "
		    "header value `%.80s' is too large (%zu bytes)", value,
		    vlen);
	if ((list = sieve_edit_list(rt)) == NULL)
		return -1;
	if (list->added >= MSGEDIT_ADDED_MAX)
		return sieve_rt_error(rt, c->pos, "addheader action: more "
		    "than %d header fields added", MSGEDIT_ADDED_MAX);
	if ((enc = msgedit_encode_value(value, vlen)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	if ((field = sieve_rt_strndup(rt, name, nlen)) == NULL) {
		free(enc);
		return -1;
	}
	canonical_name(field);
	rc = msgedit_add(list, rt->edit->base->headers, field, enc,
	    sieve_call_tag(c, "last") != NULL);
	free(enc);
	if (rc < 0)
		return sieve_rt_error(rt, c->pos, "out of memory");
	sieve_rt_trace(rt, "    addheader \"%.80s\"", name);
	return sieve_edit_commit(rt);
}

/* ---- deleteheader ---- */

/* Whether occurrence number occ (1-based, in message order) of count is
 * the one :index [:last] names; every one without :index. */
static bool indexed(const struct sieve_call *c, size_t occ, size_t count)
{
	const struct sieve_arg *idx = sieve_call_tag_value(c, "index");

	if (idx == NULL)
		return true;
	if (sieve_call_tag(c, "last") != NULL)
		return idx->number == count - occ + 1;
	return idx->number == occ;
}

/* Which occurrences of name go: del[k] for the k-th (0-based). */
static int choose(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *names, bool *del, size_t count)
{
	struct sieve_strings values, keys, one;

	if (c->npositional < 2) {
		for (size_t k = 0; k < count; k++)
			del[k] = indexed(c, k + 1, count);
		return 0;
	}
	if (sieve_rt_strings(rt, c->positional[1], &keys) < 0 ||
	    sieve_rt_header_values(rt, names, &values) < 0)
		return -1;
	for (size_t k = 0; k < count && k < values.n; k++) {
		int m;

		del[k] = false;
		if (!indexed(c, k + 1, count))
			continue;
		one = (struct sieve_strings){ &values.v[k], &values.len[k], 1 };
		if ((m = sieve_rt_match(rt, c, &one, &keys)) < 0)
			return -1;
		del[k] = m > 0;
	}
	return 0;
}

static int run_deleteheader(struct sieve_rt *rt, const struct sieve_call *c)
{
	size_t nlen, count = 0, k = 0;
	const char *name = sieve_rt_string(rt, c->positional[0]->strings,
	    &nlen);
	struct sieve_strings names = { &name, &nlen, 1 };
	const struct header_index *view;
	struct msgedit *list;
	bool *del;

	if (name == NULL)
		return -1;
	if (!name_valid(name, nlen))
		return sieve_rt_error(rt, c->pos, "deleteheader action: "
		    "specified field name `%.80s' is invalid", name);
	if (!allow_delete(rt->env->cfg, name)) {
		sieve_rt_note(rt, "deleteheader action: deleting specified "
		    "header field `%.80s' is forbidden; modification denied",
		    name);
		return 0;
	}
	if ((list = sieve_edit_list(rt)) == NULL)
		return -1;
	view = rt->env->headers;
	count = header_count(view, name);
	if (count == 0)
		return 0;
	if ((del = sieve_rt_alloc(rt, count * sizeof *del)) == NULL ||
	    choose(rt, c, &names, del, count) < 0)
		return -1;
	/* back to front, so the positions before stay valid */
	k = count;
	for (size_t i = list->n; i-- > 0;) {
		if (strcasecmp(list->f[i].name, name) != 0)
			continue;
		if (del[--k])
			msgedit_delete(list, i);
	}
	return sieve_edit_commit(rt);
}

static const struct sieve_tag addheader_tags[] = {
	{ "last", SIEVE_ARGT_NONE, SIEVE_TG_PRIVATE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag deleteheader_tags[] = {
	{ "index", SIEVE_ARGT_NUMBER, SIEVE_TG_PRIVATE, NULL },
	{ "last", SIEVE_ARGT_NONE, SIEVE_TG_PRIVATE + 1, NULL },
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def editheader_defs[] = {
	{ "addheader", false, addheader_tags, "SS", "field-name|value",
	  SIEVE_NEST_NONE, false, check_addheader, run_addheader },
	{ "deleteheader", false, deleteheader_tags, "Sl",
	  "field name|value patterns", SIEVE_NEST_NONE, false,
	  check_deleteheader, run_deleteheader },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_editheader = {
	.name = "editheader",
	.defs = editheader_defs,
};

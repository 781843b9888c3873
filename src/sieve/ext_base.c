/* ext_base.c: the base language of RFC 5228 as an entry of the extension
 * table (the pseudo-extension "", always required): the control commands
 * (require, if, elsif, else, stop), the actions keep, discard and
 * redirect, and the tests address, header, exists, size, true, false,
 * not, anyof and allof.  if/elsif/else, not, anyof and allof have no run
 * function: the interpreter (interp.c) walks them itself. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_address.h"
#include "sieve_match.h"
#include "sieve_rt.h"

/* ---- shared tag sets ---- */

#define ADDRPART_TAGS \
	{ "all", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL }, \
	{ "localpart", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL }, \
	{ "domain", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL }

static const struct sieve_tag header_tags[] = {
	SIEVE_MATCH_TAGS, { NULL, SIEVE_ARGT_NONE, 0, NULL } };
static const struct sieve_tag address_tags[] = {
	SIEVE_MATCH_TAGS, ADDRPART_TAGS, { NULL, SIEVE_ARGT_NONE, 0, NULL } };
static const struct sieve_tag size_tags[] = {
	{ "over", SIEVE_ARGT_NONE, SIEVE_TG_SIZE, NULL },
	{ "under", SIEVE_ARGT_NONE, SIEVE_TG_SIZE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL } };

/* ---- actions ---- */

static int run_stop(struct sieve_rt *rt, const struct sieve_call *c)
{
	(void)c;
	rt->stopped = true;
	return 0;
}

static int run_keep(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct action *a = sieve_rt_add_action(rt, c->pos, ACTION_KEEP, NULL,
	    NULL, NULL, NULL);

	return a ? sieve_rt_action_done(rt, c, a, false) : -1;
}

static int run_discard(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct action *a = sieve_rt_add_action(rt, c->pos, ACTION_DISCARD,
	    NULL, NULL, NULL, NULL);

	return a ? sieve_rt_action_done(rt, c, a, true) : -1;
}

/* A redirect target as Pigeonhole reads it: one RFC 5322 mailbox (a
 * display name allowed), reduced to its address.  Malloced
 * "local@domain" (the local part quoted unless a Dot-string), or NULL when the string is no such address (or memory
 * runs out). */
/* Whether s holds a comma outside a quoted string: a list, never one
 * mailbox (RFC 5322 section 3.4 has no unquoted comma in a mailbox). */
static bool has_list_comma(const char *s, size_t len)
{
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		if (quoted && s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ',' && !quoted)
			return true;
	}
	return false;
}

static char *redirect_address(const char *s, size_t len)
{
	struct sieve_address_list l = { 0 };
	char *out = NULL;

	if (has_list_comma(s, len))
		return NULL;
	bool nomem;

	/* as SMTP writes it: a local part that is no Dot-string stays
	 * quoted ("S[r]us"@example.net), or it would name another address */
	if (sieve_address_list_parse(s, len, &l) == 0 && l.n == 1 &&
	    l.items[0].domain != NULL && *l.items[0].local != '\0' &&
	    *l.items[0].domain != '\0')
		out = sieve_address_part(&l.items[0], SIEVE_AP_ALL, "",
		    &nomem);
	sieve_address_list_free(&l);
	return out;
}

static void check_redirect(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_string *to = c->positional[0]->strings;
	char *addr;

	if (sieve_check_requires(ck, "variables") &&
	    strstr(to->value, "${") != NULL)
		return;      /* checked when it is known */
	if ((addr = redirect_address(to->value, to->len)) == NULL)
		sieve_check_error(ck, to->pos, "specified redirect address "
		    "'%s' is invalid", to->value);
	free(addr);
}

static int run_redirect(struct sieve_rt *rt, const struct sieve_call *c)
{
	size_t len;
	const char *to = sieve_rt_string(rt, c->positional[0]->strings, &len);
	struct action *a;
	char *addr;

	if (to == NULL)
		return -1;
	if ((addr = redirect_address(to, len)) == NULL)
		return sieve_rt_error(rt, c->pos, "specified redirect address "
		    "'%s' is invalid", to);
	a = sieve_rt_add_action(rt, c->pos, ACTION_REDIRECT, NULL, NULL, addr,
	    NULL);
	free(addr);
	/* copy's :copy (RFC 3894) leaves the implicit keep alone */
	return a ? sieve_rt_action_done(rt, c, a,
	    sieve_call_tag(c, "copy") == NULL) : -1;
}

/* ---- tests ---- */

static int run_true(struct sieve_rt *rt, const struct sieve_call *c)
{
	(void)rt;
	(void)c;
	return 1;
}

static int run_false(struct sieve_rt *rt, const struct sieve_call *c)
{
	(void)rt;
	(void)c;
	return 0;
}

static int run_size(struct sieve_rt *rt, const struct sieve_call *c)
{
	uint64_t limit = c->positional[0]->number;
	uint64_t size = rt->env->size < 0 ? 0 : (uint64_t)rt->env->size;

	if (sieve_call_tag(c, "over") != NULL)
		return size > limit;
	return size < limit;
}

static int run_header(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings names, keys, values;

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0 ||
	    sieve_rt_strings(rt, c->positional[1], &keys) < 0 ||
	    sieve_rt_call_header_values(rt, c, &names, false, &values) < 0)
		return -1;
	return sieve_rt_match(rt, c, &values, &keys);
}

static int run_exists(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct header_index *idx = rt->env->headers;
	struct sieve_strings names;

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		struct sieve_strings one = { &names.v[i], &names.len[i], 1 };
		struct sieve_strings values;

		if (sieve_rt_step(rt, c->pos, 1 + (idx ? idx->count / 64 :
		    0)) < 0)
			return -1;
		/* another source (mime's :mime): the name is there when it
		 * gives a value */
		if (c->args->kind == SIEVE_ARG_TAG) {
			if (sieve_rt_header_source(rt, c, &one, &values) < 0)
				return -1;
			if (values.n == 0)
				return 0;
			continue;
		}
		if (idx == NULL || memchr(names.v[i], '\0', names.len[i]) ||
		    header_count(idx, names.v[i]) == 0)
			return 0;
	}
	return 1;
}

/* The headers the address test may name (Pigeonhole 0.5.19's list: the
 * address headers of RFC 5322 and common non-standard ones); a name
 * holding a variable is not checked. */
static const char *const address_headers[] = {
	"from", "to", "cc", "bcc", "sender", "resent-from", "resent-to",
	"reply-to", "resent-reply-to", "resent-sender", "resent-cc",
	"resent-bcc", "for-approval", "for-handling", "for-comment",
	"apparently-to", "errors-to", "delivered-to", "return-receipt-to",
	"x-admin", "read-receipt-to", "x-confirm-reading-to",
	"return-receipt-requested", "registered-mail-reply-requested-by",
	"mail-followup-to", "mail-reply-to", "abuse-reports-to",
	"x-complaints-to", "x-report-abuse-to", "x-beenthere",
	"x-original-to", NULL
};

static bool address_header(const char *name)
{
	for (const char *const *h = address_headers; *h; h++)
		if (strcasecmp(*h, name) == 0)
			return true;
	return false;
}

static void check_address(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	bool vars = sieve_check_requires(ck, "variables");

	for (const struct sieve_string *s = c->positional[0]->strings; s;
	    s = s->next) {
		if (vars && strstr(s->value, "${") != NULL)
			continue;
		if (!address_header(s->value)) {
			sieve_check_error(ck, s->pos, "specified header '%s' "
			    "is not allowed for the address test", s->value);
			return;
		}
	}
	sieve_check_match_args(ck, c);
}

static int run_address(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings names, keys, values, parts;

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0 ||
	    sieve_rt_strings(rt, c->positional[1], &keys) < 0 ||
	    sieve_rt_call_header_values(rt, c, &names, false, &values) < 0 ||
	    sieve_rt_address_values(rt, c, &values, false, &parts) < 0)
		return -1;
	return sieve_rt_match(rt, c, &parts, &keys);
}

static const struct sieve_def base_defs[] = {
	{ "require", false, NULL, "L", "capabilities", SIEVE_NEST_NONE, false,
	  NULL, NULL },
	{ "if", false, NULL, "", NULL, SIEVE_NEST_TEST, true, NULL, NULL },
	{ "elsif", false, NULL, "", NULL, SIEVE_NEST_TEST, true, NULL, NULL },
	{ "else", false, NULL, "", NULL, SIEVE_NEST_NONE, true, NULL, NULL },
	{ "stop", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_stop },
	{ "keep", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_keep },
	{ "discard", false, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_discard },
	{ "redirect", false, NULL, "S", "address", SIEVE_NEST_NONE, false,
	  check_redirect, run_redirect },
	{ "address", true, address_tags, "LL", "header list|key list",
	  SIEVE_NEST_NONE, false, check_address, run_address },
	{ "header", true, header_tags, "LL", "header names|key list",
	  SIEVE_NEST_NONE, false, sieve_check_match_args, run_header },
	{ "exists", true, NULL, "L", "header names", SIEVE_NEST_NONE, false,
	  NULL, run_exists },
	{ "size", true, size_tags, "N", "limit", SIEVE_NEST_NONE, false, NULL,
	  run_size },
	{ "true", true, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_true },
	{ "false", true, NULL, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_false },
	{ "not", true, NULL, "", NULL, SIEVE_NEST_TEST, false, NULL, NULL },
	{ "anyof", true, NULL, "", NULL, SIEVE_NEST_TESTLIST, false, NULL,
	  NULL },
	{ "allof", true, NULL, "", NULL, SIEVE_NEST_TESTLIST, false, NULL,
	  NULL },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const char *const base_comparators[] = {
	"i;octet", "i;ascii-casemap", NULL
};

const struct sieve_extension sieve_ext_base = {
	.name = "",
	.defs = base_defs,
	.comparators = base_comparators,
};

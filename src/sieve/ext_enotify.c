/* ext_enotify.c: the "enotify" extension (RFC 5435) with its one method,
 * mailto (RFC 5436, notify_mailto.h):
 *
 *   notify [:from S] [:importance "1"|"2"|"3"] [:options L] [:message S]
 *          <method URI>
 *   valid_notify_method <URIs>
 *   notify_method_capability [COMPARATOR] [MATCH-TYPE] <URI> <capability>
 *          <keys>
 *
 * and the :encodeurl modifier of set (sieve_vars_modify.c; its check in
 * ext_variables.c asks for this extension).
 *
 * As in Pigeonhole 0.5.19: a constant URI, :from, :importance and
 * :options are checked when the script is compiled (scheme, method,
 * the mailto syntax, the mailbox, option syntax; mailto takes no options,
 * so valid ones are ignored); at run time an invalid URI or :from is an
 * error of the script.  A notify whose recipients all have a notification
 * from an earlier notify of this message is dropped, and the ones they
 * share are left out of it (RFC 5435 section 3.8 asks not to notify
 * twice).  The command only plans ACTION_NOTIFY; the mail goes out after
 * the message is filed (actions.c, notify_mail.c), and never for a
 * message whose Auto-Submitted is other than "no". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "notify_mailto.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* ---- method URIs ---- */

enum uri_check { URI_OK, URI_BAD_SCHEME, URI_BAD_METHOD, URI_BAD_MAILTO };

/* RFC 3986's scheme, then "mailto" as the only method. */
static enum uri_check check_uri(const char *uri, struct mailto_uri *parsed,
    char *err, size_t errlen)
{
	const char *p = uri, *body;
	struct mailto_uri scratch;

	if (!isalpha((unsigned char)*p))
		return URI_BAD_SCHEME;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	if (*p != ':')
		return URI_BAD_SCHEME;
	if (!mailto_scheme(uri, &body))
		return URI_BAD_METHOD;
	if (mailto_parse(body, parsed ? parsed : &scratch, err, errlen) != 0)
		return URI_BAD_MAILTO;
	if (parsed == NULL)
		mailto_free(&scratch);
	return URI_OK;
}

/* The error text for a failed check_uri (scheme shown up to ':'). */
static void uri_error(enum uri_check r, const char *uri, const char *why,
    char *out, size_t outlen)
{
	if (r == URI_BAD_SCHEME)
		(void)snprintf(out, outlen, "invalid scheme part for method "
		    "URI '%.80s'", uri);
	else if (r == URI_BAD_METHOD)
		(void)snprintf(out, outlen, "invalid method '%.*s'",
		    (int)strcspn(uri, ":"), uri);
	else
		(void)snprintf(out, outlen, "invalid mailto URI '%.80s': %s",
		    uri, why);
}

/* ---- options ---- */

/* "<optionname>=<value>" (RFC 5435 section 8.1): name l-d *l-d-p,
 * value without CR or LF.  NULL, or what is wrong. */
static const char *option_error(const char *opt, size_t len, bool name_only)
{
	size_t i = 0;

	if (len == 0)
		return "empty option specified";
	if (isalnum((unsigned char)opt[0]))
		for (i = 1; i < len && (isalnum((unsigned char)opt[i]) ||
		    opt[i] == '.' || opt[i] == '-' || opt[i] == '_'); i++)
			;
	if (i == 0 || i >= len || opt[i] != '=')
		return "invalid option name specified";
	if (!name_only && (memchr(opt, '\r', len) || memchr(opt, '\n', len) ||
	    memchr(opt, '\0', len)))
		return "invalid option value specified";
	return NULL;
}

/* ---- checks ---- */

static bool is_constant(struct sieve_checker *ck, const struct sieve_string *s)
{
	return !sieve_check_requires(ck, "variables") ||
	    !sieve_vars_has_refs(s->value, s->len);
}

static void check_importance(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	const char *v = val->strings->value;

	(void)tag;
	if (v[0] < '1' || v[0] > '3' || v[1] != '\0')
		sieve_check_error(ck, val->pos, "invalid :importance value "
		    "for notify command: %.40s", v);
}

static void check_from(struct sieve_checker *ck, const struct sieve_arg *tag,
    const struct sieve_arg *val)
{
	char addr[1024];
	const struct sieve_string *s = val->strings;

	(void)tag;
	if (is_constant(ck, s) && mailto_mailbox(s->value, addr,
	    sizeof addr) != 0)
		sieve_check_error(ck, val->pos, "specified :from address "
		    "'%.128s' is invalid for the mailto method", s->value);
}

static void check_options(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)tag;
	for (const struct sieve_string *s = val->strings; s; s = s->next) {
		bool constant = is_constant(ck, s);
		const char *why = option_error(s->value, s->len, !constant);

		/* a variable option is checked for its name only, quietly */
		if (why != NULL && constant)
			sieve_check_error(ck, s->pos, "notify command: %s "
			    "in option '%.80s'", why, s->value);
	}
}

static void check_notify(struct sieve_checker *ck, const struct sieve_call *c)
{
	const struct sieve_string *uri = c->positional[0]->strings;
	char why[MAILTO_ERR_MAX], msg[400];
	enum uri_check r;

	if (!is_constant(ck, uri))
		return;
	r = check_uri(uri->value, NULL, why, sizeof why);
	if (r != URI_OK) {
		uri_error(r, uri->value, why, msg, sizeof msg);
		sieve_check_error(ck, uri->pos, "notify command: %s", msg);
	}
}

/* ---- notify ---- */

struct notify_args {
	const char *uri, *from, *message;
	unsigned importance;
};

static int notify_args(struct sieve_rt *rt, const struct sieve_call *c,
    struct notify_args *n)
{
	const struct sieve_arg *from = sieve_call_tag_value(c, "from");
	const struct sieve_arg *msg = sieve_call_tag_value(c, "message");
	const struct sieve_arg *imp = sieve_call_tag_value(c, "importance");
	const char *v;

	memset(n, 0, sizeof *n);
	n->importance = 2;
	if ((n->uri = sieve_rt_string(rt, c->positional[0]->strings,
	    NULL)) == NULL)
		return -1;
	if (from != NULL && (n->from = sieve_rt_string(rt, from->strings,
	    NULL)) == NULL)
		return -1;
	if (msg != NULL && (n->message = sieve_rt_string(rt, msg->strings,
	    NULL)) == NULL)
		return -1;
	if (imp != NULL) {
		if ((v = sieve_rt_string(rt, imp->strings, NULL)) == NULL)
			return -1;
		/* Pigeonhole keeps it within 1..3 */
		n->importance = v[0] == '1' ? 1 : v[0] == '3' ? 3 : 2;
	}
	return 0;
}

/* Options a method does not take are ignored; bad ones noted. */
static int note_options(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *opts = sieve_call_tag_value(c, "options");
	struct sieve_strings list;
	const char *why;

	if (opts == NULL)
		return 0;
	if (sieve_rt_strings(rt, opts, &list) < 0)
		return -1;
	for (size_t i = 0; i < list.n; i++)
		if ((why = option_error(list.v[i], list.len[i], false)) != NULL)
			sieve_rt_note(rt, "notify: %s in option '%.*s'", why,
			    (int)(list.len[i] > 80 ? 80 : list.len[i]),
			    list.v[i]);
	return 0;
}

/* Leave out of u the recipients an earlier enotify already has. */
static size_t drop_known(const struct plan *p, struct mailto_uri *u)
{
	for (size_t i = 0; i < p->count && u->nrcpt > 0; i++) {
		const struct action *a = &p->actions[i];
		struct mailto_uri old;
		const char *body;
		char err[MAILTO_ERR_MAX];

		if (a->type != ACTION_NOTIFY || a->notify_kind !=
		    NOTIFY_ENOTIFY || a->address == NULL ||
		    !mailto_scheme(a->address, &body) ||
		    mailto_parse(body, &old, err, sizeof err) != 0)
			continue;
		mailto_drop_known(u, &old);
		mailto_free(&old);
	}
	return u->nrcpt;
}

static int run_notify(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct notify_args n;
	struct mailto_uri u;
	struct action *a;
	char why[MAILTO_ERR_MAX], msg[400], addr[1024];
	enum uri_check r;
	size_t left;

	if (notify_args(rt, c, &n) < 0 || note_options(rt, c) < 0)
		return -1;
	if (n.from != NULL && mailto_mailbox(n.from, addr, sizeof addr) != 0)
		return sieve_rt_error(rt, c->pos, "notify: specified :from "
		    "address '%.128s' is invalid for the mailto method",
		    n.from);
	if ((r = check_uri(n.uri, &u, why, sizeof why)) != URI_OK) {
		uri_error(r, n.uri, why, msg, sizeof msg);
		return sieve_rt_error(rt, c->pos, "notify: %s", msg);
	}
	left = drop_known(&rt->res->plan, &u);
	mailto_free(&u);
	if (left == 0) {
		sieve_rt_trace(rt, "notify: every recipient of '%s' is "
		    "already notified", n.uri);
		return 0;
	}
	a = sieve_rt_add_action(rt, c->pos, ACTION_NOTIFY, NULL, NULL, n.uri,
	    n.message);
	if (a == NULL)
		return -1;
	a->notify_kind = NOTIFY_ENOTIFY;
	a->importance = n.importance;
	if (n.from != NULL && (a->from = strdup(n.from)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	return sieve_rt_action_done(rt, c, a, false);
}

/* ---- the tests ---- */

static int run_valid_method(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings uris;
	char why[MAILTO_ERR_MAX];

	if (sieve_rt_strings(rt, c->positional[0], &uris) < 0)
		return -1;
	for (size_t i = 0; i < uris.n; i++) {
		const char *uri = sieve_rt_strndup(rt, uris.v[i], uris.len[i]);

		if (uri == NULL)
			return -1;
		if (strlen(uri) != uris.len[i] ||
		    check_uri(uri, NULL, why, sizeof why) != URI_OK)
			return 0;
	}
	return 1;
}

/* mailto's one capability: "online" is "maybe" (RFC 5436 section 2.4),
 * for a valid URI. */
static int run_method_capability(struct sieve_rt *rt,
    const struct sieve_call *c)
{
	static const char *const maybe[] = { "maybe" };
	static const size_t maybe_len[] = { 5 };
	const struct sieve_strings value = { maybe, maybe_len, 1 };
	const char *uri, *cap;
	struct sieve_strings keys;
	char why[MAILTO_ERR_MAX], msg[400];
	enum uri_check r;

	if ((uri = sieve_rt_string(rt, c->positional[0]->strings, NULL)) ==
	    NULL || (cap = sieve_rt_string(rt, c->positional[1]->strings,
	    NULL)) == NULL || sieve_rt_strings(rt, c->positional[2], &keys) < 0)
		return -1;
	r = check_uri(uri, NULL, why, sizeof why);
	if (r == URI_BAD_SCHEME || r == URI_BAD_METHOD) {
		/* Pigeonhole reports it and goes on with the test false */
		uri_error(r, uri, why, msg, sizeof msg);
		sieve_rt_note(rt, "notify_method_capability: %s", msg);
	}
	if (r != URI_OK || strcasecmp(cap, "online") != 0)
		return 0;
	return sieve_rt_match(rt, c, &value, &keys);
}

/* ---- the table ---- */

static const struct sieve_tag notify_tags[] = {
	{ "from", SIEVE_ARGT_STRING, SIEVE_TG_NONE, check_from },
	{ "importance", SIEVE_ARGT_STRING, SIEVE_TG_NONE, check_importance },
	{ "options", SIEVE_ARGT_LIST, SIEVE_TG_NONE, check_options },
	{ "message", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag capability_tags[] = {
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def enotify_defs[] = {
	{ "notify", false, notify_tags, "S", "method", SIEVE_NEST_NONE, false,
	  check_notify, run_notify },
	{ "valid_notify_method", true, NULL, "L", "notification-uris",
	  SIEVE_NEST_NONE, false, NULL, run_valid_method },
	{ "notify_method_capability", true, capability_tags, "SSL",
	  "notification-uri|notification-capability|key-list", SIEVE_NEST_NONE,
	  false, sieve_check_match_args, run_method_capability },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

/* variables' modifier (RFC 5435 section 6) */
static const struct sieve_tag_add enotify_tag_adds[] = {
	{ "set", { "encodeurl", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL } },
	{ "extracttext", { "encodeurl", SIEVE_ARGT_NONE, SIEVE_TG_NONE,
	  NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_enotify = {
	.name = "enotify",
	.defs = enotify_defs,
	.tag_adds = enotify_tag_adds,
};

/* ext_notify.c: the deprecated "notify" extension (draft-martin-sieve-
 * notify-01) that Pigeonhole 0.5.19 still runs and real scripts still
 * use:
 *
 *   notify [:method "mailto"] [:id S] [:options <addresses>]
 *          [:low | :normal | :high] [:message S]
 *   denotify [:is S | :contains S | :matches S] [:low | :normal | :high]
 *
 * notify sends a mail to each :options address after the message is
 * filed (no :options: nothing is sent); the message may hold $from$,
 * $env-from$, $subject$, $text$ and $text[N]$, filled in when the mail is
 * composed (notify_mail.c), "$from$: $subject$" when there is none.
 * denotify cancels the notifications planned so far whose :id matches
 * (i;octet) and whose importance is the one given.  As in Pigeonhole:
 * the importance defaults to :high, and a denotify without an importance
 * tag cancels only :high ones (Pigeonhole turns its "any" into 1); an
 * address given twice, or already notified by an earlier notify, gets one
 * notification; at most 8 recipients; an invalid address is an error.
 *
 * The plan holds the recipients as a mailto URI (notify_mailto.h), so one
 * parser and one sender serve both notify extensions.  The extension
 * cannot be used together with enotify (sieve_ext_check.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "growbuf.h"
#include "notify_mailto.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

#define LEGACY_DEFAULT_IMPORTANCE 1

static unsigned importance_of(const struct sieve_call *c, unsigned dflt)
{
	if (sieve_call_tag(c, "low") != NULL)
		return 3;
	if (sieve_call_tag(c, "normal") != NULL)
		return 2;
	if (sieve_call_tag(c, "high") != NULL)
		return 1;
	return dflt;
}

/* ---- checks ---- */

static void check_method(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	const struct sieve_string *s = val->strings;

	if (sieve_check_requires(ck, "variables") &&
	    sieve_vars_has_refs(s->value, s->len))
		return;
	if (strcasecmp(s->value, "mailto") != 0)
		sieve_check_error(ck, tag->pos, "the notify command of the "
		    "deprecated notify extension only supports the 'mailto' "
		    "notification method");
}

static void check_options(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	char addr[1024];

	(void)tag;
	for (const struct sieve_string *s = val->strings; s; s = s->next) {
		if (sieve_check_requires(ck, "variables") &&
		    sieve_vars_has_refs(s->value, s->len))
			continue;
		if (mailto_mailbox(s->value, addr, sizeof addr) != 0)
			sieve_check_error(ck, s->pos, "specified :options "
			    "address '%.128s' is invalid for the mailto notify "
			    "method", s->value);
	}
}

/* ---- notify ---- */

/* The addresses as the to part of a mailto URI, each byte but RFC 3986's
 * unreserved ones percent-encoded, separated by %2C. */
static char *addresses_uri(const struct sieve_strings *list)
{
	struct growbuf b = { 0 };
	char hex[4];

	growbuf_add(&b, "mailto:", 7);
	for (size_t i = 0; i < list->n; i++) {
		if (i > 0)
			growbuf_add(&b, "%2C", 3);
		for (size_t k = 0; k < list->len[i]; k++) {
			unsigned char ch = (unsigned char)list->v[i][k];

			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
				growbuf_add(&b, &ch, 1);
				continue;
			}
			(void)snprintf(hex, sizeof hex, "%%%02X", ch);
			growbuf_add(&b, hex, 3);
		}
	}
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

/* Every :options address valid (else the script fails, as in
 * Pigeonhole). */
static int check_addresses(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *list)
{
	char addr[1024];

	for (size_t i = 0; i < list->n; i++) {
		const char *one = sieve_rt_strndup(rt, list->v[i], list->len[i]);

		if (one == NULL)
			return -1;
		if (strlen(one) != list->len[i] || mailto_mailbox(one, addr,
		    sizeof addr) != 0)
			return sieve_rt_error(rt, c->pos, "specified :options "
			    "address '%.128s' is invalid for the deprecated "
			    "notify command", one);
	}
	return 0;
}

/* The recipients of uri an earlier deprecated notify does not have. */
static size_t new_recipients(const struct plan *p, const char *uri)
{
	struct mailto_uri u, old;
	char err[MAILTO_ERR_MAX];
	const char *body;
	size_t left;

	if (!mailto_scheme(uri, &body) || mailto_parse(body, &u, err,
	    sizeof err) != 0)
		return 0;
	for (size_t i = 0; i < p->count; i++) {
		const struct action *a = &p->actions[i];

		if (a->type != ACTION_NOTIFY || a->notify_kind !=
		    NOTIFY_LEGACY || a->address == NULL ||
		    !mailto_scheme(a->address, &body) ||
		    mailto_parse(body, &old, err, sizeof err) != 0)
			continue;
		mailto_drop_known(&u, &old);
		mailto_free(&old);
	}
	left = u.nrcpt;
	mailto_free(&u);
	return left;
}

static int add_notify(struct sieve_rt *rt, const struct sieve_call *c,
    const char *uri)
{
	const struct sieve_arg *msg = sieve_call_tag_value(c, "message");
	const struct sieve_arg *id = sieve_call_tag_value(c, "id");
	const char *text = NULL, *idv = NULL;
	struct action *a;

	if ((msg != NULL && (text = sieve_rt_string(rt, msg->strings,
	    NULL)) == NULL) || (id != NULL && (idv = sieve_rt_string(rt,
	    id->strings, NULL)) == NULL))
		return -1;
	if ((a = sieve_rt_add_action(rt, c->pos, ACTION_NOTIFY, NULL, NULL,
	    uri, text)) == NULL)
		return -1;
	a->notify_kind = NOTIFY_LEGACY;
	a->importance = importance_of(c, LEGACY_DEFAULT_IMPORTANCE);
	if (idv != NULL && (a->handle = strdup(idv)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	return sieve_rt_action_done(rt, c, a, false);
}

static int run_notify(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *opts = sieve_call_tag_value(c, "options");
	struct sieve_strings list;
	char *uri;
	int rc;

	if (opts == NULL)       /* no recipients: nothing to send */
		return 0;
	if (sieve_rt_strings(rt, opts, &list) < 0 ||
	    check_addresses(rt, c, &list) < 0)
		return -1;
	if ((uri = addresses_uri(&list)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	if (new_recipients(&rt->res->plan, uri) == 0) {
		sieve_rt_trace(rt, "notify: every recipient is already "
		    "notified");
		free(uri);
		return 0;
	}
	rc = add_notify(rt, c, uri);
	free(uri);
	return rc;
}

/* ---- denotify ---- */

/* The match type and key of a denotify (:is by default, no key: every
 * notification). */
struct denotify_key {
	enum sieve_match_type type;
	const char *key;
	size_t len;
};

static int denotify_key(struct sieve_rt *rt, const struct sieve_call *c,
    struct denotify_key *k)
{
	static const struct { const char *tag; enum sieve_match_type mt; }
	    types[] = { { "is", SIEVE_MT_IS }, { "contains",
	    SIEVE_MT_CONTAINS }, { "matches", SIEVE_MT_MATCHES } };

	memset(k, 0, sizeof *k);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const struct sieve_arg *v = sieve_call_tag_value(c,
		    types[i].tag);

		if (v == NULL)
			continue;
		k->type = types[i].mt;
		if ((k->key = sieve_rt_string(rt, v->strings, &k->len)) ==
		    NULL)
			return -1;
	}
	return 0;
}

/* Whether the :id of a matches the key, as i;octet compares. */
static bool denotify_matches(const struct denotify_key *k,
    const struct action *a)
{
	struct sieve_matcher m = { .type = k->type, .cmp = SIEVE_CMP_OCTET };
	struct sieve_match_values mv = { 0 };
	const char *id = a->handle;
	size_t idlen = id ? strlen(id) : 0;
	struct sieve_strings values = { &id, &idlen, 1 };
	struct sieve_strings keys = { &k->key, &k->len, 1 };
	char why[256];
	int rc;

	if (k->key == NULL)     /* no match type: every notification */
		return true;
	if (id == NULL)
		return false;
	rc = sieve_match(&m, &values, &keys, &mv, why, sizeof why);
	sieve_match_values_clear(&mv);
	return rc == 1;
}

/* The strings a notify action holds (plan_add's and ours). */
static void free_notify(struct action *a)
{
	free(a->address);
	free(a->text);
	free(a->handle);
	free(a->from);
}

static int run_denotify(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct plan *p = &rt->res->plan;
	unsigned importance = importance_of(c, 1);
	struct denotify_key k;
	size_t kept = 0;

	if (denotify_key(rt, c, &k) < 0)
		return -1;
	for (size_t i = 0; i < p->count; i++) {
		struct action *a = &p->actions[i];

		if (a->type == ACTION_NOTIFY && a->notify_kind ==
		    NOTIFY_LEGACY && a->importance == importance &&
		    denotify_matches(&k, a)) {
			free_notify(a);
			continue;
		}
		p->actions[kept++] = *a;
	}
	p->count = kept;
	return 0;
}

/* ---- the table ---- */

#define TG_IMPORTANCE (SIEVE_TG_PRIVATE + 1)
#define TG_MATCHKEY   (SIEVE_TG_PRIVATE + 2)

#define IMPORTANCE_TAGS \
	{ "low", SIEVE_ARGT_NONE, TG_IMPORTANCE, NULL }, \
	{ "normal", SIEVE_ARGT_NONE, TG_IMPORTANCE, NULL }, \
	{ "high", SIEVE_ARGT_NONE, TG_IMPORTANCE, NULL }

static const struct sieve_tag notify_tags[] = {
	{ "method", SIEVE_ARGT_STRING, SIEVE_TG_NONE, check_method },
	{ "id", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ "options", SIEVE_ARGT_LIST, SIEVE_TG_NONE, check_options },
	{ "message", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	IMPORTANCE_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag denotify_tags[] = {
	{ "is", SIEVE_ARGT_STRING, TG_MATCHKEY, NULL },
	{ "contains", SIEVE_ARGT_STRING, TG_MATCHKEY, NULL },
	{ "matches", SIEVE_ARGT_STRING, TG_MATCHKEY, NULL },
	IMPORTANCE_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def notify_defs[] = {
	{ "notify", false, notify_tags, "", NULL, SIEVE_NEST_NONE, false, NULL,
	  run_notify },
	{ "denotify", false, denotify_tags, "", NULL, SIEVE_NEST_NONE, false,
	  NULL, run_denotify },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_notify = {
	.name = "notify",
	.defs = notify_defs,
};

/* ext_vacation.c: the "vacation" extension (RFC 5230) and
 * "vacation-seconds" (RFC 6131, which adds :seconds and implies
 * vacation):
 *
 *   vacation [:days N | :seconds N] [:subject S] [:from S]
 *            [:addresses L] [:mime] [:handle S] <reason>
 *
 * The command only plans ACTION_VACATION; whether a reply goes out (null
 * sender, lists, Auto-Submitted, Precedence, system senders, the user not
 * among the recipients, already answered within the period) is decided
 * when the message is safe, by actions.c, for both engines alike.
 *
 * The period is clamped to sieve_vacation_min_period and
 * sieve_vacation_max_period (Pigeonhole's settings; default 1 day and no
 * maximum, or vacation_min_days / vacation_max_days where those are set);
 * without :days or :seconds it is 7 days.  A period of 0 (only when the
 * minimum is 0) answers every message.  Without :handle the response is
 * identified by a hash of :subject, :from, :mime and the reason as
 * written, before variables are expanded (RFC 5230 section 4.2), the same
 * hash the libsieve adapter makes.  One vacation per script; with a
 * reject it is an error (both answer the sender). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_match.h"
#include "sieve_rt.h"

#define DAY_SECONDS 86400ULL
#define VACATION_DEFAULT_PERIOD (7 * DAY_SECONDS)
#define ADDRESSES_MAX 64            /* :addresses entries kept */

/* ---- the period ---- */

static void period_bounds(const struct sieve_env *env,
    unsigned long long *min, unsigned long long *max)
{
	const struct config *cfg = env->cfg;

	*min = (env->vacation_min_days ? env->vacation_min_days : 1) *
	    DAY_SECONDS;
	*max = env->vacation_max_days * DAY_SECONDS;
	if (cfg != NULL && cfg->sieve_vacation_min_period != CONFIG_PERIOD_UNSET)
		*min = cfg->sieve_vacation_min_period;
	if (cfg != NULL && cfg->sieve_vacation_max_period != CONFIG_PERIOD_UNSET)
		*max = cfg->sieve_vacation_max_period;
}

static unsigned long long vacation_period(struct sieve_rt *rt,
    const struct sieve_call *c)
{
	const struct sieve_arg *days = sieve_call_tag_value(c, "days");
	const struct sieve_arg *secs = sieve_call_tag_value(c, "seconds");
	unsigned long long p = VACATION_DEFAULT_PERIOD, min, max;

	if (days != NULL)
		p = days->number > UINT64_MAX / DAY_SECONDS ? UINT64_MAX :
		    days->number * DAY_SECONDS;
	else if (secs != NULL)
		p = secs->number;
	period_bounds(rt->env, &min, &max);
	if (p < min)
		p = min;
	if (max > 0 && p > max)
		p = max;
	return p;
}

/* ---- the handle ---- */

/* FNV-1a over length-prefixed fields, as sieve.c's vacation_handle:
 * different arguments cannot collide by moving text between fields. */
static void fnv_field(uint64_t *h, const char *s)
{
	size_t len = s ? strlen(s) : SIZE_MAX;
	const unsigned char *p = (const unsigned char *)&len;

	for (size_t i = 0; i < sizeof len; i++)
		*h = (*h ^ p[i]) * 0x100000001b3ULL;
	for (; s && *s; s++)
		*h = (*h ^ (unsigned char)*s) * 0x100000001b3ULL;
}

static const char *raw_tag(const struct sieve_call *c, const char *name)
{
	const struct sieve_arg *v = sieve_call_tag_value(c, name);

	return v != NULL && v->strings != NULL ? v->strings->value : NULL;
}

static char *default_handle(const struct sieve_call *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[40];

	fnv_field(&h, raw_tag(c, "subject"));
	fnv_field(&h, raw_tag(c, "from"));
	fnv_field(&h, sieve_call_tag(c, "mime") ? "mime" : "");
	fnv_field(&h, c->positional[0]->strings->value);
	snprintf(buf, sizeof buf, "auto-%016llx", (unsigned long long)h);
	return strdup(buf);
}

/* ---- addresses ---- */

/* A plain address: local@domain, printable, no spaces; "Name <a@b>" is
 * taken by its part in angle brackets. */
static bool address_ok(const char *s)
{
	const char *lt = strchr(s, '<'), *at, *end;

	if (lt != NULL) {
		s = lt + 1;
		if ((end = strchr(s, '>')) == NULL || end[1] != '\0')
			return false;
	} else {
		end = s + strlen(s);
	}
	at = memchr(s, '@', (size_t)(end - s));
	if (at == NULL || at == s || at + 1 == end)
		return false;
	for (const char *p = s; p < end; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<')
			return false;
	return true;
}

/* The bare address of "Name <a@b>" (in place), or s itself. */
static char *bare_address(char *s)
{
	char *lt = strchr(s, '<');

	if (lt == NULL)
		return s;
	lt[strcspn(lt, ">")] = '\0';
	return lt + 1;
}

/* :addresses as one bare address per line (actions.c compares them with
 * the recipients' headers); invalid entries noted and left out. */
static int join_addresses(struct sieve_rt *rt, const struct sieve_call *c,
    char **out)
{
	const struct sieve_arg *v = sieve_call_tag_value(c, "addresses");
	struct sieve_strings list;
	size_t total = 1, kept = 0;
	char *buf;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (sieve_rt_strings(rt, v, &list) < 0)
		return -1;
	for (size_t i = 0; i < list.n; i++)
		total += list.len[i] + 1;
	if ((buf = malloc(total)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	buf[0] = '\0';
	for (size_t i = 0; i < list.n && kept < ADDRESSES_MAX; i++) {
		char *one = sieve_rt_strndup(rt, list.v[i], list.len[i]);

		if (one == NULL) {
			free(buf);
			return -1;
		}
		if (strlen(one) != list.len[i] || !address_ok(one)) {
			sieve_rt_note(rt, "vacation: :addresses item '%s' is "
			    "invalid (ignored)", one);
			continue;
		}
		if (kept++ > 0)
			strlcat(buf, "\n", total);
		strlcat(buf, bare_address(one), total);
	}
	*out = buf;
	return 0;
}

/* ---- the command ---- */

static bool plan_has(const struct plan *p, enum action_type type)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->actions[i].type == type)
			return true;
	return false;
}

/* A string tag's expanded value, malloced, or NULL when absent. */
static int tag_string(struct sieve_rt *rt, const struct sieve_call *c,
    const char *name, char **out)
{
	const struct sieve_arg *v = sieve_call_tag_value(c, name);
	const char *s;

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((s = sieve_rt_string(rt, v->strings, NULL)) == NULL)
		return -1;
	if ((*out = strdup(s)) == NULL)
		return sieve_rt_error(rt, c->pos, "out of memory");
	return 0;
}

static int fill_vacation(struct sieve_rt *rt, const struct sieve_call *c,
    struct action *a, unsigned long long period)
{
	const char *reason = sieve_rt_string(rt, c->positional[0]->strings,
	    NULL);

	if (reason == NULL || tag_string(rt, c, "subject", &a->subject) < 0 ||
	    tag_string(rt, c, "from", &a->from) < 0 ||
	    tag_string(rt, c, "handle", &a->handle) < 0 ||
	    join_addresses(rt, c, &a->addresses) < 0)
		return -1;
	if (a->from != NULL && !address_ok(a->from)) {
		sieve_rt_note(rt, "vacation: :from address '%s' is invalid "
		    "(the recipient's address is used)", a->from);
		free(a->from);
		a->from = NULL;
	}
	if ((a->text = strdup(reason)) == NULL ||
	    (a->handle == NULL && (a->handle = default_handle(c)) == NULL))
		return sieve_rt_error(rt, c->pos, "out of memory");
	a->mime = sieve_call_tag(c, "mime") != NULL;
	a->seconds = period;
	/* whole days for the log and for readers of days; 0 stays 0 */
	a->days = (unsigned)((period + DAY_SECONDS - 1) / DAY_SECONDS);
	return 0;
}

static int run_vacation(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct action *a;

	if (plan_has(&rt->res->plan, ACTION_VACATION))
		return sieve_rt_error(rt, c->pos, "duplicate vacation action "
		    "not allowed");
	if (plan_has(&rt->res->plan, ACTION_REJECT))
		return sieve_rt_error(rt, c->pos, "vacation action conflicts "
		    "with other action: the reject action also sends a "
		    "response back to the sender");
	a = sieve_rt_add_action(rt, c->pos, ACTION_VACATION, NULL, NULL,
	    rt->env->sender, NULL);
	if (a == NULL || fill_vacation(rt, c, a, vacation_period(rt, c)) < 0)
		return -1;
	/* vacation leaves the implicit keep alone (RFC 5230 section 4.7) */
	return sieve_rt_action_done(rt, c, a, false);
}

/* ---- checks ---- */

static void check_from(struct sieve_checker *ck, const struct sieve_arg *tag,
    const struct sieve_arg *val)
{
	const char *s;

	if (val == NULL || val->strings == NULL)
		return;
	s = val->strings->value;
	if (sieve_check_requires(ck, "variables") && strstr(s, "${"))
		return;
	if (!address_ok(s))
		sieve_check_error(ck, tag->pos, "specified :from address '%s' "
		    "is invalid for vacation action", s);
}

/* :days and :seconds exclude each other. */
#define TG_PERIOD (SIEVE_TG_PRIVATE + 1)

static const struct sieve_tag vacation_tags[] = {
	{ "days", SIEVE_ARGT_NUMBER, TG_PERIOD, NULL },
	{ "subject", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ "from", SIEVE_ARGT_STRING, SIEVE_TG_NONE, check_from },
	{ "addresses", SIEVE_ARGT_LIST, SIEVE_TG_NONE, NULL },
	{ "mime", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL },
	{ "handle", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def vacation_defs[] = {
	{ "vacation", false, vacation_tags, "S", "reason", SIEVE_NEST_NONE,
	  false, NULL, run_vacation },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_vacation = {
	.name = "vacation",
	.defs = vacation_defs,
};

static const struct sieve_def vacation_seconds_defs[] = {
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add vacation_seconds_tags[] = {
	{ "vacation", { "seconds", SIEVE_ARGT_NUMBER, TG_PERIOD, NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_vacation_seconds = {
	.name = "vacation-seconds",
	.defs = vacation_seconds_defs,
	.tag_adds = vacation_seconds_tags,
	.implies = "vacation",
};

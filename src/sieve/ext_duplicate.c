/* ext_duplicate.c: the duplicate extension (RFC 7352) and Pigeonhole's
 * older vnd.dovecot.duplicate (its :value in place of :uniqueid), as
 * entries of the extension table.
 *
 * `duplicate` is true when the message's unique id (its Message-ID, the
 * first value of the :header named, or the :uniqueid string) was seen
 * before under the same :handle within the period.  What is seen is
 * kept per user in deliver.db (env->store, store.h); without a store
 * nothing was ever seen.  As the RFC asks, the id is recorded only when
 * the delivery succeeds: the test leaves a mark in the result
 * (res->marks), which deliver writes to the store once the message is
 * filed.  As in Pigeonhole, a first sighting is recorded with the period
 * (:seconds, else sieve_duplicate_default_period, at most
 * sieve_duplicate_max_period) and not refreshed by later ones, unless
 * :last asks that the period run from the last sighting; and one
 * evaluation asking the same question twice gets the same answer. */
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "store.h"

extern const struct sieve_extension sieve_ext_duplicate;
extern const struct sieve_extension sieve_ext_vnd_dovecot_duplicate;

#define DUP_PERIOD_DEFAULT (12 * 3600)   /* Pigeonhole's 12h */
#define DUP_ASKED_MAX 64                 /* answers kept per evaluation */

struct dup_answer {
	char key[SHA256_DIGEST_STRING_LENGTH];
	bool duplicate;
};

struct dup_state {
	struct dup_answer asked[DUP_ASKED_MAX];
	size_t n;
};

/* The key of (handle, last, value): a hash, so that an id of any length
 * (a header can be long) is a short row. */
static void dup_key(const char *handle, bool last, const char *value,
    size_t len, char out[SHA256_DIGEST_STRING_LENGTH])
{
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const uint8_t *)"sieve-duplicate", 16);
	if (handle != NULL) {
		SHA256Update(&ctx, (const uint8_t *)"h", 1);
		SHA256Update(&ctx, (const uint8_t *)handle, strlen(handle) + 1);
	} else {
		SHA256Update(&ctx, (const uint8_t *)"d", 2);
	}
	SHA256Update(&ctx, (const uint8_t *)(last ? "l" : "f"), 1);
	SHA256Update(&ctx, (const uint8_t *)value, len);
	(void)SHA256End(&ctx, out);
}

/* The period in seconds: :seconds or the default, at most the max. */
static unsigned long long dup_period(const struct sieve_rt *rt,
    const struct sieve_call *c)
{
	const struct sieve_arg *sec = sieve_call_tag_value(c, "seconds");
	const struct config *cfg = rt->env->cfg;
	unsigned long long p = DUP_PERIOD_DEFAULT, max = 0;

	if (cfg != NULL && cfg->sieve_duplicate_default_period !=
	    CONFIG_PERIOD_UNSET)
		p = cfg->sieve_duplicate_default_period;
	if (cfg != NULL && cfg->sieve_duplicate_max_period !=
	    CONFIG_PERIOD_UNSET)
		max = cfg->sieve_duplicate_max_period;
	if (sec != NULL)
		p = sec->number;
	return max > 0 && p > max ? max : p;
}

/* The unique id: :uniqueid/:value, else the first value of :header or
 * Message-ID.  1 with it, 0 when the message has none, -1 on error. */
static int dup_value(struct sieve_rt *rt, const struct sieve_call *c,
    const char **value, size_t *len)
{
	const struct sieve_arg *a = sieve_call_tag_value(c, "uniqueid");
	const char *name = "message-id";
	struct sieve_strings names, values;
	size_t nlen;

	if (a == NULL)
		a = sieve_call_tag_value(c, "value");
	if (a != NULL)
		return (*value = sieve_rt_string(rt, a->strings, len)) ==
		    NULL ? -1 : 1;
	if ((a = sieve_call_tag_value(c, "header")) != NULL &&
	    (name = sieve_rt_string(rt, a->strings, NULL)) == NULL)
		return -1;
	nlen = strlen(name);
	names.v = &name;
	names.len = &nlen;
	names.n = 1;
	if (sieve_rt_header_values(rt, &names, &values) < 0)
		return -1;
	if (values.n == 0)
		return 0;
	*value = values.v[0];
	*len = values.len[0];
	return 1;
}

static struct dup_state *dup_state(struct sieve_rt *rt)
{
	const struct sieve_extension *e = sieve_rt_requires(rt, "duplicate") ?
	    &sieve_ext_duplicate : &sieve_ext_vnd_dovecot_duplicate;
	void **slot = sieve_rt_ext_state(rt, e);

	if (slot != NULL && *slot == NULL)
		*slot = calloc(1, sizeof(struct dup_state));
	return slot != NULL ? *slot : NULL;
}

static bool dup_seen(struct sieve_rt *rt, const char *key)
{
	return store_duplicate_seen(rt->env->store, key);
}

static int run_duplicate(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *h = sieve_call_tag_value(c, "handle");
	const char *handle = NULL, *value;
	bool last = sieve_call_tag(c, "last") != NULL, duplicate;
	char key[SHA256_DIGEST_STRING_LENGTH], other[sizeof key];
	struct dup_state *st = dup_state(rt);
	size_t len;
	int rc;

	if (st == NULL)
		return sieve_rt_error(rt, c->pos, "duplicate: out of memory");
	if (h != NULL && (handle = sieve_rt_string(rt, h->strings,
	    NULL)) == NULL)
		return -1;
	if ((rc = dup_value(rt, c, &value, &len)) <= 0)
		return rc;
	dup_key(handle, last, value, len, key);
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->asked[i].key, key) == 0)
			return st->asked[i].duplicate;
	duplicate = dup_seen(rt, key);
	if (!duplicate && last) {
		/* a first sighting recorded without :last counts too */
		dup_key(handle, false, value, len, other);
		duplicate = dup_seen(rt, other);
	}
	if ((!duplicate || last) && sieve_msgs_add(&rt->res->marks, "%s %llu",
	    key, dup_period(rt, c)) < 0)
		return sieve_rt_error(rt, c->pos, "duplicate: out of memory");
	if (st->n < DUP_ASKED_MAX) {
		memcpy(st->asked[st->n].key, key, sizeof key);
		st->asked[st->n++].duplicate = duplicate;
	}
	sieve_rt_trace(rt, "  duplicate: %s", duplicate ? "seen before" :
	    "new");
	return duplicate;
}

/* :header names a valid header field name. */
static void check_header(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)tag;
	for (const char *p = val->strings->value; *p; p++)
		if ((unsigned char)*p <= 32 || *p == ':' || *p == 0x7f) {
			sieve_check_error(ck, val->pos, "invalid header name "
			    "'%.80s'", val->strings->value);
			return;
		}
}

enum { TG_ID = SIEVE_TG_PRIVATE };

static const struct sieve_tag duplicate_tags[] = {
	{ "handle", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ "header", SIEVE_ARGT_STRING, TG_ID, check_header },
	{ "uniqueid", SIEVE_ARGT_STRING, TG_ID, NULL },
	{ "seconds", SIEVE_ARGT_NUMBER, SIEVE_TG_NONE, NULL },
	{ "last", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag vnd_duplicate_tags[] = {
	{ "handle", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ "header", SIEVE_ARGT_STRING, TG_ID, check_header },
	{ "value", SIEVE_ARGT_STRING, TG_ID, NULL },
	{ "seconds", SIEVE_ARGT_NUMBER, SIEVE_TG_NONE, NULL },
	{ "last", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def duplicate_defs[] = {
	{ "duplicate", true, duplicate_tags, "", NULL, SIEVE_NEST_NONE, false,
	  NULL, run_duplicate },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_def vnd_duplicate_defs[] = {
	{ "duplicate", true, vnd_duplicate_tags, "", NULL, SIEVE_NEST_NONE,
	  false, NULL, run_duplicate },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_duplicate = {
	.name = "duplicate",
	.defs = duplicate_defs,
	.state_free = free,
};

const struct sieve_extension sieve_ext_vnd_dovecot_duplicate = {
	.name = "vnd.dovecot.duplicate",
	.defs = vnd_duplicate_defs,
	.state_free = free,
};

/* ext_spamtest.c: the extensions spamtest, spamtestplus and virustest
 * (RFC 5235): the tests
 *     spamtest [:percent] [COMPARATOR] [MATCH-TYPE] <value: string>
 *     virustest [COMPARATOR] [MATCH-TYPE] <value: string>
 * compare the message's spam or virus status, a decimal string ("0" not
 * tested, "1".."10" or "1".."5", :percent "0".."100"), with the keys;
 * :is and i;ascii-casemap by default, so scripts use relational's
 * :value "ge" with comparator-i;ascii-numeric.  The status is read from
 * the scanner's headers as deliver.conf's sieve_spamtest_* and
 * sieve_virustest_* keys say (sieve_spamtest.h).
 *
 * spamtestplus brings spamtest's test with :percent (it implies
 * spamtest, as in Pigeonhole, where both share one test); :percent
 * without spamtestplus is an error.  A configuration error is noted in
 * the log once per evaluation and the tests see "0", as Pigeonhole
 * treats an extension it could not configure. */
#include <string.h>

#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_spamtest.h"

static void check_percent(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)val;
	if (!sieve_check_requires(ck, "spamtestplus"))
		sieve_check_error(ck, tag->pos, "the spamtest test only "
		    "accepts the :percent argument when the spamtestplus "
		    "extension is active");
}

static const struct sieve_tag spamtest_tags[] = {
	SIEVE_MATCH_TAGS,
	{ "percent", SIEVE_ARGT_NONE, SIEVE_TG_NONE, check_percent },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag virustest_tags[] = {
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

/* spamtest_header_fn over the message under evaluation. */
static const char *first_header(void *ctx, const char *name)
{
	struct sieve_rt *rt = ctx;
	size_t len = strlen(name);
	struct sieve_strings names = { &name, &len, 1 }, values;

	if (rt->env->headers == NULL ||
	    sieve_rt_header_values(rt, &names, &values) < 0 || values.n == 0)
		return NULL;
	return values.v[0];
}

/* Log a configuration error once per evaluation (the first test to meet
 * it marks the extension's state slot). */
static void note_config_error(struct sieve_rt *rt, enum spamtest_kind kind,
    const char *why)
{
	const struct sieve_extension *ext = sieve_ext_find(
	    kind == SPAMTEST_VIRUS ? "virustest" : "spamtest");
	void **seen = ext ? sieve_rt_ext_state(rt, ext) : NULL;
	static char marker;

	if (seen != NULL && *seen != NULL)
		return;
	if (seen != NULL)
		*seen = &marker;
	sieve_rt_note(rt, "%s: extension not configured, tests will always "
	    "match against \"0\": %s", kind == SPAMTEST_VIRUS ? "virustest" :
	    "spamtest", why);
}

static int run_test(struct sieve_rt *rt, const struct sieve_call *c,
    enum spamtest_kind kind)
{
	bool percent = sieve_call_tag(c, "percent") != NULL;
	char value[8], why[512];
	const char *vp = value;
	size_t vlen;
	struct sieve_strings values = { &vp, &vlen, 1 }, keys;
	enum spamtest_outcome o;

	if (rt->env->cfg == NULL)
		return sieve_rt_error(rt, c->pos, "%s: no configuration",
		    c->name);
	if (sieve_rt_step(rt, c->pos, 1) < 0 ||
	    sieve_rt_strings(rt, c->positional[0], &keys) < 0)
		return -1;
	why[0] = '\0';
	o = spamtest_value(rt->env->cfg, kind, percent, first_header, rt,
	    rt->lim.regex_match_limit, value, sizeof value, why, sizeof why);
	if (rt->error)
		return -1;     /* a header could not be read (memory) */
	if (o == SPAMTEST_BAD_CONFIG)
		note_config_error(rt, kind, why);
	sieve_rt_trace(rt, "%s%s: value \"%s\" (%s)", c->name,
	    percent ? " :percent" : "", value, why);
	vlen = strlen(value);
	return sieve_rt_match(rt, c, &values, &keys);
}

static int run_spamtest(struct sieve_rt *rt, const struct sieve_call *c)
{
	return run_test(rt, c, SPAMTEST_SPAM);
}

static int run_virustest(struct sieve_rt *rt, const struct sieve_call *c)
{
	return run_test(rt, c, SPAMTEST_VIRUS);
}

static const struct sieve_def spamtest_defs[] = {
	{ "spamtest", true, spamtest_tags, "S", "value", SIEVE_NEST_NONE,
	  false, sieve_check_match_args, run_spamtest },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_def virustest_defs[] = {
	{ "virustest", true, virustest_tags, "S", "value", SIEVE_NEST_NONE,
	  false, sieve_check_match_args, run_virustest },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_spamtest = {
	.name = "spamtest",
	.defs = spamtest_defs,
};

const struct sieve_extension sieve_ext_spamtestplus = {
	.name = "spamtestplus",
	.defs = NULL,
	.implies = "spamtest",
};

const struct sieve_extension sieve_ext_virustest = {
	.name = "virustest",
	.defs = virustest_defs,
};

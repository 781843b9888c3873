/* ext_date.c: the "date" extension (RFC 5260 sections 4 and 5): the
 * tests
 *   date [:zone <zone> / :originalzone] [COMPARATOR] [MATCH-TYPE]
 *        <header-name> <date-part> <key-list>
 *   currentdate [:zone <zone>] [COMPARATOR] [MATCH-TYPE]
 *        <date-part> <key-list>
 * matched like header values (relational's :value/:count included).
 *
 * As Pigeonhole 0.5.19 does it: only the first of the fields named is
 * read (the first Received is the newest; index's :index picks another),
 * as the message has it (encoded words are not decoded), and its date
 * is what follows its last ';' (so Received works) or else
 * the whole value, read by sieve_date_parse; a field whose date does not
 * parse gives no value (the test is false, :count sees 0), even when a
 * later field of the name holds a good date.  Without :zone the
 * date is shown in the local zone, the system's offset (TZ) at the
 * moment the evaluation first asked for the time, applied to every date
 * alike; a :zone that is not "+hhmm"/"-hhmm" means the local zone too.
 * currentdate reads the clock once per evaluation (sieve_env's now when
 * set), so every test of one run sees the same moment.  An unknown date
 * part makes the test false, with a note in the log. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sieve_date.h"
#include "sieve_match.h"
#include "sieve_rt.h"

extern const struct sieve_extension sieve_ext_date;

/* The moment of this evaluation and the local offset at it. */
struct date_state {
	int64_t now;
	int local_zone;      /* minutes east of UTC */
};

static const struct date_state *date_state(struct sieve_rt *rt)
{
	void **slot = sieve_rt_ext_state(rt, &sieve_ext_date);
	struct date_state *st = *slot;
	time_t now;
	struct tm tm;

	if (st != NULL)
		return st;
	if ((st = calloc(1, sizeof *st)) == NULL) {
		(void)sieve_rt_error(rt, rt->pos, "out of memory");
		return NULL;
	}
	now = rt->env->now != 0 ? rt->env->now : time(NULL);
	st->now = (int64_t)now;
	if (localtime_r(&now, &tm) != NULL)
		st->local_zone = (int)(tm.tm_gmtoff / 60);
	*slot = st;
	return st;
}

enum zone_choice { ZONE_LOCAL, ZONE_ORIGINAL, ZONE_GIVEN };

/* The zone c asks for: *given set for ZONE_GIVEN.  -1 after an error. */
static int zone_choice(struct sieve_rt *rt, const struct sieve_call *c,
    enum zone_choice *choice, int *given)
{
	const struct sieve_arg *z = sieve_call_tag_value(c, "zone");
	const char *s;
	size_t len;

	*choice = ZONE_LOCAL;
	if (sieve_call_tag(c, "originalzone") != NULL) {
		*choice = ZONE_ORIGINAL;
		return 0;
	}
	if (z == NULL)
		return 0;
	if ((s = sieve_rt_string(rt, z->strings, &len)) == NULL)
		return -1;
	if (sieve_date_zone_parse(s, len, given))
		*choice = ZONE_GIVEN;
	else if (sieve_rt_requires(rt, "variables") &&
	    strstr(z->strings->value, "${") != NULL)
		/* as Pigeonhole: a zone made from variables is logged when
		 * it is bad; a bad literal one is quietly the local zone at
		 * every delivery (Pigeonhole warns when it compiles it) */
		sieve_rt_note(rt, "date: :zone \"%.40s\" is not a valid time "
		    "zone (using the local zone)", s);
	return 0;
}

/* The date a header value carries: after its last ';' if it has one. */
static bool header_date(const char *value, size_t len, struct sieve_date *d)
{
	const char *semi = memrchr(value, ';', len);

	if (semi != NULL) {
		len -= (size_t)(semi + 1 - value);
		value = semi + 1;
	}
	/* Pigeonhole reads the value as a C string: a NUL ends it */
	return sieve_date_parse(value, strnlen(value, len), d);
}

/* Match the date part of d, seen in the zone c asks for, against keys;
 * d NULL (no readable date) gives no value at all. */
static int match_date(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_date *d, const char *part,
    const struct sieve_strings *keys)
{
	const struct date_state *st = date_state(rt);
	char buf[96];
	const char *v[1] = { buf };
	size_t len[1] = { 0 };
	struct sieve_strings values = { v, len, 0 };
	enum zone_choice choice;
	int given = 0, zone, n;

	if (st == NULL || zone_choice(rt, c, &choice, &given) < 0)
		return -1;
	if (!sieve_date_part_known(part)) {
		sieve_rt_note(rt, "date: the date part \"%.40s\" is not known",
		    part);
		return 0;
	}
	if (d != NULL) {
		zone = choice == ZONE_ORIGINAL ? d->zone :
		    choice == ZONE_GIVEN ? given : st->local_zone;
		if ((n = sieve_date_part(part, d->utc, zone, buf,
		    sizeof buf)) >= 0) {
			len[0] = (size_t)n;
			values.n = 1;
		}
	}
	return sieve_rt_match(rt, c, &values, keys);
}

static int run_date(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings names, fields, keys;
	struct sieve_date d;
	const char *part;
	bool dated;

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0 ||
	    (part = sieve_rt_string(rt, c->positional[1]->strings,
	    NULL)) == NULL ||
	    sieve_rt_strings(rt, c->positional[2], &keys) < 0 ||
	    sieve_rt_call_header_values(rt, c, &names, true, &fields) < 0)
		return -1;
	dated = fields.n > 0 && header_date(fields.v[0], fields.len[0], &d);
	return match_date(rt, c, dated ? &d : NULL, part, &keys);
}

static int run_currentdate(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct date_state *st = date_state(rt);
	struct sieve_strings keys;
	struct sieve_date d;
	const char *part;

	if (st == NULL || (part = sieve_rt_string(rt,
	    c->positional[0]->strings, NULL)) == NULL ||
	    sieve_rt_strings(rt, c->positional[1], &keys) < 0)
		return -1;
	d.utc = st->now;
	d.zone = st->local_zone;
	return match_date(rt, c, &d, part, &keys);
}

/* :zone and :originalzone exclude each other */
#define TG_ZONE (SIEVE_TG_PRIVATE + 2)

#define DATE_MATCH_TAGS \
	SIEVE_MATCH_TAGS, \
	{ "zone", SIEVE_ARGT_STRING, TG_ZONE, NULL }

static const struct sieve_tag date_tags[] = {
	DATE_MATCH_TAGS,
	{ "originalzone", SIEVE_ARGT_NONE, TG_ZONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_tag currentdate_tags[] = {
	DATE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def date_defs[] = {
	{ "date", true, date_tags, "SSL", "header name|date part|key list",
	  SIEVE_NEST_NONE, false, sieve_check_match_args, run_date },
	{ "currentdate", true, currentdate_tags, "SL", "date part|key list",
	  SIEVE_NEST_NONE, false, sieve_check_match_args, run_currentdate },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_date = {
	.name = "date",
	.defs = date_defs,
	.state_free = free,
};

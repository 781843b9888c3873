/* sieve_spamtest.c: the value of spamtest, spamtestplus and virustest
 * from a scanner's headers (see sieve_spamtest.h).
 *
 * The regular expressions are POSIX EREs, as Pigeonhole compiles them
 * with regcomp; they run through the :regex matcher (sieve_match.h:
 * PCRE2 under a match limit, leftmost-longest as POSIX picks), so a
 * hostile header value costs bounded time.  Decimal values are read into
 * integers of 1/100000 before the division, so "4.0" of "5.0" is exactly
 * 0.8 and the rounding below matches Pigeonhole's float arithmetic with
 * its 0.001 bias on the values real scanners write.  The reasons handed
 * back name configured text only, never the message's (they go to the
 * trace and the log). */
#include "sieve_spamtest.h"

#include <stdio.h>
#include <string.h>

#include "sieve_match.h"

#define DECIMAL_DIGITS_MAX 5   /* each side of the radix point */

int spamtest_parse_decimal(const char *s, double *out)
{
	long long whole = 0, frac = 0, scale = 1;
	int digits = 0;
	double sign = 1;

	if (*s == '\0')
		return -1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > DECIMAL_DIGITS_MAX)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.' || *s == ',') {
		for (s++, digits = 0; *s >= '0' && *s <= '9'; s++) {
			if (++digits > DECIMAL_DIGITS_MAX)
				return -1;
			frac = frac * 10 + (*s - '0');
			scale *= 10;
		}
	}
	if (*s != '\0')
		return -1;
	*out = sign * ((double)whole + (double)frac / (double)scale);
	return 0;
}

int spamtest_parse_strlen(const char *s, double *out)
{
	size_t n = strspn(s, (const char[]){ s[0], '\0' });

	if (s[n] != '\0')
		return -1;
	*out = (double)n;
	return 0;
}

void spamtest_score(double ratio, enum spamtest_kind kind, bool percent,
    char *out, size_t outlen)
{
	int score;

	if (ratio < 0) {
		(void)snprintf(out, outlen, "0");
		return;
	}
	if (ratio > 1)
		ratio = 1;
	/* 0.001: a ratio computed as 0.29 may be 0.28999...; Pigeonhole
	 * adds the same bias before cutting */
	if (percent)
		score = (int)(ratio * 100 + 0.001);
	else if (kind == SPAMTEST_VIRUS)
		score = (int)(ratio * 4 + 1.001);
	else
		score = (int)(ratio * 9 + 1.001);
	(void)snprintf(out, outlen, "%d", score);
}

/* ---- the configuration of one kind ---- */

struct spec {
	char name[SPAMTEST_SPEC_MAX];   /* the header's name */
	const char *regex;              /* into the configured text, or NULL */
};

struct kind_conf {
	const char *status, *max_header, *max_value;
	enum spamtest_status_type type;
	char *const *texts;
	int levels;                     /* 10 or 5 */
};

static void conf_of(const struct config *cfg, enum spamtest_kind kind,
    struct kind_conf *k)
{
	if (kind == SPAMTEST_VIRUS) {
		*k = (struct kind_conf){ cfg->sieve_virustest_status_header,
		    cfg->sieve_virustest_max_header,
		    cfg->sieve_virustest_max_value,
		    cfg->sieve_virustest_status_type,
		    cfg->sieve_virustest_text_value, 5 };
	} else {
		*k = (struct kind_conf){ cfg->sieve_spamtest_status_header,
		    cfg->sieve_spamtest_max_header,
		    cfg->sieve_spamtest_max_value,
		    cfg->sieve_spamtest_status_type,
		    cfg->sieve_spamtest_text_value, 10 };
	}
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "Name" or "Name: regex" (Pigeonhole's reading: blanks around the name
 * and after the colon do not count).  0, or -1 with the reason. */
static int spec_parse(const char *text, struct spec *s, char *why,
    size_t whylen)
{
	const char *p = text, *start;
	size_t n;

	if (strlen(text) >= SPAMTEST_SPEC_MAX) {
		(void)snprintf(why, whylen, "header specification longer "
		    "than %d bytes", SPAMTEST_SPEC_MAX - 1);
		return -1;
	}
	while (blank(*p))
		p++;
	start = p;
	while (*p != '\0' && *p != ':' && !blank(*p))
		p++;
	n = (size_t)(p - start);
	if (n == 0) {
		(void)snprintf(why, whylen, "empty header specification");
		return -1;
	}
	memcpy(s->name, start, n);
	s->name[n] = '\0';
	s->regex = NULL;
	while (blank(*p))
		p++;
	if (*p == '\0')
		return 0;
	if (*p != ':') {
		(void)snprintf(why, whylen, "expecting ':', but found '%c'",
		    *p);
		return -1;
	}
	for (p++; blank(*p); p++)
		;
	s->regex = p;
	return 0;
}

/* The part of the header's value the status is read from: the value, or
 * the regex's first group.  1 found (*out, *outlen: into the value or a
 * match value in mv), 0 not (why), -1 a bad regex (why). */
static int spec_extract(const struct spec *s, spamtest_header_fn *hdr,
    void *ctx, uint32_t match_limit, struct sieve_match_values *mv,
    const char **out, char *why, size_t whylen)
{
	const char *value = hdr(ctx, s->name);
	struct sieve_match_limits lim = SIEVE_MATCH_LIMITS_DEFAULT;
	struct sieve_matcher m = { SIEVE_MT_REGEX, SIEVE_CMP_OCTET,
	    SIEVE_REL_EQ, true, &lim };
	size_t vlen, rlen;
	struct sieve_strings values = { &value, &vlen, 1 };
	struct sieve_strings keys = { &s->regex, &rlen, 1 };
	char err[256];
	int rc;

	if (value == NULL) {
		(void)snprintf(why, whylen, "header '%s' not found in message",
		    s->name);
		return 0;
	}
	if (s->regex == NULL) {
		*out = value;
		return 1;
	}
	lim.regex_match_limit = match_limit;
	vlen = strlen(value);
	rlen = strlen(s->regex);
	rc = sieve_match(&m, &values, &keys, mv, err, sizeof err);
	if (err[0] != '\0') {
		(void)snprintf(why, whylen, "regular expression '%.200s' of "
		    "header '%s': %s", s->regex, s->name, err);
		return -1;
	}
	if (rc != 1 || mv->n < 2 || mv->v[1] == NULL) {
		(void)snprintf(why, whylen, "regexp for header '%s' did not "
		    "match its value", s->name);
		return 0;
	}
	*out = mv->v[1];
	return 1;
}

/* The maximum the status is divided by (not for "text"). */
static enum spamtest_outcome max_of(const struct kind_conf *k,
    spamtest_header_fn *hdr, void *ctx, uint32_t match_limit, double *max,
    char *why, size_t whylen)
{
	struct sieve_match_values mv = { 0 };
	struct spec s;
	const char *text;
	int rc;

	if (k->max_header[0] != '\0' && k->max_value[0] != '\0') {
		(void)snprintf(why, whylen, "max_header and max_value cannot "
		    "both be configured");
		return SPAMTEST_BAD_CONFIG;
	}
	if (k->max_value[0] != '\0') {
		if (spamtest_parse_decimal(k->max_value, max) < 0) {
			(void)snprintf(why, whylen, "invalid max value '%.100s'",
			    k->max_value);
			return SPAMTEST_BAD_CONFIG;
		}
		return SPAMTEST_TESTED;
	}
	if (k->max_header[0] == '\0') {
		(void)snprintf(why, whylen, "neither max_header nor max_value "
		    "is configured");
		return SPAMTEST_BAD_CONFIG;
	}
	if (spec_parse(k->max_header, &s, why, whylen) < 0)
		return SPAMTEST_BAD_CONFIG;
	rc = spec_extract(&s, hdr, ctx, match_limit, &mv, &text, why, whylen);
	if (rc == 1 && spamtest_parse_decimal(text, max) < 0) {
		(void)snprintf(why, whylen, "failed to parse the maximum in "
		    "header '%s'", s.name);
		rc = 0;
	}
	sieve_match_values_clear(&mv);
	return rc == 1 ? SPAMTEST_TESTED : rc == 0 ? SPAMTEST_NOT_TESTED :
	    SPAMTEST_BAD_CONFIG;
}

/* The status as a number: the score, the length, the text's index. */
static int status_number(const struct kind_conf *k, const char *text,
    double *status, char *why, size_t whylen)
{
	switch (k->type) {
	case SPAMTEST_SCORE:
		if (spamtest_parse_decimal(text, status) == 0)
			return 0;
		break;
	case SPAMTEST_STRLEN:
		if (spamtest_parse_strlen(text, status) == 0)
			return 0;
		break;
	case SPAMTEST_TEXT:
		for (int i = 0; i <= k->levels; i++)
			if (k->texts[i][0] != '\0' &&
			    strcmp(text, k->texts[i]) == 0) {
				*status = i;
				return 0;
			}
		break;
	}
	(void)snprintf(why, whylen, "failed to parse the status value (%s)",
	    k->type == SPAMTEST_SCORE ? "not a decimal number" :
	    k->type == SPAMTEST_STRLEN ? "not one repeated character" :
	    "no text_value matches");
	return -1;
}

static enum spamtest_outcome ratio_of(const struct kind_conf *k,
    spamtest_header_fn *hdr, void *ctx, uint32_t match_limit, double *ratio,
    char *why, size_t whylen)
{
	struct sieve_match_values mv = { 0 };
	enum spamtest_outcome o = SPAMTEST_TESTED;
	double max = k->levels, status = 0;
	struct spec s;
	const char *text;
	int rc;

	if (k->type != SPAMTEST_TEXT &&
	    (o = max_of(k, hdr, ctx, match_limit, &max, why, whylen)) !=
	    SPAMTEST_TESTED)
		return o;
	if (max == 0) {
		(void)snprintf(why, whylen, "max value is 0");
		return SPAMTEST_NOT_TESTED;
	}
	if (spec_parse(k->status, &s, why, whylen) < 0)
		return SPAMTEST_BAD_CONFIG;
	rc = spec_extract(&s, hdr, ctx, match_limit, &mv, &text, why, whylen);
	if (rc == 1 && status_number(k, text, &status, why, whylen) < 0)
		rc = 0;
	sieve_match_values_clear(&mv);
	if (rc != 1)
		return rc == 0 ? SPAMTEST_NOT_TESTED : SPAMTEST_BAD_CONFIG;
	*ratio = status < 0 ? 0 : status > max ? 1 : status / max;
	(void)snprintf(why, whylen, "extracted score=%.3f, max=%.3f", status,
	    max);
	return SPAMTEST_TESTED;
}

enum spamtest_outcome spamtest_value(const struct config *cfg,
    enum spamtest_kind kind, bool percent, spamtest_header_fn *hdr,
    void *ctx, uint32_t match_limit, char *out, size_t outlen, char *why,
    size_t whylen)
{
	struct kind_conf k;
	enum spamtest_outcome o;
	double ratio = -1;

	conf_of(cfg, kind, &k);
	if (k.status[0] == '\0') {
		(void)snprintf(why, whylen, "not configured (no "
		    "sieve_%s_status_header)", kind == SPAMTEST_VIRUS ?
		    "virustest" : "spamtest");
		o = SPAMTEST_NOT_TESTED;
	} else {
		o = ratio_of(&k, hdr, ctx, match_limit, &ratio, why, whylen);
	}
	spamtest_score(o == SPAMTEST_TESTED ? ratio : -1, kind, percent, out,
	    outlen);
	return o;
}

/* sieve_date.c: RFC 2822 date-times read as Pigeonhole 0.5.19 reads them
 * (it hands header values to Dovecot's message date parser), and the
 * date parts of RFC 5260 written as Pigeonhole writes them.
 *
 * The reading is lenient where Dovecot is lenient, because a user moving
 * from Dovecot expects the same dates to match: comments anywhere between
 * tokens, '.' as a time separator, any 3-letter word before the comma,
 * a month known by its first three letters, a missing or unknown zone as
 * +0000, and single-letter zones computed as Dovecot computes them (even
 * where that arithmetic is odd for lower-case letters).  It is strict
 * where Dovecot is strict: a date that would need normalising (30 Feb,
 * 25:00) is no date at all, and the "date" test is then false for it.
 *
 * Calendar arithmetic is done here on 64-bit day counts (no gmtime, no
 * time zone database), so the result never depends on the machine's
 * zone files and no input can overflow it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sieve_date.h"

/* ---- tokens (RFC 2822 atoms with CFWS between them) ---- */

struct scan {
	const unsigned char *p, *end;
};

/* atext of RFC 5322 section 3.2.3, with every byte above 127 allowed
 * (Dovecot's table: 8-bit text is taken as atom text). */
static bool is_atext(unsigned char c)
{
	if (c >= 128)
		return true;
	if (c <= ' ' || c == 127)
		return false;
	return strchr("()<>[]:;@\\,.\"", c) == NULL;
}

/* Skip one comment starting at '(' (nesting counted, not recursed);
 * false when it is not closed. */
static bool skip_comment(struct scan *sc)
{
	unsigned long level = 1;

	for (sc->p++; sc->p < sc->end; sc->p++) {
		if (*sc->p == '(') {
			level++;
		} else if (*sc->p == ')') {
			if (--level == 0) {
				sc->p++;
				return true;
			}
		} else if (*sc->p == '\\') {
			if (sc->p + 1 >= sc->end)
				return false;
			/* a quoted-pair never quotes CR, LF or NUL: those
			 * stay ordinary characters of the comment */
			if (sc->p[1] != '\r' && sc->p[1] != '\n' &&
			    sc->p[1] != '\0')
				sc->p++;
		}
	}
	return false;
}

/* Skip folding white space and comments: false on an unclosed comment. */
static bool skip_cfws(struct scan *sc)
{
	while (sc->p < sc->end) {
		unsigned char c = *sc->p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			sc->p++;
		else if (c != '(')
			break;
		else if (!skip_comment(sc))
			return false;
	}
	return true;
}

/* The next atom and the CFWS after it: 1 with *tok, *len set; 0 at the
 * end of the input; -1 when no atom stands here or a comment after it is
 * not closed. */
static int next_atom(struct scan *sc, const unsigned char **tok, size_t *len)
{
	*tok = sc->p;
	*len = 0;
	if (sc->p >= sc->end)
		return 0;
	if (!is_atext(*sc->p))
		return -1;
	while (sc->p < sc->end && is_atext(*sc->p))
		sc->p++;
	*len = (size_t)(sc->p - *tok);
	return skip_cfws(sc) ? 1 : -1;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A number of 1..maxlen ASCII digits (exactly maxlen when exact). */
static bool digits(const unsigned char *tok, size_t len, size_t maxlen,
    bool exact, int *out)
{
	int v = 0;

	if (len == 0 || len > maxlen || (exact && len != maxlen))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(tok[i]))
			return false;
		v = v * 10 + (tok[i] - '0');
	}
	*out = v;
	return true;
}

/* ---- zones ---- */

bool sieve_date_zone_parse(const char *s, size_t len, int *minutes)
{
	const unsigned char *z = (const unsigned char *)s;
	int v;

	if (len != 5 || (z[0] != '+' && z[0] != '-') ||
	    !digits(z + 1, 4, 4, true, &v))
		return false;
	if (minutes != NULL) {
		v = v / 100 * 60 + v % 100;
		*minutes = z[0] == '+' ? v : -v;
	}
	return true;
}

static unsigned char ascii_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* A military zone letter.  The comparison is on the upper-cased letter
 * but the arithmetic on the byte as written: Dovecot's quirk, kept so
 * that "date" agrees with Pigeonhole on every input. */
static int military_zone(unsigned char raw)
{
	unsigned char c = ascii_upper(raw);

	if (c < 'J')
		return (raw - 'A' + 1) * 60;
	if (c == 'J')
		return 0;
	if (c <= 'M')
		return (raw - 'A') * 60;
	if (c < 'Z')
		return ('M' - raw) * 60;
	return 0;
}

/* The obsolete North American zones (RFC 2822 section 4.3): the last
 * letter must be an upper-case 'T', as in Dovecot. */
static int american_zone(const unsigned char *z)
{
	int base;

	if (z[2] != 'T')
		return 0;
	switch (ascii_upper(z[0])) {
	case 'E': base = -5 * 60; break;
	case 'C': base = -6 * 60; break;
	case 'M': base = -7 * 60; break;
	case 'P': base = -8 * 60; break;
	default: return 0;          /* GMT, and what is not known */
	}
	if (ascii_upper(z[1]) == 'D')
		return base + 60;
	return ascii_upper(z[1]) == 'S' ? base : 0;
}

/* A date-time's zone token: unknown ones are +0000, as in Dovecot. */
static int zone_minutes(const unsigned char *z, size_t len)
{
	int v;

	if (len == 5 && (z[0] == '+' || z[0] == '-'))
		return sieve_date_zone_parse((const char *)z, len, &v) ? v : 0;
	if (len == 1)
		return military_zone(z[0]);
	if (len == 3)
		return american_zone(z);
	return 0;                   /* "UT", and anything else */
}

/* ---- the calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01; the year counted from March so that the leap
 * day is the last day of the counted year. */
int64_t sieve_date_days(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                          /* 0..399 */
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
	    day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* 0..146096 */

	return era * 146097 + doe - 719468;
}

int64_t sieve_date_julian(int64_t year, int month, int day)
{
	/* 1970-01-01 is Modified Julian Day 40587 */
	return sieve_date_days(year, month, day) + 40587;
}

static void civil_of_days(int64_t days, struct sieve_civil *out)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = yoe + era * 400 + (out->month <= 2);
	/* 1970-01-01 was a Thursday */
	out->weekday = (int)(days - floor_div(days + 4, 7) * 7 + 4);
}

void sieve_date_civil(int64_t utc, int zone, struct sieve_civil *out)
{
	int64_t t = utc + (int64_t)zone * 60;
	int64_t days = floor_div(t, 86400);
	int64_t secs = t - days * 86400;

	civil_of_days(days, out);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
}

static int days_in_month(int64_t year, int month)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : dim[month - 1];
}

/* ---- the date-time ---- */

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const weekday_names[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

struct fields {
	int year, month, day, hour, minute, second, zone;
};

static bool read_month(struct scan *sc, struct fields *f)
{
	const unsigned char *tok;
	size_t len;

	if (next_atom(sc, &tok, &len) <= 0 || len < 3)
		return false;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(month_names[i], (const char *)tok, 3) == 0) {
			f->month = i + 1;
			return true;
		}
	return false;
}

static bool read_year(struct scan *sc, struct fields *f)
{
	const unsigned char *tok;
	size_t len;

	if (next_atom(sc, &tok, &len) <= 0 || (len != 2 && len != 4) ||
	    !digits(tok, len, len, true, &f->year))
		return false;
	if (len == 2)               /* RFC 2822 section 4.3 */
		f->year += f->year < 70 ? 2000 : 1900;
	return f->year >= 1900;
}

static bool time_separator(struct scan *sc)
{
	if (sc->p >= sc->end || (*sc->p != ':' && *sc->p != '.'))
		return false;
	sc->p++;
	(void)skip_cfws(sc);   /* an unclosed comment ends in the next atom */
	return true;
}

/* hour ":" minute [":" second] */
static bool read_time(struct scan *sc, struct fields *f)
{
	const unsigned char *tok;
	size_t len;

	if (next_atom(sc, &tok, &len) <= 0 ||
	    !digits(tok, len, 2, false, &f->hour) || !time_separator(sc))
		return false;
	if (next_atom(sc, &tok, &len) < 0 ||
	    !digits(tok, len, 2, true, &f->minute))
		return false;
	if (sc->p < sc->end && (*sc->p == ':' || *sc->p == '.')) {
		(void)time_separator(sc);
		if (next_atom(sc, &tok, &len) <= 0 ||
		    !digits(tok, len, 2, true, &f->second))
			return false;
	}
	return true;
}

/* [weekday ","] day month year time */
static bool read_fields(struct scan *sc, struct fields *f)
{
	const unsigned char *tok;
	size_t len;
	int r;

	(void)skip_cfws(sc);
	if (next_atom(sc, &tok, &len) <= 0)
		return false;
	if (len == 3) {             /* any word: Dovecot checks no name */
		if (sc->p >= sc->end || *sc->p != ',')
			return false;
		sc->p++;
		(void)skip_cfws(sc);
		if (next_atom(sc, &tok, &len) <= 0)
			return false;
	}
	if (!digits(tok, len, 2, false, &f->day) || !read_month(sc, f) ||
	    !read_year(sc, f) || !read_time(sc, f))
		return false;
	if ((r = next_atom(sc, &tok, &len)) < 0)
		return false;
	f->zone = r == 0 ? 0 : zone_minutes(tok, len);
	return true;
}

bool sieve_date_parse(const char *s, size_t len, struct sieve_date *out)
{
	struct scan sc = { (const unsigned char *)s,
	    (const unsigned char *)s + len };
	struct fields f;

	memset(&f, 0, sizeof f);
	if (!read_fields(&sc, &f))
		return false;
	if (f.second == 60)         /* a leap second: Dovecot reads :59 */
		f.second = 59;
	if (f.day < 1 || f.day > days_in_month(f.year, f.month) ||
	    f.hour > 23 || f.minute > 59 || f.second > 59)
		return false;
	out->utc = sieve_date_days(f.year, f.month, f.day) * 86400 +
	    f.hour * 3600 + f.minute * 60 + f.second;
	/* Dovecot's mktime-style converter answers -1 for failure, so the
	 * one second whose wall-clock value is -1 (1969-12-31 23:59:59,
	 * whatever the zone) is no date to Pigeonhole either */
	if (out->utc == -1)
		return false;
	out->zone = f.zone;
	out->utc -= (int64_t)f.zone * 60;
	return true;
}

/* ---- date parts ---- */

/* snprintf's result: the length, or -1 when it did not fit */
static int fits(size_t outlen, int n)
{
	return n < 0 || (size_t)n >= outlen ? -1 : n;
}

/* "+hhmm" (a zero offset is "+0000"); colon between hh and mm when asked */
static int put_zone(char *out, size_t outlen, int zone, bool colon)
{
	int a = zone < 0 ? -zone : zone;

	return fits(outlen, snprintf(out, outlen, colon ? "%c%02d:%02d" :
	    "%c%02d%02d", zone < 0 ? '-' : '+', a / 60, a % 60));
}

static const char *const part_names[] = {
	"year", "month", "day", "date", "julian", "hour", "minute", "second",
	"time", "iso8601", "std11", "zone", "weekday"
};
enum part {
	P_YEAR, P_MONTH, P_DAY, P_DATE, P_JULIAN, P_HOUR, P_MINUTE, P_SECOND,
	P_TIME, P_ISO8601, P_STD11, P_ZONE, P_WEEKDAY, P_NONE
};

static enum part part_of(const char *name)
{
	for (size_t i = 0; i < sizeof part_names / sizeof part_names[0]; i++)
		if (strcasecmp(part_names[i], name) == 0)
			return (enum part)i;
	return P_NONE;
}

bool sieve_date_part_known(const char *name)
{
	return part_of(name) != P_NONE;
}

static int put_iso8601(char *out, size_t outlen, const struct sieve_civil *c,
    int zone)
{
	int n = snprintf(out, outlen, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d",
	    c->year, c->month, c->day, c->hour, c->minute, c->second);
	int z;

	if (fits(outlen, n) < 0)
		return -1;
	/* RFC 5260 section 4.2: a zero offset is written "Z" */
	if (zone == 0) {
		z = fits(outlen - (size_t)n, snprintf(out + n,
		    outlen - (size_t)n, "Z"));
		return z < 0 ? -1 : n + z;
	}
	z = put_zone(out + n, outlen - (size_t)n, zone, true);
	return z < 0 ? -1 : n + z;
}

static int put_std11(char *out, size_t outlen, const struct sieve_civil *c,
    int zone)
{
	int n = snprintf(out, outlen, "%s, %02d %s %04" PRId64
	    " %02d:%02d:%02d ", weekday_names[c->weekday], c->day,
	    month_names[c->month - 1], c->year, c->hour, c->minute,
	    c->second);
	int z;

	if (fits(outlen, n) < 0)
		return -1;
	z = put_zone(out + n, outlen - (size_t)n, zone, false);
	return z < 0 ? -1 : n + z;
}

int sieve_date_part(const char *name, int64_t utc, int zone, char *out,
    size_t outlen)
{
	struct sieve_civil c;

	sieve_date_civil(utc, zone, &c);
	switch (part_of(name)) {
	case P_YEAR:
		return fits(outlen, snprintf(out, outlen, "%04" PRId64,
		    c.year));
	case P_MONTH:
		return fits(outlen, snprintf(out, outlen, "%02d", c.month));
	case P_DAY:
		return fits(outlen, snprintf(out, outlen, "%02d", c.day));
	case P_DATE:
		return fits(outlen, snprintf(out, outlen, "%04" PRId64
		    "-%02d-%02d", c.year, c.month, c.day));
	case P_JULIAN:
		return fits(outlen, snprintf(out, outlen, "%" PRId64,
		    sieve_date_julian(c.year, c.month, c.day)));
	case P_HOUR:
		return fits(outlen, snprintf(out, outlen, "%02d", c.hour));
	case P_MINUTE:
		return fits(outlen, snprintf(out, outlen, "%02d",
		    c.minute));
	case P_SECOND:
		return fits(outlen, snprintf(out, outlen, "%02d",
		    c.second));
	case P_TIME:
		return fits(outlen, snprintf(out, outlen, "%02d:%02d:%02d",
		    c.hour, c.minute, c.second));
	case P_ISO8601:
		return put_iso8601(out, outlen, &c, zone);
	case P_STD11:
		return put_std11(out, outlen, &c, zone);
	case P_ZONE:
		return put_zone(out, outlen, zone, false);
	case P_WEEKDAY:
		return fits(outlen, snprintf(out, outlen, "%d",
		    c.weekday));
	case P_NONE:
		break;
	}
	return -1;
}

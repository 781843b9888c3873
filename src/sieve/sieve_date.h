/* sieve_date.h: dates for the Sieve "date" extension (RFC 5260): reading
 * an RFC 2822 date-time the way Pigeonhole 0.5.19 does (through Dovecot's
 * message date parser), and writing the date parts of RFC 5260 section
 * 4.2 for a moment seen in a given zone.
 *
 * Pure functions: no I/O, no time zone database (zones are offsets in
 * minutes; the caller supplies the local offset), no global state.  The
 * parser is a single forward scan over its input with no recursion:
 * linear time on any input, including nested comments. */
#ifndef DELIVER_SIEVE_DATE_H
#define DELIVER_SIEVE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A moment and the zone it was written in. */
struct sieve_date {
	int64_t utc;     /* seconds since 1970-01-01T00:00:00Z */
	int zone;        /* minutes east of UTC, as written (0 if none) */
};

/* Read an RFC 2822 date-time from s[0..len):
 *   [CFWS] [weekday ","] day month year hour (":"|".") minute
 *   [(":"|".") second] [zone] [anything]
 * with comments and folding allowed between the tokens, a 2-digit year
 * meaning 1970..2069, any 3-letter word taken as the weekday, a month
 * recognised by its first three letters, second 60 read as 59, the
 * obsolete zones of RFC 2822 section 4.3 (UT, GMT, EST..PDT, military
 * letters), and an unknown or missing zone read as +0000.  Impossible
 * dates (30 Feb, hour 24, minute 60) and years before 1900 are refused.
 * true with *out filled, or false. */
bool sieve_date_parse(const char *s, size_t len, struct sieve_date *out);

/* A ":zone" argument "+hhmm" / "-hhmm" (exactly five characters): true
 * with the offset in minutes in *minutes (may be NULL). */
bool sieve_date_zone_parse(const char *s, size_t len, int *minutes);

/* A civil date in the proleptic Gregorian calendar. */
struct sieve_civil {
	int64_t year;
	int month;       /* 1..12 */
	int day;         /* 1..31 */
	int hour, minute, second;
	int weekday;     /* 0 Sunday .. 6 Saturday */
};

/* The civil date and time of utc seen at zone (minutes east). */
void sieve_date_civil(int64_t utc, int zone, struct sieve_civil *out);

/* Days since 1970-01-01 of a civil date (month 1..12, any day number). */
int64_t sieve_date_days(int64_t year, int month, int day);

/* The Modified Julian Day of a civil date (RFC 5260 section 4.2: days
 * since 1858-11-17). */
int64_t sieve_date_julian(int64_t year, int month, int day);

/* Whether name is a date part of RFC 5260 section 4.2 (year, month, day,
 * date, julian, hour, minute, second, time, iso8601, std11, zone,
 * weekday), compared without case as Pigeonhole does. */
bool sieve_date_part_known(const char *name);

/* Write the date part name of utc seen at zone into out: its length, or
 * -1 for an unknown part (or an out too small: 64 bytes always do). */
int sieve_date_part(const char *name, int64_t utc, int zone, char *out,
    size_t outlen);

#endif

/* libFuzzer target: the RFC 2822 date reader and the date parts of the
 * Sieve date extension (sieve_date.h).  The input is a header value.
 * Whatever the bytes: no crash, no leak, linear time, and for a date that
 * reads:
 *   - its civil fields agree with glibc's gmtime_r in every zone the date
 *     parts are asked for (the calendar arithmetic is the project's own);
 *   - every date part fits a 64-byte buffer;
 *   - its std11 form, read again, gives the same moment and zone (for a
 *     zone std11 can write in four digits and a year of four digits). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sieve_date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const parts[] = {
	"year", "month", "day", "date", "julian", "hour", "minute", "second",
	"time", "iso8601", "std11", "zone", "weekday"
};

static void check_civil(int64_t utc, int zone)
{
	struct sieve_civil c;
	struct tm tm;
	time_t t = (time_t)(utc + (int64_t)zone * 60);

	sieve_date_civil(utc, zone, &c);
	if (gmtime_r(&t, &tm) == NULL)
		abort();
	if (c.year != (int64_t)tm.tm_year + 1900 || c.month != tm.tm_mon + 1 ||
	    c.day != tm.tm_mday || c.hour != tm.tm_hour ||
	    c.minute != tm.tm_min || c.second != tm.tm_sec ||
	    c.weekday != tm.tm_wday)
		abort();
}

static void check_parts(int64_t utc, int zone)
{
	char out[64];

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (sieve_date_part(parts[i], utc, zone, out, sizeof out) < 0 ||
		    strlen(out) >= sizeof out)
			abort();
}

static void check_round_trip(const struct sieve_date *d)
{
	struct sieve_civil c;
	struct sieve_date again;
	char out[64];
	int n;

	sieve_date_civil(d->utc, d->zone, &c);
	if (d->zone <= -100 * 60 || d->zone >= 100 * 60 || c.year > 9999)
		return;
	n = sieve_date_part("std11", d->utc, d->zone, out, sizeof out);
	if (n < 0 || !sieve_date_parse(out, (size_t)n, &again) ||
	    again.utc != d->utc || again.zone != d->zone)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_date d;
	int z;

	(void)sieve_date_zone_parse((const char *)data, size, &z);
	if (!sieve_date_parse((const char *)data, size, &d))
		return 0;
	/* years 1900..9999, moved by a zone of up to 99:99 (over four days) */
	if (d.utc < -2209075200LL - 5 * 86400 ||     /* 1900-01-01 - 5 days */
	    d.utc > 253402300799LL + 5 * 86400)      /* 9999-12-31 + 5 days */
		abort();
	check_civil(d.utc, d.zone);
	check_civil(d.utc, 0);
	check_civil(d.utc, -(99 * 60 + 59));
	check_parts(d.utc, d.zone);
	check_parts(d.utc, 99 * 60 + 59);
	check_round_trip(&d);
	return 0;
}

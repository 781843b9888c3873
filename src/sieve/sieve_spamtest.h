/* sieve_spamtest.h: the value the spamtest, spamtestplus and virustest
 * tests (RFC 5235) compare, read from the headers a spam or virus scanner
 * added, configured as Pigeonhole 0.5 configures it (deliver.conf keys
 * sieve_spamtest_* and sieve_virustest_*, same names, same meanings).
 *
 * A status header specification is "Header-Name" (the whole value) or
 * "Header-Name: ERE" (the first parenthesised group of a POSIX extended
 * regular expression, searched anywhere in the value).  The status reads
 * as a decimal score (divided by the max value, or by the number in a max
 * header), as the length of a run of one repeated character ("strlen",
 * SpamAssassin's "*****"), or as one of the configured texts (text_value0
 * to text_value10; virustest: to 5).  The ratio, clamped to 0..1, becomes
 * 1..10 (spamtest), 1..5 (virustest) or 0..100 (:percent); a message
 * without the header, a value that does not parse or match, or a missing
 * configuration gives "0", "not tested", as RFC 5235 asks.
 *
 * Pure string work on the values the caller hands over: no message, no
 * Sieve runtime, so the unit tests exercise every corner. */
#ifndef DELIVER_SIEVE_SPAMTEST_H
#define DELIVER_SIEVE_SPAMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum spamtest_kind { SPAMTEST_SPAM, SPAMTEST_VIRUS };

/* What spamtest_value found. */
enum spamtest_outcome {
	SPAMTEST_TESTED,        /* out holds the value */
	SPAMTEST_NOT_TESTED,    /* out is "0"; why says what was missing */
	SPAMTEST_BAD_CONFIG     /* out is "0"; why is the admin's error */
};

/* The first occurrence of a header (RFC 2047-decoded, unfolded), or NULL
 * when the message has none. */
typedef const char *spamtest_header_fn(void *ctx, const char *name);

/* The bytes of a header specification this code reads; a longer one is
 * a configuration error. */
#define SPAMTEST_SPEC_MAX 1024

/* The test's value for the message whose headers hdr(ctx, name) returns,
 * as a decimal string into out (at least 4 bytes).  match_limit bounds
 * each regular expression match (PCRE2 match limit; 0: the library's). */
enum spamtest_outcome spamtest_value(const struct config *cfg,
    enum spamtest_kind kind, bool percent, spamtest_header_fn *hdr,
    void *ctx, uint32_t match_limit, char *out, size_t outlen, char *why,
    size_t whylen);

/* The parts, exposed for the unit tests. */

/* A decimal as Pigeonhole reads one: optional sign, at most 5 digits, an
 * optional '.' or ',' and at most 5 more digits, nothing else.  0 or -1. */
int spamtest_parse_decimal(const char *s, double *out);

/* "ssss": the number of times one character repeats, the whole string;
 * "" is 0.  0, or -1 when another character follows. */
int spamtest_parse_strlen(const char *s, double *out);

/* The ratio (status / max, clamped to 0..1; < 0: not tested) as the
 * test's value: "0" when not tested, else 1..10, 1..5 or 0..100. */
void spamtest_score(double ratio, enum spamtest_kind kind, bool percent,
    char *out, size_t outlen);

#endif

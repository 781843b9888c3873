/* sieve_match.h: comparators, match types and the relational extension of
 * deliver's native Sieve interpreter (RFC 5228 section 2.7, RFC 4790,
 * RFC 5231, draft-ietf-sieve-regex), with Pigeonhole 0.5.19 as the
 * reference for every corner the RFCs leave open.
 *
 * Pure functions over byte strings: no I/O, no global state.  Work is
 * bounded on hostile input: :matches runs in O(value * key) steps, :regex
 * (PCRE2) under the match and depth limits of struct sieve_match_limits,
 * i;ascii-numeric compares digit strings of any length without converting
 * them to integers. */
#ifndef DELIVER_SIEVE_MATCH_H
#define DELIVER_SIEVE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sieve_comparator { SIEVE_CMP_OCTET, SIEVE_CMP_CASEMAP, SIEVE_CMP_NUMERIC };
enum sieve_match_type {
	SIEVE_MT_IS, SIEVE_MT_CONTAINS, SIEVE_MT_MATCHES, SIEVE_MT_REGEX,
	SIEVE_MT_VALUE, SIEVE_MT_COUNT
};
enum sieve_relation {
	SIEVE_REL_GT, SIEVE_REL_GE, SIEVE_REL_LT, SIEVE_REL_LE, SIEVE_REL_EQ,
	SIEVE_REL_NE
};

/* "i;octet", "i;ascii-casemap", "i;ascii-numeric", in any case (as
 * Pigeonhole finds them): 0, or -1 unknown. */
int sieve_comparator_lookup(const char *name, enum sieve_comparator *out);
/* "gt", "ge", "lt", "le", "eq", "ne", lower case only (RFC 5231's ABNF
 * quotes them; Pigeonhole refuses "GT"): 0, or -1 unknown. */
int sieve_relation_lookup(const char *name, enum sieve_relation *out);
/* Whether the comparator can serve that match type (RFC 4790: a
 * comparator declares equality/ordering/substring support).
 * i;ascii-numeric has no substring operation, so :contains, :matches and
 * :regex with it are errors when the script is compiled (Pigeonhole). */
bool sieve_comparator_supports(enum sieve_comparator cmp,
                               enum sieve_match_type type);

struct sieve_strings {
	const char *const *v;   /* byte strings, not NUL-terminated */
	const size_t *len;
	size_t n;
};

/* ${0}..${31}: Pigeonhole keeps 32 match values (SIEVE_MAX_MATCH_VALUES);
 * its testsuite reads ${26} after a :matches with 26 wildcards. */
#define SIEVE_MATCH_VALUES 32
struct sieve_match_values {
	char *v[SIEVE_MATCH_VALUES];   /* malloced, NUL-terminated */
	size_t len[SIEVE_MATCH_VALUES];
	size_t n;                      /* how many are set */
};
/* Frees the values and sets n to 0 (a zeroed struct is a cleared one). */
void sieve_match_values_clear(struct sieve_match_values *mv);

struct sieve_match_limits {
	uint32_t regex_match_limit;   /* PCRE2 match limit; 0: library default */
	uint32_t regex_depth_limit;   /* PCRE2 depth limit; 0: library default */
	size_t value_max;             /* bytes kept per match value; 0: none */
};
/* lim may be NULL: SIEVE_MATCH_LIMITS_DEFAULT. */
extern const struct sieve_match_limits SIEVE_MATCH_LIMITS_DEFAULT;

struct sieve_matcher {
	enum sieve_match_type type;
	enum sieve_comparator cmp;
	enum sieve_relation rel;        /* :value and :count only */
	bool capture;                   /* fill match values */
	const struct sieve_match_limits *lim;
};

/* Every value against every key: 1 match, 0 none, -1 runtime error
 * (reason in err).  With capture, a match by :matches or :regex fills
 * *out (${0} whole, ${1}.. the wildcards / groups) as Pigeonhole does;
 * otherwise *out is untouched.  :count compares the number of values
 * with each key, as a decimal string, under the test's comparator (as
 * Pigeonhole: scripts give "i;ascii-numeric").  What to pass as values
 * for :count, as Pigeonhole counts: every header value (header test);
 * every item of sieve_address_list, raw ones included, whatever the
 * address part (address and envelope tests: "nonsense" counts 1 for
 * :localpart too); only the non-empty strings (string test).
 *
 * err is set to "" on entry.  A :regex key that does not compile (one
 * made from variables; constant keys are checked by sieve_regex_check)
 * is skipped, as Pigeonhole skips it: the return is then 0 or 1 and err
 * holds the reason, which the caller reports as a runtime error without
 * stopping the script (Pigeonhole's regex/errors.svtest). */
int sieve_match(const struct sieve_matcher *m,
                const struct sieve_strings *values,
                const struct sieve_strings *keys,
                struct sieve_match_values *out, char *err, size_t errlen);

/* Whether a constant regex key compiles (checked when the script is
 * compiled): 0, or -1 with the reason. */
int sieve_regex_check(const char *pattern, size_t len,
                      enum sieve_comparator cmp, char *err, size_t errlen);

/* :contains (i;octet or i;ascii-casemap) over values that arrive in
 * pieces and are not kept (body): each piece is searched with the last
 * (longest key - 1) bytes before it, so every place a key could start is
 * searched with all of its bytes, and what is held is one piece and that
 * tail.  found ends as matching the whole values would say: a key in
 * some value, or an empty key and at least one value.  keys must outlive
 * the scan. */
struct sieve_contains_scan {
	bool fold;                          /* i;ascii-casemap */
	const struct sieve_strings *keys;
	char *folded;                       /* the keys, folded when fold */
	size_t kmax, ktotal;                /* longest key, all keys' bytes */
	bool empty_key;
	char *buf;                          /* the tail, then the piece */
	size_t cap, tail;
	size_t vlen;                        /* the current value so far */
	bool found;
};

/* 0, or -1 when memory runs out (free it all the same). */
int sieve_contains_scan_init(struct sieve_contains_scan *sc,
                             enum sieve_comparator cmp,
                             const struct sieve_strings *keys);
/* A new value starts. */
void sieve_contains_scan_begin(struct sieve_contains_scan *sc);
/* The next piece of the value (the signature of a mime_sink_fn, ctx the
 * scan): 0, or -1 when memory runs out (errno ENOMEM). */
int sieve_contains_scan_piece(void *ctx, const char *data, size_t len);
/* The value is complete. */
void sieve_contains_scan_end(struct sieve_contains_scan *sc);
void sieve_contains_scan_free(struct sieve_contains_scan *sc);

#endif

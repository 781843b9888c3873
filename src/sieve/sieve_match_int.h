/* sieve_match_int.h: what the files of the matching library share among
 * themselves (sieve_match.c, sieve_glob.c, sieve_regex.c): the comparators'
 * primitive operations and the match-value bookkeeping.  Not for the
 * interpreter: it uses sieve_match.h. */
#ifndef DELIVER_SIEVE_MATCH_INT_H
#define DELIVER_SIEVE_MATCH_INT_H

#include "sieve_match.h"

/* i;ascii-casemap folds A-Z only, whatever the locale */
static inline unsigned char sieve_fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* -1, 0, 1 as RFC 4790's ordering operation of the comparator */
int sieve_cmp_compare(enum sieve_comparator cmp, const char *a, size_t alen,
                      const char *b, size_t blen);

/* Match values under construction: appended in order, committed into the
 * caller's struct only when the whole match succeeded. */
struct sieve_mv_builder {
	struct sieve_match_values mv;
	size_t value_max;
	bool nomem;
};
void sieve_mvb_init(struct sieve_mv_builder *b, size_t value_max);
/* Appends one value (NULL with len 0: an empty one); past the last index
 * the value is dropped, as Pigeonhole drops it. */
void sieve_mvb_add(struct sieve_mv_builder *b, const char *p, size_t len);
/* Sets ${0}; replaces it when already there. */
void sieve_mvb_set0(struct sieve_mv_builder *b, const char *p, size_t len);
/* Moves the values into *out (clearing what was there): 0, or -1 when
 * memory ran out on the way (nothing moved). */
int sieve_mvb_commit(struct sieve_mv_builder *b, struct sieve_match_values *out);
void sieve_mvb_discard(struct sieve_mv_builder *b);

/* :matches of one value against one key: 1, 0, or -1 (memory).  With mvb
 * non-NULL, ${1}.. are appended to it on a match (${0} is the caller's). */
int sieve_glob_match(enum sieve_comparator cmp, const char *val, size_t vlen,
                     const char *key, size_t klen, struct sieve_mv_builder *mvb);

/* Compiled :regex keys of one sieve_match call, compiled on first use */
struct sieve_regex_cache;
struct sieve_regex_cache *sieve_regex_cache_new(size_t nkeys,
                                                const struct sieve_match_limits *lim);
void sieve_regex_cache_free(struct sieve_regex_cache *c);
/* :regex of one value against key number k: 1, 0, -1 fatal (limit,
 * memory), -2 the key does not compile (reason in err; the caller skips
 * the key).  With mvb non-NULL, a match sets ${0} and appends the groups. */
int sieve_regex_match(struct sieve_regex_cache *c, size_t k,
                      enum sieve_comparator cmp,
                      const char *val, size_t vlen,
                      const char *key, size_t klen,
                      struct sieve_mv_builder *mvb, char *err, size_t errlen);

#endif

/* sieve_regex.c: placeholder until the regex match type is in. */
#include "sieve_match_int.h"

int sieve_regex_match(enum sieve_comparator cmp,
                      const struct sieve_match_limits *lim,
                      const char *val, size_t vlen,
                      const char *key, size_t klen,
                      struct sieve_mv_builder *mvb, char *err, size_t errlen)
{
	(void)cmp; (void)lim; (void)val; (void)vlen; (void)key; (void)klen;
	(void)mvb; (void)err; (void)errlen;
	return 0;
}

int sieve_regex_check(const char *pattern, size_t len,
                      enum sieve_comparator cmp, char *err, size_t errlen)
{
	(void)pattern; (void)len; (void)cmp; (void)err; (void)errlen;
	return 0;
}

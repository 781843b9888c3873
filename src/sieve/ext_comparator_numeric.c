/* ext_comparator_numeric.c: the comparator i;ascii-numeric (RFC 4790
 * section 9.1), required as "comparator-i;ascii-numeric" (RFC 5228
 * section 2.7.3); the comparison itself is sieve_match.h's. */
#include "sieve_ext.h"

static const char *const numeric[] = { "i;ascii-numeric", NULL };

const struct sieve_extension sieve_ext_comparator_numeric = {
	.name = "comparator-i;ascii-numeric",
	.comparators = numeric,
};

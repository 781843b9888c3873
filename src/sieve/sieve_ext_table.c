/* sieve_ext_table.c: the table of extensions, built from the one-line
 * entries of sieve_ext_list.h. */
#include "sieve_ext.h"

#define SIEVE_EXT(name) extern const struct sieve_extension sieve_ext_##name;
#include "sieve_ext_list.h"
#undef SIEVE_EXT

const struct sieve_extension *const sieve_ext_table[] = {
#define SIEVE_EXT(name) &sieve_ext_##name,
#include "sieve_ext_list.h"
#undef SIEVE_EXT
};

const size_t sieve_ext_count =
	sizeof sieve_ext_table / sizeof sieve_ext_table[0];

_Static_assert(sizeof sieve_ext_table / sizeof sieve_ext_table[0] <=
    SIEVE_EXT_MAX, "more extensions than a struct sieve_ext_set holds");

/* ph_ext_table.c: the runner's extension table: the product's table,
 * built from the same one-line list (src/sieve/sieve_ext_list.h), and the
 * test-only vnd.dovecot.testsuite after it.  The runner links this file
 * instead of src/sieve/sieve_ext_table.c, so the testsuite extension is
 * looked up, checked and run exactly as the product's extensions are, and
 * is never in build/deliver. */
#include "ph_ext.h"
#include "sieve_ext.h"

#define SIEVE_EXT(name) extern const struct sieve_extension sieve_ext_##name;
#include "sieve_ext_list.h"
#undef SIEVE_EXT

const struct sieve_extension *const sieve_ext_table[] = {
#define SIEVE_EXT(name) &sieve_ext_##name,
#include "sieve_ext_list.h"
#undef SIEVE_EXT
	&sieve_ext_testsuite,
};

const size_t sieve_ext_count =
	sizeof sieve_ext_table / sizeof sieve_ext_table[0];

_Static_assert(sizeof sieve_ext_table / sizeof sieve_ext_table[0] <=
    SIEVE_EXT_MAX, "more extensions than a struct sieve_ext_set holds");

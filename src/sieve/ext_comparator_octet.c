/* ext_comparator_octet.c: "comparator-i;octet" and
 * "comparator-i;ascii-casemap" may be required although every script has
 * both (RFC 5228 section 2.7.3); these entries make the require valid. */
#include "sieve_ext.h"

const struct sieve_extension sieve_ext_comparator_octet = {
	.name = "comparator-i;octet",
};

const struct sieve_extension sieve_ext_comparator_casemap = {
	.name = "comparator-i;ascii-casemap",
};

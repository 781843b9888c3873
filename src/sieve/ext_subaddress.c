/* ext_subaddress.c: the "subaddress" extension (RFC 5233): the address
 * parts :user and :detail wherever :localpart may stand (address,
 * envelope).  Splitting user+detail@domain at recipient_delimiter is
 * sieve_address_part's work (sieve_address.h); the address and envelope
 * tests hand it the part named by the tag. */
#include "sieve_rt.h"

static const struct sieve_def subaddress_defs[] = {
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add subaddress_tags[] = {
	{ SIEVE_ADD_TO_ADDRPART,
	  { "user", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL } },
	{ SIEVE_ADD_TO_ADDRPART,
	  { "detail", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_subaddress = {
	.name = "subaddress",
	.defs = subaddress_defs,
	.tag_adds = subaddress_tags,
};

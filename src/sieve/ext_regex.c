/* ext_regex.c: the regex extension (draft-ietf-sieve-regex-01): the
 * :regex match type wherever a match type may stand.  The matching itself
 * (PCRE2 under its match limit) is sieve_match.h's; a constant key is
 * compiled when the script is checked (sieve_check_match_args). */
#include "sieve_ext.h"

static const struct sieve_tag_add regex_tags[] = {
	{ SIEVE_ADD_TO_MATCH, { "regex", SIEVE_ARGT_NONE, SIEVE_TG_MATCH,
	  NULL } },
	/* variables' modifier (RFC 5229 section 4) */
	{ "set", { "quoteregex", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL } },
	{ "extracttext", { "quoteregex", SIEVE_ARGT_NONE, SIEVE_TG_NONE,
	  NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_regex = {
	.name = "regex",
	.tag_adds = regex_tags,
};

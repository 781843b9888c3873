/* ext_copy.c: the "copy" extension (RFC 3894): the tag :copy on fileinto
 * and redirect.  The tag only has to exist here; the run functions of
 * fileinto and redirect look for it and then leave the implicit keep
 * alone, which is all :copy means. */
#include "sieve_rt.h"

static const struct sieve_def copy_defs[] = {
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add copy_tags[] = {
	{ "fileinto", { "copy", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL } },
	{ "redirect", { "copy", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_copy = {
	.name = "copy",
	.defs = copy_defs,
	.tag_adds = copy_tags,
};

/* ext_relational.c: the relational extension (RFC 5231): the match types
 * :count and :value, each followed by a relational operator ("gt", "ge",
 * "lt", "le", "eq", "ne"), wherever a match type may stand. */
#include "sieve_ext.h"
#include "sieve_match.h"

static void check_relation(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	enum sieve_relation rel;

	(void)tag;
	if (sieve_relation_lookup(val->strings->value, &rel) < 0)
		sieve_check_error(ck, val->pos, "unknown relational operator "
		    "\"%s\" (expected gt, ge, lt, le, eq or ne)",
		    val->strings->value);
}

static const struct sieve_tag_add relational_tags[] = {
	{ SIEVE_ADD_TO_MATCH, { "count", SIEVE_ARGT_STRING, SIEVE_TG_MATCH,
	  check_relation } },
	{ SIEVE_ADD_TO_MATCH, { "value", SIEVE_ARGT_STRING, SIEVE_TG_MATCH,
	  check_relation } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_relational = {
	.name = "relational",
	.tag_adds = relational_tags,
};

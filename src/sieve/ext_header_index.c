/* ext_header_index.c: the "index" extension (RFC 5260 section 6): the tags
 * ":index <fieldno>" and ":last" on the header, address and date tests,
 * which then look at one header field only: the Nth of all the fields
 * they name (in the order of the names, each name's fields in message
 * order), counted from the end with :last.  The selection itself is
 * sieve_rt_call_header_values (interp_rt.c), which those tests call.
 *
 * As Pigeonhole 0.5.19: :index 0 is an error, :last without :index is
 * an error wherever it stands (":last :index 2" is fine), and a field
 * number beyond the fields there are selects nothing (the test is then
 * false; :count sees 0).  Two Pigeonhole defects are not copied: its
 * header :count says 0 when the index names the last field (first with
 * :last), and its date test drops an :index written before :zone.
 *
 * Named ext_header_index.c, not ext_index.c: sieve_ext_index is already
 * the extension table's lookup function (sieve_ext.h). */
#include <string.h>

#include "sieve_ext.h"

static void check_index(struct sieve_checker *ck, const struct sieve_arg *tag,
    const struct sieve_arg *val)
{
	(void)tag;
	if (val->number == 0)
		sieve_check_error(ck, val->pos, "the :index tag cannot be "
		    "zero");
}

static void check_last(struct sieve_checker *ck, const struct sieve_arg *tag,
    const struct sieve_arg *val)
{
	(void)val;
	for (const struct sieve_arg *a = sieve_check_args(ck); a; a = a->next)
		if (a->kind == SIEVE_ARG_TAG && strcmp(a->tag, "index") == 0)
			return;
	sieve_check_error(ck, tag->pos, "the :last tag cannot be specified "
	    "without the :index tag");
}

#define INDEX_TAGS(test) \
	{ test, { "index", SIEVE_ARGT_NUMBER, SIEVE_TG_NONE, \
	  check_index } }, \
	{ test, { "last", SIEVE_ARGT_NONE, SIEVE_TG_NONE, check_last } }

static const struct sieve_tag_add index_tag_adds[] = {
	INDEX_TAGS("header"),
	INDEX_TAGS("address"),
	INDEX_TAGS("date"),
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_header_index = {
	.name = "index",
	.tag_adds = index_tag_adds,
};

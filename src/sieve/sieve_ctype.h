/* sieve_ctype.h: what the mime extension's options (RFC 5703 section 4.2)
 * read from a Content-Type or Content-Disposition value: the type and
 * subtype, the disposition token, and the parameters with RFC 2231
 * continuations joined and their %-encoding undone.
 *
 * Pigeonhole 0.5.19 is the reference (it reads these values with
 * Dovecot's RFC 822 and RFC 2231 parsers), including its corners:
 *   - a value whose type does not parse, or that holds more than
 *     blanks or ";" after it, gives "" for every option;
 *   - the parameters come in the header's order, then the RFC 2231 ones
 *     (name*0, name*1*, ...) joined per name, sorted by name; a name
 *     whose pieces do not count 0, 1, 2, ... keeps its pieces apart
 *     ("name*0", "name*2*") and matches nothing;
 *   - :param "name" matches a parameter "name" (its value as written,
 *     quotes removed) or "name*" (the value after charset'language',
 *     %XX decoded; not converted from that charset, as Pigeonhole);
 *   - a header with no matching parameter still gives one "" value.
 * Everything here is bounded by the value's length: one pass over it,
 * no recursion (comments nest by a counter). */
#ifndef DELIVER_SIEVE_CTYPE_H
#define DELIVER_SIEVE_CTYPE_H

#include <stdbool.h>
#include <stddef.h>

/* Parameters of one header value kept; the rest are ignored. */
#define SIEVE_CTYPE_PARAMS_MAX 256

enum sieve_mime_option {
	SIEVE_MIME_OPT_NONE = 0,     /* the header value itself */
	SIEVE_MIME_OPT_TYPE,         /* "text" of "text/plain" */
	SIEVE_MIME_OPT_SUBTYPE,      /* "plain" */
	SIEVE_MIME_OPT_CONTENTTYPE,  /* "text/plain" */
	SIEVE_MIME_OPT_PARAM         /* values of the named parameters */
};

struct sieve_ctype_param {
	char *name;     /* as written ("charset", "title*" when joined from
	                 * extended pieces) */
	char *value;    /* quotes removed; extended pieces as written */
};

struct sieve_ctype {
	bool valid;            /* the type (or disposition) parsed */
	char *value;           /* "type/subtype" or the disposition token,
	                        * as written; "" when not valid */
	struct sieve_ctype_param *params;
	size_t nparams;
};

/* Parse a Content-Type (is_ctype) or Content-Disposition value of len
 * bytes.  0, or -1 when memory runs out (ct then freed).  Free with
 * sieve_ctype_free. */
int sieve_ctype_parse(const char *value, size_t len, bool is_ctype,
    struct sieve_ctype *ct);
void sieve_ctype_free(struct sieve_ctype *ct);

/* Receives one value an option gives: nonzero stops with that value. */
typedef int sieve_ctype_sink(void *ctx, const char *s, size_t len);

/* The values header :mime with option compares for one header named
 * hdr_name holding value[0..len): one value for every option but
 * SIEVE_MIME_OPT_PARAM, which gives the parameters named in params
 * (nparams names, NUL-terminated, any case) or one "".  A header other
 * than Content-Type and Content-Disposition gives "" for every option
 * but NONE.  0, the sink's nonzero value, or -1 when memory runs out. */
int sieve_ctype_option_values(const char *hdr_name, const char *value,
    size_t len, enum sieve_mime_option option, const char *const *params,
    size_t nparams, sieve_ctype_sink *sink, void *ctx);

/* Undo the %XX encoding of an RFC 2231 extended value after its
 * charset'language' prefix, into a malloced NUL-terminated copy (*outlen
 * bytes, NUL bytes kept).  0; 1 when the value is not well formed (no
 * two quotes, a % without two hex digits); -1 out of memory. */
int sieve_ctype_decode_extended(const char *value, char **out,
    size_t *outlen);

#endif

/* sieve_address.h: addresses for the Sieve address and envelope tests
 * (RFC 5228 sections 2.7.4, 5.1, 5.4) and their parts, including
 * :user/:detail of the subaddress extension (RFC 5233).
 *
 * A header value is read as an RFC 5322 section 3.4 address list (groups,
 * comments, quoted local parts, obsolete routes) the way Pigeonhole
 * 0.5.19's address test reads it.  Parsing is iterative, so nesting depth
 * in the input costs no stack, and linear in the value's length. */
#ifndef DELIVER_SIEVE_ADDRESS_H
#define DELIVER_SIEVE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define SIEVE_ADDRESS_MAX 256   /* list elements read from one value */

enum sieve_address_part {
	SIEVE_AP_ALL, SIEVE_AP_LOCALPART, SIEVE_AP_DOMAIN, SIEVE_AP_USER,
	SIEVE_AP_DETAIL
};
/* "all", "localpart", "domain", "user", "detail" (without the colon,
 * lower case): 0, or -1 unknown. */
int sieve_address_part_lookup(const char *tag, enum sieve_address_part *out);

struct sieve_address {
	char *local;    /* malloced, unquoted; for a raw item, the raw value */
	char *domain;   /* malloced; NULL: none */
	/* Not an address: a header value with no valid address in it, or an
	 * empty value, or the null path.  Pigeonhole hands it as it is to
	 * :all, and to every part when it is empty; other parts of it do not
	 * exist. */
	bool raw;
};
struct sieve_address_list { struct sieve_address *items; size_t n; };

/* An address-list header value (RFC 5322 3.4: groups, comments, quoted
 * local parts, obsolete routes), as Pigeonhole's address test reads it,
 * including what it does with invalid or empty values:
 *   - the valid addresses, in order; invalid ones among them are left
 *     out; at most SIEVE_ADDRESS_MAX list elements are read, as Pigeonhole
 *     reads 256 (a group is one element, however many addresses it has);
 *   - an empty value: one raw item "";
 *   - a value with items but none valid (only invalid addresses, or only
 *     groups, as "undisclosed-recipients:;"): one raw item, the value;
 *   - a value with no item at all (blanks, comments): no item.
 * Valid means a non-empty local part of printable ASCII and a non-empty
 * domain.  The value must be the raw header (unfolded, not RFC 2047
 * decoded: an encoded word may hide an "@" or "<"); folding whitespace is
 * fine.  0, or -1 when memory
 * runs out. */
int sieve_address_list_parse(const char *value, size_t len,
                             struct sieve_address_list *out);
void sieve_address_list_free(struct sieve_address_list *l);
/* An envelope path (sender/recipient, "" = null path) for the envelope
 * test, read as Pigeonhole reads it (sieve_address_path.c): "" and "<>"
 * give one raw item "" (every part of the null path is ""); a valid path
 * one address, brackets, source route and quoting undone, no domain for a
 * local part alone; a value that is not a path no item at all.  0, or -1
 * when memory runs out. */
int sieve_address_path_parse(const char *value,
                             struct sieve_address_list *out);
/* The part as a malloced string, or NULL when it does not exist (e.g.
 * :detail of an address without a delimiter, per RFC 5233 and
 * Pigeonhole); delimiters = recipient_delimiter characters (several
 * allowed, Postfix style).  *nomem set when memory ran out. */
char *sieve_address_part(const struct sieve_address *a,
                         enum sieve_address_part part,
                         const char *delimiters, bool *nomem);

#endif

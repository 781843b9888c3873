/* rfc2047.h: decoding of RFC 2047 encoded words in header values.
 *
 * Sieve compares header values after decoding (RFC 5228 section 2.7.2, and
 * Pigeonhole does it); libsieve does not, so the adapter decodes before it
 * hands values over. */
#ifndef DELIVER_RFC2047_H
#define DELIVER_RFC2047_H

#include <stdbool.h>
#include <stddef.h>

/* Decode every well-formed encoded word (=?charset?B|Q?text?=) of value to
 * UTF-8; whitespace between two adjacent encoded words is dropped (RFC 2047
 * section 6.2).  A malformed word, an unknown charset or a result that is
 * not valid UTF-8 stays as written.  Control characters produced by
 * decoding become '?'.
 *
 * With phrase_only (address headers: From, To, ...), words inside <...>,
 * quoted strings and comments are left alone, and a decoded word whose text
 * holds an address special character is put into a quoted string, so the
 * value still parses as the same addresses.
 *
 * Returns a malloced string, or NULL when memory runs out. */
char *rfc2047_decode(const char *value, bool phrase_only);

/* Whether the n bytes at s are strict UTF-8 (shortest forms, no
 * surrogates, nothing above U+10FFFF): what a decoded word must be, and
 * what Pigeonhole requires of a folder name. */
bool rfc2047_utf8_valid(const char *s, size_t n);

/* Whether a header of this name holds addresses (From, To, Cc, ...). */
bool rfc2047_is_address_header(const char *name);

#endif

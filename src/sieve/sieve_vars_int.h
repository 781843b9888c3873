/* sieve_vars_int.h: what the files of the variables library share and
 * nobody else needs: UTF-8 measuring and cutting as Pigeonhole does them
 * (so lengths and cut values come out the same), and turning a growing
 * buffer into the (string, length) pair the public functions return. */
#ifndef DELIVER_SIEVE_VARS_INT_H
#define DELIVER_SIEVE_VARS_INT_H

#include <stddef.h>

#include "growbuf.h"

/* Bytes of the UTF-8 character that starts with byte c, judged by c alone:
 * 1 for ASCII and for bytes that cannot start a sequence (0x80..0xC1,
 * 0xFE, 0xFF), 2..6 by the lead byte's high bits. */
size_t sieve_utf8_char_bytes(unsigned char c);

/* Characters in s[0..len): lead bytes counted as above, an incomplete
 * sequence at the end not counted (what :length reports). */
size_t sieve_utf8_strlen(const char *s, size_t len);

/* The length s[0..len) keeps when cut to at most max bytes without ending
 * in the middle of a character.  Like Pigeonhole, it looks only at the
 * bytes around the cut: when the byte at max is not ASCII it steps back
 * over continuation bytes and one lead byte. */
size_t sieve_utf8_truncate(const char *s, size_t len, size_t max);

/* Hand b's bytes over as *out and *outlen ("" when nothing was appended).
 * 0; -1 (b freed) when memory ran out. */
int sieve_growbuf_finish(struct growbuf *b, char **out, size_t *outlen);

#endif

/* sieve_wire.h: a Sieve result as bytes, from the evaluating child to the
 * parent over a pipe.
 *
 * The child runs libsieve on untrusted input, so the parent treats what
 * arrives as hostile: decoding is strict (known tags only, bounded counts
 * and lengths, no NUL bytes inside strings, fields only after an action,
 * an end record last) and anything else is refused as a whole.
 *
 * Format: "DSV1", then records of tag (1 byte), length (4 bytes, big
 * endian) and that many payload bytes; the last record is 'Z'.  An action's
 * 'C' record (fileinto :create) is sent only when set. */
#ifndef DELIVER_SIEVE_WIRE_H
#define DELIVER_SIEVE_WIRE_H

#include <stddef.h>

#include "sieve.h"

#define SIEVE_WIRE_MAX      (4 * 1024 * 1024)   /* whole result */
#define SIEVE_WIRE_FIELD_MAX (SIEVE_SCRIPT_MAX) /* one string */

/* Serialize res into a malloced buffer.  -1 when memory runs out. */
int sieve_wire_encode(const struct sieve_result *res, char **buf,
    size_t *len);

/* Parse buf into res (zeroed first).  -1 with a static reason in *why for
 * anything malformed (res is then empty). */
int sieve_wire_decode(const char *buf, size_t len, struct sieve_result *res,
    const char **why);

#endif

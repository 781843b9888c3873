/* sieve_request.h: the request a Sieve child (the early child of one
 * delivery, or --redeliver's worker) reads for one evaluation: a length,
 * flags, the message's size, the vacation limits, the script (or with
 * FLAG_PREPARED the path of a script the child prepared itself), the
 * envelope strings and the kept headers with their framing.  Everything in
 * it is checked when it is decoded; the child trusts nothing it reads. */
#ifndef DELIVER_SIEVE_REQUEST_H
#define DELIVER_SIEVE_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "headers.h"
#include "sieve.h"

/* A request holds at most a script, the kept headers with their framing
 * and the envelope strings. */
#define REQ_MAX ((size_t)SIEVE_SCRIPT_MAX + HEADER_INDEX_BYTES + \
    (size_t)HEADER_INDEX_COUNT * 16 + 4 * SIEVE_SCRIPT_MAX)
#define FLAG_PREPARED  4u        /* text is the path of a prepared script */
#define FLAG_LAST      8u        /* the child stops after this answer */

/* The request for text (a script, or with FLAG_PREPARED its path) and env,
 * extra being FLAG_PREPARED and FLAG_LAST as wanted: a malloced buffer in
 * *buf, its length in *len; -1 when memory runs out or it would exceed
 * REQ_MAX. */
int sieve_request_encode(const char *text, const struct sieve_env *env,
    uint32_t extra, char **buf, size_t *len);

/* The request in buf (without its length): env filled with pointers into
 * buf, the headers in *idx (free them with header_index_free), the flags
 * in *flags; -1 for anything malformed. */
int sieve_request_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx, uint32_t *flags);

/* A plain evaluation request (no flags), as the worker gets it, for the
 * unit tests.  encode: malloced buffer
 * (-1 when memory runs out).  decode: env filled with pointers into buf
 * and a header index in *idx (free it with header_index_free); -1 for
 * anything malformed. */
int sieve_worker_encode(const char *text, const struct sieve_env *env,
    char **buf, size_t *len);
int sieve_worker_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx);

#endif

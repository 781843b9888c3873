/* sieve_seq.h: the scripts one delivery runs, in Pigeonhole's order:
 * sieve_before, sieve_before2, sieve_before3, the user's script (or the
 * admin's sieve_default when the user has none), sieve_after,
 * sieve_after2, sieve_after3.  Each of the before/after keys names a
 * script file or a directory whose *.sieve files (not starting with a
 * dot) run in name order, as Pigeonhole's sieve_before does.  At most
 * SIEVE_SEQ_MAX scripts in all: a directory of more is cut (and said).
 * The native engine runs this sequence; sieve_discard is not part of it
 * (it runs only when the sequence would discard the message). */
#ifndef DELIVER_SIEVE_SEQ_H
#define DELIVER_SIEVE_SEQ_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define SIEVE_SEQ_MAX 64

struct sieve_seq {
	char *paths[SIEVE_SEQ_MAX];
	size_t n;
	size_t user;          /* index of the user's own script; n when none
	                       * (no script, or sieve_default runs instead) */
};

/* Fill seq for a user whose home is home, -s opt (or NULL).  A script
 * named by a key that does not exist is left in (its run says so, as for
 * a single script).  0, or -1 when memory runs out. */
int sieve_seq_build(const struct config *cfg, const char *home,
    const char *opt, struct sieve_seq *seq);

void sieve_seq_free(struct sieve_seq *seq);

/* "~/x" with home; anything else copied.  NULL when memory runs out. */
char *sieve_seq_expand(const char *path, const char *home);

#endif

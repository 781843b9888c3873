/* sieve_cli.h: deliver -C, checking a Sieve script or a directory of them
 * for the engine in use (sieve_engine).  Native: deliver's parser and the
 * native checker (sieve_ext.h), nothing else.  libsieve: deliver's own
 * front end, then libsieve (isolated) on the canonical text the front
 * end emits.
 *
 * A script: its errors, one a line, as "PATH: line L, column C: reason"
 * (the front end's) or "PATH: line L: reason" (libsieve's, on the
 * canonical text, whose lines are the script's), else "PATH: OK" or
 * "PATH: OK (runs after canonical rewrite: ...)".
 *
 * A directory: one line per *.sieve file in it (not starting with '.',
 * in byte order), "NAME: VERDICT", then "total: ..." (see deliver.1). */
#ifndef DELIVER_SIEVE_CLI_H
#define DELIVER_SIEVE_CLI_H

#include <stddef.h>

#include "config.h"

/* Check path (a script or a directory), printing on stdout.  Returns
 * EX_OK when everything can run, EX_DATAERR (65) when something cannot,
 * EX_NOINPUT (66) when path cannot be read or a directory holds no
 * script; why (for the caller's one line on stderr) says which. */
int sieve_check_path(const char *path, const struct config *cfg, char *why,
    size_t whylen);

#endif

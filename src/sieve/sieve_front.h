/* sieve_front.h: deliver's Sieve front end in one call.
 *
 * Parse (sieve_parse.h), check (sieve_check.h) and re-emit for libsieve
 * (sieve_emit.h), and say what became of the script: it runs as written,
 * runs after the canonical rewrite, needs an extension deliver lacks,
 * uses a construct libsieve cannot run, or is invalid.  The adapter hands
 * libsieve emit.script, never the user's text; deliver -C prints the
 * diagnostics and the verdict. */
#ifndef DELIVER_SIEVE_FRONT_H
#define DELIVER_SIEVE_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sieve_check.h"
#include "sieve_emit.h"

enum sieve_front_status {
	SIEVE_FRONT_AS_WRITTEN,   /* libsieve reads it as the user wrote it */
	SIEVE_FRONT_REWRITTEN,    /* runs after the canonical rewrite */
	SIEVE_FRONT_UNSUPPORTED,  /* needs an extension deliver lacks */
	SIEVE_FRONT_REFUSED,      /* valid Sieve that libsieve cannot run */
	SIEVE_FRONT_INVALID       /* syntax or semantic error */
};

struct sieve_front {
	enum sieve_front_status status;
	struct sieve_emit_result emit;    /* emit.script when runnable */
	struct sieve_check_result check;  /* its diags (and unsupported) */
	struct sieve_diag error;          /* parse or emit error */
	bool has_error;                   /* error is set */
};

/* Prepare src[0..len).  Returns 0 when f->emit.script can be handed to
 * libsieve (AS_WRITTEN or REWRITTEN), -1 otherwise (f->status says why;
 * the diagnostics are in f).  Free with sieve_front_free either way. */
int sieve_front_prepare(const char *src, size_t len, struct sieve_front *f);

void sieve_front_free(struct sieve_front *f);

struct sieve_msgs;
/* The diagnostics as "line L, column C: reason" lines.  -1 when memory
 * runs out. */
int sieve_front_msgs(const struct sieve_front *f, struct sieve_msgs *m);

/* Write every diagnostic, one per line: "<name>: line L, column C: msg".
 * Returns the number of lines written. */
size_t sieve_front_print_errors(const struct sieve_front *f,
    const char *name, FILE *out);

/* The verdict in a few words, for deliver -C on a directory:
 * "runs as written", "runs after canonical rewrite (imapflags ->
 * imap4flags, ...)", "needs extension variables include", "cannot run:
 * <reason>", "invalid". */
void sieve_front_verdict(const struct sieve_front *f, char *buf,
    size_t len);

#endif

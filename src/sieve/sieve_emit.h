/* sieve_emit.h: re-emit a checked script in the form libsieve 2.2.6 reads.
 *
 * libsieve 2.2.6 refuses or misreads much of what users write (see
 * LIBSIEVE.md and REFERENCE.md 5.2).  The canonical form written here:
 *
 *  - identifiers, tags and text: in lower case; numbers in plain decimal
 *    (libsieve reads only upper-case K/M/G), clamped to 2147483647
 *    because libsieve keeps numbers in an int;
 *  - require: "imapflags" becomes "imap4flags"; "copy" and "mailbox" are
 *    dropped (deliver carries them, below); a script that is nothing but
 *    require lines becomes empty (libsieve rejects it otherwise);
 *  - a trailing ':' on a header name is removed ("Subject:" -> "Subject");
 *  - `hasflag :is` loses the :is (its default; libsieve 2.2.6 crashes on
 *    any match type in hasflag); other match types in hasflag, and
 *    valid_notif_method (unusable in libsieve's grammar), are refused;
 *  - strings are written so that libsieve's lexer reads them right.
 *    libsieve never unescapes: a test compares the bytes between the
 *    quotes, while the adapter unescapes what reaches an action callback.
 *    So strings of tests are written raw (the value itself between
 *    quotes; one holding '"' or ending in '\' cannot be written: a key
 *    becomes a :regex, below, anything else is refused), strings of
 *    actions and flags are written escaped ("\\" and "\""), as text:
 *    when the value ends with a line end, and refused when they end in
 *    '\' (libsieve's lexer runs past the closing quote);
 *  - fileinto :copy / :create and redirect :copy lose the tag; the
 *    mailbox or address then starts with a mark (SIEVE_MARK, letters,
 *    SIEVE_MARK) that the adapter strips with sieve_mark_strip() to
 *    apply the semantics itself: :copy keeps the implicit keep, :create
 *    creates the folder;
 *  - a :matches whose keys escape a wildcard ("100\\*": libsieve never
 *    matches an escaped '*' or '?' literally) becomes the equivalent
 *    anchored :regex ("^100\*$"; '*' -> ".*", '?' -> "."), with
 *    "regex" added to require; so does an :is, :contains or :matches
 *    whose keys include one ending in a backslash or holding a '"'
 *    (libsieve's lexer cannot carry them): "dir\\" :is -> "^dir\\$",
 *    :contains -> "^.*dir\\.*$", a '"' written \";
 *  - commands start on the line where they were written, so libsieve's
 *    line numbers still point into the user's script.
 *
 * Call it only on a tree that sieve_check_tree() accepted. */
#ifndef DELIVER_SIEVE_EMIT_H
#define DELIVER_SIEVE_EMIT_H

#include <stddef.h>

#include "sieve_ast.h"

#define SIEVE_MARK         '\001'
#define SIEVE_MARK_COPY    1u   /* letter 'c' */
#define SIEVE_MARK_CREATE  2u   /* letter 'm' */

/* Why the emitted script differs from what libsieve would have read. */
enum sieve_rewrite {
	SIEVE_RW_CASE      = 1u << 0,  /* upper case, or k/m/g */
	SIEVE_RW_IMAPFLAGS = 1u << 1,  /* imapflags -> imap4flags */
	SIEVE_RW_COLON     = 1u << 2,  /* "Subject:" -> "Subject" */
	SIEVE_RW_COPY      = 1u << 3,  /* :copy carried by deliver */
	SIEVE_RW_CREATE    = 1u << 4,  /* :create carried by deliver */
	SIEVE_RW_REQUIRE   = 1u << 5,  /* a script of only require */
	SIEVE_RW_STRING    = 1u << 6,  /* a test string re-quoted */
	SIEVE_RW_NUMBER    = 1u << 7,  /* a number clamped */
	SIEVE_RW_HASFLAG   = 1u << 8,  /* hasflag :is -> hasflag */
	SIEVE_RW_MATCHES   = 1u << 9,  /* :matches "\*" -> :regex */
	SIEVE_RW_BACKSLASH = 1u << 10  /* key with '"' or final '\' */
};

struct sieve_emit_result {
	char *script;              /* malloced, NUL-terminated */
	size_t len;
	unsigned rewrites;         /* enum sieve_rewrite bits */
	unsigned ncopy, ncreate;   /* actions carrying :copy, :create */
	struct sieve_diag error;   /* why it was refused */
};

/* Emit script for libsieve.  Returns 0, or -1 with res->error filled when
 * the script holds a construct libsieve cannot run (or memory ran out). */
int sieve_emit_libsieve(const struct sieve_script *script,
    struct sieve_emit_result *res);

void sieve_emit_result_free(struct sieve_emit_result *res);

/* A comma-separated description of rewrite bits ("imapflags ->
 * imap4flags, ...") into buf. */
void sieve_rewrites_describe(unsigned rewrites, char *buf, size_t len);

/* Split a mailbox or address as it reaches the adapter (after
 * unescaping): returns the real value and sets *marks to SIEVE_MARK_*
 * bits (0 when unmarked). */
const char *sieve_mark_strip(const char *value, unsigned *marks);

#endif

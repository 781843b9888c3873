/* sieve_check.h: semantic checks on a parsed Sieve script for the
 * libsieve engine (the native engine's checker is table-driven:
 * sieve_ext_check in sieve_ext.h).
 *
 * Knows the commands, tests and tags of RFC 5228 and of the extensions
 * deliver runs: what libsieve 2.2.6 implements (fileinto, reject,
 * envelope, vacation, notify (old draft), subaddress, imap4flags, regex,
 * relational, the comparators i;octet, i;ascii-casemap and i;ascii-numeric)
 * plus copy, mailbox (fileinto :create) and imapflags (the old name of
 * imap4flags), which deliver carries itself (sieve_emit.h).
 *
 * Checks: argument shapes (tags, their arguments, positional arguments,
 * tests, blocks), require (at the start; every extension used is
 * required; unsupported extensions are named as such, never reported as a
 * syntax error), if/elsif/else order, relational operators and
 * comparator names.  Regular expressions are not compiled here (that
 * could be made arbitrarily slow outside the isolated evaluation);
 * libsieve reports a bad one.
 *
 * Every walk is bounded by the parser's depth limit. */
#ifndef DELIVER_SIEVE_CHECK_H
#define DELIVER_SIEVE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sieve_ast.h"

#define SIEVE_CHECK_DIAGS_MAX 20   /* diagnostics kept per script */

/* Extensions as bits. */
enum sieve_ext {
	SIEVE_EXT_FILEINTO     = 1u << 0,
	SIEVE_EXT_REJECT       = 1u << 1,
	SIEVE_EXT_ENVELOPE     = 1u << 2,
	SIEVE_EXT_VACATION     = 1u << 3,
	SIEVE_EXT_NOTIFY       = 1u << 4,
	SIEVE_EXT_SUBADDRESS   = 1u << 5,
	SIEVE_EXT_IMAP4FLAGS   = 1u << 6,
	SIEVE_EXT_REGEX        = 1u << 7,
	SIEVE_EXT_RELATIONAL   = 1u << 8,
	SIEVE_EXT_CMP_OCTET    = 1u << 9,
	SIEVE_EXT_CMP_CASEMAP  = 1u << 10,
	SIEVE_EXT_CMP_NUMERIC  = 1u << 11,
	SIEVE_EXT_COPY         = 1u << 12,
	SIEVE_EXT_MAILBOX      = 1u << 13,
	SIEVE_EXT_IMAPFLAGS    = 1u << 14  /* the old name, as written */
};

struct sieve_check_result {
	struct sieve_diag diags[SIEVE_CHECK_DIAGS_MAX];
	size_t ndiags;         /* kept (at most SIEVE_CHECK_DIAGS_MAX) */
	size_t nerrors;        /* found (may be more than kept) */
	unsigned required;     /* enum sieve_ext bits named by require */
	/* Unsupported extensions the script requires, space separated
	 * ("variables include"), for a coverage report; cut if long. */
	char unsupported[256];
};

/* Check script.  Returns 0 when it is valid, -1 when res holds errors. */
int sieve_check_tree(const struct sieve_script *script,
    struct sieve_check_result *res);

/* The extensions deliver supports, space separated, for messages and
 * for deliver -V. */
const char *sieve_supported_extensions(void);

/* The bit of a supported extension name (case-sensitive, as RFC 5228
 * section 3.2 wants), 0 for others. */
unsigned sieve_ext_bit(const char *name);

/* Whether name is an extension Pigeonhole knows that this libsieve path
 * cannot run ("variables", "vnd.dovecot.pipe"): named as unsupported,
 * not as unknown.  The native checker asks too. */
bool sieve_check_known_extension(const char *name);

/* The extension a command or test of that name belongs to when deliver's
 * libsieve path does not run it ("set" -> "variables"), or NULL. */
const char *sieve_check_foreign_ext(const char *name);

/* For the messages of both checkers, in Pigeonhole's words: what an
 * argument is ("a string", "a string list", "a number", "a tag"). */
const char *sieve_arg_found(const struct sieve_arg *a);

/* " (name)" for the positional argument at index i of a '|'-separated
 * list of names ("header names|key list"), into buf; "" (buf emptied)
 * when names is NULL or has no name there. */
const char *sieve_arg_name(const char *names, size_t i, char *buf,
    size_t size);

#endif

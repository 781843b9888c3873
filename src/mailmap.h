/* mailmap.h: virtual mailboxes: the Maildir (and per-mailbox settings) of
 * an address, from a map of PCRE2 patterns (config key mailbox_map).
 *
 * A map line is
 *
 *     [!]/regex/flags  maildir-template  [key=value ...]
 *
 * as in Postfix pcre tables: lines are tried in order and the first whose
 * pattern matches the envelope recipient wins; $1..$9, ${N} and $(N) in the
 * template and the values are replaced by the pattern's groups, $$ is a '$'.
 * %1h and %2h are one or two directory levels of two hex digits of the
 * FNV-1a 32-bit hash of the lower-cased local part (without its +detail);
 * %1H and %2H the same of the whole address; %% is a '%'.  The full syntax
 * and the rules are in man/deliver.conf.5, VIRTUAL MAILBOXES.
 *
 * The address is untrusted: every expanded Maildir must stay below the
 * config key mailbox_base, and a group that would add a path level ('/'),
 * start a hidden or dot-dot name ('.') or carry a control character makes
 * the address unknown (EX_NOUSER) instead of naming a path. */
#ifndef DELIVER_MAILMAP_H
#define DELIVER_MAILMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "outcome.h"

#define MAILMAP_PATH_MAX 4096
#define MAILMAP_MAX_KEYS 16
#define MAILMAP_KEY_MAX 64
#define MAILMAP_VALUE_MAX 1024

/* PCRE2 limits for one match against one line: a pattern that would
 * backtrack without end on a hostile address gives up instead (the line
 * counts as not matching). */
#define MAILMAP_MATCH_LIMIT 1000000u  /* pcre2_set_match_limit */
#define MAILMAP_DEPTH_LIMIT 10000u    /* pcre2_set_depth_limit */
#define MAILMAP_HEAP_LIMIT 4096u      /* pcre2_set_heap_limit, KiB; also
                                         the JIT stack's most */

struct mailmap;

/* What one address maps to. */
struct mailmap_result {
	char maildir[MAILMAP_PATH_MAX];
	unsigned line;            /* the map line that matched */
	size_t nkeys;
	struct {
		char name[MAILMAP_KEY_MAX];
		char value[MAILMAP_VALUE_MAX];
	} keys[MAILMAP_MAX_KEYS];
	unsigned limited;         /* lines skipped: match limits hit */
	unsigned limited_line;    /* the first of them */
};

/* Read and compile the map at path (with JIT where PCRE2 has it).
 * base is mailbox_base, delimiters recipient_delimiter.  Every template is
 * checked against base here, so a template that could never name a path
 * below it is an error of the file.  On error returns -1 with
 * "FILE:LINE: reason" in err (a pattern that does not compile:
 * "FILE:LINE: PCRE2's message at offset N"). */
int mailmap_load(struct mailmap **map, const char *path, const char *base,
    const char *delimiters, char *err, size_t errlen);

void mailmap_free(struct mailmap *map);

/* Look address up.  Returns 0 with *res filled; -1 with EX_NOUSER when no
 * line matches or the matching line's groups are unsafe, EX_TEMPFAIL when
 * PCRE2 runs out of memory. */
int mailmap_lookup(const struct mailmap *map, const char *address,
    struct mailmap_result *res, struct outcome *out);

/* FNV-1a 32-bit (offset basis 0x811c9dc5, prime 0x01000193) of the first
 * len bytes of s with ASCII letters lower-cased. */
uint32_t mailmap_hash(const char *s, size_t len);

/* The whole step main() needs: load cfg's mailbox_map, look address up,
 * log skipped lines, set the line's keys in cfg (as -o would) and, when
 * make_parents, create the directories between mailbox_base and the Maildir
 * (not the Maildir itself, not mailbox_base).  A missing mailbox_map is
 * EX_USAGE; a broken map, a missing mailbox_base or a failed mkdir
 * EX_TEMPFAIL; no match EX_NOUSER. */
int mailmap_resolve(struct config *cfg, const char *address,
    bool make_parents, struct mailmap_result *res, struct outcome *out);

/* --where output: the Maildir, then one "key=value" line per key. */
void mailmap_print(const struct mailmap_result *res, FILE *to);

#endif

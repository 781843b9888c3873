/* sieve_flaglist.h: IMAP flag lists as imap4flags (RFC 5232) keeps them:
 * a string of flags separated by spaces, each flag once (compared without
 * case), only valid flags: the five system flags \Seen \Answered
 * \Flagged \Deleted \Draft and keywords that are IMAP atoms.  Pure string
 * work with a fixed cap, for ext_imap4flags.c and the filing of flagged
 * actions. */
#ifndef DELIVER_SIEVE_FLAGLIST_H
#define DELIVER_SIEVE_FLAGLIST_H

#include <stdbool.h>
#include <stddef.h>

#define SIEVE_FLAGLIST_MAX 4096   /* bytes of one list (a variable's cap) */

struct sieve_flaglist {
	char text[SIEVE_FLAGLIST_MAX + 1];   /* NUL-terminated */
	size_t len;
};

/* f[0..n): one of the five system flags or an RFC 3501 atom. */
bool sieve_flag_valid(const char *f, size_t n);

/* The next flag of s[0..len) from *pos on; false at the end. */
bool sieve_flaglist_next(const char *s, size_t len, size_t *pos,
    const char **f, size_t *n);

bool sieve_flaglist_has(const struct sieve_flaglist *l, const char *f,
    size_t n);

/* Add the valid flags of s[0..len) that l lacks.  -1 when l would grow
 * past SIEVE_FLAGLIST_MAX (what fitted stays added). */
int sieve_flaglist_add(struct sieve_flaglist *l, const char *s, size_t len);

/* Remove every flag of l that s[0..len) names. */
void sieve_flaglist_remove(struct sieve_flaglist *l, const char *s,
    size_t len);

/* Maildir letters (system flags) and keywords (space separated) of l,
 * malloced, NULL when there are none.  0, or -1 when memory runs out. */
int sieve_flaglist_split(const struct sieve_flaglist *l, char **letters,
    char **keywords);

#endif

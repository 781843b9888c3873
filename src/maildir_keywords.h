/* maildir_keywords.h: IMAP keywords ($Junk, NonJunk, ...) on Maildir files,
 * the way Dovecot stores them.
 *
 * A Maildir file name carries keywords as the lower-case info letters
 * 'a'..'z'; which keyword a letter stands for is per folder, in the file
 * "dovecot-keywords" of that folder: one line "N name" per keyword, N from
 * 0 to 25 giving the letter 'a' + N.  Dovecot compares names without
 * regard to case and replaces the file whole under its dot-lock
 * "dovecot-keywords.lock" (written, then renamed over the file), so a new
 * keyword is added the same way here: the two programs never write it at
 * once, and a reader sees the old file or the new one, never a mix. */
#ifndef DELIVER_MAILDIR_KEYWORDS_H
#define DELIVER_MAILDIR_KEYWORDS_H

#include <stdbool.h>
#include <stddef.h>

#define MAILDIR_KEYWORDS_MAX    26     /* letters 'a'..'z' */
#define MAILDIR_KEYWORD_LEN_MAX 128    /* longer names are refused */

/* An IMAP keyword deliver is willing to store: 1 to MAILDIR_KEYWORD_LEN_MAX
 * IMAP atom characters (RFC 3501: printable ASCII without the specials
 * ( ) { % * " \ ] and space), not starting with '\' (a system flag). */
bool maildir_keyword_valid(const char *keyword);

/* Map the space-separated keywords to letters of the Maildir folder open
 * at dirfd, adding the names the folder's dovecot-keywords file lacks.
 * The letters are appended to letters (a NUL-terminated string of size
 * len).  Returns 0 when every keyword got a letter; otherwise -1 with a
 * static reason in *why, the keywords that could not be mapped (invalid,
 * all 26 letters taken, the lock held too long, an I/O error) left out. */
int maildir_keywords_letters(int dirfd, const char *keywords, char *letters,
    size_t len, const char **why);

/* The IMAP flags of a message whose Maildir info letters are letters
 * ("FSa"), space separated into out: upper-case letters as system flags
 * (S \Seen, R \Answered, F \Flagged, T \Deleted, D \Draft; P has
 * none), lower-case ones as the keywords the folder open at dirfd names
 * for them (a letter it does not name is left out, dirfd -1 leaves every
 * keyword out).  What does not fit in out is left out. */
void maildir_imap_flags(int dirfd, const char *letters, char *out,
    size_t len);

#endif

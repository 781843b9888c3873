/* ext_mailbox.h: the folder test of the mailbox extension, shared with
 * special-use (a special-use folder counts only when it exists). */
#ifndef DELIVER_EXT_MAILBOX_H
#define DELIVER_EXT_MAILBOX_H

#include <stdbool.h>

#include "sieve.h"

/* Whether the folder name (as a script writes it) exists in env's root
 * Maildir as mailboxexists judges it: INBOX always; else its Maildir++
 * directory with cur/, new/ and tmp/, reached without a symlink. */
bool sieve_mailbox_exists(const struct sieve_env *env, const char *name);

#endif

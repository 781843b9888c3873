/* folder.h: Maildir++ folders: names, modified UTF-7, validation, creation
 * and subscriptions.
 *
 * A folder name as a user writes it ("Lists/deliver", "INBOX.Junk",
 * "Résumé") becomes one directory in the Maildir root: ".Lists.deliver",
 * ".Junk", ".R&AOk-sum&AOk-".  '/' and the configured separator both
 * separate hierarchy levels; "INBOX" (any case) as the first level is the
 * root itself.  Names that could leave the Maildir or confuse IMAP servers
 * are refused (see folder_dirname). */
#ifndef DELIVER_FOLDER_H
#define DELIVER_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "maildir.h"
#include "outcome.h"

/* Turn a folder name into its directory name in the Maildir root.
 * "", "INBOX", "inbox/" give "" (the root).  Refused, with a static reason
 * in *why: invalid UTF-8, control characters, '%', '*', '?', a leading '.',
 * empty levels ("A//B"), "." or ".." levels, and results longer than
 * NAME_MAX.  Non-ASCII is stored as modified UTF-7 unless utf8 is set.
 * Returns 0 or -1. */
int folder_dirname(const char *name, char separator, bool utf8, char *out,
    size_t outlen, const char **why);

/* RFC 3501 section 5.1.3 modified UTF-7, one hierarchy level at a time.
 * Return 0, or -1 for invalid input or a too small buffer. */
int mutf7_encode(const char *utf8, char *out, size_t outlen);
int mutf7_decode(const char *mutf7, char *out, size_t outlen);

/* Open the folder dirname (from folder_dirname, "" = the root itself) of
 * the root Maildir into *folder.  A missing folder is created when create
 * is set: the directory, tmp/ new/ cur/, an empty maildirfolder file, all
 * fsynced; it is then subscribed (cfg->autosubscribe) in Dovecot's
 * "subscriptions" or Courier's "courierimapsubscribed" file
 * (cfg->subscription_format).  Never follows a symlink.  A missing folder
 * without create fails with errno ENOENT kept in *missing = true. */
int folder_open(struct maildir *root, const char *dirname, bool create,
    const struct config *cfg, struct maildir *folder, bool *missing,
    struct outcome *out);

#endif

/* ph_store.h: the mail store of a test file's run: a real Maildir in the
 * run's temporary directory, filed into by deliver's own plan_targets and
 * plan_place (folder names, creation, the INBOX fallback, flags), read
 * back for test_message :folder, and handed to the interpreter as the
 * root its mailboxexists test looks at. */
#ifndef DELIVER_PH_STORE_H
#define DELIVER_PH_STORE_H

#include <stddef.h>

#include "config.h"
#include "maildir.h"
#include "plan.h"

/* Create and open DIR/Maildir. */
int ph_store_init(const char *dir, const struct config *cfg);
void ph_store_free(void);
struct maildir *ph_store_root(void);

/* test_mailbox_create: the folder of that name, made if missing. */
int ph_store_create(const char *name);

/* File the message in src (read from offset 0) as deliver files it, by
 * the filing actions of plan (keep, fileinto).  0; 1 when deliver filed
 * into INBOX instead of a folder it refused or could not open (missing,
 * with autocreate off), each reported in the test's errors as Pigeonhole
 * reports a failed store; -1 when a copy could not be made. */
int ph_store_file(const struct plan *plan, int src);

/* The n-th message (0-based, in filing order) of folder name: malloced
 * text in *text, its IMAP flags (space separated) in flags.  0, or -1
 * when there is none. */
int ph_store_read(const char *name, size_t n, char **text, size_t *len,
    char *flags, size_t flagslen);

#endif

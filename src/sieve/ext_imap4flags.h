/* ext_imap4flags.h: what the rest of deliver needs from imap4flags: the
 * flags of the implicit keep, and of the actions of a later script in a
 * sequence (sieve_before, the user's, sieve_after), which Pigeonhole
 * files with the internal variable the earlier script left. */
#ifndef DELIVER_EXT_IMAP4FLAGS_H
#define DELIVER_EXT_IMAP4FLAGS_H

#include "plan.h"

/* Set a keep or fileinto action's Maildir letters and keywords from
 * flags (IMAP flags, space separated, as in sieve_result.flags), invalid
 * ones left out.  0, or -1 when memory runs out. */
int sieve_imap4flags_apply(const char *flags, struct action *a);

#endif

/* identity.h: who deliver delivers for, and switching to that user.
 *
 * deliver is never setuid.  Started by root it must be told the user (-d)
 * and becomes that user (uid, gid, supplementary groups) before it touches
 * any file; started by anyone else it delivers as itself. */
#ifndef DELIVER_IDENTITY_H
#define DELIVER_IDENTITY_H

#include <sys/types.h>

#include "outcome.h"

struct identity {
	char name[256];
	char home[4096];
	uid_t uid;
	gid_t gid;
};

/* Decide the user and, as root, switch to it.  user is -d's argument or
 * NULL.  Root without -d: EX_USAGE.  Unknown user: EX_NOUSER.  -d root:
 * EX_NOPERM (no delivery ever runs as root).  A non-root caller naming
 * another uid: EX_NOPERM.  A non-root caller without -d is $USER with
 * $HOME when both are set (no lookup, as dovecot-lda), else its uid's
 * password entry; its home is $HOME whenever that is set. */
int identity_assume(const char *user, struct identity *id,
    struct outcome *out);

#endif

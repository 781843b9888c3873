/* userdb.h: a user's password entry and group list, as the system's NSS
 * configuration (files, LDAP, sssd, systemd...) gives them.
 *
 * The static build (LINK=static, USERDB_GETENT) must not call getpwnam()
 * and friends: for any source but /etc/passwd glibc loads an NSS module
 * with dlopen(), and a module loaded into a static executable crashes it.
 * That build asks getent(1), a program of the same glibc that can load
 * them; the other builds call glibc directly.  Both give the same answers. */
#ifndef DELIVER_USERDB_H
#define DELIVER_USERDB_H

#include <stddef.h>
#include <sys/types.h>

#include "identity.h"
#include "outcome.h"

#ifndef GETENT_PATH
#define GETENT_PATH "/usr/bin/getent"
#endif

/* The entry of user name (uid, gid, name, home) into id.  Unknown user:
 * EX_NOUSER "unknown user NAME"; a lookup that failed: EX_TEMPFAIL. */
int userdb_by_name(const char *name, struct identity *id,
    struct outcome *out);

/* The same, by uid ("cannot look up uid N" when there is none: a process
 * whose own uid has no entry is a broken setup, retried later). */
int userdb_by_uid(uid_t uid, struct identity *id, struct outcome *out);

/* What initgroups(name, gid) would set: gid first, then every group that
 * lists name.  *groups is malloc'd (free it), *count its length. */
int userdb_groups(const char *name, gid_t gid, gid_t **groups, size_t *count,
    struct outcome *out);

/* The parsers, exposed for the unit tests: one getent passwd line into id
 * (0, or -1 when it is malformed), and a getent initgroups line (the name,
 * then group ids) appended after gid.  Both take the text as getent prints
 * it, trailing newline included. */
int userdb_parse_passwd(const char *line, struct identity *id);
int userdb_parse_groups(const char *line, gid_t gid, gid_t **groups,
    size_t *count);

#endif

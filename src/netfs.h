/* netfs.h: is a path on a network (or cluster) filesystem?  statfs(2)'s
 * f_type against the kernel's magic numbers, and the decision it feeds:
 * a SQLite store (deliver.db, WAL journal) is never opened on such a
 * filesystem, because WAL needs memory shared between every process that
 * opens the file, which hosts do not share, and SQLite's POSIX locks are
 * unreliable over NFS.  The delivery then files without the store.
 *
 * deliver.conf's maildir_network overrides the detection (auto, yes, no;
 * man/deliver.conf.5). */
#ifndef DELIVER_NETFS_H
#define DELIVER_NETFS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The name of a network or cluster filesystem with this statfs f_type
 * ("nfs", "cifs", "fuse", ...), or NULL for any other (local) type. */
const char *netfs_type_name(unsigned long f_type);

/* Is path on a network filesystem?  A path that does not exist yet (a
 * Maildir or store not created) is judged by its nearest existing
 * ancestor.  1 yes (its name in *type), 0 no, -1 cannot tell (errno). */
int netfs_probe(const char *path, const char **type);

/* Is the store value a SQLite file (as opposed to "" / "none", or a
 * PostgreSQL connection URI: postgresql://..., postgres://...)? */
bool netfs_store_is_file(const char *store);

/* May the SQLite store be opened?  false when cfg->store is a SQLite
 * file on a network filesystem (detected, or the Maildir's when
 * cfg->maildir_network = yes and the file is inside it); then why says
 * "store PATH is on a network filesystem (TYPE)".  true otherwise, also
 * when there is no SQLite store at all. */
bool netfs_store_allowed(const struct config *cfg, const char *maildir,
    const char *home, char *why, size_t whylen);

/* What the admin does about it. */
#define NETFS_STORE_FIX "set store = postgresql://... or a local path"

/* The delivery's question: netfs_store_allowed, and when it says no, one
 * warning line saying why, what is lost and NETFS_STORE_FIX. */
bool netfs_store_ok(const struct config *cfg, const char *maildir,
    const char *home);

#endif

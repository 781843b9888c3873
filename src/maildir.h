/* maildir.h: one Maildir on disk: unique names, tmp/new/cur, placing a
 * message durably.
 *
 * Everything below the Maildir root is reached through directory
 * descriptors (openat family) and never through a symlink: a symlink planted
 * at tmp/, new/, cur/ or a folder makes the operation fail (ELOOP) instead of
 * writing somewhere else. */
#ifndef DELIVER_MAILDIR_H
#define DELIVER_MAILDIR_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "outcome.h"

#define MAILDIR_NAME_MAX 256  /* NAME_MAX + 1 */

/* A Maildir (the root or a Maildir++ folder) opened for delivery. */
struct maildir {
	int dirfd;   /* the Maildir itself */
	int tmpfd, newfd, curfd;
	bool created; /* this delivery created it */
};

enum {
	MAILDIR_CREATE = 1,    /* create it and tmp/new/cur (0700) if missing */
	MAILDIR_NOFOLLOW = 2,  /* path itself must not be a symlink (folders) */
};

/* Open the Maildir at path (relative to atfd, or absolute).  Only the last
 * component of path is ever created: a missing parent (say an unmounted
 * home) is a temporary failure, not something to recreate.  The root
 * Maildir may be a symlink (the user's choice, opened without
 * MAILDIR_NOFOLLOW); tmp/, new/ and cur/ never are. */
int maildir_open(struct maildir *md, int atfd, const char *path, int flags,
    struct outcome *out);

void maildir_close(struct maildir *md);

/* A new unique base name in the modern Maildir style:
 * SECONDS.M<usec>P<pid>Q<count>R<random>.<host>, host with '/' and ':'
 * escaped as \057 and \072. */
int maildir_unique_name(char *buf, size_t len, const char *hostname);

/* Create tmp/<unique> exclusively, mode 0600, without following symlinks.
 * Returns the descriptor (open for reading and writing), name in `name`. */
int maildir_create_tmp(struct maildir *md, const char *hostname, char *name,
    size_t namelen, struct outcome *out);

/* Make the file src_name in src (a tmp/ file) visible in dst: new/BASE,S=SIZE
 * or, with Maildir flags, cur/BASE,S=SIZE:2,FLAGS.  Uses link(); where the
 * filesystem refuses hard links it copies through dst's tmp/ (or renames,
 * when last is set).  The directory written is fsynced before returning.
 * The final name (relative to dst, e.g. "new/...") is stored in placed.
 * A link() that says EEXIST succeeded when the name is already this file
 * (same device and inode: an NFS retransmission, an earlier attempt; or
 * an earlier attempt's copy of the same bytes); another file at the name
 * is EX_TEMPFAIL. */
int maildir_place(struct maildir *src, const char *src_name, int src_fd,
    struct maildir *dst, const char *base, off_t size, const char *flags,
    bool last, char *placed, size_t placedlen, struct outcome *out);

/* Sort and deduplicate Maildir flag letters ("SF" -> "FS"), dropping
 * anything that is not an ASCII letter (upper case: the standard flags,
 * lower case: Dovecot keywords).  out must hold 53 bytes. */
void maildir_normalize_flags(const char *flags, char *out);

/* Remove files in tmp/ that have not been modified for 36 hours (the
 * Maildir spec's rule: deliveries give up after 24), at most `limit` per
 * call so that a delivery never pays for a huge backlog at once.  Returns
 * the number removed.  Files whose names start with '.' are left alone.
 *
 * maildir_clean_tmp scans only when the last scan is MAILDIR_SCAN_SECONDS
 * old, which it records in tmp/'s access time: a delivery then costs one
 * fstat instead of reading the directory, and a stale file still goes
 * about an hour after it turned stale.  maildir_scan_tmp always scans
 * (files older than now - 36 h).
 *
 * Several hosts share a Maildir on NFS: the rule is the same for every
 * file, whichever host's name it carries (none younger than 36 hours is
 * touched), and maildir_clean_tmp's "now" is the earlier of this host's
 * clock and the filesystem's (tmp/'s stamp), so a clock running ahead
 * does not make another host's delivery in progress look stale. */
#define MAILDIR_STALE_SECONDS (36 * 60 * 60)
#define MAILDIR_SCAN_SECONDS (60 * 60)
int maildir_clean_tmp(struct maildir *md, unsigned limit);
int maildir_scan_tmp(struct maildir *md, unsigned limit, time_t now);

/* fsync a directory descriptor; EINVAL (filesystems that cannot) is ok. */
int maildir_fsync_dir(int dirfd);

/* deliver --redeliver: while deferring, maildir_fsync_dir only
 * remembers the directory (a file is still fsynced before it is linked,
 * so nothing becomes half-visible); maildir_sync_pending() then fsyncs
 * each remembered directory once.  The caller must call it before
 * anything relies on the copies being durable (removing a source,
 * exiting).  This turns one directory fsync per message into one per
 * directory per batch.  0, or -1 with errno set. */
void maildir_defer_dir_sync(bool on);
int maildir_sync_pending(void);

#endif

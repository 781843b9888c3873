/* pm_dest.h: a procmail delivery destination (its variables expanded)
 * mapped onto deliver's Maildir: the Maildir root ($MAILDIR/, $DEFAULT)
 * is keep, /dev/null is discard, a Maildir++ folder ".A.B/" is fileinto
 * "A.B" (deliver's folder separator '.', see folder.h); a plain maildir
 * "dir/", an MH folder "dir/." and an mbox file "name" become the folder
 * of that name, with the difference reported. */
#ifndef DELIVER_PM_DEST_H
#define DELIVER_PM_DEST_H

#include <stddef.h>

#include "pm_report.h"

enum pm_dest_kind { PM_DEST_KEEP, PM_DEST_DISCARD, PM_DEST_FOLDER,
	PM_DEST_NONE };

/* dest relative to procmail's cwd (maildir) or absolute; deflt is
 * $DEFAULT.  PM_DEST_FOLDER fills folder; the difference (or why none)
 * goes to v. */
enum pm_dest_kind pm_dest_map(const char *dest, const char *maildir,
    const char *deflt, char *folder, size_t folderlen, struct pm_verdict *v);

#endif

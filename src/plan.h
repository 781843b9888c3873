/* plan.h: the list of actions a delivery carries out.
 *
 * Without a Sieve script the plan is one keep into the folder named by -m
 * (or INBOX).  A Sieve evaluation produces a plan and nothing else; only
 * plan_execute() touches the Maildir, so a failed or crashed evaluation can
 * always be replaced by the implicit keep. */
#ifndef DELIVER_PLAN_H
#define DELIVER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "maildir.h"
#include "outcome.h"

enum action_type {
	ACTION_KEEP,       /* into the default folder */
	ACTION_FILEINTO,   /* into action.mailbox */
	ACTION_DISCARD,
	ACTION_REDIRECT,   /* to action.address */
	ACTION_REJECT,     /* action.text is the reason */
	ACTION_VACATION,
	ACTION_NOTIFY,
};

struct action {
	enum action_type type;
	char *mailbox;     /* FILEINTO: folder name as written in the script */
	char *flags;       /* KEEP/FILEINTO: Maildir flag letters, may be NULL */
	char *address;     /* REDIRECT target; VACATION reply-to */
	char *text;        /* REJECT reason; VACATION/NOTIFY message */
	bool create;       /* FILEINTO :create */
};

struct plan {
	struct action *actions;
	size_t count, cap;
};

/* Append an action; strings are copied (NULL allowed). -1 on ENOMEM. */
int plan_add(struct plan *plan, enum action_type type, const char *mailbox,
    const char *flags, const char *address, const char *text);

/* The plan without any script: keep into default_folder. */
int plan_default(struct plan *plan, const char *default_folder);

void plan_free(struct plan *plan);

/* Where one filing action ended up (for the log and the store). */
struct placement {
	char folder[256];      /* folder name as logged ("INBOX", "Lists.x") */
	char file[MAILDIR_NAME_MAX + 48];   /* "new/..." or "cur/..." */
	bool refused_name;     /* the asked-for name was invalid: went to INBOX */
};

struct placements {
	struct placement *items;
	size_t count;
};

/* Everything plan_execute needs about the message. */
struct delivery_file {
	struct maildir *root;     /* the user's Maildir */
	const char *tmp_name;     /* the message, in root's tmp/ */
	int tmp_fd;
	const char *base;         /* unique base name for the final files */
	off_t size;
	const char *default_folder;  /* -m FOLDER or "" for INBOX */
};

/* Carry out every filing action of the plan (keep, fileinto); the same
 * folder with the same flags is filed once.  A folder name that is refused
 * or cannot be created files into INBOX instead (logged).  Placement
 * records are appended to *done.  Returns -1 with *out filled if a copy
 * could not be made durable. */
int plan_file(const struct plan *plan, const struct delivery_file *msg,
    const struct config *cfg, struct placements *done, struct outcome *out);

void placements_free(struct placements *done);

#endif

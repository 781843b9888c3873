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
#include "headers.h"
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
	char *keywords;    /* KEEP/FILEINTO: IMAP keywords, space separated,
	                    * may be NULL (maildir_keywords.h) */
	char *address;     /* REDIRECT target; VACATION reply-to */
	char *text;        /* REJECT reason; VACATION/NOTIFY message */
	bool create;       /* FILEINTO :create */

	/* VACATION: address = reply-to, text = the reason */
	char *subject;     /* :subject; NULL = "Auto: " + original subject */
	char *from;        /* :from, or the user's address libsieve matched */
	char *handle;      /* :handle, or one made from the other arguments */
	unsigned days;     /* :days, clamped */
	unsigned long long seconds; /* the native engine's period (:days or
	                    * :seconds, clamped); 0 = days is the period */
	char *addresses;   /* :addresses, one per line: also the user's */
	bool mime;         /* :mime: text is a whole MIME entity */
	/* KEEP/FILEINTO/REDIRECT: the header version this action takes,
	 * an edit string (msgedit.h, malloced); NULL = the message as
	 * received */
	char *edits;

	/* NOTIFY: address = the method URI ("mailto:..."), text = the
	 * message, from = :from, handle = the deprecated notify's :id */
	enum notify_kind {
		NOTIFY_LOGGED,     /* libsieve's notify: only logged */
		NOTIFY_ENOTIFY,    /* RFC 5435 notify, sent by mailto */
		NOTIFY_LEGACY      /* the deprecated notify draft */
	} notify_kind;
	unsigned importance; /* NOTIFY: 1 high, 2 normal, 3 low */
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

/* One distinct place the message is filed into, resolved from the plan. */
#define TARGET_KEYWORDS_MAX 1024
struct target {
	char dirname[256];   /* directory in the root ("" = INBOX itself) */
	char flags[53];      /* sorted Maildir flag letters */
	char keywords[TARGET_KEYWORDS_MAX]; /* space separated, distinct */
	bool create;         /* may be created (autocreate or :create) */
	char placed[MAILDIR_NAME_MAX + 48];  /* after placing: "new/..." */
	bool done;
	/* the header version (an edit string borrowed from the plan, NULL
	 * = as received) and, once placed, the size of the file filed */
	const char *edits;
	off_t size;
};

struct targets {
	struct target *items;
	size_t count;
};

/* Resolve every filing action (keep, fileinto) into distinct targets: the
 * same folder with the same flags, keywords and header version is filed
 * once.  A refused
 * folder name is logged and replaced by INBOX.  default_folder is -m's
 * name ("" = INBOX).  -1 only when memory runs out. */
int plan_targets(const struct plan *plan, const char *default_folder,
    const struct config *cfg, struct targets *out);

/* The message to place: a file in the root Maildir's tmp/. */
struct delivery_file {
	struct maildir *root;
	const char *tmp_name;
	int tmp_fd;
	const char *base;     /* unique base name for the final files */
	off_t size;
	/* one write, many recipients: the Maildir whose tmp/ holds
	 * the file when it is not root's (NULL = root), and whether other
	 * recipients still need the file (then it is never renamed away) */
	struct maildir *src;
	bool shared;
	/* the header index of the message as received: targets with edits
	 * get a file of their own written from it (NULL: they get the
	 * unedited message, logged) */
	const struct header_index *headers;
};

/* Link the message into every target not yet done, each durable before the
 * next.  Each distinct header version (editheader) is written once, as a
 * file of its own in tmp/ (its body streamed from msg's file, fsynced),
 * and linked into the targets of that version, so there are at most as
 * many files as filing actions.  A folder that cannot be opened or created is logged and the copy
 * goes to INBOX instead.  Keywords become the folder's letters through its
 * dovecot-keywords file; one that cannot is logged and left out.  Returns
 * -1 with *out filled when a copy could not be made durable (the caller
 * then fails temporarily). */
int plan_place(struct targets *targets, const struct delivery_file *msg,
    const struct config *cfg, struct outcome *out);

/* "INBOX" or the folder's directory name without its leading dot. */
const char *target_display(const struct target *t);

void targets_free(struct targets *targets);

#endif

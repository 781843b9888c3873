/* deliver_int.h: what deliver.c shares with deliver_report.c: one
 * delivery's state and the reports made of it.  Not for other modules
 * (they use deliver.h). */
#ifndef DELIVER_DELIVER_INT_H
#define DELIVER_DELIVER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "deliver.h"
#include "headers.h"
#include "maildir.h"
#include "message.h"
#include "plan.h"
#include "quota.h"
#include "sieve_run.h"
#include "store.h"

/* Everything one delivery holds, released in one place. */
struct delivery {
	const struct request *req;
	struct maildir root;
	bool root_shared;            /* the redelivery run's: not closed here */
	char tmp_name[MAILDIR_NAME_MAX];
	int tmp_fd;
	/* a dry run's copy of the message (an unlinked temporary file),
	 * for the Sieve tests that read the body; -1 otherwise */
	int dry_fd;
	struct intake in;
	struct plan plan;
	struct targets targets;
	/* store */
	struct store *store;
	struct store_claim claim;
	char msgid[STORE_MSGID_MAX + 1];  /* normalized, "" = none */
	struct quota quota;          /* quota */
	struct sieve_msgs trace;   /* sieve: for -n */
	struct sieve_guard sieve_guard;  /* the native engine's marker */
	/* one write, many recipients: the delivery that holds the
	 * message (NULL = this one), the base name of this recipient's files
	 * ("" = tmp_name), several = a batch: no Delivered-To, file shared */
	struct delivery *owner;
	char base[MAILDIR_NAME_MAX];
	bool several;
	bool recorded;               /* the store took the log row */
	bool synced;                 /* the message file is durable */
	int sync_errno;              /* its fsync's errno, 0 = none */
	/* deliver --redeliver: this message's report to the run,
	 * published into req->redelivery when it ends (and when it waits:
	 * deliver_begin), as the run's messages overlap */
	bool rd_duplicate, rd_in_place;
	size_t rd_copies;
};

/* The message's Message-ID header as it came, "" when it has none.
 * Inline here, as both files need it and deliver_report.c must depend on
 * deliver.c's structures only, never on its functions (one way: deliver.c
 * calls the report, not the reverse). */
static inline const char *delivery_message_id(const struct delivery *d)
{
	const char *id = header_get(&d->in.headers, "Message-ID", 0);

	return id ? id : "";
}

/* deliver_report.c.  The filing targets as "INBOX,Lists.deliver"; the
 * files placed as "new/X,.Lists.x/new/X"; the plan's actions as
 * "keep,fileinto Lists.x,redirect a@b" (cut to len). */
void report_folders(const struct targets *t, char *buf, size_t len);
void report_files(const struct targets *t, char *buf, size_t len);
void report_actions(const struct plan *p, char *buf, size_t len);
/* -n: what the delivery would do, on stdout. */
void report_dry_run(const struct delivery *d);
/* The one log line that says what happened to this message. */
void report_result(const struct delivery *d, int code,
    const struct outcome *out);

#endif

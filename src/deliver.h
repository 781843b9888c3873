/* deliver.h: one delivery, start to finish (the pipeline of DESIGN.md).
 *
 *   intake (stdin -> tmp/) -> loop check -> plan -> targets -> place
 *   -> unlink tmp -> log
 *
 * Each stage is its own function in deliver.c; a failure anywhere before
 * the copies are durable returns a temporary failure and leaves nothing
 * visible. */
#ifndef DELIVER_DELIVER_H
#define DELIVER_DELIVER_H

#include <stdbool.h>

#include "config.h"
#include "outcome.h"

struct store;

/* deliver --redeliver (issue 7): what the messages of one run share and
 * what each one reports back (redeliver.h).  NULL in a normal delivery. */
struct redelivery {
	struct store *store;      /* opened once for the run, or NULL (none);
	                             deliver_message never closes it */
	const char *source_dir;   /* the folder the message already lies in, as
	                             a target directory ("" = INBOX, ".Name");
	                             a target equal to it is left in place, not
	                             filed again.  NULL = not in this Maildir */
	/* Dedup within the run instead of deliver.db's claims: true when a
	 * message with this normalized Message-ID was delivered earlier. */
	bool (*seen)(void *ctx, const char *msgid);
	void (*filed)(void *ctx, const char *folder);  /* one per copy filed */
	void *ctx;
	/* out */
	char msgid[1000];         /* normalized, "" = none */
	bool duplicate;           /* seen earlier in the run: nothing filed */
	bool in_place;            /* a target was source_dir */
	size_t copies;            /* copies filed */
};

/* What main() decided from argv, the environment and the config. */
struct request {
	const struct config *cfg;
	const char *user;
	const char *home;
	const char *maildir;     /* root Maildir path */
	const char *folder;      /* -m, NULL or "" = INBOX */
	const char *sender;      /* NULL = not given: From_ line, Return-Path */
	const char *recipient;   /* never NULL */
	const char *script;      /* -s */
	int input_fd;            /* stdin or -p FILE */
	bool dry_run;            /* -n: plan only, write nothing */
	bool errors_only;        /* -e */
	struct redelivery *redelivery;  /* issue 7, NULL = normal delivery */
};

/* Deliver one message.  Returns the exit code (EX_OK or a sysexits value,
 * with the reason in *out). */
int deliver_message(const struct request *req, struct outcome *out);

#endif

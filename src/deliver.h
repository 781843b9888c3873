/* deliver.h: one delivery, start to finish (the pipeline of src/DESIGN.md).
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
#include "maildir.h"
#include "outcome.h"

struct store;

/* deliver --redeliver: what the messages of one run share and
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
	/* The Maildir's root, opened by the run's first message and shared
	 * by the rest (9 system calls a message fewer); its
	 * descriptors are -1 until then, and the run closes them. */
	struct maildir root;
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
	const char *orig_recipient; /* $ORIGINAL_RECIPIENT, NULL = unknown */
	/* the SMTP client ($CLIENT_HOSTNAME, $CLIENT_ADDRESS from Postfix's
	 * local(8) and pipe(8)), for Sieve's environment; NULL = unknown */
	const char *remote_host, *remote_ip;
	const char *script;      /* -s */
	int input_fd;            /* stdin or -p FILE */
	bool dry_run;            /* -n: plan only, write nothing */
	bool errors_only;        /* -e */
	struct redelivery *redelivery;  /* NULL = normal delivery */
};

/* Deliver one message.  Returns the exit code (EX_OK or a sysexits value,
 * with the reason in *out). */
int deliver_message(const struct request *req, struct outcome *out);

/* deliver --redeliver: a delivery in two halves, so that a run
 * can sync many messages' files together (the first fsync commits the
 * journal for all of them, the others find their file on disk already).
 * deliver_begin reads the message into tmp/ and decides where it goes;
 * NULL means the message is over (a duplicate, a dry run, a failure), with
 * *code and *out set, and the report published in req->redelivery.  Else
 * the message waits in tmp/, seen by no reader, until deliver_finish
 * syncs and files it, publishes the report, frees d and returns the exit
 * code.  deliver_sync is its fsync, done early so that a run can do all of
 * a window's first.  Only with req->redelivery set. */
struct delivery;
struct delivery *deliver_begin(const struct request *req,
    struct outcome *out, int *code);
void deliver_sync(struct delivery *d);
int deliver_finish(struct delivery *d, struct outcome *out);
/* The memory a waiting delivery holds (its header index), to bound a
 * window. */
size_t deliver_held_bytes(const struct delivery *d);

/* One write, many recipients: deliver -a A -a B ... */
struct recipient_result {
	const char *recipient;       /* as given, for the report */
	const struct request *req;   /* NULL: failed before (code, out set) */
	bool done;                   /* code and out are final */
	int code;                    /* EX_OK or a sysexits value */
	struct outcome out;          /* why, when code != EX_OK */
	/* EX_OK only: the recipient's store holds the delivery under its
	 * Message-ID, so a retry of the whole batch files nothing again for
	 * it; else why not ("no Message-ID", "dedup off", ...) */
	bool retry_safe;
	char unsafe_why[256];
};

/* Deliver one message to every result that has a request and is not done.
 * The requests share input_fd, sender and dry_run.  The message is read
 * once into the tmp/ of the first recipient whose Maildir opens, without a
 * Delivered-To header, and linked from there into every recipient's
 * folders (copied where a link is refused); each recipient has its own
 * plan, Sieve script, quota, store, log line and result.  Every result is
 * done on return. */
void deliver_batch(struct recipient_result *res, size_t n);

#endif

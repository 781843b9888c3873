/* store.h: the store, the interface the delivery pipeline uses.
 *
 * Duplicate suppression, the delivery log and the tracking Sieve's
 * vacation, redirect and duplicate need, kept either in deliver.db, a
 * per-user SQLite file (mode 0600, WAL journal; src/store/sqlite*.c), or
 * in one PostgreSQL database shared by every delivery host and user
 * (store = postgresql://...; src/store/pg*.c).  Which one is the store
 * setting's business only.  The schemas are in man/deliver.db.5.
 *
 * The store never costs mail: every function degrades to "nothing known,
 * nothing recorded" when the store is disabled, locked or unreachable
 * beyond its timeout, full or broken.  A corrupt file is moved aside and a
 * new one started.  A NULL store (no store configured) is always valid:
 * every function then does nothing and says so.
 *
 * Nothing is opened until a function needs it, so a delivery with dedup and
 * the log switched off and no Sieve tracking does no store I/O at all.
 * A connection must not cross fork(): in a child process every function
 * acts as if there were no store. */
#ifndef DELIVER_STORE_H
#define DELIVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"

struct store;

/* Longest normalized Message-ID kept; longer ones are not deduplicated. */
#define STORE_MSGID_MAX 998

/* A claim older than this is stale even when its pid seems to run.  A
 * live delivery is never overtaken before: two deliveries filing the same
 * base name at once could take back each other's copies on failure.
 * deliver's own 24-hour alarm ends a hung delivery well before. */
#define STORE_CLAIM_STALE_SECONDS (25 * 3600)

/* How store problems reach the log (priority as syslog's). */
typedef void store_report_fn(int priority, const char *line);

/* The store of cfg->store: a PostgreSQL URI (postgresql:// or
 * postgres://), or deliver.db's path: absolute, "~/path" below home, or
 * relative to the Maildir root.  NULL when disabled ("" or "none") or out
 * of memory.  Opens nothing yet. */
struct store *store_new(const struct config *cfg, const char *maildir,
    const char *home, store_report_fn *report);

/* Close the database (a WAL checkpoint happens here) and free. */
void store_close(struct store *st);

/* deliver --store-init: create or migrate a PostgreSQL store's schema.
 * 0, or -1 with a reason in err. */
int store_init(const struct config *cfg, char *err, size_t errlen);

/* The normalized Message-ID: surrounding whitespace and one pair of angle
 * brackets removed ("  <a@b> " -> "a@b").  Returns false (out = "") when
 * there is none, it is empty, too long or holds control characters: such a
 * message is never treated as a duplicate. */
bool store_normalize_msgid(const char *value, char *out, size_t outlen);

/* Duplicate suppression. */
enum claim_status {
	CLAIM_NEW,        /* claimed for this delivery: file it, then record */
	CLAIM_RESUME,     /* a dead delivery's claim taken over: file with the
	                     recorded base name and targets, linking only what
	                     is missing */
	CLAIM_DUPLICATE,  /* delivered within dedup_days: file nothing */
	CLAIM_HELD,       /* another live process is delivering it and did not
	                     finish within store_timeout: try again later */
	CLAIM_SKIPPED,    /* no check (no Message-ID, dedup off, store
	                     unavailable): file it as new */
};

struct store_claim {
	enum claim_status status;
	long long row;          /* the claim's row, 0 = none held */
	char base[256];         /* RESUME: the recorded base name */
	char tmp[256];          /* RESUME: the dead delivery's tmp/ file */
	char *targets;          /* RESUME: recorded targets (malloced, may be
	                           "" when the dead delivery had not planned) */
	time_t delivered;       /* DUPLICATE: when the first copy was filed */
	long holder;            /* HELD: the pid delivering it */
	char why[256];          /* SKIPPED: why, for the log */
	bool unreachable;       /* SKIPPED: the store could not be used (not
	                           merely no Message-ID or dedup off) */
};

/* Claim (msgid, recipient) for this delivery, recording the plan: the base
 * name of the final files, the tmp/ file and the targets (an opaque text,
 * see store_targets_* in deliver.c).  Waits up to store_timeout for a live
 * claim by another process to finish.  Always fills c. */
void store_claim(struct store *st, const char *msgid, const char *recipient,
    const char *base, const char *tmp, const char *targets,
    struct store_claim *c);

/* Record the targets of a claim made before they were known (for a
 * pipeline that claims while Sieve evaluates, to overlap the two).  Until
 * then a resumed claim has "" as targets and the resuming delivery files
 * by its own plan.  0, or -1 on a store error (the delivery goes on). */
int store_claim_targets(struct store *st, const struct store_claim *c,
    const char *targets);

/* Right before the first copy is linked: is the claim still this
 * delivery's?  A PostgreSQL claim is a lock that ends with the session:
 * a connection lost since the claim (server restart, network, idle
 * timeout, pg_terminate_backend) may have let another delivery take the
 * message over.  deliver.db's claim is a row naming the holder's pid, not
 * tied to a connection: always held, at no cost. */
enum claim_check {
	CLAIM_STILL_HELD,   /* link the copies (also: no claim to check) */
	CLAIM_LOST,         /* another delivery holds, took over or finished
	                       it: link nothing, exit 75 (why says which) */
	CLAIM_UNCHECKED,    /* the store cannot be reached to say:
	                       store_unavailable decides */
};

/* The PostgreSQL check: one round trip on a live session; on a lost one,
 * one reconnection that takes the lock back only if the claim row is
 * still as this delivery left it.  why: a reason for the log. */
enum claim_check store_claim_check(struct store *st,
    const struct store_claim *c, char *why, size_t whylen);

void store_claim_free(struct store_claim *c);

/* Stale-claim rule: a claim is stale when its process is gone (no such pid,
 * or the pid now belongs to a process started at another time than
 * pid_start), when it was released (pid 0), or when it is older than
 * STORE_CLAIM_STALE_SECONDS.  pid_start < 0 = unknown. */
bool store_claim_stale(long pid, long long pid_start, time_t claimed,
    time_t now);

/* One delivery, as the log keeps it. */
struct store_delivery {
	const char *msgid;      /* normalized, "" = none */
	const char *sender;
	const char *recipient;
	long long size;
	const char *folders;    /* "INBOX,Lists.x" */
	const char *files;      /* "new/...,.Lists.x/new/..." */
	const char *actions;    /* "keep", "fileinto Lists.x", ... */
	const char *result;     /* "delivered", "duplicate", "deferred", ... */
	int exit_code;
	bool duplicate;
};

/* After the delivery: in one transaction confirm the claim (exit code 0:
 * every copy is durable) or release it for a retry to resume, add the log
 * row and prune a bounded number of expired rows.  Returns 0, or -1 when
 * the store could not record it (reported; never fatal to the delivery). */
int store_record(struct store *st, const struct store_claim *c,
    const struct store_delivery *d);

/* deliver --redeliver: from store_batch_begin to store_batch_end
 * every store_record goes into one transaction, each record its own
 * savepoint (one that fails is undone alone), committed by
 * store_batch_end: one WAL write of the pages the records share instead
 * of one per record.  The batch holds the store's write lock until then.
 * store_batch_end returns -1 when the commit failed: its records are
 * lost, which is reported. */
void store_batch_begin(struct store *st);
int store_batch_end(struct store *st);

/* deliver --log */
struct store_log_filter {
	time_t since;           /* 0 = any time */
	const char *msgid;      /* normalized; NULL = any */
	const char *sender;     /* NULL = any */
	const char *folder;     /* NULL = any */
	unsigned limit;         /* newest rows shown; 0 = 50 */
};

/* Parse --since: "30m", "12h", "7d", "2w" (ago), "@EPOCH", "YYYY-MM-DD" or
 * "YYYY-MM-DD HH:MM[:SS]" (local time).  -1 on junk. */
int store_parse_since(const char *text, time_t now, time_t *out);

/* Print the matching log rows, oldest first, one line each, untrusted text
 * escaped.  Returns the number of rows, or -1 with a reason in err (no store
 * file is not an error: 0 rows). */
int store_print_log(struct store *st, const struct store_log_filter *f,
    FILE *fp, char *err, size_t errlen);

/* Tracking for Sieve.
 *
 * Vacation: may we reply to `sender` for the response identified by
 * `handle` (RFC 5230 section 4.2), given a reply at most every `days` days?
 * Without a store: yes (and nothing is remembered). */
bool store_vacation_due(struct store *st, const char *sender,
    const char *handle, unsigned days);

/* The same with the period in seconds (vacation-seconds, RFC 6131);
 * 0 = reply every time. */
bool store_vacation_due_period(struct store *st, const char *sender,
    const char *handle, unsigned long long seconds);

/* Remember that a vacation reply was sent now. 0, or -1 on a store error
 * (never fatal to the delivery).  The record expires after the period of
 * the last store_vacation_due*() call for the same pair (else 7 days). */
int store_vacation_sent(struct store *st, const char *sender,
    const char *handle);

/* Redirect: was this message (normalized Message-ID) already redirected to
 * target?  Without a store or a Message-ID: no. */
bool store_redirect_done(struct store *st, const char *message_id,
    const char *target);

/* Remember a redirect that has been handed to sendmail (kept
 * STORE_REDIRECT_DAYS). */
int store_redirect_sent(struct store *st, const char *message_id,
    const char *target);

#define STORE_REDIRECT_DAYS 7

/* Sieve's duplicate test (RFC 7352): was key (a hash of the handle and
 * the message's unique id) recorded and not yet expired?  Without a
 * store: no. */
bool store_duplicate_seen(struct store *st, const char *key);

/* Record key for period seconds from now (replacing an earlier record).
 * 0, or -1 on a store error (never fatal to the delivery). */
int store_duplicate_mark(struct store *st, const char *key,
    unsigned long long period);

/* Rows of each table pruned at most per delivery.  dedup and log are
 * pruned by the delivery whose row's id is a multiple of
 * STORE_PRUNE_EVERY, among their first STORE_PRUNE_WINDOW rows (in the
 * order they were added). */
#define STORE_PRUNE_BATCH 20
#define STORE_PRUNE_EVERY 8
#define STORE_PRUNE_WINDOW 40

/* Dedup rows are kept at least this long, whatever dedup_days says, so
 * that a released claim outlives the MTA's queue lifetime (Postfix: 5d). */
#define STORE_CLAIM_KEEP_DAYS 7

#endif

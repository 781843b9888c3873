/* sieve.h: the libsieve adapter: callbacks in, action plan out.
 *
 * One evaluation = one script text run against one message's header index
 * and envelope.  It has no side effects: every action libsieve calls back
 * with is recorded into a plan, executed later by deliver.  libsieve
 * (2.2.6) quirks handled here, see LIBSIEVE.md: strings arrive escaped,
 * parse errors are visible only through the error callback, flags arrive as
 * the string list "flags", headers need RFC 2047 decoding, getheader must
 * hand out a fresh array every time (vacation writes into it), and the
 * implicit keep is ours to do.
 *
 * libsieve keeps global state and can exit() or abort() on hostile input:
 * call sieve_eval at most once per process (sieve_run.h does it in a
 * child). */
#ifndef DELIVER_SIEVE_H
#define DELIVER_SIEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "headers.h"
#include "plan.h"

struct mime_source;   /* sieve_mime.h */

#define SIEVE_SCRIPT_MAX   (1024 * 1024) /* bytes of script (Pigeonhole's) */
#define SIEVE_ACTIONS_MAX  64            /* actions one evaluation may add */
#define SIEVE_MSGS_MAX     200           /* error/note/trace lines kept */
#define SIEVE_MSG_MAX      1000          /* bytes per such line */
#define SIEVE_VACATION_DAYS_DEFAULT 7

/* A bounded list of text lines (errors, notes, trace). */
struct sieve_msgs {
	char **items;
	size_t count;
};

struct store;   /* deliver.db (store.h) */

/* What the script may look at. */
struct sieve_env {
	const struct header_index *headers;
	const char *sender;       /* envelope sender, "" for <> */
	const char *recipient;    /* envelope recipient */
	/* the recipient before any aliasing (Postfix's ORIGINAL_RECIPIENT,
	 * SMTP's ORCPT) and the authenticated submitter (envelope "auth");
	 * NULL when not known */
	const char *orig_recipient;
	const char *auth;
	off_t size;
	const char *delimiter;    /* recipient_delimiter: any of these chars */
	unsigned vacation_min_days, vacation_max_days; /* 0 max = unlimited */
	/* the moment currentdate sees (seconds since the epoch), for tests
	 * and replays; 0: the clock, read once per evaluation */
	time_t now;
	bool trace;               /* collect libsieve's debug trace */
	/* native engine only (in process; NULL elsewhere): the root Maildir,
	 * read by mailboxexists, and the configuration (folder names,
	 * sieve_vacation_*_period) */
	const struct maildir *root;
	const struct config *cfg;
	/* the IMAP flags the message already has (a message filtered again
	 * from a folder), space separated: the start value of imap4flags'
	 * internal variable, as Pigeonhole takes the mail's flags; NULL for
	 * a new message */
	const char *flags;
	/* the header edits earlier scripts of the sequence made (an edit
	 * string, msgedit.h; NULL = none): headers and size are the
	 * original message's, the interpreter applies these on top */
	const char *edits;
	/* the message came with CRLF line ends (deliver stored LF; the
	 * test runner's messages, which Pigeonhole holds with CRLF): size
	 * counts their CRs, and so do the edits' size change and the
	 * values of body, which Pigeonhole reads as received */
	bool size_crlf;
	/* native engine only: the message file as deliver filed it, for
	 * body and the MIME tests (sieve_mime.h); NULL when there is none
	 * (those tests then see no body) */
	const struct mime_source *message;
	/* native engine only: the user's deliver.db, read by the duplicate
	 * test; NULL: nothing was seen before */
	struct store *store;
	/* environment (RFC 5183) and vnd.dovecot.environment, native engine
	 * only: the user's login name, the folder the implicit keep files
	 * into (NULL: INBOX), and the SMTP client as the MTA names it
	 * (Postfix's CLIENT_HOSTNAME and CLIENT_ADDRESS); NULL when not
	 * known */
	const char *username;
	const char *default_mailbox;
	const char *remote_host, *remote_ip;
};

struct sieve_result {
	struct plan plan;          /* the explicit actions, in script order */
	bool keep;                 /* implicit keep still in effect */
	bool failed;               /* parse or runtime error: plan emptied */
	struct sieve_msgs errors;  /* "line N: text" where libsieve says */
	struct sieve_msgs notes;   /* things worth a log line */
	struct sieve_msgs trace;   /* libsieve's trace (env->trace) */
	/* native imap4flags: the internal flags variable when the script
	 * ended (IMAP flags, space separated; malloced), for the implicit
	 * keep and the scripts after this one; NULL when the script did not
	 * use imap4flags */
	char *flags;
	/* native editheader: the edit string of the message when the
	 * script ended (malloced; NULL = unedited), for the implicit keep
	 * and the scripts after this one */
	char *edits;
	/* native duplicate: "KEY PERIOD" for each id to record in deliver.db
	 * once the delivery succeeded (ext_duplicate.c) */
	struct sieve_msgs marks;
};

/* Run script (NUL-terminated text) against the message.  Script errors are
 * not a failure of this function: they set res->failed and fill
 * res->errors.  Returns -1 only when memory runs out. */
int sieve_eval(const char *script, const struct sieve_env *env,
    struct sieve_result *res);

/* Only parse and check script; errors as above. */
int sieve_check(const char *script, struct sieve_result *res);

/* The extensions libsieve supports with our callbacks, space separated
 * (malloced; NULL on failure). */
char *sieve_extensions(void);

void sieve_result_free(struct sieve_result *res);

/* Append a line (copied, cut to SIEVE_MSG_MAX; dropped beyond
 * SIEVE_MSGS_MAX lines). -1 when memory runs out. */
int sieve_msgs_add(struct sieve_msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sieve_msgs_free(struct sieve_msgs *m);

/* RFC 5228 section 2.4.2 unescaping: "\\" -> "\", "\"" -> """, any other
 * "\x" -> "x".  Malloced; NULL when memory runs out. */
char *sieve_unescape(const char *s);

/* The Maildir info letter of an IMAP system flag ("\Seen" -> 'S', case-
 * insensitive), or 0 for anything else (keywords). */
char sieve_flag_letter(const char *flag);

/* Map libsieve's flag list (still escaped) to sorted Maildir letters in out
 * (53 bytes); keywords and unknown flags are noted in notes and dropped.
 * Each list entry may itself hold several flags separated by spaces. */
void sieve_flags_to_maildir(char **flags, char *out, size_t outlen,
    struct sieve_msgs *notes);

#endif

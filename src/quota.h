/* quota.h: Maildir++ quotas, the maildirsize file (Courier's maildirquota
 * specification, as Courier's deliverquota and Dovecot's "maildir" quota
 * backend read and write it).
 *
 *   line 1     the definition: "<bytes>S,<count>C", either part optional
 *   lines 2..  "<bytes> <count>" deltas; usage is their sum
 *
 * The file lives in the root Maildir.  Everything here works through the
 * root's directory descriptors and never follows a symlink.  A delivery
 * reads the file once (at most 5120 bytes), decides before anything is
 * linked into place, and appends one line with a single O_APPEND write
 * after the copies are durable.  Nothing takes a lock (the specification
 * has none): concurrent deliveries may overshoot the limit by at most one
 * delivery each, and the next recalculation repairs any drift. */
#ifndef DELIVER_QUOTA_H
#define DELIVER_QUOTA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "maildir.h"
#include "outcome.h"

#define MAILDIRSIZE_NAME "maildirsize"
#define MAILDIRSIZE_READ_MAX 5120          /* a full buffer: recalculate */
#define MAILDIRSIZE_STALE_SECONDS (15 * 60)
#define QUOTA_WARN_MARKER "quotawarn"      /* in the root: warned already */
#define QUOTA_DEFINITION_MAX 256

/* Limits; 0 = no limit of that kind. */
struct quota_limits {
	uint64_t bytes;
	uint64_t count;
};

/* Parse the config key's form: "1G", "500M,10000C", "10000000S,1000C".
 * A number without a letter, or with S, is bytes and may carry a K/M/G/T
 * suffix (powers of 1024); C is a message count.  "0" means no limits.
 * Returns -1 for anything else. */
int quota_parse_config(const char *text, struct quota_limits *q);

/* Whether text is an acceptable value of the config key: "", "none" or
 * what quota_parse_config accepts. */
bool quota_config_valid(const char *text);

/* Parse line 1 of maildirsize the lenient way Courier and Dovecot do:
 * comma-separated "<digits><letter>" items, S = bytes, C = count; other
 * items are ignored; values beyond INT64_MAX are capped. */
void quota_parse_definition(const char *line, size_t len,
    struct quota_limits *q);

/* Line 1 as Courier and Dovecot write it: S then C, a zero part left out,
 * "0S" when there is no limit at all (Dovecot's choice; an empty line
 * would read as "no definition").  Returns -1 if buf is too small. */
int quota_format_definition(const struct quota_limits *q, char *buf,
    size_t len);

/* What one read of maildirsize found. */
struct maildirsize {
	char definition[QUOTA_DEFINITION_MAX]; /* line 1 without newline */
	bool definition_cut;   /* line 1 was longer than definition[] holds */
	struct quota_limits limits;
	int64_t bytes, count;  /* sum of lines 2..n */
	unsigned lines;        /* data lines summed */
	bool full;             /* the read filled MAILDIRSIZE_READ_MAX bytes */
	bool corrupt;          /* NUL byte, garbage line, negative total or
	                          overflow: the sums cannot be trusted */
};

/* Parse len bytes read from the file.  An unterminated last data line is
 * ignored (it may be an append in progress, as Dovecot assumes). */
void maildirsize_parse(const char *buf, size_t len, struct maildirsize *ms);

/* Why a recalculation is due. */
enum quota_recalc {
	RECALC_NONE,
	RECALC_MISSING,     /* no file, but a configured definition */
	RECALC_TOO_BIG,     /* >= 5120 bytes */
	RECALC_CORRUPT,
	RECALC_DEFINITION,  /* the configured definition differs from line 1 */
	RECALC_OVER_QUOTA,  /* over quota and the numbers may be stale */
	RECALC_ASKED,       /* deliver --quota --recalc */
	RECALC_RESUMED,     /* a killed delivery was finished: its lines unknown */
};

const char *quota_recalc_name(enum quota_recalc why);

/* The reading rules: ms is NULL when the file does not exist, configured
 * is NULL when the config sets no definition. */
enum quota_recalc quota_recalc_on_read(const struct maildirsize *ms,
    const struct quota_limits *configured);

/* The over-quota rule: distrust the sums when the file has more than one
 * data line or was last modified 15 minutes ago or earlier. */
bool quota_recalc_when_over(unsigned lines, time_t mtime, time_t now);

/* Would usage plus the addition exceed the limits?  Strictly greater, as
 * Courier decides. */
bool quota_exceeds(const struct quota_limits *l, int64_t bytes,
    int64_t count, int64_t add_bytes, int64_t add_count);

/* Usage in percent of the limits, the larger of bytes and count. */
unsigned quota_percent(const struct quota_limits *l, int64_t bytes,
    int64_t count);

/* Does a copy filed into folder dirname ("" = INBOX, ".Trash", ...) with
 * these Maildir flags count?  Not in .Trash, and not flagged T (deleted):
 * the recalculation does not count those either. */
bool quota_counts_copy(const char *dirname, const char *flags);

/* One delivery's view of the quota. */
struct quota {
	bool active;            /* a definition exists: the file is kept */
	struct maildir *root;   /* where maildirsize lives */
	struct maildir parent;  /* the root, when given a folder */
	const char *hostname;
	int fd;                 /* maildirsize, O_APPEND; -1 = none */
	struct quota_limits limits;
	char definition[QUOTA_DEFINITION_MAX];  /* line 1 as (re)written */
	int64_t bytes, count;   /* usage */
	unsigned lines;
	time_t mtime;
	bool recalculated;      /* this process scanned the Maildir */
	enum quota_recalc recalc_why;   /* ... and why */
	unsigned races;         /* recalculations redone after a race */
};

/* Read the quota of the root Maildir (of its parent, when root is itself a
 * Maildir++ folder with a "maildirfolder" file: then the warning goes to
 * the parent's INBOX too).  cfg->quota "" takes the definition
 * from an existing file (when there is none: one failed open, and one
 * failed lookup of "maildirfolder", nothing more); "none" does no I/O; a definition is enforced and written
 * to the file when it differs.  Recalculates when the reading rules say
 * so.  Returns -1 (EX_TEMPFAIL, or for a bad cfg->quota) with out filled. */
int quota_open(struct quota *q, struct maildir *root,
    const struct config *cfg, struct outcome *out);

/* May `copies` copies of a message of `size` bytes be filed?  Recalculates
 * once when over quota and the numbers may be stale.  Over quota: -1 with
 * EX_TEMPFAIL (quota_full = tempfail) or EX_NOPERM (bounce, and always
 * when the copies alone exceed the limits), the reason being
 * cfg->quota_full_message. */
int quota_check(struct quota *q, const struct config *cfg, off_t size,
    size_t copies, struct outcome *out);

/* Append "<bytes> <count>" with one write.  Does nothing when inactive. */
int quota_add(struct quota *q, int64_t bytes, int64_t count,
    struct outcome *out);

/* Scan the Maildir and rewrite maildirsize (see quota.c for the race). */
int quota_recalculate(struct quota *q, struct outcome *out);

/* After a delivery (or a refusal): when usage is at or above
 * cfg->quota_warn percent and QUOTA_WARN_MARKER does not exist, create
 * the marker and file the warning into INBOX (counted in the quota); when
 * usage is below, remove the marker so that the next crossing warns
 * again.  Returns 1 when a warning was filed, 0 when none was due, -1
 * with out filled on failure (the caller logs it; mail is not at stake). */
int quota_warn(struct quota *q, const struct config *cfg,
    struct outcome *out);

/* Fill buf with the warning text: the template (cfg->quota_warn_message,
 * or the built-in one when "") with ${usage} ${limit} ${percent} ${count}
 * ${count_limit} ${host} replaced, Date: and Message-ID: added when the template
 * has none.  Returns the length, or -1 with out filled. */
int quota_warn_render(const struct quota *q, const struct config *cfg,
    time_t now, char **buf, size_t *len, struct outcome *out);

/* "1.5M"-style size for people (humanize_number, powers of 1024). */
const char *quota_human(int64_t bytes, char *buf, size_t len);

/* deliver --quota: print usage and limits of the Maildir at path, for
 * people or as key=value lines (raw); recalculate first if recalc. */
int quota_report(const char *path, const struct config *cfg, bool recalc,
    bool raw, FILE *to, struct outcome *out);

void quota_close(struct quota *q);

#endif

/* sieve_run.h: which scripts run, each in a child process, and the plan
 * they add up to.
 *
 * Every script first goes through deliver's own front end (sieve_front.h):
 * libsieve runs the canonical text it emits; a script the front end
 * refuses (syntax error, unsupported extension, a construct libsieve
 * cannot run) fails like any other, before libsieve sees it.
 *
 * Scripts (Dovecot's order): sieve_before, the user's script, sieve_after.
 * The next script runs only while the keep is still in effect (no action
 * cancelled the implicit keep, or the script kept explicitly).  A script
 * that cannot be read, does not parse, fails at run time or whose
 * evaluation dies counts as an implicit keep; the error goes to the log
 * and, with its line number, into "<script>.err" (removed again once the
 * script runs cleanly).
 *
 * libsieve runs in a forked child with CPU, memory and core limits; the
 * child hands its result back over a pipe (sieve_wire.h).  A child that
 * crashes, exits, times out or sends garbage costs nothing but the filter:
 * the message is kept in INBOX. */
#ifndef DELIVER_SIEVE_RUN_H
#define DELIVER_SIEVE_RUN_H

#include <poll.h>
#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "plan.h"
#include "sieve.h"
#include "sieve_guard.h"

/* Work for the parent while the first child evaluates (a second core):
 * fn(ctx) runs at most once per plan, right after that fork or, with the
 * early child, right after the first request went out; fn is then
 * cleared.  Nothing runs when no child is asked. */
struct sieve_overlap {
	void (*fn)(void *ctx);
	void *ctx;
};

struct sieve_job {
	const struct config *cfg;
	const char *home;          /* for ~/ and the default script */
	const char *script;        /* -s, or NULL */
	struct sieve_env env;
	bool dry_run;              /* write no .err file */
	struct sieve_overlap *overlap;   /* or NULL */
};

struct sieve_plan {
	struct plan plan;          /* empty when no script exists */
	bool scripted;             /* at least one script was found */
	struct sieve_msgs trace;   /* for -n: what ran and libsieve's trace */
	/* the native engine's marker of this evaluation (sieve_guard.h):
	 * sieve_guard_delivered once the message is safely filed */
	struct sieve_guard guard;
};

/* A single delivery starts its Sieve child before it reads the
 * message (sieve_worker.h, "the early child"), so that reading the
 * scripts and the front end run on the second core meanwhile.  Only
 * job's cfg, home and script are used.  No script: no child.  Until
 * sieve_early_end, sieve_make_plan runs the scripts found here (paths
 * settled now) through that child; a script it cannot take (its open
 * failed, the child could not start or stopped after a failed script)
 * runs as without it. */
void sieve_early_start(const struct sieve_job *job);

/* The delivery is over: the early child, if any, is stopped (not waited
 * for) and forgotten. */
void sieve_early_end(void);

/* Build the plan for one message.  -1 only when memory runs out. */
int sieve_make_plan(const struct sieve_job *job, struct sieve_plan *out);

void sieve_plan_free(struct sieve_plan *sp);

/* The user's script path (malloced): -s, the `sieve` key (~/ expanded),
 * ~/.dovecot.sieve if it exists, else ~/.sieve.  NULL when none is named
 * or found, or memory runs out. */
char *sieve_user_script(const char *opt, const struct config *cfg,
    const char *home);

/* Evaluate (or with env NULL only check) script text in a child process.
 * 0 with *res filled (which may say the script failed), or -1 when the
 * child died or misbehaved (reason in why). */
int sieve_eval_isolated(const char *text, const struct sieve_env *env,
    const struct config *cfg, struct sieve_result *res, char *why,
    size_t whylen);

/* Read a script file (following a symlink), at most SIEVE_SCRIPT_MAX
 * bytes and no NUL.  1 with the malloced text, 0 when it does not exist,
 * -1 on another error (errno set; EFBIG when too long, EILSEQ when it
 * holds a NUL byte: sieve_read_nul_pos says where). */
int sieve_read_script(const char *path, char **text);

/* Where the NUL byte was that made the last read fail with EILSEQ
 * (1-based line and column, columns counted in bytes). */
void sieve_read_nul_pos(unsigned *line, unsigned *col);

/* The same from a descriptor opened O_NONBLOCK (closed here): 0 with the
 * text, -1 with errno set (EINVAL: not a regular file). */
int sieve_read_script_fd(int fd, char **text);

struct sieve_front;
/* The front end's diagnostics as "line L, column C: reason" lines.
 * -1 when memory runs out. */
int sieve_front_msgs(const struct sieve_front *f, struct sieve_msgs *m);

/* Wait until pfd's descriptor is ready (EINTR retried) or the
 * CLOCK_MONOTONIC deadline passes.  0 when ready, -1 on timeout or error. */
int sieve_wait_ready(struct pollfd *pfd, const struct timespec *deadline);

/* Why a Sieve child ended (its wait status), for the log: "evaluation
 * killed by signal N" or "evaluation exited with status N". */
void sieve_describe_status(int status, char *why, size_t whylen);

struct sieve_native_limits;
/* The native engine's limits from deliver.conf. */
void sieve_native_limits_of(const struct config *cfg,
    struct sieve_native_limits *l);

/* deliver -V: print the extensions each engine supports (one line
 * each, the native engine's first). */
void sieve_print_extensions(void);

#endif

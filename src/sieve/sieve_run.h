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
#include "sieve_child.h"
#include "sieve_file.h"
#include "sieve_guard.h"

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
	/* the duplicate test's ids to record in deliver.db once the message
	 * is filed ("KEY PERIOD", sieve.h) */
	struct sieve_msgs marks;
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

struct sieve_native_limits;
/* The native engine's limits from deliver.conf. */
void sieve_native_limits_of(const struct config *cfg,
    struct sieve_native_limits *l);

/* deliver -V: print the extensions each engine supports (one line
 * each, the native engine's first). */
void sieve_print_extensions(void);

#endif

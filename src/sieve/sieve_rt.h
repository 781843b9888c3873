/* sieve_rt.h: the state of one native Sieve evaluation, and what an
 * extension's run function may do with it.
 *
 * The interpreter (interp.c) creates one struct sieve_rt per script run,
 * walks the tree and calls the run function of every command and test
 * (sieve_ext.h).  A run function reads its arguments through the
 * accessors below (strings come back with variables expanded when the
 * script requires "variables"), reads the message (headers RFC 2047-
 * decoded, the envelope, the size), and adds actions to the plan.  It
 * never touches the Maildir, the network or a file: the plan is carried
 * out later by deliver, exactly as after a libsieve run.
 *
 * Memory: strings and arrays handed out by sieve_rt_* come from the
 * evaluation's scratch pool, counted against the memory cap, and stay
 * valid until the command that asked for them has finished (the pool is
 * released after every top-level command); copy what must live longer
 * into the extension's state.
 *
 * Errors: sieve_rt_error records "line L, column C: text" and fails the
 * evaluation (the caller then keeps the message in INBOX and writes the
 * error to <script>.err, as for any failed script). */
#ifndef DELIVER_SIEVE_RT_H
#define DELIVER_SIEVE_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "plan.h"
#include "sieve.h"
#include "sieve_ast.h"
#include "sieve_ext.h"

struct sieve_strings;        /* sieve_match.h */
struct sieve_matcher;
struct sieve_match_limits;
struct sieve_vars;           /* sieve_vars.h */

/* Bounds of one evaluation, from deliver.conf (names of Pigeonhole's
 * settings where one exists).  0 in a field means its default. */
struct sieve_native_limits {
	size_t max_actions;         /* sieve_max_actions (32) */
	size_t max_redirects;       /* sieve_max_redirects (4) */
	size_t max_script_size;     /* sieve_max_script_size (1M) */
	unsigned max_cpu_time;      /* sieve_max_cpu_time, CPU seconds (30) */
	size_t max_scope_size;      /* sieve_variables_max_scope_size (255) */
	size_t max_variable_size;   /* sieve_variables_max_variable_size
	                             * (4096) */
	uint32_t regex_match_limit; /* sieve_regex_match_limit: PCRE2 match
	                             * limit per :regex match (100000) */
	uint64_t max_steps;         /* sieve_max_steps: commands, tests and
	                             * compared values (10,000,000) */
	size_t max_memory;          /* sieve_max_memory: bytes of scratch one
	                             * command may hold (64M) */
};

#define SIEVE_NATIVE_ACTIONS_DEFAULT   32
#define SIEVE_NATIVE_REDIRECTS_DEFAULT 4
#define SIEVE_NATIVE_CPU_DEFAULT       30
#define SIEVE_NATIVE_REGEX_DEFAULT     100000
#define SIEVE_NATIVE_STEPS_DEFAULT     10000000ULL
#define SIEVE_NATIVE_MEMORY_DEFAULT    (64u * 1024 * 1024)

struct sieve_pool;           /* scratch allocations (interp_pool.c) */
struct sieve_hv_cache;       /* interp_rt.c */
void sieve_rt_hv_cache_free(struct sieve_hv_cache *c);

struct sieve_rt {
	const struct sieve_env *env;
	struct sieve_result *res;           /* plan, keep, errors, notes */
	struct sieve_native_limits lim;     /* defaults filled in */
	struct sieve_ext_set required;      /* what the script required */
	struct sieve_ext_set used;          /* ... and every script it included
	                                     * that ran: whose end hooks run */
	struct sieve_vars *vars;            /* NULL unless "variables" */
	struct sieve_pool *pool;
	struct sieve_hv_cache *hv_cache;    /* decoded header values, kept
	                                     * for the evaluation */
	void *ext_state[SIEVE_EXT_MAX];     /* per extension, see below */

	uint64_t steps;                     /* counted by sieve_rt_step */
	struct timespec cpu_start;          /* CLOCK_PROCESS_CPUTIME_ID */
	size_t nactions, nredirects;
	struct sieve_pos pos;               /* of the command or test running:
	                                     * errors given line 0 use it */
	bool stopped;                       /* "stop" ran */
	bool leaving;                       /* "break" ran: blocks end until
	                                     * the loop it leaves clears it */
	bool error;                         /* a runtime error was raised */
	bool trace;                         /* env->trace: fill res->trace */
	/* editheader's edits (sieve_edit.h): while set, rt->env points at
	 * its copy of the env, whose headers and size are the edited
	 * message's, so every test reads the edited header */
	struct sieve_edit *edit;
	const struct sieve_script *script;  /* the script evaluated (include
	                                     * finds what it included there) */
	struct sieve_vars *globals;         /* include's global variables, for
	                                     * the whole evaluation (NULL
	                                     * unless include is required) */
};

/* ---- errors and messages ---- */

/* A runtime error at pos: res->errors gets "line L, column C: text", the
 * evaluation stops and counts as failed.  Returns -1 (for `return
 * sieve_rt_error(...)`). */
int sieve_rt_error(struct sieve_rt *rt, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An error the script goes on after, as Pigeonhole goes on after a
 * :regex key made from variables that does not compile (the key is
 * skipped): res->errors gets the line, the evaluation neither stops nor
 * fails. */
void sieve_rt_soft_error(struct sieve_rt *rt, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A line for the log (res->notes), e.g. an ignored flag. */
void sieve_rt_note(struct sieve_rt *rt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line of the -n trace (only when tracing; cheap otherwise). */
void sieve_rt_trace(struct sieve_rt *rt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Count n units of work (a test, a compared value, a loop round in a
 * match) against the step limit, and every so often the CPU time.  0, or
 * -1 after the runtime error saying which limit was hit. */
int sieve_rt_step(struct sieve_rt *rt, struct sieve_pos pos, uint64_t n);

/* ---- scratch memory ---- */

/* Allocate from the pool (zeroed); NULL after the runtime error "memory
 * limit". */
void *sieve_rt_alloc(struct sieve_rt *rt, size_t size);
/* Copy s[0..len) NUL-terminated into the pool. */
char *sieve_rt_strndup(struct sieve_rt *rt, const char *s, size_t len);
/* Count size bytes the caller holds for the current command against the
 * memory limit, without copying them into the pool; 0, or -1 after the
 * runtime error "memory limit". */
int sieve_rt_charge(struct sieve_rt *rt, size_t size);

/* ---- arguments ---- */

/* A string argument's value, variables expanded when the script requires
 * "variables" (and when it does not, the string as written).  NULL after
 * a runtime error. */
const char *sieve_rt_string(struct sieve_rt *rt, const struct sieve_string *s,
    size_t *len);

/* A string or string-list argument as a struct sieve_strings (pool
 * arrays), each element expanded as above.  0, or -1. */
int sieve_rt_strings(struct sieve_rt *rt, const struct sieve_arg *a,
    struct sieve_strings *out);

/* ---- the message ---- */

/* Every occurrence of each header named in names (in message order per
 * name), RFC 2047-decoded (phrase-only for address headers), as the
 * libsieve adapter hands them over.  Headers deliver prepended itself
 * are included, as they are for libsieve.  0, or -1. */
int sieve_rt_header_values(struct sieve_rt *rt,
    const struct sieve_strings *names, struct sieve_strings *out);

/* The headers a header, address or exists test c reads for names: an
 * extension's header_source when c carries its tags (mime's :mime),
 * else the message's (sieve_rt_header_values).  0, or -1. */
int sieve_rt_header_source(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *names, struct sieve_strings *out);
/* sieve_rt_header_values for a test that may carry the index
 * extension's ":index N [:last]" (RFC 5260 section 6): of all the fields
 * named, in that order, only the Nth (counted from the end with :last),
 * or none when there are fewer.  Without :index, every field.  raw: the
 * values as the message has them, not RFC 2047-decoded (the date test
 * reads them so, as Pigeonhole's does). */
int sieve_rt_call_header_values(struct sieve_rt *rt,
    const struct sieve_call *c, const struct sieve_strings *names,
    bool raw, struct sieve_strings *out);

/* ---- matching ---- */

/* Compare values against keys with c's match type, comparator (defaults
 * :is and i;ascii-casemap) and relation.  When the script requires
 * "variables", a successful :matches/:regex sets ${0}..${9}.  1 match,
 * 0 none, -1 runtime error. */
int sieve_rt_match(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys);

/* The same without setting ${0}..${9}: the tests Pigeonhole keeps out
 * of the match values (body). */
int sieve_rt_match_plain(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys);

/* c's match type, comparator and limits from its tags, for a test that
 * matches its values itself (body :contains scans them as they are
 * read); -1 after a runtime error. */
int sieve_rt_matcher(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_matcher *m, struct sieve_match_limits *lim);

/* c's address part tag (":localpart" -> "localpart"), "all" when none. */
const char *sieve_rt_address_part(struct sieve_rt *rt,
    const struct sieve_call *c);

/* The address parts (c's address part tag, recipient_delimiter for
 * :user/:detail) of every address in values: address-list header values,
 * or with envelope each value one envelope path.  Addresses without the
 * part (:detail of an address without delimiter) are left out.  0, or
 * -1. */
int sieve_rt_address_values(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, bool envelope,
    struct sieve_strings *out);

/* ---- actions ---- */

/* Append an action to the plan (strings copied, NULL allowed) and return
 * it for the fields plan_add does not take (create, vacation's).
 * Counts against sieve_max_actions (and, for ACTION_REDIRECT,
 * sieve_max_redirects): NULL after the runtime error when over. */
struct action *sieve_rt_add_action(struct sieve_rt *rt, struct sieve_pos pos,
    enum action_type type, const char *mailbox, const char *flags,
    const char *address, const char *text);

/* An action a command has just added, for the extensions' on_action
 * hooks (sieve_ext.h). */
struct sieve_action_ctx {
	struct action *action;
	bool cancels_keep;   /* fileinto, redirect, discard, reject: true */
};

/* Every command that adds an action calls this right after
 * sieve_rt_add_action: the on_action hooks of the required extensions
 * run (their tags take effect), then the implicit keep is cancelled when
 * cancels_keep is still true.  0, or -1. */
int sieve_rt_action_done(struct sieve_rt *rt, const struct sieve_call *c,
    struct action *a, bool cancels_keep);

/* The implicit keep is cancelled (fileinto, redirect, discard, reject;
 * never by :copy). */
void sieve_rt_cancel_keep(struct sieve_rt *rt);

/* ---- extensions ---- */

/* Whether the script required the extension of that name. */
bool sieve_rt_requires(const struct sieve_rt *rt, const char *ext);

/* The state slot of ext for this evaluation (NULL at first; the
 * extension stores what it allocates there; ext->state_free frees it). */
void **sieve_rt_ext_state(struct sieve_rt *rt,
    const struct sieve_extension *ext);

/* Run the commands of a block (cmd->block of a command whose definition
 * has `block`) in this evaluation, as if and else run theirs; it ends
 * early once rt->stopped is set.  0, or -1 after a runtime error.  For
 * commands that own their block (the test runner's `test`, foreverypart);
 * it ends early too while rt->leaving is set. */
int sieve_rt_run_block(struct sieve_rt *rt, const struct sieve_command *block);

/* ---- entry points (interp.c) ---- */

/* Evaluate a parsed script against the message in env, in this process.
 * lim may be NULL (all defaults).  Check errors and runtime errors set
 * res->failed (plan emptied, keep on) and fill res->errors; the function
 * returns -1 only when memory runs out. */
int sieve_native_eval(const struct sieve_script *script,
    const struct sieve_env *env, const struct sieve_native_limits *lim,
    struct sieve_result *res);

/* Only check script for the native engine; errors as above. */
int sieve_native_check(const struct sieve_script *script,
    struct sieve_result *res);

#endif

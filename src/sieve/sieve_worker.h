/* sieve_worker.h: one long-lived, isolated libsieve child for a process
 * that filters many messages (deliver --redeliver).
 *
 * sieve_eval_isolated (sieve_run.h) forks a child per evaluation; on a
 * redelivery of thousands of messages that fork is most of the Sieve cost.
 * When the switch is on, sieve_run.c hands evaluations to a worker child
 * instead: forked once with the same limits (no core, address space), it
 * reads one request per evaluation (the script text and the serialized
 * sieve_env) from a socket, runs sieve_eval and answers in the wire format
 * of sieve_wire.h.  Before each evaluation the worker moves its soft CPU
 * limit to the CPU time used so far plus sieve_cpu_limit, so each message
 * still gets its own CPU budget; the parent still waits at most
 * sieve_timeout seconds for each answer.
 *
 * A worker that crashes, exits, overruns or answers garbage is killed and
 * reaped: that evaluation fails exactly as a forked child's would (the
 * caller keeps the message) and the next one starts a fresh worker.  A
 * worker is also replaced after a failed script (libsieve keeps global
 * state) and after SIEVE_WORKER_RECYCLE evaluations (libsieve leaks a
 * little per context, but a worker's resident size measured 2.4 MiB at
 * its start and after 1,000 evaluations alike; a replacement costs a fork
 * and a cold start: 2,000 messages took 1.44-1.61 s with a new worker
 * every 100, 1.24-1.37 s every 1,000). */
#ifndef DELIVER_SIEVE_WORKER_H
#define DELIVER_SIEVE_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "sieve.h"

#define SIEVE_WORKER_RECYCLE 1000  /* evaluations per worker at most */

/* Process-wide switch; off by default (one fork per evaluation). */
void sieve_worker_use(bool on);
bool sieve_worker_in_use(void);

/* Like sieve_eval_isolated with an env: 0 with *res filled, or -1 when
 * the worker died or misbehaved (reason in why; the worker is gone). */
int sieve_worker_eval(const char *text, const struct sieve_env *env,
    const struct config *cfg, struct sieve_result *res, char *why,
    size_t whylen);

/* Stop the worker, if one runs, and wait for it. */
void sieve_worker_shutdown(void);

/* How many workers this process has started, and the one running (-1
 * when none): for tests. */
unsigned long sieve_worker_started(void);
pid_t sieve_worker_pid(void);

/* ---- the early child (one delivery) ----
 *
 * A single delivery forks its Sieve child before it reads the message:
 * the child reads the scripts (from descriptors the parent opened) and
 * puts them through the front end on the second core while the parent
 * reads stdin and writes tmp/.  Then the parent asks for one script at a
 * time, by path, with the message's headers and envelope (the request
 * format above, flagged "prepared"); the child answers with the result
 * (wire format), or says the script could not be read or the front end
 * refused it.
 *
 * The child has the limits of a forked evaluation (no core, address
 * space; CPU: a soft limit per evaluation within a hard one for all);
 * PR_SET_PDEATHSIG kills it with its parent; stdin and stdout are
 * /dev/null from the start and stderr before its last answer, so an MTA
 * that waits for EOF on deliver's output never waits for this process.
 * After its last answer (the request said so, or a failed script: libsieve
 * keeps global state) it exits on its own: the parent does not wait. */

enum sieve_early_kind {
	SIEVE_EARLY_RESULT,       /* res: the evaluation */
	SIEVE_EARLY_UNREADABLE,   /* error: errno of the failed read */
	SIEVE_EARLY_REFUSED       /* status: the front end's verdict
	                             (sieve_front.h); res.errors its
	                             diagnostics */
};

struct sieve_early_answer {
	enum sieve_early_kind kind;
	int error;
	int status;
	struct sieve_result res;  /* free with sieve_result_free */
};

struct sieve_overlap;

/* Fork the early child for n scripts: paths[i] is read from fds[i]
 * (opened by the caller, who closes its copies afterwards).  -1 with the
 * reason in why when it cannot start. */
int sieve_worker_start_early(const char *const *paths, const int *fds,
    size_t n, const struct config *cfg, char *why, size_t whylen);

/* Whether an early child is running and can be asked. */
bool sieve_worker_early(void);

/* Ask the early child for the script at path (one of those it was started
 * with); last: no further question follows.  ov (NULL or its fn unset:
 * none) runs once the request is out, while the child evaluates.  0 with
 * *ans filled, or -1 when the child died or misbehaved (reason in why;
 * the child is then gone).  After the last answer the child is gone too. */
int sieve_worker_ask_early(const char *path, const struct sieve_env *env,
    const struct config *cfg, bool last, struct sieve_overlap *ov,
    struct sieve_early_answer *ans, char *why, size_t whylen);

/* Done with the early child: one still running is killed (not waited
 * for); one that has exited by now is reaped, else a later call or init
 * reaps it (one waitpid WNOHANG per call). */
void sieve_worker_end_early(void);

#endif

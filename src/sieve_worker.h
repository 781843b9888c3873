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
 * little per context). */
#ifndef DELIVER_SIEVE_WORKER_H
#define DELIVER_SIEVE_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "sieve.h"

#define SIEVE_WORKER_RECYCLE 100   /* evaluations per worker at most */

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

/* The request format, exposed for unit tests.  encode: malloced buffer
 * (-1 when memory runs out).  decode: env filled with pointers into buf
 * and a header index in *idx (free it with header_index_free); -1 for
 * anything malformed. */
int sieve_worker_encode(const char *text, const struct sieve_env *env,
    char **buf, size_t *len);
int sieve_worker_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx);

#endif

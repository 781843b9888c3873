/* ph_ext.h: the test-only extension vnd.dovecot.testsuite and the pieces
 * its commands stand on: carrying out a result into the in-memory mail
 * store (ph_result.c), compiling and running another script and the
 * settings of test_config_set (ph_script.c). */
#ifndef DELIVER_PH_EXT_H
#define DELIVER_PH_EXT_H

#include "plan.h"
#include "sieve_ast.h"
#include "sieve_ext.h"
#include "sieve_rt.h"

extern const struct sieve_extension sieve_ext_testsuite;

/* Pigeonhole's name of an action ("store" for fileinto). */
const char *ph_action_name(enum action_type type);

/* Carry out the actions of rt's result not carried out yet, and the
 * implicit keep once: filing into the run's Maildir (ph_store.h), mail
 * to its outbox (ph_outbox.h).
 * 0, or -1 when an action failed (a folder that does not exist). */
int ph_execute_plan(struct sieve_rt *rt);

/* test_multiscript: run 1 to 3 scripts (absolute paths) as deliver runs
 * sieve_before, the user's script and sieve_after (sieve_make_plan), on
 * the message under test, and carry out the plan they add up to.  0, or
 * -1. */
int ph_run_sequence(const char *const *paths, size_t n);

/* Compile the script at rel (relative to the test file) with the
 * product's checks: 0, or -1; its diagnostics go to ph_suite.errors. */
int ph_script_compile(const char *rel);

/* Run the compiled script on the message under test, its actions added
 * to rt's result.  1 when it ran without error, 0 when not, -1 after a
 * runtime error of rt itself. */
int ph_script_run(struct sieve_rt *rt, struct sieve_pos pos);

/* test_config_set (value NULL: unset): a limit of the native engine, or a
 * key of deliver.conf.  0, or -1 after a runtime error. */
int ph_config_set(struct sieve_rt *rt, struct sieve_pos pos,
    const char *key, const char *value);

#endif

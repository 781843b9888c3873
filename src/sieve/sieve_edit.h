/* sieve_edit.h: the edit layer of one evaluation: editheader's changes
 * to the header, seen by every later test.
 *
 * The first edit (or an edit string an earlier script of the sequence
 * left, env->edits) gives the evaluation its own copy of the env: the
 * same envelope, but headers that are the edited list (msgedit.h) and a
 * size grown or shrunk by the edits, and edits the current edit string.
 * rt->env points at that copy, so the header, address, exists and size
 * tests, and every other extension reading rt->env->headers, see the
 * edited message without knowing about edits.  An action takes
 * rt->env->edits as its header version (sieve_rt_add_action).  When
 * something else replaces rt->env (the test runner loading another
 * message) the edits start again from that env. */
#ifndef DELIVER_SIEVE_EDIT_H
#define DELIVER_SIEVE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "msgedit.h"
#include "sieve.h"

struct sieve_rt;

struct sieve_edit {
	const struct sieve_env *base;  /* the env the edits apply to */
	struct sieve_env env;          /* what rt->env points at */
	struct msgedit list;
	struct header_index view;      /* env.headers */
	char *edits;                   /* env.edits (owned) */
};

/* The edit list for rt->env, made when there is none yet (or rt->env
 * was replaced).  NULL after a runtime error (out of memory, or a
 * header index too large to edit). */
struct msgedit *sieve_edit_list(struct sieve_rt *rt);

/* After changing the list: the view, size and edit string again.  0, or
 * -1 after a runtime error. */
int sieve_edit_commit(struct sieve_rt *rt);

/* Apply env->edits at the start of an evaluation.  0, or -1. */
int sieve_edit_start(struct sieve_rt *rt);

/* The settings the checker applies to constant values (it has no
 * configuration of its own): the evaluation passes env->cfg, the test
 * runner its settings after every change.  NULL: the defaults. */
struct config;
void sieve_editheader_configure(const struct config *cfg);

/* Free the state (rt->env goes back to the base env). */
void sieve_edit_end(struct sieve_rt *rt);

#endif

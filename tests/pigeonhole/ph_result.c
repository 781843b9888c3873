/* ph_result.c: test_result_execute: the plan of an evaluation carried out
 * as deliver carries it out: filing through deliver's plan.c into the
 * run's Maildir (ph_store.h), outgoing mail
 * goes through deliver's own actions.c to the capturing sendmail of
 * ph_outbox.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "ph_ext.h"
#include "ph_outbox.h"
#include "ph_store.h"
#include "ph_suite.h"
#include "sieve_run.h"

const char *ph_action_name(enum action_type type)
{
	switch (type) {
	case ACTION_KEEP:     return "keep";
	case ACTION_FILEINTO: return "store";
	case ACTION_DISCARD:  return "discard";
	case ACTION_REDIRECT: return "redirect";
	case ACTION_REJECT:   return "reject";
	case ACTION_VACATION: return "vacation";
	case ACTION_NOTIFY:   return "notify";
	}
	return "";
}

/* File the message under test (as deliver's intake wrote it) by the
 * filing actions of p, through deliver's plan.c. */
static int file_plan(const struct plan *p)
{
	return ph_store_file(p, ph_suite.msg.fd);
}

/* The implicit keep takes the message as the script left it
 * (editheader's edits: edits, NULL = none), as Pigeonhole's does. */
static int file_keep(const char *edits)
{
	struct plan keep = { 0 };
	int rc;

	if (plan_default(&keep, "") != 0)
		return -1;
	if (edits != NULL && (keep.actions[0].edits = strdup(edits)) == NULL) {
		plan_free(&keep);
		return -1;
	}
	rc = file_plan(&keep);
	plan_free(&keep);
	return rc;
}

static struct action_ctx action_ctx(void)
{
	const struct ph_message *m = &ph_suite.msg;
	struct action_ctx ctx = {
		.cfg = &ph_suite.cfg,
		.headers = m->env.headers,
		.sender = m->env.sender,
		.recipient = m->env.recipient,
		.orig_recipient = m->env.orig_recipient,
		.msg_fd = m->fd, .tmp_dirfd = -1,
	};

	return ctx;
}

/* The actions in deliver's order (deliver.c): reject, redirects, filing,
 * then vacation and notify; outgoing mail through deliver's actions.c. */
static int execute_range(const struct plan *p)
{
	struct action_ctx ctx = action_ctx();
	struct outcome out = { 0 };
	bool keep_instead = false;
	int rc = 0;

	if (actions_reject(&ctx, p, &out) != 0)
		rc = -1;
	actions_redirect(&ctx, p, &keep_instead);
	if (keep_instead)
		rc |= file_keep(NULL);
	rc |= file_plan(p);
	actions_after_filing(&ctx, p);
	if (ph_outbox_collect() != 0)
		rc = -1;
	return rc;
}

int ph_execute_plan(struct sieve_rt *rt)
{
	const struct plan *p = &rt->res->plan;
	struct plan rest = { 0 };
	int rc = 0;

	if (ph_suite.executed < p->count) {
		rest.actions = p->actions + ph_suite.executed;
		rest.count = rest.cap = p->count - ph_suite.executed;
		rc = execute_range(&rest);
	}
	ph_suite.executed = p->count;
	if (rt->res->keep && !ph_suite.keep_executed) {
		if (file_keep(rt->env->edits) != 0)
			rc = -1;
		ph_suite.keep_executed = true;
	}
	return rc;
}

/* Point sieve_before, the user's script and sieve_after at paths (1 to 3
 * of them, in that order of filling: before and after need the user's). */
static int set_sequence(const char *const *paths, size_t n, const char **user)
{
	char err[300];
	const char *before = n >= 2 ? paths[0] : "";
	const char *after = n == 3 ? paths[2] : "";

	*user = n == 1 ? paths[0] : paths[1];
	if (config_set(&ph_suite.cfg, "sieve_before", before, err,
	    sizeof err) != 0 || config_set(&ph_suite.cfg, "sieve_after",
	    after, err, sizeof err) != 0)
		return -1;
	return 0;
}

int ph_run_sequence(const char *const *paths, size_t n)
{
	struct sieve_job job = {
		.cfg = &ph_suite.cfg, .home = ph_suite.tmpdir,
		.env = ph_suite.msg.env, .dry_run = true,
	};
	struct sieve_plan sp;
	int rc;

	if (n < 1 || n > 3 || set_sequence(paths, n, &job.script) != 0)
		return -1;
	rc = sieve_make_plan(&job, &sp);
	if (rc == 0)
		rc = execute_range(&sp.plan);
	sieve_plan_free(&sp);
	(void)set_sequence((const char *const[]){ "" }, 1, &job.script);
	return rc;
}

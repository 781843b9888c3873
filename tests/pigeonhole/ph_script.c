/* ph_script.c: test_script_compile and test_script_run (another script,
 * named relative to the test file, compiled with the product's own parser
 * and checks and run by the product's interpreter on the message under
 * test), and test_config_set mapped onto deliver's settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ph_examples.h"
#include "ph_ext.h"
#include "ph_suite.h"
#include "sieve_edit.h"
#include "sieve_parse.h"
#include "sieve_run.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* Read and parse path; parse errors into ph_suite.errors. */
static struct sieve_script *parse_file(const char *path)
{
	struct sieve_script *script = NULL;
	struct sieve_msgs errs = { 0 };
	struct sieve_parse_diags *diags = malloc(sizeof *diags);
	char *text = NULL, line[700];

	if (diags == NULL || sieve_read_script(path, &text) != 1) {
		(void)sieve_msgs_add(&errs, "%s: cannot read", path);
	} else if (sieve_parse_all(text, strlen(text), &script, diags) != 0) {
		for (size_t i = 0; i < diags->ndiags; i++) {
			(void)sieve_diag_format(&diags->diags[i], line,
			    sizeof line);
			(void)sieve_msgs_add(&errs, "%s", line);
		}
		script = NULL;
	}
	free(diags);
	free(text);
	ph_errors_take(&errs);
	return script;
}

/* Pigeonhole ends the errors of a script that fails to compile with one
 * more, "parse failed" or "validation failed", which its tests count;
 * the log gets them all, to see what a count compares. */
static void compile_failed(const char *rel, const char *what)
{
	struct sieve_msgs *e = &ph_suite.errors;

	(void)sieve_msgs_add(e, "%s: %s failed", rel, what);
	fprintf(stderr, "test_script_compile %s: %zu errors\n", rel,
	    e->count);
	for (size_t i = 0; i < e->count; i++)
		fprintf(stderr, "  %s\n", e->items[i]);
}

int ph_script_compile(const char *rel)
{
	struct sieve_result res;
	struct sieve_script *script;
	char path[2048];

	if (ph_suite.script != NULL)
		sieve_script_free(ph_suite.script);
	ph_suite.script = NULL;
	ph_suite.saved[0] = '\0';
	if (!ph_examples_map(ph_suite.file_dir, rel, path, sizeof path))
		snprintf(path, sizeof path, "%s/%s", ph_suite.file_dir, rel);
	if ((script = parse_file(path)) == NULL) {
		compile_failed(rel, "parse");
		return -1;
	}
	if (sieve_native_check(script, &res) != 0) {
		sieve_script_free(script);
		return -1;
	}
	ph_errors_take(&res.errors);
	if (res.failed) {
		compile_failed(rel, "validation");
		sieve_result_free(&res);
		sieve_script_free(script);
		return -1;
	}
	sieve_result_free(&res);
	ph_suite.script = script;
	return 0;
}

/* Whether rt's plan holds a reject test_result_execute carried out:
 * Pigeonhole takes a later script's reject for a duplicate of it and
 * drops it (a "graceful conflict"), as deliver's executor, which acts
 * on the first reject of a sequence only. */
static bool executed_reject(const struct sieve_rt *rt)
{
	const struct plan *p = &rt->res->plan;

	for (size_t i = 0; i < p->count && i < ph_suite.executed; i++)
		if (p->actions[i].type == ACTION_REJECT)
			return true;
	return false;
}

/* Add the actions of a sub-script's plan to rt's. */
static int merge_plan(struct sieve_rt *rt, struct sieve_pos pos,
    const struct sieve_result *sub)
{
	for (size_t i = 0; i < sub->plan.count; i++) {
		const struct action *a = &sub->plan.actions[i];
		struct action *b;

		if (a->type == ACTION_REJECT && executed_reject(rt))
			continue;
		b = sieve_rt_add_action(rt, pos, a->type, a->mailbox,
		    a->flags, a->address, a->text);

		if (b == NULL)
			return -1;
		if (a->keywords != NULL) {
			free(b->keywords);
			if ((b->keywords = strdup(a->keywords)) == NULL)
				return -1;
		}
		b->create = a->create;
		b->days = a->days;
		b->mime = a->mime;
		b->subject = a->subject ? strdup(a->subject) : NULL;
		b->from = a->from ? strdup(a->from) : NULL;
		b->handle = a->handle ? strdup(a->handle) : NULL;
		free(b->edits);   /* the sub-script's header version */
		b->edits = a->edits ? strdup(a->edits) : NULL;
	}
	if (!sub->keep)
		sieve_rt_cancel_keep(rt);
	return 0;
}

int ph_script_run(struct sieve_rt *rt, struct sieve_pos pos)
{
	struct sieve_result res;
	int ok;

	if (ph_suite.script == NULL)
		return sieve_rt_error(rt, pos, "test_script_run: no script "
		    "compiled yet");
	if (sieve_native_eval(ph_suite.script, &ph_suite.msg.env,
	    &ph_suite.lim, &res) != 0)
		return sieve_rt_error(rt, pos, "out of memory");
	ok = !res.failed;
	if (ok && merge_plan(rt, pos, &res) != 0) {
		sieve_result_free(&res);
		return -1;
	}
	ph_errors_take(&res.errors);
	sieve_result_free(&res);
	return ok;
}

/* The variables of the running evaluation take the new limits (what
 * test_config_reload :extension "variables" asks of Pigeonhole). */
static void sync_vars_limits(struct sieve_rt *rt)
{
	struct sieve_vars_limits vl = {
		.max_scope_size = rt->lim.max_scope_size,
		.max_variable_size = rt->lim.max_variable_size,
	};

	if (rt->vars != NULL)
		sieve_vars_set_limits(rt->vars, &vl);
}

/* A key of deliver.conf (the native engine's limits among them, mapped
 * by the product's own sieve_native_limits_of), set for every script
 * compiled or run from now on and for the running evaluation's limits.
 * A key deliver does not have is noted in the log; a test relying on it
 * shows it. */
int ph_config_set(struct sieve_rt *rt, struct sieve_pos pos,
    const char *key, const char *value)
{
	char err[300];

	/* test_config_unset: the setting's default again */
	if (value == NULL && config_reset(&ph_suite.cfg, key) == 0) {
		sieve_native_limits_of(&ph_suite.cfg, &ph_suite.lim);
		rt->lim = ph_suite.lim;
		sync_vars_limits(rt);
		ph_message_sync_env();
		sieve_editheader_configure(&ph_suite.cfg);
		return 0;
	}
	if (value == NULL || !config_key_exists(key)) {
		sieve_rt_note(rt, "test_config_%s: %s is not a setting deliver "
		    "can %s", value ? "set" : "unset", key, value ? "take" :
		    "reset here");
		fprintf(stderr, "test_config: %s ignored\n", key);
		return 0;
	}
	if (config_set(&ph_suite.cfg, key, value, err, sizeof err) != 0)
		return sieve_rt_error(rt, pos, "test_config_set: %s", err);
	sieve_native_limits_of(&ph_suite.cfg, &ph_suite.lim);
	rt->lim = ph_suite.lim;
	sync_vars_limits(rt);
	ph_message_sync_env();
	sieve_editheader_configure(&ph_suite.cfg);
	return 0;
}

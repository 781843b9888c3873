/* interp.c: the native Sieve interpreter: evaluates a parsed and checked
 * script (sieve_ast.h) in the delivery process and fills the same struct
 * sieve_result the libsieve adapter fills (see sieve_rt.h).
 *
 * The walk recurses over nested blocks and tests; the parser bounds that
 * nesting by SIEVE_DEPTH_MAX (sieve_parse.h), so the depth of the C stack
 * does not follow the input beyond it.  Work is bounded by the step
 * counter and the CPU time of sieve_rt_step, memory by the scratch pool's
 * cap (interp_pool.h), the plan by sieve_max_actions. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "interp_pool.h"
#include "sieve_edit.h"
#include "sieve_rt.h"
#include "sieve_parse.h"
#include "sieve_match.h"
#include "sieve_vars.h"

static int eval_test(struct sieve_rt *rt, const struct sieve_test *t);

/* anyof/allof: short-circuit, as RFC 5228 section 5.1/5.2 allow and
 * Pigeonhole does. */
static int eval_list(struct sieve_rt *rt, const struct sieve_test *t,
    bool any)
{
	for (; t; t = t->next) {
		int r = eval_test(rt, t);

		if (r < 0)
			return -1;
		if (r == (any ? 1 : 0))
			return any ? 1 : 0;
	}
	return any ? 0 : 1;
}

static int run_leaf_test(struct sieve_rt *rt, const struct sieve_test *t)
{
	const struct sieve_def *def = sieve_ext_def(&rt->required, t->name,
	    true, NULL);
	sieve_pool_mark mark = sieve_pool_mark_get(rt->pool);
	struct sieve_call c;
	int r;

	if (def == NULL || def->run == NULL)
		return sieve_rt_error(rt, t->pos, "test `%s` cannot run",
		    t->name);
	sieve_call_init(&c, def, NULL, t);
	rt->pos = t->pos;
	r = def->run(rt, &c);
	/* what the test allocated is not needed once it has answered */
	sieve_pool_release(rt->pool, mark);
	if (r >= 0)
		sieve_rt_trace(rt, "  line %u: test %s: %s", t->pos.line,
		    t->name, r ? "true" : "false");
	return rt->error ? -1 : r;
}

static int eval_test(struct sieve_rt *rt, const struct sieve_test *t)
{
	if (sieve_rt_step(rt, t->pos, 1) < 0)
		return -1;
	if (strcmp(t->name, "not") == 0) {
		int r = eval_test(rt, t->tests);

		return r < 0 ? -1 : !r;
	}
	if (strcmp(t->name, "anyof") == 0)
		return eval_list(rt, t->tests, true);
	if (strcmp(t->name, "allof") == 0)
		return eval_list(rt, t->tests, false);
	return run_leaf_test(rt, t);
}

static int run_block(struct sieve_rt *rt, const struct sieve_command *cmd);

static int run_action(struct sieve_rt *rt, const struct sieve_command *cmd)
{
	const struct sieve_def *def = sieve_ext_def(&rt->required, cmd->name,
	    false, NULL);
	sieve_pool_mark mark = sieve_pool_mark_get(rt->pool);
	struct sieve_call c;
	int r;

	if (def == NULL || def->run == NULL)
		return sieve_rt_error(rt, cmd->pos, "command `%s` cannot run",
		    cmd->name);
	sieve_call_init(&c, def, cmd, NULL);
	rt->pos = cmd->pos;
	sieve_rt_trace(rt, "  line %u: %s", cmd->pos.line, cmd->name);
	r = def->run(rt, &c);
	sieve_pool_release(rt->pool, mark);
	return rt->error ? -1 : r;
}

/* if/elsif/else: *taken says whether an earlier branch of the chain
 * ran. */
static int run_branch(struct sieve_rt *rt, const struct sieve_command *cmd,
    bool *taken)
{
	int r;

	if (strcmp(cmd->name, "if") == 0)
		*taken = false;
	if (*taken)
		return 0;
	if (strcmp(cmd->name, "else") == 0)
		r = 1;
	else if ((r = eval_test(rt, cmd->tests)) < 0)
		return -1;
	if (r == 0)
		return 0;
	*taken = true;
	return run_block(rt, cmd->block);
}

static int run_block(struct sieve_rt *rt, const struct sieve_command *cmd)
{
	bool taken = false;

	for (; cmd && !rt->stopped && !rt->leaving; cmd = cmd->next) {
		int r;

		if (sieve_rt_step(rt, cmd->pos, 1) < 0)
			return -1;
		if (strcmp(cmd->name, "require") == 0)
			continue;
		if (strcmp(cmd->name, "if") == 0 ||
		    strcmp(cmd->name, "elsif") == 0 ||
		    strcmp(cmd->name, "else") == 0)
			r = run_branch(rt, cmd, &taken);
		else
			r = run_action(rt, cmd);
		if (r < 0)
			return -1;
	}
	return 0;
}

int sieve_rt_run_block(struct sieve_rt *rt, const struct sieve_command *block)
{
	return run_block(rt, block);
}

/* ---- one evaluation ---- */

static void fill_limits(struct sieve_native_limits *l,
    const struct sieve_native_limits *from)
{
	if (from != NULL)
		*l = *from;
	else
		memset(l, 0, sizeof *l);
	if (l->max_actions == 0)
		l->max_actions = SIEVE_NATIVE_ACTIONS_DEFAULT;
	if (l->max_redirects == 0)
		l->max_redirects = SIEVE_NATIVE_REDIRECTS_DEFAULT;
	if (l->max_script_size == 0)
		l->max_script_size = SIEVE_SCRIPT_MAX;
	if (l->max_cpu_time == 0)
		l->max_cpu_time = SIEVE_NATIVE_CPU_DEFAULT;
	if (l->max_scope_size == 0)
		l->max_scope_size = SIEVE_VARS_SCOPE_DEFAULT;
	if (l->max_variable_size == 0)
		l->max_variable_size = SIEVE_VARS_VALUE_DEFAULT;
	if (l->regex_match_limit == 0)
		l->regex_match_limit = SIEVE_NATIVE_REGEX_DEFAULT;
	if (l->max_steps == 0)
		l->max_steps = SIEVE_NATIVE_STEPS_DEFAULT;
	if (l->max_memory == 0)
		l->max_memory = SIEVE_NATIVE_MEMORY_DEFAULT;
}

/* Check errors as "line L, column C: msg" lines; -1 when any. */
static int check_into(const struct sieve_script *script,
    size_t max_scope_size, struct sieve_result *res,
    struct sieve_ext_set *required)
{
	struct sieve_ncheck_result *ck = calloc(1, sizeof *ck);
	char line[700];
	int rc;

	if (ck == NULL)
		return -2;
	ck->max_scope_size = max_scope_size;
	rc = sieve_ext_check(script, ck);
	*required = ck->required;
	for (size_t i = 0; i < ck->ndiags; i++) {
		(void)sieve_diag_format(&ck->diags[i], line, sizeof line);
		(void)sieve_msgs_add(&res->errors, "%s", line);
	}
	if (ck->nerrors + ck->nsoft > ck->ndiags)
		(void)sieve_msgs_add(&res->errors, "... and %zu more errors",
		    ck->nerrors + ck->nsoft - ck->ndiags);
	free(ck);
	return rc;
}

static void fail_result(struct sieve_result *res)
{
	plan_free(&res->plan);
	memset(&res->plan, 0, sizeof res->plan);
	res->failed = true;
	res->keep = true;
}

static int rt_start(struct sieve_rt *rt, const struct sieve_env *env,
    const struct sieve_native_limits *lim, struct sieve_result *res)
{
	memset(rt, 0, sizeof *rt);
	rt->env = env;
	rt->res = res;
	rt->trace = env->trace;
	fill_limits(&rt->lim, lim);
	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &rt->cpu_start);
	if ((rt->pool = sieve_pool_new(rt->lim.max_memory)) == NULL)
		return -1;
	return 0;
}

static bool required_by_rt(const void *ctx, const char *name)
{
	return sieve_rt_requires(ctx, name);
}

/* ${ns.name}: the value from the required extension that brings the
 * namespace (sieve_vars_ns_fn). */
static int namespace_value(void *ctx, const char *ref, size_t len,
    const char **val, size_t *vlen)
{
	struct sieve_rt *rt = ctx;
	size_t nslen = strcspn(ref, ".");
	const struct sieve_extension *e = nslen < len ?
	    sieve_ext_namespace(ref, nslen, required_by_rt, rt) : NULL;
	const char *name;

	if (e == NULL || e->var_value == NULL ||
	    (name = sieve_rt_strndup(rt, ref + nslen + 1,
	    len - nslen - 1)) == NULL ||
	    (*val = e->var_value(rt, name)) == NULL)
		return 0;
	*vlen = strlen(*val);
	return 1;
}

static int rt_vars(struct sieve_rt *rt)
{
	struct sieve_vars_limits vl = {
		.max_scope_size = rt->lim.max_scope_size,
		.max_variable_size = rt->lim.max_variable_size,
	};

	if (!sieve_rt_requires(rt, "variables"))
		return 0;
	if ((rt->vars = sieve_vars_new(&vl)) == NULL)
		return -1;
	sieve_vars_set_namespaces(rt->vars, namespace_value, rt);
	return 0;
}

static void rt_end(struct sieve_rt *rt)
{
	for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX; i++)
		if (rt->ext_state[i] != NULL &&
		    sieve_ext_table[i]->state_free != NULL)
			sieve_ext_table[i]->state_free(rt->ext_state[i]);
	if (rt->vars != NULL)
		sieve_vars_free(rt->vars);
	sieve_vars_free(rt->globals);
	sieve_edit_end(rt);
	sieve_rt_hv_cache_free(rt->hv_cache);
	sieve_pool_free(rt->pool);
}

/* The start hooks of the required extensions (include: the global
 * variables). */
static int run_start_hooks(struct sieve_rt *rt)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->start != NULL && sieve_ext_set_has(&rt->required, e) &&
		    e->start(rt) < 0)
			return -1;
	}
	return 0;
}

/* The end hooks of the required extensions (imap4flags: the implicit
 * keep's flags). */
static int run_end_hooks(struct sieve_rt *rt)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->end != NULL && sieve_ext_set_has(&rt->used, e) &&
		    e->end(rt) < 0)
			return -1;
	}
	return 0;
}

int sieve_native_eval(const struct sieve_script *script,
    const struct sieve_env *env, const struct sieve_native_limits *lim,
    struct sieve_result *res)
{
	struct sieve_rt rt;
	int rc;

	memset(res, 0, sizeof *res);
	res->keep = true;
	if (rt_start(&rt, env, lim, res) < 0)
		return -1;
	rt.script = script;
	if (env->cfg != NULL)
		sieve_editheader_configure(env->cfg);
	rc = check_into(script, rt.lim.max_scope_size, res, &rt.required);
	if (rc == -2) {
		rt_end(&rt);
		return -1;
	}
	if (rc < 0) {
		fail_result(res);
		rt_end(&rt);
		return 0;
	}
	rt.used = rt.required;
	if (rt_vars(&rt) < 0) {
		rt_end(&rt);
		return -1;
	}
	if (sieve_edit_start(&rt) < 0 || run_start_hooks(&rt) < 0 ||
	    run_block(&rt, script->commands) < 0 || run_end_hooks(&rt) < 0 ||
	    rt.error)
		fail_result(res);
	else if (rt.env->edits != NULL &&
	    (res->edits = strdup(rt.env->edits)) == NULL)
		fail_result(res);
	rt_end(&rt);
	return 0;
}

int sieve_native_check(const struct sieve_script *script,
    struct sieve_result *res)
{
	struct sieve_ext_set required;
	int rc;

	memset(res, 0, sizeof *res);
	res->keep = true;
	rc = check_into(script, 0, res, &required);
	if (rc == -2)
		return -1;
	if (rc < 0)
		res->failed = true;
	return 0;
}

/* ph_ext_testsuite.c: vnd.dovecot.testsuite, Pigeonhole's test language,
 * as an entry of deliver's Sieve extension table.  Test-only: it is
 * listed in the runner's copy of the table (ph_ext_table.c), never in the
 * product's.
 *
 * The commands and tests act on the state of ph_suite.h.  `test` runs its
 * block through the interpreter (sieve_rt_run_block); test_fail ends the
 * block by stopping the evaluation, and `test` then clears the stop, so
 * the next block runs, as in Pigeonhole where a failure jumps to the end
 * of the block.  A runtime error inside a block fails that block and is
 * cleared the same way.  Semantics follow Pigeonhole 0.5.19's
 * src/testsuite (read there, written here). */
#include <stdlib.h>
#include <string.h>

#include "ph_ext.h"
#include "ph_store.h"
#include "ph_suite.h"
#include "sieve_address.h"
#include "sieve_match.h"
#include "sieve_parse.h"

#define END_TAG { NULL, SIEVE_ARGT_NONE, 0, NULL }
#define MATCH_TAGS \
	{ "is", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "contains", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "matches", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "comparator", SIEVE_ARGT_STRING, SIEVE_TG_COMPARATOR, NULL }

static const char *arg_string(struct sieve_rt *rt, const struct sieve_arg *a,
    size_t *len)
{
	return a ? sieve_rt_string(rt, a->strings, len) : NULL;
}

/* ---- test, test_fail ---- */

static int run_test(struct sieve_rt *rt, const struct sieve_call *c)
{
	int r;

	if (ph_suite.block >= 0)
		return sieve_rt_error(rt, c->pos, "tests cannot be nested");
	ph_suite.block = ph_suite.nblocks++;
	ph_suite.failed = false;
	r = sieve_rt_run_block(rt, c->cmd->block);
	if (r < 0 || rt->error) {
		const char *why = rt->res->errors.count ?
		    rt->res->errors.items[rt->res->errors.count - 1] :
		    "runtime error";
		char line[PH_REASON_LEN];

		snprintf(line, sizeof line, "runtime error: %s", why);
		ph_block_end(line);
		rt->error = false;
		rt->stopped = false;
		return 0;
	}
	if (ph_suite.failed)
		rt->stopped = false;   /* the stop was test_fail's */
	ph_block_end(NULL);
	return 0;
}

static int run_test_fail(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *why = arg_string(rt, c->positional[0], NULL);

	if (why == NULL)
		return -1;
	ph_suite.failed = true;
	snprintf(ph_suite.reason, sizeof ph_suite.reason, "test_fail: %s",
	    why);
	rt->stopped = true;
	return 0;
}

/* ---- test_set ---- */

/* A test_set value stored as it is (envelope.auth) */
static int set_field(char **field, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return -1;
	free(*field);
	*field = copy;
	ph_message_sync_env();
	return 0;
}

/* An envelope path as test_set gives it, stored as deliver is given one
 * (the bare address of -f and -a): as Pigeonhole's testsuite reads it
 * into an SMTP address, brackets and a source route are dropped and "<>"
 * is the null path "".  A value that is no path is kept as it is, so
 * that the envelope test, which refuses it, sees it. */
static int set_path(char **field, const char *value)
{
	struct sieve_address_list l = { 0 };
	char *copy = NULL;
	bool nomem = false;
	int rc;

	if (sieve_address_path_parse(value, &l) != 0)
		return -1;
	if (l.n == 1)
		copy = sieve_address_part(&l.items[0], SIEVE_AP_ALL, "",
		    &nomem);
	sieve_address_list_free(&l);
	if (nomem)
		return -1;
	rc = set_field(field, copy != NULL ? copy : value);
	free(copy);
	return rc;
}

static int run_test_set(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct ph_message *m = &ph_suite.msg;
	const char *what = arg_string(rt, c->positional[0], NULL), *value;
	size_t len;

	if (what == NULL ||
	    (value = arg_string(rt, c->positional[1], &len)) == NULL)
		return -1;
	if (strcmp(what, "message") == 0) {
		if (ph_message_set(value, len) != 0)
			return sieve_rt_error(rt, c->pos, "%s",
			    ph_suite.reason);
		rt->env = &m->env;
		return 0;
	}
	if (strcmp(what, "envelope.from") == 0)
		return set_path(&m->env_from, value);
	if (strcmp(what, "envelope.to") == 0)
		return set_path(&m->env_to, value);
	if (strcmp(what, "envelope.orig_to") == 0)
		return set_path(&m->env_orig_to, value);
	if (strcmp(what, "envelope.auth") == 0)
		return set_field(&m->env_auth, value);
	return sieve_rt_error(rt, c->pos, "test_set: unknown object \"%s\"",
	    what);
}

/* ---- test_message ---- */

static int show_mail(struct sieve_rt *rt, const struct sieve_call *c,
    const struct ph_mail *mail)
{
	struct ph_message *m = &ph_suite.msg;
	struct ph_mail copy = *mail;

	if (ph_message_set(copy.text, copy.len) != 0)
		return sieve_rt_error(rt, c->pos, "%s", ph_suite.reason);
	if (copy.from != NULL && set_field(&m->env_from, copy.from) != 0)
		return -1;
	if (copy.to != NULL && set_field(&m->env_to, copy.to) != 0)
		return -1;
	rt->env = &m->env;
	return 0;
}

/* test_message :smtp N / :folder NAME N: the message to look at from now
 * on.  As a command a missing message is a runtime error, as a test it
 * is false. */
static int select_message(struct sieve_rt *rt, const struct sieve_call *c,
    bool as_test)
{
	uint64_t n = c->positional[c->npositional - 1]->number;
	const struct sieve_arg *folder = sieve_call_tag_value(c, "folder");
	const char *name = "";

	if (folder != NULL) {
		struct ph_mail filed = { 0 };
		int r;

		if ((name = arg_string(rt, folder, NULL)) == NULL)
			return -1;
		char flags[sizeof ph_suite.msg.flags];

		if (ph_store_read(name, n, &filed.text, &filed.len, flags,
		    sizeof flags) == 0) {
			r = show_mail(rt, c, &filed);
			free(filed.text);
			if (r >= 0) {
				/* imap4flags starts from the mail's flags */
				strlcpy(ph_suite.msg.flags, flags,
				    sizeof ph_suite.msg.flags);
				ph_message_sync_env();
			}
			return r < 0 ? -1 : 1;
		}
	} else if (n < ph_suite.nsent) {
		return show_mail(rt, c, &ph_suite.sent[n]) < 0 ? -1 : 1;
	}
	if (as_test)
		return 0;
	return sieve_rt_error(rt, c->pos, "test_message: no %s message %llu"
	    "%s%s%s", folder ? "filed" : "sent", (unsigned long long)n,
	    folder ? " in \"" : "", name, folder ? "\"" : "");
}

static int run_test_message(struct sieve_rt *rt, const struct sieve_call *c)
{
	return select_message(rt, c, false) < 0 ? -1 : 0;
}

static int run_test_message_test(struct sieve_rt *rt,
    const struct sieve_call *c)
{
	return select_message(rt, c, true);
}

static const struct sieve_tag message_tags[] = {
	{ "smtp", SIEVE_ARGT_NONE, SIEVE_TG_PRIVATE, NULL },
	{ "folder", SIEVE_ARGT_STRING, SIEVE_TG_PRIVATE, NULL },
	END_TAG
};

/* ---- the result ---- */

/* A new, empty result: Pigeonhole makes one, so extension state kept
 * per result (imap4flags' internal flags) starts afresh too. */
static int reset_result(struct sieve_rt *rt)
{
	for (size_t i = 0; i < sieve_ext_count && i < SIEVE_EXT_MAX; i++)
		if (rt->ext_state[i] != NULL &&
		    sieve_ext_table[i]->state_free != NULL) {
			sieve_ext_table[i]->state_free(rt->ext_state[i]);
			rt->ext_state[i] = NULL;
		}
	plan_free(&rt->res->plan);
	memset(&rt->res->plan, 0, sizeof rt->res->plan);
	rt->res->keep = true;
	rt->nactions = 0;
	rt->nredirects = 0;
	ph_suite.executed = 0;
	ph_suite.keep_executed = false;
	return 0;
}

/* test_result_reset: the result, and the mail sent so far. */
static int run_result_reset(struct sieve_rt *rt, const struct sieve_call *c)
{
	(void)c;
	ph_sent_reset();
	return reset_result(rt);
}

static int run_result_print(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct plan *p = &rt->res->plan;

	(void)c;
	for (size_t i = 0; i < p->count; i++)
		printf("action %zu: %s %s\n", i + 1,
		    ph_action_name(p->actions[i].type),
		    p->actions[i].mailbox ? p->actions[i].mailbox :
		    p->actions[i].address ? p->actions[i].address : "");
	printf("implicit keep: %s\n", rt->res->keep ? "yes" : "no");
	return 0;
}

static int run_result_execute(struct sieve_rt *rt, const struct sieve_call *c)
{
	(void)c;
	/* as Pigeonhole's: test_error then sees this execution's errors */
	sieve_msgs_free(&ph_suite.errors);
	return ph_execute_plan(rt) == 0;
}

/* test_result_action [:index N] <match> <keys>: the names of the actions
 * of the result (Pigeonhole's: fileinto is "store"). */
static int run_result_action(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *idx = sieve_call_tag_value(c, "index");
	const struct plan *p = &rt->res->plan;
	const char **v = sieve_rt_alloc(rt, (p->count + 1) * sizeof *v);
	size_t *len = sieve_rt_alloc(rt, (p->count + 1) * sizeof *len);
	struct sieve_strings values = { v, len, 0 }, keys;

	if (v == NULL || len == NULL ||
	    sieve_rt_strings(rt, c->positional[0], &keys) < 0)
		return -1;
	for (size_t i = 0; i < p->count; i++) {
		if (idx != NULL && idx->number != i + 1)
			continue;
		v[values.n] = ph_action_name(p->actions[i].type);
		len[values.n] = strlen(v[values.n]);
		values.n++;
	}
	return sieve_rt_match(rt, c, &values, &keys);
}

static const struct sieve_tag index_match_tags[] = {
	{ "index", SIEVE_ARGT_NUMBER, SIEVE_TG_PRIVATE, NULL },
	MATCH_TAGS,
	END_TAG
};

/* test_error [:index N] <match> <keys>: the diagnostics of the last
 * test_script_compile or test_script_run. */
/* An error's text as Pigeonhole's testsuite keeps it: the message alone,
 * without the "line N, column M: " deliver puts before it (Pigeonhole
 * passes the location apart), so that an anchored :matches key fits. */
static const char *error_text(const char *e)
{
	unsigned line, col;
	int n = 0;

	if (sscanf(e, "line %u, column %u: %n", &line, &col, &n) == 2 &&
	    n > 0)
		return e + n;
	return e;
}

static int run_test_error(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *idx = sieve_call_tag_value(c, "index");
	const struct sieve_msgs *e = &ph_suite.errors;
	const char **v = sieve_rt_alloc(rt, (e->count + 1) * sizeof *v);
	size_t *len = sieve_rt_alloc(rt, (e->count + 1) * sizeof *len);
	struct sieve_strings values = { v, len, 0 }, keys;

	if (v == NULL || len == NULL ||
	    sieve_rt_strings(rt, c->positional[0], &keys) < 0)
		return -1;
	for (size_t i = 0; i < e->count; i++) {
		if (idx != NULL && idx->number != i + 1)
			continue;
		v[values.n] = error_text(e->items[i]);
		len[values.n] = strlen(v[values.n]);
		values.n++;
	}
	return sieve_rt_match(rt, c, &values, &keys);
}

/* ---- scripts ---- */

static int run_script_compile(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *rel = arg_string(rt, c->positional[0], NULL);

	if (rel == NULL)
		return -1;
	return ph_script_compile(rel) == 0;
}

static int run_script_run(struct sieve_rt *rt, const struct sieve_call *c)
{
	if (sieve_call_tag(c, "append_result") == NULL)
		(void)reset_result(rt);
	return ph_script_run(rt, c->pos);
}

/* test_multiscript [scripts]: true when every script compiles and the
 * sequence ran and was carried out. */
static int run_multiscript(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings names;
	char paths[3][2100];
	const char *p[3];

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0)
		return -1;
	if (names.n < 1 || names.n > 3)
		return sieve_rt_error(rt, c->pos, "test_multiscript: deliver "
		    "runs 1 to 3 scripts (sieve_before, the user's, "
		    "sieve_after), not %zu", names.n);
	for (size_t i = 0; i < names.n; i++) {
		char rel[1024];

		snprintf(rel, sizeof rel, "%.*s", (int)names.len[i],
		    names.v[i]);
		if (ph_script_compile(rel) != 0)
			return 0;
		snprintf(paths[i], sizeof paths[i], "%s/%s",
		    ph_suite.file_dir, rel);
		p[i] = paths[i];
	}
	return ph_run_sequence(p, names.n) == 0;
}

static const struct sieve_tag script_run_tags[] = {
	{ "append_result", SIEVE_ARGT_NONE, SIEVE_TG_PRIVATE, NULL },
	END_TAG
};

/* ---- settings, mail store, what does not apply ---- */

static int run_config_set(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *key = arg_string(rt, c->positional[0], NULL);
	const char *value = arg_string(rt, c->positional[1], NULL);

	if (key == NULL || value == NULL)
		return -1;
	return ph_config_set(rt, c->pos, key, value);
}

static int run_config_unset(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *key = arg_string(rt, c->positional[0], NULL);

	if (key == NULL)
		return -1;
	return ph_config_set(rt, c->pos, key, NULL);
}

static int run_config_reload(struct sieve_rt *rt, const struct sieve_call *c)
{
	/* settings apply to every script compiled or run after they are
	 * set: nothing to reload */
	(void)rt;
	(void)c;
	return 0;
}

static const struct sieve_tag reload_tags[] = {
	{ "extension", SIEVE_ARGT_STRING, SIEVE_TG_PRIVATE, NULL },
	END_TAG
};

static int run_mailbox_create(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *name = arg_string(rt, c->positional[0], NULL);

	if (name == NULL)
		return -1;
	if (ph_store_create(name) != 0)
		return sieve_rt_error(rt, c->pos, "test_mailbox_create: "
		    "cannot create \"%s\"", name);
	return 0;
}

/* Pigeonhole saves the compiled binary and loads it back; deliver has no
 * binary form, so the parsed script stands in for it under its name. */
static int run_binary_save(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *name = arg_string(rt, c->positional[0], NULL);

	if (name == NULL)
		return -1;
	if (ph_suite.script == NULL)
		return sieve_rt_error(rt, c->pos, "test_binary_save: no "
		    "script compiled yet");
	strlcpy(ph_suite.saved, name, sizeof ph_suite.saved);
	return 0;
}

static int run_binary_load(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *name = arg_string(rt, c->positional[0], NULL);

	if (name == NULL)
		return -1;
	if (ph_suite.script == NULL || strcmp(ph_suite.saved, name) != 0)
		return sieve_rt_error(rt, c->pos, "test_binary_load: no "
		    "binary \"%s\" saved", name);
	return 0;
}

static int run_not_applicable(struct sieve_rt *rt, const struct sieve_call *c)
{
	return sieve_rt_error(rt, c->pos, "%s: not in this runner (IMAP "
	    "METADATA is out of scope)", c->name);
}

static const struct sieve_tag message_print_tags[] = {
	{ "smtp", SIEVE_ARGT_NONE, SIEVE_TG_PRIVATE, NULL },
	{ "folder", SIEVE_ARGT_STRING, SIEVE_TG_PRIVATE, NULL },
	END_TAG
};

static const struct sieve_def testsuite_defs[] = {
	{ "test", false, NULL, "S", "test-name", SIEVE_NEST_NONE, true, NULL,
	  run_test },
	{ "test_fail", false, NULL, "S", "reason", SIEVE_NEST_NONE, false,
	  NULL, run_test_fail },
	{ "test_set", false, NULL, "SS", "object|value", SIEVE_NEST_NONE,
	  false, NULL, run_test_set },
	{ "test_message", false, message_tags, "N", "index", SIEVE_NEST_NONE,
	  false, NULL, run_test_message },
	{ "test_message", true, message_tags, "N", "index", SIEVE_NEST_NONE,
	  false, NULL, run_test_message_test },
	{ "test_message_print", false, message_print_tags, "", NULL,
	  SIEVE_NEST_NONE, false, NULL, run_result_print },
	{ "test_result_reset", false, NULL, "", NULL, SIEVE_NEST_NONE, false,
	  NULL, run_result_reset },
	{ "test_result_print", false, NULL, "", NULL, SIEVE_NEST_NONE, false,
	  NULL, run_result_print },
	{ "test_config_set", false, NULL, "SS", "setting|value",
	  SIEVE_NEST_NONE, false, NULL, run_config_set },
	{ "test_config_unset", false, NULL, "S", "setting", SIEVE_NEST_NONE,
	  false, NULL, run_config_unset },
	{ "test_config_reload", false, reload_tags, "", NULL, SIEVE_NEST_NONE,
	  false, NULL, run_config_reload },
	{ "test_mailbox_create", false, NULL, "S", "mailbox", SIEVE_NEST_NONE,
	  false, NULL, run_mailbox_create },
	{ "test_mailbox_delete", false, NULL, "S", "mailbox", SIEVE_NEST_NONE,
	  false, NULL, run_not_applicable },
	{ "test_binary_save", false, NULL, "S", "binary-name", SIEVE_NEST_NONE,
	  false, NULL, run_binary_save },
	{ "test_binary_load", false, NULL, "S", "binary-name", SIEVE_NEST_NONE,
	  false, NULL, run_binary_load },
	{ "test_imap_metadata_set", false, NULL, "SSS",
	  "mailbox|annotation|value", SIEVE_NEST_NONE, false, NULL,
	  run_not_applicable },
	{ "test_script_compile", true, NULL, "S", "script", SIEVE_NEST_NONE,
	  false, NULL, run_script_compile },
	{ "test_script_run", true, script_run_tags, "", NULL, SIEVE_NEST_NONE,
	  false, NULL, run_script_run },
	{ "test_multiscript", true, NULL, "L", "scripts", SIEVE_NEST_NONE,
	  false, NULL, run_multiscript },
	{ "test_result_execute", true, NULL, "", NULL, SIEVE_NEST_NONE, false,
	  NULL, run_result_execute },
	{ "test_result_action", true, index_match_tags, "L", "key list",
	  SIEVE_NEST_NONE, false, NULL, run_result_action },
	{ "test_error", true, index_match_tags, "L", "key list",
	  SIEVE_NEST_NONE, false, NULL, run_test_error },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_testsuite = {
	.name = "vnd.dovecot.testsuite",
	.defs = testsuite_defs,
};

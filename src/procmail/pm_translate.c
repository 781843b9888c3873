/* pm_translate.c: see pm_translate.h.  One walk over the items of the
 * rc (recipes here, actions in pm_actions.c, assignments in pm_assign.c);
 * INCLUDERC and SWITCHRC files are read and walked in place (at most
 * PM_INCLUDE_MAX_DEPTH deep). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pm_cond.h"
#include "pm_translate_int.h"

char *pm_read_file(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);
	struct growbuf b = { 0 };
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		growbuf_add(&b, chunk, (size_t)n);
		if (b.len > PM_RC_MAX_SIZE)
			break;   /* the caller sees it is too large */
	}
	growbuf_add(&b, "", 0);
	if (fd != STDIN_FILENO)
		close(fd);
	if (n < 0 || b.nomem) {
		free(b.data);
		errno = n < 0 ? errno : ENOMEM;
		return NULL;
	}
	*len = b.len;
	return b.data;
}

bool pm_has_flag(const struct pm_item *it, char f)
{
	return strchr(it->flags, f) != NULL;
}

const char *pm_var_value(const struct tr *tr, const char *name)
{
	const struct pm_var *v = pm_vars_get(&tr->vars, name);

	return v && v->state == PM_VAR_KNOWN ? v->value : "";
}

/* "# .procmailrc line N" (the included file's name for its rules) */
void pm_rule_comment(const struct walk *w, int line)
{
	char tail[32];
	struct growbuf b = { 0 };

	snprintf(tail, sizeof tail, " line %d", line);
	growbuf_add(&b, w->comment, strlen(w->comment));
	growbuf_add(&b, tail, strlen(tail));
	growbuf_add(&b, "", 0);
	pm_sieve_comment(w->tr->s, "# ", b.data ? b.data : "");
	free(b.data);
}

void pm_quoted_line(struct pm_sieve *s, const char *before, const char *str,
    const char *after)
{
	struct growbuf b = { 0 };

	pm_sieve_quote(&b, str);
	growbuf_add(&b, "", 0);
	pm_sieve_line(s, "%s%s%s", before, b.data ? b.data : "\"\"", after);
	if (b.nomem)
		s->text.nomem = true;
	free(b.data);
}

/* ---- recipes ---- */

static void add_text(struct growbuf *b, const char *s)
{
	growbuf_add(b, s, strlen(s));
}

/* The conditions (and the chaining gate) as one test: NULL when there
 * is nothing to test, "" when one is not translatable. */
static char *recipe_test(struct tr *tr, const struct pm_item *it,
    bool in_clone, struct pm_verdict *v, int *match_group)
{
	struct pm_cond_ctx ctx = {
		.head = pm_has_flag(it, 'H') || !pm_has_flag(it, 'B'),
		.body = pm_has_flag(it, 'B'),
		.case_sensitive = pm_has_flag(it, 'D'),
		.vars = &tr->vars, .sieve = tr->s, .verdict = v,
	};
	struct growbuf b = { 0 };
	char *match_test = NULL;
	int n = 0;

	if (in_clone) {   /* the clone has delivered: it is gone */
		add_text(&b, "not string :is \"${pm_cdone}\" \"1\"");
		n++;
	}
	if (pm_has_flag(it, 'E')) {
		if (n++ > 0)
			growbuf_add(&b, ", ", 2);
		add_text(&b, "not string :is \"${pm_prev}\" \"1\"");
	} else if (pm_has_flag(it, 'A') || pm_has_flag(it, 'a')) {
		if (n++ > 0)
			growbuf_add(&b, ", ", 2);
		add_text(&b, "string :is \"${pm_last}\" \"1\"");
	}
	for (int i = 0; i < it->nconds; i++) {
		struct pm_cond_result r = pm_cond_translate(&ctx,
		    it->conds[i].text);

		if (r.invalid && tr->err->line == 0) {
			tr->err->line = it->conds[i].line;
			snprintf(tr->err->reason, sizeof tr->err->reason,
			    "Invalid regexp \"%.120s\"", it->conds[i].text);
		}
		if (r.test == NULL)
			continue;
		if (r.match_group > 0) {   /* last: its ${N} must survive */
			free(match_test);
			match_test = r.test;
			*match_group = r.match_group;
			continue;
		}
		if (n++ > 0)
			growbuf_add(&b, ", ", 2);
		growbuf_add(&b, r.test, strlen(r.test));
		free(r.test);
	}
	if (match_test) {
		if (n++ > 0)
			growbuf_add(&b, ", ", 2);
		growbuf_add(&b, match_test, strlen(match_test));
		free(match_test);
		tr->s->exts |= PM_EXT_VARIABLES;
	}
	growbuf_add(&b, "", 0);
	if (v->level == PM_UNTRANSLATABLE || b.nomem) {
		free(b.data);
		return strdup("");
	}
	if (n == 0) {
		free(b.data);
		return NULL;
	}
	if (n > 1) {
		size_t len = b.len + 8;
		char *all = malloc(len);

		if (all)
			snprintf(all, len, "allof(%s)", b.data);
		free(b.data);
		return all ? all : strdup("");
	}
	return b.data;
}

/* procmail's bookkeeping of a recipe's outcome (pm_i: it ran), where a
 * later recipe reads it. */
static void chain_bookkeeping(const struct walk *w, const struct pm_item *it)
{
	struct pm_sieve *s = w->tr->s;

	if (w->need_last && !pm_has_flag(it, 'A') && !pm_has_flag(it, 'a'))
		pm_sieve_line(s, "set \"pm_last\" \"${pm_i}\";");
	if (w->need_prev && pm_has_flag(it, 'E'))
		pm_sieve_line(s, "if not string :is \"${pm_prev}\" \"1\" "
		    "{ set \"pm_prev\" \"${pm_i}\"; }");
	else if (w->need_prev)
		pm_sieve_line(s, "set \"pm_prev\" \"${pm_i}\";");
}

/* The recipe needs the chained form: it reads or feeds the bookkeeping. */
static bool chained(const struct walk *w, const struct pm_item *it)
{
	return w->need_last || w->need_prev || strpbrk(it->flags, "AaEe");
}

static void comment_out(struct pm_sieve *s, const struct pm_item *it)
{
	pm_sieve_line(s, "# :0%s", it->flags);
	for (int i = 0; i < it->nconds; i++)
		pm_sieve_comment(s, "# * ", it->conds[i].text);
	if (it->action == PM_ACT_BLOCK)
		pm_sieve_line(s, "# {");
	else
		pm_sieve_comment(s, "# ", it->action_text);
}

/* Opens "if ... {" for the recipe's action; false when the action runs
 * unconditionally (no test, no chain). */
static bool open_recipe(const struct walk *w, const char *test,
    int match_group, const struct pm_item *it)
{
	struct pm_sieve *s = w->tr->s;

	if (chained(w, it)) {
		if (test) {
			pm_sieve_line(s, "set \"pm_i\" \"0\";");
			pm_sieve_line(s, "if %s {", test);
			s->indent++;
		}
		pm_sieve_line(s, "set \"pm_i\" \"1\";");
		if (match_group)
			pm_sieve_line(s, "set \"MATCH\" \"${%d}\";", match_group);
		if (test) {
			s->indent--;
			pm_sieve_line(s, "}");
		}
		chain_bookkeeping(w, it);
		pm_sieve_line(s, "if string :is \"${pm_i}\" \"1\" {");
		s->indent++;
		return true;
	}
	if (test == NULL)
		return false;
	pm_sieve_line(s, "if %s {", test);
	s->indent++;
	if (match_group)
		pm_sieve_line(s, "set \"MATCH\" \"${%d}\";", match_group);
	return true;
}

static void recipe(struct walk *w, const struct pm_item *it)
{
	struct tr *tr = w->tr;
	struct pm_sieve *s = tr->s;
	struct pm_verdict v = { PM_EXACT, "" };
	int match_group = 0;
	char *test;
	bool opened;
	unsigned exts_before = s->exts;

	pm_rule_comment(w, it->line);
	if (it->has_lock)
		pm_report_note(tr->rep, w->file, it->line, "lock file %s "
		    "dropped: Sieve needs none", it->lockfile ? it->lockfile :
		    "(default)");
	if (pm_has_flag(it, 'e')) {
		pm_verdict_add(&v, PM_DIFFERS, "'e' runs after a failed action; "
		    "Sieve actions do not fail while the script runs, so it "
		    "never does");
		test = strdup("false");
	} else
		test = recipe_test(tr, it, w->clones > 0, &v, &match_group);
	if (test && test[0] == '\0') {
		s->exts = exts_before;   /* nothing of it is in the script */
		match_group = 0;         /* nor a MATCH to set */
		comment_out(s, it);
		free(test);
		test = strdup("false");
		if (it->action != PM_ACT_BLOCK) {
			pm_report_verdict(tr->rep, w->file, it->line, &v);
			free(test);
			return;
		}
	}
	if (match_group)
		pm_vars_set(&tr->vars, "MATCH", PM_VAR_RUNTIME, NULL);
	if (it->action == PM_ACT_BLOCK && pm_has_flag(it, 'c')) {
		/* procmail's clone runs the block, the original skips it:
		 * here the block's deliveries are copies, and its first one
		 * ends the block (pm_cdone) as it ends the clone */
		pm_verdict_add(&v, PM_DIFFERS, "when the 'c' block delivers "
		    "nothing, procmail's copy also goes on through the rest "
		    "of the rc");
		s->exts |= PM_EXT_VARIABLES;
		pm_sieve_line(s, "set \"pm_cdone\" \"0\";");
	}
	if (chained(w, it) || w->clones > 0)
		s->exts |= PM_EXT_VARIABLES;
	opened = open_recipe(w, test, match_group, it);
	free(test);
	if (it->action == PM_ACT_BLOCK) {
		w->braces[it->depth + 1] = opened;
		w->clone[it->depth + 1] = pm_has_flag(it, 'c');
		w->clones += pm_has_flag(it, 'c');
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		return;
	}
	if (pm_action(tr, it, w->file, w->clones > 0, &v))
		pm_sieve_line(s, w->clones > 0 ? "set \"pm_cdone\" \"1\";" :
		    "stop;");
	if (opened) {
		s->indent--;
		pm_sieve_line(s, "}");
	}
	pm_report_verdict(tr->rep, w->file, it->line, &v);
}

/* ---- the walk ---- */

/* For each item: does a later recipe read pm_last (A, a) or pm_prev
 * (E)?  An INCLUDERC or SWITCHRC later may: taken as yes. */
static int later_readers(const struct pm_rc *rc, bool **last, bool **prev)
{
	bool a = false, e = false;

	*last = calloc((size_t)rc->n + 1, sizeof **last);
	*prev = calloc((size_t)rc->n + 1, sizeof **prev);
	if (*last == NULL || *prev == NULL)
		return -1;
	for (int i = rc->n - 1; i >= 0; i--) {
		const struct pm_item *it = &rc->items[i];

		(*last)[i] = a;
		(*prev)[i] = e;
		if (it->kind == PM_ITEM_RECIPE) {
			a |= strpbrk(it->flags, "Aa") != NULL;
			e |= strchr(it->flags, 'E') != NULL;
		} else if (it->kind == PM_ITEM_ASSIGN &&
		    (strcmp(it->name, "INCLUDERC") == 0 ||
		    strcmp(it->name, "SWITCHRC") == 0))
			a = e = true;
	}
	return 0;
}

int pm_translate_rc(struct tr *tr, const char *text, size_t len,
    const char *file, const char *comment)
{
	struct walk *w = calloc(1, sizeof *w);
	struct pm_rc rc;
	int errline = 0, result = 0;
	bool *need_last = NULL, *need_prev = NULL;

	if (w == NULL)
		return -1;
	*w = (struct walk){ .tr = tr, .file = file, .comment = comment };
	if (pm_rc_parse(text, len, &rc, &errline, tr->err->reason,
	    sizeof tr->err->reason) < 0) {
		strlcpy(tr->err->file, file, sizeof tr->err->file);
		tr->err->line = errline;
		pm_rc_free(&rc);
		free(w);
		return -1;
	}
	if (later_readers(&rc, &need_last, &need_prev) < 0) {
		free(need_last);
		free(need_prev);
		pm_rc_free(&rc);
		free(w);
		strlcpy(tr->err->file, file, sizeof tr->err->file);
		tr->err->line = 1;
		strlcpy(tr->err->reason, "out of memory",
		    sizeof tr->err->reason);
		return -1;
	}
	for (int i = 0; i < rc.n && result == 0 && tr->err->line == 0; i++) {
		const struct pm_item *it = &rc.items[i];

		w->need_last = need_last[i];
		w->need_prev = need_prev[i];
		switch (it->kind) {
		case PM_ITEM_RECIPE: recipe(w, it); break;
		case PM_ITEM_ASSIGN: result = pm_assignment(w, it); break;
		case PM_ITEM_BLOCK_END:
			if (w->braces[it->depth + 1]) {
				tr->s->indent--;
				pm_sieve_line(tr->s, "}");
			}
			w->braces[it->depth + 1] = false;
			if (w->clone[it->depth + 1])
				w->clones--;
			w->clone[it->depth + 1] = false;
			break;
		case PM_ITEM_SKIPPED:
			pm_report_note(tr->rep, file, it->line, "procmail skips "
			    "\"%.60s\"", it->value);
			break;
		}
	}
	free(need_last);
	free(need_prev);
	if (tr->err->line != 0 && tr->err->file[0] == '\0') {
		strlcpy(tr->err->file, file, sizeof tr->err->file);
		result = -1;   /* an expression procmail refuses */
	}
	pm_rc_free(&rc);
	free(w);
	return result;
}

int pm_translate(const char *text, size_t len, const char *file,
    const char *home, struct pm_sieve *s, struct pm_report *rep,
    struct pm_error *err)
{
	struct tr tr = { .s = s, .rep = rep, .err = err };
	int rc;

	pm_vars_init(&tr.vars, home);
	rc = pm_translate_rc(&tr, text, len, file, ".procmailrc");
	pm_vars_free(&tr.vars);
	return rc;
}

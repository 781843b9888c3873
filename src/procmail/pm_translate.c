/* pm_translate.c: see pm_translate.h.  One walk over the items of the
 * rc; INCLUDERC and SWITCHRC files are read and walked in place (at most
 * PM_INCLUDE_MAX_DEPTH deep). */
#include "pm_translate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pm_cond.h"
#include "pm_dest.h"
#include "pm_rc.h"
#include "pm_vars.h"
#include "sieve_address.h"

struct tr {
	struct pm_sieve *s;
	struct pm_report *rep;
	struct pm_vars vars;
	struct pm_error *err;
	int include_depth;
	bool chains;                       /* some recipe has A, a, E, e */
};

/* One file's walk. */
struct walk {
	struct tr *tr;
	const char *file;                  /* in the report */
	const char *comment;               /* in the script's comments */
	bool braces[PM_RC_MAX_DEPTH + 1];  /* a block opened a '{' */
	bool clone[PM_RC_MAX_DEPTH + 1];   /* ... a block with 'c' */
	int clones;                        /* 'c' blocks around the walk */
};

static int translate_rc(struct tr *tr, const char *text, size_t len,
    const char *file, const char *comment);

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

static bool has_flag(const struct pm_item *it, char f)
{
	return strchr(it->flags, f) != NULL;
}

static const char *var_value(const struct tr *tr, const char *name)
{
	const struct pm_var *v = pm_vars_get(&tr->vars, name);

	return v && v->state == PM_VAR_KNOWN ? v->value : "";
}

/* "# .procmailrc line N" (the included file's name for its rules) */
static void rule_comment(const struct walk *w, int line)
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

/* ---- actions ---- */

static void quoted_line(struct pm_sieve *s, const char *before,
    const char *str, const char *after)
{
	struct growbuf b = { 0 };

	pm_sieve_quote(&b, str);
	growbuf_add(&b, "", 0);
	pm_sieve_line(s, "%s%s%s", before, b.data ? b.data : "\"\"", after);
	if (b.nomem)
		s->text.nomem = true;
	free(b.data);
}

/* The action's text with variables expanded and outer quotes gone;
 * NULL (reason in v) when a variable has no value. */
static char *expanded_action(struct tr *tr, const char *text,
    struct pm_verdict *v)
{
	struct growbuf b = { 0 };
	bool runtime = false;
	char why[200], *t = strdup(text);
	size_t n;

	if (t == NULL)
		return NULL;
	n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		memmove(t, t + 1, n - 2);
		t[n - 2] = '\0';
	}
	if (pm_vars_expand(&tr->vars, t, PM_EXPAND_STRING, &b, &runtime, why,
	    sizeof why) < 0) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "%s", why);
		free(b.data);
		b.data = NULL;
	}
	if (runtime)
		tr->s->exts |= PM_EXT_VARIABLES;
	free(t);
	return b.data;
}

static void folder_action(struct tr *tr, const struct pm_item *it,
    bool copy, struct pm_verdict *v)
{
	struct pm_sieve *s = tr->s;
	char folder[4096], *dest = expanded_action(tr, it->action_text, v);
	enum pm_dest_kind kind = PM_DEST_NONE;

	if (dest && strpbrk(dest, " \t"))
		pm_verdict_add(v, PM_UNTRANSLATABLE, "several destinations");
	else if (dest && !pm_sieve_text_ok(dest))
		pm_verdict_add(v, PM_UNTRANSLATABLE, "a destination with bytes "
		    "a Sieve string cannot hold");
	else if (dest)
		kind = pm_dest_map(dest, var_value(tr, "MAILDIR"),
		    var_value(tr, "DEFAULT"), folder, sizeof folder, v);
	free(dest);
	switch (kind) {
	case PM_DEST_KEEP:
		if (copy)
			pm_verdict_add(v, PM_DIFFERS, "a copy into INBOX before "
			    "INBOX itself: Sieve keeps one");
		pm_sieve_line(s, "keep;");
		break;
	case PM_DEST_DISCARD:
		if (!copy)
			pm_sieve_line(s, "discard;");
		break;
	case PM_DEST_FOLDER:
		s->exts |= PM_EXT_FILEINTO | (copy ? PM_EXT_COPY : 0);
		quoted_line(s, copy ? "fileinto :copy " : "fileinto ", folder,
		    ";");
		break;
	case PM_DEST_NONE:
		pm_sieve_comment(s, "# not translated: ", it->action_text);
		pm_sieve_line(s, "keep;");
		break;
	}
}

/* An address Sieve's redirect takes: one address with a local part and a
 * domain ("${...}" is checked when the mail arrives). */
static bool redirectable(const char *addr)
{
	struct sieve_address_list l = { 0 };
	bool ok;

	/* a plain addr-spec: no list, no comment, no quoting */
	if (addr[strspn(addr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.!#$%&'*+/=?^_`{|}~@-")] != '\0')
		return false;
	if (strstr(addr, "${"))
		return true;
	ok = sieve_address_list_parse(addr, strlen(addr), &l) == 0 &&
	    l.n == 1 && !l.items[0].raw && l.items[0].domain &&
	    *l.items[0].local && *l.items[0].domain;
	sieve_address_list_free(&l);
	return ok;
}

static void forward_action(struct tr *tr, const struct pm_item *it,
    bool copy, struct pm_verdict *v)
{
	char *list = expanded_action(tr, it->action_text + 1, v), *save = NULL;
	int n = 0;

	if (list == NULL)
		return;
	if (copy)
		tr->s->exts |= PM_EXT_COPY;
	for (char *w = strtok_r(list, " \t", &save); w;
	    w = strtok_r(NULL, " \t", &save)) {
		if (w[0] == '-')
			continue;   /* a sendmail option */
		if (!redirectable(w)) {
			pm_verdict_add(v, PM_UNTRANSLATABLE, "\"%.60s\" is no "
			    "address Sieve redirects to (a local name needs "
			    "its domain)", w);
			continue;
		}
		quoted_line(tr->s, copy ? "redirect :copy " : "redirect ", w,
		    ";");
		n++;
	}
	if (n == 0) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "a forward without an "
		    "address");
		pm_sieve_line(tr->s, "keep;");   /* the mail stays */
	}
	free(list);
}

/* "| formail -D N FILE" under w or W: formail's duplicate check. */
static bool is_formail_dedup(const struct pm_item *it)
{
	char prog[16], opt[4], file[1024];
	unsigned long size;
	int used = 0;

	if (!(has_flag(it, 'w') || has_flag(it, 'W')) || has_flag(it, 'c') ||
	    has_flag(it, 'f'))
		return false;
	return sscanf(it->action_text, "| %15s %3s %lu %1023s %n", prog, opt,
	    &size, file, &used) == 4 && strcmp(prog, "formail") == 0 &&
	    strcmp(opt, "-D") == 0 && it->action_text[used] == '\0';
}

static void pipe_action(struct tr *tr, const struct pm_item *it,
    const char *file, bool copy, struct pm_verdict *v)
{
	struct pm_sieve *s = tr->s;

	if (is_formail_dedup(it)) {
		s->exts |= PM_EXT_DUPLICATE;
		pm_sieve_line(s, "if duplicate {");
		pm_sieve_line(s, "\tdiscard;");
		pm_sieve_line(s, "\tstop;");
		pm_sieve_line(s, "}");
		pm_report_note(tr->rep, file, it->line, "formail -D: deliver's "
		    "duplicate test remembers Message-IDs in deliver.db for its "
		    "period, not in formail's cache file");
		return;
	}
	pm_verdict_add(v, PM_UNTRANSLATABLE, "%s a program",
	    has_flag(it, 'f') ? "filters the message through" :
	    "pipes the message to");
	pm_sieve_comment(s, "# not translated: ", it->action_text);
	if (!copy && !has_flag(it, 'f'))
		pm_sieve_line(s, "keep;");
}

/* The action; true when it delivers (procmail stops after it).  In a
 * 'c' block (in_clone) every delivery is a copy: procmail's clone
 * delivers it while the original goes on. */
static bool action(struct tr *tr, const struct pm_item *it,
    const char *file, bool in_clone, struct pm_verdict *v)
{
	bool copy = has_flag(it, 'c') || in_clone;
	bool delivers = !has_flag(it, 'c');
	bool partial = has_flag(it, 'h') != has_flag(it, 'b');

	switch (it->action) {
	case PM_ACT_FOLDER:
	case PM_ACT_FORWARD:
		if (partial)
			pm_verdict_add(v, PM_DIFFERS, "procmail delivers only the "
			    "%s ('%c' flag)", has_flag(it, 'h') ? "header" :
			    "body", has_flag(it, 'h') ? 'h' : 'b');
		if (it->action == PM_ACT_FOLDER)
			folder_action(tr, it, copy, v);
		else
			forward_action(tr, it, copy, v);
		return delivers;
	case PM_ACT_PIPE:
		pipe_action(tr, it, file, copy, v);
		return !is_formail_dedup(it) && delivers && !has_flag(it, 'f');
	case PM_ACT_CAPTURE:
		pm_verdict_add(v, PM_UNTRANSLATABLE, "$%s takes the output of "
		    "a program", it->name);
		pm_vars_set(&tr->vars, it->name, PM_VAR_UNKNOWN, NULL);
		pm_sieve_comment(tr->s, "# not translated: ", it->action_text);
		return false;
	case PM_ACT_BLOCK:
		return false;
	}
	return false;
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
		.head = has_flag(it, 'H') || !has_flag(it, 'B'),
		.body = has_flag(it, 'B'),
		.case_sensitive = has_flag(it, 'D'),
		.vars = &tr->vars, .sieve = tr->s, .verdict = v,
	};
	struct growbuf b = { 0 };
	char *match_test = NULL;
	int n = 0;

	if (in_clone) {   /* the clone has delivered: it is gone */
		add_text(&b, "not string :is \"${pm_cdone}\" \"1\"");
		n++;
	}
	if (has_flag(it, 'E')) {
		if (n++ > 0)
			growbuf_add(&b, ", ", 2);
		add_text(&b, "not string :is \"${pm_prev}\" \"1\"");
	} else if (has_flag(it, 'A') || has_flag(it, 'a')) {
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

/* procmail's bookkeeping of a recipe's outcome (pm_i: it ran). */
static void chain_bookkeeping(struct tr *tr, const struct pm_item *it)
{
	struct pm_sieve *s = tr->s;

	if (!has_flag(it, 'A') && !has_flag(it, 'a'))
		pm_sieve_line(s, "set \"pm_last\" \"${pm_i}\";");
	if (has_flag(it, 'E'))
		pm_sieve_line(s, "if not string :is \"${pm_prev}\" \"1\" "
		    "{ set \"pm_prev\" \"${pm_i}\"; }");
	else
		pm_sieve_line(s, "set \"pm_prev\" \"${pm_i}\";");
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
static bool open_recipe(struct tr *tr, const char *test, int match_group,
    const struct pm_item *it)
{
	struct pm_sieve *s = tr->s;

	if (tr->chains) {
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
		chain_bookkeeping(tr, it);
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

	rule_comment(w, it->line);
	if (it->has_lock)
		pm_report_note(tr->rep, w->file, it->line, "lock file %s "
		    "dropped: Sieve needs none", it->lockfile ? it->lockfile :
		    "(default)");
	if (has_flag(it, 'e')) {
		pm_verdict_add(&v, PM_DIFFERS, "'e' runs after a failed action; "
		    "Sieve actions do not fail while the script runs, so it "
		    "never does");
		test = strdup("false");
	} else
		test = recipe_test(tr, it, w->clones > 0, &v, &match_group);
	if (test && test[0] == '\0') {
		s->exts = exts_before;   /* nothing of it is in the script */
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
	if (it->action == PM_ACT_BLOCK && has_flag(it, 'c')) {
		/* procmail's clone runs the block, the original skips it:
		 * here the block's deliveries are copies, and its first one
		 * ends the block (pm_cdone) as it ends the clone */
		pm_verdict_add(&v, PM_DIFFERS, "when the 'c' block delivers "
		    "nothing, procmail's copy also goes on through the rest "
		    "of the rc");
		s->exts |= PM_EXT_VARIABLES;
		pm_sieve_line(s, "set \"pm_cdone\" \"0\";");
	}
	if (tr->chains || w->clones > 0)
		s->exts |= PM_EXT_VARIABLES;
	opened = open_recipe(tr, test, match_group, it);
	free(test);
	if (it->action == PM_ACT_BLOCK) {
		w->braces[it->depth + 1] = opened;
		w->clone[it->depth + 1] = has_flag(it, 'c');
		w->clones += has_flag(it, 'c');
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		return;
	}
	if (action(tr, it, w->file, w->clones > 0, &v))
		pm_sieve_line(s, w->clones > 0 ? "set \"pm_cdone\" \"1\";" :
		    "stop;");
	if (opened) {
		s->indent--;
		pm_sieve_line(s, "}");
	}
	pm_report_verdict(tr->rep, w->file, it->line, &v);
}

/* ---- assignments ---- */

static const char *const dropped_vars[] = {
	"LOGFILE", "LOG", "VERBOSE", "LOGABSTRACT", "LOCKFILE", "LOCKTIMEOUT",
	"LOCKEXT", "TIMEOUT", "SHELL", "PATH", "SENDMAIL", "SENDMAILFLAGS",
	"UMASK", "LINEBUF", "COMSAT", "NORESRETRY", "SUSPEND", "SHELLMETAS",
	"SHELLFLAGS", "ORGMAIL", "MSGPREFIX", "DELIVERED", "TRAP",
	"DROPPRIVS", "LASTFOLDER", "TZ", "LANG", "LC_ALL", "IFS", "ENV",
};

static bool is_dropped(const char *name)
{
	for (size_t i = 0; i < sizeof dropped_vars / sizeof dropped_vars[0];
	    i++)
		if (strcmp(name, dropped_vars[i]) == 0)
			return true;
	return false;
}

/* INCLUDERC / SWITCHRC: the file walked in place. */
static int include_file(struct walk *w, const struct pm_item *it,
    const char *path, bool is_switch)
{
	struct tr *tr = w->tr;
	struct pm_verdict v = { PM_EXACT, "" };
	char full[4096], *text;
	size_t len;
	int rc;

	if (path[0] == '/')
		strlcpy(full, path, sizeof full);
	else
		snprintf(full, sizeof full, "%s/%s", var_value(tr, "MAILDIR"),
		    path);
	if (tr->include_depth == PM_INCLUDE_MAX_DEPTH) {
		pm_verdict_add(&v, PM_UNTRANSLATABLE, "INCLUDERC nested more "
		    "than %d deep", PM_INCLUDE_MAX_DEPTH);
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		return 0;
	}
	if ((text = pm_read_file(full, &len)) == NULL) {
		pm_verdict_add(&v, PM_UNTRANSLATABLE, "cannot read %s", full);
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		return 0;
	}
	pm_report_note(tr->rep, w->file, it->line, "%s: %s translated in "
	    "place", is_switch ? "SWITCHRC" : "INCLUDERC", full);
	{
		char head[128];

		snprintf(head, sizeof head, "# line %d: %s ", it->line,
		    is_switch ? "SWITCHRC" : "INCLUDERC");
		pm_sieve_comment(tr->s, head, full);
	}
	tr->include_depth++;
	rc = translate_rc(tr, text, len, full, full);
	tr->include_depth--;
	free(text);
	return rc;
}

static void general_assignment(struct walk *w, const struct pm_item *it,
    const char *value, bool runtime)
{
	struct tr *tr = w->tr;
	struct growbuf b = { 0 };

	if (!pm_sieve_text_ok(value) || strlen(it->name) > 32) {
		struct pm_verdict v = { PM_EXACT, "" };

		/* 32: the longest identifier Sieve allows (SIEVE_IDENT_MAX) */
		pm_verdict_add(&v, PM_UNTRANSLATABLE, strlen(it->name) > 32 ?
		    "$%.40s...: a name longer than a Sieve variable's" :
		    "$%s holds bytes a Sieve string cannot hold", it->name);
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		pm_vars_set(&tr->vars, it->name, PM_VAR_UNKNOWN, NULL);
		return;
	}
	tr->s->exts |= PM_EXT_VARIABLES;
	rule_comment(w, it->line);
	pm_sieve_quote(&b, it->name);
	growbuf_add(&b, " ", 1);
	pm_sieve_quote(&b, value);
	growbuf_add(&b, "", 0);
	pm_sieve_line(tr->s, "set %s;", b.data ? b.data : "\"\" \"\"");
	if (b.nomem)
		tr->s->text.nomem = true;
	free(b.data);
	pm_vars_set(&tr->vars, it->name, runtime || it->depth > 0 ?
	    PM_VAR_RUNTIME : PM_VAR_KNOWN, value);
}

static int assignment(struct walk *w, const struct pm_item *it)
{
	struct tr *tr = w->tr;
	struct pm_verdict v = { PM_EXACT, "" };
	struct growbuf b = { 0 };
	bool runtime = false;
	char why[200];
	const char *name = it->name;
	int rc = 0;

	if (it->backquote) {
		pm_verdict_add(&v, PM_UNTRANSLATABLE, "$%s takes the output of "
		    "a program", name);
		pm_vars_set(&tr->vars, name, PM_VAR_UNKNOWN, NULL);
		pm_report_verdict(tr->rep, w->file, it->line, &v);
		return 0;
	}
	if (pm_vars_expand(&tr->vars, it->value ? it->value : "",
	    PM_EXPAND_STRING, &b, &runtime, why, sizeof why) < 0) {
		free(b.data);
		pm_vars_set(&tr->vars, name, PM_VAR_UNKNOWN, NULL);
		if (strcmp(name, "MAILDIR") == 0 || strcmp(name, "DEFAULT") ==
		    0 || strcmp(name, "INCLUDERC") == 0 ||
		    strcmp(name, "SWITCHRC") == 0) {
			pm_verdict_add(&v, PM_UNTRANSLATABLE, "%s", why);
			pm_report_verdict(tr->rep, w->file, it->line, &v);
		}
		return 0;
	}
	if (is_dropped(name))
		pm_report_note(tr->rep, w->file, it->line, "%s: procmail's own "
		    "setting, dropped", name);
	else if (strcmp(name, "MAILDIR") == 0 || strcmp(name, "DEFAULT") ==
	    0) {
		pm_vars_set(&tr->vars, name, PM_VAR_KNOWN, b.data);
		if (runtime || it->depth > 0) {
			pm_verdict_add(&v, PM_DIFFERS, "%s changed %s: the "
			    "translation uses its last value", name,
			    runtime ? "from the message" : "inside a block");
			pm_report_verdict(tr->rep, w->file, it->line, &v);
		} else if (strcmp(name, "DEFAULT") == 0 && pm_dest_map(b.data,
		    var_value(tr, "MAILDIR"), var_value(tr, "MAILDIR"), why,
		    sizeof why, &v) != PM_DEST_KEEP) {
			v.level = PM_DIFFERS;
			snprintf(v.reasons, sizeof v.reasons, "DEFAULT=%s: mail "
			    "no recipe delivers stays in deliver's INBOX",
			    b.data);
			pm_report_verdict(tr->rep, w->file, it->line, &v);
		} else
			pm_report_note(tr->rep, w->file, it->line, "%s=%s: "
			    "folders are relative to deliver's Maildir root",
			    name, b.data);
	} else if (strcmp(name, "INCLUDERC") == 0)
		rc = include_file(w, it, b.data, false);
	else if (strcmp(name, "SWITCHRC") == 0) {
		if (b.data[0])
			rc = include_file(w, it, b.data, true);
		pm_sieve_line(tr->s, "stop;");
	} else if (strcmp(name, "HOST") == 0) {
		pm_verdict_add(&v, PM_UNTRANSLATABLE, "HOST: procmail leaves the "
		    "rc on another host; Sieve cannot tell");
		pm_report_verdict(tr->rep, w->file, it->line, &v);
	} else if (strcmp(name, "EXITCODE") == 0) {
		pm_verdict_add(&v, PM_DIFFERS, "EXITCODE: a Sieve script cannot "
		    "set deliver's exit code");
		pm_report_verdict(tr->rep, w->file, it->line, &v);
	} else
		general_assignment(w, it, b.data, runtime);
	free(b.data);
	return rc;
}

/* ---- the walk ---- */

static bool any_chain(const struct pm_rc *rc)
{
	for (int i = 0; i < rc->n; i++)
		if (rc->items[i].kind == PM_ITEM_RECIPE &&
		    strpbrk(rc->items[i].flags, "AaEe"))
			return true;
	return false;
}

static int translate_rc(struct tr *tr, const char *text, size_t len,
    const char *file, const char *comment)
{
	struct walk *w = calloc(1, sizeof *w);
	struct pm_rc rc;
	int errline = 0, result = 0;

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
	tr->chains |= any_chain(&rc);
	for (int i = 0; i < rc.n && result == 0 && tr->err->line == 0; i++) {
		const struct pm_item *it = &rc.items[i];

		switch (it->kind) {
		case PM_ITEM_RECIPE: recipe(w, it); break;
		case PM_ITEM_ASSIGN: result = assignment(w, it); break;
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
	rc = translate_rc(&tr, text, len, file, ".procmailrc");
	pm_vars_free(&tr.vars);
	return rc;
}

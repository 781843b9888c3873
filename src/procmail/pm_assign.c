/* pm_assign.c: the assignments of an rc: MAILDIR and DEFAULT (where
 * folders are), INCLUDERC and SWITCHRC (read in place), HOST and
 * EXITCODE (reported), procmail's own settings (dropped with a note),
 * backquotes (not run), and the other variables, which become Sieve
 * variables for later "$VAR" expansions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_dest.h"
#include "pm_translate_int.h"

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
		snprintf(full, sizeof full, "%s/%s", pm_var_value(tr, "MAILDIR"),
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
	rc = pm_translate_rc(tr, text, len, full, full);
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
	pm_rule_comment(w, it->line);
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

int pm_assignment(struct walk *w, const struct pm_item *it)
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
		    pm_var_value(tr, "MAILDIR"), pm_var_value(tr, "MAILDIR"), why,
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


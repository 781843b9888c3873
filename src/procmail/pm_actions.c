/* pm_actions.c: a recipe's action in Sieve: a folder (pm_dest.c maps
 * it), a forward (one redirect per address), the formail -D duplicate
 * idiom, and the programs Sieve cannot run (a comment, and keep where
 * procmail would have delivered). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_dest.h"
#include "pm_translate_int.h"
#include "sieve_address.h"

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
		kind = pm_dest_map(dest, pm_var_value(tr, "MAILDIR"),
		    pm_var_value(tr, "DEFAULT"), folder, sizeof folder, v);
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
		pm_quoted_line(s, copy ? "fileinto :copy " : "fileinto ", folder,
		    ";");
		break;
	case PM_DEST_NONE:
		pm_sieve_comment(s, "# not translated: ", it->action_text);
		pm_sieve_line(s, "keep;");
		break;
	}
}

/* An address Sieve's redirect takes: one address with a local part and a
 * domain.  With variables in the script, one holding "${" is checked when
 * the mail arrives, as Sieve's checker leaves it; without, "${" is two
 * plain characters (a '$' procmail leaves alone) and must make an address
 * as they stand. */
static bool redirectable(const char *addr, bool variables)
{
	struct sieve_address_list l = { 0 };
	bool ok;

	/* a plain addr-spec: no list, no comment, no quoting */
	if (addr[strspn(addr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.!#$%&'*+/=?^_`{|}~@-")] != '\0')
		return false;
	if (variables && strstr(addr, "${"))
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
		if (!redirectable(w, tr->s->exts & PM_EXT_VARIABLES)) {
			pm_verdict_add(v, PM_UNTRANSLATABLE, "\"%.60s\" is no "
			    "address Sieve redirects to (a local name needs "
			    "its domain)", w);
			continue;
		}
		pm_quoted_line(tr->s, copy ? "redirect :copy " : "redirect ", w,
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

	if (!(pm_has_flag(it, 'w') || pm_has_flag(it, 'W')) || pm_has_flag(it, 'c') ||
	    pm_has_flag(it, 'f'))
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
	    pm_has_flag(it, 'f') ? "filters the message through" :
	    "pipes the message to");
	pm_sieve_comment(s, "# not translated: ", it->action_text);
	if (!copy && !pm_has_flag(it, 'f'))
		pm_sieve_line(s, "keep;");
}

/* The action; true when it delivers (procmail stops after it).  In a
 * 'c' block (in_clone) every delivery is a copy: procmail's clone
 * delivers it while the original goes on. */
bool pm_action(struct tr *tr, const struct pm_item *it, const char *file,
    bool in_clone, struct pm_verdict *v)
{
	bool copy = pm_has_flag(it, 'c') || in_clone;
	bool delivers = !pm_has_flag(it, 'c');
	bool partial = pm_has_flag(it, 'h') != pm_has_flag(it, 'b');

	switch (it->action) {
	case PM_ACT_FOLDER:
	case PM_ACT_FORWARD:
		if (partial)
			pm_verdict_add(v, PM_DIFFERS, "procmail delivers only the "
			    "%s ('%c' flag)", pm_has_flag(it, 'h') ? "header" :
			    "body", pm_has_flag(it, 'h') ? 'h' : 'b');
		if (it->action == PM_ACT_FOLDER)
			folder_action(tr, it, copy, v);
		else
			forward_action(tr, it, copy, v);
		return delivers;
	case PM_ACT_PIPE:
		pipe_action(tr, it, file, copy, v);
		return !is_formail_dedup(it) && delivers && !pm_has_flag(it, 'f');
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


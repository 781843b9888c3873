/* pm_vars.c: see pm_vars.h. */
#include "pm_vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_vars_init(struct pm_vars *v, const char *home)
{
	memset(v, 0, sizeof *v);
	if (home)
		pm_vars_set(v, "HOME", PM_VAR_KNOWN, home);
	/* procmail's defaults as the comparison runs it: the Maildir root */
	pm_vars_set(v, "MAILDIR", PM_VAR_KNOWN, home ? home : "");
	if (home) {
		char md[4096];

		snprintf(md, sizeof md, "%s/Maildir", home);
		pm_vars_set(v, "MAILDIR", PM_VAR_KNOWN, md);
		strlcat(md, "/", sizeof md);
		pm_vars_set(v, "DEFAULT", PM_VAR_KNOWN, md);
	}
}

void pm_vars_free(struct pm_vars *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->vars[i].name);
		free(v->vars[i].value);
	}
	v->n = 0;
}

const struct pm_var *pm_vars_get(const struct pm_vars *v, const char *name)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->vars[i].name, name) == 0)
			return &v->vars[i];
	return NULL;
}

int pm_vars_set(struct pm_vars *v, const char *name, enum pm_var_state state,
    const char *value)
{
	struct pm_var *var = (struct pm_var *)pm_vars_get(v, name);
	char *copy = NULL;

	if (state == PM_VAR_KNOWN && (copy = strdup(value ? value : "")) ==
	    NULL)
		return -1;
	if (var == NULL) {
		if (v->n == PM_VARS_MAX) {
			free(copy);
			return -1;
		}
		var = &v->vars[v->n];
		if ((var->name = strdup(name)) == NULL) {
			free(copy);
			return -1;
		}
		var->value = NULL;
		v->n++;
	}
	free(var->value);
	var->value = copy;
	var->state = state;
	return 0;
}

/* The characters procmail's $\NAME quotes. */
static void add_regex_quoted(struct growbuf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("^$.*+?[]()|\\", *s))
			growbuf_add(out, "\\", 1);
		growbuf_add(out, s, 1);
	}
}

static int fail_why(char *why, size_t whylen, const char *fmt,
    const char *name)
{
	snprintf(why, whylen, fmt, name);
	return -1;
}

/* One reference after its '$' at text[*i]; its expansion into out. */
static int expand_one(const struct pm_vars *v, const char *text, size_t *i,
    enum pm_expand_mode mode, struct growbuf *out, bool *runtime, char *why,
    size_t whylen)
{
	char name[128], op[3] = "", word[512] = "";
	bool braces = text[*i] == '{', quoted = false;
	size_t n = 0, j = *i + braces;
	const struct pm_var *var;
	bool set;

	if (!braces && text[j] == '\\') {
		quoted = true;
		j++;
	}
	if (!isalpha((unsigned char)text[j]) && text[j] != '_') {
		if (text[j] == '\0' || strchr(" \t/\"'", text[j])) {
			growbuf_add(out, "$", 1);   /* a lone '$' */
			return 0;
		}
		return fail_why(why, whylen, "$%.1s has no value when the rc "
		    "is translated", text + j);
	}
	while ((isalnum((unsigned char)text[j]) || text[j] == '_') &&
	    n + 1 < sizeof name)
		name[n++] = text[j++];
	name[n] = '\0';
	if (braces) {
		size_t w = 0;

		if (text[j] == ':' || text[j] == '-' || text[j] == '+') {
			op[0] = text[j++];
			if (op[0] == ':' && (text[j] == '-' || text[j] == '+'))
				op[1] = text[j++];
		}
		while (text[j] && text[j] != '}' && w + 1 < sizeof word)
			word[w++] = text[j++];
		word[w] = '\0';
		if (text[j] != '}')
			return fail_why(why, whylen, "${%s without '}'", name);
		j++;
	}
	*i = j;
	var = pm_vars_get(v, name);
	set = var && var->state != PM_VAR_UNKNOWN;
	if (op[0]) {
		bool nonempty = set && (var->state == PM_VAR_RUNTIME ||
		    (var->value && *var->value));
		bool has = op[0] == ':' ? nonempty : set;
		char kind = op[0] == ':' ? op[1] : op[0];

		if (var && var->state == PM_VAR_RUNTIME && op[0] == ':')
			return fail_why(why, whylen, "${%s:...} depends on a "
			    "value known only when mail arrives", name);
		if (kind == '-') {
			if (!has) {
				growbuf_add(out, word, strlen(word));
				return 0;
			}
		} else {
			if (has)
				growbuf_add(out, word, strlen(word));
			return 0;
		}
	}
	if (!set)
		return fail_why(why, whylen, "$%s has no value when the rc is "
		    "translated", name);
	if (var->state == PM_VAR_RUNTIME) {
		if (mode == PM_EXPAND_LITERAL || quoted)
			return fail_why(why, whylen, "$%s is known only when "
			    "mail arrives", name);
		growbuf_add(out, "${", 2);
		growbuf_add(out, name, strlen(name));
		growbuf_add(out, "}", 1);
		*runtime = true;
		return 0;
	}
	if (quoted)
		add_regex_quoted(out, var->value);
	else
		growbuf_add(out, var->value, strlen(var->value));
	return 0;
}

int pm_vars_expand(const struct pm_vars *v, const char *text,
    enum pm_expand_mode mode, struct growbuf *out, bool *runtime, char *why,
    size_t whylen)
{
	size_t start = out->len;

	for (size_t i = 0; text[i]; ) {
		if (text[i] == '$') {
			i++;
			if (expand_one(v, text, &i, mode, out, runtime, why,
			    whylen) < 0)
				return -1;
		} else
			growbuf_add(out, text + i++, 1);
		if (out->len - start > PM_VAR_VALUE_MAX)
			return fail_why(why, whylen, "%s", "expansion too long");
	}
	growbuf_add(out, "", 0);
	if (out->nomem)
		return fail_why(why, whylen, "%s", "out of memory");
	return 0;
}

/* pm_cond.c: see pm_cond.h. */
#include "pm_cond.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_regex.h"

/* What an expression that names no field is tried against. */
static const char *const common_fields =
    "[\"from\", \"sender\", \"reply-to\", \"to\", \"cc\", \"subject\", "
    "\"list-id\", \"return-path\"]";

static void add(struct growbuf *b, const char *s)
{
	growbuf_add(b, s, strlen(s));
}

static void add_match_options(const struct pm_cond_ctx *ctx,
    struct growbuf *b)
{
	ctx->sieve->exts |= PM_EXT_REGEX;
	if (ctx->case_sensitive)
		add(b, ":comparator \"i;octet\" ");
	add(b, ":regex ");
}

static void check_emitted(const struct pm_cond_ctx *ctx,
    const struct pm_re_emitted *info)
{
	if (info->used_newline)
		ctx->sieve->exts |= PM_EXT_ENCODED;
	if (info->line_anchor)
		pm_verdict_add(ctx->verdict, PM_DIFFERS, "'^' or '$' inside a "
		    "header field: Sieve sees one unfolded value");
	if (info->inner_split)
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "\\/ inside "
		    "parentheses");
	if (info->name_prefix)
		pm_verdict_add(ctx->verdict, PM_DIFFERS, "a field name without "
		    "its ':' is read as that field; procmail also matches "
		    "longer names and the From_ line");
	if (info->from_line)
		pm_verdict_add(ctx->verdict, PM_DIFFERS, "the alternative for "
		    "the From_ line is left out: Sieve does not see it");
	if (info->split_keeps_space)
		pm_verdict_add(ctx->verdict, PM_DIFFERS, "procmail's MATCH "
		    "keeps the blank after the field's colon, Sieve's value "
		    "starts after it");
}

/* Fields whose text may come as RFC 2047 encoded words ("=?UTF-8?Q?..?="):
 * Sieve's header test decodes them, procmail greps them as they are. */
static bool may_be_encoded(const char *field)
{
	static const char *const text_fields[] = {
		"subject", "from", "to", "cc", "bcc", "reply-to", "sender",
		"comments", "keywords", "organization", "mail-followup-to",
		"mail-reply-to",
	};

	if (strncmp(field, "resent-", 7) == 0 ||
	    strncmp(field, "original-", 9) == 0 ||
	    strncmp(field, "apparently-", 11) == 0)
		return true;
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0];
	    i++)
		if (strcmp(field, text_fields[i]) == 0)
			return true;
	return false;
}

static void note_encoded(const struct pm_cond_ctx *ctx, char *const *names,
    int n)
{
	for (int i = 0; i < n; i++)
		if (may_be_encoded(names[i])) {
			pm_verdict_add(ctx->verdict, PM_DIFFERS, "Sieve decodes "
			    "RFC 2047 encoded words (=?charset?..?=) in the "
			    "field's text, procmail matches them encoded");
			return;
		}
}

/* Header tests for a parsed expression; NULL on failure. */
static char *header_tests(const struct pm_cond_ctx *ctx,
    const struct pm_re *re, int *match_group)
{
	struct pm_field_test *tests;
	struct growbuf b = { 0 };
	int n = pm_re_split_fields(re, &tests);

	if (n < 0)
		return NULL;
	if (n == 0) {
		struct pm_re_emitted info = { 0 };
		struct growbuf re_text = { 0 };

		pm_verdict_add(ctx->verdict, PM_DIFFERS, "the expression names "
		    "no header field: tried on From, Sender, Reply-To, To, Cc, "
		    "Subject, List-Id and Return-Path only");
		pm_re_emit(re, PM_MODE_VALUE, &re_text, &info);
		check_emitted(ctx, &info);
		add(&b, "header ");
		add_match_options(ctx, &b);
		add(&b, common_fields);
		add(&b, " ");
		pm_sieve_quote(&b, re_text.data ? re_text.data : "");
		free(re_text.data);
		*match_group = info.match_group;
		growbuf_add(&b, "", 0);
		return b.data;
	}
	*match_group = tests[0].info.match_group;
	if (n > 1)
		add(&b, "anyof(");
	for (int i = 0; i < n; i++) {
		if (tests[i].info.match_group != *match_group)
			pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE,
			    "\\/ in alternatives of different shapes");
		check_emitted(ctx, &tests[i].info);
		note_encoded(ctx, tests[i].names, tests[i].nnames);
		if (i > 0)
			add(&b, ", ");
		add(&b, "header ");
		add_match_options(ctx, &b);
		if (tests[i].nnames > 1)
			add(&b, "[");
		for (int k = 0; k < tests[i].nnames; k++) {
			if (k > 0)
				add(&b, ", ");
			pm_sieve_quote(&b, tests[i].names[k]);
		}
		if (tests[i].nnames > 1)
			add(&b, "]");
		add(&b, " ");
		pm_sieve_quote(&b, tests[i].value_re);
	}
	if (n > 1)
		add(&b, ")");
	growbuf_add(&b, "", 0);
	pm_field_tests_free(tests, n);
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

/* A test on a multi-line text: the body, or a variable's value. */
static char *text_test(const struct pm_cond_ctx *ctx, const struct pm_re *re,
    const char *subject, int *match_group)
{
	struct pm_re_emitted info = { 0 };
	struct growbuf re_text = { 0 }, b = { 0 };

	pm_re_emit(re, PM_MODE_TEXT, &re_text, &info);
	check_emitted(ctx, &info);
	if (subject == NULL) {
		ctx->sieve->exts |= PM_EXT_BODY;
		add(&b, "body :raw ");
		if (info.match_group)
			pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE,
			    "\\/ on the body: Sieve's body test sets no "
			    "match variables");
	} else {
		add(&b, "string ");
		*match_group = info.match_group;
	}
	add_match_options(ctx, &b);
	if (subject) {
		pm_sieve_quote(&b, subject);
		add(&b, " ");
	}
	pm_sieve_quote(&b, re_text.data ? re_text.data : "");
	growbuf_add(&b, "", 0);
	free(re_text.data);
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

static char *regex_test(const struct pm_cond_ctx *ctx, const char *text,
    bool head, bool body, const char *subject, int *match_group)
{
	bool *invalid = ctx->invalid;
	char *expanded = pm_re_expand_macros(text, strlen(text)), err[100];
	char *h = NULL, *bt = NULL, *out = NULL;
	struct pm_re re;

	if (expanded == NULL) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "expression "
		    "longer than %d bytes", PM_RE_MAX_LEN);
		return NULL;
	}
	if (pm_re_parse(expanded, strlen(expanded), &re, err,
	    sizeof err) < 0) {
		free(expanded);
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "expression: %s",
		    err);
		/* procmail's "Invalid regexp": parentheses that do not pair */
		if (strstr(err, "')'") && invalid)
			*invalid = true;
		return NULL;
	}
	free(expanded);
	if (subject)
		out = text_test(ctx, &re, subject, match_group);
	else {
		if (head)
			h = header_tests(ctx, &re, match_group);
		if (body)
			bt = text_test(ctx, &re, NULL, match_group);
		if (h && bt) {
			size_t len = strlen(h) + strlen(bt) + 16;

			if ((out = malloc(len)) != NULL)
				snprintf(out, len, "anyof(%s, %s)", h, bt);
			free(h);
			free(bt);
		} else
			out = h ? h : bt;
	}
	pm_re_free(&re);
	return out;
}

/* "N^M": procmail's scoring weights. */
static bool is_score(const char *t)
{
	const char *p = t;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p) && *p != '.')
		return false;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	return *p == '^';
}

static char *size_test(const struct pm_cond_ctx *ctx, char op, const char *t)
{
	char *end, buf[64];
	unsigned long long n;

	while (*t == ' ' || *t == '\t')
		t++;
	n = strtoull(t, &end, 10);
	if (end == t || (*end && *end != ' ' && *end != '\t')) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "size condition "
		    "without a number");
		return NULL;
	}
	snprintf(buf, sizeof buf, "size %s %llu", op == '<' ? ":under" :
	    ":over", n);
	pm_verdict_add(ctx->verdict, PM_DIFFERS, "procmail's size counts the "
	    "From_ line it adds (31 bytes and the sender's address); Sieve's "
	    "is the message's");
	return strdup(buf);
}

static char *negate(char *test)
{
	size_t len;
	char *out;

	if (test == NULL)
		return NULL;
	len = strlen(test) + 6;
	if ((out = malloc(len)) != NULL)
		snprintf(out, len, "not %s", test);
	free(test);
	return out;
}

/* "VAR ??": the name and where its expression starts; 0 if none. */
static size_t area_prefix(const char *t, char *name, size_t namelen)
{
	size_t n = 0, i;

	while ((isalnum((unsigned char)t[n]) || t[n] == '_') && n + 1 < namelen)
		n++;
	if (n == 0 || isdigit((unsigned char)t[0]))
		return 0;
	i = n;
	while (t[i] == ' ' || t[i] == '\t')
		i++;
	if (t[i] != '?' || t[i + 1] != '?')
		return 0;
	memcpy(name, t, n);
	name[n] = '\0';
	i += 2;
	while (t[i] == ' ' || t[i] == '\t')
		i++;
	return i;
}

static char *variable_test(const struct pm_cond_ctx *ctx, const char *name,
    const char *rest, int *match_group)
{
	const struct pm_var *var;
	char subject[300];

	if (strcmp(name, "H") == 0 || strcmp(name, "B") == 0 ||
	    strcmp(name, "HB") == 0 || strcmp(name, "BH") == 0)
		return regex_test(ctx, rest, strchr(name, 'H') != NULL,
		    strchr(name, 'B') != NULL, NULL, match_group);
	var = pm_vars_get(ctx->vars, name);
	if (var == NULL || var->state == PM_VAR_UNKNOWN) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "$%s has no "
		    "value when the rc is translated", name);
		return NULL;
	}
	if (var->state == PM_VAR_RUNTIME) {
		ctx->sieve->exts |= PM_EXT_VARIABLES;
		snprintf(subject, sizeof subject, "${%s}", name);
		return regex_test(ctx, rest, false, false, subject,
		    match_group);
	}
	if (!pm_sieve_text_ok(var->value)) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "$%s holds bytes "
		    "a Sieve string cannot hold", name);
		return NULL;
	}
	return regex_test(ctx, rest, false, false, var->value, match_group);
}

struct pm_cond_result pm_cond_translate(const struct pm_cond_ctx *ctx_in,
    const char *text)
{
	struct pm_cond_result r = { NULL, 0, false };
	struct pm_cond_ctx ctx_local = *ctx_in;
	const struct pm_cond_ctx *ctx = &ctx_local;

	ctx_local.invalid = &r.invalid;
	struct growbuf expanded = { 0 };
	bool negated = false, runtime = false;
	char name[64], why[200];
	size_t skip;

	if (!pm_sieve_text_ok(text)) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "bytes a Sieve "
		    "string cannot hold (a control character, invalid UTF-8)");
		return r;
	}
	for (;;) {
		while (*text == ' ' || *text == '\t')
			text++;
		if (*text == '!') {
			negated = !negated;
			text++;
			continue;
		}
		if (*text == '$' && expanded.data == NULL) {
			if (pm_vars_expand(ctx->vars, text + 1,
			    PM_EXPAND_LITERAL, &expanded, &runtime, why,
			    sizeof why) < 0) {
				pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE,
				    "%s", why);
				free(expanded.data);
				return r;
			}
			text = expanded.data;
			continue;
		}
		break;
	}
	if (expanded.data && !pm_sieve_text_ok(text)) {
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "a variable's "
		    "value with bytes a Sieve string cannot hold");
		free(expanded.data);
		return r;
	}
	if (*text == '?') {
		const char *prog = text + 1;

		while (*prog == ' ' || *prog == '\t')
			prog++;
		if (strcmp(prog, "true") == 0 || strcmp(prog, "false") == 0)
			r.test = strdup(prog);
		else
			pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "the exit "
			    "code of a program");
	} else if (*text == '<' || *text == '>')
		r.test = size_test(ctx, *text, text + 1);
	else if (is_score(text))
		pm_verdict_add(ctx->verdict, PM_UNTRANSLATABLE, "scoring "
		    "weights");
	else if ((skip = area_prefix(text, name, sizeof name)) > 0)
		r.test = variable_test(ctx, name, text + skip, &r.match_group);
	else {
		if (*text == '\\')
			text++;
		r.test = regex_test(ctx, text, ctx->head, ctx->body, NULL,
		    &r.match_group);
	}
	free(expanded.data);
	if (negated) {
		r.test = negate(r.test);
		r.match_group = 0;
	}
	if (ctx->verdict->level == PM_UNTRANSLATABLE) {
		free(r.test);
		r.test = NULL;
	}
	return r;
}
